"""``torch.nn.utils.skip_init``: a module whose parameters and buffers are left
uninitialised (PyTorch builds it on the meta device; here it is built, then given new
uninitialised memory with ``to_empty``: the same result, without the saving)."""

from __future__ import annotations

import inspect
from typing import Any

from ..module import Module

__all__ = ["skip_init"]


def skip_init(module_cls: Any, *args: Any, **kwargs: Any) -> Module:
    """``module_cls(*args, **kwargs)`` with uninitialised parameters and buffers; the class
    must take a ``device`` argument (RuntimeError otherwise, as PyTorch's)."""
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    return module_cls(*args, **kwargs).to_empty(device=final_device)
