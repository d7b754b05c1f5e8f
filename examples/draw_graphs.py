"""Draw computation graphs with Graphviz: the pictures of docs/visualization.md.

    python examples/draw_graphs.py [--out graphs] [--format png|svg|pdf]

Writes, into --out, one picture per graph:

    viz_legend             what each node style means
    viz_logistic           sigmoid(w @ X + b) and its cross-entropy cost
    viz_two_layer_grads    a 2-layer net after backward(), each tensor with its gradient norm
    viz_cnn                a small CNN: conv -> relu -> pool blocks as labelled module clusters
    viz_lstm_cell          one LSTM step (LSTMCell): two AddMM products, then LSTMGates
                           (the gates i, f, g, o as one op, drawn with its equations)
    viz_lstm_layer         a float32 2-layer nn.LSTM: one fused node per layer, as in PyTorch
    viz_lstm_steps         an LSTM over 3 time steps, each step's ops in a "step t" cluster
                           (recorded step by step under tg.backends.mkldnn.flags(enabled=False),
                           as PyTorch does there; the next three too)
    viz_lstm_folded        the same LSTM over 100 steps, repeated steps folded into "Op xN"
    viz_lstm_20            an LSTM over 20 steps: the step boxes in time order, one band
    viz_lstm_20_nodes      the same with max_scope_depth=0: each step box drawn as one node
    viz_nan_hunt           a hand-written cross-entropy whose loss is NaN, drawn with
                           mark_nonfinite=True: the Log of 1 - p is red, what follows grey
    viz_nan_anomaly        the same under anomaly mode: the error drawn, draw_graph(err), with
                           the op whose backward returned NaN in red
    viz_loss_box           F.cross_entropy of a Linear layer: the loss as one labelled box

To regenerate the documentation's images: python examples/draw_graphs.py --out docs/images
Without Graphviz's `dot` program the DOT text is written instead (name.dot), and the hint
how to install Graphviz is printed.
"""

import argparse
import os
import warnings

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn
from tinygrad_nn.viz import draw_graph, legend


def logistic_regression():
    """The course's first model: a = sigmoid(w @ X + b), cost = BCE(a, Y); X is data."""
    rng = np.random.default_rng(0)
    X = tg.tensor(rng.standard_normal((4, 8)).astype(np.float32))  # 4 features, 8 examples
    Y = tg.tensor((rng.random((1, 8)) > 0.5).astype(np.float32))
    w = tg.zeros(1, 4, requires_grad=True)
    b = tg.zeros(1, 1, requires_grad=True)
    a = (w @ X + b).sigmoid()
    cost = F.binary_cross_entropy(a, Y)
    return draw_graph(cost, params={"w": w, "b": b, "a": a, "cost": cost})


def two_layer_grads():
    """Linear -> tanh -> Linear -> sigmoid with its loss, after backward()."""
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    X = tg.randn(16, 2)
    Y = (X[:, :1] * X[:, 1:] > 0).float()
    loss = F.binary_cross_entropy(model(X), Y)
    loss.backward()
    return draw_graph(loss, module=model, show_grads=True)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(8, 3))

    def forward(self, x):
        return self.classifier(self.features(x))


def cnn():
    tg.manual_seed(0)
    return SmallCNN().draw(tg.randn(2, 1, 10, 10), compact=True, rankdir="TB")


def lstm_cell():
    tg.manual_seed(0)
    cell = nn.LSTMCell(3, 4)
    x = tg.tensor(tg.randn(1, 3).numpy(), name="x")  # named inputs keep their names
    h, c = tg.tensor(tg.randn(1, 4).numpy(), name="h"), tg.tensor(tg.randn(1, 4).numpy(), name="c")
    return cell.draw(x, (h, c), compact=True)


def lstm_layer():
    tg.manual_seed(0)
    return nn.LSTM(3, 4, num_layers=2).draw(tg.randn(3, 1, 3), compact=True)


def stepwise(draw):
    """``draw`` with an nn.LSTM recorded step by step (``mkldnn.flags(enabled=False)``)."""
    def draw_steps():
        with tg.backends.mkldnn.flags(enabled=False):
            return draw()
    return draw_steps


