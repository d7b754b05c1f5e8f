"""``F.bilinear``: y = x1^T W x2 + b, per output feature (a composite of two products)."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .basic import as_tensor


def bilinear(input1: Any, input2: Any, weight: Any, bias: Any = None) -> Tensor:
    """y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o];
    x1: (*, in1), x2: (*, in2), W: (out, in1, in2) -> (*, out)."""
    x1, x2, w = as_tensor(input1), as_tensor(input2), as_tensor(weight)
    if x1.ndim != x2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {x1.ndim} and "
                           f"{x2.ndim}")
    for d, (m, n) in enumerate(zip(x1.shape[:-1], x2.shape[:-1])):
        if m != n:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {m} and {n}")
    if w.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D (out, in1, in2), got shape "
                           f"{tuple(w.shape)}")
    out, n1, n2 = w.shape
    for k, (x, n) in enumerate(((x1, n1), (x2, n2)), 1):
        if x.ndim == 0 or x.shape[-1] != n:
            raise RuntimeError(f"bilinear(): input{k} size does not match weight size: got "
                               f"{x.shape[-1] if x.ndim else 0} but expected {n}")
    lead = x1.shape[:-1]
    # (rows, in1) @ (in1, out in2): one 2-D product, then the in2 contraction per output
    z = x1.reshape(-1, n1) @ w.permute(1, 0, 2).reshape(n1, out * n2)
    y = (z.reshape(-1, out, n2) * x2.reshape(-1, 1, n2)).sum(-1).reshape(lead + (out,))
    if bias is None:
        return y
    b = as_tensor(bias)
    if b.shape != (out,):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{b.shape[0] if b.ndim else 0} but expected {out}")
    return y + b
