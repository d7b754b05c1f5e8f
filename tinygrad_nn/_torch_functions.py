"""PyTorch's top-level names that are not creation functions: ``tinygrad_nn.exp(x)`` ...

The function form of a Tensor method is generated from one table (``METHOD_FORMS``):
``tinygrad_nn.name(input, *args, **kw)`` is ``as_tensor(input).name(*args, **kw)``, looked up
at call time, so each function has exactly its method's semantics. Also here: the dtype
aliases, the legacy typed constructors (``FloatTensor`` ...), ``from_numpy`` / ``as_tensor``,
``Generator``, the grad-mode switches PyTorch has at top level, and ``set_default_device``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import functional
from ._creation_checks import check_numpy
from ._random import Generator as _RandomGenerator
from ._warn import user_stacklevel
from .creation import _check_device, tensor
from .dtypes import LEGACY_TYPES, as_dtype, result_type
from .grad_mode import _mode, is_grad_enabled
from .grad_mode import set_grad_enabled as _grad_mode
from .tensor import Device, Tensor
from .tensor_bitwise import bitwise
from .tensor_elementwise import argument_type_error, need_tensor, wrap_int

# Tensor methods that PyTorch also has as `torch.<name>(input, ...)`
METHOD_FORMS = (
    "abs", "add", "addmm", "all", "amax", "amin", "any", "argmax", "argmin", "argsort",
    "broadcast_to", "chunk", "clamp", "clip", "clone", "cos", "cumprod", "cumsum", "div",
    "divide", "eq", "erf", "exp", "expm1", "flatten", "gather", "ge", "ger", "gt",
    "index_select", "isnan", "le", "log", "log1p", "log_softmax", "logsumexp", "lt",
    "masked_fill", "masked_select", "matmul", "max", "mean", "min", "mm", "mul", "multiply",
    "narrow", "ne", "neg", "norm", "numel", "outer", "permute", "pow", "prod", "reciprocal",
    "relu", "reshape", "rsqrt", "scatter", "scatter_add", "sigmoid", "sign", "sin", "softmax",
    "sort", "split", "sqrt", "square", "squeeze", "std", "sub", "subtract", "sum", "swapaxes",
    "t", "tanh", "topk", "transpose", "tril", "triu", "true_divide", "unsqueeze", "var",
    "floor", "ceil", "round", "tan", "log2", "exp2", "trunc", "frac", "isinf", "isfinite",
    "logical_not", "logical_and", "logical_or", "nonzero", "flip", "roll", "diag", "trace",
    "median", "var_mean", "std_mean", "count_nonzero", "unbind", "movedim", "hardtanh",
    "dot", "vdot", "mv", "inner", "cross", "kron", "baddbmm", "addmv", "addbmm", "addr",
    "matrix_power", "det", "inverse", "slogdet", "logdet", "cholesky", "cholesky_solve",
    "cholesky_inverse", "triangular_solve", "pinverse", "svd", "qr",
    "matrix_exp",
    # elem helper: rounding, predicates, logical, optimiser helpers, trigonometry
    "fix", "isposinf", "isneginf", "isreal", "angle", "signbit", "nan_to_num", "logical_xor",
    "sgn", "absolute",
    "negative", "addcmul", "addcdiv", "lerp", "clamp_min", "clamp_max", "asin", "acos", "atan",
    "atan2", "arcsin", "arccos", "arctan", "arctan2", "arcsinh", "arccosh", "arctanh", "sinh",
    "cosh", "asinh", "acosh", "atanh", "log10", "erfc", "erfinv", "xlogy", "hypot",
    "logaddexp", "logaddexp2", "fmod", "deg2rad", "rad2deg", "fmax", "fmin", "copysign",
    "heaviside", "float_power", "positive", "remainder", "floor_divide",
    "argwhere", "nanmedian", "mode", "kthvalue", "quantile", "nanquantile", "unique",
    "unique_consecutive", "msort", "aminmax", "nansum", "nanmean", "cummax", "cummin",
    "logcumsumexp", "diff", "index_add", "index_copy", "index_fill", "masked_scatter",
    "scatter_reduce", "bincount", "histc",
    # shape (helper "shape")
    "fliplr", "flipud", "tensor_split", "hsplit", "vsplit", "dsplit", "unflatten", "moveaxis",
    "ravel", "select", "tile", "repeat_interleave", "diagonal", "diag_embed", "diagflat",
    "rot90", "take", "take_along_dim", "narrow_copy", "swapdims",
    # helper "inplacefns": bitwise, gamma functions, comparison aliases
    "bitwise_not", "lgamma", "digamma", "logit", "index_put", "cov", "corrcoef",
    "greater", "greater_equal", "less",
    "less_equal", "not_equal",
    # predicates (helper "toplevel")
    "is_nonzero", "is_complex", "is_same_size", "is_inference", "is_signed", "get_device",
    "detach",
    # tensor_special.py (hardshrink and prelu come from functional)
    "sinc", "i0", "mvlgamma", "ldexp", "frexp", "nextafter", "gcd", "lcm", "renorm", "dist",
    "adjoint", "histogram", "select_scatter", "slice_scatter", "diagonal_scatter",
    "as_strided_scatter", "put", "index_reduce", "as_strided", "split_with_sizes",
    # PyTorch's unsafe_* splits, the negation-bit queries, nonzero_static
    "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes", "is_neg", "resolve_neg",
    "nonzero_static", "igamma", "igammac",
    # complex numbers (tensor_math.py; real, imag, view_as_real ...: _complex_views.py)
    "conj", "conj_physical", "resolve_conj", "is_conj",
)


# function forms whose PyTorch overloads take a number as ``input``: with any ``other``
# (``torch.add(2, t)``, ``torch.mul(2.0, 3)``), or only with a Tensor ``other``
# (``torch.pow(2, t)``); every other form refuses a number, a list or a bool as ``input``
# with PyTorch's TypeError (a NumPy array is let through, as elsewhere here)
_NUMBER_INPUT = frozenset({"add", "sub", "subtract", "mul", "multiply", "div", "divide",
                           "true_divide", "floor_divide"})
_NUMBER_INPUT_TENSOR_OTHER = frozenset({"pow", "float_power", "xlogy", "remainder"})
_NUMBERS = (bool, int, float, complex)


def _check_input(name: str, input: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:  # noqa: A002
    if isinstance(input, _NUMBERS):
        if name in _NUMBER_INPUT:
            return
        other = args[0] if args else kwargs.get("other", kwargs.get("exponent"))
        if name in _NUMBER_INPUT_TENSOR_OTHER and isinstance(other, Tensor):
            return
    need_tensor(name, "input", input)  # (a Tensor or an array passes)


# function forms that compute in the promoted dtype of input and other, an integer one too
_COMPUTE_IN_RESULT_TYPE = frozenset({"add", "sub", "subtract", "mul", "multiply", "pow",
                                     "floor_divide", "remainder"})


def _as_input(name: str, input: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:  # noqa: A002
    """``input`` as a Tensor; a number beside a Tensor ``other`` is PyTorch's wrapped number:
    it takes part in promotion as a number does (``add(2, uint8 0-d)`` is uint8, not int64),
    so it becomes a 0-d Tensor of the result dtype (an int wrapped as C wraps it), unless
    the op computes in another dtype (``div(-3, uint8)`` divides -3, in floats) or refuses
    a bool (``sub(True, t)``)."""
    if type(input) in (bool, int, float, complex) and not (
            type(input) is bool and name in ("sub", "subtract")):
        other = args[0] if args else kwargs.get("other", kwargs.get("exponent"))
        if isinstance(other, Tensor):
            rt = result_type(input, other)
            if rt.kind not in "fc" and name not in _COMPUTE_IN_RESULT_TYPE:
                return as_tensor(input)
            return tensor(wrap_int(input, rt) if type(input) is int and rt.kind in "iu"
                          else input, dtype=rt)
    return as_tensor(input)


def _method_form(name: str) -> Callable[..., Any]:
    def form(input: Any, *args: Any, out: Any = None, **kwargs: Any) -> Any:  # noqa: A002
        _check_input(name, input, args, kwargs)
        try:
            result = getattr(_as_input(name, input, args, kwargs), name)(*args, **kwargs)
        except TypeError as e:  # a Tensor-only argument: PyTorch counts input as position 1
            arg = getattr(e, "tensor_argument", None)
            if arg is None:
                raise
            op, param, given, position = arg
            raise argument_type_error(op, param, given, position + 1) from None
        return result if out is None else write_out(name, result, out, input, *args)

    doc = (getattr(Tensor, name).__doc__ or "").strip().split("\n")[0]
    form.__name__ = form.__qualname__ = name
    form.__doc__ = f"``{name}(input, ...)`` is ``input.{name}(...)``. {doc}".strip()
    return form


def write_out(name: str, result: Any, out: Any, *inputs: Any) -> Any:
    """PyTorch's ``out=``: the result written into ``out`` (resized when its shape differs,
    with PyTorch's warning when it was not empty), which is returned. Refused when an input
    requires grad, and for a result that cannot be cast to out's dtype, as in PyTorch."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if is_grad_enabled() and any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")
    if isinstance(result, tuple):  # (values, indices) forms write each part
        raise NotImplementedError(f"{name}(): out= is not supported for several outputs")
    value = result._data
    if not np.can_cast(value.dtype, out.dtype, "same_kind"):
        raise RuntimeError(f"result type {value.dtype} can't be cast to the desired output "
                           f"type {out.dtype}")
    if out.shape != value.shape:
        if out._data.size:
            warnings.warn(f"An output with one or more elements was resized since it had "
                          f"shape {list(out.shape)}, which does not match the required output "
                          f"shape {list(value.shape)}.", UserWarning, stacklevel=user_stacklevel())
        out._data = np.empty(value.shape, dtype=out.dtype)
    out._data[...] = value
    out._bump_version()
    return out


