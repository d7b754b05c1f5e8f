"""Registry rows for the PyTorch names added in session 14 (tensor gaps): the in-place forms
of put / index_reduce / renorm / mvlgamma / igamma, fill_diagonal_, swapaxes_ / swapdims_,
sum_to_size, the deprecated resize / resize_as, unsafe_chunk / unsafe_split(_with_sizes),
Tensor.new (an alias of a tensor), resolve_neg, igamma / igammac (gradient in x), fill and
gradient; first and second order against two-sided differences (see op_registry.py)."""

from __future__ import annotations

import warnings

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies


def _on_copy(form: Callable[..., Any]) -> Callable[..., Any]:
    """x -> form(x * 1.0) returned: the in-place form applied to a non-leaf (recorded)."""
    def fn(x: Any, *rest: Any) -> Any:
        z = x * 1.0
        out = form(z, *rest)
        return z if out is None else out
    return fn


@case({"Tensor.put_": lambda z, s: z.put_(tg.tensor([0, 3, 0]), s[0], accumulate=True),
       "Tensor.index_reduce_": lambda z, s: z.index_reduce_(0, tg.tensor([1, 0, 1]), s,
                                                            "prod"),
       "Tensor.fill_diagonal_": lambda z, s: z.fill_diagonal_(0.5, wrap=True)})
def _scatter_in_place(draw: Draw, form: Any) -> Any:
    return _on_copy(form), [arr(draw, (5, 3), 0.5, 1.5), arr(draw, (3, 3), 0.5, 1.5)]


@case({"Tensor.renorm_": lambda z: z.renorm_(2, 0, 1.0),
       "Tensor.mvlgamma_": lambda z: z.mvlgamma_(2),
       "Tensor.swapaxes_": lambda z: z.swapaxes_(0, 1) * 1.0,
       "Tensor.swapdims_": lambda z: z.swapdims_(1, 0) * 1.0,
       "Tensor.sum_to_size": lambda z: z.sum_to_size(1, 3),
       "Tensor.resize": lambda z: _quiet(z.resize, 3, 2),
       "Tensor.resize_as": lambda z: _quiet(z.resize_as, tg.zeros(6)),
       "Tensor.unsafe_chunk": lambda z: z.unsafe_chunk(2, 1)[1] * 2,
       "Tensor.unsafe_split": lambda z: z.unsafe_split(1)[1],
       "Tensor.unsafe_split_with_sizes": lambda z: z.unsafe_split_with_sizes([1, 2], 1)[1],
       "Tensor.new": lambda z: z.new(z),
       "Tensor.resolve_neg": lambda z: z.resolve_neg(),
       "tinygrad_nn.fill": lambda z: tg.fill(z, 2.0) + z,
       "tinygrad_nn.gradient": lambda z: tg.gradient(z, spacing=(tg.tensor([0.0, 0.5]),
                                                                 tg.tensor([0.0, 1.0, 3.0])),
                                                     edge_order=1)[1],
       "tinygrad_nn.unsafe_chunk": lambda z: tg.unsafe_chunk(z, 3, 1)[0],
       "tinygrad_nn.unsafe_split": lambda z: tg.unsafe_split(z, 2, 1)[1],
       "tinygrad_nn.unsafe_split_with_sizes": lambda z: tg.unsafe_split_with_sizes(z, [1, 1])[0],
       "tinygrad_nn.resolve_neg": tg.resolve_neg})
def _shape_and_values(draw: Draw, form: Any) -> Any:
    return _on_copy(form), [arr(draw, (2, 3), 1.5, 3.0)]


def _quiet(fn: Callable[..., Any], *args: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the deprecation warning of resize / resize_as)
        return fn(*args)


# the regularized incomplete gamma functions: a gradient in x (the second argument) only
@case({"Tensor.igamma": lambda x: tg.tensor([0.7, 1.5, 3.0], dtype=x.dtype).igamma(x),
       "Tensor.igammac": lambda x: tg.tensor([0.7, 1.5, 3.0], dtype=x.dtype).igammac(x),
       "Tensor.igamma_": lambda x: tg.tensor([0.7, 1.5, 3.0], dtype=x.dtype).igamma_(x),
       "Tensor.igammac_": lambda x: tg.tensor([0.7, 1.5, 3.0], dtype=x.dtype).igammac_(x),
       "tinygrad_nn.igamma": lambda x: tg.igamma(tg.tensor([2.5], dtype=x.dtype), x),
       "tinygrad_nn.igammac": lambda x: tg.igammac(tg.tensor([0.5], dtype=x.dtype), x),
       "tinygrad_nn.igamma_": lambda x: tg.igamma_(tg.tensor([0.7, 1.5, 3.0], dtype=x.dtype), x),
       "tinygrad_nn.igammac_": lambda x: tg.igammac_(tg.tensor([0.7, 1.5, 3.0], dtype=x.dtype),
                                                     x)})
def _incomplete_gamma(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, (3,), 0.4, 4.0)]
