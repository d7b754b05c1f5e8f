"""Shared by the recurrent tests: the layers and cells by name, random arrays, h_n of a state."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_nn import Tensor
from tinygrad_nn.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

LAYERS = {"RNN": RNN, "LSTM": LSTM, "GRU": GRU}
CELL_OF = {"RNN": RNNCell, "LSTM": LSTMCell, "GRU": GRUCell}


def _rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def _h_n(kind: str, state: Any) -> Tensor:
    return state[0] if kind == "LSTM" else state
