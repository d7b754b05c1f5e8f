"""PyTorch's ``torch.func.vmap``: map ``func`` over a dimension of its inputs.

Implemented as a loop: each input with an ``in_dim`` is sliced along it, ``func`` runs once per
batch element, and each output is stacked along its ``out_dim``. The results (values, graphs,
structure) are those of PyTorch's batched execution; the cost is one call per element.
``randomness`` is honoured by watching the library's generator: 'error' raises when ``func``
draws, 'same' replays one draw for every element, 'different' lets each draw anew. An
in-place change of an unmapped input raises: the loop would repeat it once per element.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from .._random import get_rng_state, set_rng_state
from ..tensor import Tensor
from ..tensor_functions import stack
from ._pytree import broadcast_prefix, tree_flatten, tree_unflatten
from ._transforms import _check_randomness

__all__ = ["vmap"]


def _name(func: Any) -> str:
    return getattr(func, "__name__", repr(func))


def _is_dim(x: Any) -> bool:
    return x is None or isinstance(x, int)


def vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0,
         randomness: str = "error", *, chunk_size: int | None = None) -> Callable[..., Any]:
    """``func`` mapped over dimension ``in_dims`` of its inputs: out[i] = func(x[i]), the
    results stacked along ``out_dims``. ``in_dims``/``out_dims``: an int, None (not mapped),
    or a pytree prefix of the inputs/outputs. Keyword arguments are passed unmapped."""
    _check_randomness(randomness)
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        n, flat_dims, flat_args, spec = _batched_inputs(func, in_dims, args)
        outs: list[Any] = []
        unmapped = [(k, a, int(a._vc[0])) for k, (a, d) in enumerate(zip(flat_args, flat_dims))
                    if d is None and isinstance(a, Tensor)]
        start = get_rng_state()
        for i in range(max(n, 1)):  # (an empty batch: one call on zeros, for the shapes)
            if randomness == "same":
                set_rng_state(start)
            before = get_rng_state() if randomness == "error" else None
            sample = [a if d is None else _select(a, d, i, n) for a, d in zip(flat_args, flat_dims)]
            outs.append(func(*tree_unflatten(sample, spec), **kwargs))
            _check_unchanged(func, unmapped)
            if before is not None and get_rng_state() != before:
                raise RuntimeError(
                    "vmap: called random operation while in randomness error mode. Please "
                    "either use the 'same' or 'different' randomness flags on vmap or perform "
                    "the randomness operation out of vmap")
        return _stack_outputs(func, outs, out_dims, n)

    return wrapped


def _check_unchanged(func: Any, unmapped: list[tuple[int, Tensor, int]]) -> None:
    """Refuse an in-place change of an unmapped input: the loop would repeat it per element,
    where PyTorch's one batched call makes it once (or refuses a batched value)."""
    for k, a, version in unmapped:
        if a._vc[0] != version:  # (not ``_version``: an inference tensor has none)
            raise RuntimeError(
                f"vmap({_name(func)}): the function changed input {k} (in_dim None, shape "
                f"{tuple(a.shape)}) in place; this vmap calls it once per batch element, so "
                "the change would be repeated. Change a copy, or map over that input")


def _select(x: Tensor, dim: int, i: int, n: int) -> Tensor:
    if n == 0:
        shape = x.shape[:dim] + x.shape[dim + 1:]
        return Tensor._new(np.zeros(shape, dtype=x.dtype))
    return x.select(dim, i)


def _batched_inputs(func: Any, in_dims: Any,
                    args: tuple[Any, ...]) -> tuple[int, list[Any], list[Any], Any]:
    """(batch size, in_dim per flat input, flat inputs, their spec), checked as PyTorch."""
    head = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(f"{head}: expected `in_dims` to be int or a (potentially nested) "
                         f"tuple matching the structure of inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot to "
                         "add inputs, or you are trying to vmap over a function with no "
                         "inputs. The latter is unsupported.")
    flat_args, spec = tree_flatten(args)
    dims = broadcast_prefix(in_dims, spec, _is_dim)
    if dims is None:
        raise ValueError(f"{head}: in_dims is not compatible with the structure of `inputs`. "
                         f"in_dims has structure {tree_flatten(in_dims)[1]} but inputs has "
                         f"structure {spec}.")
    sizes = []
    for k, (a, d) in enumerate(zip(flat_args, dims)):
        if d is None:
            continue
        if not isinstance(a, Tensor):
            raise ValueError(f"{head}: Got in_dim={d} for an input but the input is of type "
                             f"{type(a)}. We cannot vmap over non-Tensor arguments, please "
                             "use None as the respective in_dim")
        nd = a.dim()
        if not -nd <= d < nd:
            raise ValueError(f"{head}: Got in_dim={d} for some input, but that input is a "
                             f"Tensor of dimensionality {nd} so expected in_dim to satisfy "
                             f"-{nd} <= in_dim < {nd}.")
        dims[k] = d % nd
        sizes.append(a.shape[dims[k]])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0], dims, flat_args, spec


def _stack_outputs(func: Any, outs: list[Any], out_dims: Any, n: int) -> Any:
    """The per-element outputs stacked along their out_dims, in the output's structure."""
    name = _name(func)
    flats = [tree_flatten(o) for o in outs]
    spec = flats[0][1]
    if isinstance(outs[0], Tensor) and isinstance(out_dims, tuple) and len(out_dims) == 1:
        out_dims = out_dims[0]
    dims = broadcast_prefix(out_dims, spec, _is_dim)
    if dims is None:
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         "compatible with the structure of `outputs`. out_dims has structure "
                         f"{tree_flatten(out_dims)[1]} but outputs has structure {spec}.")
    result = []
    for k, d in enumerate(dims):
        column = [f[0][k] for f in flats]
        if d is None:
            first = column[0]
            if isinstance(first, Tensor) and any(
                    not isinstance(c, Tensor) or not np.array_equal(c._data, first._data)
                    for c in column[1:]):  # it depends on the mapped inputs
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor "
                                 "when out_dim is None")
            result.append(first)
            continue
        for c in column:
            if not isinstance(c, Tensor):
                raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got "
                                 f"type {type(c)}. Did you mean to set out_dims= to None for "
                                 "output?")
        nd = column[0].dim() + 1
        if not -nd <= d < nd:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-nd}, {nd - 1}], but got {d})")
        out = stack(column, dim=d)
        result.append(out.narrow(d, 0, 0) if n == 0 else out)
    return tree_unflatten(result, spec)
