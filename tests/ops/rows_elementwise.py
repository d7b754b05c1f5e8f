"""Core registry rows: elementwise ops and reductions (see op_registry.py)."""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies

# -- elementwise, unary --------------------------------------------------------------------


def unary(forms: dict[str, Callable[..., Any]], lo: float = -3.0, hi: float = 3.0,
          away_from: tuple[float, ...] = (), elements: Any = None, **options: Any) -> None:
    """A row for an elementwise op f(x) with x drawn in [lo, hi] away from ``away_from``."""

    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        x = draw(tst.arrays(max_dims=3, max_side=3, away_from=away_from, margin=1e-3,
                            elements=elements if elements is not None else (lo, hi)))
        return form, [x]

    case(forms, **options)(draw_fn)


_ABS_OUTSIDE = st.one_of(st.floats(-3.0, -0.3), st.floats(0.3, 3.0))

unary({"Tensor.__neg__": lambda x: -x, "Tensor.neg": lambda x: x.neg(), "F.neg": F.neg,
       "Tensor.__pos__": lambda x: +x * 1.0, "Tensor.negative": lambda x: x.negative(),
       "Tensor.positive": lambda x: x.positive() * 1.0})
unary({"Tensor.__abs__": abs, "Tensor.abs": lambda x: x.abs(), "F.abs": F.abs,
       "Tensor.absolute": lambda x: x.absolute()}, away_from=(0.0,))
unary({"Tensor.exp": lambda x: x.exp(), "F.exp": F.exp})
unary({"Tensor.log": lambda x: x.log(), "F.log": F.log}, 0.1, 10.0)
unary({"Tensor.log1p": lambda x: x.log1p(), "F.log1p": F.log1p}, -0.9, 5.0)
unary({"Tensor.expm1": lambda x: x.expm1(), "F.expm1": F.expm1})
unary({"Tensor.sqrt": lambda x: x.sqrt(), "F.sqrt": F.sqrt}, 0.1, 10.0)
unary({"Tensor.rsqrt": lambda x: x.rsqrt(), "F.rsqrt": F.rsqrt}, 0.2, 5.0)
unary({"Tensor.reciprocal": lambda x: x.reciprocal(), "F.reciprocal": F.reciprocal},
      elements=_ABS_OUTSIDE)
unary({"Tensor.square": lambda x: x.square(), "F.square": F.square})
unary({"Tensor.sin": lambda x: x.sin(), "F.sin": F.sin})
unary({"Tensor.cos": lambda x: x.cos(), "F.cos": F.cos})
unary({"Tensor.tanh": lambda x: x.tanh(), "F.tanh": F.tanh})
unary({"Tensor.erf": lambda x: x.erf(), "F.erf": F.erf})
unary({"Tensor.sigmoid": lambda x: x.sigmoid(), "F.sigmoid": F.sigmoid}, -6.0, 6.0)
unary({"Tensor.relu": lambda x: x.relu(), "F.relu": F.relu}, away_from=(0.0,))
unary({"Tensor.leaky_relu": lambda x: x.leaky_relu(0.2),
       "Tensor.leaky_relu[negative_slope=]": lambda x: x.leaky_relu(negative_slope=0.05),
       "Tensor.leaky_relu[default]": lambda x: x.leaky_relu(),
       "F.leaky_relu": lambda x: F.leaky_relu(x, 0.3)}, away_from=(0.0,))
unary({"Tensor.elu": lambda x: x.elu(), "Tensor.elu[alpha]": lambda x: x.elu(0.5),
       "F.elu": lambda x: F.elu(x, 1.5)}, away_from=(0.0,))
unary({"Tensor.gelu": lambda x: x.gelu(), "F.gelu": F.gelu})
unary({"Tensor.gelu[tanh]": lambda x: x.gelu(approximate="tanh"),
       "F.gelu[tanh]": lambda x: F.gelu(x, approximate="tanh")})
