"""Differential tests: the same small snippets run on PyTorch and on tinygrad_nn must agree.

Each snippet is `def snippet(torch)` written once against the module it is given, exactly as a
PyTorch user writes it. It returns plain values, Tensors, tuples (named tuples compared with their
field names) or dtypes; a generic comparer checks shapes, dtype names, values (and so gradients),
and, where PyTorch raises, that tinygrad_nn raises an exception of the same builtin class.
Issue 9's "What to build" items 1-10 each have snippets here (the item number is in the name).
"""

from __future__ import annotations

import os
import pickle
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn

torch_lib = pytest.importorskip("torch")

SNIPPETS: list[Callable[[Any], Any]] = []
ERRORS = (FileNotFoundError, TypeError, ValueError, IndexError, KeyError, NotImplementedError,
          RuntimeError, AttributeError)


def snippet(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    SNIPPETS.append(fn)
    return fn


# ---------------------------------------------------------------------------- the comparer

def _name(x: Any) -> str:
    return str(x).rsplit(".", 1)[-1]


def _norm(x: Any, lib: Any) -> Any:
    """A library-neutral description of a snippet's result."""
    if isinstance(x, lib.Tensor):
        arr = np.array(x.detach().cpu().numpy())
        return ("tensor", tuple(x.shape), _name(x.dtype), arr, bool(x.requires_grad))
    if isinstance(x, (type(lib.float32), np.dtype)):  # torch.dtype; ours are NumPy dtypes
        return ("dtype", _name(x))
    if isinstance(x, lib.device):
        return ("device", str(x))
    if isinstance(x, tuple) and hasattr(x, "values") and hasattr(x, "indices"):
        return ("named(values, indices)", _norm(x.values, lib), _norm(x.indices, lib), len(x))
    if isinstance(x, (list, tuple)):
        return ("seq", [_norm(v, lib) for v in x])
    if isinstance(x, dict):
        return ("dict", {k: _norm(v, lib) for k, v in x.items()})
    if isinstance(x, np.ndarray):
        return ("array", x.shape, str(x.dtype), x)
    if isinstance(x, (bool, int, float, str, type(None))):
        return (type(x).__name__, x)
    raise AssertionError(f"snippet returned an unsupported {type(x).__name__}")


def run(fn: Callable[[Any], Any], lib: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ("ok", _norm(fn(lib), lib))
        except ERRORS as e:
            return ("raises", tuple(c.__name__ for c in ERRORS if isinstance(e, c)), repr(e))


def _same(ours: Any, theirs: Any, path: str) -> None:
    if isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray), f"{path}: expected an array, got {ours!r}"
        assert ours.shape == theirs.shape, f"{path}: shape {ours.shape} != {theirs.shape}"
        if theirs.dtype.kind == "f":
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg=path)
        else:
            np.testing.assert_array_equal(ours, theirs, err_msg=path)
    elif isinstance(theirs, float):
        assert isinstance(ours, float) and np.isclose(ours, theirs, rtol=1e-5, atol=1e-7), \
            f"{path}: {ours!r} != {theirs!r}"
    elif isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), \
            f"{path}: {ours!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _same(a, b, f"{path}[{i}]")
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict) and ours.keys() == theirs.keys(), f"{path}: keys differ"
        for k in theirs:
            _same(ours[k], theirs[k], f"{path}[{k!r}]")
    else:
        assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"


@pytest.mark.parametrize("fn", SNIPPETS, ids=lambda f: f.__name__)
def test_same_as_torch(fn: Callable[[Any], Any]) -> None:
    theirs, ours = run(fn, torch_lib), run(fn, tinygrad_nn)
    if theirs[0] == "raises":
        assert ours[0] == "raises", f"PyTorch raises {theirs[2]}; tinygrad_nn returned {ours}"
        assert set(theirs[1]) <= set(ours[1]), f"PyTorch raises {theirs[2]}, we raise {ours[2]}"
    else:
        assert ours[0] == "ok", f"tinygrad_nn raised {ours[2]}"
        _same(ours[1], theirs[1], fn.__name__)


def T(torch: Any, data: Any, **kw: Any) -> Any:
    return torch.tensor(np.asarray(data), **kw)


A23 = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], dtype=np.float32)
A234 = np.arange(24, dtype=np.float32).reshape(2, 3, 4) * 0.5 - 3.0
R = np.random.default_rng(0)
X45 = R.normal(size=(4, 5)).astype(np.float32)
X45_64 = X45.astype(np.float64)


def leaf(torch: Any, data: np.ndarray) -> Any:
    return torch.tensor(data, requires_grad=True)


def grad_of(torch: Any, data: np.ndarray, f: Callable[[Any], Any]) -> tuple[Any, Any]:
    """(f(x), dsum(f(x) * w)/dx) for a fixed weighting w, so every output element counts."""
    x = leaf(torch, data)
    y = f(x)
    y_main = y[0] if isinstance(y, tuple) else y
    w = torch.tensor(np.linspace(0.5, 1.5, y_main.numel(), dtype=data.dtype).reshape(y_main.shape))
    (y_main * w).sum().backward()
    return y, x.grad


# ------------------------------------------------------------- 1. the rule: NumPy spellings

@snippet
def i1_sum_axis_keepdims(torch: Any) -> Any:
    x = T(torch, A234)
    return x.sum(axis=1), x.sum(axis=(0, 2), keepdims=True), torch.sum(x, axis=2)


@snippet
def i1_mean_dim_keepdim(torch: Any) -> Any:
    x = T(torch, A234)
    return x.mean(dim=1, keepdim=True), x.mean(1), torch.mean(x, dim=(0, 1))


# ---------------------------------------------------------------- 2. silent divergences

@snippet
def i2_transpose_matrix(torch: Any) -> Any:
    x = T(torch, A23)
    return x.transpose(0, 1), torch.transpose(x, 1, 0), x.transpose(-1, -2)


@snippet
def i2_transpose_3d_grad(torch: Any) -> Any:
    return grad_of(torch, A234, lambda x: x.transpose(0, 2))


@snippet
def i2_transpose_needs_two_dims(torch: Any) -> Any:
    return T(torch, A234).transpose(0)


@snippet
def i2_swapaxes(torch: Any) -> Any:
    return T(torch, A234).swapaxes(0, 1)


@snippet
def i2_permute(torch: Any) -> Any:
    x = T(torch, A234)
    return x.permute(2, 0, 1), x.permute((1, 2, 0)), torch.permute(x, (2, 1, 0))


@snippet
def i2_permute_grad(torch: Any) -> Any:
    return grad_of(torch, A234, lambda x: x.permute(1, 2, 0))


@snippet
def i2_mT_and_T(torch: Any) -> Any:
    return T(torch, A234).mT, T(torch, A23).T, T(torch, A23).t()


