"""Quickstart: a one-hidden-layer network learns the planar "flower" data set.

    python examples/quickstart.py [--epochs 1500] [--hidden 8] [--lr 0.05]

The 400 points of two classes form the petals of a flower (the deep-learning course's
planar data set, generated here). A linear classifier cannot separate them; one tanh hidden
layer can. Prints the loss falling and the final accuracy; runs in a few seconds.
"""

import argparse

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim


def flower(m=400, seed=1):
    """Points X (m, 2) on a four-petal flower and labels y (m,), half of each class."""
    rng = np.random.RandomState(seed)
    n = m // 2
    t = np.r_[np.linspace(0, 3.12, n), np.linspace(3.12, 6.24, n)] + rng.randn(m) * 0.2
    r = 4 * np.sin(4 * t) + rng.randn(m) * 0.2
    X = np.c_[r * np.sin(t), r * np.cos(t)].astype(np.float32)
    y = np.r_[np.zeros(n), np.ones(n)].astype(np.float32)
    return X, y


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=1500)
    ap.add_argument("--hidden", type=int, default=8)
    ap.add_argument("--lr", type=float, default=0.05)
    args = ap.parse_args(argv)

    tg.manual_seed(0)
    X_np, y_np = flower()
    X, y = tg.Tensor(X_np), tg.Tensor(y_np)

    model = nn.Sequential(nn.Linear(2, args.hidden), nn.Tanh(), nn.Linear(args.hidden, 1))
    opt = optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs + 1):
        loss = F.binary_cross_entropy_with_logits(model(X).squeeze(1), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % max(1, args.epochs // 10) == 0:
            print(f"epoch {epoch:5d}  loss {loss.item():.4f}")

    with tg.no_grad():
        accuracy = ((model(X).squeeze(1) > 0).numpy() == (y_np > 0.5)).mean()
    print(f"training accuracy {100 * accuracy:.1f}%")
    print(model)


if __name__ == "__main__":
    main()
