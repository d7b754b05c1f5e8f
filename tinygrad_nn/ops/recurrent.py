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
``create_graph`` (the activations are then recomputed from ``gates`` so the second
derivative sees them as functions of the input, not constants).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, dual
from .elementwise import Sigmoid, Tanh, _np_sigmoid
from .movement import Concatenate

_sigmoid = dual(_np_sigmoid, Sigmoid)
_tanh = dual(np.tanh, Tanh)


def _cat_last(parts: list[Any]) -> Any:
    """Concatenate along the last axis: arrays with NumPy, Tensors as a recorded op."""
    if type(parts[0]) is np.ndarray:
        return np.concatenate(parts, axis=-1)
    return Concatenate.apply(*parts, axis=parts[0].ndim - 1)


def _activations(gates: Any, hidden: int) -> Any:
    """[sigmoid(i) sigmoid(f) tanh(g) sigmoid(o)] of the pre-activations (..., 4H)."""
    s = _sigmoid(gates)
    g = _tanh(gates[..., 2 * hidden:3 * hidden])
    if type(s) is np.ndarray:
        s[..., 2 * hidden:3 * hidden] = g  # the fresh array takes tanh(g) in place
        return s
    return _cat_last([s[..., :2 * hidden], g, s[..., 3 * hidden:]])


class LSTMGates(Function):
    """(h', c') = (o * tanh(c'), f * c + i * g), stacked (2, ..., H), from gates (..., 4H)
    and c (..., H)."""

    draw_note = "i, f, o = σ(·)   g = tanh(·)\nc' = f·c + i·g   h' = o·tanh(c')"

    @staticmethod
    def forward(ctx: Any, gates: Any, c: Any) -> Any:
        hidden = c.shape[-1]
        if gates.shape[-1] != 4 * hidden or gates.shape[:-1] != c.shape[:-1]:
            raise ValueError(f"lstm_gates: expected gates (..., 4H) and c (..., H) with the same "
                             f"leading shape, got {gates.shape} and {c.shape}")
        act = _activations(gates, hidden)
        i, f, g, o = (act[..., k * hidden:(k + 1) * hidden] for k in range(4))
        out = np.empty((2,) + c.shape, dtype=np.result_type(act, c))
        h_new, c_new = out[0], out[1]
        np.multiply(f, c, out=c_new)
        c_new += i * g
        tc = np.tanh(c_new)
        np.multiply(o, tc, out=h_new)
        ctx.save_for_backward(gates, c, out, act, tc)
        return out

    @staticmethod
    def backward(ctx: Any, g_out: Any) -> Any:
        gates, c, out, act, tc = ctx.saved_tensors
        hidden = c.shape[-1]
        if ctx._create:  # act and tc were saved as constants: recompute them from the inputs
            act, tc = _activations(gates, hidden), _tanh(out[1])
        i, f, g, o = (act[..., k * hidden:(k + 1) * hidden] for k in range(4))
        gh, gc = g_out[0], g_out[1]
        dc = gc + gh * o * (1 - tc * tc)
        d_gates = _cat_last([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g),
                             gh * tc * o * (1 - o)])
        return d_gates, (dc * f if ctx.needs_input_grad[1] else None)


lstm_gates = LSTMGates.apply
