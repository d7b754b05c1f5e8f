"""CNN benchmark: one SGD training step of a small convnet, tinygrad_nn vs NumPy by hand vs PyTorch.

Run by hand (never part of the test suite), single-threaded, side by side in one process::

    python benchmarks/bench_cnn.py             # ~10 s
    python benchmarks/bench_cnn.py --quick     # a few seconds, noisier
    python benchmarks/bench_cnn.py --profile   # also: where tinygrad_nn's step spends time
    python benchmarks/bench_cnn.py --cpu-time  # CPU clock: steadier on a busy machine

The step, float32, batch 32 of 1x28x28 inputs:
Conv2d(1, 8, 3, padding=1) ReLU MaxPool2d(2) -> Conv2d(8, 16, 3, padding=1) ReLU MaxPool2d(2)
-> Flatten -> Linear(784, 10), cross-entropy (mean), backward, SGD(lr=0.01) update, with
tinygrad_nn, with PyTorch eager (if installed) and written out by hand in NumPy ("NumPy by
hand": im2col via a sliding-window view and one matmul per convolution, col2im with one
strided add per kernel offset, 2x2 max pooling by reshape with a max mask, a stable
softmax cross-entropy; activations kept as (C, H, W, N) so that every copy, pooling slice
and col2im add runs over long contiguous rows).
Checked, timed and reported by ``_harness.compare_train_steps`` (documented there, shared
with bench_lstm.py): the same starting weights (PyTorch's, if installed); before timing,
the NumPy version's gradients, and every implementation's first three losses and its
parameters after those steps, must match tinygrad_nn's (1e-4 relative), or the script
raises. The table gives median / min ms per step, timed in alternating blocks, the ratios
to PyTorch and to NumPy by hand, and minor page faults per step. Goal (issue 13):
tinygrad_nn within 1.3x of PyTorch eager. Results go to docs/performance.md.
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
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

import tinygrad_nn as tg  # noqa: E402
import tinygrad_nn.functional as F  # noqa: E402
from tinygrad_nn import nn  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is an optional, test-only reference
    torch = None

BATCH, LR, K = 32, 0.01, 3  # K: the convolutions' kernel size
GOAL = 1.3  # issue 13: tinygrad_nn within this factor of PyTorch eager
RTOL = 1e-4  # agreement required of losses, gradients and parameters before timing


def tg_model() -> Any:
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(784, 10),
    )


def torch_model() -> Any:
    tn = torch.nn
    return tn.Sequential(
        tn.Conv2d(1, 8, 3, padding=1), tn.ReLU(), tn.MaxPool2d(2),
        tn.Conv2d(8, 16, 3, padding=1), tn.ReLU(), tn.MaxPool2d(2),
        tn.Flatten(), tn.Linear(784, 10),
    )


def tg_loss_fn(model: Any, x: np.ndarray, y: np.ndarray) -> Callable[[], Any]:
    """loss() -> tinygrad_nn's mean cross-entropy of the batch."""
    xt = tg.Tensor(x)
    return lambda: F.cross_entropy(model(xt), y)


def torch_loss_fn(model: Any, x: np.ndarray, y: np.ndarray) -> Callable[[], Any]:
    """loss() -> PyTorch's mean cross-entropy of the batch."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    return lambda: torch.nn.functional.cross_entropy(model(xt), yt)


# ------------------------------------------------- NumPy by hand, activations (C, H, W, N)


def im2col(xp: np.ndarray) -> np.ndarray:
    """Padded (C, H+2, W+2, N) -> columns (C*K*K, H*W*N), rows in the weight's (c, i, j) order."""
    win = sliding_window_view(xp, (K, K), axis=(1, 2))  # (C, H, W, N, K, K), a view
    return win.transpose(0, 4, 5, 1, 2, 3).reshape(xp.shape[0] * K * K, -1)  # one copy


