"""How a Tensor prints: PyTorch's layout, so a program's output reads the same.

Floats get 4 decimals (``tensor([ 1.5410, -0.2934])``), whole-number floats a trailing
point (``tensor([1., 2.])``), scientific notation when the magnitudes span more than 1000x
or leave [1e-4, 1e8]; every element of a tensor is padded to one width; more than 1000
elements are summarised with ``...``; the dtype is shown unless it is the default float,
int64 or bool. ``set_printoptions`` changes precision, threshold, edgeitems, linewidth
and sci_mode, as PyTorch's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .dtypes import get_default_dtype


class _Options:
    precision = 4
    threshold: float = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode: bool | None = None


PRINT_OPTS = _Options()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
             "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """PyTorch's print options: decimals, the element count past which a tensor is
    summarised, the items kept at each edge then, the line width, a profile ('default',
    'short', 'full') and forced scientific notation (None: decided per tensor)."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(_PROFILES)}, "
                             f"got {profile!r}")
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = int(precision)
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = int(edgeitems)
    if linewidth is not None:
        PRINT_OPTS.linewidth = int(linewidth)
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    """One width and one style (fixed, whole-number, scientific) for all elements."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind in "fc"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        flat = values.reshape(-1)  # (PyTorch's _Formatter: its rules, in NumPy)
        if not self.floating:
            self.max_width = max([len(str(v)) for v in flat.tolist()] or [1])
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if not finite.size:
            return
        big, small = float(np.abs(finite).max()), float(np.abs(finite).min())
        self.int_mode = bool((finite == np.ceil(finite)).all())
        self.sci_mode = (big / small > 1000.0 or big > 1.0e8 or small < 1.0e-4
                         if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode)
        precision = PRINT_OPTS.precision
        if self.sci_mode:
            texts = [f"{{:.{precision}e}}".format(v) for v in finite.tolist()]
        elif self.int_mode:
            texts = [f"{v:.0f}." for v in finite.tolist()]
        else:
            texts = [f"{{:.{precision}f}}".format(v) for v in finite.tolist()]
        self.max_width = max(len(t) for t in texts)

    def format(self, value: Any) -> str:
        if self.floating:
            if self.sci_mode:
                text = f"{{:{self.max_width}.{PRINT_OPTS.precision}e}}".format(value)
            elif self.int_mode:
                text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
            else:
                text = f"{{:.{PRINT_OPTS.precision}f}}".format(value)
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


class _ComplexFormatter:
    """PyTorch's complex layout: the real and the imaginary parts each get their own
    ``_Formatter`` (``tensor([ 1.5000+2.0000j, -3.0000-0.5000j])``); one element is as wide
    as both parts and the ``j``."""

    def __init__(self, values: np.ndarray) -> None:
        self.real, self.imag = _Formatter(values.real), _Formatter(values.imag)
        self.max_width = self.real.max_width + self.imag.max_width + 1

    def format(self, value: Any) -> str:
        value = complex(value)
        real = self.real.format(value.real)
        imag = (self.imag.format(value.imag) + "j").lstrip()
        return real + imag if imag[0] in "+-" else real + "+" + imag


def _summarized(a: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows (the edges of every axis)."""
    k = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:k], a[-k:]]) if a.shape[0] > 2 * k else a
    rows = list(range(k)) + list(range(a.shape[0] - k, a.shape[0])) \
        if a.shape[0] > 2 * k else range(a.shape[0])
    return np.stack([_summarized(a[i]) for i in rows])


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / (fmt.max_width + 2))))
    k = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * k:
        data = [fmt.format(v) for v in a[:k].tolist()] + [" ..."] + [
            fmt.format(v) for v in a[-k:].tolist()]
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    k = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * k:
        parts = [_body(a[i], indent + 1, summarize, fmt) for i in range(k)] + ["..."] + [
            _body(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0] - k, a.shape[0])]
    else:
        parts = [_body(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def tensor_str(a: np.ndarray, suffixes: list[str], prefix: str = "tensor(") -> str:
    """``prefix`` + the values laid out as PyTorch does + the suffixes (``dtype=``,
    ``grad_fn=``, ...) wrapped at the line width + ``)``."""
    indent = len(prefix)
    default = a.dtype in (get_default_dtype(), np.dtype(np.int64), np.dtype(np.bool_),
                          np.result_type(get_default_dtype(), np.complex64))
    if a.size == 0:  # the shape (unless (0,)) and the dtype (unless the default) said
        shown = [f"size={tuple(a.shape)}"] if a.ndim != 1 else []
        if a.dtype != get_default_dtype():
            shown.append(f"dtype=tinygrad_nn.{a.dtype}")
        suffixes = shown + suffixes
        text = "[]"
    else:
        if not default:
            suffixes = [f"dtype=tinygrad_nn.{a.dtype}"] + suffixes
        summarize = a.size > PRINT_OPTS.threshold
        shown_values = _summarized(a) if summarize else a
        fmt: Any = (_ComplexFormatter if a.dtype.kind == "c" else _Formatter)(shown_values)
        text = _body(a, indent, summarize, fmt)
    out = [prefix + text]
    last = len(out[0]) - out[0].rfind("\n") + 1
    for suffix in suffixes:
        if last + len(suffix) + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            out.append(", " + suffix)
            last += len(suffix) + 2
    return "".join(out) + ")"


__all__ = ["PRINT_OPTS", "set_printoptions", "tensor_str"]
