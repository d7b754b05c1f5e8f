"""``torch.nn.parallel``: multi-device wrappers, which on the one CPU device run the module
as it is (PyTorch's own behaviour when no GPU is available)."""

from __future__ import annotations

from typing import Any

from ..module import Module


class DataParallel(Module):
    """``DataParallel(module, device_ids=None, output_device=None, dim=0)``: holds the module
    as ``.module`` (so state_dict keys gain the ``module.`` prefix, as in PyTorch) and calls
    it; with one CPU device there is nothing to split."""

    def __init__(self, module: Module, device_ids: Any = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids = [] if device_ids is None else list(device_ids)
        self.output_device = output_device
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs: Any, device_ids: Any = None, output_device: Any = None,
                  dim: int = 0, module_kwargs: Any = None) -> Any:
    """``module(inputs)`` (PyTorch's functional DataParallel, on one device)."""
    if not isinstance(inputs, tuple):
        inputs = (inputs,)
    return module(*inputs, **(module_kwargs or {}))


class DistributedDataParallel(Module):
    """Needs a process group (``torch.distributed``), which tinygrad_nn does not have."""

    def __init__(self, module: Module, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("DistributedDataParallel needs torch.distributed process groups; "
                           "tinygrad_nn runs in one process: use the module itself")


__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
