"""Readable drawings (issue 12): recurrences in time order, fold keeps outputs apart,
composite functions as labelled boxes, names for inputs and constants."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.viz.viz_helpers import Dot
from tinygrad_nn import Tensor, nn, tensor
from tinygrad_nn._scope import composite
from tinygrad_nn.viz import draw_graph

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def _stepwise_lstm(steps: int, **kw: object) -> object:
    """An nn.LSTM's drawing with its steps as nodes: a float32 layer is otherwise one node,
    as in PyTorch, whose ``mkldnn.flags(enabled=False)`` also records the steps."""
    tg.manual_seed(0)
    with tg.backends.mkldnn.flags(enabled=False):
        return nn.LSTM(3, 4).draw(tg.randn(steps, 1, 3), **kw)


def _lstm(steps: int, **kw: object) -> Dot:
    return Dot(_stepwise_lstm(steps, **kw))


def _step_of(d: Dot) -> dict[str, int]:
    """Node id -> the step box it sits in."""
    out = {}
    for i, n in d.nodes.items():
        steps = [int(c.split()[1]) for c in n["clusters"] if re.fullmatch(r"step \d+", c)]
        if steps:
            out[i] = steps[-1]
    return out


# -- recurrences ------------------------------------------------------------------------------
def _rows(d: Dot) -> tuple[list[str], list[str]]:
    """The two rows of invisible points of a drawing's band: above and below the boxes."""
    rows = re.findall(r"\{rank=same ([^}]*)\}", d.source)
    assert len(rows) == 2, rows
    top, bottom = (r.split() for r in rows)
    for row in (top, bottom):  # chained in time order, unseen
        chain = [(a, b) for a, b, attrs in d.edges if a in row and b in row]
        assert chain == list(zip(row, row[1:]))
        assert all("invis" in attrs for a, b, attrs in d.edges if row in (a, b))
    return top, bottom


def _band(d: Dot) -> list[tuple[str, int]]:
    """The step order a drawing asks for: (header point, the step its edge points into)."""
    heads = _rows(d)[0]
    step = _step_of(d)
    into = {a: step[b] for a, b, _ in d.edges if a in heads and b not in heads}
    return [(h, into[h]) for h in heads]


def _runs(xs: list[int]) -> list[int]:
    """``xs`` with repeats in a row dropped (a step has a few points in the row)."""
    return [x for k, x in enumerate(xs) if k == 0 or xs[k - 1] != x]


@pytest.mark.parametrize("steps", [20, 100])
def test_step_clusters_come_in_time_order_and_the_band_orders_them(steps: int) -> None:
    d = _lstm(steps, compact=True)
    labels = [c for c in d.cluster_labels() if c.startswith("step ")]
    assert labels == [f"step {t}" for t in range(1, steps + 1)]
    # one invisible point per step, on one rank, chained in time order, each above an op
    # of its step that reads nothing inside the step (the LSTMStep reading x's projection)
    # (as many per step as the inputs all steps share, plus one)
    assert _runs([t for _, t in _band(d)]) == list(range(1, steps + 1))
    assert len(_band(d)) == 3 * steps  # the LSTMStep reads the projection of x and W_hh
    step = _step_of(d)
    heads, feet = _rows(d)
    for a, b, _ in d.edges:
        if a in heads and b not in heads:
            assert not any(step.get(x) == step[b] and d.nodes[x]["kind"] == "op"
                           for x, y, _ in d.edges if y == b)
    # and a second such row below the boxes: each point after the ops of its step that
    # feed nothing inside it (so shared inputs and outputs do not pull the boxes apart)
    for t, foot in enumerate(feet, 1):
        last = [a for a, b, _ in d.edges if b == foot and a not in feet]
        assert last and all(step[a] == t for a in last)
        assert not any(step.get(b) == t for a, b, _ in d.edges if a in last)
    # the recurrence (the state into the next step) does not rank the steps one after the
    # other: one LSTMStep feeds the next, both first in their step, so that edge is
    # left out of the ranking (an edge that ran back up the ranks would be drawn backwards)
    crossing = [(a, b, attrs) for a, b, attrs in d.edges if a in step and b in step
                and step[a] != step[b]]
    assert len(crossing) == steps - 1
    assert all(step[b] == step[a] + 1 and "constraint=false" in attrs
               and d.nodes[a]["text"].startswith("LSTMStep")
               and d.nodes[b]["text"].startswith("LSTMStep") for a, b, attrs in crossing)
    assert sum("dir=back" in attrs or "constraint=false" in attrs
               for *_, attrs in d.edges) == len(crossing)
    assert "rankdir=TB" in d.source  # the steps lie across the flow: left to right
    assert "newrank" not in d.source


