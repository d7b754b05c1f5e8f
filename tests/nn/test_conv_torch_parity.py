"""Convolution, pooling, unfold / fold and the layers against PyTorch.

Values and the gradients of the input, weight and bias, over drawn configurations (kernel,
stride, padding incl. 'same' / 'valid', dilation, groups, bias, ceil_mode, ...): float64
to ~1e-10, float32 within float32 precision. Max pooling is fed integer-valued inputs
full of ties, so PyTorch's first-maximum rule is compared too. Invalid configurations
must be rejected exactly when PyTorch rejects them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.nn.torch_compare import outcome
from tinygrad_nn.nn import AdaptiveAvgPool2d, AvgPool2d, Conv1d, Conv2d, MaxPool2d, ZeroPad2d

torch = pytest.importorskip("torch")

pytestmark = [pytest.mark.torch,
              pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")]

TOL64 = {"rtol": 1e-10, "atol": 1e-10}
TOL32 = {"rtol": 2e-4, "atol": 2e-5}


def _both(f_ours: Callable[..., Any], f_torch: Callable[..., Any], arrays: list[np.ndarray],
          tol: dict[str, float], seed: int = 0) -> None:
    """Outputs and every input's gradient (for one random output weighting) agree."""
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = f_ours(*ours), f_torch(*theirs)
    assert y.shape == tuple(ty.shape)
    assert y.dtype == arrays[0].dtype
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **tol)
    g = np.random.default_rng(seed).standard_normal(y.shape).astype(arrays[0].dtype)
    y.backward(g)
    ty.backward(torch.from_numpy(g))
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **tol, err_msg=f"input {i}")


def _length(draw: Any, k: int, d: int, p: int, hi: int) -> int:
    """An input length the dilated kernel fits once padded (at least 1, about <= hi)."""
    lo = max(1, d * (k - 1) + 1 - 2 * p)
    return draw(st.integers(lo, max(lo, hi)))


