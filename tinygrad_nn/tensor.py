"""Tensor: an array, its gradient, and the node that computed it.

Ops are recorded in one place, ``Function.apply``; this file holds the data model, the
autograd entry points (``backward``, ``grad``), the leaf side of the engine's protocol
(accumulating into ``.grad``, hooks) and conversions. The op methods come from mixins
that mirror ``ops/``: ``tensor_elementwise``, ``tensor_reduce``, ``tensor_movement``, and
``tensor_inplace`` for in-place updates with version counters.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import engine
from .dtypes import as_dtype, get_default_dtype, is_dtype_name
from .function import Function
from .tensor_elementwise import TensorElementwise
from .tensor_inplace import TensorInPlace
from .tensor_movement import TensorMovement
from .tensor_reduce import TensorReduce

_DEVICE_ERR = "tinygrad_nn runs on the CPU only (there is no GPU backend yet); got device {!r}"


class Device:
    """The one device: ``cpu``."""

    type = "cpu"

    def __init__(self, name: Any = "cpu") -> None:
        name = getattr(name, "type", name)
        if str(name).split(":")[0] != "cpu":
            raise RuntimeError(_DEVICE_ERR.format(str(name)))

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) or other == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")


device = Device
_CPU = Device()


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
        if arr.dtype == np.float64:  # Python floats get the default dtype
            arr = arr.astype(get_default_dtype())
    if arr.dtype.kind not in "biufc":
        raise TypeError(
            f"Tensor: data must be numeric or boolean, got an array of dtype {arr.dtype}"
        )
    if dtype is not None:
        arr = arr.astype(as_dtype(dtype), copy=False)
    return arr


class Tensor(TensorElementwise, TensorReduce, TensorMovement, TensorInPlace):
    """An n-dimensional array that records the ops computing it (define-by-run).

    ``Tensor(data, requires_grad=False, dtype=None, name=None)``: ``data`` is a NumPy
    array (kept, not copied, with its dtype), a number, a nested list or a Tensor.
    Python floats get the default dtype (float32). Only floating tensors can require grad.
    """

    __slots__ = ()  # the state's slots are TensorBase's
    __array_ufunc__ = None  # NumPy defers to Tensor's reflected operators (array * tensor)

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None
    ) -> None:
        arr = _to_array(data, dtype)
        if requires_grad and arr.dtype.kind not in "fc":
            raise TypeError(
                f"only floating-point tensors can require grad; got dtype {arr.dtype} "
                "(convert with .float() or dtype=float32)"
            )
        self._data: np.ndarray = arr
        self.grad: Tensor | None = None
        self.requires_grad = bool(requires_grad)
        self._ctx: Function | None = None
        self._name = name
        self._hooks: list[Callable[[Any], Any]] | None = None
        self._vc = [0]

    @staticmethod
    def _make(data: np.ndarray, ctx: Any) -> Tensor:
        """A Tensor on graph node ``ctx`` (or a constant when ``ctx`` is None), unchecked."""
        t = object.__new__(Tensor)
        t._data = data
        t.grad = None
        t.requires_grad = ctx is not None
        t._ctx = ctx
        t._name = None
        t._hooks = None
        t._vc = [0]
        return t

    # -- attributes ---------------------------------------------------------------
    @property
    def data(self) -> Tensor:
        """This tensor's values as a Tensor that shares memory and does not require grad.

        As in PyTorch: ``p.data.add_(g, alpha=-lr)`` changes ``p`` without recording, and
        ``p.data = t`` makes ``p`` hold ``t``'s array. The NumPy array is ``.numpy()``.
        """
        return Tensor._make(self._data, None)

    @data.setter
    def data(self, value: Any) -> None:
        arr = value._data if isinstance(value, Tensor) else np.asarray(value)
        if self.requires_grad and arr.dtype.kind not in "fc":
            raise TypeError(
                f"data: cannot assign {arr.dtype} values to a tensor that requires grad"
            )
        self._data = arr

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

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
    def _new(data: Any, requires_grad: bool = False) -> Tensor:
        return Tensor(data, requires_grad=requires_grad)

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

    @property
    def T(self) -> Tensor:
        """The axes reversed (``x.transpose()``)."""
        return self.transpose()

    def size(self, axis: int | None = None) -> Any:
        """The shape, or the length of one axis."""
        return self.shape if axis is None else self.shape[axis]

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
                f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iu":
            raise TypeError(f"only integer tensors can be used as an index, got {self.dtype}")
        return int(self.item())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(")
        extra = ""
        if self.dtype != get_default_dtype() and self.dtype.kind == "f" or self.dtype.kind != "f":
            extra += f", dtype={self.dtype}"
        if self._ctx is not None:
            extra += f", grad_fn=<{type(self._ctx).__name__}>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        if self._name:
            extra += f", name={self._name!r}"
        return f"tensor({body}{extra})"

    # -- conversions --------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The array itself (no copy)."""
        return self._data

    def item(self) -> Any:
        """The single element as a Python number."""
        if self._data.size != 1:
            raise ValueError(f"item(): the tensor has {self._data.size} elements, expected 1")
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def detach(self) -> Tensor:
        """The same array, cut from the graph (shares data and version counter)."""
        t = Tensor._make(self._data, None)
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        self._ctx = None
        self.requires_grad = False
        return self

    def requires_grad_(self, flag: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf (floating dtype only)."""
        if self._ctx is not None and not flag:
            raise RuntimeError("requires_grad_(False) only works on leaves; use .detach()")
        if flag and self.dtype.kind not in "fc":
            raise TypeError(f"only floating-point tensors can require grad; got dtype {self.dtype}")
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
            Device(dev)
        return self if dtype is None else self.astype(dtype)

    def cpu(self) -> Tensor:
        return self

    def contiguous(self) -> Tensor:
        return self

    # -- autograd -----------------------------------------------------------------
    def backward(
        self, grad: Any = None, retain_graph: bool | None = None, create_graph: bool = False
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` by the chain rule.

        ``grad`` is d(loss)/d(self); it may be omitted only for a one-element tensor.
        The graph's saved arrays are released unless ``retain_graph``; with
        ``create_graph`` the backward pass is itself recorded (for higher derivatives).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward(): this tensor does not require grad and has no graph "
                "(no input had requires_grad=True, or it was computed under no_grad())"
            )
        seed = _seed(self, grad, create_graph)
        retain = create_graph if retain_graph is None else retain_graph
        engine.run_backward([_node(self)], [seed], retain, create_graph)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def register_hook(self, fn: Callable[[Tensor], Tensor | None]) -> Callable[[], None]:
        """Call ``fn(grad)`` when this tensor's gradient is computed; it may return a
        replacement. Returns a function that removes the hook."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: this tensor does not require grad")

        def hook(g: Any) -> Any:  # the engine's hooks see arrays (Tensors under create_graph)
            out = fn(g if isinstance(g, Tensor) else Tensor(g))
            if out is None:
                return None
            out = out if isinstance(out, Tensor) else Tensor(out)
            return out if isinstance(g, Tensor) else out._data

        if self._ctx is not None:
            return self._ctx.register_hook(hook)
        if self._hooks is None:
            self._hooks = []
        hooks = self._hooks
        hooks.append(hook)
        return lambda: hooks.remove(hook) if hook in hooks else None

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")
        if self._ctx is not None:
            self._ctx.retained = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        return self._ctx is not None and self._ctx.retained is not None

    def _accumulate_grad(self, g: Any, create: bool, fresh: bool) -> None:
        """Add gradient ``g`` into ``.grad`` like PyTorch: summed over calls (engine.Leaf).

        ``fresh``: ``g`` is an array only the engine holds, so it may become ``.grad`` itself.
        """
        if create:
            gt = g if isinstance(g, Tensor) else Tensor(g)
            if gt.dtype != self.dtype:
                gt = gt.astype(self.dtype)
            self.grad = gt if self.grad is None else self.grad + gt
            return
        if g.dtype != self.dtype:
            g = g.astype(self.dtype)
        if self.grad is None:
            # otherwise a copy: the engine may hand the same array to several inputs
            keep = fresh and g.flags.c_contiguous and g.flags.writeable
            self.grad = Tensor(g if keep else np.array(g, order="C"))  # C-ordered, like the param
        elif self.grad._ctx is not None or self.grad.shape != g.shape:
            self.grad = Tensor(self.grad._data + g)
        else:
            self.grad._data += g


