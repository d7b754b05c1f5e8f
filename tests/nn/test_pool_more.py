"""AdaptiveAvgPool3d, MaxUnpool1d / 3d, LPPool1d / 2d / 3d and FractionalMaxPool2d / 3d
against PyTorch: values, gradients, second derivatives, indices, module reprs and errors.
(First and second derivatives against finite differences: tests/ops/rows_pool.py.)"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.nn.torch_compare import assert_same, outcome
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional


# -- AdaptiveAvgPool3d -----------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(size=st.tuples(*(st.integers(1, 5),) * 3),
       out=st.one_of(st.integers(1, 4), st.tuples(*(st.sampled_from([None, 1, 2, 3, 5]),) * 3)),
       batched=st.booleans(), seed=st.integers(0, 2**16))
def test_adaptive_avg_pool3d_is_torchs(size: tuple[int, ...], out: Any, batched: bool,
                                       seed: int) -> None:
    shape = ((2,) if batched else ()) + (3,) + size
    x = np.random.default_rng(seed).standard_normal(shape)
    assert_same(lambda t: F.adaptive_avg_pool3d(t, out), lambda t: TF.adaptive_avg_pool3d(t, out),
                [x])  # (linear: the second derivative is zero; rows_pool.py checks it)
    y = nn.AdaptiveAvgPool3d(out)(tg.tensor(x.astype(np.float32)))
    ty = torch.nn.AdaptiveAvgPool3d(out)(torch.tensor(x.astype(np.float32)))
    assert y.dtype == tg.float32
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-5, atol=1e-6)


def test_adaptive_avg_pool3d_empty_output() -> None:
    assert F.adaptive_avg_pool3d(tg.zeros(1, 2, 3, 3, 3), 0).shape == (1, 2, 0, 0, 0)


# -- MaxUnpool1d / 3d ----------------------------------------------------------------------
@pytest.mark.parametrize("nd", [1, 3])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("k,s", [(2, None), (2, 3), (3, 2), (1, None), (3, 4)])
def test_max_unpool_is_torchs(nd: int, batched: bool, k: int, s: Any) -> None:
    rng = np.random.default_rng(nd * 10 + k)
    shape = ((2,) if batched else ()) + (2,) + (7,) * nd
    x = rng.standard_normal(shape)
    pool, tpool = (F.max_pool1d, TF.max_pool1d) if nd == 1 else (F.max_pool3d, TF.max_pool3d)
    unpool, tunpool = (F.max_unpool1d, TF.max_unpool1d) if nd == 1 else \
        (F.max_unpool3d, TF.max_unpool3d)
    y, idx = pool(tg.tensor(x), k, s, return_indices=True)
    ty, tidx = tpool(torch.tensor(x), k, s, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    default = (y.shape[-1] - 1) * (s or k) + k
    for size in ([None] if default == 7 else []) + [(7,) * nd] + ([shape] if batched else []):
        assert_same(lambda t, o=size: unpool(t, idx, k, s, 0, o),
                    lambda t, o=size: tunpool(t, tidx, k, s, 0, o), [y.numpy()])
    module, tmodule = (nn.MaxUnpool1d(k, s), torch.nn.MaxUnpool1d(k, s)) if nd == 1 else \
        (nn.MaxUnpool3d(k, s), torch.nn.MaxUnpool3d(k, s))
    assert repr(module) == repr(tmodule)
    np.testing.assert_array_equal(module(y, idx, (7,) * nd).numpy(),
                                  tmodule(ty, tidx, (7,) * nd).numpy())


@pytest.mark.parametrize("call", [
    lambda F, t, i: F.max_unpool1d(t, i, 2),  # 4-D input
    lambda F, t, i: F.max_unpool3d(t[0, 0], i[0, 0], 2),  # 3-D input
    lambda F, t, i: F.max_unpool3d(t, i[..., :1], 2),  # indices of another shape
    lambda F, t, i: F.max_unpool3d(t, i + 100, 2),  # an index past the output
    lambda F, t, i: F.max_unpool3d(t, i - 1, 2),
    lambda F, t, i: F.max_unpool3d(t, i.int(), 2),
    lambda F, t, i: F.max_unpool3d(t, i, 2, stride=0),
    lambda F, t, i: F.max_unpool3d(t, i, 2, output_size=(1, 1, 1, 4, 4, 4)),
    lambda F, t, i: F.max_unpool3d(t, i, 2, output_size=(9, 4, 4)),
    lambda F, t, i: F.max_unpool1d(t[0, 0], i[0, 0, :, :, 0], 2, output_size=(1, 2, 3, 4)),
    lambda F, t, i: F.max_unpool1d(t[0, 0], i[0, 0, :, :, 0], 2, output_size=(9,)),
])
def test_max_unpool_errors_are_torchs(call: Any) -> None:
    x, i = np.zeros((1, 1, 2, 2, 2)), np.zeros((1, 1, 2, 2, 2), dtype=np.int64)
    kind, msg = outcome(lambda: call(F, tg.tensor(x), tg.tensor(i)))
    tkind, tmsg = outcome(lambda: call(TF, torch.tensor(x), torch.tensor(i)))
    assert tkind != "no error" and kind == tkind, (msg, tmsg)


# -- LPPool ----------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(nd=st.sampled_from([1, 2, 3]), p=st.sampled_from([1, 2, 3, 1.5, 0.5, float("inf"),
                                                        -float("inf")]),
       k=st.integers(1, 3), s=st.one_of(st.none(), st.integers(1, 3)), ceil=st.booleans(),
       positive=st.booleans(), seed=st.integers(0, 2**16))
def test_lp_pool_is_torchs(nd: int, p: float, k: int, s: Any, ceil: bool, positive: bool,
                           seed: int) -> None:
    x = np.random.default_rng(seed).standard_normal((2, 2) + (5,) * nd)
    if positive:
        x = np.abs(x) + 0.2
    ours, theirs = (F.lp_pool1d, F.lp_pool2d, F.lp_pool3d)[nd - 1], \
        (TF.lp_pool1d, TF.lp_pool2d, TF.lp_pool3d)[nd - 1]
    y = ours(tg.tensor(x), p, k, s, ceil)
    ty = theirs(torch.tensor(x), p, k, s, ceil)
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-10, atol=1e-12)
    if positive:  # (elsewhere x^p of a negative x, or its root, may not be differentiable)
        assert_same(lambda t: ours(t, p, k, s, ceil), lambda t: theirs(t, p, k, s, ceil), [x],
                    second=bool(np.isfinite(p)))  # (an infinite p is a max pool: piecewise linear)


@pytest.mark.parametrize("cls,args", [("LPPool1d", (2, 3)), ("LPPool2d", (1.5, (2, 3), 1)),
                                      ("LPPool3d", (2.5, 2, None, True))])
def test_lp_pool_modules_are_torchs(cls: str, args: tuple[Any, ...]) -> None:
    module, tmodule = getattr(nn, cls)(*args), getattr(torch.nn, cls)(*args)
    assert repr(module) == repr(tmodule)
    x = np.abs(np.random.default_rng(0).standard_normal((2, 3) + (6,) * int(cls[-2])))
    np.testing.assert_allclose(module(tg.tensor(x)).numpy(), tmodule(torch.tensor(x)).numpy(),
                               rtol=1e-12)


# -- FractionalMaxPool ----------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(nd=st.sampled_from([2, 3]), dtype=st.sampled_from([np.float32, np.float64]),
       ties=st.booleans(), batched=st.booleans(), data=st.data())
def test_fractional_max_pool_with_samples_is_torchs_exactly(nd: int, dtype: Any, ties: bool,
                                                            batched: bool, data: Any) -> None:
    size = tuple(data.draw(st.integers(2, 9 if nd == 2 else 6)) for _ in range(nd))
    k = tuple(data.draw(st.integers(1, max(1, n // 2))) for n in size)
    out = tuple(data.draw(st.integers(1, n - ki + (1 if nd == 2 else 0)))
                for n, ki in zip(size, k))
    shape = ((2,) if batched else ()) + (3,) + size
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    x = rng.standard_normal(shape).astype(dtype)
    if ties:
        x = np.round(x)
    u = rng.random((2 if batched else 1, 3, nd)).astype(dtype)
    ours = F.fractional_max_pool2d if nd == 2 else F.fractional_max_pool3d
    theirs = TF.fractional_max_pool2d if nd == 2 else TF.fractional_max_pool3d
    xt, xo = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    ty, ti = theirs(xt, k, out, return_indices=True, _random_samples=torch.tensor(u))
    y, i = ours(xo, k, out, return_indices=True, _random_samples=tg.tensor(u))
    assert y.dtype == x.dtype and i.dtype == tg.int64
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    g = rng.standard_normal(ty.shape).astype(dtype)
    ty.backward(torch.tensor(g))
    (y * tg.tensor(g)).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-6)


def test_fractional_max_pool_ratio_nan_and_modules() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 9, 7)).astype(np.float32)
    x[0, 0, 1, 1] = x[1, 2, 4, 4] = np.nan
    u = rng.random((2, 3, 2)).astype(np.float32)
    y = F.fractional_max_pool2d(tg.tensor(x), 2, output_ratio=(0.5, 0.7),
                                _random_samples=tg.tensor(u))
    ty = TF.fractional_max_pool2d(torch.tensor(x), 2, output_ratio=(0.5, 0.7),
                                  _random_samples=torch.tensor(u))
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    module = nn.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True,
                                    _random_samples=tg.tensor(u))
    tmodule = torch.nn.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True,
                                           _random_samples=torch.tensor(u))
    assert repr(module) == repr(tmodule) == "FractionalMaxPool2d()"
    for a, b in zip(module(tg.tensor(x)), tmodule(torch.tensor(x))):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    x3 = rng.standard_normal((1, 2, 6, 5, 7))
    u3 = rng.random((1, 2, 3))
    np.testing.assert_array_equal(
        nn.FractionalMaxPool3d(2, output_ratio=0.5, _random_samples=tg.tensor(u3))(
            tg.tensor(x3)).numpy(),
        torch.nn.FractionalMaxPool3d(2, output_ratio=0.5, _random_samples=torch.tensor(u3))(
            torch.tensor(x3)).numpy())


def test_fractional_max_pool_draws_from_the_library_generator() -> None:
    x = tg.randn(2, 3, 10, 10)
    tg.manual_seed(5)
    a = F.fractional_max_pool2d(x, 2, output_size=4)
    tg.manual_seed(5)
    b = nn.FractionalMaxPool2d(2, output_size=4)(x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.shape == (2, 3, 4, 4)
    # every output is its window's maximum somewhere in the input
    assert np.isin(a.numpy(), x.numpy()).all()


@pytest.mark.parametrize("call", [
    lambda F, x, r: F.fractional_max_pool2d(x, 2, output_size=5),
    lambda F, x, r: F.fractional_max_pool2d(x, 2),
    lambda F, x, r: F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5, 0.5)),
    lambda F, x, r: F.fractional_max_pool2d(x[0, 0], 2, output_size=2),
    lambda F, x, r: F.fractional_max_pool2d(x, (2, 2, 2), output_size=2),
    lambda F, x, r: F.fractional_max_pool2d(x, 2, output_size=(2, 2, 2)),
    lambda F, x, r: F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=r(1, 2, 3)),
    lambda F, x, r: F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=r(1, 3, 2)),
    lambda F, x, r: F.fractional_max_pool2d(x, 2, output_size=2,
                                            _random_samples=r(1, 2, 2).double()),
    lambda F, x, r: F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=r(2, 2)),
    lambda F, x, r: F.fractional_max_pool2d(x[:, :0], 2, output_size=1),
    lambda F, x, r: F.fractional_max_pool3d(x[None], 2, output_size=(1, 2, 2)),
    lambda F, x, r: F.fractional_max_pool3d(x[None].expand(2, 1, 2, 5, 5), 2, output_size=4),
    lambda F, x, r: F.fractional_max_pool3d(x[0], 2, output_size=2),
    lambda F, x, r: F.fractional_max_pool3d(x[None], 1, output_size=1,
                                            _random_samples=r(1, 1, 2)),
    lambda F, x, r: F.fractional_max_pool2d(x.long(), 2, output_size=1),
])
def test_fractional_max_pool_errors_are_torchs(call: Any) -> None:
    x = np.random.default_rng(0).standard_normal((1, 2, 5, 5)).astype(np.float32)
    kind, msg = outcome(lambda: call(F, tg.tensor(x), lambda *s: tg.rand(*s)))
    tkind, tmsg = outcome(lambda: call(TF, torch.tensor(x), torch.rand))
    assert tkind != "no error" and kind == tkind, (msg, tmsg)


@pytest.mark.parametrize("kw", [{}, {"output_ratio": 1.0}, {"output_ratio": (0.5, 0)},
                                {"output_ratio": 0.5, "output_size": 2}])
def test_fractional_module_argument_errors(kw: dict[str, Any]) -> None:
    for cls in ("FractionalMaxPool2d", "FractionalMaxPool3d"):
        kind, _ = outcome(lambda c=cls: getattr(nn, c)(2, **kw))
        tkind, _ = outcome(lambda c=cls: getattr(torch.nn, c)(2, **kw))
        assert kind == tkind == "ValueError"


@pytest.mark.parametrize("call", [
    lambda F, t: F.lp_pool1d(t, 2, (2,)),  # PyTorch multiplies by kernel_size: an int only
    lambda F, t: F.lp_pool2d(t[None], 2, (2, 2, 2)),
    lambda F, t: F.lp_pool3d(t[None, None], 2, (2, 2)),
])
def test_lp_pool_kernel_errors_are_torchs(call: Any) -> None:
    kind, msg = outcome(lambda: call(F, tg.rand(1, 2, 6)))
    tkind, tmsg = outcome(lambda: call(TF, torch.rand(1, 2, 6)))
    assert tkind != "no error" and kind == tkind, (msg, tmsg)


@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("p", [1, 2, 3, 1.5])
def test_lp_pool_of_integers_is_torchs(nd: int, p: float) -> None:
    x = np.arange(24).reshape((2, 2) + (6,) * (nd == 1) + (2, 3) * (nd == 2))[..., :6]
    ours = getattr(F, f"lp_pool{nd}d")(tg.tensor(x), p, 2)
    theirs = getattr(TF, f"lp_pool{nd}d")(torch.tensor(x), p, 2)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
