"""autograd.functional against two-sided differences, and its create_graph results."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn.autograd import functional as AF


def _numeric_jacobian(f: Any, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """J[..., k] = (f(x + eps e_k) - f(x - eps e_k)) / 2 eps, in float64."""
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        up = f(tg.tensor(x + e.reshape(x.shape))).numpy()
        down = f(tg.tensor(x - e.reshape(x.shape))).numpy()
        cols.append((up - down) / (2 * eps))
    out_shape = cols[0].shape
    return np.stack(cols, axis=-1).reshape(*out_shape, *x.shape)


def f(x: Any) -> Any:
    return (x.tanh() * x.sum()).exp()


def scalar(x: Any) -> Any:
    return (x.sin() * x * x).sum()


finite = st.floats(-1.5, 1.5, allow_nan=False)


@given(st.lists(finite, min_size=1, max_size=4))
def test_jacobian_matches_differences(values: list[float]) -> None:
    x = np.array(values)
    jac = AF.jacobian(f, tg.tensor(x))
    assert jac.shape == (x.size, x.size) and not jac.requires_grad
    np.testing.assert_allclose(jac.numpy(), _numeric_jacobian(f, x), rtol=1e-5, atol=1e-7)


@given(st.lists(finite, min_size=1, max_size=4))
def test_hessian_matches_differences_of_the_gradient(values: list[float]) -> None:
    x = np.array(values)

    def gradient(t: Any) -> Any:
        t = t.detach().requires_grad_(True)
        return tg.autograd.grad(scalar(t), t)[0]

    hess = AF.hessian(scalar, tg.tensor(x))
    np.testing.assert_allclose(hess.numpy(), _numeric_jacobian(gradient, x), rtol=1e-5,
                               atol=1e-7)
    np.testing.assert_allclose(hess.numpy(), hess.numpy().T, atol=1e-12)  # symmetric


@given(st.lists(finite, min_size=2, max_size=4), st.integers(0, 2**31))
def test_products_agree_with_the_full_matrices(values: list[float], seed: int) -> None:
    x = tg.tensor(np.array(values))
    v = tg.tensor(np.random.default_rng(seed).normal(size=len(values)))
    jac = AF.jacobian(f, x).numpy()
    hess = AF.hessian(scalar, x).numpy()
    out, jv = AF.jvp(f, x, v)
    np.testing.assert_allclose(out.numpy(), f(x).numpy())
    np.testing.assert_allclose(jv.numpy(), jac @ v.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(AF.vjp(f, x, v)[1].numpy(), v.numpy() @ jac, rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(AF.hvp(scalar, x, v)[1].numpy(), hess @ v.numpy(), rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(AF.vhp(scalar, x, v)[1].numpy(), v.numpy() @ hess, rtol=1e-9,
                               atol=1e-12)


def test_create_graph_results_are_differentiable_in_the_inputs() -> None:
    x = tg.tensor(np.array([0.2, -0.4]), requires_grad=True)
    jac = AF.jacobian(lambda t: t**3, x, create_graph=True)
    assert jac.requires_grad
    (g,) = tg.autograd.grad(jac.sum(), x)  # d/dx sum(diag(3x^2)) = 6x
    np.testing.assert_allclose(g.detach().numpy(), 6 * x.detach().numpy())
    _, hv = AF.hvp(lambda t: (t**4).sum(), x, tg.ones(2, dtype=tg.float64), create_graph=True)
    (g2,) = tg.autograd.grad(hv.sum(), x)  # hv = 12 x^2 -> 24 x
    np.testing.assert_allclose(g2.detach().numpy(), 24 * x.detach().numpy())


def test_inputs_are_not_modified_and_keep_no_grad() -> None:
    x = tg.tensor(np.array([1.0, 2.0]))
    AF.jacobian(f, x)
    AF.hessian(scalar, x)
    assert not x.requires_grad and x.grad is None


def test_autograd_is_an_attribute_and_utils_data_an_alias() -> None:
    import tinygrad_nn.utils.data as utils_data

    assert tg.autograd.functional is AF
    assert utils_data.DataLoader is tg.data.DataLoader
    assert tg.utils.data.TensorDataset is tg.data.TensorDataset
