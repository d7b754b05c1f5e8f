"""Graph drawing (tinygrad_nn.viz) of Modules: parameter names, one cluster per submodule
or call, LSTM steps and their folding, and drawing leaving the model's state alone."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn
from tests.viz.viz_helpers import Dot, _op_total
from tinygrad_nn import Tensor
from tinygrad_nn.viz import draw_module

pytest.importorskip("graphviz")


# -- modules --------------------------------------------------------------------------------
class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(36, 10))

    def forward(self, x: Any) -> Any:
        return self.classifier(self.features(x))


def test_module_draw_names_parameters_and_clusters_submodules() -> None:
    tg.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    d = Dot(net.draw(tg.randn(5, 3)))
    assert d.ops() == Counter({"T": 2, "AddMM": 2, "ReLU": 1})  # w.t(), as F.linear
    assert d.kinds()["param"] == 4 and d.kinds()["input"] == 1
    labels = d.cluster_labels()
    assert labels[0].startswith("0: Linear(") and "1: ReLU" in labels
    assert labels[2].startswith("2: Linear(")
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):  # inside their module's cluster
        (i,) = d.find(name)
        assert d.nodes[i]["clusters"][-1].startswith(name[0] + ": Linear")
    (relu,) = [i for i, n in d.nodes.items() if n["text"] == "ReLU"]
    assert d.nodes[relu]["clusters"] == ("1: ReLU",)
    (inp,) = d.find("input")
    assert d.nodes[inp]["clusters"] == ()  # the model's input is not inside a layer


def test_small_cnn_reads_as_conv_relu_pool_blocks() -> None:
    tg.manual_seed(0)
    model = SmallCNN()
    d = Dot(draw_module(model, tg.randn(2, 1, 8, 8)))
    labels = d.cluster_labels()
    assert labels[:4] == ["features: Sequential", labels[1], "features.1: ReLU", labels[3]]
    assert labels[1].startswith("features.0: Conv2d(1, 4, kernel_size=(3, 3)")
    assert labels[3].startswith("features.2: MaxPool2d(")
    conv_ops = [n for n in d.nodes.values() if n["kind"] == "op"
                and n["clusters"][-1:] == (labels[1],)]
    assert {"MatMul", "Add"} <= {n["text"].split()[0] for n in conv_ops}
    for i in d.find("features.0."):
        assert d.nodes[i]["clusters"] == ("features: Sequential", labels[1])
    assert any(lab.startswith("classifier.1: Linear(") for lab in labels)


def lstm_model(steps: int) -> tuple[nn.Module, Tensor]:
    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(3, 4)
            self.head = nn.Linear(4, 2)

        def forward(self, x: Any) -> Any:
            out, _ = self.lstm(x)
            return self.head(out[-1])

    tg.manual_seed(0)
    return Tagger(), tg.randn(steps, 1, 3)


def test_float32_lstm_draws_as_one_layer_node_with_its_equations() -> None:
    # PyTorch's graph for a float32 nn.LSTM on the CPU: one node per layer and direction
    model, x = lstm_model(4)
    d = Dot(model.draw(x))
    lstm_label = "lstm: LSTM(3, 4)"
    texts = [n["text"] for n in d.nodes.values()
             if n["kind"] == "op" and n["clusters"] == (lstm_label,)]
    (layer,) = [t for t in texts if t.startswith("LSTMLayer")]
    for equation in ("x_t·W_ihᵀ", "h·W_hhᵀ", "i, f, o = σ(z)", "c = f·c + i·g", "h = o·tanh(c)"):
        assert equation in layer
    assert "step" not in d.source  # no steps recorded, so no step boxes
    assert "scalar" not in d.source and "constant" not in d.source  # h0, c0 None: not drawn


def test_lstm_shows_its_gates_inside_each_step() -> None:
    model, x = lstm_model(4)
    with tg.backends.mkldnn.flags(enabled=False):  # the steps' own ops, as in PyTorch
        d = Dot(model.draw(x))
    lstm_label = "lstm: LSTM(3, 4)"
    assert lstm_label in d.cluster_labels()
    steps = {n["clusters"][1] for n in d.nodes.values() if len(n["clusters"]) > 1
             and n["clusters"][0] == lstm_label}
    assert steps == {"step 1", "step 2", "step 3", "step 4"}
    for s in steps:
        texts = [n["text"] for n in d.nodes.values()
                 if n["kind"] == "op" and n["clusters"] == (lstm_label, s)]
        ops = Counter(t.split()[0] for t in texts)
        assert ops["LSTMStep"] == 1  # x_t part + h @ W_hh.T and the gates: one fused op
        (gates,) = [t for t in texts if t.startswith("LSTMStep")]
        for equation in ("h·W_hhᵀ", "i, f, o = σ(·)", "g = tanh(·)", "c' = f·c + i·g",
                         "h' = o·tanh(c')"):
            assert equation in gates  # the fused op's drawing spells out its gates
    for name in ("lstm.weight_ih_l0", "lstm.weight_hh_l0"):
        assert d.nodes[d.find(name)[0]]["clusters"] == (lstm_label,)
    with tg.backends.mkldnn.flags(enabled=False):
        assert "step" not in Dot(model.draw(x, steps=False)).source


def test_cell_called_in_a_loop_gets_one_cluster_per_call() -> None:
    class Loop(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.cell = nn.RNNCell(2, 3)

        def forward(self, xs: Any) -> Any:
            h = None
            for t in range(xs.shape[0]):
                h = self.cell(xs[t], h)
            return h

    tg.manual_seed(0)
    model = Loop()
    d = Dot(model.draw(tg.randn(3, 1, 2)))
    labels = d.cluster_labels()
    assert [lab.split("[")[-1] for lab in labels] == [f"call {k} of 3]" for k in (1, 2, 3)]
    folded = Dot(model.draw(tg.randn(3, 1, 2), fold=True))
    assert folded.cluster_labels() == [labels[0].split("  [")[0] + "  ×3 calls"]


def test_draw_module_leaves_the_random_stream_and_grads_alone() -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    x = tg.randn(2, 3)
    tg.manual_seed(7)
    expected = tg.randn(4).numpy()
    tg.manual_seed(7)
    draw_module(model, x)
    assert np.array_equal(tg.randn(4).numpy(), expected)
    assert all(p.grad is None for p in model.parameters()) and not x.requires_grad


def test_module_with_tuple_outputs_names_each_output() -> None:
    tg.manual_seed(0)
    d = Dot(nn.LSTMCell(2, 3).draw(tg.randn(1, 2), (tg.randn(1, 3), tg.randn(1, 3))))
    outs = sorted(n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "output")
    assert outs == ["output[0]", "output[1]"]
    ins = sorted(n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "input")
    assert ins == ["input0", "input1[0]", "input1[1]"]


def test_folding_a_100_step_lstm_module() -> None:
    model, x = lstm_model(100)
    with tg.backends.mkldnn.flags(enabled=False):  # the steps' own ops, as in PyTorch
        full, folded = Dot(model.draw(x, steps=False)), Dot(model.draw(x, fold=True))
    assert sum(full.ops().values()) == _op_total(folded) > 200  # 2 ops per step
    assert sum(folded.ops().values()) < 30
    assert folded.find("LSTMStep ×95")  # the first steps differ (zero state), then one loop
