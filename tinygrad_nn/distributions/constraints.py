"""Where a distribution's parameters and values may lie (PyTorch's
``torch.distributions.constraints``): each constraint checks a tensor elementwise (over the
event for ``simplex``) and prints as PyTorch's does, for the validation errors."""

from __future__ import annotations

from typing import Any

import numpy as np


def _values(x: Any) -> np.ndarray:
    return np.asarray(x._data if hasattr(x, "_data") else x)


class Constraint:
    """A region of values; ``check(value)`` is True where the value lies in it."""

    is_discrete = False
    event_dim = 0

    def check(self, value: Any) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return type(self).__name__[1:] + "()"


class _Real(Constraint):
    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return v == v  # not NaN


class _Boolean(Constraint):
    is_discrete = True

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return (v == 0) | (v == 1)


class _GreaterThan(Constraint):
    def __init__(self, lower_bound: Any) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Any) -> np.ndarray:
        return _values(value) > _values(self.lower_bound)

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _GreaterThanEq(_GreaterThan):
    def check(self, value: Any) -> np.ndarray:
        return _values(value) >= _values(self.lower_bound)

    def __repr__(self) -> str:
        return f"GreaterThanEq(lower_bound={self.lower_bound})"


class _Interval(Constraint):
    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return (v >= _values(self.lower_bound)) & (v <= _values(self.upper_bound))

    def __repr__(self) -> str:
        return (f"{type(self).__name__[1:]}(lower_bound={self.lower_bound}, "
                f"upper_bound={self.upper_bound})")


class _HalfOpenInterval(_Interval):
    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return (v >= _values(self.lower_bound)) & (v < _values(self.upper_bound))


class _IntegerInterval(_Interval):
    is_discrete = True

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return (v % 1 == 0) & super().check(value)


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return (v >= 0).all(axis=-1) & (np.abs(v.sum(axis=-1) - 1) < 1e-6)


class _OneHot(Constraint):
    is_discrete = True
    event_dim = 1

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return ((v == 0) | (v == 1)).all(axis=-1) & (v.sum(axis=-1) == 1)


class _Dependent(Constraint):
    """A placeholder for a parameter whose region depends on other parameters (``Uniform``'s
    ``low`` / ``high``); it cannot be checked, and its static facts are only known when
    given (``dependent(is_discrete=False, event_dim=0)``)."""

    def __init__(self, *, is_discrete: Any = NotImplemented,
                 event_dim: Any = NotImplemented) -> None:
        self._is_discrete = is_discrete
        self._event_dim = event_dim

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        if self._is_discrete is NotImplemented:
            raise NotImplementedError(".is_discrete cannot be determined statically")
        return self._is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        if self._event_dim is NotImplemented:
            raise NotImplementedError(".event_dim cannot be determined statically")
        return self._event_dim

    def __call__(self, *, is_discrete: Any = NotImplemented,
                 event_dim: Any = NotImplemented) -> _Dependent:
        if is_discrete is NotImplemented:
            is_discrete = self._is_discrete
        if event_dim is NotImplemented:
            event_dim = self._event_dim
        return _Dependent(is_discrete=is_discrete, event_dim=event_dim)

    def check(self, value: Any) -> np.ndarray:
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint: Any) -> bool:
    """True when ``constraint`` is ``dependent`` (or a ``dependent_property``)."""
    return isinstance(constraint, _Dependent)


class _DependentProperty(property, _Dependent):
    """``@dependent_property``: a property on instances, a ``dependent`` constraint on the
    class (``Uniform.support`` before any instance exists)."""

    def __init__(self, fn: Any = None, *, is_discrete: Any = NotImplemented,
                 event_dim: Any = NotImplemented) -> None:
        property.__init__(self, fn)
        self._is_discrete = is_discrete
        self._event_dim = event_dim

    def __call__(self, fn: Any) -> _DependentProperty:  # type: ignore[override]
        return _DependentProperty(fn, is_discrete=self._is_discrete, event_dim=self._event_dim)