unary({"Tensor.silu": lambda x: x.silu(), "F.silu": F.silu}, -6.0, 6.0)
unary({"Tensor.log_sigmoid": lambda x: x.log_sigmoid(), "F.logsigmoid": F.logsigmoid}, -6.0, 6.0)
unary({"Tensor.softplus": lambda x: x.softplus(), "F.softplus": F.softplus}, -6.0, 6.0)
# beta * x crosses the threshold (the linear branch) at x = 20 / 5 = 4
unary({"Tensor.softplus[beta,threshold]": lambda x: x.softplus(beta=5.0),
       "F.softplus[beta,threshold]": lambda x: F.softplus(x, 5.0, 20.0)}, -5.0, 6.0,
      away_from=(4.0,))


@case({"Tensor.clip": lambda x, lo, hi: x.clip(lo, hi),
       "Tensor.clamp": lambda x, lo, hi: x.clamp(min=lo, max=hi),
       "F.clip": lambda x, lo, hi: F.clip(x, lo, hi), "F.clamp": F.clamp})
def _clip(draw: Draw, form: Any) -> Any:
    lo, hi = draw(st.sampled_from([(-1.0, 1.0), (-0.5, None), (None, 0.5), (0.0, 2.0)]))
    x = arr(draw, shape_of(draw), away_from=tuple(b for b in (lo, hi) if b is not None))
    return (lambda x: form(x, lo, hi)), [x]


# Tensor bounds (both, or one and None), lo > hi included: x, lo, hi sit at k + 0.5, k and
# k + 0.25 (+ [0, 0.1]), so no two of them come within 0.15 of a tie
@case({"Tensor.clamp[tensors]": lambda x, lo, hi: x.clamp(lo, hi),
       "Tensor.clamp[tensor min]": lambda x, lo, hi: x.clamp(min=lo) + hi * 0.0,
       "Tensor.clip[tensor max]": lambda x, lo, hi: x.clip(max=hi) + lo * 0.0})
