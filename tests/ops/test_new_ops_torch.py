"""The new indexing, sorting, scan, norm and functional ops against PyTorch.

Each snippet runs on both libraries with the same arrays: values, indices, dtypes and the
gradient of a random projection of the output must agree, and bad input must raise the
exception type PyTorch raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RNG = np.random.default_rng(0)
X = RNG.permutation(24).reshape(2, 3, 4).astype(np.float64) - 11.5  # distinct, no zeros
M = RNG.standard_normal((3, 4))
IDX = np.array([[[0, 2, 1, 2], [1, 1, 0, 0]], [[2, 0, 0, 1], [0, 1, 2, 2]]])
SEL = np.array([2, 0, 2])
MASK = RNG.random((3, 4)) > 0.5
Z = np.array([[2.0, 0.0, 3.0, -1.0], [0.0, 0.0, 2.0, 1.5], [1.0, 2.0, 0.5, -2.0]])


def _lib(lib: Any) -> tuple[Any, Any]:
    return (torch, TF) if lib is torch else (tg, F)


def _t(lib: Any, a: np.ndarray, grad: bool = False) -> Any:
    if lib is torch:
        return torch.tensor(a, requires_grad=grad)
    return tg.tensor(a.copy(), requires_grad=grad)


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


# (name, inputs, fn(lib, *tensors) -> output or tuple of outputs)
CASES: list[tuple[str, list[np.ndarray], Callable[..., Any]]] = [
    ("gather", [X], lambda L, x: x.gather(1, _t(L, IDX))),
    ("gather dim 2", [X], lambda L, x: x.gather(2, _t(L, IDX[:, :, :2]))),
    ("scatter src", [X, X[:, :2] * 0.5],
     lambda L, x, s: x.scatter(1, _t(L, np.array([[[0, 1, 2, 0], [2, 2, 1, 1]]] * 2)), s)),
    ("scatter value", [X], lambda L, x: x.scatter(2, _t(L, IDX[:, :, :2]), 1.5)),
    ("scatter_add", [X, X[:, :2] * 2], lambda L, x, s: x.scatter_add(1, _t(L, IDX), s)),
    ("index_select", [M], lambda L, x: x.index_select(1, _t(L, SEL))),
    ("index_select dim 0", [M], lambda L, x: x.index_select(0, _t(L, SEL))),
    ("masked_select", [M], lambda L, x: x.masked_select(_t(L, MASK))),
    ("masked_select broadcast", [M[0]], lambda L, x: x.masked_select(_t(L, MASK))),
    ("sort", [X], lambda L, x: tuple(x.sort(1))),
    ("sort descending", [X], lambda L, x: tuple(x.sort(dim=-1, descending=True))),
    ("sort stable ties", [np.array([3.0, 1.0, 3.0, 1.0, 2.0])],
     lambda L, x: tuple(x.sort(descending=True, stable=True))),
    ("argsort", [X], lambda L, x: x.argsort(0)),
    ("topk", [X], lambda L, x: tuple(x.topk(2))),
    ("topk smallest dim 1", [X], lambda L, x: tuple(x.topk(3, dim=1, largest=False))),
    ("cumsum", [X], lambda L, x: x.cumsum(1)),
    ("cumsum -1", [X], lambda L, x: x.cumsum(dim=-1)),
    ("cumprod", [X / 10], lambda L, x: x.cumprod(2)),
    ("cumprod zeros", [Z], lambda L, x: x.cumprod(1)),
    ("prod", [X / 10], lambda L, x: x.prod(1)),
    ("prod keepdim", [X / 10], lambda L, x: x.prod(0, keepdim=True)),
    ("prod all", [X / 10], lambda L, x: x.prod()),
    ("prod zeros", [Z], lambda L, x: x.prod(1)),
    ("prod one zero", [Z[2:] * np.array([1.0, 0, 1, 1])], lambda L, x: x.prod()),
    ("norm", [X], lambda L, x: x.norm()),
    ("norm p=1 dim", [X], lambda L, x: x.norm(1, dim=1)),
    ("norm p=3 keepdim", [X], lambda L, x: x.norm(3, dim=(0, 2), keepdim=True)),
    ("norm inf", [X], lambda L, x: x.norm(float("inf"), dim=2)),
    ("tril", [X], lambda L, x: x.tril()),
    ("triu -1", [X], lambda L, x: x.triu(-1)),
    ("tril 2", [M], lambda L, x: x.tril(diagonal=2)),
    ("outer", [M[0], M[1, :3]], lambda L, a, b: a.outer(b)),
    ("linalg.norm", [M], lambda L, a: L.linalg.norm(a)),
    ("linalg.norm ord dim", [X], lambda L, a: L.linalg.norm(a, 3, dim=1)),
    ("linalg.norm matrix 1", [M], lambda L, a: L.linalg.norm(a, 1)),
    ("linalg.norm matrix -inf", [X], lambda L, a: L.linalg.norm(a, -float("inf"), (0, 2))),
    ("linalg.vector_norm", [X], lambda L, a: L.linalg.vector_norm(a, 0.5, dim=(1, 2))),
    ("linalg.matrix_norm fro", [X], lambda L, a: L.linalg.matrix_norm(a)),
    ("F.pad constant", [X], lambda L, x: _lib(L)[1].pad(x, (1, 2))),
    ("F.pad value, 2 dims", [X], lambda L, x: _lib(L)[1].pad(x, (0, 1, 2, 0), value=-1.5)),
    ("F.pad crop", [X], lambda L, x: _lib(L)[1].pad(x, (-1, 2, 1, -1, 1, 0))),
    ("F.pad reflect", [X], lambda L, x: _lib(L)[1].pad(x, (3, 2), mode="reflect")),
    ("F.pad reflect 2d", [X[None]], lambda L, x: _lib(L)[1].pad(x, (1, 3, 2, 0), "reflect")),
    ("F.pad replicate", [X], lambda L, x: _lib(L)[1].pad(x, (4, 1), mode="replicate")),
    ("F.pad circular", [X[None]], lambda L, x: _lib(L)[1].pad(x, (1, 2, 2, 1), "circular")),
    ("F.interpolate nearest size", [X[None]],
     lambda L, x: _lib(L)[1].interpolate(x, size=(5, 7))),
    ("F.interpolate nearest scale", [X[None]],
     lambda L, x: _lib(L)[1].interpolate(x, scale_factor=1.7)),
    ("F.interpolate nearest 1d", [X], lambda L, x: _lib(L)[1].interpolate(x, size=9)),
    ("F.interpolate bilinear", [X[None]],
     lambda L, x: _lib(L)[1].interpolate(x, size=(6, 5), mode="bilinear", align_corners=False)),
    ("F.interpolate bilinear corners", [X[None]],
     lambda L, x: _lib(L)[1].interpolate(x, scale_factor=2, mode="bilinear",
                                         align_corners=True)),
    ("F.interpolate bilinear down", [X[None]],
     lambda L, x: _lib(L)[1].interpolate(x, scale_factor=0.5, mode="bilinear")),
    ("F.interpolate linear", [X], lambda L, x: _lib(L)[1].interpolate(x, size=7, mode="linear")),
    ("F.normalize", [X], lambda L, x: _lib(L)[1].normalize(x)),
    ("F.normalize p=1 dim", [X], lambda L, x: _lib(L)[1].normalize(x, p=1.0, dim=-1)),
    ("F.normalize zero row", [np.zeros((2, 3))], lambda L, x: _lib(L)[1].normalize(x)),
    ("F.cosine_similarity", [X, X[:, :, ::-1] + 0.5],
     lambda L, a, b: _lib(L)[1].cosine_similarity(a, b)),
    ("F.cosine_similarity tiny norm", [np.array([[1e-10, 2e-10, 0.0], [1.0, 2.0, 3.0]]),
                                       np.array([[1.0, 0.5, 2.0], [3.0, -1.0, 0.5]])],
     lambda L, a, b: _lib(L)[1].cosine_similarity(a, b)),
    ("F.cosine_similarity broadcast", [X, X[:1] * 2 + 1],
     lambda L, a, b: _lib(L)[1].cosine_similarity(a, b, dim=2)),
]


@pytest.mark.parametrize("name, arrays, fn", CASES, ids=[c[0] for c in CASES])
def test_values_dtypes_and_gradients_match_torch(name: str, arrays: list[np.ndarray],
                                                 fn: Callable[..., Any]) -> None:
    outs = {}
    for L in (torch, tg):
        ins = [_t(L, a, grad=True) for a in arrays]
        out = fn(L, *ins)
        out = out if isinstance(out, tuple) else (out,)
        grads: Any = ()
        if out[0].requires_grad:  # the float output; indices (argsort) have no gradient
            w = np.random.default_rng(1).standard_normal(out[0].shape)
            loss = (out[0] * _t(L, w)).sum()
            grads = torch.autograd.grad(loss, ins) if L is torch else tg.grad(loss, ins)
        outs[L] = ([_np(o) for o in out], [str(o.dtype).split(".")[-1] for o in out],
                   [_np(g) for g in grads], [o.requires_grad for o in out])
    (tv, tdt, tgr, treq), (mv, mdt, mgr, mreq) = outs[torch], outs[tg]
    assert mdt == tdt  # values float64, indices int64
    assert mreq == treq  # indices never require grad
    for a, b in zip(mv, tv):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    for a, b in zip(mgr, tgr):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_sort_and_topk_return_named_tuples() -> None:
    x = tg.tensor(X)
    s, k = x.sort(), x.topk(2, dim=0)
    assert s.values is s[0] and s.indices is s[1]
    assert k.values.shape == (2, 3, 4) and k.indices.dtype == np.int64
    values, indices = x.topk(1, 1)  # unpacks like PyTorch's return_types
    assert values.shape == indices.shape == (2, 1, 4) and indices.dtype == np.int64


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool"])
def test_integer_scans_and_products_give_int64(dtype: str) -> None:
    a = (np.arange(1, 7).reshape(2, 3) % 3).astype(dtype)
    for op in ("cumsum", "cumprod"):
        mine, ref = getattr(tg.tensor(a), op)(1), getattr(torch.tensor(a), op)(1)
        assert str(mine.dtype) == str(ref.dtype).split(".")[-1]
        np.testing.assert_array_equal(mine.numpy(), ref.numpy())
    assert str(tg.tensor(a).prod().dtype) == str(torch.tensor(a).prod().dtype).split(".")[-1]
    assert tg.tensor(a).cumsum(0, dtype=tg.float64).dtype == np.float64


ERRORS: list[tuple[str, Callable[..., Any]]] = [
    ("gather index ndim", lambda L, x: x.gather(1, _t(L, SEL))),
    ("gather index too large", lambda L, x: x.gather(0, _t(L, np.zeros((3, 4, 4), np.int64)))),
    ("gather out of range", lambda L, x: x.gather(1, _t(L, IDX + 5))),
    ("gather float index", lambda L, x: x.gather(1, _t(L, IDX.astype(np.float64)))),
    ("gather bad dim", lambda L, x: x.gather(3, _t(L, IDX))),
    ("scatter_add src smaller", lambda L, x: x.scatter_add(1, _t(L, IDX), x[:1, :1])),
    ("scatter dtype", lambda L, x: x.scatter(1, _t(L, IDX), x.float())),
    ("index_select 2-D index", lambda L, x: x.index_select(0, _t(L, IDX[0]))),
    ("index_select out of range", lambda L, x: x.index_select(2, _t(L, np.array([4])))),
    ("masked_select float mask", lambda L, x: x.masked_select(_t(L, X))),
    ("topk k too big", lambda L, x: x.topk(5)),
    ("sort bad dim", lambda L, x: x.sort(3)),
    ("tril 1-D", lambda L, x: x[0, 0].tril()),
    ("outer 2-D", lambda L, x: x[0].outer(x[0, 0])),
    ("norm of ints", lambda L, x: x.long().norm()),
    ("pad odd length", lambda L, x: _lib(L)[1].pad(x, (1, 2, 3))),
    ("pad reflect too wide", lambda L, x: _lib(L)[1].pad(x, (4, 0), mode="reflect")),
    ("pad too many dims", lambda L, x: _lib(L)[1].pad(x, (1,) * 8)),
    ("pad reflect on 5 dims", lambda L, x: _lib(L)[1].pad(x[None, None], (1, 1), "reflect")),
    ("interpolate bilinear 3-D", lambda L, x: _lib(L)[1].interpolate(x, size=5,
                                                                      mode="bilinear")),
    ("interpolate size and scale", lambda L, x: _lib(L)[1].interpolate(x, 4, 2.0)),
]


@pytest.mark.parametrize("name, fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_have_torch_types(name: str, fn: Callable[..., Any]) -> None:
    with pytest.raises(Exception) as ref:
        fn(torch, torch.tensor(X))
    with pytest.raises(type(ref.value)):
        fn(tg, tg.tensor(X))


def test_pad_keeps_conv_and_zeropad_working() -> None:
    x = RNG.standard_normal((1, 2, 4, 5))
    ref = torch.nn.ZeroPad2d((1, 2, 0, 3))(torch.tensor(x)).numpy()
    np.testing.assert_array_equal(tg.nn.ZeroPad2d((1, 2, 0, 3))(tg.tensor(x)).numpy(), ref)
    w = RNG.standard_normal((3, 2, 3, 3))
    ref = TF.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy()
    np.testing.assert_allclose(F.conv2d(tg.tensor(x), tg.tensor(w), padding=1).numpy(), ref,
                               rtol=1e-10, atol=1e-12)
