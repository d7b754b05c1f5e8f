"""A small convolutional network with a residual block reads handwritten digits (real data).

    python examples/cnn.py [--epochs 12] [--train 1438] [--batch 32] [--lr 0.005] [--out out]

The 8x8 digits of examples/data (scikit-learn's, in the course's HDF5 layout), as NCHW
images (N, 1, 8, 8); 1,438 to train on (--train takes fewer), 359 held out. The network:

    Conv2d(1, 16, 3, padding=1) -> ReLU                                    8x8
    residual block: relu(x + Conv(ReLU(BatchNorm(Conv(x)))))  (3x3, padding 1)
    MaxPool2d(2)                                                          8x8 -> 4x4
    Conv2d(16, 32, 3, stride=2, padding=1) -> ReLU                        4x4 -> 2x2
    Flatten -> Dropout(0.2) -> Linear(32 * 2 * 2, 10)

Softmax cross-entropy, Adam, mini-batches of 32. Prints the loss and the test accuracy every
epoch (about 98 % at the end with the defaults) and writes to --out: the cost curve, test
digits with their predictions and the model's graph.
"""

import argparse

from _common import draw_model, plot_curves, plot_digits, predict, train_classifier
from _datasets import digits

import tinygrad_nn as tg
from tinygrad_nn import nn


class ResidualBlock(nn.Module):
    """y = relu(x + conv2(relu(bn(conv1(x))))); shape-preserving (C, H, W) -> (C, H, W)."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return (x + self.conv2(self.bn(self.conv1(x)).relu())).relu()


class DigitsCNN(nn.Module):
    """Digit classifier: (N, 1, 8, 8) -> logits (N, 10)."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU())
        self.block = ResidualBlock(16)
        self.pool = nn.MaxPool2d(2)
        self.down = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(32 * 2 * 2, classes))

    def forward(self, x):
        return self.head(self.down(self.pool(self.block(self.stem(x)))).relu())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--train", type=int, default=1438, help="number of training pictures")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.005)
    ap.add_argument("--out", default="out", help="folder for the plots and the graph")
    args = ap.parse_args(argv)

    (X, y), test = digits("train"), digits("test")
    train = X[:args.train], y[:args.train]
    tg.manual_seed(0)
    model = DigitsCNN()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{n_params} parameters, train {train[0].shape}, test {test[0].shape}")
    losses = train_classifier(model, train, test, epochs=args.epochs, batch=args.batch,
                              lr=args.lr, tag="CNN")
    predictions = predict(model, test[0])
    print(f"test accuracy {100 * (predictions == test[1]).mean():.1f}% "
          f"({(predictions != test[1]).sum()} of {len(test[1])} digits wrong)")
    plot_curves({"CNN": losses}, args.out, "cnn_cost.png", xlabel="epoch",
                title="digits CNN: training loss")
    plot_digits(test[0], test[1], predictions, args.out, "cnn_predictions.png")
    draw_model(model, tg.tensor(test[0][:1]), args.out, "cnn_graph")


if __name__ == "__main__":
    main()
