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

``LSTMStep`` is a whole step of an ``nn.LSTM`` layer as one node (the cells keep
``AddMM`` + ``LSTMGates``): it reads its slice of the input projection xg (T, N, 4H)
itself, adds h @ W_hh.T and applies the same gate math; its gradients are lazy
(``GatesGrad`` for xg, ``OuterGrad`` for W_hh, ``StateGrad`` for the state), so the T
steps fill one buffer each instead of T zero arrays and sums.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..engine import LazyGrad
from ..function import Function, dual
from .elementwise import Tanh
from .linalg import OuterGrad
from .movement import Concatenate, SliceGrad, Stack

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
    h2, h3 = 2 * hidden, 3 * hidden  # written out: a generator costs more than the slices
    return act[..., :hidden], act[..., hidden:h2], act[..., h2:h3], act[..., h3:]


def _activations(gates: Any, s: np.ndarray, b: np.ndarray) -> Any:
    """[sigmoid(i) sigmoid(f) tanh(g) sigmoid(o)] of the pre-activations (..., 4H), all four
    blocks by one tanh (the sigmoid as 0.5 tanh(z / 2) + 0.5: exact limits, no overflow)."""
    return _tanh(gates * s) * s + b


def _cell(gates: Any, c: Any, own: bool = False) -> tuple[Any, Any, Any]:
    """(out, act, tc) on arrays: out (2, ..., H) holds (h', c'), act the activated gates,
    tc = tanh(c'), from the pre-activations gates (..., 4H) and the cell state c (..., H).

    ``_activations``' steps in place, so no temporaries (``own``: act may overwrite gates).
    """
    hidden = c.shape[-1]
    s, b = _scale_shift(hidden, gates.dtype)
    act = np.multiply(gates, s, out=gates if own else None)
    np.tanh(act, out=act)
    act *= s
    act += b
    i, f, g, o = _blocks(act, hidden)
    out = np.empty((2,) + c.shape, dtype=np.result_type(act, c))
    h_new, c_new = out[0], out[1]
    np.multiply(f, c, out=c_new)
    c_new += np.multiply(i, g, out=h_new)  # h_new as scratch until h' is written
    tc = np.tanh(c_new)
    np.multiply(o, tc, out=h_new)
    return out, act, tc


def _one_dtype(a: Any, b: Any, c: Any, d: Any) -> bool:
    """True for four arrays (the fast path, not Tensors) of one dtype."""
    return (type(a) is type(b) is type(c) is type(d) is np.ndarray
            and a.dtype == b.dtype == c.dtype == d.dtype)


def _cell_grads(act: Any, tc: Any, c: Any, g_out: Any, need_c: bool,
                gc_out: Any = None) -> tuple[Any, Any]:
    """(dL/dgates (..., 4H), dL/dc (..., H) or None) from g_out (2, ..., H), the gradient of
    the stacked (h', c'); arrays, or Tensors under create_graph. ``gc_out``: an array to
    write dL/dc into (the fast path only)."""
    if _one_dtype(act, tc, c, g_out):
        return _cell_grads_arrays(act, tc, c, g_out, need_c, gc_out)
    assert gc_out is None
    hidden = c.shape[-1]
    s, b = _scale_shift(hidden, act.dtype)
    i, f, g, o = _blocks(act, hidden)
    gh, gc = g_out[0], g_out[1]
    dc = gc + gh * o * (1 - tc * tc)
    # d act / d z = s^2 (1 - tanh^2) = (s - t)(s + t), t = act - b: sigmoid' = (1 - a) a
    # and tanh' = (1 - a)(1 + a), each factor exact (no cancellation near saturation)
    t = act - b
    d_act = _cat_last([dc * g, dc * c, dc * i, gh * tc])
    return d_act * ((s - t) * (s + t)), (dc * f if need_c else None)


def _cell_grads_arrays(act: np.ndarray, tc: np.ndarray, c: np.ndarray, g_out: np.ndarray,
                       need_c: bool, gc_out: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray | None]:
    """``_cell_grads`` on arrays of one dtype, for speed (once per step): in place on fresh
    temporaries, and (1 - a)(a + k) for the slope of all four gates at once (fewer NumPy
    calls; measured: writing the blocks through ``out=`` views costs more than concatenating)."""
    hidden = c.shape[-1]
    i, f, g, o = _blocks(act, hidden)
    gh, gc = g_out[0], g_out[1]
    dc = np.multiply(tc, tc)  # dc = gc + gh * o * (1 - tc^2)
    np.subtract(1, dc, out=dc)
    dc *= o
    dc *= gh
    dc += gc
    d = np.concatenate([dc * g, dc * c, dc * i, gh * tc], axis=-1)
    # d act / d z: (1 - a) a on the sigmoid blocks, (1 - a)(1 + a) on g (PyTorch's forms)
    slope = np.subtract(1, act)
    slope *= np.add(act, _tanh_block(hidden, act.dtype))
    d *= slope
    return d, (np.multiply(dc, f, out=gc_out) if need_c else None)


@functools.cache
def _tanh_block(hidden: int, dtype: np.dtype[Any]) -> np.ndarray:
    """(4H,): 1 on the g block, 0 on i, f, o; act + this is a on sigmoid blocks, 1 + a on g."""
    k = np.zeros(4 * hidden, dtype=dtype)
    k[2 * hidden:3 * hidden] = 1
    k.flags.writeable = False
    return k


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
        out, act, tc = _cell(gates, c)
        # act and tc are functions of the inputs: recomputed (differentiable) under create_graph
        ctx.save_for_backward(gates, c, out, act, tc, recompute=_RECOMPUTE)
        return out

    @staticmethod
    def backward(ctx: Any, g_out: Any) -> Any:
        gates, c, out, act, tc = ctx.saved_tensors
        return _cell_grads(act, tc, c, g_out, ctx.needs_input_grad[1])