def _node(t: Tensor) -> Any:
    """The graph node of a Tensor: its ``grad_fn``, or the tensor itself for a leaf."""
    return t._ctx if t._ctx is not None else t


def _seed(t: Tensor, grad: Any, create_graph: bool) -> Any:
    """The starting gradient d(out)/d(t): ones for a one-element t, else ``grad``."""
    if grad is None:
        if t._data.size != 1:
            raise RuntimeError(
                f"backward(): grad can be implicitly created only for a one-element output, "
                f"but the tensor has shape {t.shape}; pass grad= of that shape"
            )
        g = np.ones(t.shape, dtype=t.dtype)
    else:
        g = grad._data if isinstance(grad, Tensor) else np.asarray(grad, dtype=t.dtype)
        if g.shape != t.shape:
            raise RuntimeError(
                f"backward(): grad has shape {g.shape}, expected the output's shape {t.shape}"
            )
        if create_graph and isinstance(grad, Tensor):
            return grad
    return Tensor(g) if create_graph else g


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs) as a tuple, without touching any ``.grad`` (torch.autograd.grad).

    ``grad_outputs`` weights each output (needed for outputs with more than one
    element); with ``create_graph`` the result can be differentiated again.
    """
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    gos = (
        [grad_outputs]
        if isinstance(grad_outputs, Tensor) or grad_outputs is None
        else list(grad_outputs)
    )
    if grad_outputs is None:
        gos = [None] * len(outs)
    if len(gos) != len(outs):
        raise ValueError(f"grad: {len(outs)} output(s) but {len(gos)} grad_outputs")
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} is not a Tensor that requires grad")
    for i, t in enumerate(outs):
        if not t.requires_grad:
            raise RuntimeError(f"grad: output {i} does not require grad (it has no graph)")
    seeds = [_seed(t, g, create_graph) for t, g in zip(outs, gos)]
    capture: dict[int, int] = {}
    for i, t in enumerate(ins):
        capture.setdefault(id(_node(t)), i)
    retain = create_graph if retain_graph is None else retain_graph
    got = engine.run_backward([_node(t) for t in outs], seeds, retain, create_graph, capture)
    assert got is not None
    result: list[Tensor | None] = []
    for i, t in enumerate(ins):
        g = got[capture[id(_node(t))]]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} was not used to compute the outputs; pass allow_unused=True"
                )
            result.append(None)
        else:
            result.append(g if isinstance(g, Tensor) else Tensor(np.array(g, copy=True)))
    return tuple(result)