@st.composite
def conv_setups(draw: Any, nd: int = 2) -> tuple[dict[str, Any], list[tuple[int, ...]]]:
    g = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    if max(s) == 1 and draw(st.booleans()):
        padding: Any = draw(st.sampled_from(["same", "valid"]))
        p = tuple(di * (ki - 1) if padding == "same" else 0 for ki, di in zip(k, d))
    else:
        p = tuple(draw(st.integers(0, 3)) for _ in range(nd))
        padding = p if nd == 2 else p[0]
    spatial = tuple(_length(draw, ki, di, pi, 9)
                    for ki, di, pi in zip(k, d, p))
    cin, cout = g * draw(st.integers(1, 2)), g * draw(st.integers(1, 3))
    shapes = [(draw(st.integers(1, 3)), cin, *spatial), (cout, cin // g, *k)]
    if draw(st.booleans()):
        shapes.append((cout,))
    opts = {"stride": s if nd == 2 else s[0], "padding": padding,
            "dilation": d if nd == 2 else d[0], "groups": g}
    return opts, shapes


def _arrays(shapes: list[tuple[int, ...]], seed: int, dtype: Any) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


@settings(max_examples=60)
@given(conv_setups(), st.integers(0, 2**16), st.sampled_from([np.float64, np.float32]))
def test_conv2d_matches_torch(setup: Any, seed: int, dtype: Any) -> None:
    opts, shapes = setup
    _both(lambda *a: F.conv2d(*a, **opts), lambda *a: torch.nn.functional.conv2d(*a, **opts),
          _arrays(shapes, seed, dtype), TOL64 if dtype == np.float64 else TOL32, seed)


@settings(max_examples=30)
@given(conv_setups(nd=1), st.integers(0, 2**16))
def test_conv1d_matches_torch(setup: Any, seed: int) -> None:
    opts, shapes = setup
    _both(lambda *a: F.conv1d(*a, **opts), lambda *a: torch.nn.functional.conv1d(*a, **opts),
          _arrays(shapes, seed, np.float64), TOL64, seed)


@st.composite
def pool_setups(draw: Any, dilation: bool = True) -> tuple[dict[str, Any], tuple[int, ...]]:
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    hw = tuple(_length(draw, ki, di, pi, 10)
               for ki, di, pi in zip(k, d, p))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    opts: dict[str, Any] = {"kernel_size": k, "stride": stride, "padding": p,
                            "ceil_mode": draw(st.booleans())}
    if dilation:
        opts["dilation"] = d
    return opts, (draw(st.integers(1, 2)), draw(st.integers(1, 3)), *hw)


@settings(max_examples=60)
@given(pool_setups(), st.integers(0, 2**16), st.sampled_from([np.float64, np.float32]))
def test_max_pool2d_matches_torch_including_ties(setup: Any, seed: int, dtype: Any) -> None:
    opts, shape = setup
    x = np.random.default_rng(seed).integers(-2, 3, shape).astype(dtype)  # many ties
    ty = torch.nn.functional.max_pool2d(torch.from_numpy(x), **opts)
    assume(bool(torch.isfinite(ty).all()))  # a dilated window of padding only gives -inf
    _both(lambda a: F.max_pool2d(a, **opts), lambda a: torch.nn.functional.max_pool2d(a, **opts),
          [x], TOL64 if dtype == np.float64 else TOL32, seed)


@settings(max_examples=60)
@given(pool_setups(dilation=False), st.booleans(), st.sampled_from([None, 1, 4]),
       st.integers(0, 2**16), st.sampled_from([np.float64, np.float32]))
def test_avg_pool2d_matches_torch(setup: Any, include_pad: bool, divisor: Any, seed: int,
                                  dtype: Any) -> None:
    opts, shape = setup
    opts = {**opts, "count_include_pad": include_pad, "divisor_override": divisor}
    _both(lambda a: F.avg_pool2d(a, **opts), lambda a: torch.nn.functional.avg_pool2d(a, **opts),
          _arrays([shape], seed, dtype), TOL64 if dtype == np.float64 else TOL32, seed)


@settings(max_examples=30)
@given(st.tuples(st.integers(1, 9), st.integers(1, 9)),
       st.tuples(st.integers(1, 6), st.one_of(st.none(), st.integers(1, 6))),
       st.integers(0, 2**16))
def test_adaptive_avg_pool2d_matches_torch(hw: Any, out: Any, seed: int) -> None:
    _both(lambda a: F.adaptive_avg_pool2d(a, out),
          lambda a: torch.nn.functional.adaptive_avg_pool2d(a, out),
          _arrays([(2, 2, *hw)], seed, np.float64), TOL64, seed)


@settings(max_examples=30)
@given(conv_setups(), st.integers(0, 2**16))
def test_unfold_and_fold_match_torch(setup: Any, seed: int) -> None:
    opts, shapes = setup
    assume(not isinstance(opts["padding"], str))  # torch's unfold takes ints only
    kw = {"kernel_size": shapes[1][2:], "dilation": opts["dilation"], "padding": opts["padding"],
          "stride": opts["stride"]}
    x = _arrays(shapes[:1], seed, np.float64)
    _both(lambda a: F.unfold(a, **kw), lambda a: torch.nn.functional.unfold(a, **kw), x, TOL64,
          seed)
    cols = torch.nn.functional.unfold(torch.from_numpy(x[0]), **kw).numpy()
    size = shapes[0][2:]
    _both(lambda a: F.fold(a, size, **kw), lambda a: torch.nn.functional.fold(a, size, **kw),
          [np.random.default_rng(seed).standard_normal(cols.shape)], TOL64, seed)


# -- invalid configurations are rejected exactly when PyTorch rejects them -------------------
def _raises(f: Callable[[], Any]) -> bool:
    try:
        f()
    except (ValueError, TypeError, RuntimeError):
        return True
    return False


@settings(max_examples=80)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 6), st.integers(0, 3),
       st.integers(0, 2), st.integers(1, 3), st.integers(1, 2), st.integers(1, 3),
       st.integers(1, 4))
def test_conv2d_rejects_what_torch_rejects(cin: int, wc: int, k: int, p: int, s: int, d: int,
                                           g: int, cout: int, hw: int) -> None:
    x, w = np.zeros((1, cin, hw, hw)), np.zeros((cout, wc, k, k))
    ours = _raises(lambda: F.conv2d(x, w, None, s, p, d, g))
    theirs = _raises(lambda: torch.nn.functional.conv2d(
        torch.from_numpy(x), torch.from_numpy(w), None, s, p, d, g))
    assert ours == theirs


@settings(max_examples=80)
@given(st.integers(1, 4), st.integers(0, 3), st.integers(0, 3), st.integers(1, 2),
       st.integers(1, 5), st.booleans())
