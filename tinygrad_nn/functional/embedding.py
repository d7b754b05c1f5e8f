"""``embedding`` and ``embedding_bag``: row lookups in a (num, dim) table.

Both look rows up with the ``Embedding`` primitive (PyTorch's ``EmbeddingBackward0``:
padding rows get no gradient, ``scale_grad_by_freq`` scales it); a bag's sum is the
adjoint of indexing (``ScatterAdd``, named ``EmbeddingBagBackward0``), so every derivative
of both comes from those two and the product with the per-sample weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._linalg_parts import dtype_name
from ..grad_mode import no_grad
from ..ops.embedding import Embedding, EmbeddingBag
from ..tensor import Tensor
from .basic import as_tensor


def _indices(input: Any, op: str) -> np.ndarray:
    a = np.asarray(input._data if isinstance(input, Tensor) else input)
    if a.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: expected integer (Long or Int) indices, got dtype "
                           f"{dtype_name(a.dtype)}")
    return a


def _check_range(a: np.ndarray, num: int, op: str, error: type[Exception]) -> None:
    """(PyTorch raises IndexError in embedding, RuntimeError in embedding_bag.)"""
    if a.size and (a.min() < 0 or a.max() >= num):
        raise error(f"{op}: indices must be in [0, {num}), got values in "
                         f"[{a.min()}, {a.max()}]")


def _padding(padding_idx: int | None, num: int, op: str) -> int | None:
    if padding_idx is None:
        return None
    if not -num <= padding_idx < num:
        raise RuntimeError(f"{op}: padding_idx must be within the number of embeddings, "
                           f"-{num} through {num - 1}, but got {padding_idx}")
    return padding_idx % num


def _renorm(w: Tensor, a: np.ndarray, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``: in place (without a graph), each row that ``a``
    refers to whose ``norm_type``-norm exceeds ``max_norm`` is scaled to
    max_norm / (norm + 1e-7)."""
    rows = np.unique(a)
    norms = np.linalg.norm(w._data[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)[:, None]
        with no_grad():
            w[rows[big]] = w[rows[big]] * w._new(scale)


def _freq_scale(a: np.ndarray, num: int, dtype: Any) -> np.ndarray:
    """1 / (how often each index occurs in ``a``), per entry: (*a.shape, 1)."""
    counts = np.bincount(a.ravel(), minlength=num)
    return (1.0 / counts[a]).astype(dtype)[..., None]


def embedding(input: Any, weight: Any, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """y = weight[input]: rows of ``weight`` (num, dim) picked by integer ``input`` (*) -> (*, dim).

    The row ``padding_idx`` receives no gradient; ``max_norm`` first rescales (in place) the
    rows used whose ``norm_type``-norm exceeds it; ``scale_grad_by_freq`` divides each
    row's gradient by how often its index occurs in ``input``. ``sparse`` is accepted
    (gradients are dense here).
    """
    w = as_tensor(weight)
    a = _indices(input, "embedding")
    if w.ndim != 2:
        raise RuntimeError(f"embedding: 'weight' must be 2-D (num_embeddings, embedding_dim), "
                           f"got shape {tuple(w.shape)}")
    num = w.shape[0]
    _check_range(a, num, "embedding", IndexError)
    pad = _padding(padding_idx, num, "embedding")
    if max_norm is not None:
        _renorm(w, a, max_norm, norm_type)
    keep = None if pad is None else (a != pad)[..., None]
    scale = _freq_scale(a, num, w.dtype) if scale_grad_by_freq else None
    return Embedding.apply(w, idx=a, keep=keep, scale=scale)


def _bags(a: np.ndarray, offsets: Any, include_last_offset: bool,
          op: str) -> tuple[np.ndarray, np.ndarray, int]:
    """The flat indices, each one's bag, and the number of bags."""
    if a.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{op}: if input is 2D, then offsets has to be None, as input is "
                             "treated as a mini-batch of fixed length sequences, got offsets")
        n, length = a.shape
        if length == 0 and n:
            raise RuntimeError(f"{op}: a 2-D input needs bags of at least one index, got shape "
                               f"{tuple(a.shape)}")
        return a.reshape(-1), np.repeat(np.arange(n), length), n
    if a.ndim != 1:
        raise ValueError(f"{op}: input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{a.ndim}")
    if offsets is None:
        raise ValueError(f"{op}: offsets has to be a 1D Tensor but got None")
    off = _indices(offsets, op)
    if off.ndim != 1:
        raise ValueError(f"{op}: offsets has to be a 1D Tensor, got shape {tuple(off.shape)}")
    if off.size == 0:
        raise RuntimeError(f"{op}: offsets must hold at least one entry")
    if off[0] != 0:
        raise RuntimeError(f"{op}: offsets[0] has to be 0, i.e., the first sequence in the "
                           f"mini-batch has to start from position 0. However, got {off[0]}")
    if off[-1] > a.size:
        raise RuntimeError(f"{op}: offsets[-1] can not be greater than input's length "
                           f"{a.size} but got offsets[-1] of {off[-1]}")
    bags = len(off) - 1 if include_last_offset else len(off)
    # index j is in the last bag whose offset is <= j (PyTorch's offset2bag); with
    # include_last_offset the last offset only counts the bags
    starts = np.sort(off[1:bags])
    return a, np.searchsorted(starts, np.arange(a.size), side="right"), bags


def embedding_bag(input: Any, weight: Any, offsets: Any = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean",
                  sparse: bool = False, per_sample_weights: Any = None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> Tensor:
    """y[b] = sum / mean / max of weight[input[i]] over the indices i of bag b -> (B, dim).

    ``input`` 2-D (B, n): B bags of n indices (``offsets`` None); 1-D: bag b starts at
    ``offsets[b]`` and ends where the next starts (with ``include_last_offset`` the last
    offset only ends the list, so there are len(offsets) - 1 bags). Indices equal to
    ``padding_idx`` are left out of their bag (and out of its mean's count); an empty bag
    gives zeros. ``per_sample_weights`` (mode 'sum' only, input's shape) multiplies each
    row. 'max' is per column, the first maximum (a NaN only when it comes first, as in
    PyTorch's kernel), and its gradient goes to that row. ``max_norm`` and
    ``scale_grad_by_freq`` as in ``embedding`` (the latter not with 'max').
    """
    op = "embedding_bag"
    w = as_tensor(weight)
    a = _indices(input, op)
    if w.ndim != 2:
        raise ValueError(f"{op}: weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{w.ndim}")
    if w.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating-point weight, got {dtype_name(w.dtype)}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"{op}: mode has to be one of sum, mean or max, got {mode!r}")
    psw = None
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"{op}: per_sample_weights is only supported for "
                                      f"mode='sum' (got mode={mode!r})")
        psw = as_tensor(per_sample_weights)
        if tuple(psw.shape) != a.shape:
            raise ValueError(f"{op}: per_sample_weights (shape {tuple(psw.shape)}) must have "
                             f"the same shape as the input ({tuple(a.shape)})")
        if psw.dtype != w.dtype:
            raise RuntimeError(f"{op}: per_sample_weights ({dtype_name(psw.dtype)}) must have "
                               f"the weight's dtype ({dtype_name(w.dtype)})")
        psw = psw.reshape(-1)
    if scale_grad_by_freq and mode == "max":
        raise ValueError(f"{op}: max mode does not support scaling the gradient by the frequency")
    num, dim = w.shape
    idx, bag, nbags = _bags(a, offsets, include_last_offset, op)
    _check_range(idx, num, op, RuntimeError)
    pad = _padding(padding_idx, num, op)
    if max_norm is not None:
        _renorm(w, idx, max_norm, norm_type)
    kept = np.flatnonzero(bag < nbags) if pad is None else np.flatnonzero((bag < nbags) &
                                                                          (idx != pad))
    idx_k, bag_k = idx[kept], bag[kept]
    if mode == "max":
        return _bag_max(w, idx_k, bag_k, nbags)
    scale = _freq_scale(idx, num, w.dtype)[kept] if scale_grad_by_freq else None
    rows = Embedding.apply(w, idx=idx_k, scale=scale)
    if psw is not None:
        rows = rows * psw[kept].reshape(-1, 1)
    elif mode == "mean":
        count = np.bincount(bag_k, minlength=nbags)
        rows = rows * (1.0 / count[bag_k]).astype(w.dtype)[:, None]
    return EmbeddingBag.apply(rows, idx=(bag_k,), shape=(nbags, dim))


def _bag_max(w: Tensor, idx: np.ndarray, bag: np.ndarray, nbags: int) -> Tensor:
    """Per bag and column, the row PyTorch's kernel keeps (``val > max`` replaces, so the
    first maximum; a NaN only when it is the bag's first value); bags are contiguous runs
    of the non-decreasing ``bag``."""
    dim = w.shape[1]
    present, first = np.unique(bag, return_index=True)
    pick = np.zeros((len(present), dim), dtype=np.int64)
    if len(idx):
        v = w._data[idx]
        nan = np.isnan(v)
        vc = np.where(nan, -np.inf, v)
        top = np.maximum.reduceat(vc, first, axis=0)
        group = np.searchsorted(present, bag)
        at = np.where(vc == top[group], np.arange(len(idx))[:, None], len(idx))
        pick = np.minimum.reduceat(at, first, axis=0)
        pick = np.where(nan[first], first[:, None], pick)
    cols = np.broadcast_to(np.arange(dim), pick.shape)
    vals = Embedding.apply(w, idx=(idx[pick], cols))
    return EmbeddingBag.apply(vals, idx=(present[:, None], cols), shape=(nbags, dim))


__all__ = ["embedding", "embedding_bag"]
