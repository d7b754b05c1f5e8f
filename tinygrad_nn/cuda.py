"""``torch.cuda``'s availability questions, answered for a CPU-only library,
``torch.cuda.amp`` (the deprecated GradScaler / autocast spellings, which disable themselves)
and the legacy CUDA tensor types (``torch.cuda.FloatTensor`` ...), which no tensor here is."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import numpy as np

from . import _cuda_amp as amp

sys.modules[__name__ + ".amp"] = amp  # ``from torch.cuda.amp import GradScaler``


def is_available() -> bool:
    """False: tinygrad_nn has no GPU backend."""
    return False


def device_count() -> int:
    """0: no GPU devices."""
    return 0


def manual_seed(seed: int) -> None:
    """Accepted and ignored (there is no CUDA generator), as on PyTorch's CPU builds."""


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored, as ``manual_seed``."""


class _CudaTensorType(type):
    """The type of a legacy CUDA tensor type, as on PyTorch's CPU builds: ``isinstance(t,
    torch.cuda.FloatTensor)`` is False for every tensor (old programs ask it to choose a
    multi-GPU path) and calling one is PyTorch's TypeError (no CUDA here)."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return False

    def __call__(cls, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"type {cls.__module__}.{cls.__name__} not available: tinygrad_nn has "
                        "no CUDA backend (as torch not compiled with CUDA enabled)")


def _cuda_type(name: str, dtype: Any) -> Any:
    return _CudaTensorType(name, (), {"dtype": np.dtype(dtype), "is_cuda": True, "is_sparse": False,
                                      "__module__": __name__})


FloatTensor = _cuda_type("FloatTensor", np.float32)
DoubleTensor = _cuda_type("DoubleTensor", np.float64)
HalfTensor = _cuda_type("HalfTensor", np.float16)
LongTensor = _cuda_type("LongTensor", np.int64)
IntTensor = _cuda_type("IntTensor", np.int32)
ShortTensor = _cuda_type("ShortTensor", np.int16)
CharTensor = _cuda_type("CharTensor", np.int8)
ByteTensor = _cuda_type("ByteTensor", np.uint8)
BoolTensor = _cuda_type("BoolTensor", np.bool_)


__all__ = ["BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "HalfTensor",
           "IntTensor", "LongTensor", "ShortTensor", "amp", "device_count", "is_available",
           "manual_seed", "manual_seed_all"]
