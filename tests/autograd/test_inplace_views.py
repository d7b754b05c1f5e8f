"""In-place changes through views, side by side with PyTorch: values, gradients (first and
second order), the nodes' names, and PyTorch's refusals.

A recorded in-place change through a view makes the root base ``CopySlices`` and re-derives
every view of it (``AsStridedBackward0``); see tinygrad_nn/tensor_inplace.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_nn as tg
from tests.ops.registry_helpers import shape_of
from tests.ops.rows_inplace_views import VIEW_OPS, basic_index

torch = pytest.importorskip("torch")


def _np(t: Any) -> Any:
    return None if t is None else np.asarray(t.detach().numpy()).copy()


def _name(t: Any) -> str | None:
    return None if t.grad_fn is None else t.grad_fn.name()


def _grad(L: Any) -> Callable[..., Any]:
    return torch.autograd.grad if L is torch else tg.autograd.grad


def _both(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    """fn(torch), fn(tinygrad_nn): each its result, or ("raises", type, message)."""
    out = []
    for L in (torch, tg):
        try:
            out.append(fn(L))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(("raises", type(e).__name__, str(e)))
    return out[0], out[1]


def _raised(r: Any) -> bool:
    return isinstance(r, tuple) and len(r) == 3 and isinstance(r[0], str) and r[0] == "raises"


def _assert_same(want: Any, got: Any) -> None:
    if _raised(want):
        assert _raised(got) and want[1] == got[1], (want, got)
        return
    assert not _raised(got), (want, got)
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(want) == len(got), (want, got)
        for w, g in zip(want, got):
            _assert_same(w, g)
    elif isinstance(want, np.ndarray):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    else:
        assert want == got


# -- every view op x several in-place ops, first and second order ---------------------

VIEWS: dict[str, Callable[[Any], Any]] = {
    "slice": lambda y: y[0:2], "t": lambda y: y.t(), "transpose": lambda y: y.transpose(0, 1),
    "T": lambda y: y.T, "mT": lambda y: y.mT, "permute": lambda y: y.permute(1, 0),
    "diagonal": lambda y: y.diagonal(), "diagonal offset": lambda y: y.diagonal(1),
    "select": lambda y: y.select(1, 2), "int index": lambda y: y[2],
    "0-d": lambda y: y[1, 2], "narrow": lambda y: y.narrow(1, 1, 2),
    "view": lambda y: y.view(-1), "reshape": lambda y: y.reshape(9),
    "view_as": lambda y: y.view_as(y), "flatten": lambda y: y.flatten(),
    "unflatten": lambda y: y.reshape(-1).unflatten(0, (3, 3)),
    "unsqueeze": lambda y: y.unsqueeze(0), "squeeze": lambda y: y[None].squeeze(0),
    "step": lambda y: y[::2, 1:], "ellipsis": lambda y: y[..., 1], "none": lambda y: y[None, 1],
    "movedim": lambda y: y.movedim(0, 1), "swapaxes": lambda y: y.swapaxes(0, 1),
    "unfold, no overlap": lambda y: y.unfold(1, 1, 2),
    "tensor_split": lambda y: y.tensor_split(2)[1],
    "hsplit": lambda y: y.hsplit(3)[2], "chain": lambda y: y.t()[1:][:, ::2],
    "chain of three": lambda y: y[1:].t().unsqueeze(0)[0, :, 1],
}

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "mul_": lambda v, w: v.mul_(3.0), "mul_ tensor": lambda v, w: v.mul_(w),
    "add_ alpha": lambda v, w: v.add_(w, alpha=2.0), "sub_": lambda v, w: v.sub_(w),
    "div_": lambda v, w: v.div_(w + 3.0), "+=": lambda v, w: v.__iadd__(w),
    "zero_": lambda v, w: v.zero_(), "fill_": lambda v, w: v.fill_(2.5),
    "copy_": lambda v, w: v.copy_(w * w), "exp_": lambda v, w: v.exp_(),
    "clamp_": lambda v, w: v.clamp_(2.5, 9.5), "pow_": lambda v, w: v.pow_(2),
    "addcmul_": lambda v, w: v.addcmul_(w, w, value=0.5), "lerp_": lambda v, w: v.lerp_(w, 0.25),
    "masked_fill_": lambda v, w: v.masked_fill_(w > 1.2, 0.0),
}


def _view_program(view: Callable[[Any], Any], op: Callable[[Any, Any], Any],
                  create: bool) -> Callable[[Any], Any]:
    def run(L: Any) -> Any:
        a = L.tensor(np.arange(1.0, 10.0).reshape(3, 3), dtype=L.float64, requires_grad=True)
        b = L.tensor(np.linspace(0.5, 2.0, 9).reshape(3, 3), dtype=L.float64,
                     requires_grad=True)
        y = a * b
        early = y[1]  # a view taken before the change sees it
        v = view(y)
        w = L.tensor(np.linspace(0.4, 1.7, v.numel()).reshape(v.shape),
                     dtype=L.float64, requires_grad=True)
        op(v, w)
        loss = (y * y).sum() + (early * early).sum() * 3.0 + (v * v * v).sum()
        ga, gb, gw = _grad(L)(loss, (a, b, w), create_graph=create, allow_unused=True)
        names = (_name(y), _name(v), _name(early))
        if not create:
            return _np(y), _np(v), _np(ga), _np(gb), _np(gw), names
        gg = _grad(L)((ga * ga).sum() + (gb * ga).sum(), (a, b), allow_unused=True)
        return _np(y), _np(ga), _np(gg[0]), _np(gg[1]), names

    return run


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_inplace_through_a_view_matches_torch(view: str, op: str) -> None:
    _assert_same(*_both(_view_program(VIEWS[view], OPS[op], create=False)))


@pytest.mark.parametrize("op", ["mul_ tensor", "copy_", "exp_", "addcmul_", "zero_"])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_second_derivatives_through_a_view_match_torch(view: str, op: str) -> None:
    _assert_same(*_both(_view_program(VIEWS[view], OPS[op], create=True)))


def test_the_bug_report() -> None:
    a = tg.ones(3, requires_grad=True)
    y = a * 2
    y.view(-1).mul_(3)
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [6.0, 6.0, 6.0])
    assert y.grad_fn.name() == "torch::autograd::CopySlices"


@given(st.data())
def test_random_basic_views_match_torch(data: Any) -> None:
    """Random shapes, random basic indices (ints, stepped slices, None), one more view op,
    random in-place ops, twice: values, gradients and node names as PyTorch's."""
    shape = shape_of(data.draw, min_dims=1, max_dims=3, max_side=4)
    idx = basic_index(data.draw, shape)
    steps = [i.step for i in (idx if type(idx) is tuple else (idx,)) if type(i) is slice]
    assume(all(s is None or s > 0 for s in steps))  # (PyTorch refuses negative steps)
    more = VIEW_OPS[data.draw(st.sampled_from(sorted(VIEW_OPS)))]
    # (not exp_: PyTorch's saves its result, the changed memory, so a second change makes
    # its backward refuse; here exp_ saves a copy and the gradient stays right)
    ops = data.draw(st.lists(st.sampled_from(sorted(set(OPS) - {"exp_"})), min_size=1,
                             max_size=2))
    x0 = np.random.default_rng(0).uniform(0.5, 1.5, shape)

    def run(L: Any) -> Any:
        a = L.tensor(x0, requires_grad=True)
        y = a * 2.0
        early = y.reshape(-1)
        for op in ops:
            v = more(y[idx])
            w = L.tensor(np.full(tuple(v.shape), 1.25), requires_grad=True)
            OPS[op](v, w)
        loss = (y * y).sum() + (early * early * early).sum()
        (g,) = _grad(L)(loss, (a,))
        # (an in-place op on a copy is that op's node: PyTorch's composite names differ)
        view_name = _name(v) if v._is_view() else None
        return _np(y), _np(v), _np(g), _name(y), v._is_view(), view_name, _name(early)

    _assert_same(*_both(run))


