"""PyTorch's ``torch.autograd.gradcheck`` module: ``gradcheck``, ``gradgradcheck`` and
``GradcheckError`` with PyTorch's signatures.

The check itself is ``tinygrad_nn.gradcheck`` (one implementation): finite differences in
the inputs' own precision against the reverse-mode derivative, every Jacobian entry by
default and the random projection ``vᵀ·J·u`` with ``fast_mode=True`` (PyTorch's fast mode is
the same idea). What has no counterpart here raises ``NotImplementedError`` naming the
argument: forward-mode AD (``check_forward_ad``, ``check_batched_forward_grad``,
``check_fwd_over_rev``) and vmap (``check_batched_grad``). ``nondet_tol`` is accepted: the
engine's backward is deterministic. ``masked`` only concerns sparse inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..tensor import Tensor
from ._gradcheck_impl import GradcheckError, check_like_torch, gradgradcheck_like_torch

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


_LACKS = {"check_batched_grad": "vmap"}  # the rest need forward-mode AD


def _unsupported(label: str, **flags: bool) -> None:
    """NotImplementedError naming the first check asked for that needs what is missing."""
    for name, value in flags.items():
        if value:
            raise NotImplementedError(
                f"{label}: {name}=True is not supported (tinygrad_nn has no "
                f"{_LACKS.get(name, 'forward-mode AD')}); pass {name}=False"
            )


def _requires(**pairs: tuple[bool, str, bool]) -> None:
    """PyTorch's AssertionError for an option set without the mode it needs."""
    for name, (value, needed, given) in pairs.items():
        if value and not given:
            raise AssertionError(f"Setting {name}=True requires {needed} to be True")


def gradcheck(
    func: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[Tensor],
    *,
    eps: float = 1e-06,
    atol: float = 1e-05,
    rtol: float = 0.001,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Check d func/d inputs against (f(x + eps) - f(x - eps)) / (2 eps), as PyTorch.

    Inputs that require grad are checked in their own dtype (PyTorch warns for those that are
    not float64, and so does this). A mismatch raises ``GradcheckError`` (a
    ``RuntimeError``) naming the input, the element and both values, or returns False
    with ``raise_exception=False``. Then, as in PyTorch, a zero output gradient must give
    zero input gradients (``check_undefined_grad``) of the inputs' dtypes
    (``check_grad_dtypes``). ``fast_mode=True`` checks the projection ``vᵀ·J·u``.
    """
    del nondet_tol, masked  # deterministic backward; sparse-only (see module doc)
    if not check_backward_ad and not check_forward_ad:
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad "
                             "to be True")
    _requires(check_batched_grad=(check_batched_grad, "check_backward_ad", check_backward_ad),
              check_batched_forward_grad=(check_batched_forward_grad, "check_forward_ad",
                                          check_forward_ad))
    _unsupported("gradcheck", check_forward_ad=check_forward_ad,
                 check_batched_forward_grad=check_batched_forward_grad,
                 check_batched_grad=check_batched_grad)
    return check_like_torch(func, inputs, eps, atol, rtol, raise_exception, fast_mode,
                            check_undefined_grad, check_grad_dtypes)


def gradgradcheck(
    func: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    *,
    eps: float = 1e-06,
    atol: float = 1e-05,
    rtol: float = 0.001,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """Check second derivatives: ``gradcheck`` of
    ``(inputs, grad_outputs) -> grad(func(inputs), inputs, grad_outputs, create_graph=True)``.

    Without ``grad_outputs``, random ones that require grad are drawn (so the derivative with
    respect to them is checked too, as in PyTorch). ``gen_non_contig_grad_outputs`` is
    accepted: memory layout does not change values here. Other arguments as ``gradcheck``.
    """
    del nondet_tol, masked, gen_non_contig_grad_outputs  # see the docstring and module doc
    if not check_rev_over_rev and not check_fwd_over_rev:
        raise AssertionError("Expected at least one of check_fwd_over_rev or "
                             "check_rev_over_rev to be True")
    _requires(check_undefined_grad=(check_undefined_grad, "check_rev_over_rev",
                                    check_rev_over_rev),
              check_batched_grad=(check_batched_grad, "check_rev_over_rev", check_rev_over_rev))
    _unsupported("gradgradcheck", check_fwd_over_rev=check_fwd_over_rev,
                 check_batched_grad=check_batched_grad)
    return gradgradcheck_like_torch(
        func, inputs, grad_outputs, eps=eps, atol=atol, rtol=rtol,
        raise_exception=raise_exception, fast_mode=fast_mode,
        check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
    )
