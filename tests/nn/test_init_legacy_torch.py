"""nn.init's deprecated names and calculate_gain's return type, against PyTorch.

pytorch/examples spell ``init.orthogonal(w, init.calculate_gain('relu'))`` (super_resolution)
and ``torch.nn.init.xavier_uniform(m.weight)`` (siamese_network): the old names were missing
(AttributeError); PyTorch keeps them, each warning FutureWarning and doing the ``_`` form's work.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

_OLD = {
    "uniform": (), "normal": (), "constant": (0.5,), "eye": (), "dirac": (),
    "xavier_uniform": (), "xavier_normal": (), "kaiming_uniform": (), "kaiming_normal": (),
    "orthogonal": (2.0,), "sparse": (0.5,),
}


def _call(m: Any, name: str, args: tuple) -> tuple[Any, list[str], list[str]]:
    shape = (3, 3, 3) if name == "dirac" else (6, 4)
    w = m.empty(*shape)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = getattr(m.nn.init, name)(w, *args)
    return out is w, [c.category.__name__ for c in caught], [str(c.message) for c in caught]


@pytest.mark.parametrize("name", sorted(_OLD))
def test_deprecated_init_names_warn_and_fill_as_torch(name: str) -> None:
    assert _call(tg, name, _OLD[name]) == _call(torch, name, _OLD[name])


def test_deprecated_names_are_listed_as_torch_lists_them() -> None:
    assert sorted(tg.nn.init.__all__) == sorted(torch.nn.init.__all__)


@pytest.mark.parametrize("name", ["constant", "eye", "dirac"])
def test_deprecated_deterministic_inits_give_torch_values(name: str) -> None:
    shape = (3, 3, 3) if name == "dirac" else (3, 4)
    args = _OLD[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ours = getattr(tg.nn.init, name)(tg.empty(*shape), *args).numpy()
        theirs = getattr(torch.nn.init, name)(torch.empty(*shape), *args).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_orthogonal_with_relu_gain_is_orthogonal_as_torch() -> None:
    """super_resolution's init: rows of the flattened weight orthogonal with norm gain."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        for m in (tg, torch):
            w = m.nn.Conv2d(64, 32, (3, 3)).weight
            m.nn.init.orthogonal(w, m.nn.init.calculate_gain('relu'))
            flat = w.detach().numpy().reshape(32, -1)
            np.testing.assert_allclose(flat @ flat.T, 2.0 * np.eye(32), atol=1e-4)


@pytest.mark.parametrize("name", ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                                  "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh",
                                  "relu", "leaky_relu", "selu"])
def test_calculate_gain_value_and_type_match_torch(name: str) -> None:
    ours, theirs = tg.nn.init.calculate_gain(name), torch.nn.init.calculate_gain(name)
    assert ours == theirs and type(ours) is type(theirs)


@pytest.mark.parametrize("target_dtype", ["float64", "int64", "bool"])
@pytest.mark.parametrize("loss", ["BCELoss", "BCEWithLogitsLoss"])
def test_bce_target_dtype_rules_match_torch(loss: str, target_dtype: str) -> None:
    """nn.BCELoss with a target of another dtype than the input's is torch's RuntimeError (an
    int target was cast and computed); BCEWithLogitsLoss promotes a float64 target and
    refuses an int or bool one, as torch."""
    def outcome(m: Any) -> Any:
        target = m.tensor([1, 0]).to(getattr(m, target_dtype))
        try:
            out = getattr(m.nn, loss)()(m.tensor([0.3, 0.6]), target)
        except RuntimeError:
            return "RuntimeError"
        return str(out.dtype).rsplit(".", 1)[-1], round(out.item(), 5)
    assert outcome(tg) == outcome(torch)



@pytest.mark.parametrize("target_dtype", ["int64", "bool"])
@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_losses_compute_with_int_and_bool_targets_as_torch(
        loss: str, target_dtype: str) -> None:
    """The BCE target rules above are the binary cross-entropies' own: the regression losses
    compute with an int or bool target, in the input's dtype, as torch does (except
    l1_loss's bool target, torch's bool-subtraction RuntimeError)."""
    def outcome(m: Any) -> Any:
        target = m.tensor([1, 0]).to(getattr(m, target_dtype))
        try:
            out = getattr(m.nn.functional, loss)(m.tensor([0.3, 0.6]), target)
        except RuntimeError:
            return "RuntimeError"
        return str(out.dtype).rsplit(".", 1)[-1], round(out.item(), 5)
    assert outcome(tg) == outcome(torch)

def test_relu_inplace_records_relu_backward_as_torch() -> None:
    """nn.ReLU(True) / F.relu(x, inplace=True) (DCGAN's generator, the siamese head) is
    torch.relu_: the node is ReluBackward0 (it was a CopyBackwards of an out-of-place relu)."""
    def facts(m: Any) -> tuple[Any, ...]:
        x = m.tensor([-1.0, 2.0, 0.0], requires_grad=True)
        y = x * 1
        z = m.nn.ReLU(True)(y)
        (z * m.tensor([1.0, 2.0, 3.0])).sum().backward()
        base = m.tensor([[-1.0, 2.0], [3.0, -4.0]], requires_grad=True) * 1
        m.nn.functional.relu(base[0], inplace=True)
        return (z is y, z.grad_fn.name(), x.grad.tolist(), y._version, base.tolist(),
                base.grad_fn.name())
    assert facts(tg) == facts(torch)


@pytest.mark.parametrize("momentum", [None, 0.1, 1.0])
def test_batchnorm_running_var_is_exactly_torchs_on_exact_data(momentum: Any) -> None:
    """The running variance is sum / (n - 1), as torch's: for arange(8) it is 6 exactly (it
    was var * (n / (n - 1)) = 6.0000005, two roundings), and the cumulative average after a
    second batch is 15 exactly (it was 15.000001)."""
    def stats(m: Any) -> list[list[float]]:
        bn = m.nn.BatchNorm2d(1, momentum=momentum)
        out = []
        for scale in (1.0, 2.0):
            bn(m.arange(8.0).view(2, 1, 2, 2) * scale)
            out += [bn.running_mean.tolist(), bn.running_var.tolist()]
        return out
    assert stats(tg) == stats(torch)
