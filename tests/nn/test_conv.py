"""Convolution, pooling, unfold / fold and their layers: shapes, values and rules.

Values are compared with direct loop implementations written from the definitions (no
PyTorch here; see test_conv_torch_parity.py). Gradients and second derivatives of every
op and layer are checked by the registry rows in cases_conv.py; argument errors are in
test_conv_errors.py.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn.nn import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    Conv1d,
    Conv2d,
    MaxPool2d,
    ZeroPad2d,
)
from tinygrad_nn.ops.window import Fold, Unfold


def _out(size: int, k: int, s: int, p: int, d: int = 1, ceil: bool = False) -> int:
    """PyTorch's documented output-size formula (with its ceil_mode rule)."""
    span = size + 2 * p - d * (k - 1) - 1
    n = (math.ceil(span / s) if ceil else span // s) + 1
    if ceil and (n - 1) * s >= size + p:
        n -= 1
    return n


def _conv_loops(x: np.ndarray, w: np.ndarray, b: Any, s: tuple[int, int], p: tuple[int, int],
                d: tuple[int, int], groups: int) -> np.ndarray:
    """Cross-correlation straight from the definition, one output element at a time."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    oh, ow = _out(h, kh, s[0], p[0], d[0]), _out(wd, kw, s[1], p[1], d[1])
    y = np.zeros((n, o, oh, ow))
    og = o // groups
    for ni in range(n):
        for oi in range(o):
            g0 = (oi // og) * cg
            for i in range(oh):
                for j in range(ow):
                    patch = xp[ni, g0:g0 + cg, i * s[0]:i * s[0] + d[0] * (kh - 1) + 1:d[0],
                               j * s[1]:j * s[1] + d[1] * (kw - 1) + 1:d[1]]
                    y[ni, oi, i, j] = (patch * w[oi]).sum() + (0 if b is None else b[oi])
    return y


def _windows(h: int, w: int, k: tuple[int, int], s: tuple[int, int], p: tuple[int, int],
             d: tuple[int, int], ceil: bool) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """(i, j, in-bounds input positions of window (i, j)) in row-major kernel order."""
    oh, ow = _out(h, k[0], s[0], p[0], d[0], ceil), _out(w, k[1], s[1], p[1], d[1], ceil)
    out = []
    for i in range(oh):
        for j in range(ow):
            pos = [(i * s[0] - p[0] + a * d[0], j * s[1] - p[1] + c * d[1])
                   for a in range(k[0]) for c in range(k[1])]
            out.append((i, j, [(r, q) for r, q in pos if 0 <= r < h and 0 <= q < w]))
    return out


def _length(draw: Any, k: int, d: int, p: int, hi: int) -> int:
    """An input length the dilated kernel fits once padded (at least 1, about <= hi)."""
    lo = max(1, d * (k - 1) + 1 - 2 * p)
    return draw(st.integers(lo, max(lo, hi)))


@st.composite
def conv_configs(draw: Any) -> dict[str, Any]:
    g = draw(st.integers(1, 3))
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    hw = tuple(_length(draw, ki, di, pi, 9)
               for ki, di, pi in zip(k, d, p))
    return {"n": draw(st.integers(1, 3)), "cin": g * draw(st.integers(1, 2)),
            "cout": g * draw(st.integers(1, 3)), "groups": g, "k": k, "d": d, "p": p,
            "s": (draw(st.integers(1, 3)), draw(st.integers(1, 3))), "hw": hw}


@st.composite
def pool_configs(draw: Any, dilation: bool = True) -> dict[str, Any]:
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    hw = tuple(_length(draw, ki, di, pi, 9)
               for ki, di, pi in zip(k, d, p))
    return {"k": k, "d": d, "p": p, "hw": hw, "ceil": draw(st.booleans()),
            "s": (draw(st.integers(1, 3)), draw(st.integers(1, 3))),
            "nc": (draw(st.integers(1, 2)), draw(st.integers(1, 3)))}


# -- values and shapes -----------------------------------------------------------------
@settings(max_examples=40)
@given(conv_configs(), st.booleans(), st.integers(0, 2**16))
def test_conv2d_matches_the_definition_and_the_shape_formula(c: dict[str, Any], bias: bool,
                                                             seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((c["n"], c["cin"], *c["hw"]))
    w = rng.standard_normal((c["cout"], c["cin"] // c["groups"], *c["k"]))
    b = rng.standard_normal(c["cout"]) if bias else None
    y = F.conv2d(x, w, b, c["s"], c["p"], c["d"], c["groups"])
    shape = tuple(_out(n, k, s, p, d)
                  for n, k, s, p, d in zip(c["hw"], c["k"], c["s"], c["p"], c["d"]))
    assert y.shape == (c["n"], c["cout"], *shape)
    np.testing.assert_allclose(y.numpy(), _conv_loops(x, w, b, c["s"], c["p"], c["d"], c["groups"]),
                               rtol=1e-10, atol=1e-10)


@settings(max_examples=25)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2),
       st.integers(4, 10), st.integers(0, 2**16))
def test_conv1d_is_conv2d_on_a_height_one_image(k: int, s: int, d: int, p: int, length: int,
                                               seed: int) -> None:
    assume(d * (k - 1) + 1 <= length + 2 * p)
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((2, 4, length)), rng.standard_normal((6, 2, k))
    b = rng.standard_normal(6)
    y = F.conv1d(x, w, b, s, p, d, groups=2)
    ref = _conv_loops(x[:, :, None], w[:, :, None], b, (1, s), (0, p), (1, d), 2)[:, :, 0]
    assert y.shape == (2, 6, _out(length, k, s, p, d))
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("k,d", [(3, 1), (4, 1), (2, 3), (3, 2)])
def test_same_padding_keeps_the_size_and_valid_means_none(k: int, d: int) -> None:
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 2, 7, 6)), rng.standard_normal((3, 2, k, k))
    y = F.conv2d(x, w, padding="same", dilation=d)
    assert y.shape == (1, 3, 7, 6)
    total = d * (k - 1)  # PyTorch's rule: an odd total puts the extra row at the end
    before, after = total // 2, total - total // 2
    xp = np.pad(x, ((0, 0), (0, 0), (before, after), (before, after)))
    np.testing.assert_allclose(y.numpy(), _conv_loops(xp, w, None, (1, 1), (0, 0), (d, d), 1),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(F.conv2d(x, w, padding="valid", dilation=d).numpy(),
                                  F.conv2d(x, w, dilation=d).numpy())


@settings(max_examples=40)
@given(pool_configs(), st.integers(0, 2**16))
def test_max_pool2d_values_and_first_max_gradient(c: dict[str, Any], seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, c["nc"] + c["hw"]).astype(np.float64)  # many ties
    xt = tg.tensor(x, requires_grad=True)
    y = F.max_pool2d(xt, c["k"], c["s"], c["p"], c["d"], c["ceil"])
    g = rng.standard_normal(y.shape)
    y.backward(g)
    want_y = np.full(y.shape, -np.inf)
    want_g = np.zeros(x.shape)
    for i, j, pos in _windows(*c["hw"], c["k"], c["s"], c["p"], c["d"], c["ceil"]):
        if not pos:
            continue
        vals = np.stack([x[..., r, q] for r, q in pos], axis=-1)
        want_y[..., i, j] = vals.max(axis=-1)
        first = vals.argmax(axis=-1)  # the first maximum in row-major window order
        for a, (r, q) in enumerate(pos):
            want_g[..., r, q] += np.where(first == a, g[..., i, j], 0.0)
    np.testing.assert_array_equal(y.detach().numpy(), want_y)
    np.testing.assert_allclose(xt.grad.numpy(), want_g, rtol=1e-12, atol=1e-12)


def test_max_pool2d_propagates_nan_and_ignores_padding() -> None:
    x = np.arange(16.0).reshape(1, 1, 4, 4) - 20.0  # all negative: padding must not win
    y = F.max_pool2d(x, 3, 1, 1)
    assert (y.numpy() < 0).all()
    x[0, 0, 1, 1] = np.nan
    y = F.max_pool2d(x, 2)
    assert np.isnan(y.numpy()[0, 0, 0, 0]) and not np.isnan(y.numpy()[0, 0, 1:, 1:]).any()


@settings(max_examples=40)
@given(pool_configs(dilation=False), st.booleans(), st.sampled_from([None, 2, 5]),
       st.integers(0, 2**16))
def test_avg_pool2d_matches_the_definition(c: dict[str, Any], include_pad: bool, div: Any,
                                           seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(c["nc"] + c["hw"])
    y = F.avg_pool2d(x, c["k"], c["s"], c["p"], c["ceil"], include_pad, div)
    h, w = c["hw"]
    want = np.zeros(y.shape)
    for i, j, pos in _windows(h, w, c["k"], c["s"], c["p"], (1, 1), c["ceil"]):
        total = sum(x[..., r, q] for r, q in pos) if pos else 0.0
        # PyTorch: padding counts, the ceil-mode overhang past the padding does not
        r0, q0 = i * c["s"][0] - c["p"][0], j * c["s"][1] - c["p"][1]
        rows = min(r0 + c["k"][0], h + c["p"][0]) - r0
        cols = min(q0 + c["k"][1], w + c["p"][1]) - q0
        count = div or (rows * cols if include_pad else len(pos))
        want[..., i, j] = total / count
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("hw,out", [((7, 5), (3, 2)), ((4, 4), 2), ((5, 6), (1, None)),
                                    ((3, 3), 5)])
def test_adaptive_avg_pool2d_averages_pytorch_windows(hw: Any, out: Any) -> None:
    x = np.random.default_rng(1).standard_normal((2, 3, *hw))
    y = F.adaptive_avg_pool2d(x, out)
    oh, ow = (out, out) if isinstance(out, int) else (out[0], out[1] or hw[1])
    assert y.shape == (2, 3, oh, ow)
    for i in range(oh):
        for j in range(ow):
            r = slice(i * hw[0] // oh, -(-(i + 1) * hw[0] // oh))
            q = slice(j * hw[1] // ow, -(-(j + 1) * hw[1] // ow))
            np.testing.assert_allclose(y.numpy()[..., i, j], x[..., r, q].mean(axis=(-2, -1)))


@settings(max_examples=30)
@given(conv_configs(), st.integers(0, 2**16))
def test_fold_is_the_adjoint_of_unfold(c: dict[str, Any], seed: int) -> None:
    """<unfold(x), y> == <x, fold(y)> for every x, y: fold is unfold's transpose."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((c["n"], c["cin"], *c["hw"]))
    cols = F.unfold(x, c["k"], c["d"], c["p"], c["s"])
    oh, ow = (_out(n, k, s, p, d) for n, k, s, p, d in zip(c["hw"], c["k"], c["s"], c["p"], c["d"]))
    assert cols.shape == (c["n"], c["cin"] * c["k"][0] * c["k"][1], oh * ow)
    y = rng.standard_normal(cols.shape)
    back = F.fold(y, c["hw"], c["k"], c["d"], c["p"], c["s"])
    assert back.shape == x.shape
    np.testing.assert_allclose((cols.numpy() * y).sum(), (x * back.numpy()).sum(), rtol=1e-10)


def test_unfold_and_fold_primitives_are_each_others_backward() -> None:
    x = tg.tensor(np.random.default_rng(2).standard_normal((2, 3, 5, 4)), requires_grad=True)
    cols = Unfold.apply(x, kernel=(2, 3), stride=(2, 1), dilation=(1, 1))
    assert cols.shape == (2, 3, 2, 3, 2, 2)
    (g,) = tg.grad((cols * cols).sum(), [x], create_graph=True)  # g = fold(2 cols)
    assert type(g._ctx).__name__ == "Fold"
    (gg,) = tg.grad(g.sum(), [x])  # through Fold's backward, unfold
    # d/dx sum(fold(2 unfold(x))) = 2 * (number of windows covering each pixel)
    count = np.outer([1, 1, 1, 1, 0], [1, 2, 2, 1])
    np.testing.assert_allclose(gg.numpy(), np.broadcast_to(2.0 * count, x.shape))
    back = Fold.apply(cols, size=(5, 4), kernel=(2, 3), stride=(2, 1), dilation=(1, 1))
    np.testing.assert_allclose(back.detach().numpy(), x.detach().numpy() * count)


def test_float32_stays_float32_and_arrays_are_accepted() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 6, 6)).astype(np.float32)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    b = np.zeros(4, np.float32)
    outs = [F.conv2d(x, w, b, groups=2), F.max_pool2d(x, 2), F.avg_pool2d(x, 3, 1, 1, True, False),
            F.avg_pool2d(x, 2, divisor_override=3), F.adaptive_avg_pool2d(x, 4),
            F.unfold(x, 2), F.conv1d(x[:, :, 0], w[:, :, 0], b, groups=2)]
    assert [o.dtype for o in outs] == [np.float32] * len(outs)


