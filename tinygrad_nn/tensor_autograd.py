"""The autograd methods of Tensor (backward, hooks, retain_grad; a mixin), the leaf side of
the engine's protocol (``_accumulate_grad``), and ``grad()`` (torch.autograd.grad)."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import engine
from ._handles import RemovableHandle
from .function import TensorBase
from .tensor_base import TensorMixin, grad_target

if TYPE_CHECKING:
    from .tensor import Tensor


class TensorAutograd(TensorMixin):
    """backward, hooks and gradient accumulation of every Tensor (a mixin)."""

    __slots__ = ()
    _post_accumulate_hooks: list[Callable[[Any], None]] | None = None  # (per leaf, when set)

    def backward(
        self, gradient: Any = None, retain_graph: bool | None = None,
        create_graph: bool = False, inputs: Any = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` by the chain rule.

        ``gradient`` is d(loss)/d(self); it may be omitted only for a one-element tensor.
        The graph's saved arrays are released unless ``retain_graph``; with
        ``create_graph`` the backward pass is itself recorded (for higher derivatives).
        ``inputs`` (a tensor or several, leaves or not): only those get ``.grad``.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward(): this tensor does not require grad and has no graph "
                "(no input had requires_grad=True, or it was computed under no_grad())"
            )
        if inputs is not None:
            backward_into((self,), (gradient,), inputs, retain_graph, create_graph)
            return
        seed = _seed(self, gradient, create_graph)
        retain = create_graph if retain_graph is None else retain_graph
        try:
            engine.run_backward([_node(self)], [seed], retain, create_graph)
        except RuntimeError as err:
            if hasattr(err, "node"):  # anomaly mode's: keep the graph for viz.draw_graph(err)
                err.tensor = self  # type: ignore[attr-defined]
            raise

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def register_hook(self, fn: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``fn(grad)`` when this tensor's gradient is computed; it may return a
        replacement. Returns a handle whose ``remove()`` takes the hook off."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: this tensor does not require grad")

        new = self._new  # not self: a node's hook must not keep its output tensor alive

        def hook(g: Any) -> Any:  # the engine's hooks see arrays (Tensors under create_graph)
            out = fn(g if isinstance(g, TensorBase) else new(g))  # type: ignore[arg-type]
            if out is None:
                return None
            out = out if isinstance(out, TensorBase) else new(out)
            return out if isinstance(g, TensorBase) else out._data

        if self._ctx is not None:
            return self._ctx._add_prehook(hook)  # type: ignore[no-any-return]
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle.of_list(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Any], None]) -> RemovableHandle:
        """Call ``hook(tensor)`` after each backward has added into this leaf's ``.grad``
        (not for ``autograd.grad``); the hook returns None. Returns a handle whose
        ``remove()`` takes it off. Leaves that require grad only, as in PyTorch."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self._ctx is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = []
        self._post_accumulate_hooks.append(hook)
        return RemovableHandle.of_list(self._post_accumulate_hooks, hook)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")
        if self._ctx is not None:
            self._ctx.retained = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        return self._ctx is not None and self._ctx.retained is not None

    def _accumulate_grad(self, g: Any, create: bool, fresh: bool) -> None:
        """Add gradient ``g`` into ``.grad`` like PyTorch: summed over calls (engine.Leaf).

        ``fresh``: ``g`` is an array only the engine holds, so it may become ``.grad`` itself.
        A view made under no_grad of a tensor that requires grad drops it (PyTorch's: such a
        view requires grad but has neither a node nor a ``.grad``).
        """
        if self._base is not None and self._view_meta is not None \
                and self._view_meta[0] == "no_grad":
            return
        if create:
            gt: Any = g if isinstance(g, TensorBase) else self._new(g)
            dtype = grad_target(self)
            if dtype is not None and gt.dtype != dtype:
                gt = gt.astype(dtype)
            self._grad = gt if self._grad is None else self._grad + gt
        else:
            self._add_grad_array(g, fresh)
        if self._post_accumulate_hooks:
            for hook in list(self._post_accumulate_hooks):
                if hook(self) is not None:
                    raise RuntimeError("Tensor post accumulate grad hooks should return None.")

    def _add_grad_array(self, g: Any, fresh: bool) -> None:
        """``_accumulate_grad`` of an array ``g`` (no graph recorded)."""
        # (the leaf's dtype, or the grad_dtype set on it: None keeps g's own)
        dtype = grad_target(self)
        if dtype is not None and g.dtype != dtype:
            g = g.astype(dtype)
        grad = self._grad  # (the slot behind ``.grad``: what the engine writes needs no check)
        if grad is None:
            # otherwise a copy: the engine may hand the same array to several inputs
            flags = g.flags
            keep = fresh and flags.c_contiguous and flags.writeable
            # C-ordered, like the param (an array of the leaf's dtype: ``_make``, unchecked)
            self._grad = self._make(g if keep else np.array(g, order="C"), None)
        elif grad._ctx is not None or grad._data.shape != g.shape:
            self._grad = self._new(grad._data + g)  # (0-d + 0-d: a NumPy scalar)
        else:
            grad._data += g




