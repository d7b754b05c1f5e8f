"""``torch.backends.cuda``: the switches programs set before training (``matmul.allow_tf32``,
the scaled-dot-product-attention kernels); they change nothing here, as on PyTorch's CPU
builds, where ``is_built()`` is False too."""

from __future__ import annotations

from typing import Any

__all__ = ["enable_flash_sdp", "enable_math_sdp", "enable_mem_efficient_sdp", "flash_sdp_enabled",
           "is_built", "math_sdp_enabled", "matmul", "mem_efficient_sdp_enabled"]


class cuBLASModule:  # noqa: N801 (PyTorch's name)
    """``matmul``: cuBLAS's precision switches, stored and read back; any other name is
    refused, as PyTorch's."""

    _NAMES = ("allow_tf32", "allow_fp16_reduced_precision_reduction",
              "allow_bf16_reduced_precision_reduction")

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {"allow_tf32": False,
                                             "allow_fp16_reduced_precision_reduction": True,
                                             "allow_bf16_reduced_precision_reduction": True})

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._NAMES:
            raise AttributeError("Unknown attribute " + name)
        self._values[name] = value


matmul = cuBLASModule()
_sdp = {"flash": True, "mem_efficient": True, "math": True}


def is_built() -> bool:
    """False: no CUDA support is built in."""
    return False


def flash_sdp_enabled() -> bool:
    return _sdp["flash"]


def mem_efficient_sdp_enabled() -> bool:
    return _sdp["mem_efficient"]


def math_sdp_enabled() -> bool:
    return _sdp["math"]


def enable_flash_sdp(enabled: bool) -> None:
    _sdp["flash"] = bool(enabled)


def enable_mem_efficient_sdp(enabled: bool) -> None:
    _sdp["mem_efficient"] = bool(enabled)


def enable_math_sdp(enabled: bool) -> None:
    _sdp["math"] = bool(enabled)
