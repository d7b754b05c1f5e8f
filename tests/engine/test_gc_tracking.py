"""Built-in op nodes leave the cyclic GC's lists (``function._untrack``): refcounting frees a
graph, and a full collection does not rescan it. Everything that could make a cycle through
a node keeps it (or puts it back) on those lists, so such cycles are still collected; the
one kind that is not (a leaf that refers back to a tensor computed from it) is documented
in docs/engine.md, "Memory"."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tests.engine.test_function import Cube
from tinygrad_nn import Tensor, nn
from tinygrad_nn.autograd import graph
from tinygrad_nn.grad_mode import _mode


def _leaf() -> Tensor:
    return tg.tensor(np.array([0.5, -1.5]), requires_grad=True)


def _node(t: Tensor) -> Any:
    assert t.grad_fn is not None
    return t.grad_fn


def test_a_builtin_ops_node_is_not_tracked() -> None:
    x = _leaf()
    for y in (x * 2.0, x + x, x.tanh(), x.exp().sum(), x[0], tg.stack([x, x])):
        assert y.grad_fn is not None
        assert not gc.is_tracked(y.grad_fn), y.grad_fn.name()


def test_a_graph_is_freed_by_refcounting_alone() -> None:
    x = _leaf()
    y = x
    for _ in range(2000):
        y = (y * 1.001).tanh()
    node = weakref.ref(y.grad_fn)
    gc.collect()
    gc.disable()  # (nothing but refcounting may free it)
    try:
        del y
        assert node() is None
    finally:
        gc.enable()


def test_a_custom_functions_node_stays_tracked() -> None:
    y = Cube.apply(_leaf())
    assert gc.is_tracked(y.grad_fn)
    z = y * 2.0  # a built-in op on top of it is not
    assert not gc.is_tracked(z.grad_fn)


def _collected(make: Callable[[], Any]) -> bool:
    """Whether the cycle ``make()`` builds and drops (returning a weak reference into it)
    is freed by a collection."""
    gc.collect()
    ref = make()
    gc.collect()
    return ref() is None


def _tensor_hook() -> Any:
    y = _leaf() * 2.0
    y.register_hook(lambda g: y)
    assert gc.is_tracked(y.grad_fn)
    return weakref.ref(y)


def _node_post_hook() -> Any:
    y = _leaf() * 2.0
    _node(y).register_hook(lambda ins, outs: y)
    assert gc.is_tracked(y.grad_fn)
    return weakref.ref(y)


def _node_pre_hook() -> Any:
    y = _leaf() * 2.0
    _node(y).register_prehook(lambda outs: y)
    assert gc.is_tracked(y.grad_fn)
    return weakref.ref(y)


def _metadata() -> Any:
    y = _leaf() * 2.0
    _node(y).metadata["output"] = y
    assert gc.is_tracked(y.grad_fn)
    return weakref.ref(y)


def _create_graph_backward() -> Any:
    w = _leaf()
    loss = w.exp().tanh().exp().sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (PyTorch's warning about this very cycle)
        loss.backward(create_graph=True)
    assert w.grad is not None and w.grad.grad_fn is not None  # w -> w.grad -> graph -> w
    assert gc.is_tracked(w.grad.grad_fn) and gc.is_tracked(loss.grad_fn)
    return weakref.ref(w)


def _create_graph_through_a_third_input() -> Any:
    w = _leaf()
    b, x = tg.ones(2, dtype=tg.float64), tg.ones(2, 2, dtype=tg.float64)
    loss = tg.addmm(b, x, w.reshape(2, 1).expand(2, 2)).exp().sum()  # w: the third input
    loss.backward(create_graph=True)  # w -> w.grad -> ... -> addmm's parents -> w
    return weakref.ref(w)


def _grad_stored_on_the_leaf() -> Any:
    w = _leaf()
    (g,) = tg.autograd.grad(w.exp().exp().sum(), w, create_graph=True)
    w.grad = g  # the same cycle, made by hand
    return weakref.ref(w)


class _KeepsOutput(nn.Linear):
    def forward(self, x: Tensor) -> Tensor:
        self.out = super().forward(x)  # module -> output -> node: no way back (weak scope)
        return self.out


def test_a_module_that_keeps_its_output_makes_no_cycle() -> None:
    m = _KeepsOutput(2, 2)
    m(tg.ones(1, 2))
    node = _node(m.out)
    assert not gc.is_tracked(node)
    gc.collect()
    gc.disable()  # (refcounting alone frees the module and its graph)
    try:
        ref, node_ref = weakref.ref(m), weakref.ref(node)
        del m, node
        assert ref() is None and node_ref() is None
    finally:
        gc.enable()


def test_metadata_gives_the_modules_of_the_scope() -> None:
    m = _KeepsOutput(2, 2)
    node = _node(m(tg.ones(1, 2)))
    assert node.metadata["scope"][0] is m  # (then a composite's level: linear)
    assert gc.is_tracked(node)  # the dict now holds the module itself


def _module_metadata() -> Any:
    m = _KeepsOutput(2, 2)
    m(tg.ones(1, 2))
    assert _node(m.out).metadata["scope"][0] is m  # now node -> metadata -> module -> node
    return weakref.ref(m)


def _saved_tensors_hook() -> Any:
    x = _leaf()
    with graph.saved_tensors_hooks(lambda t: t, lambda t: t):  # keeps the Tensors themselves
        y = x.exp()  # saves its output: node -> packed y -> node
    assert gc.is_tracked(y.grad_fn)
    return weakref.ref(y)


def _anomaly_mode() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ("Anomaly Detection has been enabled ...")
        with tg.autograd.detect_anomaly():
            y = _leaf() * 2.0
    assert gc.is_tracked(y.grad_fn)  # its metadata holds where it was made
    _node(y).metadata["output"] = y
    return weakref.ref(y)


CYCLES = [_tensor_hook, _node_post_hook, _node_pre_hook, _metadata, _create_graph_backward,
          _create_graph_through_a_third_input,
          _grad_stored_on_the_leaf, _module_metadata, _saved_tensors_hook,
          _anomaly_mode]


@pytest.mark.parametrize("make", CYCLES, ids=lambda f: f.__name__.strip("_"))
def test_a_cycle_through_a_node_is_collected(make: Callable[[], Any]) -> None:
    assert _collected(make)


def _leaf_attribute() -> Any:
    w = _leaf()
    w.keep = w * 2.0  # type: ignore[attr-defined]  # w -> w.keep -> its node -> w
    return weakref.ref(w)


def test_a_leaf_that_refers_back_to_its_own_graph_is_not_collected() -> None:
    """The documented exception (as in PyTorch, whose nodes the GC never sees): a cycle
    that leaves a built-in op's node through its edge to a leaf. Breaking it frees it."""
    gc.collect()
    ref = _leaf_attribute()
    gc.collect()
    w = ref()
    assert w is not None
    del w.keep
    del w
    assert ref() is None


