"""Complex parameters as PyTorch's optimisers treat them (``torch.view_as_real``): the update
of a complex parameter is the real update of its (re, im) pairs, so Adam's moments, RMSprop's
averages, Rprop's signs ... are per component, not complex products. The state stays complex
and shaped like the parameter, as PyTorch keeps it (its real view is what the formula sees).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor


def as_real(a: np.ndarray) -> np.ndarray:
    """The flat real view of a contiguous complex array (a copy when it is not contiguous)."""
    flat = np.ascontiguousarray(a).reshape(-1)
    return flat.view(flat.real.dtype)


class RealView:
    """Stands for a complex parameter in an update: ``_data`` is its flat real view, written
    back by ``finish`` when the parameter's array is not contiguous (the view was a copy)."""

    def __init__(self, p: Tensor) -> None:
        self.p = p
        self._data = as_real(p._data)

    def finish(self) -> None:
        if not np.shares_memory(self._data, self.p._data):
            self.p._data[...] = self._data.view(self.p._data.dtype).reshape(self.p.shape)


def apply_as_real(apply: Callable[..., None], group: dict[str, Any], p: Tensor, g: np.ndarray,
                  state: dict[str, Any]) -> None:
    """Run ``apply`` (an optimiser's ``_apply``) on the real views of ``p``, ``g`` and the
    parameter's complex state arrays; arrays the formula creates are kept complex."""
    real = RealView(p)
    views = {k: as_real(v) if isinstance(v, np.ndarray) else v for k, v in state.items()}
    before = dict(views)
    apply(group, [real], as_real(g), views, owned=False)
    real.finish()
    for key, value in views.items():
        if not isinstance(value, np.ndarray):
            state[key] = value
        elif before.get(key) is not value:  # made by this step: complex, like the parameter
            state[key] = np.ascontiguousarray(value).view(p._data.dtype).reshape(p.shape)


__all__ = ["RealView", "apply_as_real", "as_real"]
