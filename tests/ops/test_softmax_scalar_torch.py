"""The softmax family on a 0-d tensor, against PyTorch: ``F.softmax(x)`` without a dim (the
old reinforce.py spelling) and ``x.softmax(0)`` / ``log_softmax(-1)`` on a scalar raised
AxisError; PyTorch treats a scalar as one element along one dim (dim 0 or -1), giving 1 / 0
with its usual node and gradient."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

CALLS = {
    "F.softmax no dim": lambda m, x: m.nn.functional.softmax(x),
    "F.log_softmax no dim": lambda m, x: m.nn.functional.log_softmax(x),
    "F.softmin dim=0": lambda m, x: m.nn.functional.softmin(x, 0),
    "softmax(0)": lambda m, x: x.softmax(0),
    "softmax(-1)": lambda m, x: x.softmax(-1),
    "log_softmax(0)": lambda m, x: x.log_softmax(0),
    "log_softmax(-1) float64": lambda m, x: x.double().log_softmax(-1),
    "softmax dtype": lambda m, x: x.softmax(0, dtype=m.float64),
}


def _facts(m: Any, call: Any, value: float) -> tuple[Any, ...]:
    x = m.tensor(value, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the implicit-dim warning: both libraries give it)
        y = call(m, x)
        (y * 3).backward()
        with m.no_grad():
            z = call(m, x)
    return (tuple(y.shape), str(y.dtype).rsplit(".", 1)[-1], round(y.item(), 6),
            y.grad_fn.name(), round(x.grad.item(), 6), z.requires_grad, round(z.item(), 6))


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("value", [2.0, -1e30])
def test_softmax_family_on_a_scalar_matches_torch(name: str, value: float) -> None:
    assert _facts(tg, CALLS[name], value) == _facts(torch, CALLS[name], value)


@pytest.mark.parametrize("dim", [1, -2])
def test_scalar_softmax_out_of_range_dim_raises_index_error_as_torch(dim: int) -> None:
    for m in (tg, torch):
        with pytest.raises(IndexError):
            m.tensor(1.0).softmax(dim)


def test_scalar_softmax_of_inf_is_nan_as_torch() -> None:
    for fn in ("softmax", "log_softmax"):
        ours = getattr(tg.tensor(float("inf")), fn)(0).item()
        theirs = getattr(torch.tensor(float("inf")), fn)(0).item()
        assert str(ours) == str(theirs) == "nan"
