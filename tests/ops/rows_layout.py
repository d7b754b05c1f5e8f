"""Registry rows of the PyTorch shape methods added in session 6 (tensor_layout.py, the
reorderings of tensor_movement.py, the top-level shape functions and in-place views)."""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies

# -- reorderings, views and diagonals --------------------------------------------------------


def _flat_cat(parts: Any) -> Any:
    """One Tensor of a tuple of pieces (unbind, tensor_split ...), for the gradient check."""
    return tg.cat([p.reshape(-1) for p in parts])


@case({"Tensor.flip": lambda x, d: x.flip(d), "Tensor.flip[varargs]": lambda x, d: x.flip(*d),
       "Tensor.fliplr": lambda x, d: x.fliplr() if x.ndim >= 2 else x.flip(d),
       "Tensor.flipud": lambda x, d: x.flipud() if x.ndim >= 1 else x.flip(d)})
def _flip(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    dims = draw(st.lists(st.integers(0, max(len(shape) - 1, 0)), unique=True,
                         max_size=len(shape)))
    return (lambda x: form(x, tuple(dims))), [arr(draw, shape)]


@case({"Tensor.roll": lambda x, s, d: x.roll(s, d),
       "Tensor.roll[flat]": lambda x, s, d: x.roll(s[0])})
def _roll(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    dims = draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=3))
    shifts = tuple(draw(st.integers(-4, 4)) for _ in dims)
    return (lambda x: form(x, shifts, tuple(dims))), [arr(draw, shape)]


@case({"Tensor.rot90": lambda x, k, d: x.rot90(k, d)})
def _rot90(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=2)
    dims = draw(st.lists(st.integers(0, len(shape) - 1), min_size=2, max_size=2, unique=True))
    k = draw(st.integers(-5, 5))
    return (lambda x: form(x, k, dims)), [arr(draw, shape)]


@case({"Tensor.unbind": lambda x, a: _flat_cat(x.unbind(a)),
       "Tensor.select": lambda x, a: x.select(a, -1)})
