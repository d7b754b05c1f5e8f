"""Anomaly mode's checks (the flag is ``grad_mode.set_anomaly_enabled``; PyTorch's detect_anomaly).

``Function.apply`` calls ``record`` for each node it records while the mode is on, and
``Function.run_backward`` calls ``check_finite`` on the node's gradients. The
``RuntimeError`` they raise carries the culprit (``err.node``) and the tensor whose graph
failed (``err.tensor``; ``Tensor.backward`` adds it), so ``viz.draw_graph(err)`` draws it.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from typing import Any

import numpy as np

from .engine import LazyGrad, Node
from .grad_mode import _mode

HINT = (
    "To see it in the graph, catch the error and draw it: `except RuntimeError as err: "
    "tinygrad_nn.viz.draw_graph(err)` marks this op in red (the error carries it as err.node "
    "and the graph as err.tensor); before backward, draw_graph(loss, mark_nonfinite=True) "
    "marks the first non-finite value."
)


def record(node: Node, result: Any) -> None:
    """Keep where ``node`` was made (the innermost lines outside the library) in its metadata;
    with ``check_forward``, a non-finite output raises here."""
    frames = [f for f in traceback.extract_stack()[:-2] if "tinygrad_nn" not in f.filename]
    node.metadata["traceback_"] = "".join(traceback.format_list(frames[-2:])).rstrip()
    out = result._data
    if _mode.check_forward and out.dtype.kind in "fc" and not np.isfinite(out).all():
        err = RuntimeError(
            f"Function '{node.name()}' returned nan values in its output (forward).\n"
            f"It was called at:\n{node.metadata['traceback_']}\n" + HINT
        )
        err.node, err.tensor = node, result  # type: ignore[attr-defined]
        raise err


def check_finite(node: Node, gs: Sequence[Any]) -> None:
    """A NaN in a gradient from ``node`` raises, naming the node and where it was made.

    NaN only, as PyTorch checks: an infinite gradient (sqrt at 0) passes, and raises only
    when it turns into NaN (times 0); ``viz.draw_graph(loss, mark_nonfinite=True)`` after
    backward shows infinities too."""
    for i, (gp, p) in enumerate(zip(gs, node.parents)):
        if gp is None or p is None:  # no gradient needed there: PyTorch computes none
            continue
        arr = np.asarray(gp.dense() if isinstance(gp, LazyGrad) else gp)
        if arr.dtype.kind in "fc" and np.isnan(arr).any():
            made = node.metadata.get("traceback_")
            where = f"\nThe node was made at (most recent call last):\n{made}" if made else ""
            err = RuntimeError(
                f"Function '{node.name()}' returned nan values in its {i}th output.{where}\n"
                + HINT
            )
            err.node = node  # type: ignore[attr-defined]
            raise err
