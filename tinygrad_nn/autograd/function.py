"""PyTorch's ``torch.autograd.Function``: custom ops whose forward and backward see Tensors.

Two levels of custom op exist (``docs/engine.md``, "Custom ops: two levels"):

- ``tinygrad_nn.Function`` (``function.py``) is the array-level primitive: forward gets NumPy
  arrays, backward gets arrays on the fast path. Every op in ``ops/`` is one; it is the fast
  path for writing primitives.
- ``tinygrad_nn.autograd.Function`` (this file) is PyTorch's contract: ``forward(ctx, *args)``
  and ``backward(ctx, *grad_outputs)`` receive and return Tensors, so a PyTorch custom op runs
  unchanged.

The second is built on the first: ``apply`` records ONE array-level node (a subclass of
``_UserNode`` named ``<YourFunction>Backward``) whose forward runs the user's forward under
``no_grad`` and whose backward wraps the incoming gradient as a Tensor and calls the user's
backward. That node is also the ``ctx`` the user's methods receive (``y.grad_fn is ctx``,
as in PyTorch). Saved inputs and outputs go through the array-level ``save_for_backward``,
so they come back connected to the graph under ``create_graph`` (second derivatives work
when the user's backward is written with Tensor ops), the version counter catches in-place
changes, and they are freed after backward unless ``retain_graph``.

Several outputs are recorded as one flat node whose output is the concatenation of the
differentiable outputs; each returned Tensor is a slice of it reshaped, so the engine's
ordinary slicing gradient routes each output's gradient back to its part.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

from .. import grad_mode
from .._warn import user_stacklevel
from ..function import Function as _ArrayFunction
from ..tensor import Tensor
from ..tensor_base import new_counter

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The methods a ``ctx`` offers to a Tensor-level ``Function`` (PyTorch's names)."""

    _non_diff: frozenset[int] = frozenset()
    _materialize = True
    _saved_tensor_mask: tuple[bool, ...] = ()

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """These outputs get no gradient (e.g. indices); backward receives zeros for them."""
        self._non_diff = self._non_diff | {id(t) for t in outputs}

    def set_materialize_grads(self, value: bool) -> None:
        """False: backward receives ``None`` (not zeros) for outputs that got no gradient."""
        self._materialize = bool(value)

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Accepted for PyTorch compatibility: in-place changes are tracked by versions."""


class _UserNode(FunctionCtx, _ArrayFunction):
    """The array-level node recorded for one call of a Tensor-level ``Function``."""

    _user: Any = None  # the user's Function subclass (set on each generated subclass)
    _user_needs: tuple[bool, ...] = ()
    _arg_types: tuple[str | None, ...] = ()  # per argument: None for a Tensor, else its type
    _in_dtypes: tuple[Any, ...] = ()  # per Tensor argument, its dtype
    _out_meta: tuple[Any, ...] = ()  # per output: (shape, dtype) of a Tensor, else None
    _outputs: Any = None  # the user's outputs, held only until apply has returned them
    # (output position, shape, dtype, offset in the flat array) per differentiable output
    _parts: tuple[tuple[int, tuple[int, ...], Any, int], ...] = ()
    _received: list[bool] | None = None
    _single = True
    _saved_outs: dict[int, int] = {}  # noqa: RUF012  (read-only default; set per node)

    def name(self) -> str:
        """PyTorch's name of a custom Function's node: ``<Function>Backward`` (no ``0``)."""
        return type(self).__name__

    def __repr__(self) -> str:  # PyTorch's: <torch.autograd.function.SquareBackward ...>
        cls = type(self)
        return f"<{cls.__module__}.{cls.__qualname__} object at {id(self):#x}>"

    @property  # type: ignore[override]
    def needs_input_grad(self) -> tuple[bool, ...]:
        """One flag per argument of forward (PyTorch's meaning), not per Tensor input."""
        return self._user_needs

    @needs_input_grad.setter
    def needs_input_grad(self, value: tuple[bool, ...]) -> None:
        """The recording point's flags (one per Tensor input) are not read here. Compiled,
        ``apply`` writes them to the node's C field without calling this (function.pxd)."""

    def save_for_backward(self, *tensors: Any) -> None:  # type: ignore[override]
        """Keep Tensors (inputs, outputs or values made in forward) for ``backward``."""
        self._saved_tensor_mask = tuple(isinstance(t, Tensor) for t in tensors)
        _ArrayFunction.save_for_backward(
            self, *(t._data if isinstance(t, Tensor) else t for t in tensors)
        )

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved Tensors; inputs and outputs are on the graph under ``create_graph``.

        A saved input is that input Tensor; a saved output of a Function with several
        outputs comes back, under ``create_graph``, as its slice of this node's output (so
        the backward that reads it is differentiable again, as in PyTorch)."""
        if not self._saved_tensor_mask:  # nothing saved: () even after the graph was freed
            return ()
        values = _ArrayFunction.saved_tensors.__get__(self)  # (a getset where compiled)
        make, outs = self._tensor, self._saved_outs
        out = []
        for i, (v, is_t, src) in enumerate(
            zip(values, self._saved_tensor_mask, self.saved_sources())
        ):
            if not is_t or isinstance(v, Tensor):
                out.append(v)
            elif make is not None and i in outs:
                out.append(self._output_part(make, outs[i], v))
            else:  # an input Tensor given to forward is returned as itself
                out.append(src if isinstance(src, Tensor) else Tensor._new(v))
        return tuple(out)

    def _output_part(self, make: Any, part: int, value: np.ndarray) -> Tensor:
        """Output ``k`` (a saved output) as a Tensor on this node: a slice of its flat output."""
        k, shape, dtype, offset = self._parts[part]
        flat = np.zeros(self.out_shape, dtype=self.out_dtype)  # only the slice is read
        flat[offset:offset + value.size] = value.ravel()
        t = make(flat, self)
        t._vcnt = new_counter()  # its own (not the node's output's): made here
        o = t[offset:offset + value.size].reshape(shape)
        if o.dtype != dtype:
            o = o.astype(dtype)
        o.register_hook(_mark_received(self, k))  # set_materialize_grads(False) sees it
        return o

    saved = saved_tensors

    @staticmethod
    def forward(ctx: Any, *arrays: Any, args: tuple[Any, ...] = (),
                kwargs: dict[str, Any] | None = None, box: list[Any] | None = None) -> np.ndarray:
        """Run the user's forward without recording; return the differentiable output(s)."""
        user = ctx._user
        if box is not None:  # hands the node back to apply even when nothing is recorded
            box.append(ctx)
        ctx._arg_types = tuple(None if isinstance(a, Tensor) else type(a).__name__ for a in args)
        ctx._in_dtypes = tuple(a.dtype for a in args if isinstance(a, Tensor))
        ctx._user_needs = tuple(
            isinstance(a, Tensor) and a.requires_grad and grad_mode.is_grad_enabled() for a in args
        )
        with grad_mode.no_grad():
            if _has_setup_context(user):
                out = user.forward(*args, **(kwargs or {}))
                user.setup_context(ctx, args, out)
            else:
                out = user.forward(ctx, *args, **(kwargs or {}))
        ctx._single = not isinstance(out, tuple)
        outs = (out,) if ctx._single else out
        ctx._outputs = outs
        ctx._out_meta = tuple((o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outs)
        diff = [
            k for k, o in enumerate(outs)
            if isinstance(o, Tensor) and o.dtype.kind in "fc" and id(o) not in ctx._non_diff
        ]
        if ctx._single and diff:  # the output itself: saved outputs then match it by identity
            o = outs[0]
            ctx._parts = ((0, o.shape, o.dtype, 0),)
            return o._data
        parts, offset = [], 0
        for k in diff:
            o = outs[k]
            parts.append((k, o.shape, o.dtype, offset))
            offset += o._data.size
        ctx._parts = tuple(parts)
        saved = ctx._saved or ()
        ctx._saved_outs = {  # saved value i -> its part: it is re-made on the graph
            i: j for i, v in enumerate(saved) for j, (k, *_) in enumerate(parts)
            if v is outs[k]._data
        }
        if not parts:  # nothing differentiable: an integer array is never recorded
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([outs[k]._data.ravel() for k in diff])

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        """Call the user's backward with one Tensor per output; map its gradients back."""
        create = isinstance(g, Tensor)  # under create_graph the engine passes Tensors
        gt = g if create else Tensor._new(g)
        meta = ctx._out_meta
        grads: list[Any] = [None] * len(meta)
        if ctx._single:  # forward returned the output's own array
            grads[0] = gt
        else:
            for k, shape, dtype, offset in ctx._parts:
                size = int(np.prod(shape, dtype=np.int64))
                gk = gt[offset:offset + size].reshape(shape)
                grads[k] = gk if gk.dtype == dtype else gk.astype(dtype)
        received = ctx._received
        ctx._received = None if received is None else [False] * len(received)
        for k, m in enumerate(meta):
            got = grads[k] is not None and (received is None or received[k])
            if not got:
                grads[k] = None
                if ctx._materialize and m is not None:
                    grads[k] = Tensor._new(np.zeros(m[0], dtype=m[1]))
        result = ctx._user.backward(ctx, *grads)
        if not isinstance(result, tuple):
            result = tuple(result) if isinstance(result, list) else (result,)
        kinds = ctx._arg_types
        if len(result) < len(kinds) or any(r is not None for r in result[len(kinds):]):
            raise RuntimeError(
                f"function {ctx._user.__name__}Backward returned an incorrect number of "
                f"gradients (expected {len(kinds)}, got {len(result)})"
            )
        out = []
        dtypes = iter(ctx._in_dtypes)
        for i, (kind, r) in enumerate(zip(kinds, result)):
            if kind is not None:
                if r is not None:
                    raise RuntimeError(
                        f"function {ctx._user.__name__}Backward returned a gradient different "
                        f"than None at position {i + 1}, but the corresponding forward input "
                        f"was not a Tensor (it was {kind})"
                    )
                continue
            dtype = next(dtypes)
            if isinstance(r, Tensor) and r.dtype != dtype and r.dtype.kind in "fc":
                r = r.to(dtype)  # as PyTorch's engine: a gradient has its input's dtype
            if r is None or create:
                out.append(r)
            else:
                out.append(r._data if isinstance(r, Tensor) else np.asarray(r))
        return tuple(out)


def _has_setup_context(user: type) -> bool:
    return getattr(user, "setup_context", None) is not Function.setup_context


def _node_class(user: type) -> type[_UserNode]:
    """The node class of a user's Function, made once: ``<Name>Backward``, like PyTorch."""
    node = user.__dict__.get("_node_cls")
    if node is None:
        node = type(f"{user.__name__}Backward", (_UserNode,), {"_user": user})
        user._node_cls = node  # type: ignore[attr-defined]
    return node


class Function:
    """A custom op with PyTorch's contract; subclass it and call ``YourFn.apply(*args)``.

    ``forward(ctx, *args)`` gets the arguments as given (Tensors stay Tensors) and runs
    without recording; ``backward(ctx, *grad_outputs)`` gets one gradient Tensor per output
    and returns one gradient per argument of forward (``None`` for non-Tensor arguments).
    ``backward`` runs with grad mode equal to ``create_graph``, so written with Tensor ops it
    is itself differentiable. Example::

        class Exp(Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, g):
                (y,) = ctx.saved_tensors
                return g * y

    For array-level primitives (forward on NumPy arrays) use ``tinygrad_nn.Function``.
    """

    _node_cls: type[_UserNode]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself: "
            f"{type(self).__name__}.apply(*inputs)",
            DeprecationWarning,
            stacklevel=user_stacklevel(),
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            f"use new-style autograd function with static forward method: call "
            f"{type(self).__name__}.apply(*inputs)"
        )

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """y = f(*args): compute the output Tensor(s); save what backward needs on ``ctx``."""
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> Any:
        """Optional (PyTorch 2 style): fill ``ctx`` from inputs and output; forward has no ctx."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """dL/d(args) from dL/d(outputs): one entry per argument of forward."""
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on ``args`` and record one graph node when an input needs grad."""
        node_cls = _node_class(cls)
        tensors = [a for a in args if isinstance(a, Tensor)]
        box: list[_UserNode] = []
        result = node_cls.apply(*tensors, args=args, kwargs=kwargs, box=box)
        ctx = box[0]
        outs = list(ctx._outputs)
        ctx._outputs = None  # the graph keeps only their shapes (and, if saved, their arrays)
        if result._ctx is None:  # nothing recorded: the user's outputs as they are
            return outs[0] if ctx._single else tuple(outs)
        if ctx._single:
            return result
        ctx._received = [False] * len(outs)
        for k, shape, dtype, offset in ctx._parts:
            size = int(np.prod(shape, dtype=np.int64))
            o = result[offset:offset + size].reshape(shape)
            if o.dtype != dtype:
                o = o.astype(dtype)
            o.register_hook(_mark_received(ctx, k))
            outs[k] = o
        return tuple(outs)