def _clamp_tensors(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    shapes = (shape, *draw(tst.broadcastable_shapes(shape, num_shapes=2)))
    return form, [draw(tst.arrays(shape=s, dtype=np.int64, elements=(-3, 2))) + off
                  + draw(tst.arrays(shape=s, elements=(0.0, 0.1)))
                  for s, off in zip(shapes, (0.5, 0.0, 0.25))]


# -- elementwise, binary (broadcasting shapes incl. 0-d and size-1 axes) -------------------


def binary(forms: dict[str, Callable[..., Any]], make_x: Any = arr, make_y: Any = arr,
           **options: Any) -> None:
    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        sx, sy = two_shapes(draw)
        return form, [make_x(draw, sx), make_y(draw, sy)]

    case(forms, **options)(draw_fn)


binary({"Tensor.__add__": lambda x, y: x + y, "Tensor.add": lambda x, y: x.add(y),
        "F.add": F.add})
binary({"Tensor.__sub__": lambda x, y: x - y, "Tensor.sub": lambda x, y: x.sub(y),
        "Tensor.subtract": lambda x, y: x.subtract(y), "F.sub": F.sub})
binary({"Tensor.__mul__": lambda x, y: x * y, "Tensor.mul": lambda x, y: x.mul(y),
        "Tensor.multiply": lambda x, y: x.multiply(y), "F.mul": F.mul})
binary({"Tensor.__truediv__": lambda x, y: x / y, "Tensor.div": lambda x, y: x.div(y),
        "Tensor.divide": lambda x, y: x.divide(y),
        "Tensor.true_divide": lambda x, y: x.true_divide(y), "F.div": F.div},
       make_y=nonzero)
binary({"Tensor.__pow__": lambda x, y: x**y, "Tensor.pow": lambda x, y: x.pow(y),
        "F.pow": F.pow}, make_x=lambda d, s: arr(d, s, 0.3, 3.0),
       make_y=lambda d, s: arr(d, s, -2.0, 2.0))
binary({"Tensor.maximum": lambda x, y: x.maximum(y), "tinygrad_nn.maximum": tg.maximum,
        "F.maximum": F.maximum, "Tensor.max[other]": lambda x, y: x.max(y)},
       make_x=lambda d, s: lattice(d, s, 0.5),
       make_y=lambda d, s: lattice(d, s, 0.0))
binary({"Tensor.minimum": lambda x, y: x.minimum(y), "tinygrad_nn.minimum": tg.minimum,
        "F.minimum": F.minimum, "Tensor.min[other]": lambda x, y: x.min(y)},
       make_x=lambda d, s: lattice(d, s, 0.5),
       make_y=lambda d, s: lattice(d, s, 0.0))


@case({"Tensor.__pow__[scalar]": lambda x, p: x**p, "Tensor.pow[scalar]": lambda x, p: x.pow(p)})
def _pow_scalar(draw: Draw, form: Any) -> Any:
    p = draw(st.sampled_from([2, 3, 0, 1, -1, -2, 0.5, 1.5, -0.5, 2.5, np.float64(1.25)]))
    shape = shape_of(draw)
    integer = isinstance(p, int)
    x = nonzero(draw, shape) if integer else arr(draw, shape, 0.3, 3.0)
    return (lambda x: form(x, p)), [x]


# constant left operands: Python numbers and NumPy arrays (NumPy defers to Tensor)
@case({"Tensor.__radd__": lambda c, x: c + x, "Tensor.__rsub__": lambda c, x: c - x,
       "Tensor.__rmul__": lambda c, x: c * x, "Tensor.__rtruediv__": lambda c, x: c / x,
       "Tensor.__rpow__": lambda c, x: abs(c) ** x})
def _reflected(draw: Draw, form: Any) -> Any:
    sc, sx = two_shapes(draw)
    c = draw(st.one_of(st.sampled_from([2, 2.5, -1.5]), st.just(nonzero(draw, sc))))
    return (lambda x: form(c, x)), [nonzero(draw, sx, 0.3, 2.0)]


@case({"tinygrad_nn.where": tg.where, "F.where": F.where,
       "Tensor.masked_fill": lambda c, x, y: y.masked_fill(c, x),
       "F.masked_fill": lambda c, x, y: F.masked_fill(y, c, x)})
def _where(draw: Draw, form: Any) -> Any:
    sc, sx, sy = draw(tst.broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    if form is not tg.where and form is not F.where:  # masked_fill: result keeps y's shape
        sy = np.broadcast_shapes(sc, sx, sy)
        sx = ()
    cond = draw(tst.arrays(shape=sc, dtype=np.bool_))
    return (lambda x, y: form(cond, x, y)), [arr(draw, sx), arr(draw, sy)]


# -- reductions (every axis form: None, int, negative int, tuple; keepdims) ----------------


def reduction(forms: dict[str, Callable[..., Any]], values: Any = arr, min_side: int = 1,
              min_dims: int = 0, **options: Any) -> None:
    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        shape = shape_of(draw, min_dims=min_dims, min_side=min_side)
        axis, keep = reduction_args(draw, shape)
        return (lambda x: form(x, axis, keep)), [values(draw, shape)]

    case(forms, **options)(draw_fn)


def _forms(name: str, method: str, f_fn: Any = None, **extra: Any) -> dict[str, Any]:
    """Row ``name``: x.method(axis, keepdims); also x.method(dim=, keepdim=) and F.method."""
    forms = {name: lambda x, a, k: getattr(x, method)(a, k, **extra),
             f"Tensor.{method}[dim=,keepdim=]":
             lambda x, a, k: getattr(x, method)(dim=a, keepdim=k, **extra)}
    if f_fn is not None:
        forms[f"F.{method}"] = lambda x, a, k: f_fn(x, a, k, **extra)
    return forms


reduction(_forms("Tensor.sum", "sum", F.sum))
reduction(_forms("Tensor.mean", "mean", F.mean))
def _spread(method: str, f_fn: Any, tag: str = "", **extra: Any) -> dict[str, Any]:
    """var / std rows: PyTorch's second positional argument is ``unbiased``, so keepdim by name."""
    return {f"Tensor.{method}{tag}": lambda x, a, k: getattr(x, method)(a, keepdim=k, **extra),
            f"Tensor.{method}[dim=,keepdim=]{tag}":
            lambda x, a, k: getattr(x, method)(dim=a, keepdim=k, **extra),
            f"F.{method}{tag}": lambda x, a, k: f_fn(x, a, keepdim=k, **extra)}


reduction(_spread("var", F.var), min_side=2, min_dims=1)
reduction(_spread("var", F.var, "[unbiased=False]", unbiased=False), min_side=2, min_dims=1)
reduction(_spread("var", F.var, "[correction=0]", correction=0), min_side=2, min_dims=1)
reduction(_spread("var", F.var, "[correction=2]", correction=2), min_side=3, min_dims=1)
reduction(_spread("std", F.std), values=distinct, min_side=2, min_dims=1)
reduction(_spread("std", F.std, "[unbiased=False]", unbiased=False), values=distinct,
          min_side=2, min_dims=1)
reduction({"Tensor.amax": lambda x, a, k: x.amax(a, k),
           "Tensor.amax[dim=,keepdim=]": lambda x, a, k: x.amax(dim=a, keepdim=k)},
          values=distinct)
reduction({"Tensor.amin": lambda x, a, k: x.amin(a, k),
           "Tensor.amin[dim=,keepdim=]": lambda x, a, k: x.amin(dim=a, keepdim=k)},
          values=distinct)


def _extreme(method: str, f_fn: Any) -> dict[str, Any]:
    """max / min: no dim gives the value; one dim gives (values, indices), the gradient going
    to the index."""
    return {f"Tensor.{method}": lambda x, a, k: getattr(x, method)(a, k).values,
            f"Tensor.{method}[dim=,keepdim=]":
            lambda x, a, k: getattr(x, method)(dim=a, keepdim=k)[0],
            f"F.{method}": lambda x, a, k: f_fn(x, a, k).values,
            f"Tensor.{method}[all]": lambda x, a, k: getattr(x, method)()}


@case(_extreme("max", F.max) | _extreme("min", F.min))
def _max_min(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a, k = one_axis(draw, len(shape)), draw(st.booleans())
    return (lambda x: form(x, a, k)), [distinct(draw, shape)]


def _every_dim(form: Callable[..., Any]) -> Callable[..., Any]:
    """logsumexp needs a dim (PyTorch's TypeError without one): None becomes every dim."""
    return lambda x, a, k: form(x, tuple(range(x.ndim)) if a is None else a, k)


reduction({name: _every_dim(form) for name, form in
           _forms("Tensor.logsumexp", "logsumexp", F.logsumexp).items()})


@case({"Tensor.softmax": lambda x, a: x.softmax(a), "Tensor.softmax[dim=]":
       lambda x, a: x.softmax(dim=a), "F.softmax": F.softmax})
def _softmax(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    return (lambda x: form(x, a)), [arr(draw, shape)]


case({"Tensor.log_softmax": lambda x, a: x.log_softmax(a),
      "Tensor.log_softmax[dim=]": lambda x, a: x.log_softmax(dim=a),
      "F.log_softmax": F.log_softmax})(_softmax)


# -- rounding, trigonometry, optimiser helpers (helper "elem") -----------------------------


# piecewise constant (zero gradient) and frac (gradient 1): k + [0.1, 0.3] stays 0.1 from
# every integer and 0.2 from every half; / 10 for round(decimals=1)
@case({"Tensor.floor": lambda x: x.floor(), "Tensor.ceil": lambda x: x.ceil(),
       "Tensor.trunc": lambda x: x.trunc(), "Tensor.fix": lambda x: x.fix(),
       "Tensor.round": lambda x: x.round(), "Tensor.sgn": lambda x: x.sgn(),
       "Tensor.sign": lambda x: x.sign(), "Tensor.angle": lambda x: x.angle(),
       "Tensor.round[decimals]": lambda x: (x * 0.1).round(decimals=1),
       "Tensor.round[decimals<0]": lambda x: (x * 100.0).round(decimals=-2),
       "Tensor.frac": lambda x: x.frac(), "Tensor.floor_": lambda x: (x * 1.0).floor_(),
       "Tensor.ceil_": lambda x: (x * 1.0).ceil_(),
       "Tensor.round_": lambda x: (x * 0.1).round_(decimals=1)})
def _rounding(draw: Draw, form: Any) -> Any:
    return form, [lattice(draw, shape_of(draw), 0.1)]


unary({"Tensor.nan_to_num": lambda x: x.nan_to_num(),
       "Tensor.nan_to_num[values]": lambda x: x.nan_to_num(1.0, 2.0, -2.0)})
unary({"Tensor.tan": lambda x: x.tan()}, -1.2, 1.2)
unary({"Tensor.asin": lambda x: x.asin(), "Tensor.arcsin": lambda x: x.arcsin(),
       "Tensor.acos": lambda x: x.acos(), "Tensor.arccos": lambda x: x.arccos(),
       "Tensor.atanh": lambda x: x.atanh(), "Tensor.arctanh": lambda x: x.arctanh(),
       "Tensor.erfinv": lambda x: x.erfinv()}, -0.9, 0.9)
unary({"Tensor.atan": lambda x: x.atan(), "Tensor.arctan": lambda x: x.arctan(),
       "Tensor.sinh": lambda x: x.sinh(), "Tensor.cosh": lambda x: x.cosh(),
       "Tensor.asinh": lambda x: x.asinh(), "Tensor.arcsinh": lambda x: x.arcsinh(),
       "Tensor.exp2": lambda x: x.exp2(), "Tensor.erfc": lambda x: x.erfc(),
       "Tensor.deg2rad": lambda x: x.deg2rad(), "Tensor.rad2deg": lambda x: x.rad2deg()})
unary({"Tensor.acosh": lambda x: x.acosh(), "Tensor.arccosh": lambda x: x.arccosh()}, 1.2, 4.0)
unary({"Tensor.log2": lambda x: x.log2(), "Tensor.log10": lambda x: x.log10()}, 0.1, 10.0)


# clamp_min / clamp_max: bounds 0 (a number) or a Tensor; values never within 0.3 of them
@case({"Tensor.clamp_min": lambda x, y: x.clamp_min(y), "Tensor.clamp_max":
       lambda x, y: x.clamp_max(y),
       "Tensor.clamp_min[number]": lambda x, y: x.clamp_min(0.0) + y * 0.0,
       "Tensor.clamp_max[number]": lambda x, y: x.clamp_max(0.0) + y * 0.0,
       "Tensor.clamp_min_": lambda x, y: (x * 1.0).clamp_min_(y),
       "Tensor.clamp_max_": lambda x, y: (x * 1.0).clamp_max_(y)})
def _clamp_one_side(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    (sy,) = draw(tst.broadcastable_shapes(shape, num_shapes=1))
    return form, [lattice(draw, shape, 0.5), lattice(draw, sy, 0.0)]


binary({"Tensor.atan2": lambda x, y: x.atan2(y), "Tensor.arctan2": lambda x, y: x.arctan2(y),
        "Tensor.hypot": lambda x, y: x.hypot(y), "Tensor.copysign": lambda x, y: x.copysign(y)},
       make_x=nonzero, make_y=nonzero)
binary({"Tensor.logaddexp": lambda x, y: x.logaddexp(y),
        "Tensor.logaddexp2": lambda x, y: x.logaddexp2(y)})
# x == 0 is PyTorch's convention point (gradient 0 there), kept out of the differences
binary({"Tensor.xlogy": lambda x, y: x.xlogy(y)}, make_x=nonzero,
       make_y=lambda d, s: arr(d, s, 0.3, 3.0))
binary({"Tensor.fmax": lambda x, y: x.fmax(y), "Tensor.fmin": lambda x, y: x.fmin(y)},
       make_x=lambda d, s: lattice(d, s, 0.5), make_y=lambda d, s: lattice(d, s, 0.0))
binary({"Tensor.float_power": lambda x, y: x.float_power(y)},
       make_x=lambda d, s: arr(d, s, 0.3, 3.0), make_y=lambda d, s: arr(d, s, -2.0, 2.0))


@case({"Tensor.fmod": lambda x, y: x.fmod(y)})
def _fmod(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    y = nonzero(draw, shape)
    q = lattice(draw, shape, 0.3)  # x / y = k + [0.3, 0.5]: away from fmod's jumps
    return form, [y * q, y]


@case({"Tensor.fmod[number]": lambda x: x.fmod(1.5)})
def _fmod_number(draw: Draw, form: Any) -> Any:
    return form, [lattice(draw, shape_of(draw), 0.3) * 1.5]


# optimiser helpers: three broadcast operands (a weight Tensor included)
@case({"Tensor.addcmul": lambda x, a, b: x.addcmul(a, b),
       "Tensor.addcmul[value]": lambda x, a, b: x.addcmul(a, b, value=-0.5),
       "Tensor.addcdiv": lambda x, a, b: x.addcdiv(a, b, value=2.0),
       "Tensor.lerp": lambda x, a, b: x.lerp(a, b),
       "Tensor.lerp[number]": lambda x, a, b: x.lerp(a, 0.3) + x.lerp(b, 0.75)})
def _three(draw: Draw, form: Any) -> Any:
    sx, sa, sb = draw(tst.broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    return form, [arr(draw, sx), arr(draw, sa), nonzero(draw, sb)]


def _in_place(forms: dict[str, Callable[..., Any]], positive: bool) -> None:
    """In-place forms on a non-leaf (recorded): z = x * 1.0, then z.op_(...); x drawn
    positive where the function needs it, else signed but 0.3 away from 0 (abs_, relu_)."""

    def draw_fn(draw: Draw, form: Any) -> Any:
        shape = shape_of(draw)
        (sy,) = draw(tst.broadcastable_shapes(shape, num_shapes=1))

        def fn(x: Any, y: Any) -> Any:
            z = x * 1.0  # a non-leaf: in-place updates are recorded
            form(z, y)
            return z

        x = nonzero(draw, shape, 0.3, 2.0)
        return fn, [np.abs(x) if positive else x, nonzero(draw, sy, 0.3, 2.0)]

    case(forms)(draw_fn)


_in_place({"Tensor.sqrt_": lambda z, y: z.sqrt_(), "Tensor.log_": lambda z, y: z.log_(),
           "Tensor.pow_": lambda z, y: z.pow_(y), "Tensor.pow_[number]": lambda z, y: z.pow_(1.5),
           "Tensor.__ipow__": lambda z, y: z.__ipow__(y)},
          positive=True)
_in_place({"Tensor.exp_": lambda z, y: z.exp_(), "Tensor.abs_": lambda z, y: z.abs_(),
           "Tensor.neg_": lambda z, y: z.neg_(), "Tensor.sigmoid_": lambda z, y: z.sigmoid_(),
           "Tensor.tanh_": lambda z, y: z.tanh_(), "Tensor.relu_": lambda z, y: z.relu_(),
           "Tensor.reciprocal_": lambda z, y: z.reciprocal_(),
           "Tensor.square_": lambda z, y: z.square_(),
           "Tensor.addcmul_": lambda z, y: z.addcmul_(y, y, value=0.5),
           "Tensor.addcdiv_": lambda z, y: z.addcdiv_(y * y, y),
           "Tensor.lerp_": lambda z, y: z.lerp_(y, 0.9),
           "Tensor.lerp_[tensor]": lambda z, y: z.lerp_(y * 2.0, y * 0.2)}, positive=False)


@case({"Tensor.where": lambda c, x, y: x.where(c, y)})
def _where_method(draw: Draw, form: Any) -> Any:
    sc, sx, sy = draw(tst.broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    cond = draw(tst.arrays(shape=sc, dtype=np.bool_))
    return (lambda x, y: form(tg.tensor(cond), x, y)), [arr(draw, sx), arr(draw, sy)]
