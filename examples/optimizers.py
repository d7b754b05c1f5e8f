"""Optimisation methods: mini-batch GD, momentum, RMSprop and Adam, then learning-rate decay.

    python examples/optimizers.py [--epochs 300] [--lr 0.01] [--batch 64] [--out out]

The course's "moons" experiment: a [2, 5, 2, 1] ReLU net, mini-batches of 64 drawn with
``tinygrad_nn.data.random_mini_batches`` (the course's batches, a new shuffle each epoch),
each optimiser from ``tinygrad_nn.optim`` started from the same initial weights. Then plain
mini-batch GD again with the course's scheduled inverse-time decay
lr = lr0 / (1 + decay_rate * floor(epoch / interval)), as a ``LambdaLR`` scheduler.
Each run reports its accuracy on 1,000 held-out points; the cost curves of all runs go to
one plot in --out (optimizers.png).

PyTorch's (and tinygrad_nn's) momentum accumulates v = beta v + g rather than the course's
v = beta v + (1 - beta) g, so the same learning rate takes steps about 1 / (1 - beta) larger.
"""

import argparse

import numpy as np
from _common import plot_curves, progress
from _datasets import moons

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim
from tinygrad_nn.data import random_mini_batches
from tinygrad_nn.optim.lr_scheduler import LambdaLR


def make_model():
    tg.manual_seed(2)  # the same initial weights for every optimiser
    return nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 2), nn.ReLU(), nn.Linear(2, 1))


def train(model, opt, data, epochs, batch, tag, scheduler=None):
    (X, Y), (X_test, Y_test) = data
    costs = []
    for epoch in progress(range(epochs), desc=tag):
        total = 0.0
        for mb_X, mb_Y in random_mini_batches(X, Y, batch, seed=epoch):
            # the course stores examples as columns; nn layers take them as rows
            logits = model(tg.tensor(mb_X.T)).squeeze(1)
            loss = F.binary_cross_entropy_with_logits(logits, tg.tensor(mb_Y[0]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * mb_X.shape[1]
        costs.append(total / X.shape[1])
        if scheduler is not None:
            scheduler.step()
        if epoch % max(1, epochs // 5) == 0 or epoch == epochs - 1:
            lr = opt.param_groups[0]["lr"]
            print(f"[{tag}] epoch {epoch:4d}  cost {total / X.shape[1]:.4f}  lr {lr:.5f}")
    with tg.no_grad():
        predictions = model(tg.tensor(X_test.T)).squeeze(1).numpy() > 0
    print(f"[{tag}] accuracy {100 * (predictions == (Y_test[0] > 0.5)).mean():.1f}% "
          "on held-out points")
    return costs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--out", default="out", help="folder for the plot")
    args = ap.parse_args(argv)

    data = moons(300, noise=0.2), moons(1000, noise=0.2, seed=4)  # X (2, m), Y (1, m)
    curves = {}
    runs = {
        "gd": lambda ps: optim.SGD(ps, lr=args.lr),
        "momentum": lambda ps: optim.SGD(ps, lr=args.lr, momentum=0.9),
        "rmsprop": lambda ps: optim.RMSprop(ps, lr=args.lr),
        "adam": lambda ps: optim.Adam(ps, lr=args.lr),
    }
    for tag, make_opt in runs.items():
        model = make_model()
        curves[tag] = train(model, make_opt(model.parameters()), data, args.epochs, args.batch,
                            tag)

    # learning-rate decay: a larger start that shrinks every `interval` epochs
    decay_rate, interval = 1.0, max(1, args.epochs // 10)
    model = make_model()
    opt = optim.SGD(model.parameters(), lr=10 * args.lr)
    sched = LambdaLR(opt, lambda epoch: 1 / (1 + decay_rate * np.floor(epoch / interval)))
    curves["gd+decay"] = train(model, opt, data, args.epochs, args.batch, "gd+decay",
                               scheduler=sched)
    plot_curves(curves, args.out, "optimizers.png", xlabel="epoch",
                title="moons: optimisers compared")


if __name__ == "__main__":
    main()