class _IndependentConstraint(Constraint):
    """``base_constraint`` over events of ``reinterpreted_batch_ndims`` more dimensions: an
    event is valid only when all its entries are."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int) -> None:
        if not isinstance(base_constraint, Constraint):
            raise AssertionError("base_constraint must be a Constraint, got "
                                 f"{type(base_constraint).__name__}")
        if not isinstance(reinterpreted_batch_ndims, int) or reinterpreted_batch_ndims < 0:
            raise AssertionError("reinterpreted_batch_ndims must be an int >= 0, got "
                                 f"{reinterpreted_batch_ndims!r}")
        self.base_constraint = base_constraint
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim + self.reinterpreted_batch_ndims

    def check(self, value: Any) -> np.ndarray:
        result = np.asarray(self.base_constraint.check(value))
        n = self.reinterpreted_batch_ndims
        if result.ndim < n:
            raise ValueError(f"Expected value.dim() >= {self.base_constraint.event_dim + n} "
                             f"but got {_values(value).ndim}")
        return np.asarray(result.reshape(result.shape[:result.ndim - n] + (-1,)).all(-1))

    def __repr__(self) -> str:
        return (f"IndependentConstraint({self.base_constraint!r}, "
                f"{self.reinterpreted_batch_ndims})")


class MixtureSameFamilyConstraint(Constraint):
    """A ``MixtureSameFamily`` value checked against the component support, with the
    component axis added back (valid when valid for every component's support)."""

    def __init__(self, base_constraint: Constraint) -> None:
        if not isinstance(base_constraint, Constraint):
            raise AssertionError("base_constraint must be a Constraint, got "
                                 f"{type(base_constraint).__name__}")
        self.base_constraint = base_constraint

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        if v.ndim < self.event_dim:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {v.ndim}")
        result = np.asarray(self.base_constraint.check(np.expand_dims(v, -1 - self.event_dim)))
        keep = v.ndim - self.event_dim
        return np.asarray(result.reshape(result.shape[:keep] + (-1,)).all(-1))

    def __repr__(self) -> str:
        return f"MixtureSameFamilyConstraint({self.base_constraint!r})"


class _IntegerGreaterThan(Constraint):
    is_discrete = True

    def __init__(self, lower_bound: int) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return (v % 1 == 0) & (v >= self.lower_bound)

    def __repr__(self) -> str:
        return f"IntegerGreaterThan(lower_bound={self.lower_bound})"


class _LessThan(Constraint):
    def __init__(self, upper_bound: float) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Any) -> np.ndarray:
        return _values(value) < _values(self.upper_bound)

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={self.upper_bound})"


class _Multinomial(Constraint):
    """Non-negative counts summing to at most ``upper_bound`` (PyTorch's weaker check)."""

    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return (v >= 0).all(axis=-1) & (v.sum(axis=-1) <= _values(self.upper_bound))


def _all_last2(mask: np.ndarray) -> np.ndarray:
    return np.asarray(mask.reshape(mask.shape[:-2] + (-1,)).all(-1))


class _LowerTriangular(Constraint):
    event_dim = 2

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return _all_last2(np.tril(v) == v)


class _LowerCholesky(Constraint):
    event_dim = 2

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return _all_last2(np.tril(v) == v) & (np.diagonal(v, 0, -2, -1) > 0).all(-1)


class _CorrCholesky(Constraint):
    """Lower Cholesky factors of correlation matrices: unit-length rows."""

    event_dim = 2

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        tol = np.finfo(v.dtype).eps * v.shape[-1] * 10
        unit = (np.abs(np.linalg.norm(v, axis=-1) - 1.0) <= tol).all(-1)
        return _LowerCholesky().check(v) & unit


class _Square(Constraint):
    event_dim = 2

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        return np.full(v.shape[:-2], v.shape[-2] == v.shape[-1], dtype=bool)


class _Symmetric(_Square):
    def check(self, value: Any) -> np.ndarray:
        square = super().check(value)
        if not square.all():
            return square
        v = _values(value)
        vt = np.swapaxes(v, -1, -2)
        return np.isclose(v, vt, rtol=1e-5, atol=1e-6).all(-2).all(-1)


