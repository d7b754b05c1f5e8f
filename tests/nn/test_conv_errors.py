"""Convolution, pooling, unfold / fold and their layers: argument errors and their messages.

Values, shapes and the layers' behaviour are in test_conv.py.
"""

from __future__ import annotations

from typing import Any

import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn.nn import AvgPool2d, Conv2d, ZeroPad2d


# -- errors --------------------------------------------------------------------------------
def test_wrong_channel_count_names_both_counts() -> None:
    with pytest.raises(ValueError, match=r"conv2d: input has 3 channels, weight expects 1 "
                                         r"\(in_channels=1, groups=1\)"):
        Conv2d(1, 4, 3)(tg.randn(2, 3, 8, 8))
    with pytest.raises(ValueError, match=r"input has 3 channels, weight expects 4 .*groups=2"):
        F.conv2d(tg.randn(1, 3, 5, 5), tg.randn(4, 2, 3, 3), groups=2)


@pytest.mark.parametrize("shape", [(8, 8), (1, 1, 1, 8, 8), ()])
def test_conv_rejects_inputs_that_are_not_3_or_4_d(shape: tuple[int, ...]) -> None:
    x = tg.zeros(*shape)
    with pytest.raises(ValueError, match=rf"4-D input \(N, C, H, W\).*{re_shape(shape)}"):
        F.conv2d(x, tg.zeros(1, 1, 1, 1))
    # (pooling raises PyTorch's RuntimeError / IndexError: tests/nn/test_pool_errors.py)


def re_shape(shape: tuple[int, ...]) -> str:
    return str(shape).replace("(", r"\(").replace(")", r"\)")


def test_kernel_larger_than_padded_input_names_both_sizes() -> None:
    with pytest.raises(ValueError, match=r"kernel size \(5, 5\).*padded input size \(4, 6\)"):
        F.conv2d(tg.zeros(1, 1, 2, 4), tg.zeros(1, 1, 5, 5), padding=1)
    with pytest.raises(ValueError, match=r"dilated to \(5, 5\).*padded input size \(4, 4\)"):
        F.conv2d(tg.zeros(1, 1, 4, 4), tg.zeros(1, 1, 3, 3), dilation=2)
    with pytest.raises(RuntimeError, match=r"max_pool2d: Given input size: \(1x2x2\). "
                                           r"Calculated output size: \(1x0x0\)"):
        F.max_pool2d(tg.zeros(1, 1, 2, 2), 3)


def test_groups_must_divide_the_channels() -> None:
    with pytest.raises(ValueError, match=r"in_channels \(3\) must be divisible by groups \(2\)"):
        Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"out_channels \(3\) must be divisible by groups \(2\)"):
        Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match=r"out_channels \(3\) must be divisible by groups \(2\)"):
        F.conv2d(tg.zeros(1, 4, 5, 5), tg.zeros(3, 2, 3, 3), groups=2)
    with pytest.raises(ValueError, match="groups must be a positive int, got 0"):
        F.conv2d(tg.zeros(1, 4, 5, 5), tg.zeros(4, 4, 3, 3), groups=0)


@pytest.mark.parametrize("kw", [{"stride": 0}, {"stride": (1, -1)}, {"dilation": 0}])
def test_non_positive_stride_or_dilation(kw: dict[str, Any]) -> None:
    name = next(iter(kw))
    with pytest.raises(ValueError, match=rf"conv2d: {name} must be positive, got"):
        F.conv2d(tg.zeros(1, 1, 5, 5), tg.zeros(1, 1, 3, 3), **kw)
    with pytest.raises(ValueError, match=rf"Conv2d: {name} must be positive"):
        Conv2d(1, 1, 3, **kw)
    with pytest.raises(RuntimeError, match=rf"{name} should (not be zero|be greater than zero)"):
        F.max_pool2d(tg.zeros(1, 1, 5, 5), 2, **kw)


def test_pool_padding_at_most_half_the_kernel() -> None:
    with pytest.raises(RuntimeError, match=r"pad should be at most half of effective kernel "
                                           r"size, but got pad=2, kernel_size=3 and dilation=1"):
        F.max_pool2d(tg.zeros(1, 1, 6, 6), 3, padding=2)
    with pytest.raises(RuntimeError, match=r"pad=3, kernel_size=4"):
        AvgPool2d((2, 4), padding=(0, 3))(tg.zeros(1, 1, 6, 6))


def test_other_argument_errors() -> None:
    x, w = tg.zeros(1, 2, 5, 5), tg.zeros(3, 2, 3, 3)
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\).*got \(2,\)"):
        F.conv2d(x, w, tg.zeros(2))
    with pytest.raises(ValueError, match=r"weight must be 4-D .*got shape \(3, 2, 3\)"):
        F.conv2d(x, tg.zeros(3, 2, 3))
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        F.conv2d(x, w, padding="same", stride=2)
    with pytest.raises(ValueError, match="padding must be 'same', 'valid'"):
        F.conv2d(x, w, padding="full")
    with pytest.raises(ValueError, match="padding must be >= 0"):
        F.conv2d(x, w, padding=-1)
    with pytest.raises(TypeError, match=r"stride must be an int or a pair of ints, got \(1, 2"):
        F.conv2d(x, w, stride=(1, 2, 3))
    with pytest.raises(ValueError, match="padding_mode must be one of .*got padding_mode='same'"):
        Conv2d(2, 3, 3, padding_mode="same")
    with pytest.raises(ValueError, match=r"fold: expected an input of shape \(N, C\*4, 16\)"):
        F.fold(tg.zeros(1, 8, 15), (5, 5), 2)
    with pytest.raises(ValueError, match="conv1d: weight must be 3-D"):
        F.conv1d(tg.zeros(1, 2, 5), w)
    assert ZeroPad2d(-1)(tg.ones((1, 4, 4))).shape == (1, 2, 2)  # negative crops (PyTorch's)
