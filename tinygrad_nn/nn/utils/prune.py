"""``torch.nn.utils.prune``: zero out entries (unstructured) or whole channels (structured)
of a module's tensor through a mask, as PyTorch's: after ``l1_unstructured(m, "weight",
0.3)`` the module has the parameter ``weight_orig``, the buffer ``weight_mask`` and
``m.weight`` = weight_mask * weight_orig, recomputed by a forward pre-hook; ``remove`` makes
it permanent. Random methods draw from the library's generator (``manual_seed``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..._random import get_rng
from ...tensor import Tensor
from ..module import Module
from ._prune_base import (
    BasePruningMethod,
    PruningContainer,
    as_array,
    nparams_to_prune,
    validate_amount,
    validate_amount_init,
    validate_dim,
    validate_structured,
)

__all__ = [
    "BasePruningMethod", "CustomFromMask", "Identity", "L1Unstructured", "LnStructured",
    "PruningContainer", "RandomStructured", "RandomUnstructured", "custom_from_mask",
    "global_unstructured", "identity", "is_pruned", "l1_unstructured", "ln_structured",
    "random_structured", "random_unstructured", "remove",
]


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (the tensor gets the _orig / _mask form)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return default_mask

    @classmethod
    def apply(cls, module: Module, name: str) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name)


class _Unstructured(BasePruningMethod):
    """Prunes ``amount`` (a fraction or a count) of the entries: those ``_chosen`` picks."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: Any) -> None:
        validate_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        size = int(np.prod(t.shape))
        k = nparams_to_prune(self.amount, size)
        validate_amount(k, size)
        mask = as_array(default_mask).copy()
        if k != 0:
            mask.reshape(-1)[self._chosen(t, size, k)] = 0
        return Tensor._new(mask)

    def _chosen(self, t: Tensor, size: int, k: int) -> np.ndarray:
        raise NotImplementedError


class RandomUnstructured(_Unstructured):
    """Prunes ``amount`` (a fraction or a count) of the entries, chosen at random."""

    def _chosen(self, t: Tensor, size: int, k: int) -> np.ndarray:
        return np.argsort(-get_rng().random(size), kind="stable")[:k]

    @classmethod
    def apply(cls, module: Module, name: str, amount: Any) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name, amount=amount)


class L1Unstructured(_Unstructured):
    """Prunes ``amount`` of the entries with the smallest absolute value."""

    def _chosen(self, t: Tensor, size: int, k: int) -> np.ndarray:
        return Tensor._new(np.abs(as_array(t)).reshape(-1)).topk(k, largest=False).indices._data

    @classmethod
    def apply(cls, module: Module, name: str, amount: Any,  # type: ignore[override]
              importance_scores: Any = None) -> BasePruningMethod:
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class _Structured(BasePruningMethod):
    """Prunes ``amount`` of the channels along ``dim``: all but those ``_kept`` picks."""

    PRUNING_TYPE = "structured"
    amount: Any
    dim: int

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        validate_structured(t)
        validate_dim(t, self.dim)
        n = t.shape[self.dim]
        k = nparams_to_prune(self.amount, n)
        validate_amount(k, n)
        if k == 0:
            return default_mask
        x = as_array(t)
        mask = np.zeros_like(x)
        slc: list[Any] = [slice(None)] * x.ndim
        slc[self.dim] = self._kept(t, n, k)
        mask[tuple(slc)] = 1
        return Tensor._new(mask * as_array(default_mask).astype(mask.dtype))

    def _kept(self, t: Tensor, n: int, k: int) -> np.ndarray:
        raise NotImplementedError


