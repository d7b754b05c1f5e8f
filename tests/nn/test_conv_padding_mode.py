"""Conv1d / 2d / 3d with padding_mode 'reflect' | 'replicate' | 'circular' (F.pad in that mode,
then a convolution without padding, as PyTorch): outputs and gradients against PyTorch, second
order by gradgradcheck, PyTorch's errors and repr, and the ``_conv_forward`` hook."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn
from tests.nn.torch_compare import outcome
from tinygrad_nn import gradgradcheck

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")
MODES = ["zeros", "reflect", "replicate", "circular"]
TOL = {"rtol": 1e-10, "atol": 1e-10}


def _pair_of_layers(cls: str, args: tuple[Any, ...], kw: dict[str, Any]) -> tuple[Any, Any]:
    theirs = getattr(torch.nn, cls)(*args, **kw).double()
    ours = getattr(nn, cls)(*args, **kw).double()
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    return ours, theirs



SETUPS = [
    ("Conv1d", (2, 3, 3), {"padding": 2}, (2, 2, 7)),
    ("Conv1d", (2, 4, 4), {"padding": "same", "dilation": 2, "groups": 2}, (1, 2, 9)),
    ("Conv2d", (2, 3, 3), {"padding": 1}, (2, 2, 5, 6)),
    ("Conv2d", (2, 3, (3, 2)), {"padding": (2, 1), "stride": (2, 1)}, (2, 2, 6, 5)),
    ("Conv2d", (3, 2, (4, 3)), {"padding": "same", "dilation": (1, 2), "bias": False},
     (1, 3, 7, 8)),
    ("Conv2d", (2, 2, 3), {"padding": "valid"}, (1, 2, 5, 5)),
    ("Conv3d", (2, 2, 3), {"padding": 1}, (1, 2, 4, 5, 4)),
    ("Conv3d", (2, 4, (2, 3, 2)), {"padding": "same", "groups": 2}, (1, 2, 4, 4, 5)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cls,args,kw,shape", SETUPS)
def test_padding_modes_match_torch_with_gradients(mode: str, cls: str, args: tuple[Any, ...],
                                                  kw: dict[str, Any],
                                                  shape: tuple[int, ...]) -> None:
    ours, theirs = _pair_of_layers(cls, args, {**kw, "padding_mode": mode})
    assert repr(ours) == repr(theirs)
    assert list(ours._reversed_padding_repeated_twice) == list(
        theirs._reversed_padding_repeated_twice)
    x = np.random.default_rng(1).standard_normal(shape)
    xo, xt = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ty = ours(xo), theirs(xt)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **TOL)
    g = np.random.default_rng(2).standard_normal(y.shape)
    y.backward(g)
    ty.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), **TOL)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), **TOL, err_msg=name)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("cls,shape", [("Conv1d", (1, 2, 5)), ("Conv2d", (1, 2, 4, 4)),
                                       ("Conv3d", (1, 2, 3, 3, 3))])
def test_second_order_through_padded_convolutions(mode: str, cls: str,
                                                  shape: tuple[int, ...]) -> None:
    tg.manual_seed(0)
    layer = getattr(nn, cls)(2, 2, 2, padding=1, padding_mode=mode).double()
    x = tg.tensor(np.random.default_rng(3).standard_normal(shape), requires_grad=True)

    def f(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor) -> tg.Tensor:
        return layer._conv_forward(x, w, b).tanh()

    assert gradgradcheck(f, (x, layer.weight, layer.bias))


def test_the_padding_mode_pads_the_input_as_f_pad() -> None:
    x = tg.arange(5.0).reshape(1, 1, 5)
    conv = nn.Conv1d(1, 1, 3, padding=2, padding_mode="circular", bias=False)
    with tg.no_grad():
        conv.weight.copy_(tg.tensor([[[1.0, 0.0, 0.0]]]))
    # circular padding 2: [3, 4, 0, 1, 2, 3, 4, 0, 1]; the kernel picks each window's first
    np.testing.assert_array_equal(conv(x).detach().numpy().ravel(), [3, 4, 0, 1, 2, 3, 4])


@pytest.mark.parametrize("cls", ["Conv1d", "Conv2d", "Conv3d"])
@pytest.mark.parametrize("kw", [
    {"padding_mode": "same"}, {"padding_mode": "constant"}, {"padding": "full"},
    {"padding": "same", "stride": 2}, {"padding": "same", "stride": 2, "padding_mode": "reflect"},
])
def test_errors_match_torch(cls: str, kw: dict[str, Any]) -> None:
    kind, msg = outcome(lambda: getattr(nn, cls)(2, 2, 3, **kw))
    tkind, tmsg = outcome(lambda: getattr(torch.nn, cls)(2, 2, 3, **kw))
    assert kind == tkind == "ValueError"
    if "{" in msg:  # PyTorch prints a set: its order varies between runs
        assert re.sub(r"\{.*\}", "{}", msg) == re.sub(r"\{.*\}", "{}", tmsg)
        assert set(re.findall(r"'(\w+)'", msg)) == set(re.findall(r"'(\w+)'", tmsg))
    else:
        assert msg == tmsg


@pytest.mark.parametrize("cls", ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"])
@pytest.mark.parametrize("mode", ["reflect", "circular", "nonsense"])
def test_transposed_convolutions_take_only_zeros(cls: str, mode: str) -> None:
    assert outcome(lambda: getattr(nn, cls)(2, 2, 3, padding_mode=mode)) == outcome(
        lambda: getattr(torch.nn, cls)(2, 2, 3, padding_mode=mode))


def test_reflect_needs_padding_smaller_than_the_input() -> None:
    conv = nn.Conv2d(1, 1, 3, padding=3, padding_mode="reflect")
    with pytest.raises((ValueError, RuntimeError)):
        conv(tg.ones(1, 1, 3, 3))


def test_conv_forward_hook_for_weight_standardisation_matches_torch() -> None:
    def standardised(base: Any, lib: Any) -> Any:
        class StdConv(base):  # type: ignore[misc, valid-type]
            def forward(self, x: Any) -> Any:
                w = self.weight
                mean = w.mean(dim=(1, 2, 3), keepdim=True)
                std = w.var(dim=(1, 2, 3), keepdim=True, unbiased=False).add(1e-5).sqrt()
                return self._conv_forward(x, (w - mean) / std, self.bias)
        return StdConv(2, 4, 3, padding=1, padding_mode="reflect").double()

    theirs = standardised(torch.nn.Conv2d, torch)
    ours = standardised(nn.Conv2d, tg)
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(4).standard_normal((2, 2, 5, 5))
    y, ty = ours(tg.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **TOL)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), **TOL)


def test_lazy_convolutions_take_the_padding_mode() -> None:
    lazy = nn.LazyConv2d(3, 3, padding=1, padding_mode="replicate")
    assert lazy(tg.ones(1, 2, 4, 4)).shape == (1, 3, 4, 4)
    assert lazy.padding_mode == "replicate"
