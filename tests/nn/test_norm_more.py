"""GroupNorm, InstanceNorm1d/2d/3d, RMSNorm, LocalResponseNorm, BatchNorm3d and LayerNorm
against PyTorch: functional values, gradients and second derivatives (float64 to 1e-10),
float32 staying float32, errors raised exactly when PyTorch raises them (same type), the
layers' signatures, reprs, state_dicts (a torch state_dict loads and gives the same outputs
and gradients) and running-statistics trajectories."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.nn.torch_compare import TOL64, assert_same, raises_like_torch
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

pytestmark = pytest.mark.torch
TOL32 = {"rtol": 1e-4, "atol": 1e-5}


def _x(*shape: int, seed: int = 0, scale: float = 2.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.5, scale, shape)


# -- functionals ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 6), (2, 6, 5), (2, 6, 3, 4), (1, 6, 2, 2, 3)])
@pytest.mark.parametrize("groups", [1, 2, 3, 6])
@pytest.mark.parametrize("affine", [False, True])
def test_group_norm(shape: tuple[int, ...], groups: int, affine: bool) -> None:
    rng = np.random.default_rng(2)
    arrays = [_x(*shape)] + ([rng.standard_normal(6), rng.standard_normal(6)] if affine else [])
    assert_same(lambda x, *wb: F.group_norm(x, groups, *wb, eps=1e-3),
                lambda x, *wb: TF.group_norm(x, groups, *wb, eps=1e-3), arrays,
                second=True)


@pytest.mark.parametrize("shape", [(2, 3, 5), (3, 4, 2), (2, 3, 3, 4), (1, 2, 2, 3, 2)])
@pytest.mark.parametrize("affine", [False, True])
def test_instance_norm_with_input_stats(shape: tuple[int, ...], affine: bool) -> None:
    c = shape[1]
    rng = np.random.default_rng(3)
    arrays = [_x(*shape)] + ([rng.standard_normal(c), rng.standard_normal(c)] if affine else [])
    assert_same(lambda x, *wb: F.instance_norm(x, None, None, *wb),
                lambda x, *wb: TF.instance_norm(x, None, None, *wb), arrays,
                second=True)


def test_instance_norm_running_stats_follow_torchs_updates() -> None:
    rm, rv = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 0.5])
    ours = [tg.tensor(rm.copy()), tg.tensor(rv.copy())]
    theirs = [torch.tensor(rm.copy()), torch.tensor(rv.copy())]
    for step in range(3):
        x = _x(4, 3, 5, seed=step)
        y = F.instance_norm(tg.tensor(x), *ours, momentum=0.3)
        ty = TF.instance_norm(torch.tensor(x), *theirs, momentum=0.3)
        np.testing.assert_allclose(y.numpy(), ty.numpy(), **TOL64)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), **TOL64)
    # use_input_stats=False normalises with the running statistics
    x = _x(2, 3, 4)
    assert_same(lambda x, w: F.instance_norm(x, ours[0], ours[1], w, None, False),
                lambda x, w: TF.instance_norm(x, theirs[0], theirs[1], w, None, False),
                [x, np.array([1.0, 2.0, -1.0])], second=True)
    # float64 running statistics with a float32 input are allowed (PyTorch's rule) and
    # are updated in float64
    x32 = _x(2, 3, 4).astype(np.float32)
    y = F.instance_norm(tg.tensor(x32), *ours)
    ty = TF.instance_norm(torch.tensor(x32), *theirs)
    assert y.dtype == np.float32 and ours[0].dtype == np.float64
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-5, atol=1e-6)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


@pytest.mark.parametrize("ns", [(5,), (4, 5), 5])
@pytest.mark.parametrize("eps", [None, 1e-6, 0.5])
@pytest.mark.parametrize("affine", [False, True])
def test_rms_norm(ns: Any, eps: Any, affine: bool) -> None:
    shape = (2, 3, 4, 5)
    tns = (ns,) if isinstance(ns, int) else ns
    arrays = [_x(*shape)] + ([_x(*tns, seed=4)] if affine else [])
    assert_same(lambda x, *w: F.rms_norm(x, ns, *w, eps=eps),
                lambda x, *w: TF.rms_norm(x, tns, *w, eps=eps), arrays, second=True)


def test_rms_norm_default_eps_is_the_dtypes_machine_epsilon() -> None:
    for dtype, tdtype in ((np.float32, torch.float32), (np.float64, torch.float64)):
        x = np.array([[1e-4, -2e-4, 3e-4]], dtype=dtype)  # mean(x^2) ~ eps matters
        np.testing.assert_allclose(F.rms_norm(tg.tensor(x), (3,)).numpy(),
                                   TF.rms_norm(torch.tensor(x, dtype=tdtype), (3,)).numpy(),
                                   rtol=1e-5 if dtype == np.float32 else 1e-12)
    # a float64 weight does not promote a float32 input (PyTorch keeps the input's dtype)
    y = F.rms_norm(tg.tensor(_x(2, 3).astype(np.float32)), (3,), tg.tensor(np.ones(3)))
    assert y.dtype == np.float32


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("shape", [(2, 6, 4), (2, 6, 3, 4), (1, 6, 2, 2, 3), (2, 3, 2, 2, 2, 2)])
def test_local_response_norm(size: int, shape: tuple[int, ...]) -> None:
    assert_same(lambda x: F.local_response_norm(x, size, alpha=0.3, beta=0.75, k=1.5),
                lambda x: TF.local_response_norm(x, size, alpha=0.3, beta=0.75, k=1.5),
                [_x(*shape)], second=True)


@pytest.mark.parametrize("name,call", [
    ("group_norm", lambda f, x: f.group_norm(x, 2)),
    ("instance_norm", lambda f, x: f.instance_norm(x)),
    ("rms_norm", lambda f, x: f.rms_norm(x, (4,), eps=1e-5)),
    ("local_response_norm", lambda f, x: f.local_response_norm(x, 3, 0.1)),
    ("layer_norm", lambda f, x: f.layer_norm(x, (4,))),
    ("batch_norm", lambda f, x: f.batch_norm(x, None, None, training=True)),
])
def test_float32_stays_float32(name: str, call: Callable[..., Any]) -> None:
    x = _x(2, 4, 4).astype(np.float32)
    y, ty = call(F, tg.tensor(x)), call(TF, torch.tensor(x))
    assert y.dtype == np.float32 and ty.dtype == torch.float32
    np.testing.assert_allclose(y.numpy(), ty.numpy(), **TOL32)


BAD_CALLS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("group_norm groups do not divide", lambda f, t: f.group_norm(t(np.ones((2, 3, 4))), 2)),
    ("group_norm 1-D", lambda f, t: f.group_norm(t(np.ones(3)), 1)),
    ("group_norm one value", lambda f, t: f.group_norm(t(np.ones((1, 2))), 2)),
    ("group_norm weight size", lambda f, t: f.group_norm(t(np.ones((2, 3, 4))), 3,
                                                         t(np.ones(2)))),
    ("instance_norm one spatial", lambda f, t: f.instance_norm(t(np.ones((2, 3, 1))))),
    ("instance_norm 2-D", lambda f, t: f.instance_norm(t(np.ones((3, 4))))),
    ("instance_norm no running", lambda f, t: f.instance_norm(t(np.ones((2, 3, 4))),
                                                              use_input_stats=False)),
    ("instance_norm running size", lambda f, t: f.instance_norm(
        t(np.ones((2, 3, 4))), t(np.zeros(2)), t(np.ones(2)))),
    ("rms_norm shape", lambda f, t: f.rms_norm(t(np.ones((2, 3, 4))), (3,))),
    ("rms_norm weight shape", lambda f, t: f.rms_norm(t(np.ones((2, 3, 4))), (4,),
                                                      t(np.ones(3)))),
    ("group_norm float64 weight", lambda f, t: f.group_norm(
        t(np.ones((2, 4, 3), np.float32)), 2, t(np.ones(4)))),
    ("instance_norm float64 bias", lambda f, t: f.instance_norm(
        t(np.ones((2, 4, 3), np.float32)), bias=t(np.ones(4)))),
    ("local_response_norm 2-D", lambda f, t: f.local_response_norm(t(np.ones((2, 3))), 2)),
]


@pytest.mark.parametrize("what,call", BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_errors_like_torch(what: str, call: Callable[[Any, Any], Any]) -> None:
    raises_like_torch(call)


def test_local_response_norm_of_an_empty_batch_is_empty() -> None:
    assert F.local_response_norm(tg.zeros(0, 5, 3), 3).shape == (0, 5, 3)


# -- layers ---------------------------------------------------------------------------------
LAYERS: list[tuple[str, tuple[Any, ...], dict[str, Any], tuple[int, ...]]] = [
    ("GroupNorm", (2, 4), {}, (3, 4, 5)),
    ("GroupNorm", (4, 4), {"affine": False, "eps": 0.1}, (2, 4, 3, 3)),
    ("GroupNorm", (1, 4), {"bias": False}, (2, 4)),
    ("InstanceNorm1d", (3,), {}, (2, 3, 5)),
    ("InstanceNorm1d", (3,), {"affine": True}, (3, 5)),
    ("InstanceNorm1d", (3,), {"affine": True, "track_running_stats": True}, (2, 3, 5)),
    ("InstanceNorm2d", (3,), {"track_running_stats": True, "momentum": None}, (2, 3, 3, 4)),
    ("InstanceNorm2d", (3,), {"affine": True, "bias": False}, (3, 3, 4)),
    ("InstanceNorm3d", (2,), {"affine": True, "track_running_stats": True}, (2, 2, 2, 3, 2)),
    ("InstanceNorm3d", (2,), {}, (2, 2, 3, 2)),
    ("RMSNorm", (5,), {}, (2, 3, 5)),
    ("RMSNorm", ([3, 5],), {"eps": 1e-3}, (2, 3, 5)),
    ("RMSNorm", (5,), {"elementwise_affine": False}, (4, 5)),
    ("LocalResponseNorm", (3,), {}, (2, 5, 4)),
    ("LocalResponseNorm", (2,), {"alpha": 0.5, "beta": 1.5, "k": 2.0}, (2, 5, 3, 3)),
    ("BatchNorm3d", (3,), {}, (2, 3, 2, 3, 2)),
    ("BatchNorm3d", (3,), {"momentum": None, "affine": False}, (2, 3, 2, 2, 2)),
    ("LayerNorm", ((3, 4),), {}, (2, 3, 4)),
    ("LayerNorm", (4,), {"bias": False, "eps": 0.1}, (5, 4)),
]
IDS = [f"{name}-{i}" for i, (name, *_) in enumerate(LAYERS)]


@pytest.mark.parametrize("name", sorted({entry[0] for entry in LAYERS}))
def test_signature_is_torchs(name: str) -> None:
    ours, theirs = getattr(nn, name), getattr(torch.nn, name)
    assert [(p.name, p.default, p.kind) for p in inspect.signature(ours).parameters.values()] \
        == [(p.name, p.default, p.kind) for p in inspect.signature(theirs).parameters.values()]


def _random_params(theirs: Any) -> None:
    """Non-default parameters and running statistics, so loading them is visible."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype))
        for k, b in theirs.named_buffers():
            if k.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=g))
            elif k.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=g) + 0.5)


