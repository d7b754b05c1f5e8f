"""F.interpolate in every mode, the upsample functions and layers, pixel / channel shuffles
and Fold / Unfold layers, against PyTorch: values, gradients, dtypes, errors and reprs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

MODES = [("nearest", (1, 2, 3)), ("nearest-exact", (1, 2, 3)), ("area", (1, 2, 3)),
         ("linear", (1,)), ("bilinear", (2,)), ("bicubic", (2,)), ("trilinear", (3,))]
SCALES = [0.5, 0.7, 1.0, 1.3, 1.5, 2.0, 2.04, 2.5, 3.0, 1 / 3]


def _cases() -> list[tuple[str, int, str, int]]:
    return [(m, nd, dt, seed) for m, nds in MODES for nd in nds
            for dt in ("float64", "float32") for seed in range(6)]


def _kwargs(rng: np.random.Generator, mode: str, shape: tuple[int, ...]) -> dict:
    nd = len(shape) - 2
    kw: dict = {}
    if rng.random() < 0.5:
        kw["size"] = tuple(int(s) for s in rng.integers(1, 11, nd))
    else:
        f = float(rng.choice(SCALES))
        if min(int(np.floor(n * f)) for n in shape[2:]) < 1:
            f = 2.0
        kw["scale_factor"] = f
        kw["recompute_scale_factor"] = bool(rng.random() < 0.3)
    if mode in ("linear", "bilinear", "bicubic", "trilinear"):
        kw["align_corners"] = bool(rng.random() < 0.5)
    return kw


@pytest.mark.parametrize("mode,nd,dtype,seed", _cases())
def test_interpolate_matches_torch(mode: str, nd: int, dtype: str, seed: int) -> None:
    rng = np.random.default_rng([seed, nd, len(mode)])
    shape = (2, 2) + tuple(int(s) for s in rng.integers(1, 7, nd))
    kw = _kwargs(rng, mode, shape)
    xa = rng.normal(size=shape).astype(dtype)
    x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    y, yt = F.interpolate(x, mode=mode, **kw), TF.interpolate(xt, mode=mode, **kw)
    assert y.shape == tuple(yt.shape) and y.dtype == x.dtype
    tol = 1e-10 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    w = rng.normal(size=y.shape).astype(dtype)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    assert x.grad.dtype == x.dtype
    if mode == "nearest" and nd != 2 and "scale_factor" in kw:
        # PyTorch's 1-D / 3-D nearest backward copies an axis whose size is kept (and halves
        # the index of a doubled one) although its forward does not: our gradient is that
        # of the forward both compute
        return
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=10 * tol, atol=10 * tol)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("seed", range(12))
def test_antialiased_interpolate_matches_torch(mode: str, dtype: str, seed: int) -> None:
    rng = np.random.default_rng([seed, len(mode), len(dtype)])
    # sizes >= 2: PyTorch's antialiased kernel gives wrong values for a size-1 axis next
    # to a resized one ((6, 1) -> (3, 1) of [0, 1, 4, 9, 16, 25] gives [1, 1, 1], while
    # the same column in a (6, 2) input gives [1, 7, 18.86]); ours gives the latter
    shape = (1, 2) + tuple(int(s) for s in rng.integers(2, 12, 2))
    kw: dict = {"align_corners": bool(rng.random() < 0.5)}
    if rng.random() < 0.5:
        kw["size"] = tuple(int(s) for s in rng.integers(2, 14, 2))
    else:
        f = float(rng.choice([0.3, 0.45, 0.5, 0.7, 1 / 3, 2.0]))
        kw["scale_factor"] = f if min(np.floor(n * f) for n in shape[2:]) >= 2 else 2.0
    xa = rng.normal(size=shape).astype(dtype)
    x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    y = F.interpolate(x, mode=mode, antialias=True, **kw)
    yt = TF.interpolate(xt, mode=mode, antialias=True, **kw)
    tol = 1e-10 if dtype == "float64" else 1e-5
    assert y.shape == tuple(yt.shape) and y.dtype == x.dtype
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    w = rng.normal(size=y.shape).astype(dtype)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=10 * tol, atol=10 * tol)


def test_nearest_1d_and_3d_gradient_is_the_forward_s() -> None:
    x = tg.tensor(np.arange(2.0).reshape(1, 1, 2), requires_grad=True)
    y = F.interpolate(x, scale_factor=1.1)  # size 2 -> 2, source points 0, 0 (as PyTorch's)
    np.testing.assert_array_equal(y.detach().numpy(),
                                  TF.interpolate(torch.arange(2.0).reshape(1, 1, 2),
                                                 scale_factor=1.1).numpy())
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy().ravel(), [2.0, 0.0])


@pytest.mark.parametrize("shape,kw", [
    ((1, 2, 3), dict(size=4, mode="bilinear")),
    ((1, 2), dict(size=4)),
    ((1, 2, 3, 4), dict(size=4, align_corners=True)),
    ((1, 2, 3, 4), dict(size=4, mode="area", align_corners=False)),
    ((1, 2, 3, 4), dict(size=4, recompute_scale_factor=True)),
    ((1, 2, 3, 4), dict(mode="bilinear")),
    ((1, 2, 3, 4), dict(size=4, scale_factor=2.0)),
    ((1, 2, 3, 4), dict(size=(2, 3, 4))),
    ((1, 2, 3, 4), dict(scale_factor=(2.0, 3.0, 4.0))),
    ((1, 2, 3, 4), dict(size=4, mode="foo")),
    ((1, 2, 3, 4), dict(size=4, mode="nearest", antialias=True)),
    ((1, 2, 3, 4), dict(scale_factor=0.1)),
    ((1, 2, 3, 4), dict(size=0)),
    ((1, 2, 3, 4, 5, 6), dict(size=2)),
])
def test_interpolate_errors_match_torch(shape: tuple, kw: dict) -> None:
    with pytest.raises(Exception) as theirs:
        TF.interpolate(torch.ones(shape), **kw)
    with pytest.raises(type(theirs.value)):
        F.interpolate(tg.ones(shape), **kw)


def test_interpolate_refuses_integer_inputs_like_torch() -> None:
    for mode in ("nearest", "bilinear"):
        with pytest.raises(NotImplementedError):
            TF.interpolate(torch.ones((1, 1, 2, 2), dtype=torch.int64), size=3, mode=mode)
        with pytest.raises(NotImplementedError, match="floating point"):
            F.interpolate(tg.ones((1, 1, 2, 2), dtype=tg.int64), size=3, mode=mode)


@pytest.mark.parametrize("name,kw", [
    ("upsample", dict(size=5)), ("upsample", dict(scale_factor=2, mode="bilinear")),
    ("upsample_nearest", dict(scale_factor=1.5)), ("upsample_bilinear", dict(size=(4, 7))),
])
def test_deprecated_upsample_functions_warn_and_match(name: str, kw: dict) -> None:
    xa = np.random.default_rng(0).normal(size=(1, 2, 3, 4))
    with pytest.warns(UserWarning, match=f"nn.functional.{name}` is deprecated"):
        y = getattr(F, name)(tg.tensor(xa), **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt = getattr(TF, name)(torch.tensor(xa), **kw)
    np.testing.assert_allclose(y.numpy(), yt.numpy(), rtol=1e-12)


@pytest.mark.parametrize("cls,args,kw", [
    ("Upsample", (), dict(scale_factor=2)), ("Upsample", ((5, 7),), dict(mode="bilinear")),
    ("Upsample", (), dict(scale_factor=(2, 3), mode="bicubic", align_corners=True)),
    ("Upsample", (), dict(scale_factor=1.7, mode="nearest-exact",
                          recompute_scale_factor=True)),
    ("UpsamplingNearest2d", (), dict(scale_factor=2)), ("UpsamplingNearest2d", (5,), {}),
    ("UpsamplingBilinear2d", (), dict(size=(3, 6))),
    ("UpsamplingBilinear2d", (), dict(scale_factor=1.5)),
])
def test_upsample_layers_match_torch(cls: str, args: tuple, kw: dict) -> None:
    ours, theirs = getattr(nn, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
    assert repr(ours) == repr(theirs)
    assert ours.scale_factor == theirs.scale_factor and ours.size == theirs.size
    assert ours.align_corners == theirs.align_corners
    xa = np.random.default_rng(1).normal(size=(2, 3, 4, 5)).astype(np.float32)
    y, yt = ours(tg.tensor(xa)), theirs(torch.tensor(xa))
    assert y.dtype == tg.float32
    np.testing.assert_allclose(y.numpy(), yt.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("lead", [(), (2,), (2, 3)])
@pytest.mark.parametrize("r", [1, 2, 3])
def test_pixel_shuffle_and_unshuffle_match_torch(lead: tuple, r: int) -> None:
    rng = np.random.default_rng(r)
    xa = rng.normal(size=lead + (2 * r * r, 3, 2))
    x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    y, yt = F.pixel_shuffle(x, r), TF.pixel_shuffle(xt, r)
    np.testing.assert_array_equal(y.detach().numpy(), yt.detach().numpy())
    z, zt = F.pixel_unshuffle(y, r), TF.pixel_unshuffle(yt, r)
    np.testing.assert_array_equal(z.detach().numpy(), xa)  # the inverse
    np.testing.assert_array_equal(z.detach().numpy(), zt.detach().numpy())
    w = rng.normal(size=y.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())
    for ours, theirs in ((nn.PixelShuffle(r), torch.nn.PixelShuffle(r)),
                         (nn.PixelUnshuffle(r), torch.nn.PixelUnshuffle(r))):
        assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(nn.PixelUnshuffle(r)(tg.tensor(yt.detach().numpy())).numpy(),
                                  xa)


@pytest.mark.parametrize("groups", [1, 2, 3, 6])
def test_channel_shuffle_matches_torch(groups: int) -> None:
    xa = np.arange(2 * 6 * 4.0).reshape(2, 6, 2, 2)
    x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    for ours, theirs in ((F.channel_shuffle(x, groups), TF.channel_shuffle(xt, groups)),
                         (F.native_channel_shuffle(x, groups),
                          TF.native_channel_shuffle(xt, groups)),
                         (nn.ChannelShuffle(groups)(x), torch.nn.ChannelShuffle(groups)(xt))):
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    assert repr(nn.ChannelShuffle(groups)) == repr(torch.nn.ChannelShuffle(groups))
    w = np.random.default_rng(groups).normal(size=xa.shape)
    (F.channel_shuffle(x, groups) * tg.tensor(w)).sum().backward()
    (TF.channel_shuffle(xt, groups) * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())


@pytest.mark.parametrize("call", [
    lambda L, t: L.pixel_shuffle(t((2, 4)), 2),
    lambda L, t: L.pixel_shuffle(t((5, 2, 2)), 2),
    lambda L, t: L.pixel_shuffle(t((4, 2, 2)), 0),
    lambda L, t: L.pixel_unshuffle(t((4, 5, 2)), 2),
    lambda L, t: L.pixel_unshuffle(t((4, 4, 5)), 2),
    lambda L, t: L.pixel_unshuffle(t((4, 4)), 2),
    lambda L, t: L.channel_shuffle(t((2, 4)), 2),
    lambda L, t: L.channel_shuffle(t((2, 4, 3)), 3),
    lambda L, t: L.channel_shuffle(t((2, 4, 3)), 0),
])
def test_shuffle_errors_match_torch(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError) as theirs:
        call(TF, torch.ones)
    with pytest.raises(RuntimeError) as ours:
        call(F, tg.ones)
    # the same first words (PyTorch's message, with the sizes)
    assert str(ours.value).split(",")[0] == str(theirs.value).split(",")[0]


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=(2, 3), padding=1),
                                dict(kernel_size=3, stride=2, dilation=1, padding=(1, 0))])
def test_fold_and_unfold_layers_match_torch(kw: dict) -> None:
    xa = np.random.default_rng(3).normal(size=(2, 3, 5, 6)).astype(np.float32)
    ours, theirs = nn.Unfold(**kw), torch.nn.Unfold(**kw)
    assert repr(ours) == repr(theirs)
    cols, cols_t = ours(tg.tensor(xa)), theirs(torch.tensor(xa))
    np.testing.assert_allclose(cols.numpy(), cols_t.numpy(), rtol=1e-6)
    fold, fold_t = nn.Fold((5, 6), **kw), torch.nn.Fold((5, 6), **kw)
    assert repr(fold) == repr(fold_t)
    np.testing.assert_allclose(fold(cols).numpy(), fold_t(cols_t).numpy(), rtol=1e-5)
    assert list(fold.state_dict()) == [] and list(ours.parameters()) == []


@pytest.mark.parametrize("seed", range(8))
def test_lanczos_matches_torch(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (1, 2) + tuple(int(s) for s in rng.integers(2, 12, 2))
    size = tuple(int(s) for s in rng.integers(2, 14, 2))
    xa = rng.normal(size=shape)
    x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    y = F.interpolate(x, size, mode="lanczos", antialias=True)
    yt = TF.interpolate(xt, size, mode="lanczos", antialias=True)
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape,kw", [
    ((1, 1, 4, 4), dict(size=2, mode="lanczos")),
    ((1, 1, 4, 4), dict(size=2, mode="lanczos", antialias=True, align_corners=True)),
    ((1, 1, 4), dict(size=2, mode="lanczos", antialias=True)),
    ((1, 1, 4), dict(size=2, mode="linear", antialias=True)),
])
def test_lanczos_and_antialias_errors_match_torch(shape: tuple, kw: dict) -> None:
    with pytest.raises(Exception) as theirs:
        TF.interpolate(torch.ones(shape), **kw)
    with pytest.raises(type(theirs.value), match=str(theirs.value)[:25]):
        F.interpolate(tg.ones(shape), **kw)
