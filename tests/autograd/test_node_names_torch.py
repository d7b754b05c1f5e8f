"""Node names PyTorch gives that need more than the op's class name: the in-place view forms
(``t_`` -> ``TBackward1``, ``transpose_`` -> ``TransposeBackward1``), ``norm(p=0)``'s
``LinalgVectorNormBackward0`` (recorded, with no gradient) and ``EmbeddingBackward0``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

A = np.random.default_rng(0).standard_normal((3, 4))


def _both(fn: Any, shape: tuple[int, ...] = (3, 4)) -> tuple[Any, Any]:
    a = A.reshape(-1)[:int(np.prod(shape))].reshape(shape)
    out = []
    for lib in (tg, torch):
        x = lib.tensor(a, requires_grad=True)
        y = fn(lib, x * 1)
        out.append((x, y))
    return out[0], out[1]


@pytest.mark.parametrize(("label", "fn", "shape"), [
    ("t_", lambda lib, x: x.t_(), (3, 4)),
    ("t_ 1-D", lambda lib, x: x.t_(), (3,)),
    ("t", lambda lib, x: x.t(), (3, 4)),
    ("t 1-D", lambda lib, x: x.t(), (3,)),
    ("t 0-D", lambda lib, x: x.t(), ()),
    ("transpose_", lambda lib, x: x.transpose_(0, 1), (3, 4)),
    ("transpose", lambda lib, x: x.transpose(0, 1), (3, 4)),
    ("norm p=0", lambda lib, x: x.norm(p=0), (3, 4)),
    ("norm p=0 dim", lambda lib, x: lib.norm(x, p=0, dim=1), (3, 4)),
    ("vector_norm ord=0", lambda lib, x: lib.linalg.vector_norm(x, ord=0, dim=0, keepdim=True),
     (3, 4)),
    ("embedding", lambda lib, x: lib.nn.functional.embedding(lib.tensor([[0, 2], [1, 0]]), x),
     (3, 4)),
])
def test_node_names_values_and_gradients_match_pytorch(label: str, fn: Any,
                                                       shape: tuple[int, ...]) -> None:
    (x, y), (xt, yt) = _both(fn, shape)
    assert y.grad_fn.name() == yt.grad_fn.name()
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(1).standard_normal(y.shape)
    (y * tg.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    if xt.grad is None:
        assert x.grad is None
    else:
        np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_zero_norm_gives_no_gradient_as_in_pytorch() -> None:
    for lib in (tg, torch):
        x = lib.tensor(A, requires_grad=True)
        (x.norm(p=0) + x.sum()).backward()  # only the sum's gradient arrives
        np.testing.assert_array_equal(x.grad.numpy(), np.ones_like(A))
        assert lib.autograd.grad(x.norm(p=0), x, allow_unused=True) == (None,)
        with pytest.raises(RuntimeError):
            lib.autograd.grad(x.norm(p=0), x)
