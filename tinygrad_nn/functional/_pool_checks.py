"""PyTorch's argument and shape checks of the windowed pools (``max_pool1d/2d``,
``avg_pool1d/2d``), in its order and with its exception types, so a bad call fails as it
does in PyTorch (``RuntimeError`` for a bad size, value or input shape; ``TypeError`` for
a non-int; ``IndexError`` where PyTorch's ``avg_pool2d`` reads a missing dimension).
Messages are PyTorch's, with the given values and shapes added as tuples."""

from __future__ import annotations

from typing import Any

import numpy as np

Ints = tuple[int, ...]
_WORDS = {1: "one", 2: "two", 3: "three"}


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def int_tuple(v: Any, n: int, message: str, op: str, name: str) -> Ints:
    """An int or a tuple of 1 or n ints -> n ints; another length raises ``message``."""
    items = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if not all(_is_int(i) for i in items):
        raise TypeError(f"{op}(): argument '{name}' must be an int or a tuple of ints, "
                        f"got {v!r}")
    if len(items) not in (1, n):
        raise RuntimeError(f"{message}, got {v!r}")
    return tuple(int(i) for i in items) * (n // len(items))


def _half(a: int) -> int:
    """a / 2 rounded toward zero (C++'s integer division, which PyTorch's check uses)."""
    return a // 2 if a >= 0 else -((-a) // 2)


def output_length(size: int, k: int, p: int, s: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's ``pooling_output_shape``: windows along one axis, with its checks."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    if p < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    if p > _half((k - 1) * d + 1):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                           f"pad={p}, kernel_size={k} and dilation={d}")
    n = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (n - 1) * s >= size + p:  # the last window may not start in the padding
        n -= 1
    return n


def check_pool2d(op: str, shape: Ints, kernel_size: Any, stride: Any, padding: Any,
                 dilation: Any, ceil_mode: bool) -> tuple[Ints, Ints, Ints, Ints, Ints]:
    """kernel, stride, padding, dilation and (OH, OW) of ``max_pool2d`` / ``avg_pool2d`` on
    an input of this shape, checked as PyTorch checks them."""
    head = f"{op}: "
    k = int_tuple(kernel_size, 2, head + "kernel_size must either be a single int, or a "
                  "tuple of two ints", op, "kernel_size")
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    s = k if no_stride else int_tuple(stride, 2, head + "stride must either be omitted, a "
                                      "single int, or a tuple of two ints", op, "stride")
    p = int_tuple(padding, 2, head + "padding must either be a single int, or a tuple of two "
                  "ints", op, "padding")
    d = int_tuple(dilation, 2, head + "dilation must be either a single int, or a tuple of "
                  "two ints", op, "dilation")
    ndim = len(shape)
    if op == "max_pool2d" and ndim not in (3, 4):
        raise RuntimeError(f"max_pool2d: non-empty 3D or 4D (batch mode) tensor expected for "
                           f"input, got shape {shape}")
    if ndim < 3:  # (PyTorch's avg_pool2d reads size(-3) first)
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got -3): expected a 3-D "
                         f"(C, H, W) or 4-D (N, C, H, W) input, got shape {shape}")
    out = tuple(output_length(shape[i - 2], k[i], p[i], s[i], d[i], ceil_mode) for i in (0, 1))
    if min(k) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {k[0]} "
                           f"kW: {k[1]}")
    if min(s) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}")
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {d[0]} "
                           f"dilationW: {d[1]}")
    if ndim not in (3, 4) or 0 in shape[-3:]:
        raise RuntimeError(f"{op}: Expected 3D or 4D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got shape {shape}")
    if p[1] > k[1] // 2 or p[0] > k[0] // 2:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but "
                           f"got padW = {p[1]}, padH = {p[0]}, kW = {k[1]}, kH = {k[0]}")
    if min(out) < 1:
        c, h, w = shape[-3:]
        raise RuntimeError(f"{op}: Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}). Output size is too small")
    return k, s, p, d, out


