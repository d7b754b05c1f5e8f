"""Variable-length sequences for the recurrent layers (PyTorch's ``torch.nn.utils.rnn``).

A batch of sequences of different lengths is either *padded* to one length, (T, B, *)
with ``lengths``, or *packed*: a ``PackedSequence`` whose ``data`` holds, time step after
time step, the rows of the sequences still running at that step (longest first), and whose
``batch_sizes[t]`` says how many there are. ``RNN``, ``LSTM`` and ``GRU`` take a
PackedSequence and then run each sequence only over its own length (and the reverse
direction from its own last element), returning a PackedSequence.

Every conversion is differentiable (a gather of rows), so gradients flow to the padded
input and from the padded output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ...tensor import Tensor
from ...tensor_functions import concatenate


class PackedSequence(NamedTuple):
    """Packed sequences: ``data`` (sum of lengths, *), ``batch_sizes`` (T,) int64, and the
    permutation that sorted the batch by decreasing length (``sorted_indices``) and its
    inverse (``unsorted_indices``), None when the batch came sorted."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same sequences with ``data.to(...)`` (a dtype or the CPU)."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def float(self) -> PackedSequence:
        return self._replace(data=self.data.float())

    def double(self) -> PackedSequence:
        return self._replace(data=self.data.double())

    def cpu(self) -> PackedSequence:
        return self


def _lengths(lengths: Any) -> np.ndarray:
    arr = np.asarray(lengths._data if isinstance(lengths, Tensor) else lengths)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise ValueError(f"lengths must be a 1-D sequence of ints, got {arr.dtype} of shape "
                         f"{tuple(arr.shape)}")
    return arr.astype(np.int64)


def _row_index(batch_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each packed row, its (time step, batch position): the packing order."""
    t = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    b = np.concatenate([np.arange(n) for n in batch_sizes]) if len(batch_sizes) else t
    return t, b


def pack_padded_sequence(input: Any, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of sequences of
    ``lengths``; with ``enforce_sorted`` the lengths must be in decreasing order."""
    x = input if isinstance(input, Tensor) else Tensor._new(np.asarray(input))
    lens = _lengths(lengths)
    if batch_first:
        x = x.swapaxes(0, 1)
    if x.ndim < 2 or len(lens) != x.shape[1]:
        raise ValueError(f"pack_padded_sequence: expected {len(lens)} sequences along the "
                         f"batch dimension, got input of shape {tuple(input.shape)}")
    if (lens <= 0).any():
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if lens.max(initial=0) > x.shape[0]:
        raise RuntimeError(f"pack_padded_sequence: a length of {lens.max()} exceeds the "
                           f"input's {x.shape[0]} time steps")
    sorted_idx = unsorted_idx = None
    if enforce_sorted:
        if (np.diff(lens) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.")
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_idx, unsorted_idx = order, np.argsort(order)
        lens = lens[order]
        x = x[:, order]
    batch_sizes = (lens[None, :] > np.arange(lens[0])[:, None]).sum(axis=1)
    t, b = _row_index(batch_sizes)
    return PackedSequence(
        x[t, b], Tensor._new(batch_sizes.astype(np.int64)),
        None if sorted_idx is None else Tensor._new(sorted_idx.astype(np.int64)),
        None if unsorted_idx is None else Tensor._new(unsorted_idx.astype(np.int64)))


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None
                        ) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: (padded (T, B, *) or (B, T, *), lengths), the batch
    in its original order; ``total_length`` pads T further."""
    data, batch_sizes = sequence.data, sequence.batch_sizes._data
    steps, batch = len(batch_sizes), int(batch_sizes[0]) if len(batch_sizes) else 0
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}")
        steps = total_length
    lens = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(axis=1)
    # each (t, b) of the padded output reads one packed row, or the extra padding row
    index = np.full((steps, batch), data.shape[0], dtype=np.int64)
    t, b = _row_index(batch_sizes)
    index[t, b] = np.arange(data.shape[0])
    pad = Tensor._new(np.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype))
    padded = concatenate([data, pad])[index]
    if sequence.unsorted_indices is not None:
        order = sequence.unsorted_indices._data
        padded, lens = padded[:, order], lens[order]
    if batch_first:
        padded = padded.swapaxes(0, 1)
    return padded, Tensor._new(lens.astype(np.int64))


def pad_sequence(sequences: Sequence[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack sequences (L_i, *) into (max L, B, *) (or (B, max L, *) with ``batch_first``),
    padded with ``padding_value`` on the ``padding_side`` ('right' or 'left')."""
    if padding_side not in ("right", "left"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    seqs = [s if isinstance(s, Tensor) else Tensor._new(np.asarray(s)) for s in sequences]
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    tail = seqs[0].shape[1:]
    for i, s in enumerate(seqs):
        if s.ndim < 1 or s.shape[1:] != tail:
            raise RuntimeError(f"pad_sequence: sequence {i} has shape {tuple(s.shape)}, the "
                               f"first has trailing dimensions {tuple(tail)}")
    lens = np.array([s.shape[0] for s in seqs], dtype=np.int64)
    steps = int(lens.max())
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    data = concatenate(seqs + [Tensor._new(np.full((1,) + tuple(tail), padding_value,
                                              dtype=np.result_type(*[s.dtype for s in seqs])))])
    pos = np.arange(steps)[:, None]  # (T, 1) against (B,)
    offset = pos - (steps - lens if padding_side == "left" else 0)
    valid = (offset >= 0) & (offset < lens)
    index = np.where(valid, starts + offset, int(lens.sum()))
    out = data[index]
    return out.swapaxes(0, 1) if batch_first else out


def unpad_sequence(padded_sequences: Tensor, lengths: Any,
                   batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into its sequences (L_i, *)."""
    x = padded_sequences.swapaxes(0, 1) if not batch_first else padded_sequences
    return [x[i, :int(n)] for i, n in enumerate(_lengths(lengths))]


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) (longest first, unless ``enforce_sorted=False``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences (L_i, *) of a PackedSequence, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


__all__ = ["PackedSequence", "pack_padded_sequence", "pack_sequence", "pad_packed_sequence",
           "pad_sequence", "unpack_sequence", "unpad_sequence"]
