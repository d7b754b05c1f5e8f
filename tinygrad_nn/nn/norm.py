"""Normalisation layers with PyTorch's parameters, buffers, updates and reprs: BatchNorm1d/2d/3d,
SyncBatchNorm, InstanceNorm1d/2d/3d, GroupNorm, LayerNorm, RMSNorm and LocalResponseNorm."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import functional as F
from .._warn import user_stacklevel
from ..tensor import Tensor
from ._state import keys_only
from .module import Module
from .parameter import new_param


def _affine_params(m: Module, shape: tuple[int, ...], affine: bool, bias: bool, dtype: Any,
                   device: Any) -> None:
    """Register weight (ones) and bias (zeros) of ``shape``, or None for each left out."""
    m.register_parameter("weight", new_param(shape, dtype, device, 1.0) if affine else None)
    m.register_parameter("bias", new_param(shape, dtype, device) if affine and bias else None)


def _reset_affine(m: Module) -> None:
    """weight = 1, bias = 0 (init.ones_ / init.zeros_), in place."""
    for p, value in ((m.weight, 1), (getattr(m, "bias", None), 0)):
        if p is not None:
            p._data[...] = value
            p._bump_version()


class _NormBase(Module):
    """PyTorch's _NormBase: per-channel affine parameters and optional running statistics."""

    _version = 2  # PyTorch's: version 2 added num_batches_tracked

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        c = self.num_features
        _affine_params(self, (c,), affine, bias, dtype, device)
        if track_running_stats:
            self.register_buffer("running_mean", new_param((c,), dtype, device).detach())
            self.register_buffer("running_var", new_param((c,), dtype, device, 1.0).detach())
            self.register_buffer("num_batches_tracked", Tensor._new(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            for name, value in (("running_mean", 0), ("running_var", 1),
                                ("num_batches_tracked", 0)):
                buf = self._buffers[name]
                buf._data[...] = value
                buf._bump_version()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")

    @keys_only
    def _load_from_state_dict(self, state_dict: Any, prefix: str, local_metadata: Any,
                              *args: Any) -> None:
        """PyTorch's: a checkpoint older than version 2 (or without ``_metadata``) that has
        no ``num_batches_tracked`` keeps the current count (0 if there is none)."""
        key = prefix + "num_batches_tracked"
        if (local_metadata.get("version", None) or 0) < 2 and self.track_running_stats \
                and key not in state_dict:
            nbt = self.num_batches_tracked
            state_dict[key] = nbt if nbt is not None else Tensor._new(np.array(0, np.int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)


class _BatchNorm(_NormBase):
    _dims: tuple[int, ...] = ()
    _layout = ""

    def _check_input_dim(self, input: Tensor) -> None:
        """PyTorch's hook for the input's rank (a subclass may override it)."""
        if input.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected {self._layout} input, got shape "
                             f"{tuple(input.shape)}")

    def forward(self, input: Any) -> Tensor:
        x = F.as_tensor(input)
        self._check_input_dim(x)
        # a channel count other than num_features: F.batch_norm's RuntimeError names the
        # running statistic or parameter that disagrees (none: it runs, as PyTorch's)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            nbt = self.num_batches_tracked
            nbt._data += 1
            nbt._bump_version()
            if self.momentum is None:  # a cumulative moving average
                factor = 1.0 / float(nbt._data)
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(x, self.running_mean if track else None,
                            self.running_var if track else None, self.weight, self.bias,
                            use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Per-channel normalisation of (N, C) or (N, C, L) by batch statistics (training) or
    running statistics (eval): y = (x - mean) / sqrt(var + eps) * weight + bias."""

    _dims = (2, 3)
    _layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Per-channel normalisation of (N, C, H, W) by batch statistics (training) or running
    statistics (eval): y = (x - mean) / sqrt(var + eps) * weight + bias."""

    _dims = (4,)
    _layout = "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Per-channel normalisation of (N, C, D, H, W) by batch statistics (training) or running
    statistics (eval): y = (x - mean) / sqrt(var + eps) * weight + bias."""

    _dims = (5,)
    _layout = "(N, C, D, H, W)"


class SyncBatchNorm(_BatchNorm):
    """BatchNorm over (N, C, *) whose batch statistics PyTorch averages across the processes
    of a ``process_group``; without a process group (always, here: tinygrad_nn has no
    ``torch.distributed``) it computes exactly as BatchNorm1d/2d/3d, as PyTorch's does then.

    ``SyncBatchNorm(num_features, eps=1e-5, momentum=0.1, affine=True,
    track_running_stats=True, process_group=None, *, bias=True)``;
    ``SyncBatchNorm.convert_sync_batchnorm(model)`` swaps every BatchNorm in ``model`` for one.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 process_group: Any = None, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim < 2:
            raise ValueError(f"expected at least 2D input (got {input.ndim}D input)")

    def _check_non_zero_input_channels(self, input: Tensor) -> None:
        if input.shape[1] == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    def forward(self, input: Any) -> Tensor:
        x = F.as_tensor(input)
        self._check_input_dim(x)
        self._check_non_zero_input_channels(x)
        return super().forward(x)

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """``module`` with every BatchNorm (any ``_BatchNorm``, this class included) in its
        tree replaced by a SyncBatchNorm sharing its parameters and running statistics (the
        same Tensors) and training flag; other modules are changed in place, and a
        BatchNorm ``module`` itself comes back as a new SyncBatchNorm (PyTorch's rules)."""
        root = _as_sync(module, process_group)
        todo = [(module, root)]
        while todo:  # iterative (rule 7): a deep model converts without RecursionError
            old, new = todo.pop()
            for name, child in list(old.named_children()):
                converted = _as_sync(child, process_group)
                new.add_module(name, converted)
                todo.append((child, converted))
        return root


def _as_sync(module: Module, process_group: Any) -> Module:
    """A SyncBatchNorm holding ``module``'s state if it is a BatchNorm, else ``module``."""
    if not isinstance(module, _BatchNorm):
        return module
    out = SyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine,
                        module.track_running_stats, process_group,
                        bias=module.bias is not None)
    if module.affine:
        out.weight = module.weight
        out.bias = module.bias
    out.running_mean = module.running_mean
    out.running_var = module.running_var
    out.num_batches_tracked = module.num_batches_tracked
    out.training = module.training
    if hasattr(module, "qconfig"):
        out.qconfig = module.qconfig
    return out


class _InstanceNorm(_NormBase):
    _spatial = 1  # spatial axes: an input has 1 + _spatial (unbatched) or 2 + _spatial axes

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    @keys_only
    def _load_from_state_dict(self, state_dict: Any, prefix: str, local_metadata: Any,
                              strict: bool, missing_keys: list[str], unexpected_keys: list[str],
                              error_msgs: list[str]) -> None:
        """PyTorch's: a checkpoint without a version (before 0.4) may hold running stats
        that a layer with ``track_running_stats=False`` does not have: an error naming them."""
        keys = [prefix + n for n in ("running_mean", "running_var") if prefix + n in state_dict]
        if local_metadata.get("version", None) is None and not self.track_running_stats and keys:
            klass, names = type(self).__name__, " and ".join(f'"{k}"' for k in keys)
            error_msgs.append(
                f"Unexpected running stats buffer(s) {names} for {klass} with "
                "track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0, "
                f"this may be expected because {klass} does not track running stats by "
                "default since 0.4.0. Please remove these keys from state_dict. If the running "
                f"stats are actually needed, instead set track_running_stats=True in {klass} "
                f"to enable them. See the documentation of {klass} for details.")
            for key in keys:
                state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, input: Any) -> Tensor:
        x = F.as_tensor(input)
        name, lo = type(self).__name__, self._spatial + 1
        if x.ndim not in (lo, lo + 1):
            raise ValueError(f"{name}: expected {lo}D or {lo + 1}D input (got {x.ndim}D input "
                             f"of shape {tuple(x.shape)})")
        unbatched = x.ndim == lo
        c = x.shape[0 if unbatched else 1]
        if c != self.num_features:
            msg = (f"{name}: expected input's size at dim={0 if unbatched else 1} to match "
                   f"num_features ({self.num_features}), but got: {c}")
            if self.affine:
                raise ValueError(msg)
            # PyTorch only warns: without affine parameters num_features is unused
            warnings.warn(msg + " (num_features is unused because affine=False)",
                          stacklevel=user_stacklevel())
        if unbatched:
            x = x.unsqueeze(0)
        y = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats,
                            0.0 if self.momentum is None else self.momentum, self.eps)
        return y.squeeze(0) if unbatched else y


