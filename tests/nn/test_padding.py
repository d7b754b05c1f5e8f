"""Padding layers and F.pad against PyTorch: every mode at 1, 2 and 3 padded dims, with and
without the batch dim, negative pads (crops), gradients, dtypes, errors and reprs."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

MODES = ["constant", "reflect", "replicate", "circular"]


def _cases() -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    rng = np.random.default_rng(7)
    out = []
    for mode in MODES:
        for k in (1, 2, 3):
            for nd in (k + 1, k + 2):
                shape = tuple(int(s) for s in rng.integers(3, 6, nd))
                for _ in range(4):
                    lo = -2 if mode != "circular" else 0
                    pads = tuple(int(p) for p in rng.integers(lo, 3, 2 * k))
                    sizes = [shape[-1 - i] + pads[2 * i] + pads[2 * i + 1] for i in range(k)]
                    if min(sizes) >= 1:  # (a negative size is an error in both)
                        out.append((mode, shape, pads))
                # a crop on one side and a wider pad on the other
                out.append((mode, shape, (-1, 2) * k))
    return out


@pytest.mark.parametrize("mode,shape,pads", _cases())
def test_pad_values_and_gradients_match_torch(mode: str, shape: tuple, pads: tuple) -> None:
    rng = np.random.default_rng(abs(hash((mode, shape, pads))) % 2**32)
    xa = rng.normal(size=shape)
    x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    y, yt = F.pad(x, pads, mode), TF.pad(xt, pads, mode)
    assert y.shape == tuple(yt.shape)
    np.testing.assert_array_equal(y.detach().numpy(), yt.detach().numpy())
    w = rng.normal(size=y.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_pad_keeps_float32(mode: str) -> None:
    x = tg.ones((2, 3, 4), dtype=tg.float32, requires_grad=True)
    y = F.pad(x, (1, 2), mode)
    assert y.dtype == tg.float32
    y.sum().backward()
    assert x.grad.dtype == tg.float32


@pytest.mark.parametrize("mode,shape,pads", [
    ("reflect", (1, 2, 3), (3, 0)),  # reflect needs pad < size
    ("reflect", (3,), (1, 1)),  # non-constant modes need a batch or channel dim
    ("replicate", (2, 3), (1, 1, 1, 1)),
    ("circular", (1, 2, 3), (4, 0)),  # wraps more than once
    ("constant", (2, 3), (1, 1, 1)),  # odd length
    ("constant", (3,), (1, 1, 1, 1)),  # more dims than the input has
])
def test_pad_errors_match_torch(mode: str, shape: tuple, pads: tuple) -> None:
    with pytest.raises(Exception) as theirs:
        TF.pad(torch.ones(shape), pads, mode)
    with pytest.raises(type(theirs.value)):
        F.pad(tg.ones(shape), pads, mode)


LAYERS = [
    ("ZeroPad1d", 2, 1), ("ZeroPad1d", (1, 3), 1), ("ZeroPad2d", (1, 2, 0, 3), 2),
    ("ZeroPad2d", -1, 2), ("ZeroPad3d", 1, 3), ("ZeroPad3d", (1, 0, 2, 1, 0, 1), 3),
    ("ReflectionPad1d", 2, 1), ("ReflectionPad2d", (1, 2, 2, 0), 2), ("ReflectionPad3d", 1, 3),
    ("ReplicationPad1d", (3, 1), 1), ("ReplicationPad2d", 2, 2),
    ("ReplicationPad3d", (1, 2, 0, 1, 2, 0), 3), ("CircularPad1d", 2, 1),
    ("CircularPad2d", (1, 2, 2, 1), 2), ("CircularPad3d", 1, 3),
]


@pytest.mark.parametrize("name,padding,nd", LAYERS)
@pytest.mark.parametrize("batch", [False, True])
def test_padding_layers_match_torch(name: str, padding, nd: int, batch: bool) -> None:
    ours, theirs = getattr(nn, name)(padding), getattr(torch.nn, name)(padding)
    assert repr(ours) == repr(theirs)
    assert ours.padding == theirs.padding
    assert list(ours.state_dict()) == [] and list(ours.parameters()) == []
    shape = ((2,) if batch else ()) + (3,) + (4,) * nd
    xa = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    y, yt = ours(tg.tensor(xa)), theirs(torch.tensor(xa))
    assert y.dtype == tg.float32
    np.testing.assert_array_equal(y.numpy(), yt.numpy())


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_constant_pad_layers_match_torch(nd: int) -> None:
    name = f"ConstantPad{nd}d"
    for padding, value in [(1, 3.5), (tuple(range(2 * nd)), -1.0), (2, 0)]:
        ours, theirs = getattr(nn, name)(padding, value), getattr(torch.nn, name)(padding, value)
        assert repr(ours) == repr(theirs)
        xa = np.ones((2,) + (3,) * nd)
        np.testing.assert_array_equal(ours(tg.tensor(xa)).numpy(), theirs(torch.tensor(xa)).numpy())


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_circular_pad_checks_the_rank_like_torch(nd: int) -> None:
    shape = (3,) * nd  # no channel dim
    with pytest.raises(ValueError, match=f"expected {nd + 1}D or {nd + 2}D input"):
        getattr(torch.nn, f"CircularPad{nd}d")(1)(torch.ones(shape))
    with pytest.raises(ValueError, match=f"expected {nd + 1}D or {nd + 2}D input"):
        getattr(nn, f"CircularPad{nd}d")(1)(tg.ones(shape))


def test_reflection_pad_layer_gradient_accumulates_at_the_mirrored_points() -> None:
    xa = np.arange(10.0).reshape(1, 2, 5)
    x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    nn.ReflectionPad1d((3, 4))(x).sum().backward()
    torch.nn.ReflectionPad1d((3, 4))(xt).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())
