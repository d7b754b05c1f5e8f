"""nn.utils.parametrize against torch: values, gradients, state_dict keys, repr, errors."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn
from tinygrad_nn.nn.utils import parametrize as P

from .helpers import close, copy_state, pair, same_grads

torch = pytest.importorskip("torch")
TP = torch.nn.utils.parametrize


def _sym(base):
    class Symmetric(base):
        def forward(self, X):
            return X.triu() + X.triu(1).mT

        def right_inverse(self, A):
            return A.triu()

    return Symmetric


def _scale(base, c):
    class Scale(base):
        def forward(self, X):
            return X * c

        def right_inverse(self, A):
            return A / c

    return Scale


def _split(base):
    class Split(base):  # two originals: the weight is their sum
        def forward(self, A, B):
            return A + B

        def right_inverse(self, W):
            return W * 0.25, W * 0.75

    return Split


X = np.random.default_rng(0).standard_normal((5, 4))


def test_one_parametrization_matches_torch():
    ours, theirs = pair("Linear", 4, 4)
    P.register_parametrization(ours, "weight", _sym(nn.Module)())
    TP.register_parametrization(theirs, "weight", _sym(torch.nn.Module)())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert list(ours.state_dict()) == ["bias", "parametrizations.weight.original"]
    assert repr(ours) == repr(theirs)
    assert type(ours).__name__ == "ParametrizedLinear"
    assert P.type_before_parametrizations(ours) is nn.Linear
    assert P.is_parametrized(ours) and P.is_parametrized(ours, "weight")
    assert not P.is_parametrized(ours, "bias")
    close(ours.weight, theirs.weight)
    # the original is kept as torch keeps it (right_inverse applied: upper triangle)
    close(ours.parametrizations.weight.original, theirs.parametrizations.weight.original)
    same_grads(ours, theirs, X)


def test_chain_and_assignment_through_right_inverse():
    ours, theirs = pair("Linear", 4, 4)
    for mod, lib, base in ((ours, P, nn.Module), (theirs, TP, torch.nn.Module)):
        lib.register_parametrization(mod, "weight", _sym(base)())
        lib.register_parametrization(mod, "weight", _scale(base, 3.0)())
    assert repr(ours) == repr(theirs)
    assert len(ours.parametrizations.weight) == 2
    close(ours.weight, theirs.weight)
    same_grads(ours, theirs, X)
    a = np.random.default_rng(1).standard_normal((4, 4))
    a = a + a.T
    ours.weight = tg.tensor(a)
    with torch.no_grad():
        theirs.weight = torch.tensor(a)
    close(ours.parametrizations.weight.original, theirs.parametrizations.weight.original)
    close(ours.weight, theirs.weight)
    np.testing.assert_allclose(ours.weight.detach().numpy(), a, atol=1e-12)


def test_sequence_right_inverse_gives_original0_original1():
    ours, theirs = pair("Linear", 4, 3)
    P.register_parametrization(ours, "weight", _split(nn.Module)())
    TP.register_parametrization(theirs, "weight", _split(torch.nn.Module)())
    keys = list(theirs.state_dict())
    assert list(ours.state_dict()) == keys
    assert "parametrizations.weight.original1" in keys
    for i in (0, 1):
        close(getattr(ours.parametrizations.weight, f"original{i}"),
              getattr(theirs.parametrizations.weight, f"original{i}"))
    same_grads(ours, theirs, X)
    with pytest.raises(ValueError, match="sequence of tensors"):
        P.remove_parametrizations(ours, "weight", leave_parametrized=False)
    P.remove_parametrizations(ours, "weight")
    TP.remove_parametrizations(theirs, "weight")
    assert isinstance(ours.weight, nn.Parameter)
    close(ours.weight, theirs.weight)


@pytest.mark.parametrize("leave", [True, False])
def test_remove_restores_class_and_value(leave):
    ours, theirs = pair("Linear", 4, 4)
    P.register_parametrization(ours, "weight", _scale(nn.Module, 2.0)())
    TP.register_parametrization(theirs, "weight", _scale(torch.nn.Module, 2.0)())
    P.remove_parametrizations(ours, "weight", leave_parametrized=leave)
    TP.remove_parametrizations(theirs, "weight", leave_parametrized=leave)
    assert type(ours) is nn.Linear and not hasattr(ours, "parametrizations")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours.weight, nn.Parameter)
    close(ours.weight, theirs.weight)


def test_buffer_parametrization_and_unsafe_shape_change():
    class Flat(nn.Module):
        def forward(self, x):
            return x.reshape(-1)

    class TFlat(torch.nn.Module):
        def forward(self, x):
            return x.reshape(-1)

    ours, theirs = pair("BatchNorm1d", 3)
    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(nn.Linear(2, 2), "weight", Flat())
    P.register_parametrization(ours, "running_mean", _scale(nn.Module, 2.0)())
    TP.register_parametrization(theirs, "running_mean", _scale(torch.nn.Module, 2.0)())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    lin, tlin = pair("Linear", 2, 3)
    P.register_parametrization(lin, "weight", Flat(), unsafe=True)
    TP.register_parametrization(tlin, "weight", TFlat(), unsafe=True)
    assert tuple(lin.weight.shape) == tuple(tlin.weight.shape) == (6,)


def test_errors_are_torch_types():
    for lib, mod, base in ((P, nn.Linear(2, 2), nn.Module),
                           (TP, torch.nn.Linear(2, 2), torch.nn.Module)):
        with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
            lib.register_parametrization(mod, "nope", _sym(base)())
        with pytest.raises(ValueError, match="does not have a parametrization on weight"):
            lib.remove_parametrizations(mod, "weight")

    class NoInverse(nn.Module):
        def forward(self, x):
            return x * 2

    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", NoInverse())
    with pytest.raises(RuntimeError, match="does not implement right_inverse"):
        m.weight = tg.zeros(2, 2)


def test_cached_computes_once():
    calls = []

    class Count(nn.Module):
        def forward(self, x):
            calls.append(1)
            return x * 1.0

    m = nn.Linear(3, 3)
    P.register_parametrization(m, "weight", Count())
    calls.clear()
    with P.cached():
        a, b = m.weight, m.weight
        with P.cached():
            c = m.weight
    assert len(calls) == 1 and a is b is c
    _ = m.weight
    assert len(calls) == 2


def test_transfer_deepcopy_and_pickle():
    m = nn.Linear(3, 3)
    P.register_parametrization(m, "weight", _scale(nn.Module, 2.0)())
    other = nn.Linear(3, 3)
    P.transfer_parametrizations_and_params(m, other)
    assert other.parametrizations.weight.original is m.parametrizations.weight.original
    np.testing.assert_array_equal(other.weight.detach().numpy(), m.weight.detach().numpy())
    dup = copy.deepcopy(m)
    assert type(dup).__name__ == "ParametrizedLinear"
    np.testing.assert_array_equal(dup.weight.detach().numpy(), m.weight.detach().numpy())
    with pytest.raises(RuntimeError, match="only supported through state_dict"):
        pickle.dumps(m)


def test_load_state_dict_into_parametrized_module():
    ours, theirs = pair("Linear", 4, 4)
    P.register_parametrization(ours, "weight", _sym(nn.Module)())
    TP.register_parametrization(theirs, "weight", _sym(torch.nn.Module)())
    with torch.no_grad():
        theirs.parametrizations.weight.original.mul_(-3.0)
    copy_state(ours, theirs)
    close(ours.weight, theirs.weight)


def test_assigning_a_parameter_to_a_parametrized_name_raises_keyerror():
    for mod, lib, base, par in ((nn.Linear(2, 2), P, nn.Module, nn.Parameter),
                                (torch.nn.Linear(2, 2), TP, torch.nn.Module, torch.nn.Parameter)):
        lib.register_parametrization(mod, "weight", _scale(base, 2.0)())
        with pytest.raises(KeyError, match="attribute 'weight' already exists"):
            mod.weight = par(mod.weight.detach() * 0)
