"""A whole LSTM layer, one direction, as one node: PyTorch's ``MkldnnRnnLayerBackward0``.

PyTorch records a float32 ``nn.LSTM`` on the CPU as one node per layer and direction (its
oneDNN kernel), and the other dtypes, or any dtype under
``torch.backends.mkldnn.flags(enabled=False)``, as the steps' own ops. tinygrad_nn does
the same (``nn/recurrent.py`` chooses): this file is the one node. For speed: its forward
is one input projection for all T steps and a loop of one (N, H) @ (H, 4H) product and one
pass over the gates per step; its backward is a loop of the same size, with the gate
factors of all steps computed in one vectorised pass before it, gate-major (each step's
blocks contiguous), and the weight gradients as one product per gate over all steps. No
node, no Tensor, no saved-value bookkeeping per step: the per-step Python cost is a few
NumPy calls, each on contiguous operands of one shape (NumPy's fast loops: a broadcast or
strided operand costs ~3-9 us a call at N 16, H 128, more than the arithmetic).

The output is one array Y (T + 1, N, H): Y[:T] the outputs h_t in time order, Y[T] the
last cell state; the caller slices out (output, h_n, c_n). Under ``create_graph`` the
backward is the same recurrence written with Tensor operations (recomputed from the
inputs), so the second derivative is exact, as every op's is.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ..function import Function
from .movement import Stack, transposed
from .recurrent import _activations, _blocks, _cell_grads, _scale_shift, _stack2


def _check(x: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any, h0: Any, c0: Any) -> None:
    g4, hidden = w_hh.shape
    ok = (x.ndim == 3 and g4 == 4 * hidden and w_ih.shape == (g4, x.shape[2])
          and (b_ih is None) == (b_hh is None)
          and (b_ih is None or b_ih.shape == b_hh.shape == (g4,))
          and all(s is None or s.shape == (x.shape[1], hidden) for s in (h0, c0)))
    if not ok:
        shapes = ", ".join("None" if a is None else str(tuple(a.shape))
                           for a in (x, w_ih, w_hh, b_ih, b_hh, h0, c0))
        raise ValueError("lstm_layer: expected x (T, N, I), w_ih (4H, I), w_hh (4H, H), "
                         "b_ih and b_hh (4H,) or both None, h0 and c0 (N, H) or None; "
                         f"got {shapes}")


# OpenBLAS (NumPy's wheels) multiplies (m, k) @ (k, n) without packing the right operand,
# in its "small matrix" kernels, only while m * k * n <= 100**3; the per-step product of a
# common layer lies just above that (N 16, H 128: 16 * 128 * 512 = 1.05e6). Measured there,
# as 2 column blocks: (N, H) @ (H, 4H) 36 -> 31 us; still faster with 3 blocks, level at 5,
# so up to 4 (a block costs one more call otherwise). (The backward's per-step products are
# per gate, (N, H) @ (H, H), small already.)
_SMALL_PRODUCT = 100**3
_MAX_BLOCKS = 4


def _column_blocks(w: np.ndarray, rows: int) -> list[tuple[slice, np.ndarray]]:
    """(columns, contiguous copy of w.T[:, columns]) blocks of the transpose of w (n, k)
    whose products with a (rows, k) array fit OpenBLAS's small-matrix kernels; one block,
    all of w.T, when its product fits already or would need more than ``_MAX_BLOCKS``.
    Widths: multiples of 16."""
    n, k = w.shape
    count = math.ceil(rows * k * n / _SMALL_PRODUCT)
    if count <= 1 or count > _MAX_BLOCKS:
        return [(slice(0, n), transposed(w))]
    width = math.ceil(n / count / 16) * 16
    return [(slice(j, min(j + width, n)), transposed(w[j:j + width]))
            for j in range(0, n, width)]


@functools.lru_cache(maxsize=64)
def _tiles(batch: int, hidden: int, dtype: np.dtype[Any]) -> tuple[np.ndarray, np.ndarray]:
    """s and b of ``_scale_shift`` as whole (N, 4H) tiles, read-only, made once per shape:
    NumPy's broadcasting iterator costs ~3 us a call at N 16, H 128, while a same-shape
    contiguous operand takes its fast loop (5.5 -> 2.4 us measured)."""
    s, b = _scale_shift(hidden, dtype)
    tiles = tuple(np.broadcast_to(a, (batch, 4 * hidden)).copy() for a in (s, b))
    for t in tiles:
        t.flags.writeable = False
    return tiles  # type: ignore[return-value]


class LSTMLayer(Function):
    """One LSTM layer in one direction over a whole sequence: x (T, N, I), w_ih (4H, I),
    w_hh (4H, H), b_ih, b_hh (4H,) or None, h0, c0 (N, H) or None (zeros) -> Y (T + 1, N,
    H): Y[:T] the outputs h_t in time order, Y[T] the last cell state. ``reverse`` runs
    from t = T - 1 down to 0 (the backward direction of a bidirectional layer)."""

    draw_note = ("for each t: z = x_t·W_ihᵀ + b + h·W_hhᵀ\n"
                 "i, f, o = σ(z)   g = tanh(z)\nc = f·c + i·g   h = o·tanh(c)")

    def name(self) -> str:
        return "MkldnnRnnLayerBackward0"  # PyTorch's node for this layer on the CPU

    @staticmethod
    def forward(ctx: Any, x: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any, h0: Any,
                c0: Any, reverse: bool = False) -> Any:
        _check(x, w_ih, w_hh, b_ih, b_hh, h0, c0)
        steps, batch, features = x.shape
        g4, hidden = w_hh.shape
        dtype = x.dtype
        s, b = _scale_shift(hidden, dtype)
        # sigmoid(z) = 0.5 tanh(z / 2) + 0.5: the weights and the bias are scaled by s (exact,
        # a power of 2) so that the products give s * z directly (one pass less per step)
        rows = x.reshape(steps * batch, features)
        if b_ih is None:
            w_in = w_ih * s[:, None]
        else:  # the bias as one more input feature, always 1: a pass over the (T, N, 4H)
            # projection less (44 us at T 32, N 16, H 128; the product: +3 us)
            rows = np.concatenate([rows, np.ones((steps * batch, 1), dtype=dtype)], axis=1)
            w_in = np.empty((g4, features + 1), dtype=dtype)
            np.multiply(w_ih, s[:, None], out=w_in[:, :features])
            np.multiply(np.add(b_ih, b_hh), s, out=w_in[:, features])
        act = (rows @ w_in.T).reshape(steps, batch, g4)
        # (a contiguous w_hh.T: OpenBLAS multiplies h by it 2x faster than by a view)
        blocks = _column_blocks(w_hh * s[:, None], batch)
        hw = np.empty((batch, g4), dtype=dtype)
        s, b = _tiles(batch, hidden, dtype)
        y = np.empty((steps + 1, batch, hidden), dtype=dtype)
        # cs[k]: the cell state entering the k-th step processed (cs[0] = c0), cs[T] the last
        cs = np.empty((steps + 1, batch, hidden), dtype=dtype)
        cs[0] = 0 if c0 is None else c0
        tc = np.empty((steps, batch, hidden), dtype=dtype)
        h = h0
        products = [(w, hw[:, cols]) for cols, w in blocks]  # (block of w, its columns of hw)
        # per step, in processing order: its row of act (s * z, activated in place), the
        # four gates' views of it, the cell state in and out, tanh(c) and the output
        gates = act.reshape(steps, batch, 4, hidden).transpose(2, 0, 1, 3)
        per_step = (act, *gates, tc, y[:steps])
        if reverse:
            per_step = tuple(a[::-1] for a in per_step)
        ig = np.empty((batch, hidden), dtype=dtype)  # i * g
        for z, i, f, g, o, tct, ht, c_prev, c in zip(*per_step, cs[:-1], cs[1:]):
            if h is not None:
                for w, out in products:
                    np.matmul(h, w, out=out)
                np.add(z, hw, out=z)
            np.tanh(z, out=z)
            np.multiply(z, s, out=z)
            np.add(z, b, out=z)
            np.multiply(f, c_prev, out=c)
            np.add(c, np.multiply(i, g, out=ig), out=c)
            np.tanh(c, out=tct)
            h = np.multiply(o, tct, out=ht)
        y[steps] = cs[steps]
        ctx.reverse = reverse
        ctx.save_for_backward(x, w_ih, w_hh, b_ih, b_hh, h0, c0, y, act, cs, tc)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if type(g) is not np.ndarray:
            return _backward_recorded(ctx, g)
        x, w_ih, w_hh, b_ih, b_hh, h0, c0, y, act, cs, tc = ctx.saved_tensors
        need_x, need_wih, need_whh, need_bih, need_bhh, need_h0, need_c0 = ctx.needs_input_grad
        reverse = ctx.reverse
        steps, batch, features = x.shape
        g4, hidden = w_hh.shape
        order = range(steps) if reverse else reversed(range(steps))  # backward's order
        # the cell state entering step t, in time order (cs is in processing order)
        c_in = cs[steps - 1::-1] if reverse else cs[:steps]
        # per-step factors of all steps at once, gate-major in one buffer k (4, T, N, H), so
        # that the loop's operands are contiguous (N, H) blocks (NumPy's fast loops; strided
        # or broadcast operands cost ~3-9 us a call there): dz_{i,f,g} = dc_t * k[:3, t],
        # dz_o = dh_t * k[3, t], which the loop then writes over k[:, t]
        # the gates (4, T, N, H), copied gate-major first: the passes below then read
        # contiguous operands (a pass over one gate of the strided view costs 2.3x more)
        a = np.ascontiguousarray(act.reshape(steps, batch, 4, hidden).transpose(2, 0, 1, 3))
        i, f, gg, o = a
        k = np.subtract(1, a)  # d act / d z: (1 - a) a, and (1 - a)(1 + a) on g
        k[:2] *= a[:2]
        k[3] *= o
        k[2] *= gg + 1
        k[0] *= gg  # c = f c_in + i g: dz_i = dc g i', dz_f = dc c_in f', dz_g = dc i g'
        k[1] *= c_in
        k[2] *= i
        k[3] *= tc  # h = o tanh(c): dz_o = dh tanh(c) o'
        r = np.multiply(tc, tc)
        np.subtract(1, r, out=r)
        r *= o  # and dc gets dh * o (1 - tanh(c)^2)
        dh = np.zeros((batch, hidden), dtype=act.dtype)
        dc = g[steps].copy()
        w4 = w_hh.reshape(4, hidden, hidden)  # gate j's rows of w_hh
        hw = np.empty((4, batch, hidden), dtype=act.dtype)
        last = steps - 1 if reverse else 0  # the last step processed by this loop
        # per step, in this loop's order: its output's gradient, r, the four gates' blocks
        # of k (4, N, H) and f
        per_step: tuple[Any, ...] = (g[:steps], r, k.transpose(1, 0, 2, 3), f)
        if not reverse:
            per_step = tuple(a[::-1] for a in per_step)
        rdh = np.empty((batch, hidden), dtype=act.dtype)  # r * dh
        for t, (gt, rt, kt, ft) in zip(order, zip(*per_step)):
            np.add(dh, gt, out=dh)
            np.add(dc, np.multiply(rt, dh, out=rdh), out=dc)
            ki, kf, kg, ko = kt
            np.multiply(ko, dh, out=ko)
            np.multiply(ki, dc, out=ki)
            np.multiply(kf, dc, out=kf)
            np.multiply(kg, dc, out=kg)
            np.multiply(dc, ft, out=dc)  # dL/dc entering step t
            if t != last or need_h0:  # dL/dh entering step t: sum_j dz_j @ w_hh_j
                np.add.reduce(np.matmul(kt, w4, out=hw), axis=0, out=dh)
        rows = k.reshape(4, steps * batch, hidden)  # per gate, (T N, H)
        dx = None
        if need_x:
            dx = np.add.reduce(rows @ w_ih.reshape(4, hidden, features), axis=0).reshape(x.shape)
        cols = rows.transpose(0, 2, 1)  # per gate, (H, T N): dL/dw = cols @ input, gate by gate
        dw_ih = dw_hh = None
        if need_wih:
            dw_ih = (cols @ x.reshape(steps * batch, features)).reshape(g4, features)
        if need_whh:  # h entering each step, in time order: h0 then the outputs, shifted
            h_in = np.empty((steps, batch, hidden), dtype=act.dtype)
            first, rest = (steps - 1, slice(0, steps - 1)) if reverse else (0, slice(1, steps))
            h_in[first] = 0 if h0 is None else h0
            h_in[rest] = y[1:steps] if reverse else y[:steps - 1]
            dw_hh = (cols @ h_in.reshape(steps * batch, hidden)).reshape(g4, hidden)
        db_ih = db_hh = None
        if need_bih or need_bhh:  # one sum; b_hh gets its own copy (gradients may be kept)
            # (as a product with ones: NumPy's sum over the middle axis takes 58 us here,
            # the product 13)
            db = (np.ones(steps * batch, dtype=rows.dtype) @ rows).reshape(g4)
            db_ih, db_hh = (db if need_bih else None), (db.copy() if need_bhh else None)
        return (dx, dw_ih, dw_hh, db_ih, db_hh,
                dh if need_h0 else None, dc if need_c0 else None)


def _backward_recorded(ctx: Any, g: Any) -> tuple[Any, ...]:
    """The backward as Tensor operations (create_graph): the forward recomputed from the
    inputs, then the same recurrence through ``_cell_grads``, so every saved activation is
    a function of the inputs and the result can be differentiated again."""
    x, w_ih, w_hh, b_ih, b_hh, h0, c0 = ctx.saved_tensors[:7]
    steps, batch, features = x.shape
    g4, hidden = w_hh.shape
    s, b = _scale_shift(hidden, x.dtype)
    xg = (x.reshape(steps * batch, features) @ w_ih.T).reshape(steps, batch, g4)
    if b_ih is not None:
        xg = xg + (b_ih + b_hh)
    zeros = g._make(np.zeros((batch, hidden), dtype=x.dtype), None)
    h = zeros if h0 is None else h0
    c = zeros if c0 is None else c0
    order = list(reversed(range(steps)) if ctx.reverse else range(steps))
    acts, tcs, c_in, h_in = {}, {}, {}, {}
    for t in order:
        act = _activations(xg[t] + h @ w_hh.T, s, b)
        i, f, gg, o = _blocks(act, hidden)
        c_in[t], h_in[t] = c, h
        c = f * c + i * gg
        tcs[t], acts[t] = c.tanh(), act
        h = o * tcs[t]
    dh, dc = None, g[steps]
    dz: list[Any] = [None] * steps
    for t in reversed(order):
        gh = g[t] if dh is None else g[t] + dh
        dz[t], dc = _cell_grads(acts[t], tcs[t], c_in[t], _stack2(gh, dc), True)
        dh = dz[t] @ w_hh
    rows = Stack.apply(*dz, axis=0).reshape(steps * batch, g4)
    need = ctx.needs_input_grad
    h_rows = Stack.apply(*(h_in[t] for t in range(steps)), axis=0)
    db = rows.sum(axis=0) if need[3] or need[4] else None
    return ((rows @ w_ih).reshape(x.shape) if need[0] else None,
            rows.T @ x.reshape(steps * batch, features) if need[1] else None,
            rows.T @ h_rows.reshape(steps * batch, hidden) if need[2] else None,
            db if need[3] else None, db if need[4] else None,
            dh if need[5] else None, dc if need[6] else None)


lstm_layer = LSTMLayer.apply

__all__ = ["LSTMLayer", "lstm_layer"]
