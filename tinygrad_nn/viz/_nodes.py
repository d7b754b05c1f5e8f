"""Every read of a graph node the drawing makes, in one place.

The rest of ``viz`` sees a node only through these functions. Today they read the node
objects the core records (``Function`` instances for ops, leaf Tensors); when the core
exposes PyTorch's node API (``grad_fn``, ``next_functions``, ``name()``) and one metadata
hook for drawing data, only this file changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import _OUT, Function

_BASE = set(vars(Function()))  # what every node has; the rest are the op's options
# x[t] differs per time step: folding exactly such ops is the point, so the index of
# GetItem / ScatterAdd does not keep ops apart (the slices i, f, o of gates fold too)
_FOLD_IGNORES = {"idx"}


def node_of(t: Any) -> Any:
    """The graph node of a Tensor: the op that computed it, or the Tensor itself if a leaf."""
    ctx = t._ctx
    return t if ctx is None else ctx


def is_op(v: Any) -> bool:
    """True for an op node, False for a leaf Tensor."""
    return v._is_fn  # type: ignore[no-any-return]


def is_leaf(t: Any) -> bool:
    """A Tensor no recorded op computed."""
    return t._ctx is None  # type: ignore[no-any-return]


def parents(v: Any) -> tuple[Any, ...]:
    """Per input of op ``v``: the input's node, or None when it needed no gradient."""
    return v.parents  # type: ignore[no-any-return]


def in_shapes(v: Any) -> tuple[tuple[int, ...], ...]:
    """Per input of op ``v``: its shape (constants included)."""
    return v.in_shapes  # type: ignore[no-any-return]


def op_name(v: Any) -> str:
    """The op's name: its class name (``MatMul``)."""
    return type(v).__name__


def out_shape(v: Any) -> tuple[int, ...]:
    return v.out_shape  # type: ignore[no-any-return]


def out_dtype(v: Any) -> Any:
    return v.out_dtype


def out_name(v: Any) -> str | None:
    """The ``.name`` given to the op's output tensor, if any."""
    return v.out_name  # type: ignore[no-any-return]


def scope(v: Any) -> Any:
    """The stack of modules / composite calls running when the op was recorded."""
    return v.scope


def note(v: Any) -> str | None:
    """Text shown under the op's name (a fused op's math), if any."""
    return v.draw_note  # type: ignore[no-any-return]


def created_at(v: Any) -> str | None:
    """Where the op was created (``file:line in function``), when anomaly mode recorded it."""
    where = getattr(v, "created_at", None) or getattr(v, "_created_at", None)
    if where is None:
        return None
    if isinstance(where, (list, tuple)):  # a traceback summary: its innermost user frame
        where = where[-1] if where else None
    return None if where is None else str(where)


def seq(v: Any) -> int:
    """Recording order: an op always has a larger number than the ops it consumed."""
    return v._seq  # type: ignore[no-any-return]


def index(v: Any) -> Any:
    """The index of an indexing op (``GetItem``), or None for other ops."""
    return getattr(v, "idx", None)


def output_tensor(v: Any) -> Any:
    """The op's output Tensor if something keeps it (``retain_grad()``), else None."""
    ref = v._retained
    return None if ref is None else ref()


def const_inputs(v: Any) -> list[Any]:
    """Tensors fed to op ``v`` that needed no gradient and that the op saved (in order).

    Only ops that save an input for backward (MatMul, Mul, ...) keep it; others keep
    just its shape, so a constant fed to them cannot be named.
    """
    srcs = v.saved_sources()
    return [s for s in srcs if hasattr(s, "_ctx") and s._ctx is None and not s.requires_grad]


def options(v: Any) -> str:
    """The op's own attributes (index, axes ...): ops differing in them never fold."""
    opts = []
    for k, x in sorted(vars(v).items()):
        if k in _BASE or k in _FOLD_IGNORES or k.startswith("_"):
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
    saved = v._saved
    if not saved:
        return []
    return [(v if src is _OUT else src, value)
            for value, src in zip(saved, v.saved_sources())
            if src is not None and isinstance(value, np.ndarray)]
