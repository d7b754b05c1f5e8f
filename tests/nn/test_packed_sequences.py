"""nn.utils.rnn (pad / pack variable-length sequences) and the recurrent layers on packed
input, against PyTorch: values, gradients, batch sizes, index permutations and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn.nn.utils import rnn as R

torch = pytest.importorskip("torch")
TR = torch.nn.utils.rnn


def _pair(x: np.ndarray) -> tuple[Any, Any]:
    return tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def _close(a: Any, b: Any, tol: float = 1e-12) -> None:
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


def _ints(t: Any) -> list[int] | None:
    return None if t is None else [int(v) for v in t.tolist()]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize(("lengths", "enforce_sorted"),
                         [([5, 4, 2], True), ([2, 5, 4], False), ([3, 3, 1, 3], False)])
def test_pack_and_pad_round_trip_like_pytorch(lengths: list[int], enforce_sorted: bool,
                                              batch_first: bool) -> None:
    rng = np.random.default_rng(0)
    shape = (len(lengths), 5, 2) if batch_first else (5, len(lengths), 2)
    ours_x, their_x = _pair(rng.standard_normal(shape))
    ours = R.pack_padded_sequence(ours_x, lengths, batch_first, enforce_sorted)
    theirs = TR.pack_padded_sequence(their_x, torch.tensor(lengths), batch_first,
                                     enforce_sorted)
    _close(ours.data, theirs.data, 0)
    assert _ints(ours.batch_sizes) == _ints(theirs.batch_sizes)
    assert _ints(ours.sorted_indices) == _ints(theirs.sorted_indices)
    assert _ints(ours.unsorted_indices) == _ints(theirs.unsorted_indices)
    assert ours.batch_sizes.dtype == tg.int64
    padded, lens = R.pad_packed_sequence(ours, batch_first, padding_value=-2.0, total_length=7)
    ref, ref_lens = TR.pad_packed_sequence(theirs, batch_first, padding_value=-2.0,
                                           total_length=7)
    _close(padded, ref, 0)
    assert _ints(lens) == _ints(ref_lens)
    weights = np.arange(np.prod(ref.shape), dtype=float).reshape(tuple(ref.shape))
    (padded * tg.tensor(weights)).sum().backward()  # the gradient flows back through both
    (ref * torch.tensor(weights)).sum().backward()
    _close(ours_x.grad, their_x.grad, 0)


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence_and_unpad_like_pytorch(side: str, batch_first: bool) -> None:
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((n, 3)) for n in (2, 4, 1)]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    a = R.pad_sequence(ours, batch_first, 5.0, side)
    b = TR.pad_sequence(theirs, batch_first, 5.0, side)
    _close(a, b, 0)
    (a ** 2).sum().backward()
    (b ** 2).sum().backward()
    for x, y in zip(ours, theirs):
        _close(x.grad, y.grad, 0)
    if side == "right":
        back = R.unpad_sequence(a, [2, 4, 1], batch_first)
        for x, arr in zip(back, arrays):
            np.testing.assert_array_equal(x.detach().numpy(), arr)


def test_pack_sequence_and_unpack() -> None:
    arrays = [np.arange(n * 2.0).reshape(n, 2) for n in (3, 1, 4)]
    packed = R.pack_sequence([tg.tensor(a) for a in arrays], enforce_sorted=False)
    ref = TR.pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted=False)
    _close(packed.data, ref.data, 0)
    for x, arr in zip(R.unpack_sequence(packed), arrays):
        np.testing.assert_array_equal(x.numpy(), arr)
    assert packed.to(tg.float32).data.dtype == tg.float32 and not packed.is_cuda


def test_errors_match_pytorch() -> None:
    x = tg.zeros(4, 2, 1)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        R.pack_padded_sequence(x, [2, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        R.pack_padded_sequence(x, [2, 0])
    with pytest.raises(RuntimeError, match="exceeds"):
        R.pack_padded_sequence(x, [5, 3])
    packed = R.pack_padded_sequence(x, [3, 2])
    with pytest.raises(ValueError, match="total_length"):
        R.pad_packed_sequence(packed, total_length=2)
    with pytest.raises(ValueError, match="padding_side"):
        R.pad_sequence([tg.zeros(2)], padding_side="middle")
    with pytest.raises(RuntimeError, match="trailing"):
        R.pad_sequence([tg.zeros(2, 3), tg.zeros(2, 4)])


def _run(lib: Any, mode: str, bidirectional: bool, layers: int, x: np.ndarray,
         lengths: list[int], enforce_sorted: bool, h0: np.ndarray | None,
         state: dict[str, Any] | None) -> tuple[Any, ...]:
    """A packed forward and backward of ``mode``; returns padded output, h_n, and the
    gradients of the input and of every parameter."""
    proj = {"proj_size": 2} if mode == "LSTM-proj" else {}  # LSTM with projections
    mode = mode.removesuffix("-proj")
    m = getattr(lib.nn, mode)(3, 4, num_layers=layers, bidirectional=bidirectional,
                              **proj).double()
    if state is not None:
        m.load_state_dict(state)
    xt = lib.tensor(x, requires_grad=True)
    rnn = R if lib is tg else TR
    packed = rnn.pack_padded_sequence(xt, lengths if lib is tg else torch.tensor(lengths),
                                      enforce_sorted=enforce_sorted)
    hx: Any = None
    if h0 is not None:
        hx = lib.tensor(h0)
        if mode == "LSTM":
            hx = (hx[..., :2] if proj else hx, hx * 0.5)
    out, h = m(packed, hx)
    padded, _ = rnn.pad_packed_sequence(out)
    if mode == "LSTM":
        h = h[0].sum() + 2 * h[1]
    ((padded ** 2).sum() + (h ** 3).sum()).backward()
    return (padded, h, xt.grad, *[p.grad for p in m.parameters()], m)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU", "LSTM-proj"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize(("lengths", "enforce_sorted"), [([5, 4, 2], True), ([2, 5, 4], False)])
@pytest.mark.parametrize("with_h0", [False, True])
def test_recurrent_layers_on_packed_input_match_pytorch(
        mode: str, bidirectional: bool, lengths: list[int], enforce_sorted: bool,
        with_h0: bool) -> None:
    """Outputs, final states (each sequence's own last step; the reverse direction from its
    own end) and every gradient, for 2 layers."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 3, 3))
    dirs = 2 if bidirectional else 1
    h0 = rng.standard_normal((2 * dirs, 3, 4)) if with_h0 else None
    *theirs, tm = _run(torch, mode, bidirectional, 2, x, lengths, enforce_sorted, h0, None)
    state = {k: v.detach().numpy() for k, v in tm.state_dict().items()}
    *ours, _ = _run(tg, mode, bidirectional, 2, x, lengths, enforce_sorted, h0, state)
    for a, b in zip(ours, theirs):
        _close(a, b)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.sampled_from(["RNN", "GRU",
                                                                             "LSTM"]),
       st.booleans())
