"""nn.utils.stateless.functional_call against torch."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn
from tinygrad_nn.nn.utils import stateless

from .helpers import close

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(0)


def _nets():
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4),
                            torch.nn.Linear(4, 2)).double()
    o = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)).double()
    o.load_state_dict({k: v.detach().numpy() for k, v in t.state_dict().items()})
    return o, t


def test_functional_call_values_grads_and_restore():
    o, t = _nets()
    new = {"0.weight": RNG.standard_normal((4, 3)), "2.bias": RNG.standard_normal(2),
           "1.running_mean": RNG.standard_normal(4)}
    ours = {k: tg.tensor(v, requires_grad=k.endswith(("weight", "bias"))) for k, v in new.items()}
    theirs = {k: torch.tensor(v, requires_grad=k.endswith(("weight", "bias")))
              for k, v in new.items()}
    before = o[0].weight.detach().numpy().copy()
    x = RNG.standard_normal((5, 3))
    o.eval()
    t.eval()
    with pytest.warns(FutureWarning, match="torch.func.functional_call"):
        y = stateless.functional_call(o, ours, (tg.tensor(x),))
    with pytest.warns(FutureWarning):
        ty = torch.nn.utils.stateless.functional_call(t, theirs, (torch.tensor(x),))
    close(y, ty)
    y.sum().backward()
    ty.sum().backward()
    for k in ("0.weight", "2.bias"):
        close(ours[k].grad, theirs[k].grad)
    assert o[0].weight.grad is None  # the module's own weight was not used
    np.testing.assert_array_equal(o[0].weight.detach().numpy(), before)
    assert isinstance(o[0].weight, nn.Parameter)


def test_tied_weights_and_strict():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2, bias=False)
            self.b = nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))

    m = Tied()
    w = tg.tensor(np.eye(2) * 2.0, dtype=tg.float32)
    x = tg.ones(1, 2)
    y = stateless._functional_call(m, {"a.weight": w}, x)
    np.testing.assert_allclose(y.numpy(), [[4.0, 4.0]])  # b.weight follows a.weight
    y2 = stateless._functional_call(m, {"a.weight": w}, x, tie_weights=False)
    wb = m.b.weight.detach().numpy()  # untied: b keeps the module's own weight
    np.testing.assert_allclose(y2.detach().numpy(), 2.0 * np.ones((1, 2)) @ wb.T, rtol=1e-6)
    with pytest.raises(ValueError, match="which are tied"):
        stateless._functional_call(m, {"a.weight": w, "b.weight": w * 1.0}, x)
    with pytest.raises(RuntimeError, match="Missing key"):
        stateless._functional_call(m, {"a.weight": w}, x, strict=True, tie_weights=False)
    with pytest.raises(RuntimeError, match="Unexpected key"):
        stateless._functional_call(m, {"a.weight": w, "b.weight": w, "c": w}, x, strict=True)
    assert m.b.weight is m.a.weight
