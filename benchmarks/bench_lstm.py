"""LSTM benchmark: one char-LM training step, tinygrad_nn vs NumPy by hand vs PyTorch.

Run by hand (never part of the test suite), single-threaded, side by side in one process::

    python benchmarks/bench_lstm.py             # ~10 s
    python benchmarks/bench_lstm.py --quick     # a few seconds, noisier
    python benchmarks/bench_lstm.py --profile   # also: where tinygrad_nn's step spends time
    python benchmarks/bench_lstm.py --cpu-time  # CPU clock: steadier on a busy machine

The step, float32: vocabulary 64, sequences of 32 characters, batch 16; one-hot input
(64 features) -> LSTM(64, 128) -> Linear(128, 64) at every step; cross-entropy over all
32 x 16 predictions, backward, gradient clipping at norm 5 (``nn.utils.clip_grad_norm_``),
SGD(lr=0.1) update, with tinygrad_nn, with PyTorch eager (if installed) and written out by
hand in NumPy ("NumPy by hand": the input projection of all steps as one matmul, per step
one (N, H) @ (H, 4H) product and one tanh pass over all four gates (sigmoid = tanh(z/2)/2
+ 1/2); backward through time into one (T, N, 4H) buffer of gate gradients, so that dW_ih,
dW_hh and the bias gradient are one matmul / sum each; a stable softmax cross-entropy).
The three are compared by ``_harness.compare_train_steps`` (documented there, shared with
bench_cnn.py): the same starting weights (PyTorch's, if installed); before timing, the NumPy
version's gradients, and every implementation's first three losses and its parameters after
those steps, must match tinygrad_nn's (1e-4 relative), or the script raises (one step
changes the loss by only ~6.5e-5 relative here: the parameters are what shows a wrong or
missing update). Then the steps are timed in alternating blocks and a markdown table gives
median / min ms per step, the ratios to PyTorch and to NumPy by hand, and minor page
faults per step. Goal (issue 13): tinygrad_nn within 1.3x of PyTorch eager. Results go to
docs/performance.md.
"""

from __future__ import annotations

import os

# single-threaded BLAS for every library, set BEFORE NumPy (or torch) is imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _harness import compare_train_steps, softmax_xent  # noqa: E402

import tinygrad_nn as tg  # noqa: E402
import tinygrad_nn.functional as F  # noqa: E402
from tinygrad_nn import nn  # noqa: E402
from tinygrad_nn.nn.recurrent import LSTM  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is an optional, test-only reference
    torch = None

VOCAB, STEPS, BATCH, HIDDEN, LR, CLIP = 64, 32, 16, 128, 0.1, 5.0
GOAL = 1.3  # issue 13: tinygrad_nn within this factor of PyTorch eager
RTOL = 1e-4  # agreement required of losses, gradients and parameters before timing


class CharLM(nn.Module):
    """One-hot characters (T, N, V) -> LSTM -> Linear -> logits (T, N, V)."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = LSTM(VOCAB, HIDDEN)
        self.head = nn.Linear(HIDDEN, VOCAB)

    def forward(self, x: Any) -> Any:
        out, _ = self.lstm(x)
        return self.head(out)


def tg_loss_fn(model: Any, x: np.ndarray, y: np.ndarray) -> Callable[[], Any]:
    """loss() -> tinygrad_nn's mean cross-entropy of all T x N next-character predictions."""
    xt, flat_y = tg.Tensor(x), y.reshape(-1)
    return lambda: F.cross_entropy(model(xt).reshape(-1, VOCAB), flat_y)


