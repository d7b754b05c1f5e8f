"""Every class and function that exists under the same name in PyTorch takes the same
positional parameters, in the same order, with the same defaults (a call written for PyTorch
binds its arguments the same way here). Extra trailing or keyword-only parameters are allowed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim
from tinygrad_nn.optim import lr_scheduler

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _positional(f: Callable[..., Any]) -> list[tuple[str, Any]] | None:
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):  # a builtin without a Python signature
        return None
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in sig.parameters.values()):
        return None  # (*args, **kwargs): PyTorch's RNN/GRU/LSTM parse their own arguments
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.POSITIONAL_ONLY)
    return [(p.name, p.default) for p in sig.parameters.values()
            if p.kind in kinds and p.name != "self"]


def _pairs() -> list[tuple[str, Any, Any]]:
    out = []
    for name in sorted(dir(nn)):
        ours = getattr(nn, name)
        if isinstance(ours, type) and isinstance(getattr(torch.nn, name, None), type):
            out.append((f"nn.{name}", ours.__init__, getattr(torch.nn, name).__init__))
    for name in sorted(n for n in dir(F) if not n.startswith("_")):
        ours, theirs = getattr(F, name), getattr(TF, name, None)
        if callable(ours) and callable(theirs) and not isinstance(ours, type):
            out.append((f"F.{name}", ours, theirs))
    for mod, tmod, label in ((optim, torch.optim, "optim"),
                             (lr_scheduler, torch.optim.lr_scheduler, "lr_scheduler")):
        for name in sorted(dir(mod)):
            ours = getattr(mod, name)
            if isinstance(ours, type) and isinstance(getattr(tmod, name, None), type):
                out.append((f"{label}.{name}", ours.__init__, getattr(tmod, name).__init__))
    return out


# names PyTorch implements in C++ (no Python signature to compare) are left out
PAIRS = [p for p in _pairs() if _positional(p[1]) is not None and _positional(p[2]) is not None
         and getattr(p[1], "__module__", "").startswith("tinygrad_nn")]
IMPLEMENTATION_FLAGS = {"foreach", "capturable", "differentiable", "fused"}


@pytest.mark.parametrize("label,ours,theirs", PAIRS, ids=[p[0] for p in PAIRS])
def test_positional_parameters_match_pytorch(label: str, ours: Any, theirs: Any) -> None:
    a, b = _positional(ours), _positional(theirs)
    assert a is not None and b is not None
    assert [n for n, _ in a] == [n for n, _ in b][: len(a)], f"{label}: names/order differ"
    missing = [n for n, _ in b[len(a):]]
    ours_kw = inspect.signature(ours).parameters
    # PyTorch's implementation switches (GPU/compile flags) have no meaning here
    absent = [n for n in missing if n not in ours_kw and n not in IMPLEMENTATION_FLAGS]
    assert not absent, f"{label}: missing {absent}"
    for (n, da), (_, db) in zip(a, b):
        if db is not inspect.Parameter.empty and not callable(db):
            assert da == db, f"{label}: default of {n} is {da!r}, PyTorch's is {db!r}"


def test_the_table_covers_the_everyday_names() -> None:
    labels = {p[0] for p in PAIRS}
    for must in ("nn.Linear", "nn.Conv2d", "nn.MaxPool2d", "nn.LSTMCell", "nn.CrossEntropyLoss",
                 "F.cross_entropy", "F.softmax", "F.relu", "optim.SGD", "optim.RMSprop",
                 "lr_scheduler.StepLR"):
        assert must in labels


def _both(fn: Callable[[Any, Any], Any]) -> tuple[Any, Any]:
    return fn(tg, F), fn(torch, TF)


def test_softmax_without_dim_picks_pytorchs_implicit_dim_and_warns() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        ours = F.softmax(tg.tensor(x))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        theirs = TF.softmax(torch.tensor(x))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    np.testing.assert_allclose(F.log_softmax(tg.tensor(x), 1, dtype=tg.float32).numpy(),
                               TF.log_softmax(torch.tensor(x), 1, dtype=torch.float32).numpy(),
                               rtol=1e-6)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_elementwise_losses_take_pytorchs_weight(name: str, reduction: str) -> None:
    rng = np.random.default_rng(1)
    x, y, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.random((3, 4))
    ours = getattr(F, name)(tg.tensor(x), tg.tensor(y), reduction=reduction, weight=tg.tensor(w))
    theirs = getattr(TF, name)(torch.tensor(x), torch.tensor(y), reduction=reduction,
                               weight=torch.tensor(w))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="same size"):
        getattr(F, name)(tg.tensor(x), tg.tensor(y), weight=tg.tensor(w[0]))


def test_inplace_activations_change_their_input_as_pytorch() -> None:
    x = np.array([-1.0, 0.5, -2.0])
    for lib, f in ((tg, F), (torch, TF)):
        t = lib.tensor(x.copy())
        out = f.relu(t, inplace=True)
        assert out is t and t.numpy().tolist() == [0.0, 0.5, 0.0]
        t = lib.tensor(x.copy())
        f.leaky_relu(t, 0.1, True)
        np.testing.assert_allclose(t.numpy(), [-0.1, 0.5, -0.2])
    m = nn.SiLU(inplace=True)
    t = tg.tensor(x.copy())
    assert m(t) is t and repr(m) == "SiLU(inplace=True)"


def test_functional_embedding_padding_idx_gets_no_gradient() -> None:
    w0 = np.random.default_rng(2).standard_normal((5, 3))
    idx = np.array([[0, 2, 2], [4, 0, 1]])
    grads = []
    for lib, f in ((tg, F), (torch, TF)):
        w = lib.tensor(w0.copy(), requires_grad=True)
        f.embedding(lib.tensor(idx), w, padding_idx=2).sum().backward()
        grads.append(np.asarray(w.grad.numpy()))
    np.testing.assert_array_equal(grads[0], grads[1])
    assert not grads[0][2].any()


def test_max_pool2d_positional_order_and_return_indices() -> None:
    ours = nn.MaxPool2d(2, 2, 0, 1, False, True)
    theirs = torch.nn.MaxPool2d(2, 2, 0, 1, False, True)
    assert ours.ceil_mode and theirs.ceil_mode and not theirs.return_indices
    y, idx = nn.MaxPool2d(2, return_indices=True)(tg.zeros(1, 1, 4, 4))  # (values: parity tests)
    assert y.shape == idx.shape == (1, 1, 2, 2)


def test_optimisers_bind_positional_arguments_as_pytorch() -> None:
    w = tg.zeros(2, requires_grad=True)
    r = optim.RMSprop([w], 0.1, 0.9, 1e-6, 0.5, 0.25)
    assert (r.defaults["weight_decay"], r.defaults["momentum"]) == (0.5, 0.25)
    assert optim.SGD([w]).defaults["lr"] == torch.optim.SGD([torch.zeros(1)]).defaults["lr"]


def test_normalize_writes_into_out_as_pytorch() -> None:
    x = np.random.default_rng(3).standard_normal((2, 3))
    results = []
    for lib, f in ((tg, F), (torch, TF)):
        out = lib.zeros(2, 3, dtype=lib.float64)
        got = f.normalize(lib.tensor(x), dim=1, out=out)
        assert got is out
        results.append(out.numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
