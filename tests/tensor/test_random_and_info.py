"""Random sampling (multinomial, bernoulli, normal, poisson, the in-place fills), seeds,
dtype limits and promotion, and the CPU metadata of a Tensor: PyTorch's contracts.

Draws are compared with PyTorch by distribution (frequencies and moments over many draws,
with tolerances of several standard errors), never by value: the streams differ."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

N = 40000  # draws per frequency check: a standard error of at most 0.0025


def _freq(samples: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(samples.ravel(), minlength=k) / samples.size


# ------------------------------------------------------------------------- multinomial


@pytest.mark.parametrize("weights", [[0.0, 1.0, 3.0, 0.0], [5.0, 1.0, 1.0, 1.0], [1.0]])
def test_multinomial_with_replacement_draws_by_weight(weights: list[float]) -> None:
    tg.manual_seed(0)
    w = np.array(weights)
    got = _freq(tg.tensor(w).multinomial(N, replacement=True).numpy(), len(w))
    np.testing.assert_allclose(got, w / w.sum(), atol=0.01)
    assert got[w == 0].sum() == 0  # a zero-weight category is never drawn


def test_multinomial_without_replacement_is_pytorchs_distribution() -> None:
    """First and second draws without replacement: frequencies match PyTorch's."""
    torch = pytest.importorskip("torch")
    w = [1.0, 2.0, 3.0, 4.0]
    tg.manual_seed(1)
    torch.manual_seed(1)
    ours = np.stack([tg.tensor(w).multinomial(2).numpy() for _ in range(6000)])
    theirs = torch.multinomial(torch.tensor(w).expand(6000, 4), 2).numpy()
    for col in range(2):
        np.testing.assert_allclose(_freq(ours[:, col], 4), _freq(theirs[:, col], 4), atol=0.03)
    assert (ours[:, 0] != ours[:, 1]).all()  # no category twice


def test_multinomial_shapes_dtypes_and_rows() -> None:
    tg.manual_seed(2)
    probs = tg.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    out = tg.multinomial(probs, 5, replacement=True)
    assert out.dtype == tg.int64 and out.shape == (2, 5)
    np.testing.assert_array_equal(out.numpy(), [[0] * 5, [2] * 5])
    perm = tg.ones(6).multinomial(6)
    assert sorted(perm.tolist()) == list(range(6))
    assert not tg.ones(3, requires_grad=True).multinomial(2).requires_grad


@pytest.mark.parametrize(("weights", "n", "kw"), [
    ([-1.0, 1.0], 1, {}), ([float("nan"), 1.0], 1, {}), ([float("inf"), 1.0], 1, {}),
    ([0.0, 0.0], 1, {}), ([1.0, 1.0], 3, {}), ([1.0, 1.0], 0, {}),
    ([[[1.0]]], 1, {}), ([1, 2], 1, {}),
])
def test_multinomial_errors_match_pytorch(weights: Any, n: int, kw: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as ref:
        torch.multinomial(torch.tensor(weights), n, **kw)
    with pytest.raises(RuntimeError) as ours:
        tg.multinomial(tg.tensor(weights), n, **kw)
    if "int" not in str(ref.value).lower():  # (the dtype message names torch's type names)
        assert str(ours.value) == str(ref.value)


def test_multinomial_follows_a_generator() -> None:
    gen = tg.Generator().manual_seed(7)
    first = tg.multinomial(tg.ones(10), 10, generator=gen).tolist()
    second = tg.multinomial(tg.ones(10), 10, generator=tg.Generator().manual_seed(7)).tolist()
    assert first == second


# ------------------------------------------------------------- bernoulli, normal, poisson


def test_bernoulli_frequencies_dtype_and_zero_gradient() -> None:
    torch = pytest.importorskip("torch")
    tg.manual_seed(3)
    p = tg.tensor(np.full(N, 0.3), requires_grad=True)
    y = tg.bernoulli(p)
    assert y.dtype == tg.float64 and abs(y.detach().numpy().mean() - 0.3) < 0.01
    assert set(np.unique(y.detach().numpy())) <= {0.0, 1.0}
    assert y.grad_fn.name() == torch.bernoulli(torch.full((1,), 0.5, requires_grad=True)
                                               ).grad_fn.name()
    y.sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), np.zeros(N))
    assert tg.ones(4).bernoulli(0.0).tolist() == [0.0] * 4
    with pytest.raises(RuntimeError, match="p_in >= 0"):
        tg.bernoulli(tg.tensor([1.5]))
    with pytest.raises(RuntimeError, match="p_in >= 0"):
        tg.zeros(2).bernoulli_(-0.1)


