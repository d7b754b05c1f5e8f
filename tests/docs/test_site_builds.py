"""The documentation site builds with ``mkdocs build --strict`` (no broken link, nav entry or
docstring reference), whenever mkdocs and its plugins are installed (the ``docs`` extra)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_mkdocs_build_is_strict_clean(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings_handlers.python")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-5000:]}"
    api = (tmp_path / "site" / "api" / "nn" / "index.html").read_text(encoding="utf-8")
    assert "tinygrad_nn.nn.Linear" in api, "the API reference was not generated from docstrings"


def test_every_api_module_has_a_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for module in ("nn", "functional", "optim", "autograd", "data", "io", "viz", "gradcheck",
                   "testing"):
        page = ROOT / "docs" / "api" / f"{module}.md"
        assert page.is_file() and f"::: tinygrad_nn.{module}" in page.read_text(), module
        assert f"api/{module}.md" in nav, f"api/{module}.md is not in mkdocs.yml's nav"