@snippet
def i2_max_dim_named_tuple(torch: Any) -> Any:
    x = T(torch, A23)
    values, indices = x.max(1)
    return x.max(dim=1), values, indices, x.max(1).values, x.max(1).indices


@snippet
def i2_max_keepdim_and_index(torch: Any) -> Any:
    x = T(torch, X45)
    return x.max(1, keepdim=True)[1], torch.max(x, 0), x.max(), x.max(dim=-1, keepdim=True)


@snippet
def i2_min_dim_named_tuple(torch: Any) -> Any:
    x = T(torch, A23)
    return x.min(0), torch.min(x, dim=1, keepdim=True), x.min()


@snippet
def i2_max_other_elementwise(torch: Any) -> Any:
    x, y = T(torch, A23), T(torch, A23[::-1].copy())
    return x.max(y), torch.max(x, y), torch.min(x, y), x.min(y)


@snippet
def i2_max_dim_grad(torch: Any) -> Any:
    return grad_of(torch, X45, lambda x: x.max(1).values)


@snippet
def i2_max_other_grad(torch: Any) -> Any:
    y = np.flip(X45, 1).copy()
    return grad_of(torch, X45, lambda x: torch.max(x, torch.tensor(y)))


@snippet
def i2_sort_topk(torch: Any) -> Any:
    x = T(torch, X45)
    return x.sort(), x.sort(dim=0, descending=True), torch.sort(x, 1), x.topk(2), \
        torch.topk(x, 3, dim=0, largest=False)


@snippet
def i2_var_std_default_unbiased(torch: Any) -> Any:
    x = T(torch, X45)
    return x.var(), x.std(), x.var(0), x.std(dim=1, keepdim=True), torch.var(x), torch.std(x, 1)


@snippet
def i2_var_std_unbiased_correction(torch: Any) -> Any:
    x = T(torch, X45)
    return x.var(unbiased=False), x.std(1, unbiased=False), x.var(correction=0), \
        x.var(dim=0, correction=2), torch.std(x, dim=1, correction=0)


@snippet
def i2_var_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.var(1))


@snippet
def i2_pad_last_dim_first(torch: Any) -> Any:
    F = torch.nn.functional
    x = T(torch, A234)
    return F.pad(x, (1, 1)), F.pad(x, (1, 2, 0, 1)), F.pad(x, (0, 0, 0, 0, 1, 0), value=7.0), \
        F.pad(x, [2, 0], mode="constant", value=-1.0)


@snippet
def i2_pad_modes(torch: Any) -> Any:
    F = torch.nn.functional
    x = T(torch, A234)
    x4 = T(torch, A234[None])
    return F.pad(x, (2, 1), mode="reflect"), F.pad(x, (2, 1), mode="replicate"), \
        F.pad(x, (2, 1), mode="circular"), F.pad(x4, (1, 1, 1, 2), mode="reflect"), \
        F.pad(x4, (1, 0, 2, 1), mode="replicate")


@snippet
def i2_pad_grad(torch: Any) -> Any:
    return grad_of(torch, A234.astype(np.float64),
                   lambda x: torch.nn.functional.pad(x, (2, 1), mode="reflect"))


@snippet
def i2_pad_odd_pairs(torch: Any) -> Any:
    return torch.nn.functional.pad(T(torch, A234), (1, 1, 1))


@snippet
def i2_legacy_tensor_constructor(torch: Any) -> Any:
    return torch.Tensor([1, 2]), torch.Tensor([[1, 2], [3, 4]]), torch.Tensor(2, 3).shape, \
        torch.Tensor(2, 3).dtype, torch.Tensor().shape, torch.Tensor([True, False]).dtype


@snippet
def i2_legacy_tensor_constructor_any_data(torch: Any) -> Any:
    # any data gets the default dtype (arrays of every dtype too); a Tensor keeps its own
    return torch.Tensor(np.arange(3.0)), torch.Tensor(np.arange(3)), \
        torch.Tensor(np.array([True, False])), torch.Tensor(np.array(2.5)), \
        torch.Tensor(np.arange(4.0).reshape(2, 2)), torch.Tensor(np.int64(3)).shape, \
        torch.Tensor(torch.ones(2, dtype=torch.float64)).dtype, \
        torch.Tensor(torch.ones(2, dtype=torch.int64)).dtype, torch.Tensor(range(3)), \
        torch.Tensor((2, 3))


