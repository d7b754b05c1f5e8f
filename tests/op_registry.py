"""The gradient registry: one ``OpCase`` row per differentiable public op (rule 11).

``CASES`` is the table that ``test_op_gradients.py`` walks with ``gradcheck`` and
``gradgradcheck`` (float64, two-sided differences), and that ``test_registry_complete.py``
compares with the public surface. It holds the core rows (``rows_elementwise.py``,
``rows_shape.py``, ``rows_loss.py``, written with the helpers of ``registry_helpers.py``)
plus every ``CASES`` list exported by a ``tests/cases_*.py`` file (nn layers; a missing
file is simply absent).

A core row is declared with ``@case({name: form, ...})``: the first name is the case's
name, the others its ``covers``. Each example draws which form to call, so every name a
row claims is really exercised. Names are ``Tensor.<method>``, ``F.<function>`` or
``tinygrad_nn.<function>``; a ``[variant]`` suffix tells rows of one op apart. Inputs are
small (at most ~60 elements per case) and kept away from kinks, ties and singularities.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from tests import rows_elementwise, rows_loss, rows_shape  # noqa: F401 - they register CORE rows
from tests.registry_base import OpCase
from tests.registry_helpers import CORE

# -- the table: the core rows plus the nn layers' case files -------------------------------


def _load_case_files() -> tuple[list[OpCase], dict[str, str]]:
    """CASES from every tests/cases_*.py; import problems are recorded, not raised."""
    found: list[OpCase] = []
    errors: dict[str, str] = {}
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        try:
            module = importlib.import_module(f"{__package__ or 'tests'}.{path.stem}")
        except Exception as e:  # test_registry_complete reports it; other rows still run
            errors[path.name] = f"import failed: {type(e).__name__}: {e}"
            continue
        rows = getattr(module, "CASES", None)
        if not isinstance(rows, (list, tuple)) or not all(
                hasattr(c, "name") and callable(getattr(c, "draw", None)) for c in rows):
            errors[path.name] = "expected a module-level CASES: list[OpCase]"
            continue
        found.extend(rows)
    return found, errors


LAYER_CASES, CASE_FILE_ERRORS = _load_case_files()
CASES: list[OpCase] = CORE + LAYER_CASES

