"""Pooling errors against PyTorch: the same exception type for the same bad call (bad
kernel / stride / padding / dilation, padding over half the kernel, an empty output, wrong
input dims), PyTorch's message text, and the given values in ours. Also the functional
forms' and the modules' results where PyTorch accepts an unusual call."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.nn.torch_compare import outcome
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

X3, X4, X5 = (1, 2, 5), (1, 2, 5, 5), (1, 2, 4, 4, 4)
CASES: list[tuple[str, tuple[int, ...], dict[str, Any]]] = [
    ("max_pool2d", X4, {"kernel_size": 0}), ("max_pool2d", X4, {"kernel_size": -1}),
    ("max_pool2d", X4, {"kernel_size": (2, -1)}),
    ("max_pool2d", X4, {"kernel_size": 2, "stride": 0}),
    ("max_pool2d", X4, {"kernel_size": 2, "stride": -1}),
    ("max_pool2d", X4, {"kernel_size": 2, "dilation": 0}),
    ("max_pool2d", X4, {"kernel_size": 2, "padding": -1}),
    ("max_pool2d", X4, {"kernel_size": 2, "padding": 2}),
    ("max_pool2d", X4, {"kernel_size": 3, "dilation": 2, "padding": 2}),
    ("max_pool2d", X4, {"kernel_size": 7}), ("max_pool2d", X4, {"kernel_size": 3, "dilation": 3}),
    ("max_pool2d", X4, {"kernel_size": 6, "stride": 1, "ceil_mode": True}),
    ("max_pool2d", X4, {"kernel_size": (2, 2, 2)}),
    ("max_pool2d", X4, {"kernel_size": 2, "stride": (1, 1, 1)}),
    ("max_pool2d", X4, {"kernel_size": 2, "padding": (1, 1, 1)}),
    ("max_pool2d", X4, {"kernel_size": 2, "dilation": (2, 2, 2)}),
    ("max_pool2d", X4, {"kernel_size": 2.0}),
    ("max_pool2d", (5, 5), {"kernel_size": 2}), ("max_pool2d", X5, {"kernel_size": 2}),
    ("max_pool2d", (1, 0, 4, 4), {"kernel_size": 2}),
    ("avg_pool2d", X4, {"kernel_size": 0}), ("avg_pool2d", X4, {"kernel_size": -1}),
    ("avg_pool2d", X4, {"kernel_size": 2, "stride": 0}),
    ("avg_pool2d", X4, {"kernel_size": 2, "stride": -1}),
    ("avg_pool2d", X4, {"kernel_size": 2, "padding": 2}),
    ("avg_pool2d", X4, {"kernel_size": 2, "padding": -1}),
    ("avg_pool2d", X4, {"kernel_size": 7}), ("avg_pool2d", X4, {"kernel_size": (2, 2, 2)}),
    ("avg_pool2d", X4, {"kernel_size": 2, "divisor_override": 0}),
    ("avg_pool2d", (5, 5), {"kernel_size": 2}), ("avg_pool2d", (5,), {"kernel_size": 2}),
    ("avg_pool2d", X5, {"kernel_size": 2}), ("avg_pool2d", (1, 0, 4, 4), {"kernel_size": 2}),
    ("max_pool1d", X3, {"kernel_size": 0}), ("max_pool1d", X3, {"kernel_size": -1}),
    ("max_pool1d", X3, {"kernel_size": 2, "stride": 0}),
    ("max_pool1d", X3, {"kernel_size": 2, "stride": -1}),
    ("max_pool1d", X3, {"kernel_size": 2, "padding": 2}),
    ("max_pool1d", X3, {"kernel_size": 2, "padding": -1}),
    ("max_pool1d", X3, {"kernel_size": 2, "dilation": 0}),
    ("max_pool1d", X3, {"kernel_size": 7}), ("max_pool1d", X3, {"kernel_size": 3, "dilation": 3}),
    ("max_pool1d", X3, {"kernel_size": (2, 2)}),
    ("max_pool1d", X3, {"kernel_size": 2, "stride": (2, 2)}),
    ("max_pool1d", X3, {"kernel_size": 2, "padding": (1, 1)}),
    ("max_pool1d", X3, {"kernel_size": 2, "dilation": (1, 1)}),
    ("max_pool1d", X4, {"kernel_size": 2}), ("max_pool1d", (5,), {"kernel_size": 2}),
    ("max_pool1d", (2, 0, 5), {"kernel_size": 2}),
    ("avg_pool1d", X3, {"kernel_size": 0}), ("avg_pool1d", X3, {"kernel_size": -1}),
    ("avg_pool1d", X3, {"kernel_size": 2, "stride": 0}),
    ("avg_pool1d", X3, {"kernel_size": 2, "padding": 2}),
    ("avg_pool1d", X3, {"kernel_size": 2, "padding": -1}),
    ("avg_pool1d", X3, {"kernel_size": 7}), ("avg_pool1d", X3, {"kernel_size": (2, 2)}),
    ("avg_pool1d", X3, {"kernel_size": 2, "stride": (2, 2)}),
    ("avg_pool1d", X4, {"kernel_size": 2}), ("avg_pool1d", (5,), {"kernel_size": 2}),
    ("max_pool3d", X5, {"kernel_size": 7}), ("avg_pool3d", X5, {"kernel_size": 5, "padding": 2}),
    ("adaptive_avg_pool2d", X4, {"output_size": -1}),
    ("adaptive_avg_pool2d", X4, {"output_size": (2, -1)}),
    ("adaptive_avg_pool2d", X4, {"output_size": (1, 2, 3)}),
    ("adaptive_avg_pool2d", (5, 5), {"output_size": 2}),
    ("adaptive_avg_pool2d", (5, 5), {"output_size": (None, 3)}),
    ("adaptive_avg_pool2d", X5, {"output_size": 2}),
    ("adaptive_avg_pool1d", X3, {"output_size": -1}),
    ("adaptive_avg_pool1d", X3, {"output_size": (2, 2)}),
    ("adaptive_avg_pool1d", X3, {"output_size": 2.0}),
    ("adaptive_avg_pool1d", X4, {"output_size": 2}),
    ("adaptive_avg_pool3d", X5, {"output_size": -1}),
    ("adaptive_avg_pool3d", X5, {"output_size": (1, 2)}),
    ("adaptive_avg_pool3d", X4[1:], {"output_size": 2}),
    ("adaptive_avg_pool3d", X4[1:], {"output_size": (1, 2, 3, 4)}),
]


def _words(message: str) -> str:
    """PyTorch's message without the shapes and values each library prints its own way."""
    message = re.sub(r"^\w+: ", "", message)
    return re.split(r"[\[(:{]|, got|but got", message)[0].strip()