def test_nodes_recorded_after_a_create_graph_backward_leave_the_lists_again() -> None:
    w = _leaf()
    w.exp().sum().backward(create_graph=True)
    y = w * 3.0
    assert not gc.is_tracked(y.grad_fn)


SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from tests.engine import test_gc_tracking as t
print(json.dumps([t._collected(f) for f in t.CYCLES + [t._leaf_attribute]]))
"""


def test_pure_python_engine_tracks_the_same_nodes() -> None:
    """Compiled or not, the same nodes leave the GC's lists (ctypes as Python)."""
    env = {**os.environ, "TINYGRAD_NN_PURE_PYTHON": "1"}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(root=root)], env=env,
                         capture_output=True, text=True, timeout=300, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True] * len(CYCLES) + [False]


def test_create_graph_backward_into_a_leaf_gives_no_leak_warning() -> None:
    """PyTorch warns that ``w.grad`` would leak through a reference cycle; here the cycle is
    collected (``_create_graph_backward``), so there is nothing to warn about."""
    w = _leaf()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w.exp().sum().backward(create_graph=True)
    assert w.grad is not None and w.grad.grad_fn is not None


def _tracked_growth(step: Callable[[Any, int], Any], steps: int = 3000) -> float:
    """Tracked objects added per step of an unrolled loop (its graph kept alive), after
    100 steps (a base tensor's list of weak references to its views, pruned at each
    doubling from 64, holds up to 64 dead ones: bounded, not per step)."""
    h = step(None, 0)
    for t in range(1, 100):
        h = step(h, t)
    gc.collect()
    before = len(gc.get_objects())
    for t in range(100, 100 + steps):
        h = step(h, t)
    gc.collect()
    return (len(gc.get_objects()) - before) / steps


def test_an_unrolled_loop_of_module_calls_adds_no_tracked_object_per_step() -> None:
    """Indexing a step's input, a module call (its scope tuple), an op of three inputs (its
    parents' tuple): none leaves a tracked object for the collector to rescan."""
    cell = nn.RNNCell(3, 4)
    x = tg.tensor(np.random.default_rng(0).random((2, 7, 3)), requires_grad=True).float()
    lin = nn.Linear(4, 4)

    def step(h: Any, t: int) -> Any:
        return lin(cell(x[:, t % 7], h)).tanh()

    assert _tracked_growth(step) < 0.15  # (it was 6 per step)


def test_a_recorded_index_shares_its_slices_and_leaves_the_gc_lists() -> None:
    x = tg.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    a, b = _node(x[:, 1:3, ::2]), _node(x[:, 1:3, ::2])
    assert a.idx == (slice(None), slice(1, 3), slice(None, None, 2))  # the index as given
    assert all(i is j for i, j in zip(a.idx, b.idx))  # one slice object per distinct slice
    assert not gc.is_tracked(a.idx)
    y = x[:, 1:3, ::2]
    y.sum().backward()  # the gradient goes where the slices say
    want = np.zeros((2, 3, 4))
    want[:, 1:3, ::2] = 1
    assert np.array_equal(x.grad.numpy(), want)


def test_a_scope_tuple_is_not_tracked() -> None:
    seen: list[Any] = []
    m = nn.Linear(2, 2)
    m.register_forward_hook(lambda mod, args, out: seen.append(_mode.scope))
    m(tg.ones(1, 2))
    assert seen and not gc.is_tracked(seen[0])


def test_drawing_a_graph_leaves_its_nodes_off_the_lists() -> None:
    """A drawing reads what recorders attached without making ``metadata`` (which would put
    the node back on the lists), and still shows it."""
    m = nn.Linear(2, 2)
    y = m(tg.ones(1, 2)).tanh()
    y.name = "out"
    z = (y * 2.0).sum()
    source = tg.viz.draw_graph(z).source
    assert "out" in source and "Linear" in source
    node = _node(z)
    while node is not None and not isinstance(node, Tensor):
        assert not gc.is_tracked(node) or node is _node(y), node.name()  # (y's: it has a name)
        node = next((p for p in node.parents if p is not None and not isinstance(p, Tensor)),
                    None)
