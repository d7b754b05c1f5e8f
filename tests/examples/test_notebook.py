"""examples/tour.ipynb runs top to bottom in a fresh kernel (nbclient), and shows what it says:
the model trains, the graph is drawn inline as a picture, the checks pass."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "tour.ipynb"


def test_tour_notebook_executes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # the kernel is a fresh process that inherits the environment: it imports this checkout
    root = str(NOTEBOOK.parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p))
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    text = "".join(o.get("text", "") for o in outputs)
    assert "training accuracy" in text
    assert "True\nTrue" in text, "gradcheck / gradgradcheck did not print True"
    assert "property holds" in text
    pictures = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert pictures, "the model's graph was not displayed inline as SVG"
