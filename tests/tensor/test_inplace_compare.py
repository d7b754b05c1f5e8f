"""In-place comparisons and logical ops on recorded tensors, against PyTorch: ``eq_`` ...
are recorded (``EqBackward0/1``, zero gradients), ``logical_*_`` are not (x keeps its node)."""

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

COMPARE = ["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "greater_equal_", "less_",
           "less_equal_", "not_equal_"]
LOGICAL = ["logical_and_", "logical_or_", "logical_xor_", "logical_not_"]


def _node(t):
    g = t.grad_fn
    if g is None:
        return None
    return g.name(), [None if f is None else f.name() for f, _ in g.next_functions]


def _run(m, op, case):
    a = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = m.tensor([2.0, 2.0, 2.0])
    args = () if op == "logical_not_" else (b,)
    if case == "number":
        x, args = a * 1, (2.0,)
    elif case == "self_recorded":
        x = a * 1
    else:  # the other operand requires grad
        x, args = b.clone(), (() if op == "logical_not_" else (a,))
    r = getattr(x, op)(*args)
    out = [r is x, str(r.dtype).removeprefix("torch."), r.requires_grad, _node(r),
           r.detach().numpy().tolist()]
    if r.requires_grad:
        r.sum().backward()
        out.append(a.grad.numpy().tolist())
    return out


@pytest.mark.parametrize("op, case", [
    (op, case) for op in COMPARE + LOGICAL
    for case in ("number", "self_recorded", "other_requires_grad")
    if not (case == "number" and op in LOGICAL)  # (logical ops take tensors only)
])
def test_inplace_comparison_records_as_torch(op, case):
    assert _run(tg, op, case) == _run(torch, op, case)


@pytest.mark.parametrize("op", LOGICAL)
def test_logical_inplace_on_a_leaf_that_requires_grad_is_allowed_as_in_torch(op):
    def run(m):
        a = m.tensor([1.0, 0.0, 3.0], requires_grad=True)
        getattr(a, op)(*(() if op == "logical_not_" else (m.ones(3),)))
        return a.is_leaf, a.requires_grad, a.grad_fn is None, a.detach().numpy().tolist()

    assert run(tg) == run(torch)


def test_inplace_comparison_on_a_leaf_that_requires_grad_raises_as_torch():
    for m in (tg, torch):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            a.eq_(1.0)


def test_inplace_comparison_gradient_to_a_broadcast_other_is_zero():
    def run(m):
        x = m.ones(2, 3, requires_grad=True) * 1
        o = m.ones(3, requires_grad=True)
        x.ge_(o).sum().backward()
        return o.grad.numpy().tolist()

    assert run(tg) == run(torch) == [0.0, 0.0, 0.0]
