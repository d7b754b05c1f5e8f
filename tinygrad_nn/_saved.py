"""What a node keeps of its saved values: where each came from, and whether it changed.

``Function.apply`` records, per saved value, its source (``record_sources``) and the
version counters that already exist; ``Function.run_backward`` checks them
(``check_versions``) before the op's ``backward`` reads the values. docs/engine.md
section 5 explains the lazy version counters this reads.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import _mode
from .tensor_base import INFERENCE_SAVED, TensorBase

_ndarray = np.ndarray  # (bound once: a cached global where compiled, see _compiled.py)
OUT = object()  # marks a saved value that is the output of forward
OUT_ONLY = (OUT,)  # the sources of a node that saved only its output


class Released(tuple):  # type: ignore[type-arg]
    """The type of ``RELEASED``: empty (so falsy), but told apart by identity."""


RELEASED = Released()  # a node's ``_saved`` once backward freed the saved values
FREED = (
    "{op}: trying to backward through the graph a second time (or to read its saved "
    "values after they were freed). The saved arrays of a graph are released by "
    "backward(); call backward(retain_graph=True) the first time to keep them."
)


def record_sources(ctx: Any, out: Any, args: tuple[Any, ...], arrays: list[Any],
                   parents: list[Any]) -> None:
    """Record where each saved value came from (``_saved_src``), and the version counters
    that already exist for the saved Tensor values (``_vcs``).

    Sources are ``OUT``, None (a constant), an input's index when that input has a node
    or is a leaf requiring grad (found in ``parents``), or a constant input's Tensor:
    mostly ints and objects the cyclic GC does not track; ``apply`` takes the tuple off the
    collector's lists with its node (``function._untrack``). Most tensors have no
    version counter yet (``TensorBase._vc`` makes one on first need): their version is 0,
    and a counter made later is found at backward through the source
    (``check_versions``). Only counters that exist now are kept, in ``_vcs``: per saved
    value, (counter, version) or None; ``_vcs`` is None when there are none."""
    srcs: list[Any] = []
    vcs: list[Any] | None = None
    any_src = False
    for k, s in enumerate(ctx._saved):  # type: ignore[arg-type]
        src = vc = None
        if type(s) is _ndarray:
            if s is out:
                src = OUT
                vc = ctx._out_vc  # a view's: its base's counter
            else:
                for i, arr in enumerate(arrays):
                    if s is arr:
                        a = args[i]
                        if isinstance(a, TensorBase):
                            if a._inference:  # (as PyTorch: recorded, then refused)
                                raise RuntimeError(INFERENCE_SAVED)
                            # the node, not the Tensor: an in-place op may rebase it later
                            src = i if parents[i] is not None else a
                            vc = a._vcnt
                        break
        srcs.append(src)
        if src is not None:
            any_src = True
        if vc is not None:
            if vcs is None:
                vcs = [None] * len(ctx._saved)  # type: ignore[arg-type]
            vcs[k] = (vc, int(vc[0]))
    ctx._saved_src = tuple(srcs) if any_src else None
    ctx._vcs = None if vcs is None else tuple(vcs)


def check_versions(self: Any) -> None:
    """Raise if a Tensor whose values were saved changed in place since: its version
    counter moved on (a counter made after recording: from version 0)."""
    vcs, parents = self._vcs, self.parents
    for k, src in enumerate(self._saved_src or ()):
        if src is None:
            continue
        entry = vcs[k] if vcs is not None else None
        if entry is not None:
            vc, version = entry
        else:  # no counter when saved: one made since is where the source points
            owner: Any = self if src is OUT else parents[src] if type(src) is int else src
            vc, version = owner._vcnt if isinstance(owner, TensorBase) else owner._out_vc, 0
            if vc is None:
                continue
        if vc[0] != version:
            raise RuntimeError(
                f"{type(self).__name__}: one of the values saved for its backward was "
                "modified by an in-place operation (its version is "
                f"{vc[0]}, expected {version}); "
                "use an out-of-place op or clone the value before changing it"
            )


class Packed:
    """A saved value as a ``saved_tensors_hooks`` pack hook returned it, with the unpack
    hook that turns it back into a Tensor (``unpack_saved``)."""

    __slots__ = ("value", "unpack")

    def __init__(self, value: Any, unpack: Any) -> None:
        self.value, self.unpack = value, unpack


def pack_saved(ctx: Any, result: Any, args: tuple[Any, ...], hooks: tuple[Any, Any]) -> None:
    """Replace each saved array of ``ctx`` by ``pack(tensor)``: the tensor is the output
    (``result``), the input it is, or a new constant Tensor for a value computed in
    forward, as ``record_sources`` found them (PyTorch's ``saved_tensors_hooks``). The
    hooks are off while ``pack`` runs, so ops inside it do not pack their own saved values."""
    pack, unpack = hooks
    saved = ctx._saved
    srcs = ctx._saved_src or (None,) * len(saved)
    values: list[Any] = []
    _mode.saved_hooks = None
    try:
        for s, src in zip(saved, srcs):
            if type(s) is _ndarray:
                t = (result if src is OUT else args[src] if type(src) is int
                     else src if src is not None else result._make(s, None))
                s = Packed(pack(t), unpack)
            values.append(s)
    finally:
        _mode.saved_hooks = hooks
    ctx._saved = tuple(values)
    ctx._packed = True


def unpack_saved(saved: tuple[Any, ...]) -> tuple[Any, ...]:
    """The saved values with each packed one unpacked (its unpack hook runs on every read,
    as in PyTorch)."""
    out: list[Any] = []
    for s in saved:
        if type(s) is Packed:
            t = s.unpack(s.value)
            if not isinstance(t, TensorBase):
                raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but "
                                f"got result of type {type(t).__name__}")
            s = t._data
        out.append(s)
    return tuple(out)