lstm_gates = LSTMGates.apply


def _stack2(a: Any, b: Any) -> Any:
    """(a, b) stacked on a new first axis: arrays with NumPy, Tensors as a recorded op."""
    if type(a) is np.ndarray:
        out = np.empty((2,) + a.shape, dtype=np.result_type(a, b))
        out[0], out[1] = a, b  # np.stack's own checks cost more than the copies here
        return out
    return Stack.apply(a, b, axis=0)


class StateGrad(LazyGrad):
    """LSTMStep's gradient for its state input (h, c) (2, N, H), which the step writes into
    a fresh buffer ``g`` (on arrays), or keeps as the two Tensors gh, gc (create_graph):
    the gradient of the slice h = hc[0] (a ``SliceGrad``) then adds into the buffer in
    place, instead of through a full-size zeros array and a sum (for speed: once per
    step), and ``dense`` hands the buffer on without a copy."""

    __slots__ = ("g", "gh", "gc")

    def __init__(self, g: Any = None, gh: Any = None, gc: Any = None) -> None:
        self.g, self.gh, self.gc = g, gh, gc
        if g is not None:
            self.shape, self.dtype = g.shape, g.dtype
        else:
            self.shape = (2,) + tuple(gh.shape)
            self.dtype = np.result_type(gh.dtype, gc.dtype)

    def dense(self) -> Any:
        return self.g if self.g is not None else _stack2(self.gh, self.gc)

    def merge(self, other: Any) -> bool:
        g = self.g
        if g is None or type(other) is not SliceGrad or other.dtype != self.dtype:
            return False
        for idx, part in other.pairs:  # basic indices into this gradient's own buffer
            g[idx] += part
        return True


class GatesGrad(SliceGrad):
    """LSTMStep's gradient for xg (T, N, 4H): dL/dgates at row t, zero elsewhere. Merged
    over the steps, ``dense`` copies each row once into an uninitialised array and zeroes
    only rows no step wrote (for speed: no zero fill and read-add of the whole buffer)."""

    __slots__ = ()

    def dense(self) -> Any:
        pairs = self.pairs
        if len(pairs) == 1:  # arrays, or a Tensor under create_graph (never merged)
            return super().dense()
        out = np.empty(self.shape, dtype=self.dtype)
        done = [False] * self.shape[0]
        for t, g in pairs:
            if done[t]:  # the same step twice (two LSTMStep nodes read one row)
                out[t] += g
            else:
                out[t] = g
                done[t] = True
        for t, d in enumerate(done):
            if not d:
                out[t] = 0
        return out


# saved (xg, hc, w, t, out, act, tc): act and tc recomputed from the inputs under create_graph
_STEP_RECOMPUTE = {
    5: lambda xg, hc, w, t, out: _activations(xg[t] + hc[0] @ w.T,
                                              *_scale_shift(w.shape[1], xg.dtype)),
    6: lambda xg, hc, w, t, out, act: _tanh(out[1]),
}


class LSTMStep(Function):
    """Step t of an LSTM layer: (h', c') stacked (2, N, H) from the input projection of all
    steps xg (T, N, 4H), the state hc = (h, c) stacked (2, N, H) and w_hh (4H, H).

    gates = xg[t] + h @ w_hh.T, then ``LSTMGates``' math. For speed: one node per step
    instead of five (the slice xg[t], the product, the gates, and h', c' sliced out). The
    gradient of xg is a ``GatesGrad`` (the T steps fill one buffer) and that of w_hh an
    ``OuterGrad`` (T steps, one stacked product).
    """

    draw_note = "z = xg[t] + h·W_hhᵀ\n" + LSTMGates.draw_note

    @staticmethod
    def forward(ctx: Any, xg: Any, hc: Any, w: Any, t: int = 0) -> Any:
        hidden = w.shape[1]
        if xg.ndim != 3 or w.shape[0] != 4 * hidden or xg.shape[2] != 4 * hidden \
                or hc.shape != (2, xg.shape[1], hidden):
            raise ValueError(f"lstm_step: expected xg (T, N, 4H), hc (2, N, H) and w (4H, H), "
                             f"got {xg.shape}, {hc.shape} and {w.shape}")
        gates = hc[0] @ w.T  # measured 1% faster per train step than matmul2d's (w @ h.T).T
        xt = xg[t]
        if gates.dtype == np.result_type(gates, xt):
            gates += xt  # into the product's fresh array
        else:
            gates = gates + xt
        out, act, tc = _cell(gates, hc[1], own=True)
        ctx.save_for_backward(xg, hc, w, t, out, act, tc, recompute=_STEP_RECOMPUTE)
        return out

    @staticmethod
    def backward(ctx: Any, g_out: Any) -> Any:
        xg, hc, w, t, out, act, tc = ctx.saved_tensors
        need_x, need_hc, need_w = ctx.needs_input_grad
        state = None
        if need_hc and _one_dtype(act, hc, w, g_out):  # written into one buffer, for speed
            g_hc = np.empty(hc.shape, dtype=hc.dtype)
            d_gates, _ = _cell_grads(act, tc, hc[1], g_out, True, g_hc[1])
            g_hc[0] = d_gates @ w  # (matmul's out= checks overlap at more cost)
            state = StateGrad(g_hc)
        else:
            d_gates, gc = _cell_grads(act, tc, hc[1], g_out, need_hc)
            if need_hc:
                state = StateGrad(gh=d_gates @ w, gc=gc)
        return (GatesGrad(d_gates, t, xg.shape) if need_x else None, state,
                OuterGrad(d_gates, hc[0]) if need_w else None)


lstm_step = LSTMStep.apply
