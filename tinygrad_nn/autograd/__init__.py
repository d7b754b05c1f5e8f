"""PyTorch's ``torch.autograd``: grad, backward, the Tensor-level Function, Variable,
anomaly mode, gradcheck / gradgradcheck, ``functional`` (jacobian, hessian, vjp, jvp,
hvp, vhp), ``graph`` (the ``Node`` type of ``grad_fn``, ``increment_version``),
``grad_mode`` (the mode switches, ``inference_mode`` and ``set_multithreading_enabled``),
``variable`` and ``forward_ad`` (its names; dual tensors are not supported yet)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ..tensor import Tensor
from ..tensor_autograd import backward_into
from ..tensor_autograd import grad as _grad
from . import forward_ad, functional, grad_mode, graph, variable
from .anomaly_mode import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import inference_mode, is_multithreading_enabled, set_multithreading_enabled
from .gradcheck import gradcheck, gradgradcheck  # (the functions, as in torch.autograd)
from .variable import Variable

__all__ = [
    "Function",
    "FunctionCtx",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "forward_ad",
    "functional",
    "graph",
    "grad",
    "grad_mode",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_multithreading_enabled",
    "is_tensor_like",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "once_differentiable",
    "set_detect_anomaly",
    "set_grad_enabled",
    "set_multithreading_enabled",
    "variable",
]


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return (x,) if isinstance(x, Tensor) or x is None else tuple(x)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """sum_k grad_outputs[k] · d(outputs[k])/d(inputs) as a tuple, one per input; no ``.grad``.

    ``materialize_grads=True`` returns zeros (not ``None``) for inputs the outputs do not use.
    """
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    if is_grads_batched:
        raise NotImplementedError("grad: is_grads_batched=True is not supported; loop over "
                                  "the batch of grad_outputs instead")
    del only_inputs  # deprecated in PyTorch and ignored there too
    ins = _as_tuple(inputs)
    got = _grad(outputs, ins, grad_outputs, retain_graph, create_graph,
                       bool(allow_unused or materialize_grads))
    if not materialize_grads:
        return tuple(got)
    return tuple(Tensor._new(np.zeros(x.shape, dtype=x.dtype)) if g is None else g
                 for g, x in zip(got, ins))


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Accumulate sum_k d(tensors[k])/d(leaf) · grad_tensors[k] into the leaves' ``.grad``.

    With ``inputs`` only those tensors (leaves or not) receive ``.grad``.
    """
    roots = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    seeds = (None,) * len(roots) if grad_tensors is None else _as_tuple(grad_tensors)
    if len(seeds) != len(roots):
        raise RuntimeError(f"backward: got {len(seeds)} grad_tensors for {len(roots)} tensors")
    if inputs is not None:
        backward_into(roots, seeds, inputs, retain_graph, create_graph)
        return
    retain = create_graph if retain_graph is None else retain_graph
    for k, (t, s) in enumerate(zip(roots, seeds)):
        # earlier roots keep the graph: later ones may share it (one summed pass, in effect)
        t.backward(s, retain_graph=retain or k < len(roots) - 1, create_graph=create_graph)


def is_tensor_like(inp: Any) -> bool:
    """True for a Tensor (or its type), or an object with ``__torch_function__``: PyTorch's
    test for what its functions treat as a tensor."""
    return (isinstance(inp, Tensor) or isinstance(inp, type) and issubclass(inp, Tensor)
            or hasattr(inp, "__torch_function__"))
