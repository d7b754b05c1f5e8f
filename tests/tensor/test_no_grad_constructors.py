"""Constructors under no_grad: requires_grad, leaf-ness and gradients as PyTorch's."""

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

FORMS = {
    "tensor_rg": lambda m, a: m.tensor([1.0, 2.0], requires_grad=True),
    "Tensor_of_leaf": lambda m, a: m.Tensor(a),
    "Tensor_of_nonleaf": lambda m, a: m.Tensor(a * 2),
    "Tensor_of_list": lambda m, a: m.Tensor([1.0, 2.0]),
    "zeros_rg": lambda m, a: m.zeros(2, requires_grad=True),
    "as_tensor": lambda m, a: m.as_tensor(a),
    "from_numpy": lambda m, a: m.from_numpy(np.ones(2)),
    "ones_like_rg": lambda m, a: m.ones_like(a, requires_grad=True),
    "new_tensor_rg": lambda m, a: a.new_tensor([1.0], requires_grad=True),
    "Parameter": lambda m, a: m.nn.Parameter(m.ones(2)),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_constructor_under_no_grad_matches_torch(form):
    def facts(m):
        a = m.randn(3, requires_grad=True)
        with m.no_grad():
            t = FORMS[form](m, a)
        return t.requires_grad, t.is_leaf, t.grad_fn is None

    assert facts(tg) == facts(torch)


def test_tensor_of_a_tensor_under_no_grad_requires_grad_but_gives_no_gradient():
    def run(m):
        a = m.ones(3, requires_grad=True)
        with m.no_grad():
            t = m.Tensor(a)
        (t * 2).sum().backward()
        try:
            t.mul_(2)
            err = None
        except RuntimeError as e:
            err = str(e)
        with m.no_grad():
            t.mul_(2)  # allowed: the view and the change both under no_grad
        return t.requires_grad, a.grad, t.grad, err, a.detach().numpy().tolist()

    ours, theirs = run(tg), run(torch)
    assert ours == theirs
    assert ours[0] is True and ours[3].startswith("A view was created in no_grad mode")


def test_tensor_of_a_constant_under_no_grad_does_not_require_grad():
    with tg.no_grad():
        assert not tg.Tensor(tg.ones(2)).requires_grad