def test_unbatched_input_gives_the_batched_result() -> None:
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((3, 5, 5)), rng.standard_normal((2, 3, 3, 3))
    for f in (lambda a: F.conv2d(a, w, padding=1), lambda a: F.max_pool2d(a, 2),
              lambda a: F.avg_pool2d(a, 2), lambda a: F.adaptive_avg_pool2d(a, 2),
              lambda a: F.unfold(a, 2)):
        np.testing.assert_array_equal(f(x).numpy(), f(x[None]).numpy()[0])
    np.testing.assert_array_equal(F.conv1d(x[:, 0], w[:, :, 0]).numpy(),
                                  F.conv1d(x[None, :, 0], w[:, :, 0]).numpy()[0])


def test_conv_gradients_reach_input_weight_and_bias() -> None:
    rng = np.random.default_rng(5)
    x = tg.tensor(rng.standard_normal((2, 2, 4, 4)), requires_grad=True)
    w = tg.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    b = tg.tensor(rng.standard_normal(3), requires_grad=True)
    F.conv2d(x, w, b, padding=1).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), np.full(3, 2 * 4 * 4.0))  # d(sum)/db = N*OH*OW
    # d(sum)/dw[o, c, i, j] = sum of the inputs that kernel tap (i, j) ever sees
    xp = np.pad(x.detach().numpy(), ((0, 0), (0, 0), (1, 1), (1, 1)))
    want = np.stack([[xp[:, c, i:i + 4, j:j + 4].sum() for i in range(3) for j in range(3)]
                     for c in range(2)]).reshape(2, 3, 3)
    np.testing.assert_allclose(w.grad.numpy(), np.broadcast_to(want, (3, 2, 3, 3)))
    assert x.grad.shape == x.shape


