"""Embedding: a lookup table (F.embedding's module)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter, new_param


class Embedding(Module):
    """A lookup table: integer idx (*) -> weight[idx] (*, embedding_dim); weight ~ N(0, 1).

    The row ``padding_idx`` starts at zero and receives no gradient.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False, _weight: Any = None,
                 _freeze: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if max_norm is not None or scale_grad_by_freq:
            raise NotImplementedError("Embedding: max_norm and scale_grad_by_freq are not "
                                      "supported")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(f"Embedding: padding_idx must be in [-{self.num_embeddings}, "
                                 f"{self.num_embeddings}), got {padding_idx}")
            padding_idx %= self.num_embeddings
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = new_param((self.num_embeddings, self.embedding_dim), dtype, device)
            self.reset_parameters()
        else:
            w = np.array(_weight, copy=True)
            if w.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError(f"Embedding: _weight must have shape "
                                 f"{(self.num_embeddings, self.embedding_dim)}, got "
                                 f"{tuple(w.shape)}")
            self.weight = Parameter(w, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        padding_idx: int | None = None) -> Embedding:
        """An Embedding holding a copy of ``embeddings`` (num, dim); frozen by default."""
        shape = np.shape(embeddings)
        if len(shape) != 2:
            raise ValueError(f"Embedding.from_pretrained: expected a 2-D array, got shape {shape}")
        return cls(shape[0], shape[1], padding_idx, _weight=embeddings, _freeze=freeze)

    def forward(self, idx: Any) -> Tensor:
        return F.embedding(idx, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        return s if self.padding_idx is None else s + f", padding_idx={self.padding_idx}"