@pytest.mark.parametrize("fn,shape,kw", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_errors_are_torchs(fn: str, shape: tuple[int, ...], kw: dict[str, Any]) -> None:
    kind, msg = outcome(lambda: getattr(F, fn)(tg.zeros(*shape), **kw))
    tkind, tmsg = outcome(lambda: getattr(TF, fn)(torch.zeros(*shape), **kw))
    assert tkind != "no error"
    assert kind == tkind, (msg, tmsg)
    if tkind != "TypeError":  # (PyTorch's argument parser words those its own way)
        assert _words(tmsg) in msg, (msg, tmsg)


def test_our_messages_give_the_values_and_shapes() -> None:
    with pytest.raises(RuntimeError, match=r"non-empty 3D or 4D .*got shape \(5, 5\)"):
        F.max_pool2d(tg.zeros(5, 5), 2)
    with pytest.raises(RuntimeError, match=r"kernel_size must either be a single int, or a "
                                           r"tuple of two ints, got \(2, 2, 2\)"):
        nn.MaxPool2d((2, 2, 2))(tg.zeros(1, 1, 4, 4))
    with pytest.raises(RuntimeError, match=r"Given input size: \(2x5x5\). Calculated output "
                                           r"size: \(2x0x0\)"):
        nn.AvgPool2d(7)(tg.zeros(1, 2, 5, 5))
    with pytest.raises(RuntimeError, match=r"Invalid computed output size: 0 \(input length 5"):
        nn.MaxPool1d(7)(tg.zeros(1, 2, 5))
    with pytest.raises(RuntimeError, match=r"Given input size: \(2x4x4x4\)"):
        nn.MaxPool3d(5)(tg.zeros(1, 2, 4, 4, 4))
    with pytest.raises(RuntimeError, match=r"max_unpooling2d .*3d or 4d .*shape \(2, 2\)"):
        F.max_unpool2d(tg.zeros(2, 2), tg.zeros(2, 2, dtype=tg.int64), 2)


@pytest.mark.parametrize("call", [
    lambda F, x: F.avg_pool2d(x, 2, divisor_override=-3),  # a negative divisor is allowed
    lambda F, x: F.avg_pool2d(x.long(), (1, 3), 1),  # integer pooling truncates
    lambda F, x: F.avg_pool2d(x.long(), 2, divisor_override=-3),
    lambda F, x: F.avg_pool1d(x[0].long(), 3, 1, 1),
    lambda F, x: F.adaptive_avg_pool2d(x, 0),  # an empty output
    lambda F, x: F.adaptive_avg_pool2d(x, (None, 3)),
    lambda F, x: F.adaptive_avg_pool1d(x[0], 0),
    lambda F, x: F.max_pool2d(x[:0], 2), lambda F, x: F.avg_pool2d(x[:0], 2),  # empty batch
])
def test_unusual_calls_torch_accepts(call: Any) -> None:
    a = (np.arange(2 * 3 * 4 * 5) % 11 - 5).reshape(2, 3, 4, 5).astype(np.float64) * 3.0
    y, ty = call(F, tg.tensor(a)), call(TF, torch.tensor(a))
    assert y.shape == tuple(ty.shape) and str(y.dtype) == str(ty.dtype).replace("torch.", "")
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-12, atol=1e-12)


