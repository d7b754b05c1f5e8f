"""tinygrad_nn: a minimal, readable reverse-mode autograd engine on NumPy.

A ``Tensor`` records the ops that compute it as ordinary Python runs; ``backward()``
applies the chain rule through that graph. On top: ``nn`` modules, ``optim``
optimisers, HDF5 checkpoints (``save`` / ``load``), data loading and graph drawing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _threads, functional
from ._random import get_rng, get_rng_state, manual_seed, set_rng_state
from ._threads import get_num_threads, set_num_threads
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
from .engine import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .function import Function
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .tensor import Device, Tensor, device, grad
from .tensor_ops import get_default_dtype, maximum, minimum, set_default_dtype, where
from .tensor_shape import cat, concatenate, einsum, stack

__version__ = "0.1.0"

# one BLAS thread unless the environment asks otherwise (docs/performance.md: threads)
_threads.apply_default()

# torch-style dtype names
float16 = half = np.float16
float32 = np.float32
float64 = double = np.float64
int32 = np.int32
int64 = long = np.int64
uint8 = np.uint8
bool = np.bool_  # noqa: A001 - mirrors torch.bool


def __getattr__(name: str) -> Any:
    # heavy or optional parts load on first use, so `import tinygrad_nn` stays fast
    import importlib

    if name in ("nn", "optim", "viz", "io", "data", "testing"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("save", "load", "CheckpointError"):
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
