"""Grad mode and anomaly mode: the switches ``Function.apply`` reads while recording.

``no_grad`` / ``enable_grad`` / ``set_grad_enabled`` (PyTorch's ``torch.autograd.grad_mode``)
and the anomaly flags. They sit apart from the engine (``engine.py``: the node protocol and
the walk), which only turns recording off while it runs a plain backward.
"""

from __future__ import annotations

import contextlib
from typing import Any


class _Mode:
    # slots, set once: every op reads them (a slot is read faster than a class default)
    __slots__ = ("enabled", "scope", "anomaly", "check_nan", "check_forward", "saved_hooks",
                 "inference", "tracking")

    def __init__(self) -> None:
        self.enabled = True  # ops record the graph
        self.scope: object = None  # the modules being called (kept in each node's metadata)
        self.anomaly = False  # record where nodes were made; check backward outputs
        self.check_nan = True
        self.check_forward = False  # anomaly mode also checks forward outputs
        # (pack, unpack) of the innermost ``autograd.graph.saved_tensors_hooks``, or None
        self.saved_hooks: tuple[Any, Any] | None = None
        # inside ``inference_mode()``: what ops make are inference tensors
        # (``Tensor.is_inference``, ``_torch_functions.inference_mode``)
        self.inference = False
        # while a create_graph backward runs: the nodes it records stay visible to the cyclic
        # GC (``function._untrack``)
        self.tracking = False


_mode = _Mode()


def is_grad_enabled() -> bool:
    """True when ops record the graph (the default)."""
    return _mode.enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Context manager / decorator that turns graph recording on or off."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self.prev: list[bool] = []  # a stack: the same object may be re-entered

    def __enter__(self) -> None:
        self.prev.append(_mode.enabled)
        _mode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self.prev.pop()


class no_grad(set_grad_enabled):
    """``with no_grad():`` records nothing (inference, in-place parameter updates)."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """``with enable_grad():`` records again inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)


def set_anomaly_enabled(mode: bool, check_nan: bool = True, check_forward: bool = False) -> None:
    """Anomaly mode (PyTorch's): nodes remember where they were made (``metadata``) and a
    backward output that is not finite raises, naming the node and that place;
    ``check_forward`` also checks every recorded op's output at forward."""
    _mode.anomaly, _mode.check_nan, _mode.check_forward = bool(mode), check_nan, check_forward


def is_anomaly_enabled() -> bool:
    """True while anomaly mode is on."""
    return _mode.anomaly
