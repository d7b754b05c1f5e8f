"""Composites shared by the weight and spectral normalisations (both the parametrizations
and the older hook-based versions): PyTorch's ``norm_except_dim`` and ``_weight_norm``, the
matrix view of a weight, and the power iteration on the buffers ``u`` and ``v``."""

from __future__ import annotations

from typing import Any

from ...functional import normalize
from ...grad_mode import no_grad
from ...tensor import Tensor


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002 - PyTorch's name
    """||v||_pow over every dim but ``dim`` (kept with size 1): v (d0, ..., dn) -> (1, .., d_dim,
    .., 1); ``dim=-1`` means the norm of the whole tensor (0-d), as in PyTorch."""
    if dim == -1:
        return v.norm(pow)
    d = dim % v.ndim
    rest = [a for a in range(v.ndim) if a != d]
    out = [1] * v.ndim
    out[d] = v.shape[d]
    return v.permute(d, *rest).reshape(v.shape[d], -1).norm(pow, dim=1).reshape(*out)


def weight_norm(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """w = g * v / ||v|| (norm over every dim but ``dim``); PyTorch's ``torch._weight_norm``."""
    return v * (g / norm_except_dim(v, 2, dim))


def weight_to_matrix(weight: Tensor, dim: int) -> Tensor:
    """weight (d0, ..., dn) -> (d_dim, prod of the others): ``dim`` first, the rest flattened."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.ndim) if d != dim))
    return weight.reshape(weight.shape[0], -1)


def power_iteration(w: Tensor, u: Tensor, v: Tensor, n: int, eps: float,
                    v_first: bool = False) -> None:
    """``n`` steps of u <- normalize(w v), v <- normalize(w^T u), written into the buffers
    ``u`` (h,) and ``v`` (w,) in place; ``v_first`` updates v before u (the hook version)."""
    with no_grad():
        for _ in range(n):
            if v_first:
                normalize(w.mT.mv(u), dim=0, eps=eps, out=v)
            normalize(w.mv(v), dim=0, eps=eps, out=u)
            if not v_first:
                normalize(w.mT.mv(u), dim=0, eps=eps, out=v)


def spectral_sigma(w: Tensor, u: Tensor, v: Tensor) -> Tensor:
    """sigma = u . (w v) with u, v copied (constants for the gradient, as PyTorch's clones)."""
    return u.clone().dot(w.mv(v.clone()))


def remove_hook(module: Any, kind: Any, name: str, what: str) -> Any:
    """Undo the hook-based ``what`` (weight_norm, spectral_norm) on ``module.<name>``: the
    hook of class ``kind`` restores the parameter and is unregistered (ValueError if none)."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, kind) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"{what} of '{name}' not found in {module}")
