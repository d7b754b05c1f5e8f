"""``x.fill_(v)`` with a 0-d Tensor v, against PyTorch: FillBackward3 with inputs (x, v),
the sum of the gradient to v, zero to x; a value with dims is refused."""

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _names(t):
    return t.grad_fn.name(), [None if f is None else f.name() for f, _ in t.grad_fn.next_functions]


def _run(m):
    out = []
    a = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = m.tensor(5.0, requires_grad=True)
    x = a * 1
    x.fill_(v)
    (x * m.tensor([1.0, 2.0, 3.0])).sum().backward()
    out += [_names(x), x.detach().numpy().tolist(), a.grad.numpy().tolist(), v.grad.item()]
    y = m.zeros(3)
    y.fill_(v)  # only the value requires grad
    out += [_names(y), y.requires_grad]
    w = a * 1
    w.fill_(m.tensor(5.0))  # the value needs no gradient
    out.append(_names(w))
    v64 = m.tensor(5.0, dtype=m.float64, requires_grad=True)
    z = a * 1
    z.fill_(v64)
    z.sum().backward()
    out += [str(z.dtype).removeprefix("torch."), str(v64.grad.dtype).removeprefix("torch."),
            v64.grad.item()]
    i = m.tensor([1, 2])
    i.fill_(m.tensor(2.7))
    out.append(i.numpy().tolist())
    s = a * 1
    s.fill_(v)
    (g,) = m.autograd.grad((s * s).sum(), v, create_graph=True)
    out += [g.item(), g.grad_fn.name()]
    b = a * 1
    b[0:2].fill_(v)
    out.append(b.grad_fn.name())
    return out


def test_fill_with_a_0d_tensor_records_as_torch():
    assert _run(tg) == _run(torch)


def test_fill_with_a_tensor_of_dims_raises_as_torch():
    for m in (tg, torch):
        x = m.ones(3)
        with pytest.raises(RuntimeError, match="fill_ only supports 0-dimension value tensor "
                                               "but got tensor with 1 dimensions"):
            x.fill_(m.tensor([5.0]))
