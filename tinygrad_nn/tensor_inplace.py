"""In-place updates of a Tensor (``add_``, ``w -= lr * g``, ``t[i] = v``) under PyTorch's rules.

Unrecorded (no_grad, or nothing requires grad): the array changes in place and the
tensor's version counter goes up, so a graph that saved the old value refuses to
back-propagate through it. Recorded: the update becomes a node the tensor now stands for,
and its values are still written into the same memory (as PyTorch).

Through a view (``y[0:2].mul_(3)``, ``y.t().zero_()``, ``y[1] = v``), recorded: the view's
root base becomes ``CopySlices`` (the old base with the view's elements replaced by the
update's result), and every live view of the base, the changed one included, is re-derived
from it (``AsStrided``), so gradients through the base and through views taken earlier see
the change, as PyTorch's do. Views find their elements in the base from the arrays' memory
(``ops.strided.view_index``): one mechanism for every view op.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from ._random import get_rng
from ._torch_index import check_value_shape, torch_index
from .dtypes import can_cast, result_type
from .function import TensorBase, data_of
from .grad_mode import _mode
from .ops.sampling import FillTensor, fill_op
from .ops.strided import Copy, IndexPut, gather_view, view_index, write_view
from .tensor_base import TensorMixin, new_counter
from .tensor_elementwise import (
    _alpha_checked,
    _not_for,
    _not_one,
    _operand,
    _scaled,
    _torch_name,
    cast_refused,
    float_power_dtype,
    refuse_bool_sub,
    scalar_to,
    wrap_int,
)
from .tensor_inplace_compare import check_broadcast, compare_form, need_tensors, unrecorded_form

if TYPE_CHECKING:
    from .tensor import Tensor


class InPlaceShapeError(RuntimeError, ValueError):
    """An in-place result of another shape (PyTorch raises RuntimeError; it is also the
    ValueError this project raised before)."""


class ReadOnlyError(RuntimeError, ValueError):
    """An unrecorded write to read-only memory (PyTorch raises RuntimeError; NumPy's
    ValueError is what this project raised before)."""


# PyTorch's refusals of in-place changes through views (its wording)
_LEAF_VIEW = "a view of a leaf Variable that requires grad is being used in an in-place operation."
_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation.")
_NO_GRAD_FIX = ("Given that this use case is ambiguous and error-prone, it is forbidden. You can "
                "clarify your code by moving both the view and the inplace either both inside "
                "the no_grad block (if you don't want the inplace to be tracked) or both outside "
                "(if you want the inplace to be tracked).")
_MULTI_FIX = ("This view is the output of a function that returns multiple views. Such "
              "functions do not allow the output views to be modified inplace. You should "
              "replace the inplace operation by an out-of-place one.")


def _refusal(view: Any, name: str) -> str | None:
    """PyTorch's error for an in-place change through ``view`` under grad, or None."""
    meta = view._view_meta
    if meta is None:
        return None
    kind, op, i = meta
    if not op:  # a view of such a view: named by its own op
        op = view._ctx.name().removesuffix("Backward0") if view._ctx is not None else name
    if kind == "no_grad":
        return ("A view was created in no_grad mode and is being modified inplace with grad "
                "mode enabled. " + _NO_GRAD_FIX)
    if kind == "no_grad view":
        return (f"Output {i} of {op} is a view of a view which was created in no_grad mode and "
                "is being modified inplace with grad mode enabled. " + _NO_GRAD_FIX)
    return f"Output {i} of {op} is a view and is being modified inplace. " + _MULTI_FIX


def _overlapping(a: np.ndarray) -> bool:
    """True when several elements of ``a`` share one memory location (an ``expand()``)."""
    return any(s == 0 and n > 1 for n, s in zip(a.shape, a.strides))


def refuse_view_change(view: Any, name: str) -> None:
    """PyTorch's refusals of a recorded in-place change of ``view`` (an op such as
    ``mul_``, or a view op such as ``t_``): a view made under no_grad or by an op with
    several outputs, a view of a leaf that requires grad."""
    refusal = _refusal(view, name)
    if refusal is not None:
        raise RuntimeError(refusal)
    base = view._base
    if base.requires_grad and base._ctx is None:
        raise RuntimeError(_LEAF_VIEW)


def _SHAPE_ONLY(shape: tuple[int, ...]) -> np.ndarray:  # noqa: N802 - reads as a constant
    """An array of ``shape`` with no memory behind it (to learn an index's result shape)."""
    return np.broadcast_to(np.empty((), bool), shape)


