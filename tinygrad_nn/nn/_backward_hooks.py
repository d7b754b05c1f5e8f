"""Module full backward hooks (``register_full_backward_hook`` / ``_pre_hook``), as PyTorch
runs them: the module's Tensor inputs and outputs pass through identity nodes; the outputs'
node runs the pre-hooks on ``grad_output`` (which may replace it) and keeps it, the inputs'
node calls ``hook(module, grad_input, grad_output)`` (which may replace ``grad_input``).
``grad_input`` has one entry per positional argument (None for one that is not a Tensor
requiring grad). When no input requires grad, the hooks fire from the outputs' node with
``grad_input`` all None, with PyTorch's warning."""

from __future__ import annotations

import warnings
from typing import Any

from .._warn import user_stacklevel
from ..autograd.function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor


def _needs(x: Any) -> bool:
    return isinstance(x, Tensor) and x.requires_grad


def _as_tuple(res: Any, n: int, what: str) -> tuple[Any, ...]:
    res = tuple(res) if isinstance(res, (tuple, list)) else (res,)
    if len(res) != n:
        raise RuntimeError(f"Backward hook returned an invalid number of {what}, got "
                           f"{len(res)}, but expected {n}")
    return res


class _Outputs(Function):
    """Identity on the module's outputs; backward runs the pre-hooks and keeps grad_output."""

    @staticmethod
    def forward(ctx: Any, state: dict[str, Any], *outs: Any) -> Any:
        ctx.set_materialize_grads(False)
        ctx.state = state
        return tuple(o.clone() for o in outs)

    @staticmethod
    def backward(ctx: Any, *gs: Any) -> Any:
        state = ctx.state
        module = state["module"]
        for hook in list(module._backward_pre_hooks.values()):
            res = hook(module, gs)
            if res is not None:
                gs = _as_tuple(res, len(gs), "grad_output")
        state["grad_output"] = gs
        if not state["inputs_need_grad"]:
            warnings.warn("Full backward hook is firing when gradients are computed with "
                          "respect to module outputs since no inputs require gradients.",
                          UserWarning, stacklevel=user_stacklevel())
            for hook in list(module._backward_hooks.values()):
                hook(module, (None,) * state["n_args"], gs)
        return (None, *gs)


class _Inputs(Function):
    """Identity on the module's inputs that require grad; backward calls the full hooks."""

    @staticmethod
    def forward(ctx: Any, state: dict[str, Any], *xs: Any) -> Any:
        ctx.state = state
        return tuple(x.clone() for x in xs)

    @staticmethod
    def backward(ctx: Any, *gs: Any) -> Any:
        state = ctx.state
        module, slots = state["module"], state["slots"]
        grad_input: list[Any] = [None] * state["n_args"]
        for slot, g in zip(slots, gs):
            grad_input[slot] = g
        gi = tuple(grad_input)
        for hook in list(module._backward_hooks.values()):
            res = hook(module, gi, state.get("grad_output"))
            if res is not None:
                gi = _as_tuple(res, len(gi), "grad_input")
        return (None, *[gi[s] for s in slots])


def wrap_inputs(module: Any, args: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
    """``args`` with each Tensor that requires grad passed through the inputs' node, and the
    state shared with the outputs' node (None when grad is off: no hooks run)."""
    if not is_grad_enabled():
        return args, None
    slots = [i for i, a in enumerate(args) if _needs(a)]
    state = {"module": module, "slots": slots, "n_args": len(args),
             "inputs_need_grad": bool(slots)}
    if not slots:
        return args, state
    wrapped = _Inputs.apply(state, *[args[i] for i in slots])
    wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
    new = list(args)
    for i, w in zip(slots, wrapped):
        new[i] = w
    return tuple(new), state


def wrap_outputs(out: Any, state: Any) -> Any:
    """``out`` (a Tensor, or a tuple / list of them) with the Tensors that require grad passed
    through the outputs' node."""
    if state is None:
        return out
    many = isinstance(out, (tuple, list))
    items = list(out) if many else [out]
    slots = [i for i, o in enumerate(items) if _needs(o)]
    if not slots:
        return out
    wrapped = _Outputs.apply(state, *[items[i] for i in slots])
    wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
    for i, w in zip(slots, wrapped):
        items[i] = w
    return type(out)(items) if many else items[0]