def test_integer_adaptive_average_is_not_implemented() -> None:
    with pytest.raises(NotImplementedError, match=r'"adaptive_avg_pool2d" not implemented for '
                                                  r"'Long'"):
        F.adaptive_avg_pool2d(tg.zeros(1, 2, 4, 4, dtype=tg.int64), 2)


@settings(max_examples=40, deadline=None)
@given(nd=st.sampled_from([1, 2, 3]), k=st.integers(1, 3), s=st.integers(1, 2),
       pad=st.integers(0, 1), ceil=st.booleans(), include=st.booleans(),
       override=st.sampled_from([None, 3, -2]), seed=st.integers(0, 2**16))
def test_integer_average_pooling_truncates_as_torch(nd: int, k: int, s: int, pad: int,
                                                    ceil: bool, include: bool, override: Any,
                                                    seed: int) -> None:
    x = np.random.default_rng(seed).integers(-50, 50, (2, 2) + (5,) * nd)
    pad = min(pad, k // 2)
    args: tuple[Any, ...] = (k, s, pad, ceil, include) + ((override,) if nd > 1 else ())
    name = f"avg_pool{nd}d"
    y = getattr(F, name)(tg.tensor(x), *args)
    ty = getattr(TF, name)(torch.tensor(x), *args)
    assert y.dtype == tg.int64 and ty.dtype == torch.int64
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("ndim", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("out", [0, 1, 2, (None, 2, 1), (1, 1, 1)])
@pytest.mark.parametrize("integer", [False, True])
def test_adaptive_average_pools_fail_and_succeed_as_torch(nd: int, ndim: int, out: Any,
                                                          integer: bool) -> None:
    """Including PyTorch's shortcuts: an all-ones output is a mean over the last dims (any
    number of leading dims; integers fail in the mean), an empty 2-D output checks no
    dtype."""
    if isinstance(out, tuple):
        out = out[3 - nd:] if nd > 1 else out[-1]
    x = (np.arange(2 * 3 ** (ndim - 1)) % 7 - 3.0).reshape((2,) + (3,) * (ndim - 1))
    if integer:
        x = x.astype(np.int64)
    name = f"adaptive_avg_pool{nd}d"
    kind, msg = outcome(lambda: getattr(F, name)(tg.tensor(x), out))
    tkind, tmsg = outcome(lambda: getattr(TF, name)(torch.tensor(x), out))
    assert kind == tkind, (msg, tmsg)
    if kind == "no error":
        y, ty = getattr(F, name)(tg.tensor(x), out), getattr(TF, name)(torch.tensor(x), out)
        assert y.shape == tuple(ty.shape)
        np.testing.assert_allclose(y.numpy(), ty.numpy(), atol=1e-12)
