"""``F.affine_grid`` and ``F.grid_sample`` (2-D and 3-D): spatial transformers, as PyTorch
computes them.

``grid_sample`` is a composite: the sampling coordinates are Tensor expressions of the grid
(so the gradient reaches the grid, and through ``affine_grid`` the transform), the integer
taps around them are indexing (the gradient scatters back to the input pixels), and taps
outside the image read 0.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np

from .._warn import user_stacklevel
from ..tensor import Tensor
from ..tensor_functions import where
from .basic import as_tensor
from .sampling import _cubic_weights


def _default_corners(align_corners: bool | None) -> bool:
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to "
                      "align_corners=False since 1.3.0. Please specify align_corners=True if "
                      "the old behavior is desired. See the documentation of grid_sample for "
                      "details.", UserWarning, stacklevel=user_stacklevel())
        return False
    return bool(align_corners)


def _base(n: int, align_corners: bool) -> np.ndarray:
    """The normalised [-1, 1] coordinates of n pixels (corner or centre convention)."""
    if n <= 1:
        return np.zeros(max(n, 0))
    i = np.arange(n, dtype=np.float64)
    return -1 + 2 * i / (n - 1) if align_corners else (2 * i + 1) / n - 1


def affine_grid(theta: Any, size: Any, align_corners: bool | None = None) -> Tensor:
    """grid[n, h, w] = theta[n] @ (x_w, y_h, 1): theta (N, 2, 3), size (N, C, H, W) ->
    grid (N, H, W, 2) of normalised (x, y) sampling points; in 3-D theta (N, 3, 4), size
    (N, C, D, H, W) -> grid (N, D, H, W, 3) of (x, y, z) = theta[n] @ (x_w, y_h, z_d, 1)."""
    t = as_tensor(theta)
    align_corners = _default_corners(align_corners)
    if t.dtype.kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {t.dtype}")
    size = [int(s) for s in size]
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {tuple(size)}.")
    nd = len(size) - 2
    if t.ndim != 3 or t.shape[1:] != (nd, nd + 1):
        raise ValueError(f"Expected a batch of {nd}D affine matrices of shape Nx{nd}x{nd + 1} "
                         f"for size {tuple(size)}. Got {t.shape}.")
    if t.shape[0] != size[0]:  # (PyTorch's error comes from its batched product)
        raise RuntimeError(f"affine_grid: theta has a batch of {t.shape[0]} matrices, size asks "
                           f"for {size[0]}")
    if align_corners and min(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      UserWarning, stacklevel=user_stacklevel())
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {tuple(size)}")
    spatial = size[2:]
    mesh = np.meshgrid(*[_base(k, align_corners) for k in spatial], indexing="ij")
    # (x, y[, z]) from the last spatial axis to the first, then the 1 of the translation
    base = np.stack([*mesh[::-1], np.ones_like(mesh[0])], -1)
    base = base.reshape(1, -1, nd + 1).astype(t.dtype)
    return (Tensor._new(base) @ t.transpose(1, 2)).reshape(size[0], *spatial, nd)


def _unnormalise(c: Tensor, n: int, align_corners: bool) -> Tensor:
    return (c + 1) / 2 * (n - 1) if align_corners else ((c + 1) * n - 1) / 2


def _reflect(c: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Fold c into [twice_low / 2, twice_high / 2] by reflection at both ends."""
    if twice_low == twice_high:
        return c * 0
    lo, span = twice_low / 2, (twice_high - twice_low) / 2
    d = (c - lo).abs()
    flips = np.floor(d.detach().numpy() / span)
    extra = d - (span * flips).astype(d.dtype)
    return where(Tensor._new(flips % 2 == 0), extra + lo, span - extra + lo)


def _bound(c: Tensor, n: int, padding_mode: str, align_corners: bool) -> Tensor:
    """PyTorch's compute_coordinates: border clips, reflection reflects then clips."""
    if padding_mode == "border":
        return c.clip(0, n - 1)
    if padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (n - 1)) if align_corners else _reflect(c, -1, 2 * n - 1)
        return c.clip(0, n - 1)
    return c


