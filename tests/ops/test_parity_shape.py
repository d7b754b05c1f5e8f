"""The shape, layout and view methods against PyTorch (helper "shape", session 6).

Each snippet runs on both libraries with the same arrays: values, shapes, dtypes, return
types and the gradient of a random projection must agree; bad input raises PyTorch's
exception class; layout metadata (is_contiguous, stride, storage_offset) agrees for the same
ops; writes through the views PyTorch shares memory with show in the base.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.permutation(24).reshape(2, 3, 4).astype(np.float64) - 11.5  # distinct, no zeros
M = RNG.standard_normal((3, 4))
S = RNG.standard_normal((4, 4))
V = RNG.standard_normal(5)
Z0 = np.array(1.5)
E = np.zeros((0, 3))


def _t(lib: Any, a: Any, grad: bool = False) -> Any:
    if lib is torch:
        return torch.tensor(a, requires_grad=grad)
    return tg.tensor(np.array(a), requires_grad=grad)


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def _dt(t: Any) -> str:
    return str(t.dtype).split(".")[-1]


I = np.array  # index arrays (int64)

# (name, inputs, fn(lib, *tensors) -> a Tensor or a tuple of Tensors)
CASES: list[tuple[str, list[np.ndarray], Callable[..., Any]]] = [
    ("flip 0", [X], lambda L, x: x.flip(0)),
    ("flip varargs", [X], lambda L, x: x.flip(0, -1)),
    ("flip tuple", [X], lambda L, x: L.flip(x, (1, 2))),
    ("flip dims=", [X], lambda L, x: x.flip(dims=[2])),
    ("flip 0-d", [Z0], lambda L, x: x.flip(0)),
    ("flip empty", [E], lambda L, x: x.flip(0)),
    ("fliplr", [X], lambda L, x: x.fliplr()),
    ("flipud", [V], lambda L, x: L.flipud(x)),
    ("roll flat", [M], lambda L, x: x.roll(5)),
    ("roll flat negative", [X], lambda L, x: L.roll(x, -7)),
    ("roll dim", [M], lambda L, x: x.roll(1, 0)),
    ("roll dims", [X], lambda L, x: x.roll((1, -2), (2, 0))),
    ("roll same dim twice", [M], lambda L, x: x.roll((1, 2), (1, 1))),
    ("roll big shift", [M], lambda L, x: x.roll(9, dims=1)),
    ("roll 0-d", [Z0], lambda L, x: x.roll(1)),
    ("roll empty", [E], lambda L, x: x.roll(2)),
    ("rot90", [M], lambda L, x: x.rot90()),
    ("rot90 k=2", [X], lambda L, x: x.rot90(2, (1, 2))),
    ("rot90 k=-1", [X], lambda L, x: L.rot90(x, -1, [2, 0])),
    ("rot90 k=4", [M], lambda L, x: x.rot90(4)),
    ("unbind", [X], lambda L, x: x.unbind()),
    ("unbind dim", [X], lambda L, x: L.unbind(x, -1)),
    ("tensor_split sections", [X], lambda L, x: x.tensor_split(3, 2)),
    ("tensor_split more sections", [V], lambda L, x: x.tensor_split(7)),
    ("tensor_split indices", [X], lambda L, x: x.tensor_split([1, 5, 2, -1], 2)),
    ("tensor_split tensor sections", [M], lambda L, x: L.tensor_split(x, _t(L, 2), 1)),
    ("tensor_split tensor indices", [M], lambda L, x: x.tensor_split(_t(L, I([1, 2])), 1)),
    ("hsplit", [X], lambda L, x: x.hsplit(3)),
    ("hsplit 1-D", [np.arange(6.0)], lambda L, x: L.hsplit(x, [2, 3])),
    ("vsplit", [M], lambda L, x: x.vsplit([1])),
    ("dsplit", [X], lambda L, x: L.dsplit(x, 2)),
    ("unflatten", [X], lambda L, x: x.unflatten(2, (2, -1))),
    ("unflatten function", [X], lambda L, x: L.unflatten(x, -3, (1, 2))),
    ("movedim", [X], lambda L, x: x.movedim(0, -1)),
    ("movedim tuples", [X], lambda L, x: L.movedim(x, (0, 1), (2, 0))),
    ("moveaxis", [X], lambda L, x: x.moveaxis(-1, 0)),
    ("movedim 0-d", [Z0], lambda L, x: x.movedim(0, 0)),
    ("swapdims", [X], lambda L, x: L.swapdims(x, 0, 2)),
    ("ravel", [X], lambda L, x: x.ravel()),
    ("ravel transposed", [M], lambda L, x: L.ravel(x.t())),
    ("ravel 0-d", [Z0], lambda L, x: x.ravel()),
    ("select", [X], lambda L, x: x.select(1, -1)),
    ("select 1-D", [V], lambda L, x: L.select(x, 0, 2)),
    ("tile", [M], lambda L, x: x.tile(2)),
    ("tile more dims", [M], lambda L, x: L.tile(x, (2, 1, 2))),
    ("tile varargs", [X], lambda L, x: x.tile(1, 2, 1)),
    ("tile zero", [M], lambda L, x: x.tile((0, 1))),
    ("repeat_interleave", [M], lambda L, x: x.repeat_interleave(2)),
    ("repeat_interleave dim", [M], lambda L, x: x.repeat_interleave(3, dim=1)),
    ("repeat_interleave tensor", [M], lambda L, x: L.repeat_interleave(
        x, _t(L, I([1, 0, 2])), dim=0)),
    ("repeat_interleave 1-elem tensor", [M], lambda L, x: x.repeat_interleave(
        _t(L, I([2])), 1, output_size=8)),
    ("repeat_interleave 0-d", [Z0], lambda L, x: x.repeat_interleave(3)),
    ("repeat_interleave counts", [], lambda L: L.repeat_interleave(_t(L, I([2, 0, 3])))),
    ("repeat_interleave ints", [], lambda L: _t(L, I([[1, 2], [3, 4]])).repeat_interleave(2, 0)),
    ("diag vector", [V], lambda L, x: x.diag()),
    ("diag vector offset", [V], lambda L, x: L.diag(x, -2)),
    ("diag matrix", [M], lambda L, x: x.diag(1)),
    ("diag matrix below", [M], lambda L, x: L.diag(x, -2)),
    ("diag past the edge", [M], lambda L, x: x.diag(7)),
    ("diag ints", [], lambda L: _t(L, I([1, 2])).diag(1)),
    ("diagonal", [S], lambda L, x: x.diagonal()),
    ("diagonal offset", [M], lambda L, x: x.diagonal(1)),
    ("diagonal swapped dims", [M], lambda L, x: L.diagonal(x, -1, 1, 0)),
    ("diagonal 3-D", [X], lambda L, x: x.diagonal(0, 0, 2)),
    ("diagonal 3-D offset", [X], lambda L, x: x.diagonal(offset=2, dim1=-1, dim2=1)),
    ("diagonal empty", [M], lambda L, x: x.diagonal(9)),
    ("diag_embed", [M], lambda L, x: x.diag_embed()),
    ("diag_embed offset", [V], lambda L, x: L.diag_embed(x, 1)),
    ("diag_embed dims", [M], lambda L, x: x.diag_embed(-1, 2, 0)),
    ("diag_embed dims 2", [X], lambda L, x: x.diag_embed(1, 0, 2)),
    ("diagflat", [M], lambda L, x: x.diagflat()),
    ("diagflat offset 0-d", [Z0], lambda L, x: L.diagflat(x, -1)),
    ("trace", [M], lambda L, x: x.trace()),
    ("trace function", [S], lambda L, x: L.trace(x)),
    ("trace ints", [], lambda L: _t(L, I([[1, 2], [3, 4]], dtype=np.int32)).trace()),
    ("trace empty", [E], lambda L, x: x.trace()),
    ("take", [X], lambda L, x: x.take(_t(L, I([[0, -1], [5, 5]])))),
    ("take 0-d index", [M], lambda L, x: L.take(x, _t(L, I(3)))),
    ("take_along_dim", [M], lambda L, x: x.take_along_dim(_t(L, I([[0], [1], [3]])), 1)),
    ("take_along_dim flat", [M], lambda L, x: L.take_along_dim(x, _t(L, I([0, 11, 11])))),
    ("take_along_dim broadcast", [M], lambda L, x: x.take_along_dim(_t(L, I([[0], [2]])), 0)),
    ("take_along_dim argsort", [X], lambda L, x: x.take_along_dim(x.argsort(2), dim=2)),
    ("unfold", [M], lambda L, x: x.unfold(1, 2, 1)),
    ("unfold step", [X], lambda L, x: x.unfold(2, 2, 2)),
    ("unfold ragged", [X], lambda L, x: x.unfold(-1, 3, 2)),
    ("unfold dim 0", [X], lambda L, x: x.unfold(0, 1, 1)),
    ("unfold size 0", [M], lambda L, x: x.unfold(1, 0, 1)),
    ("unfold 0-d", [Z0], lambda L, x: x.unfold(0, 1, 1)),
    ("narrow_copy", [M], lambda L, x: x.narrow_copy(1, 1, 2)),
    ("narrow negative start", [M], lambda L, x: x.narrow(1, -3, 2)),
    # (no gradient here: PyTorch 2.13's own backward of a negative start fails)
    ("narrow_copy negative start", [], lambda L: L.narrow_copy(_t(L, M), 1, -2, 2)),
    ("type_as", [M], lambda L, x: x.type_as(_t(L, np.ones(2, np.float32)))),
    ("type_as int", [], lambda L: _t(L, I([1, 2])).type_as(_t(L, np.ones(1)))),
    ("reshape_as", [X], lambda L, x: x.reshape_as(_t(L, np.ones((4, 6))))),
    ("contiguous of a transpose", [M], lambda L, x: x.t().contiguous()),
    # top-level functions
    ("hstack", [V, V[:2]], lambda L, a, b: L.hstack([a, b])),
    ("hstack 2-D", [M, M[:, :1]], lambda L, a, b: L.hstack((a, b))),
    ("hstack 0-d", [Z0, V], lambda L, a, b: L.hstack([a, b])),
    ("vstack", [V, np.ones((2, 5))], lambda L, a, b: L.vstack([a, b])),
    ("row_stack", [M, M], lambda L, a, b: L.row_stack([a, b])),
    ("dstack", [V, V], lambda L, a, b: L.dstack([a, b])),
    ("dstack 2-D and 3-D", [M, X.reshape(3, 4, 2)], lambda L, a, b: L.dstack([a, b])),
    ("column_stack", [M[:, 0], M, Z0 * np.ones(3)],
     lambda L, a, b, c: L.column_stack([a, b, c])),
    ("column_stack 0-d", [Z0, Z0], lambda L, a, b: L.column_stack([a, b])),
    ("hstack promotes", [], lambda L: L.hstack([_t(L, np.ones(2, np.float32)), _t(L, I([1]))])),
    ("cat promotes", [], lambda L: L.cat([_t(L, np.ones(2, np.float32)), _t(L, I([True]))])),
    ("stack promotes", [], lambda L: L.stack([_t(L, I([1, 2], np.int32)), _t(L, I([1, 2]))])),
    ("meshgrid ij", [V, V[:3]], lambda L, a, b: L.meshgrid(a, b, indexing="ij")),
    ("meshgrid xy", [V, V[:3], V[:2]], lambda L, a, b, c: L.meshgrid([a, b, c], indexing="xy")),
    ("meshgrid 0-d", [Z0, V], lambda L, a, b: L.meshgrid(a, b, indexing="xy")),
    ("meshgrid one", [V], lambda L, a: L.meshgrid(a, indexing="xy")),
    ("broadcast_tensors", [M[:, :1], V[:4], Z0],
     lambda L, a, b, c: L.broadcast_tensors(a, b, c)),
    ("broadcast_tensors one", [M], lambda L, a: L.broadcast_tensors(a)),
    ("atleast_1d", [Z0], lambda L, a: L.atleast_1d(a)),
    ("atleast_1d several", [Z0, M], lambda L, a, b: L.atleast_1d(a, b)),
    ("atleast_2d", [V, Z0], lambda L, a, b: L.atleast_2d(a, b)),
    ("atleast_2d list", [V], lambda L, a: L.atleast_2d([a])),
    ("atleast_3d", [Z0, V, M, X], lambda L, *xs: L.atleast_3d(*xs)),
    ("block_diag", [Z0, V[:2], M], lambda L, *xs: L.block_diag(*xs)),
    ("block_diag empty block", [np.ones((0, 2)), M], lambda L, *xs: L.block_diag(*xs)),
    ("block_diag ints and floats", [],
     lambda L: L.block_diag(_t(L, I([1, 2])), _t(L, np.ones((2, 2))))),
    ("block_diag none", [], lambda L: L.block_diag()),
    ("cartesian_prod", [V[:3], V[1:3]], lambda L, a, b: L.cartesian_prod(a, b)),
    ("cartesian_prod three", [V[:2], V[1:3], V[2:5]], lambda L, *xs: L.cartesian_prod(*xs)),
    ("cartesian_prod one", [V], lambda L, a: L.cartesian_prod(a)),
    ("tril_indices", [], lambda L: L.tril_indices(3, 4, 1)),
    ("tril_indices negative offset", [], lambda L: L.tril_indices(4, 3, -2)),
    ("triu_indices", [], lambda L: L.triu_indices(3, 5, -1, dtype=L.int32)),
    ("triu_indices empty", [], lambda L: L.triu_indices(0, 0)),
]


@pytest.mark.parametrize("name, arrays, fn", CASES, ids=[c[0] for c in CASES])
def test_values_dtypes_and_gradients_match_torch(name: str, arrays: list[np.ndarray],
                                                 fn: Callable[..., Any]) -> None:
    outs = {}
    for L in (torch, tg):
        ins = [_t(L, a, grad=True) for a in arrays]
        out = fn(L, *ins)
        kind = type(out).__name__
        out = out if isinstance(out, tuple) else (out,)
        grads: Any = ()
        if ins:
            w = [_t(L, np.random.default_rng(i).standard_normal(o.shape))
                 for i, o in enumerate(out)]
            loss = sum((o * wi).sum() for o, wi in zip(out, w))
            grads = torch.autograd.grad(loss, ins) if L is torch else tg.grad(loss, ins)
        outs[L] = (kind, [_np(o) for o in out], [_dt(o) for o in out], [_np(g) for g in grads])
    (tk, tv, tdt, tgr), (mk, mv, mdt, mgr) = outs[torch], outs[tg]
    assert mk == tk  # a tuple where PyTorch returns a tuple
    assert mdt == tdt
    assert len(mv) == len(tv)
    for a, b in zip(mv, tv):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)
    for a, b in zip(mgr, tgr):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def _first_backward_grad(L: Any, fn: Callable[..., Any], a: np.ndarray) -> np.ndarray:
    x = _t(L, a, grad=True)
    out = fn(x)
    w = _t(L, np.random.default_rng(5).standard_normal(out.shape))
    (g,) = (torch.autograd.grad if L is torch else tg.grad)((out * w).sum(), [x],
                                                             create_graph=True)
    (gg,) = (torch.autograd.grad if L is torch else tg.grad)((g * g).sum(), [x],
                                                              allow_unused=True)
    return _np(g), (np.zeros_like(a) if gg is None else _np(gg))


@pytest.mark.parametrize("fn", [
    lambda x: (x * x).flip(1), lambda x: (x * x).roll(3), lambda x: (x * x).diagonal(1),
    lambda x: (x * x).unfold(1, 2, 1), lambda x: (x * x).diag_embed(),
    lambda x: (x * x).repeat_interleave(2, 0), lambda x: (x * x).select(0, 1),
    lambda x: (x * x).t().contiguous()], ids=["flip", "roll", "diagonal", "unfold",
                                              "diag_embed", "repeat_interleave", "select",
                                              "contiguous"])
def test_second_order_matches_torch(fn: Callable[..., Any]) -> None:
    for a, b in zip(_first_backward_grad(tg, fn, M), _first_backward_grad(torch, fn, M)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(0, 4), min_size=1, max_size=3), data=st.data())
def test_roll_flip_and_tensor_split_agree_with_torch_on_any_shape(shape: list[int],
                                                                   data: Any) -> None:
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    nd = len(shape)
    dims = data.draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=nd, unique_by=(
        lambda d: d % nd)))
    shifts = data.draw(st.lists(st.integers(-9, 9), min_size=len(dims), max_size=len(dims)))
    sections = data.draw(st.one_of(st.integers(1, 5), st.lists(st.integers(-5, 5), max_size=3)))
    for f in (lambda L, x: (x.roll(tuple(shifts), tuple(dims)),), lambda L, x: (x.flip(dims),),
              lambda L, x: x.tensor_split(sections, dims[0]), lambda L, x: (x.roll(shifts[0]),)):
        ours, theirs = f(tg, tg.tensor(a)), f(torch, torch.tensor(a))
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            np.testing.assert_array_equal(o.numpy(), t.numpy())


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_diagonal_family_agrees_with_torch_on_any_offset_and_dims(data: Any) -> None:
    shape = tuple(data.draw(st.lists(st.integers(0, 4), min_size=2, max_size=4)))
    nd = len(shape)
    d1, d2 = data.draw(st.lists(st.integers(-nd, nd - 1), min_size=2, max_size=2, unique_by=(
        lambda d: d % nd)))
    off = data.draw(st.integers(-5, 5))
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    for f in (lambda x: x.diagonal(off, d1, d2), lambda x: x.diag_embed(off, d1 % nd, d2 % nd),
              lambda x: x.unfold(d1, min(2, x.shape[d1]), 1 + abs(off))):
        np.testing.assert_array_equal(f(tg.tensor(a)).numpy(), f(torch.tensor(a)).numpy())


# -- metadata and views ----------------------------------------------------------------------

LAYOUTS: list[tuple[str, Callable[[Any], Any]]] = [
    ("fresh", lambda x: x), ("T", lambda x: x.T), ("t", lambda x: x.t()),
    ("mT", lambda x: x.mT), ("permute", lambda x: x.permute(1, 0)),
    ("row", lambda x: x[1]), ("column", lambda x: x[:, 1]), ("rows", lambda x: x[1:]),
    ("step slice", lambda x: x[:, ::2]), ("narrow", lambda x: x.narrow(1, 1, 2)),
    ("expand", lambda x: x[:1].expand(3, 4)), ("expand size-1", lambda x: x[:1].expand(1, 4)),
    ("unsqueeze", lambda x: x.unsqueeze(1)), ("contiguous", lambda x: x.T.contiguous()),
    ("contiguous no-op", lambda x: x.contiguous()), ("clone of T", lambda x: x.T.clone()),
    ("flip", lambda x: x.flip(0)), ("flip of T", lambda x: x.T.flip(0)),
    ("flip of a stepped T", lambda x: x.T[:, ::2].flip(1)),
    ("flip of an expand", lambda x: x[:1].expand(3, 4).flip(0)),
    ("roll of T", lambda x: x.T.roll(1, 0)), ("diagonal", lambda x: x.diagonal()),
    ("diagonal -1", lambda x: x.diagonal(-1)), ("unfold", lambda x: x.unfold(1, 2, 1)),
    ("select", lambda x: x.select(1, 2)), ("unbind", lambda x: x.unbind(1)[1]),
    ("tensor_split", lambda x: x.tensor_split(2, 1)[1]), ("movedim", lambda x: x.movedim(0, 1)),
    ("ravel of T", lambda x: x.T.ravel()), ("reshape", lambda x: x.reshape(2, 6)),
    ("diag", lambda x: x.diag()), ("exp of T", lambda x: x.T.exp()),
    ("empty", lambda x: x[:0]), ("empty T", lambda x: x[:0].T),
    ("flatten", lambda x: x.flatten()), ("repeat", lambda x: x.repeat(2, 1)),
    ("tile", lambda x: x.tile(2)), ("diag_embed", lambda x: x.diag_embed()),
]


@pytest.mark.parametrize("name, fn", LAYOUTS, ids=[c[0] for c in LAYOUTS])
def test_layout_metadata_matches_torch(name: str, fn: Callable[[Any], Any]) -> None:
    a = np.arange(12.0).reshape(3, 4)
    ours, theirs = fn(tg.tensor(a)), fn(torch.tensor(a))
    assert ours.is_contiguous() == theirs.is_contiguous()
    assert ours.storage_offset() == theirs.storage_offset()
    assert ours.nelement() == theirs.nelement() and ours.ndimension() == theirs.ndimension()
    # strides of dims of size 1 never address memory, and may differ (stride's docstring)
    for n, s_ours, s_theirs in zip(theirs.shape, ours.stride(), theirs.stride()):
        if n != 1:
            assert s_ours == s_theirs
    assert ours.stride(-1) == theirs.stride(-1) or theirs.shape[-1] == 1
    assert isinstance(ours.stride(0), int) and isinstance(ours.is_contiguous(), bool)


def test_data_ptr_is_the_array_address_and_views_share_it() -> None:
    base = tg.tensor(np.arange(12.0).reshape(3, 4))
    assert base.data_ptr() == base.numpy().ctypes.data
    assert base.T.data_ptr() == base.data_ptr() == base.diagonal().data_ptr()
    assert base[1].data_ptr() == base.data_ptr() + 4 * base.element_size()
    assert base.flip(0).data_ptr() != base.data_ptr()
    assert tg.zeros(0).data_ptr() == torch.zeros(0).data_ptr() == 0
    assert base.stride() == (4, 1) and base.stride(1) == 1 and base.stride(-2) == 4
    assert tg.zeros(0, 3).stride() == torch.zeros(0, 3).stride() == (3, 1)


# views PyTorch returns (writes show in the base) and copies it returns (writes do not)
VIEWS: list[tuple[str, Callable[[Any], Any], bool]] = [
    ("diagonal", lambda x: x.diagonal(1), True), ("unfold", lambda x: x.unfold(1, 2, 1), True),
    ("select", lambda x: x.select(0, 1), True), ("unbind", lambda x: x.unbind(1)[2], True),
    ("movedim", lambda x: x.movedim(1, 0), True), ("moveaxis", lambda x: x.moveaxis(0, 1), True),
    ("tensor_split", lambda x: x.tensor_split(2, 1)[1], True),
    ("hsplit", lambda x: x.hsplit(2)[0], True), ("vsplit", lambda x: x.vsplit([1])[1], True),
    ("unflatten", lambda x: x.unflatten(1, (2, 2)), True), ("ravel", lambda x: x.ravel(), True),
    ("swapdims", lambda x: x.swapdims(0, 1), True), ("reshape_as", lambda x: x.reshape_as(
        x.T.T), True), ("contiguous", lambda x: x.contiguous(), True),
    ("flip", lambda x: x.flip(0), False), ("fliplr", lambda x: x.fliplr(), False),
    ("roll", lambda x: x.roll(1), False), ("rot90", lambda x: x.rot90(), False),
    ("diag", lambda x: x.diag(), False), ("tile", lambda x: x.tile(1), False),
    ("repeat_interleave", lambda x: x.repeat_interleave(1, 0), False),
    ("take", lambda x: x.take(x.new_tensor([0, 5], dtype=tg.int64)
                              if hasattr(x, "_data") else torch.tensor([0, 5])), False),
    ("narrow_copy", lambda x: x.narrow_copy(1, 1, 2), False),
]


@pytest.mark.parametrize("name, fn, shares", VIEWS, ids=[c[0] for c in VIEWS])
def test_writes_through_views_show_in_the_base_as_in_torch(name: str, fn: Callable[[Any], Any],
                                                           shares: bool) -> None:
    results = []
    for L in (torch, tg):
        base = L.tensor(np.arange(12.0).reshape(3, 4))
        fn(base).fill_(-1.0)
        results.append(base.numpy().copy())
    np.testing.assert_array_equal(results[1], results[0])
    assert (results[1] == -1).any() == shares


def test_a_view_shares_its_bases_version_so_stale_saved_values_are_caught() -> None:
    for view in (lambda y: y.diagonal(), lambda y: y.unfold(0, 2, 1), lambda y: y.select(0, 0),
                 lambda y: y.unbind()[1], lambda y: y.tensor_split(2)[0]):
        x = tg.tensor(M, requires_grad=True)
        y = x.exp()  # saves its output
        with tg.no_grad():
            view(y).mul_(2.0)
        with pytest.raises(RuntimeError, match="modified by an in-place operation"):
            y.sum().backward()


def test_unbind_and_splits_return_tuples_of_views() -> None:
    x = tg.tensor(X)
    parts = x.unbind(1)
    assert type(parts) is tuple and len(parts) == 3
    assert all(p.shape == (2, 4) for p in parts)
    assert type(x.tensor_split(2)) is tuple and type(x.hsplit(1)) is tuple


def test_meshgrid_without_indexing_warns_and_uses_ij_as_torch() -> None:
    for L in (torch, tg):
        with pytest.warns(UserWarning, match="indexing argument"):
            grids = L.meshgrid(L.tensor([1.0, 2.0, 3.0]), L.tensor([4.0, 5.0]))
        assert [tuple(g.shape) for g in grids] == [(3, 2), (3, 2)]


def test_broadcast_shapes_returns_a_size() -> None:
    for args in [((2, 1), (3,)), (2, (3, 1)), (), ((0, 1), (5,)), ([4], tg.zeros(1, 4).size())]:
        ours, theirs = tg.broadcast_shapes(*args), torch.broadcast_shapes(*args)
        assert type(ours) is type(tg.zeros(1).size()) and tuple(ours) == tuple(theirs)


def test_shape_functions_are_exported_and_keep_views() -> None:
    a = tg.tensor([1.0, 2.0])
    assert tg.broadcast_tensors(a)[0] is a and tg.atleast_1d(a) is a
    assert tg.meshgrid(a, a, indexing="ij")[0].data_ptr() == a.data_ptr()
    for name in ("hstack", "vstack", "dstack", "column_stack", "row_stack", "meshgrid",
                 "broadcast_tensors", "broadcast_shapes", "atleast_1d", "atleast_2d",
                 "atleast_3d", "block_diag", "cartesian_prod", "tril_indices", "triu_indices",
                 "swapdims", "moveaxis", "flip", "roll", "unbind", "diag", "trace", "take"):
        assert name in tg.__all__ and callable(getattr(tg, name))


# -- in-place views ------------------------------------------------------------------------

M3 = M.reshape(3, 1, 4)
INPLACE_VIEWS: list[tuple[str, np.ndarray, Callable[[Any], Any]]] = [
    ("t_", M, lambda y: y.t_()), ("transpose_", M3, lambda y: y.transpose_(0, -1)),
    ("squeeze_", M3, lambda y: y.squeeze_()), ("squeeze_ dim", M3, lambda y: y.squeeze_(-2)),
    ("unsqueeze_", M, lambda y: y.unsqueeze_(1)), ("unsqueeze_ -1", M, lambda y: y.unsqueeze_(-1)),
]


@pytest.mark.parametrize("name, a, fn", INPLACE_VIEWS, ids=[c[0] for c in INPLACE_VIEWS])
def test_inplace_views_change_the_tensor_and_keep_the_graph_right(
        name: str, a: np.ndarray, fn: Callable[[Any], Any]) -> None:
    got = {}
    for L in (torch, tg):
        x = _t(L, a, grad=True)
        y = x * 2.0
        z = fn(y)
        w = _t(L, np.random.default_rng(3).standard_normal(tuple(z.shape)))
        (z * w).sum().backward()
        got[L] = (tuple(z.shape), _np(z), _np(x.grad), z is y)
    assert got[tg][0] == got[torch][0] and got[tg][3] and got[torch][3]
    np.testing.assert_array_equal(got[tg][1], got[torch][1])
    np.testing.assert_allclose(got[tg][2], got[torch][2], rtol=1e-12)


@pytest.mark.parametrize("name, a, fn", INPLACE_VIEWS, ids=[c[0] for c in INPLACE_VIEWS])
def test_inplace_views_follow_torchs_rules(name: str, a: np.ndarray,
                                           fn: Callable[[Any], Any]) -> None:
    for L in (torch, tg):
        leaf = _t(L, a, grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            fn(leaf)
        with L.no_grad():  # allowed without recording: the leaf stays a leaf
            fn(leaf)
        assert leaf.is_leaf and leaf.requires_grad
        base = _t(L, np.arange(12.0).reshape(a.shape))
        view = base[:]
        fn(view).fill_(-1.0)  # the changed tensor still shares the base's memory
        assert (base.numpy() == -1.0).all()
        y = _t(L, a, grad=True) * 1.0
        z = y * y  # saves y: the in-place view bumps y's version
        fn(y)
        with pytest.raises(RuntimeError, match="modified by an inplace|modified by an in-place"):
            z.sum().backward()


# -- errors ---------------------------------------------------------------------------------

ERRORS: list[tuple[str, Callable[..., Any]]] = [
    ("flip repeated dim", lambda L, x: x.flip(0, 0)),
    ("flip bad dim", lambda L, x: x.flip(3)),
    ("fliplr 1-D", lambda L, x: x[0, 0].fliplr()),
    ("flipud 0-d", lambda L, x: x[0, 0, 0].flipud()),
    ("roll shifts/dims mismatch", lambda L, x: x.roll((1, 2), 0)),
    ("roll tuple shifts no dims", lambda L, x: x.roll((1, 2))),
    ("roll bad dim", lambda L, x: x.roll(1, 5)),
    ("roll dim of 0-d", lambda L, x: x[0, 0, 0].roll(1, 0)),
    ("rot90 one dim", lambda L, x: x.rot90(1, (0,))),
    ("rot90 same dims", lambda L, x: x.rot90(1, (1, 1))),
    ("rot90 1-D", lambda L, x: x[0, 0].rot90()),
    ("rot90 bad dim", lambda L, x: x.rot90(1, (0, 5))),
    ("unbind 0-d", lambda L, x: x[0, 0, 0].unbind()),
    ("unbind bad dim", lambda L, x: x.unbind(3)),
    ("select out of range", lambda L, x: x.select(1, 3)),
    ("select 0-d", lambda L, x: x[0, 0, 0].select(0, 0)),
    ("select bad dim", lambda L, x: x.select(-4, 0)),
    ("tensor_split 0 sections", lambda L, x: x.tensor_split(0)),
    ("tensor_split 0-d", lambda L, x: x[0, 0, 0].tensor_split(1)),
    ("tensor_split float tensor", lambda L, x: x.tensor_split(_t(L, np.array([1.0])))),
    ("tensor_split 2-D tensor", lambda L, x: x.tensor_split(_t(L, np.array([[1]])))),
    ("hsplit not divisible", lambda L, x: x.hsplit(2)),
    ("hsplit 0-d", lambda L, x: x[0, 0, 0].hsplit(1)),
    ("vsplit 1-D", lambda L, x: x[0, 0].vsplit(1)),
    ("dsplit 2-D", lambda L, x: x[0].dsplit(2)),
    ("dsplit not divisible", lambda L, x: x.dsplit(3)),
    ("unflatten wrong product", lambda L, x: x.unflatten(2, (3, -1))),
    ("unflatten empty sizes", lambda L, x: x.unflatten(1, ())),
    ("unflatten two -1", lambda L, x: x.unflatten(2, (-1, -1))),
    ("movedim lengths", lambda L, x: x.movedim((0, 1), (1,))),
    ("movedim repeated", lambda L, x: x.movedim((0, 0), (1, 2))),
    ("movedim bad dim", lambda L, x: x.movedim(0, 3)),
    ("tile negative", lambda L, x: x.tile(-1)),
    ("repeat_interleave negative", lambda L, x: x.repeat_interleave(-1)),
    ("repeat_interleave negative tensor", lambda L, x: x.repeat_interleave(
        _t(L, np.array([1, -1])), 0)),
    ("repeat_interleave size mismatch", lambda L, x: x.repeat_interleave(
        _t(L, np.array([1, 2, 3])), 0)),
    ("repeat_interleave float repeats", lambda L, x: x.repeat_interleave(
        _t(L, np.array([1.0, 2.0])), 0)),
    ("repeat_interleave output_size", lambda L, x: x.repeat_interleave(2, 0, output_size=3)),
    ("diag 3-D", lambda L, x: x.diag()),
    ("diag 0-d", lambda L, x: x[0, 0, 0].diag()),
    ("diagonal same dims", lambda L, x: x.diagonal(0, 1, 1)),
    ("diagonal 1-D", lambda L, x: x[0, 0].diagonal()),
    ("diag_embed same dims", lambda L, x: x.diag_embed(0, 1, 1)),
    ("diag_embed bad dim", lambda L, x: x.diag_embed(0, 0, 4)),
    ("diag_embed 0-d", lambda L, x: x[0, 0, 0].diag_embed()),
    ("trace 3-D", lambda L, x: x.trace()),
    ("trace bool", lambda L, x: (x[0] > 0).trace()),
    ("take out of range", lambda L, x: x.take(_t(L, np.array([24])))),
    ("take negative out of range", lambda L, x: x.take(_t(L, np.array([-25])))),
    ("take float index", lambda L, x: x.take(_t(L, np.array([1.0])))),
    ("take_along_dim ndim", lambda L, x: x.take_along_dim(_t(L, np.array([0])), 0)),
    ("take_along_dim broadcast", lambda L, x: x.take_along_dim(
        _t(L, np.zeros((2, 2, 1), np.int64)), 2)),
    ("unfold too big", lambda L, x: x.unfold(2, 5, 1)),
    ("unfold step 0", lambda L, x: x.unfold(2, 2, 0)),
    ("unfold bad dim", lambda L, x: x.unfold(3, 1, 1)),
    ("narrow_copy past the end", lambda L, x: x.narrow_copy(2, 3, 2)),
    ("narrow_copy bad dim", lambda L, x: x.narrow_copy(3, 0, 1)),
    ("stride bad dim", lambda L, x: x.stride(3)),
    ("hstack empty", lambda L, x: L.hstack([])),
    ("hstack of a tensor", lambda L, x: L.hstack(x)),
    ("vstack empty", lambda L, x: L.vstack(())),
    ("vstack mismatch", lambda L, x: L.vstack([x[0, 0], x[0, :, :2]])),
    ("dstack mismatch", lambda L, x: L.dstack([x[0], x[0, :2]])),
    ("column_stack mismatch", lambda L, x: L.column_stack([x[0, 0], x[0, :2, 0]])),
    ("meshgrid 2-D", lambda L, x: L.meshgrid(x[0], indexing="ij")),
    ("meshgrid dtypes", lambda L, x: L.meshgrid(x[0, 0], x[0, 0].long(), indexing="ij")),
    ("meshgrid bad indexing", lambda L, x: L.meshgrid(x[0, 0], indexing="yx")),
    ("meshgrid nothing", lambda L, x: L.meshgrid(indexing="ij")),
    ("broadcast_tensors mismatch", lambda L, x: L.broadcast_tensors(x, x[0, :2])),
    ("broadcast_shapes mismatch", lambda L, x: L.broadcast_shapes((2,), (3,))),
    ("broadcast_shapes negative", lambda L, x: L.broadcast_shapes((-1,), (3,))),
    ("block_diag 3-D", lambda L, x: L.block_diag(x)),
    ("cartesian_prod 2-D", lambda L, x: L.cartesian_prod(x[0])),
    ("cartesian_prod 0-d", lambda L, x: L.cartesian_prod(x[0, 0], x[0, 0, 0])),
    ("tril_indices negative", lambda L, x: L.tril_indices(-1, 3)),
    ("triu_indices float", lambda L, x: L.triu_indices(3, 3, dtype=L.float32)),
    ("t_ 3-D", lambda L, x: x.t_()),
    ("narrow past the end", lambda L, x: x.narrow(2, 3, 2)),
    ("narrow negative past the start", lambda L, x: x.narrow(2, -5, 1)),
    ("expand mismatch", lambda L, x: x.expand(3, 3, 4)),
    ("repeat too few", lambda L, x: x.repeat(2)),
    ("split size 0", lambda L, x: x.split(0)),
    ("split sizes", lambda L, x: x.split([1, 1], 1)),
    ("chunk 0", lambda L, x: x.chunk(0)),
    ("stack empty", lambda L, x: L.stack([])),
    ("stack shapes", lambda L, x: L.stack([x, x[0]])),
    ("cat shapes", lambda L, x: L.cat([x, x[:, :1, :1]])),
    ("transpose_ bad dim", lambda L, x: x.transpose_(0, 3)),
    ("unsqueeze_ bad dim", lambda L, x: x.unsqueeze_(4)),
    ("squeeze_ bad dim", lambda L, x: x.squeeze_(3)),
]


@pytest.mark.parametrize("name, fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_have_torch_types(name: str, fn: Callable[..., Any]) -> None:
    with pytest.raises(Exception) as ref:
        fn(torch, torch.tensor(X))
    with pytest.raises(type(ref.value)):
        fn(tg, tg.tensor(X))


VIEW_STEPS: list[Callable[[Any], Any]] = [
    lambda x: x.permute(*reversed(range(x.ndim))), lambda x: x[..., ::2], lambda x: x[1:],
    lambda x: x.unsqueeze(1), lambda x: x.squeeze(), lambda x: x.narrow(0, 1, 1),
    lambda x: x.unsqueeze(0).expand(2, *x.shape), lambda x: x.select(0, -1),
    lambda x: x.diagonal(0, 0, -1), lambda x: x.unfold(-1, 2, 1), lambda x: x.movedim(0, -1),
    lambda x: x.flip(0), lambda x: x.roll(1, -1), lambda x: x.contiguous(),
    lambda x: x.tensor_split(2, -1)[1], lambda x: x.unbind(-1)[0], lambda x: x.ravel(),
]


@settings(max_examples=150, deadline=None)
@given(shape=st.lists(st.integers(2, 4), min_size=2, max_size=3),
       steps=st.lists(st.integers(0, len(VIEW_STEPS) - 1), min_size=1, max_size=4))
def test_chains_of_views_report_torchs_layout(shape: list[int], steps: list[int]) -> None:
    a = np.arange(float(np.prod(shape))).reshape(shape)
    x, y = torch.tensor(a), tg.tensor(a)
    for i in steps:
        if x.ndim < 2 or x.shape[0] < 2 or x.shape[-1] < 2:
            break  # (keep every step valid and the result non-empty)
        x, y = VIEW_STEPS[i](x), VIEW_STEPS[i](y)
    assert tuple(y.shape) == tuple(x.shape)
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    assert y.is_contiguous() == x.is_contiguous()
    assert y.storage_offset() == x.storage_offset()
    assert [s for n, s in zip(y.shape, y.stride()) if n != 1] == [
        s for n, s in zip(x.shape, x.stride()) if n != 1]
