"""The reflected operators record the graph PyTorch records, checked against PyTorch:
``2 * b`` and ``1 + b`` list ``b`` first (the number second, as a None entry), ``1 - b`` and
``2 ** b`` have one input (the number is not one), ``2 / b`` is ``reciprocal(b) * 2`` (the
same node and the same rounding), and ``b.reciprocal()`` is one ReciprocalBackward0."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

_EXPRS = {
    "2*b": lambda b: 2 * b, "b*2": lambda b: b * 2, "1+b": lambda b: 1 + b,
    "True*b": lambda b: True * b, "np.float32(2)+b": lambda b: np.float32(2.0) + b,
    "np.float64(2)*b": lambda b: np.float64(2.0) * b, "1-b": lambda b: 1 - b,
    "2.5-b": lambda b: 2.5 - b, "2/b": lambda b: 2 / b, "3/b": lambda b: 3 / b,
    "2**b": lambda b: 2 ** b, "2.5**b": lambda b: 2.5 ** b,
    "b.reciprocal()": lambda b: b.reciprocal(),
}


def _graph(lib: object, expr: str) -> tuple[str, list[str | None], np.ndarray]:
    b = lib.tensor([0.3, 1.7, -2.2], requires_grad=True).sin()  # type: ignore[attr-defined]
    y = _EXPRS[expr](b)
    names = [None if f is None else f.name() for f, _ in y.grad_fn.next_functions]
    return y.grad_fn.name(), names, y.detach().numpy()


@pytest.mark.parametrize("expr", list(_EXPRS))
def test_reflected_operator_records_pytorchs_node(expr: str) -> None:
    name, parents, value = _graph(tg, expr)
    t_name, t_parents, t_value = _graph(torch, expr)
    assert (name, parents) == (t_name, t_parents)
    assert value.dtype == t_value.dtype
    if "**" in expr:  # a float32 power: libm and PyTorch's vectorised pow may differ in the
        np.testing.assert_array_max_ulp(value, t_value, maxulp=1)  # last place (seen here)
    else:
        np.testing.assert_array_equal(value, t_value)  # (the same rounding: 3 * (1 / b))


@pytest.mark.parametrize("c", [2, 2.5, True])
@pytest.mark.parametrize("dt", ["int64", "int32", "uint8", "float32", "float64"])
def test_reflected_operators_keep_pytorchs_dtypes(c: object, dt: str) -> None:
    for op in ("+", "-", "*", "/", "**"):
        res = []
        for lib in (tg, torch):
            x = lib.tensor([1, 2, 3], dtype=getattr(lib, dt))
            try:
                y = eval(f"c {op} x", {"c": c, "x": x})  # noqa: S307 - a fixed table
                res.append((str(y.dtype).removeprefix("torch."), y.numpy().tolist()))
            except Exception as e:  # noqa: BLE001 - compared by type
                res.append((type(e).__name__, None))
        assert res[0][0] == res[1][0], (op, res)
        np.testing.assert_allclose(np.asarray(res[0][1], float), np.asarray(res[1][1], float),
                                   rtol=1e-6)


def test_reflected_gradients_match_pytorch_to_second_order() -> None:
    out = []
    for lib in (tg, torch):
        x = lib.tensor([0.3, 1.7, 2.2], dtype=lib.float64, requires_grad=True)
        y = (1 - x) * (2 ** x) + 3 / x + 2 * x
        (g,) = lib.autograd.grad(y.sum(), [x], create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), [x])
        out.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-13)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-13)
