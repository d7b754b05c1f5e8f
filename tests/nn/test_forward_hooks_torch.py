"""Module forward hooks with PyTorch's options: ``with_kwargs``, ``prepend`` and
``always_call``, run on torch and tinygrad_nn side by side."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
LIBS = ["torch", "tg"]


def _lib(name: str) -> Any:
    return torch if name == "torch" else tg


def _scaler(lib: Any) -> Any:
    class Scale(lib.nn.Module):
        def forward(self, x: Any, scale: float = 1.0) -> Any:
            if scale < 0:
                raise ValueError("negative scale")
            return x * scale

    return Scale()


@pytest.mark.parametrize("name", LIBS)
def test_pre_hook_with_kwargs_may_replace_args_and_kwargs(name: str) -> None:
    lib = _lib(name)
    m = _scaler(lib)
    seen: list[Any] = []

    def pre(mod: Any, args: Any, kwargs: Any) -> Any:
        seen.append(sorted(kwargs))
        return (args[0] + 1,), {"scale": kwargs["scale"] * 10}

    m.register_forward_pre_hook(pre, with_kwargs=True)
    y = m(lib.ones(2, dtype=lib.float64), scale=2.0)
    assert seen == [["scale"]]
    np.testing.assert_allclose(y.detach().numpy(), [40.0, 40.0])


@pytest.mark.parametrize("name", LIBS)
def test_pre_hook_with_kwargs_must_return_a_pair(name: str) -> None:
    lib = _lib(name)
    m = _scaler(lib)
    m.register_forward_pre_hook(lambda mod, a, k: a, with_kwargs=True)
    with pytest.raises(RuntimeError, match="must return None or a tuple of"):
        m(lib.ones(2))


@pytest.mark.parametrize("name", LIBS)
def test_hooks_run_in_order_and_prepend_goes_first(name: str) -> None:
    lib = _lib(name)
    m = _scaler(lib)
    order: list[str] = []
    m.register_forward_hook(lambda mod, a, out: order.append("a"))
    m.register_forward_hook(lambda mod, a, k, out: order.append(f"b{sorted(k)}"),
                            with_kwargs=True)
    m.register_forward_hook(lambda mod, a, out: order.append("first"), prepend=True)
    m.register_forward_pre_hook(lambda mod, a: order.append("pre"))
    m.register_forward_pre_hook(lambda mod, a: order.append("pre first"), prepend=True)
    m(lib.ones(2), scale=3.0)
    assert order == ["pre first", "pre", "first", "a", "b['scale']"]


@pytest.mark.parametrize("name", LIBS)
def test_always_call_hooks_run_when_forward_raises(name: str) -> None:
    lib = _lib(name)
    m = _scaler(lib)
    calls: list[Any] = []
    h = m.register_forward_hook(lambda mod, a, out: calls.append(("always", out)),
                                always_call=True)
    m.register_forward_hook(lambda mod, a, out: calls.append(("plain", out)))
    with pytest.raises(ValueError, match="negative scale"):
        m(lib.ones(2), scale=-1.0)
    assert calls == [("always", None)]
    h.remove()
    calls.clear()
    with pytest.raises(ValueError):
        m(lib.ones(2), scale=-1.0)
    assert calls == []


@pytest.mark.parametrize("name", LIBS)
def test_lazy_linear_sees_a_keyword_input(name: str) -> None:
    lib = _lib(name)
    assert tuple(lib.nn.LazyLinear(2)(input=lib.zeros(3, 4)).shape) == (3, 2)