def _node(t: TensorBase) -> Any:
    """The graph node of a Tensor: its ``grad_fn``, or the tensor itself for a leaf."""
    return t._ctx if t._ctx is not None else t


def _seed(t: TensorBase, grad: Any, create_graph: bool, i: int = 0) -> Any:
    """The starting gradient d(out)/d(t) (``grad_output[i]``): ones for a one-element t,
    else ``grad``, checked and cast to t's dtype as PyTorch's are (a real gradient for a
    complex output, or the reverse, is refused; float64 for a float32 output is cast)."""
    data = t._data
    if grad is None:
        if data.size != 1:
            raise RuntimeError(
                f"backward(): grad can be implicitly created only for a one-element output, "
                f"but the tensor has shape {data.shape}; pass grad= of that shape"
            )
        g = np.empty(data.shape, dtype=data.dtype)  # (np.ones is a Python function)
        g.fill(1)
        return t._new(g) if create_graph else g
    tensor = isinstance(grad, TensorBase)
    g = grad._data if tensor else np.asarray(grad)
    if tensor and (g.dtype.kind == "c") != (data.dtype.kind == "c"):  # (an array is cast)
        raise RuntimeError(
            "For complex Tensors, both grad_output and output are required to have the same "
            f"dtype. Mismatch in dtype: grad_output[{i}] has a dtype of tinygrad_nn."
            f"{g.dtype.name} and output[{i}] has a dtype of tinygrad_nn.{data.dtype.name}.")
    if g.shape != data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{i}] has a shape of {tuple(g.shape)} and "
            f"output[{i}] has a shape of {data.shape}.")
    if create_graph and tensor:
        return grad if g.dtype == data.dtype else grad.to(data.dtype)  # (recorded)
    if g.dtype != data.dtype:
        g = g.astype(data.dtype)
    return t._new(g) if create_graph else g


def backward_into(roots: Sequence[Any], seeds: Sequence[Any], inputs: Any,
                  retain_graph: bool | None, create_graph: bool) -> None:
    """``backward(inputs=...)``: the gradients of ``roots`` (seeded with ``seeds``) added
    into the ``.grad`` of ``inputs`` only (a tensor or several, leaves or not)."""
    ins = (inputs,) if isinstance(inputs, TensorBase) else tuple(inputs)
    if not ins:
        raise RuntimeError("backward: 'inputs' argument to backward() cannot be empty.")
    gs = grad(roots, ins, seeds, retain_graph, create_graph, allow_unused=True)
    for x, g in zip(ins, gs):
        if x._ctx is not None:  # a non-leaf input keeps its gradients from now on (PyTorch)
            x.retain_grad()
        if g is not None:
            x.grad = g if x.grad is None else x.grad + g


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs) as a tuple, without touching any ``.grad`` (torch.autograd.grad).

    ``grad_outputs`` weights each output (needed for outputs with more than one
    element); with ``create_graph`` the result can be differentiated again.
    """
    outs = [outputs] if isinstance(outputs, TensorBase) else list(outputs)
    ins = [inputs] if isinstance(inputs, TensorBase) else list(inputs)
    gos = (
        [grad_outputs]
        if isinstance(grad_outputs, TensorBase) or grad_outputs is None
        else list(grad_outputs)
    )
    if grad_outputs is None:
        gos = [None] * len(outs)
    if len(gos) != len(outs):
        raise ValueError(f"grad: {len(outs)} output(s) but {len(gos)} grad_outputs")
    for i, t in enumerate(ins):
        if not isinstance(t, TensorBase) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} is not a Tensor that requires grad")
    for i, t in enumerate(outs):
        if not t.requires_grad:
            raise RuntimeError(f"grad: output {i} does not require grad (it has no graph)")
    seeds = [_seed(t, g, create_graph, i) for i, (t, g) in enumerate(zip(outs, gos))]
    capture: dict[int, int] = {}
    for i, t in enumerate(ins):
        capture.setdefault(id(_node(t)), i)
    retain = create_graph if retain_graph is None else retain_graph
    got = engine.run_backward([_node(t) for t in outs], seeds, retain, create_graph, capture)
    assert got is not None
    result: list[Tensor | None] = []
    for i, t in enumerate(ins):
        g = got[capture[id(_node(t))]]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} was not used to compute the outputs; pass allow_unused=True"
                )
            result.append(None)
        else:
            result.append(g if isinstance(g, TensorBase) else t._new(np.array(g, copy=True)))  # type: ignore[arg-type]
    return tuple(result)

