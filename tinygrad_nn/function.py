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
instance ``ctx`` *is* the graph node (made, as PyTorch's, without calling an ``__init__``).

Each derivative is written once and serves two paths. On the fast path (plain
``backward()``) ``g`` and the saved values are NumPy arrays and nothing is recorded.
Under ``create_graph=True`` ``g`` is a Tensor and every saved value that is an input
or the output of ``forward`` comes back as that Tensor, so a backward written with
operators and methods both types share (``*``, ``@``, ``.sum(axis, keepdims=True)``,
``.reshape``) records its own graph and can be differentiated again. A saved value
that is neither an input nor the output is a constant, unless ``save_for_backward`` is
told how to recompute it from the values saved before it (``recompute=``).

A recorded ``ctx`` is a node of the graph (``engine.Node``): PyTorch's public node API
(``name()``, ``next_functions``, ``metadata``, ``register_hook``) is how users and the
drawing read it.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _anomaly
from ._handles import RemovableHandle
from ._saved import (
    FREED,
    OUT,
    OUT_ONLY,
    RELEASED,
    check_versions,
    pack_saved,
    record_sources,
    unpack_saved,
)
from ._shapes import ShapeError, unbroadcast
from .engine import LazyGrad, Node, _dense
from .grad_mode import _Mode, _mode
from .tensor_base import AccumulateGrad, TensorBase, data_of, new_counter

try:  # compiled, Cython's own ``cython`` module says so; as Python, it is False or absent
    import cython

    _COMPILED = bool(cython.compiled)
except ImportError:
    _COMPILED = False

_SCALAR: tuple[int, ...] = ()  # the shape of a number
# needs_input_grad (shared tuples) by bit mask: a leading 1, then one bit per input (1 where it
# has a node), so the mask alone tells the input count; masks up to 5 inputs
_NEEDS = [tuple(bool(m >> i & 1) for i in reversed(range(m.bit_length() - 1))) for m in range(64)]


# ops whose PyTorch node has another name (the rest share PyTorch's: Add, Mul, Exp ...)
_TORCH_NAMES = {"ReLU": "Relu", "Reshape": "View", "AddMM": "Addmm", "LogSumExp": "Logsumexp",
                "Concatenate": "Cat", "CumSum": "Cumsum", "CumProd": "Cumprod", "Log1p": "Log1P",
                "Pad": "ConstantPadNd", "Contiguous": "Clone", "Clip": "Clamp",
                "ClipTensors": "Clamp", "WindowMax": "MaxPool2DWithIndices",
                "LogCumSumExp": "Logcumsumexp"}
# a matrix product's node by the operands' ndims (PyTorch's mm, mv, dot)
_MATMUL_NAMES: dict[tuple[int, ...], str] = {(2, 2): "Mm", (2, 1): "Mv", (1, 1): "Dot"}
_counter = itertools.count(1)
_ONE = object()  # a node's ``_p1`` when it has one input
_new = object.__new__  # (bound once: looked up at each call, it is a method call by name)
_TENSOR_CLASS: list[Any] = [None]  # the Tensor class, once a node hook needed it (_as_tensor)
_SHAPES: dict[Any, Any] = {}  # shape (or tuple of input shapes) -> its one shared tuple
# NumPy's types bound once: compiled (``_compiled.py``), ``np.ndarray`` is a module attribute
# lookup of ~250 instructions at every use, against a cached global here
_ndarray, _generic = np.ndarray, np.generic


def _intern(shape: Any) -> Any:
    """The one shared tuple equal to ``shape`` (a shape, or a node's input shapes): nodes
    keep these, so they hold no tuples of their own for the cyclic GC to scan (measured in
    docs/performance.md). Cleared when it grows past 10,000 distinct shapes."""
    if len(_SHAPES) >= 10_000:
        _SHAPES.clear()
    return _SHAPES.setdefault(shape, shape)


# -- the cyclic GC ------------------------------------------------------------------
# A built-in op's node holds arrays, shapes, options and its parents: nothing that can lead
# back to it, so refcounting alone frees it, and ``apply`` takes it off the cyclic GC's lists
# (PyTorch's C++ nodes are no objects the GC sees either). A full collection then no longer
# rescans every node of a growing graph: that made recording cost grow with the graph's size
# (docs/performance.md, session 17). A node stays visible to the GC, or becomes visible
# again, where something of the user's hangs on it that could refer back to it: a custom
# Function's ctx, hooks, metadata (module scope, names, anomaly mode's traceback), values
# packed by saved_tensors_hooks; and so does all of a graph that a create_graph backward
# records or runs through (a leaf's ``.grad`` then refers to the graph below the leaf: the
# cycle PyTorch documents as a leak is collected here). docs/engine.md, "Memory".
_BUILTIN: dict[type, bool] = {}  # op class -> whether its nodes leave the GC's lists
_SLICES: dict[tuple[Any, Any, Any], slice] = {}  # (start, stop, step) -> one shared slice
# as Python, the same C API through ctypes (compiled: function.pxd declares it)
_PY_UNTRACK = ctypes.PYFUNCTYPE(None, ctypes.py_object)(("PyObject_GC_UnTrack", ctypes.pythonapi))
_PY_TRACK = ctypes.PYFUNCTYPE(None, ctypes.py_object)(("PyObject_GC_Track", ctypes.pythonapi))


def _builtin(op: type) -> bool:
    """Whether ``op`` is one of the library's own ops (``tinygrad_nn.ops``), whose nodes hold
    nothing of the user's: the others (users' Functions, module backward hooks,
    ``CrossMapLRN2d``, the incomplete gamma) keep whatever ``forward`` puts on ``ctx``."""
    flag = _BUILTIN[op] = op.__module__.startswith("tinygrad_nn.ops.")
    return flag


def _untrack(node: Any) -> None:
    """Take ``node`` off the cyclic GC's lists (C's ``PyObject_GC_UnTrack``)."""
    if _COMPILED:
        _gc_untrack(node)  # type: ignore[name-defined]  # noqa: F821  (function.pxd)
    else:
        _PY_UNTRACK(node)


def gc_untrack(obj: Any) -> Any:
    """``obj`` off the cyclic GC's lists, returned: for what the graph keeps per op or per
    call that holds nothing able to lead back to it (a scope tuple of weak references and
    ``Call`` levels, an index of numbers and slices: CPython tracks every slice, and so
    every tuple and dict that holds one)."""
    _untrack(obj)
    return obj


def shared_index(idx: Any) -> Any:
    """A basic index (ints, slices, None, ...) as a node keeps it (``GetItem``): each slice
    the one shared slice of its bounds, and the tuple off the cyclic GC's lists. CPython
    keeps every slice on those lists (and frees one assuming it is there, so a slice cannot
    leave them), and so every tuple and dict that holds one: ``x[:, t]``'s own index would
    add three tracked objects to each step of an unrolled loop. An index with a slice whose
    bounds are not ints or None is kept as it is."""
    if type(idx) is not tuple:
        return _shared_slice(idx) or idx if type(idx) is slice else idx
    parts = list(idx)
    for k in range(len(parts)):
        i = parts[k]
        if type(i) is slice:
            s = _shared_slice(i)
            if s is None:
                return idx
            parts[k] = s
    out = tuple(parts)
    _untrack(out)
    return out


def _shared_slice(s: Any) -> Any:
    """The one shared slice equal to ``s`` (None when a bound is not an int or None); the
    table is cleared when it holds 10,000."""
    key = (s.start, s.stop, s.step)
    for bound in key:
        if not (bound is None or type(bound) is int):
            return None
    got = _SLICES.get(key)
    if got is None:
        if len(_SLICES) >= 10_000:
            _SLICES.clear()
        got = _SLICES[key] = s
    return got


def scope_levels(scope: Any) -> tuple[Any, ...]:
    """A recorded scope's levels (``_scope``), outermost first: each module (one gone since
    is left out) or ``_scope.Call``."""
    return tuple(m for m in (level() if type(level) is weakref.ref else level
                             for level in scope) if m is not None)


def _track(node: Any) -> None:
    """Put ``node`` back on the cyclic GC's lists, if ``apply`` took it off, with the tuples
    it took off beside it (the parents after the first of 3+ inputs, the saved values'
    sources): the collector follows a node's references only through tracked objects."""
    if not gc.is_tracked(node):
        _track_one(node)
        p1 = node._p1
        if type(p1) is tuple and not gc.is_tracked(p1):
            _track_one(p1)
        srcs = getattr(node, "_saved_src", None)  # (as Python, unset until a value is saved)
        if type(srcs) is tuple and srcs is not OUT_ONLY and not gc.is_tracked(srcs):
            _track_one(srcs)


def _track_one(obj: Any) -> None:
    if _COMPILED:
        _gc_track(obj)  # type: ignore[name-defined]  # noqa: F821  (function.pxd)
    else:
        _PY_TRACK(obj)


# the engine's bookkeeping that can sit in a node's ``__dict__`` (not an op's own options; the
# drawing skips it): ``view``, which an op may set per call. The rest is in slots, never there.
NODE_FIELDS = frozenset({"view"})


class Function(Node):
    """Base class of every primitive op and of users' custom ops (see module doc)."""

    # Slots for what every recorded node writes or backward reads (set by ``apply``, so a
    # node is one small object with no dict, off the GC's lists); ``__dict__`` stays for ops' own
    # options (``ctx.axis``) and users' subclasses, and holds the rare fields below when
    # they are set. Where compiled, the slots are C fields (engine.pxd, function.pxd): no
    # class-level default may share a slot's name.
    __slots__ = ("seq", "hooks", "retained", "_p0", "_p1", "in_shapes", "needs_input_grad",
                 "out_shape", "out_dtype", "_saved", "_saved_src", "_vcs", "_out_vc",
                 "_post_hooks", "_packed", "_tensor", "_scope", "__dict__", "__weakref__")
    view = False  # True when forward returns a view of its first input's array (an op whose
    # forward returns a view only sometimes sets ``ctx.view`` per call, as ``GetItem``)
    draw_note: str | None = None  # an op's (not a node's) text under its name in drawings
    _metadata: dict[str, Any] | None = None
    _recompute: dict[int, Callable[..., Any]] | None = None
    # the output tensor's version counter, once one is made (``TensorBase._vc``)
    _out_vc: Any
    _post_hooks: list[Callable[..., Any]] | None  # ``register_hook``'s
    _packed: bool | None  # true when saved_tensors_hooks packed the saved values (``_saved``)
    # saved values (``_saved``: None, the values, or RELEASED after backward freed them),
    # where each came from (``_saved_src``), the version counters that existed and the
    # versions they had (``_vcs``, see ``_saved.record_sources``); under create_graph ``_tensor``
    # makes Tensors (the incoming gradient's _make)
    in_shapes: tuple[Any, ...]
    needs_input_grad: tuple[bool, ...]
    out_shape: tuple[int, ...]
    out_dtype: Any
    _saved: tuple[Any, ...] | None
    _saved_src: tuple[Any, ...] | None  # None: no saved value is a Tensor's
    _vcs: tuple[Any, ...] | None
    _tensor: Any  # (set only while backward runs under create_graph)
    # the modules and composite calls running when it was recorded (``grad_mode._mode.scope``:
    # weak references to modules, ``_scope.Call`` levels), or None; ``metadata["scope"]``
    # gives the modules themselves
    _scope: Any
    # the parents in two slots, not a tuple: a tuple holding nodes is one more object the
    # cyclic GC tracks and rescans per node (half of the scanning at 10^6 nodes, measured in
    # docs/performance.md). ``_p1`` is the second parent, ``_ONE`` when there is none, or
    # for 3+ inputs the tuple of all but the first (a parent is never a tuple).
    _p0: Any
    _p1: Any

    @property
    def parents(self) -> tuple[Any, ...]:
        """Per input of ``forward``, its node, a leaf Tensor, or None (engine.Node)."""
        p1 = self._p1
        if p1 is _ONE:
            return (self._p0,)
        return (self._p0, *p1) if type(p1) is tuple else (self._p0, p1)

    # -- the contract -------------------------------------------------------------
    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the output array from input arrays."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        """Return one gradient per input of ``forward`` (``None`` for no gradient)."""
        raise NotImplementedError

    def save_for_backward(
        self, *values: Any, recompute: dict[int, Callable[..., Any]] | None = None
    ) -> None:
        """Keep values for ``backward``; save the cheapest that determine the derivative.

        ``recompute={i: fn}``: value i is ``fn(*values[:i])``; under create_graph it is
        recomputed from them (so differentiable) instead of being a constant.
        """
        self._saved = values
        if recompute:
            self._recompute = recompute

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved values: arrays on the fast path, Tensors under ``create_graph``."""
        saved = self._saved
        if not saved:
            if saved is RELEASED:
                raise RuntimeError(FREED.format(op=type(self).__name__))
            return ()
        if self._packed:
            saved = unpack_saved(saved)
        make = self._tensor  # set by run_backward under create_graph
        if make is None:
            return saved
        out: list[Any] = []
        for i, (value, src) in enumerate(zip(saved, self.saved_sources())):
            if self._recompute and i in self._recompute:
                out.append(self._recompute[i](*out))
            elif src is None:
                out.append(value)
            elif src is OUT or isinstance(src, Node):  # the output, or a computed input:
                if src is not OUT:
                    _track(src)  # (under create_graph: ``_untrack``)
                t = make(value, self if src is OUT else src)  # a Tensor on its node
                t._vcnt = new_counter()  # its own (not the node's output's): made here
                out.append(t)
            else:  # a leaf input
                out.append(src)
        return tuple(out)

    def saved_sources(self) -> tuple[Any, ...]:
        """Per saved value, where it came from: ``OUT`` (the output), an input's node, a
        leaf Tensor (one that requires grad, or a constant input), or None (a constant)."""
        parents, srcs = self.parents, getattr(self, "_saved_src", None)
        if srcs is None:  # all constants
            return (None,) * len(self._saved or ())
        return tuple(parents[s] if type(s) is int else s for s in srcs)

    # -- PyTorch's public node API ----------------------------------------------
    def name(self) -> str:
        """PyTorch's node name: the op and its overload number ('MulBackward0'). The number
        is ``_overload`` (0 unless an op class sets it, as ``Clip``'s 1 for PyTorch's
        ``ClampBackward1``, or the method that made the node sets it on the node, as
        ``sum(dim)`` for ``SumBackward1``)."""
        op = type(self).__name__
        if op == "MatMul":
            op = _MATMUL_NAMES.get(tuple(len(s) for s in self.in_shapes), op)
        return f"{_TORCH_NAMES.get(op, op)}Backward{getattr(self, '_overload', 0)}"

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """Per input, (its node, 0): a recorded op, an ``AccumulateGrad`` for a leaf that
        requires grad, or None for an input that needs no gradient (as in PyTorch)."""
        return tuple(
            (p if p is None or isinstance(p, Node) else AccumulateGrad(p), 0)
            for p in self.parents
        )

    @property
    def metadata(self) -> dict[str, Any]:
        """Free-form facts about this node (PyTorch's ``grad_fn.metadata``): the one hook for
        what drawings and anomaly mode need: ``scope`` (the modules being called),
        ``name`` (the output's ``.name``), ``input_names`` ({slot: ``.name``} of named
        constant inputs), ``traceback_`` (where it was made, anomaly mode)."""
        md = self._metadata
        if md is None:  # (made at the first look: recording writes only ``_scope``)
            md = self._metadata = {}
            if self._scope is not None:
                md["scope"] = scope_levels(self._scope)
        _track(self)  # (what a user puts there may refer back to the node)
        return md

    def op_options(self) -> dict[str, Any]:
        """The op's own settings, as ``forward`` stored them on ``ctx`` (``idx``, ``axis`` ...)."""
        return {k: x for k, x in vars(self).items() if k[0] != "_" and k not in NODE_FIELDS}

    def saved_values(self) -> list[tuple[Any, Any]]:
        """(source, array) per saved value; array None once freed (docs/engine.md section 8)."""
        srcs = [self if s is OUT else s for s in self.saved_sources()]
        saved = unpack_saved(self._saved) if self._saved and self._packed else self._saved
        return list(zip(srcs, saved if saved else [None] * len(srcs)))

    def register_prehook(self, fn: Callable[[Any], Any]) -> RemovableHandle:
        """Call ``fn(grad_outputs)`` before this node's backward: ``grad_outputs`` is a
        1-tuple, the gradient of the node's output (a Tensor); ``fn`` may return a 1-tuple
        that replaces it, or None (PyTorch's ``Node.register_prehook``)."""

        def pre(g: Any) -> Any:
            out = fn((_as_tensor(g, self),))
            return None if out is None else _from_hook(_hook_tuple(out, 1)[0], g)

        return self._add_prehook(pre)

    def _add_prehook(self, hook: Callable[[Any], Any]) -> RemovableHandle:
        """``hook(g)`` on the engine's gradient (an array; a Tensor under create_graph)
        before backward; it may return a replacement (``Tensor.register_hook`` uses this)."""
        if self.hooks is None:
            self.hooks = []
            _track(self)  # (a hook may refer back to the node: ``_untrack``)
        self.hooks.append(hook)
        return RemovableHandle.of_list(self.hooks, hook)

    def register_hook(self, fn: Callable[[Any, Any], Any]) -> RemovableHandle:
        """Call ``fn(grad_inputs, grad_outputs)`` after this node's backward: one gradient
        per input (None where none is computed) and the 1-tuple of the output's gradient,
        all Tensors; ``fn`` may return a tuple that replaces ``grad_inputs``, or None
        (PyTorch's ``Node.register_hook``)."""
        if self._post_hooks is None:
            self._post_hooks = []
            _track(self)
        self._post_hooks.append(fn)
        return RemovableHandle.of_list(self._post_hooks, fn)

    def _run_post_hooks(self, gs: tuple[Any, ...], g: Any,
                        parents: tuple[Any, ...]) -> tuple[Any, ...]:
        """``gs`` (one gradient per input, at the inputs' shapes) through the post-hooks."""
        gs = tuple(None if p is None or x is None else
                   (x if getattr(x, "shape", None) == s else self._fit(x, s))
                   for p, x, s in zip(parents, (_dense(x) for x in gs), self.in_shapes))
        for fn in list(self._post_hooks or ()):
            ins = tuple(None if x is None else _as_tensor(x, self) for x in gs)
            out = fn(ins, (_as_tensor(g, self),))
            if out is None:
                continue
            out = _hook_tuple(out, len(gs))
            if any(x is None and y is not None for x, y in zip(gs, out)):
                raise RuntimeError("can't replace a None gradient with a non-None value")
            gs = tuple(None if y is None else _from_hook(y, x) for x, y in zip(gs, out))
        return gs

    # -- recording ----------------------------------------------------------------
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on the inputs' arrays and record the node when grad is on.

        The hot path of every op: measured per line (docs/performance.md), it allocates
        as little as it can and calls nothing it need not."""
        mode: _Mode = _mode  # (typed: where compiled, its switches are C fields)
        enabled = mode.enabled
        arrays: list[Any] = []
        parents: list[Any] = []
        shapes: list[Any] = []
        record = False
        tcls = None  # the Tensor class of the result (``TensorBase._result``)
        named = None  # slot -> .name of a constant input (drawings show it)
        mask = 1  # a leading 1, then a bit per input: 1 where it has a node (``_NEEDS``)
        for a in args:
            if isinstance(a, TensorBase):
                if tcls is None:
                    tcls = a._result
                d = a._data
                arrays.append(d)
                if enabled and a.requires_grad:
                    record = True
                    mask += mask + 1
                    ctx_a = a._ctx
                    if ctx_a is None:  # a leaf
                        parents.append(a)
                        shapes.append(d.shape)
                    else:  # its node already holds the shape (no new tuple)
                        parents.append(ctx_a)
                        node_a: Function = ctx_a
                        shapes.append(node_a.out_shape)
                    continue
                shapes.append(d.shape)
                if a._name is not None:
                    named = {**(named or {}), len(parents): a._name}
            elif type(a) is float:  # (the common constant: lr * g, x * 0.5)
                arrays.append(a)
                shapes.append(_SCALAR)
            else:
                if isinstance(a, _generic):
                    # a NumPy scalar combines like a Python number (as in PyTorch,
                    # float32 * np.float64(2) stays float32)
                    a = a.item()
                arrays.append(a)
                shapes.append(a.shape if type(a) is _ndarray  # (None: an omitted input)
                              else _SCALAR if a is not None else None)
            parents.append(None)
            mask += mask
        if tcls is None:
            raise TypeError(f"{cls.__name__}.apply: expected at least one Tensor argument")
        # (typed: where compiled, its fields are C fields; made as PyTorch makes a node, without
        # calling an ``__init__`` of the op's class)
        op: type = cls  # (typed: ``op.__new__(op)`` is a C call of the type's allocator)
        ctx: Function = op.__new__(op)  # type: ignore[call-overload]
        # (every slot set: as Python, an unset slot cannot be read; compiled, C fields start
        # as None anyway)
        ctx._saved = ctx.hooks = ctx.retained = ctx._out_vc = ctx._post_hooks = None
        ctx._packed = ctx._tensor = None
        ctx._scope = mode.scope
        # known before forward, so that it saves only what is needed
        n = len(parents)
        ctx.needs_input_grad = (_NEEDS[mask] if mask < 64
                                else tuple([p is not None for p in parents]))
        try:
            out = cls.forward(ctx, *arrays, **kwargs) if kwargs else cls.forward(ctx, *arrays)
        except ValueError as e:  # name the op and every shape, not NumPy's internals
            if "broadcast" not in str(e) or len(shapes) < 2:
                raise
            given = " and ".join(str(tuple(s)) for s in shapes)
            raise ShapeError(
                f"{cls.__name__.lower()}: shapes {given} cannot be broadcast together"
            ) from None
        if type(out) is not _ndarray:  # NumPy returns scalars for 0-d results
            raw, out = out, np.asarray(out)
            if ctx._saved:
                ctx._saved = tuple(out if s is raw else s for s in ctx._saved)
        result: Any = _new(tcls)  # (``Tensor._make``, inlined: the hot path)
        result._data = out
        dtype = out.dtype
        grads = dtype.kind in "fc"  # (only floating and complex results have gradients)
        if record and grads:
            result.requires_grad = True
            result._ctx = ctx
        else:
            result.requires_grad = False
            result._ctx = None
            record = False
        view = ctx.view
        if view and isinstance(args[0], TensorBase):  # (an op may decide per call)
            result._vc = args[0]._vc  # a view shares its base's version counter
            if grads:  # and its base knows it (in-place through views)
                result._view_of(args[0], enabled)
            if args[0]._inference:  # a view of an inference tensor is one (PyTorch's)
                result._inference = True
        elif mode.inference:  # new memory made inside inference_mode()
            result._inference = True
        if not record:
            return result
        ctx.seq = next(_counter)
        ctx._p0 = parents[0]
        ctx._p1 = parents[1] if n == 2 else _ONE if n == 1 else tuple(parents[1:])
        # interned: nodes share one tuple per distinct shape (``_intern``)
        ctx.in_shapes = _SHAPES.get(ins := tuple(shapes)) or _intern(ins)
        # (a 0-d result's shape, (), is falsy and is CPython's one empty tuple already)
        shp = out.shape
        ctx.out_shape = (_SHAPES.get(shp) or _intern(shp)) if shp else shp
        ctx.out_dtype = dtype
        if named is not None:
            ctx.metadata["input_names"] = named
        if mode.anomaly:
            _anomaly.record(ctx, result)
        saved = ctx._saved
        if saved:
            if len(saved) == 1 and saved[0] is out and not view:  # the output alone
                ctx._saved_src, ctx._vcs = OUT_ONLY, None
            else:
                for s in saved:
                    if type(s) is _ndarray:  # (constants alone, as x * 2.0 saves, need
                        record_sources(ctx, out, args, arrays, parents)  # nothing)
                        break
                else:
                    ctx._saved_src = ctx._vcs = None
            if mode.saved_hooks is not None:  # (autograd.graph.saved_tensors_hooks)
                pack_saved(ctx, result, args, mode.saved_hooks)
        # off the cyclic GC's lists, unless something of the user's hangs on it (``_untrack``)
        if (not mode.tracking and named is None and not mode.anomaly
                and mode.saved_hooks is None and (_BUILTIN.get(op) or _builtin(op))):
            _untrack(ctx)
            # and its tuples that hold nodes or Tensors (CPython never clears a tuple of
            # those from the lists itself): the parents after the first of 3+ inputs, the
            # sources of saved values when one is a constant input's Tensor
            if n > 2:
                _untrack(ctx._p1)
            if saved and (srcs := ctx._saved_src) is not None and srcs is not OUT_ONLY:
                _untrack(srcs)
        return result

    # -- the node protocol, called by the engine -----------------------------------
    def run_backward(self, g: Any, create: bool, release: bool) -> list[tuple[Any, Any]]:
        """``backward`` checked (saved values intact, one gradient per input), as (parent,
        gradient) pairs, each gradient at its input's shape; ``release`` frees the saved
        values after (engine.Node)."""
        saved = self._saved
        if saved:
            srcs = self._saved_src
            # (a node that saved only its output needs a look only once its tensor has a
            # version counter: nothing can have changed it before)
            if srcs is not None and (srcs is not OUT_ONLY or self._out_vc is not None):
                check_versions(self)
        elif saved is RELEASED and getattr(self, "_saved_src", None):  # it had saved values
            raise RuntimeError(FREED.format(op=type(self).__name__))
        # a complex result: the op's backward is the plain derivative (g f'(z)), PyTorch's
        # convention is its conjugate (g conj(f'(z))): computed as conj(backward(conj(g)))
        # (real graphs pay one C-field read; ``_conj_backward`` says which ops)
        dt = type(self.out_dtype)  # (NumPy 2's per-type dtype classes: pointer compares)
        cplx = (dt is _C64 or dt is _C128 or dt is _C256) and _conj_backward(type(self))
        if cplx:
            g = _conj(g)
        if create:  # (what it records may end in a leaf's .grad: ``_untrack``)
            _track(self)
            self._tensor = g._make
            try:
                gs = type(self).backward(self, g)
            finally:
                self._tensor = None
        else:
            gs = type(self).backward(self, g)
        if cplx:
            gs = (tuple([_conj(x) for x in gs]) if isinstance(gs, (tuple, list))
                  else _conj(gs))
        if release:
            self._saved = RELEASED
        p0, p1 = self._p0, self._p1  # (``parents``, inlined: the hot path)
        parents = (p0,) if p1 is _ONE else (p0, p1) if type(p1) is not tuple else (p0, *p1)
        if type(gs) is not tuple:
            gs = tuple(gs) if isinstance(gs, list) else (gs,)
        if len(gs) != len(parents):
            raise RuntimeError(
                f"{type(self).__name__}.backward returned {len(gs)} gradient(s), expected "
                f"{len(parents)} (one per input of forward)"
            )
        if create:
            gs = tuple(
                g._make(np.asarray(x), None)
                if x is not None and not isinstance(x, (TensorBase, LazyGrad)) else x
                for x in gs
            )
        if self._post_hooks is not None:
            gs = self._run_post_hooks(gs, g, parents)
        mode: _Mode = _mode
        if mode.anomaly and mode.check_nan:
            _anomaly.check_finite(self, gs)
        pairs = []
        shapes = self.in_shapes
        for k in range(len(parents)):  # (indexed, not zip: a C loop where compiled)
            p, gp = parents[k], gs[k]
            if p is None or gp is None:
                continue
            shape = shapes[k]
            if gp.__class__ is not _ndarray or gp.shape != shape:
                if getattr(gp, "shape", None) != shape:  # broadcast, or a bare number
                    gp = self._fit(gp, shape)
            pairs.append((p, gp))
        return pairs

    def _fit(self, gp: Any, shape: tuple[int, ...]) -> Any:
        """Un-broadcast ``gp`` to an input's ``shape``; a shape that cannot be is an error."""
        if isinstance(gp, (int, float)):
            gp = np.full(shape, gp)
        try:
            out = unbroadcast(gp, shape)
        except (ValueError, TypeError):
            out = None
        if out is None or out.shape != shape:
            raise RuntimeError(
                f"{type(self).__name__}.backward returned a gradient of shape "
                f"{tuple(gp.shape)} for an input of shape {shape}"
            )
        return out

    def release(self) -> None:
        self._saved = RELEASED

    def __repr__(self) -> str:  # PyTorch's: <MulBackward0 object at 0x7f...>
        return f"<{self.name()} object at {id(self):#x}>"


def _as_tensor(g: Any, node: Any) -> Any:
    """The engine's gradient (an array, or a Tensor under create_graph) as a Tensor, of the
    class of the leaf tensors below ``node`` (the core reaches the Tensor class only through
    tensors; found once, by following first parents down to a leaf)."""
    if isinstance(g, TensorBase):
        return g
    cls = _TENSOR_CLASS[0]
    if cls is None:
        p = node
        while not isinstance(p, TensorBase):
            p = next(q for q in p.parents if q is not None)
        cls = _TENSOR_CLASS[0] = p._result
    return cls._new(g)


def _from_hook(out: Any, g: Any) -> Any:
    """A hook's replacement gradient in the engine's form of ``g`` (array or Tensor)."""
    if isinstance(out, TensorBase):
        return out if isinstance(g, TensorBase) else out._data
    return g._make(np.asarray(out), None) if isinstance(g, TensorBase) else np.asarray(out)


def _hook_tuple(out: Any, n: int) -> tuple[Any, ...]:
    """A node hook's return value checked as PyTorch checks it: a tuple of ``n``."""
    if not isinstance(out, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(out).__name__}'")
    if len(out) != n:
        raise RuntimeError(f"hook returned an invalid number of values (expected {n}, "
                           f"got {len(out)})")
    return out


def dual(np_fn: Callable[..., Any], fn_cls: type[Function], *options: str) -> Callable[..., Any]:
    """One callable for both backward paths: NumPy on arrays, the primitive on Tensors.

    Backward formulas that need a NumPy function (``np.cos``, ``np.add.at`` ...) call
    ``dual(np.cos, Cos)(x)`` so the same line is differentiable under ``create_graph``.
    Arguments after ``x`` are options, passed to the primitive by the names in ``options``.
    """

    def call(x: Any, *args: Any) -> Any:
        if isinstance(x, TensorBase):
            return fn_cls.apply(x, **dict(zip(options, args)))
        return np_fn(x, *args)

    call.__name__ = fn_cls.__name__.lower()
    return call


__all__ = ["AccumulateGrad", "Function", "TensorBase", "data_of", "dual"]


_C64, _C128, _C256 = (type(np.dtype(t)) for t in (np.complex64, np.complex128, np.clongdouble))


def _conj_backward(op: type) -> bool:
    """Whether ``op``'s backward is written as the plain derivative, to be conjugated for a
    complex result: the library's own ops (``tinygrad_nn.ops``) unless one sets
    ``conj_backward = False`` (written in PyTorch's convention already: ``complex``, the
    views of pairs, the FFTs); a user's Function never (its backward is PyTorch's)."""
    flag = getattr(op, "conj_backward", None)
    return op.__module__.startswith("tinygrad_nn.ops.") if flag is None else bool(flag)


def _conj(x: Any) -> Any:
    """The complex conjugate of a gradient (an array, a Tensor under create_graph, a lazy
    gradient made dense); a real one, or None, as it is."""
    if x is None:
        return x
    if isinstance(x, LazyGrad):
        x = x.dense()
    if getattr(x, "dtype", None) is None or x.dtype.kind != "c":
        return x
    return x.conj() if isinstance(x, TensorBase) else np.conj(x)  # type: ignore[attr-defined]
