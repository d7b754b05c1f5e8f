"""The activation functions beyond the basic ones, and PyTorch's in-place ``_`` forms.

Each is a composite of Tensor ops, so gradients and second derivatives come from the
engine. The branches are ``where`` on masks of the input, with PyTorch's strict or
inclusive comparison at each kink, so the gradient AT a kink is PyTorch's too (e.g.
hardtanh's is 0 at min_val and max_val, elu's at 0 is the negative branch's).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._random import get_rng
from .._scope import composite
from .._warn import user_stacklevel
from ..tensor import Tensor
from ..tensor_functions import where
from ..tensor_random import draw_rng
from .basic import _cast, _result, _softmax_dim, _source, as_tensor, elu, leaky_relu, relu

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _float_input(input: Any, who: str, inplace: bool = False) -> Tensor:
    """The input as a Tensor (PyTorch has no integer kernel for these functions); a copy
    when the result will overwrite it, so the values saved for backward stay intact."""
    x = as_tensor(input)
    if x.dtype.kind != "f":
        raise NotImplementedError(f"{who}: not implemented for dtype {x.dtype} (expected a "
                                  "floating point input)")
    return x.clone() if inplace and x.requires_grad else x


@composite
def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """clip(x, min_val, max_val); the gradient is 1 strictly inside, 0 at and beyond the ends."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    x = as_tensor(input)
    if x.dtype.kind != "f":  # integers (no gradient) stay integers, as in PyTorch
        lo, hi = np.asarray(min_val).astype(x.dtype), np.asarray(max_val).astype(x.dtype)
        return _result(input, x.clip(lo.item(), hi.item()), inplace)
    # the clipped value outside (min_val, max_val), with no gradient there
    return _result(input, where((x > min_val) & (x < max_val), x,
                                x.detach().clip(min_val, max_val)), inplace)


