"""max_pool3d / avg_pool3d and MaxPool3d / AvgPool3d against PyTorch: values, indices,
gradients (ties included: the first maximum in (d, h, w) order) and second order, every
argument, unbatched input, float32, and PyTorch's errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
import tinygrad_nn.nn as nn
from tests.nn.torch_compare import TOL64, assert_same, outcome

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@st.composite
def setups(draw: Any, dilation: bool = True) -> tuple[dict[str, Any], tuple[int, ...]]:
    k = tuple(draw(st.integers(1, 3)) for _ in range(3))
    s = draw(st.one_of(st.none(), st.tuples(*(st.integers(1, 3) for _ in range(3)))))
    p = tuple(draw(st.integers(0, ki // 2)) for ki in k)
    d = tuple(draw(st.integers(1, 2)) for _ in range(3)) if dilation else (1, 1, 1)
    size = tuple(max(1, di * (ki - 1) + 1 - 2 * pi) + draw(st.integers(0, 3))
                 for ki, di, pi in zip(k, d, p))
    lead = draw(st.sampled_from([(), (1,), (2,)])) + (draw(st.integers(1, 2)),)
    kw: dict[str, Any] = {"kernel_size": k if draw(st.booleans()) else k[0], "stride": s,
                          "padding": p, "ceil_mode": draw(st.booleans())}
    if isinstance(kw["kernel_size"], int):  # one int for all three axes
        kw["padding"] = min(p)
        size = tuple(max(si, k[0] * 2) for si in size)
        kw["kernel_size"], k = k[0], (k[0],) * 3
    if dilation:
        kw["dilation"] = d
    return kw, lead + size


def _finite(kw: dict[str, Any], shape: tuple[int, ...]) -> None:
    """Skip setups PyTorch rejects (tested below) or whose windows see only padding."""
    fn = TF.max_pool3d if "dilation" in kw else TF.avg_pool3d
    kind, _ = outcome(lambda: fn(torch.zeros(shape, dtype=torch.float64), **kw))
    assert kind in ("no error", "RuntimeError")
    assume(kind == "no error")
    assume(bool(torch.isfinite(fn(torch.zeros(shape, dtype=torch.float64), **kw)).all()))


@settings(deadline=None)
@given(setups(), st.integers(0, 2**16), st.booleans())
def test_max_pool3d_matches_torch_with_ties(setup: Any, seed: int, ties: bool) -> None:
    kw, shape = setup
    _finite(kw, shape)
    rng = np.random.default_rng(seed)
    # integer values in a small range: many tied maxima, the gradient goes to the first
    x = rng.integers(-2, 3, shape).astype(np.float64) if ties else rng.standard_normal(shape)
    # (second order: the registry row; max pooling's gradient is piecewise constant in x)
    assert_same(lambda t: F.max_pool3d(t, **kw), lambda t: TF.max_pool3d(t, **kw), [x])
    y, idx = F.max_pool3d(tg.tensor(x), **kw, return_indices=True)
    ty, tidx = TF.max_pool3d(torch.tensor(x), **kw, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    assert idx.dtype == tg.int64
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


@settings(deadline=None)
@given(setups(dilation=False), st.integers(0, 2**16), st.booleans(),
       st.sampled_from([None, 1, 5, -3]))
def test_avg_pool3d_matches_torch(setup: Any, seed: int, include: bool, divisor: Any) -> None:
    kw, shape = setup
    _finite(kw, shape)
    kw = {**kw, "count_include_pad": include, "divisor_override": divisor}
    x = np.random.default_rng(seed).standard_normal(shape)
    assert_same(lambda t: F.avg_pool3d(t, **kw), lambda t: TF.avg_pool3d(t, **kw), [x])


def test_float32_and_nan() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5, 6)).astype(np.float32)
    x[0, 1, 2, 3, 4] = np.nan
    for ours, theirs in ((F.max_pool3d, TF.max_pool3d), (F.avg_pool3d, TF.avg_pool3d)):
        y, ty = ours(tg.tensor(x), 2, 2, 1), theirs(torch.tensor(x), 2, 2, 1)
        assert y.dtype == tg.float32
        np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-6, atol=1e-6)
    _, idx = F.max_pool3d(tg.tensor(x), 2, return_indices=True)
    _, tidx = TF.max_pool3d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


@pytest.mark.parametrize("cls,args,kw", [
    ("MaxPool3d", (2,), {}),
    ("MaxPool3d", ((1, 2, 3),), {"stride": (1, 1, 2), "padding": (0, 1, 1), "dilation": 2,
                                 "ceil_mode": True}),
    ("AvgPool3d", (2,), {}),
    ("AvgPool3d", ((1, 2, 2),), {"ceil_mode": True, "count_include_pad": False,
                                 "padding": (0, 1, 0)}),
    ("AvgPool3d", (3,), {"stride": 1, "divisor_override": 4}),
])
def test_modules_match_torch(cls: str, args: tuple[Any, ...], kw: dict[str, Any]) -> None:
    ours, theirs = getattr(nn, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
    assert repr(ours) == repr(theirs)
    for attr in ("kernel_size", "stride", "padding", "ceil_mode"):
        assert getattr(ours, attr) == getattr(theirs, attr)
    x = np.random.default_rng(1).standard_normal((2, 2, 5, 6, 7))
    assert_same(ours, theirs, [x], TOL64)
    assert_same(ours, theirs, [x[0]], TOL64)  # unbatched (C, D, H, W)


def test_max_pool3d_module_returns_indices_for_the_whole_volume() -> None:
    x = np.random.default_rng(2).standard_normal((1, 2, 4, 4, 4))
    y, idx = nn.MaxPool3d(2, return_indices=True)(tg.tensor(x))
    ty, tidx = torch.nn.MaxPool3d(2, return_indices=True)(torch.tensor(x))
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    flat = x.reshape(1, 2, -1)
    np.testing.assert_array_equal(np.take_along_axis(flat, idx.numpy().reshape(1, 2, -1), 2),
                                  y.numpy().reshape(1, 2, -1))


def test_empty_batch_and_unbatched_empty_channels() -> None:
    assert F.max_pool3d(tg.zeros(0, 1, 4, 4, 4), 2).shape == (0, 1, 2, 2, 2)
    assert F.avg_pool3d(tg.zeros(0, 4, 4, 4), 2).shape == (0, 2, 2, 2)


@pytest.mark.parametrize("fn", ["max_pool3d", "avg_pool3d"])
@pytest.mark.parametrize("shape,kw", [
    ((1, 1, 4, 4, 4), {"kernel_size": 3, "padding": 2}),
    ((1, 1, 4, 4, 4), {"kernel_size": 0}),
    ((1, 1, 4, 4, 4), {"kernel_size": -1}),
    ((1, 1, 4, 4, 4), {"kernel_size": 2, "stride": 0}),
    ((1, 1, 4, 4, 4), {"kernel_size": 2, "padding": -1}),
    ((1, 1, 4, 4, 4), {"kernel_size": 5}),
    ((1, 1, 1, 3, 3), {"kernel_size": 2, "padding": 1}),
    ((1, 1, 4, 4, 4), {"kernel_size": (2, 2)}),
    ((2, 4, 4, 4, 4, 4), {"kernel_size": 2}),
    ((4, 4, 4), {"kernel_size": 2}),
    ((1, 1, 0, 4, 4), {"kernel_size": 2}),
])
def test_errors_are_torchs(fn: str, shape: tuple[int, ...], kw: dict[str, Any]) -> None:
    kind, msg = outcome(lambda: getattr(F, fn)(tg.zeros(*shape), **kw))
    tkind, tmsg = outcome(lambda: getattr(TF, fn)(torch.zeros(*shape), **kw))
    if fn == "max_pool3d" and shape == (1, 1, 1, 3, 3):  # only avg_pool3d needs input >= kernel
        assert kind == tkind == "no error"
        return
    assert kind == tkind == "RuntimeError", (msg, tmsg)
    if kw in ({"kernel_size": 3, "padding": 2}, {"kernel_size": -1}, {"kernel_size": 0},
              {"kernel_size": 2, "stride": 0}, {"kernel_size": 2, "padding": -1}) or (
            fn == "avg_pool3d" and shape == (1, 1, 1, 3, 3)):
        assert msg == tmsg


def test_divisor_zero_and_dilation_errors_are_torchs() -> None:
    x = tg.zeros(1, 1, 4, 4, 4)
    assert outcome(lambda: F.avg_pool3d(x, 2, divisor_override=0)) == outcome(
        lambda: TF.avg_pool3d(torch.zeros(1, 1, 4, 4, 4), 2, divisor_override=0))
    assert outcome(lambda: F.max_pool3d(x, 2, dilation=0)) == outcome(
        lambda: TF.max_pool3d(torch.zeros(1, 1, 4, 4, 4), 2, dilation=0))