@snippet
def i2_legacy_tensor_of_a_tensor_is_an_alias(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    y = torch.Tensor(x)
    (y * 3).sum().backward()
    return y.requires_grad, y.grad_fn.name(), y._base is x, x.grad


@snippet
def i2_legacy_tensor_constructor_refuses_a_number(torch: Any) -> Any:
    return torch.Tensor(2.5)


@snippet
def i2_legacy_tensor_constructor_refuses_a_numpy_scalar(torch: Any) -> Any:
    return torch.Tensor(np.float64(2.5))


@snippet
def i2_legacy_tensor_constructor_refuses_strings(torch: Any) -> Any:
    return torch.Tensor("ab")


@snippet
def i2_legacy_tensor_constructor_refuses_a_negative_size(torch: Any) -> Any:
    return torch.Tensor(2, -1)


@snippet
def i2_legacy_tensor_constructor_follows_the_default_dtype(torch: Any) -> Any:
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        return torch.Tensor([1, 2]), torch.Tensor(np.ones(2, dtype=np.float32)), \
            torch.Tensor(2).dtype, torch.Tensor().dtype
    finally:
        torch.set_default_dtype(old)


@snippet
def i2_legacy_tensor_constructor_shares_a_float32_array(torch: Any) -> Any:
    a32, a64 = np.zeros(2, dtype=np.float32), np.zeros(2)
    torch.Tensor(a32)[0] = 1.0
    torch.Tensor(a64)[0] = 1.0
    return a32, a64


@snippet
def i2_legacy_tensor_of_float64_data_feeds_a_float32_layer(torch: Any) -> Any:
    # the 1-D GAN program's pattern: torch.Tensor(float64 ndarray) into a float32 Linear
    data = np.random.default_rng(0).normal(4.0, 1.25, (1, 8))
    out = torch.nn.Linear(8, 3)(torch.Tensor(data))
    return out.dtype, tuple(out.shape)


@snippet
def i2_tensor_inference(torch: Any) -> Any:
    return torch.tensor([1, 2]).dtype, torch.tensor([1.0, 2]).dtype, torch.tensor(True).dtype, \
        torch.tensor(np.array([1, 2], dtype=np.int32)).dtype, torch.tensor(3.5).shape


@snippet
def i2_promotion_scalars(torch: Any) -> Any:
    i = torch.tensor([1, 2, 3])
    f = torch.tensor([1.0, 2.0])
    return (i + 1.5).dtype, (i * 2.5), (i + 1).dtype, (f + 1).dtype, (f * 2.0).dtype, \
        (1.5 + i).dtype, (i + True).dtype


@snippet
def i2_promotion_tensors(torch: Any) -> Any:
    f32 = torch.ones(2)
    f64 = torch.ones(2, dtype=torch.float64)
    i32 = torch.ones(2, dtype=torch.int32)
    i64 = torch.ones(2, dtype=torch.int64)
    b = torch.tensor([True, False])
    u8 = torch.ones(2, dtype=torch.uint8)
    return (f32 + f64).dtype, (b + i64).dtype, (i32 + i64).dtype, (b + b).dtype, \
        (u8 + i32).dtype, (f32 * i64).dtype, (b * 1.5).dtype, (i32 * b).dtype


@snippet
def i2_promotion_zero_dim(torch: Any) -> Any:
    f32 = torch.ones(2)
    i32 = torch.ones(2, dtype=torch.int32)
    return (f32 + torch.tensor(2.0, dtype=torch.float64)).dtype, \
        (i32 + torch.tensor(3)).dtype, (i32 + torch.tensor(1.5)).dtype


@snippet
def i2_int_division(torch: Any) -> Any:
    i = torch.tensor([1, 2, 7])
    return i / 2, i / torch.tensor([2, 2, 2]), (i / i).dtype, i // 2, torch.true_divide(i, 4)


@snippet
def i2_mixed_float_matmul_raises(torch: Any) -> Any:
    return T(torch, X45) @ T(torch, X45_64.T.copy())


@snippet
def i2_mixed_float_linear_raises(torch: Any) -> Any:
    return torch.nn.Linear(5, 2)(T(torch, X45_64))


@snippet
def i2_mixed_float_functional_linear_raises(torch: Any) -> Any:
    return torch.nn.functional.linear(T(torch, X45_64), torch.ones(2, 5))


@snippet
def i2_mixed_float_conv_raises(torch: Any) -> Any:
    return torch.nn.Conv2d(1, 2, 3)(torch.ones(1, 1, 5, 5, dtype=torch.float64))


@snippet
def i2_float64_model_is_fine(torch: Any) -> Any:
    torch.manual_seed(0)
    lin = torch.nn.Linear(5, 2).double()
    return lin(T(torch, X45_64)).dtype, lin.weight.dtype


# ----------------------------------------------------------------------------- 3. .data

@snippet
def i3_data_is_tensor_sharing_memory(torch: Any) -> Any:
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    d = p.data
    d.add_(torch.tensor([10.0, 10.0]))
    return isinstance(d, torch.Tensor), d.requires_grad, d.is_leaf, p, d


@snippet
def i3_data_add_alpha_and_copy(torch: Any) -> Any:
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    p.data.add_(torch.tensor([1.0, 1.0]), alpha=-0.5)
    q = torch.tensor([5.0, 6.0], requires_grad=True)
    q.data.copy_(torch.tensor([7.0, 8.0]))
    return p, q, p.requires_grad


@snippet
def i3_data_assign(torch: Any) -> Any:
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    p.data = torch.tensor([3.0, 4.0, 5.0])
    return p, p.shape, p.requires_grad


@snippet
def i3_data_of_parameter_after_step(torch: Any) -> Any:
    w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
    (w * w).sum().backward()
    w.data.sub_(0.1 * w.grad.data)
    return w, w.grad, type(w.data).__name__ == "Tensor"


@snippet
def i3_data_add_grad_with_alpha(torch: Any) -> Any:
    # word_language_model's manual SGD step: the update must land in the parameter
    lin = torch.nn.Linear(2, 1)
    emb = torch.nn.Embedding(3, 2)
    lin.load_state_dict({"weight": torch.tensor([[0.5, -0.5]]), "bias": torch.tensor([0.1])})
    emb.load_state_dict({"weight": torch.ones(3, 2)})
    (lin(emb(torch.tensor([0, 1]))).sum()).backward()
    for p in list(lin.parameters()) + list(emb.parameters()):
        p.data.add_(p.grad, alpha=-0.5)
    return lin.weight, lin.bias, emb.weight


@snippet
def i3_grad_is_a_plain_tensor(torch: Any) -> Any:
    lin = torch.nn.Linear(2, 1)
    lin(torch.ones(3, 2)).sum().backward()
    g = lin.weight.grad
    return type(g).__name__, g.requires_grad, g.is_leaf, g.grad_fn is None, \
        type(lin.weight).__name__


@snippet
def i3_state_dict_values_are_tensors(torch: Any) -> Any:
    state = torch.nn.Linear(2, 1).state_dict()
    return [(k, type(v).__name__, v.requires_grad, tuple(v.shape)) for k, v in state.items()]




@snippet
def i4_function_forms_elementwise(torch: Any) -> Any:
    x = T(torch, A23)
    return torch.exp(x), torch.sin(x), torch.cos(x), torch.tanh(x), torch.sigmoid(x), \
        torch.relu(x), torch.abs(x), torch.sqrt(torch.abs(x)), torch.log(torch.abs(x)), \
        torch.pow(x, 2), torch.clamp(x, min=-1.0, max=2.0), torch.clamp(x, max=0.5), \
        torch.neg(x), torch.square(x), torch.sign(x)


@snippet
def i4_function_forms_reduce_shape(torch: Any) -> Any:
    x = T(torch, A234)
    return torch.sum(x, 1), torch.mean(x, dim=0), torch.flatten(x, 1), torch.flatten(x), \
        torch.softmax(x, dim=1), torch.log_softmax(x, -1), torch.argmax(x, dim=1), \
        torch.argmax(x), torch.reshape(x, (4, -1)), torch.squeeze(x[:1]), \
        torch.unsqueeze(x, 1).shape, torch.numel(x), torch.argmin(x, 2)


@snippet
def i4_function_forms_combine(torch: Any) -> Any:
    x, y = T(torch, A23), T(torch, A23 * 2)
    return torch.cat([x, y], 1), torch.stack([x, y]), torch.split(x, 2, dim=1), \
        torch.chunk(x, 3, dim=1), torch.where(x > 0, x, y), torch.maximum(x, y), \
        torch.minimum(x, y), torch.equal(x, x), torch.allclose(x, x + 1e-9), \
        torch.matmul(x, y.T), torch.mm(x, y.t()), torch.bmm(x[None], y.T[None]), \
        torch.einsum("ij,kj->ik", x, y), torch.linspace(0, 1, 5), torch.arange(5), \
        torch.arange(1, 2, 0.25), torch.eye(3), torch.full((2, 2), 3)


@snippet
def i4_from_numpy_shares_memory(torch: Any) -> Any:
    a = np.arange(4, dtype=np.float64)
    t = torch.from_numpy(a)
    a[0] = 9.0
    t[1] = 8.0
    return t, a.copy(), t.dtype, torch.from_numpy(np.ones(2, dtype=np.int32)).dtype


@snippet
def i4_as_tensor_is_tensor(torch: Any) -> Any:
    a = np.ones(3, dtype=np.float32)
    t = torch.as_tensor(a)
    a[0] = 5.0
    return t, torch.as_tensor([1, 2]).dtype, torch.as_tensor([1.0], dtype=torch.float64), \
        torch.is_tensor(t), torch.is_tensor(a), torch.is_tensor(3.0)


@snippet
def i4_dtype_aliases(torch: Any) -> Any:
    return torch.float is torch.float32, torch.double is torch.float64, \
        torch.half is torch.float16, torch.long is torch.int64, torch.int is torch.int32, \
        [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.uint8,
         torch.bool, torch.int8, torch.int16], torch.get_default_dtype()
    # (torch.float32.is_floating_point: our dtypes are NumPy's; coming-from-pytorch.md)


@snippet
def i4_typed_tensor_constructors(torch: Any) -> Any:
    return torch.FloatTensor([1, 2]), torch.DoubleTensor([1, 2]), torch.LongTensor([1.0, 2.0]), \
        torch.IntTensor([1, 2]), torch.BoolTensor([1, 0]), torch.LongTensor(3).shape, \
        torch.FloatTensor(2, 3).dtype


@snippet
def i4_device_keyword(torch: Any) -> Any:
    d = torch.device("cpu")
    return torch.zeros(2, device=d), torch.ones(2, device="cpu"), torch.randn(2, device=d).shape, \
        torch.arange(3, device="cpu"), torch.full((1,), 2.0, device=d), \
        torch.tensor([1.0], device="cpu"), torch.empty(2, device=d).shape, \
        torch.eye(2, device=d), torch.linspace(0, 1, 3, device=d), \
        torch.zeros_like(torch.ones(2), device=d), str(torch.ones(1).device), d.type, \
        torch.ones(2).to("cpu").device, torch.ones(2).cpu().device


@snippet
def i4_new_with_dtype(torch: Any) -> Any:
    w = torch.ones(2, 2)
    return w.new_ones(2, 3, dtype=torch.int64), w.new_zeros((1, 2)), w.new_full((2,), 3.5), \
        w.new_zeros(2, dtype=torch.float64), w.new_tensor([1, 2]), \
        w.new_tensor([1, 2], dtype=torch.int32), w.new_empty(3).shape


@snippet
def i4_format_one_element(torch: Any) -> Any:
    t = torch.tensor(3.14159)
    w = torch.nn.Linear(2, 1).weight.view(-1)[0]  # a 0-d tensor that requires grad
    return f"{t:.3f}", f"{t:+.2f}", f"{t.item():.2f}", f"{torch.tensor(7):d}", \
        format(torch.tensor(0.5), ".1%"), format(w, "+.2f") == f"{w.item():+.2f}"


@snippet
def i4_format_one_element_1d_raises(torch: Any) -> Any:
    # PyTorch formats only 0-d tensors with a format spec; a (1,)-shaped one raises TypeError
    return f"{torch.tensor([2.5]):.1f}"


@snippet
def i4_format_many_elements_raises(torch: Any) -> Any:
    return f"{torch.ones(3):.2f}"


@snippet
def i4_is_floating_point(torch: Any) -> Any:
    return torch.ones(1).is_floating_point(), \
        torch.ones(1, dtype=torch.int64).is_floating_point(), \
        torch.is_floating_point(torch.ones(1, dtype=torch.float64)), \
        torch.tensor([True]).is_floating_point()


@snippet
def i4_no_accelerators(torch: Any) -> Any:
    return torch.cuda.is_available(), torch.cuda.device_count(), \
        torch.accelerator.is_available(), torch.backends.mps.is_available()


@snippet
def i4_inference_mode(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        y = x * 2
    @torch.inference_mode()
    def f(v: Any) -> Any:
        return v * 3
    return y.requires_grad, f(x).requires_grad, (x * 2).requires_grad, y


@snippet
def i4_set_grad_enabled(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    with torch.set_grad_enabled(False):
        a = x * 2
        inside = torch.is_grad_enabled()
    with torch.set_grad_enabled(True):
        b = x * 2
    torch.set_grad_enabled(False)
    c = x * 2
    torch.set_grad_enabled(True)
    with torch.no_grad():
        with torch.enable_grad():
            d = x * 2
    return a.requires_grad, inside, b.requires_grad, c.requires_grad, d.requires_grad, \
        torch.is_grad_enabled()


@snippet
def i4_cpu_build_flags_and_generator(torch: Any) -> Any:
    g = torch.Generator().manual_seed(5)
    cudnn = torch.backends.cudnn
    return torch.accelerator.current_accelerator(), torch.backends.mps.is_built(), \
        cudnn.is_available(), cudnn.enabled, cudnn.deterministic, cudnn.benchmark, \
        g.initial_seed(), torch.Generator().initial_seed()


@snippet
def i4_set_grad_enabled_decorator_and_inference_off(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)

    @torch.set_grad_enabled(False)
    def f(v: Any) -> Any:
        return v * 2

    with torch.inference_mode(False):
        kept = (x * 2).requires_grad
    return torch.is_grad_enabled(), f(x).requires_grad, (x * 2).requires_grad, kept


@snippet
def i4_module_type_and_lookup(torch: Any) -> Any:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    net.type(torch.float64)
    F = torch.nn.functional  # noqa: N806 - PyTorch's spelling
    return net.get_parameter("0.weight").dtype, net.get_buffer("1.running_mean").dtype, \
        next(net.parameters()).shape, F.relu(torch.tensor([-1.0, 2.0]))


@snippet
def i4_full_infers_dtype(torch: Any) -> Any:
    return torch.full((2,), 3).dtype, torch.full((2,), True).dtype, torch.full((2,), 1.5).dtype, \
        torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1])), \
        torch.equal(torch.ones(2), torch.ones(3))


