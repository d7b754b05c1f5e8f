"""The engine: the backward order (newest node first), released saved values, freed graphs,
grad()."""

from __future__ import annotations

import gc
import math
import weakref
from collections.abc import Iterator

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import Tensor, tensor
from tinygrad_nn.engine import iter_nodes


def leaf(*values: float) -> Tensor:
    return tensor(np.array(values, dtype=np.float64), requires_grad=True)


@pytest.fixture
def no_gc() -> Iterator[None]:
    """Only reference counting frees objects: a reference cycle would keep them alive."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# -- deep and shared graphs --------------------------------------------------------------------


def _chain(n: int) -> None:
    x = tensor(np.array(1.0), requires_grad=True)
    y, c = x, 1.0 + 1.0 / n
    for _ in range(n):
        y = y * c
    y.backward()
    assert math.isclose(x.grad.item(), c**n, rel_tol=1e-9)  # ~ e


@pytest.mark.slow  # ~18 s of CPU (~1 GB) on the reference machine
def test_a_million_op_chain_backpropagates_without_recursion() -> None:
    _chain(1_000_000)


def test_a_hundred_thousand_op_chain_backpropagates_without_recursion() -> None:
    _chain(100_000)  # the quick version: a recursive walk dies near 1,000


def test_diamond_gradient_is_summed_over_both_paths() -> None:
    x = leaf(0.3, -1.2)
    a = x * 2.0
    y = (a.exp() * a.sin()).sum()  # a reaches y through two branches
    y.backward()
    xs = x.detach().numpy()
    expected = 2.0 * np.exp(2 * xs) * (np.sin(2 * xs) + np.cos(2 * xs))
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_a_long_ladder_of_diamonds_visits_each_node_once() -> None:
    # 2**n paths from y to x: a walk that follows paths instead of nodes never finishes
    x = leaf(1.0)
    y, n = x, 5000
    for _ in range(n):
        y = y * 0.5 + y * 0.5001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0001**n], rtol=1e-9)
    nodes = list(iter_nodes(y))
    assert len(nodes) == len({id(v) for v in nodes}) == 3 * n + 1  # 2 Mul + 1 Add a step, x


def test_a_tensor_used_many_times_accumulates_every_use() -> None:
    x = leaf(2.0)
    terms = [x * float(k) for k in range(1, 11)]
    total = terms[0]
    for t in terms[1:]:
        total = total + t * x  # x is shared by all terms and products
    total.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0 + sum(2 * k * 2.0 for k in range(2, 11))])


def test_topological_order_puts_every_node_before_its_parents() -> None:
    x = leaf(1.0, 2.0)
    a = x.exp()
    b = a * x
    c = (a + b).sum() * b.sum()
    order = list(iter_nodes(c))
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for p in getattr(v, "parents", ()):
            if p is not None:
                assert position[id(p)] > position[id(v)]


# -- memory --------------------------------------------------------------------------------------


def _saved_output_of_exp(x: Tensor) -> tuple[Tensor, weakref.ref]:
    loss = (x.exp() * 2.0).sum()
    exp_node = next(v for v in iter_nodes(loss) if type(v).__name__ == "Exp")
    (saved,) = exp_node.saved_tensors
    assert isinstance(saved, np.ndarray) and saved.shape == x.shape
    return loss, weakref.ref(saved)


def test_backward_releases_saved_arrays(no_gc: None) -> None:
    x = tensor(np.zeros((500, 400)), requires_grad=True)
    loss, saved = _saved_output_of_exp(x)
    assert saved() is not None
    loss.backward()
    assert saved() is None
    for v in iter_nodes(loss):  # every op's saved values are gone
        if isinstance(v, tg.Function):
            with pytest.raises(RuntimeError, match="retain_graph"):
                _ = v.saved_tensors


def test_retain_graph_keeps_saved_arrays(no_gc: None) -> None:
    x = tensor(np.zeros((50, 40)), requires_grad=True)
    loss, saved = _saved_output_of_exp(x)
    loss.backward(retain_graph=True)
    assert saved() is not None
    loss.backward()
    assert saved() is None


def test_a_graph_is_freed_when_its_output_goes_out_of_scope(no_gc: None) -> None:
    x = leaf(1.0, 2.0)
    t = (x * 3.0).tanh()
    t.retain_grad()
    t.register_hook(lambda g: g * 1.0)
    out = (t * t.exp()).sum()
    refs = [weakref.ref(t), weakref.ref(t.grad_fn), weakref.ref(t.detach().numpy()),
            weakref.ref(out.grad_fn)]
    del t
    assert all(r() is not None for r in refs[1:])  # the graph still holds the node
    out.backward()
    del out
    assert [r() for r in refs] == [None] * len(refs)
    assert x.grad is not None  # leaves keep their gradient


def test_an_unused_graph_is_freed_without_backward(no_gc: None) -> None:
    x = leaf(1.0, 2.0)
    out = (x.sigmoid() * x).sum()
    node = weakref.ref(out.grad_fn)
    del out
    assert node() is None


# -- grad(): like torch.autograd.grad ------------------------------------------------------------


def test_grad_returns_gradients_without_touching_dot_grad() -> None:
    x, w = leaf(1.0, 2.0), leaf(3.0, -1.0)
    gx, gw = tg.grad((x * w).sum(), [x, w])
    np.testing.assert_allclose(gx.detach().numpy(), w.detach().numpy())
    np.testing.assert_allclose(gw.detach().numpy(), x.detach().numpy())
    assert x.grad is None and w.grad is None
    (gx_only,) = tg.grad((x * x).sum(), x)
    np.testing.assert_allclose(gx_only.detach().numpy(), 2 * x.detach().numpy())


def test_grad_allow_unused() -> None:
    x, unused = leaf(1.0), leaf(2.0)
    with pytest.raises(RuntimeError, match="allow_unused"):
        tg.grad((x * 2.0).sum(), [x, unused])
    gx, gu = tg.grad((x * 2.0).sum(), [x, unused], allow_unused=True)
    np.testing.assert_allclose(gx.numpy(), [2.0])
    assert gu is None


def test_grad_outputs_weight_a_non_scalar_output() -> None:
    x = leaf(1.0, 2.0, 3.0)
    v = np.array([1.0, -1.0, 0.5])
    (g,) = tg.grad(x * x, x, grad_outputs=tensor(v))
    np.testing.assert_allclose(g.detach().numpy(), 2 * x.detach().numpy() * v)
    with pytest.raises(RuntimeError, match="grad"):
        tg.grad(x * x, x)  # non-scalar without grad_outputs


def test_grad_of_several_outputs_sums_their_contributions() -> None:
    x = leaf(0.5, 1.5)
    (g,) = tg.grad([(x * x).sum(), x.sin().sum()], x)
    np.testing.assert_allclose(g.detach().numpy(),
                               2 * x.detach().numpy() + np.cos(x.detach().numpy()))
    y1, y2 = x * 2.0, x.exp()
    (g,) = tg.grad([y1, y2], x, grad_outputs=[tensor(np.ones(2)), tensor(np.array([2.0, 0.0]))])
    np.testing.assert_allclose(g.detach().numpy(),
                               2.0 + np.array([2.0, 0.0]) * np.exp(x.detach().numpy()))


def test_an_output_computed_from_another_output_still_gets_both_contributions() -> None:
    # z is made from y: y's gradient is complete only after z's node ran (newest first)
    x = leaf(1.0, 2.0)
    y = x * x
    z = (y * 3.0).sin()
    (g,) = tg.grad([z, y], x, grad_outputs=[tensor(np.ones(2)), tensor(np.ones(2))])
    xs = x.detach().numpy()
    np.testing.assert_allclose(g.detach().numpy(), (3.0 * np.cos(3.0 * xs**2) + 1.0) * 2 * xs)


def test_a_branch_that_gets_no_gradient_is_never_run() -> None:
    calls = []

    class Spy(tg.Function):
        @staticmethod
        def forward(ctx, a):  # type: ignore[no-untyped-def]
            return a * 1.0

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            calls.append(1)
            return g

    x = leaf(1.0)
    unused = Spy.apply(x)  # recorded, but the loss does not use it
    (x * 2.0).sum().backward()
    assert calls == [] and unused.requires_grad
    np.testing.assert_allclose(x.grad.numpy(), [2.0])


def test_grad_with_create_graph_is_differentiable() -> None:
    x = leaf(0.7)
    (g,) = tg.grad((x**4).sum(), x, create_graph=True)
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.detach().numpy(), 12 * x.detach().numpy()**2)


def test_grad_of_a_non_leaf_input() -> None:
    x = leaf(1.0, 2.0)
    a = x * 3.0
    (ga,) = tg.grad((a * a).sum(), a)
    np.testing.assert_allclose(ga.detach().numpy(), 2 * a.detach().numpy())


def test_grad_rejects_inputs_and_outputs_without_grad() -> None:
    x = leaf(1.0)
    with pytest.raises(RuntimeError, match="input 0"):
        tg.grad((x * 2).sum(), Tensor([1.0]))
    with pytest.raises(RuntimeError, match="output 0"):
        tg.grad(Tensor([1.0]).sum(), x)


def test_backward_seeds() -> None:
    x = leaf(1.0, 2.0)
    y = x * 3.0
    y.backward(tensor(np.array([1.0, 10.0])))
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 30.0])
    with pytest.raises(RuntimeError, match="shape"):
        (x * 3.0).backward(np.ones(3))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).sum().backward()
