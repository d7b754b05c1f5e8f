"""The older hook-based nn.utils.weight_norm and nn.utils.spectral_norm against torch."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn.nn as nn
from tinygrad_nn.nn import utils

from .helpers import close, copy_state, pair, same_grads

torch = pytest.importorskip("torch")
TU = torch.nn.utils
RNG = np.random.default_rng(0)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_matches_torch(dim):
    ours, theirs = pair("Linear", 4, 3)
    with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
        utils.weight_norm(ours, dim=dim)
    with pytest.warns(FutureWarning):
        TU.weight_norm(theirs, dim=dim)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert repr(ours) == repr(theirs)
    close(ours.weight_g, theirs.weight_g)
    close(ours.weight, theirs.weight)
    same_grads(ours, theirs, RNG.standard_normal((2, 4)))
    with pytest.raises(RuntimeError, match="two weight_norm hooks"), pytest.warns(FutureWarning):
        utils.weight_norm(ours, dim=dim)
    utils.remove_weight_norm(ours)
    TU.remove_weight_norm(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours.weight, nn.Parameter)
    close(ours.weight, theirs.weight)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        utils.remove_weight_norm(ours)


@pytest.mark.parametrize("layer,args,x_shape", [
    ("Linear", (5, 4), (3, 5)),
    ("Conv1d", (2, 3, 3), (1, 2, 6)),
    ("ConvTranspose2d", (2, 3, 3), (1, 2, 4, 4)),
])
@pytest.mark.parametrize("n_iter", [1, 2])
def test_spectral_norm_matches_torch(layer, args, x_shape, n_iter):
    ours, theirs = pair(layer, *args)
    utils.spectral_norm(ours, n_power_iterations=n_iter)
    TU.spectral_norm(theirs, n_power_iterations=n_iter)
    keys = list(theirs.state_dict())
    assert list(ours.state_dict()) == keys
    assert {"weight_orig", "weight_u", "weight_v"} <= set(keys)
    assert repr(ours) == repr(theirs)
    copy_state(ours, theirs)
    x = RNG.standard_normal(x_shape)
    for _ in range(2):  # training: u, v move each call
        for m in (ours, theirs):
            m.zero_grad()
        same_grads(ours, theirs, x)
        close(ours.weight_u, theirs.weight_u)
        close(ours.weight_v, theirs.weight_v)
    ours.eval()
    theirs.eval()
    same_grads(ours, theirs, x)
    utils.remove_spectral_norm(ours)
    TU.remove_spectral_norm(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    close(ours.weight, theirs.weight)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        utils.remove_spectral_norm(ours)


def test_spectral_norm_errors_match_torch():
    for lib, mk in ((utils, nn.Linear), (TU, torch.nn.Linear)):
        with pytest.raises(ValueError, match="n_power_iterations"):
            lib.spectral_norm(mk(2, 2), n_power_iterations=0)
        m = lib.spectral_norm(mk(2, 2))
        with pytest.raises(RuntimeError, match="two spectral_norm hooks"):
            lib.spectral_norm(m)
        with pytest.raises(ValueError, match="parameter `bias` is None"):
            lib.spectral_norm(mk(2, 2, bias=False), name="bias")


def test_uninitialized_parameters_are_refused_as_torch():
    for lib, lazy in ((utils, nn.LazyLinear), (TU, torch.nn.LazyLinear)):
        with pytest.raises(ValueError, match="uninitialized parameters"), \
                pytest.warns(FutureWarning):
            lib.weight_norm(lazy(3))
        with pytest.raises(ValueError, match="uninitialized parameters"):
            lib.spectral_norm(lazy(3))
