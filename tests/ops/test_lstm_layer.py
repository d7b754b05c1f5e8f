"""The fused LSTM layer (``ops/lstm_layer.py``): the same values and gradients as the
per-step graph, PyTorch's values and node structure for a float32 ``nn.LSTM``, and the
``backends.mkldnn`` switch that picks between the two. (Its first and second derivatives
against two-sided differences are the registry row "nn.LSTM[the fused LSTMLayer op]".)"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn import nn
from tinygrad_nn.engine import iter_nodes
from tinygrad_nn.nn.recurrent import recurrent
from tinygrad_nn.ops.lstm_layer import LSTMLayer, _column_blocks


def _layer_names(t: Any) -> list[str]:
    return [n.name() for n in iter_nodes(t) if hasattr(n, "name") and callable(n.name)]


@settings(max_examples=40, deadline=None)
@given(steps=st.integers(1, 6), batch=st.integers(1, 3), features=st.integers(1, 4),
       hidden=st.integers(1, 4), bias=st.booleans(), state=st.booleans(),
       reverse=st.booleans(), seed=st.integers(0, 2**16))
def test_one_node_equals_the_per_step_graph(steps: int, batch: int, features: int,
                                            hidden: int, bias: bool, state: bool,
                                            reverse: bool, seed: int) -> None:
    # float64, so the per-step graph is what recurrent() records; the node called directly
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((steps, batch, features)),
              rng.standard_normal((4 * hidden, features)),
              rng.standard_normal((4 * hidden, hidden))]
    arrays += [rng.standard_normal(4 * hidden) for _ in range(2 * bias)]
    arrays += [rng.standard_normal((batch, hidden)) for _ in range(2 * state)]
    v = rng.standard_normal((steps + 3, batch, hidden))  # weights of output, h_n and c_n

    def grads(fused: bool) -> list[np.ndarray]:
        ts = [tg.tensor(a, requires_grad=True) for a in arrays]
        x, w_ih, w_hh = ts[:3]
        b = ts[3:5] if bias else [None, None]
        hc = ts[-2:] if state else [None, None]
        if fused:
            y = LSTMLayer.apply(x, w_ih, w_hh, *b, *hc, reverse=reverse)
            out, h_n, c_n = y[:steps], y[0 if reverse else steps - 1], y[steps]
        else:  # one layer in the reverse direction = the second direction of a bidirectional
            ws = [w_ih, w_hh, *(b if bias else [])]
            if reverse:  # a forward direction with zero weights, then ours
                zeros = [tg.tensor(np.zeros(w.shape)) for w in ws]
                ws = zeros + ws
                hc = [None if s is None else tg.stack([s * 0, s]) for s in hc]
            else:
                hc = [None if s is None else s.reshape(1, batch, hidden) for s in hc]
            out, (h_n, c_n) = recurrent("LSTM", x, None if hc[0] is None else tuple(hc), ws,
                                        bidirectional=reverse)
            if reverse:
                out, h_n, c_n = out[..., hidden:], h_n[1], c_n[1]
            h_n, c_n = h_n.reshape(batch, hidden), c_n.reshape(batch, hidden)
        assert [n for n in _layer_names(out) if n.startswith("Mkldnn")] == (
            ["MkldnnRnnLayerBackward0"] if fused else [])
        loss = (out * tg.tensor(v[:steps])).sum() + (h_n * tg.tensor(v[steps])).sum() \
            + (c_n * tg.tensor(v[steps + 1])).sum()
        gs = tg.autograd.grad(loss, ts)
        return [out.detach().numpy(), h_n.detach().numpy(), c_n.detach().numpy(),
                *(g.numpy() for g in gs)]

    for a, b in zip(grads(True), grads(False)):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12)


def test_float32_lstm_is_one_node_per_layer_and_direction() -> None:
    tg.manual_seed(0)
    m = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    out, (h, c) = m(tg.randn(5, 2, 3))
    names = _layer_names(out)
    assert names.count("MkldnnRnnLayerBackward0") == 4
    assert not any(n.startswith(("LSTMStep", "LSTMGates", "Addmm")) for n in names)
    with tg.backends.mkldnn.flags(enabled=False):  # PyTorch: the steps' own ops
        assert tg.backends.mkldnn.enabled is False
        stepwise = _layer_names(m(tg.randn(5, 2, 3))[0])
    assert tg.backends.mkldnn.enabled is True  # restored after the block
    assert "MkldnnRnnLayerBackward0" not in stepwise and "LSTMStepBackward0" in stepwise
    double = _layer_names(m.double()(tg.randn(5, 2, 3, dtype=tg.float64))[0])
    assert "MkldnnRnnLayerBackward0" not in double  # float64: per step, as in PyTorch


def test_the_switch_is_restored_when_the_block_raises() -> None:
    with pytest.raises(KeyError), tg.backends.mkldnn.flags(enabled=False):
        raise KeyError("inside")
    assert tg.backends.mkldnn.enabled is True
    assert tg.backends.mkldnn.is_available() is False  # no oneDNN: Tensor.to_mkldnn is not offered


def test_bad_shapes_name_every_input() -> None:
    x, w_ih, w_hh = np.zeros((2, 1, 3)), np.zeros((8, 3)), np.zeros((8, 2))
    with pytest.raises(ValueError, match=r"expected x \(T, N, I\).*got \(2, 1, 3\), \(8, 3\), "
                                         r"\(8, 3\), None, None, None, None"):
        LSTMLayer.apply(tg.tensor(x), tg.tensor(w_ih), tg.tensor(w_ih), None, None, None, None)
    with pytest.raises(ValueError, match="b_ih and b_hh"):
        LSTMLayer.apply(tg.tensor(x), tg.tensor(w_ih), tg.tensor(w_hh), tg.tensor(np.zeros(8)),
                        None, None, None)


def test_a_weight_changed_in_place_after_the_forward_is_caught() -> None:
    m = nn.LSTM(2, 3)
    out, _ = m(tg.randn(4, 1, 2))
    with tg.no_grad():
        m.weight_hh_l0.mul_(2)
    with pytest.raises(RuntimeError, match="LSTMLayer: .* modified by an in-place operation"):
        out.sum().backward()


def test_saturating_inputs_stay_finite() -> None:
    # logits of +-1e4 into every gate: sigmoid and tanh saturate, no overflow or NaN
    m = nn.LSTM(2, 3)
    x = tg.tensor(np.array([[[1e4, -1e4]], [[-1e4, 1e4]], [[1e4, 1e4]]], np.float32),
                  requires_grad=True)
    out, (h, c) = m(x)
    (out.sum() + c.sum()).backward()
    assert np.isfinite(out.detach().numpy()).all() and np.isfinite(x.grad.numpy()).all()
    assert all(np.isfinite(p.grad.numpy()).all() for p in m.parameters())


torch_cases = given(layers=st.integers(1, 2), bidirectional=st.booleans(),
                    batch_first=st.booleans(), bias=st.booleans(), state=st.booleans(),
                    unbatched=st.booleans(), steps=st.sampled_from([1, 2, 7]),
                    batch=st.integers(1, 3), sizes=st.tuples(st.integers(1, 5), st.integers(1, 5)),
                    seed=st.integers(0, 2**16))


@pytest.mark.torch
@settings(max_examples=40, deadline=None)
@torch_cases
def test_float32_lstm_matches_torch(layers: int, bidirectional: bool, batch_first: bool,
                                    bias: bool, state: bool, unbatched: bool, steps: int,
                                    batch: int, sizes: tuple[int, int], seed: int) -> None:
    _compare_with_torch(layers, bidirectional, batch_first, bias, state, unbatched, steps,
                        batch, sizes, seed)


@pytest.mark.torch
@pytest.mark.parametrize("batch, hidden, blocks", [(16, 128, 2), (40, 128, 3), (8, 32, 1)])
def test_float32_lstm_matches_torch_with_the_step_product_in_column_blocks(
        batch: int, hidden: int, blocks: int) -> None:
    """Sizes where the forward's per-step (N, H) @ (H, 4H) product runs as column blocks
    small enough for OpenBLAS's unpacked kernels (the last block narrower at N 40)."""
    assert len(_column_blocks(np.zeros((4 * hidden, hidden), np.float32), batch)) == blocks
    _compare_with_torch(1, True, False, True, True, False, 3, batch, (5, hidden), 0)