def _whole(idx: Any) -> bool:
    """True for an index that selects the whole tensor as it is (``...``, ``:``)."""
    items = idx if type(idx) is tuple else (idx,)
    return all(i is Ellipsis or type(i) is slice and i == slice(None) for i in items)


def _where_in_base(view: Any) -> Any:
    """(flat, idx, overlaps) locating ``view``'s elements in its root base's array
    (``view_index``), cached on the view while both arrays stay; None when it no longer
    reads the base's memory (a reshape that copied, a base given new data)."""
    base = view._base
    cached = view.__dict__.get("_where")
    if cached is not None and cached[0] is base._data and cached[1] is view._data:
        return cached[2]
    found = view_index(base._data, view._data)
    where = None
    if found is not None:
        flat, idx = found
        where = (flat, idx, np.unique(flat).size != flat.size)
    view._where = (base._data, view._data, where)
    return where


def rederive_views(base: Any) -> None:
    """After ``base``'s node changed in place: each live view of it gets the node
    ``AsStrided(base)`` (PyTorch re-derives a view's grad_fn from its base once the base
    changed), so values and gradients through views taken earlier agree. Views made under
    no_grad keep theirs (PyTorch refuses to use them at all then)."""
    if base._ctx is None:
        return
    alive = []
    for ref in base._views:
        v = ref()
        if v is None or v._base is not base:
            continue
        where = _where_in_base(v)
        if where is None:
            continue
        alive.append(ref)
        if v._view_meta is None or not v._view_meta[0].startswith("no_grad"):
            v._ctx = gather_view(base, where[1])._ctx
            v.requires_grad = True
    base._views = alive


# in-place forms whose node PyTorch names with another overload number than the
# out-of-place op's (``x.acosh_()`` records AcoshBackward1, ``x.acosh()`` AcoshBackward0)
_INPLACE_OVERLOAD = {"acosh_": 1, "arccosh_": 1, "asinh_": 1, "arcsinh_": 1, "atanh_": 1,
                     "arctanh_": 1, "polygamma_": 1}


def _overloaded(out: Any, overload: int) -> Any:
    """``out`` with its node (if recorded) named with PyTorch's in-place overload."""
    if out._ctx is not None:
        out._ctx._overload = overload
    return out


