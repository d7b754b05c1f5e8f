"""Embedding and EmbeddingBag: lookup tables (the modules of F.embedding, F.embedding_bag)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter, new_param


class _Table(Module):
    """A (num_embeddings, embedding_dim) ``weight`` ~ N(0, 1) whose ``padding_idx`` row
    starts at zero, or a copy of ``_weight``; PyTorch's checks (AssertionError)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None,
                 max_norm: float | None, norm_type: float, scale_grad_by_freq: bool,
                 sparse: bool, _weight: Any, _freeze: bool, device: Any, dtype: Any) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise AssertionError(f"padding_idx must be within num_embeddings: "
                                     f"[-{self.num_embeddings}, {self.num_embeddings}), got "
                                     f"{padding_idx}")
            padding_idx %= self.num_embeddings
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = new_param((self.num_embeddings, self.embedding_dim), dtype, device)
            self.reset_parameters()
        else:
            w = np.array(_weight, copy=True)
            if w.shape != (self.num_embeddings, self.embedding_dim):
                raise AssertionError(f"Shape of weight does not match num_embeddings and "
                                     f"embedding_dim: expected "
                                     f"{(self.num_embeddings, self.embedding_dim)}, "
                                     f"got {tuple(w.shape)}")
            self.weight = Parameter(w, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def _norm_repr(self) -> str:
        """The repr's max_norm, norm_type and scale_grad_by_freq where not the defaults."""
        s = "" if self.max_norm is None else f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq!r}"
        return s


def _pretrained_shape(embeddings: Any) -> tuple[int, ...]:
    shape = np.shape(embeddings)
    if len(shape) != 2:
        raise AssertionError(f"Embeddings parameter is expected to be 2-dimensional, got shape "
                             f"{shape}")
    return shape


class Embedding(_Table):
    """A lookup table: integer idx (*) -> weight[idx] (*, embedding_dim); weight ~ N(0, 1).

    The row ``padding_idx`` starts at zero and receives no gradient; ``max_norm``,
    ``norm_type`` and ``scale_grad_by_freq`` as in ``F.embedding``.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False, _weight: Any = None,
                 _freeze: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type,
                         scale_grad_by_freq, sparse, _weight, _freeze, device, dtype)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding holding a copy of ``embeddings`` (num, dim); frozen by default."""
        shape = _pretrained_shape(embeddings)
        return cls(shape[0], shape[1], padding_idx, max_norm, norm_type, scale_grad_by_freq,
                   sparse, _weight=embeddings, _freeze=freeze)

    def forward(self, input: Any) -> Tensor:  # noqa: A002
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        s += self._norm_repr()
        return s + (", sparse=True" if self.sparse is not False else "")


class EmbeddingBag(_Table):
    """Sums, means or maxima of bags of embeddings (``F.embedding_bag``): input (B, n), or
    1-D with ``offsets`` -> (B, embedding_dim); weight ~ N(0, 1), ``padding_idx`` row zero."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Any = None, include_last_offset: bool = False,
                 padding_idx: int | None = None, device: Any = None, dtype: Any = None) -> None:
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type,
                         scale_grad_by_freq, sparse, _weight, False, device, dtype)
        self.mode, self.include_last_offset = mode, include_last_offset

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        mode: str = "mean", sparse: bool = False,
                        include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:
        """An EmbeddingBag holding a copy of ``embeddings`` (num, dim); frozen by default."""
        shape = _pretrained_shape(embeddings)
        bag = cls(shape[0], shape[1], max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                  embeddings, include_last_offset, padding_idx)
        bag.weight.requires_grad = not freeze
        return bag

    def forward(self, input: Any, offsets: Any = None,  # noqa: A002
                per_sample_weights: Any = None) -> Tensor:
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse,
                               per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}{self._norm_repr()}, mode={self.mode!r}"
        return s if self.padding_idx is None else s + f", padding_idx={self.padding_idx!r}"
