"""Logistic regression as a neural network: cat / non-cat pictures (the course's first model).

    python examples/logistic_regression_cat.py [--data DIR] [--iterations 600] [--lr 0.005]

``--data DIR`` reads the course's ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` from
DIR; without it the script writes synthetic pictures in exactly that format (keys
``train_set_x`` (m, 64, 64, 3) uint8, ``train_set_y`` (m,), ``test_set_x``, ``test_set_y``,
``list_classes``) to a temporary folder. The model is the course's: y_hat = sigmoid(w.T x + b)
on flattened, normalised pixels, trained by gradient descent with ``backward()``.
"""

import argparse
import tempfile

from _common import log, plot_curves, progress
from _datasets import cat_files

import tinygrad_nn as tg
from tinygrad_nn.data import load_h5_dataset


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="folder holding the course's two .h5 files")
    ap.add_argument("--out", default="out", help="folder for the cost curve")
    ap.add_argument("--iterations", type=int, default=600)
    ap.add_argument("--lr", type=float, default=0.005)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        train_path, test_path = cat_files(args.data, tmp)
        train_x_orig, train_y = load_h5_dataset(train_path, "train_set_x", "train_set_y")
        test_x_orig, test_y = load_h5_dataset(test_path, "test_set_x", "test_set_y")
    print(f"train {train_x_orig.shape}, test {test_x_orig.shape}, "
          f"{int(train_y.sum())} cats in the training set")

    # one column per picture: (64 * 64 * 3, m), pixel values scaled to [0, 1]
    X = tg.tensor(train_x_orig.reshape(len(train_x_orig), -1).T / 255.0, dtype=tg.float32)
    Y = tg.tensor(train_y.reshape(1, -1), dtype=tg.float32)
    X_test = tg.tensor(test_x_orig.reshape(len(test_x_orig), -1).T / 255.0, dtype=tg.float32)
    Y_test = tg.tensor(test_y.reshape(1, -1), dtype=tg.float32)

    w = tg.zeros((X.shape[0], 1), requires_grad=True)  # zeros are fine for logistic regression
    b = tg.tensor(0.0, requires_grad=True)
    costs = []
    for i in progress(range(args.iterations), desc="gradient descent"):
        A = (w.T @ X + b).sigmoid()  # (1, m) probabilities of "cat"
        cost = -(Y * A.log() + (1 - Y) * (1 - A).log()).mean()
        costs.append(cost.item())
        cost.backward()
        with tg.no_grad():
            w -= args.lr * w.grad
            b -= args.lr * b.grad
        w.grad = b.grad = None
        if i % 100 == 0 or i == args.iterations - 1:
            log(f"iteration {i:5d}  cost {cost.item():.6f}")

    with tg.no_grad():
        for name, x, y in (("train", X, Y), ("test", X_test, Y_test)):
            prediction = (w.T @ x + b).sigmoid() > 0.5
            accuracy = (prediction.numpy() == (y.numpy() > 0.5)).mean()
            print(f"{name} accuracy: {100 * accuracy:.1f}%")

    plot_curves({"cost": costs}, args.out, "cat_logistic_cost.png", xlabel="iteration",
                title="logistic regression, cat / non-cat")


if __name__ == "__main__":
    main()