@stepwise
def lstm_steps():
    tg.manual_seed(0)
    return nn.LSTM(3, 4).draw(tg.randn(3, 1, 3), compact=True)


@stepwise
def lstm_folded():
    tg.manual_seed(0)
    return nn.LSTM(3, 4).draw(tg.randn(100, 1, 3), compact=True, fold=True)


@stepwise
def lstm_20():
    tg.manual_seed(0)
    return nn.LSTM(3, 4).draw(tg.randn(20, 1, 3), compact=True)


@stepwise
def lstm_20_steps_as_nodes():
    tg.manual_seed(0)
    return nn.LSTM(3, 4).draw(tg.randn(20, 1, 3), compact=True, max_scope_depth=0)


def nan_hunt():
    """Logistic regression with a hand-written cross-entropy on unscaled data: sigmoid
    saturates to exactly 1.0 in float32, log(1 - p) is -inf, and 0 * -inf is NaN."""
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    X = tg.tensor(rng.standard_normal((64, 2)).astype(np.float32) * 30, name="X")
    Y = tg.tensor((X.numpy()[:, :1] > 0).astype(np.float32), name="Y")
    model = nn.Linear(2, 1)
    p = model(X).sigmoid()
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -(Y * p.log() + (1 - Y) * (1 - p).log()).mean()
    return loss.draw(module=model, mark_nonfinite=True)


def nan_anomaly():
    """The same program under anomaly mode: its error, drawn, marks the op whose backward
    returned NaN (the Log of 1 - p); tooltips say where each op was made."""
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    X = tg.tensor(rng.standard_normal((64, 2)).astype(np.float32) * 30, name="X")
    Y = tg.tensor((X.numpy()[:, :1] > 0).astype(np.float32), name="Y")
    model = nn.Linear(2, 1)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # detect_anomaly's "slows every op" warning
        with tg.autograd.detect_anomaly():
            p = model(X).sigmoid()
            loss = -(Y * p.log() + (1 - Y) * (1 - p).log()).mean()
            try:
                loss.backward()
            except RuntimeError as err:
                return draw_graph(err, module=model)
    raise AssertionError("anomaly mode did not stop the backward pass")


def loss_box():
    """F.cross_entropy drawn as one box labelled with its name."""
    tg.manual_seed(0)
    model = nn.Linear(4, 3)
    x = tg.randn(5, 4)
    x.name = "x"
    loss = F.cross_entropy(model(x), tg.tensor([0, 2, 1, 2, 0]))
    return draw_graph(loss, module=model)


GRAPHS = {  # file name -> the function drawing it
    "viz_legend": legend, "viz_logistic": logistic_regression,
    "viz_two_layer_grads": two_layer_grads, "viz_cnn": cnn, "viz_lstm_cell": lstm_cell,
    "viz_lstm_layer": lstm_layer, "viz_lstm_steps": lstm_steps, "viz_lstm_folded": lstm_folded,
    "viz_lstm_20": lstm_20,
    "viz_lstm_20_nodes": lstm_20_steps_as_nodes,
    "viz_nan_hunt": nan_hunt, "viz_nan_anomaly": nan_anomaly, "viz_loss_box": loss_box,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="graphs", help="folder for the pictures")
    parser.add_argument("--format", default="png", choices=["png", "svg", "pdf"])
    parser.add_argument("--dpi", type=int, default=96, help="resolution of PNG pictures")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, make in GRAPHS.items():
        graph = make()
        if args.format == "png":
            graph.graph_attr["dpi"] = str(args.dpi)
        path = os.path.join(args.out, name)
        try:
            written = graph.render(path, format=args.format, cleanup=True)
        except RuntimeError as e:  # Graphviz's `dot` is missing: the DOT text is still there
            with open(path + ".dot", "w", encoding="utf-8") as f:
                f.write(graph.source)
            print(f"{name}: wrote {path}.dot; not rendered: {e}")
            continue
        ops = graph.source.count('style="rounded,filled" fillcolor="#e8e8e8"')
        print(f"{name}: {written} ({ops} op nodes)")


if __name__ == "__main__":
    main()