# only the methods the Tensor has: a name PyTorch has and we lack stays an AttributeError
# PyTorch's top-level in-place functions: `torch.sin_(x)` is `x.sin_()`
INPLACE_FORMS = (
    "abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_",
    "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_",
    "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_", "erf_", "erfc_", "exp2_",
    "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "log10_", "log1p_", "log2_",
    "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_",
    "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_",
    "tan_", "tanh_", "trunc_", "xlogy_", "zero_", "index_put_", "addmv_", "i0_", "ldexp_",
    "gcd_", "lcm_", "resize_as_", "igamma_", "igammac_", "conj_physical_",
)


def _inplace_function(name: str, fn: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """``torch.<name>(input, ...)``: ``input.<name>(...)``, or ``fn(input, ..., inplace=True)``
    (the functional forms: ``torch.selu_`` is ``F.selu(x, inplace=True)``)."""
    def form(input: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 - PyTorch's name
        if not isinstance(input, Tensor):  # (as_tensor would change a copy)
            raise argument_type_error(name, "input", type(input).__name__, 1)
        if fn is not None:
            return fn(input, *args, inplace=True, **kwargs)
        return getattr(input, name)(*args, **kwargs)

    form.__name__ = form.__qualname__ = name
    form.__doc__ = (f"``{name}(input, ...)``: "
                    + (f"``F.{name[:-1]}(input, ..., inplace=True)``" if fn is not None
                       else f"``input.{name}(...)``") + ": input changed in place.")
    return form


FUNCTIONS: dict[str, Callable[..., Any]] = {
    n: _method_form(n) for n in METHOD_FORMS if callable(getattr(Tensor, n, None))
}
FUNCTIONS.update({n: _inplace_function(n) for n in INPLACE_FORMS
                  if callable(getattr(Tensor, n, None))})
FUNCTIONS.update({n + "_": _inplace_function(n + "_", getattr(functional, n)) for n in (
    "selu", "celu", "threshold", "rrelu")})  # (the dropout_ forms: _torch_nn_forms.py)


def _bitwise_function(op: str) -> Callable[..., Any]:
    name = {"and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
            "lshift": "bitwise_left_shift", "rshift": "bitwise_right_shift"}[op]

    def form(input: Any, other: Any, *, out: Any = None) -> Any:  # noqa: A002
        result = bitwise(op, input, other)  # (a number input stays a number, as PyTorch's)
        return result if out is None else write_out(name, result, out, input, other)

    form.__name__ = form.__qualname__ = name
    form.__doc__ = (f"``{name}(input, other)``: elementwise, integer or bool operands (one may "
                    "be a number).")
    return form


def polygamma(n: int, input: Any, *, out: Any = None) -> Any:  # noqa: A002 - PyTorch's
    """``polygamma(n, input)``: psi^(n)(input), the n-th derivative of digamma (n first, as
    PyTorch's; the method is ``input.polygamma(n)``)."""
    result = as_tensor(input).polygamma(n)
    return result if out is None else write_out("polygamma", result, out, input)


FUNCTIONS["polygamma"] = polygamma
FUNCTIONS.update({f.__name__: f for f in map(_bitwise_function, ("and", "or", "xor",
                                                                  "lshift", "rshift"))})

# ------------------------------------------------------------------------------- dtypes
DTYPES = {name: as_dtype(name) for name in (
    "float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "complex64",
    "complex128")}
DTYPES.update(float=DTYPES["float32"], double=DTYPES["float64"], half=DTYPES["float16"],
              long=DTYPES["int64"], int=DTYPES["int32"], short=DTYPES["int16"],
              cfloat=DTYPES["complex64"], cdouble=DTYPES["complex128"], bool=as_dtype("bool"))


# -------------------------------------------------------------------- tensors from data
def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """A Tensor sharing ``data``'s memory where it can (a Tensor, or an array of the same
    dtype); other data is copied as ``tensor(data)`` would."""
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype == as_dtype(dtype) else data.to(dtype)
    if isinstance(data, np.ndarray):
        data = check_numpy(data)  # (PyTorch's TypeError / ValueError for other arrays)
        return Tensor._new(data if dtype is None else data.astype(as_dtype(dtype), copy=False))
    return tensor(data, dtype=dtype)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A Tensor sharing the array's memory (writes show on both sides) and its dtype."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray, got {type(ndarray).__name__}")
    return Tensor._new(check_numpy(ndarray))


def is_tensor(obj: Any) -> bool:
    """True for a tinygrad_nn Tensor (not for arrays or numbers)."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Any) -> bool:  # noqa: A002 - PyTorch's name
    """True when the tensor's dtype is a floating type."""
    return bool(np.dtype(input.dtype).kind == "f")


def equal(input: Any, other: Any) -> bool:  # noqa: A002 - PyTorch's name
    """True when both have the same shape and the same elements (``Tensor.equal``)."""
    return as_tensor(input).equal(other)


def isclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8,  # noqa: A002
            equal_nan: bool = False) -> Tensor:
    """Elementwise |input - other| <= atol + rtol * |other| (``Tensor.isclose``)."""
    return as_tensor(input).isclose(other, rtol, atol, equal_nan)


def allclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8,  # noqa: A002
             equal_nan: bool = False) -> bool:
    """True when every element is close (``Tensor.allclose``)."""
    return as_tensor(input).allclose(other, rtol, atol, equal_nan)


