"""PyTorch's ``torch.nn.modules.rnn`` path: re-exports the classes defined in
``nn/recurrent.py``, ``nn/cells.py``."""

from ..cells import GRUCell, LSTMCell, RNNCell, RNNCellBase
from ..recurrent import GRU, LSTM, RNN, RNNBase

__all__ = [
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "RNNBase",
    "RNNCell",
    "RNNCellBase",
]
