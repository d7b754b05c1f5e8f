"""nn.utils.skip_init against torch."""

from __future__ import annotations

import pytest

import tinygrad_nn as tg
from tinygrad_nn.nn import utils

torch = pytest.importorskip("torch")


def test_skip_init_shapes_and_errors():
    m = utils.skip_init(tg.nn.Linear, 3, 4, bias=False)
    t = torch.nn.utils.skip_init(torch.nn.Linear, 3, 4, bias=False)
    assert type(m).__name__ == "Linear" and m.bias is None
    assert tuple(m.weight.shape) == tuple(t.weight.shape) and m.weight.dtype == "float32"
    for lib, lin in ((utils, tg.nn.Linear), (torch.nn.utils, torch.nn.Linear)):
        with pytest.raises(RuntimeError, match="Expected a Module"):
            lib.skip_init(int)
        with pytest.raises(RuntimeError, match="support a 'device' arg"):
            lib.skip_init(type("NoDevice", (lin,), {"__init__": lambda self, n: None}), 2)
