"""Lazy layers (PyTorch's LazyLinear, LazyConv*d, LazyConvTranspose*d, LazyBatchNorm*d,
LazyInstanceNorm*d): the input size is read from the first call.

A lazy layer holds ``UninitializedParameter``s (no shape yet). A forward pre-hook runs once,
on the first call: it reads the input's feature / channel count, gives the parameters their
shapes in place (``materialize``; the same objects, so an optimiser built before the first
call holds them), initialises them as the eager layer does, and turns the module into that
layer (``LazyLinear`` -> ``Linear``), as PyTorch's ``LazyModuleMixin`` does. Loading a
state_dict materialises the parameters with the loaded shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import as_dtype, get_default_dtype
from ..tensor import Tensor, require_cpu
from .conv import Conv1d, Conv2d, Conv3d
from .conv_transpose import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .linear import Linear
from .module import Module
from .norm import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
)
from .parameter import Parameter


class _Uninitialized:
    """A tensor whose shape is not known yet; ``materialize(shape)`` gives it one, in place,
    and turns it into ``cls_to_become``."""

    __slots__ = ()
    cls_to_become: type = Tensor

    def _empty(self, requires_grad: bool, device: Any, dtype: Any) -> tuple[np.ndarray, bool]:
        if device is not None:
            require_cpu(device)
        dt = get_default_dtype() if dtype is None else as_dtype(dtype)
        return np.empty(0, dtype=dt), requires_grad

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the tensor ``shape`` (uninitialised values) in place, as PyTorch's."""
        if device is not None:
            require_cpu(device)
        dt = self.dtype if dtype is None else as_dtype(dtype)  # type: ignore[attr-defined]
        self._data = np.empty(tuple(shape), dtype=dt)  # type: ignore[misc]
        self._bump_version()  # type: ignore[attr-defined]
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class UninitializedParameter(_Uninitialized, Parameter):
    """A Parameter whose shape is not known yet (a lazy layer's, before its first call);
    ``materialize(shape)`` gives it one and makes it a plain ``Parameter``."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(*self._empty(requires_grad, device, dtype))


class UninitializedBuffer(_Uninitialized, Tensor):
    """A buffer whose shape is not known yet (a lazy norm layer's running statistics);
    ``materialize(shape)`` gives it one and makes it a plain ``Tensor``."""

    __slots__ = ()
    cls_to_become = Tensor

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None,
                 persistent: bool = True) -> None:
        self._init(*self._empty(requires_grad, device, dtype), None)
        self.persistent = persistent  # marked like nn.Buffer's (isinstance(b, Buffer) holds)
        self._is_buffer = True


def is_lazy(param: Any) -> bool:
    """Whether ``param`` is an ``UninitializedParameter`` or ``UninitializedBuffer``."""
    return isinstance(param, _Uninitialized)


class LazyModuleMixin:
    """Infer parameter shapes from the first input: subclasses write
    ``initialize_parameters(input)`` and set ``cls_to_become`` (the eager layer)."""

    cls_to_become: type[Module] | None = None

    def _lazy_setup(self) -> None:
        self._initialize_hook = Module.register_forward_pre_hook(
            self, LazyModuleMixin._infer_parameters, with_kwargs=True)  # type: ignore[arg-type]

    def has_uninitialized_params(self) -> bool:
        """Whether any of this module's own parameters or buffers has no shape yet."""
        own = [*self._parameters.values(), *self._buffers.values()]  # type: ignore[attr-defined]
        return any(is_lazy(p) for p in own)

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {type(self).__name__}")

    @staticmethod
    def _infer_parameters(module: Any, args: tuple[Any, ...],
                          kwargs: dict[str, Any] | None = None) -> None:
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {type(module).__name__} has not been fully initialized")
        module._initialize_hook.remove()
        del module._initialize_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become


class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` whose ``in_features`` is the last dimension of its first input:
    y = x @ weight.T + bias; x: (*, in) -> (*, out_features)."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = int(out_features)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        self._lazy_setup()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Any) -> None:
        n_in = np.shape(input)[-1] if np.ndim(input) else 0
        if self.has_uninitialized_params():
            self.in_features = int(n_in)
            self.weight.materialize((self.out_features, self.in_features))  # type: ignore[attr-defined]
            if self.bias is not None:
                self.bias.materialize((self.out_features,))  # type: ignore[attr-defined]
            self.reset_parameters()
        elif self.in_features == 0:  # parameters loaded from a state_dict
            if n_in != self.weight.shape[-1]:
                raise RuntimeError(f"LazyLinear: the input has {n_in} features but the loaded "
                                 f"weight expects {self.weight.shape[-1]}")
            self.in_features = int(n_in)


class _LazyConvXdMixin(LazyModuleMixin):
    """in_channels from the first input's channel axis (axis 1, or 0 when unbatched)."""

    def _lazy_conv_setup(self, out_channels: int, bias: bool, device: Any, dtype: Any) -> None:
        self.in_channels = 0
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = int(out_channels)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        else:
            Module.register_parameter(self, "bias", None)  # type: ignore[arg-type]
        self._lazy_setup()

    def reset_parameters(self) -> None:
        # only once the shapes are known (the eager __init__ calls this too; PyTorch draws no
        # random numbers for a lazy layer until its first call)
        ready = "_initialize_hook" in vars(self) and self.in_channels != 0
        if ready and not self.has_uninitialized_params():
            super().reset_parameters()  # type: ignore[misc]

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        nd: int = self._nd  # type: ignore[attr-defined]
        name, ndim = type(self).__name__, np.ndim(input)
        if ndim not in (nd + 1, nd + 2):
            raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                               f"{name}, but got input of size: {np.shape(input)}")
        c = int(np.shape(input)[1 if ndim == nd + 2 else 0])
        if not self.has_uninitialized_params():
            return
        groups: int = self.groups  # type: ignore[attr-defined]
        if c % groups:
            raise ValueError(f"{name}: in_channels ({c}) must be divisible by groups ({groups})")
        self.in_channels, o = c, self.out_channels
        kernel: tuple[int, ...] = self.kernel_size  # type: ignore[attr-defined]
        shape = (c, o // groups) if self._transposed else (o, c // groups)  # type: ignore[attr-defined]
        self.weight.materialize(shape + kernel)  # type: ignore[attr-defined]
        if self.bias is not None:
            self.bias.materialize((o,))  # type: ignore[attr-defined]
        self.reset_parameters()


def _lazy_conv(base: Any, doc: str) -> type:
    """The Lazy form of a convolution layer: its signature without in_channels."""

    def __init__(self: Any, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        # built with in_channels = groups (any valid count), then given unshaped parameters
        base.__init__(self, groups, out_channels, kernel_size, stride, padding, dilation,
                      groups, False, padding_mode, device, dtype)
        self._lazy_conv_setup(out_channels, bias, device, dtype)

    def __init_transposed__(self: Any, out_channels: int, kernel_size: Any, stride: Any = 1,
                            padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                            bias: bool = True, dilation: Any = 1, padding_mode: str = "zeros",
                            device: Any = None, dtype: Any = None) -> None:
        base.__init__(self, groups, out_channels, kernel_size, stride, padding, output_padding,
                      groups, False, dilation, padding_mode, device, dtype)
        self._lazy_conv_setup(out_channels, bias, device, dtype)

    init = __init_transposed__ if base._transposed else __init__  # type: ignore[attr-defined]
    init.__name__ = init.__qualname__ = "__init__"
    name = "Lazy" + base.__name__
    return type(name, (_LazyConvXdMixin, base), {"__init__": init, "cls_to_become": base,
                                                 "__doc__": doc, "__module__": __name__})


LazyConv1d = _lazy_conv(Conv1d, "``Conv1d`` whose in_channels is read from the first input.")
LazyConv2d = _lazy_conv(Conv2d, "``Conv2d`` whose in_channels is read from the first input.")
LazyConv3d = _lazy_conv(Conv3d, "``Conv3d`` whose in_channels is read from the first input.")
LazyConvTranspose1d = _lazy_conv(
    ConvTranspose1d, "``ConvTranspose1d`` whose in_channels is read from the first input.")
LazyConvTranspose2d = _lazy_conv(
    ConvTranspose2d, "``ConvTranspose2d`` whose in_channels is read from the first input.")
LazyConvTranspose3d = _lazy_conv(
    ConvTranspose3d, "``ConvTranspose3d`` whose in_channels is read from the first input.")


class _LazyNormBase(LazyModuleMixin):
    """num_features from the first input's axis 1 (PyTorch's rule)."""

    num_features: int

    def _lazy_norm_setup(self, affine: bool, track_running_stats: bool, bias: bool,
                         device: Any, dtype: Any) -> None:
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = Tensor._new(np.array(0, dtype=np.int64))
        self._lazy_setup()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()  # type: ignore[misc]

    def initialize_parameters(self, input: Any) -> None:
        if not self.has_uninitialized_params():
            loaded = [t for t in (self.weight, self.running_mean) if t is not None]
            if loaded and self.num_features == 0:  # shapes from a loaded state_dict
                self.num_features = int(loaded[0].shape[0])
            return
        if np.ndim(input) < 2:
            raise ValueError(f"{type(self).__name__}: expected an input with a channel axis "
                             f"(N, C, *), got shape {np.shape(input)}")
        self.num_features = int(np.shape(input)[1])
        names = ["weight", "bias", "running_mean", "running_var"]
        for t in (getattr(self, name) for name in names):
            if is_lazy(t):
                t.materialize((self.num_features,))
        self.reset_parameters()


def _lazy_norm(base: Any) -> type:
    """The Lazy form of a norm layer: its signature without num_features (PyTorch's lazy
    InstanceNorms too default to affine=True, track_running_stats=True)."""

    def __init__(self: Any, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        base.__init__(self, 0, eps, momentum, False, False, device, dtype, bias=False)
        self._lazy_norm_setup(affine, track_running_stats, bias, device, dtype)

    doc = f"``{base.__name__}`` whose num_features is read from the first input (axis 1)."
    return type("Lazy" + base.__name__, (_LazyNormBase, base),
                {"__init__": __init__, "cls_to_become": base, "__doc__": doc,
                 "__module__": __name__})


LazyBatchNorm1d = _lazy_norm(BatchNorm1d)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d)
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d)

__all__ = [
    "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
    "LazyInstanceNorm2d", "LazyInstanceNorm3d", "UninitializedBuffer",
    "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
    "LazyConvTranspose3d", "LazyLinear", "LazyModuleMixin", "UninitializedParameter", "is_lazy",
]
