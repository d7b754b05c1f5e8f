"""CNN benchmark: one SGD training step of a small MNIST-style convnet, tinygrad_nn vs PyTorch.

Run by hand (never part of the test suite), single-threaded, side by side in one process::

    python benchmarks/bench_cnn.py             # ~20 s
    python benchmarks/bench_cnn.py --quick     # a few seconds, noisier
    python benchmarks/bench_cnn.py --profile   # also: where tinygrad_nn's step spends time

The step, float32, batch 32 of 1x28x28 inputs:
Conv2d(1, 8, 3, padding=1) ReLU MaxPool2d(2) -> Conv2d(8, 16, 3, padding=1) ReLU MaxPool2d(2)
-> Flatten -> Linear(784, 10), cross-entropy, backward, SGD(lr=0.01) update. Both models
start from the same weights (PyTorch's state_dict loaded into tinygrad_nn), and the first
losses are compared as a sanity check.

Steps of the two libraries are timed in alternating blocks, so background load hits both
alike. Prints the median milliseconds per step and the ratio as a markdown table row.
Target: tinygrad_nn within 2.5x of PyTorch eager. Results go to docs/performance.md.
"""

from __future__ import annotations

import os

# single-threaded BLAS for every library, set BEFORE NumPy (or torch) is imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _harness import interleaved, profile  # noqa: E402

import tinygrad_nn as tg  # noqa: E402
import tinygrad_nn.functional as F  # noqa: E402
from tinygrad_nn import nn  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is an optional, test-only reference
    torch = None

BATCH, LR = 32, 0.01


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


def tg_step_fn(model: Any, x: np.ndarray, y: np.ndarray) -> tuple[Callable[[], float], Any]:
    params = list(model.parameters())
    try:
        from tinygrad_nn.optim import SGD

        opt = SGD(params, lr=LR)
        update, zero = opt.step, opt.zero_grad
    except ImportError:  # before tinygrad_nn.optim exists: the same update by hand
        def update() -> None:
            with tg.no_grad():
                for p in params:
                    p -= LR * p.grad

        def zero() -> None:
            for p in params:
                p.grad = None

    xt = tg.Tensor(x)

    def step() -> float:
        zero()
        loss = F.cross_entropy(model(xt), y)
        loss.backward()
        update()
        return loss.item()

    return step, model


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    ap.add_argument("--profile", action="store_true", help="profile tinygrad_nn's step")
    args = ap.parse_args()
    blocks, per_block, warmup = (3, 10, 3) if args.quick else (10, 20, 10)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, BATCH)
    model = tg_model()
    fns: dict[str, Callable[[], Any]] = {}
    if torch is not None:
        torch.set_num_threads(1)
        torch.manual_seed(0)
        tmodel = torch_model()
        state = {k: v.detach().numpy().copy() for k, v in tmodel.state_dict().items()}
        model.load_state_dict(state)
        fns["torch"] = torch_step_fn(tmodel, x, y)
    step, _ = tg_step_fn(model, x, y)
    fns["tinygrad_nn"] = step
    if torch is not None:  # same weights, same data: the first losses agree
        a, b = fns["tinygrad_nn"](), fns["torch"]()
        print(f"first-step loss: tinygrad_nn {a:.6f}, torch {b:.6f} (|diff| {abs(a - b):.1e})")

    times = interleaved(fns, blocks, per_block, warmup)
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    print(f"\n{platform.processor() or platform.machine()}, NumPy {np.__version__}"
          + (f", PyTorch {torch.__version__}" if torch is not None else "")
          + f"; {blocks * per_block} steps each, 1 thread, float32\n")
    print("| benchmark | tinygrad_nn (median / min ms) | PyTorch eager (median / min ms) | ratio |")
    print("|---|---|---|---|")
    tg_cell = f"{med['tinygrad_nn']:.2f} / {best['tinygrad_nn']:.2f}"
    if torch is not None:
        ratio = med["tinygrad_nn"] / med["torch"]
        print(f"| CNN train step (batch {BATCH}, 2x conv3x3+ReLU+maxpool2, linear) | {tg_cell} | "
              f"{med['torch']:.2f} / {best['torch']:.2f} | {ratio:.2f}x |")
        print(f"\ntarget: within 2.5x of PyTorch -> {'met' if ratio <= 2.5 else 'NOT met'}")
    else:
        print(f"| CNN train step (batch {BATCH}) | {tg_cell} | (torch not installed) | - |")
    if args.profile:
        profile(fns["tinygrad_nn"], 30, lines=12)


if __name__ == "__main__":
    main()
