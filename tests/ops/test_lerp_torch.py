"""``lerp`` rounds once, as PyTorch's CPU kernel (a fused multiply-add): its values equal
torch's bit for bit (two roundings moved about a quarter of them by one unit in the last
place), for number and tensor weights on both sides of 0.5; its gradients and node names are
torch's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weight", [0.1, 0.3, 0.4999, 0.5, 0.7, 1.0, -0.3, 1.5, "tensor",
                                    "tensor broadcast"])
def test_values_equal_torchs_bit_for_bit(dtype: type, weight: Any) -> None:
    a = (RNG.standard_normal((64, 33)) * 10).astype(dtype)
    b = (RNG.standard_normal((64, 33)) * 10).astype(dtype)
    if weight == "tensor":
        w: Any = RNG.uniform(-0.5, 1.5, (64, 33)).astype(dtype)
    elif weight == "tensor broadcast":
        w = RNG.uniform(-0.5, 1.5, (33,)).astype(dtype)
    else:
        w = weight
    tw = torch.from_numpy(w) if isinstance(w, np.ndarray) else w
    gw = tg.tensor(w) if isinstance(w, np.ndarray) else w
    want = torch.lerp(torch.from_numpy(a), torch.from_numpy(b), tw).numpy()
    got = tg.lerp(tg.tensor(a), tg.tensor(b), gw).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_in_place_and_special_values_as_torch() -> None:
    a = np.array([1.0, np.inf, -np.inf, np.nan, 0.0, 3.0])
    b = np.array([2.0, 1.0, np.inf, 1.0, -0.0, np.inf])
    for w in (0.25, 0.75, 1.0):
        x, t = tg.tensor(a.copy()), torch.from_numpy(a.copy())
        x.lerp_(tg.tensor(b), w)
        t.lerp_(torch.from_numpy(b), w)
        np.testing.assert_array_equal(x.numpy(), t.numpy())


@pytest.mark.parametrize("tensor_weight", [False, True])
def test_gradients_and_node_names_as_torch(tensor_weight: bool) -> None:
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    w0 = RNG.uniform(0, 1, (4,))
    grads, names = [], []
    for lib in (tg, torch):
        x, y = lib.tensor(a.copy(), requires_grad=True), lib.tensor(b.copy(), requires_grad=True)
        w: Any = lib.tensor(w0.copy(), requires_grad=True) if tensor_weight else 0.75
        out = lib.lerp(x, y, w)
        names.append(type(out.grad_fn).__name__ if lib is torch else out.grad_fn.name())
        (out * lib.tensor(np.arange(12.0).reshape(3, 4))).sum().backward()
        grads.append([t.grad.numpy() for t in ((x, y, w) if tensor_weight else (x, y))])
    assert names[0] == names[1]
    for g, h in zip(*grads):
        np.testing.assert_allclose(g, h, rtol=1e-12)


def test_first_and_second_derivatives() -> None:
    x, y = (tg.tensor(RNG.standard_normal(5), requires_grad=True) for _ in range(2))
    w = tg.tensor(RNG.uniform(-0.5, 1.5, 5), requires_grad=True)
    assert tg.gradcheck(tg.lerp, (x, y, w))
    assert tg.gradgradcheck(tg.lerp, (x, y, w))
    assert tg.gradgradcheck(lambda x, y: tg.lerp(x, y, 0.8), (x, y))
