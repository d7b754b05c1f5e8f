"""Channel-wise dropout (F.dropout1d/2d/3d, nn.Dropout1d/2d/3d) against PyTorch 2.x.

Random masks differ between the libraries, so the comparison is of everything that is not
random: output shapes, which axes share one draw, the 1/(1-p) scale, the warnings and errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
import tinygrad_nn.nn as nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CASES = [("dropout1d", (4, 6, 5)), ("dropout1d", (6, 5)), ("dropout2d", (4, 6, 3, 3)),
         ("dropout2d", (4, 6, 5)), ("dropout2d", (4, 6)), ("dropout3d", (3, 6, 2, 2, 2)),
         ("dropout3d", (6, 2, 2, 2)), ("dropout3d", (4, 6, 2))]


def _warnings(fn):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(w.message) for w in caught if w.category is UserWarning]


def _channel_groups(y: np.ndarray, name: str) -> np.ndarray:
    """y viewed as (groups, elements per group) along the axes one draw covers in PyTorch."""
    batched = {"dropout1d": 3, "dropout2d": None, "dropout3d": 5}[name]
    if batched is not None and y.ndim == batched - 1:
        y = y[None]  # unbatched: one sample
    return y.reshape(y.shape[0] * y.shape[1], -1)


@pytest.mark.parametrize("name, shape", CASES)
def test_channel_dropout_matches_torch_structure_and_warnings(name: str, shape: tuple) -> None:
    tg.manual_seed(0)
    torch.manual_seed(0)
    x = np.ones(shape, np.float32)
    ours, our_warn = _warnings(lambda: getattr(F, name)(tg.tensor(x), 0.5))
    theirs, their_warn = _warnings(lambda: getattr(TF, name)(torch.tensor(x), 0.5))
    assert our_warn == their_warn
    assert ours.shape == tuple(theirs.shape)
    for y in (ours.numpy(), theirs.numpy()):
        groups = _channel_groups(y, name)
        assert set(np.unique(groups)) <= {0.0, 2.0}
        assert np.all((groups == groups[:, :1]).all(axis=1)), "one draw per (sample, channel)"


@pytest.mark.parametrize("name", ["dropout1d", "dropout2d", "dropout3d"])
def test_channel_dropout_errors_and_eval_match_torch(name: str) -> None:
    x = np.ones((2, 3, 4, 4), np.float32)
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1") as ours:
            getattr(F, name)(tg.tensor(x), p)
        with pytest.raises(ValueError) as theirs:
            getattr(TF, name)(torch.tensor(x), p)
        assert str(theirs.value) in str(ours.value)
    t = tg.tensor(x[0, 0, 0])  # 1-D
    if name == "dropout1d":
        with pytest.raises(RuntimeError, match="Expected 2D or 3D input, but received a 1D"):
            F.dropout1d(t)
    else:  # dropout2d raises on 1-D input (feature dropout needs 2 dims); dropout3d does not
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcomes = []
            for fn, v in ((getattr(F, name), t), (getattr(TF, name), torch.tensor(x[0, 0, 0]))):
                try:
                    outcomes.append(tuple(fn(v).shape))
                except RuntimeError:
                    outcomes.append("RuntimeError")
            assert outcomes[0] == outcomes[1]
    y = tg.tensor(x[0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert getattr(F, name)(y, 0.5, training=False) is y


def test_dropout_p_one_zeroes_and_p_zero_is_identity_with_gradient() -> None:
    x = tg.randn(2, 3, 4, requires_grad=True)
    y = F.dropout1d(x, 1.0)
    assert np.all(y.detach().numpy() == 0)
    y.sum().backward()
    assert np.all(x.grad.numpy() == 0)
    assert F.dropout1d(x, 0.0) is x


@pytest.mark.parametrize("cls, shape", [("Dropout1d", (4, 6, 5)), ("Dropout2d", (4, 6, 5)),
                                        ("Dropout2d", (4, 6, 3, 3)), ("Dropout3d", (6, 2, 2, 2))])
def test_modules_call_the_functions_like_torch(cls: str, shape: tuple) -> None:
    x = np.ones(shape, np.float32)
    ours, our_warn = _warnings(lambda: getattr(nn, cls)(0.25)(tg.tensor(x)))
    theirs, their_warn = _warnings(lambda: getattr(torch.nn, cls)(0.25)(torch.tensor(x)))
    assert our_warn == their_warn and ours.shape == tuple(theirs.shape)
    assert set(np.unique(ours.numpy())) <= {0.0, np.float32(1 / 0.75)}
    assert repr(getattr(nn, cls)(0.25)) == repr(getattr(torch.nn, cls)(0.25))
    m = getattr(nn, cls)(0.25).eval()
    t = tg.tensor(x)
    assert m(t) is t


def test_dropout_gradient_is_the_mask() -> None:
    tg.manual_seed(5)
    x = tg.ones(8, 6, 3, 3, requires_grad=True)
    y = F.dropout2d(x, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())