def col2im(dcols: np.ndarray, dxp: np.ndarray) -> np.ndarray:
    """Adjoint of im2col into the zeroed padded buffer dxp; one strided add per kernel offset.
    Returns the unpadded gradient (a view of dxp)."""
    c, hp, wp, n = dxp.shape
    h, w = hp - K + 1, wp - K + 1
    d = dcols.reshape(c, K, K, h, w, n)
    dxp.fill(0)
    for i in range(K):
        for j in range(K):
            dxp[:, i:i + h, j:j + w] += d[:, i, j]
    return dxp[:, 1:-1, 1:-1]


def conv_relu(xp: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """relu(conv(x) + b) as (O, H*W*N) by one matmul, and the columns for the backward."""
    cols = im2col(xp)
    z = w.reshape(w.shape[0], -1) @ cols
    z += b[:, None]
    return np.maximum(z, 0, out=z), cols


def maxpool(a: np.ndarray, out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max pooling of (C, H, W, N) by reshape; returns the pooled array and the windows."""
    c, h, w, n = a.shape
    r = a.reshape(c, h // 2, 2, w // 2, 2, n)
    m = np.maximum(r[:, :, 0, :, 0], r[:, :, 0, :, 1], out=out)
    np.maximum(m, r[:, :, 1, :, 0], out=m)
    return np.maximum(m, r[:, :, 1, :, 1], out=m), r


def maxpool_relu_back(dm: np.ndarray, m: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Gradient of maxpool(relu(z)) w.r.t. z, as (C, H*W*N): the max mask of each window
    (ties have probability zero with float data); relu passes it where the max is > 0."""
    dm = dm * (m > 0)
    return ((r == m[:, :, None, :, None]) * dm[:, :, None, :, None]).reshape(r.shape[0], -1)


def numpy_grads_fn(x: np.ndarray, y: np.ndarray) -> Callable[[list[np.ndarray]], Any]:
    """grads(params) -> (loss, gradients) of the network, forward and backward by hand."""
    n = x.shape[0]
    xp1 = np.zeros((1, 30, 30, n), np.float32)  # padded buffers: only the inside is written
    xp2 = np.zeros((8, 16, 16, n), np.float32)
    dxp2 = np.zeros_like(xp2)

    def grads(params: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
        w1, b1, w2, b2, w3, b3 = params
        xp1[0, 1:-1, 1:-1] = x[:, 0].transpose(1, 2, 0)
        a1, cols1 = conv_relu(xp1, w1, b1)
        m1, r1 = maxpool(a1.reshape(8, 28, 28, n), out=xp2[:, 1:-1, 1:-1])
        a2, cols2 = conv_relu(xp2, w2, b2)
        m2, r2 = maxpool(a2.reshape(16, 14, 14, n))
        flat = m2.reshape(784, n)  # (C, H, W) order per column: Flatten of NCHW, transposed
        loss, d = softmax_xent(w3 @ flat + b3[:, None], y, axis=0)
        dz2 = maxpool_relu_back((w3.T @ d).reshape(m2.shape), m2, r2)
        dm1 = col2im(w2.reshape(16, -1).T @ dz2, dxp2)
        dz1 = maxpool_relu_back(dm1, m1, r1)
        # dW = dZ @ cols.T computed as (cols @ dZ.T).T: the operand order OpenBLAS runs faster
        return loss, [(cols1 @ dz1.T).T.reshape(w1.shape), dz1.sum(axis=1),
                      (cols2 @ dz2.T).T.reshape(w2.shape), dz2.sum(axis=1),
                      d @ flat.T, d.sum(axis=1)]

    return grads


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, BATCH)
    compare_train_steps(
        __doc__, f"CNN train step (batch {BATCH}, 2x conv3x3+ReLU+maxpool2, linear, SGD)",
        make_tg=tg_model, make_torch=torch_model,
        tg_loss=lambda m: tg_loss_fn(m, x, y), torch_loss=lambda m: torch_loss_fn(m, x, y),
        numpy_grads=numpy_grads_fn(x, y), lr=LR,
        goal=("small CNN step", "PyTorch eager", GOAL), rtol=RTOL, profile_lines=12)


if __name__ == "__main__":
    main()
