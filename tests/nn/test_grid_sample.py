"""F.affine_grid and F.grid_sample against PyTorch: every mode, padding mode and
align_corners, float32 and float64, gradients for the input, the grid and theta, warnings
and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_grid_sample_matches_torch(mode: str, padding_mode: str, align_corners: bool,
                                   dtype: str) -> None:
    rng = np.random.default_rng([len(mode), len(padding_mode), align_corners, len(dtype)])
    for h, w in [(1, 1), (1, 4), (3, 5), (5, 2)]:
        xa = rng.normal(size=(2, 3, h, w)).astype(dtype)
        ga = rng.uniform(-1.7, 1.7, size=(2, 4, 3, 2)).astype(dtype)  # some points outside
        x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
        g, gt = tg.tensor(ga, requires_grad=True), torch.tensor(ga, requires_grad=True)
        y = F.grid_sample(x, g, mode, padding_mode, align_corners)
        yt = TF.grid_sample(xt, gt, mode, padding_mode, align_corners)
        tol = 1e-9 if dtype == "float64" else 1e-4
        assert y.shape == tuple(yt.shape) == (2, 3, 4, 3) and y.dtype == x.dtype
        np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
        wa = rng.normal(size=y.shape).astype(dtype)
        (y * tg.tensor(wa)).sum().backward()
        (yt * torch.tensor(wa)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)
        np.testing.assert_allclose(g.grad.numpy(), gt.grad.numpy(), rtol=10 * tol, atol=10 * tol)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 3), (2, 2, 6, 1), (2, 3, 4, 5, 6),
                                  (2, 1, 1, 3, 2)])
def test_affine_grid_matches_torch_and_trains_theta(align_corners: bool, size: tuple) -> None:
    nd = len(size) - 2  # 2-D, or 3-D (a volume)
    rng = np.random.default_rng(size[2])
    tha = rng.normal(size=(2, nd, nd + 1))
    th, tht = tg.tensor(tha, requires_grad=True), torch.tensor(tha, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unit-size warning, in both
        grid, gridt = F.affine_grid(th, size, align_corners), TF.affine_grid(tht, size,
                                                                          align_corners)
    assert grid.shape == tuple(gridt.shape) == (2, *size[2:], nd)
    np.testing.assert_allclose(grid.detach().numpy(), gridt.detach().numpy(), atol=1e-12)
    xa = rng.normal(size=(2, 3) + (3, 4, 4)[3 - nd:])
    y = F.grid_sample(tg.tensor(xa), grid, align_corners=align_corners)
    yt = TF.grid_sample(torch.tensor(xa), gridt, align_corners=align_corners)
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    np.testing.assert_allclose(th.grad.numpy(), tht.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_identity_transform_reproduces_the_image() -> None:
    xa = np.random.default_rng(0).normal(size=(1, 2, 4, 6)).astype(np.float32)
    theta = tg.tensor(np.array([[[1.0, 0, 0], [0, 1.0, 0]]], dtype=np.float32))
    grid = F.affine_grid(theta, (1, 2, 4, 6), align_corners=False)
    assert grid.dtype == tg.float32
    y = F.grid_sample(tg.tensor(xa), grid, align_corners=False)
    np.testing.assert_allclose(y.numpy(), xa, rtol=1e-5, atol=1e-6)


def test_default_align_corners_warns_like_torch() -> None:
    x, g = tg.ones((1, 1, 2, 2)), tg.zeros((1, 1, 1, 2))
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.grid_sample(x, g)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.affine_grid(tg.zeros((1, 2, 3)), (1, 1, 2, 2))


@pytest.mark.parametrize("call", [
    lambda L, t: L.grid_sample(t((1, 1, 2, 2)), t((1, 1, 1, 2)), mode="area",
                               align_corners=False),
    lambda L, t: L.grid_sample(t((1, 1, 2, 2)), t((1, 1, 1, 2)), padding_mode="wrap",
                               align_corners=False),
    lambda L, t: L.affine_grid(t((1, 3, 3)), (1, 1, 2, 2), align_corners=False),
    lambda L, t: L.affine_grid(t((1, 2, 3)), (1, 1, 2), align_corners=False),
    lambda L, t: L.affine_grid(t((1, 2, 3)), (1, 1, 0, 2), align_corners=False),
])
def test_errors_match_torch(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception) as theirs:
        call(TF, torch.ones)
    with pytest.raises(type(theirs.value), match=str(theirs.value)[:30].replace("(", ".")
                       .replace(")", ".").replace("'", ".")):
        call(F, tg.ones)


# -- volumetric (5-D input, 3-D transforms) ------------------------------------------------


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_3d_matches_torch(mode: str, padding_mode: str, align_corners: bool) -> None:
    rng = np.random.default_rng([len(mode), len(padding_mode), align_corners])
    for spatial in [(1, 1, 1), (2, 3, 4), (4, 1, 3)]:
        xa = rng.normal(size=(2, 3) + spatial)
        ga = rng.uniform(-1.7, 1.7, size=(2, 2, 3, 4, 3))  # (x, y, z), some points outside
        x, xt = tg.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
        g, gt = tg.tensor(ga, requires_grad=True), torch.tensor(ga, requires_grad=True)
        y = F.grid_sample(x, g, mode, padding_mode, align_corners)
        yt = TF.grid_sample(xt, gt, mode, padding_mode, align_corners)
        assert y.shape == tuple(yt.shape) == (2, 3, 2, 3, 4)
        np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), atol=1e-12)
        wa = rng.normal(size=y.shape)
        (y * tg.tensor(wa)).sum().backward()
        (yt * torch.tensor(wa)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(g.grad.numpy(), gt.grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("call", [
    lambda L, t: L.grid_sample(t((1, 1, 2, 2, 2)), t((1, 1, 1, 1, 3)), mode="bicubic",
                               align_corners=False),
    lambda L, t: L.grid_sample(t((1, 1, 2, 2, 2)), t((1, 1, 1, 1, 2)), align_corners=False),
    lambda L, t: L.grid_sample(t((1, 1, 2, 2, 2)), t((1, 1, 1, 3)), align_corners=False),
    lambda L, t: L.grid_sample(t((1, 1, 2, 2)), t((1, 1, 1, 1, 3)), align_corners=False),
    lambda L, t: L.grid_sample(t((2, 1, 2, 2, 2)), t((1, 1, 1, 1, 3)), align_corners=False),
    lambda L, t: L.affine_grid(t((1, 2, 3)), (1, 1, 2, 2, 2), align_corners=False),
    lambda L, t: L.affine_grid(t((2, 3, 4)), (1, 1, 2, 2, 2), align_corners=False),
    lambda L, t: L.affine_grid(t((1, 3, 4)), (1, 1, 0, 2, 2), align_corners=False),
    lambda L, t: L.affine_grid(t((1, 3, 4)), (1, 1, 2, 2, 1, 1), align_corners=False),
])
def test_3d_errors_have_pytorchs_types(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception) as theirs:
        call(TF, torch.ones)
    with pytest.raises(type(theirs.value)):
        call(F, tg.ones)
