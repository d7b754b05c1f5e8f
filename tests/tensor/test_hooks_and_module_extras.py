"""register_post_accumulate_grad_hook, Module.to_empty and the bfloat16 refusals, checked
against PyTorch where it runs."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import nn

torch = pytest.importorskip("torch")


def test_post_accumulate_grad_hook_sees_each_accumulated_grad_as_pytorch() -> None:
    seen: dict[str, list[list[float]]] = {"tg": [], "torch": []}
    for key, lib in (("tg", tg), ("torch", torch)):
        a = lib.ones(2, requires_grad=True)
        h = a.register_post_accumulate_grad_hook(
            lambda t, key=key: seen[key].append(t.grad.numpy().tolist()))
        (a * 2).sum().backward()
        (a * 3).sum().backward()
        lib.autograd.grad((a * 5).sum(), [a])  # (no accumulation: no call)
        h.remove()
        (a * 3).sum().backward()
    assert seen["tg"] == seen["torch"] == [[2.0, 2.0], [5.0, 5.0]]


def test_post_accumulate_grad_hook_errors_match_pytorch() -> None:
    for lib in (tg, torch):
        a = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="non-leaf"):
            (a * 2).register_post_accumulate_grad_hook(lambda t: None)
        with pytest.raises(RuntimeError, match="doesn't require gradient"):
            lib.ones(2).register_post_accumulate_grad_hook(lambda t: None)
        a.register_post_accumulate_grad_hook(lambda t: t.grad)
        with pytest.raises(RuntimeError, match="should return None"):
            (a * 2).sum().backward()


def test_post_accumulate_grad_hook_runs_under_create_graph() -> None:
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    a.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.requires_grad))
    (a * a).sum().backward(create_graph=True)
    assert calls == [True]


def test_to_empty_keeps_shapes_dtypes_and_objects() -> None:
    for mod in (nn, torch.nn):
        m = mod.Sequential(mod.Linear(3, 2), mod.BatchNorm1d(2))
        params = list(m.parameters())
        out = m.to_empty(device="cpu")
        assert out is m
        assert [tuple(p.shape) for p in m.parameters()] == [(2, 3), (2,), (2,), (2,)]
        assert all(p is q for p, q in zip(params, m.parameters()))
        assert str(m[1].running_mean.dtype).endswith("float32")
        with pytest.raises(TypeError):
            m.to_empty("cpu")  # (device is keyword-only)
    m = nn.Linear(3, 2)
    with pytest.raises(RuntimeError):
        m.to_empty(device="cuda")


def test_bfloat16_is_refused_with_a_clear_error() -> None:
    with pytest.raises(TypeError, match="no bfloat16 dtype.*half"):
        nn.Linear(2, 2).bfloat16()
    with pytest.raises(TypeError, match="no bfloat16 dtype.*half"):
        tg.ones(2).bfloat16()
    assert np.dtype(tg.ones(2).half().dtype) == np.float16
