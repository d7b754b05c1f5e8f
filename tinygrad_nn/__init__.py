"""tinygrad_nn: a minimal, readable reverse-mode autograd engine on NumPy.

A ``Tensor`` records the ops that compute it as ordinary Python runs; ``backward()``
applies the chain rule through that graph. On top: ``nn`` modules, ``optim``
optimisers, HDF5 checkpoints (``save`` / ``load``), data loading and graph drawing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _compiled

_compiled.install()  # first: the engine's compiled modules, where built (_compiled.py)

from . import (
    _stft,
    _threads,
    _torch_functions,
    _torch_math,
    _torch_nn_forms,
    _torch_switches,
    _torch_views,
    _torch_windows,
    functional,
)
from ._linalg_legacy import geqrf, lu, lu_solve, lu_unpack, orgqr, ormqr
from ._random import (
    default_generator,
    get_rng,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from ._tensor_str import set_printoptions
from ._threads import get_num_threads, set_num_threads
from ._torch_functions import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    Generator,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    allclose,
    as_tensor,
    bmm,
    equal,
    from_numpy,
    get_default_device,
    inference_mode,
    is_floating_point,
    is_tensor,
    isclose,
    set_default_device,
    set_grad_enabled,
)
from ._version import __version__ as __version__
from .creation import (
    arange,
    bernoulli,
    empty,
    empty_like,
    eye,
    full,
    full_like,
    linspace,
    multinomial,
    normal,
    ones,
    ones_like,
    poisson,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import can_cast, finfo, get_default_dtype, iinfo, promote_types, set_default_dtype
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .linalg_functions import (
    cdist,
    chain_matmul,
    cumulative_trapezoid,
    tensordot,
    trapezoid,
    trapz,
)
from .tensor import Device, Size, Tensor, device
from .tensor_autograd import grad
from .tensor_functions import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    block_diag,
    broadcast_shapes,
    broadcast_tensors,
    cartesian_prod,
    cat,
    column_stack,
    concatenate,
    dstack,
    einsum,
    hstack,
    maximum,
    meshgrid,
    minimum,
    row_stack,
    stack,
    tril_indices,
    triu_indices,
    vstack,
    where,
)
from .tensor_scatter import bucketize, searchsorted

# torch.exp(x) ... (one table: _torch_functions.METHOD_FORMS) and the dtype names
# (torch.float32, torch.float, torch.long ...: dtype objects equal to Tensor.dtype)
globals().update(_torch_functions.FUNCTIONS)
globals().update(_torch_functions.DTYPES)
concat = cat  # PyTorch's alias
dtype = np.dtype  # (isinstance(x, torch.dtype): every dtype here is a NumPy dtype)

# one BLAS thread unless the environment asks otherwise (docs/performance.md: threads)
_threads.apply_default()


def __getattr__(name: str) -> Any:
    # heavy or optional parts load on first use, so `import tinygrad_nn` stays fast
    import importlib

    if name in ("nn", "optim", "viz", "io", "data", "testing", "autograd", "utils", "linalg",
                "cuda", "xpu", "mps", "accelerator", "backends", "random", "distributions",
                "hub", "sparse", "func", "amp", "special", "fft"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("save", "load", "CheckpointError", "CheckpointNotFoundError"):
        return getattr(importlib.import_module(".io", __name__), name)
    if name == "autocast":  # torch.autocast is torch.amp.autocast
        return importlib.import_module(".amp", __name__).autocast
    if name == "vmap":  # torch.vmap is torch.func.vmap
        return importlib.import_module(".func", __name__).vmap
    if name in ("sparse_coo_tensor", "spmm"):
        return getattr(importlib.import_module(".sparse", __name__), name)
    raise AttributeError(f"module 'tinygrad_nn' has no attribute {name!r}")


__all__ = [
    "dtype",
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "Generator",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
    "allclose",
    "as_tensor",
    "bmm",
    "bucketize",
    "equal",
    "from_numpy",
    "get_default_device",
    "inference_mode",
    "is_tensor",
    "isclose",
    "set_default_device",
    *_torch_functions.FUNCTIONS,
    *_torch_functions.DTYPES,
    "is_floating_point",
    "get_num_threads",
    "set_num_threads",
    "Device",
    "Function",
    "GradcheckError",
    "gradcheck",
    "gradgradcheck",
    "Size",
    "Tensor",
    "arange",
    "cat",
    "concatenate",
    "device",
    "einsum",
    "empty",
    "empty_like",
    "concat",
    "enable_grad",
    "eye",
    "full",
    "full_like",
    "functional",
    "get_default_dtype",
    "get_rng",
    "get_rng_state",
    "set_rng_state",
    "grad",
    "is_grad_enabled",
    "linspace",
    "manual_seed",
    "default_generator",
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
    "randperm",
    "searchsorted",
    "set_default_dtype",
    "set_grad_enabled",
    "stack",
    "tensor",
    "where",
    "zeros",
    "zeros_like",
    "cdist",
    "chain_matmul",
    "cumulative_trapezoid",
    "tensordot",
    # PyTorch's pre-torch.linalg factorisations (also Tensor methods: tensor_linalg_legacy)
    "geqrf",
    "lu",
    "lu_solve",
    "lu_unpack",
    "orgqr",
    "ormqr",
    "trapezoid",
    "trapz",
    # PyTorch's top-level shape functions (helper "shape")
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes",
    "broadcast_tensors", "cartesian_prod", "column_stack", "dstack", "hstack", "meshgrid",
    "row_stack", "tril_indices", "triu_indices", "vstack",
    # random sampling and seeds, dtype limits and promotion
    "bernoulli", "multinomial", "normal", "poisson", "initial_seed", "seed", "finfo", "iinfo",
    "can_cast", "promote_types", "set_printoptions",
]

# PyTorch's constants and switches, the top-level forms of functional ops, math, window and
# view functions (helper "toplevel"); torch.vmap comes through __getattr__ (func loads nn)
_TOPLEVEL = (_torch_switches, _torch_nn_forms, _torch_math, _torch_windows, _torch_views,
             _stft)
for _module in _TOPLEVEL:
    globals().update({_n: getattr(_module, _n) for _n in _module.__all__})
__all__ += [_n for _module in _TOPLEVEL for _n in _module.__all__] + ["vmap"]
del _module
