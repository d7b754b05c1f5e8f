"""The shape of one row of the gradient registry (see op_registry.py, which walks it).

Every differentiable public op and layer has at least one ``OpCase``. A case draws,
with Hypothesis, both the function to check (configuration closed over) and float64
input arrays; the property tests then run ``gradcheck`` and ``gradgradcheck`` on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# draw(data_draw) -> (fn, arrays): fn takes one Tensor per array (all require grad) and
# returns a Tensor; arrays are float64 NumPy arrays drawn with data_draw (hypothesis `draw`).
DrawCase = Callable[[Callable[[Any], Any]], tuple[Callable[..., Any], list[np.ndarray]]]


@dataclass(frozen=True)
class OpCase:
    name: str  # the public name checked, e.g. "log", "Tensor.__getitem__", "nn.Conv2d"
    draw: DrawCase
    covers: tuple[str, ...] = ()  # further public names this case exercises (aliases)
    second_order: bool = True  # check second derivatives with gradgradcheck too
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6
    max_examples: int | None = None  # override the profile's count for slow cases
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
