"""Gradient-registry rows for the recurrent layers and cells (nn.RNN, LSTM, GRU and cells).

Each row draws a configuration (layers, directions, batch_first, initial state or not,
bias or not, unbatched input) and float64 arrays for the input, the initial states and
EVERY parameter; the function under check takes one Tensor per array and runs the same
code as the module (``recurrent`` / the cell functions) with those Tensors as weights,
so the registry checks d(output, h_n, c_n) / d(input, h0, c0, each weight), first and
second order. Sizes are tiny (input 2-3, hidden 2-3, T 2-3, N 1-2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from tests.ops.registry_base import OpCase
from tinygrad_nn.nn.cells import gru_cell, lstm_cell, rnn_cell
from tinygrad_nn.nn.recurrent import GRU, LSTM, RNN, recurrent
from tinygrad_nn.ops.lstm_layer import LSTMLayer
from tinygrad_nn.ops.recurrent import LSTMGates, LSTMStep
from tinygrad_nn.testing import strategies as tst

Draw = Callable[[Any], Any]


def _arr(draw: Draw, shape: tuple[int, ...], lo: float = -1.0, hi: float = 1.0) -> np.ndarray:
    return draw(tst.arrays(shape=shape, elements=(lo, hi)))


def _relu_preacts(x: np.ndarray, h0: np.ndarray | None, ws: list[np.ndarray], layers: int,
                  dirs: int) -> np.ndarray:
    """Every pre-activation of a relu Elman net on x (T, N, I), by a plain NumPy loop."""
    per = len(ws) // (layers * dirs)
    steps, batch = x.shape[:2]
    pre, inp = [], x
    for layer in range(layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            w = ws[k * per:(k + 1) * per]
            bias = w[2] + w[3] if per == 4 else 0.0
            h = np.zeros((batch, w[1].shape[1])) if h0 is None else h0[k]
            out = [np.empty(0)] * steps
            for t in reversed(range(steps)) if d else range(steps):
                a = inp[t] @ w[0].T + h @ w[1].T + bias
                pre.append(a.ravel())
                h = out[t] = np.maximum(a, 0)
            outs.append(np.stack(out))
        inp = np.concatenate(outs, axis=-1)
    return np.concatenate(pre)


def _layer_case(cls: Any, multi: bool, **fixed: Any) -> Callable[[Draw], Any]:
    """draw -> (fn, arrays) for a layer of class ``cls``; ``multi``: 2 layers, else 1."""

    def draw_case(draw: Draw) -> Any:
        cfg = {
            "input_size": 2 if multi else draw(st.integers(2, 3)),
            "hidden_size": 2 if multi else draw(st.integers(2, 3)),
            "num_layers": 2 if multi else 1,
            "bias": draw(st.booleans()),
            "batch_first": draw(st.booleans()),
            "bidirectional": draw(st.booleans()),
            **fixed,
        }
        m = cls(**cfg)
        dirs = 2 if m.bidirectional else 1
        steps, batch = draw(st.integers(2, 3)), draw(st.integers(1, 2))
        unbatched = draw(st.booleans())
        if multi:  # keep ~250 parameters affordable: shortest sequence, one sample
            steps, batch = 2, 1
        shape = (steps, batch, m.input_size)
        if m.batch_first:
            shape = (batch, steps, m.input_size)
        if unbatched:
            shape = (steps, m.input_size)
        x = _arr(draw, shape, -2.0, 2.0)
        n_states = (2 if m.mode == "LSTM" else 1) if draw(st.booleans()) else 0
        lead = (m.num_layers * dirs,) + (() if unbatched else (batch,))
        sizes = [m.proj_size or m.hidden_size, m.hidden_size]  # h0 (proj_size with it), c0
        states = [_arr(draw, lead + (sizes[k],)) for k in range(n_states)]
        ws = [_arr(draw, p.shape) for p in m.parameters()]
        dropout = draw(st.sampled_from([0.0, 0.5])) if multi else 0.0
        if m.mode == "RNN_RELU":
            xt = x[:, None] if unbatched else x.swapaxes(0, 1) if m.batch_first else x
            h0 = None
            if states:
                h0 = states[0] if not unbatched else states[0][:, None]
            # a finite difference across relu's kink compares two one-sided derivatives
            # (dropout is off for relu rows, so the NumPy loop sees the same values)
            dropout = 0.0
            assume(np.abs(_relu_preacts(xt, h0, ws, m.num_layers, dirs)).min() > 1e-3)

        def fn(x: Any, *rest: Any) -> Any:
            st_, w = rest[:n_states], rest[n_states:]
            hx = None
            if n_states:
                hx = tuple(st_) if m.mode == "LSTM" else st_[0]
            if dropout:
                import tinygrad_nn as tg

                tg.manual_seed(7)  # the same dropout mask at every evaluation
            out, hn = recurrent(m.mode, x, hx, w, m.num_layers, m.bidirectional,
                                m.batch_first, dropout, training=dropout > 0)
            return (out, *hn) if m.mode == "LSTM" else (out, hn)

        return fn, [x, *states, *ws]

    return draw_case


def _cell_case(fn_of: Callable[..., Any], gates: int, mode: str) -> Callable[[Draw], Any]:
    """draw -> (fn, arrays) for one cell step, batched (N, I) or unbatched (I,)."""

    def draw_case(draw: Draw) -> Any:
        n_in, hidden = draw(st.integers(2, 3)), draw(st.integers(2, 3))
        batch = draw(st.sampled_from([None, 1, 2]))
        lead = () if batch is None else (batch,)
        x = _arr(draw, lead + (n_in,), -2.0, 2.0)
        n_states = (2 if mode == "LSTM" else 1) if draw(st.booleans()) else 0
        states = [_arr(draw, lead + (hidden,)) for _ in range(n_states)]
        shapes = [(gates * hidden, n_in), (gates * hidden, hidden)]
        if draw(st.booleans()):
            shapes += [(gates * hidden,), (gates * hidden,)]
        ws = [_arr(draw, s) for s in shapes]
        if mode == "relu":
            h = states[0] if states else np.zeros(lead + (hidden,))
            pre = x @ ws[0].T + h @ ws[1].T + (ws[2] + ws[3] if len(ws) == 4 else 0.0)
            assume(np.abs(pre).min() > 1e-3)  # away from relu's kink

        def fn(x: Any, *rest: Any) -> Any:
            s, w = list(rest[:n_states]), rest[n_states:]
            return fn_of(x, s, *w)

        return fn, [x, *states, *ws]

    return draw_case


def _rnn_cell(nonlinearity: str) -> Callable[..., Any]:
    def f(x: Any, s: list[Any], *w: Any) -> Any:
        return rnn_cell(x, s[0] if s else None, *w, nonlinearity=nonlinearity)
    return f


def _lstm_cell(x: Any, s: list[Any], *w: Any) -> Any:
    return lstm_cell(x, tuple(s) if s else None, *w)


def _gru_cell(x: Any, s: list[Any], *w: Any) -> Any:
    return gru_cell(x, s[0] if s else None, *w)


def _lstm_gates(draw: Draw) -> Any:
    """The fused pointwise part of an LSTM step on its own: gates (..., 4H), c (..., H)."""
    hidden = draw(st.integers(1, 3))
    lead = draw(st.sampled_from([(), (1,), (2,), (2, 2)]))
    gates = _arr(draw, lead + (4 * hidden,), -4.0, 4.0)  # into the saturating ranges too
    c = _arr(draw, lead + (hidden,), -2.0, 2.0)
    return LSTMGates.apply, [gates, c]


def _lstm_step(draw: Draw) -> Any:
    """One fused LSTM time step on its own: xg (T, N, 4H), hc (2, N, H), w_hh (4H, H), a step t."""
    hidden, batch, steps = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    t = draw(st.integers(0, steps - 1))
    xg = _arr(draw, (steps, batch, 4 * hidden), -3.0, 3.0)
    hc = _arr(draw, (2, batch, hidden), -2.0, 2.0)
    w = _arr(draw, (4 * hidden, hidden))
    return (lambda xg, hc, w: LSTMStep.apply(xg, hc, w, t=t)), [xg, hc, w]


def _lstm_layer(draw: Draw) -> Any:
    """A whole LSTM layer as one node, either direction, with or without biases and an
    initial state: x (T, N, I), w_ih (4H, I), w_hh (4H, H) [, b_ih, b_hh] [, h0, c0]."""
    hidden, batch = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    steps, features = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    bias, state, reverse = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    arrays = [_arr(draw, (steps, batch, features), -2.0, 2.0),
              _arr(draw, (4 * hidden, features)), _arr(draw, (4 * hidden, hidden))]
    arrays += [_arr(draw, (4 * hidden,)) for _ in range(2 * bias)]
    arrays += [_arr(draw, (batch, hidden), -2.0, 2.0) for _ in range(2 * state)]

    def fn(x: Any, w_ih: Any, w_hh: Any, *rest: Any) -> Any:
        b = rest[:2] if bias else (None, None)
        hc = rest[-2:] if state else (None, None)
        return LSTMLayer.apply(x, w_ih, w_hh, *b, *hc, reverse=reverse)

    return fn, arrays


_SLOW = {"max_examples": 5}  # ~250 inputs, each perturbed element by element

CASES: list[OpCase] = [
    OpCase("nn.RNNCell", _cell_case(_rnn_cell("tanh"), 1, "tanh")),
    OpCase("nn.RNNCell[relu]", _cell_case(_rnn_cell("relu"), 1, "relu")),
    OpCase("nn.LSTMCell", _cell_case(_lstm_cell, 4, "LSTM")),
    OpCase("nn.LSTM[the fused LSTMGates op]", _lstm_gates),
    OpCase("nn.LSTM[the fused LSTMStep op]", _lstm_step),
    OpCase("nn.LSTM[the fused LSTMLayer op]", _lstm_layer),
    OpCase("nn.GRUCell", _cell_case(_gru_cell, 3, "GRU")),
    OpCase("nn.RNN", _layer_case(RNN, False)),
    OpCase("nn.RNN[relu]", _layer_case(RNN, False, nonlinearity="relu")),
    OpCase("nn.LSTM", _layer_case(LSTM, False)),
    OpCase("nn.GRU", _layer_case(GRU, False)),
    OpCase("nn.LSTM[proj_size]", _layer_case(LSTM, False, proj_size=1)),
    OpCase("nn.RNN[2 layers]", _layer_case(RNN, True), **_SLOW),
    OpCase("nn.RNN[2 layers, relu]", _layer_case(RNN, True, nonlinearity="relu"), **_SLOW),
    OpCase("nn.LSTM[2 layers]", _layer_case(LSTM, True), **_SLOW),
    OpCase("nn.GRU[2 layers]", _layer_case(GRU, True), **_SLOW),
]
