"""Saved values changed in place are caught at backward (PyTorch's version counters), also
when the tensor had no counter yet when its values were saved (counters are made on first
need: engine.md section 5). Each case runs the same program on PyTorch when it is installed
and checks that both raise, or both give the same gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg


def _output_viewed_then_changed(lib: Any) -> Any:
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    y = x.tanh()  # saves its output, which has no counter yet
    with lib.no_grad():
        y.view(2).mul_(2.0)  # through a view made later
    return x, y.sum()


def _intermediate_input_changed(lib: Any) -> Any:
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    a = x * 1.0
    b = a * a  # saves a (no counter)
    a.add_(1.0)  # recorded in-place change of a saved intermediate
    return x, b.sum()


def _constant_changed(lib: Any) -> Any:
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    c = lib.tensor([2.0, 3.0])
    y = x * c  # saves the constant c for x's gradient
    c.mul_(2.0)
    return x, y.sum()


def _leaf_changed_under_no_grad(lib: Any) -> Any:
    w = lib.tensor([0.5, 1.5], requires_grad=True)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = w * x  # saves w for x's gradient
    with lib.no_grad():
        w.sub_(0.1)  # an optimiser step before backward
    return x, y.sum()


def _detached_then_changed(lib: Any) -> Any:
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    a = x.exp()  # saves its output
    a.detach_()
    a.mul_(2.0)
    return x, None  # backward through a's node is gone; only the raise on a later use matters


def _self_update_reads_itself(lib: Any) -> Any:
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    a = x * 1.0
    a.mul_(a)  # the operand is the memory being written: PyTorch raises at backward
    return x, a.sum()


def _self_update_with_a_constant(lib: Any) -> Any:
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    a = x.exp()
    a.mul_(2.0)  # the recorded op reads a snapshot; exp saved its own output, now changed
    return x, a.sum()


def _changed_where_nothing_saved_it(lib: Any) -> Any:
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    a = x * 3.0  # saves the 3.0 only
    b = a.tanh()  # saves its own output, not a
    a.mul_(2.0)  # recorded; a now stands for the new node
    return x, (a + b).sum()


def _untouched(lib: Any) -> Any:
    x = lib.tensor([0.5, 1.5], requires_grad=True)
    y = (x * 3.0).tanh() * x
    return x, y.sum()


RAISES = [_output_viewed_then_changed, _intermediate_input_changed, _constant_changed,
          _leaf_changed_under_no_grad, _self_update_reads_itself, _self_update_with_a_constant]
WORKS = [_changed_where_nothing_saved_it, _untouched]


@pytest.mark.parametrize("program", RAISES, ids=lambda f: f.__name__)
def test_a_saved_value_changed_in_place_raises(program: Callable[[Any], Any]) -> None:
    _, loss = program(tg)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


@pytest.mark.parametrize("program", RAISES, ids=lambda f: f.__name__)
def test_pytorch_raises_on_the_same_programs(program: Callable[[Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    _, loss = program(torch)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


@pytest.mark.parametrize("program", WORKS, ids=lambda f: f.__name__)
def test_unchanged_saved_values_give_pytorchs_gradient(program: Callable[[Any], Any]) -> None:
    x, loss = program(tg)
    loss.backward()
    torch = pytest.importorskip("torch")
    tx, tloss = program(torch)
    tloss.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_detach_in_place_makes_the_counter_first() -> None:
    x, _ = _detached_then_changed(tg)
    node_out = tg.tensor([0.5, 1.5], requires_grad=True).exp()
    node = node_out.grad_fn
    node_out.detach_()
    node_out.mul_(2.0)  # changes the array that `node` saved
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        node.run_backward(np.ones(2, np.float32), False, False)