def test_normal_forms_shapes_dtypes_and_moments() -> None:
    torch = pytest.importorskip("torch")
    tg.manual_seed(4)
    mean = tg.zeros(N, 1, requires_grad=True)
    y = tg.normal(mean, tg.tensor([1.0, 3.0]))
    assert y.shape == tuple(torch.normal(torch.zeros(N, 1), torch.ones(2)).shape)
    np.testing.assert_allclose(y.detach().numpy().std(axis=0), [1.0, 3.0], rtol=0.03)
    y.sum().backward()  # recorded, zero gradient (PyTorch's NormalBackward)
    np.testing.assert_array_equal(mean.grad.numpy(), np.zeros((N, 1)))
    assert str(tg.normal(2.0, 0.5, size=(3, 4)).dtype) == "float32"  # as torch (default dtype)
    assert tg.normal(tg.zeros(2, dtype=tg.float64), 1.0).dtype == tg.float64
    big = tg.normal(5.0, 2.0, (N,)).numpy()
    assert abs(big.mean() - 5.0) < 0.05 and abs(big.std() - 2.0) < 0.05
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        tg.normal(tg.zeros(2), -1.0)
    with pytest.raises(TypeError, match="size"):
        tg.normal(0.0, 1.0)


def test_poisson_moments_and_errors() -> None:
    tg.manual_seed(5)
    rate = tg.full((N,), 4.0)
    y = tg.poisson(rate).numpy()
    assert y.dtype == np.float32 and abs(y.mean() - 4) < 0.05 and abs(y.var() - 4) < 0.15
    with pytest.raises(RuntimeError, match="non-negative"):
        tg.poisson(tg.tensor([-1.0]))


# ------------------------------------------------------------------ in-place fills


@pytest.mark.parametrize(("dtype", "args", "lo", "hi"), [
    ("float32", (), 0, 2 ** 24), ("float64", (), 0, 2 ** 53), ("int64", (), 0, 2 ** 63 - 1),
    ("uint8", (), 0, 255), ("bool", (), 0, 1), ("int64", (5,), 0, 4), ("float32", (2, 5), 2, 4),
    ("int32", (-3, 3), -3, 2),
])
def test_random_fill_ranges(dtype: str, args: tuple[int, ...], lo: int, hi: int) -> None:
    tg.manual_seed(6)
    x = tg.zeros(5000, dtype=dtype).random_(*args).numpy().astype(float)
    assert x.min() >= lo and x.max() <= hi
    if hi - lo < 100:  # small ranges: every value appears
        assert set(np.unique(x)) == set(range(lo, hi + 1))


def test_random_fill_errors_and_keyword_from() -> None:
    torch = pytest.importorskip("torch")
    for call in (lambda m, t: t.zeros(2).random_(5, 2),
                 lambda m, t: t.zeros(2, dtype=t.uint8).random_(-1, 2),
                 lambda m, t: t.zeros(2).geometric_(0),
                 lambda m, t: t.zeros(2).exponential_(-1)):
        with pytest.raises(RuntimeError) as ref:
            call(None, torch)
        with pytest.raises(RuntimeError) as ours:
            call(None, tg)
        assert str(ours.value).split(",")[0].split(" ")[0] == str(ref.value).split(",")[0].split(
            " ")[0]
    x = tg.zeros(1000).random_(**{"from": 7})
    assert x.numpy().min() >= 7


