"""Every read of a graph node the drawing makes, in one place, through the public node API.

A Tensor's ``grad_fn`` is its node (None for a leaf); a node's ``next_functions`` gives its
inputs (a node, an ``AccumulateGrad`` whose ``.variable`` is a leaf, or None for a
constant), ``name()`` its op, ``metadata`` what recorders attached (``name``,
``input_names``, ``traceback_``; read without making the dict, ``recorded``, and the scope
from the node's own ``_scope``). What only drawings need is on the node too and documented
in docs/engine.md section 8: ``seq``, ``in_shapes``, ``out_shape``, ``out_dtype``,
``retained``, ``op_options()``, ``saved_values()`` and the op class's ``draw_note``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..engine import Node

# x[t] differs per time step: folding exactly such ops is the point, so the index of
# GetItem / ScatterAdd does not keep ops apart (the slices i, f, o of gates fold too)
_FOLD_IGNORES = {"idx"}
_FRAME = re.compile(r'File "([^"]*)", line (\d+), in (\S+)(?:\n {4}(?! *File)(.*))?')


def node_of(t: Any) -> Any:
    """The graph node of a Tensor: the op that computed it, or the Tensor itself if a leaf."""
    fn = t.grad_fn
    return t if fn is None else fn


def is_op(v: Any) -> bool:
    """True for an op node, False for a leaf Tensor."""
    return isinstance(v, Node)


def is_leaf(t: Any) -> bool:
    """A Tensor no recorded op computed."""
    return t.grad_fn is None  # type: ignore[no-any-return]


def parents(v: Any) -> tuple[Any, ...]:
    """Per input of op ``v``: the input's node (a leaf Tensor for a leaf), or None when it
    needed no gradient."""
    return tuple(n if n is None or isinstance(n, Node) else n.variable
                 for n, _ in v.next_functions)


def in_shapes(v: Any) -> tuple[tuple[int, ...], ...]:
    """Per input of op ``v``: its shape (constants included)."""
    return v.in_shapes  # type: ignore[no-any-return]


def op_name(v: Any) -> str:
    """The op's name as drawn: its class (``MatMul``); ``name()`` is PyTorch's (``MmBackward0``)."""
    return type(v).__name__


def out_shape(v: Any) -> tuple[int, ...]:
    return v.out_shape  # type: ignore[no-any-return]


def out_dtype(v: Any) -> Any:
    return v.out_dtype


def recorded(v: Any) -> dict[str, Any]:
    """Op ``v``'s ``metadata``, without making it where nothing was recorded: the public
    ``metadata`` makes the dict at the first look and puts the node back on the cyclic GC's
    lists (what a user adds may refer back to it); a drawing only reads."""
    return getattr(v, "_metadata", None) or {}


def out_name(v: Any) -> str | None:
    """The ``.name`` given to the op's output tensor, if any."""
    return recorded(v).get("name")


def input_name(v: Any, slot: int) -> str | None:
    """The ``.name`` of the constant fed to input ``slot`` of op ``v``, if it had one."""
    names = recorded(v).get("input_names")
    return None if names is None else names.get(slot)


def scope(v: Any) -> Any:
    """The stack of modules / composite calls running when the op was recorded, as the node
    keeps it: one tuple per call (drawings tell calls apart by it), of weak references to
    modules and ``Call`` levels (``Scopes.trim`` reads the modules: ``scope_levels``)."""
    return getattr(v, "_scope", None)


def note(v: Any) -> str | None:
    """Text shown under the op's name (a fused op's math), if any."""
    return getattr(type(v), "draw_note", None)


def created_at(v: Any) -> str | None:
    """Where the op was created (``file:line in function: code``), innermost frame, when
    anomaly mode recorded it."""
    tb = recorded(v).get("traceback_") if is_op(v) else None
    if not tb:
        return None
    frames = _FRAME.findall(tb)
    if not frames:
        return str(tb).strip().splitlines()[-1]
    path, line, fn, code = frames[-1]
    where = f"{path.rsplit('/', 1)[-1]}:{line} in {fn}"
    return f"{where}: {code.strip()}" if code else where


def seq(v: Any) -> int:
    """Recording order: an op always has a larger number than the ops it consumed."""
    return v.seq  # type: ignore[no-any-return]


def index(v: Any) -> Any:
    """The index of an indexing op (``GetItem``), or None for other ops."""
    return v.op_options().get("idx")


def output_tensor(v: Any) -> Any:
    """The op's output Tensor if something keeps it (``retain_grad()``), else None."""
    ref = v.retained
    return None if ref is None else ref()


def const_inputs(v: Any) -> list[Any]:
    """Tensors fed to op ``v`` that needed no gradient and that the op saved (in order).

    Only ops that save an input for backward (MatMul, Mul, ...) keep it; others keep
    just its shape (and its ``.name``, ``input_name``).
    """
    return [s for s, _ in v.saved_values()
            if s is not None and not isinstance(s, Node) and not s.requires_grad]


def options(v: Any) -> str:
    """The op's own settings (index, axes ...): ops differing in them never fold."""
    opts = []
    for k, x in sorted(v.op_options().items()):
        if k in _FOLD_IGNORES:
            continue
        if isinstance(x, np.ndarray):
            x = (x.shape, hash(x.tobytes())) if x.size <= 64 else x.shape
        opts.append(f"{k}={x!r:.200}")
    return ",".join(opts)


def values(t: Any) -> np.ndarray:
    """A Tensor's array (for values, ranges and statistics)."""
    return np.asarray(t.detach().numpy())


def grad(t: Any) -> Any:
    """A Tensor's ``.grad`` (None if none)."""
    return t.grad


def saved_values(v: Any) -> list[tuple[Any, np.ndarray]]:
    """(node, array) pairs op ``v`` saved for backward: its output, its inputs' outputs.

    Available until ``backward()`` frees them (``retain_graph=True`` keeps them); this is
    how a drawing sees intermediate values the graph does not otherwise keep.
    """
    return [(src, value) for src, value in v.saved_values()
            if src is not None and isinstance(value, np.ndarray)]