@pytest.mark.parametrize("name,args,kw,shape", LAYERS, ids=IDS)
def test_layer_matches_torch(name: str, args: tuple[Any, ...], kw: dict[str, Any],
                             shape: tuple[int, ...]) -> None:
    """repr, state_dict keys / shapes / dtypes / initial values; a torch state_dict loads;
    three training steps give the same outputs, gradients and running statistics, then eval."""
    theirs, ours = getattr(torch.nn, name)(*args, **kw), getattr(nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    tsd = theirs.state_dict()
    sd = ours.state_dict()
    assert list(sd) == list(tsd)
    for k, v in sd.items():
        assert v.shape == tuple(tsd[k].shape), k
        assert str(v.dtype) == str(tsd[k].dtype).replace("torch.", ""), k
        np.testing.assert_array_equal(v.numpy(), tsd[k].numpy(), err_msg=k)
    _random_params(theirs)
    theirs.double(), ours.double()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for mode in (True, True, True, False):
        theirs.train(mode), ours.train(mode)
        x = _x(*shape, seed=len(shape) + mode)
        tx, gx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
        ty, gy = theirs(tx), ours(gx)
        np.testing.assert_allclose(gy.detach().numpy(), ty.detach().numpy(), **TOL64)
        v = np.random.default_rng(8).standard_normal(shape)
        (ty * torch.tensor(v)).sum().backward()
        (gy * tg.tensor(v)).sum().backward()
        np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), **TOL64)
        tparams = dict(theirs.named_parameters())
        for k, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad.numpy(), tparams[k].grad.numpy(), **TOL64)
            p.grad = None
        theirs.zero_grad()
        tsd = theirs.state_dict()
        for k, b in ours.state_dict().items():
            np.testing.assert_allclose(b.numpy(), tsd[k].numpy(), **TOL64, err_msg=k)


