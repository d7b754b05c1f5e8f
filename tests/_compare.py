"""Run one snippet on torch and on tinygrad_nn; compare the pytrees they return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import tinygrad_nn as tg


def run(lib: Any, snippet: Callable[[Any, Any], Any]) -> Any:
    """``snippet(lib, make)``; ``make(array, grad=False)`` builds a float64 tensor."""

    def make(a: Any, grad: bool = False) -> Any:
        return lib.tensor(np.array(a, dtype=np.float64), dtype=lib.float64, requires_grad=grad)

    return snippet(lib, make)


def same(a: Any, b: Any, where: str = "out") -> None:
    """Same structure (tuple/list/dict/Tensor), values, and whether a graph is attached."""
    import torch

    if isinstance(a, torch.Tensor):
        assert isinstance(b, tg.Tensor), f"{where}: {type(b)}"
        assert tuple(a.shape) == tuple(b.shape), f"{where}: {tuple(a.shape)} vs {tuple(b.shape)}"
        assert a.requires_grad == b.requires_grad, f"{where}: requires_grad {a.requires_grad}"
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=where)
    elif isinstance(a, dict):
        assert type(b) is type(a) and list(a) == list(b), f"{where}: {a!r} vs {b!r}"
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), f"{where}: {a!r} vs {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"


def raises_alike(snippet: Callable[[Any, Any], Any], message: bool = True) -> None:
    """Both libraries raise the same exception type (and message, when ``message``)."""
    import torch

    try:
        run(torch, snippet)
    except Exception as e:  # noqa: BLE001  (the type is what is compared)
        want = e
    else:
        raise AssertionError("torch did not raise")
    try:
        run(tg, snippet)
    except Exception as e:  # noqa: BLE001
        got = e
    else:
        raise AssertionError(f"tinygrad_nn did not raise (torch: {want!r})")
    assert type(got) is type(want), f"{type(got).__name__}: {got} vs torch {want!r}"
    if message:
        assert str(got) == str(want), f"{got}\nvs torch\n{want}"