@snippet
def i4_randperm_empty_like_concat(torch: Any) -> Any:
    p = torch.randperm(6)
    return p.dtype, sorted(p.tolist()), torch.empty_like(torch.ones(2, 3)).shape, \
        torch.empty_like(torch.ones(2), dtype=torch.int64).dtype, \
        torch.concat([torch.ones(2), torch.zeros(1)])


@snippet
def i4_everyday_methods(torch: Any) -> Any:
    x = T(torch, A23)
    return x.view(-1), x.view_as(torch.ones(3, 2)), x.narrow(1, 0, 2), x.contiguous(), \
        x.expand_as(torch.ones(2, 2, 3)), x.repeat(1, 2), x.masked_fill(x > 0, 0.0), \
        x.long(), x.int().dtype, x.double().dtype, x.bool(), x.type(torch.float64).dtype, \
        x.to(torch.int64), x.size(), x.size(1), x.dim(), x.numel(), len(x), x.element_size(), \
        x.tolist(), x.sum().item()


@snippet
def i4_inplace_on_leaf_requires_no_grad(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    x.add_(1.0)
    return x


@snippet
def i4_integer_cannot_require_grad(torch: Any) -> Any:
    return torch.tensor([1, 2], requires_grad=True)


@snippet
def i4_size_type(torch: Any) -> Any:
    s = torch.ones(2, 3).size()
    # API.md prints Size([2, 3]) where torch prints torch.Size([2, 3])
    return isinstance(s, tuple), type(s).__name__, str(s).removeprefix("torch."), s == (2, 3), \
        torch.ones(2, 3).shape[1]


@snippet
def i4_shape_is_a_size(torch: Any) -> Any:
    x = torch.ones(2, 3, 4)
    s = x.shape
    return type(s).__name__, type(s[1:]).__name__, s[1:], type(s[0]).__name__, \
        type(s + (5,)).__name__, type((5,) + s).__name__, type(s * 2).__name__, s + (5,), \
        s.numel(), torch.Size([]).numel(), s == (2, 3, 4), s == torch.Size([2, 3, 4]), \
        hash(s) == hash((2, 3, 4)), str(s[:0]).removeprefix("torch."), s == x.size(), \
        torch.ones(s).shape == s, torch.Size((2, 3)) == (2, 3)


@snippet
def i4_size_refuses_floats(torch: Any) -> Any:
    return torch.Size([2.5])


@snippet
def i4_numpy_of_a_tensor_that_requires_grad_raises(torch: Any) -> Any:
    return torch.ones(2, requires_grad=True).detach().numpy()


@snippet
def i4_numpy_of_a_computed_tensor_raises(torch: Any) -> Any:
    return (torch.ones(2, requires_grad=True) * 2).detach().numpy()


@snippet
def i4_asarray_of_a_tensor_that_requires_grad_raises(torch: Any) -> Any:
    return np.asarray(torch.ones(2, requires_grad=True))


@snippet
def i4_numpy_force_detach_tolist_item(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    forced = x.numpy(force=True)
    forced[0] = 5.0  # shares memory, as PyTorch's on the CPU
    y = x * 2
    return forced, x.detach().numpy(), np.asarray(x.detach()), y.tolist(), y.sum().item(), \
        y.detach().numpy(), torch.ones(2).numpy()


# --------------------------------------------------------------------------- 5. missing ops

@snippet
def i5_topk_sort_argsort(torch: Any) -> Any:
    x = T(torch, X45)
    return x.topk(3, dim=1), torch.topk(x, 2, largest=False, sorted=True), x.argsort(dim=0), \
        torch.argsort(x, descending=True), x.sort(stable=True, dim=1)


@snippet
def i5_topk_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.topk(2, dim=1).values)


@snippet
def i5_sort_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.sort(dim=0, descending=True).values)


