"""Shared machinery of the side-by-side train-step benchmarks (not a benchmark itself).

``bench_cnn.py`` and ``bench_lstm.py`` each define one network three times (tinygrad_nn,
PyTorch eager, "NumPy by hand") and hand them to :func:`compare_train_steps`, which builds
the same SGD step for each, checks that they compute the same thing and prints one markdown
table of their timings. The pieces it uses (``check_grads``, ``check_steps``,
``interleaved``, ``print_table``, ...) are documented one by one below.

Import this module only after the script has pinned BLAS to one thread: it imports NumPy
and (if installed) PyTorch.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import tinygrad_nn as tg
from tinygrad_nn.nn.utils import clip_grad_norm_

try:
    import torch
except ImportError:  # PyTorch is an optional, test-only reference
    torch = None

Grads = Callable[[list[np.ndarray]], tuple[float, list[np.ndarray]]]
"""grads(params) -> (loss, gradients): a network's forward and backward by hand in NumPy,
for its parameters in tinygrad_nn's ``model.parameters()`` order."""


# ----------------------------------------------------------------- the implementations


def softmax_xent(logits: np.ndarray, y: np.ndarray, axis: int = 1) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of 2-D ``logits`` with the classes along ``axis`` (1: (M, classes),
    0: (classes, M)) and integer labels y (M,), and its gradient; stable (max subtracted)."""
    m = logits.shape[1 - axis]
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=axis, keepdims=True)
    picked = (np.arange(m), y) if axis == 1 else (y, np.arange(m))
    loss = float(np.log(s).mean() - shifted[picked].mean())
    d = np.divide(e, s, out=e)
    d[picked] -= 1
    d /= np.float32(m)
    return loss, d


def train_step(opt: Any, loss_fn: Callable[[], Any],
               before_update: Callable[[], Any] | None = None) -> Callable[[], float]:
    """step() -> loss: zero the gradients, ``loss_fn().backward()``, ``before_update()``
    (e.g. gradient clipping), ``opt.step()``. The same for a tinygrad_nn and a PyTorch
    optimizer (their APIs agree), so that both are timed doing the same work."""

    def step() -> float:
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        if before_update is not None:
            before_update()
        opt.step()
        return loss.item()

    return step


def numpy_sgd_step(params: list[np.ndarray], grads: Grads, lr: float,
                   clip: float | None = None) -> Callable[[], float]:
    """step() -> loss: an SGD step by hand that updates ``params`` in place (float32),
    with ``clip_grad_norm_(clip)`` folded into the learning rate when clip is given."""

    def step() -> float:
        loss, gs = grads(params)
        scale = lr
        if clip is not None:
            total = float(np.sqrt(sum(np.dot(g.ravel(), g.ravel()) for g in gs)))
            scale *= min(1.0, clip / (total + 1e-6))
        for p, g in zip(params, gs):
            p -= np.float32(scale) * g
        return loss

    return step


def numpy_adam_step(params: list[np.ndarray], grads: Grads, lr: float,
                    betas: tuple[float, float] = (0.9, 0.999),
                    eps: float = 1e-8) -> Callable[[], float]:
    """step() -> loss: an Adam step by hand, PyTorch's formulas (m lerps towards g,
    denom = sqrt(v) / sqrt(1 - b2^t) + eps, p -= lr / (1 - b1^t) * m / denom), updating
    ``params`` in place with preallocated state and one scratch buffer per parameter."""
    b1, b2 = betas
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    tmp = [np.empty_like(p) for p in params]
    t = [0]

    def step() -> float:
        loss, gs = grads(params)
        t[0] += 1
        step_size = lr / (1 - b1 ** t[0])
        bc2_sqrt = (1 - b2 ** t[0]) ** 0.5
        for p, g, m, v, w in zip(params, gs, ms, vs, tmp):
            np.subtract(g, m, out=w)
            w *= 1 - b1
            m += w
            v *= b2
            np.multiply(g, g, out=w)
            w *= 1 - b2
            v += w
            np.sqrt(v, out=w)
            w /= bc2_sqrt
            w += eps
            np.divide(m, w, out=w)
            w *= step_size
            p -= w
        return loss

    return step


def paired_models(make_tg: Callable[[], Any],
                  make_torch: Callable[[], Any] | None) -> tuple[Any, Any]:
    """(tinygrad_nn model, PyTorch model or None): built after seeding both libraries with 0,
    PyTorch's state_dict loaded into tinygrad_nn's model so that both start from the same
    weights. PyTorch is left out (None) when it is not installed or make_torch is None."""
    tg.manual_seed(0)
    model = make_tg()
    if torch is None or make_torch is None:
        return model, None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    tmodel = make_torch()
    model.load_state_dict({k: v.detach().numpy().copy() for k, v in tmodel.state_dict().items()})
    return model, tmodel


# ------------------------------------------------------------------------------ checks


def rel_error(a: np.ndarray, ref: np.ndarray) -> float:
    """max |a - ref| relative to the largest entry of ref; inf unless a is float32 of
    ref's shape."""
    if a.shape != ref.shape or a.dtype != np.float32:
        return float("inf")
    return float(np.abs(a - ref).max() / (np.abs(ref).max() + 1e-12))


