"""nn.RNN / LSTM / GRU and the cells without a reference library: shapes, errors,
initialisation, dropout, and properties that tie the pieces together (a layer is its cell
looped over time, a reverse direction is a forward one on the reversed sequence, two
layers are two one-layer modules chained, batch_first and unbatched are reshapes)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn import Tensor
from tinygrad_nn.engine import iter_nodes
from tinygrad_nn.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

LAYERS = {"RNN": RNN, "LSTM": LSTM, "GRU": GRU}
CELL_OF = {"RNN": RNNCell, "LSTM": LSTMCell, "GRU": GRUCell}
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def _h_n(kind: str, state: Any) -> Tensor:
    return state[0] if kind == "LSTM" else state


def _copy_params(dst: Any, src: Any, suffix: str) -> None:
    """Load src's parameters named ``<kind><suffix>`` into dst's ``<kind>`` (cell naming)."""
    with tg.no_grad():
        for name, p in dst.named_parameters():
            p.copy_(getattr(src, name + suffix))


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
    values = np.concatenate([p.data.ravel() for p in m.parameters()])
    assert np.all(np.abs(values) <= k)
    # uniform on [-k, k]: spread to both ends, standard deviation k / sqrt(3)
    assert values.min() < -0.95 * k and values.max() > 0.95 * k
    assert abs(values.std() - k / math.sqrt(3)) < 0.1 * k
    tg.manual_seed(0)
    again = np.concatenate([p.data.ravel() for p in cls(8, hidden).parameters()])
    np.testing.assert_array_equal(values, again)  # the library RNG, so manual_seed repeats it
    other = np.concatenate([p.data.ravel() for p in cls(8, hidden).parameters()])
    assert not np.array_equal(values, other)


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_wrong_feature_count_names_both_sizes(kind: str) -> None:
    m = LAYERS[kind](5, 4)
    with pytest.raises(ValueError, match=rf"{kind}: input has 7 features, expected input_size=5"):
        m(np.zeros((3, 2, 7), np.float32))
    with pytest.raises(ValueError, match=rf"{kind}: input has 7 features, expected input_size=5"):
        m(np.zeros((3, 7), np.float32))  # unbatched input is checked too
    with pytest.raises(ValueError, match=r"expected a 3-D input .* got shape \(2, 3, 4, 5\)"):
        m(np.zeros((2, 3, 4, 5), np.float32))
    with pytest.raises(ValueError, match=r"got shape \(5,\)"):
        m(np.zeros(5, np.float32))
    with pytest.raises(TypeError, match="floating-point input"):
        m(np.zeros((3, 2, 5), np.int64))
    with pytest.raises(ValueError, match="empty"):
        m(np.zeros((0, 2, 5), np.float32))


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_wrong_initial_state_shape_names_expected_and_given(kind: str) -> None:
    m = LAYERS[kind](3, 4, num_layers=2)
    x = np.zeros((5, 3, 3), np.float32)
    bad = np.zeros((1, 3, 4), np.float32)
    good = np.zeros((2, 3, 4), np.float32)
    hx = (bad, good) if kind == "LSTM" else bad
    msg = r"h0 has shape \(1, 3, 4\), expected \(2, 3, 4\) = \(num_layers \* num_directions"
    with pytest.raises(ValueError, match=msg):
        m(x, hx)
    if kind == "LSTM":
        with pytest.raises(ValueError, match=r"c0 has shape \(1, 3, 4\), expected \(2, 3, 4\)"):
            m(x, (good, bad))
    # an unbatched input takes 2-D states
    hx = (good, good) if kind == "LSTM" else good
    with pytest.raises(ValueError, match=r"expected \(2, 4\) .*unbatched"):
        m(x[:, 0], hx)


def test_lstm_needs_a_tuple_of_two_states() -> None:
    m = LSTM(3, 4)
    x = np.zeros((2, 1, 3), np.float32)
    h0 = np.zeros((1, 1, 4), np.float32)
    with pytest.raises(ValueError, match=r"LSTM: expected the initial state as a tuple \(h0, c0\), "
                                         "got a single Tensor"):
        m(x, Tensor(h0))
    with pytest.raises(ValueError, match="tuple of length 1"):
        m(x, (h0,))
    with pytest.raises(ValueError, match="both h0 and c0"):
        m(x, (h0, None))
    with pytest.raises(ValueError, match=r"GRU: expected h0 as one Tensor, got a tuple"):
        GRU(3, 4)(x, (h0, h0))


@pytest.mark.parametrize("bad", [-0.1, 1.5, True, "0.5"])
@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_dropout_outside_unit_interval_is_rejected(cls: Any, bad: Any) -> None:
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\], got"):
        cls(3, 4, num_layers=2, dropout=bad)


def test_dropout_on_a_single_layer_warns_like_pytorch() -> None:
    with pytest.warns(UserWarning, match="no effect with num_layers=1"):
        LSTM(3, 4, dropout=0.5)


@pytest.mark.parametrize("ctor", [lambda: RNN(3, 4, nonlinearity="sigmoid"),
                                  lambda: RNNCell(3, 4, nonlinearity="sigmoid")])
def test_unknown_nonlinearity_is_rejected(ctor: Any) -> None:
    with pytest.raises(ValueError, match=r"nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        ctor()


@pytest.mark.parametrize("args,match", [((0, 4), "input_size must be a positive int, got 0"),
                                        ((3, 2.5), "hidden_size must be a positive int, got 2.5"),
                                        ((3, 4, 0), "num_layers must be an int >= 1, got 0")])
def test_bad_sizes_are_rejected(args: tuple[Any, ...], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        LSTM(*args)


@pytest.mark.parametrize("kind", sorted(CELL_OF))
def test_cell_errors_name_expected_and_given(kind: str) -> None:
    cell = CELL_OF[kind](5, 4)
    msg = rf"{kind}Cell: input has 7 features, expected input_size=5"
    with pytest.raises(ValueError, match=msg):
        cell(np.zeros((2, 7), np.float32))
    with pytest.raises(ValueError, match=r"got shape \(1, 2, 5\)"):
        cell(np.zeros((1, 2, 5), np.float32))
    h = np.zeros((3, 4), np.float32)
    hx = (h, h) if kind == "LSTM" else h
    msg = r"has shape \(3, 4\), expected \(2, 4\) = \(batch, hidden_size\)"
    with pytest.raises(ValueError, match=msg):
        cell(np.zeros((2, 5), np.float32), hx)
    if kind == "LSTM":
        msg = r"expected the state as a tuple \(h, c\), got a single"
        with pytest.raises(ValueError, match=msg):
            cell(np.zeros((2, 5), np.float32), Tensor(h[:2]))


# -- properties -----------------------------------------------------------------------------

CONFIGS = st.fixed_dictionaries({
    "kind": st.sampled_from(sorted(LAYERS)), "steps": st.integers(1, 12),
    "batch": st.integers(1, 3), "n_in": st.integers(1, 4), "hidden": st.integers(1, 4),
    "bias": st.booleans(), "seed": st.integers(0, 2**16)})


def _run_cell(cell: Any, kind: str, xs: np.ndarray, state: Any) -> tuple[list[Tensor], Any]:
    outs = []
    for x in xs:
        state = cell(x, state)
        outs.append(_h_n(kind, state))
    return outs, state


@settings(max_examples=30)
@given(CONFIGS, st.booleans())
def test_a_layer_is_its_cell_looped_over_time(cfg: dict[str, Any], give_state: bool) -> None:
    kind = cfg["kind"]
    tg.manual_seed(cfg["seed"])
    layer = LAYERS[kind](cfg["n_in"], cfg["hidden"], bias=cfg["bias"]).double()
    cell = CELL_OF[kind](cfg["n_in"], cfg["hidden"], bias=cfg["bias"]).double()
    _copy_params(cell, layer, "_l0")
    xs = _rand(cfg["steps"], cfg["batch"], cfg["n_in"], seed=cfg["seed"])
    h0 = _rand(1, cfg["batch"], cfg["hidden"], seed=cfg["seed"] + 1) if give_state else None
    c0 = _rand(1, cfg["batch"], cfg["hidden"], seed=cfg["seed"] + 2) if give_state else None
    hx = (h0, c0) if kind == "LSTM" and give_state else h0
    out, state = layer(xs, hx)
    cell_state = None
    if give_state:
        cell_state = (h0[0], c0[0]) if kind == "LSTM" else h0[0]
    outs, last = _run_cell(cell, kind, xs, cell_state)
    np.testing.assert_allclose(out.data, np.stack([o.data for o in outs]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_h_n(kind, state).data[0], _h_n(kind, last).data, atol=1e-12)
    if kind == "LSTM":
        np.testing.assert_allclose(state[1].data[0], last[1].data, atol=1e-12)


@settings(max_examples=30)
@given(CONFIGS)
def test_reverse_direction_is_a_forward_pass_over_the_reversed_sequence(
        cfg: dict[str, Any]) -> None:
    kind, hidden = cfg["kind"], cfg["hidden"]
    tg.manual_seed(cfg["seed"])
    bi = LAYERS[kind](cfg["n_in"], hidden, bias=cfg["bias"], bidirectional=True).double()
    fwd = LAYERS[kind](cfg["n_in"], hidden, bias=cfg["bias"]).double()
    bwd = LAYERS[kind](cfg["n_in"], hidden, bias=cfg["bias"]).double()
    _copy_params(fwd, bi, "")
    with tg.no_grad():
        for name, p in bwd.named_parameters():
            p.copy_(getattr(bi, name + "_reverse"))
    x = _rand(cfg["steps"], cfg["batch"], cfg["n_in"], seed=cfg["seed"])
    out, state = bi(x)
    out_f, state_f = fwd(x)
    out_b, state_b = bwd(x[::-1].copy())
    np.testing.assert_allclose(out.data[..., :hidden], out_f.data, atol=1e-12)
    np.testing.assert_allclose(out.data[..., hidden:], out_b.data[::-1], atol=1e-12)
    h_n = _h_n(kind, state).data
    np.testing.assert_allclose(h_n[0], _h_n(kind, state_f).data[0], atol=1e-12)
    np.testing.assert_allclose(h_n[1], _h_n(kind, state_b).data[0], atol=1e-12)
    # h_n is the last output of each direction: time T-1 forwards, time 0 backwards
    np.testing.assert_allclose(h_n[0], out.data[-1, :, :hidden], atol=1e-12)
    np.testing.assert_allclose(h_n[1], out.data[0, :, hidden:], atol=1e-12)


@settings(max_examples=20)
@given(CONFIGS, st.booleans())
def test_two_layers_are_two_one_layer_modules_chained(cfg: dict[str, Any],
                                                      bidirectional: bool) -> None:
    kind, hidden = cfg["kind"], cfg["hidden"]
    dirs = 2 if bidirectional else 1
    tg.manual_seed(cfg["seed"])
    kw = {"bias": cfg["bias"], "bidirectional": bidirectional}
    deep = LAYERS[kind](cfg["n_in"], hidden, 2, **kw).double()
    first = LAYERS[kind](cfg["n_in"], hidden, **kw).double()
    second = LAYERS[kind](dirs * hidden, hidden, **kw).double()
    with tg.no_grad():
        for name, p in first.named_parameters():
            p.copy_(getattr(deep, name))
        for name, p in second.named_parameters():
            p.copy_(getattr(deep, name.replace("_l0", "_l1")))
    x = _rand(cfg["steps"], cfg["batch"], cfg["n_in"], seed=cfg["seed"])
    h0 = _rand(2 * dirs, cfg["batch"], hidden, seed=cfg["seed"] + 1)
    hx = (h0, -h0) if kind == "LSTM" else h0
    out, state = deep(x, hx)
    hx1 = (h0[:dirs], -h0[:dirs]) if kind == "LSTM" else h0[:dirs]
    hx2 = (h0[dirs:], -h0[dirs:]) if kind == "LSTM" else h0[dirs:]
    mid, s1 = first(x, hx1)
    out2, s2 = second(mid, hx2)
    np.testing.assert_allclose(out.data, out2.data, atol=1e-12)
    both = np.concatenate([_h_n(kind, s1).data, _h_n(kind, s2).data])
    np.testing.assert_allclose(_h_n(kind, state).data, both, atol=1e-12)


@settings(max_examples=20)
@given(CONFIGS, st.booleans())
def test_batch_first_and_unbatched_are_reshapes(cfg: dict[str, Any], bidirectional: bool) -> None:
    kind = cfg["kind"]
    tg.manual_seed(cfg["seed"])
    tf = LAYERS[kind](cfg["n_in"], cfg["hidden"], 2, bias=cfg["bias"],
                      bidirectional=bidirectional).double()
    bf = LAYERS[kind](cfg["n_in"], cfg["hidden"], 2, bias=cfg["bias"], batch_first=True,
                      bidirectional=bidirectional).double()
    bf.load_state_dict(tf.state_dict())
    x = _rand(cfg["steps"], cfg["batch"], cfg["n_in"], seed=cfg["seed"])
    out, state = tf(x)
    out_bf, state_bf = bf(x.swapaxes(0, 1))
    np.testing.assert_allclose(out_bf.data, out.data.swapaxes(0, 1), atol=1e-12)
    np.testing.assert_allclose(_h_n(kind, state_bf).data, _h_n(kind, state).data, atol=1e-12)
    out_1, state_1 = tf(x[:, 0])  # one unbatched sequence = a batch of one
    np.testing.assert_allclose(out_1.data, out.data[:, 0], atol=1e-12)
    np.testing.assert_allclose(_h_n(kind, state_1).data, _h_n(kind, state).data[:, 0], atol=1e-12)


@pytest.mark.parametrize("kind", sorted(CELL_OF))
def test_unbatched_cell_is_a_batch_of_one(kind: str) -> None:
    cell = CELL_OF[kind](3, 4).double()
    x, h = _rand(3), _rand(4, seed=1)
    hx = (h, -h) if kind == "LSTM" else h
    one = cell(x, hx)
    hxb = (h[None], -h[None]) if kind == "LSTM" else h[None]
    batch = cell(x[None], hxb)
    for a, b in zip(one if kind == "LSTM" else [one], batch if kind == "LSTM" else [batch]):
        assert a.shape == (4,)
        np.testing.assert_allclose(a.data, b.data[0], atol=1e-12)


# -- graph and training behaviour -------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_graph_has_one_input_projection_and_one_matmul_per_step(kind: str) -> None:
    steps, num_layers = 6, 2
    m = LAYERS[kind](3, 4, num_layers, bidirectional=True)
    out, _ = m(_rand(steps, 2, 3).astype(np.float32))
    names = [type(n).__name__ for n in iter_nodes(out)]
    runs = num_layers * 2  # layers x directions
    assert names.count("MatMul") == runs * (1 + steps)
    if kind != "RNN":
        assert names.count("Sigmoid") == runs * steps  # the gates are in the graph
    assert names.count("Tanh") == runs * steps * {"RNN": 1, "LSTM": 2, "GRU": 1}[kind]


def test_backprop_through_a_long_sequence() -> None:
    # BPTT over 1500 steps: the engine's walk is iterative, so no RecursionError
    m = LSTM(2, 3)
    x = Tensor(_rand(1500, 1, 2).astype(np.float32), requires_grad=True)
    out, (h, c) = m(x)
    (out.sum() + c.sum()).backward()
    assert x.grad is not None and np.isfinite(x.grad.data).all()
    assert all(p.grad is not None and np.isfinite(p.grad.data).all() for p in m.parameters())
    assert np.abs(x.grad.data[0]).sum() > 0  # the first step's input still gets a gradient


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
    ref = m(x)[0].data
    np.testing.assert_array_equal(m(x)[0].data, ref)  # eval: deterministic, no dropout
    m.train()
    tg.manual_seed(5)
    a = m(x)[0].data
    tg.manual_seed(5)
    b = m(x)[0].data
    c = m(x)[0].data
    np.testing.assert_array_equal(a, b)  # masks come from the library RNG
    assert not np.allclose(a, ref) and not np.allclose(a, c)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_dropout_one_cuts_every_layer_but_the_last_from_the_input(kind: str) -> None:
    m = LAYERS[kind](3, 4, num_layers=2, dropout=1.0).double()
    out_a, st_a = m(_rand(5, 2, 3, seed=1))
    out_b, st_b = m(_rand(5, 2, 3, seed=2))
    # layer 2 sees zeros whatever the input, and its own output is not dropped
    np.testing.assert_allclose(out_a.data, out_b.data, atol=1e-12)
    assert np.abs(out_a.data).max() > 0
    h_a, h_b = _h_n(kind, st_a).data, _h_n(kind, st_b).data
    assert not np.allclose(h_a[0], h_b[0])  # layer 1's state still depends on the input
    m.eval()
    assert not np.allclose(m(_rand(5, 2, 3, seed=1))[0].data, m(_rand(5, 2, 3, seed=2))[0].data)


def test_no_grad_records_nothing_and_double_casts() -> None:
    m = GRU(3, 4).double()
    with tg.no_grad():
        out, h = m(_rand(3, 2, 3))
    assert not out.requires_grad and not h.requires_grad and out.dtype == np.float64


def test_gradients_accumulate_over_calls() -> None:
    m = LSTM(2, 3).double()
    x = _rand(4, 1, 2)
    m(x)[0].sum().backward()
    once = [p.grad.data.copy() for p in m.parameters()]
    m(x)[0].sum().backward()
    for g1, p in zip(once, m.parameters()):
        np.testing.assert_allclose(p.grad.data, 2 * g1, rtol=1e-12)


# -- the guide's code -------------------------------------------------------------------------


def _guide_blocks() -> dict[str, list[str]]:
    """The ```python blocks of docs/nn-recurrent.md, under their '#' heading."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "nn-recurrent.md").read_text()
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
    np.testing.assert_array_equal(out.data, m(x)[0].data)  # the modules' forward is this
    with pytest.raises(ValueError, match=r"expected 4 weights \(no bias\) or 8 .* got 7"):
        recurrent("LSTM", x, None, ws[:7], num_layers=2)
    with pytest.raises(ValueError, match="mode must be one of"):
        recurrent("lstm", x, None, ws, num_layers=2)
