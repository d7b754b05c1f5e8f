"""Regenerate the figures of docs/training.md (public API only).

    python docs/make_training_figures.py            # writes docs/images/training_*.png
    python docs/make_training_figures.py --epochs 5000 --out /tmp/figs

1. ``training_optimizers.png``: the deep-learning course's comparison. The same 3-layer
   network (2 -> 5 -> 2 -> 1, ReLU, ReLU, sigmoid; He initialisation) is trained on the same
   "moons" data set with mini-batch gradient descent, momentum, RMSprop and Adam, using the
   course's hyper-parameters (lr 0.0007, batches of 64 from ``random_mini_batches`` with a new
   seed every epoch). Top: cost per epoch; bottom: each model's decision boundary.
2. ``training_lr_schedules.png``: learning rate against epoch for the schedulers of
   ``tinygrad_nn.optim.lr_scheduler``.

Takes about 15 s of CPU with the default 2000 epochs. The course trains for 5000: the
picture is the same, gradient descent and momentum are just further along (``--epochs 5000``).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import optim
from tinygrad_nn.data import random_mini_batches
from tinygrad_nn.optim import lr_scheduler

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = [2, 5, 2, 1]  # the course's layers_dims for the moons data
LR = 0.0007  # the course's learning rate for all three of its optimisers
BETA = 0.9  # the course's momentum beta


# ------------------------------------------------------------------------------ data, model


def make_moons(m: int = 300, noise: float = 0.2, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with Gaussian noise; X: (2, m), Y: (1, m) in {0, 1}.

    The same construction as ``sklearn.datasets.make_moons`` (which the course uses), in
    NumPy; examples are columns, the course's layout.
    """
    rng = np.random.default_rng(seed)
    n_out = m // 2
    n_in = m - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    outer = np.stack([np.cos(t_out), np.sin(t_out)])
    inner = np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)])
    X = np.concatenate([outer, inner], axis=1) + rng.normal(scale=noise, size=(2, m))
    Y = np.concatenate([np.zeros(n_out), np.ones(n_in)]).reshape(1, m)
    order = rng.permutation(m)
    return X[:, order], Y[:, order]


