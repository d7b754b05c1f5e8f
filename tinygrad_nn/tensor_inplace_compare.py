"""The in-place comparisons and logical ops (``x.eq_(y)``, ``x.logical_and_(y)``) under
PyTorch's rules, which differ from the other in-place forms: a comparison is recorded (its
node passes zero gradients, ``ops.compare``), and a logical op is never recorded, so x keeps
its node and ``requires_grad`` (PyTorch even lets it change a leaf that requires grad)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops as P
from .function import TensorBase

# method -> the out-of-place comparison and PyTorch's node stem
COMPARISONS = {"eq_": ("eq", "Eq"), "ne_": ("ne", "Ne"), "lt_": ("lt", "Lt"),
               "le_": ("le", "Le"), "gt_": ("gt", "Gt"), "ge_": ("ge", "Ge"),
               "greater_": ("gt", "Gt"), "greater_equal_": ("ge", "Ge"),
               "less_": ("lt", "Lt"), "less_equal_": ("le", "Le"), "not_equal_": ("ne", "Ne")}


def compare_form(name: str) -> Callable[..., Any]:
    """The in-place comparison ``name`` (``eq_``): x = (x op other) in x's dtype, recorded
    as PyTorch's ``EqBackward0`` (a number other) or ``EqBackward1`` (a Tensor other)."""
    method_name, stem = COMPARISONS[name]

    def method(self: Any, other: Any) -> Any:
        def compute(s: Any) -> Any:
            value = getattr(s, method_name)(other)._data
            if isinstance(other, TensorBase):
                return P.Compare.apply(s, other, value=value, op=stem)
            return P.Compare.apply(s, value=value, op=stem)

        return self._inplace(name, compute, other)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"x = (x.{method_name}(other)) in x's dtype, in place (PyTorch's "
                      f"``{name}``; recorded with a zero gradient).")
    return method


def unrecorded_form(name: str) -> Callable[..., Any]:
    """The in-place logical op ``name`` (``logical_and_``): the values are written, nothing
    is recorded, x keeps its node (PyTorch's: these ops have no derivative formula)."""
    op = name[:-1]

    def method(self: Any, *args: Any) -> Any:
        self._check_writeable(name)
        out = getattr(self.detach(), op)(*args)
        self._check_result(name, out)
        np.copyto(self._data, out._data, casting="unsafe")
        self._vc[0] += 1
        return self

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{op}(...)`` written into x, unrecorded (PyTorch's ``{name}``)."
    return method
