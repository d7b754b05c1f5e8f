"""nn.RNN / LSTM / GRU and the cells without a reference library: shapes, parameters,
initialisation, the graph, training behaviour and dropout, and the guide's code. Errors:
test_recurrent_errors.py; properties that tie the pieces together:
test_recurrent_properties.py."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tests.nn.recurrent_helpers import CELL_OF, LAYERS, _h_n, _rand
from tinygrad_nn import tensor
from tinygrad_nn.engine import iter_nodes
from tinygrad_nn.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


# -- shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("num_layers,bidirectional", [(1, False), (2, True), (3, False)])
@pytest.mark.parametrize("layout", ["time_first", "batch_first", "unbatched"])
def test_output_and_state_shapes(kind: str, num_layers: int, bidirectional: bool,
                                 layout: str) -> None:
    steps, batch, n_in, hidden = 5, 3, 4, 6
    dirs = 2 if bidirectional else 1
    m = LAYERS[kind](n_in, hidden, num_layers, batch_first=layout == "batch_first",
                     bidirectional=bidirectional)
    x = {"time_first": _rand(steps, batch, n_in), "batch_first": _rand(batch, steps, n_in),
         "unbatched": _rand(steps, n_in)}[layout].astype(np.float32)
    out, state = m(x)
    want_out = {"time_first": (steps, batch, dirs * hidden),
                "batch_first": (batch, steps, dirs * hidden),
                "unbatched": (steps, dirs * hidden)}[layout]
    want_state = (num_layers * dirs,) + (() if layout == "unbatched" else (batch,)) + (hidden,)
    assert out.shape == want_out and out.dtype == np.float32
    states = state if kind == "LSTM" else (state,)
    assert len(states) == (2 if kind == "LSTM" else 1)
    assert all(s.shape == want_state and s.dtype == np.float32 for s in states)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_parameter_names_shapes_and_order_follow_pytorch(kind: str) -> None:
    n_in, hidden, g = 3, 5, GATES[kind]
    m = LAYERS[kind](n_in, hidden, num_layers=2, bidirectional=True)
    want = []
    for layer in range(2):
        for sfx in ("", "_reverse"):
            k = f"_l{layer}{sfx}"
            n = n_in if layer == 0 else 2 * hidden
            want += [(f"weight_ih{k}", (g * hidden, n)), (f"weight_hh{k}", (g * hidden, hidden)),
                     (f"bias_ih{k}", (g * hidden,)), (f"bias_hh{k}", (g * hidden,))]
    assert [(k, p.shape) for k, p in m.named_parameters()] == want
    assert list(m.state_dict()) == [k for k, _ in want]
    assert [len(ws) for ws in m.all_weights] == [4] * 4
    no_bias = LAYERS[kind](n_in, hidden, bias=False)
    assert [k for k, _ in no_bias.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    cell = CELL_OF[kind](n_in, hidden)
    assert [(k, p.shape) for k, p in cell.named_parameters()] == [
        ("weight_ih", (g * hidden, n_in)), ("weight_hh", (g * hidden, hidden)),
        ("bias_ih", (g * hidden,)), ("bias_hh", (g * hidden,))]


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell])
def test_default_init_is_uniform_within_one_over_sqrt_hidden(cls: Any) -> None:
    hidden = 16
    tg.manual_seed(0)
    m = cls(8, hidden)
    k = 1 / math.sqrt(hidden)
    values = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    assert np.all(np.abs(values) <= k)
    # uniform on [-k, k]: spread to both ends, standard deviation k / sqrt(3)
    assert values.min() < -0.95 * k and values.max() > 0.95 * k
    assert abs(values.std() - k / math.sqrt(3)) < 0.1 * k
    tg.manual_seed(0)
    again = np.concatenate([p.detach().numpy().ravel() for p in cls(8, hidden).parameters()])
    np.testing.assert_array_equal(values, again)  # the library RNG, so manual_seed repeats it
    other = np.concatenate([p.detach().numpy().ravel() for p in cls(8, hidden).parameters()])
    assert not np.array_equal(values, other)


# -- graph and training behaviour -------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_graph_has_one_input_projection_and_one_matmul_per_step(kind: str) -> None:
    steps, num_layers = 6, 2
    m = LAYERS[kind](3, 4, num_layers, bidirectional=True)
    with tg.backends.mkldnn.flags(enabled=False):  # an LSTM's steps recorded (PyTorch's too)
        out, _ = m(_rand(steps, 2, 3).astype(np.float32))
    names = [type(n).__name__ for n in iter_nodes(out)]
    runs = num_layers * 2  # layers x directions
    # every product is a MatMul, or an AddMM when a bias or the input projection joins it;
    # an LSTM step is one fused op (the product h @ W_hh.T and the gates' pointwise math)
    products = names.count("MatMul") + names.count("AddMM") + names.count("LSTMStep")
    assert products == runs * (1 + steps)
    if kind == "GRU":
        assert names.count("Sigmoid") == runs * steps  # the gates are in the graph
    if kind == "LSTM":
        assert names.count("LSTMStep") == runs * steps
    else:
        assert names.count("Tanh") == runs * steps


def test_backprop_through_a_long_sequence() -> None:
    # BPTT over 1500 steps: the engine's walk is iterative, so no RecursionError
    m = LSTM(2, 3)
    x = tensor(_rand(1500, 1, 2).astype(np.float32), requires_grad=True)
    out, (h, c) = m(x)
    (out.sum() + c.sum()).backward()
    assert x.grad is not None and np.isfinite(x.grad.numpy()).all()
    assert all(p.grad is not None and np.isfinite(p.grad.numpy()).all() for p in m.parameters())
    assert np.abs(x.grad.numpy()[0]).sum() > 0  # the first step's input still gets a gradient


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_one_step_sequence_gives_every_parameter_a_gradient(kind: str) -> None:
    m = LAYERS[kind](2, 3)
    out, _ = m(_rand(1, 2, 2).astype(np.float32))
    out.sum().backward()
    assert all(p.grad is not None for p in m.parameters())  # W_hh too (zero state, as PyTorch)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_dropout_only_in_training_and_from_the_library_rng(kind: str) -> None:
    m = LAYERS[kind](3, 8, num_layers=3, dropout=0.5).double()
    x = _rand(4, 2, 3)
    m.eval()
    ref = m(x)[0].detach().numpy()
    np.testing.assert_array_equal(m(x)[0].detach().numpy(), ref)  # eval: deterministic, no dropout
    m.train()
    tg.manual_seed(5)
    a = m(x)[0].detach().numpy()
    tg.manual_seed(5)
    b = m(x)[0].detach().numpy()
    c = m(x)[0].detach().numpy()
    np.testing.assert_array_equal(a, b)  # masks come from the library RNG
    assert not np.allclose(a, ref) and not np.allclose(a, c)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_dropout_one_cuts_every_layer_but_the_last_from_the_input(kind: str) -> None:
    m = LAYERS[kind](3, 4, num_layers=2, dropout=1.0).double()
    out_a, st_a = m(_rand(5, 2, 3, seed=1))
    out_b, st_b = m(_rand(5, 2, 3, seed=2))
    # layer 2 sees zeros whatever the input, and its own output is not dropped
    np.testing.assert_allclose(out_a.detach().numpy(), out_b.detach().numpy(), atol=1e-12)
    assert np.abs(out_a.detach().numpy()).max() > 0
    h_a, h_b = _h_n(kind, st_a).detach().numpy(), _h_n(kind, st_b).detach().numpy()
    assert not np.allclose(h_a[0], h_b[0])  # layer 1's state still depends on the input
    m.eval()
    assert not np.allclose(m(_rand(5, 2, 3, seed=1))[0].detach().numpy(),
        m(_rand(5, 2, 3, seed=2))[0].detach().numpy())


def test_no_grad_records_nothing_and_double_casts() -> None:
    m = GRU(3, 4).double()
    with tg.no_grad():
        out, h = m(_rand(3, 2, 3))
    assert not out.requires_grad and not h.requires_grad and out.dtype == np.float64


def test_gradients_accumulate_over_calls() -> None:
    m = LSTM(2, 3).double()
    x = _rand(4, 1, 2)
    m(x)[0].sum().backward()
    once = [p.grad.numpy().copy() for p in m.parameters()]
    m(x)[0].sum().backward()
    for g1, p in zip(once, m.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), 2 * g1, rtol=1e-12)


# -- the guide's code -------------------------------------------------------------------------


def _guide_blocks() -> dict[str, list[str]]:
    """The ```python blocks of docs/nn-recurrent.md, under their '#' heading."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "nn-recurrent.md").read_text()
    blocks: dict[str, list[str]] = {}
    heading, code, inside = "", [], False
    for line in text.splitlines():
        if line.startswith("```"):
            if inside:
                blocks.setdefault(heading, []).append("\n".join(code))
            inside, code = line.strip() == "```python", []
            if line.strip() not in ("```python", "```"):
                inside = False
        elif inside:
            code.append(line)
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
    return blocks