def test_conv_records_the_module_scope_on_its_nodes() -> None:
    m = Conv2d(1, 2, 3)
    y = m(tg.randn(1, 1, 5, 5))
    assert any(s is m for s in y.grad_fn.metadata["scope"])  # a composite may be below it


def test_changing_the_input_in_place_after_conv_is_caught() -> None:
    x = tg.randn(1, 2, 4, 4)
    w = tg.randn(3, 2, 1, 1, requires_grad=True)
    y = F.conv2d(x, w)  # a 1x1 kernel: the columns are a view of x
    with tg.no_grad():
        x += 1.0
    with pytest.raises(RuntimeError, match="in-place"):
        y.sum().backward()


# -- layers --------------------------------------------------------------------------------
def test_conv2d_layer_parameters_and_default_init() -> None:
    tg.manual_seed(0)
    m = Conv2d(4, 6, (3, 2), groups=2)
    assert [(n, p.shape) for n, p in m.named_parameters()] == [("weight", (6, 2, 3, 2)),
                                                                ("bias", (6,))]
    assert m.weight.dtype == np.float32 and m.weight.requires_grad
    bound = 1 / math.sqrt(2 * 3 * 2)  # kaiming_uniform_(a=sqrt(5)) and the bias: 1/sqrt(fan_in)
    for p in (m.weight, m.bias):
        assert 0.5 * bound < np.abs(p.detach().numpy()).max() <= bound
    assert Conv2d(4, 6, 3, bias=False).bias is None
    assert set(Conv2d(1, 1, 1).state_dict()) == {"weight", "bias"}
    tg.manual_seed(7)
    a = Conv2d(2, 3, 3).weight.detach().numpy().copy()
    tg.manual_seed(7)
    np.testing.assert_array_equal(a, Conv2d(2, 3, 3).weight.detach().numpy())


