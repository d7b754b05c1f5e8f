"""lgamma, digamma, polygamma (NumPy series, no SciPy) and logit, the cheap casts (byte,
char, short) and cuda(), checked against PyTorch: values at and between the poles, dtypes,
node names, errors, and gradients to second order."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

_X = [0.0, -1.0, -2.5, 1e-8, 0.5, 1.0, 30.0, -0.5, 3.3, -7.7, 123.4, 9.99, 0.03, 0.49, 0.51,
      -100.3, 1e5, float("inf"), float("nan")]


def _pair(fn: object, x: list[float], dtype: str = "float64") -> tuple[np.ndarray, np.ndarray]:
    ours = fn(tg, tg.tensor(x, dtype=getattr(tg, dtype)))  # type: ignore[operator]
    theirs = fn(torch, torch.tensor(x, dtype=getattr(torch, dtype)))  # type: ignore[operator]
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    return ours.detach().numpy(), theirs.detach().numpy()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lgamma_and_digamma_match_pytorch_at_and_between_the_poles(dtype: str) -> None:
    rtol = 1e-13 if dtype == "float64" else 1e-5  # (PyTorch computes float32 in float32)
    for fn in (lambda lib, x: lib.lgamma(x), lambda lib, x: x.digamma(),
               lambda lib, x: lib.digamma(x)):
        ours, theirs = _pair(fn, _X, dtype)
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_polygamma_matches_pytorch(n: int) -> None:
    x = [v for v in _X if v not in (-1.0, float("inf"))]  # (PyTorch's values there are noise)
    ours, theirs = _pair(lambda lib, t: lib.polygamma(n, t), x)
    # PyTorch's trigamma is good to ~5e-10; the rest agree to 1e-13
    np.testing.assert_allclose(ours, theirs, rtol=1e-9 if n == 1 else 1e-12)
    ours, theirs = _pair(lambda lib, t: t.polygamma(n), x)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9 if n == 1 else 1e-12)


def test_integer_inputs_give_the_default_float_and_the_node_names_are_pytorchs() -> None:
    assert tg.lgamma(tg.tensor([1, 2])).dtype == tg.float32
    assert tg.digamma(tg.tensor([1, 2])).dtype == tg.float32
    for lib in (tg, torch):
        x = lib.tensor([0.5, 2.0], requires_grad=True)
        names = [lib.lgamma(x).grad_fn.name(), lib.digamma(x).grad_fn.name(),
                 lib.polygamma(2, x).grad_fn.name(), lib.polygamma(0, x).grad_fn.name()]
        assert names == ["LgammaBackward0", "DigammaBackward0", "PolygammaBackward0",
                         "PolygammaBackward0"]


def test_polygamma_refuses_a_negative_order() -> None:
    for lib in (tg, torch):
        with pytest.raises(RuntimeError, match="does not support negative n"):
            lib.polygamma(-1, lib.tensor([1.0]))


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.lgamma(x), lambda lib, x: lib.digamma(x),
    lambda lib, x: lib.polygamma(2, x), lambda lib, x: lib.logit(x * 0.1 + 0.2),
    lambda lib, x: lib.logit(x * 0.3, eps=0.3),
])
def test_gradients_match_pytorch_to_second_order(fn: object) -> None:
    out = []
    for lib in (tg, torch):
        x = lib.tensor([0.4, 1.7, 2.9, -1.6], dtype=lib.float64, requires_grad=True)
        y = fn(lib, x)  # type: ignore[operator]
        (g,) = lib.autograd.grad(y.sum(), [x], create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), [x])
        out.append((y.detach().numpy(), g.detach().numpy(), gg.numpy()))
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("eps", [None, 0.0, 0.1, 0.5])
def test_logit_matches_pytorch(eps: float | None) -> None:
    x = [0.0, 0.05, 0.3, 0.5, 0.95, 1.0, -0.2, 1.3, float("nan")]
    for dtype in ("float32", "float64"):
        ours, theirs = _pair(lambda lib, t: t.logit(eps), x, dtype)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
        ours, theirs = _pair(lambda lib, t: t.clone().logit_(eps), x, dtype)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert tg.logit(tg.tensor([1, 0])).dtype == tg.float32


@pytest.mark.parametrize("name", ["byte", "char", "short"])
def test_casts_match_pytorch(name: str) -> None:
    x = [0.7, -1.5, 2.0, 300.0, -200.0]
    ours, theirs = getattr(tg.tensor(x), name)(), getattr(torch.tensor(x), name)()
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy()[:3], theirs.numpy()[:3])  # (in range)


def test_cuda_raises_as_to_cuda_does() -> None:
    x = tg.ones(2)
    with pytest.raises(RuntimeError) as via_to:
        x.to("cuda")
    with pytest.raises(RuntimeError) as via_cuda:
        x.cuda()
    assert str(via_cuda.value) == str(via_to.value)


@pytest.mark.parametrize("expr", [
    "lib.cov(x)", "lib.corrcoef(x)", "lib.cov(x, correction=0)", "lib.cov(x[0])",
    "lib.cov(x, fweights=lib.tensor([1, 2, 1, 3]), aweights=lib.tensor([0.5, 1.0, 2.0, 0.3],"
    " dtype=lib.float64))", "lib.cov(x, aweights=lib.tensor([0.5, 1.0, 2.0, 0.3],"
    " dtype=lib.float64), correction=2)", "x.cov()", "x.corrcoef()", "lib.corrcoef(x[0])",
    "lib.cov(lib.tensor([[1, 2, 4], [3, 1, 0]]))",
])
def test_cov_and_corrcoef_match_pytorch_with_gradients(expr: str) -> None:
    out = []
    for lib in (tg, torch):
        x = lib.tensor([[1.0, 2.5, 4.0, -1.0], [3.0, 1.0, 0.5, 2.0], [0.2, 0.1, -0.4, 0.9]],
                       dtype=lib.float64, requires_grad=True)
        y = eval(expr, {"lib": lib, "x": x})  # noqa: S307 - a fixed table
        g = None
        if y.requires_grad:
            (g,) = lib.autograd.grad((y * y).sum(), [x])
            g = g.numpy()
        out.append((str(y.dtype).removeprefix("torch."), y.detach().numpy(), g))
    assert out[0][0] == out[1][0]
    np.testing.assert_allclose(out[0][1], out[1][1],
                               rtol=1e-12 if out[0][0] == "float64" else 1e-6)
    if out[1][2] is not None:
        np.testing.assert_allclose(out[0][2], out[1][2], rtol=1e-10)


@pytest.mark.parametrize("kw", [
    {"fweights": "lib.tensor([1.0, 2.0, 1.0, 1.0])"}, {"fweights": "lib.tensor([1, -2, 1, 1])"},
    {"aweights": "lib.tensor([1.0, 2.0])"}, {"aweights": "lib.tensor([1.0, -2.0, 1.0, 1.0])"},
])
def test_cov_refuses_bad_weights_as_pytorch(kw: dict[str, str]) -> None:
    for lib in (tg, torch):
        args = {k: eval(v, {"lib": lib}) for k, v in kw.items()}  # noqa: S307
        with pytest.raises(RuntimeError, match="cov\\(\\)"):
            lib.cov(lib.ones(2, 4), **args)
    for lib in (tg, torch):
        with pytest.raises(RuntimeError, match="two or fewer dimensions"):
            lib.cov(lib.ones(2, 2, 2))
