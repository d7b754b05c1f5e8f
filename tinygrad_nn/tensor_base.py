"""The state of a Tensor as the recording point (``function.py``) reads and writes it.

``Tensor`` (tensor.py) derives from ``TensorBase``; the core reaches the Tensor class only
through its inputs (``_make``), never through a global.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .dtypes import as_dtype
from .grad_mode import _mode

_VC0 = np.zeros(1, np.int64)  # copied for each new version counter
_ref = weakref.ref
# PyTorch's errors for an inference tensor (one made inside ``inference_mode()``) used
# outside the mode
INFERENCE_INPLACE = ("Inplace update to inference tensor outside InferenceMode is not allowed. "
                     "You can make a clone to get a normal tensor before doing inplace update.")
INFERENCE_SAVED = ("Inference tensors cannot be saved for backward. Please do not use Tensors "
                   "created in inference mode in computation tracked by autograd. To work "
                   "around this, you can make a clone to get a normal tensor and use it in "
                   "autograd.")
INFERENCE_VERSION = "Inference tensors do not track version counter."
INFERENCE_REQUIRES_GRAD = ("Setting requires_grad=True on inference tensor outside "
                           "InferenceMode is not allowed.")


NONLEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more informations.")
_GRAD_DTYPE_ADVICE = (
    "The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype). You "
    "can set the tensor's grad_dtype attribute with a specific dtype, or None to allow any "
    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient "
    "may break downstream systems that assume they match.")
_UNSET: Any = object()  # grad_dtype not set: the tensor's own dtype


def grad_target(t: Any) -> Any:
    """The dtype a gradient of ``t`` takes: its ``grad_dtype`` when set (None: any), else
    t's own dtype (PyTorch's default)."""
    gd = t._grad_dtype
    return t._data.dtype if gd is _UNSET else gd


def new_counter() -> Any:
    """A new version counter at version 0."""
    return _VC0.copy()


class TensorBase:
    """The state of a Tensor, as the recording point reads and writes it (``Tensor`` derives
    from it: ops reach the Tensor class only through their inputs, never a global)."""

    # The fields every Tensor sets are slots; the rarely set ones are class-level defaults,
    # stored in the instance ``__dict__`` only when set (so ``_make``, the hot path of
    # every op, writes three fields). Like PyTorch tensors, Tensors take other attributes.
    __slots__ = ("_data", "requires_grad", "_ctx", "__dict__", "__weakref__")
    _data: np.ndarray
    requires_grad: bool
    _ctx: Any
    _grad: Any = None  # ``.grad``'s value (the property checks what is assigned)
    _grad_dtype: Any = _UNSET  # ``grad_dtype``, in the instance dict once set
    _name: str | None = None
    _hooks: list[Callable[[Any], Any]] | None = None
    _vcnt: Any = None  # the version counter, made on first need (``_vc``)
    # views (``_view_of``): a view's root base, the tensor whose memory it reads
    # (PyTorch's ``_base``); a base's views, as weak references; why an in-place change
    # through a view is refused, when it is: (kind, op, output index), kind "no_grad" or
    # "multi" (``unbind``'s outputs), or "no_grad view" / "multi view" for views of those
    _base: Any = None
    _views: list[Any] | None = None
    _view_meta: tuple[str, str, int] | None = None
    _result: type  # the class of op results (Tensor: set by tensor.py; ``_make`` makes one)
    # made inside ``inference_mode()`` (or a view of such a tensor): PyTorch's inference
    # tensor (``is_inference``), set in the instance dict only for those
    _inference: bool = False

    @property
    def _vc(self) -> Any:
        """The version counter (``vc[0]``), shared by views of one array: made on first
        need (viewed, changed in place), as a 1-element int64 array, which the cyclic GC
        does not track. A node that saved this tensor's values before the counter existed
        finds it through the tensor's node (``_out_vc``, registered here) or, for a leaf or
        a constant, through the tensor itself (``_saved.check_versions``)."""
        vc = self._vcnt
        if vc is None:
            vc = new_counter()
            self._vc = vc  # the setter registers it on the node
        return vc

    @_vc.setter
    def _vc(self, vc: Any) -> None:
        self._vcnt = vc
        if self._ctx is not None:
            self._ctx._out_vc = vc

    def _is_view(self) -> bool:
        """True for a view of another tensor's memory (PyTorch's; ``_base`` is that tensor)."""
        return self._base is not None

    @property
    def _version(self) -> int:
        """How many times this tensor's memory was changed in place (PyTorch's
        ``t._version``; views share it with their base)."""
        if self._inference:
            raise RuntimeError(INFERENCE_VERSION)
        vc = self._vcnt
        return 0 if vc is None else int(vc[0])

    def _bump_version(self) -> None:
        """Count a change of this tensor's memory in place (after the write, where PyTorch
        counts it too): an inference tensor refuses outside ``inference_mode()``."""
        if self._inference and not _mode.inference:
            raise RuntimeError(INFERENCE_INPLACE)
        vc = self._vcnt  # (read directly: the ``_vc`` property is only for a first change)
        if vc is None:
            vc = self._vc
        vc[0] += 1

    def _view_of(self, x: Any, enabled: bool) -> None:
        """Record that this new float Tensor is a view of ``x``'s memory (``Function.apply``).

        ``_base`` is the root base (a view of a view has its base's), which keeps a weak
        reference to this view, so an in-place change of one can re-derive the others'
        nodes (tensor_inplace.py). A view made under no_grad, of such a view, or of one
        output of a multi-view op (``unbind``) keeps that fact: PyTorch refuses in-place
        changes to it under grad."""
        root = x._base
        if root is None:
            root = x
        elif x._view_meta is not None:  # (PyTorch: a view of such a view is one too)
            self._view_meta = (x._view_meta[0].split()[0] + " view", "", 0)
        self._base = root
        if not enabled:  # (only its refusal matters: views made so are not re-derived)
            self._view_meta = ("no_grad", "", 0)
            return
        views = root._views
        if views is None:
            root._views = [_ref(self)]
            return
        views.append(_ref(self))
        n = len(views)
        if n >= 64 and not n & (n - 1):  # drop the dead at each doubling: amortised O(1)
            views[:] = [r for r in views if r() is not None]

    @property
    def grad(self) -> Any:
        """The gradient accumulated by backward (None until one reaches this tensor). Read on
        a non-leaf that does not retain its gradient, it is None with PyTorch's warning."""
        g = self._grad
        if g is None and self._ctx is not None and self._ctx.retained is None:
            warnings.warn(NONLEAF_GRAD, UserWarning, stacklevel=2)
        return g

    @grad.setter
    def grad(self, value: Any) -> None:
        """Assign a gradient: a Tensor of this tensor's shape and ``grad_dtype``, or None
        (PyTorch's checks and errors)."""
        if value is not None:
            self._check_grad(value)
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    def _check_grad(self, value: Any) -> None:
        if not isinstance(value, TensorBase):
            kind = type(value)
            raise TypeError("assigned grad expected to be a Tensor or None but got grad of "
                            f"type {kind.__module__}.{kind.__qualname__}")
        if value is self:
            raise RuntimeError("can't assign Variable as its own grad")
        want = grad_target(self)
        if want is not None and value._data.dtype != want:
            raise RuntimeError(
                f"attempting to assign a gradient with dtype '{value._data.dtype}' to a tensor "
                f"with grad_dtype '{want}'. " + _GRAD_DTYPE_ADVICE)
        if value._data.shape != self._data.shape:
            raise RuntimeError(
                f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                "and the tensor are the same size")

    @property
    def grad_dtype(self) -> Any:
        """The dtype backward gives this leaf's ``.grad`` (PyTorch 2.13's ``grad_dtype``): the
        tensor's dtype unless set; None lets a gradient keep its own dtype."""
        if self._ctx is not None:
            raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
        return grad_target(self)

    @grad_dtype.setter
    def grad_dtype(self, dtype: Any) -> None:
        if self._ctx is not None:
            raise RuntimeError("grad_dtype can only be set on leaf tensors.")
        if dtype is not None and not isinstance(dtype, np.dtype) and not (
                isinstance(dtype, type) and issubclass(dtype, np.generic)):
            raise RuntimeError(f"grad_dtype must be a torch.dtype or None, but got "
                               f"{type(dtype).__name__}")
        new = None if dtype is None else as_dtype(dtype)
        g = self._grad
        if g is not None and new is not None and g._data.dtype != new:
            raise RuntimeError(
                f"Cannot set grad_dtype to '{new}' because there is already a gradient with "
                f"dtype '{g._data.dtype}'. Please clear the gradient (.grad = None) before "
                "changing grad_dtype, or ensure the new grad_dtype matches the existing "
                "gradient's dtype.")
        self._grad_dtype = new

    def __getstate__(self) -> Any:
        """Pickled (and deep-copied) without the bookkeeping of views: weak references
        cannot be pickled, and a copy shares no memory with the original's views."""
        full: Any = super().__getstate__()
        state, slots = full
        if state and ("_views" in state or "_where" in state):
            state = {k: v for k, v in state.items() if k not in ("_views", "_where")}
        return state, slots

    @staticmethod
    def _make(data: np.ndarray, ctx: Any) -> Any:
        """A Tensor holding ``data`` on node ``ctx`` (a constant when None), unchecked."""
        raise NotImplementedError

    @staticmethod
    def _new(data: Any, requires_grad: bool = False, name: str | None = None) -> Any:
        """A Tensor of ``data`` (an array keeps its dtype): how the library makes one."""
        raise NotImplementedError

    if TYPE_CHECKING:  # provided by Tensor

        @property
        def shape(self) -> tuple[int, ...]: ...

        @property
        def ndim(self) -> int: ...

        @property
        def dtype(self) -> np.dtype: ...


# The base of Tensor's method mixins (tensor_elementwise.py ...): ``TensorBase`` for type
# checkers, ``object`` at run time; and ``TensorFirst``, the first base ``Tensor`` lists:
# ``TensorBase`` at run time (an empty class for type checkers, to whom the mixins already
# derive from it). So Tensor's MRO is (Tensor, TensorBase, mixins..., object):
# ``isinstance(t, TensorBase)`` and every read or write of a slot (``t._data``: the slot's
# owner is checked) find TensorBase second in the MRO, not 16th (docs/performance.md).
if TYPE_CHECKING:
    TensorMixin = TensorBase

    class TensorFirst:
        __slots__ = ()
else:
    TensorMixin = object
    TensorFirst = TensorBase


def mark_multi_view(views: tuple[Any, ...], op: str) -> tuple[Any, ...]:
    """Mark the outputs of a multi-view op (PyTorch's ``unbind``, ``split``, ``chunk``,
    named ``op``): PyTorch refuses an in-place change of one under grad (one made under
    no_grad keeps that refusal instead)."""
    for i, v in enumerate(views):
        if v._base is not None and v._view_meta is None:
            v._view_meta = ("multi", op, i)
    return views


def with_overload(t: Any, n: int) -> Any:
    """``t``, its node named as PyTorch's overload ``n`` of the op (``SumBackward1`` for
    ``sum(dim)``): for the method that has just made that node (no node: unchanged)."""
    if t._ctx is not None:
        t._ctx._overload = n
    return t


def data_of(x: Any) -> Any:
    """The array of a Tensor; anything else unchanged."""
    return x._data if isinstance(x, TensorBase) else x


__all__ = ["TensorBase", "data_of"]


class AccumulateGrad:
    """A leaf as ``next_functions`` shows it (PyTorch's): ``.variable`` is the tensor."""

    __slots__ = ("variable",)

    def __init__(self, variable: Any) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    @property
    def next_functions(self) -> tuple[()]:
        return ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad for a tensor of shape {tuple(self.variable.shape)}>"
