"""A multi-layer perceptron reads handwritten digits (real data: 8x8 scans, 10 classes).

    python examples/digits_mlp.py [--epochs 30] [--hidden 64] [--lr 0.005] [--out out]

The 1,797 digits scikit-learn ships (examples/data/*_digits.h5, the course's HDF5 layout;
1,438 to train on, 359 held out). Each 8x8 picture is flattened to 64 grey levels:

    Flatten -> Linear(64, hidden) -> ReLU -> Linear(hidden, 10)      (N, 1, 8, 8) -> (N, 10)

trained with softmax cross-entropy and Adam on shuffled mini-batches of 32. Prints the loss
and the test accuracy after every epoch (about 97 % at the end with the defaults), and writes
to --out: the cost curve, the first test digits with their predictions, the model's graph.
"""

import argparse

from _common import draw_model, plot_curves, plot_digits, predict, train_classifier
from _datasets import digits

import tinygrad_nn as tg
from tinygrad_nn import nn


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.005)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--out", default="out", help="folder for the plots and the graph")
    args = ap.parse_args(argv)

    train, test = digits("train"), digits("test")
    print(f"train {train[0].shape}, test {test[0].shape}")
    tg.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, args.hidden), nn.ReLU(),
                          nn.Linear(args.hidden, 10))
    losses = train_classifier(model, train, test, epochs=args.epochs, batch=args.batch,
                              lr=args.lr, tag="MLP")
    predictions = predict(model, test[0])
    print(f"test accuracy {100 * (predictions == test[1]).mean():.1f}% "
          f"({(predictions != test[1]).sum()} of {len(test[1])} digits wrong)")
    plot_curves({"MLP": losses}, args.out, "digits_mlp_cost.png", xlabel="epoch",
                title="digits MLP: training loss")
    plot_digits(test[0], test[1], predictions, args.out, "digits_mlp_predictions.png")
    draw_model(model, tg.tensor(test[0][:1]), args.out, "digits_mlp_graph")


if __name__ == "__main__":
    main()
