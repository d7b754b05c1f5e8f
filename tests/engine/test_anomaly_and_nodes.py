"""Anomaly mode's core hooks, and the public node API (grad_fn, next_functions, name)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import engine, grad_mode
from tinygrad_nn.function import AccumulateGrad


@pytest.fixture
def anomaly() -> Iterator[None]:
    grad_mode.set_anomaly_enabled(True)
    try:
        yield
    finally:
        grad_mode.set_anomaly_enabled(False)


def test_the_flag_turns_on_and_off() -> None:
    assert not grad_mode.is_anomaly_enabled()
    grad_mode.set_anomaly_enabled(True)
    try:
        assert grad_mode.is_anomaly_enabled()
    finally:
        grad_mode.set_anomaly_enabled(False)
    assert not grad_mode.is_anomaly_enabled()


def test_a_non_finite_gradient_names_the_node_and_where_it_was_made(anomaly: None) -> None:
    x = tg.tensor([0.0, 4.0], requires_grad=True)
    y = x.sqrt()  # d sqrt / dx at 0 is inf, times the 0 below: NaN (PyTorch checks NaN only)
    with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(RuntimeError) as info:
        (y * 0.0).sum().backward()
    text = str(info.value)
    assert "Function 'SqrtBackward0' returned nan values in its 0th output." in text
    assert "test_anomaly_and_nodes.py" in text and "y = x.sqrt()" in text
    assert "draw_graph(loss, mark_nonfinite=True)" in text


def test_the_index_of_the_bad_output_is_named(anomaly: None) -> None:
    x = tg.tensor([0.0])
    w = tg.tensor([0.0], requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(
        RuntimeError, match="'DivBackward0' returned nan values in its 1th output"
    ):
        (x / w).sum().backward()  # d/dw x / w = -x / w^2: 0 / 0 at x = w = 0


def test_without_anomaly_mode_the_same_gradient_is_inf() -> None:
    x = tg.tensor([0.0, 4.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        x.sqrt().sum().backward()
    assert np.isinf(x.grad.numpy()[0]) and x.grad.numpy()[1] == pytest.approx(0.25)


def test_check_nan_false_records_but_does_not_check() -> None:
    grad_mode.set_anomaly_enabled(True, check_nan=False)
    try:
        x = tg.tensor([0.0], requires_grad=True)
        y = x.sqrt()
        with np.errstate(divide="ignore"):
            y.sum().backward()
        assert np.isinf(x.grad.numpy()).all()
        assert "y = x.sqrt()" in y.grad_fn.metadata["traceback_"]
    finally:
        grad_mode.set_anomaly_enabled(False)


def test_the_forward_check_raises_where_the_value_appears() -> None:
    grad_mode.set_anomaly_enabled(True, check_forward=True)
    try:
        x = tg.tensor([0.0, 1.0], requires_grad=True)
        with np.errstate(divide="ignore"), pytest.raises(
            RuntimeError, match="'LogBackward0' returned nan values in its output"
        ):
            x.log()
    finally:
        grad_mode.set_anomaly_enabled(False)


def test_nodes_record_where_they_were_made_only_in_anomaly_mode(anomaly: None) -> None:
    x = tg.tensor([1.0], requires_grad=True)
    y = x * 2.0
    assert "y = x * 2.0" in y.grad_fn.metadata["traceback_"]
    grad_mode.set_anomaly_enabled(False)
    z = x * 3.0
    assert "traceback_" not in z.grad_fn.metadata


def test_grad_fn_next_functions_and_names_follow_pytorch() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    c = tg.tensor([3.0, 4.0])
    y = (x * c).exp()
    node = y.grad_fn
    assert node.name() == "ExpBackward0"
    ((mul, i),) = node.next_functions
    assert i == 0 and mul is not None and mul.name() == "MulBackward0"
    (acc, _), (const, _) = mul.next_functions
    assert isinstance(acc, AccumulateGrad) and acc.variable is x and acc.next_functions == ()
    assert const is None  # an input that needs no gradient
    assert x.grad_fn is None


def test_next_functions_match_torch() -> None:
    torch = pytest.importorskip("torch")
    xt = torch.tensor([1.0, 2.0], requires_grad=True)
    yt = (xt * torch.tensor([3.0, 4.0])).exp().sum()
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * tg.tensor([3.0, 4.0])).exp().sum()

    def chain(node: object) -> list[str]:
        names = []
        while node is not None:
            names.append(node.name())
            nxt = [n for n, _ in node.next_functions if n is not None]
            node = nxt[0] if nxt else None
        return names

    assert chain(y.grad_fn)[:3] == chain(yt.grad_fn)[:3] == [
        "SumBackward0", "ExpBackward0", "MulBackward0"]
    assert chain(y.grad_fn)[-1] == chain(yt.grad_fn)[-1] == "torch::autograd::AccumulateGrad"


def test_every_recorded_op_is_an_engine_node_and_the_walk_visits_each_once() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    a = x.exp()
    y = (a * a + a).sum()
    nodes = list(engine.iter_nodes(y))
    ops = [v for v in nodes if isinstance(v, engine.Node)]
    assert [v.name() for v in ops] == ["SumBackward0", "AddBackward0", "MulBackward0",
                                       "ExpBackward0"]
    assert nodes[-1] is x and len(nodes) == len({id(v) for v in nodes})


def test_node_prehooks_see_and_may_replace_the_gradient() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    seen = []
    handle = y.grad_fn.register_prehook(lambda go: seen.append(go[0].numpy().copy()) or
                                        (go[0] * 10,))
    y.sum().backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 20.0])
    handle.remove()
    x.grad = None
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])
