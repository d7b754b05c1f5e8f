"""Transposed convolutions and conv3d against PyTorch: functional values and gradients over
drawn configurations (float64 to 1e-10, float32 dtypes), second derivatives, errors raised
exactly when PyTorch raises them (same exception type), the layers' signatures, reprs,
parameter shapes, init bounds and state_dicts, ``output_size=``, and the pytorch/examples
DCGAN generator / discriminator training one step like PyTorch's."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.nn.torch_compare import TOL64, assert_same, raises_like_torch
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

pytestmark = [pytest.mark.torch,
              pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")]

TOL32 = {"rtol": 2e-4, "atol": 2e-5}


@st.composite
def transpose_setups(draw: Any, nd: int) -> dict[str, Any]:
    g = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    op = tuple(draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d))
    size = tuple(draw(st.integers(1, 5 if nd < 3 else 3)) for _ in range(nd))
    p = tuple(draw(st.integers(0, ((n - 1) * si + di * (ki - 1) + oi) // 2))
              for n, si, di, ki, oi in zip(size, s, d, k, op))
    return {"n": draw(st.integers(1, 2)), "cin": g * draw(st.integers(1, 2)),
            "cout": g * draw(st.integers(1, 2)), "k": k, "size": size,
            "unbatched": draw(st.booleans()), "bias": draw(st.booleans()),
            "args": (s, p, op, g, d)}


def _transpose_arrays(c: dict[str, Any], dtype: Any, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    shape = (c["cin"],) + c["size"] if c["unbatched"] else (c["n"], c["cin"]) + c["size"]
    out = [rng.standard_normal(shape), rng.standard_normal(
        (c["cin"], c["cout"] // c["args"][3]) + c["k"])]
    if c["bias"]:
        out.append(rng.standard_normal(c["cout"]))
    return [a.astype(dtype) for a in out]


def _check_transpose(nd: int, c: dict[str, Any], dtype: Any, tol: dict[str, float]) -> None:
    ours, theirs = getattr(F, f"conv_transpose{nd}d"), getattr(TF, f"conv_transpose{nd}d")
    args = c["args"] if nd > 1 else tuple(a[0] if isinstance(a, tuple) else a
                                          for a in c["args"])

    def call(f: Callable[..., Any]) -> Callable[..., Any]:
        return lambda x, w, b=None: f(x, w, b, *args)

    assert_same(call(ours), call(theirs), _transpose_arrays(c, dtype), tol)


@pytest.mark.parametrize("nd", [1, 2, 3])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_conv_transpose_matches_torch_float64(nd: int, data: Any) -> None:
    _check_transpose(nd, data.draw(transpose_setups(nd)), np.float64, TOL64)


@settings(max_examples=10, deadline=None)
@given(c=transpose_setups(2))
def test_conv_transpose2d_float32_stays_float32(c: dict[str, Any]) -> None:
    _check_transpose(2, c, np.float32, TOL32)


CONV3D = [(p, s, d, g) for p in (0, 1, (1, 0, 2), "same", "valid")
          for s, d, g in ((1, 1, 1), (2, 1, 2), (1, (2, 1, 1), 1), ((1, 2, 3), 2, 2))
          if not (p == "same" and s != 1)]  # PyTorch rejects 'same' when strided (see errors)


@pytest.mark.parametrize("padding,stride,dilation,groups", CONV3D)
def test_conv3d_matches_torch(padding: Any, stride: Any, dilation: Any, groups: int) -> None:
    rng = np.random.default_rng(1)
    xs = [rng.standard_normal((2, 4, 5, 6, 5)), rng.standard_normal((4, 4 // groups, 3, 2, 3)),
          rng.standard_normal(4)]
    for arrays in (xs, xs[:2], [xs[0][0], xs[1]]):
        assert_same(lambda x, w, b=None: F.conv3d(x, w, b, stride, padding, dilation, groups),
                    lambda x, w, b=None: TF.conv3d(x, w, b, stride, padding, dilation, groups),
                    arrays, TOL64)


@pytest.mark.parametrize("name,args", [
    ("conv_transpose2d", {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}),
    ("conv_transpose2d", {"dilation": 2, "padding": 2, "output_padding": 1}),
    ("conv_transpose1d", {"stride": 3, "padding": 1}),
    ("conv3d", {"stride": 2, "padding": 1}),
])
def test_second_derivatives_match_torch(name: str, args: dict[str, Any]) -> None:
    """d/dw of <dL/dx, v> (a Hessian-vector product through the gradient graph)."""
    nd = 1 if name.endswith("1d") else 3 if name.endswith("3d") else 2
    rng = np.random.default_rng(2)
    groups = args.get("groups", 1)
    x = rng.standard_normal((2, 4) + (4,) * nd)
    w = rng.standard_normal(((4, 4 // groups) if "transpose" in name else (4, 4)) + (3,) * nd)
    results = []
    for lib, f in ((tg, getattr(F, name)), (torch, getattr(TF, name))):
        tx, tw = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = f(tx, tw, **args)
        (gx,) = lib.autograd.grad((y * y).sum(), [tx], create_graph=True)
        (gw,) = lib.autograd.grad((gx * lib.tensor(np.cos(x))).sum(), [tw])
        results.append(np.asarray(gw.detach().numpy()))
    np.testing.assert_allclose(results[0], results[1], **TOL64)


# -- errors: raised exactly when PyTorch raises, with the same exception type ---------------
W = np.ones((4, 2, 3, 3))
BAD_CALLS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("wrong channels", lambda f, t: f.conv_transpose2d(t(np.ones((1, 3, 5, 5))), t(W))),
    ("output_padding >= stride", lambda f, t: f.conv_transpose2d(
        t(np.ones((1, 4, 5, 5))), t(W), output_padding=1)),
    ("output_padding >= stride 2", lambda f, t: f.conv_transpose2d(
        t(np.ones((1, 4, 5, 5))), t(W), stride=2, output_padding=2)),
    ("too much padding", lambda f, t: f.conv_transpose2d(t(np.ones((1, 4, 1, 1))), t(W),
                                                         padding=2)),
    ("string padding", lambda f, t: f.conv_transpose2d(t(np.ones((1, 4, 5, 5))), t(W),
                                                       padding="same")),
    ("groups do not divide", lambda f, t: f.conv_transpose2d(t(np.ones((4, 5, 5))), t(W),
                                                             groups=3)),
    ("bias size", lambda f, t: f.conv_transpose2d(t(np.ones((4, 5, 5))), t(W),
                                                  t(np.ones(3)))),
    ("zero stride", lambda f, t: f.conv_transpose2d(t(np.ones((4, 5, 5))), t(W), stride=0)),
    ("negative padding", lambda f, t: f.conv_transpose2d(t(np.ones((4, 5, 5))), t(W),
                                                         padding=-1)),
    ("3-D weight", lambda f, t: f.conv_transpose2d(t(np.ones((4, 5, 5))), t(np.ones((4, 2, 3))))),
    ("2-D input", lambda f, t: f.conv_transpose2d(t(np.ones((4, 5))), t(W))),
    ("pair stride in 1d", lambda f, t: f.conv_transpose1d(t(np.ones((2, 4, 5))),
                                                          t(np.ones((4, 2, 3))), stride=(1, 1))),
    ("conv3d same with stride", lambda f, t: f.conv3d(t(np.ones((1, 2, 4, 4, 4))),
                                                      t(np.ones((3, 2, 2, 2, 2))), stride=2,
                                                      padding="same")),
    ("conv3d kernel too deep", lambda f, t: f.conv3d(t(np.ones((1, 2, 1, 4, 4))),
                                                     t(np.ones((3, 2, 2, 2, 2))))),
    ("conv3d wrong channels", lambda f, t: f.conv3d(t(np.ones((1, 3, 4, 4, 4))),
                                                    t(np.ones((3, 2, 2, 2, 2))))),
]


@pytest.mark.parametrize("what,call", BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_errors_like_torch(what: str, call: Callable[[Any, Any], Any]) -> None:
    raises_like_torch(call)


def test_dilation_allows_output_padding_at_stride_one() -> None:
    """output_padding must be below stride OR dilation (PyTorch's rule)."""
    rng = np.random.default_rng(3)
    assert_same(lambda x, w: F.conv_transpose2d(x, w, dilation=2, output_padding=1),
                lambda x, w: TF.conv_transpose2d(x, w, dilation=2, output_padding=1),
                [rng.standard_normal((1, 4, 5, 5)), rng.standard_normal((4, 2, 3, 3))], TOL64)


# -- layers -----------------------------------------------------------------------------------
LAYERS = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "Conv3d"]


