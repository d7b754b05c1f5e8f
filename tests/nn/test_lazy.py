"""Lazy layers against PyTorch: signatures, reprs before and after the first call, the shapes
inferred from the first input, the eager class they become, init bounds, an optimiser built
before the first call, and a torch state_dict loaded before the first call."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

LAZY = [("LazyLinear", (3,), {}, (2, 5)),
        ("LazyLinear", (3,), {"bias": False}, (4, 2, 5)),
        ("LazyConv1d", (4, 3), {"stride": 2}, (2, 3, 7)),
        ("LazyConv2d", (4, 3), {"padding": 1, "groups": 2}, (2, 6, 5, 5)),
        ("LazyConv2d", (4, 3), {"bias": False}, (3, 5, 5)),
        ("LazyConv3d", (2, 2), {}, (1, 3, 3, 3, 3)),
        ("LazyConvTranspose1d", (4, 3), {"stride": 2, "output_padding": 1}, (2, 3, 5)),
        ("LazyConvTranspose2d", (4, 4), {"stride": 2, "padding": 1, "groups": 2}, (2, 6, 4, 4)),
        ("LazyConvTranspose3d", (2, 2), {"dilation": 2}, (1, 2, 2, 3, 2))]
IDS = [f"{name}-{i}" for i, (name, *_) in enumerate(LAZY)]


@pytest.mark.parametrize("name", sorted({entry[0] for entry in LAZY}))
def test_signature_is_torchs(name: str) -> None:
    ours, theirs = getattr(nn, name), getattr(torch.nn, name)
    assert [(p.name, p.default) for p in inspect.signature(ours).parameters.values()] == \
        [(p.name, p.default) for p in inspect.signature(theirs).parameters.values()]


@pytest.mark.parametrize("name,args,kw,shape", LAZY, ids=IDS)
def test_first_call_infers_shapes_and_becomes_the_eager_layer(name: str, args: tuple,
                                                              kw: dict, shape: tuple) -> None:
    tg.manual_seed(0)  # (the range check below is on random draws: not on the test order's)
    ours, theirs = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    assert ours.has_uninitialized_params()
    assert all(isinstance(p, nn.UninitializedParameter) for p in ours.parameters())
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    y, ty = ours(tg.tensor(x)), theirs(torch.tensor(x))
    assert type(ours).__name__ == type(theirs).__name__ == name[4:]
    assert isinstance(ours, getattr(nn, name[4:])) and repr(ours) == repr(theirs)
    assert y.shape == tuple(ty.shape) and y.dtype == np.float32
    tsd = theirs.state_dict()
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tsd.items()]
    assert all(type(p) is nn.Parameter for p in ours.parameters())
    fan_in = ours.weight.shape[1] * math.prod(ours.weight.shape[2:])
    for p in ours.parameters():  # initialised like the eager layer (not left uninitialised)
        a = np.abs(p.detach().numpy())
        assert a.max() <= 1 / math.sqrt(fan_in) and a.max() > 0.2 / math.sqrt(fan_in)
    ours.load_state_dict({k: v.numpy() for k, v in tsd.items()})
    np.testing.assert_allclose(ours(tg.tensor(x)).detach().numpy(), ty.detach().numpy(), rtol=1e-5,
                               atol=1e-6)


def test_an_optimizer_built_before_the_first_call_trains_the_parameters() -> None:
    m = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(1))
    opt = tg.optim.SGD(m.parameters(), lr=0.1)
    x = tg.randn(8, 3)
    loss = m(x).square().mean()
    before = [p.detach().numpy().copy() for p in m.parameters()]
    assert [b.shape for b in before] == [(4, 3), (4,), (1, 4), (1,)]
    loss.backward()
    grads = [p.grad.numpy().copy() for p in m.parameters()]
    opt.step()
    for p, b, g in zip(m.parameters(), before, grads):
        np.testing.assert_allclose(p.detach().numpy(), b - 0.1 * g, rtol=1e-6)


def test_a_torch_state_dict_loads_before_the_first_call() -> None:
    theirs = torch.nn.Linear(5, 3)
    ours = nn.LazyLinear(3)
    ours.load_state_dict(theirs.state_dict())
    assert ours.weight.shape == (3, 5) and type(ours).__name__ == "LazyLinear"
    with pytest.raises(RuntimeError, match="4 features.*expects 5"):
        ours(tg.randn(2, 4))
    x = np.random.default_rng(1).standard_normal((2, 5)).astype(np.float32)
    np.testing.assert_allclose(ours(tg.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert type(ours) is nn.Linear and ours.in_features == 5


def test_bad_first_inputs_raise_like_torch() -> None:
    with pytest.raises(RuntimeError, match="4D"):
        nn.LazyConv2d(4, 3)(tg.randn(2, 3))
    with pytest.raises(RuntimeError):
        torch.nn.LazyConv2d(4, 3)(torch.randn(2, 3))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.LazyConv2d(4, 3, groups=2)(tg.randn(1, 3, 5, 5))
    with pytest.raises(ValueError):
        torch.nn.LazyConv2d(4, 3, groups=2)(torch.randn(1, 3, 5, 5))


def test_module_dtype_casts_reach_the_uninitialized_parameters() -> None:
    m = nn.LazyLinear(2).double()
    assert m(tg.randn(3, 4, dtype=np.float64)).dtype == np.float64
    assert m.weight.dtype == np.float64


LAZY_NORMS = [("LazyBatchNorm1d", {}, (4, 3)), ("LazyBatchNorm1d", {"momentum": None}, (4, 3, 5)),
              ("LazyBatchNorm2d", {"affine": False}, (2, 3, 4, 4)),
              ("LazyBatchNorm3d", {"bias": False}, (2, 3, 2, 2, 3)),
              ("LazyInstanceNorm1d", {}, (2, 3, 5)),
              ("LazyInstanceNorm2d", {"affine": False, "track_running_stats": False},
               (2, 3, 4, 4)),
              ("LazyInstanceNorm3d", {"eps": 0.1}, (2, 3, 2, 2, 3))]


@pytest.mark.parametrize("name", sorted({entry[0] for entry in LAZY_NORMS}))
def test_norm_signature_is_torchs(name: str) -> None:
    ours, theirs = getattr(nn, name), getattr(torch.nn, name)
    assert [(p.name, p.default, p.kind) for p in inspect.signature(ours).parameters.values()] \
        == [(p.name, p.default, p.kind) for p in inspect.signature(theirs).parameters.values()]


# without parameters or statistics nothing is inferred: num_features stays 0, and both
# libraries warn that the input's channels differ from it
@pytest.mark.filterwarnings("ignore:.*num_features:UserWarning")
@pytest.mark.parametrize("name,kw,shape", LAZY_NORMS,
                         ids=[f"{n}-{i}" for i, (n, *_) in enumerate(LAZY_NORMS)])
def test_lazy_norm_layers_match_torch(name: str, kw: dict, shape: tuple) -> None:
    """repr and state_dict keys before the call; after two training steps and one eval step
    the same class, outputs, state_dict shapes and values (running statistics) as torch."""
    ours, theirs = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for step, mode in enumerate((True, True, False)):
        ours.train(mode), theirs.train(mode)
        x = np.random.default_rng(step).standard_normal(shape).astype(np.float32)
        y, ty = ours(tg.tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert type(ours).__name__ == type(theirs).__name__ == name[4:]
    assert repr(ours) == repr(theirs)
    tsd = theirs.state_dict()
    for k, v in ours.state_dict().items():
        assert v.shape == tuple(tsd[k].shape), k
        np.testing.assert_allclose(v.numpy(), tsd[k].numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_a_torch_batch_norm_state_dict_loads_into_a_lazy_one() -> None:
    theirs = torch.nn.BatchNorm1d(5)
    theirs(torch.randn(8, 5))
    ours = nn.LazyBatchNorm1d()
    ours.load_state_dict(theirs.state_dict())
    ours.eval(), theirs.eval()
    x = np.random.default_rng(2).standard_normal((3, 5)).astype(np.float32)
    np.testing.assert_allclose(ours(tg.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert type(ours) is nn.BatchNorm1d and ours.num_features == 5