def check_pool1d(op: str, shape: Ints, kernel_size: Any, stride: Any, padding: Any,
                 dilation: Any, ceil_mode: bool) -> tuple[int, int, int, int]:
    """kernel, stride, padding, dilation of ``max_pool1d`` / ``avg_pool1d`` (PyTorch's 1-D
    checks; the 2-D ones then run on the height-1 image)."""
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    if op == "avg_pool1d":
        if len(shape) not in (2, 3):
            raise RuntimeError(f"avg_pool1d: Expected 2 to 3 dimensions, but got a "
                               f"{len(shape)}-D input of shape {shape}; expected (C, L) or "
                               "(N, C, L)")
        args = {"kernel_size": kernel_size, "padding": padding}
        if not no_stride:
            args["stride"] = stride
        for name, v in args.items():  # PyTorch's argument parser: one int each
            int_tuple(v, 1, f"avg_pool1d() argument '{name}' should contain one int", op, name)
        k, p = int_tuple(kernel_size, 1, "", op, "")[0], int_tuple(padding, 1, "", op, "")[0]
        s = k if no_stride else int_tuple(stride, 1, "", op, "")[0]
        return k, s, p, 1
    if len(shape) not in (2, 3) or 0 in shape[-2:]:
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got shape {shape}")
    head = "max_pool1d() "
    k = int_tuple(kernel_size, 1, head + "kernel_size must be an int, list of ints or tuple of "
                  "ints of size 1", op, "kernel_size")[0]
    s = k if no_stride else int_tuple(stride, 1, head + "stride must be None, an int, list of "
                                      "ints, or tuple of ints of size 1", op, "stride")[0]
    p = int_tuple(padding, 1, head + "padding must be an int, list of ints, or tuple of ints of "
                  "size 1", op, "padding")[0]
    d = int_tuple(dilation, 1, head + "dilation must be an int, list of ints or tuple of ints "
                  "of size 1", op, "dilation")[0]
    for ok, what in ((k > 0, f"kernel_size must be greater than zero, but got {k}"),
                     (s > 0, f"stride must be greater than zero, but got {s}"),
                     (p >= 0, f"padding must be non-negative, but got {p}"),
                     (p <= k // 2, f"padding should be at most half of kernel size, but got "
                                   f"padding={p} and kernel_size={k}"),
                     (d > 0, f"dilation must be greater than zero, but got {d}")):
        if not ok:
            raise RuntimeError(head + what)
    n = output_length(shape[-1], k, p, s, d, ceil_mode)
    if n <= 0:
        raise RuntimeError(f"{head}Invalid computed output size: {n} (input length "
                           f"{shape[-1]}, kernel_size={k}, stride={s}, padding={p}, "
                           f"dilation={d})")
    return k, s, p, d


def adaptive_sizes(op: str, output_size: Any, shape: Ints, nd: int,
                   mean_path: bool = False) -> Ints:
    """Output sizes of ``adaptive_avg_pool{1,2,3}d`` (``None`` keeps the input's size),
    checked as PyTorch checks them. ``mean_path``: an all-ones output skips the input's
    dims check (PyTorch's 2-D and 3-D forms then take a mean over the last dims)."""
    axes = {1: "L", 2: "H, W", 3: "D, H, W"}[nd]
    if nd == 1:
        items = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,)
        if not all(_is_int(v) for v in items):
            raise TypeError(f"{op}(): argument 'output_size' must be an int or a tuple of ints, "
                            f"got {output_size!r}")
        if len(items) != 1:
            raise RuntimeError(f"{op}() argument 'output_size' should contain one int "
                               f"(got {len(items)})")
    elif isinstance(output_size, (tuple, list)):
        if len(shape) <= len(output_size):  # (PyTorch's Python wrapper checks this first)
            raise ValueError(f"{op}: Input dimension should be at least {len(output_size) + 1}, "
                             f"got a {len(shape)}-D input for output_size {tuple(output_size)}")
        if not all(v is None or _is_int(v) for v in output_size):
            raise TypeError(f"{op}: output_size must hold ints or None, got {output_size!r}")
        items = tuple(n if v is None else v for v, n in zip(output_size, shape[-len(output_size):]))
        if len(items) != nd:
            raise RuntimeError(f"{op}: output_size must be {nd}, got {tuple(output_size)}")
    else:
        if not _is_int(output_size):
            raise TypeError(f"{op}: output_size must be an int or a tuple of {nd} ints or None, "
                            f"got {output_size!r}")
        items = (output_size,) * nd
    if nd > 1 and min(items) < 0:
        raise RuntimeError(f"{op}: elements of output_size must be greater than or equal to 0 "
                           f"but received {tuple(items)}")
    if len(shape) not in (nd + 1, nd + 2) and nd == 1:
        raise RuntimeError(f"{op}: Expected 2 to 3 dimensions, but got a {len(shape)}-D input of "
                           f"shape {shape}; expected (C, L) or (N, C, L)")
    if len(shape) not in (nd + 1, nd + 2) and not (mean_path and set(items) == {1}):
        raise RuntimeError(f"{op}(): Expected {nd + 1}D or {nd + 2}D tensor ({axes} after the "
                           f"channels), but got shape {shape}")
    if nd == 1 and min(items) < 0:
        raise RuntimeError(f"{op}: elements of output_size must be greater than or equal to 0 "
                           f"but received {tuple(items)}")
    return tuple(int(v) for v in items)


__all__ = ["adaptive_sizes", "check_pool1d", "check_pool2d", "int_tuple", "output_length"]
