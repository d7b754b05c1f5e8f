"""Porting tests: the short programs a newcomer writes from PyTorch tutorials and forum answers
(top-level math functions, NumPy bridges, legacy constructors, device handling, a custom autograd
Function, Variable, grad_fn walking, new_* with dtype, f-strings, Dataset/DataLoader).
Each `prog_*` is written once against the module `torch` and run on both libraries."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import tinygrad_nn

from .porting_helpers import assert_same, decreased, dtype_name


def prog_sine_fit(torch: Any) -> dict[str, Any]:
    """Fit y = a + b x + c x^2 + d x^3 to sin(x) with raw tensors and a manual update."""
    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    rng = np.random.default_rng(0)
    a, b, c, d = (torch.tensor(float(v), requires_grad=True) for v in rng.normal(size=4))
    losses = []
    for _ in range(200):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= 1e-5 * p.grad
                p.grad = None
        losses.append(loss.item())
    return {"losses": [round(v, 1) for v in losses[::40]], "decreased": decreased(losses),
            "exp": round(torch.exp(torch.tensor(1.0)).item(), 5), "x_dtype": dtype_name(x.dtype),
            "desc": f"y = {a.item():.1f} + {b.item():.1f} x", "a_shape": tuple(a.shape)}


def prog_numpy_bridge(torch: Any) -> dict[str, Any]:
    """from_numpy shares memory; legacy *Tensor constructors; dtype aliases."""
    arr = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = torch.from_numpy(arr)
    arr[0, 0] = 100.0
    longs = torch.LongTensor([1, 2, 3])
    floats = torch.FloatTensor([1, 2, 3])
    empty = torch.FloatTensor(2, 3)
    f = torch.tensor([1, 2], dtype=torch.float)
    return {"shared": t[0, 0].item(), "t_dtype": dtype_name(t.dtype),
            "long": dtype_name(longs.dtype), "float": dtype_name(floats.dtype),
            "empty_shape": tuple(empty.shape), "f": dtype_name(f.dtype),
            "float_is_float32": torch.float is torch.float32,
            "long_is_int64": torch.long is torch.int64,
            "back": t.numpy().tolist(), "as_float": dtype_name(t.float().dtype),
            "tensor_of_list": dtype_name(torch.Tensor([1, 2]).dtype)}


def prog_device(torch: Any) -> dict[str, Any]:
    """Device-agnostic code: cuda.is_available() picks the CPU here."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = torch.nn.Linear(3, 2).to(device)
    x = torch.zeros(4, 3, device=device)
    y = torch.ones(4, 3, device="cpu")
    z = torch.randn(4, 3, device=device)
    out = model(x + y + z.to(device))
    return {"device": str(device), "x_device": str(x.device), "out_device": str(out.device),
            "type": device.type, "cuda": torch.cuda.is_available(),
            "count": torch.cuda.device_count(), "mps": torch.backends.mps.is_available(),
            "accel": torch.accelerator.is_available(), "shape": tuple(out.shape)}


def prog_custom_function(torch: Any) -> dict[str, Any]:
    """A custom autograd.Function (the classic MyReLU) inside a two-layer net."""

    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, input: Any) -> Any:
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (input,) = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    rng = np.random.default_rng(0)
    x = torch.tensor(rng.normal(size=(16, 4)).astype(np.float32))
    y = torch.tensor(rng.normal(size=(16, 1)).astype(np.float32))
    w1 = torch.tensor(rng.normal(size=(4, 8)).astype(np.float32), requires_grad=True)
    w2 = torch.tensor(rng.normal(size=(8, 1)).astype(np.float32), requires_grad=True)
    losses = []
    for _ in range(20):
        h = MyReLU.apply(x.mm(w1))
        loss = (h.mm(w2) - y).pow(2).mean()
        loss.backward()
        with torch.no_grad():
            w1 -= 0.05 * w1.grad
            w2 -= 0.05 * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
        losses.append(loss.item())
    h = MyReLU.apply(x.mm(w1))
    builtin = torch.relu(x.mm(w1))
    return {"losses": [round(v, 4) for v in losses[::5]], "decreased": decreased(losses),
            "same_as_relu": bool(torch.equal(h, builtin)), "requires_grad": h.requires_grad,
            "has_grad_fn": h.grad_fn is not None}


