"""Top-level PyTorch names programs use that were missing (AttributeError before):
``randint_like``, ``range``, ``fill``, ``frombuffer``, ``from_dlpack`` / ``to_dlpack``,
``binomial``, ``gradient``, ``histogramdd``, ``set_default_tensor_type``, ``resize_as_``,
``layout`` / ``strided`` / ``sparse_coo``, and the removed ``solve`` / ``lstsq`` / ``eig`` /
``symeig`` / ``matrix_rank`` (which raise PyTorch's RuntimeError); each against torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")
from tests._torch_snippets import raises_alike, same  # noqa: E402


# -- randint_like -------------------------------------------------------------------------------
@pytest.mark.parametrize("args, kwargs", [((5,), {}), ((2, 5), {}), ((), {"high": 5}),
                                          ((3,), {"dtype": "int32"}), ((1, 4), {"dtype": "int64"})])
def test_randint_like(args: Any, kwargs: dict[str, Any]) -> None:
    def snippet(m: Any) -> Any:
        kw = {k: getattr(m, v) if k == "dtype" else v for k, v in kwargs.items()}
        r = m.randint_like(m.zeros(200, 3), *args, **kw)
        lo, hi = (0, args[0]) if len(args) == 1 else args if args else (0, kwargs["high"])
        return r.dtype, tuple(r.shape), bool(((r >= lo) & (r < hi)).all()), r.requires_grad

    same(snippet)
    same(lambda m: m.randint_like(m.zeros(2), 5, requires_grad=True).requires_grad)


@pytest.mark.parametrize("args", [(0,), (5, 2)])
def test_randint_like_refusals(args: Any) -> None:
    raises_alike(lambda m: m.randint_like(m.zeros(2, 3), *args))


# -- range (deprecated, end-inclusive) ----------------------------------------------------------
@pytest.mark.parametrize("args, kwargs", [
    ((1, 4), {}), ((1, 4, 0.5), {}), ((0, 1, 0.3), {}), ((1, 4), {"dtype": "int64"}),
    ((4, 1, -1), {}), ((1, 4.5), {}), ((0, 1, 0.1), {"dtype": "float64"}),
    ((-2, 3, 2), {"dtype": "int32"}),
])
def test_range(args: Any, kwargs: dict[str, Any]) -> None:
    same(lambda m: m.range(*args, **{k: getattr(m, v) for k, v in kwargs.items()}))
    with pytest.warns(UserWarning, match="range is deprecated"):
        tg.range(*args, **{k: getattr(tg, v) for k, v in kwargs.items()})


@pytest.mark.parametrize("args", [(4, 1), (1, 4, 0), (0, float("inf")), (5,)])
def test_range_refusals(args: Any) -> None:
    raises_alike(lambda m: m.range(*args))


# -- fill ---------------------------------------------------------------------------------------
def test_fill() -> None:
    same(lambda m: [m.fill(m.zeros(2, 3), 2), m.fill(m.zeros(2), m.tensor(2.0)),
                    m.fill(m.zeros(2, dtype=m.int64), 2.5)])

    def graph(m: Any) -> Any:
        x = m.ones(2, requires_grad=True)
        y = m.fill(x * 3, 2.0)
        (y * x).sum().backward()
        return y, x.grad, x

    same(graph)
    raises_alike(lambda m: m.fill(m.zeros(2), m.tensor([2.0])))


# -- frombuffer, from_dlpack / to_dlpack ---------------------------------------------------------
def test_frombuffer_shares_the_buffer() -> None:
    def snippet(m: Any) -> Any:
        b = bytearray(np.arange(4, dtype=np.float32).tobytes())
        t = m.frombuffer(b, dtype=m.float32)
        part = m.frombuffer(b, dtype=m.int16, count=3, offset=2)
        b[0:4] = np.float32(9).tobytes()
        return t, part, m.frombuffer(b, dtype=m.float32, requires_grad=True).requires_grad

    same(snippet)
    with pytest.warns(UserWarning, match="not writable"):
        assert tg.frombuffer(bytes(8), dtype=tg.float32).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("form", [
    lambda m, b: m.frombuffer(b), lambda m, b: m.frombuffer(b, dtype=m.float32, count=5),
    lambda m, b: m.frombuffer(bytearray(0), dtype=m.float32),
    lambda m, b: m.frombuffer(b, dtype=m.float32, offset=16),
    lambda m, b: m.frombuffer(b, dtype=m.float32, offset=2),
])
def test_frombuffer_refusals(form: Any) -> None:
    raises_alike(lambda m: form(m, bytearray(16)))


def test_dlpack_exchange_shares_memory() -> None:
    a = np.arange(3.0)
    t = tg.from_dlpack(a)
    a[0] = 7.0
    assert t.tolist() == [7.0, 1.0, 2.0] and t.dtype == tg.float64
    src = torch.arange(3.0)
    u = tg.from_dlpack(src)
    src[1] = 5.0
    assert u.tolist() == [0.0, 5.0, 2.0] and u.dtype == tg.float32
    same(lambda m: m.from_dlpack(m.to_dlpack(m.arange(4))))
    mine = tg.arange(3.0)
    back = torch.from_dlpack(tg.to_dlpack(mine))
    back[2] = 9.0
    assert mine.tolist() == [0.0, 1.0, 9.0]
    assert tg.from_dlpack(torch.to_dlpack(torch.ones(2))).tolist() == [1.0, 1.0]


# -- binomial -----------------------------------------------------------------------------------
def test_binomial() -> None:
    def snippet(m: Any) -> Any:
        n, p = m.full((2000,), 10.0), m.full((2000,), 0.3)
        r = m.binomial(n, p)
        edges = m.binomial(m.tensor([5.0, 3.0]), m.tensor([1.0, 0.0]))
        return (r.dtype, tuple(r.shape), bool(((r >= 0) & (r <= 10)).all()),
                bool(r.eq(r.round()).all()), abs(r.mean().item() - 3.0) < 0.3, edges,
                m.binomial(m.tensor([5.0, 3.0], dtype=m.float64), m.tensor([0.5],
                                                                       dtype=m.float64)).shape)

    same(snippet)
    raises_alike(lambda m: m.binomial(m.tensor([5, 10]), m.tensor([0.5, 0.1])))

    def graph(m: Any) -> Any:
        r = m.binomial(m.tensor([5.0, 10.0], requires_grad=True), m.tensor([0.5, 0.1]))
        return r.requires_grad, r.grad_fn.name()

    same(graph)
    raises_alike(lambda m: m.binomial(m.tensor([5.0], requires_grad=True),
                                      m.tensor([0.5])).sum().backward())
    raises_alike(lambda m: m.binomial(m.tensor([5.0]), m.tensor([0.5], dtype=m.float64)))


# -- gradient -----------------------------------------------------------------------------------
F4 = [1.0, 2.0, 4.0, 8.0, 9.0]


@pytest.mark.parametrize("kwargs", [
    {}, {"spacing": 2.0}, {"spacing": 2}, {"spacing": [2.0]}, {"edge_order": 2},
    {"spacing": "coords"}, {"spacing": "coords", "edge_order": 2}, {"spacing": "tensor"},
])
def test_gradient_1d(kwargs: dict[str, Any]) -> None:
    def snippet(m: Any) -> Any:
        kw = dict(kwargs)
        if kw.get("spacing") == "coords":
            kw["spacing"] = (m.tensor([0.0, 1.0, 3.0, 4.0, 6.5]),)
        elif kw.get("spacing") == "tensor":
            kw["spacing"] = m.tensor(0.5)
        return [m.gradient(m.tensor(F4), **kw), m.gradient(m.tensor([1, 2, 4, 8, 9]), **kw)]

    same(snippet)


@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": (0, 2)}, {"dim": -1, "spacing": [3.0]},
                                    {"spacing": [1.0, 2.0, 0.5], "edge_order": 2}])
def test_gradient_nd_and_float64(kwargs: dict[str, Any]) -> None:
    values = np.random.default_rng(0).normal(size=(3, 4, 5))
    same(lambda m: m.gradient(m.tensor(values), **kwargs))
    same(lambda m: m.gradient(m.tensor(values, dtype=m.float32), **kwargs))


def test_gradient_is_differentiable() -> None:
    def snippet(m: Any) -> Any:
        x = m.tensor(F4, requires_grad=True)
        (g,) = m.gradient(x, spacing=(m.tensor([0.0, 1.0, 3.0, 4.0, 6.5]),), edge_order=2)
        (g * m.arange(5.0)).sum().backward()
        return g, x.grad

    same(snippet)
    x = tg.tensor(np.random.default_rng(1).normal(size=(3, 4)), requires_grad=True)
    assert gradcheck(lambda t: tg.gradient(t, edge_order=2)[1], (x,))
    assert gradgradcheck(lambda t: tg.gradient(t)[0], (x,))


@pytest.mark.parametrize("form", [
    lambda m: m.gradient(m.tensor([1.0, 2.0]), edge_order=2),
    lambda m: m.gradient(m.tensor(F4), edge_order=3),
    lambda m: m.gradient(m.ones(3, 3), spacing=[1.0, 2.0, 3.0]),
    lambda m: m.gradient(m.ones(3, 4), dim=2), lambda m: m.gradient(m.ones(3, 4), dim=[0, 0]),
    lambda m: m.gradient(m.ones(3, 4), spacing=[m.tensor(2.0), m.tensor(3.0)]),
    lambda m: m.gradient(m.ones(3, 4), spacing=[m.tensor([0.0, 1, 3]), 1.0]),
])
def test_gradient_refusals(form: Any) -> None:
    raises_alike(form)


# -- histogramdd --------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [
    {"bins": [3, 3]}, {"bins": 2, "range": [0.0, 1.0, 0.0, 2.0], "density": True},
    {"bins": [3, 3], "weight": "w"}, {"bins": "edges"}, {"bins": 4},
])
def test_histogramdd(kwargs: dict[str, Any]) -> None:
    points = [[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.5, 1.5]]

    def snippet(m: Any) -> Any:
        kw = dict(kwargs)
        if kw.get("weight") == "w":
            kw["weight"] = m.tensor([1.0, 2.0, 4.0, 8.0, 3.0])
        if kw.get("bins") == "edges":
            kw["bins"] = [m.tensor([0.0, 1.0, 3.0]), m.tensor([-1.0, 0.5, 1.0, 2.5])]
        hist, edges = m.histogramdd(m.tensor(points), **kw)
        return hist, list(edges)

    same(snippet)
    raises_alike(lambda m: m.histogramdd(m.tensor([[0, 1], [1, 0]]), bins=2))


@pytest.mark.parametrize("form", [
    lambda m, x: m.histogramdd(x[0], bins=2), lambda m, x: m.histogramdd(x, bins=[2, 3, 4]),
    lambda m, x: m.histogramdd(x, bins=2, weight=m.tensor([1.0, 2.0, 3.0])),
    lambda m, x: m.histogramdd(x, bins=2, range=[0.0, 1.0]),
    lambda m, x: m.histogramdd(x, bins=[m.tensor([0.0, 1.0])]),
])
def test_histogramdd_refusals(form: Any) -> None:
    raises_alike(lambda m: form(m, m.tensor([[0.0, 1.0], [1.0, 0.0]])))


# -- set_default_tensor_type ----------------------------------------------------------------------
def test_set_default_tensor_type() -> None:
    try:
        same(lambda m: (m.set_default_tensor_type(m.DoubleTensor), m.get_default_dtype(),
                        m.tensor([1.0]).dtype)[1:])
        same(lambda m: (m.set_default_tensor_type("torch.FloatTensor"),
                        m.get_default_dtype())[1:])
        with pytest.warns(UserWarning, match="set_default_tensor_type"):
            tg.set_default_tensor_type(tg.FloatTensor)
        raises_alike(lambda m: m.set_default_tensor_type(m.LongTensor))
        raises_alike(lambda m: m.set_default_tensor_type(m.float64))
        raises_alike(lambda m: m.set_default_tensor_type("foo"))
    finally:
        torch.set_default_dtype(torch.float32)
        tg.set_default_dtype(tg.float32)


# -- function forms, layouts ----------------------------------------------------------------------
def test_function_forms() -> None:
    def snippet(m: Any) -> Any:
        x = m.arange(6.0)
        out = m.resize_as_(x, m.zeros(2, 3))
        return (out is x, x, m.index_reduce(m.ones(3), 0, m.tensor([0, 0]), m.tensor([2.0, 3.0]),
                                            "prod"),
                m.put(m.zeros(4), m.tensor([1, 3]), m.tensor([5.0, 6.0])),
                m.zeros(2).layout == m.strided, m.strided == m.sparse_coo)

    same(snippet)


@pytest.mark.parametrize("name", ["solve", "lstsq", "eig", "symeig", "matrix_rank"])
def test_removed_linalg_functions_raise_as_torch(name: str) -> None:
    with pytest.raises(RuntimeError) as want:
        getattr(torch, name)(torch.eye(2), torch.eye(2)) if name in ("solve", "lstsq") else \
            getattr(torch, name)(torch.eye(2))
    with pytest.raises(RuntimeError) as got:
        getattr(tg, name)(tg.eye(2))
    assert str(got.value) == str(want.value)
