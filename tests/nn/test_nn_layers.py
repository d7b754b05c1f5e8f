"""Layers, normalisation, init and utils: behaviour against formulas (gradients of every
layer are checked by the registry rows in cases_nn.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn
from tinygrad_nn.nn import init, utils


# -- Linear -----------------------------------------------------------------------------
def test_linear_shapes_default_init_and_dtype():
    tg.manual_seed(0)
    m = nn.Linear(50, 40)
    bound = 1 / math.sqrt(50)
    assert m.weight.shape == (40, 50) and m.bias.shape == (40,)
    assert m.weight.dtype == np.float32 and m.weight.requires_grad
    for p in (m.weight, m.bias):
        assert np.abs(p.detach().numpy()).max() <= bound
    w = m.weight.detach().numpy()
    assert np.abs(w).max() > 0.95 * bound  # U(-b, b): the extremes are reached
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    tg.set_default_dtype(np.float64)
    assert nn.Linear(2, 2).weight.dtype == np.float64
    assert nn.Linear(2, 2, dtype=np.float32).weight.dtype == np.float32
    assert nn.Linear(2, 3, bias=False).bias is None


def test_linear_forward_backward_and_feature_error():
    m = nn.Linear(3, 2)
    x = tg.randn(4, 5, 3, requires_grad=True)
    y = m(x)
    expected = x.detach().numpy() @ m.weight.detach().numpy().T + m.bias.detach().numpy()
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(m.bias.grad.numpy(), np.full(2, 20.0))
    np.testing.assert_allclose(x.grad.numpy(), np.broadcast_to(m.weight.detach().numpy().sum(0),
                                                               (4, 5, 3)),
                               rtol=1e-6)
    with pytest.raises(RuntimeError, match=r"in_features=3.*\(\*, 3\).*\(4, 2\)"):
        m(tg.randn(4, 2))


# -- shape layers -------------------------------------------------------------------------
def test_flatten_unflatten_identity():
    x = tg.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 20))(nn.Flatten()(x)).shape == (2, 3, 20)
    assert nn.Identity(54, unused=1)(x) is x


# -- dropout ------------------------------------------------------------------------------
def test_dropout_train_eval_and_scaling():
    tg.manual_seed(1)
    m = nn.Dropout(0.3)
    x = tg.ones(200, 100, requires_grad=True)
    y = m(x)
    kept = y.detach().numpy() != 0
    assert abs(1 - kept.mean() - 0.3) < 0.02
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy() != 0, kept)  # same mask in backward
    m.eval()
    assert m(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).detach().numpy().any()
    tg.manual_seed(5)
    a = nn.Dropout()(x).detach().numpy()
    tg.manual_seed(5)
    np.testing.assert_array_equal(a, nn.Dropout()(x).detach().numpy())


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_p_outside_unit_interval(p):
    with pytest.raises(ValueError, match=f"between 0 and 1, but got {p}"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout2d(p)


def test_dropout2d_drops_whole_channels():
    tg.manual_seed(2)
    x = tg.ones(8, 16, 3, 3)
    y = nn.Dropout2d(0.5)(x).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
    assert 0.3 < (per_channel == 0).all(-1).mean() < 0.7
    with pytest.warns(UserWarning, match=r"interpreted as shape \(N, C, L\)"):
        assert nn.Dropout2d(0.5)(tg.ones(2, 3, 4)).shape == (2, 3, 4)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        nn.Dropout2d()(tg.ones(2, 3))
    m = nn.Dropout2d().eval()
    assert m(x) is x


# -- embedding ------------------------------------------------------------------------------
def test_embedding_init_lookup_and_padding():
    tg.manual_seed(3)
    m = nn.Embedding(400, 50, padding_idx=-1)
    assert m.padding_idx == 399
    w = m.weight.detach().numpy()
    assert not w[399].any()
    assert abs(w[:399].mean()) < 0.02 and abs(w[:399].std() - 1) < 0.02
    idx = np.array([[1, 399, 1], [0, 2, 399]])
    y = m(idx)
    np.testing.assert_array_equal(y.detach().numpy(), w[idx])
    m.weight.detach().numpy()[399] = 5.0  # a padding row that was changed is still used in forward
    y = m(tg.tensor(idx))
    assert np.all(y.detach().numpy()[0, 1] == 5)
    (y * tg.randn(*y.shape)).sum().backward()
    g = m.weight.grad.numpy()
    assert not g[399].any() and g[1].any() and g[0].any() and not g[3].any()
    with pytest.raises(IndexError, match=r"\[0, 400\)"):
        m(np.array([400]))
    with pytest.raises(AssertionError, match="padding_idx"):  # PyTorch's exception
        nn.Embedding(3, 2, padding_idx=3)


def test_embedding_from_pretrained():
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    m = nn.Embedding.from_pretrained(table)
    assert not m.weight.requires_grad
    np.testing.assert_array_equal(m(np.array([2])).numpy(), table[[2]])
    table[0] = 9  # a copy
    assert m.weight.numpy()[0, 0] == 0
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad


# -- activations ------------------------------------------------------------------------
def _erf(x):
    return np.vectorize(math.erf)(x)


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.Tanh(), np.tanh),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.GELU(), lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2)))),
    (nn.ELU(0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    (nn.Softplus(2.0), lambda x: np.log1p(np.exp(2 * x)) / 2),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (nn.Softmax(axis=0), lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True)),
    (nn.LogSoftmax(1), lambda x: x - np.log(np.exp(x).sum(1, keepdims=True))),
]


@pytest.mark.parametrize("module,formula", ACTIVATIONS, ids=lambda v: repr(v)[:20])
def test_activation_matches_formula(module, formula):
    x = np.random.default_rng(0).uniform(-4, 4, (5, 6))
    np.testing.assert_allclose(module(tg.tensor(x)).numpy(), formula(x), rtol=1e-10, atol=1e-12)


def test_softmax_without_dim_warns_and_picks_torchs_axis():
    x = tg.randn(2, 3)
    with pytest.warns(UserWarning, match="dim"):
        y = nn.Softmax()(x)
    np.testing.assert_allclose(y.numpy().sum(1), 1, rtol=1e-6)


# -- losses -------------------------------------------------------------------------------
def test_loss_modules_wrap_the_functionals():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    p, t = rng.uniform(0.1, 0.9, (4, 3)), rng.uniform(0, 1, (4, 3))
    cls = np.array([0, 2, 1, 2])
    w = np.array([1.0, 2.0, 0.5])
    pairs = [
        (nn.MSELoss(reduction="sum")(x, y), F.mse_loss(x, y, reduction="sum")),
        (nn.L1Loss()(x, y), F.l1_loss(x, y)),
        (nn.SmoothL1Loss(beta=0.5)(x, y), F.smooth_l1_loss(x, y, beta=0.5)),
        (nn.HuberLoss(delta=0.5)(x, y), F.huber_loss(x, y, delta=0.5)),
        (nn.BCELoss(weight=w)(p, t), F.binary_cross_entropy(p, t, weight=w)),
        (nn.BCEWithLogitsLoss(pos_weight=w)(x, t),
         F.binary_cross_entropy_with_logits(x, t, pos_weight=w)),
        (nn.CrossEntropyLoss(w, label_smoothing=0.1)(x, cls),
         F.cross_entropy(x, cls, w, label_smoothing=0.1)),
        (nn.NLLLoss(ignore_index=2, reduction="none")(x, cls),
         F.nll_loss(x, cls, ignore_index=2, reduction="none")),
    ]
    for got, want in pairs:
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
    assert list(nn.CrossEntropyLoss(w).state_dict()) == ["weight"]
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")


# -- batch norm ---------------------------------------------------------------------------
def _bn_reference(x, axes):
    mean = x.mean(axes)
    return mean, x.var(axes), x.var(axes, ddof=1)


@pytest.mark.parametrize("cls,shape", [(nn.BatchNorm1d, (6, 3)), (nn.BatchNorm1d, (4, 3, 5)),
                                       (nn.BatchNorm2d, (2, 3, 4, 5))])
def test_batch_norm_training_statistics_and_running_updates(cls, shape):
    tg.set_default_dtype(np.float64)
    m = cls(3)
    assert np.all(m.weight.detach().numpy() == 1) and not m.bias.detach().numpy().any()
    assert not m.running_mean.numpy().any() and np.all(m.running_var.numpy() == 1)
    rng = np.random.default_rng(2)
    axes = (0,) + tuple(range(2, len(shape)))
    rm, rv = np.zeros(3), np.ones(3)
    for step in range(1, 4):
        x = rng.normal(2.0, 3.0, shape)
        y = m(tg.tensor(x)).detach().numpy()
        mean, var, unbiased = _bn_reference(x, axes)
        bshape = (1, 3) + (1,) * (len(shape) - 2)
        np.testing.assert_allclose(y, (x - mean.reshape(bshape)) / np.sqrt(
            var.reshape(bshape) + 1e-5), rtol=1e-10, atol=1e-12)
        rm, rv = 0.9 * rm + 0.1 * mean, 0.9 * rv + 0.1 * unbiased
        np.testing.assert_allclose(m.running_mean.numpy(), rm, rtol=1e-12)
        np.testing.assert_allclose(m.running_var.numpy(), rv, rtol=1e-12)
        assert int(m.num_batches_tracked.numpy()) == step
    m.eval()
    x = rng.normal(size=shape)
    bshape = (1, 3) + (1,) * (len(shape) - 2)
    np.testing.assert_allclose(m(tg.tensor(x)).detach().numpy(), (x - rm.reshape(bshape)) / np.sqrt(
        rv.reshape(bshape) + 1e-5), rtol=1e-10)
    assert int(m.num_batches_tracked.numpy()) == 3


def test_batch_norm_cumulative_average_and_untracked():
    tg.set_default_dtype(np.float64)
    m = nn.BatchNorm1d(2, momentum=None)
    rng = np.random.default_rng(3)
    batches = [rng.normal(size=(5, 2)) for _ in range(3)]
    for x in batches:
        m(tg.tensor(x))
    np.testing.assert_allclose(m.running_mean.numpy(), np.mean([b.mean(0) for b in batches], 0))
    np.testing.assert_allclose(m.running_var.numpy(),
        np.mean([b.var(0, ddof=1) for b in batches], 0))
    free = nn.BatchNorm1d(2, track_running_stats=False, affine=False).eval()
    assert list(free.state_dict()) == [] and list(free.parameters()) == []
    x = batches[0]
    np.testing.assert_allclose(free(tg.tensor(x)).numpy(),
        (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5))


def test_batch_norm_errors_name_expected_and_given():
    with pytest.raises(RuntimeError, match=r"3 channels.*running_mean has 4"):  # PyTorch's type
        nn.BatchNorm2d(4)(tg.ones(2, 3, 2, 2))
    with pytest.raises(ValueError, match=r"\(N, C\) or \(N, C, L\).*\(2, 3, 2, 2\)"):
        nn.BatchNorm1d(3)(tg.ones(2, 3, 2, 2))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        nn.BatchNorm2d(3)(tg.ones(2, 3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(tg.ones(1, 3))
    with pytest.raises(RuntimeError, match="3 channels.*running_mean has 4"):
        F.batch_norm(tg.ones(2, 3), np.zeros(4), np.ones(4))


def test_functional_batch_norm_updates_running_stats_only_when_training():
    x = np.random.default_rng(4).normal(size=(6, 2, 3))
    rm, rv = tg.zeros(2, dtype=np.float64), tg.ones(2, dtype=np.float64)
    F.batch_norm(x, rm, rv, training=False)
    assert not rm.numpy().any() and np.all(rv.numpy() == 1)
    F.batch_norm(x, rm, rv, training=True, momentum=0.5)
    np.testing.assert_allclose(rm.numpy(), 0.5 * x.mean((0, 2)))
    np.testing.assert_allclose(rv.numpy(), 0.5 + 0.5 * x.var((0, 2), ddof=1))
    w, b = np.array([2.0, 3.0]), np.array([-1.0, 1.0])
    y = F.batch_norm(x, None, None, w, b, training=True).numpy()
    z = (x - x.mean((0, 2), keepdims=True)) / np.sqrt(x.var((0, 2), keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, z * w[:, None] + b[:, None], rtol=1e-10)


# -- layer norm ---------------------------------------------------------------------------
def test_layer_norm_normalises_trailing_axes():
    tg.set_default_dtype(np.float64)
    m = nn.LayerNorm((3, 4))
    assert m.weight.shape == (3, 4) and np.all(m.weight.detach().numpy() == 1)
    assert not m.bias.detach().numpy().any()
    x = np.random.default_rng(5).normal(3, 2, (2, 3, 4))
    mean = x.mean((1, 2), keepdims=True)
    var = x.var((1, 2), keepdims=True)
    np.testing.assert_allclose(m(tg.tensor(x)).detach().numpy(), (x - mean) / np.sqrt(var + 1e-5),
        rtol=1e-10)
    assert nn.LayerNorm(4, elementwise_affine=False).weight is None
    assert nn.LayerNorm(4, bias=False).bias is None
    with pytest.raises(RuntimeError, match=r"normalized_shape=\(4,\).*\(\*, 4\).*\(2, 3\)"):
        nn.LayerNorm(4)(tg.ones(2, 3))


# -- init ---------------------------------------------------------------------------------
def test_calculate_gain_and_fans():
    assert init.calculate_gain("linear") == init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / 1.0001))
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")
    assert init._calculate_fan_in_and_fan_out(tg.zeros(8, 3, 5, 5)) == (75, 200)
    assert init._calculate_fan_in_and_fan_out(tg.zeros(4, 6)) == (6, 4)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(tg.zeros(5))


def test_init_fills_in_place_without_recording_and_repeats_with_seed():
    p = nn.Parameter(np.zeros((300, 200), np.float32))
    tg.manual_seed(7)
    assert init.uniform_(p, -2, 3) is p
    assert p.is_leaf and p._ctx is None and p.dtype == np.float32
    assert p.detach().numpy().min() >= -2 and p.detach().numpy().max() <= 3
    assert abs(p.detach().numpy().mean() - 0.5) < 0.02
    first = p.detach().numpy().copy()
    tg.manual_seed(7)
    init.uniform_(p, -2, 3)
    np.testing.assert_array_equal(p.detach().numpy(), first)
    init.normal_(p, 1.0, 2.0)
    assert abs(p.detach().numpy().mean() - 1) < 0.02 and abs(p.detach().numpy().std() - 2) < 0.02
    init.constant_(p, 0.25)
    assert np.all(p.detach().numpy() == 0.25)
    init.zeros_(p)
    assert not p.detach().numpy().any()
    init.ones_(p)
    assert np.all(p.detach().numpy() == 1)
    init.eye_(p)
    np.testing.assert_array_equal(p.detach().numpy(), np.eye(300, 200))


@pytest.mark.parametrize("fn,std", [
    (lambda t: init.xavier_uniform_(t, gain=2.0), 2.0 * math.sqrt(2 / (40 * 9 + 30 * 9))),
    (lambda t: init.xavier_normal_(t), math.sqrt(2 / (40 * 9 + 30 * 9))),
    (lambda t: init.kaiming_uniform_(t, nonlinearity="relu"), math.sqrt(2 / (40 * 9))),
    (lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
     math.sqrt(2 / (30 * 9))),
    (lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)), 1 / math.sqrt(3 * 40 * 9)),
    (lambda t: init.trunc_normal_(t), 0.8796),  # N(0, 1) cut at +-2
])
def test_init_distributions_have_the_expected_spread(fn, std):
    tg.manual_seed(11)
    t = tg.zeros(30, 40, 3, 3, dtype=np.float64)
    fn(t)
    assert abs(t.numpy().mean()) < 0.05 * std
    assert abs(t.numpy().std() - std) < 0.03 * std


def test_orthogonal_init():
    tg.manual_seed(12)
    for shape in [(5, 8), (8, 5), (4, 2, 3)]:
        t = init.orthogonal_(tg.zeros(*shape, dtype=np.float64), gain=2.0)
        flat = t.numpy().reshape(shape[0], -1)
        small = min(flat.shape)
        gram = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
        np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-10)


# -- utils --------------------------------------------------------------------------------
def _with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(np.zeros_like(g))
        p.grad = tg.tensor(np.array(g, dtype=np.float64))
        params.append(p)
    return params


def test_clip_grad_norm_scales_only_when_above():
    g1, g2 = np.array([3.0, 0.0]), np.array([[0.0, 4.0]])
    params = _with_grads(g1, g2)
    total = utils.clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, tg.Tensor) and total.item() == pytest.approx(5.0)
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad.numpy(), g1 * coef)
    np.testing.assert_allclose(params[1].grad.numpy(), g2 * coef)
    params = _with_grads(g1, g2)
    assert utils.clip_grad_norm_(params, 10.0).item() == pytest.approx(5.0)
    np.testing.assert_array_equal(params[0].grad.numpy(), g1)
    params = _with_grads(g1, g2)
    assert utils.clip_grad_norm_(params, 1.0, norm_type="inf").item() == 4.0
    params = _with_grads(np.array([np.inf, 1.0]))
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert utils.clip_grad_norm_([nn.Parameter(np.zeros(2))], 1.0).item() == 0.0


def test_clip_grad_value_and_vector_round_trip():
    params = _with_grads(np.array([-3.0, 0.5, 2.0]))
    utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad.numpy(), [-1.0, 0.5, 1.0])
    m = nn.Linear(3, 2)
    vec = utils.parameters_to_vector(m.parameters())
    assert vec.shape == (8,)
    np.testing.assert_array_equal(vec.detach().numpy()[:6], m.weight.detach().numpy().ravel())
    utils.vector_to_parameters(vec * 0 + 1, m.parameters())
    assert np.all(m.weight.detach().numpy() == 1) and np.all(m.bias.detach().numpy() == 1)
    with pytest.raises(ValueError, match="8 elements"):
        utils.vector_to_parameters(np.zeros(7), m.parameters())
