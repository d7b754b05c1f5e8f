"""``Tensor.resize_`` / ``resize_as_`` against PyTorch: the legacy DCGAN refills its buffers
with ``input.data.resize_(real.size()).copy_(real)`` (the method was missing: AttributeError).
And the old ``loss.data[0]`` on a 0-d loss: IndexError pointing at ``.item()``, as PyTorch's
(it quoted NumPy's message)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _shrink_grow_and_views(m: Any) -> list[Any]:
    """Shapes, values that PyTorch defines (the kept elements) and memory sharing."""
    out: list[Any] = []
    x = m.zeros(4, 3)
    r = x.data.resize_(2, 3).copy_(m.ones(2, 3))  # .data is another tensor: x keeps its shape
    out += [tuple(x.shape), x.sum().item(), tuple(r.shape)]
    y = m.arange(6.0)
    same = y.resize_(2, 3)
    out += [same is y, y.tolist(), y.stride(), y._version]
    y.resize_((4,))
    out += [y.tolist(), y.resize_([1, 4]).tolist(), y.resize_(m.Size([3])).tolist()]
    z = m.arange(6.0)
    v = z[2:]
    v.resize_(2)
    v.fill_(9)  # still z's memory
    out += [v.tolist(), z.tolist(), v.storage_offset()]
    t = m.arange(6.0).view(2, 3).t()  # non-contiguous: read row-major from the first element
    t.resize_(2, 2)
    out += [t.tolist(), t.is_contiguous()]
    g = m.arange(3.0)
    g.resize_(5)  # grows: the old elements kept
    out += [tuple(g.shape), g[:3].tolist()]
    e = m.arange(6.0)
    e.resize_(0)
    out += [tuple(e.shape), e.resize_(3).tolist()]
    d = m.ones(3)
    out += [d.resize_as_(m.zeros(1, 2)) is d, tuple(d.shape), d.dtype == m.float32]
    lab = m.FloatTensor(4)
    out += [lab.data.resize_(5).fill_(1).tolist(), tuple(lab.shape)]
    return out


def test_resize_matches_torch() -> None:
    assert _shrink_grow_and_views(tg) == _shrink_grow_and_views(torch)


@pytest.mark.parametrize("call", [
    lambda m: m.zeros(2, requires_grad=True).resize_(3),
    lambda m: m.zeros(2).resize_(2.0),
    lambda m: m.zeros(2).resize_("a"),
    lambda m: m.zeros(2).resize_as_([1]),
])
def test_resize_refusals_match_torch(call: Any) -> None:
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(Exception) as ours:
        call(tg)
    assert type(ours.value) is type(theirs.value)


def test_resize_refuses_requires_grad_under_no_grad_too() -> None:
    for m in (tg, torch):
        with m.no_grad(), pytest.raises(RuntimeError, match="cannot resize variables"):
            m.zeros(2, requires_grad=True).resize_(3)


def test_resize_negative_size_raises_runtime_error() -> None:
    for m in (tg, torch):
        with pytest.raises(RuntimeError):
            m.zeros(2).resize_(2, -1)


def test_resized_memory_is_shared_with_numpy_view() -> None:
    x = tg.arange(6.0)
    x.resize_(2, 2)
    x.numpy()[0, 0] = 7.0
    ref = torch.arange(6.0)
    ref.resize_(2, 2)
    ref.numpy()[0, 0] = 7.0
    np.testing.assert_array_equal(x.numpy(), ref.numpy())


@pytest.mark.parametrize("make", [lambda m: m.tensor([1.0, 2.0]).sum(),
                                  lambda m: m.tensor(3.0).data])
def test_int_index_of_a_0d_tensor_points_at_item_as_torch(make: Any) -> None:
    for m in (tg, torch):
        with pytest.raises(IndexError, match=r"0-dim tensor. Use `tensor.item\(\)"):
            make(m)[0]


def test_other_indices_of_a_0d_tensor_are_unchanged() -> None:
    for m in (tg, torch):
        x = m.tensor(1.0)
        assert tuple(x[None].shape) == (1,) and tuple(x[...].shape) == () == tuple(x[()].shape)
        with pytest.raises(IndexError):
            x[0, 1]