def hardtanh_(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place hardtanh: x = clip(x, min_val, max_val); returns x."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Any, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6) (hardtanh(x, 0, 6): gradient 0 at 0 and at 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


@composite
def hardsigmoid(input: Any, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 for x <= -3, 1 for x >= 3, x / 6 + 1/2 between."""
    x = _float_input(input, "hardsigmoid", inplace)
    # outside (-3, 3): 1 above, 0 below, and NaN stays NaN (PyTorch's min / max)
    outside = where(x >= 3, 1.0, where(x <= -3, 0.0, x))
    return _result(input, where((x > -3) & (x < 3), (x + 3) / 6, outside), inplace)


@composite
def hardswish(input: Any, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6: 0 for x <= -3, x for x >= 3, x (x + 3) / 6 between."""
    x = _float_input(input, "hardswish", inplace)
    mid = x * (x + 3) / 6
    # x * 0 below -3: 0 with no gradient, and NaN at -inf, as PyTorch's x * relu6(x + 3) / 6
    return _result(input, where(x <= -3, x * 0, where(x >= 3, x, mid)), inplace)


@composite
def selu(input: Any, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with scale = 1.0507..., alpha = 1.6733... (self-normalising)."""
    x = _float_input(input, "selu", inplace)
    return _result(input, elu(x, _SELU_ALPHA) * _SELU_SCALE, inplace)


def selu_(input: Any) -> Tensor:
    """In-place selu; returns x."""
    return selu(input, inplace=True)


@composite
def celu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1)) = alpha elu(x / alpha)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    x = _float_input(input, "celu", inplace)
    # PyTorch's form: elu with input scale 1 / alpha (a product: it saves no copy of x
    # that the in-place form would overwrite)
    return _result(input, elu(x * (1 / alpha)) * alpha, inplace)


def celu_(input: Any, alpha: float = 1.0) -> Tensor:
    """In-place celu; returns x."""
    return celu(input, alpha, inplace=True)


def relu_(input: Any) -> Tensor:
    """In-place relu: x = max(x, 0); returns x."""
    return relu(input, inplace=True)


def elu_(input: Any, alpha: float = 1.0, scale: float = 1.0, input_scale: float = 1.0) -> Tensor:
    """In-place elu; returns x. ``scale`` and ``input_scale`` are PyTorch's (its SELU
    constants): scale x where x > 0, else scale alpha (exp(input_scale x) - 1)."""
    if scale == 1 and input_scale == 1:
        return elu(input, alpha, inplace=True)
    x = _source(input, True)
    return _result(input, where(x > 0, x, (x * input_scale).elu(alpha)) * scale, True)


def leaky_relu_(input: Any, negative_slope: float = 0.01) -> Tensor:
    """In-place leaky_relu; returns x."""
    return leaky_relu(input, negative_slope, inplace=True)


@composite
def glu(input: Any, dim: int = -1) -> Tensor:
    """a * sigmoid(b), (a, b) the two halves of x along ``dim``: (*, 2n, *) -> (*, n, *)."""
    x = _float_input(input, "glu")
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim + x.ndim if dim < 0 else dim
    if not 0 <= d < x.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-x.ndim}, "
                         f"{x.ndim - 1}], but got {dim})")
    n = x.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    return x.narrow(d, 0, n // 2) * x.narrow(d, n // 2, n // 2).sigmoid()


@composite
def mish(input: Any, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x))."""
    x = _float_input(input, "mish", inplace)
    return _result(input, x * x.softplus().tanh(), inplace)


@composite
def softsign(input: Any) -> Tensor:
    """x / (1 + |x|)."""
    x = as_tensor(input)
    return x / (x.abs() + 1)


@composite
def softshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """x - lambd for x > lambd, x + lambd for x < -lambd, else 0 (gradient 0 at +-lambd)."""
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be in range [0, inf), but found {lambd}")
    x = as_tensor(input)
    return where(x > lambd, x - lambd, where(x < -lambd, x + lambd, x * 0))  # NaN stays NaN


@composite
def hardshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0 (gradient 0 at +-lambd): ``Tensor.hardshrink``."""
    return as_tensor(input).hardshrink(lambd)


@composite
def tanhshrink(input: Any) -> Tensor:
    """x - tanh(x)."""
    x = as_tensor(input)
    return x - x.tanh()


@composite
def threshold(input: Any, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value (gradient 0 at and below threshold)."""
    x = as_tensor(input)
    # value takes the input's dtype (an integer input stays integer, as in PyTorch)
    # (x <= threshold is False for NaN, which stays NaN as in PyTorch)
    return _result(input, where(x <= threshold, np.asarray(value).astype(x.dtype), x), inplace)


_threshold = threshold  # its own argument `threshold` hides the function in threshold_


def threshold_(input: Any, threshold: float, value: float) -> Tensor:
    """In-place threshold; returns x."""
    return _threshold(input, threshold, value, inplace=True)


@composite
def prelu(input: Any, weight: Any) -> Tensor:
    """x where x > 0, else w x; w (C,) acts on channel dim 1 (or one w for every element):
    ``Tensor.prelu``."""
    return as_tensor(input).prelu(weight)


def _check_rrelu(lower: float, upper: float) -> None:
    if lower > upper:
        raise RuntimeError(f"rrelu: Lower bound should be less than or equal to the upper "
                           f"bound (got lower={lower}, upper={upper})")


def _rrelu(input: Any, lower: float, upper: float, training: bool, inplace: bool,
           generator: Any) -> Tensor:
    _check_rrelu(lower, upper)
    x = _float_input(input, "rrelu")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    slope = draw_rng(generator).uniform(lower, upper, x.shape).astype(x.dtype)
    return _result(input, where(x > 0, x, x * slope), inplace)


@composite
def rrelu(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """x where x > 0, else a x: a ~ U(lower, upper) per element while training, else
    a = (lower + upper) / 2 (leaky_relu)."""
    return _rrelu(input, lower, upper, training, inplace, None)


@composite
def rrelu_(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
           generator: Any = None) -> Tensor:
    """In-place rrelu; returns x. The slopes come from ``generator`` if given (PyTorch's
    ``rrelu_`` takes one; ``rrelu`` does not)."""
    return _rrelu(input, lower, upper, training, True, generator)


def softmin(input: Any, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """softmax(-x) along ``dim``: exp(-x) / sum(exp(-x))."""
    x = _cast(input, dtype)
    return (-x).softmax(_softmax_dim("softmin", x.ndim, dim))


@composite
def gumbel_softmax(logits: Any, tau: float = 1.0, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """softmax((logits + g) / tau) along ``dim``, g ~ Gumbel(0, 1) (the library generator);
    ``hard``: the one-hot of its argmax, with the soft sample's gradient (straight-through)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.",
                      stacklevel=user_stacklevel())
    x = as_tensor(logits)
    gumbels = -np.log(get_rng().exponential(1.0, x.shape)).astype(x.dtype)
    y = ((x + gumbels) / tau).softmax(dim)
    if not hard:
        return y
    one_hot = y.new_zeros(y.shape).scatter(dim, y.detach().argmax(dim, keepdim=True), 1.0)
    return one_hot - y.detach() + y
