"""Readable drawings (issue 12): recurrences in time order, fold keeps outputs apart,
composite functions as labelled boxes, names for inputs and constants."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.viz.viz_helpers import Dot
from tinygrad_nn import Tensor, nn
from tinygrad_nn._scope import composite
from tinygrad_nn.viz import draw_graph

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def _lstm(steps: int, **kw: object) -> Dot:
    tg.manual_seed(0)
    return Dot(nn.LSTM(3, 4).draw(tg.randn(steps, 1, 3), **kw))


def _step_of(d: Dot) -> dict[str, int]:
    """Node id -> the step box it sits in."""
    out = {}
    for i, n in d.nodes.items():
        steps = [int(c.split()[1]) for c in n["clusters"] if re.fullmatch(r"step \d+", c)]
        if steps:
            out[i] = steps[-1]
    return out


# -- recurrences ------------------------------------------------------------------------------
def test_twenty_step_clusters_come_in_order_and_each_step_follows_the_last() -> None:
    d = _lstm(20)
    steps = [c for c in d.cluster_labels() if c.startswith("step ")]
    assert steps == [f"step {t}" for t in range(1, 21)]
    step = _step_of(d)
    # every step's ops that read nothing from inside it are placed after the previous step
    order = [(step[a], step[b]) for a, b, attrs in d.edges if "invis" in attrs]
    assert order and all(tb == ta + 1 for ta, tb in order)
    assert {tb for _, tb in order} == set(range(2, 21))
    assert "newrank=true" in d.source  # ranks are global, so the boxes follow the edges


@needs_dot
def test_twenty_step_boxes_are_laid_out_left_to_right_in_time_order() -> None:
    tg.manual_seed(0)
    g = nn.LSTM(3, 4).draw(tg.randn(20, 1, 3), compact=True)
    layout = json.loads(g.pipe(format="json"))
    boxes = {o["label"]: [float(v) for v in o["bb"].split(",")]
             for o in layout.get("objects", []) if str(o.get("label", "")).startswith("step ")}
    lefts = [boxes[f"step {t}"][0] for t in range(1, 21)]
    assert lefts == sorted(lefts) and len(set(lefts)) == 20


def test_fold_keeps_h_n_and_c_n_apart() -> None:
    d = _lstm(20, fold=True, compact=True)
    outs = sorted(n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "output")
    assert outs == ["output[0]", "output[1][0]", "output[1][1]"]
    assert not d.find("output[1][0] ×")


# -- composites -------------------------------------------------------------------------------
def test_composite_functions_draw_as_labelled_boxes() -> None:
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((4, 5)), requires_grad=True)
    y = F.log_softmax(F.layer_norm(x, (5,)), dim=1)
    d = Dot(draw_graph(y.sum()))
    assert d.cluster_labels() == ["layer_norm", "log_softmax"]
    ops = [n for n in d.nodes.values() if n["kind"] == "op"]
    outside = [n["text"] for n in ops if not n["clusters"]]
    assert outside == ["Sum"]  # only the final sum is outside the boxes
    assert {n["clusters"] for n in ops if n["clusters"]} == {("layer_norm",), ("log_softmax",)}


def test_a_loss_built_with_composite_is_one_labelled_box_per_call() -> None:
    @composite
    def my_loss(p: Tensor, t: Tensor) -> Tensor:
        return -(F.log_softmax(p, dim=1) * t).sum(1).mean()

    rng = np.random.default_rng(1)
    p = Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    t = Tensor(np.eye(4)[[0, 2, 1]])
    d = Dot(draw_graph(my_loss(p, t) + my_loss(p * 2, t)))
    labels = d.cluster_labels()
    assert labels.count("my_loss") == 2 and labels.count("log_softmax") == 2
    nested = {n["clusters"] for n in d.nodes.values() if "log_softmax" in n["clusters"]}
    assert nested == {("my_loss", "log_softmax")}


def test_a_library_layer_is_one_box_not_a_box_in_a_box() -> None:
    tg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.LayerNorm([2, 4, 4]), nn.Softmax(dim=1))
    d = Dot(model.draw(tg.randn(1, 1, 6, 6)))
    labels = d.cluster_labels()
    assert [lab.split(":")[0] for lab in labels] == ["0", "1", "2"]
    assert "conv2d" not in labels and "layer_norm" not in labels


# -- names ------------------------------------------------------------------------------------
def test_named_inputs_and_constants_show_their_names() -> None:
    rng = np.random.default_rng(2)
    w = Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    x = Tensor(rng.standard_normal((3, 4)), name="x")  # a constant with a name
    m = Tensor(rng.standard_normal((2, 4)))  # a constant named only through params
    y = ((w @ x) * m).sum()
    d = Dot(draw_graph(y, params={"weight": w, "mask": m}))
    consts = sorted(n["text"] for n in d.nodes.values() if n["kind"] == "const")
    assert consts == ["mask (2, 4)", "x (3, 4)"]
    assert d.find("weight (2, 3)")


def test_module_draw_calls_its_input_input_or_the_users_name() -> None:
    tg.manual_seed(0)
    model = nn.Linear(3, 2)
    d = Dot(model.draw(tg.randn(4, 3)))
    assert [n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "input"] == ["input"]
    x = Tensor(tg.randn(4, 3).numpy(), name="features")
    d = Dot(model.draw(x))
    assert [n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "input"] == [
        "features"]


def test_a_named_constant_shows_its_name_even_where_the_op_keeps_no_copy() -> None:
    w = Tensor(np.ones((2, 3)), requires_grad=True)
    shift = Tensor(np.full((2, 3), 0.5), name="shift")  # Add / Sub save nothing for backward
    y = ((w + shift) - Tensor(np.ones(3))).sum()
    d = Dot(draw_graph(y))
    consts = sorted(n["text"] for n in d.nodes.values() if n["kind"] == "const")
    assert consts == ["constant (3)", "shift (2, 3)"]
    assert y.grad_fn.next_functions[0][0].next_functions[0][0].metadata[
        "input_names"] == {1: "shift"}


def test_every_loss_of_functional_draws_as_one_box_labelled_with_its_name() -> None:
    rng = np.random.default_rng(3)
    logits = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    target = Tensor(np.array([0, 2, 1, 2]))
    d = Dot(draw_graph(F.cross_entropy(logits, target)))
    assert d.cluster_labels() == ["cross_entropy"]  # one box, not ten loose primitives
    ops = [n for n in d.nodes.values() if n["kind"] == "op"]
    assert len(ops) > 3 and all(n["clusters"][:1] == ("cross_entropy",) for n in ops)
    p = logits.sigmoid()
    y = Tensor((rng.random((4, 3)) > 0.5).astype(np.float64))
    for loss, args in [(F.mse_loss, (p, y)), (F.l1_loss, (p, y)), (F.smooth_l1_loss, (p, y)),
                       (F.huber_loss, (p, y)), (F.binary_cross_entropy, (p, y)),
                       (F.binary_cross_entropy_with_logits, (logits, y)),
                       (F.nll_loss, (F.log_softmax(logits, dim=1), target)),
                       (F.triplet_margin_loss, (logits, p, y))]:
        labels = Dot(draw_graph(loss(*args))).cluster_labels()
        assert loss.__name__ in labels, (loss.__name__, labels)


def test_max_scope_depth_draws_deeper_boxes_as_single_nodes() -> None:
    rng = np.random.default_rng(4)
    x = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    target = Tensor(rng.standard_normal((4, 3)), name="target")
    loss = F.mse_loss(x * 2.0, target) + F.cross_entropy(x, Tensor(np.array([0, 2, 1, 2])))
    full = Dot(draw_graph(loss))
    assert full.cluster_labels() == ["mse_loss", "cross_entropy"]
    n_ops = Counter(n["clusters"][:1] for n in full.nodes.values() if n["kind"] == "op")
    d = Dot(draw_graph(loss, max_scope_depth=0))
    assert d.cluster_labels() == []
    boxes = [n["text"] for n in d.nodes.values() if n["kind"] == "box"]
    assert boxes == [f"{name} ({n_ops[(name,)]} ops)" for name in ("mse_loss", "cross_entropy")]
    assert d.ops() == {"Mul": 1, "Add": 1}  # the ops outside any box stay ops
    consts = sorted(n["text"] for n in d.nodes.values() if n["kind"] == "const")
    assert consts == ["scalar", "target (4, 3)"]  # a box keeps only its named constants
    assert all(s in d.nodes and t in d.nodes for s, t, _ in d.edges)
    # an LSTM drawn with its steps as single nodes, in time order
    steps = _lstm(6, max_scope_depth=0)
    boxes = [n["text"].split(" (")[0] for n in steps.nodes.values() if n["kind"] == "box"]
    assert boxes == [f"step {t}" for t in range(1, 7)]
    with pytest.raises(ValueError, match="max_scope_depth"):
        draw_graph(loss, max_scope_depth=-1)
