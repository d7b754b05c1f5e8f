"""Core registry rows: shape, indexing, linear algebra, types and in-place ops."""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies

# -- shape ---------------------------------------------------------------------------------


@case({"Tensor.reshape": lambda x, s: x.reshape(*s), "Tensor.reshape[tuple]":
       lambda x, s: x.reshape(s), "Tensor.view": lambda x, s: x.view(*s),
       "Tensor.view_as": lambda x, s: x.view_as(tg.zeros(*s)) if -1 not in s else x.view(s),
       "F.reshape": lambda x, s: F.reshape(x, s)})
def _reshape(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    n = math.prod(shape)
    d = draw(st.sampled_from([k for k in range(1, n + 1) if n % k == 0]))
    target = draw(st.sampled_from([(n,), (d, n // d), (d, -1), (1, n, 1), (-1,), shape[::-1]]))
    return (lambda x: form(x, target)), [arr(draw, shape)]


@case({"Tensor.flatten": lambda x, s, e: x.flatten(s, e),
       "Tensor.flatten[start_dim=]": lambda x, s, e: x.flatten(start_dim=s, end_dim=e),
       "F.flatten": F.flatten})
def _flatten(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    s, e = sorted(draw(st.lists(st.integers(0, len(shape) - 1), min_size=2, max_size=2)))
    s -= draw(st.sampled_from([0, len(shape)]))  # negative forms too
    return (lambda x: form(x, s, e)), [arr(draw, shape)]


@case({"Tensor.permute": lambda x, p: x.permute(*p),
       "Tensor.permute[tuple]": lambda x, p: x.permute(p),
       "F.permute": lambda x, p: F.permute(x, *p), "Tensor.T": lambda x, p: x.T})
def _permute(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    p = tuple(draw(st.permutations(range(len(shape)))))
    return (lambda x: form(x, p)), [arr(draw, shape)]


@case({"Tensor.t": lambda x: x.t(), "Tensor.mT": lambda x: x.mT})
def _matrix_transpose(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, shape_of(draw, min_dims=2, max_dims=2))]


@case({"Tensor.swapaxes": lambda x, a, b: x.swapaxes(a, b), "F.swapaxes": F.swapaxes,
       "Tensor.transpose": lambda x, a, b: x.transpose(a, b), "F.transpose": F.transpose,
       "Tensor.swapdims": lambda x, a, b: x.swapdims(a, b)})
def _swapaxes(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a, b = one_axis(draw, len(shape)), one_axis(draw, len(shape))
    return (lambda x: form(x, a, b)), [arr(draw, shape)]


@case({"Tensor.squeeze": lambda x, a: x.squeeze(a), "Tensor.squeeze[dim=]":
       lambda x, a: x.squeeze(dim=a), "F.squeeze": F.squeeze})
def _squeeze(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, max_dims=4, max_side=2)
    axis = draw(st.one_of(st.none(), tst.reduction_axes(shape)))
    return (lambda x: form(x, axis)), [arr(draw, shape)]


@case({"Tensor.unsqueeze": lambda x, a: x.unsqueeze(a), "F.unsqueeze": F.unsqueeze})
def _unsqueeze(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    return (lambda x: form(x, axis)), [arr(draw, shape)]


@case({"Tensor.expand": lambda x, s: x.expand(*s), "Tensor.expand[tuple]":
       lambda x, s: x.expand(s), "Tensor.broadcast_to": lambda x, s: x.broadcast_to(s),
       "Tensor.expand_as": lambda x, s: x.expand_as(tg.zeros(s)) if -1 not in s else x.expand(s),
       "F.expand": lambda x, s: F.expand(x, s), "F.broadcast_to": F.broadcast_to})
def _expand(draw: Draw, form: Any) -> Any:
    target = shape_of(draw)
    (shape,) = draw(tst.broadcastable_shapes(target, num_shapes=1))
    lead = len(target) - len(shape)
    keep = [draw(st.booleans()) and n == target[lead + i] for i, n in enumerate(shape)]
    spec = target[:lead] + tuple(-1 if k else n for k, n in zip(keep, target[lead:]))
    return (lambda x: form(x, spec)), [arr(draw, shape)]


@case({"Tensor.repeat": lambda x, r: x.repeat(*r),
       "Tensor.repeat[tuple]": lambda x, r: x.repeat(r),
       "F.repeat": lambda x, r: F.repeat(x, *r)})
def _repeat(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, max_side=2)
    reps = tuple(draw(st.lists(st.integers(1, 2), min_size=len(shape), max_size=len(shape) + 1)))
    return (lambda x: form(x, reps)), [arr(draw, shape)]


@case({"Tensor.pad": lambda x, w, v: x.pad(w, v)})  # NumPy widths; F.pad: rows_indexing
def _pad(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    ints = st.integers(0, 2)
    width = draw(st.one_of(ints, st.tuples(ints, ints),
                           st.tuples(*[st.tuples(ints, ints) for _ in shape])))
    value = draw(st.sampled_from([0.0, 1.5]))
    return (lambda x: form(x, width, value)), [arr(draw, shape)]


@case({"Tensor.narrow": lambda x, a, s, n: x.narrow(a, s, n),
       "F.narrow": lambda x, a, s, n: F.narrow(x, a, s, n)})
def _narrow(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    start = draw(st.integers(0, shape[a] - 1))
    length = draw(st.integers(0, shape[a] - start))
    return (lambda x: form(x, a, start, length)), [arr(draw, shape)]


@case({"Tensor.split": lambda x, s, a: x.split(s, a), "Tensor.split[dim=]":
       lambda x, s, a: x.split(s, dim=a), "F.split": F.split})
def _split(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    a = one_axis(draw, len(shape))
    n = shape[a]
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=2)))
    sections = [hi - lo for lo, hi in zip([0] + cuts, cuts + [n])]  # sizes adding up to n
    sizes = draw(st.one_of(st.integers(1, n), st.just(sections)))
    return (lambda x: form(x, sizes, a)), [arr(draw, shape)]


@case({"Tensor.chunk": lambda x, c, a: x.chunk(c, a), "Tensor.chunk[dim=]":
       lambda x, c, a: x.chunk(c, dim=a), "F.chunk": F.chunk})
def _chunk(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    a = one_axis(draw, len(shape))
    chunks = draw(st.integers(1, 4))
    return (lambda x: form(x, chunks, a)), [arr(draw, shape)]


@case({"tinygrad_nn.concatenate": lambda xs, a: tg.concatenate(xs, a),
       "tinygrad_nn.cat": lambda xs, a: tg.cat(xs, dim=a), "F.concatenate": F.concatenate,
       "F.cat": lambda xs, a: F.cat(tuple(xs), a)})
def _concatenate(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    k = draw(st.integers(1, 3))
    shapes = [shape[:a % len(shape)] + (draw(st.integers(0, 2)),) + shape[a % len(shape) + 1:]
              for _ in range(k)]
    return (lambda *xs: form(list(xs), a)), [arr(draw, s) for s in shapes]


@case({"tinygrad_nn.stack": lambda xs, a: tg.stack(xs, a),
       "tinygrad_nn.stack[dim=]": lambda xs, a: tg.stack(xs, dim=a), "F.stack": F.stack})
def _stack(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, max_dims=2)
    a = draw(st.integers(-len(shape) - 1, len(shape)))
    k = draw(st.integers(1, 3))
    return (lambda *xs: form(list(xs), a)), [arr(draw, shape) for _ in range(k)]


# -- indexing: ints, slices with steps, None, Ellipsis, integer arrays, boolean masks -------


def _basic_index(draw: Draw, shape: tuple[int, ...]) -> Any:
    items: list[Any] = []
    for n in shape:
        kind = draw(st.sampled_from(["int", "slice", "all"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-n - 1, n + 1))
            step = st.sampled_from([None, 1, 2, 3])  # (PyTorch refuses steps below 1)
            items.append(slice(draw(bound), draw(bound), draw(step)))
        else:
            items.append(slice(None))
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    if draw(st.booleans()):  # an Ellipsis standing for a run of axes
        i = draw(st.integers(0, len(items)))
        items[i:draw(st.integers(i, len(items)))] = [Ellipsis]
    return items[0] if len(items) == 1 and draw(st.booleans()) else tuple(items)


@case({"Tensor.__getitem__[basic]": lambda x, i: x[i]})
def _getitem_basic(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    idx = _basic_index(draw, shape)
    return (lambda x: form(x, idx)), [arr(draw, shape)]


@case({"Tensor.__getitem__[int]": lambda x, i: x[i], "Tensor.__iter__": lambda x, i: list(x)[i]})
def _getitem_int(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    i = draw(st.integers(-shape[0], shape[0] - 1))
    return (lambda x: form(x, i)), [arr(draw, shape)]


@case({"Tensor.__getitem__[integer arrays]": lambda x, i: x[i]})
def _getitem_advanced(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)

    def ints(n: int, ishape: tuple[int, ...]) -> np.ndarray:  # repeats and negative indices
        return draw(tst.arrays(shape=ishape, dtype=np.int64, elements=(-n, n - 1)))

    ishape = shape_of(draw, min_dims=1, max_dims=2)
    kind = draw(st.sampled_from(["first", "list", "tensor", "second", "pair", "mixed"]))
    if kind == "first" or len(shape) == 1 and kind in ("second", "pair", "mixed"):
        idx: Any = ints(shape[0], ishape)
    elif kind == "list":  # (a nested list is PyTorch's tuple of indices: one level here)
        idx = ints(shape[0], ishape[-1:]).tolist()
    elif kind == "tensor":
        idx = tg.tensor(ints(shape[0], ishape))
    elif kind == "second":
        idx = (slice(None), ints(shape[1], ishape))
    elif kind == "pair":
        idx = (ints(shape[0], ishape), ints(shape[1], ishape[-1:]))
    else:
        idx = (ints(shape[0], ishape), slice(None, None, 2))
    return (lambda x: form(x, idx)), [arr(draw, shape)]


@case({"Tensor.__getitem__[boolean mask]": lambda x, m: x[m],
       "Tensor.__getitem__[boolean Tensor]": lambda x, m: x[tg.tensor(m)]})
def _getitem_mask(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    mshape = shape[:draw(st.integers(1, len(shape)))]
    mask = draw(tst.arrays(shape=mshape, dtype=np.bool_))
    return (lambda x: form(x, mask)), [arr(draw, shape)]


# -- linear algebra --------------------------------------------------------------------------


@case({"Tensor.__matmul__": lambda x, w: x @ w, "Tensor.matmul": lambda x, w: x.matmul(w),
       "F.matmul": F.matmul})
def _matmul(draw: Draw, form: Any) -> Any:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    kind = draw(st.sampled_from(["1d@1d", "1d@2d", "2d@1d", "2d@2d", "batched", "nd@1d",
                                 "1d@nd"]))
    bx, bw = two_shapes(draw, max_dims=2, max_side=2) if kind in ("batched", "nd@1d",
                                                                  "1d@nd") else ((), ())
    if bx or bw:
        n, k, m = min(n, 2), min(k, 2), min(m, 2)
    sx = {"1d@1d": (k,), "1d@2d": (k,), "1d@nd": (k,)}.get(kind, bx + (n, k))
    sw = {"1d@1d": (k,), "2d@1d": (k,), "nd@1d": (k,)}.get(kind, bw + (k, m))
    return form, [arr(draw, sx), arr(draw, sw)]


@case({"Tensor.mm": lambda x, w: x.mm(w), "Tensor.bmm[batch 1]": lambda x, w:
       x[None].bmm(w[None])[0]})
def _mm(draw: Draw, form: Any) -> Any:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    return form, [arr(draw, (n, k)), arr(draw, (k, m))]


@case({"Tensor.__rmatmul__": lambda c, w: c @ w})
def _rmatmul(draw: Draw, form: Any) -> Any:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    c = arr(draw, (n, k))
    return (lambda w: form(c, w)), [arr(draw, (k, m))]


@case({"Tensor.addmm": lambda c, a, b, **kw: c.addmm(a, b, **kw), "F.addmm": F.addmm})
def _addmm(draw: Draw, form: Any) -> Any:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    c_shape = draw(st.sampled_from([(n, m), (m,), (1, m), (n, 1), ()]))
    scale = {name: draw(st.sampled_from([1.0, 0.5, -2.0, 0.0])) for name in ("beta", "alpha")}
    return (lambda c, a, b: form(c, a, b, **scale)), [arr(draw, c_shape), arr(draw, (n, k)),
                                                       arr(draw, (k, m))]


EINSUM_SPECS = ["ij,jk->ik", "ij,jk", "ii->", "ii->i", "ii", "i,j->ij", "bij,bjk->bik",
                "...ij,...jk->...ik", "...ij,jk->...ik", "ij->ji", "i,i->", "ijk->kj",
                "ab,bc,cd->ad", "i->", "ij,ij->ij", "...i->...", "ij,i->j"]


@case({"tinygrad_nn.einsum": tg.einsum, "F.einsum": F.einsum,
       "tinygrad_nn.einsum[list]": lambda s, *xs: tg.einsum(s, list(xs))})
def _einsum(draw: Draw, form: Any) -> Any:
    spec = draw(st.sampled_from(EINSUM_SPECS))
    ell = shape_of(draw, max_dims=2, max_side=2)
    size = {c: draw(st.integers(1, 3)) for c in sorted(set(spec) - set(".,->"))}
    terms = spec.split("->")[0].split(",")
    shapes = [(ell if "..." in t else ()) + tuple(size[c] for c in t.replace("...", ""))
              for t in terms]
    return (lambda *xs: form(spec, *xs)), [arr(draw, s) for s in shapes]


# -- types, copies, in-place updates of non-leaf tensors -----------------------------------

LONG = np.longdouble  # a real cast that keeps float64 precision


@case({"Tensor.astype": lambda x: x.astype(LONG), "Tensor.type": lambda x: x.type(LONG),
       "Tensor.to": lambda x: x.to(LONG), "Tensor.double": lambda x: x.astype(LONG).double(),
       "Tensor.astype[same dtype]": lambda x: x.astype("float64"), "Tensor.clone":
       lambda x: x.clone(), "Tensor.contiguous": lambda x: x.contiguous(), "Tensor.cpu":
       lambda x: x.cpu(), "Tensor.to[cpu]": lambda x: x.to("cpu"),
       # sparse layouts are dense stand-ins (tinygrad_nn.sparse): copies and identities
       "Tensor.to_sparse": lambda x: x.to_sparse(), "Tensor.to_sparse_coo":
       lambda x: x.to_sparse_coo(), "Tensor.to_dense": lambda x: x.to_sparse().to_dense(),
       "Tensor.coalesce": lambda x: x.to_sparse().coalesce()})
def _cast(draw: Draw, form: Any) -> Any:
    return (lambda x: form(x) * 2.0), [arr(draw, shape_of(draw))]


# casts to float32 / float16 lose precision: linear maps, with steps far above the rounding
@case({"Tensor.float": lambda x: x.float(), "Tensor.to[float32]": lambda x: x.to("float32")},
      eps=1e-3, atol=1e-3, rtol=1e-3)
def _to_float32(draw: Draw, form: Any) -> Any:
    return (lambda x: form(x) * 2.0), [arr(draw, shape_of(draw))]


@case({"Tensor.half": lambda x: x.half()}, eps=0.25, atol=2e-2, rtol=1e-2)
def _to_half(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, shape_of(draw))]


@case({"Tensor.add_": lambda z, y, m: z.add_(y), "Tensor.add_[alpha]": lambda z, y, m:
       z.add_(y, alpha=2.0), "Tensor.sub_": lambda z, y, m: z.sub_(y, alpha=0.5),
       "Tensor.mul_": lambda z, y, m: z.mul_(y), "Tensor.div_": lambda z, y, m: z.div_(y),
       "Tensor.__iadd__": lambda z, y, m: z.__iadd__(y), "Tensor.__isub__":
       lambda z, y, m: z.__isub__(y), "Tensor.__imul__": lambda z, y, m: z.__imul__(y),
       "Tensor.__itruediv__": lambda z, y, m: z.__itruediv__(y), "Tensor.clamp_":
       lambda z, y, m: z.clamp_(-1.0, 1.0), "Tensor.clip_": lambda z, y, m: z.clip_(None, 0.0),
       "Tensor.masked_fill_": lambda z, y, m: z.masked_fill_(m, 2.0),
       "Tensor.copy_": lambda z, y, m: z.copy_(y)})
def _inplace(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    (sy,) = draw(tst.broadcastable_shapes(shape, num_shapes=1))
    mask = draw(tst.arrays(shape=shape, dtype=np.bool_))

    def fn(x: Any, y: Any) -> Any:
        z = x * 1.0  # a non-leaf: in-place updates are recorded
        form(z, y, mask)
        return z

    return fn, [lattice(draw, shape, 0.5), nonzero(draw, sy)]


