"""Edge cases where NumPy's rule and PyTorch's differ, each checked against PyTorch: the
gradient of ``where`` when the other branch's gradient is infinite, ``abs`` and ``sign`` at
NaN, and in-place writes through a basic-index view of a value saved for backward."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("order", ["first", "second"])
def test_where_gradient_ignores_the_branch_not_taken(order: str) -> None:
    # where(x > 0, x, 0).log(): the log's gradient is inf where the zero branch was taken;
    # g * cond gave inf * 0 = NaN there, PyTorch's where(cond, g, 0) gives 0
    a = np.array([2.0, -1.0, 3.0, -0.5])
    grads = []
    for lib in (tg, torch):
        x = lib.tensor(a, requires_grad=True)
        with np.errstate(all="ignore"):
            y = lib.where(x > 0, x, lib.zeros(4, dtype=lib.float64)).log().sum()
            (g,) = lib.autograd.grad(y, [x], create_graph=True)
            if order == "second":
                (g,) = lib.autograd.grad((g * lib.tensor([1.0, 2.0, 3.0, 4.0],
                                                         dtype=lib.float64)).sum(), [x])
        grads.append(g.detach().numpy())
    assert np.isfinite(grads[0]).all()
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-15)


def test_abs_gradient_and_sign_at_nan_are_zero() -> None:
    a = np.array([np.nan, 1.5, -2.0, 0.0])
    out = []
    for lib in (tg, torch):
        x = lib.tensor(a, requires_grad=True)
        x.abs().sum().backward()
        out.append((x.grad.numpy(), x.detach().sign().numpy()))
    for ours, theirs in zip(out[0], out[1]):
        np.testing.assert_array_equal(ours, theirs)
    assert out[0][1][0] == 0


@pytest.mark.parametrize("index", [0, slice(0, 2), (Ellipsis, 1)], ids=["int", "slice", "ellipsis"])
def test_in_place_write_through_a_basic_index_view_is_caught(index: object) -> None:
    # a basic index is a view sharing the saved output's memory: PyTorch raises at backward
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x.exp()
        with lib.no_grad():
            y[index].mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation|in-place"):
            y.sum().backward()


def test_in_place_write_to_an_advanced_index_copy_is_not_an_error() -> None:
    # an integer-array index copies: the saved output is untouched, as in PyTorch
    grads = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x.exp()
        with lib.no_grad():
            y[lib.tensor([0, 2])].mul_(2)
        y.sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("padding", [0, 1])
def test_conv2d_output_is_contiguous_as_pytorchs(bias: bool, padding: int) -> None:
    # without a bias the product's padded-width columns were cut by a view, not contiguous
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3))
    b = rng.standard_normal(4) if bias else None
    ours = tg.functional.conv2d(tg.tensor(x), tg.tensor(w), None if b is None else tg.tensor(b),
                                padding=padding)
    theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w),
                                        None if b is None else torch.tensor(b), padding=padding)
    assert ours.is_contiguous() and theirs.is_contiguous()
    assert ours.stride() == theirs.stride()
    np.testing.assert_allclose(ours.view(2, -1).numpy(), theirs.view(2, -1).numpy(), rtol=1e-12)


@pytest.mark.parametrize(("x", "y"), [([1, 2], 1.5), ([1, 2], [1.5, 2.5]), ([1.0, 2.0], 0),
                                      (2, [1, 2]), ([True, False], 3)],
                         ids=["int-float", "int-floatT", "float-int", "number-int", "bool-int"])
def test_where_promotes_as_pytorch(x: object, y: object) -> None:
    def make(lib: object, v: object) -> object:
        return lib.tensor(v) if isinstance(v, list) else v  # type: ignore[attr-defined]

    cond = [True, False]
    ours = tg.where(tg.tensor(cond), make(tg, x), make(tg, y))
    theirs = torch.where(torch.tensor(cond), make(torch, x), make(torch, y))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_where_refuses_a_non_boolean_condition_tensor_as_pytorch() -> None:
    with pytest.raises(RuntimeError, match="boolean"):
        torch.where(torch.tensor([1, 0]), torch.tensor([1.0, 2.0]), 0.0)
    with pytest.raises(RuntimeError, match="expected condition to be a boolean tensor.*int64"):
        tg.where(tg.tensor([1, 0]), tg.tensor([1.0, 2.0]), 0.0)


@pytest.mark.parametrize(("data", "lo", "hi"), [([1, 5], 0.5, 2.5), ([1, 5], None, 2),
                                                ([1, 5], 0, None), ([1.0, 5.0], 0.5, 2.5)],
                         ids=["int-float", "int-int", "int-lo", "float-float"])
def test_clamp_promotes_to_pytorchs_result_dtype(data: list, lo: object, hi: object) -> None:
    ours, theirs = tg.tensor(data).clamp(lo, hi), torch.tensor(data).clamp(lo, hi)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    # Tensor bounds take part in the promotion too
    ours = tg.tensor([1.0, 5.0]).clamp(tg.tensor([0.5, 0.5], dtype=tg.float64))
    theirs = torch.tensor([1.0, 5.0]).clamp(torch.tensor([0.5, 0.5], dtype=torch.float64))
    assert ours.dtype == tg.float64 and theirs.dtype == torch.float64


@pytest.mark.parametrize("call", [lambda L: L.ones(2, 3) @ L.ones(2, 3),
                                  lambda L: L.ones(2, 3) + L.ones(4, 5),
                                  lambda L: L.ones(2, 3).addmm(L.ones(2, 3), L.ones(2, 3))],
                         ids=["matmul", "broadcast", "addmm"])
def test_shape_errors_are_runtime_errors_as_pytorchs(call: object) -> None:
    # PyTorch raises RuntimeError; ours is also the ValueError this project raised before
    for lib in (torch, tg):
        with pytest.raises(RuntimeError):
            call(lib)  # type: ignore[operator]
    with pytest.raises(ValueError, match="shapes"):
        call(tg)  # type: ignore[operator]


def test_relu_values_and_gradient_at_the_edges_match_pytorch() -> None:
    """max(x, 0): +0.0 for negatives (1 / relu(-1) is +inf), 0 at -inf, NaN stays NaN and
    passes its gradient (PyTorch's threshold rule: x <= 0 blocks, NaN does not)."""
    torch = pytest.importorskip("torch")
    values = [-1.0, 2.0, float("-inf"), float("inf"), float("nan"), 0.0, -0.0]
    ours = tg.tensor(values, requires_grad=True)
    theirs = torch.tensor(values, requires_grad=True)
    y, ty = ours.relu(), theirs.relu()
    np.testing.assert_array_equal(1 / y.detach().numpy(), 1 / ty.detach().numpy())
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("name", ["silu", "elu", "leaky_relu", "relu"])
def test_inplace_activations_on_a_graph_give_pytorchs_gradients(name: str) -> None:
    """F.<act>(y, inplace=True) on a recorded y: the backward saved a copy, not the values
    the in-place write replaced (it raised "modified by an in-place operation")."""
    torch = pytest.importorskip("torch")
    x = tg.tensor([-1.0, 0.5, 2.0], dtype=tg.float64, requires_grad=True)
    tx = torch.tensor([-1.0, 0.5, 2.0], dtype=torch.float64, requires_grad=True)
    y, ty = x * 1, tx * 1
    z = getattr(tg.functional, name)(y, inplace=True)
    tz = getattr(torch.nn.functional, name)(ty, inplace=True)
    (z * z).sum().backward()
    (tz * tz).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-15)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-15)


