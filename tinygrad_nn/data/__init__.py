"""Data loading as in PyTorch's ``torch.utils.data`` (also reachable as
``tinygrad_nn.utils.data``), plus the deep-learning course's ``random_mini_batches`` and
``load_h5_dataset``."""

from __future__ import annotations

from .collate import default_collate, default_convert
from .course import load_h5_dataset, random_mini_batches
from .dataloader import DataLoader, WorkerInfo, get_worker_info
from .dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WorkerInfo",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "load_h5_dataset",
    "random_mini_batches",
    "random_split",
]