def bmm(input: Any, mat2: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """Batched matrix product of (b, n, m) and (b, m, p) tensors."""
    need_tensor("bmm", "mat2", mat2, 2)
    a, b = as_tensor(input), as_tensor(mat2)
    if a.ndim != 3 or b.ndim != 3:
        raise RuntimeError(f"bmm: expected two 3-D tensors, got {a.ndim}-D and {b.ndim}-D")
    return a.bmm(b)


class _LegacyTensorType(type):
    """The type of PyTorch's legacy ``FloatTensor``, ``LongTensor`` ...: calling one makes a
    Tensor of its dtype (as ``Tensor(...)``), ``isinstance(t, FloatTensor)`` asks whether t
    is a float32 Tensor, and ``t.type(FloatTensor)`` casts to it (``Tensor.type``)."""

    dtype: np.dtype

    def __call__(cls, *args: Any) -> Tensor:
        # a Tensor of another dtype is refused (PyTorch's TypeError), not converted
        if len(args) == 1 and isinstance(args[0], Tensor) and args[0].dtype != cls.dtype:
            raise TypeError(f"{cls.__name__}(): expected a tensor of dtype {cls.dtype} (got "
                            f"{args[0].dtype}); convert with .to({cls.dtype})")
        return Tensor(*args, dtype=cls.dtype)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype


def _typed_constructor(name: str) -> Any:
    return _LegacyTensorType(name, (), {"dtype": as_dtype(LEGACY_TYPES[name]),
                                        "__module__": "tinygrad_nn"})


FloatTensor = _typed_constructor("FloatTensor")
DoubleTensor = _typed_constructor("DoubleTensor")
HalfTensor = _typed_constructor("HalfTensor")
LongTensor = _typed_constructor("LongTensor")
IntTensor = _typed_constructor("IntTensor")
ShortTensor = _typed_constructor("ShortTensor")
CharTensor = _typed_constructor("CharTensor")
ByteTensor = _typed_constructor("ByteTensor")
BoolTensor = _typed_constructor("BoolTensor")


# ------------------------------------------------------------------------------ random
Generator = _RandomGenerator  # (defined beside the global generator, which is one)


# --------------------------------------------------------------------------- grad modes
class set_grad_enabled(_grad_mode):
    """``set_grad_enabled(False)`` switches recording off at once (a plain call works, as in
    PyTorch); as a context manager or decorator it restores the previous mode on exit."""

    def __init__(self, mode: bool) -> None:
        super().__init__(mode)
        self._set_now()

    def _set_now(self) -> None:
        super().__enter__()

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: Any) -> Any:  # as a decorator: undo the switch, apply per call
        super().__exit__()
        return super().__call__(fn)

    def _recreate_cm(self) -> set_grad_enabled:
        return set_grad_enabled(self.mode)


