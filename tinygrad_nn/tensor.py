"""Tensor: an array, its gradient, and the node that computed it.

Ops are recorded in one place, ``Function.apply``; this file holds the data model, the
autograd entry points (``backward``, ``grad``), the leaf side of the engine's protocol
(accumulating into ``.grad``, hooks) and conversions. The op methods come from mixins
that mirror ``ops/``: ``tensor_elementwise``, ``tensor_reduce``, ``tensor_movement``, and
``tensor_inplace`` for in-place updates with version counters.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._tensor_str import tensor_str
from ._warn import warn_once
from .dtypes import as_dtype, default_or, get_default_dtype, is_dtype_name, sequence_dtype
from .function import Function, TensorBase
from .grad_mode import _mode
from .tensor_autograd import TensorAutograd
from .tensor_base import INFERENCE_REQUIRES_GRAD, TensorFirst
from .tensor_elementwise import TensorElementwise
from .tensor_indexing import TensorIndexingOps
from .tensor_inplace import TensorInPlace
from .tensor_layout import TensorLayout
from .tensor_linalg import TensorLinalg
from .tensor_math import TensorMath
from .tensor_movement import TensorMovement
from .tensor_random import TensorRandom
from .tensor_reduce import TensorReduce
from .tensor_scatter import TensorScatter
from .tensor_select import TensorSelect
from .tensor_special import TensorSpecial
from .tensor_stft import TensorStft


class IntegerGradError(RuntimeError, TypeError):
    """Integer or bool data asked to require grad (PyTorch raises RuntimeError; it is also a
    TypeError, as this project promised before)."""

    def __init__(self, dtype: Any) -> None:
        super().__init__(
            "Only Tensors of floating point and complex dtype can require gradients "
            f"(got dtype {dtype}; convert with .float() or dtype=float32)"
        )


class Size(tuple):  # type: ignore[type-arg]
    """A shape: the tuple subclass ``.shape`` and ``size()`` return (PyTorch's ``torch.Size``).

    It equals and hashes as the plain tuple; slicing it, ``+`` and ``*`` with tuples give a
    Size again, and ``numel()`` is the product. Printed ``Size([2, 3])``.
    """

    __slots__ = ()

    def __new__(cls, sizes: Any = ()) -> Size:
        dims = []
        for i, d in enumerate(sizes):
            try:
                dims.append(operator.index(d))
            except TypeError:
                raise TypeError(f"Size() takes an iterable of 'int' (item {i} is "
                                f"'{type(d).__name__}')") from None
        return tuple.__new__(cls, dims)

    def __repr__(self) -> str:
        return f"Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, key: Any) -> Any:
        got = tuple.__getitem__(self, key)
        return _size(Size, got) if type(key) is slice else got

    def __add__(self, other: Any) -> Size:
        return _size(Size, tuple.__add__(self, tuple(other)))

    def __radd__(self, other: Any) -> Size:
        return _size(Size, tuple(other) + tuple(self))

    def __mul__(self, n: Any) -> Size:
        return _size(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self) -> tuple[Any, ...]:
        return Size, (tuple(self),)

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds (1 for ``Size([])``)."""
        n = 1
        for d in self:
            n *= d
        return n


_size = tuple.__new__  # Size from a tuple of ints, unchecked (``.shape``: read often)


_NUMPY_GRAD_ERR = ("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                   "instead.")

class ScalarConversionError(RuntimeError, ValueError):
    """``item()`` of a tensor without exactly one element: PyTorch raises RuntimeError; a
    ValueError too, as this library's earlier releases raised (both clauses keep working)."""


_SCALAR_GRAD_WARN = ("Converting a tensor with requires_grad=True to a scalar may lead to "
                     "unexpected behavior.\nConsider using tensor.detach() first.")

_DEVICE_ERR = "tinygrad_nn runs on the CPU only (there is no GPU backend yet); got device {!r}"


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
                 "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                 "privateuseone")


class Device:
    """A device name, as ``torch.device``: ``device('cpu')``, ``device('cuda:1')``,
    ``device('cuda', 1)``. Any of PyTorch's device types can be named (programs build
    ``device('cuda' if available else 'cpu')``), but only the CPU holds tensors: putting a
    tensor on another device raises."""

    type: str
    index: int | None

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:  # noqa: A002
        spec: Any = type
        if isinstance(spec, Device):
            spec, index = spec.type, spec.index if index is None else index
        elif hasattr(spec, "type"):  # another library's device object
            spec, index = str(spec.type), getattr(spec, "index", None)
        name = str(spec)
        kind, _, number = name.partition(":")
        if kind not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at "
                               f"start of device string: {name}")
        if number:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index "
                                   f"was passed explicitly: {name}")
            index = int(number)
        self.type, self.index = kind, index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):  # (a convenience: t.device == 'cpu')
            return str(self) == other
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self) -> Device:
        """``with device('cpu'):``, PyTorch's default-device block: tensors created inside
        are made there. Only the CPU holds tensors here, so another device raises at once
        (PyTorch raises when the first tensor is made)."""
        return require_cpu(self)

    def __exit__(self, *exc: object) -> None:
        return None


