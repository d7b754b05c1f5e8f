"""What differs between the recurrent modes (RNN tanh / relu, LSTM, GRU): the step, the
state, where b_hh goes; and the initial states checked against the input. Shared by the
padded (``recurrent.py``) and the packed (``recurrent_packed.py``) runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ..functional import concatenate, stack
from ..functional import dropout as _dropout
from ..tensor import Tensor
from .cells import GATES, check_state, gru_step, rnn_step

# one layer in one direction: (x, h0, c0, [w_ih, w_hh, b_ih, b_hh], reverse) -> (out, h, c)
Direction = Callable[[Any, "Tensor | None", "Tensor | None", Sequence[Tensor], bool],
                     "tuple[Any, Tensor, Tensor | None]"]

# One step of the Elman and GRU modes, one signature: (xg_t, h, w_hh.T, b_hh) -> h. b_hh is
# passed only to GRU, which keeps b_hn inside r * (...) (the others see b_ih + b_hh only as
# a sum, added once up front). LSTM layers run their own loop (``_run_lstm``).
Step = Callable[[Tensor, Tensor, Tensor, "Tensor | None"], Tensor]


def _tanh_step(xt: Tensor, h: Tensor, w_hh_t: Tensor, b_hh: Tensor | None) -> Tensor:
    return rnn_step(xt, h, w_hh_t, relu=False)


def _relu_step(xt: Tensor, h: Tensor, w_hh_t: Tensor, b_hh: Tensor | None) -> Tensor:
    return rnn_step(xt, h, w_hh_t, relu=True)


def _gru_step(xt: Tensor, h: Tensor, w_hh_t: Tensor, b_hh: Tensor | None) -> Tensor:
    return gru_step(xt, h, w_hh_t, b_hh)


class Mode(NamedTuple):
    name: str       # the module's name, for error messages
    step: Step | None  # None: LSTM, whose layer runs one LSTMStep node per step
    has_cell: bool  # the state is a pair (h, c) (LSTM)
    bias_in_step: bool  # b_hh is applied inside the step (GRU)
    gates: int  # G: gate blocks stacked in the weights (G*H rows)


MODES = {
    "RNN_TANH": Mode("RNN", _tanh_step, False, False, GATES["RNN_TANH"]),
    "RNN_RELU": Mode("RNN", _relu_step, False, False, GATES["RNN_RELU"]),
    "LSTM": Mode("LSTM", None, True, False, GATES["LSTM"]),
    "GRU": Mode("GRU", _gru_step, False, True, GATES["GRU"]),
}


def initial_states(spec: Mode, hx: Any, shape: tuple[int, int, int],
                    unbatched: bool, h_size: int | None = None) -> list[Tensor | None]:
    """[h0, c0] as (L*D, N, H) Tensors (None for zeros), checked against ``shape``; h0's
    last axis is ``h_size`` when given (an LSTM with ``proj_size``)."""
    name = spec.name
    if spec.has_cell:
        if hx is None:
            return [None, None]
        if isinstance(hx, Tensor) or not isinstance(hx, (tuple, list)) or len(hx) != 2:
            got = ("a single Tensor" if isinstance(hx, Tensor)
                   else f"{type(hx).__name__} of length {len(hx)}"
                   if isinstance(hx, (tuple, list)) else type(hx).__name__)
            raise ValueError(f"LSTM: expected the initial state as a tuple (h0, c0), got {got}")
        pairs = [("h0", hx[0]), ("c0", hx[1])]
    else:
        if isinstance(hx, (tuple, list)):
            raise ValueError(f"{name}: expected h0 as one Tensor, got a {type(hx).__name__} "
                             "(only LSTM takes a tuple (h0, c0))")
        pairs = [("h0", hx), ("c0", None)]
    out: list[Tensor | None] = []
    for what, s in pairs:
        if s is None:
            out.append(None)
            continue
        size, size_name = ((h_size, "proj_size") if what == "h0" and h_size is not None
                           else (shape[2], "hidden_size"))
        full = shape[:2] + (size,)
        expected: tuple[int, ...] = (shape[0], size) if unbatched else full
        meaning = (f"(num_layers * num_directions, {size_name}) for an unbatched input"
                   if unbatched else f"(num_layers * num_directions, batch, {size_name})")
        t = check_state(name, what, s, expected, meaning)
        out.append(t.reshape(full) if unbatched else t)
    if spec.has_cell and (out[0] is None) != (out[1] is None):
        raise ValueError("LSTM: pass both h0 and c0 in the tuple (h0, c0), or hx=None")
    return out


def run_layers(x: Any, states: list[Tensor | None], weights: Sequence[Tensor],
               num_layers: int, dirs: int, dropout: float, training: bool,
               direction: Direction) -> tuple[Any, Tensor, Tensor | None]:
    """The stack: each layer runs ``direction`` forward (and reversed when ``dirs`` is 2)
    on the previous layer's output (joined along the last axis), with dropout between
    layers in training; returns the last output and h_n, c_n (None without a cell)."""
    per = len(weights) // (num_layers * dirs)
    hs: list[Tensor] = []
    cs: list[Tensor] = []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            h0, c0 = (None if s is None else s[k] for s in states)
            out, h, c = direction(x, h0, c0, weights[k * per:(k + 1) * per], d == 1)
            outs.append(out)
            hs.append(h)
            if c is not None:
                cs.append(c)
        x = outs[0] if dirs == 1 else concatenate(outs, axis=-1)
        if training and dropout > 0 and layer < num_layers - 1:
            x = _dropout(x, dropout, training=True)
    return x, stack(hs), stack(cs) if cs else None


__all__ = ["MODES", "Direction", "Mode", "Step", "initial_states", "run_layers"]