class inference_mode(_grad_mode):
    """``with inference_mode():`` (or ``@inference_mode()``) records nothing, like no_grad,
    and the tensors made inside are inference tensors (``Tensor.is_inference``): outside the
    mode they cannot be changed in place, saved for a backward, or made to require grad,
    as in PyTorch. ``inference_mode(False)`` leaves recording as it is."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__(not mode and is_grad_enabled())
        self.on, self.prev_on = bool(mode), list[bool]()

    def __enter__(self) -> None:  # (is_inference_mode_enabled reads the flag)
        super().__enter__()
        self.prev_on.append(_mode.inference)
        _mode.inference = self.on

    def __exit__(self, *exc: object) -> None:
        _mode.inference = self.prev_on.pop()
        super().__exit__(*exc)


def set_default_device(device: Any) -> None:
    """Only ``'cpu'`` (or None) is accepted: there is no other backend."""
    _check_device(device)


def get_default_device() -> Device:
    return Device("cpu")


__all__ = [
    "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "Generator",
    "HalfTensor", "IntTensor", "LongTensor", "ShortTensor", "allclose", "as_tensor", "bmm",
    "equal", "from_numpy", "get_default_device", "inference_mode", "is_floating_point",
    "is_tensor", "isclose", "set_default_device", "set_grad_enabled",
]
