"""Recurrent cells: one time step of an Elman RNN, an LSTM and a GRU.

The math is written once, as functions of Tensors (``rnn_cell``, ``lstm_cell``,
``gru_cell`` and the ``*_step`` helpers the multi-layer modules in ``recurrent.py`` share);
the modules ``RNNCell``, ``LSTMCell`` and ``GRUCell`` hold PyTorch's parameters and call
them. Everything is built from the engine's primitives, so the engine does
back-propagation through time: the Elman and GRU gates are separate elementwise ops; the
LSTM's pointwise gate math is one primitive, ``LSTMGates`` (ops/recurrent.py), drawn with
its equations, because ~10 tiny nodes per step cost more than their NumPy work.

Gate order is PyTorch's: LSTM (i, f, g, o), GRU (r, z, n). Every step does ONE product
with the stacked hidden-to-hidden weights (an ``addmm`` that also adds the input part).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..grad_mode import no_grad
from ..ops.recurrent import LSTMGates
from ..tensor import Tensor
from .module import Module
from .parameter import new_param

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}  # G per mode
NONLINEARITIES = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}


# -- the math, one step (xg: the input projection x @ w_ih.T + biases, precomputed) -----
def rnn_step(xg: Tensor, h: Tensor, w_hh_t: Tensor, relu: bool) -> Tensor:
    """h' = act(xg + h @ w_hh.T); xg: (N, H), h: (N, H) -> (N, H)."""
    a = plus_product(xg, h, w_hh_t)
    return a.relu() if relu else a.tanh()


def lstm_step(xg: Tensor, h: Tensor, c: Tensor, w_hh_t: Tensor) -> tuple[Tensor, Tensor]:
    """c' = f*c + i*g, h' = o*tanh(c'), [i f g o] = xg + h @ w_hh.T; xg: (N, 4H) -> (N, H) x2.

    Two nodes: the product (``addmm``) and the gates' pointwise math (``LSTMGates``, one
    primitive, drawn with its equations), whose output (h', c') is then split.
    """
    hc = LSTMGates.apply(plus_product(xg, h, w_hh_t), c)
    return hc[0], hc[1]


def gru_step(xg: Tensor, h: Tensor, w_hh_t: Tensor, b_hh: Tensor | None) -> Tensor:
    """h' = n + z*(h - n), n = tanh(xg_n + r*(h @ W_hn.T + b_hn)); xg: (N, 3H) -> (N, H).

    [r z] = sigmoid(xg_rz + h @ W_hrz.T + b_hrz); ``xg`` holds x @ w_ih.T + b_ih.
    """
    hidden = w_hh_t.shape[0]
    hg = h @ w_hh_t if b_hh is None else plus_product(b_hh, h, w_hh_t)
    rz = (xg[..., :2 * hidden] + hg[..., :2 * hidden]).sigmoid()
    r, z = rz[..., :hidden], rz[..., hidden:]
    n = (xg[..., 2 * hidden:] + r * hg[..., 2 * hidden:]).tanh()
    return n + z * (h - n)  # = (1 - z) * n + z * h with one op fewer


def zero_state(xg: Tensor, hidden: int) -> Tensor:
    """The default initial state: zeros (..., hidden) for xg (..., G*H) (a constant).

    Used, not skipped, so that W_hh gets a (zero) gradient on a one-step sequence, as in
    PyTorch.
    """
    return Tensor._new(np.zeros(xg.shape[:-1] + (hidden,), dtype=xg.dtype))


def _project(x: Tensor, w_ih: Tensor, bias: Tensor | None) -> Tensor:
    """x @ w_ih.T + bias; x: (N, I) -> (N, G*H)."""
    return x @ w_ih.t() if bias is None else plus_product(bias, x, w_ih.t())


def plus_product(c: Tensor, h: Tensor, w_t: Tensor) -> Tensor:
    """c + h @ w_t as one op (``addmm``) for a batch of rows h (N, K); a single row (K,),
    an unbatched cell's input, takes the two-op form."""
    return c.addmm(h, w_t) if h.ndim == 2 else c + h @ w_t


