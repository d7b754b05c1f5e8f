"""Gradient-registry rows for convolution, pooling, unfold / fold and their layers.

Each row draws a configuration (kernel, stride, padding, dilation, groups, bias ...) and
small float64 inputs (at most ~60 elements per row); op_registry.py runs gradcheck and
gradgradcheck on every row. Max-pooling rows draw pairwise distinct values (a scaled
random permutation), so no window has a tie within the finite-difference step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.ops.registry_base import OpCase
from tests.ops.registry_helpers import distinct
from tinygrad_nn import nn
from tinygrad_nn.testing import strategies as tst

Draw = Callable[[Any], Any]
CASES: list[OpCase] = []


def _arr(draw: Draw, shape: tuple[int, ...], lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    return draw(tst.arrays(shape=shape, elements=(lo, hi)))


def _distinct(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    """Pairwise distinct values >= 0.2 apart: a random permutation, scaled, plus jitter."""
    n = math.prod(shape)
    perm = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    return (0.3 * perm - 0.15 * n + _arr(draw, (n,), 0.0, 0.1)).reshape(shape)


def _size(draw: Draw, kernel: int, dilation: int, pad: int, hi: int = 5) -> int:
    """An input length that fits the (dilated) kernel once padded."""
    lo = max(1, dilation * (kernel - 1) + 1 - 2 * pad)
    return draw(st.integers(lo, max(hi, lo)))


def _conv_config(draw: Draw, nd: int) -> dict[str, Any]:
    """Channels, kernel, stride, padding, dilation, groups; input shape within budget."""
    groups = draw(st.sampled_from([1, 2]))
    cin = groups * (1 if groups > 1 else draw(st.integers(1, 2)))
    cout = groups * draw(st.integers(1, 2))
    k = [draw(st.integers(1, 3)) for _ in range(nd)]
    s = [draw(st.integers(1, 2)) for _ in range(nd)]
    d = [draw(st.integers(1, 2)) for _ in range(nd)]
    if max(s) == 1 and draw(st.booleans()):
        padding: Any = draw(st.sampled_from(["same", "valid"]))
        p = [(di * (ki - 1) + 1) // 2 if padding == "same" else 0 for ki, di in zip(k, d)]
    else:
        p = [draw(st.integers(0, 2)) for _ in range(nd)]
        padding = p[0] if nd == 1 else tuple(p)
    spatial = tuple(_size(draw, ki, di, pi, 5 if nd == 2 else 8) for ki, di, pi in zip(k, d, p))
    n = draw(st.integers(1, max(1, 30 // (cin * math.prod(spatial)))))
    return {"groups": groups, "cin": cin, "cout": cout, "k": tuple(k), "spatial": spatial,
            "n": n, "stride": s[0] if nd == 1 else tuple(s), "padding": padding,
            "dilation": d[0] if nd == 1 else tuple(d)}


def _conv_case(op: Callable[..., Any], nd: int) -> Callable[[Draw], Any]:
    def draw_case(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
        c = _conv_config(draw, nd)
        x = _arr(draw, (c["n"], c["cin"]) + c["spatial"])
        w = _arr(draw, (c["cout"], c["cin"] // c["groups"]) + c["k"])
        opts = {"stride": c["stride"], "padding": c["padding"], "dilation": c["dilation"],
                "groups": c["groups"]}
        if draw(st.booleans()):
            return (lambda x, w, b: op(x, w, b, **opts)), [x, w, _arr(draw, (c["cout"],))]
        return (lambda x, w: op(x, w, **opts)), [x, w]

    return draw_case


CASES.append(OpCase("F.conv2d", _conv_case(F.conv2d, 2)))
CASES.append(OpCase("F.conv1d", _conv_case(F.conv1d, 1)))


def _pool_config(draw: Draw, dilation: bool) -> dict[str, Any]:
    k = tuple(draw(st.integers(1, 3)) for _ in range(2))
    s = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    p = tuple(draw(st.integers(0, ki // 2)) for ki in k)
    d = tuple(draw(st.integers(1, 2)) for _ in range(2)) if dilation else (1, 1)
    hw = tuple(_size(draw, ki, di, pi, 6) for ki, di, pi in zip(k, d, p))
    n_c = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    if math.prod(n_c + hw) > 60:
        n_c = (1, 1)
    return {"k": k, "s": s, "p": p, "d": d, "shape": n_c + hw, "ceil": draw(st.booleans())}


def _no_empty_window(c: dict[str, Any]) -> None:
    """Reject configs where a dilated window sees only padding (its max is -inf, as in
    PyTorch, and a finite difference of -inf is nan)."""
    y = F.max_pool2d(np.zeros(c["shape"]), c["k"], c["s"], c["p"], c["d"], c["ceil"])
    assume(np.isfinite(y.numpy()).all())


def _max_pool(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
    c = _pool_config(draw, dilation=True)
    _no_empty_window(c)
    fn = lambda x: F.max_pool2d(x, c["k"], c["s"], c["p"], c["d"], c["ceil"])  # noqa: E731
    return fn, [_distinct(draw, c["shape"])]


def _avg_pool(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
    c = _pool_config(draw, dilation=False)
    include, override = draw(st.booleans()), draw(st.sampled_from([None, 3]))
    fn = lambda x: F.avg_pool2d(x, c["k"], c["s"], c["p"], c["ceil"], include, override)  # noqa: E731
    return fn, [_arr(draw, c["shape"])]


def _max_pool_indices(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
    c = _pool_config(draw, dilation=True)
    _no_empty_window(c)
    fn = lambda x: F.max_pool2d(x, c["k"], c["s"], c["p"], c["d"], c["ceil"], True)[0]  # noqa: E731
    return fn, [_distinct(draw, c["shape"])]


def _max_unpool(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
    """Unpooling the indices of a pooling. Indices kept distinct: where overlapping windows
    repeat one, the overwritten x still gets the gradient at it (PyTorch's convention, in
    test_parity_parity), which a finite difference does not see."""
    c = _pool_config(draw, dilation=False)
    _no_empty_window(c)
    _, idx = F.max_pool2d(_distinct(draw, c["shape"]), c["k"], c["s"], c["p"], 1, False, True)
    flat = idx.numpy().reshape(idx.shape[0] * idx.shape[1], -1)
    assume(all(len(np.unique(row)) == row.size for row in flat))
    module = draw(st.booleans())
    s = c["s"] or c["k"]
    default = tuple((n - 1) * si - 2 * pi + ki for n, ki, si, pi in zip(idx.shape[-2:], c["k"],
                                                                          s, c["p"]))
    # the input's own size (always within a stride of the default), or the default if equal
    size = None if default == c["shape"][-2:] and draw(st.booleans()) else c["shape"][-2:]

    def fn(x: Any) -> Any:
        if module:
            return nn.MaxUnpool2d(c["k"], c["s"], c["p"])(x, idx, size)
        return F.max_unpool2d(x, idx, c["k"], c["s"], c["p"], size)

    return fn, [_arr(draw, tuple(idx.shape))]


CASES.append(OpCase("F.max_pool2d", _max_pool))
CASES.append(OpCase("F.max_pool2d[return_indices]", _max_pool_indices))
CASES.append(OpCase("F.max_unpool2d", _max_unpool, covers=("nn.MaxUnpool2d",)))
CASES.append(OpCase("F.avg_pool2d", _avg_pool))


def _adaptive(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 5)),
             draw(st.integers(1, 5)))
    out = (draw(st.integers(1, 4)), draw(st.one_of(st.none(), st.integers(1, 4))))
    return (lambda x: F.adaptive_avg_pool2d(x, out)), [_arr(draw, shape)]


CASES.append(OpCase("F.adaptive_avg_pool2d", _adaptive))


def _unfold_fold(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
    """unfold, and fold of a drawn column array (its own input), in one row."""
    k = tuple(draw(st.integers(1, 3)) for _ in range(2))
    d = tuple(draw(st.integers(1, 2)) for _ in range(2))
    s = tuple(draw(st.integers(1, 2)) for _ in range(2))
    p = tuple(draw(st.integers(0, 1)) for _ in range(2))
    hw = tuple(_size(draw, ki, di, pi, 4) for ki, di, pi in zip(k, d, p))
    x = _arr(draw, (1, draw(st.integers(1, 2))) + hw)
    cols = F.unfold(x, k, d, p, s)  # only for its shape
    y = _arr(draw, cols.shape)

    def fn(x: Any, y: Any) -> Any:
        a = F.unfold(x, k, d, p, s) * y  # the product makes the second derivative nonzero
        return F.fold(a, hw, k, d, p, s)

    return fn, [x, y]


CASES.append(OpCase("F.unfold", _unfold_fold, covers=("F.fold",)))


# -- layers: the gradient w.r.t. the input and every parameter ----------------------------
def _call(module: nn.Module, names: list[str], params: tuple[Any, ...], x: Any) -> Any:
    """module(x) with its parameters ``names`` replaced by ``params`` (then restored)."""
    saved = [module._parameters[k] for k in names]
    module._parameters.update(zip(names, params))
    try:
        return module(x)
    finally:
        module._parameters.update(zip(names, saved))


def _layer(name: str, build: Callable[[Draw], tuple[nn.Module, np.ndarray]],
           **options: Any) -> None:
    def draw_case(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
        tg.manual_seed(draw(st.integers(0, 2**16)))
        module, x = build(draw)
        module.double()
        names = [n for n, _ in module.named_parameters()]
        params = [_arr(draw, p.shape) for _, p in module.named_parameters()]
        return (lambda x, *ps: _call(module, names, ps, x)), [x, *params]

    CASES.append(OpCase(name, draw_case, **options))


def _conv_layer(cls: type, nd: int) -> Callable[[Draw], Any]:
    def build(draw: Draw) -> Any:
        c = _conv_config(draw, nd)
        m = cls(c["cin"], c["cout"], c["k"], c["stride"], c["padding"], c["dilation"],
                c["groups"], bias=draw(st.booleans()))
        x = _arr(draw, (c["n"], c["cin"]) + c["spatial"])
        if draw(st.booleans()):  # an unbatched sample
            x = x[0]
        return m, x

    return build


def _max_pool_layer(draw: Draw) -> Any:
    c = _pool_config(draw, dilation=True)
    _no_empty_window(c)
    return (nn.MaxPool2d(c["k"], c["s"], c["p"], c["d"], ceil_mode=c["ceil"]),
            _distinct(draw, c["shape"]))


def _avg_pool_layer(draw: Draw) -> Any:
    c = _pool_config(draw, dilation=False)
    return nn.AvgPool2d(c["k"], c["s"], c["p"], c["ceil"]), _arr(draw, c["shape"])


def _adaptive_layer(draw: Draw) -> Any:
    out = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    return nn.AdaptiveAvgPool2d(out), _arr(draw, (1, 2, draw(st.integers(1, 5)), 4))


def _zero_pad_layer(draw: Draw) -> Any:
    pad = draw(st.one_of(st.integers(0, 2), st.tuples(*[st.integers(0, 2)] * 4)))
    return nn.ZeroPad2d(pad), _arr(draw, (1, 2, draw(st.integers(1, 3)), 3))


_layer("nn.Conv2d", _conv_layer(nn.Conv2d, 2))
_layer("nn.Conv1d", _conv_layer(nn.Conv1d, 1))
_layer("nn.MaxPool2d", _max_pool_layer)
_layer("nn.AvgPool2d", _avg_pool_layer)
_layer("nn.AdaptiveAvgPool2d", _adaptive_layer)


def _adaptive_max_layer(draw: Draw) -> Any:
    nd = draw(st.sampled_from([1, 2, 3]))
    cls = (nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d)[nd - 1]
    out = draw(st.integers(1, 3)) if nd == 1 else tuple(
        draw(st.sampled_from([None, 1, 2])) for _ in range(nd))
    shape = (1, 2) + tuple(draw(st.integers(1, 3)) for _ in range(nd))
    x = distinct(draw, shape)  # no window's maximum within a step of a tie
    return cls(out), x


_layer("nn.AdaptiveMaxPool1d", _adaptive_max_layer,
       covers=("nn.AdaptiveMaxPool2d", "nn.AdaptiveMaxPool3d"))
_layer("nn.ZeroPad2d", _zero_pad_layer)
