"""``torch.nn.utils.weight_norm`` / ``remove_weight_norm``: the older, hook-based weight
normalisation (deprecated in PyTorch in favour of ``parametrizations.weight_norm``): the
parameters ``<name>_g`` and ``<name>_v`` replace ``<name>``, which a forward pre-hook
recomputes as g * v / ||v|| before every call."""

from __future__ import annotations

import warnings
from typing import Any, TypeVar

from ..lazy import UninitializedParameter
from ..module import Module
from ..parameter import Parameter
from ._norm_ops import norm_except_dim, remove_hook
from ._norm_ops import weight_norm as _weight_norm

__all__ = ["WeightNorm", "remove_weight_norm", "weight_norm"]

_DEPRECATED = ("`torch.nn.utils.weight_norm` is deprecated in favor of "
               "`torch.nn.utils.parametrizations.weight_norm`.")


class WeightNorm:
    """The forward pre-hook: sets ``module.<name>`` = g * v / ||v|| (norm over all dims but
    ``dim``; ``dim=None`` or -1: the whole tensor)."""

    name: str
    dim: int

    def __init__(self, name: str, dim: int | None) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Any:
        """g * v / ||v|| from the module's ``<name>_g`` and ``<name>_v``."""
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module: Module, name: str, dim: int | None) -> WeightNorm:
        """Split ``module.<name>`` into g and v and register the hook (FutureWarning as
        PyTorch's)."""
        warnings.warn(_DEPRECATED, FutureWarning, stacklevel=3)
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(
                    f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError(
                "The module passed to `WeightNorm` can't have uninitialized parameters. "
                "Make sure to run the dummy forward before applying weight normalization")
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        """Make ``<name>`` a plain Parameter again (with the current g * v / ||v||)."""
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


T_module = TypeVar("T_module", bound=Module)


def weight_norm(module: T_module, name: str = "weight", dim: int | None = 0) -> T_module:
    """w = g * v / ||v|| through parameters ``<name>_g`` (the norms, size 1 but on ``dim``)
    and ``<name>_v`` (w's shape) and a forward pre-hook; deprecated as in PyTorch."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: T_module, name: str = "weight") -> T_module:
    """Undo ``weight_norm``: ``<name>`` becomes a Parameter holding g * v / ||v||."""
    return remove_hook(module, WeightNorm, name, "weight_norm")
