"""Numbers and masks are options of a node, not inputs, where PyTorch's are: ``b ** 2``,
``b % 2``, ``b.fmod(2)`` have one input; ``where(c, x, y)`` lists x and y (not c);
``masked_fill`` / ``index_fill`` list x (and a Tensor value); ``tril`` / ``triu`` list x.
Node names and ``next_functions`` compared with PyTorch's, and gradients still flow."""

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

CASES = {
    "pow_number": lambda m, b, c: b ** 2,
    "pow_float_method": lambda m, b, c: b.pow(2.5),
    "pow_tensor": lambda m, b, c: b ** c,
    "rpow": lambda m, b, c: 2 ** b,
    "float_power": lambda m, b, c: b.float_power(2),
    "remainder_number": lambda m, b, c: b % 2,
    "remainder_method": lambda m, b, c: b.remainder(2),
    "remainder_tensor": lambda m, b, c: b % c,
    "fmod_number": lambda m, b, c: b.fmod(2),
    "fmod_tensor": lambda m, b, c: b.fmod(c),
    "where_tensors": lambda m, b, c: m.where(b > 1, b, c),
    "where_number_y": lambda m, b, c: m.where(b > 1, b, 1.0),
    "where_number_x": lambda m, b, c: m.where(b > 1, 1.0, c),
    "where_constant_y": lambda m, b, c: m.where(b > 1, b, m.zeros(3)),
    "where_method": lambda m, b, c: b.where(b > 1, c),
    "masked_fill_number": lambda m, b, c: b.masked_fill(b > 1, 0.0),
    "masked_fill_tensor": lambda m, b, c: b.masked_fill(b > 1, m.tensor(0.0)),
    "masked_fill_tensor_rg": lambda m, b, c: b.masked_fill(b > 1, c[0]),
    "index_fill_number": lambda m, b, c: b.index_fill(0, m.tensor([0]), 2.0),
    "index_fill_tensor": lambda m, b, c: b.index_fill(0, m.tensor([0]), m.tensor(2.0)),
    "tril": lambda m, b, c: b.reshape(3, 1).expand(3, 3).tril(),
    "triu": lambda m, b, c: (b.reshape(3, 1) * c).triu(1),
    "masked_fill_inplace": lambda m, b, c: (b * 1).masked_fill_(b > 1, 0.0),
    "pow_inplace": lambda m, b, c: (b * 1).pow_(2),
}


def _describe(m, name):
    b = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = m.tensor([0.5, 1.5, 2.5], requires_grad=True)
    out = CASES[name](m, b, c)
    g = out.grad_fn
    names = [None if f is None else f.name() for f, _ in g.next_functions]
    (out * m.arange(out.numel()).reshape(out.shape)).sum().backward()
    grads = [None if t.grad is None else [round(v, 5) for v in t.grad.tolist()] for t in (b, c)]
    return g.name(), names, grads


@pytest.mark.parametrize("name", sorted(CASES))
def test_nodes_and_gradients_match_torch(name):
    assert _describe(tg, name) == _describe(torch, name)
