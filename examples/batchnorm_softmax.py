"""A softmax classifier with batch normalisation on a 3-class spiral.

    python examples/batchnorm_softmax.py [--epochs 60] [--batch 32] [--lr 0.02]

Model: Linear(2, 64) -> BatchNorm1d(64) -> ReLU -> Linear(64, 3), trained with the
softmax cross-entropy loss (``F.cross_entropy`` on logits and integer labels) and Adam on
shuffled mini-batches from a ``DataLoader``. In ``train()`` mode BatchNorm normalises with
each batch's statistics and updates its running averages; ``eval()`` switches to those.
The learning rate follows a cosine schedule down to zero.
"""

import argparse

from _datasets import spiral

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim
from tinygrad_nn.data import DataLoader, TensorDataset
from tinygrad_nn.optim.lr_scheduler import CosineAnnealingLR


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.02)
    args = ap.parse_args(argv)

    tg.manual_seed(0)
    X, y = spiral(100, classes=3)  # X (300, 2), y (300,) in {0, 1, 2}
    loader = DataLoader(TensorDataset(X, y), batch_size=args.batch, shuffle=True,
                        drop_last=True)  # no tiny last batch: its statistics are noisy

    model = nn.Sequential(nn.Linear(2, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 3))
    opt = optim.Adam(model.parameters(), lr=args.lr)
    sched = CosineAnnealingLR(opt, T_max=args.epochs)  # large steps first, then settle
    X_all, y_all = tg.tensor(X), tg.tensor(y)
    for epoch in range(args.epochs):
        model.train()  # BatchNorm normalises with each batch's statistics
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        model.eval()  # BatchNorm now uses its running mean and variance
        with tg.no_grad():
            logits = model(X_all)
            loss = F.cross_entropy(logits, y_all)
        if epoch % max(1, args.epochs // 6) == 0 or epoch == args.epochs - 1:
            print(f"epoch {epoch:3d}  loss {loss.item():.4f} (whole set, eval mode)")

    probs = logits.softmax(axis=1)
    accuracy = (logits.argmax(axis=1).numpy() == y).mean()
    print(f"training accuracy {100 * accuracy:.1f}%")
    print("class probabilities of the first 3 points (rows sum to 1):")
    print(probs[:3].numpy().round(3))
    bn = model[1]
    print(f"BatchNorm running mean[:4] {bn.running_mean[:4].numpy().round(3)}, "
          f"batches tracked {int(bn.num_batches_tracked.item())}")


if __name__ == "__main__":
    main()