def check_grads(model: Any, tg_loss: Callable[[], Any], numpy_grads: Grads, rtol: float) -> None:
    """NumPy by hand's gradients match tinygrad_nn's at ``model``'s current weights, each
    within ``rtol`` of its largest entry, or raise SystemExit. ``tg_loss()`` is tinygrad_nn's
    loss tensor of the model; the model's gradients are cleared before and after."""
    params = list(model.parameters())
    for p in params:
        p.grad = None
    loss, grads = numpy_grads([p.detach().numpy().copy() for p in params])
    ref_loss = tg_loss()
    ref_loss.backward()
    worst = 0.0
    for (name, p), g in zip(model.named_parameters(), grads):
        err = rel_error(g, np.asarray(p.grad.numpy()))
        worst = max(worst, err)
        if err > rtol:
            raise SystemExit(f"NumPy by hand: gradient of {name} differs from tinygrad_nn's "
                             f"(max error {err:.1e} of its largest entry, {g.dtype})")
    for p in params:
        p.grad = None
    print(f"gradients, NumPy by hand vs tinygrad_nn: max error {worst:.1e} (relative to the "
          f"largest entry of each); loss {loss:.6f} vs {ref_loss.item():.6f}")


def check_steps(fns: dict[str, Callable[[], float]], params: dict[str, dict[str, np.ndarray]],
                rtol: float, steps: int = 3) -> None:
    """Every implementation follows tinygrad_nn's training trajectory, or raise SystemExit.

    Runs ``steps`` steps of each ``fns[name]`` (a step returning its loss). Its losses must
    match tinygrad_nn's within ``rtol`` (relative), and then its parameters,
    ``params[name]`` (parameter name -> array, updated in place by the steps), must match
    tinygrad_nn's, each within ``rtol`` of its largest entry. The parameters are what
    catches a wrong or missing update: one step may change the loss by less than rtol (the
    LSTM benchmark's by ~6.5e-5 relative), the parameters it changes by far more."""
    losses = {name: [fn() for _ in range(steps)] for name, fn in fns.items()}
    ref, ref_params = np.array(losses["tinygrad_nn"]), params["tinygrad_nn"]
    for name, ls in losses.items():
        if params[name].keys() != ref_params.keys():
            raise SystemExit(f"{name} has parameters {list(params[name])}, "
                             f"tinygrad_nn {list(ref_params)}")
        rel = float(np.max(np.abs(np.array(ls) - ref) / np.abs(ref)))
        errs = {k: rel_error(p, ref_params[k]) for k, p in params[name].items()}
        worst = max(errs, key=errs.__getitem__)
        print(f"first losses, {name}: " + ", ".join(f"{v:.6f}" for v in ls)
              + ("" if name == "tinygrad_nn" else f" (max relative diff {rel:.1e}; parameters "
                 f"after {steps} steps: max error {errs[worst]:.1e})"))
        if rel > rtol:
            raise SystemExit(f"{name} computes losses {ls}, tinygrad_nn {ref.tolist()}")
        if errs[worst] > rtol:
            raise SystemExit(f"{name}: parameter {worst} after {steps} steps differs from "
                             f"tinygrad_nn's (max error {errs[worst]:.1e} of its largest entry)")