def test_instance_norm_channel_mismatch_warns_without_affine_and_raises_with_it() -> None:
    x = tg.tensor(_x(2, 4, 5))
    with pytest.warns(UserWarning, match="num_features"):
        nn.InstanceNorm1d(3)(x)
    with pytest.raises(ValueError, match=r"num_features \(3\).*4"):
        nn.InstanceNorm1d(3, affine=True)(x)
    with pytest.raises(ValueError, match="2D or 3D input"):
        nn.InstanceNorm1d(3)(tg.tensor(_x(2, 3, 4, 5)))
    with pytest.raises(ValueError, match="4D or 5D input"):
        nn.InstanceNorm3d(3)(tg.tensor(_x(2, 3, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.InstanceNorm1d(4)(x)  # a matching size does not warn


def test_instance_norm_tracks_but_never_counts_batches_like_torch() -> None:
    ours = nn.InstanceNorm1d(3, track_running_stats=True)
    theirs = torch.nn.InstanceNorm1d(3, track_running_stats=True)
    x = _x(2, 3, 5).astype(np.float32)
    ours(tg.tensor(x)), theirs(torch.tensor(x))
    assert int(ours.num_batches_tracked.numpy()) == int(theirs.num_batches_tracked) == 0
    np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), **TOL32)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), **TOL32)


def test_constructor_errors_like_torch() -> None:
    with pytest.raises(ValueError, match=r"num_channels \(3\).*num_groups \(2\)"):
        nn.GroupNorm(2, 3)
    with pytest.raises(ValueError):
        torch.nn.GroupNorm(2, 3)
    with pytest.raises(ValueError, match=r"\(N, C, D, H, W\)"):
        nn.BatchNorm3d(3)(tg.ones(2, 3, 4, 4))
