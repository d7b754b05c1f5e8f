"""Sparse tensors, stored dense: ``sparse_coo_tensor``, ``Tensor.to_sparse`` and
``torch.sparse``'s products give PyTorch's values and gradients (graph networks such as
pytorch/examples' GCN and GAT run unchanged), with none of the memory saving: tinygrad_nn
has one layout, NumPy's strided arrays. So ``is_sparse`` is False and ``indices()`` /
``values()`` do not exist."""

from __future__ import annotations

from typing import Any

import numpy as np

from .creation import _check_device
from .dtypes import as_dtype
from .tensor import Tensor


def sparse_coo_tensor(indices: Any, values: Any, size: Any = None, *, dtype: Any = None,
                      device: Any = None, requires_grad: bool = False,
                      check_invariants: bool | None = None,
                      is_coalesced: bool | None = None) -> Tensor:
    """The tensor holding ``values[k]`` at ``indices[:, k]`` (repeated indices add up, as
    PyTorch's coalescing does) and zeros elsewhere; ``size`` defaults to the smallest shape
    that holds every index. Differentiable in ``values``."""
    _check_device(device)
    idx = np.asarray(indices._data if isinstance(indices, Tensor) else indices)
    if idx.ndim != 2 or idx.dtype.kind not in "iu":
        raise ValueError(f"sparse_coo_tensor: indices must be a 2-D integer array (ndim, nnz), "
                         f"got {idx.dtype} of shape {tuple(idx.shape)}")
    vals = values if isinstance(values, Tensor) else Tensor._new(np.asarray(values))
    if dtype is not None:
        vals = vals.to(as_dtype(dtype))
    if vals.shape[:1] != idx.shape[1:]:
        raise ValueError(f"sparse_coo_tensor: {idx.shape[1]} indices but values of shape "
                         f"{tuple(vals.shape)}")
    shape = (tuple(int(n) for n in size) if size is not None
             else tuple(int(m) + 1 for m in idx.max(axis=1, initial=-1)) + tuple(vals.shape[1:]))
    sparse_dims = shape[:idx.shape[0]]
    if idx.size and ((idx < 0).any() or (idx.max(axis=1) >= np.array(sparse_dims)).any()):
        raise RuntimeError(f"sparse_coo_tensor: an index is out of bounds for size {shape}")
    flat = np.ravel_multi_index(tuple(idx), sparse_dims) if idx.size else idx.reshape(-1)
    rest = tuple(vals.shape[1:])
    zeros = Tensor._new(np.zeros((int(np.prod(sparse_dims)),) + rest, dtype=vals.dtype))
    index = Tensor._new(flat.astype(np.int64).reshape((-1,) + (1,) * len(rest))).expand(
        len(flat), *rest)
    out = zeros.scatter_add(0, index, vals).reshape(shape)
    return out.requires_grad_() if requires_grad and out.is_leaf else out


def mm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """``mat1 @ mat2`` (``torch.sparse.mm``)."""
    return mat1 @ mat2


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1.0,
          alpha: float = 1.0) -> Tensor:
    """``beta * input + alpha * mat1 @ mat2`` (``torch.sparse.addmm``)."""
    return input.addmm(mat1, mat2, beta=beta, alpha=alpha)


def sum(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:  # noqa: A001
    """The sum of all elements, or over ``dim`` (``torch.sparse.sum``)."""
    out = input.sum() if dim is None else input.sum(dim)
    return out if dtype is None else out.to(as_dtype(dtype))


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Softmax along ``dim`` (``torch.sparse.softmax``; dense, so zeros take part)."""
    return input.softmax(dim) if dtype is None else input.to(as_dtype(dtype)).softmax(dim)


spmm = mm

__all__ = ["addmm", "mm", "softmax", "sparse_coo_tensor", "spmm", "sum"]
