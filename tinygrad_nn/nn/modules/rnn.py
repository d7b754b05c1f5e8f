"""PyTorch's ``torch.nn.modules.rnn`` path: re-exports the classes defined in
``nn/recurrent.py``, ``nn/cells.py``."""

from ..cells import GRUCell, LSTMCell, RNNCell
from ..recurrent import GRU, LSTM, RNN

__all__ = [
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "RNNCell",
]
