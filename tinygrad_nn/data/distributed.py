"""``DistributedSampler`` (PyTorch's ``torch.utils.data.distributed``): each of
``num_replicas`` processes reads its own ``1 / num_replicas`` share of the dataset."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, TypeVar

import numpy as np

from .sampler import Sampler

__all__ = ["DistributedSampler"]

T_co = TypeVar("T_co", covariant=True)


class DistributedSampler(Sampler[T_co]):
    """Indices ``rank, rank + num_replicas, ...`` of one epoch's order (shuffled from
    ``seed + epoch`` when ``shuffle``), padded by repeating from the start (or, with
    ``drop_last``, cut) to a multiple of ``num_replicas``, so every rank gets
    ``num_samples`` indices.

    This library has no ``torch.distributed``: give ``num_replicas`` and ``rank`` explicitly
    (leaving either as None raises PyTorch's ``ValueError`` for an uninitialised process group).
    The shuffled order is deterministic in ``seed + epoch`` but is not PyTorch's permutation.
    """

    def __init__(self, dataset: Any, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            raise ValueError("Default process group has not been initialized, please make sure "
                             "to call init_process_group. (tinygrad_nn has no torch.distributed: "
                             "pass num_replicas and rank explicitly.)")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        if self.shuffle:
            indices = np.random.default_rng(self.seed + self.epoch).permutation(n).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            pad = self.total_size - len(indices)
            indices += (indices * math.ceil(pad / len(indices)))[:pad] if pad else []
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch, so that with ``shuffle=True`` each epoch has its own order (the same
        on every replica)."""
        self.epoch = epoch
