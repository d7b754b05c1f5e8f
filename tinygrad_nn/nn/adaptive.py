"""AdaptiveLogSoftmaxWithLoss: PyTorch's adaptive softmax (Grave et al., "Efficient softmax
approximation for GPUs"), with its parameters, state_dict keys, outputs and errors.

The classes are split by ``cutoffs`` into a shortlist (the head's first ``cutoffs[0]``
outputs) and clusters; the head also scores each cluster, and cluster i's own small
classifier (``tail[i]``: in_features -> in_features // div_value**(i+1) -> cluster size)
scores the classes inside it: log p(c) = log p_head(cluster) + log p_cluster(c).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import functional as F
from ..functional import cat
from ..tensor import Tensor
from .containers import ModuleList, Sequential
from .linear import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax: ``forward(input (N, in_features), target (N,))`` ->
    ``_ASMoutput(output (N,), loss ())``, output[n] = log p(target[n] | input[n]) and loss
    the mean of -output; ``log_prob(input)`` -> (N, n_classes); ``predict(input)`` -> (N,).

    ``AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0,
    head_bias=False)``; parameters ``head.weight`` (cutoffs[0] + len(cutoffs), in_features)
    (``head.bias`` with head_bias) and, per cluster i, ``tail.i.0.weight`` (h_i, in_features)
    and ``tail.i.1.weight`` (cluster size, h_i), h_i = in_features // div_value**(i+1).
    A 1-D input with a 0-D target is one sample (output then 0-D).
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int],
                 div_value: float = 4.0, head_bias: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted "
                             "in an increasing order, where each value is between 1 and "
                             f"n_classes-1 (n_classes={n_classes}, got cutoffs={cutoffs})")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs: list[int] = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device,
                           dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(in_features // (div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(
                Linear(in_features, hsz, bias=False, device=device, dtype=dtype),
                Linear(hsz, osz, bias=False, device=device, dtype=dtype)))

    def reset_parameters(self) -> None:
        """Draw every Linear's parameters anew (Linear's default initialisation)."""
        self.head.reset_parameters()
        for i2h, h2o in self.tail:  # type: ignore[attr-defined]
            i2h.reset_parameters()
            h2o.reset_parameters()

    def forward(self, input_: Any, target_: Any) -> Any:
        """(output, loss): output[n] = log p(target[n] | input[n]), loss = mean(-output)."""
        x, target = F.as_tensor(input_), F.as_tensor(target_)
        if target.ndim == 1:
            if x.shape[0] != target.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch "
                                   f"dimension (input {tuple(x.shape)}, target "
                                   f"{tuple(target.shape)}).")
            if x.ndim != 2:
                raise RuntimeError("1D target tensor expects 2D input tensors, but found "
                                   f"inputs with size {tuple(x.shape)}")
        elif target.ndim == 0:
            if x.ndim != 1:
                raise RuntimeError("0D target tensor expects 1D input tensors, but found "
                                   f"inputs with size {tuple(x.shape)}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported "
                               f"(got target of shape {tuple(target.shape)})")
        batched = target.ndim > 0
        if not batched:
            x = x.unsqueeze(0)
        t = np.asarray(target._data).reshape(-1)
        if t.dtype not in (np.int32, np.int64):  # PyTorch's gather() index rule
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: expected an int32/int64 target of "
                               f"class indices, got dtype {t.dtype}")
        output = x.new_zeros(t.shape[0])
        head_class = t.copy()  # the head's output each row reads: its class or its cluster's
        used = 0
        bounds = [0, *self.cutoffs]
        for i, (low, high) in enumerate(zip(bounds[:-1], bounds[1:])):
            rows = np.nonzero((t >= low) & (t < high))[0]
            if rows.size == 0:
                continue
            used += rows.size
            if i == 0:
                continue
            idx = Tensor._new(rows.astype(np.int64))
            cluster = F.log_softmax(self.tail[i - 1](x.index_select(0, idx)), dim=1)
            local = cluster.gather(1, Tensor._new((t[rows] - low).astype(np.int64)[:, None]))
            output = output.index_copy(0, idx, local.squeeze(1))
            head_class[rows] = self.shortlist_size + i - 1
        if used != t.shape[0]:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but "
                               f"values in range [{t.min()}, {t.max()}] were found. ")
        head = F.log_softmax(self.head(x), dim=1)
        output = output + head.gather(1, Tensor._new(head_class.astype(np.int64)[:, None]))\
            .squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _get_full_log_prob(self, x: Tensor, head_output: Tensor) -> Tensor:
        """log p of every class (N, n_classes) from x (N, in) and the head's output."""
        head = F.log_softmax(head_output, dim=1)
        parts = [head[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster = F.log_softmax(self.tail[i](x), dim=1)
            parts.append(cluster + head[:, self.shortlist_size + i].unsqueeze(1))
        return cat(parts, dim=1)

    def log_prob(self, input: Any) -> Tensor:
        """log p(c | input) for every class c; input (N, in_features) -> (N, n_classes)."""
        x = F.as_tensor(input)
        return self._get_full_log_prob(x, self.head(x))

    def predict(self, input: Any) -> Tensor:
        """The most likely class of each row; input (N, in_features) -> (N,) int64.

        Rows whose head picks a shortlist class are settled by the head alone (a shortlist
        class beats every class of a cluster the head scores lower), as in PyTorch."""
        x = F.as_tensor(input)
        head_output = self.head(x)
        output = head_output.argmax(dim=1)
        outside = np.asarray(output._data) >= self.shortlist_size
        if not outside.any():
            return output
        if outside.all():
            return self._get_full_log_prob(x, head_output).argmax(dim=1)
        rows = Tensor._new(np.nonzero(outside)[0].astype(np.int64))
        full = self._get_full_log_prob(x.index_select(0, rows), head_output.index_select(0, rows))
        return output.index_copy(0, rows, full.argmax(dim=1))


__all__ = ["AdaptiveLogSoftmaxWithLoss"]