class RandomStructured(_Structured):
    """Prunes ``amount`` of the channels along ``dim``, chosen at random."""

    def __init__(self, amount: Any, dim: int = -1) -> None:
        validate_amount_init(amount)
        self.amount = amount
        self.dim = dim

    def _kept(self, t: Tensor, n: int, k: int) -> np.ndarray:
        prob = get_rng().random(n)
        return prob > np.sort(prob)[k - 1]

    @classmethod
    def apply(cls, module: Module, name: str, amount: Any,  # type: ignore[override]
              dim: int = -1) -> BasePruningMethod:
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(_Structured):
    """Prunes ``amount`` of the channels along ``dim`` with the smallest L``n`` norm."""

    def __init__(self, amount: Any, n: Any, dim: int = -1) -> None:
        validate_amount_init(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def _kept(self, t: Tensor, n: int, k: int) -> np.ndarray:
        x = Tensor._new(as_array(t))
        dim = self.dim % x.ndim
        norm = x.norm(self.n, dim=tuple(d for d in range(x.ndim) if d != dim))
        return norm.topk(n - k, largest=True).indices._data

    @classmethod
    def apply(cls, module: Module, name: str, amount: Any, n: Any,  # type: ignore[override]
              dim: int, importance_scores: Any = None) -> BasePruningMethod:
        return super().apply(module, name, amount=amount, n=n, dim=dim,
                             importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes where the given ``mask`` is 0."""

    PRUNING_TYPE = "global"

    def __init__(self, mask: Any) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        mask = as_array(self.mask)
        if default_mask.shape != self.mask.shape:
            raise AssertionError(f"default_mask shape {default_mask.shape} must match "
                                 f"self.mask shape {self.mask.shape}")
        d = as_array(default_mask)
        return Tensor._new(d * mask.astype(d.dtype))

    @classmethod
    def apply(cls, module: Module, name: str, mask: Any) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name, mask=mask)


def identity(module: Module, name: str) -> Module:
    """Give ``module.<name>`` the pruned form with an all-ones mask."""
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount: Any) -> Module:
    """Prune ``amount`` (fraction or count) of ``module.<name>``'s entries at random."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module: Module, name: str, amount: Any,
                    importance_scores: Any = None) -> Module:
    """Prune the ``amount`` entries of smallest |importance| (default: |module.<name>|)."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Module, name: str, amount: Any, dim: int) -> Module:
    """Prune ``amount`` of the channels along ``dim`` at random."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module: Module, name: str, amount: Any, n: Any, dim: int,
                  importance_scores: Any = None) -> Module:
    """Prune the ``amount`` channels along ``dim`` of smallest L``n`` norm."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters: Any, pruning_method: Any, importance_scores: Any = None,
                        **kwargs: Any) -> None:
    """Prune the (module, name) pairs of ``parameters`` together: ``pruning_method`` (an
    unstructured method class, e.g. L1Unstructured, with ``amount=``) on all their entries
    at once, then ``custom_from_mask`` on each."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = np.concatenate([
        as_array(importance_scores.get((m, name), getattr(m, name))).reshape(-1)
        for m, name in parameters])
    default = np.concatenate([np.ravel(
        as_array(m._buffers[name + "_mask"]) if name + "_mask" in m._buffers
        else np.ones(getattr(m, name).shape, getattr(m, name).dtype))
        for m, name in parameters])
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
                        f"Found method {pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final = as_array(container.compute_mask(Tensor._new(scores), Tensor._new(default)))
    start = 0
    for m, name in parameters:
        shape = getattr(m, name).shape
        n = int(np.prod(shape))
        custom_from_mask(m, name, mask=Tensor._new(final[start:start + n].reshape(shape)))
        start += n


def custom_from_mask(module: Module, name: str, mask: Any) -> Module:
    """Prune ``module.<name>`` where ``mask`` is 0."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module: Module, name: str) -> Module:
    """Make the pruning of ``module.<name>`` permanent (a plain Parameter again)."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning "
                     "can be removed")


def is_pruned(module: Module) -> bool:
    """Whether ``module`` or a descendant has a pruning hook."""
    return any(isinstance(hook, BasePruningMethod)
               for _, m in module.named_modules() for hook in m._forward_pre_hooks.values())
