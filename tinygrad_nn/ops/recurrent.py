"""The LSTM cell's pointwise part as one primitive (PyTorch fuses it the same way).

An LSTM step is ``gates = x_t @ W_ih.T + b + h @ W_hh.T`` (one ``AddMM``) followed by
about ten elementwise ops on the four gates. As separate nodes those ten cost more
Python bookkeeping than NumPy work at the usual sizes, so ``LSTMGates`` does them in one
node: from ``gates`` (..., 4H) in PyTorch's order (i, f, g, o) and the cell state
``c`` (..., H) it returns h' and c' stacked, (2, ..., H) (``out[0]``, ``out[1]`` are
contiguous, so the next step's product reads h' without a copy)::

    i, f, o = sigmoid(gates_i, gates_f, gates_o)    g = tanh(gates_g)
    c' = f * c + i * g                               h' = o * tanh(c')

The drawing shows these equations on the node (``draw_note``), so the gates stay visible.
Its backward is written once for both paths: NumPy arrays normally, Tensors under
``create_graph`` (the saved activations are then recomputed from ``gates``, through
``save_for_backward(recompute=...)``, so the second derivative sees them as functions
of the input, not constants).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..function import Function, dual
from .elementwise import Tanh
from .movement import Concatenate

_tanh = dual(np.tanh, Tanh)


@functools.cache
def _scale_shift(hidden: int, dtype: np.dtype[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Per-column s and b with act = s * tanh(s * z) + b: sigmoid(z) = 0.5 tanh(z / 2) + 0.5
    on the i, f, o blocks, tanh(z) itself (s = 1, b = 0) on the g block."""
    s = np.full(4 * hidden, 0.5, dtype=dtype)
    s[2 * hidden:3 * hidden] = 1
    b = np.where(s == 1, 0, 0.5).astype(dtype)
    s.flags.writeable = b.flags.writeable = False
    return s, b


def _cat_last(parts: list[Any]) -> Any:
    """Concatenate along the last axis: arrays with NumPy, Tensors as a recorded op."""
    if type(parts[0]) is np.ndarray:
        return np.concatenate(parts, axis=-1)
    return Concatenate.apply(*parts, axis=parts[0].ndim - 1)


def _blocks(act: Any, hidden: int) -> tuple[Any, ...]:
    """The four (..., H) blocks i, f, g, o of a (..., 4H) array (views, or recorded slices)."""
    return tuple(act[..., k * hidden:(k + 1) * hidden] for k in range(4))


def _activations(gates: Any, s: np.ndarray, b: np.ndarray) -> Any:
    """[sigmoid(i) sigmoid(f) tanh(g) sigmoid(o)] of the pre-activations (..., 4H), all four
    blocks by one tanh (the sigmoid as 0.5 tanh(z / 2) + 0.5: exact limits, no overflow)."""
    return _tanh(gates * s) * s + b


_RECOMPUTE = {
    3: lambda gates, c, out: _activations(gates, *_scale_shift(c.shape[-1], gates.dtype)),
    4: lambda gates, c, out, act: _tanh(out[1]),
}


class LSTMGates(Function):
    """(h', c') = (o * tanh(c'), f * c + i * g), stacked (2, ..., H), from gates (..., 4H)
    and c (..., H)."""

    draw_note = "i, f, o = σ(·)   g = tanh(·)\nc' = f·c + i·g   h' = o·tanh(c')"

    @staticmethod
    def forward(ctx: Any, gates: Any, c: Any) -> Any:
        hidden = c.shape[-1]
        if gates.dtype.kind != "f":
            raise TypeError(f"lstm_gates: expected floating-point gates, got dtype {gates.dtype}")
        if gates.shape[-1] != 4 * hidden or gates.shape[:-1] != c.shape[:-1]:
            raise ValueError(f"lstm_gates: expected gates (..., 4H) and c (..., H) with the same "
                             f"leading shape, got {gates.shape} and {c.shape}")
        act = _activations(gates, *_scale_shift(hidden, gates.dtype))
        i, f, g, o = _blocks(act, hidden)
        out = np.empty((2,) + c.shape, dtype=np.result_type(act, c))
        h_new, c_new = out[0], out[1]
        np.multiply(f, c, out=c_new)
        c_new += i * g
        tc = np.tanh(c_new)
        np.multiply(o, tc, out=h_new)
        # act and tc are functions of the inputs: recomputed (differentiable) under create_graph
        ctx.save_for_backward(gates, c, out, act, tc, recompute=_RECOMPUTE)
        return out

    @staticmethod
    def backward(ctx: Any, g_out: Any) -> Any:
        gates, c, out, act, tc = ctx.saved_tensors
        hidden = c.shape[-1]
        s, b = _scale_shift(hidden, gates.dtype)
        i, f, g, o = _blocks(act, hidden)
        gh, gc = g_out[0], g_out[1]
        dc = gc + gh * o * (1 - tc * tc)
        # d act / d z = s^2 (1 - tanh^2) = (s - t)(s + t), t = act - b: sigmoid' = (1 - a) a
        # and tanh' = (1 - a)(1 + a), each factor exact (no cancellation near saturation)
        t = act - b
        d_act = _cat_last([dc * g, dc * c, dc * i, gh * tc])
        return d_act * ((s - t) * (s + t)), (dc * f if ctx.needs_input_grad[1] else None)


lstm_gates = LSTMGates.apply
