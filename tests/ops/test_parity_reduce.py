"""Reductions, scans, order statistics and index ops against PyTorch (helper "reduce").

Each snippet runs on both libraries with the same arrays: values, dtypes, shapes, named
tuple fields and the gradient of a random projection of the output must agree, and bad
input must raise the exception class PyTorch raises. Tie-heavy inputs (small integers,
NaN) check that the reported indices are PyTorch's, not merely valid ones.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
NAN = float("nan")
X = RNG.permutation(24).reshape(2, 3, 4).astype(np.float64) - 11.5  # distinct, no zeros
TIES = np.array([[3.0, 1, 2, 3, 1, 2], [2, 2, 1, 1, 5, 0], [4, 4, 4, 4, 4, 4]])
NANS = np.array([[1.0, NAN, 2, NAN, 5], [NAN, NAN, NAN, NAN, NAN], [0, 3, 3, 1, NAN]])
INTS = np.array([[3, 0, 2, 3], [0, 0, 5, 1]])
M34 = RNG.standard_normal((3, 4))
M23 = np.array([[0.5, 1.5, 2.5], [3.5, -4.5, 5.5]])
SRC23 = np.array([[5.0, 6, 7], [1, 2, 3]])
IDX23 = np.array([[0, 0, 2], [1, 1, 1]])
MASK23 = np.array([[True, False, True], [False, True, True]])
I3 = np.array([0, 2, 0])


def _t(lib: Any, a: Any, grad: bool = False) -> Any:
    a = np.asarray(a)
    if lib is torch:
        return torch.tensor(a, requires_grad=grad)
    return tg.tensor(a.copy(), requires_grad=grad)


def _dtype_name(t: Any) -> str:
    return str(t.dtype).replace("torch.", "")


def _flat(out: Any) -> list[Any]:
    if isinstance(out, (tuple, list)) or type(out).__module__ == "torch.return_types":
        return [o for x in out for o in _flat(x)]
    return [out]


def _same(ours: Any, theirs: Any, where: str) -> None:
    if type(theirs).__module__ == "torch.return_types":  # a named tuple: same field names
        fields = [f for f in dir(theirs) if not f.startswith("_") and f not in (
            "count", "index", "n_fields", "n_sequence_fields", "n_unnamed_fields")]
        assert sorted(ours._fields) == sorted(fields), where
        for f in fields:
            _same(getattr(ours, f), getattr(theirs, f), f"{where}.{f}")
        return
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), where
        for i, (o, t) in enumerate(zip(ours, theirs)):
            _same(o, t, f"{where}[{i}]")
        return
    if not isinstance(theirs, torch.Tensor):
        assert type(ours) is type(theirs) and ours == theirs, where
        return
    assert isinstance(ours, tg.Tensor), f"{where}: got {type(ours).__name__}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{where}: shape {ours.shape}"
    assert _dtype_name(ours) == _dtype_name(theirs), f"{where}: dtype {ours.dtype}"
    a, b = ours.detach().numpy(), theirs.detach().numpy()
    assert ours.requires_grad == theirs.requires_grad, f"{where}: requires_grad"
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, equal_nan=True, err_msg=where)
    else:
        np.testing.assert_array_equal(a, b, err_msg=where)


def compare(fn: Callable[..., Any], *arrays: Any, grad: bool = True) -> None:
    """fn(lib, *tensors) on both libraries: same outputs; same projected gradients."""
    floating = [np.asarray(a).dtype.kind == "f" for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's deprecation notes (scatter multiply)
        tt = [_t(torch, a, grad and f) for a, f in zip(arrays, floating)]
        theirs = fn(torch, *tt)
    ours_in = [_t(tg, a, grad and f) for a, f in zip(arrays, floating)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same deprecation notes (checked on their own)
        ours = fn(tg, *ours_in)
    _same(ours, theirs, "output")
    if not grad:
        return
    pairs = [(o, t) for o, t in zip(_flat(ours), _flat(theirs))
             if isinstance(t, torch.Tensor) and t.requires_grad]
    if not pairs:
        return
    assert all(o.requires_grad for o, _ in pairs), "ours lost the graph"
    vs = [RNG.standard_normal(t.shape) for _, t in pairs]
    ls = sum((o * tg.tensor(v.astype(o.detach().numpy().dtype))).sum() for (o, _), v in zip(pairs,
                                                                                            vs))
    lt = sum((t * torch.tensor(v, dtype=t.dtype)).sum() for (_, t), v in zip(pairs, vs))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gt = torch.autograd.grad(lt, [t for t in tt if t.requires_grad], allow_unused=True)
    except (NotImplementedError, RuntimeError) as e:  # no derivative: ours refuses alike
        assert "derivative" in str(e) or "Expected 'reduce'" in str(e), e
        with pytest.raises(type(e)):
            tg.grad(ls, [t for t in ours_in if t.requires_grad], allow_unused=True)
        return
    gs = tg.grad(ls, [t for t in ours_in if t.requires_grad], allow_unused=True)
    for i, (g_ours, g_theirs) in enumerate(zip(gs, gt)):
        if g_theirs is None:
            assert g_ours is None or not np.any(g_ours.numpy()), f"grad {i}"
            continue
        tol = 1e-6 if g_theirs.dtype == torch.float64 else 2e-5
        np.testing.assert_allclose(g_ours.numpy(), g_theirs.detach().numpy(), rtol=tol, atol=1e-9,
                                   equal_nan=True, err_msg=f"gradient of input {i}")


def raises_like(fn: Callable[[Any], Any]) -> None:
    """fn(lib) raises on PyTorch; ours raises an instance of the same class."""
    with pytest.raises(Exception) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's deprecation notes
        fn(torch)
    with pytest.raises(type(theirs.value)):
        fn(tg)


# (name, inputs, fn(lib, *tensors) -> output or tuple of outputs)
CASES: list[tuple[str, list[Any], Callable[..., Any]]] = [
    # nonzero / argwhere / count_nonzero
    ("nonzero", [INTS], lambda L, x: x.nonzero()),
    ("nonzero as_tuple", [INTS], lambda L, x: x.nonzero(as_tuple=True)),
    ("nonzero float", [X], lambda L, x: L.nonzero(x)),
    ("nonzero 0-d", [np.float64(5.0)], lambda L, x: x.nonzero()),
    ("nonzero 0-d tuple", [np.float64(5.0)], lambda L, x: x.nonzero(as_tuple=True)),
    ("nonzero 0-d zero tuple", [np.float64(0.0)], lambda L, x: x.nonzero(as_tuple=True)),
    ("nonzero empty", [np.zeros((0, 3))], lambda L, x: x.nonzero()),
    ("nonzero bool", [INTS > 1], lambda L, x: x.nonzero()),
    ("argwhere", [INTS], lambda L, x: L.argwhere(x)),
    ("count_nonzero", [INTS], lambda L, x: x.count_nonzero()),
    ("count_nonzero dim", [INTS], lambda L, x: L.count_nonzero(x, dim=-1)),
    ("count_nonzero dims", [X * (X > 0)], lambda L, x: x.count_nonzero((0, 2))),
    # median / nanmedian
    ("median", [X], lambda L, x: x.median()),
    ("median even count: lower", [X[0, 0]], lambda L, x: x.median()),
    ("median ties share grad", [TIES], lambda L, x: x.median()),
    ("median dim", [X], lambda L, x: x.median(1)),
    ("median dim keepdim", [X], lambda L, x: x.median(dim=-1, keepdim=True)),
    ("median dim ties", [TIES], lambda L, x: x.median(1)),
    ("median dim 0 ties", [TIES], lambda L, x: L.median(x, 0)),
    ("median nan", [NANS], lambda L, x: x.median()),
    ("median dim nan", [NANS], lambda L, x: x.median(1)),
    ("median int", [INTS], lambda L, x: x.median()),
    ("median int dim", [INTS], lambda L, x: x.median(0)),
    ("median 0-d", [np.float64(2.5)], lambda L, x: x.median(0)),
    ("median empty", [np.zeros(0)], lambda L, x: x.median()),
    ("median float32", [X.astype(np.float32)], lambda L, x: x.median(2)),
    ("nanmedian", [NANS[[0, 2]]], lambda L, x: x.nanmedian()),
    ("nanmedian dim", [NANS], lambda L, x: x.nanmedian(1)),
    ("nanmedian dim 0", [NANS], lambda L, x: L.nanmedian(x, 0, True)),
    ("nanmedian all nan", [NANS[1]], lambda L, x: x.nanmedian()),
    ("nanmedian no nan", [TIES], lambda L, x: x.nanmedian(0)),
    # mode / kthvalue
    ("mode", [TIES], lambda L, x: x.mode()),
    ("mode dim 0", [TIES], lambda L, x: x.mode(0)),
    ("mode keepdim", [TIES], lambda L, x: L.mode(x, 1, True)),
    ("mode int", [INTS], lambda L, x: x.mode()),
    ("mode nan", [NANS], lambda L, x: x.mode()),
    ("mode 0-d", [np.float64(2.0)], lambda L, x: x.mode()),
    ("mode long row", [np.tile([3.0, 1.0, 2.0, 2.0, 1.0], 9)], lambda L, x: x.mode()),
    ("kthvalue", [X], lambda L, x: x.kthvalue(2)),
    ("kthvalue dim", [X], lambda L, x: x.kthvalue(3, 1, True)),
    ("kthvalue ties", [TIES], lambda L, x: x.kthvalue(4)),
    ("kthvalue nan", [NANS], lambda L, x: L.kthvalue(x, 4)),
    ("kthvalue int", [INTS], lambda L, x: x.kthvalue(1, dim=0)),
    ("kthvalue 0-d", [np.float64(3.0)], lambda L, x: x.kthvalue(1)),
    # quantile / nanquantile
    ("quantile", [X], lambda L, x: x.quantile(0.3)),
    ("quantile dim", [X], lambda L, x: x.quantile(0.75, dim=1)),
    ("quantile keepdim", [X], lambda L, x: x.quantile(0.75, dim=-1, keepdim=True)),
    ("quantile keepdim no dim", [X], lambda L, x: x.quantile(0.4, keepdim=True)),
    ("quantile q tensor", [X, np.array([0.1, 0.5, 1.0])], lambda L, x, q: x.quantile(q, 2)),
    ("quantile q tensor keepdim", [X, np.array([0.25, 0.6])],
     lambda L, x, q: L.quantile(x, q, 0, True)),
    ("quantile q 0-d tensor", [X, np.float64(0.35)], lambda L, x, q: x.quantile(q, 1)),
    *[(f"quantile {i}", [X], lambda L, x, i=i: x.quantile(0.45, 1, interpolation=i))
      for i in ("linear", "lower", "higher", "midpoint", "nearest")],
    ("quantile nearest half to even", [np.arange(5.0)],
     lambda L, x: x.quantile(L.tensor([0.125, 0.375, 0.625], dtype=L.float64),
                             interpolation="nearest")),
    ("quantile ties", [TIES], lambda L, x: x.quantile(0.5, 1)),
    ("quantile nan", [NANS], lambda L, x: x.quantile(0.5, 1)),
    ("quantile float32", [X.astype(np.float32)], lambda L, x: x.quantile(0.3, 1)),
    ("quantile 0-d", [np.float64(1.5)], lambda L, x: x.quantile(0.2)),
    ("nanquantile", [NANS], lambda L, x: x.nanquantile(0.3, 1)),
    ("nanquantile q tensor", [NANS, np.array([0.0, 0.5, 0.9])],
     lambda L, x, q: L.nanquantile(x, q, dim=1, interpolation="midpoint")),
    ("nanquantile no dim", [NANS], lambda L, x: x.nanquantile(0.8)),
    # unique / unique_consecutive / msort
    ("unique", [TIES], lambda L, x: x.unique()),
    ("unique all", [TIES], lambda L, x: x.unique(return_inverse=True, return_counts=True)),
    ("unique unsorted", [INTS], lambda L, x: L.unique(x, sorted=False, return_counts=True)),
    ("unique dim", [np.array([[1, 2], [0, 5], [1, 2]])],
     lambda L, x: x.unique(dim=0, return_inverse=True, return_counts=True)),
    ("unique dim 1", [INTS[:, [0, 1, 0, 3]]], lambda L, x: x.unique(dim=1, return_inverse=True)),
    ("unique nan", [np.array([NAN, 1.0, NAN, 1.0])], lambda L, x: x.unique(return_counts=True)),
    ("unique 0-d", [np.int64(3)], lambda L, x: x.unique(return_inverse=True)),
    ("unique bool", [INTS > 1], lambda L, x: x.unique(return_counts=True)),
    ("unique_consecutive", [np.array([1, 1, 2, 2, 3, 1, 1])],
     lambda L, x: x.unique_consecutive(return_inverse=True, return_counts=True)),
    ("unique_consecutive 2-d", [TIES], lambda L, x: L.unique_consecutive(x)),
    ("unique_consecutive dim", [np.array([[1, 2], [1, 2], [0, 1], [1, 2]])],
     lambda L, x: x.unique_consecutive(return_inverse=True, return_counts=True, dim=0)),
    ("unique_consecutive empty", [np.zeros(0)], lambda L, x: x.unique_consecutive(
        return_inverse=True, return_counts=True)),
    ("msort", [X], lambda L, x: x.msort()),
    ("msort top-level", [TIES], lambda L, x: L.msort(x)),
    # aminmax / nansum / nanmean
    ("aminmax", [X], lambda L, x: x.aminmax()),
    ("aminmax dim", [X], lambda L, x: x.aminmax(dim=1)),
    ("aminmax keepdim", [X], lambda L, x: L.aminmax(x, dim=-1, keepdim=True)),
    ("aminmax ties", [TIES], lambda L, x: x.aminmax(dim=1)),
    ("aminmax int", [INTS], lambda L, x: x.aminmax()),
    ("aminmax 0-d", [np.float64(2.0)], lambda L, x: x.aminmax(dim=0)),
    ("nansum", [NANS], lambda L, x: x.nansum()),
    ("nansum dim", [NANS], lambda L, x: x.nansum(1)),
    ("nansum dims keepdim", [NANS[None]], lambda L, x: L.nansum(x, (0, 2), True)),
    ("nansum int", [INTS], lambda L, x: x.nansum(0)),
    ("nansum bool", [INTS > 1], lambda L, x: x.nansum()),
    ("nansum dtype", [NANS], lambda L, x: x.nansum(dtype=L.float32)),
    ("nansum uint8 is int64", [INTS.astype(np.uint8)], lambda L, x: x.nansum(1)),
    ("sum uint8 is int64", [INTS.astype(np.uint8)], lambda L, x: (x.sum(), x.sum(0))),
    ("nanmean", [NANS], lambda L, x: x.nanmean()),
    ("nanmean dim (all-nan row)", [NANS], lambda L, x: x.nanmean(1)),
    ("nanmean dim 0 keepdim", [NANS], lambda L, x: L.nanmean(x, 0, keepdim=True)),
    # scans
    ("cummax", [TIES], lambda L, x: x.cummax(1)),
    ("cummin", [TIES], lambda L, x: x.cummin(1)),
    ("cummax dim 0", [X], lambda L, x: L.cummax(x, 0)),
    ("cummin nan", [NANS], lambda L, x: x.cummin(-1)),
    ("cummax nan", [NANS], lambda L, x: x.cummax(dim=1)),
    ("cummax int", [INTS], lambda L, x: x.cummax(1)),
    ("cummin bool", [INTS > 1], lambda L, x: L.cummin(x, 1)),
    ("cummax 0-d", [np.float64(1.0)], lambda L, x: x.cummax(0)),
    ("cummax empty", [np.zeros((0, 2))], lambda L, x: x.cummax(0)),
    ("logcumsumexp", [X], lambda L, x: x.logcumsumexp(1)),
    ("logcumsumexp huge", [np.array([[1e4, -1e4, 3.0, 1e4, -2.0], [-1e4] * 5])],
     lambda L, x: x.logcumsumexp(1)),
    ("logcumsumexp -inf", [np.array([-np.inf, 0.0, -np.inf])], lambda L, x: L.logcumsumexp(x, 0)),
    ("logcumsumexp float32", [X.astype(np.float32)], lambda L, x: x.logcumsumexp(-1)),
    ("logcumsumexp 0-d", [np.float64(0.5)], lambda L, x: x.logcumsumexp(0)),
    ("diff", [X], lambda L, x: x.diff()),
    ("diff n dim", [X], lambda L, x: x.diff(2, 1)),
    ("diff prepend append", [X, X[:, :, :2], X[:, :, :1]],
     lambda L, x, p, a: x.diff(dim=-1, prepend=p, append=a)),
    ("diff top-level", [X], lambda L, x: L.diff(x, n=3, dim=0)),
    ("diff n past the size", [X[0, 0]], lambda L, x: x.diff(n=6)),
    ("diff n=0", [X], lambda L, x: x.diff(0)),
    ("diff int", [INTS], lambda L, x: x.diff()),
    ("diff bool", [INTS > 1], lambda L, x: x.diff(dim=0)),
    ("diff int prepend float", [INTS, np.ones((2, 1), np.float32)],
     lambda L, x, p: x.diff(prepend=p)),
    # index_add / index_copy / index_fill
    ("index_add", [M34, np.ones((3, 4))], lambda L, x, s: x.index_add(0, _t(L, I3), s)),
    ("index_add alpha dim 1", [M34, X[0, :, :2]],
     lambda L, x, s: x.index_add(1, _t(L, [3, 3]), s, alpha=-2.5)),
    ("index_add int32 index", [M34, np.ones((3, 4))],
     lambda L, x, s: L.index_add(x, 0, _t(L, I3.astype(np.int32)), s)),
    ("index_add ints", [INTS, INTS[:, :2]], lambda L, x, s: x.index_add(1, _t(L, [0, 0]), s)),
    ("index_add 0-d", [np.float64(1.0), np.float64(2.0)],
     lambda L, x, s: x.index_add(0, _t(L, [0]), s)),
    ("index_copy 0-d", [np.float64(1.0), np.array([2.0])],
     lambda L, x, s: x.index_copy(-1, _t(L, [0]), s)),
    ("index_fill 0-d", [np.float64(1.0)], lambda L, x: x.index_fill(0, _t(L, [0]), 3.0)),
    ("scatter_reduce 0-d", [np.float64(1.0), np.float64(4.0)],
     lambda L, x, s: x.scatter_reduce(0, _t(L, 0), s, "prod")),
    ("index_add empty index", [M34, np.ones((3, 0))],
     lambda L, x, s: x.index_add(1, _t(L, np.zeros(0, np.int64)), s)),
    ("index_copy", [M34, X[0, :3]], lambda L, x, s: x.index_copy(0, _t(L, [2, 0, 1]), s)),
    ("index_copy repeats: last wins, all get grads", [M34, X[1, :3]],
     lambda L, x, s: L.index_copy(x, 0, _t(L, [1, 1, 1]), s)),
    ("index_copy dim 1", [M34, X[0, :, :2]], lambda L, x, s: x.index_copy(1, _t(L, [2, 0]), s)),
    ("index_fill", [M34], lambda L, x: x.index_fill(1, _t(L, [0, 2]), -1.0)),
    ("index_fill negative", [M34], lambda L, x: x.index_fill(1, _t(L, [-1, 0, -1]), 2)),
    ("index_fill value tensor", [M34, np.float64(4.0)],
     lambda L, x, v: L.index_fill(x, 0, _t(L, [2, 2, 0]), v)),
    ("index_fill int with float", [INTS], lambda L, x: x.index_fill(1, _t(L, [1]), 2.7)),
    # masked_scatter
    ("masked_scatter", [M23, np.arange(10.0, 20.0)],
     lambda L, x, s: x.masked_scatter(_t(L, MASK23), s)),
    ("masked_scatter broadcast mask", [M23, np.arange(10.0, 20.0)],
     lambda L, x, s: L.masked_scatter(x, _t(L, MASK23[1]), s)),
    ("masked_scatter 2-d source", [M23, np.arange(10.0, 20.0).reshape(2, 5)],
     lambda L, x, s: x.masked_scatter(_t(L, MASK23), s)),
    ("masked_scatter no hits", [M23, np.arange(3.0)],
     lambda L, x, s: x.masked_scatter(_t(L, MASK23 & False), s)),
    # scatter_reduce, and scatter's deprecated reduce=
    *[(f"scatter_reduce {r} include_self={inc}", [M23, SRC23],
       lambda L, x, s, r=r, inc=inc: x.scatter_reduce(1, _t(L, IDX23), s, r, include_self=inc))
      for r in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)],
    ("scatter_reduce amax ties share", [np.array([[1.0, 5.0]]), np.array([[5.0, 5.0, 2.0]])],
     lambda L, x, s: x.scatter_reduce(1, _t(L, [[1, 1, 0]]), s, "amax")),
    ("scatter_reduce amin ties, no self", [np.array([[1.0, 5.0]]), np.array([[2.0, 2.0, 7.]])],
     lambda L, x, s: x.scatter_reduce(1, _t(L, [[0, 0, 1]]), s, "amin", include_self=False)),
    ("scatter_reduce prod zeros", [np.array([[0.0, 2.0]]), np.array([[3.0, 0.0, 4.0]])],
     lambda L, x, s: x.scatter_reduce(1, _t(L, [[0, 1, 1]]), s, "prod")),
    ("scatter_reduce int mean floors", [np.array([[0, 0]]), np.array([[-2, -2, -3]])],
     lambda L, x, s: x.scatter_reduce(1, _t(L, [[0, 0, 0]]), s, "mean")),
    ("scatter_reduce max alias", [M23, SRC23],
     lambda L, x, s: L.scatter_reduce(x, 1, _t(L, IDX23), s, "max")),
    ("scatter_reduce larger src", [M23, np.arange(8.0).reshape(2, 4)],
     # (src detached: PyTorch's own backward fails for a src larger than the index)
     lambda L, x, s: x.scatter_reduce(0, _t(L, [[1, 0, 1]]), s.detach(), "sum")),
    ("scatter multiply", [M23, SRC23[:, :2]],
     lambda L, x, s: x.scatter(1, _t(L, [[0, 0], [1, 1]]), s, reduce="multiply")),
    ("scatter add", [M23, SRC23[:, :2]],
     lambda L, x, s: x.scatter(1, _t(L, [[0, 0], [1, 1]]), s, reduce="add")),
    ("scatter multiply value", [M23], lambda L, x: x.scatter(1, _t(L, [[0, 0]]), 2.0,
                                                            reduce="multiply")),
    ("scatter multiply ints", [INTS], lambda L, x: x.scatter(1, _t(L, [[0, 0]]), 3,
                                                            reduce="multiply")),
    # counting and searching
    ("bincount", [np.array([1, 1, 3])], lambda L, x: x.bincount()),
    ("bincount float32 weights", [np.array([1, 1, 3]), np.array([0.5, 0.5, 1.0], np.float32)],
     lambda L, x, w: L.bincount(x, w)),
    ("bincount int weights, minlength", [np.array([1, 1, 3]), np.array([1, 2, 3])],
     lambda L, x, w: x.bincount(w, minlength=6)),
    ("bincount empty", [np.zeros(0, np.int64)], lambda L, x: x.bincount(minlength=2)),
    ("bincount int32", [np.array([1, 2], np.int32)], lambda L, x: x.bincount()),
    ("histc", [np.array([1.0, 2, 1, 4, 2.5], np.float32)], lambda L, x: x.histc(4)),
    ("histc range", [np.array([1.0, 2, 1, 4, 2.5, 0.5])], lambda L, x: L.histc(x, 3, 1, 3)),
    ("histc one value", [np.array([2.0, 2.0])], lambda L, x: x.histc(4)),
    ("histc 2-d", [X], lambda L, x: x.histc(bins=7, min=-10, max=10)),
    ("histc grad", [X], lambda L, x: x.histc(5)),
    ("searchsorted", [np.array([1, 3, 5, 7]), np.array([3, 6, 9])],
     lambda L, s, v: L.searchsorted(s, v)),
    ("searchsorted right", [np.array([1, 3, 5, 7]), np.array([3, 6, 9])],
     lambda L, s, v: L.searchsorted(s, v, right=True)),
    ("searchsorted side", [np.array([1.0, 3, 3, 7]), np.array([[3.0, 0], [8, 3]])],
     lambda L, s, v: L.searchsorted(s, v, side="right")),
    ("searchsorted scalar", [np.array([1, 3, 5, 7])], lambda L, s: L.searchsorted(s, 4)),
    ("searchsorted rows", [np.array([[1, 3, 5, 7], [2, 4, 6, 8]]), np.array([[3, 6, 9]] * 2)],
     lambda L, s, v: L.searchsorted(s, v, out_int32=True)),
    ("searchsorted sorter", [np.array([7, 1, 5, 3]), np.array([3, 6, 9])],
     lambda L, s, v: L.searchsorted(s, v, sorter=_t(L, [1, 3, 2, 0]))),
    ("searchsorted nan", [np.array([1.0, 3, NAN]), np.array([NAN, 2.0, 3.0])],
     lambda L, s, v: (L.searchsorted(s, v), L.searchsorted(s, v, right=True))),
    ("bucketize", [np.array([[3, 6], [0, 9]]), np.array([1, 3, 5, 7])],
     lambda L, v, b: L.bucketize(v, b)),
    ("bucketize right", [np.array([3.0, 6, 9]), np.array([1.0, 3, 5, 7])],
     lambda L, v, b: L.bucketize(v, b, right=True, out_int32=True)),
    ("bucketize scalar", [np.array([1, 3, 5, 7])], lambda L, b: L.bucketize(3, b)),
]


@pytest.mark.parametrize("name, inputs, fn", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name: str, inputs: list[Any], fn: Callable[..., Any]) -> None:
    compare(fn, *inputs)


ERRORS: list[tuple[str, Callable[[Any], Any]]] = [
    ("median empty dim", lambda L: L.zeros(0, 3).median(0)),
    ("median dim tuple", lambda L: L.zeros(2, 3).median((0, 1))),
    ("median dim out of range", lambda L: L.zeros(2, 3).median(2)),
    ("median bool", lambda L: L.tensor([True, False]).median()),
    ("median dim bool", lambda L: L.tensor([True, False]).median(0)),
    ("kthvalue bool", lambda L: L.tensor([True, False]).kthvalue(1)),
    ("mode empty dim", lambda L: L.zeros(0, 3).mode(0)),
    ("kthvalue k too big", lambda L: L.zeros(2, 3).kthvalue(4, 1)),
    ("kthvalue k 0", lambda L: L.zeros(2, 3).kthvalue(0)),
    ("quantile int", lambda L: L.tensor([1, 2]).quantile(0.5)),
    ("quantile q > 1", lambda L: L.zeros(3).quantile(1.5)),
    ("quantile q tensor < 0", lambda L: L.zeros(3).quantile(L.tensor([-0.1, 0.5]))),
    ("quantile interpolation", lambda L: L.zeros(3).quantile(0.5, interpolation="cubic")),
    ("quantile empty", lambda L: L.zeros(0).quantile(0.5)),
    ("quantile q 2-d", lambda L: L.zeros(3).quantile(L.tensor([[0.5]]))),
    ("quantile q dtype", lambda L: L.zeros(3).quantile(L.tensor([0.5], dtype=L.float64))),
    ("nanquantile int", lambda L: L.tensor([1, 2]).nanquantile(0.5)),
    ("aminmax empty", lambda L: L.zeros(0).aminmax()),
    ("aminmax empty dim", lambda L: L.zeros(2, 0).aminmax(dim=1)),
    ("aminmax positional dim", lambda L: L.zeros(2).aminmax(0)),
    ("nanmean int", lambda L: L.tensor([1, 2]).nanmean()),
    ("cummax dim out of range", lambda L: L.zeros(2).cummax(1)),
    ("logcumsumexp int", lambda L: L.tensor([1, 2]).logcumsumexp(0)),
    ("diff 0-d", lambda L: L.tensor(2.0).diff()),
    ("diff negative n", lambda L: L.zeros(3).diff(n=-1)),
    ("diff prepend ndim", lambda L: L.zeros(1, 2).diff(prepend=L.zeros(1))),
    ("count_nonzero keepdim", lambda L: L.zeros(2).count_nonzero(0, keepdim=True)),
    ("index_add float index", lambda L: L.zeros(3).index_add(0, L.zeros(1), L.ones(1))),
    ("index_add 2-d index", lambda L: L.zeros(3).index_add(0, L.tensor([[0]]), L.ones(1))),
    ("index_add dtype", lambda L: L.zeros(3).index_add(0, L.tensor([0]), L.ones(1).double())),
    ("index_add count", lambda L: L.zeros(3, 2).index_add(0, L.tensor([0, 1]), L.ones(1, 2))),
    ("index_add shape", lambda L: L.zeros(3, 2).index_add(0, L.tensor([0]), L.ones(1, 3))),
    ("index_add 0-d with two", lambda L: L.tensor(1.0).index_add(0, L.tensor([0, 0]),
                                                                  L.tensor([2.0, 3.0]))),
    ("index_add out of range", lambda L: L.zeros(3).index_add(0, L.tensor([3]), L.ones(1))),
    ("index_add negative", lambda L: L.zeros(3).index_add(0, L.tensor([-1]), L.ones(1))),
    ("index_copy out of range", lambda L: L.zeros(3).index_copy(0, L.tensor([5]), L.ones(1))),
    ("index_fill out of range", lambda L: L.zeros(3).index_fill(0, L.tensor([3]), 1.0)),
    ("index_fill 1-d value", lambda L: L.zeros(3).index_fill(0, L.tensor([1]), L.ones(1))),
    ("masked_scatter short source", lambda L: L.zeros(3).masked_scatter(
        L.tensor([True, True, False]), L.ones(1))),
    ("masked_scatter dtype", lambda L: L.zeros(3).masked_scatter(
        L.tensor([True, True, False]), L.tensor([1, 2]))),
    ("masked_scatter byte mask", lambda L: L.zeros(3).masked_scatter(
        L.tensor([1, 1, 0]).to(L.uint8), L.ones(3))),
    ("scatter_reduce bad reduce", lambda L: L.zeros(2).scatter_reduce(
        0, L.tensor([0]), L.ones(1), "median")),
    ("scatter_reduce dtype", lambda L: L.zeros(2).scatter_reduce(
        0, L.tensor([0]), L.ones(1).double(), "sum")),
    ("scatter_reduce index larger than src", lambda L: L.zeros(1, 2).scatter_reduce(
        1, L.tensor([[0, 1]]), L.ones(1, 1), "sum")),
    ("scatter bad reduce", lambda L: L.zeros(2).scatter(0, L.tensor([0]), 1.0, reduce="max")),
    ("bincount negative", lambda L: L.tensor([-1, 1]).bincount()),
    ("bincount float", lambda L: L.tensor([1.0]).bincount()),
    ("bincount 2-d", lambda L: L.tensor([[1]]).bincount()),
    ("bincount minlength", lambda L: L.tensor([1]).bincount(minlength=-1)),
    ("bincount weights", lambda L: L.tensor([1, 2]).bincount(L.tensor([1.0]))),
    ("histc int", lambda L: L.tensor([1, 2]).histc()),
    ("histc bins", lambda L: L.tensor([1.0]).histc(0)),
    ("histc min > max", lambda L: L.tensor([1.0]).histc(2, min=3, max=1)),
    ("histc nan", lambda L: L.tensor([1.0, float("nan")]).histc()),
    ("searchsorted side", lambda L: L.searchsorted(L.tensor([1, 3]), L.tensor([3]),
                                                   side="middle")),
    ("searchsorted side vs right", lambda L: L.searchsorted(
        L.tensor([1, 3]), L.tensor([3]), side="left", right=True)),
    ("searchsorted rows", lambda L: L.searchsorted(L.tensor([[1, 3], [2, 4]]),
                                                   L.tensor([[3]]))),
    ("bucketize 2-d boundaries", lambda L: L.bucketize(L.tensor([3]), L.tensor([[1, 3]]))),
]


@pytest.mark.parametrize("name, fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name: str, fn: Callable[[Any], Any]) -> None:
    raises_like(fn)


def test_named_tuples_unpack_and_index() -> None:
    x = tg.tensor([[3.0, 1.0, 2.0]])
    values, indices = x.median(1)
    assert x.median(1)[0] is not None and x.median(1).values.tolist() == values.tolist()
    assert indices.tolist() == [2] and x.aminmax().max.item() == 3.0
    assert type(x.mode(1)).__name__ == "ModeResult" and x.cummax(1).indices.tolist() == [[0, 0,
                                                                                          0]]


def test_integer_results_do_not_require_grad() -> None:
    x = tg.tensor([[3.0, 1.0, 3.0]], requires_grad=True)
    for out in (x.nonzero(), x.argwhere(), x.count_nonzero(), x.median(1).indices,
                x.cummax(1).indices, x.unique(return_counts=True)[1]):
        assert not out.requires_grad


def test_unique_is_recorded_but_has_no_derivative() -> None:
    x = tg.tensor([3.0, 1.0, 3.0], requires_grad=True)
    for u in (x.unique(), x.unique_consecutive()):
        assert u.requires_grad  # as PyTorch: the failure comes at backward time
        with pytest.raises(NotImplementedError, match="derivative for 'unique"):
            u.sum().backward()


# -- Hypothesis: tie-heavy inputs, so indices must follow PyTorch's kernels ----------------

_SMALL = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=7),
                    elements=st.sampled_from([0.0, 1.0, 2.0, 3.0, -1.0, NAN]))
_LONG = hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(17, 60)),
                   elements=st.sampled_from([0.0, 1.0, 2.0, 3.0, NAN]))


@settings(max_examples=60, deadline=None)
@given(x=st.one_of(_SMALL, _LONG), data=st.data())
def test_selection_indices_match_torch_on_ties(x: np.ndarray, data: Any) -> None:
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    k = data.draw(st.integers(1, x.shape[dim]))
    compare(lambda L, t: (t.median(dim), t.nanmedian(dim), t.mode(dim), t.kthvalue(k, dim),
                          t.cummax(dim), t.cummin(dim)), x)


@settings(max_examples=40, deadline=None)
@given(x=_SMALL, data=st.data())
def test_order_statistics_match_torch(x: np.ndarray, data: Any) -> None:
    dim = data.draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1)))
    q = data.draw(st.lists(st.floats(0, 1), min_size=1, max_size=3))
    interp = data.draw(st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]))
    keep = data.draw(st.booleans())
    # quantiles of tied values differentiate through sort, whose order among ties PyTorch
    # leaves unspecified: gradients are compared on distinct values only
    compare(lambda L, t, qt: (t.quantile(qt, dim, keep, interpolation=interp),
                              t.nanquantile(q[0], dim, keep, interpolation=interp),
                              t.median(), t.nanmedian(), t.nansum(dim, keep),
                              t.nanmean(dim, keep)), x, np.array(q),
            grad=np.unique(x).size == x.size)


@settings(max_examples=40, deadline=None)
@given(x=hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                    elements=st.integers(0, 3)), data=st.data())
def test_unique_matches_torch(x: np.ndarray, data: Any) -> None:
    dim = data.draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1)))
    compare(lambda L, t: (t.unique(return_inverse=True, return_counts=True, dim=dim),
                          t.unique_consecutive(return_inverse=True, return_counts=True, dim=dim),
                          t.nonzero(), t.count_nonzero(), t.diff(dim=-1)), x)


# -- in-place forms: PyTorch's rules (leaves, versions, recorded updates) ------------------

INPLACE = [
    ("index_add_", lambda x, s: x.index_add_(0, _t(tg, [1, 1]), s, alpha=2)),
    ("index_copy_", lambda x, s: x.index_copy_(0, _t(tg, [2, 0]), s)),
    ("index_fill_", lambda x, s: x.index_fill_(1, _t(tg, [0]), s.sum())),
    ("masked_scatter_", lambda x, s: x.masked_scatter_(_t(tg, [[True, False]] * 3), s)),
    ("scatter_reduce_", lambda x, s: x.scatter_reduce_(0, _t(tg, [[0, 2], [0, 0]]), s, "amax",
                                                       include_self=False)),
]


@pytest.mark.parametrize("name, update", INPLACE, ids=[u[0] for u in INPLACE])
def test_in_place_forms_match_torch_and_refuse_grad_leaves(name: str, update: Any) -> None:
    x, s = RNG.standard_normal((3, 2)), RNG.standard_normal((2, 2))
    results = []
    for lib in (tg, torch):  # the same update through a non-leaf; gradients to x and s
        xt, st_ = _t(lib, x, True), _t(lib, s, True)
        y = xt * 1.0
        out = update(y, st_) if lib is tg else _torch_update(name, y, st_)
        assert out is y  # in place: the same tensor comes back
        (y * _t(lib, np.arange(6.0).reshape(3, 2))).sum().backward()
        results.append([np.array(v.detach().numpy() if lib is torch else v.detach().numpy())
                        for v in (y, xt.grad, st_.grad)])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    # a leaf that requires grad is refused while recording; under no_grad it changes in
    # place and its version goes up
    leaf = tg.tensor(x.copy(), requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        update(leaf, tg.tensor(s.copy()))
    before = int(leaf._vc[0])
    with tg.no_grad():
        update(leaf, tg.tensor(s.copy()))
    assert not np.array_equal(leaf.detach().numpy(), x) and int(leaf._vc[0]) == before + 1


def _torch_update(name: str, y: Any, s: Any) -> Any:
    t = lambda a: torch.tensor(a)  # noqa: E731
    return {
        "index_add_": lambda: y.index_add_(0, t([1, 1]), s, alpha=2),
        "index_copy_": lambda: y.index_copy_(0, t([2, 0]), s),
        "index_fill_": lambda: y.index_fill_(1, t([0]), s.sum()),
        "masked_scatter_": lambda: y.masked_scatter_(t([[True, False]] * 3), s),
        "scatter_reduce_": lambda: y.scatter_reduce_(0, t([[0, 2], [0, 0]]), s, "amax",
                                                     include_self=False),
    }[name]()


def test_in_place_update_bumps_the_version_and_stales_saved_values() -> None:
    x = tg.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    y = x * 1.0
    z = y * y  # saves y
    y.index_fill_(0, tg.tensor([0]), 0.0)
    with pytest.raises(RuntimeError):
        z.sum().backward()


def test_scatter_reduce_argument_has_torchs_deprecation_and_no_derivative() -> None:
    x = tg.tensor(M23.copy(), requires_grad=True)
    src = tg.tensor(SRC23[:, :2].copy(), requires_grad=True)
    for reduce in ("add", "multiply"):
        with pytest.warns(UserWarning, match="scatter_reduce"):
            y = x.scatter(1, tg.tensor([[0, 0], [1, 1]]), src, reduce=reduce)
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="derivative for aten::scatter"):
            y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a value src is not deprecated
        y = x.scatter(1, tg.tensor([[0, 0]]), 2.0, reduce="multiply")
    with pytest.raises(RuntimeError, match="derivative"):
        y.sum().backward()
    with tg.no_grad():
        w = tg.tensor(M23.copy())
        w.scatter_(1, tg.tensor([[0, 0]]), 2.0, reduce="multiply")
    np.testing.assert_allclose(w.numpy()[0, 0], M23[0, 0] * 4)


# NumPy's spellings, which PyTorch's argument parser accepts for dim / keepdim
AXIS_FORMS: list[tuple[str, Callable[..., Any]]] = [
    ("median", lambda L, x: x.median(axis=1, keepdims=True)),
    ("nanmedian", lambda L, x: L.nanmedian(x, axis=1)),
    ("mode", lambda L, x: x.mode(axis=0, keepdims=True)),
    ("kthvalue", lambda L, x: x.kthvalue(2, axis=0)),
    ("quantile", lambda L, x: x.quantile(0.4, axis=0, keepdims=True)),
    ("nanquantile", lambda L, x: x.nanquantile(0.4, axis=1)),
    ("aminmax", lambda L, x: x.aminmax(axis=0, keepdims=True)),
    ("nansum", lambda L, x: x.nansum(axis=0, keepdims=True)),
    ("nanmean", lambda L, x: L.nanmean(x, axis=1)),
    ("count_nonzero", lambda L, x: x.count_nonzero(axis=0)),
    ("cummax", lambda L, x: x.cummax(axis=0)),
    ("cummin", lambda L, x: L.cummin(x, axis=1)),
    ("logcumsumexp", lambda L, x: x.logcumsumexp(axis=0)),
    ("diff", lambda L, x: x.diff(axis=0)),
    ("index_add", lambda L, x: x.index_add(axis=0, index=_t(L, [0]), source=x[:1] * 2)),
    ("index_copy", lambda L, x: x.index_copy(axis=1, index=_t(L, [2]), source=x[:, :1])),
    ("index_fill", lambda L, x: x.index_fill(axis=0, index=_t(L, [1]), value=-1.0)),
    ("scatter_reduce", lambda L, x: x.scatter_reduce(axis=1, index=_t(L, [[0, 0]]),
                                                     src=x[:1, :2], reduce="amin")),
]


@pytest.mark.parametrize("name, fn", AXIS_FORMS, ids=[a[0] for a in AXIS_FORMS])
def test_axis_and_keepdims_spellings_match_torch(name: str, fn: Callable[..., Any]) -> None:
    compare(fn, TIES[:2] + 0.25 * np.arange(6))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_scatter_reduce_matches_torch_with_ties(data: Any) -> None:
    """Random shapes and indices (repeats included), values from a few integers (ties for
    amax / amin, zeros for prod): values and gradients as PyTorch's."""
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    a = data.draw(st.integers(0, len(shape) - 1))
    ishape = tuple(data.draw(st.integers(1, 4)) if d == a else data.draw(st.integers(1, n))
                   for d, n in enumerate(shape))
    idx = data.draw(hnp.arrays(np.int64, ishape, elements=st.integers(0, shape[a] - 1)))
    vals = st.sampled_from([-1.0, 0.0, 1.0, 2.0])
    x = data.draw(hnp.arrays(np.float64, shape, elements=vals))
    src = data.draw(hnp.arrays(np.float64, ishape, elements=vals))
    reduce = data.draw(st.sampled_from(["sum", "prod", "mean", "amax", "amin"]))
    include = data.draw(st.booleans())
    if reduce == "prod" and ((src == 0).sum() > 1):
        src = np.where(src == 0, 1.0, src)  # PyTorch refuses to differentiate 2+ zeros
    compare(lambda L, t, s: t.scatter_reduce(a, _t(L, idx), s, reduce, include_self=include),
            x, src)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_index_writes_match_torch(data: Any) -> None:
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    a = data.draw(st.integers(-len(shape), len(shape) - 1))
    idx = data.draw(hnp.arrays(np.int64, data.draw(st.integers(0, 5)),
                               elements=st.integers(0, shape[a] - 1)))
    sshape = tuple(idx.size if d == a % len(shape) else n for d, n in enumerate(shape))
    x, s = RNG.standard_normal(shape), RNG.standard_normal(sshape)
    mask = data.draw(hnp.arrays(np.bool_, shape))
    compare(lambda L, t, u, v: (t.index_add(a, _t(L, idx), u, alpha=0.5),
                                t.index_copy(a, _t(L, idx), u),
                                t.index_fill(a, _t(L, idx), -2.0),
                                t.masked_scatter(_t(L, mask), v)),
            x, s, RNG.standard_normal(mask.size + 1))
