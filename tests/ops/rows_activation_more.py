"""Core registry rows: the further activations (and their in-place forms), pixel and channel
shuffles, the resizing modes beyond nearest / (bi)linear, distances and the bilinear map.

Piecewise functions get inputs on a lattice k + 0.5 + [0, 0.2]: at least 0.3 from every
integer, where all their kinks lie (+-1, +-3, 0, 6 and the lambd / threshold drawn below).
The two layers with parameters (PReLU, Bilinear) are registered with ``cases_nn.layer``,
which checks the input and the parameters together.
"""

from __future__ import annotations

import warnings

from tests.ops.cases_nn import layer
from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies
from tinygrad_nn import nn


def _off_kinks(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    return lattice(draw, shape, 0.5)


def _unary(forms: dict[str, Callable[..., Any]], make: Any = _off_kinks) -> None:
    """A row for f(x) on any shape; ``forms`` values are functions of one Tensor."""

    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        return form, [make(draw, shape_of(draw))]

    case(forms)(draw_fn)


def _fresh(fn: Callable[..., Any]) -> Callable[..., Any]:
    """An in-place form applied to a non-leaf copy (a leaf that requires grad is refused)."""
    return lambda x, *a: fn(x * 1.0, *a)


_unary({"F.relu6": F.relu6, "F.relu6[x3]": lambda x: F.relu6(x * 3)})
_unary({"F.hardtanh": F.hardtanh, "F.hardtanh[range]": lambda x: F.hardtanh(x, -2.0, 1.0),
        "F.hardtanh_": _fresh(F.hardtanh_)})
_unary({"F.hardsigmoid": lambda x: F.hardsigmoid(x * 3)})
_unary({"F.hardswish": lambda x: F.hardswish(x * 3)})
_unary({"F.selu": F.selu, "F.selu_": _fresh(F.selu_)})
_unary({"F.celu": F.celu, "F.celu[alpha]": lambda x: F.celu(x, 2.0),
        "F.celu_": _fresh(lambda x: F.celu_(x, 0.5))})
_unary({"F.elu_": _fresh(F.elu_), "F.relu_": _fresh(F.relu_),
        "F.leaky_relu_": _fresh(lambda x: F.leaky_relu_(x, 0.2))})
_unary({"F.mish": F.mish}, arr)
_unary({"F.softsign": F.softsign}, nonzero)  # |x| has a kink at 0
_unary({"F.tanhshrink": F.tanhshrink}, arr)
_unary({"F.softshrink": lambda x: F.softshrink(x, 1.0),
        "hardshrink": lambda x: F.hardshrink(x, 2.0)})
_unary({"F.threshold": lambda x: F.threshold(x, 1.0, -0.5),
        "F.threshold_": _fresh(lambda x: F.threshold_(x, -1.0, 2.0))})
_unary({"F.rrelu": F.rrelu, "F.rrelu_": _fresh(lambda x: F.rrelu_(x, 0.1, 0.2))})


@case({"F.rrelu[training]": F.rrelu})
def _rrelu_training(draw: Draw, form: Any) -> Any:
    seed = draw(st.integers(0, 2**16))

    def fn(x: Any) -> Any:
        tg.manual_seed(seed)  # the same slopes at every evaluation of the check
        return form(x, 0.1, 0.3, training=True)

    return fn, [_off_kinks(draw, shape_of(draw))]


@case({"F.glu": F.glu})
def _glu(draw: Draw, form: Any) -> Any:
    shape = list(shape_of(draw, min_dims=1))
    d = one_axis(draw, len(shape))
    shape[d] *= 2
    return (lambda x: form(x, d)), [arr(draw, tuple(shape))]


@case({"F.softmin": F.softmin})
def _softmin(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    d = one_axis(draw, len(shape))
    return (lambda x: form(x, d)), [arr(draw, shape)]


@case({"prelu": F.prelu, "Tensor.prelu": lambda x, w: x.prelu(w)})
def _prelu(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    c = shape[1] if len(shape) > 1 and draw(st.booleans()) else 1
    return form, [_off_kinks(draw, shape), arr(draw, (c,), 0.1, 0.5)]


# -- resizing and rearranging pixels ----------------------------------------------------------


@case({"F.interpolate[more modes]": F.interpolate})
def _interpolate_modes(draw: Draw, form: Any) -> Any:
    mode = draw(st.sampled_from(["nearest-exact", "area", "bicubic", "trilinear", "nearest"]))
    nd = {"bicubic": 2, "trilinear": 3}.get(mode) or draw(st.integers(1, 3))
    shape = (1, draw(st.integers(1, 2))) + tuple(draw(st.integers(1, 3)) for _ in range(nd))
    size = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    corners = draw(st.booleans()) if mode in ("bicubic", "trilinear") else None
    return (lambda x: form(x, size, None, mode, corners)), [arr(draw, shape)]


@case({"F.interpolate[antialias]": F.interpolate})
def _interpolate_antialias(draw: Draw, form: Any) -> Any:
    mode = draw(st.sampled_from(["bilinear", "bicubic", "lanczos"]))
    corners = draw(st.booleans()) and mode != "lanczos"
    shape = (1, draw(st.integers(1, 2)), draw(st.integers(2, 5)), draw(st.integers(2, 5)))
    size = (draw(st.integers(2, 4)), draw(st.integers(2, 4)))
    return (lambda x: form(x, size, None, mode, corners, antialias=True)), [arr(draw, shape)]


def _quiet(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The deprecated upsample functions, without their warning."""

    def call(*args: Any, **kw: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kw)

    return call


@case({"F.upsample": _quiet(lambda x, s: F.upsample(x, s, mode="bilinear")),
       "F.upsample_nearest": _quiet(F.upsample_nearest),
       "F.upsample_bilinear": _quiet(F.upsample_bilinear)})
def _upsample(draw: Draw, form: Any) -> Any:
    shape = (1, 2, draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    size = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return (lambda x: form(x, size)), [arr(draw, shape)]


@case({"F.pixel_shuffle": F.pixel_shuffle, "F.pixel_unshuffle": "unshuffle"})
def _pixel_shuffle(draw: Draw, form: Any) -> Any:
    r = draw(st.integers(1, 2))
    lead = shape_of(draw, max_dims=1, max_side=2)
    if form == "unshuffle":
        shape = lead + (draw(st.integers(1, 2)), 2 * r, r)
        return (lambda x: F.pixel_unshuffle(x, r)), [arr(draw, shape)]
    return (lambda x: form(x, r)), [arr(draw, lead + (r * r, 2, draw(st.integers(1, 2))))]


@case({"F.channel_shuffle": F.channel_shuffle,
       "F.native_channel_shuffle": F.native_channel_shuffle})
def _channel_shuffle(draw: Draw, form: Any) -> Any:
    g, k = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), g * k) + shape_of(draw, min_dims=1, max_dims=2)
    return (lambda x: form(x, g)), [arr(draw, shape)]


# -- distances and the bilinear map -----------------------------------------------------------


@case({"F.pairwise_distance": F.pairwise_distance})
def _pairwise_distance(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    p, keep = draw(st.sampled_from([1.0, 2.0, 3.0])), draw(st.booleans())
    # x - y in k + [0.3, 0.7]: never 0, where |d| (and the norm) has its kink
    xs = [lattice(draw, shape, 0.5), lattice(draw, shape, 0.0)]
    return (lambda x, y: form(x, y, p, keepdim=keep)), xs


@case({"F.pdist": F.pdist})
def _pdist(draw: Draw, form: Any) -> Any:
    n, m = draw(st.integers(2, 4)), draw(st.integers(1, 3))
    p = draw(st.sampled_from([1.0, 2.0, 3.0]))
    return (lambda x: form(x, p)), [distinct(draw, (n, m))]  # no two entries equal


@case({"F.bilinear": F.bilinear})
def _bilinear(draw: Draw, form: Any) -> Any:
    lead = shape_of(draw, max_dims=2, max_side=2)
    n1, n2, out = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    xs = [arr(draw, lead + (n1,)), arr(draw, lead + (n2,)), arr(draw, (out, n1, n2))]
    return form, xs + ([arr(draw, (out,))] if draw(st.booleans()) else [])


# -- the layers with parameters (input and parameters checked together) ---------------------


def _prelu_layer(draw: Draw) -> Any:
    c = draw(st.sampled_from([1, 3]))
    shape = (draw(st.integers(1, 2)), 3) + shape_of(draw, max_dims=2, max_side=2)
    return nn.PReLU(c), [_off_kinks(draw, shape)]


def _bilinear_layer(draw: Draw) -> Any:
    n1, n2, out = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    lead = shape_of(draw, max_dims=2, max_side=2)
    m = nn.Bilinear(n1, n2, out, bias=draw(st.booleans()))
    return m, [arr(draw, lead + (n1,)), arr(draw, lead + (n2,))]


layer("nn.PReLU", _prelu_layer)
layer("nn.Bilinear", _bilinear_layer)


@case({"F.gumbel_softmax": F.gumbel_softmax})
def _gumbel_softmax(draw: Draw, form: Any) -> Any:
    # the soft sample only: the hard one is piecewise constant with the soft one's gradient
    # (straight-through), which no finite difference can check
    seed, tau = draw(st.integers(0, 2**16)), draw(st.sampled_from([0.5, 1.0, 2.0]))
    shape = shape_of(draw, min_dims=1)
    d = one_axis(draw, len(shape))

    def fn(x: Any) -> Any:
        tg.manual_seed(seed)  # the same noise at every evaluation of the check
        return form(x, tau, dim=d)

    return fn, [arr(draw, shape)]


# -- spatial transformers -----------------------------------------------------------------------


def _pixel_points(draw: Draw, shape: tuple[int, ...], n: int, corners: bool) -> np.ndarray:
    """Normalised coordinates whose pixel position is k + [0.6, 0.8] (k in [-1, n]): at
    least 0.1 from every integer and half-integer, where floor, rounding, clipping and
    reflection change branch."""
    k = draw(tst.arrays(shape=shape, dtype=np.int64, elements=(-1, n)))
    p = k + draw(tst.arrays(shape=shape, elements=(0.6, 0.8)))
    return p * 2 / (n - 1) - 1 if corners else (2 * p + 1) / n - 1


@case({"F.grid_sample": F.grid_sample})
def _grid_sample(draw: Draw, form: Any) -> Any:
    nd = draw(st.sampled_from([2, 3]))  # an image, or a volume (trilinear)
    mode = draw(st.sampled_from(["bilinear", "nearest"] + ["bicubic"] * (nd == 2)))
    pad = draw(st.sampled_from(["zeros", "border", "reflection"]))
    corners = draw(st.booleans())
    spatial = tuple(draw(st.integers(2, 3)) for _ in range(nd))
    out = (1,) + tuple(draw(st.integers(1, 2)) for _ in range(nd))
    # grid components (x, y[, z]) address the spatial axes from the last
    grid = np.stack([_pixel_points(draw, out, n, corners) for n in spatial[::-1]], -1)
    x = arr(draw, (1, draw(st.integers(1, 2))) + spatial)
    return (lambda a, g: form(a, g, mode, pad, corners)), [x, grid]


@case({"F.affine_grid": F.affine_grid})
def _affine_grid(draw: Draw, form: Any) -> Any:
    n, corners, nd = draw(st.integers(1, 2)), draw(st.booleans()), draw(st.sampled_from([2, 3]))
    size = (n, 1) + tuple(draw(st.integers(2, 3)) for _ in range(nd))
    return (lambda t: form(t, size, corners)), [arr(draw, (n, nd, nd + 1))]
