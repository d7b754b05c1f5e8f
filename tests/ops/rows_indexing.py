"""Core registry rows: gather / scatter, sorting, scans, products, norms, padding, resizing."""

from __future__ import annotations

import tinygrad_nn.linalg as LA
from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies


def _index(draw: Draw, n: int, shape: tuple[int, ...]) -> np.ndarray:
    """int64 indices in [0, n) (repeats included)."""
    return draw(tst.arrays(shape=shape, dtype=np.int64, elements=(0, n - 1)))


def _smaller(draw: Draw, shape: tuple[int, ...], axis: int) -> tuple[int, ...]:
    """An index shape: any size along ``axis``, no larger than ``shape`` elsewhere."""
    return tuple(draw(st.integers(1, 3)) if d == axis else draw(st.integers(1, n))
                 for d, n in enumerate(shape))


def _with_zeros(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    """Values away from 0, some set exactly to 0 (products are polynomials: exact there too)."""
    x = nonzero(draw, shape, 0.5, 2.0)
    return np.where(draw(tst.arrays(shape=shape, dtype=np.bool_)), 0.0, x)


# -- gather / scatter ----------------------------------------------------------------------


@case({"Tensor.gather": lambda x, a, i: x.gather(a, tg.tensor(i)),
       "F.gather": lambda x, a, i: F.gather(x, a, i)})
def _gather(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    idx = _index(draw, shape[a], _smaller(draw, shape, a))
    return (lambda x: form(x, a, idx)), [arr(draw, shape)]


@case({"Tensor.scatter": lambda x, s, a, i: x.scatter(a, tg.tensor(i), s),
       "F.scatter": lambda x, s, a, i: F.scatter(x, a, i, s),
       "Tensor.scatter_": lambda x, s, a, i: (x * 1.0).scatter_(a, tg.tensor(i), s)})
def _scatter(draw: Draw, form: Any) -> Any:
    # distinct targets along the axis: PyTorch's gradient also reaches an src element that a
    # repeated index overwrote, which is no derivative (tests/ops/test_scatter_torch.py)
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    ishape = tuple(min(n, draw(st.integers(1, 3))) if d == a else n
                   for d, n in enumerate(_smaller(draw, shape, a)))
    p = a % len(shape)
    keys = draw(tst.arrays(shape=(shape[p], *ishape[:p], *ishape[p + 1:]),
                           elements=(0.0, 1.0)))  # a random order of [0, n) per lane
    idx = np.moveaxis(np.argsort(keys, axis=0, kind="stable")[:ishape[p]], 0, p)
    return (lambda x, s: form(x, s, a, idx)), [arr(draw, shape), arr(draw, ishape)]


@case({"Tensor.scatter[value]": lambda x, a, i: x.scatter(a, tg.tensor(i), 1.5),
       "Tensor.scatter[value=]": lambda x, a, i: x.scatter(a, i, value=-2.0)})
def _scatter_value(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    idx = _index(draw, shape[a], _smaller(draw, shape, a))
    return (lambda x: form(x, a, idx)), [arr(draw, shape)]


@case({"Tensor.scatter_add": lambda x, s, a, i: x.scatter_add(a, tg.tensor(i), s),
       "F.scatter_add": lambda x, s, a, i: F.scatter_add(x, a, i, s),
       "Tensor.scatter_add_": lambda x, s, a, i: (x * 1.0).scatter_add_(a, tg.tensor(i), s)})
def _scatter_add(draw: Draw, form: Any) -> Any:
    shape, sshape, a, idx = _scatter_shapes(draw)
    return (lambda x, s: form(x, s, a, idx)), [arr(draw, shape), arr(draw, sshape)]


def _scatter_shapes(draw: Draw) -> tuple[tuple[int, ...], tuple[int, ...], int, np.ndarray]:
    """(x's shape, src's shape, dim, index) for scatter_add / scatter_reduce."""
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    ishape = _smaller(draw, shape, a)
    sshape = tuple(n + draw(st.integers(0, 1)) for n in ishape)  # src may be larger
    return shape, sshape, a, _index(draw, shape[a], ishape)


@case({"Tensor.scatter_reduce": lambda x, s, a, i, r, inc: x.scatter_reduce(
           a, tg.tensor(i), s, r, include_self=inc),
       "tinygrad_nn.scatter_reduce": lambda x, s, a, i, r, inc: tg.scatter_reduce(
           x, a, i, s, reduce=r, include_self=inc),
       "Tensor.scatter_reduce_": lambda x, s, a, i, r, inc: (x * 1.0).scatter_reduce_(
           a, i, s, r, include_self=inc)})
def _scatter_reduce(draw: Draw, form: Any) -> Any:
    shape, sshape, a, idx = _scatter_shapes(draw)
    r, inc = draw(st.sampled_from(["sum", "prod", "mean", "amax", "amin"])), draw(st.booleans())
    # distinct values: no ties for amax / amin; away from 0 for prod's quotients
    x = distinct(draw, (math.prod(shape) + math.prod(sshape),), 0.3, 3.0)
    x = x * np.where(draw(tst.arrays(shape=x.shape, dtype=np.bool_)), -1, 1)
    xs, ss = x[:math.prod(shape)].reshape(shape), x[math.prod(shape):].reshape(sshape)
    return (lambda x, s: form(x, s, a, idx, r, inc)), [xs, ss]


def _slices(draw: Draw, n: int) -> np.ndarray:
    """A 1-D index into a dim of size n (repeats included)."""
    return _index(draw, n, (draw(st.integers(0, 4)),))


@case({"Tensor.index_add": lambda x, s, a, i, al: x.index_add(a, tg.tensor(i), s, alpha=al),
       "tinygrad_nn.index_add": lambda x, s, a, i, al: tg.index_add(x, a, i, s),
       "Tensor.index_add_": lambda x, s, a, i, al: (x * 1.0).index_add_(a, i, s, alpha=al)})
def _index_add(draw: Draw, form: Any) -> Any:
    return _index_add_args(draw, form, _slices)


# repeated targets would make PyTorch's index_copy gradient reach overwritten elements,
# which is no derivative: the indices are distinct here
@case({"Tensor.index_copy": lambda x, s, a, i, al: x.index_copy(a, tg.tensor(i), s),
       "tinygrad_nn.index_copy": lambda x, s, a, i, al: tg.index_copy(x, a, i, s),
       "Tensor.index_copy_": lambda x, s, a, i, al: (x * 1.0).index_copy_(a, i, s)})
def _index_copy(draw: Draw, form: Any) -> Any:
    return _index_add_args(draw, form, lambda d, n: np.array(
        d(st.permutations(range(n)))[:d(st.integers(0, n))], dtype=np.int64))


def _index_add_args(draw: Draw, form: Any, slices: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    idx = slices(draw, shape[a])
    sshape = tuple(idx.size if d == a % len(shape) else n for d, n in enumerate(shape))
    al = draw(st.sampled_from([1, 2.5, -0.5]))
    return (lambda x, s: form(x, s, a, idx, al)), [arr(draw, shape), arr(draw, sshape)]


@case({"Tensor.index_fill": lambda x, v, a, i: x.index_fill(a, tg.tensor(i), v.sum()),
       "Tensor.index_fill[number]": lambda x, v, a, i: x.index_fill(a, i, -1.5) * v.sum(),
       "tinygrad_nn.index_fill": lambda x, v, a, i: tg.index_fill(x, a, i, v.reshape(())),
       "Tensor.index_fill_": lambda x, v, a, i: (x * 1.0).index_fill_(a, i, v.reshape(()))})
def _index_fill(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    idx = _slices(draw, shape[a]) - draw(st.sampled_from([0, shape[a]]))  # negatives too
    return (lambda x, v: form(x, v, a, idx)), [arr(draw, shape), arr(draw, (1,))]


@case({"Tensor.masked_scatter": lambda x, s, m: x.masked_scatter(tg.tensor(m), s),
       "tinygrad_nn.masked_scatter": lambda x, s, m: tg.masked_scatter(x, m, s),
       "Tensor.masked_scatter_": lambda x, s, m: (x * 1.0).masked_scatter_(m, s)})
def _masked_scatter(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    mshape = shape[draw(st.integers(0, len(shape))):]  # broadcasts to x's shape
    mask = draw(tst.arrays(shape=mshape, dtype=np.bool_))
    n = int(np.broadcast_to(mask, shape).sum())
    return (lambda x, s: form(x, s, mask)), [arr(draw, shape),
                                             arr(draw, (n + draw(st.integers(0, 2)),))]


@case({"Tensor.index_select": lambda x, a, i: x.index_select(a, tg.tensor(i)),
       "F.index_select": lambda x, a, i: F.index_select(x, a, i)})
def _index_select(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    idx = _index(draw, shape[a], (draw(st.integers(0, 4)),))
    return (lambda x: form(x, a, idx)), [arr(draw, shape)]


@case({"Tensor.masked_select": lambda x, m: x.masked_select(tg.tensor(m)),
       "F.masked_select": lambda x, m: F.masked_select(x, m)})
def _masked_select(draw: Draw, form: Any) -> Any:
    shape, mshape = two_shapes(draw)
    mask = draw(tst.arrays(shape=mshape, dtype=np.bool_))
    return (lambda x: form(x, mask)), [arr(draw, shape)]


# -- sorting (distinct values: no ties, where the order would jump) ------------------------


@case({"Tensor.sort": lambda x, a, d: x.sort(a, descending=d).values,
       "Tensor.sort[tuple]": lambda x, a, d: x.sort(dim=a, descending=d)[0],
       "F.sort": lambda x, a, d: F.sort(x, a, d).values})
def _sort(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a, d = one_axis(draw, len(shape)), draw(st.booleans())
    return (lambda x: form(x, a, d)), [distinct(draw, shape)]


@case({"Tensor.topk": lambda x, k, a, big: x.topk(k, a, largest=big).values,
       "Tensor.topk[tuple]": lambda x, k, a, big: x.topk(k, dim=a, largest=big)[0],
       "F.topk": lambda x, k, a, big: F.topk(x, k, a, big).values})
def _topk(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a, big = one_axis(draw, len(shape)), draw(st.booleans())
    k = draw(st.integers(0, shape[a]))
    return (lambda x: form(x, k, a, big)), [distinct(draw, shape)]


# -- scans and products -----------------------------------------------------------------------


@case({"Tensor.cumsum": lambda x, a: x.cumsum(a), "Tensor.cumsum[dim=]":
       lambda x, a: x.cumsum(dim=a), "F.cumsum": F.cumsum})
def _cumsum(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    a = one_axis(draw, max(len(shape), 1)) if shape else 0
    return (lambda x: form(x, a)), [arr(draw, shape)]


@case({"Tensor.cumprod": lambda x, a: x.cumprod(a), "F.cumprod": F.cumprod})
def _cumprod(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, max_side=4)
    a = one_axis(draw, len(shape)) if shape else 0
    return (lambda x: form(x, a)), [nonzero(draw, shape, 0.5, 2.0)]


@case({"Tensor.cumprod[zeros]": lambda x, a: x.cumprod(a)})
def _cumprod_zeros(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    a = one_axis(draw, len(shape))
    return (lambda x: form(x, a)), [_with_zeros(draw, shape)]


@case({"Tensor.prod": lambda x, a, k: x.prod(a, k), "Tensor.prod[all]": lambda x, a, k:
       x.prod(), "Tensor.prod[keepdim=]": lambda x, a, k: x.prod(dim=a, keepdim=True),
       "F.prod": lambda x, a, k: F.prod(x, a, k)})
def _prod(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    a, k = one_axis(draw, len(shape)), draw(st.booleans())
    return (lambda x: form(x, a, k)), [nonzero(draw, shape, 0.5, 2.0)]


@case({"Tensor.prod[zeros]": lambda x, a: x.prod(a), "Tensor.prod[zeros, all]":
       lambda x, a: x.prod()})
def _prod_zeros(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    a = one_axis(draw, len(shape))
    return (lambda x: form(x, a)), [_with_zeros(draw, shape)]


# -- norms (inputs away from 0: |x| has a kink there; max norms need distinct |x|) ----------


@case({"Tensor.norm": lambda x, p, d, k: x.norm(p, d, k), "F.norm":
       lambda x, p, d, k: F.norm(x, p, dim=d, keepdim=k),
       "linalg.vector_norm": lambda x, p, d, k: LA.vector_norm(x, 2 if p == "fro" else p, d, k),
       # ord=None is the 2-norm of the flattened input (Frobenius for a matrix)
       "linalg.norm[vector]": lambda x, p, d, k: LA.norm(x, None if p == "fro" else p, d, k)})
def _norm(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    p = draw(st.sampled_from(["fro", 2, 1, 3, 0.5, float("inf"), -float("inf")]))
    d = draw(st.one_of(st.none(), st.just(one_axis(draw, len(shape)))))
    if str(p) in ("inf", "-inf"):
        x = distinct(draw, shape, 0.3, 3.0) * np.where(
            draw(tst.arrays(shape=shape, dtype=np.bool_)), -1, 1)
    else:
        x = nonzero(draw, shape)
    if d is None and len(shape) > 1 and p != "fro":
        d = 0  # linalg.norm with an order and no dim means a matrix norm
    keep = draw(st.booleans())
    return (lambda x: form(x, p, d, keep)), [x]


@case({"linalg.norm": lambda x, o, k: LA.norm(x, o, (0, 1), k),
       "linalg.matrix_norm": lambda x, o, k: LA.matrix_norm(x, o, keepdim=k)})
def _matrix_norm(draw: Draw, form: Any) -> Any:
    n, m = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    o = draw(st.sampled_from(["fro", 1, -1, float("inf"), -float("inf")]))
    # distinct magnitudes, and no two column (row) sums within 0.01: the max and min of
    # the sums have no ties (distinct entries alone allow them: [[1, 4], [4, 1]])
    x = distinct(draw, (n, m), 0.3, 3.0) ** 2 * np.where(
        draw(tst.arrays(shape=(n, m), dtype=np.bool_)), -1, 1)
    for sums in (np.abs(x).sum(0), np.abs(x).sum(1)):
        assume(np.all(np.diff(np.sort(sums)) > 1e-2))
    keep = draw(st.booleans())
    return (lambda x: form(x, o, keep)), [x]


# -- triangles and products of vectors ------------------------------------------------------


@case({"Tensor.tril": lambda x, k: x.tril(k), "Tensor.triu": lambda x, k: x.triu(k),
       "F.tril": F.tril, "F.triu": F.triu})
def _triangle(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=2)
    k = draw(st.integers(-2, 2))
    return (lambda x: form(x, k)), [arr(draw, shape)]


@case({"Tensor.outer": lambda x, y: x.outer(y), "Tensor.ger": lambda x, y: x.ger(y),
       "F.outer": F.outer})
def _outer(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, shape_of(draw, 1, 1)), arr(draw, shape_of(draw, 1, 1))]


# -- functional: padding, resizing, normalising ---------------------------------------------


@case({"F.pad": lambda x, p, m, v: F.pad(x, p, mode=m, value=v)})
def _f_pad(draw: Draw, form: Any) -> Any:
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    k = draw(st.integers(1, 2))
    shape = shape_of(draw, min_dims=k + 1, max_dims=k + 2 if mode != "constant" else 3,
                     min_side=2)
    lo = -1 if mode == "constant" else 0  # a negative constant pad crops
    hi = 1 if mode in ("reflect", "circular") else 2
    pads = tuple(draw(st.integers(lo, hi)) for _ in range(2 * k))
    value = draw(st.sampled_from([None, 1.5])) if mode == "constant" else None
    return (lambda x: form(x, pads, mode, value)), [arr(draw, shape)]


@case({"F.interpolate": lambda x, s, f, m, a: F.interpolate(x, s, f, m, a)})
def _interpolate(draw: Draw, form: Any) -> Any:
    mode = draw(st.sampled_from(["nearest", "linear", "bilinear"]))
    nd = {"nearest": draw(st.integers(1, 2)), "linear": 1, "bilinear": 2}[mode]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(
        draw(st.integers(1, 3)) for _ in range(nd))
    if draw(st.booleans()):
        size, factor = tuple(draw(st.integers(1, 5)) for _ in range(nd)), None
    else:
        size, factor = None, draw(st.sampled_from([1.0, 1.5, 2.0, 0.75]))
        if min(math.floor(n * factor) for n in shape[2:]) < 1:
            factor = 2.0
    corners = None if mode == "nearest" else draw(st.booleans())
    return (lambda x: form(x, size, factor, mode, corners)), [arr(draw, shape)]


@case({"F.normalize": lambda x, p, d: F.normalize(x, p, d)})
def _normalize(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    p, d = draw(st.sampled_from([2.0, 1.0, 3.0])), one_axis(draw, len(shape))
    return (lambda x: form(x, p, d)), [nonzero(draw, shape)]


@case({"F.cosine_similarity": lambda x, y, d: F.cosine_similarity(x, y, d)})
def _cosine_similarity(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    d = one_axis(draw, len(shape))
    (other,) = draw(tst.broadcastable_shapes(shape, num_shapes=1))
    other = (1,) * (len(shape) - len(other)) + tuple(other)  # same ndim, so dim means the same
    return (lambda x, y: form(x, y, d)), [nonzero(draw, shape), nonzero(draw, other)]


# -- order statistics (distinct values: no ties, where the chosen element would jump) -------


def _nan_mask(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    """Where to put NaN: never where any index is 0, so every slice a reduction sees keeps
    a number (an all-NaN slice has no derivative)."""
    return draw(tst.arrays(shape=shape, dtype=np.bool_)) & (np.indices(shape) != 0).all(0)


def _with_nan(x: Any, mask: np.ndarray) -> Any:
    return tg.where(tg.tensor(mask), float("nan"), x)


@case({"Tensor.median": lambda x, a, k: x.median(),
       "Tensor.median[dim]": lambda x, a, k: x.median(a, k).values,
       "Tensor.median[dim=]": lambda x, a, k: x.median(dim=a, keepdim=k)[0],
       "tinygrad_nn.median": lambda x, a, k: tg.median(x, a).values,
       "Tensor.nanmedian": lambda x, a, k: x.nanmedian(),
       "Tensor.nanmedian[dim]": lambda x, a, k: x.nanmedian(a, k).values,
       "Tensor.mode": lambda x, a, k: x.mode(a, k).values,
       "Tensor.msort": lambda x, a, k: x.msort()})
def _median(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a, k = one_axis(draw, len(shape)), draw(st.booleans())
    return (lambda x: form(x, a, k)), [distinct(draw, shape)]


@case({"Tensor.nanmedian[nan]": lambda x, m, a: _with_nan(x, m).nanmedian(a).values,
       "Tensor.nanmedian[nan, all]": lambda x, m, a: _with_nan(x, m).nanmedian()})
def _nanmedian_nan(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    mask = _nan_mask(draw, shape)
    return (lambda x: form(x, mask, -1)), [distinct(draw, shape)]


@case({"Tensor.kthvalue": lambda x, k, a, keep: x.kthvalue(k, a, keep).values,
       "tinygrad_nn.kthvalue": lambda x, k, a, keep: tg.kthvalue(x, k, dim=a).values})
def _kthvalue(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    k, keep = draw(st.integers(1, shape[a])), draw(st.booleans())
    return (lambda x: form(x, k, a, keep)), [distinct(draw, shape)]


def _rank_q(draw: Draw, n: int) -> float:
    """q with rank q (n - 1) = j + 0.2..0.4: away from the integers and the half-integers,
    where the lower / higher / nearest element would jump."""
    if n == 1:
        return draw(st.floats(0.0, 1.0))
    return (draw(st.integers(0, n - 2)) + draw(st.floats(0.2, 0.4))) / (n - 1)


@case({"Tensor.quantile": lambda x, q, a, k, i: x.quantile(q, a, k, interpolation=i),
       "Tensor.nanquantile": lambda x, q, a, k, i: x.nanquantile(q, a, k, interpolation=i),
       "tinygrad_nn.quantile": lambda x, q, a, k, i: tg.quantile(x, q, a, k, interpolation=i)})
def _quantile(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = draw(st.one_of(st.none(), st.just(one_axis(draw, len(shape)))))
    n = math.prod(shape) if a is None else shape[a]
    q = _rank_q(draw, n)
    interp = draw(st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]))
    k = draw(st.booleans())
    return (lambda x: form(x, q, a, k, interp)), [distinct(draw, shape)]


@case({"Tensor.quantile[q tensor]": lambda x, q, a: x.quantile(q, a),
       "Tensor.nanquantile[q tensor, nan]": lambda x, q, a: _with_nan(
           x, np.arange(x.shape[-1]) == x.shape[-1] - 1).nanquantile(q, -1)})
def _quantile_q(draw: Draw, form: Any) -> Any:
    shape = (draw(st.integers(1, 3)), draw(st.integers(3, 4)))
    # ranks away from integers over both n - 1 (quantile) and n - 2 (one NaN per row)
    q = np.array([draw(st.sampled_from([0.12, 0.3, 0.62, 0.87])) for _ in range(
        draw(st.integers(1, 3)))])
    return (lambda x, q: form(x, q, -1)), [distinct(draw, shape), q]


@case({"Tensor.aminmax": lambda x, a, k: sum(x.aminmax(dim=a, keepdim=k)),
       "Tensor.aminmax[min]": lambda x, a, k: x.aminmax(dim=a, keepdim=k).min,
       "tinygrad_nn.aminmax": lambda x, a, k: tg.aminmax(x, dim=a).max})
def _aminmax(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = draw(st.one_of(st.none(), st.just(one_axis(draw, len(shape)))))
    k = draw(st.booleans())
    return (lambda x: form(x, a, k)), [distinct(draw, shape)]


@case({"Tensor.nansum": lambda x, m, a, k: _with_nan(x, m).nansum(a, k),
       "Tensor.nanmean": lambda x, m, a, k: _with_nan(x, m).nanmean(a, k),
       "tinygrad_nn.nansum": lambda x, m, a, k: tg.nansum(x, a, k),
       "tinygrad_nn.nanmean": lambda x, m, a, k: tg.nanmean(_with_nan(x, m), dim=a)})
def _nansum(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    mask = _nan_mask(draw, shape)
    a, k = reduction_args(draw, shape)
    return (lambda x: form(x, mask, a, k)), [arr(draw, shape)]


# -- scans ------------------------------------------------------------------------------------


@case({"Tensor.cummax": lambda x, a: x.cummax(a).values,
       "Tensor.cummin": lambda x, a: x.cummin(dim=a)[0],
       "tinygrad_nn.cummax": lambda x, a: tg.cummax(x, a).values})
def _cummax(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    return (lambda x: form(x, a)), [distinct(draw, shape)]


@case({"Tensor.logcumsumexp": lambda x, a: x.logcumsumexp(a),
       "tinygrad_nn.logcumsumexp": lambda x, a: tg.logcumsumexp(x, dim=a)})
def _logcumsumexp(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    return (lambda x: form(x, a)), [arr(draw, shape)]


@case({"Tensor.diff": lambda x, p, n, a, pre: x.diff(n, a),
       "Tensor.diff[prepend, append]": lambda x, p, n, a, pre: x.diff(n, a, p, None) if pre
       else x.diff(n, a, append=p),
       "tinygrad_nn.diff": lambda x, p, n, a, pre: tg.diff(x, n, a, prepend=p)})
def _diff(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    pshape = tuple(draw(st.integers(1, 2)) if d == a % len(shape) else n
                   for d, n in enumerate(shape))
    n, pre = draw(st.integers(0, 3)), draw(st.booleans())
    return (lambda x, p: form(x, p, n, a, pre)), [arr(draw, shape), arr(draw, pshape)]
