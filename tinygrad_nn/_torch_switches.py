"""PyTorch's top-level constants, global switches and small predicates.

``pi``, ``e``, ``inf``, ``nan``, ``newaxis``; the switches a modern script sets at its top
(``set_float32_matmul_precision``, ``use_deterministic_algorithms``, ``set_warn_always``,
``set_flush_denormal``, the interop thread count): each takes PyTorch's arguments, refuses what
PyTorch refuses and is stored so its getter answers as PyTorch's; none changes a number here
(NumPy computes float32 products in float32 and every op is deterministic on one CPU).
Also ``typename``, ``is_storage``, ``result_type``, ``asarray``, ``scalar_tensor``,
``compile`` (which compiles nothing: the model comes back unchanged), the deprecated
``set_default_tensor_type``, and ``layout`` with its values (``strided`` ...: _layouts.py).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import grad_mode
from ._layouts import (
    jagged,
    layout,
    sparse_bsc,
    sparse_bsr,
    sparse_coo,
    sparse_csc,
    sparse_csr,
    strided,
)
from .creation import _check_device, tensor
from .dtypes import as_dtype, get_default_dtype, legacy_type_dtype, set_default_dtype
from .dtypes import result_type as _result_dtype
from .tensor import Tensor

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None


class _Settings:
    """The stored switches (PyTorch's defaults)."""

    matmul_precision = "highest"
    deterministic = False
    warn_only = False
    warn_always = False
    interop_threads = 1


_settings = _Settings()


def _check_bool(fn: str, arg: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{fn}(): argument '{arg}' (position 1) must be bool, not "
                        f"{type(value).__name__}")


def set_float32_matmul_precision(precision: str) -> None:
    """Store 'highest', 'high' or 'medium' (PyTorch's TF32 / bf16 switch for float32 matrix
    products); another string warns and changes nothing, as PyTorch's. NumPy's BLAS has no
    reduced-precision mode, so products are computed in full float32 whatever is set."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _settings.matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """The value last given to ``set_float32_matmul_precision`` ('highest' at start)."""
    return _settings.matmul_precision


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Store the flag (PyTorch's switch to deterministic kernels). Every op here is already
    deterministic on the CPU, so nothing else changes and nothing ever warns or raises."""
    _check_bool("_set_deterministic_algorithms", "mode", mode)
    _settings.deterministic, _settings.warn_only = mode, bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """True after ``use_deterministic_algorithms(True)``."""
    return _settings.deterministic


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """True after ``use_deterministic_algorithms(True, warn_only=True)``."""
    return _settings.warn_only


_DEBUG_MODES = ("default", "warn", "error")


def set_deterministic_debug_mode(debug_mode: int | str) -> None:
    """0 / 'default' (off), 1 / 'warn' (deterministic, warn only), 2 / 'error'
    (deterministic): the same switch as ``use_deterministic_algorithms``."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """0 (off), 1 (deterministic, warn only) or 2 (deterministic)."""
    if not _settings.deterministic:
        return 0
    return 1 if _settings.warn_only else 2


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Anomaly mode on or off now (``autograd.set_detect_anomaly`` without its context)."""
    _check_bool("set_anomaly_enabled", "enabled", enabled)
    grad_mode.set_anomaly_enabled(enabled, bool(check_nan))


def is_anomaly_enabled() -> bool:
    """True while anomaly mode is on."""
    return grad_mode.is_anomaly_enabled()


def is_anomaly_check_nan_enabled() -> bool:
    """The check_nan flag last set (True at start), on or off, as PyTorch's top-level one
    (``autograd.is_anomaly_check_nan_enabled`` is False while the mode is off)."""
    return bool(grad_mode._mode.check_nan)


def is_inference_mode_enabled() -> bool:
    """True inside ``with inference_mode():`` (not inside ``inference_mode(False)``)."""
    return bool(grad_mode._mode.inference)


def set_warn_always(b: bool, /) -> None:
    """Store the flag (PyTorch repeats its warn-once warnings when it is set; this library's
    warnings go through Python's ``warnings`` filters either way)."""
    _settings.warn_always = bool(b)


def is_warn_always_enabled() -> bool:
    """The flag last given to ``set_warn_always`` (False at start)."""
    return _settings.warn_always


def set_flush_denormal(mode: bool) -> bool:
    """False: NumPy gives no control over the CPU's denormal flushing, so the request is not
    applied (PyTorch returns True where it could set the CPU flag)."""
    _check_bool("set_flush_denormal", "mode", mode)
    return False


def set_num_interop_threads(n: int) -> None:
    """Store n >= 1 (PyTorch's inter-op pool; there is none here: ops run one at a time)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise RuntimeError(f"set_num_interop_threads expects an int, but got "
                           f"{type(n).__name__}")
    if n < 1:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    _settings.interop_threads = int(n)


def get_num_interop_threads() -> int:
    """The value last given to ``set_num_interop_threads`` (1 at start)."""
    return _settings.interop_threads


# ------------------------------------------------------------------------------- objects
_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor",
               "complex64": "ComplexFloatTensor", "complex128": "ComplexDoubleTensor"}


def typename(obj: Any, /) -> str:
    """'torch.FloatTensor' for a float32 tensor (PyTorch's names, for code that compares
    them); else the object's qualified type name ('int', 'numpy.ndarray')."""
    if isinstance(obj, Tensor):
        return "torch." + _TYPE_NAMES[np.dtype(obj.dtype).name]
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in (None, "builtins") else f"{module}.{name}"


def is_storage(obj: Any, /) -> bool:
    """False: there are no storage objects here (a Tensor owns a NumPy array)."""
    return False


def _number(x: Any) -> bool:
    return isinstance(x, bool | int | float | complex | np.number | np.bool_)


def result_type(tensor: Any, other: Any) -> np.dtype:
    """The dtype of an elementwise op on two tensors or numbers, under PyTorch's promotion
    (dimensioned tensors first, then 0-d tensors, then numbers)."""
    for x in (tensor, other):
        if not isinstance(x, Tensor) and not _number(x):
            raise TypeError(f"result_type() received an invalid combination of arguments - "
                            f"got ({type(tensor).__name__}, {type(other).__name__}), but "
                            "expected Tensors or Numbers")
    return _result_dtype(tensor, other)


def scalar_tensor(s: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
                  pin_memory: Any = None, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding the number s, of ``dtype`` (the default float dtype when None,
    even for an int or bool, as PyTorch's)."""
    if not _number(s):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not "
                        f"{type(s).__name__}")
    _check_device(device)
    dt = get_default_dtype() if dtype is None else as_dtype(dtype)
    out = Tensor._new(np.array(s, dtype=dt))
    return out.requires_grad_(requires_grad) if requires_grad else out


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool = False) -> Tensor:
    """A Tensor from obj, sharing memory when obj is a Tensor or NumPy array of the same dtype
    (``copy=True`` always copies; ``copy=False`` raises ValueError where a copy is needed).
    A Tensor without a copy is returned itself (``requires_grad=True`` then sets it on obj)."""
    _check_device(device)
    want = None if dtype is None else as_dtype(dtype)
    if isinstance(obj, Tensor | np.ndarray):
        have = np.dtype(obj.dtype)
        if copy is False and want is not None and want != have:
            src = _TYPE_NAMES[have.name][:-6] if have.name in _TYPE_NAMES else have.name
            dst = _TYPE_NAMES[want.name][:-6] if want.name in _TYPE_NAMES else want.name
            raise ValueError(f"can't alias tensor with dtype '{src}' into dtype '{dst}'.")
        if isinstance(obj, Tensor):
            out = obj if want is None or want == have else obj.detach().to(want)
            if copy:
                out = out.detach().clone()
        else:
            data = obj.astype(want or have, copy=bool(copy))
            out = Tensor._new(data)
    else:
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        out = tensor(obj, dtype=want)
    if requires_grad:
        out.requires_grad_(True)
    return out


# ------------------------------------------------------------------------------ compile
_COMPILE_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs",
                  "max-autotune")