def _inplace_form(name: str, binary: bool = False) -> Callable[..., Any]:
    """The in-place method ``name`` (``sin_``): ``x.sin()`` written into x under PyTorch's
    rules for in-place ops (``_inplace``: recorded under grad, the result's dtype must cast
    to x's, a leaf that requires grad is refused). A ``binary`` op (``x.fmod_(y)``) first
    checks that the promoted dtype of x and y casts to x's, as PyTorch does before it runs
    the kernel. One line per method in the class."""
    op = name[:-1]
    overload = _INPLACE_OVERLOAD.get(name)

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        need_tensors(name, args, kwargs)  # (first: PyTorch parses the arguments first)
        if binary and args:
            if not can_cast(result_type(_operand(self), _operand(args[0])), self._data.dtype):
                raise cast_refused(self, args[0], name)
            check_broadcast(name, self, args[0])
        if overload is not None:
            return self._inplace(name, lambda s: _overloaded(getattr(s, op)(*args, **kwargs),
                                                             overload), *args, *kwargs.values())
        return self._inplace(name, lambda s: getattr(s, op)(*args, **kwargs), *args,
                             *kwargs.values())

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{op}(...)`` written into x, in place (PyTorch's ``{name}``)."
    return method


def _element(r: Any, dt: np.dtype) -> Any:
    """A callable's result as an element of dtype ``dt``: PyTorch's conversion of a Python
    number (``scalar_to`` for integer dtypes: a float truncates, a value out of range raises;
    any value is a bool)."""
    number: Any = r  # (converted below once checked)
    if dt.kind == "b":
        return bool(r)
    if dt.kind in "iu":
        if not isinstance(r, (int, float, np.number, np.bool_, TensorBase)):
            raise TypeError(f"'{type(r).__name__}' object cannot be interpreted as an integer")
        if isinstance(number, TensorBase):
            number = number._data.item()
        return scalar_to(number, dt)
    if not isinstance(r, (int, float, complex, np.number, np.bool_, TensorBase)):
        raise TypeError(f"must be real number, not {type(r).__name__}")
    return complex(number) if dt.kind == "c" else float(number)


class TensorInPlace(TensorMixin):
    """The in-place methods of Tensor (a mixin)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by TensorElementwise

        def clip(self, lo: Any = None, hi: Any = None) -> Tensor: ...

        def masked_fill(self, mask: Any, value: Any) -> Tensor: ...

        def scatter(self, dim: int, index: Any, src: Any = None, *, value: Any = None,
                    reduce: str | None = None) -> Tensor: ...

        def scatter_add(self, dim: int, index: Any, src: Any) -> Tensor: ...

    def _arith(self, name: str, ufunc: Any, op: Callable[[Any, Any], Any], other: Any) -> Any:
        """self = op(self, other) in place (``w -= lr * g``): unrecorded, the ufunc writes
        straight into the array (nothing more is allocated); recorded, as ``_inplace``."""
        if _mode.enabled and (self.requires_grad or self._base_requires_grad()
                              or isinstance(other, TensorBase) and other.requires_grad):
            return self._inplace(name, lambda s: op(s, other), other)
        o = other._data if isinstance(other, TensorBase) else other
        if type(o) is int and self._data.dtype.kind in "iu" and ufunc is not np.divide:
            o = wrap_int(o, self._data.dtype)  # (PyTorch's C conversion: uint8 -= 3 wraps)
        try:
            ufunc(self._data, o, out=self._data, casting="same_kind")
        except ValueError:
            self._shape_refused(name, o)
        except TypeError:  # NumPy's casting error: PyTorch's RuntimeError when its rule
            # refuses too (it casts freely within a category: uint8 += int64 stays uint8)
            rt = result_type(_operand(self), o)
            if ufunc is np.divide or not can_cast(rt, self._data.dtype):  # (x / y: a float)
                raise cast_refused(self, other, name) from None
            try:
                ufunc(self._data, o, out=self._data, casting="unsafe")
            except ValueError:
                self._shape_refused(name, o)
        self._bump_version()
        return self

    def _shape_refused(self, name: str, o: Any) -> None:
        """Raise PyTorch's RuntimeError for an operand that would change x's shape."""
        self._check_writeable(name)
        raise InPlaceShapeError(
            f"{name}: an operand of shape {np.shape(o)} cannot update a tensor of "
            f"shape {self._data.shape} in place (the result would have another shape)"
        ) from None

    def _base_requires_grad(self) -> bool:
        """True for a view whose base requires grad (a view made under no_grad does not)."""
        base = self._base
        return base is not None and base.requires_grad

    def _inplace(self, name: str, compute: Callable[[Any], Any], *others: Any) -> Any:
        """Run an in-place update; record it when grad flows through it (PyTorch's rules)."""
        flows = _mode.enabled and (
            self.requires_grad or self._base_requires_grad()
            or any(isinstance(o, TensorBase) and o.requires_grad for o in others)
        )
        if not flows:
            self._check_writeable(name)
            out = compute(self)
            self._check_result(name, out)
            np.copyto(self._data, out._data, casting="unsafe")  # (checked: PyTorch's rule)
            self._bump_version()
            return self
        if not self._data.flags.writeable and _overlapping(self._data):
            self._check_writeable(name)  # (PyTorch refuses it recorded too: an expand())
        if self._base is not None and self._data.flags.writeable:
            where = _where_in_base(self)
            if where is not None:
                return self._inplace_view(name, compute, where)
        if self._ctx is None and self.requires_grad:
            raise RuntimeError(
                f"{name}: a leaf Variable that requires grad is being used in an in-place "
                "operation (an update of a parameter goes in `with tinygrad_nn.no_grad():`)"
            )
        out = compute(self._snapshot())
        self._check_result(name, out)
        if self._data.flags.writeable:
            np.copyto(self._data, out._data, casting="unsafe")  # (checked: PyTorch's rule)
            self._bump_version()  # values saved from the old memory are now stale
        else:  # a read-only array (NumPy's): nothing shares writable memory with it
            # (the slots live on Tensor; mypy sees only this mixin's empty __slots__)
            self._data = out._data.astype(self.dtype)  # type: ignore[misc]
            self._vc = new_counter()  # type: ignore[misc]
            self._base = None  # no longer a view of anything
        self._ctx, self.requires_grad = out._ctx, out.requires_grad  # type: ignore[misc]
        if self._views is not None:
            rederive_views(self)
        return self

    def _snapshot(self) -> Any:
        """The tensor's old values on its node, for the recorded op to read: a copy with
        its own version counter, as the memory is written next."""
        old = self._make(self._data.copy(), self._ctx)
        old.requires_grad = self.requires_grad
        old._vcnt = new_counter()  # its own: a copy no one else writes (not self's node's)
        return old

    def _inplace_view(self, name: str, compute: Callable[[Any], Any], where: Any) -> Any:
        """The recorded in-place update of a view: its base becomes CopySlices(old base,
        the update's result) and every view of the base is re-derived from that."""
        base = self._base
        refuse_view_change(self, name)
        flat, idx, overlaps = where
        if overlaps:  # (PyTorch lets an overlapping ``unfold`` through, with undefined values)
            raise RuntimeError(_OVERLAP)
        out = compute(self._snapshot())
        self._check_result(name, out)
        # written into the base's own array: the base and all its views see the values
        new = write_view(base, out, idx)
        base._bump_version()  # (shared with the view)
        base._ctx, base.requires_grad = new._ctx, new.requires_grad
        rederive_views(base)
        return self

    def _check_writeable(self, name: str) -> None:
        """Unrecorded writes need writable memory: an ``expand()``ed view (one element
        at many positions) or a read-only NumPy array is refused (PyTorch: RuntimeError)."""
        a = self._data
        if a.flags.writeable:
            return
        if _overlapping(a):
            raise ReadOnlyError(f"{name}: {_OVERLAP}")
        raise ReadOnlyError(f"{name}: the tensor's memory is read-only (a read-only NumPy "
                                "array); clone() it before changing it in place")

    def _check_result(self, name: str, out: Any) -> None:
        """The result of an in-place op must fit this tensor: its shape (no broadcasting
        self up) and a dtype castable to self's (PyTorch's rules; both RuntimeError)."""
        if out.shape != self._data.shape:
            raise InPlaceShapeError(
                f"{name}: the result has shape {tuple(out.shape)}, but the tensor being updated in "
                f"place has shape {self._data.shape} (output with shape {list(self._data.shape)} "
                f"doesn't "
                f"match the broadcast shape {list(out.shape)})"
            )
        if not can_cast(out.dtype, self._data.dtype):  # (PyTorch's: no lower category)
            raise RuntimeError(f"{name}: result type {out.dtype} can't be cast to the desired "
                               f"output type {self.dtype}")

    def _times_alpha(self, other: Any, alpha: Any) -> Any:
        """alpha * other for add_ / sub_ (a float alpha on a float tensor, an optimiser's
        ``p.add_(g, alpha=-lr)``, skips the dtype checks)."""
        if type(alpha) is float and self._data.dtype.kind in "fc":
            return other * alpha
        _alpha_checked(self, other, alpha)
        return _scaled(self, other, alpha)

    def add_(self, other: Any, alpha: float = 1) -> Self:
        """self += alpha * other, in place (PyTorch's alpha rules, as ``add``)."""
        if _not_one(alpha):
            other = self._times_alpha(other, alpha)
        return self._arith("add_", np.add, operator.add, other)

    def sub_(self, other: Any, alpha: float = 1) -> Self:
        """self -= alpha * other, in place (PyTorch's alpha rules, as ``add``; a bool
        operand is refused, as ``-``)."""
        refuse_bool_sub(self, other)
        if _not_one(alpha):
            other = self._times_alpha(other, alpha)
        return self._arith("sub_", np.subtract, operator.sub, other)

    def mul_(self, other: Any) -> Self:
        """self *= other, in place."""
        return self._arith("mul_", np.multiply, operator.mul, other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> Self:
        """self /= other, in place; ``rounding_mode`` 'trunc' or 'floor' rounds the quotient
        (then an integer tensor may be divided in place, as PyTorch's)."""
        if rounding_mode is None:
            return self._arith("div_", np.divide, operator.truediv, other)
        if not can_cast(result_type(_operand(self), _operand(other)), self._data.dtype):
            # (named as floor_divide_: the promoted type, not the float of true division)
            raise cast_refused(self, other, "floor_divide_")
        return self._inplace("div_", lambda s: s.div(other, rounding_mode=rounding_mode), other)

    def clamp_(self, min: Any = None, max: Any = None) -> Self:
        """x = x clamped to [min, max] (numbers or broadcastable Tensors), in place."""
        if min is None and max is None:  # (PyTorch's RuntimeError, before anything else)
            raise RuntimeError("clamp_: at least one of 'min' or 'max' must not be None")
        for bound in (min, max):
            check_broadcast("clamp_", self, bound)
        return self._inplace("clamp_", lambda s: s.clip(min, max), min, max)

    clip_ = clamp_

    def zero_(self) -> Self:
        return self._fill("zero_", np.zeros(self.shape, self.dtype), fill_op("Zero"))

    def fill_(self, value: Any) -> Self:
        """Every element = value (a number, or a 0-d Tensor: then recorded as PyTorch's
        FillBackward3, whose gradient to value is the sum of g)."""
        if isinstance(value, TensorBase):
            if value.ndim:
                raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got "
                                   f"tensor with {value.ndim} dimensions.")
            return self._inplace("fill_", lambda s: FillTensor.apply(s, value), value)
        return self._fill("fill_", np.full(self._data.shape, scalar_to(value, self._data.dtype),
                                           self.dtype), fill_op("Fill", 2))

    def _fill(self, name: str, values: Any, op: Any) -> Self:
        """Overwrite every element with ``values`` (cast to this dtype); in a graph, the
        fill is the node ``op`` (a ``Fill``: the old values get a zero gradient)."""
        values = np.asarray(values).astype(self.dtype, copy=False)
        return self._inplace(name, lambda s: op.apply(s, values=values))

    def copy_(self, src: Any) -> Self:
        src_t: Any = src if isinstance(src, TensorBase) else self._new(np.asarray(src))
        return self._inplace("copy_", lambda s: Copy.apply(s, src_t.astype(self.dtype)), src_t)

    def scatter_(self, dim: int, index: Any, src: Any = None, *, value: Any = None,
                 reduce: str | None = None) -> Self:
        """In-place ``scatter``: self[index[i]][along dim] = src[i] (or ``value``)."""
        return self._inplace(
            "scatter_", lambda s: s.scatter(dim, index, src, value=value, reduce=reduce), src
        )

    def scatter_add_(self, dim: int, index: Any, src: Any) -> Self:
        """In-place ``scatter_add``: self[index[i]][along dim] += src[i]."""
        return self._inplace("scatter_add_", lambda s: s.scatter_add(dim, index, src), src)

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> Self:
        """Fill with draws from N(mean, std^2) (the library generator)."""
        if self._data.dtype.kind not in "fc":  # (PyTorch's kernel has floats only)
            raise _not_for("normal_kernel_cpu", self._data.dtype)
        return self._fill("normal_", get_rng().normal(mean, std, self.shape), fill_op("Normal"))

    def uniform_(self, low: float = 0.0, high: float = 1.0) -> Self:
        """Fill with draws from U(low, high) (the library generator)."""
        if self._data.dtype.kind not in "fc":
            raise _not_for("check_uniform_bounds", self._data.dtype)
        return self._fill("uniform_", get_rng().uniform(low, high, self.shape),
                          fill_op("Uniform"))

    def masked_fill_(self, mask: Any, value: Any) -> Self:
        return self._inplace("masked_fill_", lambda s: s.masked_fill(mask, value), value)

    # -- in-place forms of elementwise ops (optimiser code: p.sqrt_(), v.addcmul_(g, g)) --
    def sqrt_(self) -> Self:
        """x = sqrt(x), in place."""
        return self._inplace("sqrt_", lambda s: s.sqrt())

    def exp_(self) -> Self:
        """x = exp(x), in place."""
        return self._inplace("exp_", lambda s: s.exp())

    def log_(self) -> Self:
        """x = log(x), in place."""
        return self._inplace("log_", lambda s: s.log())

    def abs_(self) -> Self:
        """x = |x|, in place (not for a complex x, as PyTorch)."""
        if self._data.dtype.kind == "c":
            raise RuntimeError("In-place abs is not supported for complex tensors.")
        return self._inplace("abs_", lambda s: s.abs())

    def neg_(self) -> Self:
        """x = -x, in place."""
        return self._inplace("neg_", lambda s: s.neg())

    def sigmoid_(self) -> Self:
        """x = sigmoid(x), in place."""
        return self._inplace("sigmoid_", lambda s: s.sigmoid())

    def tanh_(self) -> Self:
        """x = tanh(x), in place."""
        return self._inplace("tanh_", lambda s: s.tanh())

    def relu_(self) -> Self:
        """x = max(x, 0), in place."""
        return self._inplace("relu_", lambda s: s.relu())

    def reciprocal_(self) -> Self:
        """x = 1 / x, in place."""
        return self._inplace("reciprocal_", lambda s: s.reciprocal())

    def square_(self) -> Self:
        """x = x * x, in place."""
        return self._inplace("square_", lambda s: s.square())

    def floor_(self) -> Self:
        """x = floor(x), in place."""
        return self._inplace("floor_", lambda s: s.floor())

    def ceil_(self) -> Self:
        """x = ceil(x), in place."""
        return self._inplace("ceil_", lambda s: s.ceil())

    def round_(self, *, decimals: int | None = None) -> Self:
        """x = round(x, decimals), halves to even, in place."""
        return self._inplace("round_", lambda s: s.round(decimals=decimals))

    def pow_(self, exponent: Any) -> Self:
        """x = x ** exponent, in place."""
        return self._inplace("pow_", lambda s: s ** exponent, exponent)

    def clamp_min_(self, min: Any) -> Self:  # noqa: A002 - PyTorch's name
        """x = max(x, min), in place."""
        check_broadcast("clamp_min_", self, min)
        return self._inplace("clamp_min_", lambda s: s.clamp_min(min), min)

    def clamp_max_(self, max: Any) -> Self:  # noqa: A002 - PyTorch's name
        """x = min(x, max), in place."""
        check_broadcast("clamp_max_", self, max)
        return self._inplace("clamp_max_", lambda s: s.clamp_max(max), max)

    def addcmul_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Self:
        """x += value * tensor1 * tensor2, in place (Adam's second moment)."""
        need_tensors("addcmul_", (tensor1, tensor2), {})
        return self._inplace("addcmul_", lambda s: s.addcmul(tensor1, tensor2, value=value),
                             tensor1, tensor2)

    def addcdiv_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Self:
        """x += value * tensor1 / tensor2, in place (Adam's step)."""
        need_tensors("addcdiv_", (tensor1, tensor2), {})
        return self._inplace("addcdiv_", lambda s: s.addcdiv(tensor1, tensor2, value=value),
                             tensor1, tensor2)

    def lerp_(self, end: Any, weight: Any) -> Self:
        """x += weight * (end - x), in place (an exponential moving average)."""
        need_tensors("lerp_", (end,), {})
        return self._inplace("lerp_", lambda s: s.lerp(end, weight), end, weight)

    # -- the in-place form of each elementwise method with one (x.sin_() is x.sin() in x)
    sin_, cos_, tan_, asin_, acos_, atan_ = (_inplace_form(n) for n in (
        "sin_", "cos_", "tan_", "asin_", "acos_", "atan_"))
    arcsin_, arccos_, arctan_ = (_inplace_form(n) for n in ("arcsin_", "arccos_", "arctan_"))
    sinh_, cosh_, asinh_, acosh_, atanh_ = (_inplace_form(n) for n in (
        "sinh_", "cosh_", "asinh_", "acosh_", "atanh_"))
    arcsinh_, arccosh_, arctanh_ = (_inplace_form(n) for n in ("arcsinh_", "arccosh_",
                                                              "arctanh_"))
    expm1_, exp2_, log1p_, log2_, log10_, rsqrt_ = (_inplace_form(n) for n in (
        "expm1_", "exp2_", "log1p_", "log2_", "log10_", "rsqrt_"))
    erf_, erfc_, erfinv_, deg2rad_, rad2deg_ = (_inplace_form(n) for n in (
        "erf_", "erfc_", "erfinv_", "deg2rad_", "rad2deg_"))
    trunc_, fix_, frac_, sign_, sgn_, absolute_, negative_ = (_inplace_form(n) for n in (
        "trunc_", "fix_", "frac_", "sign_", "sgn_", "absolute_", "negative_"))
    tril_, triu_ = (_inplace_form(n) for n in ("tril_", "triu_"))

    def nan_to_num_(self, nan: float = 0.0, posinf: float | None = None,
                    neginf: float | None = None) -> Self:
        """x = x.nan_to_num(...), in place; recorded for a complex x too (PyTorch refuses
        the complex derivative of the out-of-place form only)."""
        return self._inplace(  # type: ignore[no-any-return]
            "nan_to_num_", lambda s: s._nan_to_num(nan, posinf, neginf))

    def cumsum_(self, dim: int, *, dtype: Any = None) -> Self:
        """x = x.cumsum(dim), in place (x keeps its dtype: a bool x, or a ``dtype`` other
        than x's, is refused, as PyTorch)."""
        return self._cumulative("cumsum_", dim, dtype)

    def cumprod_(self, dim: int, *, dtype: Any = None) -> Self:
        """x = x.cumprod(dim), in place (the dtype rules of ``cumsum_``)."""
        return self._cumulative("cumprod_", dim, dtype)

    def _cumulative(self, name: str, dim: int, dtype: Any) -> Self:
        dt = self._data.dtype
        if dtype is not None and np.dtype(dtype) != dt:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {_torch_name(dt)} and "
                               f"output tensor dtype {_torch_name(dtype)} should match")
        if dt.kind == "b":  # (PyTorch has no bool kernel: the sum would be an int64)
            raise _not_for(f"{name[:-1]}_out_cpu", dt)
        op = name[:-1]
        return self._inplace(name, lambda s: getattr(s, op)(dim))
    # (binary: PyTorch checks the promoted dtype first)
    atan2_, arctan2_, xlogy_, hypot_, copysign_, heaviside_ = (
        _inplace_form(n, binary=True) for n in (
            "atan2_", "arctan2_", "xlogy_", "hypot_", "copysign_", "heaviside_"))
    multiply_, subtract_, divide_, true_divide_, floor_divide_ = (
        _inplace_form(n, binary=True) for n in (
            "multiply_", "subtract_", "divide_", "true_divide_", "floor_divide_"))
    remainder_, fmod_ = (_inplace_form(n, binary=True) for n in ("remainder_", "fmod_"))
    eq_, ne_, lt_, le_, gt_, ge_ = (compare_form(n) for n in (
        "eq_", "ne_", "lt_", "le_", "gt_", "ge_"))
    greater_, greater_equal_, less_, less_equal_, not_equal_ = (compare_form(n) for n in (
        "greater_", "greater_equal_", "less_", "less_equal_", "not_equal_"))
    logical_and_, logical_or_, logical_xor_, logical_not_ = (unrecorded_form(n) for n in (
        "logical_and_", "logical_or_", "logical_xor_", "logical_not_"))
    bitwise_not_ = _inplace_form("bitwise_not_")
    bitwise_and_, bitwise_or_, bitwise_xor_ = (_inplace_form(n, binary=True) for n in (
        "bitwise_and_", "bitwise_or_", "bitwise_xor_"))
    bitwise_left_shift_, bitwise_right_shift_ = (_inplace_form(n, binary=True) for n in (
        "bitwise_left_shift_", "bitwise_right_shift_"))
    def float_power_(self, exponent: Any) -> Self:
        """x = x ** exponent in float64, in place: x must be float64 (complex128 when x or
        the exponent is complex; PyTorch's rule)."""
        dt = float_power_dtype(self, exponent)
        if self._data.dtype != dt:
            raise RuntimeError(f"the base given to float_power_ has dtype "
                               f"{_torch_name(self._data.dtype)} but the operation's result "
                               f"requires dtype {_torch_name(dt)}")
        return self._inplace("float_power_", lambda s: s.float_power(exponent), exponent)

    lgamma_, digamma_, polygamma_, logit_, index_put_ = (_inplace_form(n) for n in (
        "lgamma_", "digamma_", "polygamma_", "logit_", "index_put_"))
    __iand__, __ior__, __ixor__ = bitwise_and_, bitwise_or_, bitwise_xor_
    __ilshift__, __irshift__ = bitwise_left_shift_, bitwise_right_shift_

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> Self:
        """x[i, i, ..., i] = fill_value for i < min(shape), in place (all dims of equal
        length past 2-D); a tall matrix with ``wrap`` restarts the diagonal every
        ncols + 1 rows, as PyTorch's (and NumPy's) fill_diagonal."""
        if isinstance(fill_value, TensorBase) and fill_value.ndim == 0:
            fill_value = fill_value._data.item()  # (PyTorch's Scalar: a 0-d tensor is a number)
        if isinstance(fill_value, (str, TensorBase)) or not isinstance(
                fill_value, (bool, int, float, complex, np.number, np.bool_)):
            raise TypeError("fill_diagonal_(): argument 'fill_value' (position 1) must be "
                            f"Number, not {type(fill_value).__name__}")
        shape = self._data.shape
        if len(shape) < 2:
            raise RuntimeError("dimensions must larger than 1")
        if len(shape) > 2 and len(set(shape)) != 1:
            raise RuntimeError("all dimensions of input must be of equal length")
        n = min(shape)
        flat = np.arange(n, dtype=np.int64) * sum(int(np.prod(shape[k + 1:]))
                                                   for k in range(len(shape)))
        value = self._new(np.asarray(fill_value).astype(self.dtype))
        parts = [flat]
        height, width = shape[0], shape[-1]
        if wrap and len(shape) == 2 and height > width + 1:  # (a second write, as PyTorch's)
            step = width + 1
            count = -(-self._data.size // step) - n
            parts.append(step * width + np.arange(count, dtype=np.int64) * step)
        for positions in parts:
            where = tuple(self._new(i) for i in np.unravel_index(positions, shape))

            def write(s: Any, where: tuple[Any, ...] = where) -> Any:
                return s.index_put(where, value)

            self._inplace("fill_diagonal_", write)
        return self

    # PyTorch's CPU-only element loops: a Python callable per element, in place, refused
    # for tensors that require grad; the results are converted as PyTorch converts a Python
    # number to the dtype (ints truncated and wrapped); the version counter stays (PyTorch's)
    def apply_(self, callable: Callable[[Any], Any]) -> Self:  # noqa: A002 - PyTorch's name
        """x[i] = callable(x[i]) for every element, in place (a slow Python loop)."""
        return self._map_elements("apply_", callable)

    def map_(self, tensor: Any, callable: Callable[[Any, Any], Any]) -> Self:  # noqa: A002
        """x[i] = callable(x[i], tensor[i]) in place, ``tensor`` (of x's dtype) broadcast
        to x's shape."""
        return self._map_elements("map_", callable, tensor)

    def map2_(self, x: Any, y: Any, callable: Callable[[Any, Any, Any], Any]) -> Self:  # noqa: A002
        """self[i] = callable(self[i], x[i], y[i]) in place, x and y (of self's dtype)
        broadcast to self's shape."""
        return self._map_elements("map2_", callable, x, y)

    def _map_elements(self, name: str, fn: Callable[..., Any], *others: Any) -> Self:
        for t in (self, *others):
            if isinstance(t, TensorBase) and t.requires_grad:
                raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                                   f"var.detach().{name}() instead.")
        columns = [self._data]
        for t in others:
            if not isinstance(t, TensorBase) or t.dtype != self.dtype:
                got = type(t).__name__ if not isinstance(t, TensorBase) else t.dtype
                raise TypeError(f"{name}: expected a Tensor of dtype {self.dtype} for 'other' "
                                f"(got {got})")
            try:
                columns.append(np.broadcast_to(t._data, self._data.shape))
            except ValueError:
                raise RuntimeError(f"{name}: a tensor of shape {list(t.shape)} does not "
                                   f"expand to the shape {list(self.shape)} of the tensor "
                                   "changed in place") from None
        self._check_writeable(name)
        dt = self._data.dtype
        values = [_element(fn(*args), dt)
                  for args in zip(*(c.reshape(-1).tolist() for c in columns))]
        self._data[...] = np.array(values, dtype=dt).reshape(self._data.shape)
        return self

    # (the methods themselves: one call less on the hot path of every update)
    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_
    __ipow__ = pow_  # (PyTorch's: in place, as the other augmented assignments)
    __imod__ = remainder_
    __ifloordiv__ = floor_divide_

    def __setitem__(self, idx: Any, value: Any) -> None:
        """self[idx] = value, PyTorch's way: the basic parts of idx (ints, slices, None) pick
        a view, the value (a Tensor or a number; its leading size-1 dims dropped) is written
        into it (``copy_``: CopySlices) or, with advanced parts (lists, integer / bool
        tensors), put at them (``index_put_``: IndexPutBackward0); unrecorded, NumPy's
        assignment."""
        value = self._setitem_value(value)
        basic, advanced = torch_index(idx, self._data.shape)
        if isinstance(idx, TensorBase) and idx.dtype == np.uint8 and not isinstance(
                value, TensorBase):  # (PyTorch fills through a mask here, for bool only)
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with "
                               "dtype unsigned char")
        if advanced is None:  # (a basic index: its target's shape, without the copy)
            target = _SHAPE_ONLY(self._data.shape)[basic] if isinstance(
                value, TensorBase) else None
        else:
            part = self._data if basic is None else self._data[(*basic, Ellipsis)]
            target = _SHAPE_ONLY(part.shape)[advanced]
        if target is not None and isinstance(value, TensorBase):
            check_value_shape(value.shape, np.shape(target))
        if _mode.enabled and (self.requires_grad or self._base_requires_grad()
                              or isinstance(value, TensorBase) and value.requires_grad):
            if advanced is None:
                if _whole(basic):  # (PyTorch: ``y[...] = v`` and ``y[:] = v`` are y.copy_(v))
                    self.copy_(value)
                else:
                    self[basic].copy_(value)  # type: ignore[index]
                return
            view: Any = self if basic is None else self[basic]  # type: ignore[index]
            src: Any = value if isinstance(value, TensorBase) else self._new(np.asarray(value))
            view._inplace("index_put_", lambda s: IndexPut.apply(s, src.astype(self.dtype),
                                                                 idx=advanced), src)
            return
        self._check_writeable("__setitem__")
        if advanced is None:
            self._data[basic] = data_of(value)
        else:
            part = self._data if basic is None else self._data[(*basic, Ellipsis)]
            part[advanced] = data_of(value)
        self._bump_version()

    def _setitem_value(self, value: Any) -> Any:
        """A Tensor with its leading size-1 dims dropped, or a number in self's dtype (under
        PyTorch's conversion rules); anything else is PyTorch's TypeError."""
        if isinstance(value, TensorBase):
            v: Any = value
            lead = 0
            while lead < v.ndim and v.shape[lead] == 1:
                lead += 1
            return v.reshape(v.shape[lead:]) if lead else v
        if isinstance(value, (bool, int, float, complex, np.integer, np.floating,
                              np.complexfloating)) and not isinstance(value, np.bool_):
            return scalar_to(value, self._data.dtype)
        raise TypeError(f"can't assign a {type(value).__name__} to a tensor of dtype "
                        f"{self._data.dtype} (assign a Tensor or a number)")
