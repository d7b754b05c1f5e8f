"""LSTM benchmark: one training step of a character-level language model, tinygrad_nn vs PyTorch.

Run by hand (never part of the test suite), single-threaded, side by side in one process::

    python benchmarks/bench_lstm.py             # ~30 s
    python benchmarks/bench_lstm.py --quick     # a few seconds, noisier
    python benchmarks/bench_lstm.py --profile   # also: where tinygrad_nn's step spends time
    python benchmarks/bench_lstm.py --cpu-time  # CPU clock: steadier on a busy machine

The step, float32: vocabulary 64, sequences of 32 characters, batch 16; one-hot input
(64 features) -> LSTM(64, 128) -> Linear(128, 64) at every step; cross-entropy over all
32 x 16 predictions, backward, gradient clipping at norm 5 (``nn.utils.clip_grad_norm_``),
SGD(lr=0.1) update. Both models start from the same weights (PyTorch's state_dict loaded
into tinygrad_nn) and the first losses are compared as a sanity check.

Steps of the two libraries are timed in alternating blocks, so background load hits both
alike. Prints median / min milliseconds per step and the ratio as a markdown table.
Target: tinygrad_nn within 2x of PyTorch eager. Results go to docs/performance.md.
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

import tinygrad_nn as tg  # noqa: E402
import tinygrad_nn.functional as F  # noqa: E402
from tinygrad_nn import nn  # noqa: E402
from tinygrad_nn.nn.recurrent import LSTM  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is an optional, test-only reference
    torch = None

VOCAB, STEPS, BATCH, HIDDEN, LR, CLIP = 64, 32, 16, 128, 0.1, 5.0
TARGET = 2.0
CLOCK = {"clock": time.perf_counter}  # or time.process_time with --cpu-time


class CharLM(nn.Module):
    """One-hot characters (T, N, V) -> LSTM -> Linear -> logits (T, N, V)."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = LSTM(VOCAB, HIDDEN)
        self.head = nn.Linear(HIDDEN, VOCAB)

    def forward(self, x: Any) -> Any:
        out, _ = self.lstm(x)
        return self.head(out)


def _clip_grad_norm(params: list[Any], max_norm: float) -> None:
    try:
        from tinygrad_nn.nn.utils import clip_grad_norm_
    except ImportError:  # the same clipping by hand
        total = float(np.sqrt(sum(float((p.grad.data ** 2).sum()) for p in params)))
        if total > max_norm:
            for p in params:
                p.grad.data *= max_norm / (total + 1e-6)
        return
    clip_grad_norm_(params, max_norm)


def tg_step_fn(model: Any, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    params = list(model.parameters())
    opt = tg.optim.SGD(params, lr=LR)
    xt = tg.Tensor(x)
    flat_y = y.reshape(-1)

    def step() -> float:
        opt.zero_grad()
        logits = model(xt)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), flat_y)
        loss.backward()
        _clip_grad_norm(params, CLIP)
        opt.step()
        return loss.item()

    return step


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


def torch_step_fn(model: Any, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    params = list(model.parameters())
    opt = torch.optim.SGD(params, lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.reshape(-1))

    def step() -> float:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt).reshape(-1, VOCAB), yt)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
        return loss.item()

    return step


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
    chars = rng.integers(0, VOCAB, (STEPS + 1, BATCH))
    x = np.eye(VOCAB, dtype=np.float32)[chars[:-1]]  # (T, N, V) one-hot
    y = chars[1:]  # the next character at every step
    tg.manual_seed(0)
    model = CharLM()
    fns: dict[str, Callable[[], Any]] = {}
    if torch is not None:
        torch.set_num_threads(1)
        torch.manual_seed(0)
        tmodel = torch_model()
        model.load_state_dict({k: v.detach().numpy().copy()
                               for k, v in tmodel.state_dict().items()})
        fns["PyTorch eager"] = torch_step_fn(tmodel, x, y)
    fns["tinygrad_nn"] = tg_step_fn(model, x, y)
    if torch is not None:  # same weights, same data: the first losses agree
        a, b = fns["tinygrad_nn"](), fns["PyTorch eager"]()
        print(f"first-step loss: tinygrad_nn {a:.6f}, torch {b:.6f} (|diff| {abs(a - b):.1e})")

    times = interleaved(fns, blocks, per_block, warmup, clock=CLOCK["clock"])
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    print(f"\n{platform.processor() or platform.machine()}, NumPy {np.__version__}"
          + (f", PyTorch {torch.__version__}" if torch is not None else "")
          + f"; {blocks * per_block} steps each, 1 thread, float32, "
          + ("process CPU time" if args.cpu_time else "wall clock") + "\n")
    print(f"### LSTM language-model train step (vocab {VOCAB}, T {STEPS}, batch {BATCH}, "
          f"LSTM {VOCAB}->{HIDDEN}, Linear {HIDDEN}->{VOCAB}, clip {CLIP:g}, SGD)\n")
    print("| implementation | median ms | min ms | vs PyTorch |")
    print("|---|---|---|---|")
    ref = med.get("PyTorch eager")
    for name in ("tinygrad_nn", "PyTorch eager"):
        if name in med:
            ratio = f"{med[name] / ref:.2f}x" if ref else "-"
            print(f"| {name} | {med[name]:.2f} | {best[name]:.2f} | {ratio} |")
    if ref:
        ratio = med["tinygrad_nn"] / ref
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(f"\ntarget: within {TARGET:g}x of PyTorch -> {verdict} ({ratio:.2f}x)")
    if args.profile:
        profile(fns["tinygrad_nn"], 30)


if __name__ == "__main__":
    main()
