"""The in-place comparisons and logical ops (``x.eq_(y)``, ``x.logical_and_(y)``) under
PyTorch's rules, which differ from the other in-place forms: a comparison is recorded (its
node passes zero gradients, ``ops.compare``), and a logical op is never recorded, so x keeps
its node and ``requires_grad`` (PyTorch even lets it change a leaf that requires grad)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops as P
from ._shapes import ShapeError
from .function import TensorBase
from .tensor_elementwise import argument_type_error

# in-place methods whose parameters (by position) take only a Tensor, as PyTorch's: a
# number is refused with its TypeError naming the in-place method (``hypot_()``), before
# any other check (a leaf that requires grad, a dtype that cannot be cast)
TENSOR_ONLY: dict[str, tuple[str, ...]] = {name: ("other",) for name in (
    "hypot_", "atan2_", "arctan2_", "gcd_", "lcm_", "ldexp_", "nextafter_", "logical_and_",
    "logical_or_", "logical_xor_")}
TENSOR_ONLY.update({"heaviside_": ("values",), "lerp_": ("end",),
                    "addcmul_": ("tensor1", "tensor2"), "addcdiv_": ("tensor1", "tensor2")})


def need_tensors(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a number (a list, a bool) where the in-place method ``name`` takes only a
    Tensor (``TENSOR_ONLY``), with PyTorch's TypeError: ``hypot_(): argument 'other'
    (position 1) must be Tensor, not int`` (a NumPy array is let through, as elsewhere)."""
    for position, param in enumerate(TENSOR_ONLY.get(name, ()), 1):
        if position <= len(args):
            given = args[position - 1]
        elif param in kwargs:
            given = kwargs[param]
        else:
            continue
        if not isinstance(given, (TensorBase, np.ndarray)):
            raise argument_type_error(name, param, type(given).__name__, position)


def check_broadcast(name: str, x: Any, other: Any) -> None:
    """PyTorch's RuntimeError (a ShapeError, also a ValueError) when ``other`` cannot
    broadcast with x in x.<name>(other), rather than NumPy's bare ValueError."""
    if not isinstance(other, (TensorBase, np.ndarray)):
        return
    try:
        np.broadcast_shapes(x.shape, other.shape)
    except ValueError:
        raise ShapeError(f"{name}: the size of tensor a {tuple(x.shape)} must match the size of "
                           f"tensor b {tuple(other.shape)} (they cannot be broadcast together)"
                           ) from None

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
            check_broadcast(name, s, other)
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
        need_tensors(name, args, {})
        if args:
            check_broadcast(name, self, args[0])
        self._check_writeable(name)
        out = getattr(self.detach(), op)(*args)
        self._check_result(name, out)
        np.copyto(self._data, out._data, casting="unsafe")
        self._bump_version()
        return self

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{op}(...)`` written into x, unrecorded (PyTorch's ``{name}``)."
    return method