def _gru(steps: int, **kw: object) -> Dot:
    tg.manual_seed(0)
    return Dot(nn.GRU(3, 4).draw(tg.randn(steps, 1, 3), **kw))


@pytest.mark.parametrize("steps", [5, 20])
@pytest.mark.parametrize("compact", [True, False])
def test_a_gru_draws_one_step_box_per_time_step(steps: int, compact: bool) -> None:
    # each step's addmm(b_hh, h, W_hh.T) reads the bias and the transposed weight alike;
    # with the bias taken for the loop's weight, W_hh.T was read as a state computed
    # before step 1 and drawn as a "step 1" box of its own (T + 1 boxes, the extra one
    # mid-band without compact)
    d = _gru(steps, compact=compact)
    labels = [c for c in d.cluster_labels() if c.startswith("step ")]
    assert labels == [f"step {t}" for t in range(1, steps + 1)]
    step = _step_of(d)
    ops = {t: Counter(d.nodes[i]["text"].split()[0] for i, s in step.items()
                      if s == t and d.nodes[i]["kind"] == "op") for t in range(1, steps + 1)}
    # every box is one whole step: its product with W_hh.T, the gates and the new h
    # (the last also stacks h_n); the transposes run before the loop, outside every box
    first = ops[1]
    assert first["AddMM"] == first["Sigmoid"] == first["Tanh"] == 1 and first["Mul"] == 2
    assert all(ops[t] == first for t in range(2, steps))
    assert ops[steps] - Counter(["Stack"]) == first
    transposes = [i for i, n in d.nodes.items() if n["text"].split()[0] == "T"]  # w.t()
    assert len(transposes) == 2 and not any(i in step for i in transposes)  # W_ih.T and W_hh.T
    assert _runs([t for _, t in _band(d)]) == list(range(1, steps + 1))


def test_a_given_rankdir_keeps_the_band_across_the_flow() -> None:
    d = _lstm(5, rankdir="LR")
    assert "rankdir=LR" in d.source
    assert _runs([t for _, t in _band(d)]) == [1, 2, 3, 4, 5]
    tg.manual_seed(0)
    plain = nn.Linear(3, 2).draw(tg.randn(4, 3))  # no loop: left to right as before
    assert "rankdir=LR" in plain.source and "rank=same" not in plain.source


def test_a_cell_called_in_a_loop_is_laid_out_one_call_per_step() -> None:
    tg.manual_seed(0)
    cell = nn.GRUCell(3, 4)
    x = tg.randn(6, 1, 3)
    h = None
    outs = []
    for t in range(6):
        h = cell(x[t], h)
        outs.append(h)
    d = Dot(draw_graph(tg.stack(outs).sum()))
    calls = {}
    for i, n in d.nodes.items():
        box = [c for c in n["clusters"] if "[call " in c]
        if box:
            calls[i] = int(box[-1].split("[call ")[1].split()[0])
    heads = _rows(d)[0]
    into = {a: calls[b] for a, b, _ in d.edges if a in heads and b not in heads}
    assert _runs([into[h] for h in heads]) == [1, 2, 3, 4, 5, 6]
    # one GRU step reads n twice (n + z*(h - n)): no loop inside a call
    assert not [c for c in d.cluster_labels() if c.startswith("step ")]


def test_steps_drawn_as_nodes_keep_their_order() -> None:
    d = _lstm(20, compact=True, max_scope_depth=0)
    heads = _rows(d)[0]
    into = _runs([next(b for a, b, _ in d.edges if a == h and b not in heads) for h in heads])
    assert [d.nodes[b]["text"].split()[:2] for b in into] == [
        ["step", str(t)] for t in range(1, 21)]
    # step nodes sit on one rank: the recurrence between them only may not rank them
    chain = [(a, b, attrs) for a, b, attrs in d.edges if a in into and b in into]
    assert len(chain) == 19 and all("constraint=false" in attrs for *_, attrs in chain)


