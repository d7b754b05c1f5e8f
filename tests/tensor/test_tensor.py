"""The Tensor contract of API.md: construction, attributes, autograd entry points, grad
modes, seeding, in-place updates with version counters, and the PyTorch conveniences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import Tensor, tensor


def leaf(*values: float) -> Tensor:
    return tensor(np.array(values, dtype=np.float64), requires_grad=True)


# -- construction and dtypes -----------------------------------------------------------------


@pytest.mark.parametrize("data", [1.5, [1.0, 2.0], [[1.0], [2.5]], (0.5, 1.5)])
def test_python_floats_get_the_default_float32(data) -> None:  # type: ignore[no-untyped-def]
    t = tensor(data)
    assert t.dtype == np.float32 and t.shape == np.shape(data)
    np.testing.assert_array_equal(t.numpy(), np.asarray(data, dtype=np.float32))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_from_numpy_keeps_the_dtype_and_memory(dtype) -> None:  # type: ignore[no-untyped-def]
    a = np.arange(3, dtype=dtype)
    t = tg.from_numpy(a)
    assert t.dtype == dtype and t.numpy() is a and tg.as_tensor(a).numpy() is a


def test_tensor_function_copies_and_tensor_of_tensor_shares() -> None:
    a = np.zeros(2)
    copied, shared = tg.tensor(a), Tensor(tg.from_numpy(a))
    a[0] = 5.0
    assert copied.numpy()[0] == 0.0 and shared.numpy()[0] == 5.0


@pytest.mark.parametrize("data", [3, [1, 2], np.arange(3), np.array([True, False])])
def test_integer_and_bool_data_stay_integer_and_cannot_require_grad(data) -> None:  # type: ignore[no-untyped-def]
    t = tg.tensor(data)  # tensor() infers as torch.tensor (Tensor(3) is a size, as PyTorch)
    assert t.dtype.kind in "iub" and not t.requires_grad
    with pytest.raises(TypeError, match="floating"):
        tg.tensor(data, requires_grad=True)
    with pytest.raises(TypeError, match="floating"):
        t.requires_grad_()


def test_dtype_argument_and_names() -> None:
    assert Tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert Tensor([1.0], dtype="float64").dtype == np.float64
    assert Tensor([1.0], dtype=tg.float16).dtype == np.float16
    assert Tensor([1.5], dtype=tg.long).dtype == np.int64
    assert Tensor([1.0], name="w").name == "w"


def test_non_numeric_data_is_refused() -> None:
    with pytest.raises(TypeError, match="numeric"):
        Tensor(["a", "b"])


@pytest.mark.parametrize("data", [np.arange(3.0), np.arange(3), np.array([True, False]),
                                  np.array(2.5), [1, 2], [True], (2, 3), range(3), []])
def test_legacy_constructor_gives_the_default_dtype_for_any_data(data) -> None:  # type: ignore[no-untyped-def]
    t = Tensor(data)
    assert t.dtype == np.float32 and t.shape == np.shape(data)
    np.testing.assert_array_equal(t.numpy(), np.asarray(data, dtype=np.float32))


def test_legacy_constructor_shares_an_array_of_the_default_dtype_and_a_tensors_array() -> None:
    a = np.zeros(2, dtype=np.float32)
    assert Tensor(a).numpy() is a and Tensor(np.zeros(2)).numpy().dtype == np.float32
    t64, ti = tensor(np.zeros(2)), tensor([1, 2])
    assert np.shares_memory(Tensor(t64).numpy(), t64.numpy()) and Tensor(t64).dtype == np.float64
    assert Tensor(ti).dtype == np.int64  # PyTorch's: a Tensor keeps its dtype


def test_legacy_constructor_of_a_tensor_that_requires_grad_is_a_differentiable_alias() -> None:
    x = leaf(1.0, 2.0)
    y = Tensor(x)
    assert y.requires_grad and y.grad_fn.name() == "AliasBackward0" and y._base is x
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_legacy_constructor_sizes() -> None:
    assert Tensor(2, 3).shape == (2, 3) and Tensor(np.int64(3)).shape == (3,)
    assert Tensor(tg.Size([2, 1])).shape == (2, 1) and Tensor().shape == (0,)
    assert Tensor(2, dtype=tg.float64).dtype == np.float64


@pytest.mark.parametrize("args", [(2.5,), (np.float64(2.5),), (True,), (None,), ("ab",),
                                  (2, -1), ({1: 2},)])
def test_legacy_constructor_refusals_match_pytorch(args) -> None:  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        torch.Tensor(*args)
    with pytest.raises(type(theirs.value)) as ours:
        Tensor(*args)
    assert str(ours.value) == str(theirs.value)


def test_typed_constructors_refuse_a_tensor_of_another_dtype() -> None:
    with pytest.raises(TypeError, match="FloatTensor.*float32.*int64"):
        tg.FloatTensor(tensor([1, 2]))
    assert tg.LongTensor(tensor([1, 2])).dtype == np.int64
    assert tg.FloatTensor(np.arange(3)).dtype == np.float32
    assert tg.FloatTensor(2, 3).shape == (2, 3)
    with pytest.raises(TypeError, match="sequence"):
        tg.LongTensor(2.5)


def test_set_default_dtype() -> None:
    tg.set_default_dtype(np.float64)
    assert tg.get_default_dtype() == np.float64
    assert Tensor([1.5]).dtype == np.float64 and tg.zeros(2).dtype == np.float64
    assert Tensor(np.ones(2, np.float32)).dtype == np.float64 and Tensor(2).dtype == np.float64
    assert tg.randn(2).dtype == np.float64
    with pytest.raises(TypeError):
        tg.set_default_dtype(np.int32)
    tg.set_default_dtype(np.float32)
    assert Tensor([0.5]).dtype == np.float32


def test_dtype_aliases_equal_numpy_dtypes() -> None:
    assert tg.float32 == np.float32 and tg.float64 == np.float64 and tg.double is tg.float64
    assert tg.int64 == np.int64 and tg.long is tg.int64 and tg.bool == np.bool_
    assert tg.float is tg.float32 and tg.int is tg.int32 and tg.half is tg.float16
    assert tg.ones(2).dtype == tg.float32 and np.zeros(1, tg.int64).dtype == np.int64


# -- attributes, sizes, conversions ------------------------------------------------------------


def test_attributes() -> None:
    t = tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert isinstance(t.detach().numpy(), np.ndarray) and t.grad is None
    assert t.shape == (2, 3) and t.ndim == 2 and t.dtype == np.float64
    assert t.requires_grad and t.is_leaf and t.name is None
    assert t.T.shape == (3, 2) and t.device == tg.device("cpu") and t.device == "cpu"


def test_sizes() -> None:
    t = tg.zeros(2, 3, 4)
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.numel() == 24 and t.dim() == 3 and len(t) == 2
    with pytest.raises(TypeError):
        len(tensor(1.0))


def test_shape_and_size_are_a_size() -> None:
    t = tg.zeros(2, 3, 4)
    s = t.shape
    assert type(s) is tg.Size and type(t.size()) is tg.Size and s == t.size() == (2, 3, 4)
    assert repr(s) == str(s) == "Size([2, 3, 4])" and f"{s}" == "Size([2, 3, 4])"
    assert type(s[1:]) is tg.Size and s[1:] == (3, 4) and type(s[0]) is int
    assert type(s + (5,)) is tg.Size and type((5,) + s) is tg.Size and s + (5,) == (2, 3, 4, 5)
    assert type(s * 2) is tg.Size and type(2 * s) is tg.Size and s.numel() == 24
    assert tg.Size().numel() == 1 and hash(s) == hash((2, 3, 4)) and tg.Size([2, 3]) == (2, 3)
    assert tg.zeros(s).shape == s and np.zeros(s).shape == (2, 3, 4)
    with pytest.raises(TypeError, match=r"takes an iterable of 'int' \(item 1 is 'float'\)"):
        tg.Size([2, 2.5])


def test_size_pickles_and_copies_as_a_size() -> None:
    import copy
    import pickle

    s = tg.ones(2, 3).shape
    assert type(pickle.loads(pickle.dumps(s))) is tg.Size and copy.deepcopy(s) == s


def test_numpy_of_a_tensor_that_requires_grad_is_refused_as_in_pytorch() -> None:
    x = leaf(1.0, 2.0)
    message = ("Can't call numpy() on Tensor that requires grad. "
               "Use tensor.detach().numpy() instead.")
    for refused in (x.numpy, (x * 2).numpy, lambda: np.asarray(x), lambda: np.array(x * 2)):
        with pytest.raises(RuntimeError) as info:
            refused()
        assert str(info.value) == message
    forced = x.numpy(force=True)
    assert forced is x.detach().numpy() and np.asarray(x.detach()) is forced
    assert x.tolist() == [1.0, 2.0] and (x * 2).sum().item() == 6.0
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as theirs:
        torch.ones(2, requires_grad=True).numpy()
    assert str(theirs.value) == message


def test_item_tolist_numpy() -> None:
    t = tensor(np.array([[1.0, 2.0]]))
    assert t.numpy() is t.numpy()
    t.numpy()[0, 0] = 7.0
    assert t.tolist() == [[7.0, 2.0]] and isinstance(t.tolist()[0][0], float)
    assert Tensor(np.array([2.5])).item() == 2.5 and isinstance(tensor(3.0).item(), float)
    with pytest.raises(ValueError, match="2 elements"):
        t.item()


def test_detach_shares_data_and_stops_the_gradient() -> None:
    x = leaf(1.0, 2.0)
    d = x.detach()
    assert np.shares_memory(d.detach().numpy(),
                            x.detach().numpy()) and not d.requires_grad and d.is_leaf
    (d * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), x.detach().numpy())  # d counts as a constant


# -- autograd entry points --------------------------------------------------------------------


def test_leaves_and_non_leaves() -> None:
    x = leaf(1.0, 2.0)
    y = x * 3.0
    z = y.sum()
    assert x.is_leaf and not y.is_leaf and y.requires_grad and y.grad_fn is not None
    assert Tensor([1.0]).is_leaf and not (Tensor([1.0]) * 2).requires_grad
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])
    assert y.grad is None  # non-leaves keep no gradient unless retain_grad()


def test_gradients_accumulate_across_backward_calls() -> None:
    x = leaf(1.0, -2.0)
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy() + 3.0)
    x.zero_grad()
    assert x.grad is None


def test_backward_through_a_released_graph_names_retain_graph() -> None:
    x = leaf(0.5, 1.5)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_retain_graph_keeps_the_graph_and_grads_double() -> None:
    x = leaf(0.5, 1.5)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)
    np.testing.assert_allclose(first, np.exp(x.detach().numpy()) * (1 + x.detach().numpy()))


def test_create_graph_gives_higher_derivatives() -> None:
    x = leaf(0.5, -1.5)
    (g,) = tg.grad((x**3).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 3 * x.detach().numpy()**2)
    (h,) = tg.grad(g.sum(), x, create_graph=True)
    np.testing.assert_allclose(h.detach().numpy(), 6 * x.detach().numpy())
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_backward_with_create_graph_makes_grad_differentiable() -> None:
    x = leaf(2.0)
    (x.sin() * x).sum().backward(create_graph=True)
    g = x.grad  # sin x + x cos x, itself in a graph
    assert g.requires_grad
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 2 * np.cos(2.0) - 2.0 * np.sin(2.0))


def test_hooks_see_and_replace_the_gradient() -> None:
    x = leaf(1.0, 2.0)
    y = x * 2.0
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()))
    y.register_hook(lambda g: g * 10.0)  # replacement flows on to x
    y.sum().backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 20.0])


def test_leaf_hook_changes_the_stored_grad_and_can_be_removed() -> None:
    x = leaf(1.0, 2.0)
    handle = x.register_hook(lambda g: g * 0.5)
    (x * 4.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])
    handle.remove()
    x.zero_grad()
    (x * 4.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 4.0])
    with pytest.raises(RuntimeError):
        Tensor([1.0]).register_hook(lambda g: g)


def test_retain_grad_keeps_a_non_leaf_gradient() -> None:
    x = leaf(1.0, 3.0)
    y = x * x
    y.retain_grad()
    assert y.retains_grad
    (y * 2.0).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), 4.0 * x.detach().numpy())


def test_grad_modes() -> None:
    x = leaf(1.0)
    assert tg.is_grad_enabled()
    with tg.no_grad():
        assert not tg.is_grad_enabled() and not (x * 2).requires_grad
        with tg.enable_grad():
            assert tg.is_grad_enabled() and (x * 2).requires_grad
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled() and (x * 2).requires_grad
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    with tg.set_grad_enabled(True):
        assert (x * 2).requires_grad


def test_no_grad_as_a_decorator() -> None:
    @tg.no_grad()
    def f(t: Tensor) -> Tensor:
        return t * 2

    assert not f(leaf(1.0)).requires_grad and tg.is_grad_enabled()


# -- seeding ---------------------------------------------------------------------------------

RANDOM_DRAWS = {
    "rand": lambda: tg.rand(3, 2), "randn": lambda: tg.randn(3, 2),
    "randint": lambda: tg.randint(0, 100, (5,)), "rand_like": lambda: tg.rand_like(tg.zeros(4)),
    "randn_like": lambda: tg.randn_like(tg.zeros(4)),
    "normal_": lambda: tg.zeros(4).normal_(1.0, 2.0), "uniform_": lambda: tg.zeros(4).uniform_(),
    "dropout": lambda: F.dropout(tg.ones(20), 0.5),
}


@pytest.mark.parametrize("name", RANDOM_DRAWS)
def test_manual_seed_makes_every_random_draw_repeatable(name: str) -> None:
    draw = RANDOM_DRAWS[name]
    tg.manual_seed(123)
    first, second = draw().numpy().copy(), draw().numpy().copy()
    tg.manual_seed(123)
    np.testing.assert_array_equal(draw().numpy(), first)
    np.testing.assert_array_equal(draw().numpy(), second)
    assert not np.array_equal(first, second)  # the stream moves on between draws


# -- in-place updates ------------------------------------------------------------------------

INPLACE = {
    "add_": lambda t: t.add_(1.0), "sub_": lambda t: t.sub_(1.0), "mul_": lambda t: t.mul_(2.0),
    "div_": lambda t: t.div_(2.0), "zero_": lambda t: t.zero_(), "fill_": lambda t: t.fill_(3.0),
    "copy_": lambda t: t.copy_(np.ones(2)), "clamp_": lambda t: t.clamp_(0.0, 1.0),
    "normal_": lambda t: t.normal_(), "uniform_": lambda t: t.uniform_(),
}


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_on_a_leaf_that_requires_grad_needs_no_grad(name: str) -> None:
    w = leaf(0.25, 4.0)
    with pytest.raises(RuntimeError, match="no_grad"):
        INPLACE[name](w)
    before = w.detach().numpy()
    with tg.no_grad():
        out = INPLACE[name](w)
    assert out is w and w.detach().numpy() is before and w.is_leaf and w.requires_grad


def test_inplace_values() -> None:
    t = tensor(np.array([1.0, -2.0, 3.0]))
    t.add_(1.0).mul_(2.0).sub_(tensor(np.ones(3)), alpha=2.0).div_(2.0)
    np.testing.assert_allclose(t.numpy(), [1.0, -2.0, 3.0])
    t.clamp_(-1.0, 2.0)
    np.testing.assert_allclose(t.numpy(), [1.0, -1.0, 2.0])
    t.copy_([5.0, 6.0, 7.0])
    np.testing.assert_allclose(t.numpy(), [5.0, 6.0, 7.0])


def test_augmented_assignment_sgd_step() -> None:
    w = leaf(1.0, 2.0)
    (w * w).sum().backward()
    data = w.detach().numpy()
    with tg.no_grad():
        w -= 0.1 * w.grad
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])
    assert w.detach().numpy() is data and w.is_leaf and w.requires_grad and w.grad_fn is None


def test_modifying_a_saved_value_makes_backward_name_the_op() -> None:
    w = leaf(1.0, 2.0)
    a = tensor(np.array([3.0, 4.0]))
    y = (w * a).sum()  # Mul saves a
    a.add_(1.0)
    with pytest.raises(RuntimeError, match="Mul.*in-place"):
        y.backward()


def test_views_share_the_version_counter() -> None:
    w = leaf(1.0, 2.0, 3.0, 4.0)
    a = tensor(np.arange(4.0))
    y = (w * a).sum()
    v = a.reshape(2, 2)  # a view of a's array
    v.mul_(2.0)
    np.testing.assert_array_equal(a.numpy(), [0.0, 2.0, 4.0, 6.0])
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()


def test_an_unsaved_value_may_be_changed_in_place() -> None:
    w = leaf(1.0, 2.0)
    a = tensor(np.array([3.0, 4.0]))
    y = (w + a).sum()  # Add saves nothing
    a.add_(1.0)
    y.backward()
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 1.0])


# -- PyTorch conveniences --------------------------------------------------------------------


def test_device_and_to() -> None:
    x = tensor(np.arange(3.0))
    assert x.to("cpu") is x and x.cpu() is x and x.to(tg.device("cpu")) is x
    assert x.to(tg.float32).dtype == np.float32 and x.to("float32").dtype == np.float32
    assert x.to(device="cpu", dtype=np.float32).dtype == np.float32
    assert repr(tg.device("cpu")) == "device(type='cpu')"
    for bad in ["cuda", "cuda:0", "mps"]:
        d = tg.device(bad)  # a name can be made, as in PyTorch ...
        assert str(d) == bad
        with pytest.raises(RuntimeError, match="CPU only.*" + bad):
            x.to(bad)  # ... but no tensor can go there
        with pytest.raises(RuntimeError, match="CPU only.*" + bad):
            x.to(d)
        with pytest.raises(RuntimeError, match="CPU only"):
            tg.zeros(2, device=d)


def test_casts() -> None:
    x = tensor(np.array([1.7, -2.2]), requires_grad=True)
    assert x.float().dtype == np.float32 and x.double().dtype == np.float64
    assert x.long().dtype == np.int64 and x.int().dtype == np.int32
    assert x.bool().dtype == np.bool_ and x.type(np.float32).dtype == np.float32
    assert x.astype("float16").dtype == np.float16
    np.testing.assert_array_equal(x.long().numpy(), [1, -2])
    assert x.float().requires_grad and not x.long().requires_grad
    assert x.contiguous() is x


def test_shape_conveniences() -> None:
    a = np.arange(6.0).reshape(2, 3)
    x = tensor(a)
    np.testing.assert_array_equal(x.t().numpy(), a.T)
    np.testing.assert_array_equal(x.mm(tensor(a.T)).numpy(), a @ a.T)
    np.testing.assert_array_equal(x.narrow(1, 1, 2).numpy(), a[:, 1:3])
    assert x.view_as(tg.zeros(3, 2)).shape == (3, 2)
    assert tensor(np.ones(3)).expand_as(tg.zeros(2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(x.repeat(2, 1).numpy(), np.tile(a, (2, 1)))
    np.testing.assert_array_equal(x.repeat(2, 1, 2).numpy(), np.tile(a, (2, 1, 2)))
    np.testing.assert_array_equal(x.masked_fill(a > 2, -1.0).numpy(), np.where(a > 2, -1.0, a))


def test_unsqueeze_accepts_dim_keyword_like_torch() -> None:
    assert tg.zeros(2, 3).unsqueeze(dim=0).shape == (1, 2, 3)


def test_new_tensors_follow_the_source_dtype() -> None:
    x = tensor(np.zeros(2, dtype=np.float64), requires_grad=True)
    for t in [x.new_zeros(2, 3), x.new_ones((2, 3)), x.new_tensor([[1, 2, 3], [4, 5, 6]])]:
        assert t.shape == (2, 3) and t.dtype == np.float64 and not t.requires_grad
    np.testing.assert_array_equal(x.new_ones(2).numpy(), [1.0, 1.0])


def test_like_functions() -> None:
    base = tensor(np.zeros((2, 3), dtype=np.float64))
    for make in [tg.zeros_like, tg.ones_like, tg.randn_like, tg.rand_like]:
        t = make(base)
        assert t.shape == (2, 3) and t.dtype == np.float64
    np.testing.assert_array_equal(tg.full_like(base, 2.5).numpy(), np.full((2, 3), 2.5))
    assert tg.ones_like(base, dtype=np.float32).dtype == np.float32
    assert tg.zeros_like(base, requires_grad=True).requires_grad


def test_creation_functions() -> None:
    assert tg.zeros(2, 3).shape == tg.zeros((2, 3)).shape == (2, 3)
    assert tg.ones(2, dtype=tg.float64).dtype == np.float64
    assert tg.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert tg.empty(3).shape == (3,) and tg.eye(3).numpy().trace() == 3.0
    assert tg.arange(4).dtype == np.int64 and tg.arange(0.0, 1.0, 0.5).dtype == np.float32
    r = tg.randint(2, 5, (50,))
    assert r.dtype.kind == "i" and r.numpy().min() >= 2 and r.numpy().max() < 5
    assert tg.randn(2, 2, requires_grad=True).requires_grad


def test_data_is_a_tensor_that_shares_memory_and_does_not_require_grad() -> None:
    p = tensor(np.ones(3), requires_grad=True)
    d = p.data
    assert isinstance(d, Tensor) and not d.requires_grad and d.is_leaf
    assert np.shares_memory(d.detach().numpy(), p.detach().numpy())
    p.data.add_(tensor(np.full(3, 2.0)), alpha=-0.5)  # PyTorch's SGD idiom, no no_grad needed
    np.testing.assert_array_equal(p.detach().numpy(), np.zeros(3))
    p.data.copy_(tensor(np.arange(3.0)))
    np.testing.assert_array_equal(p.detach().numpy(), np.arange(3.0))
    p.data = tensor(np.full(3, 7.0))
    np.testing.assert_array_equal(p.detach().numpy(), np.full(3, 7.0))
    assert p.requires_grad and p.is_leaf
    assert np.asarray(p.data) is p.detach().numpy()


def test_data_assignment_of_integers_to_a_grad_tensor_is_refused() -> None:
    p = tensor(np.ones(3), requires_grad=True)
    with pytest.raises(TypeError, match="int64"):
        p.data = tensor(np.arange(3))


def test_device_objects_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    for args in [("cpu",), ("cuda",), ("cuda:1",), ("cuda", 1), ("mps",), ("cpu", 0)]:
        ours, theirs = tg.device(*args), torch.device(*args)
        assert (repr(ours), str(ours), ours.type, ours.index) == (
            repr(theirs), str(theirs), theirs.type, theirs.index)
    assert tg.device("cuda:0") == tg.device("cuda", 0) and tg.device("cpu") != tg.device("cuda")
    for bad in ("foo", "cuda:x"):
        with pytest.raises((RuntimeError, ValueError)):
            tg.device(bad)


@pytest.mark.parametrize("make", [
    lambda m: m.cat([m.tensor(1.0), m.tensor(2.0)]),
    lambda m: m.cat([]),
    lambda m: m.cat([m.zeros(0), m.ones(2, 3)]),
    lambda m: m.cat([m.ones(2, 3), m.ones(2, 2)]),
    lambda m: m.cat([m.ones(2, 3), m.zeros(0)], dim=1),
    lambda m: m.cat([m.zeros(0, dtype=m.float64), m.ones(2, dtype=m.int64)]),
    lambda m: m.cat([m.zeros(0), m.zeros(0)]),
])
def test_cat_edge_cases_match_pytorch(make: Any) -> None:
    """0-d tensors refused; 1-D empty tensors skipped (yet counted for the dtype)."""
    torch = pytest.importorskip("torch")
    try:
        want = make(torch)
    except (RuntimeError, ValueError) as e:
        with pytest.raises(type(e)):
            make(tg)
        return
    got = make(tg)
    assert got.shape == tuple(want.shape) and str(got.dtype) == str(want.dtype)[6:]
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_out_keyword_of_top_level_functions_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    a, ta = tg.ones(2, 2), torch.ones(2, 2)
    for fn in ("matmul", "mul", "add", "exp"):
        args, targs = ((a, a), (ta, ta)) if fn != "exp" else ((a,), (ta,))
        y, ty = tg.empty(2, 2), torch.empty(2, 2)
        assert getattr(tg, fn)(*args, out=y) is y
        getattr(torch, fn)(*targs, out=ty)
        np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-6)  # (exp: 1 ulp apart)
    y = tg.empty(3)
    with pytest.warns(UserWarning, match="resized"):
        tg.matmul(a, a, out=y)
    assert y.shape == (2, 2)
    with pytest.raises(RuntimeError, match="automatic differentiation"):
        tg.mul(tg.ones(2, requires_grad=True), 2.0, out=tg.empty(2))
    with pytest.raises(RuntimeError, match="can't be cast"):
        tg.mul(a, a, out=tg.empty(2, 2, dtype=tg.int64))