@pytest.mark.parametrize("name", LAYERS)
def test_constructor_signature_is_torchs(name: str) -> None:
    ours = inspect.signature(getattr(nn, name))
    theirs = inspect.signature(getattr(torch.nn, name))
    assert [(p.name, p.default) for p in ours.parameters.values()] == \
        [(p.name, p.default) for p in theirs.parameters.values()]
    fwd = [p.name for p in inspect.signature(getattr(nn, name).forward).parameters.values()]
    assert fwd == [p.name for p in inspect.signature(
        getattr(torch.nn, name).forward).parameters.values()]


CONFIGS = [(4, 6, 3, {}), (4, 6, 3, {"stride": 2, "padding": 1, "output_padding": 1}),
           (4, 6, 2, {"groups": 2, "bias": False, "dilation": 2}),
           (2, 3, (2, 3, 2), {"stride": (2, 1, 3), "padding": (1, 0, 1)})]


def _fit(v: Any, nd: int) -> Any:
    """A 3-tuple of per-dimension values cut to nd dimensions (ints stay ints)."""
    return v[:nd] if isinstance(v, tuple) else v


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("cin,cout,k,kw", CONFIGS)
def test_layer_matches_torch(name: str, cin: int, cout: int, k: Any, kw: dict[str, Any]) -> None:
    """repr, state_dict keys / shapes / dtypes, init bounds; a torch state_dict loads and
    gives the same output and gradients (input and parameters)."""
    nd = int(name[-2])
    kw = {key: _fit(v, nd) for key, v in kw.items()
          if "Transpose" in name or key != "output_padding"}
    args = (cin, cout, _fit(k, nd))
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, **kw)
    tg.manual_seed(0)
    ours = getattr(nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    tsd = theirs.state_dict()
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
        [(k, tuple(t.shape)) for k, t in tsd.items()]
    assert all(v.dtype == np.float32 for v in ours.state_dict().values())
    # kaiming_uniform_(a=sqrt(5)) and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in from
    # weight.shape[1] (out / groups for a transposed layer)
    fan_in = ours.weight.shape[1] * math.prod(ours.weight.shape[2:])
    for p in ours.parameters():
        a = np.abs(p.detach().numpy())
        assert a.max() <= 1 / math.sqrt(fan_in) and a.max() > 0.3 / math.sqrt(fan_in)
    ours.load_state_dict({k: v.numpy() for k, v in tsd.items()})
    theirs.double(), ours.double()
    x = np.random.default_rng(4).standard_normal((2, args[0]) + (5,) * nd)
    tx, gx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    ty, gy = theirs(tx), ours(gx)
    np.testing.assert_allclose(gy.detach().numpy(), ty.detach().numpy(), **TOL64)
    ty.square().sum().backward()
    gy.square().sum().backward()
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), **TOL64)
    tparams = dict(theirs.named_parameters())
    for k, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tparams[k].grad.numpy(), **TOL64, err_msg=k)