def test_any_lengths_match_pytorch(lengths: list[int], mode: str, bidirectional: bool) -> None:
    rng = np.random.default_rng(len(lengths))
    x = rng.standard_normal((max(lengths), len(lengths), 3))
    *theirs, tm = _run(torch, mode, bidirectional, 1, x, lengths, False, None, None)
    state = {k: v.detach().numpy() for k, v in tm.state_dict().items()}
    *ours, _ = _run(tg, mode, bidirectional, 1, x, lengths, False, None, state)
    for a, b in zip(ours, theirs):
        _close(a, b)


def test_packed_input_of_the_wrong_width_is_refused() -> None:
    lstm = tg.nn.LSTM(3, 4)
    packed = R.pack_sequence([tg.zeros(2, 5)])
    with pytest.raises(RuntimeError, match="input_size=3"):
        lstm(packed)


def test_total_norm_helpers_match_pytorch() -> None:
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    for norm_type in (2.0, 1.0, 3.5, float("inf")):
        ours = tg.nn.utils.get_total_norm([tg.tensor(a) for a in arrays], norm_type)
        theirs = torch.nn.utils.get_total_norm([torch.tensor(a) for a in arrays], norm_type)
        np.testing.assert_allclose(float(ours), float(theirs), rtol=1e-12)
    ps = [tg.tensor(a, requires_grad=True) for a in arrays]
    tps = [torch.tensor(a, requires_grad=True) for a in arrays]
    for p, tp in zip(ps, tps):
        (p * p).sum().backward()
        (tp * tp).sum().backward()
    tg.nn.utils.clip_grads_with_norm_(ps, 1.0, tg.nn.utils.get_total_norm([p.grad for p in ps]))
    torch.nn.utils.clip_grads_with_norm_(tps, 1.0, torch.nn.utils.get_total_norm(
        [p.grad for p in tps]))
    for p, tp in zip(ps, tps):
        _close(p.grad, tp.grad)