def _layout(graph: object, timeout: float) -> dict:
    """``dot -Tjson`` of a drawing, or a failure after ``timeout`` seconds."""
    out = subprocess.run(["dot", "-Tjson"], input=graph.source.encode(),  # type: ignore[attr-defined]
                         capture_output=True, timeout=timeout, check=True).stdout
    return json.loads(out)


def _lefts(layout: dict) -> dict[str, float]:
    return {o["label"]: float(o["bb"].split(",")[0])
            for o in layout.get("objects", []) if re.fullmatch(r"step \d+", str(o.get("label")))}


def _cell_loop(kind: str, steps: int) -> object:
    """A cell called in a Python loop, as users write it; the sum of its outputs drawn."""
    tg.manual_seed(0)
    cell = getattr(nn, kind)(3, 4)
    x = tg.randn(steps, 1, 3)
    state = None
    outs = []
    for t in range(steps):
        state = cell(x[t], state)
        outs.append(state[0] if kind == "LSTMCell" else state)
    return draw_graph(tg.stack(outs).sum())


@needs_dot
@pytest.mark.parametrize("steps, compact", [(20, True), (5, True), (20, False)])
def test_lstm_step_boxes_are_laid_out_left_to_right_in_time_order(steps: int,
                                                                  compact: bool) -> None:
    # one LSTMStep per step, reading x's projection and W_hh like every other step: with
    # one point per step above the boxes, `dot` laid 20 steps out 1, 12, 2, 3, ... and 5
    # steps 1, 3, 2, 4, 5
    lefts = _lefts(_layout(_stepwise_lstm(steps, compact=compact), 120))
    xs = [lefts[f"step {t}"] for t in range(1, steps + 1)]
    assert xs == sorted(xs) and len(set(xs)) == steps


@needs_dot
@pytest.mark.parametrize("compact", [True, False])
def test_gru_step_boxes_are_laid_out_left_to_right_in_time_order(compact: bool) -> None:
    # the transposed W_hh drawn as a box of its own came out mid-band without compact
    tg.manual_seed(0)
    lefts = _lefts(_layout(nn.GRU(3, 4).draw(tg.randn(20, 1, 3), compact=compact), 120))
    assert sorted(lefts) == sorted(f"step {t}" for t in range(1, 21))
    xs = [lefts[f"step {t}"] for t in range(1, 21)]
    assert xs == sorted(xs) and len(set(xs)) == 20


@needs_dot
@pytest.mark.parametrize("kind, steps", [("GRUCell", 5), ("GRUCell", 12), ("LSTMCell", 20),
                                         ("RNNCell", 20)])
def test_a_cell_called_in_a_loop_is_laid_out_in_call_order(kind: str, steps: int) -> None:
    layout = _layout(_cell_loop(kind, steps), 120)
    lefts = {int(m.group(1)): float(o["bb"].split(",")[0]) for o in layout["objects"]
             if (m := re.search(r"\[call (\d+) of", str(o.get("label"))))}
    xs = [lefts[t] for t in range(1, steps + 1)]
    assert xs == sorted(xs) and len(set(xs)) == steps


@needs_dot
def test_a_hundred_step_lstm_renders_in_time_order_within_minutes() -> None:
    # before the band crossed the flow, `dot` took over 5 minutes on this graph; the
    # generous timeout only catches that kind of blow-up, it measures nothing
    lefts = _lefts(_layout(_stepwise_lstm(100), 240))
    xs = [lefts[f"step {t}"] for t in range(1, 101)]
    assert xs == sorted(xs) and len(set(xs)) == 100


def test_fold_keeps_h_n_and_c_n_apart() -> None:
    d = _lstm(20, fold=True, compact=True)
    outs = sorted(n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "output")
    assert outs == ["output[0]", "output[1][0]", "output[1][1]"]
    assert not d.find("output[1][0] ×")


