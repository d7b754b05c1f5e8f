"""nn.RNN / LSTM / GRU and the cells against PyTorch, float64, after loading torch's weights.

Every check copies a torch module's ``state_dict`` (as NumPy) into ours and compares the
outputs, the final states, and the gradients of the input, the initial states and every
parameter, over drawn configurations: layers, directions, batch_first, bias, given or
zero initial states, unbatched input, sequences long enough for the two-level slicing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.torch

LAYERS = {"RNN": (RNN, "RNN"), "LSTM": (LSTM, "LSTM"), "GRU": (GRU, "GRU")}
CELLS = {"RNNCell": (RNNCell, "RNNCell"), "LSTMCell": (LSTMCell, "LSTMCell"),
         "GRUCell": (GRUCell, "GRUCell")}
TOL = {"rtol": 1e-9, "atol": 1e-11}


def _numpy_state(module: Any) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def _pair(ours_cls: Any, torch_name: str, **cfg: Any) -> tuple[Any, Any]:
    """A float64 torch module and ours with the same weights."""
    theirs = getattr(torch.nn, torch_name)(**cfg).double()
    ours = ours_cls(**cfg).double()
    ours.load_state_dict(_numpy_state(theirs))
    return ours, theirs


def _backward_both(outs: list[Any], touts: list[Any], seed: int) -> None:
    """Back-propagate the same random weighting of every output through both graphs."""
    rng = np.random.default_rng(seed)
    loss = tloss = 0
    for o, t in zip(outs, touts):
        w = rng.standard_normal(o.shape)
        loss = loss + (o * w).sum()
        tloss = tloss + (t * torch.from_numpy(w)).sum()
    loss.backward()
    tloss.backward()


def _assert_grads(ours: Any, theirs: Any, pairs: list[tuple[Any, Any]]) -> None:
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), **TOL, err_msg=name)
    for i, (a, b) in enumerate(pairs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **TOL, err_msg=f"input {i}")


def _leaf(a: np.ndarray) -> tuple[Any, Any]:
    return tg.tensor(a.copy(), requires_grad=True), torch.tensor(a.copy(), requires_grad=True)


@settings(max_examples=60)
@given(kind=st.sampled_from(sorted(LAYERS)), relu=st.booleans(), num_layers=st.integers(1, 3),
       bidirectional=st.booleans(), batch_first=st.booleans(), bias=st.booleans(),
       give_state=st.booleans(), unbatched=st.booleans(), steps=st.sampled_from([1, 2, 5, 11, 20]),
       batch=st.integers(1, 3), sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       seed=st.integers(0, 2**16), proj=st.integers(0, 3))
def test_layers_match_torch(kind: str, relu: bool, num_layers: int, bidirectional: bool,
                            batch_first: bool, bias: bool, give_state: bool, unbatched: bool,
                            steps: int, batch: int, sizes: tuple[int, int], seed: int,
                            proj: int) -> None:
    cls, tname = LAYERS[kind]
    cfg: dict[str, Any] = dict(input_size=sizes[0], hidden_size=sizes[1], num_layers=num_layers,
                               bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    if kind == "RNN" and relu:
        cfg["nonlinearity"] = "relu"
    if kind == "LSTM" and proj < sizes[1]:  # an LSTM with projections: h holds proj features
        cfg["proj_size"] = proj
    torch.manual_seed(seed)
    ours, theirs = _pair(cls, tname, **cfg)
    rng = np.random.default_rng(seed)
    shape = (batch, steps, sizes[0]) if batch_first else (steps, batch, sizes[0])
    if unbatched:
        shape = (steps, sizes[0])
    x, xt = _leaf(rng.standard_normal(shape))
    leaves = [(x, xt)]
    args: tuple[Any, ...] = (x,)
    targs: tuple[Any, ...] = (xt,)
    if give_state:
        sshape = (num_layers * (2 if bidirectional else 1),) + (() if unbatched else (batch,))
        h_size = cfg.get("proj_size") or sizes[1]
        states = [_leaf(rng.standard_normal(sshape + (size,)))
                  for size in ((h_size, sizes[1]) if kind == "LSTM" else (h_size,))]
        leaves += states
        if kind == "LSTM":
            args += ((states[0][0], states[1][0]),)
            targs += ((states[0][1], states[1][1]),)
        else:
            args += (states[0][0],)
            targs += (states[0][1],)
    out, hn = ours(*args)
    tout, thn = theirs(*targs)
    lstm = kind == "LSTM"
    outs, touts = ([out, *hn], [tout, *thn]) if lstm else ([out, hn], [tout, thn])
    for o, t in zip(outs, touts):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), **TOL)
    _backward_both(outs, touts, seed)
    _assert_grads(ours, theirs, leaves)


@settings(max_examples=40)
@given(kind=st.sampled_from(sorted(CELLS)), relu=st.booleans(), bias=st.booleans(),
       batch=st.sampled_from([None, 1, 3]), give_state=st.booleans(),
       sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)), seed=st.integers(0, 2**16))
def test_cells_match_torch(kind: str, relu: bool, bias: bool, batch: int | None,
                           give_state: bool, sizes: tuple[int, int], seed: int) -> None:
    cls, tname = CELLS[kind]
    cfg: dict[str, Any] = dict(input_size=sizes[0], hidden_size=sizes[1], bias=bias)
    if kind == "RNNCell" and relu:
        cfg["nonlinearity"] = "relu"
    torch.manual_seed(seed)
    ours, theirs = _pair(cls, tname, **cfg)
    rng = np.random.default_rng(seed)
    lead = () if batch is None else (batch,)
    x, xt = _leaf(rng.standard_normal(lead + (sizes[0],)))
    leaves = [(x, xt)]
    args: tuple[Any, ...] = (x,)
    targs: tuple[Any, ...] = (xt,)
    if give_state:
        states = [_leaf(rng.standard_normal(lead + (sizes[1],)))
                  for _ in range(2 if kind == "LSTMCell" else 1)]
        leaves += states
        if kind == "LSTMCell":
            args += ((states[0][0], states[1][0]),)
            targs += ((states[0][1], states[1][1]),)
        else:
            args += (states[0][0],)
            targs += (states[0][1],)
    got, want = ours(*args), theirs(*targs)
    outs = list(got) if kind == "LSTMCell" else [got]
    touts = list(want) if kind == "LSTMCell" else [want]
    for o, t in zip(outs, touts):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), **TOL)
    _backward_both(outs, touts, seed)
    _assert_grads(ours, theirs, leaves)


@pytest.mark.parametrize("kind", [*LAYERS, *CELLS])
@pytest.mark.parametrize("bias", [True, False])
def test_state_dict_names_shapes_and_repr_match_torch(kind: str, bias: bool) -> None:
    cls, tname = {**LAYERS, **CELLS}[kind]
    cfg: dict[str, Any] = dict(input_size=3, hidden_size=5, bias=bias)
    if kind in LAYERS:
        cfg.update(num_layers=3, bidirectional=True, batch_first=True, dropout=0.25)
    ours, theirs = cls(**cfg), getattr(torch.nn, tname)(**cfg)
    want = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    got = {k: v.shape for k, v in ours.state_dict().items()}
    assert list(got) == list(want)  # same names, same order
    assert got == want
    assert repr(ours) == repr(theirs)
    ours.load_state_dict(_numpy_state(theirs))  # strict: every key matches


@pytest.mark.parametrize("bias", [True, False])
def test_lstm_with_projections_has_torch_parameters_repr_and_errors(bias: bool) -> None:
    cfg: dict[str, Any] = dict(input_size=3, hidden_size=5, num_layers=2, bidirectional=True,
                               bias=bias, proj_size=2)
    ours, theirs = LSTM(**cfg), torch.nn.LSTM(**cfg)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(theirs.state_dict())  # weight_hr_l* last per run
    assert repr(ours) == repr(theirs) and ours.proj_size == theirs.proj_size == 2
    assert [len(g) for g in ours.all_weights] == [len(g) for g in theirs.all_weights]
    assert LSTM(3, 5, 1, True, False, 0.0, False, 2).proj_size == 2  # PyTorch's positions
    for bad in ({"proj_size": 5}, {"proj_size": -1}):
        with pytest.raises(ValueError) as ours_err:
            LSTM(3, 5, **bad)
        with pytest.raises(ValueError) as theirs_err:
            torch.nn.LSTM(3, 5, **bad)
        assert str(ours_err.value) == str(theirs_err.value)
    for cls, tname in (LAYERS["GRU"], LAYERS["RNN"]):
        with pytest.raises(ValueError, match="only supported for LSTM"):
            cls(3, 5, proj_size=2)
        with pytest.raises(ValueError, match="only supported for LSTM"):
            getattr(torch.nn, tname)(3, 5, proj_size=2)
    with pytest.raises(ValueError, match=r"h0 has shape \(4, 1, 5\), expected \(4, 1, 2\)"):
        ours(tg.randn(2, 1, 3), (tg.randn(4, 1, 5), tg.randn(4, 1, 5)))


def test_relu_repr_and_default_dtype_match_torch() -> None:
    assert repr(RNN(2, 3, 2, "relu")) == repr(torch.nn.RNN(2, 3, 2, "relu"))
    cell, tcell = RNNCell(2, 3, nonlinearity="relu"), torch.nn.RNNCell(2, 3, nonlinearity="relu")
    assert repr(cell) == repr(tcell)
    assert all(p.dtype == np.float32 for p in LSTM(2, 3).parameters())


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_dropout_acts_between_layers_only_in_training(kind: str) -> None:
    # p = 1 zeroes the whole input of layer 2 in both libraries: the outputs then depend on
    # the biases only, so they match exactly if (and only if) dropout sits between the
    # layers and not after the last one, and only in training mode
    cls, tname = LAYERS[kind]
    torch.manual_seed(0)
    ours, theirs = _pair(cls, tname, input_size=3, hidden_size=4, num_layers=2, dropout=1.0)
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        out, hn = ours(x)
        tout, thn = theirs(torch.from_numpy(x))
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), **TOL)
        first = hn[0] if kind == "LSTM" else hn
        tfirst = thn[0] if kind == "LSTM" else thn
        np.testing.assert_allclose(first.detach().numpy(), tfirst.detach().numpy(), **TOL)
    assert np.abs(out.detach().numpy()).max() > 0  # last layer's output was not dropped


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_eval_mode_ignores_dropout_like_torch(kind: str) -> None:
    cls, tname = LAYERS[kind]
    torch.manual_seed(1)
    ours, theirs = _pair(cls, tname, input_size=2, hidden_size=3, num_layers=3, dropout=0.5)
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(1).standard_normal((4, 3, 2))
    out, _ = ours(x)
    tout, _ = theirs(torch.from_numpy(x))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), **TOL)


def test_float32_lstm_matches_torch_within_float32_precision() -> None:
    torch.manual_seed(2)
    theirs = torch.nn.LSTM(4, 6, num_layers=2, bidirectional=True)
    ours = LSTM(4, 6, num_layers=2, bidirectional=True)
    ours.load_state_dict(_numpy_state(theirs))
    x = np.random.default_rng(2).standard_normal((9, 3, 4)).astype(np.float32)
    out, (hn, cn) = ours(x)
    tout, (thn, tcn) = theirs(torch.from_numpy(x))
    assert out.dtype == np.float32
    for a, b in ((out, tout), (hn, thn), (cn, tcn)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
