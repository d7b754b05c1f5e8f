"""Data loading as in PyTorch's ``torch.utils.data`` (also reachable as
``tinygrad_nn.utils.data``), plus the deep-learning course's ``random_mini_batches`` and
``load_h5_dataset``."""

from __future__ import annotations

from . import _utils, collate, dataloader, dataset, distributed, sampler
from .collate import default_collate, default_convert
from .course import load_h5_dataset, random_mini_batches
from .dataloader import DataLoader, WorkerInfo, get_worker_info
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .distributed import DistributedSampler
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "DistributedSampler",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "StackDataset",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "WorkerInfo",
    "_utils",
    "collate",
    "dataloader",
    "dataset",
    "distributed",
    "sampler",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "load_h5_dataset",
    "random_mini_batches",
    "random_split",
]
