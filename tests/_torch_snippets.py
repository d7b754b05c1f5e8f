"""Run one snippet on torch and on tinygrad_nn and compare what it returns (``same``) or what
it raises (``raises_alike``): results as plain Python, tensors as (dtype name, shape, values,
requires_grad), values to 1e-6, containers by type and length. Shared by the parity tests of
the names PyTorch programs use (tests/tensor/test_tensor_gaps_torch.py,
tests/test_torch_gaps_torch.py)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _plain(v: Any) -> Any:
    if isinstance(v, (torch.Tensor, tg.Tensor)):
        dt = str(v.dtype).replace("torch.", "").replace("tinygrad_nn.", "")
        return ("T", dt, tuple(v.shape), v.detach().numpy().tolist(), v.requires_grad)
    if isinstance(v, (tuple, list)):
        return type(v).__name__, [_plain(x) for x in v]
    if isinstance(v, (torch.dtype, np.dtype)):
        return str(v).replace("torch.", "")
    return v


def _close(a: Any, b: Any) -> None:
    if isinstance(a, tuple) and a and a[0] == "T":
        assert a[:3] == b[:3] and a[4] == b[4], f"{b[:3]}/{b[4]} vs torch {a[:3]}/{a[4]}"
        np.testing.assert_allclose(np.asarray(b[3], dtype=float), np.asarray(a[3], dtype=float),
                                   rtol=1e-6, atol=1e-7)
    elif isinstance(a, tuple) and len(a) == 2 and isinstance(a[1], list):
        assert a[0] == b[0] and len(a[1]) == len(b[1]), f"{b} vs torch {a}"
        for x, y in zip(a[1], b[1]):
            _close(x, y)
    else:
        assert a == b, f"{b!r} vs torch {a!r}"


def same(snippet: Callable[[Any], Any]) -> None:
    """``snippet(lib)`` gives the same results on torch and on tinygrad_nn."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want, got = _plain(snippet(torch)), _plain(snippet(tg))
    _close(want, got)


def raises_alike(snippet: Callable[[Any], Any]) -> None:
    """Both raise, tinygrad_nn an instance of the exception type torch raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as want:  # noqa: PT011 - the type is what is compared
            snippet(torch)
        with pytest.raises(want.type):
            snippet(tg)
