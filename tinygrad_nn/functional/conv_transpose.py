"""Transposed convolutions (the adjoint of conv in x) and conv3d, as composites.

A transposed convolution is one batched BLAS product of the transposed weight with the
input, giving every output pixel's contributions as columns, then ``Fold`` (col2im, in
``ops/window.py``) sums overlapping windows, and a slice drops ``padding``. This is
PyTorch's own CPU algorithm (gemm + col2im); gradients and second derivatives come from
``MatMul``, ``Fold`` (backward: unfold), ``Reshape`` and ``GetItem``, so nothing here has a
backward. Measured on a DCGAN layer ((64, 128, 8, 8) -> (64, 64, 16, 16), k 4, s 2, p 1),
forward + backward take about as long as the ``conv2d`` of the same size: a primitive would
not be faster (see docs/nn-conv.md). A 3-D window is folded in two steps: (H, W), then D.
``conv3d`` sums ``kD`` ``conv2d`` products over the depth offsets.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._scope import composite
from ..ops.window import Fold
from ..tensor import Tensor
from .basic import as_tensor
from .conv import conv2d
from .pad import pad_width

Ints = tuple[int, ...]


# -- argument checks (PyTorch's messages and exception types) ------------------------------
def _ints(v: Any, n: int, name: str, op: str) -> Ints:
    """An int or a sequence of n ints -> n-tuple."""
    items = tuple(v) if isinstance(v, (tuple, list)) else (v,) * n
    if len(items) == 1 and n > 1:
        items = items * n
    if len(items) != n or not all(
        isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in items
    ):
        raise (TypeError if isinstance(v, str) else RuntimeError)(
            f"{op}: expected {name} to be a single integer value or a list of {n} values to "
            f"match the convolution dimensions, but got {name}={v!r}")
    return tuple(int(i) for i in items)


def _check_groups(op: str, groups: Any) -> int:
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise RuntimeError(f"{op}: non-positive groups is not supported, got groups={groups!r}")
    return int(groups)


def _batched(x: Tensor, nd: int, op: str) -> tuple[Tensor, bool]:
    if x.ndim == nd + 2:
        return x, False
    if x.ndim == nd + 1:
        return x.reshape((1,) + x.shape), True
    raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, "
                       f"but got input of size: {list(x.shape)}")


def _geometry(op: str, nd: int, stride: Any, padding: Any, dilation: Any) -> tuple[Ints, ...]:
    s, d = _ints(stride, nd, "stride", op), _ints(dilation, nd, "dilation", op)
    if min(s) < 1:
        raise RuntimeError(f"{op}: non-positive stride is not supported, got stride={s}")
    if min(d) < 1:
        raise RuntimeError(f"{op}: dilation should be greater than zero, got dilation={d}")
    p = _ints(padding, nd, "padding", op)
    if min(p) < 0:
        raise RuntimeError(f"{op}: negative padding is not supported, got padding={p}")
    return s, p, d


# -- transposed convolution ------------------------------------------------------------
def _conv_transpose(op: str, nd: int, x: Any, w: Any, b: Any, stride: Any, padding: Any,
                    output_padding: Any, groups: Any, dilation: Any) -> Tensor:
    """y[n, o, P s - p + K d] += x[n, c, P] w[c, o', K] over input positions P, offsets K."""
    x, w = as_tensor(x), as_tensor(w)
    x, unbatched = _batched(x, nd, op)
    if w.ndim != nd + 2:
        raise RuntimeError(f"{op}: weight must be {nd + 2}-D (in_channels, out_channels/groups, "
                           f"*kernel_size), got shape {list(w.shape)}")
    g = _check_groups(op, groups)
    s, p, d = _geometry(op, nd, stride, padding, dilation)
    op_pad = _ints(output_padding, nd, "output_padding", op)
    c, size = x.shape[1], x.shape[2:]
    cin, og, kernel = w.shape[0], w.shape[1], w.shape[2:]
    if cin % g:
        raise RuntimeError(f"Given groups={g}, expected weight to be divisible by {g} at "
                           f"dimension 0, but got weight of size {list(w.shape)} instead")
    if c != cin:
        raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {cin} channels, but got {c} "
                           "channels instead")
    o = og * g
    if b is not None:
        b = as_tensor(b)
        if b.shape != (o,):
            raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected "
                               f"bias to be 1-dimensional with {o} elements, but got bias of "
                               f"size {list(b.shape)} instead")
    if any(q < 0 or (q >= si and q >= di) for q, si, di in zip(op_pad, s, d)):
        raise RuntimeError(f"{op}: output padding must be smaller than either stride or "
                           f"dilation (and >= 0), but got output_padding={op_pad}, stride={s}, "
                           f"dilation={d}")
    # the windows cover ``full``; output_padding extends it with zeros (a window there would
    # change Fold's backward, an unfold over the larger size)
    full = tuple((n - 1) * si + di * (k - 1) + 1 for n, si, di, k in zip(size, s, d, kernel))
    out = tuple(f + q - 2 * pi for f, q, pi in zip(full, op_pad, p))
    if min(out) < 1:
        raise RuntimeError(f"{op}: given input size per channel {tuple(size)}, the calculated "
                           f"output size per channel {out} is too small")
    n, k = x.shape[0], math.prod(kernel)
    # (G, O/G*K, C/G) @ (N, G, C/G, L) -> (N, G, O/G*K, L): every input pixel's contributions
    wt = w.reshape(g, cin // g, og * k).transpose(-1, -2)
    cols = wt @ x.reshape(n, g, cin // g, math.prod(size))
    cols = cols.reshape((n, o) + tuple(kernel) + tuple(size))
    if nd == 2:
        y = Fold.apply(cols, size=full, kernel=kernel, stride=s, dilation=d)
    else:  # (N, O, kd, kh, kw, D, H, W): fold (H, W) per (kd, D), then D as a (kd, 1) window
        cols = cols.permute(0, 1, 2, 5, 3, 4, 6, 7)
        y = Fold.apply(cols, size=full[1:], kernel=kernel[1:], stride=s[1:], dilation=d[1:])
        y = y.permute(0, 1, 4, 5, 2, 3).unsqueeze(-1).unsqueeze(-3)
        y = Fold.apply(y, size=(full[0], 1), kernel=(kernel[0], 1), stride=(s[0], 1),
                       dilation=(d[0], 1))
        y = y.squeeze(-1).permute(0, 1, 4, 2, 3)
    if max(p):
        y = y[(slice(None), slice(None)) + tuple(slice(pi, min(f, pi + m))
                                                 for pi, m, f in zip(p, out, full))]
    extra = tuple(max(0, q - pi) for q, pi in zip(op_pad, p))
    if max(extra):
        y = pad_width(y, ((0, 0), (0, 0)) + tuple((0, e) for e in extra))
    if b is not None:
        y = y + b.reshape((o,) + (1,) * nd)
    return y.reshape(y.shape[1:]) if unbatched else y


@composite
def conv_transpose2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:
    """y = conv2d^T(x) + b; x: (N, C_in, H, W), w: (C_in, C_out/g, kh, kw) -> (N, C_out, OH, OW).

    The adjoint of ``conv2d`` in its input (its gradient with respect to x), PyTorch's
    "deconvolution": y[n, o, p s - pad + i d, q s - pad + j d] += x[n, c, p, q] w[c, o, i, j].
    OH = (H - 1) s - 2 pad + d (kh - 1) + output_padding + 1 (likewise OW); ``output_padding``
    (smaller than stride or dilation) adds rows/columns at the bottom/right. Arguments are ints
    or pairs; a 3-D input (C, H, W) is one unbatched sample. Note PyTorch's argument order:
    ``groups`` comes before ``dilation``.
    """
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


@composite
def conv_transpose1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:
    """y = conv1d^T(x) + b; x: (N, C_in, L), w: (C_in, C_out/groups, k) -> (N, C_out, OL).

    ``conv_transpose2d`` on a height-1 signal: OL = (L - 1) s - 2 pad + d (k - 1) +
    output_padding + 1. A 2-D input (C, L) is one unbatched sample.
    """
    op = "conv_transpose1d"
    input, weight = as_tensor(input), as_tensor(weight)
    _batched(input, 1, op)
    if weight.ndim != 3:
        raise RuntimeError(f"{op}: weight must be 3-D (in_channels, out_channels/groups, k), "
                           f"got shape {list(weight.shape)}")
    one = [(1,) + _ints(v, 1, name, op) for v, name in ((stride, "stride"), (dilation, "dilation"))]
    pads = [(0,) + _ints(v, 1, name, op) for v, name in ((padding, "padding"),
                                                          (output_padding, "output_padding"))]
    y = _conv_transpose(op, 2, input.unsqueeze(-2), weight.unsqueeze(-2), bias, one[0], pads[0],
                        pads[1], groups, one[1])
    return y.squeeze(-2)


@composite
def conv_transpose3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:
    """y = conv3d^T(x) + b; x: (N, C_in, D, H, W), w: (C_in, C_out/groups, kd, kh, kw)
    -> (N, C_out, OD, OH, OW), each size as in ``conv_transpose2d``."""
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


# -- conv3d ---------------------------------------------------------------------------
@composite
def conv3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """y = xcorr(x, w) + b; x: (N, C, D, H, W), w: (O, C/groups, kd, kh, kw) -> (N, O, OD, OH, OW).

    y[n, o, t, p, q] = b[o] + sum_{c,l,i,j} w[o, c, l, i, j] x[n, c0(o) + c, t s + l d, ...]
    over the zero-padded input; arguments as in ``conv2d`` with triples (``padding`` may be
    'valid' or 'same'). Computed as kd ``conv2d`` products, one per depth offset, on the
    depth slices each offset reads. A 4-D input (C, D, H, W) is one unbatched sample.
    """
    op = "conv3d"
    x, w = as_tensor(input), as_tensor(weight)
    x, unbatched = _batched(x, 3, op)
    if w.ndim != 5:
        raise RuntimeError(f"{op}: weight must be 5-D (out_channels, in_channels/groups, kd, "
                           f"kh, kw), got shape {list(w.shape)}")
    g = _check_groups(op, groups)
    depth_pad: tuple[int, int]
    hw_pad: Any
    if isinstance(padding, str):
        s, _, d = _geometry(op, 3, stride, 0, dilation)
        if padding not in ("same", "valid"):
            raise RuntimeError(f"{op}: padding must be 'same', 'valid' or ints, got {padding!r}")
        if padding == "same" and s != (1, 1, 1):
            raise RuntimeError(f"{op}: padding='same' is not supported for strided convolutions, "
                               f"got stride={s}")
        tot = (d[0] * (w.shape[2] - 1)) if padding == "same" else 0
        depth_pad, hw_pad = (tot // 2, tot - tot // 2), padding
    else:
        s, p, d = _geometry(op, 3, stride, padding, dilation)
        depth_pad, hw_pad = (p[0], p[0]), p[1:]
    n, c = x.shape[:2]
    o, cg, kd = w.shape[:3]
    if c != cg * g or o % g:
        raise RuntimeError(f"Given groups={g}, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {cg * g} channels, but got {c} "
                           "channels instead")
    if depth_pad != (0, 0):
        x = pad_width(x, ((0, 0), (0, 0), depth_pad, (0, 0), (0, 0)))
    dp = x.shape[2]
    od = (dp - d[0] * (kd - 1) - 1) // s[0] + 1
    if od < 1:
        raise RuntimeError(f"{op}: kernel depth {kd} (dilated {d[0] * (kd - 1) + 1}) is larger "
                           f"than the padded input depth {dp}")
    y: Any = None
    for i in range(kd):  # the depth slices offset i reads, as a batch of N*OD images
        start = i * d[0]
        xs = x[:, :, start:start + s[0] * (od - 1) + 1:s[0]].transpose(1, 2)
        xs = xs.reshape((n * od, c) + x.shape[3:])
        yi = conv2d(xs, w[:, :, i], None, s[1:], hw_pad, d[1:], g)
        y = yi if y is None else y + yi
    y = y.reshape((n, od) + y.shape[1:]).transpose(1, 2)
    if bias is not None:
        b = as_tensor(bias)
        if b.shape != (o,):
            raise RuntimeError(f"{op}: bias must have shape ({o},) (out_channels), got "
                               f"{list(b.shape)}")
        y = y + b.reshape(o, 1, 1, 1)
    else:
        y = y.contiguous()
    return y.reshape(y.shape[1:]) if unbatched else y


__all__ = ["conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