def require_cpu(device: Any) -> Device:
    """``device`` as a Device, which must be the CPU: the one check behind every
    ``device=`` argument and ``.to(device)``."""
    d = device if isinstance(device, Device) else Device(device)
    if d.type != "cpu":
        raise RuntimeError(_DEVICE_ERR.format(str(d)))
    return d


device = Device
_CPU = Device()


def _type_name(x: Any) -> str:
    """A type's name as PyTorch's messages print it (``numpy.float64``, ``float``)."""
    t = type(x)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _to_array(data: Any, dtype: Any) -> np.ndarray:
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, np.ndarray):
        arr = data
    elif isinstance(data, np.generic):
        arr = np.asarray(data)
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in data):
            data = [d._data if isinstance(d, Tensor) else d for d in data]
        arr = np.asarray(data)
        if arr.dtype == np.float64 or arr.dtype == np.complex128:
            # Python floats get the default dtype, NumPy scalars their own, promoted as
            # PyTorch does (``sequence_dtype``); or the asked dtype, read from the numbers
            # themselves, not through float32
            if dtype is None:
                arr = arr.astype(sequence_dtype(data) or get_default_dtype())
            else:
                arr = arr.astype(as_dtype(dtype))
    if arr.dtype.kind not in "biufc":
        raise TypeError(
            f"Tensor: data must be numeric or boolean, got an array of dtype {arr.dtype}"
        )
    if dtype is not None:
        arr = arr.astype(as_dtype(dtype), copy=False)
    return arr


