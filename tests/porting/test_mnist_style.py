"""Porting tests: MNIST-style classifiers (a CNN and an LSTM over image rows), written as a
PyTorch user writes them; only the import differs. Random images stand in for MNIST."""

from __future__ import annotations

from typing import Any

import numpy as np

from .porting_helpers import (
    compare_with_torch,
    decreased,
    dtype_name,
    load_arrays,
    run_ours,
    state_arrays,
)


def _batches(torch: Any, n_batches: int, size: int, shape: tuple[int, ...]) -> list[Any]:
    rng = np.random.default_rng(0)
    out = []
    for _ in range(n_batches):
        x = rng.random((size, *shape), dtype=np.float32)
        y = rng.integers(0, 10, size)
        x[np.arange(size), 0, y] += 1.0  # row `label` is brighter: a pattern both models can learn
        out.append((torch.tensor(x), torch.tensor(y)))
    return out


def cnn_classifier(torch: Any, steps: int = 20, deterministic: bool = False,
                   init: dict | None = None) -> dict[str, Any]:
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    from_sched = torch.optim.lr_scheduler.StepLR
    torch.manual_seed(1)
    p = 0.0 if deterministic else 0.25

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, 3, 1)
            self.conv2 = nn.Conv2d(8, 16, 3, 1)
            self.dropout1 = nn.Dropout2d(p)
            self.dropout2 = nn.Dropout(2 * p)
            self.fc1 = nn.Linear(16 * 5 * 5, 32)
            self.fc2 = nn.Linear(32, 10)

        def forward(self, x: Any) -> Any:
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = self.dropout2(F.relu(self.fc1(x)))
            return F.log_softmax(self.fc2(x), dim=1)

    use_cuda = torch.cuda.is_available()
    device = torch.device("cuda" if use_cuda else "cpu")
    model = Net().to(device)
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = from_sched(optimizer, step_size=1, gamma=0.7)
    data = _batches(torch, 2, 16, (1, 14, 14))
    losses, lrs = [], []
    model.train()
    for step in range(steps):
        x, target = data[step % 2]
        x, target = x.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(x)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if step % 10 == 9:
            scheduler.step()
            lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for x, target in data:
            output = model(x)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            values, idx = output.max(1, keepdim=True)
            assert bool((idx == pred).all())
            correct += pred.eq(target.view_as(pred)).sum().item()
    return {"losses": losses, "init": init_state, "lrs": lrs, "out_shape": tuple(output.shape),
            "out_dtype": dtype_name(output.dtype), "pred_shape": tuple(pred.shape),
            "pred_dtype": dtype_name(pred.dtype), "correct_type": type(correct).__name__,
            "test_loss_type": type(test_loss).__name__}


def rnn_classifier(torch: Any, steps: int = 12, deterministic: bool = False,
                   init: dict | None = None) -> dict[str, Any]:
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    torch.manual_seed(1)
    p = 0.0 if deterministic else 0.25

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = nn.LSTM(input_size=14, hidden_size=32, batch_first=True)
            self.batchnorm = nn.BatchNorm1d(32)
            self.dropout1 = nn.Dropout2d(p)
            self.fc1 = nn.Linear(32, 16)
            self.fc2 = nn.Linear(16, 10)

        def forward(self, input: Any) -> Any:
            input = input.reshape(-1, 14, 14)
            output, hidden = self.rnn(input)
            output = output[:, -1, :]
            output = self.dropout1(self.batchnorm(output))
            output = F.relu(self.fc1(output))
            return F.log_softmax(self.fc2(output), dim=1)

    model = Net().to(torch.device("cpu"))
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    data = _batches(torch, 2, 16, (1, 14, 14))
    losses = []
    model.train()
    for step in range(steps):
        x, target = data[step % 2]
        optimizer.zero_grad()
        loss = F.nll_loss(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    scheduler.step()
    model.eval()
    with torch.no_grad():
        output = model(data[0][0])
    return {"losses": losses, "init": init_state, "out_shape": tuple(output.shape),
            "out_dtype": dtype_name(output.dtype),
            "lr": round(optimizer.param_groups[0]["lr"], 6)}


def test_cnn_classifier_trains() -> None:
    out = run_ours(cnn_classifier)
    assert decreased(out["losses"])
    assert out["out_shape"] == (16, 10) and out["out_dtype"] == "float32"
    assert out["pred_shape"] == (16, 1) and out["pred_dtype"] == "int64"
    assert out["lrs"] == [0.7, 0.49]
    assert out["correct_type"] == "int" and out["test_loss_type"] == "float"


def test_cnn_classifier_matches_torch() -> None:
    compare_with_torch(cnn_classifier)


def test_rnn_classifier_trains() -> None:
    out = run_ours(rnn_classifier)
    assert decreased(out["losses"])
    assert out["out_shape"] == (16, 10) and out["out_dtype"] == "float32"


def test_rnn_classifier_matches_torch() -> None:
    compare_with_torch(rnn_classifier)
