"""Debugging with the picture (issue 12): mark_nonfinite marks where a NaN / inf first
appears and greys what it flowed into; SVG tooltips carry each node's statistics."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from tests.viz.viz_helpers import Dot
from tinygrad_nn import tensor
from tinygrad_nn.grad_mode import set_anomaly_enabled
from tinygrad_nn.viz import draw_graph

pytest.importorskip("graphviz")


def _op(d: Dot, name: str) -> dict:
    (node,) = [n for n in d.nodes.values() if n["kind"] not in ("tensor", "output", "const")
               and n["text"].split()[0] == name]
    return node


def test_first_nonfinite_op_is_red_and_what_it_feeds_is_grey() -> None:
    w = tensor(np.array([[1.0, -3.0]]), requires_grad=True, name="w")
    x = tensor(np.array([[1.0], [1.0]]))
    z = (w @ x).exp()  # finite
    with np.errstate(invalid="ignore"):
        y = (z - 1.0).log()  # log of a negative: the NaN starts here
        # a Mul by a tensor that requires grad saves y, so the drawing can read Log's output
        loss = (y * tensor(np.float64(2.0), requires_grad=True)).tanh().sum() + z.sum()
    d = Dot(draw_graph(loss, mark_nonfinite=True))
    assert _op(d, "Log")["kind"] == "nonfinite"
    for name in ("Mul", "Tanh"):  # computed from the NaN
        assert _op(d, name)["kind"] == "after"
    for name in ("MatMul", "Exp", "Sub"):  # before it: untouched
        assert _op(d, name)["kind"] == "op"
    assert "red: first op with a non-finite output, Log" in d.source
    plain = Dot(draw_graph(loss))  # only on request
    assert {n["kind"] for n in plain.nodes.values()}.isdisjoint({"nonfinite", "after"})


def test_nan_in_the_data_marks_the_data_and_greys_every_op_reading_it() -> None:
    w = tensor(np.ones((1, 3)), requires_grad=True)
    x = tensor(np.array([[1.0], [np.nan], [2.0]]), name="x")
    loss = ((w @ x) * 3.0).sum()
    d = Dot(draw_graph(loss, mark_nonfinite=True))
    (bad,) = [n for n in d.nodes.values() if n["kind"] == "bad_leaf"]
    assert bad["text"].startswith("x ")
    assert all(n["kind"] == "after" for n in d.nodes.values()
               if n["text"].split()[0] in ("MatMul", "Mul", "Sum"))


def test_after_backward_the_nonfinite_gradient_is_marked() -> None:
    w = tensor(np.array([0.0, 1.0]), requires_grad=True, name="w")
    h = w * 1.0
    h.retain_grad()
    loss = h.sqrt().sum()  # d sqrt at 0 is inf: finite forward, infinite gradient
    with np.errstate(divide="ignore"):
        loss.backward()
    d = Dot(draw_graph(loss, mark_nonfinite=True))
    assert _op(d, "Mul")["kind"] == "nonfinite"  # its output's gradient is inf
    assert "non-finite gradient" in d.source
    assert [n["kind"] for n in d.nodes.values() if n["text"].startswith("w ")] == ["bad_leaf"]


def test_an_error_carrying_its_tensor_draws_with_the_marks() -> None:
    x = tensor(np.array([-1.0, 1.0]), requires_grad=True)
    with np.errstate(invalid="ignore"):
        y = (x.log() * x).sum()  # Mul saved Log's output: the drawing can check it
    err = RuntimeError("Function 'LogBackward' returned nan values")
    err.tensor = y  # type: ignore[attr-defined]
    d = Dot(draw_graph(err))
    assert _op(d, "Log")["kind"] == "nonfinite"
    with pytest.raises(TypeError, match="carries no tensor"):
        draw_graph(RuntimeError("no graph here"))


def test_tooltips_give_shape_dtype_statistics_and_gradient_norm() -> None:
    w = tensor(np.array([[1.0, -2.0, 4.0]]), requires_grad=True, name="w")
    x = tensor(np.ones((3, 2)))
    loss = (w @ x).tanh().sum()
    loss.backward()
    d = Dot(draw_graph(loss))
    (leaf,) = [n for n in d.nodes.values() if n["kind"] == "param"]
    assert leaf["tooltip"][:3] == ["w", "(1, 3) float64", "min -2  max 4  mean 1"]
    g = w.grad.numpy()
    assert leaf["tooltip"][3] == f"grad norm {np.linalg.norm(g):.4g}"
    assert _op(d, "Tanh")["tooltip"] == ["Tanh", "→ (1, 2) float64"]
    assert all(n["tooltip"] for n in d.nodes.values())  # every node has one


def test_tooltips_show_values_ops_saved_before_backward() -> None:
    x = tensor(np.array([0.0, 1.0, 2.0]), requires_grad=True)
    y = x.exp()  # Exp saves its output: the drawing can read it
    d = Dot(draw_graph(y.sum()))
    e = np.exp([0.0, 1.0, 2.0])
    tips = [n["tooltip"] for n in d.nodes.values() if n["kind"] == "tensor"]
    assert [f"min {e.min():.4g}  max {e.max():.4g}  mean {e.mean():.4g}"] in [t[1:2] for t in
                                                                              tips]


# -- anomaly mode and the picture -------------------------------------------------------------
@pytest.fixture
def anomaly() -> Iterator[None]:
    set_anomaly_enabled(True)
    try:
        yield
    finally:
        set_anomaly_enabled(False)


def test_the_anomaly_error_draws_with_its_culprit_red(anomaly: None) -> None:
    w = tensor(np.array([0.0, 4.0]), requires_grad=True, name="w")
    h = (w * 2.0).sqrt()  # d sqrt at 0 is inf, times the 0 below: NaN in Sqrt's backward
    loss = (h * 0.0).sum()
    with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(RuntimeError) as info:
        loss.backward(retain_graph=True)
    err = info.value
    assert "draw_graph(err)" in str(err)  # the message says how to draw it
    assert err.node is h.grad_fn and err.tensor is loss  # type: ignore[attr-defined]
    d = Dot(draw_graph(err))
    assert _op(d, "Sqrt")["kind"] == "nonfinite"
    # w * 2.0 is where its gradient would flow (grey); h * 0.0 and Sum ran before it (plain)
    muls = [n["kind"] for n in d.nodes.values() if n["text"].split()[0] == "Mul"]
    assert muls == ["after", "op"] and _op(d, "Sum")["kind"] == "op"
    assert "red: the op anomaly mode stopped at (non-finite gradient), Sqrt" in d.source
    # the tooltip says where the culprit was made (anomaly mode recorded it)
    assert any("h = (w * 2.0).sqrt()" in row for row in _op(d, "Sqrt")["tooltip"])


def test_the_forward_check_error_draws_the_op_whose_output_is_not_finite() -> None:
    set_anomaly_enabled(True, check_forward=True)
    try:
        x = tensor(np.array([0.0, 1.0]), requires_grad=True)
        y = x * 1.0
        with np.errstate(divide="ignore"), pytest.raises(RuntimeError) as info:
            y.log()
    finally:
        set_anomaly_enabled(False)
    d = Dot(draw_graph(info.value))
    assert _op(d, "Log")["kind"] == "nonfinite" and _op(d, "Mul")["kind"] == "op"


def test_tooltips_say_where_a_node_was_made_only_in_anomaly_mode(anomaly: None) -> None:
    x = tensor(np.ones(2), requires_grad=True)
    y = x.exp()
    tip = _op(Dot(draw_graph(y.sum())), "Exp")["tooltip"]
    assert tip[-1].startswith("created at test_debugging.py:") and tip[-1].endswith(
        "y = x.exp()")
    set_anomaly_enabled(False)
    z = x.exp()
    assert not any("created at" in r for r in _op(Dot(draw_graph(z.sum())), "Exp")["tooltip"])
