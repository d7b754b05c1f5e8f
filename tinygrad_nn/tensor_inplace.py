"""In-place updates of a Tensor (``add_``, ``w -= lr * g``, ``t[i] = v``) under PyTorch's rules.

Unrecorded (no_grad, or nothing requires grad): the array changes in place and the
tensor's version counter goes up, so a graph that saved the old value refuses to
back-propagate through it. Recorded: the update becomes a node the tensor now stands for,
and its values are still written into the same memory (as PyTorch).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from ._random import get_rng
from .function import TensorBase, data_of
from .grad_mode import _mode
from .tensor_base import new_counter
from .tensor_elementwise import cast_refused
from .tensor_movement import index_arrays

if TYPE_CHECKING:
    from .tensor import Tensor


class InPlaceShapeError(RuntimeError, ValueError):
    """An in-place result of another shape (PyTorch raises RuntimeError; it is also the
    ValueError this project raised before)."""


class TensorInPlace(TensorBase):
    """The in-place methods of Tensor (a mixin)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by TensorElementwise

        def clip(self, lo: Any = None, hi: Any = None) -> Tensor: ...

        def masked_fill(self, mask: Any, value: Any) -> Tensor: ...

        def scatter(self, dim: int, index: Any, src: Any = None, *, value: Any = None,
                    reduce: str | None = None) -> Tensor: ...

        def scatter_add(self, dim: int, index: Any, src: Any) -> Tensor: ...

    def _bump_version(self) -> None:
        self._vc[0] += 1

    def _arith(self, name: str, ufunc: Any, op: Callable[[Any, Any], Any], other: Any) -> Any:
        """self = op(self, other) in place (``w -= lr * g``): unrecorded, the ufunc writes
        straight into the array (nothing more is allocated); recorded, as ``_inplace``."""
        if _mode.enabled and (self.requires_grad
                              or isinstance(other, TensorBase) and other.requires_grad):
            return self._inplace(name, lambda s: op(s, other), other)
        o = other._data if isinstance(other, TensorBase) else other
        try:
            ufunc(self._data, o, out=self._data, casting="same_kind")
        except ValueError:
            raise ValueError(
                f"{name}: an operand of shape {np.shape(o)} cannot update a tensor of "
                f"shape {self.shape} in place (the result would have another shape)"
            ) from None
        except TypeError:  # NumPy's casting error: PyTorch's RuntimeError instead
            raise cast_refused(self, other, name) from None
        self._bump_version()
        return self

    def _inplace(self, name: str, compute: Callable[[Any], Any], *others: Any) -> Any:
        """Run an in-place update; record it when grad flows through it (PyTorch's rules)."""
        flows = _mode.enabled and (
            self.requires_grad or any(isinstance(o, TensorBase) and o.requires_grad for o in others)
        )
        if not flows:
            out = compute(self)
            self._check_result(name, out)
            np.copyto(self._data, out._data, casting="same_kind")
            self._vc[0] += 1
            return self
        if self._ctx is None and self.requires_grad:
            raise RuntimeError(
                f"{name}: a leaf tensor that requires grad cannot be changed in place while "
                "grad is recorded; wrap the update in `with tinygrad_nn.no_grad():`"
            )
        # the recorded op reads a snapshot of the old values (its saved input must not be
        # the memory written next); the result is then written into this tensor's own
        # memory, as PyTorch does, so every tensor sharing it (``.data``, views) sees it
        old = self._make(self._data.copy(), self._ctx)
        old.requires_grad = self.requires_grad
        old._vcnt = new_counter()  # its own: a copy no one else writes (not self's node's)
        out = compute(old)
        self._check_result(name, out)
        if self._data.flags.writeable:
            np.copyto(self._data, out._data, casting="same_kind")
            self._vc[0] += 1  # values saved from the old memory are now stale
        else:  # a read-only view (expand): nothing shares writable memory with it
            # (the slots live on Tensor; mypy sees only this mixin's empty __slots__)
            self._data = out._data.astype(self.dtype)  # type: ignore[misc]
            self._vc = new_counter()  # type: ignore[misc]
        self._ctx, self.requires_grad = out._ctx, out.requires_grad  # type: ignore[misc]
        return self

    def _check_result(self, name: str, out: Any) -> None:
        """The result of an in-place op must fit this tensor: its shape (no broadcasting
        self up) and a dtype castable to self's (PyTorch's rules; both RuntimeError)."""
        if out.shape != self.shape:
            raise InPlaceShapeError(
                f"{name}: the result has shape {out.shape}, but the tensor being updated in "
                f"place has shape {self.shape} (output with shape {list(self.shape)} doesn't "
                f"match the broadcast shape {list(out.shape)})"
            )
        if not np.can_cast(out.dtype, self.dtype, "same_kind"):
            raise RuntimeError(f"{name}: result type {out.dtype} can't be cast to the desired "
                               f"output type {self.dtype}")

    def add_(self, other: Any, alpha: float = 1) -> Self:
        """self += alpha * other, in place."""
        return self._arith("add_", np.add, operator.add, other if alpha == 1 else other * alpha)

    def sub_(self, other: Any, alpha: float = 1) -> Self:
        """self -= alpha * other, in place."""
        return self._arith("sub_", np.subtract, operator.sub,
                           other if alpha == 1 else other * alpha)

    def mul_(self, other: Any) -> Self:
        """self *= other, in place."""
        return self._arith("mul_", np.multiply, operator.mul, other)

    def div_(self, other: Any) -> Self:
        """self /= other, in place."""
        return self._arith("div_", np.divide, operator.truediv, other)

    def clamp_(self, min: Any = None, max: Any = None) -> Self:
        return self._inplace("clamp_", lambda s: s.clip(min, max))

    clip_ = clamp_

    def zero_(self) -> Self:
        return self.fill_(0)

    def fill_(self, value: Any) -> Self:
        if isinstance(value, TensorBase):
            return self.copy_(value)
        full = np.full(self.shape, value, self.dtype)
        return self._inplace("fill_", lambda s: self._make(full, None))

    def copy_(self, src: Any) -> Self:
        src_t: Any = src if isinstance(src, TensorBase) else self._new(np.asarray(src))
        return self._inplace("copy_", lambda s: src_t.astype(self.dtype).expand(self.shape), src_t)

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
        draw = get_rng().normal(mean, std, self.shape).astype(self.dtype)
        return self._inplace("normal_", lambda s: self._make(draw, None))

    def uniform_(self, low: float = 0.0, high: float = 1.0) -> Self:
        """Fill with draws from U(low, high) (the library generator)."""
        draw = get_rng().uniform(low, high, self.shape).astype(self.dtype)
        return self._inplace("uniform_", lambda s: self._make(draw, None))

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
        """x = |x|, in place."""
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

    def round_(self, *, decimals: int = 0) -> Self:
        """x = round(x, decimals), halves to even, in place."""
        return self._inplace("round_", lambda s: s.round(decimals=decimals))

    def pow_(self, exponent: Any) -> Self:
        """x = x ** exponent, in place."""
        return self._inplace("pow_", lambda s: s ** exponent, exponent)

    def clamp_min_(self, min: Any) -> Self:  # noqa: A002 - PyTorch's name
        """x = max(x, min), in place."""
        return self._inplace("clamp_min_", lambda s: s.clamp_min(min), min)

    def clamp_max_(self, max: Any) -> Self:  # noqa: A002 - PyTorch's name
        """x = min(x, max), in place."""
        return self._inplace("clamp_max_", lambda s: s.clamp_max(max), max)

    def addcmul_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Self:
        """x += value * tensor1 * tensor2, in place (Adam's second moment)."""
        return self._inplace("addcmul_", lambda s: s.addcmul(tensor1, tensor2, value=value),
                             tensor1, tensor2)

    def addcdiv_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Self:
        """x += value * tensor1 / tensor2, in place (Adam's step)."""
        return self._inplace("addcdiv_", lambda s: s.addcdiv(tensor1, tensor2, value=value),
                             tensor1, tensor2)

    def lerp_(self, end: Any, weight: Any) -> Self:
        """x += weight * (end - x), in place (an exponential moving average)."""
        return self._inplace("lerp_", lambda s: s.lerp(end, weight), end, weight)

    # (the methods themselves: one call less on the hot path of every update)
    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def __setitem__(self, idx: Any, value: Any) -> None:
        if _mode.enabled and (
            self.requires_grad or isinstance(value, TensorBase) and value.requires_grad
        ):
            raise RuntimeError(
                "item assignment (t[idx] = v) on a tensor in a recorded graph is not "
                "supported; build the result with where()/masked_fill() or use no_grad()"
            )
        self._data[index_arrays(idx)] = data_of(value)
        self._vc[0] += 1