def _tap(x: Tensor, idx: list[np.ndarray]) -> Tensor:
    """x[n, :, i_0, i_1, ...] for integer maps i_k (N, *out), one per spatial axis of x
    (N, C, *S) -> (N, C, *out); 0 outside."""
    n, spatial = x.shape[0], x.shape[2:]
    inside = np.ones(idx[0].shape, dtype=bool)
    for i, size in zip(idx, spatial):
        inside &= (i >= 0) & (i < size)
    batch = np.arange(n).reshape((n,) + (1,) * (idx[0].ndim - 1))
    clipped = [np.clip(i, 0, size - 1) for i, size in zip(idx, spatial)]
    v = x[(batch, slice(None), *clipped)]  # (N, *out, C)
    k = idx[0].ndim
    return (v * Tensor._new(inside[..., None].astype(x.dtype))).permute(0, k, *range(1, k))


def grid_sample(input: Any, grid: Any, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """out[n, c, h, w] = input[n, c] sampled at grid[n, h, w] = (x, y) in [-1, 1];
    input (N, C, H, W), grid (N, Ho, Wo, 2) -> (N, C, Ho, Wo). Volumetric: input
    (N, C, D, H, W), grid (N, Do, Ho, Wo, 3) of (x, y, z) -> (N, C, Do, Ho, Wo), trilinear.

    ``mode`` 'bilinear', 'nearest' or 'bicubic' (2-D only); ``padding_mode`` 'zeros',
    'border' or 'reflection'; ``align_corners`` False by default (pixel centres at
    -1 + (2i + 1) / n).
    """
    x, g = as_tensor(input), as_tensor(grid)
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    nd = x.ndim - 2
    if x.ndim not in (4, 5) or g.ndim != x.ndim or g.shape[-1] != nd or g.shape[0] != x.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected a 4-D input (N, C, H, W) with a grid "
                           f"(N, H_out, W_out, 2), or a 5-D input (N, C, D, H, W) with a grid "
                           f"(N, D_out, H_out, W_out, 3), the same N, got input of shape "
                           f"{tuple(x.shape)} and grid of shape {tuple(g.shape)}")
    if mode == "bicubic" and nd == 3:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input, got "
                           f"input of shape {tuple(x.shape)}")
    if x.dtype != g.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have the same dtype, "
                           f"but input has {x.dtype} and grid has {g.dtype}")
    ac = _default_corners(align_corners)
    spatial = x.shape[2:]
    # per spatial axis (D,) H, W: its pixel coordinate, from grid component z, y, x
    coords = [_unnormalise(g[..., nd - 1 - k], n, ac) for k, n in enumerate(spatial)]
    if mode == "bicubic":
        # the taps are bounded one by one (below), not the coordinate
        (iy, ix), (h, w) = coords, spatial
        fx, fy = np.floor(ix.detach().numpy()), np.floor(iy.detach().numpy())
        wx, wy = _cubic_weights(ix - fx.astype(x.dtype)), _cubic_weights(iy - fy.astype(x.dtype))
        out: Any = None
        for j in range(4):
            ty = _bounded_taps(fy - 1 + j, h, padding_mode, ac)
            for i in range(4):
                tx = _bounded_taps(fx - 1 + i, w, padding_mode, ac)
                term = _tap(x, [ty, tx]) * (wy[j] * wx[i]).unsqueeze(1)
                out = term if out is None else out + term
        return out
    coords = [_bound(c, n, padding_mode, ac) for c, n in zip(coords, spatial)]
    if mode == "nearest":  # round half to even, as PyTorch's nearbyint
        out = _tap(x, [np.rint(c.detach().numpy()).astype(np.int64) for c in coords])
        # the grid gets PyTorch's zero gradient (not None): a term 0 * grid
        total = sum(coords[1:], coords[0])
        zero = where(total.isfinite(), total * 0, 0.0)
        return out + zero.unsqueeze(1)
    low = [np.floor(c.detach().numpy()) for c in coords]
    frac = [c - f.astype(x.dtype) for c, f in zip(coords, low)]
    first = [f.astype(np.int64) for f in low]
    out = None
    for corner in itertools.product((0, 1), repeat=nd):  # (bi/tri)linear: 2^nd taps
        weight: Any = None
        for d, t in zip(corner, frac):
            w_ = t if d else 1 - t
            weight = w_ if weight is None else weight * w_
        term = _tap(x, [i + d for i, d in zip(first, corner)]) * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


def _bounded_taps(c: np.ndarray, n: int, padding_mode: str, align_corners: bool) -> np.ndarray:
    """Integer tap positions after PyTorch's padding rule (bicubic mode's get_value_bounded)."""
    if padding_mode == "zeros":
        return c.astype(np.int64)
    b = _bound(Tensor._new(c), n, padding_mode, align_corners)._data
    return b.astype(np.int64)
