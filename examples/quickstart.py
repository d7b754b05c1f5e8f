"""Quickstart: a one-hidden-layer network learns XOR-like quadrants (the README's demo).

    python examples/quickstart.py

400 random points in the plane, labelled 1 where both coordinates have the same sign: no
straight line separates the classes, one tanh hidden layer can. 300 points train the
network (Adam, binary cross-entropy on logits); the other 100 measure the test accuracy.
Prints the loss falling and the test accuracy; runs in about a second. The code below is,
line for line, the demo block at the top of README.md (tests/examples checks that).
"""

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim

tg.manual_seed(0)
X = tg.randn(400, 2)                                  # 400 points in the plane
y = (X[:, 0] * X[:, 1] > 0).float()                   # label: same-sign quadrants (XOR)
X_train, y_train, X_test, y_test = X[:300], y[:300], X[300:], y[300:]

model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
opt = optim.Adam(model.parameters(), lr=0.05)
for step in range(301):
    loss = F.binary_cross_entropy_with_logits(model(X_train).squeeze(1), y_train)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 100 == 0:
        print(f"step {step:3d}  loss {loss.item():.3f}")

with tg.no_grad():
    predicted = (model(X_test).squeeze(1) > 0).float()
print(f"test accuracy {(predicted == y_test).float().mean().item():.1%}")