@pytest.mark.parametrize("output_size", [(11, 11), (12, 12), (11, 12), [1, 2, 12, 11],
                                         (13, 12), (10, 11), (2, 12, 12), (12,)])
def test_output_size_picks_output_padding_like_torch(output_size: Any) -> None:
    theirs = torch.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, dtype=torch.float64)
    ours = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, dtype=np.float64)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(5).standard_normal((1, 4, 6, 6))
    try:
        expected = theirs(torch.tensor(x), output_size=output_size).detach().numpy()
    except ValueError:
        with pytest.raises(ValueError, match="output"):
            ours(tg.tensor(x), output_size=output_size)
        return
    np.testing.assert_allclose(ours(tg.tensor(x), output_size=output_size).detach().numpy(),
                               expected,
                               **TOL64)


def test_unbatched_output_size_and_layer_errors() -> None:
    m = nn.ConvTranspose1d(2, 3, 3, stride=3)
    assert m(tg.randn(2, 4), output_size=[12]).shape == (3, 12)
    assert m(tg.randn(2, 4), output_size=[3, 14]).shape == (3, 14)
    with pytest.raises(ValueError, match="zeros"):
        nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="padding"):
        nn.ConvTranspose2d(2, 2, 3, padding="same")
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.ConvTranspose2d(3, 4, 3, groups=2)


