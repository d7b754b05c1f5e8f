"""``SparseAdam``: PyTorch's Adam for sparse gradients, which tinygrad_nn does not produce.

PyTorch's SparseAdam updates only the rows present in a sparse gradient (as
``nn.Embedding(sparse=True)`` gives) and refuses dense gradients. tinygrad_nn has one
tensor layout, NumPy's dense arrays: ``Embedding(sparse=True)`` is accepted and its
gradient is dense, and ``sparse_coo_tensor`` stores its values dense (``is_sparse`` is
False). So the only path of PyTorch's SparseAdam that exists here is its refusal of a dense
gradient, which ``step`` raises, as PyTorch does, whenever a parameter has a gradient. The
constructor validates its arguments as PyTorch's does, so code that builds one and falls
back to ``Adam`` on the error keeps working.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..grad_mode import enable_grad
from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_pair


class SparseAdam(Optimizer):
    """PyTorch's SparseAdam: constructed and validated as PyTorch's; ``step`` raises
    PyTorch's ``RuntimeError`` for the dense gradients that are the only kind here. Use
    ``Adam`` instead (it is not the same update: Adam moves every row, its moments decaying
    where the gradient is zero; SparseAdam moves only the rows in the batch).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Dense, real parameters (complex ones: ``ValueError``, as PyTorch).
    lr : float, default 1e-3
        Must be > 0.
    betas : (float, float), default (0.9, 0.999)
        Each in [0, 1).
    eps : float, default 1e-8
        Must be > 0.
    maximize : bool, default False
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))
        complex_params = [[i, j] for i, group in enumerate(self.param_groups)
                          for j, p in enumerate(group["params"]) if p.dtype.kind == "c"]
        if complex_params:
            raise ValueError(f"Complex params at indices {complex_params}: SparseAdam does not "
                             "support complex parameters")

    def _check_hyper(self, group: dict[str, Any]) -> None:
        """PyTorch's checks, in its order and with its messages (all ValueError)."""
        lr, eps, betas = group["lr"], group["eps"], group["betas"]
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_pair("SparseAdam", "betas", betas)
        for i in (0, 1):
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run ``closure`` (with grad enabled), then raise PyTorch's error for the first
        parameter holding a gradient: every gradient here is dense. With no gradient at
        all, nothing happens and ``closure()``'s value is returned, as in PyTorch."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:  # (never sparse: see the module's docstring)
                    raise RuntimeError("SparseAdam does not support dense gradients, please "
                                       "consider Adam instead")
        return loss


__all__ = ["SparseAdam"]