# -- __setitem__ under grad ------------------------------------------------------------


SETITEMS: dict[str, Callable[[Any, Any, Any], None]] = {
    "slice": lambda L, y, w: y.__setitem__(slice(0, 2), w[:2]),
    "int": lambda L, y, w: y.__setitem__(1, w[0]),
    "scalar": lambda L, y, w: y.__setitem__((0, 1), 5.0),
    "ellipsis": lambda L, y, w: y.__setitem__(Ellipsis, w[0]),
    "tuple of slices": lambda L, y, w: y.__setitem__((slice(1, None), slice(None, None, 2)),
                                                   w[:2, :1]),
    "int list": lambda L, y, w: y.__setitem__([0, 2], w[1:]),
    "int tensor": lambda L, y, w: y.__setitem__(L.tensor([2, 0]), w[:2]),
    "bool mask": lambda L, y, w: y.__setitem__(L.tensor([True, False, True]), w[0, 0]),
    "mask of values": lambda L, y, w: y.__setitem__(y > 6.0, 0.0),
    "+= on a slice": lambda L, y, w: y.__setitem__(slice(1, 3), y[1:3].__iadd__(w[:2])),
}


@pytest.mark.parametrize("form", sorted(SETITEMS))
def test_setitem_under_grad_matches_torch(form: str) -> None:
    def run(L: Any) -> Any:
        a = L.tensor(np.arange(1.0, 10.0).reshape(3, 3), dtype=L.float64, requires_grad=True)
        w = L.tensor(np.linspace(-1.0, 2.0, 9).reshape(3, 3), dtype=L.float64,
                     requires_grad=True)
        y = a * 1.5
        SETITEMS[form](L, y, w)
        ga, gw = _grad(L)((y * y * a).sum(), (a, w), allow_unused=True)
        return _np(y), _np(ga), _np(gw), _name(y)

    _assert_same(*_both(run))


