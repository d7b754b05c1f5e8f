"""Float-valued unary ops of integer and bool tensors give the default float, as in PyTorch
(``tensor([1, 2]).exp()`` is float32; NumPy's rule would give float64)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

OPS = ["exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf",
       "reciprocal"]


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("data", [[1, 2, 3], [True, False, True]], ids=["int64", "bool"])
def test_integer_input_gives_the_default_float(name: str, data: list) -> None:
    with np.errstate(divide="ignore"):
        got = getattr(tg.tensor(data), name)()
        top = getattr(tg, name)(tg.tensor(data))
    want = getattr(torch.tensor(data), name)()
    assert got.dtype == top.dtype == tg.float32 and str(want.dtype) == "torch.float32"
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    with np.errstate(divide="ignore"), _Default64():
        assert getattr(tg.tensor(data), name)().dtype == tg.float64


class _Default64:
    """set_default_dtype(float64) for a block (PyTorch's float64 default: float64 results)."""

    def __enter__(self) -> None:
        self.prev = tg.get_default_dtype()
        tg.set_default_dtype(tg.float64)

    def __exit__(self, *exc: object) -> None:
        tg.set_default_dtype(self.prev)
