"""Random draws whose parameters may require grad: ``bernoulli(p)``, ``normal(mean, std)``,
``poisson(rate)``, ``binomial(count, prob)`` (whose backward raises). As in PyTorch, the
draw is recorded as a node (``BernoulliBackward0`` ...) whose gradient is zero for every
input: sampling is not reparameterised."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..function import Function, TensorBase


class _Draw(Function):
    """A draw from a distribution with array parameters; zero gradient for each of them."""

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return tuple(np.zeros(shape, dtype=ctx.out_dtype) if need else None
                     for shape, need in zip(ctx.in_shapes, ctx.needs_input_grad))


class Bernoulli(_Draw):
    """y ~ Bernoulli(p), elementwise: 1 with probability p, else 0 (p's dtype)."""

    @staticmethod
    def forward(ctx: Any, p: Any, rng: Any = None) -> Any:
        return (rng.random(p.shape) < p).astype(p.dtype)


class Normal(_Draw):
    """y ~ N(mean, std²), elementwise over the broadcast of mean and std."""

    @staticmethod
    def forward(ctx: Any, mean: Any, std: Any, rng: Any = None) -> Any:
        shape = np.broadcast_shapes(np.shape(mean), np.shape(std))
        dtype = np.result_type(mean, std)
        return (mean + std * rng.standard_normal(shape)).astype(dtype, copy=False)


class Poisson(_Draw):
    """y ~ Poisson(rate), elementwise, as floats of rate's dtype."""

    @staticmethod
    def forward(ctx: Any, rate: Any, rng: Any = None) -> Any:
        return rng.poisson(rate).astype(rate.dtype)


class Binomial(Function):
    """y ~ Binomial(count, prob), elementwise over the broadcast (prob clamped to [0, 1]),
    as floats of count's dtype. Recorded when an input requires grad, but without a
    derivative: its backward raises, as PyTorch's (``torch::autograd::NotImplemented``)."""

    @staticmethod
    def forward(ctx: Any, count: Any, prob: Any, rng: Any = None) -> Any:
        n, p = np.broadcast_arrays(count, np.clip(prob, 0.0, 1.0))
        return rng.binomial(n.astype(np.int64), p).astype(count.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        raise RuntimeError("derivative for aten::binomial is not implemented")

    def name(self) -> str:
        return "torch::autograd::NotImplemented"


class Fill(_Draw):
    """An in-place fill of a tensor in the graph (``zero_``, ``fill_``, ``normal_`` ...):
    the new values, and a zero gradient for the old ones, as PyTorch records it. Each
    PyTorch node name is a subclass (``fill_op``), so drawings and ``grad_fn`` name it."""

    @staticmethod
    def forward(ctx: Any, x: Any, values: Any = None) -> Any:
        return values


class FillTensor(Function):
    """y = v at every position of x (``x.fill_(v)`` for a 0-d Tensor v, cast to x's dtype):
    zero gradient to x, the sum of g to v (PyTorch's FillBackward3)."""

    @staticmethod
    def forward(ctx: Any, x: Any, v: Any) -> Any:
        ctx.v_dtype = v.dtype
        return np.full(x.shape, v, dtype=x.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        need_x, need_v = ctx.needs_input_grad
        gx = np.zeros(np.shape(g), dtype=g.dtype) if need_x else None
        gv: Any = None
        if need_v:
            gv = g.sum()  # (a 0-d Tensor under create_graph: SumBackward0, as PyTorch's)
            if not isinstance(gv, TensorBase):
                gv = np.asarray(gv)
            if gv.dtype != ctx.v_dtype:
                gv = gv.astype(ctx.v_dtype)
        return gx, gv

    def name(self) -> str:
        return "FillBackward3"


@functools.cache
def fill_op(name: str, overload: int = 0) -> type[Fill]:
    """The ``Fill`` subclass recorded as PyTorch's ``{name}Backward{overload}``
    (``fill_op("Zero")`` for ``zero_``, ``fill_op("Fill", 2)`` for ``fill_(number)``)."""
    return type(name, (Fill,), {"_overload": overload, "__doc__": Fill.__doc__,
                                "__module__": __name__})


__all__ = ["Bernoulli", "Fill", "FillTensor", "Normal", "Poisson", "fill_op"]