# -- which views see the change: the base's other views, bases that did not require grad --


def _scenario(fn: Callable[[Any], Any]) -> None:
    _assert_same(*_both(fn))


def test_views_taken_earlier_follow_an_inplace_change_of_the_base() -> None:
    def run(L: Any) -> Any:
        a = L.ones(3, requires_grad=True)
        y = a * 2
        v1 = y[0:2]
        e = y.expand(2, 3)  # read-only views are re-derived too
        y.mul_(3)
        (v1.sum() + e.sum()).backward()
        return _np(a.grad), _name(y), _name(v1), _name(e)

    _scenario(run)


def test_a_base_that_needs_no_grad_becomes_copyslices() -> None:
    def run(L: Any) -> Any:
        y = L.zeros(3)
        v1 = y[0:2]
        w = L.ones(1, requires_grad=True)
        y[1:2].copy_(w * 2)
        out = (_name(y), y.is_leaf, v1.requires_grad, _name(v1))
        (y.sum() + (v1 * 3).sum()).backward()
        return out, _np(w.grad)

    _scenario(run)


def test_two_changes_through_nested_views() -> None:
    def run(L: Any) -> Any:
        a = L.ones(3, requires_grad=True)
        y = a * 2
        v = y[0:2]
        v.mul_(3)
        v[0:1].add_(1)
        y.mul_(1.5)
        (y * y).sum().backward()
        return _np(y), _np(a.grad), _name(v), [_name(f) for f, _ in y.grad_fn.next_functions]

    _scenario(run)


