"""AdaptiveMaxPool1d/2d/3d and F.adaptive_max_pool{1,2,3}d (+ ``_with_indices``) against
PyTorch: values, indices, first and second derivatives, ties, NaNs, unbatched input, None in
output_size, repr and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CASES = [
    (1, (2, 3, 7), 3), (1, (3, 7), (5,)), (1, (2, 2, 4), 9), (1, (1, 2, 5), 1),
    (2, (2, 3, 5, 6), (2, None)), (2, (3, 5, 6), 4), (2, (1, 2, 3, 3), 7), (2, (2, 7, 5), (3, 2)),
    (3, (2, 2, 3, 4, 5), (2, None, 3)), (3, (2, 3, 4, 5), 2), (3, (1, 1, 2, 3, 4), (3, 5, 1)),
]


def _pair(nd: int) -> tuple[Any, Any]:
    return getattr(F, f"adaptive_max_pool{nd}d"), getattr(TF, f"adaptive_max_pool{nd}d")


def _draw(shape: tuple[int, ...], seed: int = 0, ties: bool = True) -> np.ndarray:
    a = np.random.default_rng(seed).standard_normal(shape)
    if ties and a.size > 2:
        a.flat[::3] = a.flat[1]  # many ties: the first maximum wins in both
    return a


@pytest.mark.parametrize(("nd", "shape", "out"), CASES, ids=[str(c) for c in CASES])
def test_values_indices_and_gradients_match_pytorch(nd: int, shape: tuple[int, ...],
                                                    out: Any) -> None:
    f, tf = _pair(nd)
    a = _draw(shape)
    x, xt = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (y, i), (yt, it) = f(x, out, return_indices=True), tf(xt, out, return_indices=True)
    assert y.shape == tuple(yt.shape) and i.dtype == tg.int64
    np.testing.assert_array_equal(y.detach().numpy(), yt.detach().numpy())
    np.testing.assert_array_equal(i.numpy(), it.numpy())
    g = np.random.default_rng(1).standard_normal(y.shape)
    (gx,) = tg.autograd.grad((y * tg.tensor(g)).sum(), x, create_graph=True)
    (gxt,) = torch.autograd.grad((yt * torch.tensor(g)).sum(), xt, create_graph=True)
    np.testing.assert_allclose(gx.detach().numpy(), gxt.detach().numpy(), rtol=1e-12)
    # second order: d/dx of <gx, v> is zero (the gradient is piecewise constant in x), and
    # the double backward to the incoming gradient is a gather, checked through grad of g
    v = np.random.default_rng(2).standard_normal(shape)
    gg = tg.tensor(g, requires_grad=True)
    ggt = torch.tensor(g, requires_grad=True)
    (gx,) = tg.autograd.grad((f(x, out) * gg).sum(), x, create_graph=True)
    (gxt,) = torch.autograd.grad((tf(xt, out) * ggt).sum(), xt, create_graph=True)
    (d,) = tg.autograd.grad((gx * tg.tensor(v)).sum(), gg)
    (dt,) = torch.autograd.grad((gxt * torch.tensor(v)).sum(), ggt)
    np.testing.assert_allclose(d.numpy(), dt.numpy(), rtol=1e-12)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_nan_picks_the_last_nan_and_with_indices_forms(nd: int) -> None:
    f, tf = _pair(nd)
    shape = (2, 3) + (5,) * nd
    a = _draw(shape, seed=3, ties=False)
    a.flat[::4] = np.nan
    a.flat[1::7] = np.nan
    (y, i), (yt, it) = f(tg.tensor(a), 2, True), tf(torch.tensor(a), 2, True)
    np.testing.assert_array_equal(i.numpy(), it.numpy())
    np.testing.assert_array_equal(y.numpy(), yt.numpy())  # NaN == NaN for this check
    wi = getattr(F, f"adaptive_max_pool{nd}d_with_indices")(tg.tensor(a), 2)
    assert isinstance(wi, tuple) and np.array_equal(wi[1].numpy(), it.numpy())


def test_float32_and_float16_keep_their_dtype() -> None:
    a = _draw((2, 3, 4, 5))
    for dt, tdt in [(tg.float32, torch.float32), (tg.float16, torch.float16)]:
        y = F.adaptive_max_pool2d(tg.tensor(a).to(dt), (2, 3))
        yt = TF.adaptive_max_pool2d(torch.tensor(a).to(tdt), (2, 3))
        assert y.dtype == dt
        np.testing.assert_array_equal(y.numpy(), yt.numpy())


def test_empty_batch_and_empty_output_size() -> None:
    y = F.adaptive_max_pool3d(tg.zeros(0, 2, 3, 4, 5), 2)
    assert y.shape == (0, 2, 2, 2, 2)
    y, i = F.adaptive_max_pool2d(tg.zeros(1, 2, 3, 3), (0, 2), return_indices=True)
    assert y.shape == i.shape == (1, 2, 0, 2)
    assert F.adaptive_max_pool1d(tg.zeros(1, 2, 5), 0).shape == (1, 2, 0)


@pytest.mark.parametrize(("name", "kw"), [
    ("AdaptiveMaxPool1d", dict(output_size=3)),
    ("AdaptiveMaxPool1d", dict(output_size=(4,), return_indices=True)),
    ("AdaptiveMaxPool2d", dict(output_size=(None, 3))),
    ("AdaptiveMaxPool2d", dict(output_size=2, return_indices=True)),
    ("AdaptiveMaxPool3d", dict(output_size=(2, None, 3), return_indices=True)),
])
@pytest.mark.parametrize("unbatched", [False, True])
def test_modules_match_pytorch(name: str, kw: dict[str, Any], unbatched: bool) -> None:
    nd = int(name[-2])
    a = _draw((2, 3) + (5, 6, 4)[:nd])
    a = a[0] if unbatched else a
    ours, theirs = getattr(tg.nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(ours) == repr(theirs)
    assert ours.output_size == theirs.output_size
    assert ours.return_indices == theirs.return_indices
    yo, yt = ours(tg.tensor(a)), theirs(torch.tensor(a))
    if kw.get("return_indices"):
        np.testing.assert_array_equal(yo[1].numpy(), yt[1].numpy())
        yo, yt = yo[0], yt[0]
    np.testing.assert_array_equal(yo.numpy(), yt.numpy())


ERRORS = [
    (1, (3, 4, 5, 6), 2), (1, (5,), 2), (2, (5, 6), 2), (3, (3, 4, 5), 2),
    (3, (2, 3, 4, 5, 6, 7), 2),  # input dims
    (1, (1, 2, 3), (2, 2)), (1, (1, 2, 3), None), (1, (1, 2, 3), (None,)), (1, (1, 2, 3), 2.0),
    (1, (1, 2, 3), True), (2, (1, 2, 5, 6), (2, 2, 2)), (2, (1, 2, 5, 6), (2,)),
    (2, (2, 5, 6), (2, 2, 2)), (2, (1, 2, 5, 6), None), (2, (1, 2, 5, 6), (2.0, 1)),
    (3, (3, 4, 5), (1, 2, 3)), (3, (1, 2, 3, 4, 5), (2, 2)),  # output_size
    (2, (1, 2, 5, 6), (2, -1)), (1, (1, 2, 5), -1),  # negative sizes
    (1, (1, 0, 5), 2), (2, (2, 2, 0, 6), 2), (2, (2, 0, 6), 2), (3, (2, 3, 0, 5), 2),  # empty
]


@pytest.mark.parametrize(("nd", "shape", "out"), ERRORS, ids=[str(e) for e in ERRORS])
def test_errors_have_pytorchs_types(nd: int, shape: tuple[int, ...], out: Any) -> None:
    f, tf = _pair(nd)
    with pytest.raises(Exception) as theirs:
        tf(torch.zeros(shape), out)
    with pytest.raises(theirs.type):
        f(tg.zeros(*shape), out)


def test_integer_input_is_refused_as_in_pytorch() -> None:
    with pytest.raises(NotImplementedError, match="Long"):
        F.adaptive_max_pool2d(tg.tensor(np.arange(24).reshape(2, 3, 4)), 2)
    with pytest.raises(NotImplementedError):
        TF.adaptive_max_pool2d(torch.arange(24).reshape(2, 3, 4), 2)
