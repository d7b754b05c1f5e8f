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
    def __init__(self, lower_bound: float) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Any) -> np.ndarray:
        return _values(value) > self.lower_bound

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _GreaterThanEq(_GreaterThan):
    def check(self, value: Any) -> np.ndarray:
        return _values(value) >= self.lower_bound

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


real = _Real()
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

__all__ = ["Constraint", "boolean", "greater_than", "greater_than_eq", "half_open_interval",
           "integer_interval", "interval", "nonnegative", "one_hot", "positive", "real",
           "simplex", "unit_interval"]
