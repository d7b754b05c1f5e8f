"""Sparse tensors are dense stand-ins (tinygrad_nn.sparse): PyTorch's values and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


@pytest.mark.parametrize(("indices", "values", "size"), [
    ([[0, 1, 1, 0], [2, 0, 2, 2]], [3.0, 4.0, 5.0, 1.0], (2, 3)),  # a repeated index adds
    ([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], None),  # the smallest size holding them
    ([[0, 2]], [[1.0, 2.0], [3.0, 4.0]], (3, 2)),  # a dense trailing dimension
    ([[], []], [], (2, 2)),  # no entries
])
def test_sparse_coo_tensor_values_and_gradients_match_pytorch(indices: list, values: list,
                                                              size: tuple | None) -> None:
    ours_v = tg.tensor(values, dtype=tg.float64, requires_grad=True)
    their_v = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    sized = () if size is None else (size,)
    ours = tg.sparse_coo_tensor(tg.tensor(indices, dtype=tg.int64), ours_v, *sized)
    theirs = torch.sparse_coo_tensor(torch.tensor(indices, dtype=torch.int64), their_v, *sized)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.to_dense().detach().numpy())
    weights = np.arange(np.prod(ours.shape), dtype=float).reshape(ours.shape)
    if len(values):
        (ours * tg.tensor(weights)).sum().backward()
        (theirs.to_dense() * torch.tensor(weights)).sum().backward()
        np.testing.assert_array_equal(ours_v.grad.numpy(), their_v.grad.numpy())


def test_products_and_conversions_match_pytorch() -> None:
    a = np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]])
    b = np.arange(6.0).reshape(3, 2)
    ours, theirs = tg.tensor(a).to_sparse(), torch.tensor(a).to_sparse()
    for fn in ("spmm",):
        np.testing.assert_array_equal(getattr(tg, fn)(ours, tg.tensor(b)).numpy(),
                                      getattr(torch, fn)(theirs, torch.tensor(b)).numpy())
    np.testing.assert_array_equal(tg.sparse.mm(ours, tg.tensor(b)).numpy(),
                                  torch.sparse.mm(theirs, torch.tensor(b)).numpy())
    np.testing.assert_array_equal(tg.sparse.sum(ours, 1).numpy(),
                                  torch.sparse.sum(theirs, 1).to_dense().numpy())
    np.testing.assert_array_equal(ours.to_dense().numpy(), theirs.to_dense().numpy())
    assert ours.coalesce().is_coalesced()
    c = tg.tensor(a)
    assert c.to_sparse() is not c  # a copy, as PyTorch's: writing to it leaves c alone
    d = tg.tensor(np.ones((2, 2)))
    np.testing.assert_array_equal(tg.sparse.addmm(d, ours, tg.tensor(b), beta=2.0).numpy(),
                                  torch.sparse.addmm(torch.ones(2, 2, dtype=torch.float64),
                                                     theirs, torch.tensor(b),
                                                     beta=2.0).numpy())


def test_sparse_coo_tensor_errors() -> None:
    with pytest.raises(RuntimeError, match="out of bounds"):
        tg.sparse_coo_tensor([[0, 5]], [1.0, 2.0], (3,))
    with pytest.raises(ValueError, match="2-D integer"):
        tg.sparse_coo_tensor([0.5, 1.0], [1.0, 2.0], (3,))
    with pytest.raises(ValueError, match="indices but values"):
        tg.sparse_coo_tensor([[0, 1]], [1.0], (3,))