class _PositiveSemidefinite(_Symmetric):
    def check(self, value: Any) -> np.ndarray:
        sym = super().check(value)
        if not sym.all():
            return sym
        return np.asarray((np.linalg.eigvalsh(_values(value)) >= 0).all(-1))


class _PositiveDefinite(_Symmetric):
    def check(self, value: Any) -> np.ndarray:
        sym = super().check(value)
        if not sym.all():
            return sym
        v = _values(value)
        flat = v.reshape((-1,) + v.shape[-2:])
        ok = np.empty(len(flat), dtype=bool)
        for i, m in enumerate(flat):
            try:
                np.linalg.cholesky(m)
                ok[i] = True
            except np.linalg.LinAlgError:
                ok[i] = False
        return ok.reshape(v.shape[:-2])


class _Cat(Constraint):
    """Constraints ``cseq`` on consecutive slices (of ``lengths``) along ``dim``, as
    ``torch.cat`` would join them."""

    def __init__(self, cseq: Any, dim: int = 0, lengths: Any = None) -> None:
        if not all(isinstance(c, Constraint) for c in cseq):
            raise AssertionError("All elements of cseq must be Constraint instances")
        self.cseq = list(cseq)
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.cseq)
        if len(self.lengths) != len(self.cseq):
            raise AssertionError(
                f"lengths ({len(self.lengths)}) must match cseq ({len(self.cseq)})")
        self.dim = dim

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return any(c.is_discrete for c in self.cseq)

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return max(c.event_dim for c in self.cseq)

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        checks, start = [], 0
        for constraint, length in zip(self.cseq, self.lengths):
            part = np.take(v, range(start, start + length), axis=self.dim)
            checks.append(np.asarray(constraint.check(part)))
            start += length
        return np.concatenate(checks, self.dim)


class _Stack(Constraint):
    """Constraints ``cseq`` on the slices along ``dim``, as ``torch.stack`` would join them."""

    def __init__(self, cseq: Any, dim: int = 0) -> None:
        if not all(isinstance(c, Constraint) for c in cseq):
            raise AssertionError("All elements of cseq must be Constraint instances")
        self.cseq = list(cseq)
        self.dim = dim

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return any(c.is_discrete for c in self.cseq)

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        dim = max(c.event_dim for c in self.cseq)
        return dim + 1 if self.dim + dim < 0 else dim

    def check(self, value: Any) -> np.ndarray:
        v = _values(value)
        parts = [np.take(v, i, axis=self.dim) for i in range(v.shape[self.dim])]
        return np.stack([np.asarray(c.check(p)) for p, c in zip(parts, self.cseq)], self.dim)


dependent = _Dependent()
dependent_property = _DependentProperty
independent = _IndependentConstraint
real = _Real()
real_vector = independent(real, 1)
nonnegative_integer = _IntegerGreaterThan(0)
positive_integer = _IntegerGreaterThan(1)
less_than = _LessThan
multinomial = _Multinomial
lower_triangular = _LowerTriangular()
lower_cholesky = _LowerCholesky()
corr_cholesky = _CorrCholesky()
square = _Square()
symmetric = _Symmetric()
positive_semidefinite = _PositiveSemidefinite()
positive_definite = _PositiveDefinite()
cat = _Cat
stack = _Stack
boolean = _Boolean()
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
unit_interval = _Interval(0.0, 1.0)
simplex = _Simplex()
one_hot = _OneHot()
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
interval = _Interval
half_open_interval = _HalfOpenInterval
integer_interval = _IntegerInterval

__all__ = ["Constraint", "MixtureSameFamilyConstraint", "boolean", "cat", "corr_cholesky",
           "dependent", "dependent_property",
           "greater_than", "greater_than_eq", "half_open_interval", "independent",
           "integer_interval", "interval", "is_dependent", "less_than", "lower_cholesky",
           "lower_triangular", "multinomial", "nonnegative", "nonnegative_integer", "one_hot",
           "positive", "positive_definite", "positive_integer", "positive_semidefinite", "real",
           "real_vector", "simplex", "square", "stack", "symmetric", "unit_interval"]
