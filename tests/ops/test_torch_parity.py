"""Values and gradients against PyTorch (float64) for every core op and loss.

Each check runs the same function on tinygrad_nn and on torch, compares the outputs, then
back-propagates the same random output gradient through both and compares the gradient of
every input. Points at kinks and ties are included on purpose: the conventions must match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import Tensor, tensor
from tinygrad_nn.testing import strategies as tst

torch = pytest.importorskip("torch")
TF = torch.nn.functional
pytestmark = pytest.mark.torch
RNG = np.random.default_rng(0)


def compare(ours: Callable[..., Any], theirs: Callable[..., Any], *arrays: Any,
            grad: tuple[int, ...] | None = None, rtol: float = 1e-7, atol: float = 1e-10) -> None:
    """Same outputs and same vector-Jacobian products for the inputs listed in ``grad``."""
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in arrays)
    grad = tuple(range(len(arrays))) if grad is None else grad
    xs = [tensor(a.copy(), requires_grad=i in grad) for i, a in enumerate(arrays)]
    ts = [torch.tensor(a.copy(), requires_grad=i in grad) for i, a in enumerate(arrays)]
    out, tout = ours(*xs), theirs(*ts)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    touts = list(tout) if isinstance(tout, (tuple, list)) else [tout]
    assert len(outs) == len(touts)
    for o, to in zip(outs, touts):
        assert o.shape == tuple(to.shape)
        np.testing.assert_allclose(o.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    pairs = [(o, to) for o, to in zip(outs, touts) if to.requires_grad]
    if not grad or not pairs:
        return
    seeds = [RNG.standard_normal(o.shape) for o, _ in pairs]
    ours_g = tg.grad([o for o, _ in pairs], [xs[i] for i in grad],
                     grad_outputs=[tensor(s) for s in seeds], allow_unused=True)
    theirs_g = torch.autograd.grad([to for _, to in pairs], [ts[i] for i in grad],
                                   grad_outputs=[torch.tensor(s) for s in seeds],
                                   allow_unused=True)
    for i, g, tgr in zip(grad, ours_g, theirs_g):
        expect = np.zeros(arrays[i].shape) if tgr is None else tgr.numpy()
        got = np.zeros(arrays[i].shape) if g is None else g.numpy()
        np.testing.assert_allclose(got, expect, rtol=rtol, atol=atol, err_msg=f"input {i}")


def u(*shape: int, lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    return RNG.uniform(lo, hi, shape)


KINKS = np.array([-1.0, 0.0, 1.0, 0.5, -0.5])  # with bounds at +-1 and 0.5

# -- elementwise -------------------------------------------------------------------------------

UNARY = {
    "neg": (lambda x: -x, lambda x: -x, (-3, 3)), "abs": (abs, abs, (-3, 3)),
    "exp": (Tensor.exp, torch.exp, (-3, 3)), "log": (Tensor.log, torch.log, (0.1, 5)),
    "log1p": (Tensor.log1p, torch.log1p, (-0.9, 3)), "expm1": (Tensor.expm1, torch.expm1, (-3, 3)),
    "sqrt": (Tensor.sqrt, torch.sqrt, (0.1, 5)), "rsqrt": (Tensor.rsqrt, torch.rsqrt, (0.1, 5)),
    "reciprocal": (Tensor.reciprocal, torch.reciprocal, (0.2, 3)),
    "square": (Tensor.square, torch.square, (-3, 3)), "sin": (Tensor.sin, torch.sin, (-3, 3)),
    "cos": (Tensor.cos, torch.cos, (-3, 3)), "tanh": (Tensor.tanh, torch.tanh, (-3, 3)),
    "erf": (Tensor.erf, torch.erf, (-3, 3)), "sigmoid": (Tensor.sigmoid, torch.sigmoid, (-8, 8)),
    "relu": (Tensor.relu, torch.relu, (-3, 3)),
    "leaky_relu": (lambda x: x.leaky_relu(0.1), lambda x: TF.leaky_relu(x, 0.1), (-3, 3)),
    "leaky_relu-default": (F.leaky_relu, TF.leaky_relu, (-3, 3)),
    "elu": (lambda x: F.elu(x, 0.7), lambda x: TF.elu(x, 0.7), (-3, 3)),
    "gelu": (F.gelu, TF.gelu, (-4, 4)),
    "gelu-tanh": (lambda x: x.gelu("tanh"), lambda x: TF.gelu(x, approximate="tanh"), (-4, 4)),
    "softplus": (F.softplus, TF.softplus, (-8, 8)),
    "softplus-beta": (lambda x: x.softplus(2.0, 5.0), lambda x: TF.softplus(x, 2.0, 5.0), (-4, 4)),
    "silu": (F.silu, TF.silu, (-6, 6)), "log_sigmoid": (F.logsigmoid, TF.logsigmoid, (-8, 8)),
    "clip": (lambda x: x.clip(-1.0, 1.0), lambda x: x.clamp(-1.0, 1.0), (-3, 3)),
    "clamp-min": (lambda x: x.clamp(min=0.5), lambda x: x.clamp(min=0.5), (-3, 3)),
    "clamp-max": (lambda x: F.clamp(x, None, 0.5), lambda x: x.clamp(max=0.5), (-3, 3)),
}


@pytest.mark.parametrize("name", UNARY)
def test_unary(name: str) -> None:
    ours, theirs, (lo, hi) = UNARY[name]
    x = np.concatenate([u(12, lo=lo, hi=hi), KINKS[(KINKS > lo) & (KINKS < hi)]])
    compare(ours, theirs, x.reshape(-1, 1) if x.size % 2 else x.reshape(2, -1))


BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: abs(a) ** b, lambda a, b: abs(a) ** b),
    "maximum": (tg.maximum, torch.maximum), "minimum": (tg.minimum, torch.minimum),
}


@given(data=st.data())
@pytest.mark.parametrize("name", BINARY)
def test_binary_with_broadcasting_and_ties(name: str, data: Any) -> None:
    sa, sb = data.draw(tst.broadcastable_shapes(max_dims=3, max_side=3))
    # values from a small set: ties for maximum / minimum; no zero divisors or bases
    values = st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.0, 1.5])
    a, b = (data.draw(tst.arrays(shape=s, elements=values)) for s in (sa, sb))
    compare(*BINARY[name], a, b)


@pytest.mark.parametrize("f", [lambda c, x: c + x, lambda c, x: c - x, lambda c, x: c * x,
                               lambda c, x: c / x, lambda c, x: abs(c) ** x],
                         ids=["radd", "rsub", "rmul", "rtruediv", "rpow"])
@pytest.mark.parametrize("c", [2.0, -1.5, np.array([1.0, -2.0, 3.0])], ids=["2", "-1.5", "array"])
def test_reflected_forms(f: Any, c: Any) -> None:
    tc = torch.tensor(c) if isinstance(c, np.ndarray) else c
    compare(lambda x: f(c, x), lambda x: f(tc, x), u(2, 3, lo=0.5, hi=2.0))


@pytest.mark.parametrize("p", [2, 3, 0, -1, 0.5, -1.5])
def test_pow_with_scalar_exponents(p: float) -> None:
    compare(lambda x: x**p, lambda x: x**p, u(3, 4, lo=0.3, hi=2.0))
    if isinstance(p, int) and p > 0:  # negative bases and zero
        compare(lambda x: x**p, lambda x: x**p, np.array([-2.0, 0.0, 1.5]))


def test_zeroth_power_of_zero_has_a_zero_gradient() -> None:
    compare(lambda x: x**0, lambda x: x**0, np.array([-2.0, 0.0, 1.5]))


def test_where_and_masked_fill() -> None:
    cond = RNG.random((2, 3)) > 0.5
    compare(lambda a, b: tg.where(cond, a, b), lambda a, b: torch.where(torch.tensor(cond), a, b),
            u(2, 3), u(3))
    compare(lambda a: a.masked_fill(cond, -1.0),
            lambda a: a.masked_fill(torch.tensor(cond), -1.0), u(2, 3))


# -- reductions ---------------------------------------------------------------------------------


def _dims(axis: Any, ndim: int) -> tuple[int, ...]:
    return tuple(range(ndim)) if axis is None else (axis,) if isinstance(axis, int) else axis


REDUCTIONS = {
    "sum": (lambda x, a, k: x.sum(a, k), lambda x, d, k: x.sum(d, keepdim=k)),
    "mean": (lambda x, a, k: x.mean(a, k), lambda x, d, k: x.mean(d, keepdim=k)),
    "var": (lambda x, a, k: x.var(a, keepdim=k), lambda x, d, k: x.var(d, keepdim=k)),
    "var-correction0": (lambda x, a, k: x.var(a, keepdim=k, correction=0),
                        lambda x, d, k: x.var(d, correction=0, keepdim=k)),
    "std": (lambda x, a, k: x.std(a, keepdim=k), lambda x, d, k: x.std(d, keepdim=k)),
    "std-unbiased-false": (lambda x, a, k: x.std(a, False, k),
                           lambda x, d, k: x.std(d, False, k)),
    "amax": (lambda x, a, k: x.amax(a, k), lambda x, d, k: torch.amax(x, d, keepdim=k)),
    "amin": (lambda x, a, k: x.amin(a, k), lambda x, d, k: torch.amin(x, d, keepdim=k)),
    # (dim is required: None stands for every dim)
    "logsumexp": (lambda x, a, k: x.logsumexp(_dims(a, x.ndim), k),
                  lambda x, d, k: torch.logsumexp(x, d, k)),
}


@given(data=st.data())
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_over_every_axis_form(name: str, data: Any) -> None:
    x = data.draw(tst.arrays(min_dims=1, max_dims=3, max_side=3, min_side=2,
                             elements=st.sampled_from([-1.5, -0.5, 0.0, 1.0, 2.0])))
    if name.startswith("std"):  # distinct values: the std of a constant has a kink
        x = x + np.arange(x.size).reshape(x.shape) * 0.37
    axis, keep = data.draw(tst.reduction_axes(x.shape)), data.draw(st.booleans())
    ours, theirs = REDUCTIONS[name]
    compare(lambda t: ours(t, axis, keep), lambda t: theirs(t, _dims(axis, x.ndim), keep), x)


def test_std_of_a_constant_has_a_zero_gradient_like_torch() -> None:
    compare(lambda x: x.std(), lambda x: x.std(correction=0), np.ones(3))


@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_softmax_and_log_softmax(axis: int) -> None:
    x = u(3, 4)
    compare(lambda t: t.softmax(axis), lambda t: TF.softmax(t, axis), x)
    compare(lambda t: F.log_softmax(t, axis), lambda t: TF.log_softmax(t, axis), x)


# -- shape ops and indexing ---------------------------------------------------------------------


SHAPE_OPS = {
    "reshape": (lambda x: x.reshape(4, -1), lambda x: x.reshape(4, -1)),
    "view": (lambda x: x.view(3, 8), lambda x: x.view(3, 8)),
    "flatten": (lambda x: x.flatten(1), lambda x: x.flatten(1)),
    "transpose": (lambda x: x.transpose(2, 0), lambda x: x.transpose(2, 0)),
    "permute": (lambda x: x.permute(2, 0, 1), lambda x: x.permute(2, 0, 1)),
    "T": (lambda x: x.T, lambda x: x.permute(2, 1, 0)),
    "swapaxes": (lambda x: x.swapaxes(0, -1), lambda x: x.swapaxes(0, -1)),
    "unsqueeze": (lambda x: x.unsqueeze(-2), lambda x: x.unsqueeze(-2)),
    "squeeze": (lambda x: x[:, :1].squeeze(1), lambda x: x[:, :1].squeeze(1)),
    "expand": (lambda x: x[:, :1].expand(5, 2, 3, 4), lambda x: x[:, :1].expand(5, 2, 3, 4)),
    "narrow": (lambda x: x.narrow(2, 1, 2), lambda x: x.narrow(2, 1, 2)),
    "repeat": (lambda x: x.repeat(1, 2, 1, 2), lambda x: x.repeat(1, 2, 1, 2)),
    "split": (lambda x: x.split(2, 2), lambda x: x.split(2, 2)),
    "split-sections": (lambda x: x.split([1, 3], -1), lambda x: x.split([1, 3], -1)),
    "chunk": (lambda x: x.chunk(3, 1), lambda x: x.chunk(3, 1)),
    "pad": (lambda x: x.pad(((0, 0), (1, 0), (2, 1)), 0.5),
            lambda x: TF.pad(x, (2, 1, 1, 0), value=0.5)),
    "cat": (lambda x: tg.cat([x, x * 2.0], -1), lambda x: torch.cat([x, x * 2.0], -1)),
    "stack": (lambda x: tg.stack([x, x.exp()], 1), lambda x: torch.stack([x, x.exp()], 1)),
}


@pytest.mark.parametrize("name", SHAPE_OPS)
def test_shape_ops(name: str) -> None:
    compare(*SHAPE_OPS[name], u(2, 3, 4))


INDICES = {
    "int": 1, "negative": -1, "slices": (slice(None), slice(0, 3, 2)),
    "none-ellipsis": (None, Ellipsis, 1), "repeated": np.array([0, 2, 2, 0, 2]),
    "repeated-2d": np.array([[1, 1], [0, 1]]), "pair": (np.array([0, 0, 2]), np.array([1, 1, 3])),
    "mixed": (np.array([2, 2]), slice(1, None)), "mask": RNG.random((3, 4)) > 0.4,
    "row-mask": np.array([True, False, True]),
}


@pytest.mark.parametrize("name", INDICES)
def test_getitem(name: str) -> None:
    idx = INDICES[name]
    tidx = tuple(torch.tensor(i) if isinstance(i, np.ndarray) else i for i in idx) if isinstance(
        idx, tuple) else torch.tensor(idx) if isinstance(idx, np.ndarray) else idx
    compare(lambda x: x[idx], lambda x: x[tidx], u(3, 4))


# -- linear algebra -----------------------------------------------------------------------------

MATMUL = {"1d@1d": ((3,), (3,)), "1d@2d": ((3,), (3, 2)), "2d@1d": ((2, 3), (3,)),
          "2d@2d": ((2, 3), (3, 4)), "batched": ((2, 1, 2, 3), (4, 3, 2)),
          "batched@1d": ((2, 2, 3), (3,)), "1d@batched": ((3,), (2, 3, 4))}


@pytest.mark.parametrize("name", MATMUL)
def test_matmul(name: str) -> None:
    sa, sb = MATMUL[name]
    compare(lambda a, b: a @ b, lambda a, b: a @ b, u(*sa), u(*sb))


@pytest.mark.parametrize("c_shape", [(2, 4), (4,), (2, 1), ()])
@pytest.mark.parametrize("beta, alpha", [(1.0, 1.0), (0.5, -2.0)])
def test_addmm(c_shape: tuple[int, ...], beta: float, alpha: float) -> None:
    compare(lambda c, a, b: F.addmm(c, a, b, beta=beta, alpha=alpha),
            lambda c, a, b: torch.addmm(c, a, b, beta=beta, alpha=alpha),
            u(*c_shape), u(2, 3), u(3, 4))


def test_addmm_with_beta_0_ignores_nan_and_inf_in_the_input() -> None:
    c = np.array([[np.nan, np.inf, 1.0]])
    compare(lambda c, a, b: F.addmm(c, a, b, beta=0.0),
            lambda c, a, b: torch.addmm(c, a, b, beta=0.0), c, u(2, 3), u(3, 3))


EINSUM = {"ij,jk->ik": [(2, 3), (3, 4)], "ij,jk": [(2, 3), (3, 4)], "ii->": [(3, 3)],
          "ii->i": [(3, 3)], "i,j->ij": [(2,), (3,)], "bij,bjk->bik": [(2, 2, 3), (2, 3, 2)],
          "...ij,...jk->...ik": [(2, 2, 3), (2, 3, 4)], "...i->...": [(2, 3, 4)],
          "ij->ji": [(2, 3)], "ab,bc,cd->ad": [(2, 3), (3, 2), (2, 2)], "i,i->": [(4,), (4,)]}


@pytest.mark.parametrize("spec", EINSUM)
def test_einsum(spec: str) -> None:
    arrays = [u(*s) for s in EINSUM[spec]]
    compare(lambda *xs: tg.einsum(spec, *xs), lambda *xs: torch.einsum(spec, *xs), *arrays)


def test_einsum_broadcasts_ellipsis_axes() -> None:
    spec = "...ij,...jk->...ik"
    compare(lambda a, b: tg.einsum(spec, a, b), lambda a, b: torch.einsum(spec, a, b),
            u(1, 2, 3), u(4, 3, 2))


def test_linear_and_embedding() -> None:
    compare(F.linear, TF.linear, u(4, 3), u(2, 3), u(2))
    compare(F.linear, TF.linear, u(2, 5, 3), u(2, 3))
    idx = np.array([[0, 2, 2], [1, 0, 2]])
    compare(lambda w: F.embedding(idx, w), lambda w: TF.embedding(torch.tensor(idx), w), u(3, 4))


# -- losses -------------------------------------------------------------------------------------

REDUCTION_NAMES = ["mean", "sum", "none"]


REGRESSION = {"mse": (F.mse_loss, TF.mse_loss, {}), "l1": (F.l1_loss, TF.l1_loss, {}),
              "smooth_l1": (F.smooth_l1_loss, TF.smooth_l1_loss, {}),
              "smooth_l1-beta": (F.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.5}),
              "huber": (F.huber_loss, TF.huber_loss, {}),
              "huber-delta": (F.huber_loss, TF.huber_loss, {"delta": 2.0})}


@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("reduction", REDUCTION_NAMES)
def test_regression_losses(name: str, reduction: str) -> None:
    ours, theirs, kw = REGRESSION[name]
    compare(lambda a, b: ours(a, b, reduction=reduction, **kw),
            lambda a, b: theirs(a, b, reduction=reduction, **kw), u(3, 4, lo=-3, hi=3),
            u(3, 4, lo=-3, hi=3))


@pytest.mark.parametrize("reduction", REDUCTION_NAMES)
def test_binary_cross_entropy(reduction: str) -> None:
    p, y, w = u(2, 3, lo=0.02, hi=0.98), u(2, 3, lo=0, hi=1), u(3, lo=0.5, hi=2)
    compare(lambda p, y: F.binary_cross_entropy(p, y, reduction=reduction),
            lambda p, y: TF.binary_cross_entropy(p, y, reduction=reduction), p, y)
    compare(lambda p, y: F.binary_cross_entropy(p, y, weight=w, reduction=reduction),
            lambda p, y: TF.binary_cross_entropy(p, y, weight=torch.tensor(w),
                                                 reduction=reduction), p, y)


@pytest.mark.parametrize("reduction", REDUCTION_NAMES)
def test_binary_cross_entropy_with_logits(reduction: str) -> None:
    z, y, w, pw = u(2, 3, lo=-5, hi=5), u(2, 3, lo=0, hi=1), u(3, lo=0.5, hi=2), u(3, lo=0.5, hi=3)
    compare(lambda z, y, pw: F.binary_cross_entropy_with_logits(
                z, y, weight=w, reduction=reduction, pos_weight=pw),
            lambda z, y, pw: TF.binary_cross_entropy_with_logits(
                z, y, weight=torch.tensor(w), reduction=reduction, pos_weight=pw), z, y, pw,
            grad=(0, 1))  # torch has no gradient for pos_weight (ours: the registry checks it)


CE_SHAPES = {"(N,C)": ((4, 3), (4,)), "(C,)": ((3,), ()), "(N,C,d)": ((2, 3, 2), (2, 2))}


@pytest.mark.parametrize("shape", CE_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTION_NAMES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index, smoothing", [(-100, 0.0), (1, 0.0), (-100, 0.2), (0, 0.3)])
def test_cross_entropy_and_nll_with_class_indices(shape: str, reduction: str, weighted: bool,
                                                   ignore_index: int, smoothing: float) -> None:
    zshape, tshape = CE_SHAPES[shape]
    t = RNG.integers(0, 3, tshape)
    t.flat[0] = 2  # never all ignored
    w = u(3, lo=0.5, hi=2.0) if weighted else None
    tw = None if w is None else torch.tensor(w)
    kw = {"ignore_index": ignore_index, "reduction": reduction}
    compare(lambda z: F.cross_entropy(z, t, weight=w, label_smoothing=smoothing, **kw),
            lambda z: TF.cross_entropy(z, torch.tensor(t), weight=tw, label_smoothing=smoothing,
                                       **kw), u(*zshape))
    compare(lambda z: F.nll_loss(z, t, weight=w, **kw),
            lambda z: TF.nll_loss(z, torch.tensor(t), weight=tw, **kw), u(*zshape))


@pytest.mark.parametrize("reduction", REDUCTION_NAMES)
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_cross_entropy_with_probabilities(reduction: str, smoothing: float) -> None:
    q = u(4, 3, lo=0.1, hi=1.0)
    q /= q.sum(1, keepdims=True)
    w = u(3, lo=0.5, hi=2.0)
    compare(lambda z: F.cross_entropy(z, q, weight=w, reduction=reduction,
                                      label_smoothing=smoothing),
            lambda z: TF.cross_entropy(z, torch.tensor(q), weight=torch.tensor(w),
                                       reduction=reduction, label_smoothing=smoothing), u(4, 3))


def test_cross_entropy_gradient_reaches_probability_targets() -> None:
    q = u(2, 3, lo=0.1, hi=1.0)
    compare(F.cross_entropy, TF.cross_entropy, u(2, 3), q / q.sum(1, keepdims=True))


@pytest.mark.parametrize("p, swap", [(2, False), (1, False), (3, True), (2, True)])
@pytest.mark.parametrize("reduction", REDUCTION_NAMES)
def test_triplet_margin_loss(p: int, swap: bool, reduction: str) -> None:
    a, pos, neg = u(5, 3), u(5, 3), u(5, 3)
    kw = {"margin": 1.5, "p": p, "swap": swap, "reduction": reduction}
    compare(lambda a, b, c: F.triplet_margin_loss(a, b, c, **kw),
            lambda a, b, c: TF.triplet_margin_loss(a, b, c, **kw), a, pos, neg)


def test_dropout_off_and_scaling() -> None:
    x = u(3, 4)
    compare(lambda t: F.dropout(t, 0.5, training=False),
            lambda t: TF.dropout(t, 0.5, training=False), x)
    tg.manual_seed(0)
    out = F.dropout(tensor(x), 0.25)
    kept = out.numpy() != 0
    np.testing.assert_allclose(out.numpy()[kept], x[kept] / 0.75)


# -- numerical stability at logits of +-1e4 ------------------------------------------------------

BIG = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 5.0], [1e4, 1e4, -1e4]])
STABLE = {
    "softmax": (lambda z: z.softmax(-1), lambda z: TF.softmax(z, -1)),
    "log_softmax": (lambda z: z.log_softmax(-1), lambda z: TF.log_softmax(z, -1)),
    "logsumexp": (lambda z: z.logsumexp(-1), lambda z: torch.logsumexp(z, -1)),
    "cross_entropy": (lambda z: F.cross_entropy(z, np.array([1, 0, 2])),
                      lambda z: TF.cross_entropy(z, torch.tensor([1, 0, 2]))),
    "bce_with_logits": (lambda z: F.binary_cross_entropy_with_logits(z, tensor(np.full((3, 3),
                                                                                        0.3))),
                        lambda z: TF.binary_cross_entropy_with_logits(z, torch.full((3, 3), 0.3,
                                                                      dtype=torch.float64))),
    "softplus": (F.softplus, TF.softplus), "sigmoid": (F.sigmoid, torch.sigmoid),
    "log_sigmoid": (F.logsigmoid, TF.logsigmoid), "silu": (F.silu, TF.silu),
    "tanh": (F.tanh, torch.tanh), "elu": (F.elu, TF.elu), "gelu": (F.gelu, TF.gelu),
}


@pytest.mark.parametrize("name", STABLE)
def test_stability_at_large_logits(name: str) -> None:
    ours, theirs = STABLE[name]
    z = tensor(BIG.copy(), requires_grad=True)
    out = ours(z)
    out.backward(np.ones(out.shape))
    assert np.isfinite(out.detach().numpy()).all() and np.isfinite(z.grad.numpy()).all()
    compare(ours, theirs, BIG)


def test_binary_cross_entropy_at_probabilities_0_and_1() -> None:
    p, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    compare(F.binary_cross_entropy, TF.binary_cross_entropy, p, y, grad=(0,), rtol=1e-6)