@snippet
def i5_cumsum_cumprod_prod(torch: Any) -> Any:
    x = T(torch, A23)
    return x.cumsum(1), torch.cumsum(x, dim=0), x.cumprod(1), torch.cumprod(x, 0), x.prod(), \
        x.prod(1), torch.prod(x, dim=0, keepdim=True), torch.tensor([1, 2, 3]).cumsum(0).dtype, \
        torch.tensor([2, 3]).prod().dtype


@snippet
def i5_cumsum_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.cumsum(1))


@snippet
def i5_cumprod_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.cumprod(0))


@snippet
def i5_prod_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.prod(1))


@snippet
def i5_gather_scatter(torch: Any) -> Any:
    x = T(torch, X45)
    idx = torch.tensor([[0, 1], [2, 2], [4, 0], [3, 3]])
    src = torch.ones(4, 2)
    return x.gather(1, idx), torch.gather(x, 1, idx), torch.zeros(4, 5).scatter(1, idx, src), \
        torch.zeros(4, 5).scatter_add(1, idx, src), torch.zeros(4, 5).scatter(1, idx, 2.0), \
        torch.zeros(4, 5).scatter_add_(1, idx, src)


@snippet
def i5_gather_grad(torch: Any) -> Any:
    idx = torch.tensor([[0, 1, 1], [2, 2, 0], [4, 0, 4], [3, 3, 3]])
    return grad_of(torch, X45_64, lambda x: x.gather(1, idx))


@snippet
def i5_scatter_add_grad(torch: Any) -> Any:
    idx = torch.tensor([[0, 1], [2, 2], [4, 0], [3, 3]])
    src = leaf(torch, np.arange(8, dtype=np.float64).reshape(4, 2))
    out = torch.zeros(4, 5, dtype=torch.float64).scatter_add(1, idx, src)
    (out * torch.arange(20, dtype=torch.float64).reshape(4, 5)).sum().backward()
    return out, src.grad


@snippet
def i5_index_select_masked_select(torch: Any) -> Any:
    x = T(torch, X45)
    return x.index_select(1, torch.tensor([4, 0, 0])), \
        torch.index_select(x, 0, torch.tensor([1])), \
        x.masked_select(x > 0), torch.masked_select(x, x < 0)


@snippet
def i5_index_select_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.index_select(1, torch.tensor([4, 0, 0])))


@snippet
def i5_masked_select_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.masked_select(torch.tensor(X45_64 > 0)))


@snippet
def i5_norm(torch: Any) -> Any:
    x = T(torch, X45)
    return x.norm(), x.norm(dim=1), x.norm(p=1, dim=0), x.norm(p="fro"), torch.norm(x), \
        torch.linalg.norm(x), torch.linalg.norm(x, dim=1), torch.linalg.norm(x, ord=1, dim=0), \
        x.norm(2, 1, keepdim=True)


@snippet
def i5_norm_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.norm(dim=1))


@snippet
def i5_tril_triu_outer(torch: Any) -> Any:
    x = T(torch, X45)
    v, w = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0])
    return x.tril(), torch.triu(x), x.tril(diagonal=-1), torch.triu(x, 2), torch.outer(v, w), \
        v.outer(w), torch.tril(torch.ones(3, 3, dtype=torch.int64))


@snippet
def i5_tril_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: x.tril(1))


@snippet
def i5_outer_grad(torch: Any) -> Any:
    w = torch.tensor(np.arange(3, dtype=np.float64))
    return grad_of(torch, X45_64[0], lambda v: torch.outer(v, w))


@snippet
def i5_normalize_cosine(torch: Any) -> Any:
    F = torch.nn.functional
    x, y = T(torch, X45), T(torch, X45[::-1].copy())
    return F.normalize(x), F.normalize(x, p=1, dim=0), F.cosine_similarity(x, y), \
        F.cosine_similarity(x, y, dim=0), F.normalize(torch.zeros(2, 3))


@snippet
def i5_normalize_grad(torch: Any) -> Any:
    return grad_of(torch, X45_64, lambda x: torch.nn.functional.normalize(x, dim=1))


