"""nn.RNN / LSTM / GRU and the cells: bad inputs, states and constructor arguments raise
errors that name what was expected and what was given."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from tests.nn.recurrent_helpers import CELL_OF, LAYERS
from tinygrad_nn import tensor
from tinygrad_nn.nn.recurrent import GRU, LSTM, RNN, RNNCell

# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_wrong_feature_count_names_both_sizes(kind: str) -> None:
    m = LAYERS[kind](5, 4)
    with pytest.raises(RuntimeError, match=rf"{kind}: input has 7 features, expected input_size=5"):
        m(np.zeros((3, 2, 7), np.float32))
    with pytest.raises(RuntimeError, match=rf"{kind}: input has 7 features, expected input_size=5"):
        m(np.zeros((3, 7), np.float32))  # unbatched input is checked too
    # a 2-D batch (seq_len, batch) that forgot its feature axis: the message says how 2-D reads
    two_d = re.escape("a 2-D input (3, 2) is read as one unbatched sequence (seq_len, "
                      "input_size); a batch needs a 3-D input (seq_len, batch, input_size)")
    with pytest.raises(RuntimeError, match=two_d):
        m(np.zeros((3, 2), np.float32))
    with pytest.raises(RuntimeError, match=re.escape("a 3-D input (batch, seq_len, input_size)")):
        LAYERS[kind](5, 4, batch_first=True)(np.zeros((3, 2), np.float32))
    with pytest.raises(ValueError, match=r"expected a 3-D input .* got shape \(2, 3, 4, 5\)"):
        m(np.zeros((2, 3, 4, 5), np.float32))
    with pytest.raises(ValueError, match=r"got shape \(5,\)"):
        m(np.zeros(5, np.float32))
    with pytest.raises(TypeError, match="floating-point input"):
        m(np.zeros((3, 2, 5), np.int64))
    with pytest.raises(ValueError, match="empty"):
        m(np.zeros((0, 2, 5), np.float32))


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_wrong_initial_state_shape_names_expected_and_given(kind: str) -> None:
    m = LAYERS[kind](3, 4, num_layers=2)
    x = np.zeros((5, 3, 3), np.float32)
    bad = np.zeros((1, 3, 4), np.float32)
    good = np.zeros((2, 3, 4), np.float32)
    hx = (bad, good) if kind == "LSTM" else bad
    msg = r"h0 has shape \(1, 3, 4\), expected \(2, 3, 4\) = \(num_layers \* num_directions"
    with pytest.raises(ValueError, match=msg):
        m(x, hx)
    if kind == "LSTM":
        with pytest.raises(ValueError, match=r"c0 has shape \(1, 3, 4\), expected \(2, 3, 4\)"):
            m(x, (good, bad))
    # an unbatched input takes 2-D states
    hx = (good, good) if kind == "LSTM" else good
    with pytest.raises(ValueError, match=r"expected \(2, 4\) .*unbatched"):
        m(x[:, 0], hx)


def test_lstm_needs_a_tuple_of_two_states() -> None:
    m = LSTM(3, 4)
    x = np.zeros((2, 1, 3), np.float32)
    h0 = np.zeros((1, 1, 4), np.float32)
    with pytest.raises(ValueError, match=r"LSTM: expected the initial state as a tuple \(h0, c0\), "
                                         "got a single Tensor"):
        m(x, tensor(h0))
    with pytest.raises(ValueError, match="tuple of length 1"):
        m(x, (h0,))
    with pytest.raises(ValueError, match="both h0 and c0"):
        m(x, (h0, None))
    with pytest.raises(ValueError, match=r"GRU: expected h0 as one Tensor, got a tuple"):
        GRU(3, 4)(x, (h0, h0))


@pytest.mark.parametrize("bad", [-0.1, 1.5, True, "0.5"])
@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_dropout_outside_unit_interval_is_rejected(cls: Any, bad: Any) -> None:
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\], got"):
        cls(3, 4, num_layers=2, dropout=bad)


def test_dropout_on_a_single_layer_warns_like_pytorch() -> None:
    with pytest.warns(UserWarning, match="no effect with num_layers=1"):
        LSTM(3, 4, dropout=0.5)


@pytest.mark.parametrize("ctor", [lambda: RNN(3, 4, nonlinearity="sigmoid"),
                                  lambda: RNNCell(3, 4, nonlinearity="sigmoid")])
def test_unknown_nonlinearity_is_rejected(ctor: Any) -> None:
    with pytest.raises(ValueError, match=r"nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        ctor()


@pytest.mark.parametrize("args,error,match", [
    ((0, 4), ValueError, "input_size must be a positive int, got 0"),
    ((3, 2.5), TypeError, r"hidden_size should be of type int, got: float \(2.5\)"),
    ((3, 4, 0), ValueError, "num_layers must be an int >= 1, got 0")])
def test_bad_sizes_are_rejected(args: tuple[Any, ...], error: type, match: str) -> None:
    with pytest.raises(error, match=match):  # PyTorch's types: TypeError for a float size
        LSTM(*args)


@pytest.mark.parametrize("kind", sorted(CELL_OF))
def test_cell_errors_name_expected_and_given(kind: str) -> None:
    cell = CELL_OF[kind](5, 4)
    msg = rf"{kind}Cell: input has 7 features, expected input_size=5"
    with pytest.raises(ValueError, match=msg):
        cell(np.zeros((2, 7), np.float32))
    with pytest.raises(ValueError, match=r"got shape \(1, 2, 5\)"):
        cell(np.zeros((1, 2, 5), np.float32))
    h = np.zeros((3, 4), np.float32)
    hx = (h, h) if kind == "LSTM" else h
    msg = r"has shape \(3, 4\), expected \(2, 4\) = \(batch, hidden_size\)"
    with pytest.raises(ValueError, match=msg):
        cell(np.zeros((2, 5), np.float32), hx)
    if kind == "LSTM":
        msg = r"expected the state as a tuple \(h, c\), got a single"
        with pytest.raises(ValueError, match=msg):
            cell(np.zeros((2, 5), np.float32), tensor(h[:2]))