# -- composites -------------------------------------------------------------------------------
def test_composite_functions_draw_as_labelled_boxes() -> None:
    rng = np.random.default_rng(0)
    x = tensor(rng.standard_normal((4, 5)), requires_grad=True)
    y = F.gelu(F.layer_norm(x, (5,)))
    d = Dot(draw_graph(y.sum()))
    assert d.cluster_labels() == ["layer_norm", "gelu"]
    ops = [n for n in d.nodes.values() if n["kind"] == "op"]
    outside = [n["text"] for n in ops if not n["clusters"]]
    assert outside == ["Sum"]  # only the final sum is outside the boxes
    assert {n["clusters"] for n in ops if n["clusters"]} == {("layer_norm",), ("gelu",)}
    # a function that is one node (log_softmax, as PyTorch's LogSoftmaxBackward0) needs no box
    assert Dot(draw_graph(F.log_softmax(x, dim=1).sum())).cluster_labels() == []


def test_a_loss_built_with_composite_is_one_labelled_box_per_call() -> None:
    @composite
    def my_loss(p: Tensor, t: Tensor) -> Tensor:
        return -(F.logsigmoid(p) * t).sum(1).mean()

    rng = np.random.default_rng(1)
    p = tensor(rng.standard_normal((3, 4)), requires_grad=True)
    t = tensor(np.eye(4)[[0, 2, 1]])
    d = Dot(draw_graph(my_loss(p, t) + my_loss(p * 2, t)))
    labels = d.cluster_labels()
    assert labels.count("my_loss") == 2 and labels.count("logsigmoid") == 2
    nested = {n["clusters"] for n in d.nodes.values() if "logsigmoid" in n["clusters"]}
    assert nested == {("my_loss", "logsigmoid")}


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
    w = tensor(rng.standard_normal((2, 3)), requires_grad=True)
    x = tensor(rng.standard_normal((3, 4)), name="x")  # a constant with a name
    m = tensor(rng.standard_normal((2, 4)))  # a constant named only through params
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
    x = tensor(tg.randn(4, 3).numpy(), name="features")
    d = Dot(model.draw(x))
    assert [n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "input"] == [
        "features"]


def test_a_named_constant_shows_its_name_even_where_the_op_keeps_no_copy() -> None:
    w = tensor(np.ones((2, 3)), requires_grad=True)
    shift = tensor(np.full((2, 3), 0.5), name="shift")  # Add / Sub save nothing for backward
    y = ((w + shift) - tensor(np.ones(3))).sum()
    d = Dot(draw_graph(y))
    consts = sorted(n["text"] for n in d.nodes.values() if n["kind"] == "const")
    assert consts == ["constant (3)", "shift (2, 3)"]
    assert y.grad_fn.next_functions[0][0].next_functions[0][0].metadata[
        "input_names"] == {1: "shift"}


def test_every_loss_of_functional_draws_as_one_box_labelled_with_its_name() -> None:
    rng = np.random.default_rng(3)
    logits = tensor(rng.standard_normal((4, 3)), requires_grad=True)
    target = tensor(np.array([0, 2, 1, 2]))
    d = Dot(draw_graph(F.cross_entropy(logits, target)))
    assert d.cluster_labels() == ["cross_entropy"]  # one box around its ops
    ops = [n for n in d.nodes.values() if n["kind"] == "op"]
    assert all(n["clusters"][:1] == ("cross_entropy",) for n in ops)
    # PyTorch's two nodes: LogSoftmaxBackward0 feeding NllLossBackward0
    assert sorted(n["tooltip"][0] for n in ops) == ["LogSoftmax", "NllLoss"]
    p = logits.sigmoid()
    y = tensor((rng.random((4, 3)) > 0.5).astype(np.float64))
    for loss, args in [(F.mse_loss, (p, y)), (F.l1_loss, (p, y)), (F.smooth_l1_loss, (p, y)),
                       (F.huber_loss, (p, y)), (F.binary_cross_entropy, (p, y)),
                       (F.binary_cross_entropy_with_logits, (logits, y)),
                       (F.nll_loss, (F.log_softmax(logits, dim=1), target)),
                       (F.triplet_margin_loss, (logits, p, y))]:
        labels = Dot(draw_graph(loss(*args))).cluster_labels()
        assert loss.__name__ in labels, (loss.__name__, labels)


def test_max_scope_depth_draws_deeper_boxes_as_single_nodes() -> None:
    rng = np.random.default_rng(4)
    x = tensor(rng.standard_normal((4, 3)), requires_grad=True)
    target = tensor(rng.standard_normal((4, 3)), name="target")
    loss = F.mse_loss(x * 2.0, target) + F.cross_entropy(x, tensor(np.array([0, 2, 1, 2])))
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
