"""Shared by the io tests: strict deep equality of loaded checkpoints."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_nn import Tensor


def assert_same(a: Any, b: Any, where: str = "obj") -> None:
    """Strict deep equality: same types, dict key order, dtypes, shapes and values."""
    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            assert type(k) is type(next(kb for kb in b if kb == k))
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, Tensor):
        assert a.requires_grad == b.requires_grad, f"{where}: requires_grad {a.requires_grad}"
        assert_same(a.detach().numpy(), b.detach().numpy(), where)
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape}"
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, float) and a != a:
        assert b != b, where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"
