"""A deep L-layer network for cat / non-cat pictures: [12288, 20, 7, 5, 1], ReLU ... sigmoid.

    python examples/deep_nn.py [--data DIR] [--iterations 300] [--lr 0.0075]
                               [--layers 12288,20,7,5,1]

The course's "deep neural network, application" model with examples along the last axis:
X (12288, m), W[l] (n_l, n_{l-1}) initialised as ``randn / sqrt(n_{l-1})``, b[l] (n_l, 1),
[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID, cross-entropy cost, gradient descent. The
course's L_model_backward is one call: ``cost.backward()``. Data as in
``logistic_regression_cat.py`` (synthetic pictures unless ``--data`` names the course's folder).
"""

import argparse
import tempfile

from _common import log, plot_curves, progress
from _datasets import cat_files

import tinygrad_nn as tg
from tinygrad_nn.data import load_h5_dataset


def initialize_parameters_deep(layer_dims):
    """[(W1, b1), ..., (WL, bL)] with W_l: (n_l, n_{l-1}) scaled by 1 / sqrt(n_{l-1})."""
    params = []
    for n_in, n_out in zip(layer_dims[:-1], layer_dims[1:]):
        W = (tg.randn(n_out, n_in) / n_in ** 0.5).requires_grad_()
        b = tg.zeros(n_out, 1, requires_grad=True)
        params.append((W, b))
    return params


def L_model_forward(X, params):
    """AL = sigmoid(W_L relu(... relu(W_1 X + b_1) ...) + b_L): (n_x, m) -> (1, m)."""
    A = X
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        A = Z.relu() if l < len(params) - 1 else Z.sigmoid()
    return A


def load(data, folder):
    train_path, test_path = cat_files(data, folder)
    x_train, y_train = load_h5_dataset(train_path, "train_set_x", "train_set_y")
    x_test, y_test = load_h5_dataset(test_path, "test_set_x", "test_set_y")

    def prepare(x, y):  # pictures as columns scaled to [0, 1], labels as a row
        X = tg.tensor(x.reshape(len(x), -1).T / 255.0, dtype=tg.float32)
        return X, tg.tensor(y.reshape(1, -1), dtype=tg.float32)

    return prepare(x_train, y_train), prepare(x_test, y_test)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="folder holding the course's two .h5 files")
    ap.add_argument("--out", default="out", help="folder for the cost curve")
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--lr", type=float, default=0.0075)
    ap.add_argument("--layers", default="12288,20,7,5,1", help="comma-separated layer sizes")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        (X, Y), (X_test, Y_test) = load(args.data, tmp)
    layer_dims = [int(n) for n in args.layers.split(",")]
    if layer_dims[0] != X.shape[0] or layer_dims[-1] != 1:
        raise SystemExit(f"--layers must start with {X.shape[0]} (the pixels) and end with 1, "
                         f"got {layer_dims}")

    tg.manual_seed(1)
    params = initialize_parameters_deep(layer_dims)
    costs = []
    for i in progress(range(args.iterations), desc="gradient descent"):
        AL = L_model_forward(X, params)
        cost = -(Y * AL.log() + (1 - Y) * (1 - AL).log()).mean()
        costs.append(cost.item())
        cost.backward()
        with tg.no_grad():
            for W, b in params:
                W -= args.lr * W.grad
                b -= args.lr * b.grad
                W.grad = b.grad = None
        if i % 50 == 0 or i == args.iterations - 1:
            log(f"cost after iteration {i:4d}: cost {cost.item():.6f}")

    with tg.no_grad():
        for name, x, y in (("train", X, Y), ("test", X_test, Y_test)):
            predictions = L_model_forward(x, params).numpy() > 0.5
            print(f"{name} accuracy: {100 * (predictions == (y.numpy() > 0.5)).mean():.1f}%")

    plot_curves({"cost": costs}, args.out, "deep_nn_cost.png", xlabel="iteration",
                title="L-layer net, cat / non-cat")


if __name__ == "__main__":
    main()
