"""Tensor methods PyTorch programs use that were missing (AttributeError before): ``new``,
``new_empty_strided``, ``fill_diagonal_``, ``sum_to_size``, ``swapaxes_`` / ``swapdims_``,
``put_``, ``index_reduce_``, ``renorm_``, ``mvlgamma_``, ``resize`` / ``resize_as``,
``apply_`` / ``map_`` / ``map2_``, ``unsafe_chunk`` / ``unsafe_split`` /
``unsafe_split_with_sizes``, ``is_neg`` / ``resolve_neg``, ``nonzero_static``, ``dim_order``,
``output_nr``, ``layout``, ``__dlpack__``, ``igamma(_)`` / ``igammac(_)`` and the removed
``solve`` / ``lstsq`` / ``eig`` / ``symeig``; each run on torch and on tinygrad_nn by the
same snippet and compared (values, dtypes, shapes, memory sharing, versions, gradients,
exception types)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")
from tests._torch_snippets import raises_alike, same  # noqa: E402

X = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


# -- new -------------------------------------------------------------------------------------
@pytest.mark.parametrize("form", [
    lambda m, x: x.new([1, 2]), lambda m, x: x.new((2, 3)), lambda m, x: x.new(),
    lambda m, x: x.new(2, 3).shape, lambda m, x: x.new(m.Size([2, 3])).shape,
    lambda m, x: x.long().new([1.7, -2.5]), lambda m, x: x.new(np.arange(3)),
    lambda m, x: x.new(np.int64(2)).shape, lambda m, x: x.new(x),
    lambda m, x: x.new(2, device="cpu").shape,
])
def test_new_forms(form: Any) -> None:
    same(lambda m: form(m, m.tensor(X)))


@pytest.mark.parametrize("form", [
    lambda m, x: x.new(m.tensor([1, 2])), lambda m, x: x.new(3.0), lambda m, x: x.new(True),
    lambda m, x: x.new(2, 3, dtype=m.float64), lambda m, x: x.new(-1),
    lambda m, x: x.new([1], requires_grad=True),
])
def test_new_refusals(form: Any) -> None:
    raises_alike(lambda m: form(m, m.tensor(X)))


def test_new_of_a_tensor_is_an_alias_and_new_of_an_array_shares_it() -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor(X, requires_grad=True)
        y = x.new(x)
        name = y.grad_fn.name()
        with m.no_grad():
            x.add_(1)
        a = np.zeros(3, np.float32)
        z = x.new(a)
        a[0] = 5
        return y, y._version, y._base is x, name, z

    same(snippet)


def test_new_empty_strided() -> None:
    same(lambda m: [m.tensor(X).new_empty_strided((2, 3), (1, 2)).stride(),
                    m.tensor(X).new_empty_strided((2, 3), (3, 1), dtype=m.int64).dtype,
                    m.tensor(X).new_empty_strided((2,), (1,), requires_grad=True).requires_grad])


# -- fill_diagonal_ ----------------------------------------------------------------------------
@pytest.mark.parametrize("shape, value, wrap, dtype", [
    ((3, 4), 5, False, "float32"), ((4, 3), 5, False, "float32"), ((7, 3), 5, True, "float32"),
    ((10, 3), 2.5, True, "float64"), ((7, 3), 5, False, "float32"), ((3, 3, 3), 1, False,
                                                                       "float32"),
    ((3, 3), 1.7, False, "int64"), ((3, 3), 2, False, "bool"), ((0, 3), 1, False, "float32"),
    ((6, 3), 4, True, "int32"),
])
def test_fill_diagonal_(shape: Any, value: Any, wrap: bool, dtype: str) -> None:
    def snippet(m: Any) -> Any:
        x = m.zeros(*shape, dtype=getattr(m, dtype))
        out = x.fill_diagonal_(value, wrap=wrap)
        return out is x, x, x._version

    same(snippet)
    same(lambda m: m.zeros(3, 4).fill_diagonal_(m.tensor(2.0)))


@pytest.mark.parametrize("form", [
    lambda m: m.zeros(3).fill_diagonal_(1), lambda m: m.zeros(3, 3, 2).fill_diagonal_(1),
    lambda m: m.zeros(3, 3).fill_diagonal_(m.tensor([2.0])),
    lambda m: m.zeros(3, 3).fill_diagonal_("a"),
    lambda m: m.zeros(2, 2, requires_grad=True).fill_diagonal_(1),
])
def test_fill_diagonal_refusals(form: Any) -> None:
    raises_alike(form)


def test_fill_diagonal_gradient_is_zero_on_the_diagonal() -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
        y = (x * 2).fill_diagonal_(7.0)
        (y * y).sum().backward()
        return y, x.grad

    same(snippet)


# -- sum_to_size, swapaxes_ / swapdims_ ---------------------------------------------------------
@pytest.mark.parametrize("size", [(1, 3), ((1, 3),), (3,), (1, 1), (2, 1), ([1, 3],)])
def test_sum_to_size(size: Any) -> None:
    same(lambda m: m.tensor(X).sum_to_size(*size))
    same(lambda m: m.tensor([[1, 2, 3], [4, 5, 6]]).sum_to_size(*size))
    same(lambda m: m.ones(2, 3, dtype=m.bool).sum_to_size(*size))


def test_sum_to_size_same_shape_is_self_and_gradient() -> None:
    same(lambda m: (lambda x: x.sum_to_size(2, 3) is x)(m.tensor(X)))
    same(lambda m: m.tensor(X).sum_to_size(m.Size([1, 3])))
    x = tg.tensor(np.random.default_rng(0).normal(size=(2, 3)), requires_grad=True)
    assert gradcheck(lambda t: t.sum_to_size(1, 3), (x,))
    assert gradgradcheck(lambda t: t.sum_to_size(2, 1), (x,))


@pytest.mark.parametrize("form", [lambda x: x.sum_to_size(4), lambda x: x.sum_to_size(1, 2, 3),
                                  lambda x: x.sum_to_size()])
def test_sum_to_size_refusals(form: Any) -> None:
    raises_alike(lambda m: form(m.tensor(X)))


@pytest.mark.parametrize("name", ["swapaxes_", "swapdims_"])
def test_swapaxes_in_place(name: str) -> None:
    def snippet(m: Any) -> Any:
        y = m.tensor(X).clone()
        out = getattr(y, name)(0, 1)
        return out is y, y, y._version, y.is_contiguous(), y.stride()

    same(snippet)

    def graph(m: Any) -> Any:
        x = m.tensor(X, requires_grad=True)
        y = x * 1
        getattr(y, name)(1, 0)
        (y * m.arange(2.0)).sum().backward()
        return x.grad

    same(graph)


# -- put_, index_reduce_, renorm_, mvlgamma_ -----------------------------------------------------
def test_put_() -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor(X)
        out = x.put_(m.tensor([0, -1]), m.tensor([9.0, 8.0]))
        y = m.tensor(X).put_(m.tensor([0, 0]), m.tensor([9.0, 8.0]), accumulate=True)
        return out is x, x, x._version, y, m.put(m.tensor(X), m.tensor([1]), m.tensor([7.0]))

    same(snippet)


@pytest.mark.parametrize("form", [
    lambda m, x: x.put_(m.tensor([0, 5]), m.tensor([9, 8])),
    lambda m, x: x.put_(m.tensor([0.0, 5]), m.tensor([9.0, 8])),
    lambda m, x: x.put_(m.tensor([0, 6]), m.tensor([9.0, 8])),
    lambda m, x: x.put(m.tensor([0, 5]), m.tensor([9, 8])),
])
def test_put_refusals(form: Any) -> None:
    raises_alike(lambda m: form(m, m.tensor(X)))


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_(reduce: str, include_self: bool) -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0], [0.5, 1.5, 2.5]])
        src = m.tensor([[2.0, 3.0, -1.0], [0.5, -4.0, 2.0]])
        out = x.index_reduce_(0, m.tensor([2, 0]), src, reduce, include_self=include_self)
        xi = m.tensor([[1, 2], [3, 4]])
        xi.index_reduce_(1, m.tensor([1, 1]), m.tensor([[5, 7], [2, 9]]), reduce,
                         include_self=include_self)
        return out is x, x, x._version, xi

    same(snippet)


def test_index_reduce_refusals() -> None:
    raises_alike(lambda m: m.tensor(X).index_reduce_(0, m.tensor([0, 0]),
                                                     m.ones(2, 3, dtype=m.float64), "amax"))
    raises_alike(lambda m: m.tensor(X).index_reduce_(0, m.tensor([0, 0]), m.ones(2, 3), "sum"))
    for index in ([0.0], [2], [-1]):
        raises_alike(lambda m, i=index: m.tensor(X).index_reduce_(0, m.tensor(i), m.ones(1, 3),
                                                                  "amin"))
    same(lambda m: m.tensor(X).index_reduce_(0, m.tensor([1], dtype=m.int32), m.zeros(1, 3),
                                             "amin"))


def test_renorm_and_mvlgamma_in_place() -> None:
    def snippet(m: Any) -> Any:
        x, y = m.tensor(X), m.tensor(X) + 3
        return x.renorm_(2, 0, 1) is x, x, x._version, y.mvlgamma_(2), y._version

    same(snippet)
    raises_alike(lambda m: m.arange(6).reshape(2, 3).renorm_(2, 0, 1))
    raises_alike(lambda m: m.tensor([0.5, 3.0]).renorm_(2, 0, 1))  # (2-D at least)
    raises_alike(lambda m: m.tensor(0.5).renorm(2, 0, 1))
    raises_alike(lambda m: m.ones(2, 3).renorm(2, 2, 1))
    raises_alike(lambda m: m.arange(6).reshape(2, 3).mvlgamma_(1))


# -- resize / resize_as (deprecated) ------------------------------------------------------------
def test_resize_and_resize_as_warn_and_reshape() -> None:
    for form in (lambda x: x.resize(3, 2), lambda x: x.resize_as(tg.zeros(6))):
        with pytest.warns(UserWarning, match="non-inplace resize"):
            form(tg.tensor(X))
    same(lambda m: m.tensor(X).resize(3, 2))
    same(lambda m: m.tensor(X).resize_as(m.zeros(6)))
    same(lambda m: (lambda x: x.resize(6).data_ptr() == x.data_ptr())(m.tensor(X)))

    def graph(m: Any) -> Any:
        x = m.tensor(X, requires_grad=True)
        (x.resize(3, 2) * m.tensor([1.0, 2.0])).sum().backward()
        return x.grad

    same(graph)


@pytest.mark.parametrize("form", [lambda x: x.resize(4, 2), lambda x: x.resize((3, 2)),
                                  lambda x: x.resize(6.0),
                                  lambda x: x.resize_as(x.new(4))])
def test_resize_refusals(form: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_alike(lambda m: form(m.tensor(X)))


# -- apply_, map_, map2_ --------------------------------------------------------------------
def test_apply_and_map() -> None:
    def snippet(m: Any) -> Any:
        z = m.tensor(X)
        out = z.apply_(lambda v: v * 2)
        w = m.tensor(X).t()
        w.apply_(lambda v: v + 1)  # (a non-contiguous view: written through)
        a = m.tensor(X).map_(m.ones(3), lambda a, b: a + b)
        b = m.tensor(X).map2_(m.ones(3), m.ones(2, 1) * 2, lambda a, b, c: a * b + c)
        return (out is z, z, z._version, w, a, b, m.arange(3).apply_(lambda v: v * 1.5),
                m.tensor([1, 2], dtype=m.uint8).apply_(lambda v: v - 3),
                m.ones(2, dtype=m.bool).apply_(lambda v: 2),
                m.ones(2, dtype=m.int64).apply_(lambda v: m.tensor(4)))

    same(snippet)


@pytest.mark.parametrize("form", [
    lambda m: m.ones(2, requires_grad=True).apply_(lambda v: v),
    lambda m: (m.ones(2, requires_grad=True) * 1).apply_(lambda v: v),
    lambda m: m.ones(2).apply_(lambda v: "a"), lambda m: m.arange(2).apply_(lambda v: "a"),
    lambda m: m.ones(2, 3).map_(m.ones(3, dtype=m.int64), lambda a, b: a),
    lambda m: m.ones(2, 3).map_(m.ones(4), lambda a, b: a),
    lambda m: m.ones(2, 3).map_(m.ones(3, requires_grad=True), lambda a, b: a),
    lambda m: m.ones(3, dtype=m.int32).apply_(lambda v: 2 ** 40),
])
def test_apply_and_map_refusals(form: Any) -> None:
    raises_alike(form)


# -- unsafe_* splits ----------------------------------------------------------------------------
def test_unsafe_splits() -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor(X)
        pieces = x.unsafe_chunk(2, 1)
        return (pieces, x.unsafe_split(2, 1), x.unsafe_split_with_sizes([1, 2], 1),
                m.unsafe_chunk(x, 2), m.unsafe_split(x, 1), m.unsafe_split_with_sizes(x, [1, 1]),
                pieces[0]._base is None, pieces[0].data_ptr() == x.data_ptr())

    same(snippet)
    raises_alike(lambda m: m.tensor(X).unsafe_split([1, 2], 1))
    raises_alike(lambda m: m.tensor(X).unsafe_split_with_sizes([1, 1], 1))


def test_unsafe_split_pieces_may_change_in_place_under_grad() -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor(X, requires_grad=True)
        a, b = x.clone().unsafe_split(1)
        name = a.grad_fn.name()
        a.mul_(2)  # (split's views refuse this; the unsafe pieces are not views)
        (a.sum() + (b * b).sum()).backward()
        return name, x.grad

    same(snippet)
    raises_alike(lambda m: m.tensor(X, requires_grad=True).clone().split(1)[0].mul_(2))


# -- metadata: is_neg / resolve_neg, nonzero_static, dim_order, output_nr, layout ----------------
def test_negation_bit_and_layout() -> None:
    same(lambda m: (lambda x: [x.is_neg(), x.resolve_neg() is x, m.is_neg(x),
                               m.resolve_neg(x) is x, x.layout == m.strided,
                               x.t().layout == m.strided])(m.ones(2, 3)))
    assert repr(tg.strided) == "tinygrad_nn.strided" and tg.strided != tg.sparse_coo
    with pytest.raises(TypeError):
        tg.layout()


@pytest.mark.parametrize("values, size, fill", [
    ([0, 1, 0, 2], 5, -1), ([0, 1, 0, 2], 1, 7), ([[0, 1], [2, 0]], 3, -1), (3, 2, -1),
    ([0.0, 1.5], 2, 9),
])
def test_nonzero_static(values: Any, size: int, fill: int) -> None:
    same(lambda m: m.tensor(values).nonzero_static(size=size, fill_value=fill))
    same(lambda m: m.nonzero_static(m.tensor(values), size=size))


def test_nonzero_static_refusals() -> None:
    raises_alike(lambda m: m.tensor([1]).nonzero_static(size=-1))
    raises_alike(lambda m: m.tensor([1]).nonzero_static(size=True))
    raises_alike(lambda m: m.tensor([1]).nonzero_static(2))


@pytest.mark.parametrize("make", [
    lambda m: m.zeros(2, 3, 4), lambda m: m.zeros(2, 3, 4).permute(2, 0, 1),
    lambda m: m.zeros(2, 3, 4).transpose(1, 2), lambda m: m.zeros(2, 3, 4)[:, :, ::2],
    lambda m: m.zeros(()), lambda m: m.zeros(5), lambda m: m.zeros(3, 4).t(),
    lambda m: m.zeros(2, 3).expand(4, 2, 3), lambda m: m.zeros(3, 4, 5).permute(1, 2, 0),
])
def test_dim_order(make: Any) -> None:
    same(lambda m: make(m).dim_order())


def test_dim_order_ambiguity() -> None:
    raises_alike(lambda m: m.zeros(2, 1, 3).dim_order(ambiguity_check=True))
    raises_alike(lambda m: m.zeros(2, 3).dim_order(ambiguity_check="no"))
    same(lambda m: m.zeros(2, 3).dim_order(ambiguity_check=True))


def test_output_nr() -> None:
    def snippet(m: Any) -> Any:
        x = m.zeros(3, 2, requires_grad=True)
        a, b, c = (x * 1).unbind()
        return (x.output_nr, a.output_nr, c.output_nr, (x * 1).split(1)[2].output_nr,
                m.zeros(2, 3).chunk(2)[1].output_nr, (x * 2).output_nr)

    same(snippet)


def test_dlpack_round_trips() -> None:
    t = tg.arange(4.0)
    for back in (np.from_dlpack(t), torch.from_dlpack(t).numpy()):
        back[0] = 7.0  # shared memory
    assert t.tolist() == [7.0, 1.0, 2.0, 3.0]
    assert tuple(t.__dlpack_device__()) == tuple(int(v) for v in torch.ones(1).__dlpack_device__())
    raises_alike(lambda m: m.ones(2, requires_grad=True).__dlpack__())


# -- igamma / igammac ---------------------------------------------------------------------------
A = [0.5, 1.0, 2.0, 3.0, 20.0, 0.01, 7.5]
XS = [0.2, 1.0, 2.5, 0.0, 18.0, 3.0, 30.0]


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_igamma_values_against_torch(name: str) -> None:
    ta, tx = torch.tensor(A, dtype=torch.float64), torch.tensor(XS, dtype=torch.float64)
    want = getattr(ta, name)(tx).numpy()
    got = getattr(tg.tensor(A, dtype=tg.float64), name)(tg.tensor(XS, dtype=tg.float64))
    assert got.dtype == tg.float64
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-8, atol=1e-12)  # (torch's own error)
    same(lambda m: getattr(m.tensor([[1.0], [2.0]]), name)(m.tensor([0.5, 1.0, 4.0])))
    same(lambda m: getattr(m.tensor([1.0, 2.0]), name)(m.tensor([1, 2])))
    special = ([-1.0, 0, 0, 1, float("inf"), 1, float("inf"), float("nan")],
               [1.0, 0, 1, -1, 1, float("inf"), float("inf"), 1.0])
    same(lambda m: getattr(m.tensor(special[0]), name)(m.tensor(special[1])))


@pytest.mark.parametrize("name", ["igamma_", "igammac_"])
def test_igamma_in_place(name: str) -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor([1.0, 2.0])
        return getattr(x, name)(m.tensor([1.0, 3.0])) is x, x, x._version

    same(snippet)
    same(lambda m: getattr(m.tensor([1.0, 2]), name)(m.tensor([1.0, 2], dtype=m.float64)))


def test_igamma_gradients() -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor(XS[:3], dtype=m.float64, requires_grad=True)
        a = m.tensor(A[:3], dtype=m.float64)
        (m.igamma(a, x).sum() + 2 * m.igammac(a, x).sum()).backward()
        return x.grad, m.igamma(a, x).grad_fn.name(), m.igammac(a, x).grad_fn.name()

    same(snippet)
    a = tg.tensor([0.5, 2.0, 3.0], dtype=tg.float64)
    x = tg.tensor([0.7, 1.5, 2.5], dtype=tg.float64, requires_grad=True)
    assert gradcheck(lambda t: a.igamma(t), (x,))
    assert gradgradcheck(lambda t: a.igammac(t), (x,))

    def wrt_a(m: Any) -> Any:
        m.igamma(m.tensor([1.0, 2.0], requires_grad=True), m.tensor([1.0, 2.0])).sum().backward()

    raises_alike(wrt_a)


@pytest.mark.parametrize("form", [
    lambda m: m.igamma(m.tensor([1, 2]), m.tensor([1, 2])),
    lambda m: m.igamma(m.tensor([1.0, 2]), 2.0),
    lambda m: m.tensor([1.0, 2]).igammac(3),
    lambda m: m.ones(2, 3).igamma(m.ones(4)),
])
def test_igamma_refusals(form: Any) -> None:
    raises_alike(form)


# -- the removed linear-algebra methods ---------------------------------------------------------
@pytest.mark.parametrize("form", [lambda a: a.solve(a), lambda a: a.lstsq(a), lambda a: a.eig(),
                                  lambda a: a.symeig(), lambda a: a.eig(True)])
def test_removed_linalg_methods_raise_as_torch(form: Any) -> None:
    with pytest.raises(RuntimeError) as want:
        form(torch.eye(2))
    with pytest.raises(RuntimeError) as got:
        form(tg.eye(2))
    assert str(got.value) == str(want.value)


# -- backend flags and removed Variable API (session 15) ----------------------------------
@pytest.mark.parametrize("name", ["is_xla", "is_ipu", "is_maia", "is_mtia", "is_mkldnn",
                                  "is_vulkan", "is_sparse_csr"])
def test_backend_flags_are_false_as_on_a_cpu_tensor(name: str) -> None:
    same(lambda m: getattr(m.tensor(X), name))


def test_is_distributed_and_const_data_ptr() -> None:
    same(lambda m: m.tensor(X).is_distributed())
    for m in (torch, tg):
        x = m.tensor(X)
        assert x.const_data_ptr() == x.data_ptr() and x[1:].const_data_ptr() == x[1].data_ptr()


def test_volatile_reads_false_and_writes_nothing_with_torchs_warnings() -> None:
    def warned(m: Any, write: bool) -> tuple[Any, list[Any]]:
        x = m.tensor(X)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            if write:
                x.volatile = True
                got = x.requires_grad
            else:
                got = x.volatile
        return got, [(i.category, str(i.message)) for i in w]
    for write in (False, True):
        assert warned(tg, write) == warned(torch, write)


def test_reinforce_raises_as_removed() -> None:
    raises_alike(lambda m: m.tensor(X).reinforce(m.tensor(1.0)))
