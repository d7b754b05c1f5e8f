"""The node layout that keeps recording cost flat: slotted nodes, no GC-tracked object per
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


def test_a_recorded_node_adds_no_gc_tracked_object() -> None:
    x = tensor(np.array([0.5], np.float32), requires_grad=True)
    _chain(x, 30).backward()  # warm up lazily created module state
    before = _tracked()
    y = _chain(x, 3000)
    per_node = (_tracked() - before) / 3000  # (the node is off the lists: test_gc_tracking.py)
    assert per_node <= 0.05, f"{per_node:.2f} GC-tracked objects per node"
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


def test_the_node_is_made_without_calling_init_of_the_ops_class() -> None:
    """As PyTorch makes a ctx: the op's class is never instantiated through ``__init__``
    (the compiled engine calls the type's allocator; the Python one ``op.__new__(op)``)."""

    class Twice(Function):
        def __init__(self) -> None:
            raise AssertionError("apply must not call __init__")

        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            return x * 2

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            return g * 2

    x = tensor(np.arange(3.0), requires_grad=True)
    y = Twice.apply(x)
    assert type(y.grad_fn) is Twice
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])


def _op_classes(cls: type) -> list[type]:
    return [cls] + [c for sub in cls.__subclasses__() for c in _op_classes(sub)]


def test_no_op_class_hides_a_node_field_behind_a_class_attribute() -> None:
    """The fields in ``Function.__slots__`` are C fields where the engine is compiled
    (function.pxd): a class attribute of the same name on an op's class would hide the field
    from Python while the engine writes the C field."""
    import tinygrad_nn.functional  # noqa: F401
    import tinygrad_nn.nn  # noqa: F401  (import every module that defines ops)

    fields = set(Function.__slots__) - {"__dict__", "__weakref__"}
    assert {"seq", "_p0", "needs_input_grad", "_saved"} <= fields
    hidden = {(c.__qualname__, name) for c in _op_classes(Function)[1:]
              for name in fields if name in c.__dict__}
    # the one exception is a property: a Tensor-level Function's ctx shows PyTorch's flags
    # per argument of forward; the engine's per-input flags are not read through it
    assert hidden == {("_UserNode", "needs_input_grad")}
    from tinygrad_nn.autograd.function import _UserNode
    assert isinstance(_UserNode.__dict__["needs_input_grad"], property)
    x = tensor(np.ones(2), requires_grad=True)
    node = (x * x).grad_fn
    assert node is not None and node.needs_input_grad == (True, True)
    assert node.in_shapes == ((2,), (2,)) and node.out_shape == (2,)
