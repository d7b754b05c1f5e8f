"""Draw the recorded graph with Graphviz: ``draw_graph(y)``, ``draw_module(model, x)``.

Each tensor is a node (name, shape, dtype) and so is each op (its name); edges follow the
data from inputs to the output. Parameters are blue boxes, other inputs that require grad
yellow boxes, constants dashed boxes, intermediate values small ellipses, outputs green
ellipses, ops grey rounded boxes; ops of each submodule sit in a labelled cluster.

The result is a ``graphviz.Digraph``: ``.source`` is the DOT text, ``.render(path,
format='svg')`` writes a file (needs Graphviz's ``dot`` program; without it a clear
error says how to install it) and Jupyter shows it inline. The ``graphviz`` Python
package is imported on first use, never by ``import tinygrad_nn``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .._random import get_rng
from ..grad_mode import enable_grad
from ..tensor import Tensor
from . import _nodes as N
from ._build import Scopes, build
from ._collect import walk
from ._dot import INSTALL_HINT, graph_class, legend

FOLD_DEPTH = 4  # hops of ancestry two ops must share to be folded together (fold=True)
_RANKDIRS = ("LR", "TB", "RL", "BT")


def draw_graph(
    output: Any,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    show_shapes: bool = True,
    show_grads: bool = False,
    show_values: bool | int = False,
    rankdir: str | None = None,
    *,
    module: Any = None,
    fold: bool | int = False,
    max_depth: int | None = None,
    max_ops: int | None = None,
    compact: bool = False,
    show_constants: bool = True,
    steps: bool = True,
    mark_nonfinite: bool = False,
    max_scope_depth: int | None = None,
) -> Any:
    """Graph of the ops that computed ``output``: Tensor(s) -> ``graphviz.Digraph``.

    Parameters
    ----------
    output : Tensor or list/tuple of Tensors whose graph is drawn.
    params : ``{name: Tensor}`` (e.g. ``dict(model.named_parameters())``, or the pairs
        themselves) naming tensors in the drawing; it may also name intermediate tensors.
        When given, leaves that require grad but are not in it are drawn as *inputs*;
        otherwise every such leaf is a *parameter*.
    show_shapes : label tensors with shape and dtype.
    show_grads : label tensors with their gradient's shape and norm (after
        ``backward()``): leaves always, intermediate tensors only if ``retain_grad()``.
    show_values : label tensors of at most 16 elements (or this many, if an int) with
        their values, larger ones with their range. Only tensors still held can show
        values: leaves, the outputs, tensors named in ``params`` and retained ones;
        intermediate arrays are not kept by the graph.
    rankdir : layout direction, ``'LR'`` (left to right), ``'TB'``, ``'RL'`` or ``'BT'``;
        ``None``: ``'LR'``, or ``'TB'`` when the drawing holds a recurrence's step boxes,
        so the steps, which lie across the flow, run left to right in time order.
    module : the model the output came from; names its submodules' clusters and its
        parameters (as ``draw_module`` does).
    fold : collapse repeated identical computations (the same op on the same
        parameters with the same recent ancestry, e.g. the steps of an RNN) into one
        node labelled ``×N``; an int sets how many hops of ancestry must match (default 4).
    max_depth : draw only ops at most this many ops away from the output.
    max_ops : draw at most this many ops (those nearest the output); cut inputs show "…".
    compact : draw unnamed intermediate tensors as edges (op labels show the shape).
    show_constants : draw a dashed node for each input that needed no gradient.
    steps : group the ops of each step of a recurrence (an RNN or LSTM unrolled in a
        loop: the ops between consecutive uses of the same weight, at least 3 of them)
        in a "step t" cluster; the steps are laid out in time order, side by side across
        the flow (one band at any length: left to right with ``rankdir='TB'``).
    max_scope_depth : draw boxes (modules, composite functions, steps) nested at most this
        deep; a box nested deeper is drawn as one node labelled like the box
        (``max_scope_depth=0``: every top-level box is one node, ``cross_entropy (9 ops)``).
    mark_nonfinite : mark in red the first op (in recording order) whose output holds
        NaN or inf, or, when no held value does, the op nearest the output that passed a
        non-finite gradient; grey the ops it flowed into; red leaves and constants hold
        NaN / inf themselves. The caption says what was marked. Values seen: leaves,
        outputs, named and retained tensors, and the arrays ops saved for backward (freed
        by ``backward()`` unless ``retain_graph=True``); gradients of leaves and retained
        tensors. ``output`` may also be an exception carrying the tensor whose graph
        failed (``err.tensor`` or ``err.output``): it is drawn with the marks; anomaly
        mode's ``RuntimeError`` also carries the op it stopped at (``err.node``), which is
        the one marked red.
    """
    culprit = None
    if isinstance(output, BaseException):
        root = getattr(output, "tensor", None)
        root = getattr(output, "output", None) if root is None else root
        if root is None:
            raise TypeError(f"draw_graph: the {type(output).__name__} carries no tensor "
                            "(.tensor or .output) whose graph could be drawn")
        culprit = getattr(output, "node", None)
        output, mark_nonfinite = root, True
    outputs = _outputs(output)
    names: dict[int, str] = {}
    held: dict[int, Tensor] = {}
    param_ids: set[int] | None = None
    if module is not None:
        names, param_ids = _module_names(module)
    if params is not None:
        param_ids = param_ids or set()
        for name, t in _pairs(params):
            names[id(N.node_of(t))] = name
            held[id(N.node_of(t))] = t
            if N.is_leaf(t):
                param_ids.add(id(t))
    return _draw(outputs, names, held, param_ids, module, show_shapes=show_shapes,
                 show_grads=show_grads, show_values=show_values, rankdir=rankdir, fold=fold,
                 max_depth=max_depth, max_ops=max_ops, compact=compact,
                 show_constants=show_constants, steps=steps, mark_nonfinite=mark_nonfinite,
                 culprit=culprit, max_scope_depth=max_scope_depth)


def draw_module(module: Any, *inputs: Any, **kwargs: Any) -> Any:
    """Run ``module(*inputs)`` once and draw its graph with named parameters and clusters.

    Floating inputs become leaves named ``input`` (``input0``, ``input1`` ... for
    several) so each is drawn once; integer inputs (indices) stay constants. Each
    submodule's ops and parameters are grouped in a cluster labelled with its name and
    configuration (``features.0: Conv2d(1, 8, kernel_size=(3, 3))``), nested as the
    modules are. Outputs are named ``output`` (``output[1][0]`` ... for tuples). The
    library's random stream is restored afterwards, so drawing does not change later
    draws; a module in training mode still updates its running statistics (BatchNorm)
    as any forward pass does; call ``.eval()`` first to avoid that. Keyword arguments
    are those of ``draw_graph``.
    """
    if not callable(module) or not hasattr(module, "named_parameters"):
        raise TypeError(f"draw_module: expected a Module, got {type(module).__name__}")
    for bad in ("module", "params"):
        if bad in kwargs:
            raise TypeError(f"draw_module: {bad}= is set by draw_module itself")
    names, param_ids = _module_names(module)
    args = [_as_input(x, "input" if len(inputs) == 1 else f"input{i}", names)
            for i, x in enumerate(inputs)]
    rng = get_rng()
    state = rng.bit_generator.state
    try:
        with enable_grad():
            out = module(*args)
    finally:
        rng.bit_generator.state = state
    outputs: list[Tensor] = []
    stack: list[tuple[str, Any]] = [("output", out)]
    while stack:  # flatten nested tuples / lists / dicts of outputs
        path, x = stack.pop()
        if isinstance(x, Tensor):
            outputs.append(x)
            names.setdefault(id(N.node_of(x)), path)
        elif isinstance(x, (tuple, list)):
            stack.extend((f"{path}[{i}]", y) for i, y in reversed(list(enumerate(x))))
        elif isinstance(x, Mapping):
            stack.extend((f"{path}[{k!r}]", y) for k, y in reversed(list(x.items())))
    if not outputs:
        raise TypeError(
            f"draw_module: expected the module to return Tensor(s), got {type(out).__name__}"
        )
    return _draw(outputs, names, {}, param_ids, module, **kwargs)


def _draw(outputs: list[Tensor], names: dict[int, str], held: dict[int, Tensor],
          param_ids: set[int] | None, module: Any, *, show_shapes: bool = True,
          show_grads: bool = False, show_values: bool | int = False, rankdir: str | None = None,
          fold: bool | int = False, max_depth: int | None = None, max_ops: int | None = None,
          compact: bool = False, show_constants: bool = True, steps: bool = True,
          mark_nonfinite: bool = False, culprit: Any = None,
          max_scope_depth: int | None = None) -> Any:
    if rankdir is not None and rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    for arg, value, least in (("max_depth", max_depth, 1), ("max_ops", max_ops, 1),
                              ("max_scope_depth", max_scope_depth, 0)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < least):
            raise ValueError(
                f"draw_graph: {arg} must be None or an int >= {least}, got {value!r}")
    if isinstance(fold, bool):
        depth = FOLD_DEPTH if fold else 0
    elif isinstance(fold, int) and fold >= 1:
        depth = fold
    else:
        raise ValueError(f"draw_graph: fold must be a bool or an int >= 1, got {fold!r}")
    if isinstance(show_values, bool):
        max_values = 16 if show_values else 0
    elif isinstance(show_values, int) and show_values >= 0:
        max_values = show_values
    else:
        raise ValueError(
            f"draw_graph: show_values must be a bool or an int >= 0, got {show_values!r}"
        )
    mod_names: dict[int, str] = {}
    if module is not None and hasattr(module, "named_modules"):
        for name, m in module.named_modules():
            mod_names.setdefault(id(m), name)
    scopes = Scopes(module, mod_names)
    w = walk(outputs, max_depth, max_ops, depth, scopes.key, names)
    held = {**held, **{id(N.node_of(t)): t for t in outputs}}
    return build(w, names=names, held=held, param_ids=param_ids, scopes=scopes,
                 show_shapes=show_shapes, show_grads=show_grads, max_values=max_values,
                 compact=compact, show_constants=show_constants, folded=depth > 0, steps=steps,
                 rankdir=rankdir, mark_nonfinite=mark_nonfinite, culprit=culprit,
                 max_scope_depth=max_scope_depth)


def _outputs(output: Any) -> list[Tensor]:
    items = list(output) if isinstance(output, (list, tuple)) else [output]
    if not items or not all(isinstance(t, Tensor) for t in items):
        got = ", ".join(type(t).__name__ for t in items) or "an empty list"
        raise TypeError(f"draw_graph: expected a Tensor or a list of Tensors, got {got}")
    return items


def _pairs(params: Any) -> list[tuple[str, Tensor]]:
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    for p in pairs:
        if not (isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], Tensor)):
            raise TypeError(
                "draw_graph: params must map names to Tensors (e.g. "
                f"dict(model.named_parameters())), got an entry {p!r:.60}"
            )
    return [(str(n), t) for n, t in pairs]


def _module_names(module: Any) -> tuple[dict[int, str], set[int]]:
    names: dict[int, str] = {}
    for name, p in module.named_parameters():
        names.setdefault(id(p), name)
    return names, set(names)


def _as_input(x: Any, name: str, names: dict[int, str]) -> Any:
    """A floating input as a named leaf that requires grad (drawn once); others unchanged."""
    if isinstance(x, (tuple, list)):
        return type(x)(_as_input(y, f"{name}[{i}]", names) for i, y in enumerate(x))
    if isinstance(x, np.ndarray) or isinstance(x, Tensor) and not x.requires_grad:
        arr = N.values(x) if isinstance(x, Tensor) else x
        if arr.dtype.kind == "f":
            x = Tensor._new(arr, requires_grad=True, name=getattr(x, "name", None) or name)
        elif isinstance(x, np.ndarray):
            x = Tensor._new(x)
    if isinstance(x, Tensor) and x.requires_grad:
        names.setdefault(id(N.node_of(x)), x.name or name)
    return x


__all__ = ["INSTALL_HINT", "draw_graph", "draw_module", "graph_class", "legend"]