class InstanceNorm1d(_InstanceNorm):
    """Per-sample, per-channel normalisation of (N, C, L) or (C, L):
    y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over L."""

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Per-sample, per-channel normalisation of (N, C, H, W) or (C, H, W):
    y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over (H, W)."""

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Per-sample, per-channel normalisation of (N, C, D, H, W) or (C, D, H, W):
    y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over (D, H, W)."""

    _spatial = 3


class GroupNorm(Module):
    """y = (x - mean_g) / sqrt(var_g + eps) * weight + bias; (N, C, *) -> same, statistics over
    each sample's group of C / num_groups channels (see ``F.group_norm``)."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        if num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups})")
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps, self.affine = eps, affine
        _affine_params(self, (num_channels,), affine, bias, dtype, device)

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Any) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class LayerNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias over the trailing
    ``normalized_shape`` axes; x: (*, *normalized_shape) -> same."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = ns, eps, elementwise_affine
        _affine_params(self, ns, elementwise_affine, bias, dtype, device)

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Any) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    """y = x / sqrt(mean(x^2) + eps) * weight over the trailing ``normalized_shape`` axes;
    x: (*, *normalized_shape) -> same. ``eps=None``: the input dtype's machine epsilon."""

    def __init__(self, normalized_shape: Any, eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = ns, eps, elementwise_affine
        # a weight only: RMSNorm has no bias entry at all
        self.register_parameter("weight", new_param(ns, dtype, device, 1.0)
                                if elementwise_affine else None)

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, x: Any) -> Tensor:  # PyTorch's RMSNorm names it x, not input
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(Module):
    """y = x / (k + alpha / size * sum of x^2 over ``size`` neighbouring channels) ** beta;
    (N, C, *) -> same (see ``F.local_response_norm``)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Any) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