def _compare_with_torch(layers: int, bidirectional: bool, batch_first: bool, bias: bool,
                        state: bool, unbatched: bool, steps: int, batch: int,
                        sizes: tuple[int, int], seed: int) -> None:
    """Outputs, h_n, c_n and every gradient of a float32 nn.LSTM as torch.nn.LSTM's."""
    torch = pytest.importorskip("torch")
    cfg = dict(input_size=sizes[0], hidden_size=sizes[1], num_layers=layers, bias=bias,
               batch_first=batch_first, bidirectional=bidirectional)
    torch.manual_seed(seed)
    theirs, ours = torch.nn.LSTM(**cfg), nn.LSTM(**cfg)
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(seed)
    shape = ((steps, sizes[0]) if unbatched else
             (batch, steps, sizes[0]) if batch_first else (steps, batch, sizes[0]))
    arrays = [rng.standard_normal(shape).astype(np.float32)]
    if state:
        s = (layers * (2 if bidirectional else 1),) + (() if unbatched else (batch,)) + (sizes[1],)
        arrays += [rng.standard_normal(s).astype(np.float32) for _ in range(2)]
    ts = [tg.tensor(a, requires_grad=True) for a in arrays]
    tts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, (h, c) = ours(ts[0], tuple(ts[1:]) if state else None)
    tout, (th, tc) = theirs(tts[0], tuple(tts[1:]) if state else None)
    assert "MkldnnRnnLayerBackward0" in _layer_names(out)
    assert tout.grad_fn is not None
    loss = tloss = 0
    for o, t in ((out, tout), (h, th), (c, tc)):
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-5)
        w = rng.standard_normal(o.shape).astype(np.float32)
        loss = loss + (o * tg.tensor(w)).sum()
        tloss = tloss + (t * torch.from_numpy(w)).sum()
    loss.backward()
    tloss.backward()
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-4, atol=1e-4,
                                   err_msg=name)
    for a, b in zip(ts, tts):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-4)
