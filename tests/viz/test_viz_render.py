"""Rendering drawings (tinygrad_nn.viz) with Graphviz's `dot`: SVG parsed back, PNG and
PDF, Jupyter's inline SVG, the error without `dot`, and graphviz loaded only when used."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.viz.viz_helpers import Dot, logistic
from tinygrad_nn.viz import draw_graph, legend

graphviz = pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


# -- rendering --------------------------------------------------------------------------------
@needs_dot
def test_rendered_svg_has_a_node_per_drawn_node(tmp_path: Any) -> None:
    y, *_ = logistic()
    g = draw_graph(y)
    path = g.render(tmp_path / "lr", format="svg")
    root = ET.parse(path).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    titles = {e.findtext("s:title", namespaces=ns) for e in root.iter(f"{{{ns['s']}}}g")
              if e.get("class") == "node"}
    assert titles == set(Dot(g).nodes)
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"w", "b", "MatMul", "Add", "Sigmoid", "output"} <= texts
    edges = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "edge"]
    assert len(edges) == 8


@needs_dot
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_render_writes_png_and_pdf(tmp_path: Any, fmt: str, magic: bytes) -> None:
    y, *_ = logistic()
    path = draw_graph(y).render(tmp_path / "g", format=fmt)
    with open(path, "rb") as f:
        assert f.read(4) == magic


@needs_dot
def test_jupyter_shows_the_graph_inline_as_svg() -> None:
    y, *_ = logistic()
    bundle = draw_graph(y)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]
    assert "<svg" in legend()._repr_mimebundle_()["image/svg+xml"]


def test_without_dot_the_source_works_and_rendering_says_how_to_install(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    y, *_ = logistic()
    g = draw_graph(y)
    assert "MatMul" in g.source
    for call in (lambda: g.render(tmp_path / "g", format="svg"), lambda: g.pipe(format="png")):
        with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
            call()
        assert isinstance(info.value, graphviz.ExecutableNotFound)
        assert "brew install graphviz" in str(info.value) and "conda" in str(info.value)
    assert "MatMul" in g._repr_mimebundle_()["text/plain"]


def test_import_does_not_load_graphviz() -> None:
    code = ("import sys, tinygrad_nn, tinygrad_nn.viz; "
            "assert 'graphviz' not in sys.modules, 'graphviz imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True)