# ---------------------------------------------------------------------- timing, report


def minor_faults() -> int:
    """Minor page faults of this process so far (``getrusage``): a fault is a page the
    kernel had to map (and zero) because freed memory went back to it."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def interleaved(fns: dict[str, Callable[[], Any]], blocks: int, per_block: int, warmup: int,
                clock: Callable[[], float] = time.perf_counter,
                faults: dict[str, float] | None = None) -> dict[str, list[float]]:
    """Per-step times (ms) of each fn, run in alternating blocks after a warm-up, so that
    background load hits every implementation alike. Given a dict ``faults``, also fills
    it with each fn's minor page faults per step (counted around whole blocks)."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    flt = dict.fromkeys(fns, 0)
    for _ in range(blocks):
        for name, fn in fns.items():
            f0 = minor_faults()
            for _ in range(per_block):
                t0 = clock()
                fn()
                times[name].append((clock() - t0) * 1e3)
            flt[name] += minor_faults() - f0
    if faults is not None:
        faults.update({k: v / (blocks * per_block) for k, v in flt.items()})
    return times


def profile(step: Callable[[], Any], n: int, lines: int = 15) -> None:
    """Print where ``n`` calls of ``step`` spend their time (cProfile, by own time)."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        step()
    prof.disable()
    print(f"\ntinygrad_nn step profile ({n} steps, by own time):")
    pstats.Stats(prof).sort_stats("tottime").print_stats(lines)


def print_table(title: str, med: dict[str, float], best: dict[str, float],
                faults: dict[str, float] | None = None) -> None:
    """Print a markdown table under ``### title``: median and min ms per step of
    tinygrad_nn, NumPy by hand and PyTorch eager (those timed), their medians relative
    to PyTorch's ("-" without it) and to NumPy by hand's, and (given ``faults``) the
    minor page faults per step."""
    print(f"### {title}\n")
    extra = " faults/step |" if faults is not None else ""
    print("| implementation | median ms | min ms | vs PyTorch | vs NumPy |" + extra)
    print("|---|---|---|---|---|" + ("---|" if faults is not None else ""))
    pt, ref = med.get("PyTorch eager"), med["NumPy by hand"]
    for name in med:
        vs_pt = f"{med[name] / pt:.2f}x" if pt else "-"
        flt = f" {faults[name]:.0f} |" if faults is not None else ""
        print(f"| {name} | {med[name]:.2f} | {best[name]:.2f} | {vs_pt} | "
              f"{med[name] / ref:.2f}x |" + flt)
    print()


def report_goal(workload: str, value: float, ref_value: float, ref_name: str, unit: str,
                goal: float) -> None:
    """Print issue 13's verdict for one workload: tinygrad_nn's ``value`` against the
    reference's, and whether the ratio is within ``goal``. Also prints the same as one
    ``GOAL {json}`` line, which ``run_all.py`` collects (and aggregates over runs)."""
    ratio = value / ref_value
    verdict = "met" if ratio <= goal else "NOT met"
    print(f"goal, {workload}: tinygrad_nn {value:.4g} {unit} vs {ref_name} {ref_value:.4g} "
          f"{unit} = {ratio:.2f}x (goal <= {goal:g}x): {verdict}")
    print("GOAL " + json.dumps({"workload": workload, "value": value, "ref": ref_value,
                                "ref_name": ref_name, "unit": unit, "goal": goal}))


def parse_args(doc: str) -> argparse.Namespace:
    """The options of a train-step benchmark: --quick, --profile, --cpu-time."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    ap.add_argument("--profile", action="store_true", help="profile tinygrad_nn's step")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time with the process CPU clock (steadier on a busy machine)")
    return ap.parse_args()


