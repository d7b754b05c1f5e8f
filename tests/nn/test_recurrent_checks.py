"""RNN / LSTM / GRU's public argument checks (check_input, check_forward_args,
get_expected_hidden_size, get_expected_cell_size, check_hidden_size, permute_hidden) give
PyTorch's results, exception types and messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import nn

torch = pytest.importorskip("torch")

X = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32)


def _both(fn: Callable[[Any, Any], Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for lib, layers in ((tg, nn), (torch, torch.nn)):
        try:
            out.append(("ok", fn(lib, layers)))
        except (ValueError, RuntimeError) as e:  # ValueError's dtype text: torch.float32
            out.append((type(e).__name__, str(e).replace("torch.", "")))
    return out


CONFIGS = [("RNN", {}), ("GRU", {"bidirectional": True}), ("LSTM", {"proj_size": 2}),
           ("LSTM", {"batch_first": True, "num_layers": 2})]


@pytest.mark.parametrize("cls,kw", CONFIGS, ids=[f"{c}{k}" for c, k in CONFIGS])
@pytest.mark.parametrize("call", [
    lambda m, lib: m.get_expected_hidden_size(lib.tensor(X), None),
    lambda m, lib: m.get_expected_hidden_size(lib.tensor(X[:, :, 0]), lib.tensor([2, 2, 1])),
    lambda m, lib: m.check_input(lib.tensor(X), None),
    lambda m, lib: m.check_input(lib.tensor(X.astype(np.float64)), None),
    lambda m, lib: m.check_input(lib.tensor(X[0]), None),
    lambda m, lib: m.check_input(lib.tensor(X[..., :2]), None),
    lambda m, lib: m.check_hidden_size(lib.zeros(1, 3, 4), (1, 2, 4)),
    lambda m, lib: m.check_hidden_size(lib.zeros(1, 2, 4), (1, 2, 4)),
], ids=["hidden", "hidden-packed", "input", "dtype", "ndim", "features", "bad-h", "good-h"])
def test_checks_match_pytorch(cls: str, kw: dict[str, Any], call: Any) -> None:
    ours, theirs = _both(lambda lib, layers: call(getattr(layers, cls)(3, 4, **kw), lib))
    assert ours == theirs


def test_lstm_checks_the_cell_state_with_its_own_message() -> None:
    def args(lib: Any, c: int) -> Any:
        return lib.tensor(X), (lib.zeros(1, 2, 2), lib.zeros(1, 2, c)), None
    ours, theirs = _both(lambda lib, L: L.LSTM(3, 4, proj_size=2).check_forward_args(
        *args(lib, 5)))
    assert ours == theirs and "hidden[1]" in ours[1]
    ours, theirs = _both(lambda lib, L: L.LSTM(3, 4, proj_size=2).check_forward_args(
        *args(lib, 4)))
    assert ours == theirs == ("ok", None)
    assert _both(lambda lib, L: L.LSTM(3, 4).get_expected_cell_size(lib.tensor(X), None)) == \
        [("ok", (1, 2, 4))] * 2
    ours, theirs = _both(lambda lib, L: L.GRU(3, 4).check_forward_args(
        lib.tensor(X), lib.zeros(2, 2, 4), None))
    assert ours == theirs and ours[0] == "RuntimeError"


def test_permute_hidden_reorders_the_batch_axis() -> None:
    def perm(lib: Any, layers: Any, cls: str) -> Any:
        h = lib.arange(6.0).reshape(1, 3, 2)
        out = getattr(layers, cls)(3, 4).permute_hidden((h, h) if cls == "LSTM" else h,
                                                       lib.tensor([2, 0, 1]))
        return [t.tolist() for t in out] if cls == "LSTM" else out.tolist()
    for cls in ("GRU", "LSTM"):
        ours, theirs = _both(lambda lib, layers, c=cls: perm(lib, layers, c))
        assert ours == theirs
    h = tg.zeros(1, 3, 2)
    assert nn.GRU(3, 4).permute_hidden(h, None) is h