class Tensor(
    TensorFirst,  # (TensorBase, first in the MRO: see tensor_base.py)
    TensorMath,
    TensorElementwise,
    TensorReduce,
    TensorSelect,
    TensorMovement,
    TensorLayout,
    TensorIndexingOps,
    TensorScatter,
    TensorInPlace,
    TensorRandom,
    TensorLinalg,
    TensorSpecial,
    TensorStft,
    TensorAutograd,
):
    """An n-dimensional array that records the ops computing it (define-by-run).

    PyTorch's legacy constructor: any data (a list, a NumPy array of any dtype, a 0-d
    array) becomes a tensor of the default dtype (float32 unless ``set_default_dtype``),
    an array of that dtype is shared, not copied; ``Tensor(2, 3)`` is an uninitialised
    tensor of that size, ``Tensor()`` an empty one; ``Tensor(t)`` shares ``t``'s array and
    keeps its dtype. A bare number is not data (``TypeError``: PyTorch's). Beyond PyTorch,
    ``requires_grad=``, ``dtype=``, ``name=`` (for drawings) and ``device='cpu'`` are
    keywords; only floating tensors can require grad. ``tinygrad_nn.tensor(data)`` infers
    dtypes as ``torch.tensor`` does (an array keeps its dtype).
    """

    __slots__ = ()  # the state's slots are TensorBase's
    __array_ufunc__ = None  # NumPy defers to Tensor's reflected operators (array * tensor)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Tensor and len(args) == 1 and not kwargs and isinstance(args[0], TensorBase):
            # Tensor(t) is an alias of t, as PyTorch's: a view (AliasBackward0 when t
            # requires grad) sharing its memory, version counter and dtype
            t: Any = args[0]
            v = t[...]
            # made under no_grad, it still reports t's requires_grad (a leaf without a
            # node whose gradient goes nowhere: ``_accumulate_grad``), as PyTorch's views
            v.requires_grad = t.requires_grad
            return v
        return super().__new__(cls)

    def __init__(self, *args: Any, requires_grad: bool = False, dtype: Any = None,
                 name: str | None = None, device: Any = None) -> None:
        if getattr(self, "_data", None) is not None:
            return  # an alias, made whole by __new__
        if device is not None:
            require_cpu(device)
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))
               for a in args) or (len(args) == 1 and isinstance(args[0], Size)):
            # Tensor(2, 3) / Tensor(): uninitialised, of that size (PyTorch's legacy form)
            sizes = tuple(args[0]) if args and isinstance(args[0], Size) else args
            if any(n < 0 for n in sizes):
                raise RuntimeError(f"Trying to create tensor with negative dimension "
                                   f"{next(n for n in sizes if n < 0)}: {list(sizes)}")
            arr = np.empty(tuple(int(n) for n in sizes) or (0,), dtype=default_or(dtype))
        elif len(args) == 1:
            data = args[0]
            if not isinstance(data, (TensorBase, np.ndarray)) and (
                isinstance(data, (np.generic, bool, int, float, complex)) or data is None
                or isinstance(data, dict)
            ):
                raise TypeError(f"new(): data must be a sequence (got {_type_name(data)})")
            if isinstance(data, str):
                raise TypeError("new(): invalid data type 'str'")
            # any data gets the default dtype (PyTorch's legacy constructor); a Tensor
            # keeps its own (its array is shared)
            keep = isinstance(data, TensorBase) and dtype is None
            arr = _to_array(data, None if keep else default_or(dtype))
        else:
            raise TypeError(
                f"new() received an invalid combination of arguments - got "
                f"({', '.join(type(a).__name__ for a in args)}): expected data (a list, an "
                f"array, a Tensor) or sizes (ints)"
            )
        self._init(arr, requires_grad, name)

    def _init(self, arr: np.ndarray, requires_grad: bool, name: str | None) -> None:
        if requires_grad and arr.dtype.kind not in "fc":
            raise IntegerGradError(arr.dtype)
        self._data: np.ndarray = arr
        self.requires_grad = bool(requires_grad)
        self._ctx: Function | None = None
        if name is not None:
            self._name = name
        if _mode.inference:  # made inside inference_mode(): an inference tensor
            self._inference = True

    @staticmethod
    def _make(data: np.ndarray, ctx: Any) -> Tensor:
        """A Tensor on graph node ``ctx`` (or a constant when ``ctx`` is None), unchecked."""
        t = object.__new__(Tensor)
        t._data = data
        t.requires_grad = ctx is not None
        t._ctx = ctx
        if _mode.inference:  # made inside inference_mode(): an inference tensor
            t._inference = True
        return t

    # -- attributes ---------------------------------------------------------------
    def _alias(self) -> Tensor:
        """A new Tensor of this one's array, off the graph: an inference tensor exactly when
        this one is (PyTorch's ``detach()`` and ``.data`` are views)."""
        t = Tensor._make(self._data, None)
        if t._inference is not self._inference:
            t._inference = self._inference
        return t

    @property
    def data(self) -> Tensor:
        """This tensor's values as a Tensor that shares memory and does not require grad.

        As in PyTorch: ``p.data.add_(g, alpha=-lr)`` changes ``p`` without recording, and
        ``p.data = t`` makes ``p`` hold ``t``'s array. The NumPy array is ``.numpy()``.
        """
        return self._alias()

    @data.setter
    def data(self, value: Any) -> None:
        arr = value._data if isinstance(value, Tensor) else np.asarray(value)
        if self.requires_grad and arr.dtype.kind not in "fc":
            raise TypeError(
                f"data: cannot assign {arr.dtype} values to a tensor that requires grad"
            )
        self._data = arr

    @property
    def shape(self) -> Size:
        """The shape as a ``Size`` (a tuple subclass, PyTorch's ``torch.Size``)."""
        return _size(Size, self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def device(self) -> Device:
        return _CPU

    @property
    def is_leaf(self) -> bool:
        """True for tensors created by the user (not computed by a recorded op)."""
        return self._ctx is None

    @staticmethod
    def _new(data: Any, requires_grad: bool = False, name: str | None = None) -> Tensor:
        """A Tensor of ``data`` with its dtype inferred as ``tinygrad_nn.tensor`` does (an
        array keeps its dtype and is not copied): the library's own way to make one (the
        public ``Tensor(data)`` gives the default dtype, as PyTorch's)."""
        t = object.__new__(Tensor)
        t._init(_to_array(data, None), requires_grad, name)
        return t

    @property
    def grad_fn(self) -> Function | None:
        """The node that computed this tensor (None for leaves): its ``name()``,
        ``next_functions`` and ``metadata`` are PyTorch's node API."""
        return self._ctx

    @property
    def name(self) -> str | None:
        return self._name

    @name.setter
    def name(self, value: str | None) -> None:
        self._name = value
        if self._ctx is not None:  # drawings label the node's output with it
            self._ctx.metadata["name"] = value

    def size(self, dim: int | None = None) -> Any:
        """The shape as a ``Size`` (a tuple), or the length of dim ``dim``."""
        return _size(Size, self._data.shape) if dim is None else self._data.shape[dim]

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def element_size(self) -> int:
        """Bytes per element."""
        return int(self._data.itemsize)

    # -- where and how the data lives (one CPU device, plain strided memory) ----------
    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return int(self._data.itemsize)

    @property
    def nbytes(self) -> int:
        """Bytes of all elements (numel * itemsize)."""
        return int(self._data.size * self._data.itemsize)

    is_cpu = True
    is_cuda = is_mps = is_xpu = is_meta = is_sparse = is_quantized = is_nested = False
    is_xla = is_ipu = is_maia = is_mtia = is_mkldnn = is_vulkan = is_sparse_csr = False

    def is_distributed(self) -> bool:
        return False

    @property
    def volatile(self) -> bool:
        """Always False, with PyTorch's UserWarning (``volatile`` was removed: ``no_grad``)."""
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                      stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value: Any) -> None:
        warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                      "instead.", UserWarning, stacklevel=2)

    def reinforce(self, reward: Any) -> None:
        """Removed from PyTorch: raises its RuntimeError (use ``distributions``' log_prob)."""
        raise RuntimeError(
            "reinforce() was removed.\nUse tinygrad_nn.distributions instead (as "
            "torch.distributions): m = Categorical(probs); action = m.sample(); "
            "loss = -m.log_prob(action) * reward; loss.backward()")

    def get_device(self) -> int:
        """-1: the CPU (PyTorch's number for it)."""
        return -1

    def is_signed(self) -> bool:
        """False for unsigned integer and bool dtypes."""
        return self._data.dtype.kind not in "ub"

    def is_same_size(self, other: Tensor) -> bool:
        return self.shape == other.shape

    def is_nonzero(self) -> bool:
        """The truth value of a one-element tensor (an error for any other size)."""
        if self._data.size == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if self._data.size > 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def is_inference(self) -> bool:
        """True for a tensor made inside ``inference_mode()``, or a view of one."""
        return self._inference

    def is_pinned(self) -> bool:
        return False

    def is_shared(self) -> bool:
        return False

    # -- sparse layouts: one dense layout here (``tinygrad_nn.sparse``) -----------------
    def to_sparse(self, *args: Any, **kwargs: Any) -> Tensor:
        """A copy standing for PyTorch's sparse tensor: the same values, stored dense."""
        return self.clone()

    to_sparse_coo = to_sparse

    def to_dense(self, dtype: Any = None) -> Tensor:
        return self if dtype is None else self.to(dtype)

    def coalesce(self) -> Tensor:
        return self

    def is_coalesced(self) -> bool:
        return True

    def pin_memory(self) -> Tensor:
        """The same tensor: pinned memory only matters for copies to a GPU."""
        return self

    def share_memory_(self) -> Tensor:
        """The same tensor: worker processes receive copies (``DataLoader``)."""
        return self

    def __format__(self, spec: str) -> str:
        # PyTorch formats a 0-d tensor as its number; anything else only without a spec
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return str(self)

    def numel(self) -> int:
        return int(self._data.size)

    def dim(self) -> int:
        return self._data.ndim

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor of shape {self._data.shape} is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self._data)

    def __float__(self) -> float:
        """The value of a one-element tensor; for a tensor that requires grad, PyTorch's
        warning (``_warn_grad_scalar``). A complex value must be real (PyTorch's error)."""
        self._warn_grad_scalar()
        return float(self._real_scalar("double"))

    def __int__(self) -> int:
        return int(self._real_scalar("long"))

    def __complex__(self) -> complex:
        self._warn_grad_scalar()
        return complex(self._scalar())

    def _warn_grad_scalar(self) -> None:
        """PyTorch's warning for ``float()`` / ``complex()`` of a tensor that requires grad:
        once per process, and only while grad mode is on (not under ``no_grad()``, where an
        optimiser's closure loss is read); ``int()`` and ``item()`` do not warn."""
        if self.requires_grad and _mode.enabled:
            warn_once(_SCALAR_GRAD_WARN)

    def __index__(self) -> int:
        """``t`` as a list index or ``range`` bound: a one-element integer or bool tensor."""
        if self.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            f"index (got a {self.dtype} tensor of shape {tuple(self.shape)})")
        return int(self._data.item())

    def _scalar(self) -> Any:
        """The single element, for ``int()`` / ``float()`` / ``complex()`` (PyTorch's
        ValueError otherwise)."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars "
                             f"(this one has {self._data.size})")
        return self._data.item()

    def _real_scalar(self, c_type: str) -> Any:
        value = self._scalar()
        if isinstance(value, complex):
            if value.imag != 0:  # (PyTorch's message: the imaginary part would be lost)
                raise RuntimeError(f"value cannot be converted to type {c_type} without "
                                   "overflow")
            return value.real
        return value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """``np.asarray(t)``: the array, refused (as ``numpy()``) when ``t`` requires grad."""
        if self.requires_grad:
            raise RuntimeError(_NUMPY_GRAD_ERR)
        return self._data if dtype is None else self._data.astype(dtype)

    def __repr__(self) -> str:
        suffixes = []
        if self._ctx is not None:
            suffixes.append(f"grad_fn=<{self._ctx.name()}>")
        elif self.requires_grad:
            suffixes.append("requires_grad=True")
        if self._name:
            suffixes.append(f"name={self._name!r}")
        return tensor_str(self._data, suffixes)

    # -- conversions --------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The array itself (no copy). A tensor that requires grad is refused, as in PyTorch
        (use ``t.detach().numpy()``), unless ``force=True``."""
        if self.requires_grad and not force:
            raise RuntimeError(_NUMPY_GRAD_ERR)
        return self._data

    def item(self) -> Any:
        """The single element as a Python number."""
        if self._data.size != 1:
            raise ScalarConversionError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def detach(self) -> Tensor:
        """The same array, cut from the graph (shares data and version counter)."""
        t = self._alias()
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place (a leaf from now on); not for a view."""
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._vc  # noqa: B018 (made now, so nodes that saved these values still see changes)
        self._ctx = None
        self.requires_grad = False
        return self

    def requires_grad_(self, flag: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf (floating dtype only)."""
        if self._ctx is not None and not flag:
            raise RuntimeError("requires_grad_(False) only works on leaves; use .detach()")
        if flag and self.dtype.kind not in "fc":
            raise IntegerGradError(self.dtype)
        if flag and self._inference and not _mode.inference:
            raise RuntimeError(INFERENCE_REQUIRES_GRAD)
        self.requires_grad = bool(flag)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``.to('cpu')`` is the identity, ``.to(float64)`` casts; other devices raise."""
        dtype, dev = kwargs.get("dtype"), kwargs.get("device")
        for a in args:
            if isinstance(a, Device) or isinstance(a, str) and not is_dtype_name(a):
                dev = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            else:
                dtype = a
        if dev is not None:
            require_cpu(dev)
        return self if dtype is None else self.astype(dtype)

    def cpu(self) -> Tensor:
        return self


Tensor._result = Tensor  # what ops make (``TensorBase._result``): a Tensor, also for Parameters
