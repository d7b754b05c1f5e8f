"""Parameters as one vector and back (PyTorch's ``torch.nn.utils.convert_parameters``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...tensor import Tensor
from ...tensor_functions import concatenate
from .clip_grad import _params


def parameters_to_vector(parameters: Any) -> Tensor:
    """Concatenate the flattened parameters into one 1-D Tensor (differentiable)."""
    params = _params(parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return concatenate([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Any, parameters: Any) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters, in place."""
    arr = np.asarray(vec._data if isinstance(vec, Tensor) else vec)
    params = _params(parameters)
    need = sum(p._data.size for p in params)
    if arr.ndim != 1 or arr.size != need:
        raise ValueError(f"vector_to_parameters: expected a 1-D vector of {need} elements "
                         f"(the parameters' total size), got shape {tuple(arr.shape)}")
    start = 0
    for p in params:
        n = p._data.size
        p._data[...] = arr[start:start + n].reshape(p.shape)
        p._bump_version()
        start += n


__all__ = ["parameters_to_vector", "vector_to_parameters"]
