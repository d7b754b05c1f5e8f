"""einsum against PyTorch: values, dtypes, shapes and gradients, PyTorch's broadcasting of
size-1 dimensions, its dtype rules (one dtype, no bool contraction, a lone integer operand
summed to int64) and its errors for malformed equations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

F64 = "float64"
CASES: list[tuple[str, list[tuple[int, ...]], list[str]]] = [
    # values and gradients
    ("ij,jk", [(2, 3), (3, 4)], [F64, F64]), ("ij,jk->ik", [(2, 3), (3, 4)], [F64, F64]),
    ("ii", [(3, 3)], [F64]), ("ii->i", [(3, 3)], [F64]), ("ij->ji", [(2, 3)], [F64]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)], [F64, F64]), ("i,j->ij", [(2,), (3,)], [F64, F64]),
    ("...ij,...jk", [(2, 2, 3), (2, 3, 4)], [F64, F64]), ("i j", [(2, 3)], [F64]),
    ("i,i", [(0,), (0,)], [F64, F64]),
    # size-1 dimensions broadcast
    ("ij,jk", [(2, 1), (3, 4)], [F64, F64]), ("ij,jk->ik", [(2, 3), (1, 4)], [F64, F64]),
    ("ij,j", [(2, 3), (1,)], [F64, F64]), ("i,i->", [(1,), (3,)], [F64, F64]),
    ("bij,bjk", [(1, 2, 3), (4, 3, 4)], [F64, F64]), ("ij,ij->ij", [(2, 1), (1, 3)], [F64, F64]),
    ("ij,kj->ik", [(2, 3), (4, 1)], [F64, F64]),
    ("...ij,...jk", [(2, 1, 3), (1, 3, 4)], [F64, F64]),
    # dtypes
    ("ij,jk", [(2, 3), (3, 4)], ["float32", F64]), ("i,i", [(2,), (2,)], ["int64", "float32"]),
    ("i,i", [(2,), (2,)], ["int32", "int64"]), ("i,i", [(2,), (2,)], ["int64", "int64"]),
    ("ij,jk", [(2, 3), (3, 4)], ["int32", "int32"]), ("i,i", [(2,), (2,)], ["bool", "bool"]),
    ("i,j->ij", [(2,), (3,)], ["bool", "bool"]), ("i,i->i", [(2,), (2,)], ["bool", "bool"]),
    ("ij->j", [(2, 3)], ["bool"]), ("ij->j", [(2, 3)], ["int32"]), ("ij->ij", [(2, 3)], ["int32"]),
    ("ij->ji", [(2, 3)], ["bool"]), ("ii->i", [(2, 2)], ["bool"]), ("ij->", [(2, 3)], ["float16"]),
    # errors
    ("ii", [(2, 3)], [F64]), ("ij,jk", [(2, 3), (4, 4)], [F64, F64]), ("ij,jk", [(2, 3)], [F64]),
    ("ij", [(2, 3, 4)], [F64]), ("ij->k", [(2, 3)], [F64]), ("ij->ii", [(2, 3)], [F64]),
    ("1j", [(2, 3)], [F64]), ("i->i->i", [(2,)], [F64]),
    ("...ij,...jk", [(2, 1, 3), (5, 3, 4)], [F64, F64]),
]


def _run(L: Any, eq: str, arrays: list[np.ndarray]) -> tuple[Any, ...]:
    ts = [L.tensor(a, requires_grad=a.dtype == np.float64) for a in arrays]
    try:
        out = L.einsum(eq, *ts)
    except Exception as e:  # noqa: BLE001 (the type is what is compared)
        return ("raise", e)
    grads = None
    if out.requires_grad:
        w = L.tensor(np.linspace(-1.0, 2.0, max(out.numel(), 1))[: out.numel()]).reshape(
            tuple(out.shape))
        (out * w).sum().backward()
        grads = [t.grad.numpy() for t in ts]
    return ("ok", str(out.dtype).rsplit(".", 1)[-1], tuple(out.shape), out.detach().numpy(),
            grads)


@pytest.mark.parametrize(("eq", "shapes", "dtypes"), CASES,
                         ids=[f"{e}-{s}-{d}" for e, s, d in CASES])
def test_einsum_matches_torch(eq: str, shapes: list[tuple[int, ...]], dtypes: list[str]) -> None:
    rng = np.random.default_rng(0)
    arrays = [(rng.standard_normal(s) * 3).astype(d) for s, d in zip(shapes, dtypes)]
    want, got = _run(torch, eq, arrays), _run(tg, eq, arrays)
    if want[0] == "raise":
        assert got[0] == "raise", f"torch raised {want[1]!r}, tinygrad_nn gave {got[1:3]}"
        assert isinstance(got[1], type(want[1])), f"{got[1]!r} vs torch {want[1]!r}"
        return
    assert got[0] == "ok", f"tinygrad_nn raised {got[1]!r}, torch gave {want[1:3]}"
    assert got[1:3] == want[1:3]
    np.testing.assert_allclose(got[3], want[3], rtol=1e-6, atol=1e-6)
    assert (got[4] is None) == (want[4] is None)
    for g, w in zip(got[4] or (), want[4] or ()):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
