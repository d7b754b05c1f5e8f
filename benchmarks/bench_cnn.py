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
and col2im add runs over long contiguous rows). All three start from the same weights
(PyTorch's state_dict loaded into tinygrad_nn, whose parameters the NumPy version copies).
Before timing, the NumPy version's gradients are checked once against tinygrad_nn's, and the
first three losses of every implementation must agree with tinygrad_nn's (1e-4 relative);
the script raises if they do not.

Steps are timed in alternating blocks, so background load hits all implementations alike.
Prints median / min milliseconds per step and the ratios to PyTorch and to NumPy by hand as
a markdown table. Target: tinygrad_nn within 2.5x of PyTorch eager. Results go to
docs/performance.md.
"""

from __future__ import annotations

import os

# single-threaded BLAS for every library, set BEFORE NumPy (or torch) is imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _harness import interleaved, profile  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

import tinygrad_nn as tg  # noqa: E402
import tinygrad_nn.functional as F  # noqa: E402
from tinygrad_nn import nn  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is an optional, test-only reference
    torch = None

BATCH, LR, K = 32, 0.01, 3  # K: the convolutions' kernel size
TARGET = 2.5  # tinygrad_nn within this factor of PyTorch eager
RTOL = 1e-4  # agreement required of losses and gradients before timing
CLOCK = {"clock": time.perf_counter}  # or time.process_time with --cpu-time


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


def tg_step_fn(model: Any, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    opt = tg.optim.SGD(model.parameters(), lr=LR)
    xt = tg.Tensor(x)

    def step() -> float:
        opt.zero_grad()
        loss = F.cross_entropy(model(xt), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def torch_step_fn(model: Any, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return step


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


def softmax_xent(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of logits (classes, N) and its gradient, stable (max subtracted)."""
    n = logits.shape[1]
    shifted = logits - logits.max(axis=0)
    e = np.exp(shifted)
    s = e.sum(axis=0)
    loss = float(np.log(s).mean() - shifted[y, np.arange(n)].mean())
    d = e / s
    d[y, np.arange(n)] -= 1
    return loss, d / np.float32(n)


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
        loss, d = softmax_xent(w3 @ flat + b3[:, None], y)
        dz2 = maxpool_relu_back((w3.T @ d).reshape(m2.shape), m2, r2)
        dm1 = col2im(w2.reshape(16, -1).T @ dz2, dxp2)
        dz1 = maxpool_relu_back(dm1, m1, r1)
        # dW = dZ @ cols.T computed as (cols @ dZ.T).T: the operand order OpenBLAS runs faster
        return loss, [(cols1 @ dz1.T).T.reshape(w1.shape), dz1.sum(axis=1),
                      (cols2 @ dz2.T).T.reshape(w2.shape), dz2.sum(axis=1),
                      d @ flat.T, d.sum(axis=1)]

    return grads


def numpy_step_fn(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    ps = [p.copy() for p in params]
    grads = numpy_grads_fn(x, y)

    def step() -> float:
        loss, gs = grads(ps)
        for p, g in zip(ps, gs):
            p -= LR * g  # in place, float32
        return loss

    return step


# ----------------------------------------------------------------------------- checks


def check_grads(model: Any, x: np.ndarray, y: np.ndarray) -> None:
    """The hand-written gradients match tinygrad_nn's at the starting weights, or raise."""
    params = list(model.parameters())
    for p in params:
        p.grad = None
    loss, grads = numpy_grads_fn(x, y)([p.data.copy() for p in params])
    tg_loss = F.cross_entropy(model(tg.Tensor(x)), y)
    tg_loss.backward()
    worst = 0.0
    for (name, p), g in zip(model.named_parameters(), grads):
        ref = np.asarray(p.grad.data)
        ok = g.shape == ref.shape and g.dtype == np.float32
        err = float(np.abs(g - ref).max() / (np.abs(ref).max() + 1e-12)) if ok else np.inf
        worst = max(worst, err)
        if err > RTOL:
            raise SystemExit(f"NumPy by hand: gradient of {name} differs from tinygrad_nn's "
                             f"(max error {err:.1e} of its largest entry, {g.dtype})")
    for p in params:
        p.grad = None
    print(f"gradients, NumPy by hand vs tinygrad_nn: max error {worst:.1e} (relative to the "
          f"largest entry of each); loss {loss:.6f} vs {tg_loss.item():.6f}")


def check_losses(fns: dict[str, Callable[[], float]], steps: int = 3) -> None:
    """The first losses of every implementation follow tinygrad_nn's, or raise."""
    losses = {name: [fn() for _ in range(steps)] for name, fn in fns.items()}
    ref = np.array(losses["tinygrad_nn"])
    for name, ls in losses.items():
        rel = float(np.max(np.abs(np.array(ls) - ref) / np.abs(ref)))
        print(f"first losses, {name}: " + ", ".join(f"{v:.6f}" for v in ls)
              + ("" if name == "tinygrad_nn" else f" (max relative diff {rel:.1e})"))
        if rel > RTOL:
            raise SystemExit(f"{name} computes losses {ls}, tinygrad_nn {ref.tolist()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    ap.add_argument("--profile", action="store_true", help="profile tinygrad_nn's step")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time with the process CPU clock (steadier on a busy machine)")
    args = ap.parse_args()
    if args.cpu_time:
        CLOCK["clock"] = time.process_time
    blocks, per_block, warmup = (3, 10, 3) if args.quick else (10, 20, 10)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, BATCH)
    tg.manual_seed(0)
    model, tmodel = tg_model(), None
    if torch is not None:
        torch.set_num_threads(1)
        torch.manual_seed(0)
        tmodel = torch_model()
        model.load_state_dict({k: v.detach().numpy().copy()
                               for k, v in tmodel.state_dict().items()})
    check_grads(model, x, y)
    fns: dict[str, Callable[[], float]] = {
        "tinygrad_nn": tg_step_fn(model, x, y),
        "NumPy by hand": numpy_step_fn([p.data for p in model.parameters()], x, y),
    }
    if tmodel is not None:
        fns["PyTorch eager"] = torch_step_fn(tmodel, x, y)
    check_losses(fns)  # same weights, same data: the same trajectory

    times = interleaved(fns, blocks, per_block, warmup, clock=CLOCK["clock"])
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    print(f"\n{platform.processor() or platform.machine()}, NumPy {np.__version__}"
          + (f", PyTorch {torch.__version__}" if torch is not None else "")
          + f"; {blocks * per_block} steps each, 1 thread, float32, "
          + ("process CPU time" if args.cpu_time else "wall clock") + "\n")
    print(f"### CNN train step (batch {BATCH}, 2x conv3x3+ReLU+maxpool2, linear, SGD)\n")
    print("| implementation | median ms | min ms | vs PyTorch | vs NumPy |")
    print("|---|---|---|---|---|")
    pt, ref = med.get("PyTorch eager"), med["NumPy by hand"]
    for name in ("tinygrad_nn", "NumPy by hand", "PyTorch eager"):
        if name in med:
            vs_pt = f"{med[name] / pt:.2f}x" if pt else "-"
            print(f"| {name} | {med[name]:.2f} | {best[name]:.2f} | {vs_pt} | "
                  f"{med[name] / ref:.2f}x |")
    if pt:
        ratio = med["tinygrad_nn"] / pt
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(f"\ntarget: within {TARGET:g}x of PyTorch -> {verdict} ({ratio:.2f}x)")
    if args.profile:
        profile(fns["tinygrad_nn"], 30, lines=12)


if __name__ == "__main__":
    main()