@snippet
def i5_cosine_similarity_grad(torch: Any) -> Any:
    y = torch.tensor(X45_64[::-1].copy())
    return grad_of(torch, X45_64, lambda x: torch.nn.functional.cosine_similarity(x, y))


@snippet
def i5_interpolate(torch: Any) -> Any:
    F = torch.nn.functional
    x = T(torch, A234[None])
    return F.interpolate(x, scale_factor=2, mode="nearest"), F.interpolate(x, size=(5, 7)), \
        F.interpolate(x, size=(5, 6), mode="bilinear", align_corners=False), \
        F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)


@snippet
def i5_interpolate_grad(torch: Any) -> Any:
    return grad_of(torch, A234[None].astype(np.float64),
                   lambda x: torch.nn.functional.interpolate(x, size=(5, 6), mode="bilinear"))


@snippet
def i5_dropout2d_functional(torch: Any) -> Any:
    F = torch.nn.functional
    x = T(torch, A234[None])
    return F.dropout2d(x, 0.5, training=False), F.dropout2d(x, p=1.0), F.dropout2d(x, 0.0)


# ------------------------------------------------------------------------------ 6. autograd

@snippet
def i6_autograd_grad(torch: Any) -> Any:
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x ** 3).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    return g, h, x.grad


@snippet
def i6_autograd_grad_outputs_and_multiple(torch: Any) -> Any:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, -1.0], requires_grad=True)
    y = x * w
    return torch.autograd.grad(y, [x, w], grad_outputs=torch.tensor([1.0, 0.5]))


@snippet
def i6_autograd_grad_unused_raises(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    z = torch.ones(2, requires_grad=True)
    return torch.autograd.grad((x * 2).sum(), [x, z])


@snippet
def i6_autograd_grad_allow_unused(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    z = torch.ones(2, requires_grad=True)
    return torch.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)


@snippet
def i6_autograd_backward(torch: Any) -> Any:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.autograd.backward([x * x], [torch.tensor([1.0, 1.0])])
    return x.grad


@snippet
def i6_custom_function_tensors(torch: Any) -> Any:
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, k: float) -> Any:
            ctx.save_for_backward(x)
            ctx.k = k
            inside = [isinstance(x, torch.Tensor), torch.is_grad_enabled()]
            ctx.inside = inside
            return k * x ** 3

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g * 3 * ctx.k * x ** 2, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x, 2.0)
    y.sum().backward()
    return y, x.grad, y.requires_grad, type(y.grad_fn).__name__ == "CubeBackward", \
        y.grad_fn.needs_input_grad if hasattr(y.grad_fn, "needs_input_grad") else None


@snippet
def i6_custom_function_does_not_record_forward(torch: Any) -> Any:
    seen = []

    class Twice(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            y = x * 2
            seen.append((torch.is_grad_enabled(), y.requires_grad, y.grad_fn is None))
            return y

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * 2

    x = torch.tensor([1.0], requires_grad=True)
    Twice.apply(x).backward()
    return seen, x.grad


@snippet
def i6_custom_function_mark_non_diff_and_ctx(torch: Any) -> Any:
    class Split(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            idx = x.argmax()
            ctx.mark_non_differentiable(idx)
            return x.clone(), idx

        @staticmethod
        def backward(ctx: Any, g: Any, g_idx: Any) -> Any:
            return g

    x = torch.tensor([1.0, 3.0], requires_grad=True)
    y, i = Split.apply(x)
    y.sum().backward()
    return x.grad, i


@snippet
def i6_variable(torch: Any) -> Any:
    from_autograd = torch.autograd.Variable
    v = from_autograd(torch.ones(2), requires_grad=True)
    w = from_autograd(torch.ones(2))
    (v * 3).sum().backward()
    return v.grad, isinstance(v, torch.Tensor), w.requires_grad, v.data


@snippet
def i6_detect_anomaly_raises(torch: Any) -> Any:
    with torch.autograd.detect_anomaly():
        x = torch.tensor([0.0], requires_grad=True)
        y = (x * 0.0).sqrt()
        y.backward()
    return x.grad


@snippet
def i6_nan_without_anomaly_mode(torch: Any) -> Any:
    x = torch.tensor([0.0], requires_grad=True)
    (x * 0.0).sqrt().backward()
    return bool(torch.isnan(x.grad).all())


@snippet
def i6_set_detect_anomaly(torch: Any) -> Any:
    torch.autograd.set_detect_anomaly(True)
    try:
        x = torch.tensor([0.0], requires_grad=True)
        (x * 0.0).sqrt().backward()
    finally:
        torch.autograd.set_detect_anomaly(False)
    return x.grad


@snippet
def i6_functional_jacobian_hessian(torch: Any) -> Any:
    AF = torch.autograd.functional
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    return AF.jacobian(lambda v: v ** 2 * v.sum(), x), AF.hessian(lambda v: (v ** 3).sum(), x), \
        AF.jacobian(lambda a, b: a * b, (x, x * 2))


@snippet
def i6_functional_vjp_jvp_hvp(torch: Any) -> Any:
    AF = torch.autograd.functional
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    v = torch.tensor([1.0, 0.5, -1.0], dtype=torch.float64)
    return AF.vjp(lambda a: a.exp(), x, v), AF.jvp(lambda a: a.exp() * a.sum(), x, v), \
        AF.hvp(lambda a: (a ** 3).sum(), x, v), AF.vhp(lambda a: (a ** 3).sum(), x, v)


# ---------------------------------------------------------------------------- 7. grad_fn

def _graph(fn: Any) -> Any:
    """(name, [(next type or None, index)]) of a node: the part of grad_fn users read."""
    return fn.name(), [(None if f is None else f.name(), i) for f, i in fn.next_functions]


@snippet
def i7_grad_fn_names_and_next(torch: Any) -> Any:
    x = torch.ones(2, 2, requires_grad=True)
    c = torch.ones(2, 2)
    y = x + 2
    z = y * c
    out = z.mean()
    return _graph(y.grad_fn), _graph(z.grad_fn), _graph(out.grad_fn), x.grad_fn is None, \
        torch.ones(2).grad_fn is None


@snippet
def i7_grad_fn_common_names(torch: Any) -> Any:
    x = torch.ones(2, 2, requires_grad=True)
    return [f.grad_fn.name() for f in (x.sum(), x.exp(), x.tanh(), x @ x, x.t(), x.view(4),
                                       x - 1, x / 2, x.relu(), x.sigmoid(), x.pow(2))]


@snippet
def i7_accumulate_grad_variable(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    acc = (x * 2).grad_fn.next_functions[0][0]
    return acc.variable is x, type(acc).__name__


# -------------------------------------------------------------------- 8. losses and layers

LOGITS = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0], [-2.0, 0.0, 2.0]],
                  dtype=np.float64)


