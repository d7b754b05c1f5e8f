"""Known differences from PyTorch, removed (session 7's ``parity`` helper): sign/sgn nodes,
bool refusals, clamp with Tensor bounds at NaN and ties, in-place casting errors.

Each check runs the same call on both libraries through ``test_parity_elem.same`` (values,
dtype, shape, requires_grad, gradients of a random projection, the exception class).
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tests.ops.test_parity_elem import same

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch
NAN = np.nan


# -- 1. sign and sgn are recorded ops with a zero gradient ---------------------------------
@pytest.mark.parametrize("name", ["sign", "sgn"])
@pytest.mark.parametrize("a", [np.array([NAN, -2.0, -0.0, 0.0, 3.0, np.inf]), np.array(-1.5),
                               np.zeros((0, 2)), np.array([1, -3, 0]),
                               np.array([True, False]), np.array([0.5, -2], np.float32)])
def test_sign_and_sgn_match_torch(name: str, a: np.ndarray) -> None:
    same(lambda x: getattr(x, name)(), lambda x: getattr(x, name)(), a)
    same(lambda x: getattr(tg, name)(x), lambda x: getattr(torch, name)(x), a)


@pytest.mark.parametrize(("name", "node"), [("sign", "SignBackward0"), ("sgn", "SgnBackward0")])
def test_sign_node_and_second_order(name: str, node: str) -> None:
    x = tg.tensor([NAN, -2.0, 0.0, 3.0], requires_grad=True)
    y = getattr(x, name)()
    assert y.grad_fn is not None and y.grad_fn.name() == node
    (g,) = tg.autograd.grad((y * x).sum(), x, create_graph=True)  # d/dx x sign(x) = sign(x)
    np.testing.assert_array_equal(g.detach().numpy(), [0.0, -1.0, 0.0, 1.0])
    (h,) = tg.autograd.grad(g.sum(), x, allow_unused=True)
    assert h is None or np.array_equal(h.numpy(), np.zeros(4))


# -- 2. bool tensors: the unary ops PyTorch refuses, and those it accepts ------------------
BOOL = np.array([True, False, True])


@pytest.mark.parametrize("name", ["abs", "absolute", "neg", "negative", "__neg__", "__abs__",
                                  "__pos__", "positive", "relu", "square", "sign", "sgn",
                                  "floor", "ceil", "round", "trunc", "frac", "exp", "sqrt",
                                  "sigmoid", "log1p", "reciprocal", "nan_to_num", "isnan"])
def test_unary_ops_on_bool_match_torch(name: str) -> None:
    same(lambda x: getattr(x, name)(), lambda x: getattr(x, name)(), BOOL)


def test_bool_refusals_name_the_operator() -> None:
    b = tg.tensor(BOOL)
    with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor"):
        _ = -b
    with pytest.raises(NotImplementedError, match="abs_cpu.*Bool"):
        _ = abs(b)
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        tg.relu(b)
    with pytest.raises(TypeError):  # NumPy's own error still surfaces for a non-bool misuse
        _ = -tg.tensor(np.array(["a"]))


# -- 3. clamp with Tensor bounds: NaN anywhere, ties, lo > hi ------------------------------
X = np.array([NAN, 1.0, 2.0, 3.0, 0.5, 5.0, 2.0, NAN, 1.0, 1.0, 0.0])
LO = np.array([0.0, 1.0, 1.0, 1.0, NAN, 1.0, 2.0, NAN, 2.0, 2.0, 1.0])
HI = np.array([4.0, 4.0, 2.0, 2.0, 4.0, NAN, 2.0, 1.0, 1.0, 2.0, 3.0])


@pytest.mark.parametrize("form", ["both", "min only", "max only", "broadcast"])
@pytest.mark.parametrize("name", ["clamp", "clip"])
def test_clamp_with_tensor_bounds_matches_torch_at_nan_and_ties(form: str, name: str) -> None:
    if form == "both":
        same(lambda x, lo, hi: getattr(x, name)(lo, hi),
             lambda x, lo, hi: getattr(x, name)(lo, hi), X, LO, HI)
    elif form == "min only":
        same(lambda x, lo: getattr(x, name)(min=lo), lambda x, lo: getattr(x, name)(min=lo), X, LO)
    elif form == "max only":
        same(lambda x, hi: getattr(x, name)(max=hi), lambda x, hi: getattr(x, name)(max=hi), X, HI)
    else:
        x2 = np.stack([X, X[::-1]])
        same(lambda x, lo, hi: getattr(tg, name)(x, lo, hi),
             lambda x, lo, hi: getattr(torch, name)(x, lo, hi), x2, LO, HI)


def test_clamp_with_a_number_and_a_tensor_is_a_type_error_as_torch() -> None:
    same(lambda x, hi: x.clamp(0.5, hi), lambda x, hi: x.clamp(0.5, hi), X, HI)


@pytest.mark.parametrize("bound", [NAN, 1.5])
def test_clamp_with_number_bounds_at_nan(bound: float) -> None:
    same(lambda x: x.clamp(bound, 3.0), lambda x: x.clamp(bound, 3.0), X)
    same(lambda x, lo: x.clamp(lo, None), lambda x, lo: x.clamp(lo, None), X,
         np.float32(bound) * np.ones(11, np.float32))  # a bound that needs no gradient


# -- 4. in-place arithmetic whose result type cannot be cast -------------------------------
@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_", "__iadd__", "__isub__",
                                "__imul__", "__itruediv__"])
@pytest.mark.parametrize(("a", "other"), [(np.array([1, 2]), 1.5), (np.array([1, 2]), 2),
                                          (np.array([True, False]), 2),
                                          (np.array([1.0, 2.0], np.float32), 2)])
def test_inplace_cast_errors_match_torch(op: str, a: np.ndarray, other: Any) -> None:
    def run(lib: Any) -> Any:
        x = lib.tensor(a.copy())
        try:
            out = getattr(x, op)(other)
        except RuntimeError as e:
            return str(e)
        return out.numpy() if lib is tg else out.numpy()

    want, got = run(torch), run(tg)
    if isinstance(want, str):
        assert got == want
    else:
        np.testing.assert_array_equal(got, want)


# -- 5. outside a function's domain: inf / NaN silently, as PyTorch ------------------------
_QUIET_SCRIPT = """
import warnings, numpy as np, tinygrad_nn as tg
warnings.simplefilter("always", append=True)  # every warning shown, after the package's filter
a = np.array([-1.0, 0.0, 2.0])
for call in [lambda x: x.log(), lambda x: x.sqrt(), lambda x: x.rsqrt(), lambda x: 1 / x,
             lambda x: x.log2(), lambda x: (x * 400).exp(), lambda x: x.acos(),
             lambda x: x.atanh(), lambda x: x.reciprocal(), lambda x: x ** -1.5,
             lambda x: x.detach() // 0.0, lambda x: x % 0.0, lambda x: x.xlogy(x)]:
    x = tg.tensor(a, requires_grad=True)
    y = call(x)
    if y.requires_grad:
        y.backward(tg.ones_like(y))
print("package done", flush=True)
np.log(np.zeros(1))  # the user's own NumPy code still warns
"""


def test_out_of_domain_values_raise_no_numpy_warnings_but_the_users_own_still_do() -> None:
    # a fresh interpreter: pytest imports test modules inside warnings.catch_warnings(),
    # which drops a filter added during the import (the documented limitation)
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", _QUIET_SCRIPT], capture_output=True, text=True,
                         check=True)
    assert run.stdout == "package done\n"
    assert run.stderr.count("RuntimeWarning") == 1 and "divide by zero encountered in log" \
        in run.stderr and "<string>" in run.stderr, run.stderr


# -- 6. the nuclear norm through norm(p='nuc') ---------------------------------------------
@pytest.mark.parametrize(("shape", "kw"), [
    ((3, 4), {}), ((4, 2), {"keepdim": True}), ((2, 3, 4), {"dim": (0, 2)}),
    ((2, 3, 4), {"dim": (-1, -3), "keepdim": True}), ((3, 3), {"dim": (1, 0)}),
    ((2, 3, 4), {}), ((4,), {}), ((3, 4), {"dim": 1}), ((0, 3), {})])
def test_nuclear_norm_matches_torch(shape: tuple[int, ...], kw: dict[str, Any]) -> None:
    a = np.random.default_rng(3).standard_normal(shape)
    same(lambda x: x.norm(p="nuc", **kw), lambda x: x.norm(p="nuc", **kw), a, rtol=1e-10)
    same(lambda x: tg.norm(x, "nuc", **kw), lambda x: torch.norm(x, "nuc", **kw), a, rtol=1e-10)


def test_nuclear_norm_of_an_int_tensor_is_refused_as_torch() -> None:
    same(lambda x: x.norm(p="nuc"), lambda x: x.norm(p="nuc"), np.ones((2, 2), np.int64))


# -- 7. max_pool2d's indices, max_unpool2d -------------------------------------------------
POOLS = [((2, 3, 5, 6), 2, None, 0, 1, False), ((2, 3, 5, 6), 3, 2, 1, 1, True),
         ((3, 7, 4), (2, 3), (2, 1), 1, 1, False), ((1, 2, 7, 7), 3, 2, 1, 2, True),
         ((1, 1, 6, 5), (3, 2), 1, (1, 1), (1, 2), False), ((2, 2, 4, 4), 2, 1, 1, 1, True),
         ((1, 1, 1, 1), 1, None, 0, 1, False)]


def _pool_input(shape: tuple[int, ...], seed: int) -> np.ndarray:
    a = np.random.default_rng(seed).integers(-3, 3, shape).astype(np.float64)  # many ties
    flat = a.reshape(-1)
    flat[::7] = NAN  # windows with NaNs, some with two (PyTorch takes the last)
    flat[3::11] = -np.inf
    return a


@pytest.mark.parametrize("geometry", POOLS)
@pytest.mark.parametrize("seed", [0, 1])
def test_max_pool2d_indices_values_and_gradients_match_torch(geometry: Any, seed: int) -> None:
    shape, k, s, p, d, ceil = geometry
    a = _pool_input(shape, seed)
    for i in (0, 1):
        same(lambda x, i=i: tg.functional.max_pool2d(x, k, s, p, d, ceil, True)[i],
             lambda x, i=i: torch.nn.functional.max_pool2d(x, k, s, p, d, ceil, True)[i], a)
    ours = tg.nn.MaxPool2d(k, s, p, d, return_indices=True, ceil_mode=ceil)
    theirs = torch.nn.MaxPool2d(k, s, p, d, return_indices=True, ceil_mode=ceil)
    np.testing.assert_array_equal(ours(tg.tensor(a))[1].numpy(), theirs(torch.tensor(a))[1])


@pytest.mark.parametrize("geometry", POOLS)
def test_max_unpool2d_matches_torch(geometry: Any) -> None:
    shape, k, s, p, d, ceil = geometry
    a = np.random.default_rng(5).standard_normal(shape)
    _, idx = torch.nn.functional.max_pool2d(torch.tensor(a), k, s, p, d, ceil, True)
    pooled = torch.nn.functional.max_pool2d(torch.tensor(a), k, s, p, d, ceil)[None].numpy()[0]
    for size in (None, shape[-2:], (1, 1) + tuple(shape[-2:])):
        same(lambda x, n=size: tg.functional.max_unpool2d(x, tg.tensor(idx.numpy()), k, s, p, n),
             lambda x, n=size: torch.nn.functional.max_unpool2d(x, idx, k, s, p, n), pooled)
        same(lambda x, n=size: tg.nn.MaxUnpool2d(k, s, p)(x, tg.tensor(idx.numpy()), n),
             lambda x, n=size: torch.nn.MaxUnpool2d(k, s, p)(x, idx, n), pooled)


@pytest.mark.parametrize(("idx", "size"), [([[[[0, 1], [2, 30]]]], None), ([[[[0, -1], [2, 3]]]],
                                            None), ([[[[0, 1], [2, 3]]]], (1, 4, 4, 4, 4)),
                                           ([[[[0, 1], [2, 3]]]], (7, 4)),
                                           ([[[[0, 5], [5, 3]]]], None)])
def test_max_unpool2d_errors_and_repeated_indices_match_torch(idx: Any, size: Any) -> None:
    a = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    same(lambda x: tg.functional.max_unpool2d(x, tg.tensor(idx), 2, output_size=size),
         lambda x: torch.nn.functional.max_unpool2d(x, torch.tensor(idx), 2, output_size=size), a)
    for dt in (np.int32, np.float64):
        same(lambda x, t=dt: tg.functional.max_unpool2d(x, tg.tensor(np.array(idx, t)), 2),
             lambda x, t=dt: torch.nn.functional.max_unpool2d(x, torch.tensor(np.array(idx, t)),
                                                              2), a)


# -- 8. topk(sorted=False): PyTorch promises the set, not the order -------------------------
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize(("shape", "k", "dim"), [((8,), 3, 0), ((2, 8), 3, -1), ((5, 3), 2, 0),
                                                 ((2, 3, 4), 4, 2), ((4,), 0, 0), ((0, 3), 2, 1),
                                                 ((), 1, 0)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_topk_unsorted_gives_torchs_set(largest: bool, shape: tuple[int, ...], k: int, dim: int,
                                        dtype: Any) -> None:
    a = np.random.default_rng(11).permutation(max(1, math.prod(shape)))[:math.prod(shape)]
    a = (a.reshape(shape) * 1.5).astype(dtype)
    if dtype == np.float64 and a.size > 2:
        a.reshape(-1)[1] = NAN  # NaN counts as the largest, as PyTorch
    ours = tg.tensor(a, requires_grad=dtype == np.float64).topk(k, dim, largest, sorted=False)
    theirs = torch.tensor(a).topk(k, dim, largest, sorted=False)
    assert ours.values.shape == tuple(theirs.values.shape)
    assert ours.values.dtype == a.dtype and ours.indices.dtype == np.int64
    axis = dim if a.ndim else None
    for got, want in ((ours.values.detach().numpy(), theirs.values.detach().numpy()),
                      (ours.indices.numpy(), theirs.indices.numpy())):
        np.testing.assert_array_equal(np.sort(got, axis=axis), np.sort(want, axis=axis))
    if a.ndim:  # the values are the input's at the indices
        np.testing.assert_array_equal(np.take_along_axis(a, ours.indices.numpy(), dim),
                                      ours.values.detach().numpy())
    if dtype == np.float64 and k:  # the gradient lands on the picked entries: g tagged by
        # each side's own index, so the order does not matter
        x = tg.tensor(a, requires_grad=True)
        v, i = x.topk(k, dim, largest, sorted=False)
        v.backward(i.astype(np.float64) + 1)
        t = torch.tensor(a, requires_grad=True)
        tv, ti = t.topk(k, dim, largest, sorted=False)
        tv.backward(ti.double() + 1)
        np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_sort_descending_puts_nan_first_as_torch(dim: int) -> None:
    a = np.array([[3.0, NAN, 1.0, np.inf, -np.inf, NAN], [NAN, 2.0, 2.0, 0.0, NAN, 5.0]])
    same(lambda x: x.sort(dim=dim, descending=True, stable=True).values,
         lambda x: x.sort(dim=dim, descending=True, stable=True).values, a)
    same(lambda x: x.argsort(dim=dim, descending=True, stable=True),
         lambda x: x.argsort(dim=dim, descending=True, stable=True), a)
    same(lambda x: x.topk(2, dim).values, lambda x: x.topk(2, dim).values, a)


# -- 9. optimiser switches: foreach / fused / capturable / differentiable / maximize -------
OPTIMS = {"SGD": dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
          "Adam": dict(lr=0.05, amsgrad=True, weight_decay=0.1), "AdamW": dict(lr=0.05),
          "RMSprop": dict(lr=0.01, momentum=0.5, centered=True), "Adagrad": dict(lr=0.1),
          "Adadelta": dict(lr=0.5, weight_decay=0.1)}


def _switches(name: str) -> list[dict[str, Any]]:
    params = inspect.signature(getattr(torch.optim, name).__init__).parameters
    out: list[dict[str, Any]] = [{}, {"maximize": True}, {"foreach": True},
                                 {"foreach": False, "maximize": True}, {"differentiable": False}]
    if "fused" in params:
        out += [{"fused": True}, {"fused": True, "maximize": True}, {"fused": False}]
    if "capturable" in params:
        out.append({"capturable": False})
    return out


def _trajectory(lib: Any, name: str, kw: dict[str, Any], steps: int = 5) -> list[np.ndarray]:
    rng = np.random.default_rng(2)
    ws = [lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
          for s in [(3, 2), (4,)]]
    opt = getattr(lib.optim, name)(ws, **OPTIMS[name], **kw)
    for _ in range(steps):
        opt.zero_grad()
        loss = (ws[0] ** 2).sum() + (ws[1] * ws[1].sin()).sum()
        loss.backward()
        opt.step()
    return [w.detach().numpy().copy() for w in ws]


@pytest.mark.parametrize("name", list(OPTIMS))
def test_optimiser_switches_give_torchs_trajectory(name: str) -> None:
    for kw in _switches(name):
        want, got = _trajectory(torch, name, kw), _trajectory(tg, name, kw)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=2e-5, atol=1e-6, err_msg=f"{name} {kw}")


@pytest.mark.parametrize("name", list(OPTIMS))
def test_optimiser_signatures_groups_and_refusals_match_torch(name: str) -> None:
    ours, theirs = getattr(tg.optim, name), getattr(torch.optim, name)
    sig = inspect.signature(theirs.__init__).parameters
    assert list(inspect.signature(ours.__init__).parameters) == list(sig)
    for (n, a), b in zip(inspect.signature(ours.__init__).parameters.items(), sig.values()):
        assert (a.kind, a.default) == (b.kind, b.default) or n == "params", n
    w, tw = tg.zeros(2, requires_grad=True), torch.zeros(2, requires_grad=True)
    group = {k: v for k, v in ours([w], lr=0.1).param_groups[0].items() if k != "params"}
    assert group == {k: v for k, v in theirs([tw], lr=0.1).param_groups[0].items()
                     if k != "params"}
    bad = [{"fused": True, "foreach": True}, {"fused": True, "differentiable": True},
           {"capturable": True}, {"differentiable": True}]
    for kw in [k for k in bad if set(k) <= set(sig)]:
        errors = []
        for lib, p in ((torch, tw), (tg, w)):
            try:
                opt = getattr(lib.optim, name)([p], lr=0.1, **kw)
                p.grad = lib.ones(2)
                opt.step()
                errors.append(None)
            except Exception as e:  # noqa: BLE001 - the class PyTorch raises is the expectation
                errors.append(e)
        assert errors[0] is not None and isinstance(errors[1], type(errors[0])), (kw, errors)


# -- 10. in-place products -----------------------------------------------------------------
@pytest.mark.parametrize(("name", "shapes"), [
    ("addmm_", [(3, 4), (3, 5), (5, 4)]), ("addmv_", [(3,), (3, 5), (5,)]),
    ("addr_", [(3, 4), (3,), (4,)]), ("baddbmm_", [(2, 3, 4), (2, 3, 5), (2, 5, 4)]),
    ("addbmm_", [(3, 4), (2, 3, 5), (2, 5, 4)]), ("baddbmm_", [(3, 4), (2, 3, 5), (2, 5, 4)]),
    ("addmm_", [(4,), (3, 5), (5, 4)])])
@pytest.mark.parametrize("scale", [{}, {"beta": 0.5, "alpha": -2.0}, {"beta": 0}])
def test_inplace_products_match_torch(name: str, shapes: list[tuple[int, ...]],
                                      scale: dict[str, Any]) -> None:
    rng = np.random.default_rng(4)
    c, a, b = (rng.standard_normal(s) for s in shapes)
    # x * 1.0: an in-place update of a non-leaf, so that every input gets a gradient
    same(lambda x, y, z: getattr(x * 1.0, name)(y, z, **scale),
         lambda x, y, z: getattr(x * 1.0, name)(y, z, **scale), c, a, b, rtol=1e-10,
         atol=1e-14)
    x, t = tg.tensor(c.copy()), torch.tensor(c.copy())
    if tuple(t.shape) == tuple(getattr(t * 1, name[:-1])(torch.tensor(a), torch.tensor(b)).shape):
        assert getattr(x, name)(tg.tensor(a), tg.tensor(b), **scale) is x
        getattr(t, name)(torch.tensor(a), torch.tensor(b), **scale)
        np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-12)


# -- 11. LU, lstsq, eig, the _ex forms -----------------------------------------------------
LA, TLA = tg.linalg, torch.linalg
_R = np.random.default_rng(8)
_A, _B, _RECT = _R.standard_normal((2, 4, 4)), _R.standard_normal((2, 4, 3)), _R.standard_normal(
    (5, 3))
# float32: no gradient compared (at a singular A PyTorch's LU gradient is inf / NaN, ours raises
# LinAlgError from the triangular solve)
_SING = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)


def _fields(i: int, fn: Any) -> Any:
    return lambda *xs: fn(*xs)[i]


@pytest.mark.parametrize(("name", "call", "args", "fields"), [
    ("lu_factor", lambda m, *x: m.lu_factor(*x), (_A,), 2),
    ("lu_factor_ex", lambda m, *x: m.lu_factor_ex(*x), (_A,), 3),
    ("lu_factor_ex singular", lambda m, *x: m.lu_factor_ex(*x), (_SING,), 3),
    ("lu_factor singular", lambda m, *x: m.lu_factor(*x), (_SING,), 1),
    # a rectangular A's LU has no derivative here (float32: no gradient compared)
    ("lu", lambda m, *x: m.lu(*x), (_A,), 3),
    ("lu wide", lambda m, *x: m.lu(*x), (_RECT.T.astype(np.float32),), 3),
    ("lu tall", lambda m, *x: m.lu(*x), (_RECT.astype(np.float32),), 3),
    ("lu singular", lambda m, *x: m.lu(*x), (_SING,), 3),
    ("lu int", lambda m, *x: m.lu_factor(*x), (np.ones((2, 2), np.int64),), 1),
    ("lstsq", lambda m, *x: m.lstsq(*x), (_RECT, _R.standard_normal((5, 2))), 4),
    ("lstsq gelsd", lambda m, *x: m.lstsq(*x, driver="gelsd"), (_RECT, _R.standard_normal((5, 2))),
     4),
    ("lstsq gels", lambda m, *x: m.lstsq(*x, driver="gels"), (_RECT, _R.standard_normal((5, 2))),
     4),
    ("lstsq wide", lambda m, *x: m.lstsq(*x, driver="gelss"), (_RECT.T, _R.standard_normal((3, 2))),
     4),
    # (float32: PyTorch's QR-based gradient and our pinv-based one differ by 1e-12
    # relative here, more than same()'s float64 gradient tolerance)
    ("lstsq batch", lambda m, *x: m.lstsq(*x), (_A.astype(np.float32), _B.astype(np.float32)),
     4),
    ("eigvals", lambda m, *x: m.eigvals(*x).abs(), (_A,), 1),
    ("cholesky_ex", lambda m, *x: m.cholesky_ex(*x), (_A @ _A.transpose(0, 2, 1) + np.eye(4),), 2),
    ("cholesky_ex upper", lambda m, *x: m.cholesky_ex(*x, upper=True),
     (_A @ _A.transpose(0, 2, 1) + np.eye(4),), 2),
    ("cholesky_ex info", lambda m, *x: m.cholesky_ex(*x).info,
     (np.array([[[4.0, 2, 0], [2, 1, 0], [0, 0, -1]], np.eye(3)]),), 1),
    ("inv_ex", lambda m, *x: m.inv_ex(*x), (_A,), 2),
    ("inv_ex info", lambda m, *x: m.inv_ex(*x).info, (np.stack([_SING, np.zeros((2, 2)),
                                                                np.eye(2)]).astype(np.float32),),
     1),
    ("solve_ex", lambda m, *x: m.solve_ex(*x), (_A, _B), 2),
    ("solve_ex left=False", lambda m, *x: m.solve_ex(*x, left=False), (_A, _B.transpose(0, 2, 1)),
     2),
    ("solve_ex info", lambda m, *x: m.solve_ex(*x).info, (np.stack([_SING, np.eye(2)]),
                                                           np.ones((2, 2, 1), np.float32)), 1)])
def test_linalg_additions_match_torch(name: str, call: Any, args: Any, fields: int) -> None:
    f64 = all(a.dtype == np.float64 for a in args)
    # float32: an absolute tolerance of a few units in the last place of values near 1 too
    # (LAPACK builds round a small entry of a float32 solve differently: 1e-6 off, seen here)
    rtol, atol = (1e-9, 1e-12) if f64 else (2e-5, 1e-5)
    for i in range(fields):
        pick = (lambda f: f) if fields == 1 else (lambda f, i=i: _fields(i, f))
        same(pick(lambda *x: call(LA, *x)), pick(lambda *x: call(TLA, *x)), *args, rtol=rtol,
             atol=atol)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve_matches_torch(left: bool, adjoint: bool) -> None:
    b = _B if left else _B.transpose(0, 2, 1)
    same(lambda a, y: LA.lu_solve(*LA.lu_factor(a), y, left=left, adjoint=adjoint),
         lambda a, y: TLA.lu_solve(*TLA.lu_factor(a), y, left=left, adjoint=adjoint), _A, b,
         rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_eig_matches_torch_up_to_each_vectors_phase(dtype: Any) -> None:
    a = _A.astype(dtype)
    w, v = LA.eig(tg.tensor(a))
    tw, tv = TLA.eig(torch.tensor(a))
    assert w.dtype == np.dtype(str(tw.dtype).replace("torch.", "")) and v.shape == tuple(tv.shape)
    np.testing.assert_allclose(w.numpy(), tw.numpy(), rtol=1e-4)
    # eigenvectors are unique up to a unit complex factor per column (float32 LAPACK and
    # NumPy may pick another sign): compare |<v, tv>| = 1
    overlap = np.abs(np.sum(np.conj(v.numpy()) * tv.numpy(), axis=-2))
    np.testing.assert_allclose(overlap, 1.0, rtol=1e-4)
    # the gradient through the complex eigenvalues is PyTorch's (real input: its real part)
    x, tx = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    LA.eigvals(x).abs().sum().backward()
    TLA.eigvals(tx).abs().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-3, atol=1e-4)


def test_ex_forms_raise_linalg_errors_with_check_errors() -> None:
    for call in (lambda m, a: m.inv_ex(a, check_errors=True),
                 lambda m, a: m.solve_ex(a, tg.ones(2, 1) if m is LA else torch.ones(2, 1),
                                         check_errors=True),
                 lambda m, a: m.cholesky_ex(a, check_errors=True)):
        with pytest.raises(RuntimeError) as theirs:
            call(TLA, torch.tensor(_SING))
        with pytest.raises(LA.LinAlgError):  # (a RuntimeError, as PyTorch's)
            call(LA, tg.tensor(_SING))
        assert isinstance(theirs.value, TLA.LinAlgError)
    with pytest.raises(RuntimeError, match="U.2,2. is zero") as info:  # not a LinAlgError
        LA.lu_factor_ex(tg.tensor(_SING), check_errors=True)
    assert not isinstance(info.value, LA.LinAlgError)