# -- the math as public functions of Tensors (x (N, I) or (I,), h like the output) --------
def rnn_cell(x: Tensor, h: Tensor | None, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None, nonlinearity: str = "tanh") -> Tensor:
    """h' = act(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh); x: (N, I), h: (N, H) -> (N, H).

    ``h`` None means zeros; act is tanh or relu.
    """
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"rnn_cell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    xg = _project(x, w_ih, _sum_bias(b_ih, b_hh))
    h = zero_state(xg, w_hh.shape[1]) if h is None else h
    return rnn_step(xg, h, w_hh.t(), nonlinearity == "relu")


def lstm_cell(x: Tensor, hc: tuple[Tensor, Tensor] | None, w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """(h', c') of one LSTM step (gates i, f, g, o); x: (N, I), h and c: (N, H) -> (N, H) x2.

    ``hc`` None means zeros for both.
    """
    xg = _project(x, w_ih, _sum_bias(b_ih, b_hh))
    if hc is None:
        h = zero_state(xg, w_hh.shape[1])
        hc = (h, h)
    return lstm_step(xg, hc[0], hc[1], w_hh.t())


def gru_cell(x: Tensor, h: Tensor | None, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """h' of one GRU step (gates r, z, n; PyTorch's n); x: (N, I), h: (N, H) -> (N, H).

    ``h`` None means zeros.
    """
    xg = _project(x, w_ih, b_ih)
    h = zero_state(xg, w_hh.shape[1]) if h is None else h
    return gru_step(xg, h, w_hh.t(), b_hh)


def _sum_bias(b_ih: Tensor | None, b_hh: Tensor | None) -> Tensor | None:
    """b_ih + b_hh: the two biases of an LSTM / Elman step enter as a sum, added once."""
    if b_ih is None:
        return b_hh
    return b_ih if b_hh is None else b_ih + b_hh


# -- checks shared with recurrent.py --------------------------------------------------------
def check_config(name: str, input_size: Any, hidden_size: Any, nonlinearity: str | None) -> None:
    """Raise on sizes that are not positive ints (a TypeError for a size that is not an int,
    as PyTorch's, a ValueError for one <= 0) or an unknown nonlinearity."""
    for what, v in (("input_size", input_size), ("hidden_size", hidden_size)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name}: {what} should be of type int, got: {type(v).__name__} "
                            f"({v!r})")
        if v <= 0:
            raise ValueError(f"{name}: {what} must be a positive int, got {v!r}")
    if nonlinearity is not None and nonlinearity not in NONLINEARITIES:
        raise ValueError(f"{name}: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")


def as_input(name: str, x: Any) -> Tensor:
    """A floating Tensor from ``x`` (an array or Tensor); integer data is a clear error."""
    t = x if isinstance(x, Tensor) else Tensor._new(x)
    if t.dtype.kind != "f":
        raise TypeError(f"{name}: expected a floating-point input, got dtype {t.dtype}")
    return t


def check_state(name: str, what: str, h: Any, expected: tuple[int, ...], meaning: str) -> Tensor:
    """``h`` as a Tensor of shape ``expected``, or a ValueError naming both shapes."""
    h = as_input(name, h)
    if h.shape != expected:
        raise ValueError(f"{name}: {what} has shape {tuple(h.shape)}, expected {expected} = "
                         f"{meaning}")
    return h


def uniform_init(module: Module) -> None:
    """Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) (PyTorch's default)."""
    k = 1.0 / math.sqrt(module.hidden_size)
    with no_grad():
        for p in module.parameters():
            p.uniform_(-k, k)


# -- modules ------------------------------------------------------------------------------
class RNNCellBase(Module):
    """PyTorch's base of RNNCell, LSTMCell and GRUCell: parameters weight_ih (G*H, I),
    weight_hh (G*H, H) and, with ``bias``, bias_ih and bias_hh (G*H,), G = ``num_chunks``
    gate blocks; no ``forward`` (as in PyTorch).

    ``RNNCellBase(input_size, hidden_size, bias, num_chunks, device=None, dtype=None)``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_config(type(self).__name__, input_size, hidden_size, None)
        self.input_size: int = int(input_size)
        self.hidden_size: int = int(hidden_size)
        self.bias: bool = bool(bias)
        gh = num_chunks * self.hidden_size
        self.weight_ih = new_param((gh, self.input_size), dtype, device)
        self.weight_hh = new_param((gh, self.hidden_size), dtype, device)
        if bias:
            self.bias_ih = new_param((gh,), dtype, device)
            self.bias_hh = new_param((gh,), dtype, device)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        uniform_init(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _inputs(self, x: Any, states: list[Any]) -> tuple[Tensor, list[Tensor | None], bool]:
        """Checked (x as (N, I), states as (N, H) or None, whether x was unbatched)."""
        name = type(self).__name__
        x = as_input(name, x)
        if x.ndim not in (1, 2):
            raise ValueError(f"{name}: expected input of shape (batch, {self.input_size}) or "
                             f"({self.input_size},) (unbatched), got shape {tuple(x.shape)}")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input has {x.shape[-1]} features, expected "
                             f"input_size={self.input_size}")
        unbatched = x.ndim == 1
        expected: tuple[int, ...]
        if unbatched:
            expected, meaning = (self.hidden_size,), "(hidden_size,) for an unbatched input"
        else:
            expected, meaning = (x.shape[0], self.hidden_size), "(batch, hidden_size)"
        out: list[Tensor | None] = [
            None if s is None else check_state(name, what, s, expected, meaning)
            for what, s in states
        ]
        if unbatched:
            x = x.reshape(1, -1)
            out = [None if s is None else s.reshape(1, -1) for s in out]
        return x, out, unbatched


class RNNCell(RNNCellBase):
    """Elman cell h' = act(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh), act tanh or relu.

    ``RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')``; call
    ``cell(x, hx=None)`` with x: (N, input_size) or (input_size,) and hx shaped like the
    output, (N, hidden_size) or (hidden_size,); hx defaults to zeros.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        check_config("RNNCell", input_size, hidden_size, nonlinearity)
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Any, hx: Any = None) -> Tensor:
        """h' = act(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh); input x: (N, I) -> (N, H)."""
        x, (h,), unbatched = self._inputs(input, [("hx", hx)])
        y = rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh,
                     self.nonlinearity)
        return y.reshape(-1) if unbatched else y


