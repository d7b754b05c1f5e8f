"""nn.RNN / LSTM / GRU and the cells: properties that tie the pieces together (a layer is
its cell looped over time, a reverse direction is a forward one on the reversed sequence,
two layers are two one-layer modules chained, batch_first and unbatched are reshapes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tests.nn.recurrent_helpers import CELL_OF, LAYERS, _h_n, _rand
from tinygrad_nn import Tensor, tensor
from tinygrad_nn.ops.recurrent import LSTMGates


def _np(t: Tensor) -> np.ndarray:
    """The values of an output that requires grad (``.numpy()`` refuses it, as PyTorch's)."""
    return t.detach().numpy()


def _copy_params(dst: Any, src: Any, suffix: str) -> None:
    """Load src's parameters named ``<kind><suffix>`` into dst's ``<kind>`` (cell naming)."""
    with tg.no_grad():
        for name, p in dst.named_parameters():
            p.copy_(getattr(src, name + suffix))


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
    np.testing.assert_allclose(_np(out), np.stack([_np(o) for o in outs]), rtol=1e-12,
        atol=1e-12)
    np.testing.assert_allclose(_np(_h_n(kind, state))[0], _np(_h_n(kind, last)), atol=1e-12)
    if kind == "LSTM":
        np.testing.assert_allclose(_np(state[1])[0], _np(last[1]), atol=1e-12)


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
    np.testing.assert_allclose(_np(out)[..., :hidden], _np(out_f), atol=1e-12)
    np.testing.assert_allclose(_np(out)[..., hidden:], _np(out_b)[::-1], atol=1e-12)
    h_n = _np(_h_n(kind, state))
    np.testing.assert_allclose(h_n[0], _np(_h_n(kind, state_f))[0], atol=1e-12)
    np.testing.assert_allclose(h_n[1], _np(_h_n(kind, state_b))[0], atol=1e-12)
    # h_n is the last output of each direction: time T-1 forwards, time 0 backwards
    np.testing.assert_allclose(h_n[0], _np(out)[-1, :, :hidden], atol=1e-12)
    np.testing.assert_allclose(h_n[1], _np(out)[0, :, hidden:], atol=1e-12)


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
    np.testing.assert_allclose(_np(out), _np(out2), atol=1e-12)
    both = np.concatenate([_np(_h_n(kind, s1)), _np(_h_n(kind, s2))])
    np.testing.assert_allclose(_np(_h_n(kind, state)), both, atol=1e-12)


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
    np.testing.assert_allclose(_np(out_bf), _np(out).swapaxes(0, 1), atol=1e-12)
    np.testing.assert_allclose(_np(_h_n(kind, state_bf)), _np(_h_n(kind, state)), atol=1e-12)
    out_1, state_1 = tf(x[:, 0])  # one unbatched sequence = a batch of one
    np.testing.assert_allclose(_np(out_1), _np(out)[:, 0], atol=1e-12)
    np.testing.assert_allclose(_np(_h_n(kind, state_1)), _np(_h_n(kind, state))[:, 0],
        atol=1e-12)


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
        np.testing.assert_allclose(_np(a), _np(b)[0], atol=1e-12)


# -- the fused LSTM pointwise op ---------------------------------------------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


@given(hidden=st.integers(1, 5), lead=st.sampled_from([(), (1,), (3,), (2, 3)]),
       scale=st.sampled_from([1.0, 10.0, 1e4]), seed=st.integers(0, 2**16),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_lstm_gates_matches_the_cell_equations(hidden: int, lead: tuple[int, ...], scale: float,
                                               seed: int, dtype: Any) -> None:
    rng = np.random.default_rng(seed)
    gates = (rng.standard_normal(lead + (4 * hidden,)) * scale).astype(dtype)
    c = rng.standard_normal(lead + (hidden,)).astype(dtype)
    z = gates.astype(np.float64)
    i, f, g, o = (z[..., k * hidden:(k + 1) * hidden] for k in range(4))
    with np.errstate(over="ignore"):  # exp overflow at 1e4 is the reference's, not ours
        c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h_new = _sigmoid(o) * np.tanh(c_new)
    out = LSTMGates.apply(tensor(gates), tensor(c))
    assert out.shape == (2,) + lead + (hidden,) and out.dtype == dtype
    assert np.isfinite(out.numpy()).all()  # saturated gates (logits of 1e4) stay finite
    tol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(out.numpy()[0], h_new, rtol=tol, atol=tol)
    np.testing.assert_allclose(out.numpy()[1], c_new, rtol=tol, atol=tol)


def test_lstm_gates_refuses_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match=r"gates \(\.\.\., 4H\).*got \(2, 7\) and \(2, 2\)"):
        LSTMGates.apply(tensor(np.zeros((2, 7))), tensor(np.zeros((2, 2))))
    with pytest.raises(ValueError, match=r"same leading shape, got \(3, 8\) and \(2, 2\)"):
        LSTMGates.apply(tensor(np.zeros((3, 8))), tensor(np.zeros((2, 2))))
    with pytest.raises(TypeError, match="expected floating-point gates, got dtype int64"):
        LSTMGates.apply(tensor(np.zeros((2, 8), dtype=np.int64)), tensor(np.zeros((2, 2))))
