"""The activations beyond the basic ones, against PyTorch: values, gradients AT the kinks,
second derivatives, dtypes, the in-place ``_`` forms, errors, modules' reprs and state."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# every kink of the functions below (+-3, +-1, +-0.5, 0, 6, the threshold 0.25) and points
# between them
KINKS = np.array([-4.0, -3.0, -2.2, -1.0, -0.7, -0.5, -0.2, 0.0, 0.25, 0.4, 0.5, 1.0, 2.5, 3.0,
                  4.5, 6.0, 7.0])

# name -> (ours, torch's): both called as f(F, x)
FUNCS = {
    "relu6": lambda L, x: L.relu6(x),
    "hardtanh": lambda L, x: L.hardtanh(x),
    "hardtanh(-0.5, 3)": lambda L, x: L.hardtanh(x, -0.5, 3.0),
    "hardsigmoid": lambda L, x: L.hardsigmoid(x),
    "hardswish": lambda L, x: L.hardswish(x),
    "selu": lambda L, x: L.selu(x),
    "celu": lambda L, x: L.celu(x),
    "celu(2)": lambda L, x: L.celu(x, 2.0),
    "mish": lambda L, x: L.mish(x),
    "softsign": lambda L, x: L.softsign(x),
    "softshrink": lambda L, x: L.softshrink(x),
    "softshrink(1)": lambda L, x: L.softshrink(x, 1.0),
    "hardshrink": lambda L, x: L.hardshrink(x),
    "tanhshrink": lambda L, x: L.tanhshrink(x),
    "threshold": lambda L, x: L.threshold(x, 0.25, -2.0),
    "rrelu eval": lambda L, x: L.rrelu(x),
    "rrelu eval (0.1, 0.3)": lambda L, x: L.rrelu(x, 0.1, 0.3),
    "glu": lambda L, x: L.glu(x.reshape(-1, 1)[:16].reshape(4, 4), 0),
    "softmin": lambda L, x: L.softmin(x.reshape(-1, 1)[:16].reshape(4, 4), 1),
    "prelu one": lambda L, x: L.prelu(x, x.new_tensor([0.3])),
}
# functions whose second derivative PyTorch does not define (or defines differently AT an
# exact kink): checked away from the kinks only
FIRST_ORDER_AT_KINKS_ONLY = {"hardsigmoid", "selu", "celu", "celu(2)"}


def _pair(values: np.ndarray, dtype: str = "float64") -> tuple[tg.Tensor, torch.Tensor]:
    a = values.astype(dtype)
    return tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


@pytest.mark.parametrize("name", list(FUNCS))
def test_values_gradients_and_second_derivatives_match_torch(name: str) -> None:
    f = FUNCS[name]
    x, xt = _pair(KINKS)
    y, yt = f(F, x), f(TF, xt)
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    w = np.linspace(0.5, 1.5, y.numel()).reshape(y.shape)
    (g,) = tg.grad((y * tg.tensor(w)).sum(), x, create_graph=True)
    (gt,) = torch.autograd.grad((yt * torch.tensor(w)).sum(), xt, create_graph=True)
    # the gradient at every kink is PyTorch's
    if name == "hardsigmoid":
        # PyTorch's kernel multiplies by 1/6 in float32, and defines no second derivative
        np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), rtol=1e-7)
        return
    np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), rtol=1e-12, atol=1e-12)
    if not g.requires_grad:  # piecewise linear: the gradient is constant
        g = g + x * 0
    away = ~np.isin(KINKS, [-3.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 3.0, 6.0])
    (gg,) = tg.grad(g.sum(), x, allow_unused=True)
    (ggt,) = torch.autograd.grad(gt.sum(), xt, allow_unused=True)
    gg_np = np.zeros_like(KINKS) if gg is None else gg.numpy()
    ggt_np = np.zeros_like(KINKS) if ggt is None else ggt.numpy()
    mask = away if name in FIRST_ORDER_AT_KINKS_ONLY else np.ones_like(away)
    np.testing.assert_allclose(gg_np[mask], ggt_np[mask], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", list(FUNCS))
def test_float32_stays_float32(name: str) -> None:
    f = FUNCS[name]
    x, xt = _pair(KINKS, "float32")
    y, yt = f(F, x), f(TF, xt)
    assert y.dtype == tg.float32 and yt.dtype == torch.float32
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-6, atol=1e-6)
    y.sum().backward()
    assert x.grad.dtype == tg.float32


def test_large_inputs_stay_finite() -> None:
    big = np.array([-1e4, -100.0, 100.0, 1e4])
    for name in ["selu", "celu", "mish", "softsign", "tanhshrink", "hardswish"]:
        x, xt = _pair(big)
        y, yt = FUNCS[name](F, x), FUNCS[name](TF, xt)
        y.sum().backward()
        yt.sum().backward()
        np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-30)


def test_prelu_per_channel_values_and_weight_gradient() -> None:
    rng = np.random.default_rng(0)
    for shape in [(2, 3), (2, 3, 4), (2, 3, 2, 2), (3,)]:
        c = shape[1] if len(shape) > 1 else 1
        xa, wa = rng.normal(size=shape), rng.uniform(0.1, 0.5, size=c)
        x, xt = _pair(xa)
        w, wt = _pair(wa)
        y, yt = F.prelu(x, w), TF.prelu(xt, wt)
        np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
        y.sum().backward()
        yt.sum().backward()
        np.testing.assert_allclose(w.grad.numpy(), wt.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_prelu_gradient_at_zero_is_the_slope() -> None:
    x, xt = _pair(np.zeros(3))
    F.prelu(x, tg.tensor(np.array([0.3]))).sum().backward()
    TF.prelu(xt, torch.tensor([0.3], dtype=torch.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())


def test_rrelu_training_draws_slopes_in_the_range_and_gradient_uses_them() -> None:
    tg.manual_seed(0)
    xa = -np.linspace(0.5, 2.0, 200)
    x = tg.tensor(np.concatenate([xa, [0.0, 1.5]]), requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = y.detach().numpy()[:200] / xa
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    y.sum().backward()
    g = x.grad.numpy()
    np.testing.assert_allclose(g[:200], slopes, rtol=1e-12)
    assert 0.1 <= g[200] <= 0.3 and g[201] == 1.0  # at 0: a drawn slope, as PyTorch's x <= 0
    tg.manual_seed(0)
    y2 = F.rrelu(x.detach(), 0.1, 0.3, training=True)
    np.testing.assert_array_equal(y2.numpy(), y.detach().numpy())  # the library generator


def test_rrelu_module_follows_train_and_eval() -> None:
    m = nn.RReLU(0.1, 0.3)
    x = tg.tensor(-np.ones(50))
    assert np.unique(m(x).numpy()).size > 1
    m.eval()
    np.testing.assert_allclose(m(x).numpy(), -0.2)


INPLACE = {
    "relu_": ((), {}), "elu_": ((0.5,), {}), "leaky_relu_": ((0.2,), {}),
    "hardtanh_": ((-0.5, 0.5), {}), "selu_": ((), {}), "celu_": ((2.0,), {}),
    "rrelu_": ((0.1, 0.3), {}), "threshold_": ((0.25, -1.0), {}),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_forms_change_the_input_and_keep_the_gradient(name: str) -> None:
    args, kw = INPLACE[name]
    x, xt = _pair(KINKS)
    h, ht = x * 2, xt * 2
    out, outt = getattr(F, name)(h, *args, **kw), getattr(TF, name)(ht, *args, **kw)
    assert out is h and outt is ht
    np.testing.assert_allclose(h.detach().numpy(), ht.detach().numpy(), rtol=1e-12)
    (h * h).sum().backward()
    (ht * ht).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_forms_refuse_a_leaf_that_requires_grad(name: str) -> None:
    args, kw = INPLACE[name]
    x = tg.tensor(KINKS, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(F, name)(x, *args, **kw)


MODULES = [
    ("ReLU6", (), {}), ("ReLU6", (True,), {}), ("Hardtanh", (), {}),
    ("Hardtanh", (-2, 3, True), {}), ("Hardsigmoid", (), {}), ("Hardsigmoid", (True,), {}),
    ("Hardswish", (), {}), ("Hardswish", (True,), {}), ("SELU", (), {}), ("SELU", (True,), {}),
    ("CELU", (), {}), ("CELU", (2.0, True), {}), ("GLU", (), {}), ("GLU", (0,), {}),
    ("Mish", (), {}), ("Mish", (True,), {}), ("Softsign", (), {}), ("Softshrink", (), {}),
    ("Softshrink", (0.2,), {}), ("Hardshrink", (0.3,), {}), ("Tanhshrink", (), {}),
    ("Threshold", (0.1, 20), {}), ("Threshold", (0.1, 2.0, True), {}), ("PReLU", (), {}),
    ("PReLU", (4, 0.1), {}), ("RReLU", (), {}), ("RReLU", (0.1, 0.3, True), {}),
    ("LogSigmoid", (), {}), ("Softmin", (), {}), ("Softmin", (1,), {}), ("Softmax2d", (), {}),
]


@pytest.mark.parametrize("name,args,kw", MODULES)
def test_modules_match_torch_repr_and_output(name: str, args: tuple, kw: dict) -> None:
    ours, theirs = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    ours.eval()
    theirs.eval()
    xa = np.linspace(-4, 4, 2 * 4 * 3 * 2).reshape(2, 4, 3, 2)
    x, xt = tg.tensor(xa.copy()), torch.tensor(xa.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Softmin's implicit dim, as PyTorch warns
        theirs.double()
        ours.double()
        y, yt = ours(x), theirs(xt)
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    if kw.get("inplace") or (args and args[-1] is True):
        np.testing.assert_allclose(x.numpy(), xt.numpy())  # the input was changed too


def test_prelu_parameter_name_shape_init_and_state_dict_from_torch() -> None:
    m, mt = nn.PReLU(3, 0.1), torch.nn.PReLU(3, 0.1)
    assert list(m.state_dict()) == list(mt.state_dict()) == ["weight"]
    assert m.weight.shape == tuple(mt.weight.shape) and m.weight.dtype == tg.float32
    np.testing.assert_array_equal(m.weight.detach().numpy(), mt.weight.detach().numpy())
    with torch.no_grad():
        mt.weight.copy_(torch.tensor([0.2, 0.4, 0.6]))
    m.load_state_dict({k: v.numpy() for k, v in mt.state_dict().items()})
    xa = np.linspace(-2, 2, 24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_allclose(m(tg.tensor(xa)).detach().numpy(),
                               mt(torch.tensor(xa)).detach().numpy(), rtol=1e-6)
    assert nn.PReLU(dtype=tg.float64).weight.dtype == tg.float64


def test_softmin_warns_like_softmax_without_dim() -> None:
    with pytest.warns(UserWarning, match="softmin"):
        F.softmin(tg.tensor([1.0, 2.0]))


def test_hardtanh_module_deprecated_keywords() -> None:
    with pytest.warns(FutureWarning, match="min_value"):
        m = nn.Hardtanh(min_value=-3.0)
    assert m.min_val == -3.0


@pytest.mark.parametrize("call,exc,match", [
    (lambda L, x: L.celu(x, 0.0), RuntimeError, "alpha cannot be 0"),
    (lambda L, x: L.hardtanh(x, 2.0, 1.0), ValueError, "min_val cannot be greater"),
    (lambda L, x: L.softshrink(x, -1.0), RuntimeError, "lambda must be in range"),
    (lambda L, x: L.glu(x[:3]), RuntimeError, "Halving dimension must be even"),
    (lambda L, x: L.glu(x.sum()), RuntimeError, "glu does not support scalars"),
    (lambda L, x: L.rrelu(x, 0.5, 0.1), RuntimeError, "Lower bound should be less"),
    (lambda L, x: L.prelu(x.reshape(2, 2), x[:3]), RuntimeError, "Mismatch of parameter"),
    (lambda L, x: L.prelu(x, x[:3]), RuntimeError, "channel size = 1"),
    (lambda L, x: L.hardswish(x.long()), NotImplementedError, "not implemented for"),
    (lambda L, x: L.selu(x.long()), NotImplementedError, "not implemented for"),
])
def test_errors_match_torch(call, exc, match) -> None:  # type: ignore[no-untyped-def]
    xa = np.array([1.0, -2.0, 3.0, 0.5])
    for lib, t in ((F, tg.tensor(xa)), (TF, torch.tensor(xa))):
        with pytest.raises(exc, match=match):
            call(lib, t)


def test_softmax2d_checks_rank_and_uses_the_channel_dim() -> None:
    with pytest.raises(ValueError, match="expected input to be 3D or 4D, got 2D"):
        nn.Softmax2d()(tg.ones((2, 2)))
    x = np.arange(12.0).reshape(3, 2, 2)
    np.testing.assert_allclose(nn.Softmax2d()(tg.tensor(x)).numpy(),
                               torch.nn.Softmax2d()(torch.tensor(x)).numpy(), rtol=1e-12)


def test_integer_inputs_keep_their_dtype_where_torch_does() -> None:
    xa = np.array([-2, 0, 3, 7])
    for name in ["relu6", "threshold"]:
        y, yt = FUNCS[name](F, tg.tensor(xa)), FUNCS[name](TF, torch.tensor(xa))
        assert str(y.dtype).endswith("int64") and yt.dtype == torch.int64
        np.testing.assert_array_equal(y.numpy(), yt.numpy())


def test_gumbel_softmax_samples_the_softmax_and_hard_is_straight_through() -> None:
    probs = np.array([0.1, 0.2, 0.7])
    x = tg.tensor(np.log(probs)[None].repeat(20000, 0).astype(np.float32), requires_grad=True)
    tg.manual_seed(0)
    hard = F.gumbel_softmax(x, tau=0.5, hard=True)
    assert hard.dtype == tg.float32 and hard.shape == x.shape
    assert set(np.unique(hard.detach().numpy())) == {0.0, 1.0}
    np.testing.assert_array_equal(hard.detach().numpy().sum(1), 1.0)
    # the Gumbel-max trick: the argmax is a draw from softmax(logits), at any tau
    np.testing.assert_allclose(hard.detach().numpy().mean(0), probs, atol=0.015)
    w = tg.tensor(np.arange(3.0, dtype=np.float32))
    (hard * w).sum().backward()
    g_hard = x.grad.numpy().copy()
    x.grad = None
    tg.manual_seed(0)  # the same noise: the soft sample behind the hard one
    soft = F.gumbel_softmax(x, tau=0.5)
    np.testing.assert_allclose(soft.detach().numpy().sum(1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(soft.detach().numpy().argmax(1),
                                  hard.detach().numpy().argmax(1))
    (soft * w).sum().backward()
    np.testing.assert_allclose(g_hard, x.grad.numpy(), rtol=1e-6)


def test_gumbel_softmax_warns_on_eps_like_torch() -> None:
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        F.gumbel_softmax(tg.zeros((2, 3)), eps=1e-3)
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        TF.gumbel_softmax(torch.zeros((2, 3)), eps=1e-3)


@pytest.mark.parametrize("name", list(FUNCS))
def test_nan_and_infinities_match_torch(name: str) -> None:
    xa = np.array([np.nan, np.inf, -np.inf, 1.0, -1.0, 0.0, 5.0, -5.0, np.nan, 2.0, -2.0, 3.0,
                   -3.0, 0.5, -0.5, 6.0])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = FUNCS[name](F, tg.tensor(xa)).numpy()
    yt = FUNCS[name](TF, torch.tensor(xa)).numpy()
    np.testing.assert_allclose(y, yt, rtol=1e-14, atol=0)  # NaN where PyTorch has NaN


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid", "mish", "relu6", "selu", "celu",
                                  "hardtanh", "threshold"])
def test_inplace_keyword_keeps_the_gradient_like_torch(name: str) -> None:
    args = (0.25, -1.0) if name == "threshold" else ()
    x, xt = _pair(KINKS)
    h, ht = x * 1, xt * 1
    assert getattr(F, name)(h, *args, inplace=True) is h
    getattr(TF, name)(ht, *args, inplace=True)
    np.testing.assert_allclose(h.detach().numpy(), ht.detach().numpy(), rtol=1e-12)
    (h * h).sum().backward()
    (ht * ht).sum().backward()
    tol = 1e-7 if name == "hardsigmoid" else 1e-12  # PyTorch's float32 1/6 in the kernel
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=1e-12)