def _mark_received(ctx: _UserNode, k: int) -> Any:
    def hook(g: Any) -> None:
        if ctx._received is not None:
            ctx._received[k] = True

    return hook


_TWICE = ("trying to differentiate twice a function that was marked with "
          "@once_differentiable")


class _DelayedError(_ArrayFunction):
    """The node ``once_differentiable`` puts on a backward's results under create_graph:
    passes values through, and raises if a gradient ever reaches it (PyTorch's ``Error``)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return x

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        raise RuntimeError(_TWICE)

    def name(self) -> str:
        return "torch::autograd::Error"

    def __repr__(self) -> str:
        return f"<Error object at {id(self):#x}>"


def once_differentiable(fn: Any) -> Any:
    """Decorator for a ``backward`` that is not itself differentiable (PyTorch's).

    ``fn`` runs under ``no_grad``. Under ``create_graph``, when an incoming gradient
    requires grad, its results are marked so that differentiating them again raises
    ``RuntimeError`` ("trying to differentiate twice ...") instead of silently giving zero.
    """

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not grad_mode.is_grad_enabled():
            return outputs
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        marked = tuple(
            _DelayedError.apply(o.detach().requires_grad_())
            if isinstance(o, Tensor) and o.dtype.kind in "fc" else o
            for o in outs
        )
        return marked[0] if single else marked

    return wrapper
