"""PyTorch's ``torch.autograd.forward_ad``: its names and levels, without dual tensors yet.

``dual_level``, ``enter_dual_level``, ``exit_dual_level`` and ``unpack_dual`` behave as
PyTorch's; ``make_dual`` checks its arguments as PyTorch does and then raises
``NotImplementedError``: forward-mode tangents need support in the core (each Tensor would
carry its tangent, and operations would propagate it also under ``no_grad``, as PyTorch's
do). A tangent computed from the recorded backward graph instead would silently differ there.
Jacobian-vector products are available through ``tinygrad_nn.func.jvp`` and
``autograd.functional.jvp`` (reverse mode, double vjp). As no tensor can be dual, every
``unpack_dual`` gives ``(tensor, None)``, which is PyTorch's answer for a non-dual tensor.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..tensor import Tensor

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level",
           "make_dual", "unpack_dual"]

_level = [-1]  # the current forward AD level; -1: none (PyTorch allows one at a time)


class UnpackedDualTensor(NamedTuple):
    """What ``unpack_dual`` returns: the primal and its tangent (None without one)."""

    primal: Tensor
    tangent: Tensor | None


def enter_dual_level() -> int:
    """Start the forward AD level; returns its index (0: levels do not nest)."""
    if _level[0] >= 0:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _level[0] = 0
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """End the forward AD level (the current one when ``level`` is None)."""
    if level is None:
        level = _level[0]
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    if level != _level[0]:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that "
                           "was created. This is not supported.")
    _level[0] = -1


class dual_level:
    """``with dual_level():`` enters a forward AD level and exits it after the block."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: object) -> None:
        exit_dual_level()


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """PyTorch's dual tensor (primal + tangent·ε): not supported yet (see the module doc)."""
    if level is None:
        level = _level[0]
    if level < 0:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level "
                           "exists, make sure to enter_dual_level() first.")
    if level != _level[0]:
        raise RuntimeError("Invalid level given to _make_dual")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    raise NotImplementedError(
        "forward-mode AD (make_dual) is not supported by tinygrad_nn yet; for J·v use "
        "tinygrad_nn.func.jvp or autograd.functional.jvp (computed in reverse mode)")


def unpack_dual(tensor: Any, *, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent) of a dual tensor; no tensor is dual here, so (tensor, None)."""
    del level
    return UnpackedDualTensor(tensor, None)
