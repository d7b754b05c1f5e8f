"""``torch.mps``'s availability questions (Apple GPUs), answered for a CPU-only library."""

from .cuda import device_count, is_available, manual_seed, manual_seed_all

__all__ = ["device_count", "is_available", "manual_seed", "manual_seed_all"]
