"""tinygrad_nn: a minimal, readable reverse-mode autograd engine on NumPy.

A ``Tensor`` records the ops that compute it as ordinary Python runs; ``backward()``
applies the chain rule through that graph. On top: ``nn`` modules, ``optim``
optimisers, HDF5 checkpoints (``save`` / ``load``), data loading and graph drawing.
"""

from __future__ import annotations

from typing import Any

from . import _threads, functional
from ._random import get_rng, get_rng_state, manual_seed, set_rng_state
from ._threads import get_num_threads, set_num_threads
from ._version import __version__ as __version__
from .creation import (
    arange,
    empty,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool_,
    double,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int32,
    int64,
    long,
    set_default_dtype,
    uint8,
)
from .engine import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .function import Function
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .tensor import Device, Tensor, device
from .tensor_autograd import grad
from .tensor_functions import cat, concatenate, einsum, maximum, minimum, stack, where

bool = bool_  # noqa: A001 - mirrors torch.bool

# one BLAS thread unless the environment asks otherwise (docs/performance.md: threads)
_threads.apply_default()


def __getattr__(name: str) -> Any:
    # heavy or optional parts load on first use, so `import tinygrad_nn` stays fast
    import importlib

    if name in ("nn", "optim", "viz", "io", "data", "testing", "autograd", "utils", "linalg"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("save", "load", "CheckpointError", "CheckpointNotFoundError"):
        return getattr(importlib.import_module(".io", __name__), name)
    raise AttributeError(f"module 'tinygrad_nn' has no attribute {name!r}")


__all__ = [
    "get_num_threads",
    "set_num_threads",
    "Device",
    "Function",
    "GradcheckError",
    "gradcheck",
    "gradgradcheck",
    "Tensor",
    "arange",
    "bool",
    "cat",
    "concatenate",
    "device",
    "double",
    "einsum",
    "empty",
    "enable_grad",
    "eye",
    "float16",
    "float32",
    "float64",
    "full",
    "full_like",
    "functional",
    "get_default_dtype",
    "get_rng",
    "get_rng_state",
    "set_rng_state",
    "grad",
    "half",
    "int32",
    "int64",
    "is_grad_enabled",
    "linspace",
    "long",
    "manual_seed",
    "maximum",
    "minimum",
    "no_grad",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "set_default_dtype",
    "set_grad_enabled",
    "stack",
    "tensor",
    "uint8",
    "where",
    "zeros",
    "zeros_like",
]