def test_distribution_fills_moments() -> None:
    tg.manual_seed(8)
    geo = tg.zeros(N).geometric_(0.25).numpy()
    assert geo.min() >= 1 and abs(geo.mean() - 4) < 0.1
    exp = tg.zeros(N).exponential_(2.0).numpy()
    assert exp.min() >= 0 and abs(exp.mean() - 0.5) < 0.02
    logn = tg.zeros(N, dtype=tg.float64).log_normal_(0.0, 0.5).numpy()
    assert abs(np.log(logn).mean()) < 0.02 and abs(np.log(logn).std() - 0.5) < 0.02
    cau = tg.zeros(N).cauchy_(1.0, 2.0).numpy()
    assert abs(np.median(cau) - 1.0) < 0.1  # the mean does not exist; the median is 1
    bern = tg.zeros(N, dtype=tg.int64).bernoulli_(0.75).numpy()
    assert bern.dtype == np.int64 and abs(bern.mean() - 0.75) < 0.01


def test_fills_bump_the_version_and_refuse_leaves_that_require_grad() -> None:
    w = tg.ones(3, requires_grad=True)
    y = w * w
    with pytest.raises(RuntimeError, match="leaf"):
        w.bernoulli_(0.5)
    with tg.no_grad():
        w.random_(3)
    with pytest.raises(RuntimeError):
        y.sum().backward()  # the product saved w's old value: the fill changed it


# ---------------------------------------------------------------------- seeds


def test_seeds() -> None:
    tg.manual_seed(123)
    assert tg.initial_seed() == 123 and tg.random.initial_seed() == 123
    a = tg.rand(3).tolist()
    tg.random.manual_seed(123)
    assert tg.rand(3).tolist() == a
    s = tg.seed()
    assert s == tg.initial_seed() and 0 <= s < 2 ** 63
    b = tg.rand(3).tolist()
    tg.manual_seed(s)
    assert tg.rand(3).tolist() == b


# ------------------------------------------------------------ dtype limits and rules


DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


@pytest.mark.parametrize("name", DTYPES)
def test_finfo_iinfo_match_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(tg, name), getattr(torch, name)
    if name.startswith("float"):
        a, b = tg.finfo(ours), torch.finfo(theirs)
        for key in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
            assert getattr(a, key) == getattr(b, key), key
        assert repr(a) == repr(b)
        with pytest.raises(TypeError, match="iinfo"):
            tg.iinfo(ours)
    else:
        if name == "bool":
            with pytest.raises(TypeError, match="not supported"):
                tg.iinfo(ours)
            return
        a, b = tg.iinfo(ours), torch.iinfo(theirs)
        assert (a.bits, a.max, a.min) == (b.bits, b.max, b.min)
        assert repr(a) == repr(b)
        with pytest.raises(TypeError, match="finfo"):
            tg.finfo(ours)


def test_finfo_defaults_to_the_default_dtype() -> None:
    assert tg.finfo().eps == np.finfo(np.float32).eps


@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("b", DTYPES)
def test_promote_types_and_can_cast_match_pytorch(a: str, b: str) -> None:
    torch = pytest.importorskip("torch")
    assert str(tg.promote_types(getattr(tg, a), getattr(tg, b))).removesuffix("_") == str(
        torch.promote_types(getattr(torch, a), getattr(torch, b))).removeprefix("torch.")
    assert tg.can_cast(getattr(tg, a), getattr(tg, b)) == torch.can_cast(getattr(torch, a),
                                                                        getattr(torch, b))


