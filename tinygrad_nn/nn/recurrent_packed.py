"""Recurrent layers over a ``PackedSequence``: each sequence runs over its own length.

The packed rows are sorted longest first, so at time step t the sequences still running
are the first ``batch_sizes[t]`` of the batch: a step updates those rows of the state and
leaves the others (sequences already finished, or, in the reverse direction, not yet
started) as they are. So h_n holds each sequence's state after its own last element, and
the reverse direction starts at each sequence's own end, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

from ..functional import concatenate
from ..tensor import Tensor
from ._recurrent_modes import Mode, initial_states, run_layers
from .cells import lstm_step, plus_product
from .utils.rnn import PackedSequence


def recurrent_packed(spec: Mode, x: PackedSequence, hx: Any, weights: Sequence[Tensor],
                     num_layers: int, dirs: int, dropout: float, training: bool
                     ) -> tuple[PackedSequence, Any]:
    """``recurrent`` for a packed input: (PackedSequence output, h_n or (h_n, c_n)), the
    states in the batch's original order."""
    data, batch_sizes = x.data, np.asarray(x.batch_sizes._data, dtype=np.int64)
    input_size, h_size = weights[0].shape[1], weights[1].shape[1]
    hidden_size = weights[1].shape[0] // spec.gates
    if data.ndim != 2 or data.shape[1] != input_size:
        raise RuntimeError(f"{spec.name}: expected packed data (sum of lengths, "
                         f"input_size={input_size}), got shape {tuple(data.shape)}")
    batch = int(batch_sizes[0])
    states = initial_states(spec, hx, (num_layers * dirs, batch, hidden_size), False, h_size)
    if x.sorted_indices is not None:  # the given states follow the batch's original order
        order = x.sorted_indices._data
        states = [None if s is None else s[:, order] for s in states]
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)])
    data, h_n, c_n = run_layers(data, states, weights, num_layers, dirs, dropout, training,
                                partial(_run_packed, spec, batch_sizes, offsets))
    if x.unsorted_indices is not None:
        back = x.unsorted_indices._data
        h_n = h_n[:, back]
        c_n = None if c_n is None else c_n[:, back]
    out_seq = PackedSequence(data, x.batch_sizes, x.sorted_indices, x.unsorted_indices)
    return (out_seq, (h_n, c_n)) if spec.has_cell else (out_seq, h_n)


def _run_packed(spec: Mode, batch_sizes: np.ndarray, offsets: np.ndarray, data: Tensor,
                h: Tensor | None, c: Tensor | None, w: Sequence[Tensor], reverse: bool
                ) -> tuple[Tensor, Tensor, Tensor | None]:
    """One layer in one direction over packed rows: (packed outputs, last h, last c)."""
    w_ih, w_hh = w[0], w[1]
    b_ih, b_hh = (w[2], w[3]) if len(w) >= 4 else (None, None)
    w_hr = w[-1] if len(w) in (3, 5) else None  # an LSTM's projection (proj_size)
    if b_ih is None:  # every row's input projection at once, as in the padded run
        xg = data @ w_ih.t()
    else:
        xg = plus_product(b_ih if spec.bias_in_step else b_ih + b_hh, data, w_ih.t())
    batch = int(batch_sizes[0])
    h = xg.new_zeros((batch, w_hh.shape[1])) if h is None else h
    if spec.has_cell:
        c = xg.new_zeros((batch, w_hh.shape[0] // spec.gates)) if c is None else c
    w_hh_t = w_hh.t()
    steps = len(batch_sizes)
    outs: list[Any] = [None] * steps
    for t in reversed(range(steps)) if reverse else range(steps):
        n = int(batch_sizes[t])
        xt = xg[int(offsets[t]):int(offsets[t]) + n]
        h_run = h if n == batch else h[:n]
        if spec.has_cell:
            assert c is not None
            new_h, new_c = lstm_step(xt, h_run, c if n == batch else c[:n], w_hh_t)
            if w_hr is not None:
                new_h = new_h @ w_hr.t()
            c = new_c if n == batch else concatenate([new_c, c[n:]])
        else:
            assert spec.step is not None
            new_h = spec.step(xt, h_run, w_hh_t, b_hh)
        h = new_h if n == batch else concatenate([new_h, h[n:]])
        outs[t] = new_h
    return concatenate(outs), h, c if spec.has_cell else None


__all__ = ["recurrent_packed"]