@pytest.mark.parametrize("p", [3, 1.5, 4])
@pytest.mark.parametrize("values", [[0.0, 0.0, 0.0], [1.0, -2.0, 0.0]])
def test_p_norm_gradient_at_zero_is_pytorchs(p: float, values: list[float]) -> None:
    torch = pytest.importorskip("torch")
    x = tg.tensor(values, dtype=tg.float64, requires_grad=True)
    tx = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    x.norm(p=p).backward()
    tx.norm(p=p).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=0)


def test_maximum_minimum_and_all_any_follow_pytorch() -> None:
    torch = pytest.importorskip("torch")
    a, b = [1, 2], [1.5]
    for fn in ("maximum", "minimum"):
        ours = getattr(tg, fn)(tg.tensor(a), tg.tensor(b))
        theirs = getattr(torch, fn)(torch.tensor(a), torch.tensor(b))
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    m = [[True, False], [True, True]]
    for fn in ("all", "any"):
        ours = getattr(tg.tensor(m), fn)(1, keepdim=True)
        theirs = getattr(torch.tensor(m), fn)(1, keepdim=True)
        assert ours.tolist() == theirs.tolist()
        assert getattr(tg.tensor(m), fn)(dim=0).tolist() == getattr(torch.tensor(m), fn)(
            dim=0).tolist()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_is_pytorchs_one_node(reduction: str) -> None:
    """MseLossBackward0 with the prediction's node behind it, as the 60-minute blitz
    tutorial prints (loss.grad_fn, then .next_functions[0][0] is the Linear's addmm)."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3, 4))
    lin, tlin = tg.nn.Linear(4, 2).double(), torch.nn.Linear(4, 2).double()
    lin.load_state_dict({k: v.detach().numpy() for k, v in tlin.state_dict().items()})
    target = np.ones((3, 2))
    loss = tg.functional.mse_loss(lin(tg.tensor(x)), tg.tensor(target), reduction=reduction)
    tloss = torch.nn.functional.mse_loss(tlin(torch.tensor(x)), torch.tensor(target),
                                         reduction=reduction)
    assert loss.grad_fn.name() == tloss.grad_fn.name()
    assert loss.grad_fn.next_functions[0][0].name() == tloss.grad_fn.next_functions[0][0].name()
    # (torch's random initial weights: atol for elements where pred - target cancels)
    np.testing.assert_allclose(loss.detach().numpy(), tloss.detach().numpy(), rtol=1e-12,
                               atol=1e-12)
    loss.sum().backward()
    tloss.sum().backward()
    np.testing.assert_allclose(lin.weight.grad.numpy(), tlin.weight.grad.numpy(), rtol=1e-10,
                               atol=1e-12)