def test_guide_snippets_run() -> None:
    blocks = _guide_blocks()
    ns: dict[str, Any] = {}
    exec(blocks["Recurrent layers: `RNN`, `LSTM`, `GRU` and their cells"][0], ns)
    assert ns["out"].shape == (5, 3, 20) and ns["c_n"].shape == (2, 3, 20)
    exec(blocks["Cells"][0], ns)
    assert ns["h"].shape == (3, 20)


def test_guide_language_model_learns_and_samples() -> None:
    (code,) = _guide_blocks()["Example: a character-level language model (dinosaur names)"]
    assert "num_iterations = 2000" in code
    ns: dict[str, Any] = {}
    exec(code.replace("num_iterations = 2000", "num_iterations = 150"), ns)
    tg_, F, names, ix, one_hot = ns["tg"], ns["F"], ns["names"], ns["ix"], ns["one_hot"]

    def mean_loss() -> float:
        with tg_.no_grad():
            losses = []
            for name in names:
                seq = [ix[c] for c in name]
                logits, _ = ns["predict"](tg_.Tensor(one_hot[[0] + seq]))
                losses.append(F.cross_entropy(logits, np.array(seq + [0])).item())
        return float(np.mean(losses))

    trained = mean_loss()
    for p in ns["params"]:  # the same model, untrained
        with tg_.no_grad():
            p.uniform_(-1 / 8, 1 / 8)
    assert trained < mean_loss() - 0.5
    alphabet = set("".join(names))
    samples = [ns["sample"]() for _ in range(5)]
    assert all(set(s) <= alphabet and len(s) <= 25 for s in samples)


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell])
def test_dtype_and_device_arguments_like_pytorch(cls: Any) -> None:
    m = cls(3, 4, dtype=np.float64, device="cpu")
    assert all(p.dtype == np.float64 for p in m.parameters())
    with pytest.raises(RuntimeError, match="CPU only"):
        cls(3, 4, device="cuda")


def test_recurrent_function_checks_its_weights_and_mode() -> None:
    from tinygrad_nn.nn.recurrent import recurrent

    m = LSTM(2, 3, num_layers=2)
    ws = list(m.parameters())
    x = np.zeros((4, 1, 2), np.float32)
    out, (h, c) = recurrent("LSTM", x, None, ws, num_layers=2)
    np.testing.assert_array_equal(out.detach().numpy(),
                                  m(x)[0].detach().numpy())  # the modules' forward is this
    with pytest.raises(ValueError, match=r"expected 4 weights \(no bias\) or 8 .* got 7"):
        recurrent("LSTM", x, None, ws[:7], num_layers=2)
    with pytest.raises(ValueError, match="mode must be one of"):
        recurrent("lstm", x, None, ws, num_layers=2)
