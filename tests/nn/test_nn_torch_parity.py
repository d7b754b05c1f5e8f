"""Parity with torch.nn: a torch state_dict (as NumPy arrays) loads and gives the same
outputs and gradients (input and every parameter) in float64; BatchNorm running stats
follow the same trajectory; init fans and gradient clipping agree."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import nn
from tinygrad_nn.nn import init, utils

torch = pytest.importorskip("torch")
tnn = torch.nn


def _copy(ours: nn.Module, theirs, as_numpy: bool = True) -> None:
    sd = theirs.state_dict()
    ours.load_state_dict({k: v.numpy() for k, v in sd.items()} if as_numpy else sd)


def _compare(ours: nn.Module, theirs, *inputs: np.ndarray, grad_inputs: bool = True,
             rtol: float = 1e-10, atol: float = 1e-12) -> None:
    """Same forward, same gradient of a random projection w.r.t. inputs and parameters."""
    xs = [tg.tensor(x, requires_grad=grad_inputs and x.dtype.kind == "f") for x in inputs]
    txs = [torch.tensor(x, requires_grad=grad_inputs and x.dtype.kind == "f") for x in inputs]
    y, ty = ours(*xs), theirs(*txs)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=rtol, atol=atol)
    proj = np.random.default_rng(0).normal(size=y.shape)
    (y * proj).sum().backward()
    (ty * torch.tensor(proj)).sum().backward()
    for x, tx in zip(xs, txs):
        if x.requires_grad:
            np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        tp = tparams[name]
        if tp.grad is None:
            assert p.grad is None or not p.grad.numpy().any(), name
        else:
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=rtol, atol=atol,
                                       err_msg=name)


@pytest.fixture(autouse=True)
def _float64():
    tg.set_default_dtype(np.float64)
    prev = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    yield
    torch.set_default_dtype(prev)


def _x(*shape, seed=1, scale=1.0):
    return np.random.default_rng(seed).normal(scale=scale, size=shape)


def test_mlp_with_every_activation():
    def build(lib):
        return lib.Sequential(
            lib.Linear(5, 8), lib.ReLU(), lib.Linear(8, 8), lib.LeakyReLU(0.1), lib.Linear(8, 8),
            lib.Tanh(), lib.Linear(8, 8), lib.GELU(), lib.Linear(8, 8), lib.ELU(0.5),
            lib.Linear(8, 8), lib.Softplus(beta=2.0), lib.Linear(8, 8), lib.SiLU(),
            lib.Linear(8, 8), lib.Sigmoid(), lib.Linear(8, 6, bias=False), lib.Unflatten(1, (2, 3)),
            lib.LogSoftmax(dim=-1), lib.Flatten(), lib.Identity(), lib.Softmax(dim=1))

    ours, theirs = build(nn), build(tnn)
    _copy(ours, theirs)
    _compare(ours, theirs, _x(4, 5))


def test_nested_model_with_norms_in_eval_after_loading_a_torch_state_dict():
    def build(lib):
        class Net(lib.Module):
            def __init__(self):
                super().__init__()
                self.emb = lib.Embedding(7, 4, padding_idx=0)
                self.body = lib.ModuleList([lib.Linear(4, 6), lib.LayerNorm(6)])
                self.bn = lib.BatchNorm1d(6)
                self.head = lib.ModuleDict({"out": lib.Linear(6, 3)})

            def forward(self, idx):
                h = self.emb(idx)  # (N, L, 4)
                for layer in self.body:
                    h = layer(h)
                h = self.bn(h.transpose(1, 2) if lib is tnn else h.swapaxes(1, 2))
                return self.head["out"](h.mean(2) if lib is tnn else h.mean(axis=2))

        return Net()

    ours, theirs = build(nn), build(tnn)
    theirs.train()
    with torch.no_grad():  # give the running stats and affine parameters non-trivial values
        for _ in range(3):
            theirs(torch.randint(0, 7, (5, 3)))
        theirs.bn.weight.uniform_(0.5, 2)
        theirs.body[1].bias.normal_()
    theirs.eval()
    _copy(ours, theirs, as_numpy=False)  # torch tensors load as they are
    ours.eval()
    idx = np.array([[0, 1, 2], [3, 0, 6], [5, 5, 4]])
    _compare(ours, theirs, idx, grad_inputs=False)
    assert not ours.emb.weight.grad.numpy()[0].any()


@pytest.mark.parametrize("momentum", [0.1, None, 0.5])
@pytest.mark.parametrize("lib_cls,shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)),
                                           ("BatchNorm2d", (3, 3, 2, 4))])
def test_batch_norm_training_steps_match_running_stats_and_gradients(lib_cls, shape, momentum):
    ours = getattr(nn, lib_cls)(3, momentum=momentum)
    theirs = getattr(tnn, lib_cls)(3, momentum=momentum)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 2)
        theirs.bias.normal_()
    _copy(ours, theirs)
    for step in range(4):
        x = _x(*shape, seed=step, scale=2.0) + 1.5
        ours.zero_grad()
        theirs.zero_grad()
        _compare(ours, theirs, x)
        sd = theirs.state_dict()
        for key, value in ours.state_dict().items():
            np.testing.assert_allclose(value, sd[key].numpy(), rtol=1e-12, err_msg=key)
    assert int(ours.num_batches_tracked.numpy()) == 4
    ours.eval(), theirs.eval()
    ours.zero_grad()
    theirs.zero_grad()
    _compare(ours, theirs, _x(*shape, seed=9))


def test_batch_norm_variants_without_affine_or_tracking():
    for kw in ({"affine": False}, {"track_running_stats": False}, {"bias": False}):
        ours, theirs = nn.BatchNorm1d(4, **kw), tnn.BatchNorm1d(4, **kw)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        _copy(ours, theirs)
        for mode in (True, False):
            ours.train(mode), theirs.train(mode)
            ours.zero_grad()
            theirs.zero_grad()
            _compare(ours, theirs, _x(5, 4, seed=3))


@pytest.mark.parametrize("shape,ns,kw", [((4, 6), 6, {}), ((2, 3, 4, 5), (4, 5), {}),
                                         ((3, 5), [5], {"elementwise_affine": False}),
                                         ((3, 5), 5, {"bias": False, "eps": 0.1})])
def test_layer_norm(shape, ns, kw):
    ours, theirs = nn.LayerNorm(ns, **kw), tnn.LayerNorm(ns, **kw)
    if theirs.weight is not None:
        with torch.no_grad():
            theirs.weight.normal_()
    _copy(ours, theirs)
    _compare(ours, theirs, _x(*shape, scale=3.0) + 2)


def test_dropout_modules_in_eval_are_identity_like_torch():
    for lib_cls in ("Dropout", "Dropout2d"):
        ours, theirs = getattr(nn, lib_cls)(0.4).eval(), getattr(tnn, lib_cls)(0.4).eval()
        _compare(ours, theirs, _x(2, 3, 4, 4))


@pytest.mark.parametrize("name,make_inputs,kw", [
    ("MSELoss", lambda r: (r.normal(size=(4, 3)), r.normal(size=(4, 3))), {}),
    ("L1Loss", lambda r: (r.normal(size=(4, 3)), r.normal(size=(4, 3))), {"reduction": "sum"}),
    ("SmoothL1Loss", lambda r: (r.normal(size=(4, 3)), r.normal(size=(4, 3))), {"beta": 0.5}),
    ("HuberLoss", lambda r: (r.normal(size=(4, 3)), r.normal(size=(4, 3))), {"delta": 0.7}),
    ("BCELoss", lambda r: (r.uniform(0.05, 0.95, (4, 3)), r.uniform(0, 1, (4, 3))), {}),
    ("BCEWithLogitsLoss", lambda r: (r.normal(size=(4, 3)), r.uniform(0, 1, (4, 3))),
     {"pos_weight": np.array([1.0, 2.0, 0.5])}),
    ("CrossEntropyLoss", lambda r: (r.normal(size=(4, 3)), np.array([0, 2, 1, 2])),
     {"weight": np.array([1.0, 2.0, 0.5]), "label_smoothing": 0.1}),
    ("CrossEntropyLoss", lambda r: (r.normal(size=(4, 3, 2)), np.array([[0, 2], [1, 1], [2, 0],
                                                                          [1, 2]])),
     {"ignore_index": 1, "reduction": "none"}),
    ("NLLLoss", lambda r: (np.log(r.dirichlet(np.ones(3), 4)), np.array([0, 2, 1, 2])),
     {"weight": np.array([1.0, 2.0, 0.5])}),
])
def test_loss_modules(name, make_inputs, kw):
    r = np.random.default_rng(6)
    inputs = make_inputs(r)
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    ours, theirs = getattr(nn, name)(**kw), getattr(tnn, name)(**tkw)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _compare(ours, theirs, *inputs)


# -- init and utils -----------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 4), (8, 3, 5, 5), (2, 6, 3), (5, 1, 2, 2, 2), (1, 1)])
def test_fans_match_torch(shape):
    from torch.nn.init import _calculate_fan_in_and_fan_out as torch_fans

    assert init._calculate_fan_in_and_fan_out(tg.zeros(*shape)) == torch_fans(torch.zeros(shape))


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.3), ("selu",)])
def test_gain_matches_torch(args):
    assert init.calculate_gain(*args) == pytest.approx(torch.nn.init.calculate_gain(*args))


def test_default_init_ranges_match_torch():
    tg.manual_seed(0)
    pairs = [(nn.Linear(30, 20), tnn.Linear(30, 20))]
    for ours, theirs in pairs:
        for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            a, b = np.abs(p.detach().numpy()).max(), np.abs(tp.detach().numpy()).max()
            assert abs(a - b) < 0.05 * b, name
            assert abs(p.detach().numpy().std() - tp.detach().numpy().std()) < 0.2 * b, name


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    r = np.random.default_rng(8)
    grads = [r.normal(size=(3, 4)), r.normal(size=5), r.normal(size=(2, 2, 2))]
    params, tparams = [], []
    for g in grads:
        p = nn.Parameter(np.zeros_like(g))
        p.grad = tg.tensor(g.copy())
        params.append(p)
        tp = torch.zeros(g.shape, requires_grad=True)
        tp.grad = torch.tensor(g.copy())
        tparams.append(tp)
    params.append(nn.Parameter(np.zeros(2)))  # no gradient: skipped
    total = utils.clip_grad_norm_(params, max_norm, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tparams, max_norm, norm_type)
    assert total.item() == pytest.approx(ttotal.item(), rel=1e-12)
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-12)


def test_clip_grad_value_matches_torch():
    g = np.random.default_rng(9).normal(size=(4, 5))
    p, tp = nn.Parameter(np.zeros_like(g)), torch.zeros(g.shape, requires_grad=True)
    p.grad, tp.grad = tg.tensor(g.copy()), torch.tensor(g.copy())
    utils.clip_grad_value_([p], 0.3)
    torch.nn.utils.clip_grad_value_([tp], 0.3)
    np.testing.assert_array_equal(p.grad.numpy(), tp.grad.numpy())
