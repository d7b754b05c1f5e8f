"""Initialisation, regularisation and gradient checking (the course's week-1 notebooks).

    python examples/regularization.py [--iterations 1000] [--part init|regularize|gradcheck|all]

1. Initialisation of a 3-layer ReLU net on the "circles" data: zeros (the hidden units stay
   identical and nothing is learnt), large random values (slow, unstable start) and He.
2. Regularisation of an over-fitting net on a small noisy "moons" set: none, L2
   (cost + lambda / (2 m) * sum ||W||^2) and inverted dropout (``F.dropout``).
3. Gradient checking of the whole model with ``tinygrad_nn.gradcheck``, and a deliberately
   wrong custom ``Function`` that the check catches.
Examples along the last axis as in the course: X (2, m), Y (1, m).
"""

import argparse

import numpy as np
from _datasets import circles, moons

import tinygrad_nn as tg
import tinygrad_nn.functional as F


def init_params(layer_dims, how, dtype=np.float32):
    """[(W, b)] per layer; W: (n_l, n_{l-1}) from "zeros", "random" (x 10) or "he"."""
    params = []
    for n_in, n_out in zip(layer_dims[:-1], layer_dims[1:]):
        if how == "zeros":
            W = tg.zeros(n_out, n_in, dtype=dtype)
        elif how == "random":
            W = tg.randn(n_out, n_in, dtype=dtype) * 10
        else:  # He et al.: keeps the variance of ReLU activations constant across layers
            W = tg.randn(n_out, n_in, dtype=dtype) * np.sqrt(2.0 / n_in)
        params.append((W.requires_grad_(), tg.zeros(n_out, 1, dtype=dtype, requires_grad=True)))
    return params


def forward(X, params, keep_prob=1.0, training=False):
    """[LINEAR -> RELU -> (dropout)] x (L-1) -> LINEAR: (n_x, m) -> logits (1, m).

    The output sigmoid is folded into the cost (``binary_cross_entropy_with_logits``), which
    stays finite when a large initialisation saturates it.
    """
    A = X
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        if l == len(params) - 1:
            return Z
        A = F.dropout(Z.relu(), p=1 - keep_prob, training=training and keep_prob < 1)


def cost_fn(Z, Y, params, lambd=0.0):
    """Cross-entropy of sigmoid(Z), plus the L2 penalty lambda / (2 m) * sum of squared W."""
    cost = F.binary_cross_entropy_with_logits(Z, Y)
    if lambd:
        cost = cost + lambd / (2 * Y.shape[1]) * sum((W * W).sum() for W, _ in params)
    return cost


def train(X, Y, params, iterations, lr, tag, lambd=0.0, keep_prob=1.0):
    for i in range(iterations):
        cost = cost_fn(forward(X, params, keep_prob, training=True), Y, params, lambd)
        cost.backward()
        with tg.no_grad():
            for W, b in params:
                W -= lr * W.grad
                b -= lr * b.grad
                W.grad = b.grad = None
        if i % max(1, iterations // 4) == 0 or i == iterations - 1:
            print(f"[{tag}] iteration {i:5d}  cost {cost.item():.4f}")
    return params


def accuracy(params, X, Y):
    with tg.no_grad():
        return 100 * ((forward(X, params).numpy() > 0) == (Y.numpy() > 0.5)).mean()


def part_init(iterations):
    print("== 1. initialisation, 3-layer net [2, 10, 5, 1] on circles ==")
    X, Y = map(tg.tensor, circles(300, seed=1))
    X_t, Y_t = map(tg.tensor, circles(100, seed=2))
    for how in ("zeros", "random", "he"):
        tg.manual_seed(3)
        params = train(X, Y, init_params([2, 10, 5, 1], how), iterations, 0.05, how)
        print(f"[{how}] train accuracy {accuracy(params, X, Y):.1f}%, "
              f"test accuracy {accuracy(params, X_t, Y_t):.1f}%")


def part_regularize(iterations):
    print("== 2. regularisation, net [2, 40, 20, 1] on 60 noisy moons ==")
    X, Y = map(tg.tensor, moons(60, noise=0.35, seed=4))  # few points: easy to over-fit
    X_t, Y_t = map(tg.tensor, moons(400, noise=0.35, seed=5))
    for tag, lambd, keep_prob in (("none", 0.0, 1.0), ("L2", 0.7, 1.0), ("dropout", 0.0, 0.86)):
        tg.manual_seed(3)
        params = train(X, Y, init_params([2, 40, 20, 1], "he"), iterations, 0.3, tag,
                       lambd=lambd, keep_prob=keep_prob)
        print(f"[{tag}] train accuracy {accuracy(params, X, Y):.1f}%, "
              f"test accuracy {accuracy(params, X_t, Y_t):.1f}%")


class BuggySquare(tg.Function):
    """y = x^2, with the classic mistake of a missing factor 2 in backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return x * g  # should be 2 * x * g


def part_gradcheck():
    print("== 3. gradient checking (float64, two-sided differences) ==")
    tg.manual_seed(0)
    X_np, Y_np = moons(8)
    X, Y = tg.tensor(X_np.astype(np.float64)), tg.tensor(Y_np.astype(np.float64))
    params = init_params([2, 5, 3, 1], "he", dtype=np.float64)
    flat = [p for pair in params for p in pair]

    def model_cost(*ps):  # the cost as a function of every weight and bias
        pairs = list(zip(ps[::2], ps[1::2]))
        return cost_fn(forward(X, pairs), Y, pairs, lambd=0.1)

    print("model gradients match finite differences:", tg.gradcheck(model_cost, flat))
    x = tg.tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    try:
        tg.gradcheck(BuggySquare.apply, [x])
    except tg.GradcheckError as e:
        print("the wrong backward is caught:", str(e).splitlines()[0])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--part", choices=("init", "regularize", "gradcheck", "all"), default="all")
    args = ap.parse_args(argv)
    if args.part in ("init", "all"):
        part_init(args.iterations)
    if args.part in ("regularize", "all"):
        part_regularize(args.iterations)
    if args.part in ("gradcheck", "all"):
        part_gradcheck()


if __name__ == "__main__":
    main()
