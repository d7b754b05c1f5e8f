"""``backward(gradient)`` and ``autograd.grad(..., grad_outputs)`` take the starting gradient
as PyTorch's do (tensor_autograd._seed): cast to the output's dtype (a float64 gradient of a
float32 output, an int or bool one), refused when one of the two is complex and the other is
not, refused with PyTorch's message when the shapes differ; each compared with torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
from tests._torch_snippets import raises_alike  # noqa: E402

THIRD = np.full(2, 1 / 3)


def _grad(m: Any, out: Any, gdtype: str, values: Any = THIRD, create: bool = False) -> Any:
    x = m.ones(2, requires_grad=True)
    go = m.tensor(np.asarray(values).astype(gdtype))
    (g,) = m.autograd.grad(out(m, x), x, go, create_graph=create)
    return g


@pytest.mark.parametrize("create", [False, True])
@pytest.mark.parametrize("gdtype", ["float64", "float16", "int64", "bool"])
def test_grad_outputs_are_cast_to_the_outputs_dtype(gdtype: str, create: bool) -> None:
    values = THIRD if gdtype.startswith("float") else [1, 0]
    want = _grad(torch, lambda m, x: x * 2, gdtype, values, create)
    got = _grad(tg, lambda m, x: x * 2, gdtype, values, create)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1] == "float32"
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())


def test_backward_casts_its_gradient_too() -> None:
    grads = []
    for m in (torch, tg):
        x = m.ones(2, requires_grad=True)
        (x * 3).backward(m.tensor(THIRD))  # float64 for a float32 output
        grads.append(x.grad.numpy())
    assert grads[0].dtype == grads[1].dtype == np.float32
    np.testing.assert_array_equal(grads[1], grads[0])


@pytest.mark.parametrize("out,gdtype", [(lambda m, x: x * 1j, "float64"),
                                        (lambda m, x: x * 2, "complex64"),
                                        (lambda m, x: x * 1j, "float32")])
def test_complex_and_real_do_not_mix(out: Any, gdtype: str) -> None:
    raises_alike(lambda m: _grad(m, out, gdtype, np.ones(2)))
    with pytest.raises(RuntimeError, match="For complex Tensors, both grad_output and output"):
        _grad(tg, out, gdtype, np.ones(2))


def test_a_gradient_of_another_shape_is_refused() -> None:
    raises_alike(lambda m: _grad(m, lambda m, x: x * 2, "float32", np.ones(3)))
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape"):
        _grad(tg, lambda m, x: x * 2, "float32", np.ones(3))
