"""The code base is lint-clean and type-checks: ruff and mypy (pinned in the ``dev`` extras,
so a new release cannot fail CI on its own) run as part of the suite."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("tool, args", [("ruff", ["check", "."]), ("mypy", ["tinygrad_nn"])],
                         ids=["ruff", "mypy"])
def test_static_check_passes(tool: str, args: list[str]) -> None:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[dev]' installs it)")
    run = subprocess.run([sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, f"{tool} {' '.join(args)} found problems:\n{run.stdout}{run.stderr}"
