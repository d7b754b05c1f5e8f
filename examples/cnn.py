"""A small convolutional network with a residual block, on synthetic line pictures.

    python examples/cnn.py [--epochs 8] [--train 240] [--batch 32] [--lr 0.01]

Pictures are 1 x 16 x 16 (NCHW) with one line each: horizontal, vertical or diagonal (the
three classes), at a random place, over noise. The network:

    Conv2d(1, 8, 3, padding=1) -> ReLU -> MaxPool2d(2)                      16x16 -> 8x8
    residual block: x + Conv(ReLU(BatchNorm(Conv(x))))  (3x3, padding 1)     8x8
    Conv2d(8, 16, 3, stride=2, padding=1) -> ReLU                            8x8 -> 4x4
    Flatten -> Linear(16 * 4 * 4, 3)
"""

import argparse

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim
from tinygrad_nn.data import DataLoader, TensorDataset


def line_pictures(m, size=16, seed=0):
    """Images (m, 1, size, size) float32 and labels (m,): 0 horizontal, 1 vertical, 2 diagonal."""
    rng = np.random.RandomState(seed)
    X = rng.normal(0, 0.3, (m, 1, size, size)).astype(np.float32)
    y = rng.randint(0, 3, m)
    for img, label in zip(X[:, 0], y):
        k = rng.randint(2, size - 2)
        if label == 0:
            img[k, :] += 1.0
        elif label == 1:
            img[:, k] += 1.0
        else:
            idx = np.arange(size)
            img[idx, (idx + k) % size] += 1.0
    return X, y


class ResidualBlock(nn.Module):
    """y = relu(x + conv2(relu(bn(conv1(x))))); shape-preserving (C, H, W) -> (C, H, W)."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return (x + self.conv2(self.bn(self.conv1(x)).relu())).relu()


class SmallCNN(nn.Module):
    """Line-direction classifier: (N, 1, 16, 16) -> logits (N, 3)."""

    def __init__(self, classes=3):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.block = ResidualBlock(8)
        self.down = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(16 * 4 * 4, classes))

    def forward(self, x):
        return self.head(self.down(self.block(self.stem(x))).relu())


def accuracy(model, X, y):
    model.eval()
    with tg.no_grad():
        predictions = model(tg.Tensor(X)).argmax(axis=1).numpy()
    model.train()
    return 100 * (predictions == y).mean()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--train", type=int, default=240, help="number of training pictures")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.01)
    args = ap.parse_args(argv)

    tg.manual_seed(0)
    X, y = line_pictures(args.train, seed=0)
    X_test, y_test = line_pictures(120, seed=1)
    loader = DataLoader(TensorDataset(X, y), batch_size=args.batch, shuffle=True)

    model = SmallCNN()
    opt = optim.Adam(model.parameters(), lr=args.lr)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{n_params} parameters, input {X.shape}")
    for epoch in range(args.epochs):
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        print(f"epoch {epoch}  loss {total / len(X):.4f}  "
              f"test accuracy {accuracy(model, X_test, y_test):.1f}%")


if __name__ == "__main__":
    main()