def prog_variable_and_graph(torch: Any) -> dict[str, Any]:
    """The old 'autograd tutorial': Variable, grad_fn, next_functions, backward of a mean."""
    from_autograd = torch.autograd.Variable
    x = from_autograd(torch.ones(2, 2), requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    out.backward()
    nxt = y.grad_fn.next_functions
    return {"x_grad": x.grad.tolist(), "y_grad_fn": y.grad_fn.name(),
            "out_grad_fn": out.grad_fn.name(), "n_next": len(nxt),
            "next_is_accumulate": type(nxt[0][0]).__name__ == "AccumulateGrad",
            "accumulate_variable_is_x": nxt[0][0].variable is x,
            "x_leaf": x.is_leaf, "y_leaf": y.is_leaf, "x_grad_fn": x.grad_fn is None,
            "is_variable_tensor": isinstance(x, torch.Tensor)}


def prog_new_and_format(torch: Any) -> dict[str, Any]:
    """new_ones/new_zeros/new_full with dtype=, f-string formatting of a loss, .item()."""
    w = torch.randn(3, 3)
    ones = w.new_ones(2, 3, dtype=torch.int64)
    zeros = w.new_zeros((2,))
    full = w.new_full((2, 2), 7.0, dtype=torch.float64)
    nt = w.new_tensor([1, 2])
    loss = (torch.ones(3) * 0.12345).sum()
    return {"ones": (tuple(ones.shape), dtype_name(ones.dtype)),
            "zeros": (tuple(zeros.shape), dtype_name(zeros.dtype)),
            "full": (full.tolist(), dtype_name(full.dtype)), "new_tensor": dtype_name(nt.dtype),
            "fmt": f"loss {loss:.3f}", "fmt_e": f"{loss:.2e}", "fmt_plain": f"{loss.item():.4f}",
            "is_fp": (w.is_floating_point(), ones.is_floating_point())}


def prog_data_pipeline(torch: Any) -> dict[str, Any]:
    """A custom Dataset, DataLoader with shuffle, random_split, TensorDataset, a short training."""
    Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

    class Points(Dataset):
        def __init__(self) -> None:
            rng = np.random.default_rng(0)
            self.x = rng.normal(size=(40, 3)).astype(np.float32)
            self.y = (self.x @ np.array([1.0, -2.0, 0.5], dtype=np.float32))[:, None]

        def __len__(self) -> int:
            return len(self.x)

        def __getitem__(self, i: int) -> tuple[Any, Any]:
            return torch.from_numpy(self.x[i]), torch.from_numpy(self.y[i])

    ds = Points()
    train, val = torch.utils.data.random_split(ds, [30, 10],
                                               generator=torch.Generator().manual_seed(0))
    loader = DataLoader(train, batch_size=8, shuffle=True)
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    losses, shapes = [], set()
    for _ in range(5):
        for xb, yb in loader:
            shapes.add((tuple(xb.shape), dtype_name(xb.dtype)))
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    td = torch.utils.data.TensorDataset(torch.arange(6), torch.arange(6) * 2)
    labels = [b[1].tolist() for b in DataLoader(td, batch_size=4)]
    return {"decreased": decreased(losses), "n_batches": len(loader), "len_train": len(train),
            "len_val": len(val), "shapes": sorted(shapes), "labels": labels}


PROGRAMS = [prog_sine_fit, prog_numpy_bridge, prog_device, prog_custom_function,
            prog_variable_and_graph, prog_new_and_format, prog_data_pipeline]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_runs_and_learns(program: Any) -> None:
    out = program(tinygrad_nn)
    if "decreased" in out:
        assert out["decreased"]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_same_results_as_torch(program: Any) -> None:
    torch = pytest.importorskip("torch")
    assert_same(program(tinygrad_nn), program(torch))