@snippet
def i8_cross_entropy_ignore_index(torch: Any) -> Any:
    F = torch.nn.functional
    t = torch.tensor([0, -100, 2, 1])
    return grad_of(torch, LOGITS, lambda x: F.cross_entropy(x, t)), \
        F.cross_entropy(T(torch, LOGITS), torch.tensor([0, 1, 1, 2]), ignore_index=1), \
        F.cross_entropy(T(torch, LOGITS), t, reduction="none"), \
        F.cross_entropy(T(torch, LOGITS), t, reduction="sum")


@snippet
def i8_nll_loss_ignore_index(torch: Any) -> Any:
    F = torch.nn.functional
    t = torch.tensor([0, 2, 2, 1])
    return grad_of(torch, LOGITS, lambda x: F.nll_loss(F.log_softmax(x, 1), t, ignore_index=2)), \
        torch.nn.NLLLoss(ignore_index=0)(T(torch, LOGITS), t)


@snippet
def i8_cross_entropy_label_smoothing(torch: Any) -> Any:
    F = torch.nn.functional
    t = torch.tensor([0, 1, 2, 1])
    return grad_of(torch, LOGITS, lambda x: F.cross_entropy(x, t, label_smoothing=0.1)), \
        torch.nn.CrossEntropyLoss(label_smoothing=0.2, reduction="none")(T(torch, LOGITS), t), \
        F.cross_entropy(T(torch, LOGITS), torch.tensor([0, -100, 2, 1]), label_smoothing=0.3)


@snippet
def i8_cross_entropy_weight(torch: Any) -> Any:
    F = torch.nn.functional
    w = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    return F.cross_entropy(T(torch, LOGITS), torch.tensor([0, 1, 2, 1]), weight=w)


def _legacy(torch: Any, **kw: Any) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss = torch.nn.MSELoss(**kw)(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0]))
        f = torch.nn.functional.mse_loss(torch.tensor([1.0, 2.0]), torch.zeros(2), **kw)
    return loss, f, sorted({c.category.__name__ for c in caught})


@snippet
def i8_size_average_reduce_mapped(torch: Any) -> Any:
    return _legacy(torch, size_average=False), _legacy(torch, reduce=False), \
        _legacy(torch, size_average=True, reduce=True)


@snippet
def i8_dropout2d_3d_input(torch: Any) -> Any:
    torch.manual_seed(0)
    d = torch.nn.Dropout2d(0.5)
    x = torch.ones(4, 16, 20)
    y = d(x)
    rows = y.reshape(64, 20)
    uniform = bool(((rows == 0).all(1) | (rows == 2).all(1)).all())
    d.eval()
    return uniform, bool((rows == 0).any()), bool((rows == 2).any()), y.shape, bool(
        torch.equal(d(x), x))


@snippet
def i8_dropout1d(torch: Any) -> Any:
    torch.manual_seed(0)
    d = torch.nn.Dropout1d(0.5)
    rows3 = d(torch.ones(4, 16, 20)).reshape(64, 20)
    rows2 = d(torch.ones(32, 20))
    f = torch.nn.functional.dropout1d(torch.ones(2, 3, 4), 0.5, training=False)
    ok = [bool(((r == 0).all(1) | (r == 2).all(1)).all()) for r in (rows3, rows2)]
    return ok, f


@snippet
def i8_dropout1d_wrong_rank(torch: Any) -> Any:
    return torch.nn.Dropout1d(0.5)(torch.ones(2, 3, 4, 5))


# ------------------------------------------------------------------ 9. torch.utils.data

class _Squares:
    """A map-style dataset (module level, so worker processes can import it)."""

    def __init__(self, torch: Any) -> None:
        self.torch = torch

    def __len__(self) -> int:
        return 10

    def __getitem__(self, i: int) -> Any:
        return self.torch.tensor([float(i), float(i * i)]), i


def _dataset_class(torch: Any) -> Any:
    class Squares(torch.utils.data.Dataset):
        def __len__(self) -> int:
            return 10

        def __getitem__(self, i: int) -> Any:
            return torch.tensor([float(i), float(i * i)]), i
    return Squares


@snippet
def i9_dataset_dataloader(torch: Any) -> Any:
    ds = _dataset_class(torch)()
    loader = torch.utils.data.DataLoader(ds, batch_size=4)
    batches = list(loader)
    dropped = torch.utils.data.DataLoader(ds, batch_size=4, drop_last=True)
    return batches, len(loader), len(dropped), len(list(dropped)), loader.dataset is ds


@snippet
def i9_sampler_collate_generator_pin(torch: Any) -> Any:
    ds = _dataset_class(torch)()
    by_sampler = list(torch.utils.data.DataLoader(ds, batch_size=3, sampler=[9, 0, 5, 5]))
    collated = list(torch.utils.data.DataLoader(ds, batch_size=4, collate_fn=lambda b: len(b)))
    g1 = torch.Generator().manual_seed(3)
    g2 = torch.Generator().manual_seed(3)
    a = [b[1] for b in torch.utils.data.DataLoader(ds, batch_size=5, shuffle=True, generator=g1)]
    b = [b[1] for b in torch.utils.data.DataLoader(ds, batch_size=5, shuffle=True, generator=g2)]
    pinned = list(torch.utils.data.DataLoader(ds, batch_size=5, pin_memory=True))
    return by_sampler, collated, [torch.equal(u, v) for u, v in zip(a, b)], \
        sorted(torch.cat(a).tolist()), pinned


@snippet
def i9_num_workers(torch: Any) -> Any:
    ds = _Squares(torch)
    serial = list(torch.utils.data.DataLoader(ds, batch_size=3))
    parallel = list(torch.utils.data.DataLoader(ds, batch_size=3, num_workers=2))
    return serial, parallel


@snippet
def i9_iterable_dataset(torch: Any) -> Any:
    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self) -> Any:
            return iter(torch.tensor([float(i)]) for i in range(7))

    return list(torch.utils.data.DataLoader(Stream(), batch_size=3)), \
        isinstance(Stream(), torch.utils.data.Dataset)


@snippet
def i9_subset_random_split(torch: Any) -> Any:
    ds = _dataset_class(torch)()
    sub = torch.utils.data.Subset(ds, [1, 3, 5])
    a, b = torch.utils.data.random_split(ds, [7, 3], generator=torch.Generator().manual_seed(0))
    c, d = torch.utils.data.random_split(range(10), [0.8, 0.2])
    return len(sub), sub[1], sub.indices, len(a), len(b), \
        sorted(a.indices + b.indices), len(c), len(d), type(a).__name__


@snippet
def i9_random_split_bad_lengths(torch: Any) -> Any:
    return torch.utils.data.random_split(range(10), [3, 3])


@snippet
def i9_default_collate(torch: Any) -> Any:
    collate = torch.utils.data.default_collate
    return collate([(torch.ones(2), 1, 0.5), (torch.zeros(2), 2, 1.5)]), \
        collate([{"x": np.ones(2, dtype=np.float32), "y": 3}, {"x": np.zeros(2, dtype=np.float32),
                                                              "y": 4}]), \
        collate([True, False]), collate(["a", "b"])