def test_layers_forward_like_the_functional_forms() -> None:
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 4, 7, 6))
    m = Conv2d(4, 2, 3, stride=2, padding=1, dilation=1, groups=2).double()
    np.testing.assert_allclose(m(x).detach().numpy(), F.conv2d(x, m.weight, m.bias, 2, 1, 1,
                                                               2).detach().numpy())
    m1 = Conv1d(4, 2, 2, padding="same").double()
    np.testing.assert_allclose(m1(x[..., 0]).detach().numpy(),
                               F.conv1d(x[..., 0], m1.weight, m1.bias,
                                        padding="same").detach().numpy())
    np.testing.assert_array_equal(MaxPool2d(3, 2, 1)(x).numpy(), F.max_pool2d(x, 3, 2, 1).numpy())
    np.testing.assert_array_equal(AvgPool2d(2, ceil_mode=True)(x).numpy(),
                                  F.avg_pool2d(x, 2, ceil_mode=True).numpy())
    np.testing.assert_array_equal(AdaptiveAvgPool2d((1, 3))(x).numpy(),
                                  F.adaptive_avg_pool2d(x, (1, 3)).numpy())
    y = ZeroPad2d((1, 2, 3, 0))(x)
    assert y.shape == (2, 4, 10, 9)
    np.testing.assert_array_equal(y.numpy()[:, :, 3:, 1:7], x)
    assert y.numpy().sum() == pytest.approx(x.sum())


def test_layer_reprs() -> None:
    assert repr(Conv2d(3, 8, 3, padding=1, bias=False)) == (
        "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)")
    assert repr(MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)")
    assert repr(AvgPool2d(3, 2)) == "AvgPool2d(kernel_size=3, stride=2, padding=0)"
