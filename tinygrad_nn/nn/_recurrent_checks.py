"""PyTorch's RNNBase argument checks (``check_input``, ``check_forward_args``,
``get_expected_hidden_size``, ``permute_hidden`` ...), with its names, messages and
exception types, for subclasses written against PyTorch's API. The layers' own ``forward``
validates its inputs in ``_recurrent_modes``; these are the public helpers only."""

from __future__ import annotations

from typing import Any


class RNNChecks:
    """Mixed into RNN, LSTM and GRU; reads the layer's sizes and first weight."""

    input_size: int
    hidden_size: int
    num_layers: int
    batch_first: bool
    bidirectional: bool
    proj_size: int
    _flat_weights_names: list[str]

    def check_input(self, input: Any, batch_sizes: Any) -> None:
        """input (T, N, input_size) (2-D when packed, with ``batch_sizes``), of the
        weights' dtype."""
        dtype = getattr(self, self._flat_weights_names[0]).dtype
        if input.dtype != dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({dtype}). Convert input: input.to({dtype}), or convert model: "
                             f"model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.ndim != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.ndim}")
        if self.input_size != input.shape[-1]:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _batch(self, input: Any, batch_sizes: Any) -> int:
        if batch_sizes is not None:
            return int(batch_sizes[0])
        return int(input.shape[0] if self.batch_first else input.shape[1])

    def get_expected_hidden_size(self, input: Any, batch_sizes: Any) -> tuple[int, int, int]:
        """(num_layers * directions, N, proj_size or hidden_size)."""
        dirs = 2 if self.bidirectional else 1
        return (self.num_layers * dirs, self._batch(input, batch_sizes),
                self.proj_size or self.hidden_size)

    def check_hidden_size(self, hx: Any, expected_hidden_size: tuple[int, int, int],
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.shape) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.shape)))

    def check_forward_args(self, input: Any, hidden: Any, batch_sizes: Any) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx: Any, permutation: Any) -> Any:
        """hx with its batch axis (1) reordered by ``permutation`` (None: unchanged)."""
        return hx if permutation is None else hx.index_select(1, permutation)


class LSTMChecks(RNNChecks):
    """LSTM's forms: the state is (h, c), c of hidden_size even with projections."""

    def get_expected_cell_size(self, input: Any, batch_sizes: Any) -> tuple[int, int, int]:
        """(num_layers * directions, N, hidden_size)."""
        dirs = 2 if self.bidirectional else 1
        return self.num_layers * dirs, self._batch(input, batch_sizes), self.hidden_size

    def check_forward_args(self, input: Any, hidden: Any, batch_sizes: Any) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx: Any, permutation: Any) -> Any:
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)


__all__ = ["LSTMChecks", "RNNChecks"]
