"""Checkpoints: train, save to HDF5, load into fresh objects, resume exactly where it stopped.

    python examples/checkpoint.py [--epochs 100] [--path run.h5]

A small classifier on the "moons" data trains for ``--epochs`` epochs with Adam and a
learning-rate schedule; the model's, the optimiser's and the scheduler's ``state_dict``
and the epoch counter go to one HDF5 file with ``tinygrad_nn.save`` (an atomic write, no
pickle). A new model, optimiser and scheduler are then built from scratch,
``tinygrad_nn.load`` restores them, and training resumes. The resumed run gives the same
losses as a run that was never interrupted.
"""

import argparse
import os
import tempfile

import numpy as np
from _datasets import moons

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim
from tinygrad_nn.optim.lr_scheduler import StepLR


def build(seed=0):
    """A fresh model, its Adam optimiser and a step-decay schedule."""
    tg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = optim.Adam(model.parameters(), lr=0.03)
    return model, opt, StepLR(opt, step_size=25, gamma=0.5)


def train(model, opt, sched, X, y, first, last, tag):
    losses = []
    for epoch in range(first, last):
        loss = F.binary_cross_entropy_with_logits(model(X).squeeze(1), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        if epoch % 20 == 0 or epoch == last - 1:
            print(f"[{tag}] epoch {epoch:4d}  loss {loss.item():.4f}")
    return losses


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=100, help="epochs before and after the save")
    ap.add_argument("--path", help="checkpoint file (default: a temporary folder)")
    args = ap.parse_args(argv)
    n = args.epochs

    X_np, Y_np = moons(200)
    X, y = tg.tensor(X_np.T), tg.tensor(Y_np[0])  # nn layers take examples as rows
    tmp = tempfile.TemporaryDirectory()
    path = args.path or os.path.join(tmp.name, "checkpoint.h5")

    model, opt, sched = build()
    train(model, opt, sched, X, y, 0, n, "first run")
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "scheduler": sched.state_dict(), "epoch": n}, path)
    print(f"saved {path} ({os.path.getsize(path)} bytes)")

    # a new process would start here: fresh objects, then the saved state
    model, opt, sched = build(seed=123)
    ckpt = tg.load(path)
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    sched.load_state_dict(ckpt["scheduler"])
    print(f"loaded epoch {ckpt['epoch']}; keys {sorted(ckpt)}")
    resumed = train(model, opt, sched, X, y, ckpt["epoch"], 2 * n, "resumed")

    model, opt, sched = build()
    straight = train(model, opt, sched, X, y, 0, 2 * n, "uninterrupted")[n:]
    same = np.allclose(resumed, straight, rtol=1e-5, atol=1e-7)
    print(f"resumed run matches the uninterrupted run: {same}")
    tmp.cleanup()
    if not same:
        raise SystemExit("resuming from the checkpoint changed the training trajectory")


if __name__ == "__main__":
    main()