def test_writes_through_a_0d_view_show_in_the_base() -> None:
    def run(L: Any) -> Any:
        a = L.arange(3.0, requires_grad=True)
        y = a * 2
        s = y[1]
        s.mul_(5)
        y[2] = s * 2
        (y * y).sum().backward()
        return _np(y), _np(a.grad), _name(s)

    _scenario(run)


def test_a_reshape_that_copies_is_not_a_view() -> None:
    def run(L: Any) -> Any:
        a = L.arange(6.0, requires_grad=True)
        y = (a * 1).reshape(2, 3).t()
        z = y.reshape(-1)  # a copy: the change stays in z
        z.mul_(2)
        (y * y).sum().backward()
        return _np(y), _np(z), _np(a.grad), _name(y), _name(z)

    _scenario(run)


def test_saved_values_changed_through_a_view_are_caught() -> None:
    for make in (lambda a: a * 2, lambda a: a.exp()):  # a saved input, a saved output
        def run(L: Any, make: Any = make) -> Any:
            a = L.ones(3, requires_grad=True)
            y = make(a)
            z = y * y
            y[0:1].mul_(2)
            z.sum().backward()

        want, got = _both(run)
        assert want[0] == got[0] == "raises" and want[1] == got[1] == "RuntimeError"
        assert "modified by an in" in got[2]


def test_integer_views_change_in_place_without_a_graph() -> None:
    def run(L: Any) -> Any:
        y = L.arange(6).reshape(2, 3)
        y[0].add_(5)
        y.t()[1].mul_(2)
        y.diagonal().zero_()
        return _np(y)

    _scenario(run)


# -- PyTorch's refusals ------------------------------------------------------------------

REFUSED: dict[str, tuple[Callable[[Any], Any], str]] = {
    "view of a leaf": (lambda L: L.ones(3, requires_grad=True)[0:2].mul_(3),
                       "a view of a leaf Variable that requires grad is being used in an "
                       "in-place operation."),
    "transposed leaf": (lambda L: L.ones(2, 2, requires_grad=True).t().zero_(),
                        "a view of a leaf Variable"),
    "item of a leaf": (lambda L: L.ones(3, requires_grad=True).__setitem__(0, 5.0),
                       "a view of a leaf Variable"),
    "unbind": (lambda L: (L.ones(4, 2, requires_grad=True) * 1).unbind(0)[1].mul_(2),
               "Output 1 of Unbind is a view and is being modified inplace. This view is the "
               "output of a function that returns multiple views."),
    "split": (lambda L: (L.ones(4, 2, requires_grad=True) * 1).split(1)[2].mul_(2),
              "Output 2 of Split is a view and is being modified inplace"),
    "split sizes": (lambda L: (L.ones(4, 2, requires_grad=True) * 1).split([1, 3])[1].zero_(),
                    "Output 1 of SplitWithSizes is a view"),
    "chunk": (lambda L: (L.ones(4, 2, requires_grad=True) * 1).chunk(2)[1].add_(1),
              "Output 1 of Split is a view"),
    "view of an unbind output": (
        lambda L: (L.ones(4, 2, requires_grad=True) * 1).unbind(1)[1][1:].mul_(2),
        "is a view and is being modified inplace. This view is the output of a function that "
        "returns multiple views"),
    "unbind of a base without grad, grad value": (
        lambda L: L.ones(4).unbind(0)[0].mul_(L.ones((), requires_grad=True)),
        "This view is the output of a function that returns multiple views"),
}


def _made_under_no_grad(L: Any, leaf: bool, chain: bool) -> Any:
    a = L.ones(3, requires_grad=True)
    y = a if leaf else a * 2
    with L.no_grad():
        v = y[0:2]
    if chain:
        v = v[0:1]
    return v.mul_(3)


