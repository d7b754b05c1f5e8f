"""Categorical / OneHotCategorical ``param_shape`` against PyTorch (it was a plain tuple; PyTorch
gives a Size, so ``m.param_shape == torch.Size([2])`` and Size methods work)."""

from __future__ import annotations

from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("kind", ["Categorical", "OneHotCategorical"])
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_param_shape_is_a_size(kind: str, param: str) -> None:
    def facts(m: Any) -> tuple[Any, ...]:
        d = getattr(m.distributions, kind)(**{param: m.tensor([[0.3, 0.7], [0.5, 0.5]])})
        shape = d.param_shape
        return (isinstance(shape, m.Size), tuple(shape), shape.numel(), tuple(shape[-1:]),
                isinstance(shape[-1:], m.Size))
    assert facts(tg) == facts(torch)


@pytest.mark.parametrize("make", [
    lambda m: m.distributions.Categorical(m.tensor([0.3, 0.7])),
    lambda m: m.distributions.Normal(0.0, 1.0),
    lambda m: m.distributions.Bernoulli(0.5),
])
def test_log_prob_of_a_number_is_refused_when_validating_as_torch(make: Any) -> None:
    """``m.log_prob(1)`` (a number, not a Tensor) is a ValueError under validate_args, as
    PyTorch (it was accepted)."""
    for m in (tg, torch):
        with pytest.raises(ValueError, match="must be a Tensor"):
            make(m).log_prob(1)


@pytest.mark.parametrize("call", [
    lambda m: m.distributions.Normal(0.0, 1.0, validate_args=False).log_prob(0.5),
    lambda m: m.distributions.Normal(0.0, 1.0, validate_args=False).cdf(0.5),
    lambda m: m.distributions.Uniform(0.0, 2.0, validate_args=False).cdf(0.5),
    lambda m: m.distributions.Exponential(2.0, validate_args=False).log_prob(0.5),
    lambda m: m.distributions.Normal(m.tensor(0.0, dtype=m.float64), 1.0,
                                     validate_args=False).log_prob(0.5),
])
def test_a_float_value_computes_in_the_parameters_dtype_as_torch(call: Any) -> None:
    """A Python float value is a number in the computation (it was made a float64 array,
    so a float32 distribution's log_prob(0.5) came out float64)."""
    ours, theirs = call(tg), call(torch)
    assert str(ours.dtype).rsplit(".", 1)[-1] == str(theirs.dtype).rsplit(".", 1)[-1]
    assert abs(ours.item() - theirs.item()) < 1e-6


EXPANDS = {
    "Categorical": (lambda m: m.distributions.Categorical(m.tensor([0.3, 0.7])), (3,),
                    lambda m: m.tensor([0, 1, 1])),
    "Categorical logits 2-d": (
        lambda m: m.distributions.Categorical(logits=m.tensor([[0.3, 0.7]])), (2, 3),
        lambda m: m.tensor([[0, 1, 1], [1, 1, 0]])),
    "Normal": (lambda m: m.distributions.Normal(m.tensor(0.0), m.tensor(1.0)), (2, 2),
               lambda m: m.tensor([[0.0, 1.0], [2.0, 3.0]])),
    "Bernoulli": (lambda m: m.distributions.Bernoulli(m.tensor([0.3])), (4, 1),
                  lambda m: m.tensor([[1.0], [0.0], [1.0], [0.0]])),
    "Uniform": (lambda m: m.distributions.Uniform(m.tensor(0.0), m.tensor(2.0)), (2,),
                lambda m: m.tensor([0.5, 1.5])),
    "Exponential": (lambda m: m.distributions.Exponential(m.tensor(2.0)), (2,),
                    lambda m: m.tensor([0.5, 1.5])),
    "Laplace": (lambda m: m.distributions.Laplace(m.tensor(0.0), m.tensor(2.0)), (2,),
                lambda m: m.tensor([0.5, 1.5])),
    "OneHotCategorical": (lambda m: m.distributions.OneHotCategorical(m.tensor([0.3, 0.7])),
                          (3,), lambda m: m.tensor([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])),
    "Independent": (lambda m: m.distributions.Independent(
        m.distributions.Normal(m.tensor([0.0, 1.0]), m.tensor([1.0, 1.0])), 1), (3,),
        lambda m: m.tensor([[0.0, 1.0]] * 3)),
}


@pytest.mark.parametrize("name", sorted(EXPANDS))
def test_expand_matches_torch(name: str) -> None:
    """``d.expand(batch_shape)`` was missing (AttributeError); torch's: parameters broadcast
    to the new batch, same event shape, draws and log_prob of the new shape."""
    make, batch, value = EXPANDS[name]

    def facts(m: Any) -> tuple[Any, ...]:
        d = make(m).expand(batch)
        draw = d.sample()
        return (type(d).__name__, tuple(d.batch_shape), tuple(d.event_shape), tuple(draw.shape),
                str(draw.dtype).rsplit(".", 1)[-1],
                [round(v, 5) for v in d.log_prob(value(m)).flatten().tolist()])
    assert facts(tg) == facts(torch)


def test_expanded_parameters_pass_the_gradient_back_as_torch() -> None:
    def grad(m: Any) -> list[float]:
        p = m.tensor([0.3, 0.7], requires_grad=True)
        m.distributions.Categorical(logits=p).expand((3,)).log_prob(m.tensor([0, 1, 1])).sum(
        ).backward()
        return [round(v, 5) for v in p.grad.tolist()]
    assert grad(tg) == grad(torch)


def test_expand_to_a_shape_the_parameters_do_not_broadcast_to_is_a_runtime_error() -> None:
    for m in (tg, torch):
        with pytest.raises(RuntimeError):
            m.distributions.Categorical(m.tensor([[0.3, 0.7], [0.5, 0.5]])).expand((3,))