# ------------------------------------------------------------------ CPU metadata


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8", "bool", "float16"])
def test_metadata_matches_pytorch(dtype: str) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = tg.zeros(2, 3, dtype=dtype), torch.zeros(2, 3, dtype=getattr(torch, dtype))
    for name in ("is_cpu", "is_cuda", "is_meta", "is_sparse", "is_quantized", "nbytes",
                 "itemsize"):
        assert getattr(ours, name) == getattr(theirs, name), name
    for name in ("get_device", "is_signed", "is_inference", "is_pinned", "is_shared"):
        assert getattr(ours, name)() == getattr(theirs, name)(), name
    assert ours.is_same_size(tg.ones(2, 3)) and not ours.is_same_size(tg.ones(3, 2))
    assert ours.pin_memory() is ours and ours.share_memory_() is ours


def test_is_nonzero_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    for values in ([1.0], [0], [[True]], [2, 3], []):
        try:
            want: Any = torch.tensor(values).is_nonzero()
        except RuntimeError as e:
            with pytest.raises(RuntimeError, match=str(e).split(" with")[0]):
                tg.tensor(values).is_nonzero()
            continue
        assert tg.tensor(values).is_nonzero() == want


def test_repr_names_the_node_as_pytorch_does() -> None:
    torch = pytest.importorskip("torch")
    ours = repr(tg.ones(2, requires_grad=True) * 2)
    theirs = repr(torch.ones(2, requires_grad=True) * 2)
    assert ours.split("grad_fn=")[1] == theirs.split("grad_fn=")[1]


# ------------------------------------------------ creation functions' PyTorch forms


@pytest.mark.parametrize("call", [
    "randint(10, (3,))", "randint(2, 10, (3,))", "randint(10, size=(2,))",
    "randint(low=2, high=5, size=(2, 2))", "randint(high=5, size=(2,))",
    "randint(3, (2,), dtype={lib}.float32)", "zeros(size=(2, 3))", "ones(size=(2,))",
    "empty(size=(1, 2))", "rand(size=(2,))", "randn(size=(1, 2))", "zeros((2, 3))",
    "ones([2, 1])", "rand(2, 3)", "randperm(4)",
])
def test_creation_forms_give_pytorchs_shapes_and_dtypes(call: str) -> None:
    torch = pytest.importorskip("torch")
    names = {"tg": tg, "torch": torch}
    ours = eval("tg." + call.format(lib="tg"), names)
    theirs = eval("torch." + call.format(lib="torch"), names)
    assert ours.shape == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")


@pytest.mark.parametrize(("call", "error"), [
    ("zeros(2, size=(3,))", TypeError), ("randint(10)", TypeError),
    ("randint(5, 2, (3,))", RuntimeError),
])
def test_creation_errors_match_pytorch(call: str, error: type) -> None:
    torch = pytest.importorskip("torch")
    names = {"tg": tg, "torch": torch}
    with pytest.raises(error):
        eval("torch." + call, names)
    with pytest.raises(error):
        eval("tg." + call, names)


def test_creation_functions_follow_a_generator() -> None:
    for name, args in (("rand", (3,)), ("randn", (3,)), ("randperm", (5,)),
                       ("randint", (0, 9, (4,)))):
        fn = getattr(tg, name)
        a = fn(*args, generator=tg.Generator().manual_seed(5)).tolist()
        b = fn(*args, generator=tg.Generator().manual_seed(5)).tolist()
        assert a == b, name


def test_float_literals_with_a_float64_dtype_keep_their_precision() -> None:
    """tensor([0.3], dtype=float64) is the double 0.3, not float32's 0.30000001192..."""
    torch = pytest.importorskip("torch")
    for values in ([0.3], 0.1, [[1e-8, 2.0 / 3]]):
        ours = tg.tensor(values, dtype=tg.float64).numpy()
        theirs = torch.tensor(values, dtype=torch.float64).numpy()
        np.testing.assert_array_equal(ours, theirs)
    assert tg.tensor([0.3]).dtype == tg.float32