REFUSED.update({
    "made under no_grad": (lambda L: _made_under_no_grad(L, False, False),
                           "A view was created in no_grad mode and is being modified inplace "
                           "with grad mode enabled."),
    "made under no_grad, of a leaf": (lambda L: _made_under_no_grad(L, True, False),
                                      "A view was created in no_grad mode"),
    "a view of one made under no_grad": (lambda L: _made_under_no_grad(L, False, True),
                                         "is a view of a view which was created in no_grad "
                                         "mode and is being modified inplace"),
})


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_as_torch_refuses(case: str) -> None:
    fn, message = REFUSED[case]
    for L in (torch, tg):
        with pytest.raises(RuntimeError) as info:
            fn(L)
        assert message in str(info.value), (L.__name__, str(info.value))


def test_an_overlapping_view_is_refused_under_grad_but_not_unrecorded() -> None:
    # PyTorch lets this through with values that depend on the order of its loop; the
    # result is ill-defined, so this package refuses (a difference from PyTorch)
    y = tg.arange(4.0, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        y.unfold(0, 2, 1).mul_(3)
    c = tg.arange(4.0)
    c.unfold(0, 2, 2).mul_(3)  # no overlap, nothing recorded: fine
    np.testing.assert_array_equal(c.numpy(), [0.0, 3.0, 6.0, 9.0])


def test_an_expanded_view_cannot_be_written_unrecorded() -> None:
    for L in (torch, tg):
        y = L.ones(3)
        with pytest.raises(RuntimeError, match="more than one element of the written-to"):
            y.expand(2, 3).mul_(2)


# -- unrecorded: parameter slices updated under no_grad -----------------------------------


def test_optimiser_style_updates_of_parameter_slices() -> None:
    def run(L: Any) -> Any:
        w = L.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
        rows = w[1:]  # a view taken with grad on, used under no_grad
        with L.no_grad():
            w[0].zero_()
            w[:, 1] -= 0.5
            w.t()[2].mul_(2.0)
            w.diagonal().add_(1.0)
            rows[0, 0] = -1.0
            w[w > 20.0] = 20.0
        (w * w).sum().backward()
        return _np(w), w.is_leaf, w.requires_grad, _np(w.grad), w._version

    want, got = _both(run)
    _assert_same(want[:4], got[:4])
    assert got[4] > 0  # the version moved: graphs that saved w would refuse


def test_many_short_lived_views_do_not_pile_up_on_the_base() -> None:
    x = tg.ones(4, 4)
    for _ in range(5000):
        x[1].sum()  # each view dies at once
    assert len(x._views) < 200


def test_bases_and_views_pickle_and_copy_apart_from_the_original() -> None:
    import copy
    import pickle

    a = tg.arange(6.0, requires_grad=True)
    y = a * 1.0
    v = y[1:4]
    for clone in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        np.testing.assert_array_equal(clone.detach().numpy(), y.detach().numpy())
    v2 = pickle.loads(pickle.dumps(v))
    v2.mul_(2.0)  # its own memory now: the original is untouched
    np.testing.assert_array_equal(y.detach().numpy(), np.arange(6.0))
    np.testing.assert_array_equal(v2.detach().numpy(), [2.0, 4.0, 6.0])


@pytest.mark.parametrize("expr", [
    "x[0]", "x[1:3]", "x[0, 1:3]", "x[1:3, 0]", "x[:, 2]", "x[..., 1]", "x[None]",
    "x[[0, 1]]", "x[x > 0]", "x[0, 1]", "x[:]", "x[...]", "x[1:3, 1:2]", "x[:, None]",
    "x[::2]", "x[0, :]", "x[None, 0]", "x[0, None]", "x[0, ...]", "x[..., 0, :]",
    "x[1:3, ...]",
])
def test_indexing_nodes_have_pytorchs_names(expr: str) -> None:
    torch = pytest.importorskip("torch")
    ours = eval(expr, {"x": tg.ones(4, 5, requires_grad=True) * 1})
    theirs = eval(expr, {"x": torch.ones(4, 5, requires_grad=True) * 1})
    assert ours.grad_fn.name() == theirs.grad_fn.name()
