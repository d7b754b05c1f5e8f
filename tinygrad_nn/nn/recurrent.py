"""Multi-layer recurrent layers RNN, LSTM and GRU (PyTorch's names, shapes and semantics).

The cells' math lives in ``cells.py``; this file runs it over time, layers and directions.
Per layer and direction the input projection of ALL time steps is one matrix product
(x: (T*N, I) @ W_ih.T), so each step adds only h @ W_hh.T and the gates. Everything is
built from the engine's primitives: the engine does back-propagation through time.

``recurrent(mode, x, hx, weights, ...)`` is the whole computation as a function of Tensors
(like PyTorch's ``_VF.lstm``); the modules hold the parameters and call it.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np

from .._warn import user_stacklevel
from ..backends import mkldnn
from ..functional import stack
from ..ops.lstm_layer import LSTMLayer
from ..ops.recurrent import LSTMStep
from ..tensor import Tensor
from ._recurrent_checks import LSTMChecks, RNNChecks
from ._recurrent_modes import MODES, Mode, initial_states, run_layers
from .cells import (
    GATES,
    NONLINEARITIES,
    GRUCell,
    LSTMCell,
    RNNCell,
    RNNCellBase,
    as_input,
    check_config,
    lstm_step,
    plus_product,
    uniform_init,
)
from .module import Module
from .parameter import new_param
from .recurrent_packed import recurrent_packed
from .utils.rnn import PackedSequence


def recurrent(mode: str, x: Any, hx: Any, weights: Sequence[Tensor], num_layers: int = 1,
              bidirectional: bool = False, batch_first: bool = False, dropout: float = 0.0,
              training: bool = False) -> tuple[Any, Any]:
    """Run a stacked recurrent net; x: (T, N, I) -> output (T, N, D*H), h_n (L*D, N, H).

    ``mode`` is 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'; ``weights`` lists, for each layer
    and direction (forward, then reverse), w_ih (G*H, I_layer), w_hh (G*H, H) and, with
    bias, b_ih and b_hh (G*H,), and for an LSTM with projections (``proj_size``) w_hr
    (P, H) last, h then being (N, P) and w_hh (4H, P): the order of the modules'
    parameters. ``hx`` is h0 or
    None (zeros); for 'LSTM' a tuple (h0, c0) or None. With ``batch_first`` x and output
    are (N, T, ...); a 2-D x (T, I) is one unbatched sequence (h0 then (L*D, H)). A
    ``PackedSequence`` x (``nn.utils.rnn``) gives a PackedSequence output, each sequence
    run over its own length.
    Returns ``(output, h_n)``, or ``(output, (h_n, c_n))`` for 'LSTM'. Dropout of
    probability ``dropout`` is applied to the outputs of every layer but the last when
    ``training``.
    """
    if mode not in MODES:
        raise ValueError(f"recurrent: mode must be one of {sorted(MODES)}, got {mode!r}")
    spec = MODES[mode]
    name = spec.name
    dirs = 2 if bidirectional else 1
    runs = num_layers * dirs
    counts = (2 * runs, 4 * runs) + ((3 * runs, 5 * runs) if spec.has_cell else ())
    if len(weights) not in counts:
        raise ValueError(f"{name}: expected {2 * runs} weights (no bias) or {4 * runs} for "
                         f"{num_layers} layer(s) x {dirs} direction(s)"
                         + (" (one more each with proj_size)" if spec.has_cell else "")
                         + f", got {len(weights)}")
    if isinstance(x, PackedSequence):  # each sequence over its own length
        return recurrent_packed(spec, x, hx, weights, num_layers, dirs, dropout, training)
    input_size, h_size = weights[0].shape[1], weights[1].shape[1]
    hidden_size = weights[1].shape[0] // spec.gates  # (h_size: proj_size with projections)
    x = as_input(name, x)
    layout = "(batch, seq_len, input_size)" if batch_first else "(seq_len, batch, input_size)"
    if x.ndim not in (2, 3):
        raise ValueError(f"{name}: expected a 3-D input {layout} or a 2-D unbatched input "
                         f"(seq_len, input_size), got shape {tuple(x.shape)}")
    if x.shape[-1] != input_size:
        hint = ""
        if x.ndim == 2:  # PyTorch's rule; a batch missing its feature axis lands here
            hint = (f" (a 2-D input {tuple(x.shape)} is read as one unbatched sequence (seq_len, "
                    f"input_size); a batch needs a 3-D input {layout})")
        raise RuntimeError(f"{name}: input has {x.shape[-1]} features, expected "
                         f"input_size={input_size}{hint}")
    unbatched = x.ndim == 2
    if unbatched:
        x = x.reshape(x.shape[0], 1, input_size)
    elif batch_first:
        x = x.swapaxes(0, 1)
    if x.shape[0] == 0:
        raise ValueError(f"{name}: the input sequence is empty (seq_len 0)")
    states = initial_states(spec, hx, (num_layers * dirs, x.shape[1], hidden_size),
                             unbatched, h_size)

    x, h_n, c_n = run_layers(x, states, weights, num_layers, dirs, dropout, training,
                             partial(_run_direction, spec))
    if unbatched:
        x = x.reshape(x.shape[0], x.shape[2])
        h_n = h_n.reshape(h_n.shape[0], h_size)
        c_n = None if c_n is None else c_n.reshape(c_n.shape[0], hidden_size)
    elif batch_first:
        x = x.swapaxes(0, 1)
    return (x, (h_n, c_n)) if spec.has_cell else (x, h_n)


def _run_direction(spec: Mode, x: Tensor, h: Tensor | None, c: Tensor | None,
                   w: Sequence[Tensor], reverse: bool) -> tuple[Tensor, Tensor, Tensor | None]:
    """One layer in one direction: x (T, N, I) -> outputs (T, N, H), last h, last c."""
    w_ih, w_hh = w[0], w[1]
    b_ih, b_hh = (w[2], w[3]) if len(w) >= 4 else (None, None)
    w_hr = w[-1] if len(w) in (3, 5) else None  # an LSTM's projection (proj_size)
    if spec.step is None and w_hr is None and _fused(x, w, h, c):  # PyTorch's oneDNN layer
        y = LSTMLayer.apply(x, w_ih, w_hh, b_ih, b_hh, h, c, reverse=reverse)
        steps = x.shape[0]
        return y[:steps], y[0 if reverse else steps - 1], y[steps]
    steps, batch, features = x.shape
    # ONE matmul projects every time step; LSTM and Elman steps see b_ih + b_hh only as a
    # sum, so it is added here once (GRU keeps b_hn inside r * (...), so b_hh stays per step)
    rows = x.reshape(steps * batch, features)
    if b_ih is None:
        xg = rows @ w_ih.t()
    else:
        xg = plus_product(b_ih if spec.bias_in_step else b_ih + b_hh, rows, w_ih.t())
    xg = xg.reshape(steps, batch, w_ih.shape[0])
    if spec.step is None:
        if w_hr is not None:
            return _run_projected_lstm(xg, h, c, w_hh, w_hr, reverse)
        return _run_lstm(xg, h, c, w_hh, reverse)
    w_hh_t = w_hh.t()
    if h is None:  # zeros, used rather than skipped: W_hh gets a gradient even for T = 1
        h = Tensor._new(np.zeros((batch, w_hh.shape[1]), dtype=xg.dtype))
    outs: list[Any] = [None] * steps
    for t, xt in _time_steps(xg, reverse):
        h = spec.step(xt, h, w_hh_t, b_hh)
        outs[t] = h
    return stack(outs), h, None


def _fused(x: Tensor, w: Sequence[Tensor], h: Tensor | None, c: Tensor | None) -> bool:
    """Whether an LSTM layer runs as one ``LSTMLayer`` node: as PyTorch picks its oneDNN
    kernel, for float32 throughout while ``backends.mkldnn.enabled`` (the default)."""
    return mkldnn.enabled and all(t is None or t.dtype == np.float32 for t in (x, h, c, *w))


def _run_lstm(xg: Tensor, h: Tensor | None, c: Tensor | None, w_hh: Tensor,
              reverse: bool) -> tuple[Tensor, Tensor, Tensor]:
    """An LSTM layer in one direction: xg (T, N, 4H) -> outputs (T, N, H), last h, last c.

    For speed, two nodes per step instead of five: ``LSTMStep`` reads xg[t] itself, does
    the product and the gates, and passes the state on as (h, c) stacked (2, N, H); a slice
    takes h out for the output (which also keeps the steps apart for the drawing).
    """
    steps, batch, _ = xg.shape
    if h is None or c is None:  # zeros, used rather than skipped: W_hh gets a gradient at T = 1
        hc = Tensor._new(np.zeros((2, batch, w_hh.shape[1]), dtype=xg.dtype))
    else:
        hc = stack([h, c])
    outs: list[Any] = [None] * steps
    for t in reversed(range(steps)) if reverse else range(steps):
        hc = LSTMStep.apply(xg, hc, w_hh, t=t)
        outs[t] = hc[0]
    return stack(outs), outs[0 if reverse else -1], hc[1]


def _run_projected_lstm(xg: Tensor, h: Tensor | None, c: Tensor | None, w_hh: Tensor,
                        w_hr: Tensor, reverse: bool) -> tuple[Tensor, Tensor, Tensor]:
    """An LSTM layer with projections (``proj_size`` P), as PyTorch's: h_t = (o * tanh(c_t))
    @ w_hr.T, (N, P), is what the next step and the output see; c_t stays (N, H). Each
    step is a cell step (``AddMM`` + ``LSTMGates``) and the projection (a ``MatMul``)."""
    steps, batch, _ = xg.shape
    if h is None or c is None:  # zeros, used rather than skipped, as in _run_lstm
        h, c = xg.new_zeros((batch, w_hr.shape[0])), xg.new_zeros((batch, w_hr.shape[1]))
    w_hh_t, w_hr_t = w_hh.t(), w_hr.t()
    outs: list[Any] = [None] * steps
    for t, xt in _time_steps(xg, reverse):
        h_full, c = lstm_step(xt, h, c, w_hh_t)
        h = outs[t] = h_full @ w_hr_t
    return stack(outs), h, c


def _time_steps(xg: Tensor, reverse: bool) -> Iterator[tuple[int, Tensor]]:
    """(t, xg[t]) in processing order (the engine adds slice gradients into one buffer)."""
    steps = range(xg.shape[0])
    for t in reversed(steps) if reverse else steps:
        yield t, xg[t]


class RNNBase(RNNChecks, Module):
    """PyTorch's base of RNN, LSTM and GRU: the constructor, the parameters and their
    bookkeeping (``_flat_weights_names``, ``all_weights``); no ``forward`` (as in PyTorch).

    ``RNNBase(mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    dropout=0.0, bidirectional=False, proj_size=0)``, ``mode`` one of 'LSTM', 'GRU',
    'RNN_TANH', 'RNN_RELU' (G = 4, 3, 1, 1 gate blocks). Per layer l and direction
    (suffix ``_reverse``): weight_ih_l{l} (G*H, I_l), weight_hh_l{l} (G*H, P or H), with
    ``bias`` bias_ih_l{l} and bias_hh_l{l} (G*H,), with ``proj_size`` P weight_hr_l{l} (P, H).
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"Unrecognized RNN mode: {mode} (expected one of "
                             f"{', '.join(sorted(MODES))})")
        self.mode: str = mode
        name = MODES[mode].name
        check_config(name, input_size, hidden_size, None)
        if isinstance(proj_size, bool) or not isinstance(proj_size, (int, np.integer)):
            raise TypeError(f"{name}: proj_size must be an int, got {proj_size!r}")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if isinstance(num_layers, bool) or not isinstance(num_layers, (int, np.integer)):
            raise TypeError(f"{name}: num_layers should be of type int, got: "
                            f"{type(num_layers).__name__} ({num_layers!r})")
        if num_layers < 1:
            raise ValueError(f"{name}: num_layers must be an int >= 1, got {num_layers!r}")
        for what, flag in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(flag, bool):  # PyTorch's check (a 0/1 int is refused too)
                raise TypeError(f"{what} should be of type bool, got: {type(flag).__name__}")
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) \
                or not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout must be a number in [0, 1], got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{name}: dropout={dropout} acts between layers, so it has no effect "
                          "with num_layers=1", UserWarning, stacklevel=user_stacklevel())
        self.input_size: int = int(input_size)
        self.hidden_size: int = int(hidden_size)
        self.num_layers: int = int(num_layers)
        self.bias: bool = bool(bias)
        self.batch_first: bool = bool(batch_first)
        self.dropout: float = float(dropout)
        self.bidirectional: bool = bool(bidirectional)
        self.proj_size: int = int(proj_size)
        dirs = 2 if bidirectional else 1
        gh = GATES[self.mode] * self.hidden_size
        h_size = self.proj_size or self.hidden_size  # what h (and so the output) holds
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []  # the names per layer and direction
        for layer in range(self.num_layers):
            for d in range(dirs):
                suffix = f"_l{layer}" + ("_reverse" if d else "")
                n_in = self.input_size if layer == 0 else h_size * dirs
                shapes: dict[str, tuple[int, ...]] = {"weight_ih": (gh, n_in),
                                                      "weight_hh": (gh, h_size)}
                if bias:
                    shapes.update(bias_ih=(gh,), bias_hh=(gh,))
                if self.proj_size:
                    shapes.update(weight_hr=(self.proj_size, self.hidden_size))
                names = [kind + suffix for kind in shapes]
                for n, shape in zip(names, shapes.values()):
                    setattr(self, n, new_param(shape, dtype, device))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        uniform_init(self)

    @property
    def all_weights(self) -> list[list[Tensor]]:
        """The parameters grouped per layer and direction, as PyTorch's ``all_weights``."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    @property
    def _flat_weights(self) -> list[Tensor | None]:
        """The weights in ``_flat_weights_names`` order, read now (PyTorch keeps this list in
        step with attribute assignment; reading it here cannot go stale)."""
        return [getattr(self, n, None) for n in self._flat_weights_names]

    def flatten_parameters(self) -> None:
        """Nothing to do (PyTorch compacts cuDNN weights here, a no-op on the CPU too)."""

    def _run(self, input: Any, hx: Any) -> tuple[Any, Any]:
        """The subclasses' forward: ``recurrent`` over this module's weights."""
        return recurrent(self.mode, input, hx, self._flat_weights,  # type: ignore[arg-type]
                         self.num_layers,
                         self.bidirectional, self.batch_first, self.dropout, self.training)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"  # PyTorch's repr (no nonlinearity)
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


def _no_projections(proj_size: int | None) -> None:
    """RNN and GRU refuse ``proj_size``, even 0 (PyTorch's check: the keyword given at all,
    the same ValueError)."""
    if proj_size is not None:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")


class RNN(RNNBase):
    """Elman RNN h_t = act(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh), act tanh or relu.

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)``; ``rnn(x, h0=None)`` maps
    x: (T, N, input_size) to ``(output (T, N, D*hidden_size), h_n (num_layers*D, N,
    hidden_size))`` (D = 2 if bidirectional); batch_first puts N first in x and output.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None, proj_size: int | None = None) -> None:
        check_config("RNN", input_size, hidden_size, nonlinearity)
        _no_projections(proj_size)
        super().__init__(NONLINEARITIES[nonlinearity], input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, 0, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        """input: (T, N, I) (or (N, T, I) with batch_first, or (T, I)) -> (output, h_n)."""
        return self._run(input, hx)


class LSTM(LSTMChecks, RNNBase):
    """LSTM: [i f g o]_t = x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh, c_t = f*c_{t-1} + i*g,
    h_t = o*tanh(c_t) (sigmoid gates, tanh for g).

    ``LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    dropout=0.0, bidirectional=False, proj_size=0)``; ``lstm(x, (h0, c0))`` or ``lstm(x)``
    maps x: (T, N, input_size) to ``(output (T, N, D*H), (h_n, c_n))``, h_n and c_n
    (num_layers*D, N, H). With ``proj_size`` P > 0, h_t = (o * tanh(c_t)) @ weight_hr.T:
    the output and h_n hold P features, c_n still H (PyTorch's LSTM with projections).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        """input: (T, N, I) (or (N, T, I) with batch_first, or (T, I)), hx (h0, c0) or None
        -> (output, (h_n, c_n))."""
        return self._run(input, hx)


class GRU(RNNBase):
    """GRU: r, z = sigmoid(W_i x + b_i + W_h h + b_h), n = tanh(W_in x + b_in + r*(W_hn h + b_hn)),
    h_t = (1 - z)*n + z*h_{t-1}.

    ``GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    dropout=0.0, bidirectional=False)``; ``gru(x, h0=None)`` maps x: (T, N, input_size)
    to ``(output (T, N, D*H), h_n (num_layers*D, N, H))``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int | None = None, device: Any = None, dtype: Any = None) -> None:
        _no_projections(proj_size)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        """input: (T, N, I) (or (N, T, I) with batch_first, or (T, I)) -> (output, h_n)."""
        return self._run(input, hx)


__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase",
           "recurrent"]
