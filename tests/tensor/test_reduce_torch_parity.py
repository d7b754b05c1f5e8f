"""Reductions and selections along dims against PyTorch: each case runs the same call on
both libraries (as a Tensor method and as the top-level function) and compares the values,
dtypes, shapes, the gradient of a weighted sum of the outputs, and the exception class.

The cases are the corners where the two used to differ: ``dim=()`` (every dim for sum,
none for any / all), repeated dims, ``dtype=`` results in int32 / bool, integer and bool
inputs, ``correction`` >= the count, NaN in ``max`` / ``prod`` / ``norm`` gradients, an
explicit ``dim=None`` where PyTorch wants an int, and dims checked before dtypes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

NAN = math.nan
ARRAYS = {
    "f32": np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], np.float32),
    "f64": np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]]),
    "ties": np.array([[3.0, 1, 3], [2, 2, 0]]),
    "nan": np.array([[1.0, NAN, 2], [0.5, 3, 1]]),
    "inf": np.array([[1.0, math.inf, 2], [0.5, 3, 1]]),
    "i64": np.array([[3, 0, 2], [0, 5, 1]]),
    "i32": np.array([[3, 0, 2], [0, 5, 1]], np.int32),
    "u8": np.array([[3, 0, 2], [0, 5, 1]], np.uint8),
    "bool": np.array([[True, False, True], [False, False, True]]),
    "empty": np.zeros((0, 3), np.float32),
    "empty_i": np.zeros((2, 0), np.int64),
    "0d": np.array(2.5),
    "0d_i": np.array(3),
}

# (function name, input, positional args, keyword args)
CASES: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = [
    # dim=(): every dim for sum / mean / nansum / var / std / norm / count_nonzero /
    # logsumexp (keepdim), no dim for any / all
    *[(f, k, ((),), {}) for f in ("sum", "mean", "nansum", "var", "std", "count_nonzero")
      for k in ("f64", "nan", "empty")],
    *[(f, k, ((),), {"keepdim": True}) for f in ("sum", "nanmean", "std") for k in ("f32",)],
    ("norm", "f64", (), {"dim": ()}),
    ("logsumexp", "f64", ((),), {"keepdim": True}),
    *[(f, k, ((),), {}) for f in ("any", "all") for k in ("f64", "bool", "u8")],
    # any / all of uint8 are uint8; any / all of a 0-d tensor take dim 0 / -1 (only)
    *[(f, "u8", args, {}) for f in ("any", "all") for args in ((), (0,), ((0, 1),))],
    *[(f, "0d", (d,), {}) for f in ("any", "all") for d in (0, -1, 1, (0, 0))],
    # a dim listed twice: RuntimeError
    *[(f, "f64", ((0, 0),), {}) for f in ("sum", "mean", "amax", "amin", "nansum", "var",
                                         "std", "count_nonzero", "any", "logsumexp")],
    ("norm", "f64", (2, (1, -1)), {}),
    # dtype= keeps the dtype asked for (NumPy would sum int32 / bool to int64)
    *[(f, k, (), {"dtype": dt}) for f in ("sum", "nansum", "prod")
      for k in ("i64", "bool", "u8", "0d_i") for dt in ("int32", "bool", "int16")],
    *[(f, k, (0,), {"dtype": dt}) for f in ("sum", "prod", "cumsum", "cumprod")
      for k in ("i64", "i32", "bool") for dt in ("int32", "int8")],
    *[(f, k, (0,), {"dtype": "bool"}) for f in ("cumsum", "cumprod")
      for k in ("i64", "empty_i", "0d_i")],
    *[(f, k, (), {"dtype": "bool"}) for f in ("sum", "prod") for k in ("i64", "0d_i")],
    # an integer or bool dtype= for an input that requires grad: RuntimeError
    *[(f, "f64", (0,), {"dtype": dt}) for f in ("sum", "nansum", "prod", "cumsum", "cumprod")
      for dt in ("int64", "int32", "bool")],
    # nanmean: the input's dtype is checked first, then dtype= must be floating
    ("nanmean", "i64", (), {"dtype": "float64"}),
    ("nanmean", "f64", (), {"dtype": "int64"}),
    ("nanmean", "f64", (0,), {"dtype": "float32"}),
    # var / std: the dtype is checked before the dim; correction >= the count
    *[(f, k, (d,), {}) for f in ("var", "std") for k in ("i64", "0d_i", "bool")
      for d in (0, 2)],
    *[(f, k, args, {"correction": c}) for f in ("var", "std", "var_mean", "std_mean")
      for k in ("f64", "ties", "nan", "f32", "empty") for args in ((), (1,))
      for c in (2, 3, 5, 6, 7)],
    ("var", "f64", (), {"dim": 0, "correction": 2, "keepdim": True}),
    # max / min / amax / amin / median with NaN: the gradient of max() / min() / median()
    # goes to the NaNs; amax's is NaN, as PyTorch's
    *[(f, k, (), {}) for f in ("max", "min", "amax", "amin", "median", "nanmedian")
      for k in ("nan", "ties", "inf")],
    *[(f, k, (d,), {}) for f in ("max", "min", "amax", "amin", "median")
      for k in ("nan", "ties") for d in (0, 1)],
    # a bool or tuple dim is a TypeError, raised before the dtype is looked at
    *[(f, k, args, {}) for f in ("mean", "nanmean") for k in ("i64", "f64")
      for args in ((True,), (False, True))],
    *[(f, k, ((0, 1),), {}) for f in ("argmax", "argmin") for k in ("bool", "f64")],
    # ties and NaN in the index results: argmax / argmin give the first, sort puts NaN last
    *[(f, k, args, {}) for f in ("argmax", "argmin", "sort", "argsort", "cummax", "cummin")
      for k in ("nan", "ties") for args in ((0,), (1,))],
    *[(f, k, (1,), {"descending": True}) for f in ("sort", "argsort") for k in ("nan", "ties")],
    # median of an empty integer tensor: NaN cast to the dtype
    *[(f, "empty_i", (), {}) for f in ("median", "nanmedian")],
    # prod's gradient without zeros is g * y / x: NaN where x is inf or NaN
    *[("prod", k, args, {}) for k in ("nan", "inf", "ties", "f64") for args in ((), (0,), (1,))],
    # norm: NaN stays NaN for every p; no NaN gradient at x = 0 for 0 < p < 1; the inf
    # norms give no gradient through a NaN; integer input refused before dtype=
    *[("norm", k, (p,) + args, {}) for k in ("nan", "ties", "f64")
      for p in (3, 0.5, 1.5, math.inf, -math.inf) for args in ((), (0,), (1,))],
    *[("norm", k, (p,), {"dtype": "float64"}) for k in ("i64", "bool") for p in (2, "fro",
                                                                               "nuc")],
    ("norm", "i64", (), {}),
    # max / min / median / nanmedian / prod: no dim reduces everything, dim=None is a
    # TypeError (PyTorch's f() and f(dim: int) overloads)
    *[(f, k, args, kw) for f in ("max", "min", "median", "nanmedian", "prod")
      for k in ("f64", "i64") for args, kw in (((), {}), ((None,), {}), ((), {"dim": None}),
                                              ((None, True), {}))],
    # 0-d tensors take dim 0 / -1 only
    *[(f, "0d", (d,), {}) for f in ("sort", "argsort", "cumsum", "cumprod", "logsumexp")
      for d in (0, -1, 1, 2)],
    *[("logcumsumexp", k, (d,), {}) for k in ("i64", "0d_i", "f64") for d in (2, -3, 1)],
    # topk of bool: RuntimeError
    ("topk", "bool", (1,), {}),
    ("topk", "i64", (2,), {}),
    # unique along a dim with another dim of size 0: RuntimeError
    *[("unique", "empty", (), {"dim": d}) for d in (0, 1, -1)],
    ("unique", "empty_i", (), {"dim": 0}),
]


def _degenerate(name: str, key: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """var / std over every dim with correction >= the count, or over ``dim=()``: PyTorch's
    gradient there disagrees with its own value (inf of one sign everywhere; the gradient
    of no reduction), so only the values are compared."""
    if name not in ("var", "std", "var_mean", "std_mean"):
        return False
    every = not args or args[0] == ()
    return every and (args == ((),) or kwargs.get("correction", 1) >= ARRAYS[key].size)


def _lib_arg(lib: Any, v: Any) -> Any:
    if isinstance(v, str) and v in ("int64", "int32", "int16", "int8", "bool", "float64",
                                    "float32"):
        return getattr(lib, v)
    return v


def _flat(out: Any) -> list[Any]:
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in _flat(x)]
    return [out]


def _outcome(lib: Any, name: str, form: str, key: str, args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> Any:
    """('ok', [(dtype, shape, values)], grad) or ('raise', exception type)."""
    a = ARRAYS[key]
    x = torch.tensor(a.copy()) if lib is torch else tg.tensor(a.copy())
    if a.dtype.kind == "f" and name != "unique":  # (unique has no derivative)
        x.requires_grad_(True)
    args = tuple(_lib_arg(lib, v) for v in args)
    kwargs = {k: _lib_arg(lib, v) for k, v in kwargs.items()}
    try:
        out = getattr(x, name)(*args, **kwargs) if form == "method" else getattr(lib, name)(
            x, *args, **kwargs)
    except Exception as e:  # noqa: BLE001  (the class is what is compared)
        return "raise", type(e)
    res = _flat(out)
    grad = None
    floats = [o for o in res if o.requires_grad]
    if floats:
        total = 0
        for o in floats:  # distinct weights, so a gradient sent to the wrong place shows
            w = (1.0 + 0.1 * np.arange(o.numel())).reshape(tuple(o.shape))
            w = w.astype("float32" if "32" in str(o.dtype) else "float64")
            total = total + (o * (torch.tensor(w) if lib is torch else tg.tensor(w))).sum()
        total.backward()
        grad = x.grad.numpy()
    meta = [(str(o.dtype).split(".")[-1], tuple(o.shape), o.detach().numpy()) for o in res]
    return "ok", meta, grad


# every case as the top-level function, and as a method where torch.Tensor has one (not
# std_mean / var_mean)
PARAMS = [(form, *c) for c in CASES for form in ("method", "function")
          if form == "function" or hasattr(torch.Tensor, c[0])]


@pytest.mark.parametrize(("form", "name", "key", "args", "kwargs"), PARAMS,
                         ids=[f"{p[1]}-{p[2]}-{p[3]}-{p[4]}-{p[0]}" for p in PARAMS])
def test_reduction_matches_torch(form: str, name: str, key: str, args: tuple[Any, ...],
                                 kwargs: dict[str, Any]) -> None:
    want = _outcome(torch, name, form, key, args, kwargs)
    got = _outcome(tg, name, form, key, args, kwargs)
    if want[0] == "raise":
        assert got[0] == "raise", f"torch raises {want[1].__name__}, tinygrad_nn returned"
        assert issubclass(got[1], want[1]), f"{got[1].__name__} vs torch {want[1].__name__}"
        return
    assert got[0] == "ok", f"tinygrad_nn raised {got[1].__name__}; torch returned"
    assert len(got[1]) == len(want[1])
    for (gd, gs, gv), (wd, ws, wv) in zip(got[1], want[1]):
        assert (gd, gs) == (wd, ws)
        if wv.dtype.kind == "f":
            np.testing.assert_allclose(gv, wv, rtol=1e-6, atol=1e-7, equal_nan=True)
        else:
            np.testing.assert_array_equal(gv, wv)
    assert (got[2] is None) == (want[2] is None)
    if want[2] is not None and not _degenerate(name, key, args, kwargs):
        np.testing.assert_allclose(got[2], want[2], rtol=1e-6, atol=1e-7, equal_nan=True)


@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
@pytest.mark.parametrize(("key", "correction"), [("f64", 1), ("f64", 6), ("f64", 9),
                                                 ("empty", 1), ("0d", 1), ("0d", 0)])
def test_degrees_of_freedom_warning_matches_torch(name: str, key: str, correction: int) -> None:
    """PyTorch warns (UserWarning naming the function) when correction >= the count."""
    import warnings

    messages = []
    for lib in (torch, tg):
        x = lib.tensor(ARRAYS[key].copy())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(lib, name)(x, correction=correction)
        messages.append(sorted(str(w.message).split(" (Triggered")[0] for w in caught
                               if issubclass(w.category, UserWarning)))
    assert messages[1] == messages[0]