def test_pools_reject_what_torch_rejects(k: int, p: int, s: int, d: int, hw: int,
                                         ceil: bool) -> None:
    """The same calls fail, with the same exception type and PyTorch's message."""
    x = np.zeros((1, 1, hw, hw))
    t = torch.from_numpy(x)
    for ours, theirs in (
        (lambda: F.max_pool2d(x, k, s or None, p, d, ceil),
         lambda: torch.nn.functional.max_pool2d(t, k, s or None, p, d, ceil)),
        (lambda: F.avg_pool2d(x, k, s or None, p, ceil),
         lambda: torch.nn.functional.avg_pool2d(t, k, s or None, p, ceil)),
    ):
        (kind, msg), (tkind, tmsg) = outcome(ours), outcome(theirs)
        assert kind == tkind
        assert tmsg.split(":")[0].split(", but")[0] in msg, (msg, tmsg)


# -- layers: torch's weights loaded, same outputs and gradients ------------------------------
def _numpy_state(module: Any) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


@pytest.mark.parametrize("cls,args,kw,shape", [
    (Conv2d, (4, 6, 3), {"stride": 2, "padding": 1, "groups": 2}, (2, 4, 7, 8)),
    (Conv2d, (3, 5, (2, 3)), {"padding": "same", "dilation": (2, 1), "bias": False}, (3, 6, 6)),
    (Conv1d, (2, 4, 3), {"padding": 2, "dilation": 2}, (3, 2, 9)),
    (MaxPool2d, (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 8, 7)),
    (AvgPool2d, (2,), {"count_include_pad": False, "padding": 1}, (2, 3, 5, 5)),
    (AdaptiveAvgPool2d, ((3, 2),), {}, (2, 3, 7, 5)),
    (ZeroPad2d, ((1, 0, 2, 3),), {}, (2, 3, 4, 4)),
])
def test_layers_match_torch(cls: Any, args: tuple[Any, ...], kw: dict[str, Any],
                            shape: tuple[int, ...]) -> None:
    theirs = getattr(torch.nn, cls.__name__)(*args, **kw).double()
    ours = cls(*args, **kw).double()
    assert repr(ours) == repr(theirs)
    state = _numpy_state(theirs)
    shapes = {k: v.shape for k, v in state.items()}
    assert {k: v.shape for k, v in ours.state_dict().items()} == shapes
    ours.load_state_dict(state)
    x = np.random.default_rng(0).standard_normal(shape)
    _both(ours, theirs, [x], TOL64)
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), **TOL64, err_msg=name)


@pytest.mark.parametrize("groups", [1, 3])
def test_conv2d_default_init_has_torch_bounds(groups: int) -> None:
    tg.manual_seed(0)
    ours = Conv2d(6, 12, (5, 4), groups=groups)
    theirs = torch.nn.Conv2d(6, 12, (5, 4), groups=groups)
    fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(theirs.weight)
    bound = 1 / fan_in**0.5  # kaiming_uniform_(a=sqrt(5)) and the bias rule, both U(-b, b)
    for name, near in (("weight", 0.95), ("bias", 0.3)):  # 720 and 12 draws
        a, b = getattr(ours, name).detach().numpy(), getattr(theirs, name).detach().numpy()
        assert a.dtype == b.dtype == np.float32 and a.shape == b.shape
        assert np.abs(b).max() <= bound  # the bound is PyTorch's
        assert near * bound < np.abs(a).max() <= bound
    w = ours.weight.detach().numpy()
    assert w.std() == pytest.approx(bound / 3**0.5, rel=0.1)  # the std of U(-b, b)


def test_cnn_training_step_matches_torch_float32() -> None:
    """The benchmark's model: the same loss and parameter gradients in float32."""
    from tinygrad_nn import nn

    tmodel = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 6, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(6 * 7 * 7, 10))
    model = nn.Sequential(Conv2d(1, 4, 3, padding=1), nn.ReLU(), MaxPool2d(2),
                          Conv2d(4, 6, 3, padding=1), nn.ReLU(), MaxPool2d(2),
                          nn.Flatten(), nn.Linear(6 * 7 * 7, 10))
    model.load_state_dict(_numpy_state(tmodel))
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, 8)
    loss = F.cross_entropy(model(tg.tensor(x)), y)
    tloss = torch.nn.functional.cross_entropy(tmodel(torch.from_numpy(x)), torch.from_numpy(y))
    loss.backward()
    tloss.backward()
    assert loss.item() == pytest.approx(tloss.item(), rel=1e-5)
    for (name, p), (_, tp) in zip(model.named_parameters(), tmodel.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-3, atol=1e-5,
                                   err_msg=name)
