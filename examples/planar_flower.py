"""Planar data classification with one hidden layer (the course's "flower" model).

    python examples/planar_flower.py [--iterations 4000] [--hidden 4] [--lr 1.2]
                                     [--sweep] [--out out]

Course layout: examples along the last axis, X (2, 400), Y (1, 400); parameters W1 (n_h, 2),
b1 (n_h, 1), W2 (1, n_h), b2 (1, 1) initialised as ``randn * 0.01``; tanh hidden layer,
sigmoid output, cross-entropy cost, plain gradient descent. ``backward()`` replaces the
hand-written backward propagation. ``--sweep`` compares hidden-layer sizes. Writes the decision
boundary and the cost curve to --out (needs matplotlib; skipped with a note when missing).
"""

import argparse

from _common import log, plot_curves, progress, pyplot, save_figure
from _datasets import planar_flower

import tinygrad_nn as tg


def init_parameters(n_x, n_h, n_y):
    """Small random weights, zero biases (the course's ``initialize_parameters``)."""
    params = {
        "W1": tg.randn(n_h, n_x) * 0.01, "b1": tg.zeros(n_h, 1),
        "W2": tg.randn(n_y, n_h) * 0.01, "b2": tg.zeros(n_y, 1),
    }
    return {name: p.requires_grad_() for name, p in params.items()}


def forward(X, p):
    """A2 = sigmoid(W2 tanh(W1 X + b1) + b2): (2, m) -> (1, m)."""
    A1 = (p["W1"] @ X + p["b1"]).tanh()
    return (p["W2"] @ A1 + p["b2"]).sigmoid()


def compute_cost(A2, Y):
    """Cross-entropy -1/m sum(Y log A2 + (1 - Y) log(1 - A2))."""
    return -(Y * A2.log() + (1 - Y) * (1 - A2).log()).mean()


def nn_model(X, Y, n_h, iterations, lr, print_cost=True):
    params = init_parameters(X.shape[0], n_h, Y.shape[0])
    costs = []
    for i in progress(range(iterations), desc=f"{n_h} hidden units"):
        cost = compute_cost(forward(X, params), Y)
        cost.backward()
        with tg.no_grad():
            for p in params.values():
                p -= lr * p.grad
                p.grad = None
        costs.append(cost.item())
        if print_cost and (i % 1000 == 0 or i == iterations - 1):
            log(f"iteration {i:5d}  cost {costs[-1]:.6f}")
    return params, costs


def accuracy(params, X, Y):
    with tg.no_grad():
        predictions = forward(X, params).numpy() > 0.5
    return 100 * (predictions == (Y.numpy() > 0.5)).mean()


def plot_decision_boundary(params, X, Y, folder):
    plt = pyplot()
    if plt is None:
        return
    import numpy as np

    x, y = X.numpy(), Y.numpy()
    xx, yy = np.meshgrid(np.linspace(x[0].min() - 1, x[0].max() + 1, 200),
                         np.linspace(x[1].min() - 1, x[1].max() + 1, 200))
    grid = tg.tensor(np.c_[xx.ravel(), yy.ravel()].T.astype(np.float32))
    with tg.no_grad():
        zz = (forward(grid, params).numpy() > 0.5).reshape(xx.shape)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.contourf(xx, yy, zz, cmap=plt.cm.Spectral)
    ax.scatter(x[0], x[1], c=y[0], s=12, cmap=plt.cm.Spectral, edgecolors="k")
    ax.set_title("Decision boundary, one hidden layer")
    save_figure(plt, fig, folder, "flower_boundary.png", "decision boundary")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=4000)
    ap.add_argument("--hidden", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1.2)
    ap.add_argument("--sweep", action="store_true", help="also try hidden sizes 1 to 20")
    ap.add_argument("--out", default="out", help="folder for the plots")
    args = ap.parse_args(argv)

    tg.manual_seed(3)
    X_np, Y_np = planar_flower()
    X, Y = tg.tensor(X_np), tg.tensor(Y_np)
    print(f"X {X.shape}, Y {Y.shape}")
    params, costs = nn_model(X, Y, args.hidden, args.iterations, args.lr)
    print(f"accuracy with {args.hidden} hidden units: {accuracy(params, X, Y):.1f}%")
    if args.sweep:
        for n_h in (1, 2, 3, 5, 20):
            p, _ = nn_model(X, Y, n_h, args.iterations, args.lr, print_cost=False)
            print(f"hidden layer of size {n_h:2d}: accuracy {accuracy(p, X, Y):.1f}%")
    plot_decision_boundary(params, X, Y, args.out)
    plot_curves({"cost": costs}, args.out, "flower_cost.png", xlabel="iteration",
                title=f"flower, {args.hidden} hidden units")


if __name__ == "__main__":
    main()
