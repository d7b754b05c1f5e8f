"""``torch.nn.utils.spectral_norm`` / ``remove_spectral_norm``: the older, hook-based
spectral normalisation: parameter ``<name>_orig``, buffers ``<name>_u`` and ``<name>_v``, and
a forward pre-hook that sets ``module.<name>`` = w / sigma (one power step per call in
training mode)."""

from __future__ import annotations

from typing import Any, TypeVar

from ...functional import normalize
from ...grad_mode import no_grad
from ...tensor import Tensor
from ..conv_transpose import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..lazy import UninitializedParameter
from ..module import Module
from ..parameter import Parameter
from ._norm_ops import power_iteration, remove_hook, spectral_sigma, weight_to_matrix

__all__ = ["SpectralNorm", "remove_spectral_norm", "spectral_norm"]


class SpectralNorm:
    """The forward pre-hook: ``module.<name>`` = ``<name>_orig`` / sigma, sigma = u . (W v)
    with W the weight as a (w.shape[dim], -1) matrix."""

    _version: int = 1
    name: str
    dim: int
    n_power_iterations: int
    eps: float

    def __init__(self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        """weight -> (weight.shape[dim], -1)."""
        return weight_to_matrix(weight, self.dim)

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        """w / sigma, after ``n_power_iterations`` steps on u and v if asked."""
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        w = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            power_iteration(w, u, v, self.n_power_iterations, self.eps, v_first=True)
        return weight / spectral_sigma(w, u, v)

    def remove(self, module: Module) -> None:
        """``<name>`` becomes a Parameter holding the current w / sigma."""
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name,
                self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int,
              eps: float) -> SpectralNorm:
        """Move ``<name>`` to ``<name>_orig``, draw u and v (normal, normalised) and
        register the hook."""
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(
                    f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        if isinstance(weight, UninitializedParameter):
            raise ValueError(
                "The module passed to `SpectralNorm` can't have uninitialized parameters. "
                "Make sure to run the dummy forward before applying spectral normalization")
        with no_grad():
            h, w = fn.reshape_weight_to_matrix(weight).shape
            u = normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


T_module = TypeVar("T_module", bound=Module)


def spectral_norm(module: T_module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> T_module:
    """w / sigma(w) through ``<name>_orig``, buffers ``<name>_u``, ``<name>_v`` and a forward
    pre-hook (``dim`` 1 for transposed convolutions, else 0, unless given)."""
    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module: T_module, name: str = "weight") -> T_module:
    """Undo ``spectral_norm``: ``<name>`` becomes a Parameter holding w / sigma."""
    return remove_hook(module, SpectralNorm, name, "spectral_norm")
