"""Bad arguments fail as PyTorch's do: the same exception class (ours may also be the class
this library raised before: a ``ShapeError`` is a RuntimeError and a ValueError), never a
result where PyTorch raises.

Each case is one expression run against both libraries (``m`` is the library, ``t`` a
float32 (2, 3) tensor of ones): ``torch.cat(t)`` joins nothing in PyTorch (a Tensor is not a
tuple of Tensors), so it must not join the rows of ``t`` here; ``t.softmax()`` has no default
``dim``; ``index_select`` checks the index's rank before its dtype; ``one_hot`` and the
convolutions raise RuntimeError for values and channel counts that do not fit; ``norm``'s
default 'fro' over more than two dims is a matrix norm that needs two (p=None is a vector
norm over any dims).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

RAISES = {
    "cat(tensor)": "m.cat(t)",
    "concat(tensor)": "m.concat(t)",
    "concatenate(tensor)": "m.concatenate(t)",
    "stack(tensor)": "m.stack(t)",
    "hstack(tensor)": "m.hstack(t)",
    "vstack(tensor)": "m.vstack(t)",
    "dstack(tensor)": "m.dstack(t)",
    "column_stack(tensor)": "m.column_stack(t)",
    "cat(generator)": "m.cat(x for x in (t, t))",
    "stack(generator)": "m.stack(x for x in (t, t))",
    "cat([t, number])": "m.cat([t, 5])",
    "stack([t, None])": "m.stack([t, None])",
    "cat([])": "m.cat([])",
    "stack([])": "m.stack([])",
    "softmax(t)": "m.softmax(t)",
    "log_softmax(t)": "m.log_softmax(t)",
    "t.softmax()": "t.softmax()",
    "t.log_softmax()": "t.log_softmax()",
    "t.softmax(dim=None)": "t.softmax(dim=None)",
    "index_select 2-D float index": "t.index_select(0, t)",
    "index_select 2-D int index": "t.index_select(0, m.tensor([[0]]))",
    "index_select float index": "t.index_select(0, m.tensor([0.0]))",
    "index_select out of range": "t.index_select(0, m.tensor([5]))",
    "one_hot negative": "m.nn.functional.one_hot(m.tensor([-1]))",
    "one_hot too large": "m.nn.functional.one_hot(m.tensor([3]), 2)",
    "one_hot float": "m.nn.functional.one_hot(m.tensor([0.0]))",
    "conv2d channels": "m.nn.functional.conv2d(m.ones(1, 4, 5, 5), m.ones(2, 3, 1, 1))",
    "conv1d channels": "m.nn.functional.conv1d(m.ones(1, 4, 5), m.ones(2, 3, 1))",
    "conv2d groups": "m.nn.functional.conv2d(m.ones(1, 4, 5, 5), m.ones(2, 3, 1, 1), groups=3)",
    "Conv2d module channels": "m.nn.Conv2d(3, 2, 1)(m.ones(1, 4, 5, 5))",
    "norm 'fro' over 3 dims": "m.ones(2, 3, 4).norm(dim=(0, 1, 2))",
    "norm 'fro' over 3 dims, 2-D": "t.norm(p='fro', dim=[0, 1, 2])",
    "norm(t, dim=3 dims)": "m.norm(m.ones(2, 3, 4), dim=[-1, 0, 1], keepdim=True)",
}

WORKS = {
    "cat(list)": "m.cat([t, t * 2])",
    "cat(tuple), dim": "m.cat((t, t), dim=1)",
    "stack(list)": "m.stack([t, t + 1], 1)",
    "hstack(list)": "m.hstack([t, t])",
    "softmax(t, 1)": "m.softmax(t * m.arange(3.0), 1)",
    "t.softmax(0)": "(t * m.arange(3.0)).softmax(0)",
    "t.log_softmax(dim=1)": "(t * m.arange(3.0)).log_softmax(dim=1)",
    "functional softmax, dim": "m.nn.functional.softmax(t * m.arange(3.0), dim=-1)",
    "index_select int32": "t.index_select(1, m.tensor([2, 0], dtype=m.int32))",
    "one_hot": "m.nn.functional.one_hot(m.tensor([2, 0]), 4)",
    "norm p=None over 3 dims": "(m.arange(24.0).reshape(2, 3, 4)).norm(p=None, dim=(0, 1, 2))",
    "norm 'fro' over 2 dims": "(m.arange(24.0).reshape(2, 3, 4)).norm(dim=(0, 1))",
    "norm 'fro' over ()": "(m.arange(24.0).reshape(2, 3, 4)).norm(dim=())",
}


def run(expr: str, m: Any) -> Any:
    t = m.ones(2, 3)
    return eval(expr, {"m": m, "t": t})  # noqa: S307 - the table's own expressions


@pytest.mark.parametrize("expr", list(RAISES.values()), ids=list(RAISES))
def test_raises_as_torch(expr: str) -> None:
    with pytest.raises(Exception) as theirs:  # noqa: PT011 - the class is what we compare
        run(expr, torch)
    with pytest.raises(theirs.type):
        run(expr, tg)


@pytest.mark.parametrize("expr", list(WORKS.values()), ids=list(WORKS))
def test_same_value_as_torch(expr: str) -> None:
    theirs, ours = run(expr, torch), run(expr, tg)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
