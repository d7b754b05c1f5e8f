"""Every function in both ``tinygrad_nn.functional`` and ``torch.nn.functional`` has
PyTorch's parameter names, kinds (positional-or-keyword / keyword-only) and order, and its
defaults. PyTorch's C++ builtins carry no Python signature: for those the reference is the
operator's schema (``aten::one_hot(Tensor self, int num_classes=-1)``; the Python binding
calls ``self`` ``input``, and its docstrings are not always right: ``one_hot(tensor, ...)``,
``gelu(input, approximate='none')`` with approximate in fact keyword-only), and the
``boolean_dispatch`` wrappers (``max_pool2d`` ...) are read through the function they
dispatch to.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# Deliberate differences, each with its reason; only keyword-only extras (PyTorch's calls
# bind the same). Keep it small.
ALLOWED: dict[str, str] = {
    "softmax": "axis= (NumPy's name for dim)",
    "log_softmax": "axis= (NumPy's name for dim)",
}

# PyTorch names with neither a Python signature nor an operator schema
NO_SIGNATURE: set[str] = set()

_EMPTY = inspect.Parameter.empty


def _schema_default(value: Any) -> Any:
    """A schema default as the Python binding shows it: [] is None, [k, k] is k."""
    if isinstance(value, list):
        return None if not value else value[0] if len(set(value)) == 1 else tuple(value)
    return value


def _schema_signature(fn: Any) -> inspect.Signature | None:
    schemas = torch._C._jit_get_schemas_for_operator(f"aten::{fn.__name__}")
    default = [s for s in schemas if s.overload_name == ""] or schemas[:1]
    if not default:
        return None
    params = []
    for arg in default[0].arguments:
        kind = (inspect.Parameter.KEYWORD_ONLY if arg.kwarg_only
                else inspect.Parameter.POSITIONAL_OR_KEYWORD)
        value = _schema_default(arg.default_value) if arg.has_default_value() else _EMPTY
        params.append(inspect.Parameter("input" if arg.name == "self" else arg.name, kind,
                                        default=value))
    return inspect.Signature(params)


def _torch_signature(name: str) -> inspect.Signature | None:
    fn = getattr(TF, name)
    dispatched = torch._jit_internal.boolean_dispatched.get(fn)
    if dispatched is not None:  # return_indices picks one of two functions, same parameters
        fn = dispatched["if_false"]
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return _schema_signature(fn)


def _params(sig: inspect.Signature) -> list[tuple[str, str, Any]]:
    return [(p.name, p.kind.name, p.default) for p in sig.parameters.values()]


SHARED = sorted(n for n in dir(F) if not n.startswith("_") and callable(getattr(F, n))
                and not isinstance(getattr(F, n), type) and callable(getattr(TF, n, None)))
CHECKED = [n for n in SHARED if _torch_signature(n) is not None]


@pytest.mark.parametrize("name", [n for n in CHECKED if n not in ALLOWED])
def test_parameters_match_pytorch(name: str) -> None:
    theirs = _torch_signature(name)
    assert theirs is not None
    a, b = _params(inspect.signature(getattr(F, name))), _params(theirs)
    assert [p[:2] for p in a] == [p[:2] for p in b], f"F.{name}: ours {a}, PyTorch's {b}"
    for (n, _, da), (_, _, db) in zip(a, b):
        if not callable(db):
            assert da == db, f"F.{name}: default of {n} is {da!r}, PyTorch's is {db!r}"


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_allowed_differences_are_only_extra_keyword_only_parameters(name: str) -> None:
    theirs = _torch_signature(name)
    assert theirs is not None
    a, b = _params(inspect.signature(getattr(F, name))), _params(theirs)
    assert a[: len(b)] == b and a != b
    assert all(kind == "KEYWORD_ONLY" for _, kind, _ in a[len(b):])


BUILTINS = [n for n in CHECKED if torch._jit_internal.boolean_dispatched.get(getattr(TF, n))
            is None and not callable(getattr(getattr(TF, n), "__wrapped__", None))
            and _schema_signature(getattr(TF, n)) is not None
            and getattr(TF, n).__module__ in (None, "torch", "torch._C._nn", "torch._C")]


@pytest.mark.parametrize("name", BUILTINS)
def test_a_schema_reference_names_what_pytorchs_binding_asks_for(name: str) -> None:
    sig = _schema_signature(getattr(TF, name))
    assert sig is not None
    required = [p.name for p in sig.parameters.values() if p.default is _EMPTY]
    with pytest.raises(TypeError) as info:
        getattr(TF, name)()
    # one form: missing ... arguments: "input", "weight"; several: expected (Tensor input, ...)
    assert all(re.search(rf"\b{n}\b", str(info.value)) for n in required), str(info.value)


def test_the_table_covers_the_everyday_functions_and_the_lists_are_live() -> None:
    for must in ("linear", "conv2d", "cross_entropy", "dropout", "relu", "gelu",
                 "scaled_dot_product_attention", "max_pool2d", "one_hot", "embedding"):
        assert must in CHECKED
    assert set(SHARED) - set(CHECKED) == NO_SIGNATURE
    assert {"one_hot", "gelu", "conv2d", "logsigmoid"} <= set(BUILTINS)
    assert not set(ALLOWED) - set(CHECKED), "an entry names no function"


def test_keyword_calls_bind_as_in_pytorch() -> None:
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    ours = F.linear(input=tg.tensor(x), weight=tg.tensor(w), bias=tg.tensor(b))
    theirs = TF.linear(input=torch.tensor(x), weight=torch.tensor(w), bias=torch.tensor(b))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    idx = np.array([2, 0, 1])
    ours = F.one_hot(input=tg.tensor(idx), num_classes=4)
    theirs = TF.one_hot(input=torch.tensor(idx), num_classes=4)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours = F.cross_entropy(input=tg.tensor(x), target=tg.tensor(idx), label_smoothing=0.1)
    theirs = TF.cross_entropy(input=torch.tensor(x), target=torch.tensor(idx),
                              label_smoothing=0.1)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    # dropout's p and training are positional-or-keyword in both
    np.testing.assert_array_equal(F.dropout(tg.tensor(x), 0.5, False).numpy(), x)


def test_rrelu_in_place_draws_from_the_generator_given() -> None:
    x = np.random.default_rng(2).standard_normal((4, 5))
    draws = [F.rrelu_(tg.tensor(x), 0.1, 0.3, True, tg.Generator().manual_seed(7)).numpy()
             for _ in range(2)]
    np.testing.assert_array_equal(draws[0], draws[1])
    slopes = draws[0][x < 0] / x[x < 0]
    assert ((slopes >= 0.1) & (slopes <= 0.3)).all() and np.ptp(slopes) > 0
    t = torch.tensor(x)
    assert TF.rrelu_(t, 0.1, 0.3, True, torch.Generator().manual_seed(7)) is t


def test_elu_in_place_takes_pytorchs_scale_and_input_scale() -> None:
    x = np.random.default_rng(4).standard_normal((3, 4))
    for args in ((1.5,), (1.6733, 1.0507), (1.0, 2.0, 0.5)):
        ours, theirs = tg.tensor(x), torch.tensor(x)
        assert F.elu_(ours, *args) is ours and TF.elu_(theirs, *args) is theirs
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_keyword_only_parameters_refuse_positions_as_in_pytorch() -> None:
    x = np.random.default_rng(1).standard_normal((1, 2, 3))
    for lib, f in ((tg, F), (torch, TF)):
        with pytest.raises(TypeError, match="positional"):
            f.gelu(lib.tensor(x), "tanh")
        with pytest.raises(TypeError, match="positional"):
            f.scaled_dot_product_attention(*(lib.tensor(x),) * 3, None, 0.0, False, 1.0)
    np.testing.assert_allclose(
        F.gelu(tg.tensor(x), approximate="tanh").numpy(),
        TF.gelu(torch.tensor(x), approximate="tanh").numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(*(tg.tensor(x),) * 3, scale=0.5).numpy(),
        TF.scaled_dot_product_attention(*(torch.tensor(x),) * 3, scale=0.5).numpy(), rtol=1e-12)
