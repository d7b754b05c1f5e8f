"""nn.utils.fusion against torch: the fused layer's parameters and outputs."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn.nn import utils

from .helpers import close, copy_state, pair

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(0)


def _bn(name, n, affine=True):
    ours, theirs = pair(name, n, affine=affine)
    with torch.no_grad():
        theirs.running_mean.copy_(torch.tensor(RNG.standard_normal(n)))
        theirs.running_var.copy_(torch.tensor(RNG.random(n) + 0.5))
        if affine:
            theirs.weight.copy_(torch.tensor(RNG.standard_normal(n)))
            theirs.bias.copy_(torch.tensor(RNG.standard_normal(n)))
    copy_state(ours, theirs)
    return ours.eval(), theirs.eval()


@pytest.mark.parametrize("conv,bias,affine,transpose", [
    ("Conv2d", True, True, False), ("Conv1d", False, False, False),
    ("ConvTranspose2d", True, True, True)])
def test_fuse_conv_bn_eval(conv, bias, affine, transpose):
    c, tc = pair(conv, 2, 3, 3, bias=bias)
    c.eval()
    tc.eval()
    bn, tbn = _bn("BatchNorm2d" if conv.endswith("2d") else "BatchNorm1d", 3, affine)
    f = utils.fuse_conv_bn_eval(c, bn, transpose=transpose)
    tf = torch.nn.utils.fuse_conv_bn_eval(tc, tbn, transpose=transpose)
    assert list(f.state_dict()) == list(tf.state_dict())
    for k, v in tf.state_dict().items():
        close(f.state_dict()[k], v)
    x = RNG.standard_normal((1, 2, 5, 5) if conv.endswith("2d") else (1, 2, 7))
    close(f(tg.tensor(x)), tbn(tc(torch.tensor(x))))
    assert c.bias is None or c.bias is not f.bias  # the original layer is untouched


def test_fuse_linear_bn_eval_and_errors():
    lin, tlin = pair("Linear", 4, 3)
    lin.eval()
    tlin.eval()
    bn, tbn = _bn("BatchNorm1d", 3)
    f = utils.fuse_linear_bn_eval(lin, bn)
    tf = torch.nn.utils.fuse_linear_bn_eval(tlin, tbn)
    close(f.weight, tf.weight)
    close(f.bias, tf.bias)
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        utils.fuse_linear_bn_eval(lin.train(), bn)
    bn5, _ = _bn("BatchNorm1d", 5)
    with pytest.raises(AssertionError, match="To fuse"):
        utils.fuse_linear_bn_eval(lin.eval(), bn5)