def _unbind(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    return (lambda x: form(x, a)), [arr(draw, shape)]


@case({"Tensor.tensor_split": lambda x, s, a: _flat_cat(x.tensor_split(s, a)),
       "Tensor.hsplit": lambda x, s, a: _flat_cat(x.hsplit(s if not isinstance(s, int) else 1)),
       "Tensor.vsplit": lambda x, s, a: _flat_cat(x.vsplit([1]) if x.ndim >= 2 else (x,)),
       "Tensor.dsplit": lambda x, s, a: _flat_cat(x.dsplit([1, 2]) if x.ndim >= 3 else (x,))})
def _tensor_split(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    a = one_axis(draw, len(shape))
    spec = draw(st.one_of(st.integers(1, 5), st.lists(st.integers(-4, 4), max_size=3)))
    return (lambda x: form(x, spec, a)), [arr(draw, shape)]


@case({"Tensor.unflatten": lambda x: x.unflatten(-1, (2, -1)),
       "Tensor.ravel": lambda x: x.transpose(0, -1).ravel(),
       "Tensor.reshape_as": lambda x: x.reshape_as(tg.zeros(x.numel())),
       "Tensor.type_as": lambda x: x.type_as(tg.zeros(1, dtype=tg.float64)) * 2.0,
       "Tensor.narrow_copy": lambda x: x.narrow_copy(-1, -2, 2)})
def _unflatten(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1) + (2 * draw(st.integers(1, 2)),)
    return form, [arr(draw, shape)]


@case({"Tensor.movedim": lambda x, s, d: x.movedim(s, d),
       "Tensor.moveaxis": lambda x, s, d: x.moveaxis(s, d)})
def _movedim(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    k = draw(st.integers(1, len(shape)))
    src = draw(st.permutations(range(len(shape))))[:k]
    dst = draw(st.permutations(range(-len(shape), 0)))[:k]
    return (lambda x: form(x, tuple(src), tuple(dst))), [arr(draw, shape)]


@case({"Tensor.tile": lambda x, r: x.tile(r)})
def _tile(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, max_side=2)
    reps = tuple(draw(st.lists(st.integers(1, 2), max_size=len(shape) + 1)))
    return (lambda x: form(x, reps)), [arr(draw, shape)]


@case({"Tensor.repeat_interleave": lambda x, r, a: x.repeat_interleave(r, a),
       "Tensor.repeat_interleave[tensor]": lambda x, r, a: x.repeat_interleave(
           tg.tensor(np.full(x.shape[a] if a is not None else x.numel(), r)), a)})
def _repeat_interleave(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    r = draw(st.integers(0, 3))
    return (lambda x: form(x, r, a)), [arr(draw, shape)]


@case({"Tensor.diagonal": lambda x, o, a, b: x.diagonal(o, a, b),
       "Tensor.diag_embed": lambda x, o, a, b: x.diag_embed(o, a, b),
       "Tensor.unfold": lambda x, o, a, b: x.unfold(a, min(2, x.shape[a]), 1 + abs(o))})
def _diagonal(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=2)
    a, b = draw(st.lists(st.integers(0, len(shape) - 1), min_size=2, max_size=2, unique=True))
    o = draw(st.integers(-3, 3))
    return (lambda x: form(x, o, a, b)), [arr(draw, shape)]


@case({"Tensor.diag": lambda x, k: x.diag(k), "Tensor.diagflat": lambda x, k: x.diagflat(k),
       "Tensor.trace": lambda x, k: x.trace() if x.ndim == 2 else x.diag(k)})
def _diag(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_dims=2)
    k = draw(st.integers(-3, 3))
    return (lambda x: form(x, k)), [arr(draw, shape)]


@case({"Tensor.take": lambda x, i, a: x.take(tg.tensor(i)),
       "Tensor.take_along_dim": lambda x, i, a: x.take_along_dim(
           tg.tensor(i.reshape(-1) % x.numel())),
       "Tensor.take_along_dim[dim]": lambda x, i, a: x.take_along_dim(
           tg.tensor(np.argsort(x.detach().numpy(), axis=a)), a)})
def _take(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    n = math.prod(shape)
    idx = draw(tst.arrays(shape=shape_of(draw, max_dims=2), dtype=np.int64, elements=(-n, n - 1)))
    a = one_axis(draw, len(shape))
    return (lambda x: form(x, idx, a)), [distinct(draw, shape)]


@case({"tinygrad_nn.hstack": lambda xs: tg.hstack(xs), "tinygrad_nn.vstack": tg.vstack,
       "tinygrad_nn.row_stack": tg.row_stack, "tinygrad_nn.dstack": tg.dstack,
       "tinygrad_nn.column_stack": tg.column_stack,
       "tinygrad_nn.block_diag": lambda xs: tg.block_diag(*xs)})
def _hstack(draw: Draw, form: Any) -> Any:
    n = draw(st.integers(1, 3))
    shape = draw(st.sampled_from([(), (n,), (n, 2)]))  # column_stack and friends: one family
    shapes = [shape] * draw(st.integers(1, 3))
    return (lambda *xs: form(list(xs))), [arr(draw, s) for s in shapes]


@case({"tinygrad_nn.meshgrid": lambda xs, i: _flat_cat(tg.meshgrid(*xs, indexing=i)),
       "tinygrad_nn.cartesian_prod": lambda xs, i: tg.cartesian_prod(*xs),
       "tinygrad_nn.broadcast_tensors": lambda xs, i: _flat_cat(tg.broadcast_tensors(
           *[x.reshape((-1,) + (1,) * k) for k, x in enumerate(xs)])),
       "tinygrad_nn.atleast_1d": lambda xs, i: _flat_cat(tg.atleast_1d(*xs)) * 2.0,
       "tinygrad_nn.atleast_2d": lambda xs, i: _flat_cat(tg.atleast_2d(xs)) * 2.0,
       "tinygrad_nn.atleast_3d": lambda xs, i: tg.atleast_3d(xs[0]) * 2.0})
def _meshgrid(draw: Draw, form: Any) -> Any:
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    indexing = draw(st.sampled_from(["ij", "xy"]))
    return (lambda *xs: form(list(xs), indexing)), [arr(draw, (n,)) for n in sizes]


@case({"Tensor.transpose_": lambda z, a, b: z.transpose_(a, b),
       "Tensor.t_": lambda z, a, b: z.t_() if z.ndim <= 2 else z.transpose_(a, b),
       "Tensor.squeeze_": lambda z, a, b: z.squeeze_(a),
       "Tensor.unsqueeze_": lambda z, a, b: z.unsqueeze_(b)})
def _inplace_views(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=2)
    a, b = one_axis(draw, len(shape)), one_axis(draw, len(shape))

    def fn(x: Any) -> Any:
        z = x * 1.0  # a non-leaf: the in-place view is recorded
        form(z, a, b)
        return z * 2.0

    return fn, [arr(draw, shape)]
