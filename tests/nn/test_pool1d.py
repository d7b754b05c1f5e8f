"""MaxPool1d, AvgPool1d, AdaptiveAvgPool1d and their F forms against PyTorch: values,
gradients, indices, unbatched input, repr and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
X = np.random.default_rng(0).standard_normal((2, 3, 9))

CASES = [
    ("MaxPool1d", dict(kernel_size=3)),
    ("MaxPool1d", dict(kernel_size=2, stride=1, padding=1)),
    ("MaxPool1d", dict(kernel_size=3, stride=2, dilation=2, ceil_mode=True)),
    ("MaxPool1d", dict(kernel_size=(2,), stride=(2,))),
    ("AvgPool1d", dict(kernel_size=3)),
    ("AvgPool1d", dict(kernel_size=2, stride=1, padding=1, count_include_pad=False)),
    ("AvgPool1d", dict(kernel_size=3, stride=2, ceil_mode=True)),
    ("AdaptiveAvgPool1d", dict(output_size=4)),
    ("AdaptiveAvgPool1d", dict(output_size=9)),
]


@pytest.mark.parametrize(("name", "kw"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
@pytest.mark.parametrize("unbatched", [False, True])
def test_pool1d_layers_match_pytorch(name: str, kw: dict[str, Any], unbatched: bool) -> None:
    x = X[0] if unbatched else X
    ours, theirs = getattr(tg.nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(ours) == repr(theirs)
    xo, xt = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yo, yt = ours(xo), theirs(xt)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    (yo ** 2).sum().backward()
    (yt ** 2).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("kw", [dict(kernel_size=3), dict(kernel_size=2, stride=1, padding=1),
                                dict(kernel_size=3, dilation=2, ceil_mode=True)])
def test_max_pool1d_indices_match_pytorch(kw: dict[str, Any]) -> None:
    _, ours = tg.functional.max_pool1d(tg.tensor(X), return_indices=True, **kw)
    _, theirs = torch.nn.functional.max_pool1d(torch.tensor(X), return_indices=True, **kw)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.dtype == tg.int64


def test_pool1d_needs_a_2d_or_3d_input() -> None:
    for fn in ("max_pool1d", "avg_pool1d"):
        with pytest.raises(RuntimeError, match=r"(2D or 3D|2 to 3 dimensions).*\(1, 2, 3, 4\)"):
            getattr(tg.functional, fn)(tg.zeros(1, 2, 3, 4), 2)
    with pytest.raises(RuntimeError, match=r"Expected 2 to 3 dimensions.*\(5,\)"):
        tg.functional.adaptive_avg_pool1d(tg.zeros(5), 2)