def init_params(layers: list[int], seed: int = 3) -> dict[str, tg.Tensor]:
    """He initialisation: W_l ~ N(0, 2 / n_{l-1}) of shape (n_l, n_{l-1}), b_l = 0."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layers)):
        w = rng.normal(size=(layers[l], layers[l - 1])) * np.sqrt(2.0 / layers[l - 1])
        params[f"W{l}"] = tg.Tensor(w, requires_grad=True)
        params[f"b{l}"] = tg.zeros(layers[l], 1, dtype=tg.float64, requires_grad=True)
    return params


def forward(params: dict[str, tg.Tensor], X: np.ndarray) -> tg.Tensor:
    """LINEAR -> RELU -> LINEAR -> RELU -> LINEAR; X: (2, m) -> logits (1, m)."""
    a = tg.Tensor(X)
    n = len(params) // 2
    for l in range(1, n):
        a = (params[f"W{l}"] @ a + params[f"b{l}"]).relu()
    return params[f"W{n}"] @ a + params[f"b{n}"]


def predict(params: dict[str, tg.Tensor], X: np.ndarray) -> np.ndarray:
    """Class 1 where sigmoid(logit) > 0.5, i.e. logit > 0; X: (2, m) -> (1, m) bool."""
    with tg.no_grad():
        return forward(params, X).numpy() > 0


def train(
    make_optimizer, X: np.ndarray, Y: np.ndarray, epochs: int, batch_size: int = 64
) -> tuple[dict[str, tg.Tensor], list[float]]:
    """The course's ``model()``: mini-batches reshuffled every epoch; returns params, costs."""
    params = init_params(LAYERS)  # the same start for every optimiser
    opt = make_optimizer(list(params.values()))
    m = X.shape[1]
    costs = []
    for epoch in range(epochs):
        total = 0.0
        # the course starts from seed = 10 and adds 1 before every epoch
        for xb, yb in random_mini_batches(X, Y, batch_size, seed=11 + epoch):
            loss = F.binary_cross_entropy_with_logits(forward(params, xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[1]
        costs.append(total / m)  # the course's cost_avg: mean loss over the epoch
    return params, costs


OPTIMIZERS = [
    # name, colour, line style, factory. SGD(lr=α(1-β), momentum=β) is exactly the course's
    # v = βv + (1-β)dW; W -= αv (PyTorch's buffer is v / (1-β)).
    ("Mini-batch GD", "#9a9a9a", dict(lw=5, ls="-"), lambda p: optim.SGD(p, lr=LR)),
    (
        "Momentum (β=0.9)",
        "#1f77b4",
        dict(lw=2, ls="--"),
        lambda p: optim.SGD(p, lr=LR * (1 - BETA), momentum=BETA),
    ),
    ("RMSprop", "#2ca02c", dict(lw=5, ls="-", alpha=0.6), lambda p: optim.RMSprop(p, lr=LR)),
    (
        "Adam",
        "#d62728",
        dict(lw=2, ls="--"),
        lambda p: optim.Adam(p, lr=LR, betas=(0.9, 0.999), eps=1e-8),
    ),
]


# ------------------------------------------------------------------------------ figures


def figure_optimizers(path: str, epochs: int) -> None:
    """Cost curves (top) and decision boundaries (bottom) of the four optimisers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    X, Y = make_moons()
    results = []
    for name, colour, style, factory in OPTIMIZERS:
        t0 = time.perf_counter()
        params, costs = train(factory, X, Y, epochs)
        acc = float((predict(params, X) == (Y > 0.5)).mean())
        results.append((name, colour, style, params, costs, acc))
        print(
            f"  {name:18s} final cost {costs[-1]:.4f}  accuracy {acc:.1%}  "
            f"({time.perf_counter() - t0:.1f} s)"
        )

    fig = plt.figure(figsize=(15, 7.8), constrained_layout=True)
    grid = fig.add_gridspec(2, 4, height_ratios=[1.0, 1.05])
    ax = fig.add_subplot(grid[0, :])
    for name, colour, style, _, costs, acc in results:
        ax.plot(
            np.arange(1, epochs + 1),
            costs,
            color=colour,
            **style,
            label=f"{name}  (final cost {costs[-1]:.3f}, accuracy {acc:.0%})",
        )
    ax.set_xlabel("epoch", fontsize=12)
    ax.set_ylabel("cost (mean cross-entropy)", fontsize=12)
    ax.set_xlim(0, epochs)
    ax.set_ylim(0, None)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=11)
    ax.legend(fontsize=11.5, loc="upper right", framealpha=0.95)
    ax.set_title(
        f"Same 3-layer net, same data, same start: lr = {LR}, mini-batches of 64, "
        f"{epochs} epochs (GD and momentum overlap, and so do RMSprop and Adam)",
        fontsize=13,
    )

    pad = 0.6
    x0, x1 = X[0].min() - pad, X[0].max() + pad
    y0, y1 = X[1].min() - pad, X[1].max() + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    grid_points = np.stack([gx.ravel(), gy.ravel()])
    background = ListedColormap(["#fbd3b4", "#bfd9f0"])
    for i, (name, colour, _, params, _, acc) in enumerate(results):
        ax = fig.add_subplot(grid[1, i])
        zz = predict(params, grid_points).reshape(gx.shape)
        ax.contourf(gx, gy, zz, levels=[-0.5, 0.5, 1.5], cmap=background)
        ax.contour(gx, gy, zz, levels=[0.5], colors="k", linewidths=1.0)
        for label, c, marker in ((0, "#e6550d", "o"), (1, "#08519c", "s")):
            sel = Y[0] == label
            ax.scatter(
                X[0, sel],
                X[1, sel],
                s=16,
                c=c,
                marker=marker,
                edgecolors="white",
                linewidths=0.4,
                label=f"class {label}",
            )
        ax.set_title(
            f"{name}\ntraining accuracy {acc:.1%}", fontsize=12, color=colour, fontweight="bold"
        )
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
        for spine in ax.spines.values():
            spine.set_edgecolor(colour)
            spine.set_linewidth(2)
        if i == 0:
            ax.legend(fontsize=9, loc="lower left", framealpha=0.9)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def lr_curve(make_scheduler, epochs: int, lr: float = 0.1) -> list[float]:
    """The learning rate each epoch trains with, under ``make_scheduler(optimizer)``."""
    w = tg.zeros(1, requires_grad=True)
    opt = optim.SGD([w], lr=lr)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()  # (a real run trains an epoch here)
        sched.step()
    return lrs


def warmup_then_linear(epoch: int) -> float:
    """Linear warm-up for 10 epochs, then linear decay to 0 at epoch 100."""
    return (epoch + 1) / 10 if epoch < 10 else max(0.0, (100 - epoch) / 90)


SCHEDULES = [
    # class name, arguments, formula (matplotlib mathtext), factory
    (
        "StepLR",
        "step_size=30, gamma=0.1",
        r"$\mathrm{lr}_e = \mathrm{lr}_0 \cdot 0.1^{\lfloor e/30 \rfloor}$",
        lambda o: lr_scheduler.StepLR(o, step_size=30, gamma=0.1),
    ),
    (
        "ExponentialLR",
        "gamma=0.95",
        r"$\mathrm{lr}_e = \mathrm{lr}_0 \cdot 0.95^{\,e}$",
        lambda o: lr_scheduler.ExponentialLR(o, gamma=0.95),
    ),
    (
        "CosineAnnealingLR",
        "T_max=100, eta_min=1e-3",
        r"$\mathrm{lr}_e = \eta_{min} + (\mathrm{lr}_0 - \eta_{min})\,\times$"
        "\n"
        r"$\frac{1}{2}\,(1 + \cos(\pi e / 100))$",
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=100, eta_min=1e-3),
    ),
    (
        "LambdaLR",
        "lr_lambda=warmup_then_linear",
        r"$\mathrm{lr}_e = \mathrm{lr}_0 \cdot \lambda(e)$",
        lambda o: lr_scheduler.LambdaLR(o, warmup_then_linear),
    ),
    (
        "InverseTimeDecayLR",
        "decay_rate=0.1",
        r"$\mathrm{lr}_e = \dfrac{\mathrm{lr}_0}{1 + 0.1\,e}$",
        lambda o: lr_scheduler.InverseTimeDecayLR(o, decay_rate=0.1),
    ),
    (
        "InverseTimeDecayLR",
        "decay_rate=1, time_interval=20",
        r"$\mathrm{lr}_e = \dfrac{\mathrm{lr}_0}{1 + \lfloor e/20 \rfloor}$",
        lambda o: lr_scheduler.InverseTimeDecayLR(o, decay_rate=1.0, time_interval=20),
    ),
    (
        "CosineAnnealingWarmRestarts",
        "T_0=20, T_mult=2",
        "cosine from lr$_0$ over 20,\nthen 40 epochs, ...",
        lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2),
    ),
    (
        "OneCycleLR",
        "max_lr=0.1, total_steps=101",
        "warm up to max_lr (30%),\nanneal to max_lr / 10$^4$",
        lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=101),
    ),
    (
        "SequentialLR",
        "[LinearLR, CosineAnnealingLR], [10]",
        "LinearLR(0.1 → 1, 10 epochs),\nthen CosineAnnealingLR(90)",
        lambda o: lr_scheduler.SequentialLR(
            o, [lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
                lr_scheduler.CosineAnnealingLR(o, T_max=90)], milestones=[10]),
    ),
]


def figure_schedules(path: str, epochs: int = 100) -> None:
    """lr against epoch, one panel per scheduler, all from lr₀ = 0.1."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        3, 3, figsize=(15, 11), sharex=True, sharey=True, constrained_layout=True
    )
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2",
               "#17becf", "#bcbd22"]
    for ax, (cls, args, formula, make), colour in zip(axes.ravel(), SCHEDULES, colours):
        lrs = lr_curve(make, epochs)
        ax.step(np.arange(epochs), lrs, where="post", color=colour, lw=2.2)
        ax.fill_between(np.arange(epochs), lrs, step="post", color=colour, alpha=0.12)
        ax.set_title(f"{cls}\n{args}", fontsize=12, family="monospace", loc="left", color=colour)
        ax.text(
            0.97,
            0.94,
            formula,
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=14,
            bbox=dict(boxstyle="round,pad=0.4", fc="white", ec="0.7"),
        )
        ax.grid(alpha=0.3)
        ax.set_xlim(0, epochs)
        ax.set_ylim(0, 0.108)
        ax.tick_params(labelsize=11)
    for ax in axes[-1]:
        ax.set_xlabel("epoch e", fontsize=12)
    for ax in axes[:, 0]:
        ax.set_ylabel("learning rate", fontsize=12)
    fig.suptitle(
        "Learning-rate schedules from tinygrad_nn.optim.lr_scheduler "
        "(lr₀ = 0.1, one scheduler.step() per epoch)",
        fontsize=14,
    )
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--epochs",
        type=int,
        default=2000,
        help="epochs of the optimiser comparison (the course uses 5000)",
    )
    parser.add_argument(
        "--out",
        default=os.path.join(HERE, "images"),
        help="folder for the PNG files (default: docs/images)",
    )
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    path = os.path.join(args.out, "training_lr_schedules.png")
    figure_schedules(path)
    print(f"wrote {path}")
    path = os.path.join(args.out, "training_optimizers.png")
    figure_optimizers(path, args.epochs)
    print(f"wrote {path}")
    print(f"done in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
