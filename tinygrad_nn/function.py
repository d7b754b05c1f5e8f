"""The ``Function`` / ``ctx`` contract: the one place where the graph is recorded.

A primitive (or a user's custom op) subclasses ``Function`` with two static methods::

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):            # x: np.ndarray
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):           # g: np.ndarray, or a Tensor under create_graph
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * g

    y = Cube.apply(t)

``forward`` sees NumPy arrays (and any non-Tensor arguments unchanged); ``backward``
returns one gradient per input of ``forward`` (``None`` where none is needed). The
instance ``ctx`` *is* the graph node.

Each derivative is written once and serves two paths. On the fast path (plain
``backward()``) ``g`` and the saved values are NumPy arrays and nothing is recorded.
Under ``create_graph=True`` ``g`` is a Tensor and every saved value that is an input
or the output of ``forward`` comes back as that Tensor, so a backward written with
operators and methods both types share (``*``, ``@``, ``.sum(axis, keepdims=True)``,
``.reshape``) records its own graph and can be differentiated again. A saved value
that is neither an input nor the output is treated as a constant.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from . import engine
from .engine import _mode, fit_grad

# The Tensor class, registered by tensor.py (imports point one way: ops never import tensor.py).
_tensor_cls: Any = None

_OUT = object()
_counter = itertools.count(1)  # marks a saved value that is the output of forward

_FREED = (
    "{op}: trying to backward through the graph a second time (or to read its saved "
    "values after they were freed). The saved arrays of a graph are released by "
    "backward(); call backward(retain_graph=True) the first time to keep them."
)


class Function:
    """Base class of every primitive op and of users' custom ops (see module doc)."""

    _is_fn = True
    view = False  # True when forward returns a view of its first input's array
    draw_note: str | None = None  # shown under the op's name in drawings (a fused op's math)

    # per-node state; class-level defaults keep node creation cheap (set when recorded)
    parents: tuple[Any, ...] = ()
    in_shapes: tuple[Any, ...] = ()
    needs_input_grad: tuple[bool, ...] = ()
    out_shape: tuple[int, ...] = ()
    out_dtype: Any = None
    out_name: str | None = None  # the .name given to the output tensor (for drawing)
    scope: Any = None  # the modules being called when the op ran (for drawing)
    _saved: tuple[Any, ...] | None = None
    _saved_src: tuple[Any, ...] = ()
    _vcs: tuple[tuple[list[int], int], ...] = ()
    _seq = 0  # recording order: a node's inputs always have smaller numbers (engine order)
    _create = False
    _released = False
    _hooks: list[Callable[[Any], Any]] | None = None
    _retained: Any = None

    # -- the contract -------------------------------------------------------------
    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the output array from input arrays."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        """Return one gradient per input of ``forward`` (``None`` for no gradient)."""
        raise NotImplementedError

    def save_for_backward(self, *values: Any) -> None:
        """Keep values for ``backward``; save the cheapest that determine the derivative."""
        self._saved = values

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved values: arrays on the fast path, Tensors under ``create_graph``."""
        saved = self._saved
        if saved is None:
            if self._released:
                raise RuntimeError(_FREED.format(op=type(self).__name__))
            return ()
        if not self._create:
            return saved
        out = []
        for value, src in zip(saved, self._saved_src):
            if src is None:
                out.append(value)
            elif src is _OUT:  # the output: a Tensor on this node
                out.append(_tensor_cls._make(value, self))
            elif src._is_fn:  # a computed input: a Tensor on its node, as it was saved
                out.append(_tensor_cls._make(value, src))
            else:  # a leaf input
                out.append(src)
        return tuple(out)

    saved = saved_tensors

    # -- recording ----------------------------------------------------------------
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on the inputs' arrays and record the node when grad is on."""
        T = _tensor_cls
        enabled = _mode.enabled
        arrays = []
        parents = []
        needs = []
        shapes = []
        record = False
        for a in args:
            if isinstance(a, T):
                d = a._data
                arrays.append(d)
                shapes.append(d.shape)
                if enabled and a.requires_grad:
                    record = True
                    ctx_a = a._ctx
                    parents.append(a if ctx_a is None else ctx_a)  # its node (op or leaf)
                    needs.append(True)
                    continue
            else:
                if isinstance(a, np.generic):  # a NumPy scalar combines like a Python number:
                    a = a.item()  # float32 * np.float64(2) stays float32, as in PyTorch
                arrays.append(a)
                shapes.append(getattr(a, "shape", ()))
            parents.append(None)
            needs.append(False)
        ctx = cls()
        try:
            out = cls.forward(ctx, *arrays, **kwargs)
        except ValueError as e:  # name the op and every shape, not NumPy's internals
            if "broadcast" not in str(e) or len(shapes) < 2:
                raise
            given = " and ".join(str(tuple(s)) for s in shapes)
            raise ValueError(
                f"{cls.__name__.lower()}: shapes {given} cannot be broadcast together"
            ) from None
        if type(out) is not np.ndarray:  # NumPy returns scalars for 0-d results
            raw, out = out, np.asarray(out)
            if ctx._saved:
                ctx._saved = tuple(out if s is raw else s for s in ctx._saved)
        result = T.__new__(T)
        result._data = out
        result.grad = None
        result._name = None
        result._hooks = None
        result._vc = args[0]._vc if cls.view and isinstance(args[0], T) else [0]
        if not record or out.dtype.kind not in "fc":
            result.requires_grad = False
            result._ctx = None
            return result
        result.requires_grad = True
        result._ctx = ctx
        ctx._seq = next(_counter)
        ctx.parents = tuple(parents)
        ctx.needs_input_grad = tuple(needs)
        ctx.in_shapes = tuple(shapes)
        ctx.scope = _mode.scope
        ctx.out_shape = out.shape
        ctx.out_dtype = out.dtype
        if ctx._saved:
            srcs: list[Any] = []
            vcs = []
            for s in ctx._saved:
                src = None
                if s is out:
                    src = _OUT
                    vcs.append((result._vc, result._vc[0]))
                else:
                    for a, arr in zip(args, arrays):
                        if s is arr and isinstance(a, T):
                            # the node, not the Tensor: an in-place op may rebase the Tensor later
                            src = a._ctx if a._ctx is not None else a
                            vcs.append((a._vc, a._vc[0]))
                            break
                srcs.append(src)
            ctx._saved_src = tuple(srcs)
            ctx._vcs = tuple(vcs)
        return result

    # -- called by the engine -----------------------------------------------------
    def _backward_node(self, g: Any, create: bool) -> tuple[Any, ...]:
        if self._released and self._saved_src:
            raise RuntimeError(_FREED.format(op=type(self).__name__))
        for vc, seen in self._vcs:
            if vc[0] != seen:
                raise RuntimeError(
                    f"{type(self).__name__}: one of the values saved for its backward was "
                    "modified by an "
                    f"in-place operation (its version is {vc[0]}, expected {seen}); "
                    "use an out-of-place op or clone the value before changing it"
                )
        self._create = create
        gs = type(self).backward(self, g)
        if not isinstance(gs, tuple):
            gs = tuple(gs) if isinstance(gs, list) else (gs,)
        if len(gs) != len(self.parents):
            raise RuntimeError(
                f"{type(self).__name__}.backward returned {len(gs)} gradient(s), expected "
                f"{len(self.parents)} (one per input of forward)"
            )
        if create:
            T = _tensor_cls
            gs = tuple(T(x) if x is not None and not isinstance(x, T) else x for x in gs)
        return gs

    def _fit_grad(self, gp: Any, shape: tuple[int, ...]) -> Any:
        if isinstance(gp, (int, float)):
            gp = np.full(shape, gp)
        return fit_grad(gp, shape, type(self).__name__)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} node, output {self.out_shape}>"


def dual(np_fn: Callable[..., Any], fn_cls: type[Function], *options: str) -> Callable[..., Any]:
    """One callable for both backward paths: NumPy on arrays, the primitive on Tensors.

    Backward formulas that need a NumPy function (``np.cos``, ``np.add.at`` ...) call
    ``dual(np.cos, Cos)(x)`` so the same line is differentiable under ``create_graph``.
    Arguments after ``x`` are options, passed to the primitive by the names in ``options``.
    """

    def call(x: Any, *args: Any) -> Any:
        if isinstance(x, _tensor_cls):
            return fn_cls.apply(x, **dict(zip(options, args)))
        return np_fn(x, *args)

    call.__name__ = fn_cls.__name__.lower()
    return call


__all__ = ["Function", "dual", "engine"]
