"""PyTorch's ``torch.utils.checkpoint``: ``checkpoint`` and ``checkpoint_sequential``.

Activation checkpointing trades compute for memory: PyTorch keeps only a segment's inputs
and runs the segment again during backward. Here the segment simply runs once, recorded as
usual: values and gradients are the same, only the memory saving is missing (a
checkpointed model uses the memory of the plain one). PyTorch's calling contract is kept:
the warning when ``use_reentrant`` is not passed (which then defaults to True), the
``ValueError`` for keyword arguments the chosen variant does not take, and, with
``use_reentrant=True``, outputs that do not require grad when no input does (parameters
used inside ``function`` then get no gradient, as in PyTorch). One difference: PyTorch's
reentrant variant refuses ``autograd.grad`` and ``backward(inputs=...)``; here they work.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from typing import Any

from .._warn import user_stacklevel
from ..grad_mode import no_grad
from ..nn.containers import Sequential
from ..tensor import Tensor

__all__ = [
    "CheckpointError",
    "check_backward_validity",
    "checkpoint",
    "checkpoint_sequential",
    "detach_variable",
    "noop_context_fn",
]

_WARN = ("{where}: the use_reentrant parameter should be passed explicitly. {when} "
         "use_reentrant=False is recommended, but if you need to preserve the current "
         "default behavior, you can pass use_reentrant=True. Refer to docs for more details "
         "on the differences between the two variants.")


class CheckpointError(RuntimeError):
    """PyTorch's error for a recomputation that differs from the forward (never raised here:
    nothing is recomputed)."""


def noop_context_fn() -> tuple[Any, Any]:
    """The default ``context_fn``: two null contexts (forward, recomputation)."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each Tensor of ``inputs`` detached, keeping its ``requires_grad``; others as given."""
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    return tuple(
        x.detach().requires_grad_(x.requires_grad) if isinstance(x, Tensor) else x
        for x in inputs
    )


def check_backward_validity(inputs: Any) -> None:
    """Warn (as PyTorch) when no Tensor of ``inputs`` requires grad."""
    if not any(x.requires_grad for x in inputs if isinstance(x, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=user_stacklevel())


def checkpoint(
    function: Callable[..., Any],
    *args: Any,
    use_reentrant: bool | None = None,
    context_fn: Callable[[], tuple[Any, Any]] = noop_context_fn,
    determinism_check: str = "default",
    debug: bool = False,
    early_stop: bool = True,
    **kwargs: Any,
) -> Any:
    """``function(*args, **kwargs)``, with PyTorch's checkpoint contract (see module doc).

    Same values and gradients as PyTorch's; the memory is not saved (nothing is recomputed).
    ``preserve_rng_state`` is accepted (the function runs once, so random ops draw once).
    ``context_fn()`` gives (forward context, recomputation context): the first wraps the
    call; ``use_reentrant=True`` takes neither it nor ``debug`` nor other keywords.
    """
    del early_stop  # there is no recomputation to stop early
    if use_reentrant is None:
        warnings.warn(_WARN.format(where="torch.utils.checkpoint", when=(
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception.")), stacklevel=user_stacklevel())
        use_reentrant = True
    kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        check_backward_validity(args)
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            with no_grad():  # PyTorch's reentrant node: no input needs grad, no graph
                return function(*args)
        return function(*args)
    if debug and context_fn is not noop_context_fn:
        raise ValueError("debug=True is incompatible with non-default context_fn")
    if determinism_check not in ("default", "none"):
        raise ValueError("determinism_check should be one of ['default', 'none'], but got "
                         f"{determinism_check}")
    forward_ctx, _ = context_fn()
    with forward_ctx:
        return function(*args, **kwargs)


def checkpoint_sequential(functions: Any, segments: int, input: Any,
                          use_reentrant: bool | None = None, **kwargs: Any) -> Any:
    """Run ``functions`` (an ``nn.Sequential`` or a list of callables) in order on ``input``,
    split into ``segments`` checkpointed chunks as PyTorch splits them (all but the last
    through ``checkpoint``). Values and gradients as PyTorch's; no memory is saved."""
    if use_reentrant is None:
        warnings.warn(_WARN.format(where="torch.utils.checkpoint.checkpoint_sequential", when=(
            "In version 2.9 we will raise an exception if use_reentrant is not passed.")),
            stacklevel=user_stacklevel())
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run_function(start: int, end: int, functions: Any) -> Callable[[Any], Any]:
        def forward(x: Any) -> Any:
            for j in range(start, end + 1):
                x = functions[j](x)
            return x

        return forward

    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input,
                           use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