# -- pytorch/examples dcgan: Generator and Discriminator, one training step -----------------
def _dcgan(lib: Any, nz: int = 8, ngf: int = 4, ndf: int = 4, nc: int = 3) -> tuple[Any, Any]:
    """The networks of pytorch/examples dcgan/main.py (the program's code, ``lib`` its torch).

    Its forward methods also test ``input.is_cuda`` before a multi-GPU branch; that line is
    left out here (tinygrad_nn's Tensor has no ``is_cuda`` yet).
    """
    nn_ = lib.nn

    def weights_init(m: Any) -> None:
        classname = m.__class__.__name__
        if classname.find("Conv") != -1:
            nn_.init.normal_(m.weight, 0.0, 0.02)
        elif classname.find("BatchNorm") != -1:
            nn_.init.normal_(m.weight, 1.0, 0.02)
            nn_.init.zeros_(m.bias)

    class Generator(nn_.Module):
        def __init__(self) -> None:
            super().__init__()
            self.main = nn_.Sequential(
                nn_.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
                nn_.BatchNorm2d(ngf * 8), nn_.ReLU(True),
                nn_.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),
                nn_.BatchNorm2d(ngf * 4), nn_.ReLU(True),
                nn_.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
                nn_.BatchNorm2d(ngf * 2), nn_.ReLU(True),
                nn_.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
                nn_.BatchNorm2d(ngf), nn_.ReLU(True),
                nn_.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn_.Tanh())

        def forward(self, input: Any) -> Any:
            return self.main(input)

    class Discriminator(nn_.Module):
        def __init__(self) -> None:
            super().__init__()
            self.main = nn_.Sequential(
                nn_.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn_.LeakyReLU(0.2, inplace=True),
                nn_.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn_.BatchNorm2d(ndf * 2),
                nn_.LeakyReLU(0.2, inplace=True),
                nn_.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn_.BatchNorm2d(ndf * 4),
                nn_.LeakyReLU(0.2, inplace=True),
                nn_.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn_.BatchNorm2d(ndf * 8),
                nn_.LeakyReLU(0.2, inplace=True),
                nn_.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn_.Sigmoid())

        def forward(self, input: Any) -> Any:
            return self.main(input).view(-1, 1).squeeze(1)

    net_g, net_d = Generator(), Discriminator()
    net_g.apply(weights_init)
    net_d.apply(weights_init)
    return net_g, net_d


def _dcgan_step(lib: Any, net_g: Any, net_d: Any, real: np.ndarray,
                noise: np.ndarray) -> list[float]:
    """The program's training step (D on real and fake, then G), with given data."""
    criterion = lib.nn.BCELoss()
    opt_d = lib.optim.Adam(net_d.parameters(), lr=0.0002, betas=(0.5, 0.999))
    opt_g = lib.optim.Adam(net_g.parameters(), lr=0.0002, betas=(0.5, 0.999))
    net_d.zero_grad()
    real_cpu = lib.tensor(real)
    label = lib.full((real_cpu.size(0),), 1, dtype=real_cpu.dtype)
    output = net_d(real_cpu)
    err_d_real = criterion(output, label)
    err_d_real.backward()
    fake = net_g(lib.tensor(noise))
    label.fill_(0)
    output = net_d(fake.detach())
    err_d_fake = criterion(output, label)
    err_d_fake.backward()
    err_d = err_d_real + err_d_fake
    opt_d.step()
    net_g.zero_grad()
    label.fill_(1)
    output = net_d(fake)
    err_g = criterion(output, label)
    err_g.backward()
    opt_g.step()
    return [err_d.item(), err_g.item(), output.mean().item()]


def test_dcgan_generator_and_discriminator_train_a_step_like_torch() -> None:
    torch.manual_seed(0)
    t_g, t_d = _dcgan(torch)
    g, d = _dcgan(tg)
    assert repr(g) == repr(t_g) and repr(d) == repr(t_d)
    for ours, theirs in ((g, t_g), (d, t_d)):
        theirs.double(), ours.double()
        ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(6)
    real, noise = rng.uniform(-1, 1, (4, 3, 64, 64)), rng.standard_normal((4, 8, 1, 1))
    assert g.eval()(tg.tensor(noise)).shape == (4, 3, 64, 64)  # eval: no running-stat update
    g.train()
    losses = _dcgan_step(tg, g, d, real, noise)
    t_losses = _dcgan_step(torch, t_g, t_d, real, noise)
    np.testing.assert_allclose(losses, t_losses, rtol=1e-9)
    for ours, theirs in ((g, t_g), (d, t_d)):
        tsd = theirs.state_dict()
        for k, v in ours.state_dict().items():
            np.testing.assert_allclose(np.asarray(v.numpy(), dtype=np.float64),
                                       tsd[k].numpy(), rtol=1e-7, atol=1e-9, err_msg=k)