def compile(model: Callable[..., Any] | None = None, *, fullgraph: bool = False,  # noqa: A001
            dynamic: bool | None = None, backend: Any = None, mode: str | None = None,
            options: dict[str, Any] | None = None, name: str | None = None,
            disable: bool = False, recompile_limit: int | None = None,
            isolate_recompiles: bool = False, shapes_spec: Any = None) -> Any:
    """``compile(model)`` is ``model`` itself, unchanged: nothing is compiled (there is no
    compiler; ops run eagerly in NumPy). Called without a model it returns a decorator.

    PyTorch returns an ``OptimizedModule`` wrapper whose ``state_dict`` keys start with
    ``_orig_mod.``; returning the module itself keeps checkpoints loadable both ways and
    ``isinstance`` checks true, which is what a script porting ``torch.compile`` needs. The
    arguments are checked as PyTorch checks them (mode name, mode with options)."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is not None and mode not in _COMPILE_MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: "
                           + ", ".join(_COMPILE_MODES))
    if model is None:
        def decorate(fn: Callable[..., Any]) -> Any:
            return compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                           mode=mode, options=options, disable=disable)
        return decorate
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model



def set_default_tensor_type(t: Any, /) -> None:
    """Deprecated (PyTorch warns): ``set_default_dtype`` of a floating legacy type, given as
    a class (``DoubleTensor``) or its name ('torch.DoubleTensor'); others raise TypeError."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)
    if isinstance(t, str) and "." not in t:
        raise ModuleNotFoundError(f"No module named '{t}'")
    dt = legacy_type_dtype(t)
    if dt is None:
        if isinstance(t, str):
            raise AttributeError(f"no tensor type named {t!r} (expected e.g. "
                                 "'torch.DoubleTensor')")
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        f"default type (got {t!r})")
    if dt.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type (got "
                        f"{dt})")
    set_default_dtype(dt)

__all__ = [
    "are_deterministic_algorithms_enabled", "asarray", "compile", "e",
    "get_deterministic_debug_mode", "get_float32_matmul_precision",
    "get_num_interop_threads", "inf", "is_anomaly_check_nan_enabled", "is_anomaly_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "is_inference_mode_enabled",
    "is_storage", "is_warn_always_enabled", "jagged", "layout", "nan", "newaxis", "pi",
    "result_type", "scalar_tensor", "set_anomaly_enabled", "set_default_tensor_type",
    "set_deterministic_debug_mode", "sparse_bsc", "sparse_bsr", "sparse_coo", "sparse_csc",
    "sparse_csr", "strided",
    "set_flush_denormal", "set_float32_matmul_precision", "set_num_interop_threads",
    "set_warn_always", "typename", "use_deterministic_algorithms",
]
