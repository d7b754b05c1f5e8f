"""``torch.cuda.amp``: PyTorch's deprecated spellings of ``amp.GradScaler("cuda")`` and
``amp.autocast("cuda")``, with its warnings; both disable themselves (there is no GPU)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import amp

__all__ = ["GradScaler", "autocast"]


class GradScaler(amp.GradScaler):
    """``torch.cuda.amp.GradScaler(...)``: ``amp.GradScaler("cuda", ...)``, deprecated."""

    def __init__(self, init_scale: float = 2.0 ** 16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval,
                         enabled)


class autocast(amp.autocast):  # noqa: N801 (PyTorch's name)
    """``torch.cuda.amp.autocast(...)``: ``amp.autocast("cuda", ...)``, deprecated."""

    def __init__(self, enabled: bool = True, dtype: Any = np.float16,
                 cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)
