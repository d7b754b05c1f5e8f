"""Multi-tensor updates: one parameter group's gradients and state as flat buffers (and the
conversion of checkpoint values back to the Python values the updates use).

PyTorch's "foreach" idea on NumPy: instead of running an optimiser's formula once per
parameter (a dozen NumPy calls each), the base class gathers the group's gradients into one
flat array, runs the formula ONCE on flat state arrays, and subtracts each parameter's slice
of the resulting step. The per-parameter state entries (``opt.state[p]['exp_avg']``) are
Tensors whose arrays are views into the flat state, so ``state_dict``, the per-parameter
fallback and user code see the same numbers. The parameters' own arrays are never replaced:
``p.data = t`` keeps working, and a NumPy view a user holds of a parameter keeps seeing every
update.

Elementwise arithmetic is the same per element whether it runs on a slice or on the whole
buffer, so the trajectories are bit-for-bit those of the per-parameter loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._step_count import step_count


class FlatGroup:
    """Flat gradient and state buffers for ``params`` (all one float dtype)."""

    def __init__(self, group: dict[str, Any], params: list[Tensor]) -> None:
        self.group, self.params = group, params
        self.shapes = [p.shape for p in params]
        sizes = [p._data.size for p in params]
        self.bounds = list(zip(np.cumsum([0] + sizes[:-1]).tolist(), sizes))
        self.g = np.empty(sum(sizes), dtype=params[0].dtype)
        self.g_views = self.split(self.g)
        self.state: dict[str, np.ndarray] = {}
        self.views: dict[str, list[Tensor]] = {}  # key -> each parameter's state entry

    def split(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per-parameter views (shaped like each parameter) of a flat array."""
        return [flat[o:o + n].reshape(s) for (o, n), s in zip(self.bounds, self.shapes)]

    def fits(self, group: dict[str, Any], params: list[Tensor],
             states: list[dict[str, Any]]) -> bool:
        """True while the cached buffers still describe ``params`` and their state entries
        (a load_state_dict, a new parameter or a reshaped ``p.data`` makes them stale)."""
        if group is not self.group or len(params) != len(self.params):
            return False
        if any(p is not q or p.shape != s for p, q, s in zip(params, self.params, self.shapes)):
            return False
        return all(st.get(k) is v for k, vs in self.views.items() for st, v in zip(states, vs))

    def adopt(self, key: str, flat: np.ndarray, states: list[dict[str, Any]]) -> None:
        """Make ``flat`` the group's state ``key``; each parameter's entry becomes a Tensor
        of its view (the entry's own Tensor when it has one: a user holding it keeps
        seeing the state, as PyTorch's live state tensors)."""
        self.state[key] = flat
        self.views[key] = [state_tensor(st.get(key), v)
                           for st, v in zip(states, self.split(flat))]
        for st, t in zip(states, self.views[key]):
            st[key] = t

    def gather(self) -> np.ndarray:
        """The group's gradients, cast to the parameters' dtype, in the flat buffer."""
        for v, p in zip(self.g_views, self.params):
            assert p.grad is not None
            np.copyto(v, p.grad._data, casting="same_kind")
        return self.g


def is_array_state(key: str, value: Any) -> bool:
    """True for a state entry the formulas update as an array: every Tensor but the step
    counter (``'step'``, a 0-d Tensor the formulas read as a Tensor)."""
    return key != "step" and isinstance(value, Tensor)


def state_tensor(old: Any, array: np.ndarray) -> Tensor:
    """The state entry for ``array``: ``old`` itself when it is a Tensor of that shape and
    dtype (now holding ``array``), else a new Tensor of it. A state tensor is one object
    for the optimiser's life, updated in place, as PyTorch's."""
    if isinstance(old, Tensor) and old._data.shape == array.shape \
            and old._data.dtype == array.dtype:
        if old._data is not array:
            old._data = array
        return old
    return Tensor._make(array, None)


def arrays_of(state: dict[str, Any]) -> dict[str, Any]:
    """A parameter's state with its Tensors' arrays in their place (what the formulas use)."""
    return {k: v._data if is_array_state(k, v) else v for k, v in state.items()}


def keep_arrays(state: dict[str, Any], work: dict[str, Any]) -> None:
    """Write a formula's state ``work`` (``arrays_of(state)``, updated) back into ``state``:
    its arrays as Tensors, the same Tensor objects where the arrays are the same memory."""
    for key, value in work.items():
        state[key] = state_tensor(state.get(key), value) if isinstance(value, np.ndarray) \
            else value


def as_tensors(value: Any) -> Any:
    """A state value with its arrays (also inside a list, as L-BFGS's history) as Tensors."""
    if isinstance(value, np.ndarray):
        return Tensor._make(value, None)
    if isinstance(value, list):
        return [as_tensors(v) for v in value]
    return value


def tensors_in(state: dict[str, Any]) -> dict[str, Any]:
    """A new state dict (made at construction, loaded, or L-BFGS's carried state) with its
    arrays as Tensors (``as_tensors``)."""
    return {k: as_tensors(v) for k, v in state.items()}


def as_arrays(value: Any) -> Any:
    """``as_tensors`` undone: a state value's Tensors (also inside a list) as their arrays."""
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, list):
        return [as_arrays(v) for v in value]
    return value


def uniform_states(states: list[dict[str, Any]]) -> bool:
    """All empty, or all holding the same keys and the same step count."""
    if not any(states):
        return True
    first = states[0]
    count = step_count(first)
    return all(st.keys() == first.keys() and step_count(st) == count for st in states)


def to_python(value: Any) -> Any:
    """NumPy scalars / 0-d arrays -> Python scalars, 1-d arrays and lists -> tuples.

    A checkpoint that went through HDF5 gives back ``np.float64(0.1)`` for ``0.1`` and
    an array for ``betas``; the update code wants the plain Python values.
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else tuple(x.item() for x in value)
    if isinstance(value, list):
        return tuple(to_python(x) for x in value)
    if isinstance(value, bytes):
        return value.decode()
    return value