def torch_model() -> Any:
    class TorchCharLM(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(VOCAB, HIDDEN)
            self.head = torch.nn.Linear(HIDDEN, VOCAB)

        def forward(self, x: Any) -> Any:
            out, _ = self.lstm(x)
            return self.head(out)

    return TorchCharLM()


def torch_loss_fn(model: Any, x: np.ndarray, y: np.ndarray) -> Callable[[], Any]:
    """loss() -> PyTorch's mean cross-entropy of all T x N next-character predictions."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.reshape(-1))
    return lambda: torch.nn.functional.cross_entropy(model(xt).reshape(-1, VOCAB), yt)


# ------------------------------------------- NumPy by hand, gates kept as (T, N, 4, H)

# sigmoid(z) = 0.5 * tanh(0.5 * z) + 0.5 (stable); the g gate is a plain tanh: one pass
# a = SCALE * tanh(SCALE * z) + SHIFT activates all four gates [i, f, g, o] at once
SCALE = np.array([0.5, 0.5, 1.0, 0.5], np.float32)[:, None]
SHIFT = np.array([0.5, 0.5, 0.0, 0.5], np.float32)[:, None]


def lstm_forward(x2: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b: np.ndarray,
                 acts: np.ndarray, c: np.ndarray, tc: np.ndarray, h: np.ndarray) -> None:
    """Fill acts (T, N, 4, H) with the activated gates, c and h (T+1, N, H) with the cell
    and hidden states (index 0: zeros) and tc (T, N, H) with tanh(c_t)."""
    t_len, n, _, hid = acts.shape
    np.matmul(x2, w_ih.T, out=acts.reshape(t_len * n, -1))  # input projection, all steps
    acts += b.reshape(4, hid)
    w_hh_t = np.ascontiguousarray(w_hh.T)  # OpenBLAS: h @ this runs 2x faster than on a view
    for t in range(t_len):
        z = acts[t]  # (N, 4, H), activated in place
        z += (h[t] @ w_hh_t).reshape(n, 4, hid)
        z *= SCALE
        np.tanh(z, out=z)
        z *= SCALE
        z += SHIFT
        np.multiply(z[:, 1], c[t], out=c[t + 1])  # c_t = f * c_{t-1} + i * g
        c[t + 1] += z[:, 0] * z[:, 2]
        np.tanh(c[t + 1], out=tc[t])
        np.multiply(z[:, 3], tc[t], out=h[t + 1])  # h_t = o * tanh(c_t)


def lstm_backward(dout: np.ndarray, w_hh: np.ndarray, acts: np.ndarray, c: np.ndarray,
                  tc: np.ndarray, dg: np.ndarray) -> None:
    """Backward through time: fill dg (T, N, 4, H) with the gradients of the gates'
    pre-activations, given dout (T, N, H), the gradient of the hidden states."""
    i, f, g, o = (acts[:, :, k] for k in range(4))
    # per-step factors, for all steps at once: dL/dz_{i,f,g} = dc_t * coef, dL/dz_o = dh_t * q
    coef = np.stack([g * i * (1 - i), c[:-1] * f * (1 - f), i * (1 - g * g)], axis=2)
    q, r = tc * o * (1 - o), o * (1 - tc * tc)  # dc_t gets dh_t * r from h_t = o * tanh(c_t)
    dh, dc = dout[-1].copy(), np.zeros_like(dout[0])
    for t in reversed(range(len(dout))):
        dc += dh * r[t]
        np.multiply(dh, q[t], out=dg[t, :, 3])
        np.multiply(dc[:, None], coef[t], out=dg[t, :, :3])
        dc *= f[t]  # dc_{t-1}
        if t:  # dh_{t-1}: from the output at t-1 and through the gates at t
            np.matmul(dg[t].reshape(len(dh), -1), w_hh, out=dh)
            dh += dout[t - 1]


def numpy_grads_fn(x: np.ndarray, y: np.ndarray) -> Callable[[list[np.ndarray]], Any]:
    """grads(params) -> (loss, gradients) of the network, forward and backward by hand."""
    t_len, n, _ = x.shape
    x2, flat_y = x.reshape(t_len * n, -1), y.reshape(-1)
    acts, dg = (np.empty((t_len, n, 4, HIDDEN), np.float32) for _ in range(2))
    c, h = (np.zeros((t_len + 1, n, HIDDEN), np.float32) for _ in range(2))
    tc = np.empty((t_len, n, HIDDEN), np.float32)

    def grads(params: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
        w_ih, w_hh, b_ih, b_hh, w_o, b_o = params
        lstm_forward(x2, w_ih, w_hh, b_ih + b_hh, acts, c, tc, h)
        out = h[1:].reshape(t_len * n, HIDDEN)
        loss, d = softmax_xent(out @ w_o.T + b_o, flat_y)
        lstm_backward((d @ w_o).reshape(t_len, n, HIDDEN), w_hh, acts, c, tc, dg)
        dg2 = dg.reshape(t_len * n, -1)
        db = dg2.sum(axis=0)
        return loss, [dg2.T @ x2, dg2.T @ h[:-1].reshape(t_len * n, HIDDEN), db, db.copy(),
                      d.T @ out, d.sum(axis=0)]

    return grads


def main() -> None:
    rng = np.random.default_rng(0)
    chars = rng.integers(0, VOCAB, (STEPS + 1, BATCH))
    x = np.eye(VOCAB, dtype=np.float32)[chars[:-1]]  # (T, N, V) one-hot
    y = chars[1:]  # the next character at every step
    compare_train_steps(
        __doc__, f"LSTM language-model train step (vocab {VOCAB}, T {STEPS}, batch {BATCH}, "
        f"LSTM {VOCAB}->{HIDDEN}, Linear {HIDDEN}->{VOCAB}, clip {CLIP:g}, SGD)",
        make_tg=CharLM, make_torch=torch_model,
        tg_loss=lambda m: tg_loss_fn(m, x, y), torch_loss=lambda m: torch_loss_fn(m, x, y),
        numpy_grads=numpy_grads_fn(x, y), lr=LR, clip=CLIP,
        goal=("LSTM LM step", "PyTorch eager", GOAL), rtol=RTOL)


if __name__ == "__main__":
    main()
