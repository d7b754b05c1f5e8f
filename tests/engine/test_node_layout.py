"""The node layout that keeps recording cost flat: slotted nodes, few GC-tracked objects per
node, no cycles; custom ops may still keep their own attributes on ``ctx``."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import Function, Tensor, tensor


def _chain(x: Tensor, n: int) -> Tensor:
    y = x
    for i in range(n):
        y = y * 1.001 if i % 3 == 0 else (y + 0.001 if i % 3 == 1 else y.tanh())
    return y


def _tracked() -> int:
    gc.collect()  # also untracks tuples that hold only untracked values
    return len(gc.get_objects())


def test_a_recorded_node_is_one_gc_tracked_object() -> None:
    x = tensor(np.array([0.5], np.float32), requires_grad=True)
    _chain(x, 30).backward()  # warm up lazily created module state
    before = _tracked()
    y = _chain(x, 3000)
    per_node = (_tracked() - before) / 3000
    assert per_node <= 1.05, f"{per_node:.2f} GC-tracked objects per node"
    del y
    assert gc.collect() == 0  # refcounting freed the graph: no cycles


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_parents_in_slots_read_back_as_one_tuple_per_input(n: int) -> None:
    xs = [tensor(np.full(2, i + 1.0), requires_grad=i % 2 == 0) for i in range(n)]
    xs[-1] = xs[-1] * 2.0 if n > 1 else xs[-1]  # one input with a node (when there are 2+)
    node = tg.stack(xs).grad_fn if n > 1 else xs[0].tanh().grad_fn
    assert node is not None
    want = tuple(x.grad_fn if x.grad_fn is not None else (x if x.requires_grad else None)
                 for x in xs)
    assert len(node.parents) == n
    assert all(p is w for p, w in zip(node.parents, want))
    assert [f[0] is None for f in node.next_functions] == [w is None for w in want]


def test_builtin_nodes_have_no_instance_dict_until_an_attribute_is_set() -> None:
    x = tensor(np.ones(3, np.float32), requires_grad=True)
    node = (x * 2.0).grad_fn
    assert node is not None
    assert node.__dict__ == {}  # nothing beyond the slots was written while recording


def test_a_custom_function_may_keep_its_own_attributes_on_ctx() -> None:
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, k):  # type: ignore[no-untyped-def]
            ctx.k = k
            ctx.note = {"seen": True}
            return x * k

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            assert ctx.note["seen"]
            return g * ctx.k, None

    x = tensor(np.arange(3.0, dtype=np.float32), requires_grad=True)
    Scale.apply(x, 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0, 3.0])


def test_in_place_change_of_a_saved_output_is_still_caught() -> None:
    x = tensor(np.array([0.3, 0.7], np.float32), requires_grad=True)
    y = x.tanh()  # saves its output
    with tg.no_grad():
        y += 1.0
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.sum().backward()


def test_multiplying_by_a_number_keeps_no_input_array() -> None:
    x = tensor(np.ones(4, np.float32), requires_grad=True)
    node = (x * 2.0).grad_fn
    assert node is not None
    assert all(v is None or isinstance(v, float) for v in node.saved_tensors)
