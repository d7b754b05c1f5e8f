"""Sizes and dims given as one-element integer tensors (``_shapes.shape_arg``,
``normalize_axis``, ``normalize_one_axis``), against PyTorch: same shapes, or the same
exception type."""

from __future__ import annotations

from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

CASES = [
    # sizes
    "L.ones(L.tensor(2))", "L.zeros(L.tensor([2]), 3)", "L.empty((3, L.tensor(2)))",
    "L.ones(L.tensor(2.0))", "L.ones(L.tensor(True))", "L.ones(L.tensor([2, 3]))",
    "x.reshape(L.tensor(3), 2)", "x.view(L.tensor(6))", "x.new_zeros(L.tensor(2))",
    "x[0].expand(L.tensor(2), 3)", "x.repeat(L.tensor(2), 1)",
    # dims
    "x.permute(L.tensor(1), 0)", "x.unsqueeze(L.tensor(0))", "x.sum(L.tensor(0))",
    "x.sum((L.tensor(0), 1))", "x.mean(L.tensor([1]))", "x.softmax(L.tensor(1))",
    "x.transpose(L.tensor(0), 1)", "L.cat([x, x], L.tensor(1))", "x.flip(L.tensor(0))",
    "x.cumsum(L.tensor(1))", "x.squeeze(L.tensor(0))", "x.narrow(L.tensor(0), 0, 1)",
    "x.select(L.tensor(0), 1)", "x.sum(L.tensor(True))", "x.sum(L.tensor(0.0))",
    "x.sum(L.tensor([0, 1]))", "x.unsqueeze(L.tensor(5))", "x.argmax(L.tensor(1))",
    "x.argmin(dim=L.tensor(0))", "x.argmax(L.tensor(1.0))",
]


def _run(L: Any, expr: str) -> tuple[str, Any]:
    x = L.arange(6.0).reshape(2, 3)
    try:
        out = eval(expr, {"L": L, "x": x})  # noqa: S307 (test cases)
    except Exception as e:  # noqa: BLE001 (the type is what is compared)
        return "raise", e
    return "ok", tuple(out.shape)


@pytest.mark.parametrize("expr", CASES)
def test_one_element_int_tensors_as_sizes_and_dims(expr: str) -> None:
    kind, want = _run(torch, expr)
    got_kind, got = _run(tg, expr)
    if kind == "raise":
        assert got_kind == "raise", f"{expr}: torch raised {want!r}, tinygrad_nn gave {got}"
        assert isinstance(got, type(want)), f"{expr}: {got!r} vs torch {want!r}"
    else:
        assert (got_kind, got) == ("ok", want), f"{expr}: {got!r}, torch {want}"