class LSTMCell(RNNCellBase):
    """LSTM cell: [i f g o] = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh (sigmoid, tanh for g),
    c' = f*c + i*g, h' = o*tanh(c').

    ``LSTMCell(input_size, hidden_size, bias=True)``; call ``cell(x, (h, c))`` or
    ``cell(x)`` (zeros) with x: (N, input_size) or (input_size,); returns ``(h', c')``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        """(h', c') of one step; input: (N, I), h and c: (N, H) -> (N, H) x2."""
        if hx is None:
            hx = (None, None)
        elif isinstance(hx, Tensor) or not isinstance(hx, (tuple, list)) or len(hx) != 2:
            got = "a single Tensor" if isinstance(hx, Tensor) else repr(hx)[:60]
            raise ValueError(f"LSTMCell: expected the state as a tuple (h, c), got {got}")
        x, (h, c), unbatched = self._inputs(input, [("h", hx[0]), ("c", hx[1])])
        if (h is None) != (c is None):
            raise ValueError("LSTMCell: pass both h and c in the tuple (h, c), or hx=None")
        hc = None if h is None or c is None else (h, c)
        h, c = lstm_cell(x, hc, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return (h.reshape(-1), c.reshape(-1)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """GRU cell: r, z = sigmoid(W_i x + b_i + W_h h + b_h), n = tanh(W_in x + b_in +
    r*(W_hn h + b_hn)), h' = (1 - z)*n + z*h.

    ``GRUCell(input_size, hidden_size, bias=True)``; call ``cell(x, hx=None)`` with
    x: (N, input_size) or (input_size,); hx defaults to zeros.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Any, hx: Any = None) -> Tensor:
        """h' of one GRU step; input: (N, I), hx: (N, H) -> (N, H)."""
        x, (h,), unbatched = self._inputs(input, [("hx", hx)])
        y = gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return y.reshape(-1) if unbatched else y


__all__ = ["GRUCell", "LSTMCell", "RNNCell", "RNNCellBase", "gru_cell", "lstm_cell",
           "rnn_cell"]
