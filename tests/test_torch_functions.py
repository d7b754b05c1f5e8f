"""The function forms of Tensor methods (``tinygrad_nn.sin(x)`` ..., _torch_functions.py)
refuse a number, a list or a bool as ``input`` exactly where PyTorch does."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn._torch_functions import FUNCTIONS, METHOD_FORMS

torch = pytest.importorskip("torch")

FORMS = sorted(n for n in METHOD_FORMS if n in FUNCTIONS and hasattr(torch, n))
INPUTS = [(2.0,), (3,), (True,), ([1.0, 2.0],), (2.0, "T"), (2, "T"), (2.0, 1)]


def _args(args: tuple[Any, ...], lib: Any) -> tuple[Any, ...]:
    t = lib.tensor([1.0, 2.0])
    return tuple(t if a == "T" and isinstance(a, str) else a for a in args)


def _torch_refuses(name: str, args: tuple[Any, ...]) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            getattr(torch, name)(*_args(args, torch))
    except TypeError:
        return True
    except Exception:  # (another error of torch's own: its answer is not a refusal)
        return False
    return False


@pytest.mark.parametrize("name", FORMS)
def test_a_non_tensor_input_is_refused_where_torch_refuses_it(name: str) -> None:
    for args in INPUTS:
        if not _torch_refuses(name, args):
            continue
        with pytest.raises(TypeError):
            getattr(tg, name)(*_args(args, tg))


def test_the_error_is_torchs() -> None:
    with pytest.raises(TypeError) as ours:
        tg.sin(2.0)
    with pytest.raises(TypeError) as theirs:
        torch.sin(2.0)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(TypeError, match=r"sum\(\): argument 'input' \(position 1\) must be "
                                        r"Tensor, not list"):
        tg.sum([1.0, 2.0])


@pytest.mark.parametrize("name, args", [
    ("add", (2.0, "T")), ("add", (2.0, 1)), ("mul", (2, "T")), ("sub", (2.0, 1)),
    ("div", (3, "T")), ("true_divide", (1, 4)), ("floor_divide", (7.0, "T")),
    ("pow", (2, "T")), ("float_power", (2, "T")), ("xlogy", (2.0, "T")),
    ("remainder", (5, "T")),
])
def test_forms_with_a_number_overload_compute_torchs_value(name: str, args: Any) -> None:
    want = getattr(torch, name)(*_args(args, torch))
    got = getattr(tg, name)(*_args(args, tg))
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_a_numpy_array_input_is_still_let_through() -> None:
    np.testing.assert_allclose(tg.sin(np.array([0.5])).numpy(), np.sin([0.5]), rtol=1e-6)


def test_norm_p_none_and_cholesky_triangular_forms_match_torch() -> None:
    """``norm(p=None)`` is PyTorch's default 2-norm (it raised); ``cholesky_solve``,
    ``cholesky_inverse`` and ``triangular_solve`` exist at top level as in PyTorch."""
    torch = pytest.importorskip("torch")
    a = np.array([[4.0, 2, 0.5], [2, 5, 1], [0.5, 1, 3]])
    b = np.arange(6.0).reshape(3, 2)
    results = []
    for lib in (torch, tg):
        A, B, x = lib.tensor(a), lib.tensor(b), lib.arange(6.0).reshape(2, 3)
        low = lib.linalg.cholesky(A)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (torch's triangular_solve is deprecated)
            tri = lib.triangular_solve(B, lib.triu(A)).solution
        results.append([lib.norm(x, p=None, dim=(0, 1)), x.norm(None, 1),
                        x.norm(p=None, dim=1, keepdim=True), lib.cholesky_solve(B, low),
                        lib.cholesky_inverse(low), tri])
    for theirs, ours in zip(*results):
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)