def compare_train_steps(doc: str, title: str, *, make_tg: Callable[[], Any],
                        make_torch: Callable[[], Any] | None,
                        tg_loss: Callable[[Any], Callable[[], Any]],
                        torch_loss: Callable[[Any], Callable[[], Any]],
                        numpy_grads: Grads, lr: float, clip: float | None = None,
                        adam: bool = False, goal: tuple[str, str, float],
                        rtol: float, profile_lines: int = 15) -> None:
    """A train-step benchmark's ``main()``: tinygrad_nn vs NumPy by hand vs PyTorch eager.

    Parses the options (:func:`parse_args`; ``doc``'s first line describes the script);
    builds both models with the same weights (:func:`paired_models`); checks NumPy by
    hand's gradients (:func:`check_grads`); builds one SGD(lr) step per implementation
    (Adam(lr) with ``adam``; :func:`numpy_adam_step` by hand), clipping the gradients'
    norm at ``clip`` if given (:func:`train_step`, :func:`numpy_sgd_step`); checks that
    they follow the same trajectory (:func:`check_steps`); times them in alternating
    blocks, counting page faults (:func:`interleaved`) and prints the machine, then the
    table under ``### title`` (:func:`print_table`) and issue 13's verdict
    ``goal = (workload, reference implementation, largest ratio)`` (:func:`report_goal`);
    with --profile, also profiles tinygrad_nn's step (``profile_lines`` lines).

    ``tg_loss(model)`` / ``torch_loss(model)`` return a function computing that model's
    loss tensor on the benchmark's data; ``numpy_grads`` is the same network by hand."""
    args = parse_args(doc)
    clock = time.process_time if args.cpu_time else time.perf_counter
    blocks, per_block, warmup = (3, 10, 3) if args.quick else (10, 20, 10)

    model, tmodel = paired_models(make_tg, make_torch)
    check_grads(model, tg_loss(model), numpy_grads, rtol)
    names = [k for k, _ in model.named_parameters()]
    tg_params = list(model.parameters())
    np_params = [p.detach().numpy().copy() for p in tg_params]  # NumPy by hand updates these
    tg_opt = (tg.optim.Adam(tg_params, lr=lr) if adam else tg.optim.SGD(tg_params, lr=lr))
    fns: dict[str, Callable[[], float]] = {
        "tinygrad_nn": train_step(tg_opt, tg_loss(model),
                                  None if clip is None else
                                  lambda: clip_grad_norm_(tg_params, clip)),
        "NumPy by hand": (numpy_adam_step(np_params, numpy_grads, lr) if adam else
                          numpy_sgd_step(np_params, numpy_grads, lr, clip)),
    }
    params = {"tinygrad_nn": {k: p.detach().numpy() for k, p in zip(names, tg_params)},
              "NumPy by hand": dict(zip(names, np_params))}
    if tmodel is not None:
        t_params = list(tmodel.parameters())
        t_opt = (torch.optim.Adam(t_params, lr=lr) if adam else
                 torch.optim.SGD(t_params, lr=lr))
        fns["PyTorch eager"] = train_step(t_opt, torch_loss(tmodel),
                                          None if clip is None else
                                          lambda: torch.nn.utils.clip_grad_norm_(t_params, clip))
        params["PyTorch eager"] = {k: p.detach().numpy() for k, p in tmodel.named_parameters()}
    check_steps(fns, params, rtol)  # same weights, same data: the same trajectory

    faults: dict[str, float] = {}
    times = interleaved(fns, blocks, per_block, warmup, clock=clock, faults=faults)
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    print(f"\n{platform.processor() or platform.machine()}, NumPy {np.__version__}"
          + (f", PyTorch {torch.__version__}" if torch is not None else "")
          + f"; {blocks * per_block} steps each, 1 thread, float32, "
          + ("process CPU time" if args.cpu_time else "wall clock") + "\n")
    print_table(title, med, best, faults)
    workload, ref_name, target = goal
    if ref_name in med:
        report_goal(workload, med["tinygrad_nn"], med[ref_name], ref_name, "ms", target)
    if args.profile:
        profile(fns["tinygrad_nn"], 30, lines=profile_lines)
