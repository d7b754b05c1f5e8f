"""``Tensor.backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)``,
PyTorch's signature: the keyword ``gradient=`` (the autograd tutorial's
``y.backward(gradient=v)``) and ``inputs=`` (only those tensors get ``.grad``)."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _run(lib: Any) -> tuple[Any, Any, Any]:
    """Two backward passes with inputs, then a plain one: a non-leaf named in ``inputs``
    keeps its gradients from then on, as with ``retain_grad()``. (PyTorch also adds into it
    during a later ``backward(inputs=...)`` that does not name it; here it does not: that
    call is left out.)"""
    a = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    b = lib.tensor([3.0, -1.0], dtype=lib.float64, requires_grad=True)
    h = a * b  # a non-leaf input
    y = h * a
    y.backward(gradient=lib.tensor([1.0, 0.5], dtype=lib.float64), inputs=[a, h],
               retain_graph=True)
    b_first = b.grad
    y.backward(gradient=lib.tensor([2.0, 1.0], dtype=lib.float64))
    assert b_first is None
    return a.grad, b.grad, h.grad


def test_backward_gradient_and_inputs_as_torch() -> None:
    ours, theirs = _run(tg), _run(torch)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.detach().numpy(), t.numpy(), rtol=1e-12)


def test_backward_signature_is_torchs() -> None:
    names = list(inspect.signature(tg.Tensor.backward).parameters)
    assert names == list(inspect.signature(torch.Tensor.backward).parameters)


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_empty_inputs_are_refused(lib_name: str) -> None:
    lib = torch if lib_name == "torch" else tg
    a = lib.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (a * 2).sum().backward(inputs=[])