@snippet
def i9_tensor_dataset(torch: Any) -> Any:
    td = torch.utils.data.TensorDataset(torch.arange(4), torch.arange(4) * 2.0)
    return len(td), td[2], list(torch.utils.data.DataLoader(td, batch_size=3))


# ------------------------------------------------------------------------- 10. checkpoints

@snippet
def i10_load_missing_file(torch: Any) -> Any:
    return torch.load(os.path.join(tempfile.gettempdir(), "no_such_dir_x", "missing.pt"))


@snippet
def i10_state_dict_roundtrip(torch: Any) -> Any:
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.pt")
        torch.save(model.state_dict(), path)
        state = torch.load(path)
    fresh = torch.nn.Linear(3, 2)
    fresh.load_state_dict(state)
    return sorted(state.keys()), torch.equal(fresh.weight, model.weight), \
        type(fresh.load_state_dict(state)).__name__ in ("_IncompatibleKeys", "IncompatibleKeys")


# ------------------------------------------------- tinygrad_nn's own promises (no torch twin)

def test_mixed_float_error_names_both_dtypes_and_fix() -> None:
    tg = tinygrad_nn
    cases = [lambda: tg.ones(2, 3) @ tg.ones(3, 2, dtype=tg.float64),
             lambda: tg.nn.Linear(5, 2)(tg.tensor(X45_64)),
             lambda: tg.nn.Conv2d(1, 2, 3)(tg.ones(1, 1, 5, 5, dtype=tg.float64))]
    for case in cases:
        with pytest.raises(RuntimeError) as info:
            case()
        text = str(info.value)
        assert "float32" in text and "float64" in text and ".float()" in text, text


def test_other_devices_raise_a_clear_error() -> None:
    # PyTorch without CUDA fails here too (an AssertionError); tinygrad_nn has no GPU backend yet
    with pytest.raises((RuntimeError, ValueError), match="cuda"):
        tinygrad_nn.ones(2).to("cuda")


def test_save_module_raises_type_error_naming_state_dict(tmp_path: Any) -> None:
    with pytest.raises(TypeError, match="state_dict"):
        tinygrad_nn.save(tinygrad_nn.nn.Linear(2, 2), tmp_path / "model.h5")


def test_load_missing_file_is_file_not_found(tmp_path: Any) -> None:
    with pytest.raises(FileNotFoundError):
        tinygrad_nn.load(tmp_path / "missing.h5")


def test_checkpoints_are_not_pickles(tmp_path: Any) -> None:
    path = tmp_path / "m.h5"
    tinygrad_nn.save(tinygrad_nn.nn.Linear(2, 2).state_dict(), path)
    with open(path, "rb") as f:
        head = f.read(8)
    assert head == b"\x89HDF\r\n\x1a\n"
    with pytest.raises(pickle.UnpicklingError), open(path, "rb") as f:
        pickle.load(f)


def test_drawing_shows_named_constant() -> None:
    pytest.importorskip("graphviz")
    tg = tinygrad_nn
    scale = tg.tensor([2.0, 3.0], name="scale")
    x = tg.ones(2, requires_grad=True)
    src = tg.viz.draw_graph((x * scale).sum()).source
    assert "scale" in src


def test_anomaly_error_names_the_op_and_where() -> None:
    tg = tinygrad_nn
    with pytest.raises(RuntimeError) as info, tg.autograd.detect_anomaly():
        x = tg.tensor([0.0], requires_grad=True)
        (x * 0.0).sqrt().backward()
    text = str(info.value)
    assert "Backward" in text and __file__.rsplit(os.sep, 1)[-1] in text, text


def test_every_item_has_snippets() -> None:
    items = {f.__name__.split("_", 1)[0] for f in SNIPPETS}
    assert items == {f"i{k}" for k in range(1, 11)}


def test_tensor_keeps_an_arrays_dtype_where_the_legacy_constructor_does_not() -> None:
    # tensor() / from_numpy / as_tensor keep an array's dtype; Tensor(...) gives the default
    tg = tinygrad_nn
    assert tg.tensor(np.ones(2, dtype=np.float64)).dtype == tg.float64
    assert tg.tensor(np.ones(2, dtype=np.int32)).dtype == tg.int32
    assert tg.from_numpy(np.ones(2)).dtype == tg.float64
    assert tg.Tensor(np.ones(2)).dtype == tg.float32
    assert tg.Tensor([1, 2]).dtype == tg.float32


@pytest.mark.parametrize("path", ["jit", "onnx", "quantization"])
def test_not_implemented_names_are_absent(path: str) -> None:
    # docs/coming-from-pytorch.md: these stop a program with an AttributeError at the name
    obj: Any = tinygrad_nn
    *parents, last = path.split(".")
    for part in parents:
        obj = getattr(obj, part)
    with pytest.raises(AttributeError):
        getattr(obj, last)


def test_nn_functional_is_the_functional_module() -> None:
    # `import torch.nn.functional as F` with only the import changed
    import tinygrad_nn.nn.functional as F  # noqa: N812 - PyTorch's spelling

    import tinygrad_nn.functional

    assert F is tinygrad_nn.functional and tinygrad_nn.nn.functional is F


def test_function_forms_follow_their_methods() -> None:
    # one table generates the top-level forms: each calls its Tensor method, arrays accepted
    from tinygrad_nn._torch_functions import FUNCTIONS

    x = np.array([[1.0, -2.0], [3.0, 0.5]], dtype=np.float32)
    for name in ("exp", "abs", "relu", "sigmoid", "flatten", "cumsum"):
        args = (0,) if name == "cumsum" else ()
        np.testing.assert_array_equal(
            FUNCTIONS[name](x, *args).numpy(), getattr(tinygrad_nn.tensor(x), name)(*args).numpy())
        assert getattr(tinygrad_nn, name) is FUNCTIONS[name]


def test_every_test_named_in_the_guide_exists() -> None:
    # docs/coming-from-pytorch.md backs each claim with a test name (`i2_max_*`, `test_...`)
    import fnmatch
    import glob
    import re

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "docs", "coming-from-pytorch.md"), encoding="utf-8") as f:
        guide = f.read()
    known = {f.__name__ for f in SNIPPETS}
    for path in glob.glob(os.path.join(root, "tests", "**", "test_*.py"), recursive=True):
        known.add(os.path.basename(path)[:-3])  # a file named as a whole
        with open(path, encoding="utf-8") as f:
            known |= set(re.findall(r"^def (test_\w+)", f.read(), flags=re.M))
    cited = re.findall(r"\b((?:i\d+|test)_[\w*]+)", guide)
    assert len(cited) > 30
    missing = [c for c in cited if not fnmatch.filter(known, c)]
    assert missing == [], f"the guide cites tests that do not exist: {missing}"
