"""Registry rows for the in-place forms generated from the elementwise methods
(``tensor_inplace._inplace_form``: ``x.sin_()`` is ``x.sin()`` written into x), each on a
non-leaf so that the update is recorded, and for the other ops added with them (gamma
functions, logit, index_put, cov / corrcoef); first and second order against two-sided
differences (see op_registry.py)."""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies


def _in_place_on(forms: dict[str, Callable[..., Any]], lo: float, hi: float,
                 other: tuple[float, float] = (0.3, 2.0)) -> None:
    """Rows for z = x * 1.0; z.op_(y) with x drawn in [lo, hi] and y (when the op takes one,
    x's shape or broadcast to it) at magnitudes in ``other``."""

    def draw_fn(draw: Draw, form: Any) -> Any:
        shape = shape_of(draw)

        def fn(x: Any, y: Any) -> Any:
            z = x * 1.0  # a non-leaf: in-place updates are recorded
            form(z, y)
            return z

        return fn, [arr(draw, shape, lo, hi), nonzero(draw, shape, *other)]

    case(forms)(draw_fn)


_in_place_on({"Tensor.sin_": lambda z, y: z.sin_(), "Tensor.cos_": lambda z, y: z.cos_(),
              "Tensor.atan_": lambda z, y: z.atan_(),
              "Tensor.arctan_": lambda z, y: z.arctan_(), "Tensor.sinh_": lambda z, y: z.sinh_(),
              "Tensor.cosh_": lambda z, y: z.cosh_(), "Tensor.asinh_": lambda z, y: z.asinh_(),
              "Tensor.arcsinh_": lambda z, y: z.arcsinh_(),
              "Tensor.expm1_": lambda z, y: z.expm1_(), "Tensor.exp2_": lambda z, y: z.exp2_(),
              "Tensor.erf_": lambda z, y: z.erf_(), "Tensor.erfc_": lambda z, y: z.erfc_(),
              "Tensor.deg2rad_": lambda z, y: z.deg2rad_(),
              "Tensor.rad2deg_": lambda z, y: z.rad2deg_(),
              "Tensor.negative_": lambda z, y: z.negative_(),
              "Tensor.nan_to_num_": lambda z, y: z.nan_to_num_(),
              "Tensor.cumsum_": lambda z, y: z.cumsum_(-1) if z.ndim else z.cumsum_(0),
              "Tensor.multiply_": lambda z, y: z.multiply_(y),
              "Tensor.subtract_": lambda z, y: z.subtract_(y, alpha=0.5),
              "Tensor.divide_": lambda z, y: z.divide_(y),
              "Tensor.true_divide_": lambda z, y: z.true_divide_(y),
              "Tensor.atan2_": lambda z, y: z.atan2_(y.abs()),  # (off the branch cut)
              "Tensor.arctan2_": lambda z, y: z.arctan2_(y.abs()),
              "Tensor.hypot_": lambda z, y: z.hypot_(y)}, -1.5, 1.5)
# cumprod's gradient divides by x (as Tensor.cumprod's row: x kept away from 0, where the
# second derivative's x**2 underflows)
_in_place_on({"Tensor.cumprod_": lambda z, y: z.cumprod_(-1) if z.ndim else z.cumprod_(0)},
             0.5, 1.5)
# sign-valued, rounding and remainder forms: piecewise smooth, x kept off the jumps
_in_place_on({"Tensor.frac_": lambda z, y: z.frac_(), "Tensor.trunc_": lambda z, y: z.trunc_(),
              "Tensor.fix_": lambda z, y: z.fix_(), "Tensor.sign_": lambda z, y: z.sign_(),
              "Tensor.sgn_": lambda z, y: z.sgn_(),
              "Tensor.absolute_": lambda z, y: z.absolute_(),
              "Tensor.fmod_": lambda z, y: z.fmod_(2.0),
              "Tensor.copysign_": lambda z, y: z.copysign_(y)}, 0.2, 0.8)
# comparisons (ops/compare.py): recorded, zero gradient to x and to a Tensor y; y is drawn
# at magnitudes 0.3..2 and x in 0.2..0.25 (or y negated), so no equality sits near x
_in_place_on({"Tensor.eq_": lambda z, y: z.eq_(y), "Tensor.ne_": lambda z, y: z.ne_(y),
              "Tensor.lt_": lambda z, y: z.lt_(y.abs()), "Tensor.le_": lambda z, y: z.le_(0.5),
              "Tensor.gt_": lambda z, y: z.gt_(y), "Tensor.ge_": lambda z, y: z.ge_(y.abs()),
              "Tensor.greater_": lambda z, y: z.greater_(y),
              "Tensor.greater_equal_": lambda z, y: z.greater_equal_(y),
              "Tensor.less_": lambda z, y: z.less_(y),
              "Tensor.less_equal_": lambda z, y: z.less_equal_(y),
              "Tensor.not_equal_": lambda z, y: z.not_equal_(y)}, 0.2, 0.25)
_in_place_on({"Tensor.asin_": lambda z, y: z.asin_(), "Tensor.acos_": lambda z, y: z.acos_(),
              "Tensor.arcsin_": lambda z, y: z.arcsin_(),
              "Tensor.arccos_": lambda z, y: z.arccos_(), "Tensor.atanh_": lambda z, y: z.atanh_(),
              "Tensor.arctanh_": lambda z, y: z.arctanh_(),
              "Tensor.erfinv_": lambda z, y: z.erfinv_(), "Tensor.tan_": lambda z, y: z.tan_()},
             -0.8, 0.8)
_in_place_on({"Tensor.acosh_": lambda z, y: z.acosh_(),
              "Tensor.arccosh_": lambda z, y: z.arccosh_()}, 1.2, 3.0)
_in_place_on({"Tensor.log2_": lambda z, y: z.log2_(), "Tensor.log10_": lambda z, y: z.log10_(),
              "Tensor.log1p_": lambda z, y: z.log1p_(), "Tensor.rsqrt_": lambda z, y: z.rsqrt_(),
              "Tensor.xlogy_": lambda z, y: z.xlogy_(y.abs())}, 0.3, 3.0)


@case({"Tensor.tril_": lambda z: z.tril_(), "Tensor.triu_": lambda z: z.triu_(1)})
def _triangle_in_place(draw: Draw, form: Any) -> Any:
    def fn(x: Any) -> Any:
        z = x * 1.0
        form(z)
        return z

    return fn, [arr(draw, shape_of(draw, min_dims=2))]


# gamma functions (ops/special.py): every derivative is the next polygamma
@case({"Tensor.lgamma": lambda x: x.lgamma(), "tinygrad_nn.lgamma": tg.lgamma,
       "Tensor.digamma": lambda x: x.digamma(), "tinygrad_nn.digamma": tg.digamma,
       "Tensor.polygamma": lambda x: x.polygamma(1) + x.polygamma(2),
       "tinygrad_nn.polygamma": lambda x: tg.polygamma(3, x)})
def _gamma_functions(draw: Draw, form: Any) -> Any:
    # positive x, or negative x at least 0.3 from the poles (a lattice k + 0.5 .. k + 0.7)
    if draw(st.booleans()):
        return form, [lattice(draw, shape_of(draw), 0.5) - 3.0]
    return form, [arr(draw, shape_of(draw), 0.2, 12.0)]


@case({"Tensor.logit": lambda x: x.logit(), "tinygrad_nn.logit": tg.logit,
       "Tensor.logit[eps]": lambda x: x.logit(0.25)})
def _logit(draw: Draw, form: Any) -> Any:
    # inside (0, 1), away from the eps clamp's edges 0.25 and 0.75
    lo, hi = draw(st.sampled_from([(0.05, 0.2), (0.3, 0.7), (0.8, 0.95)]))
    return form, [arr(draw, shape_of(draw), lo, hi)]


_in_place_on({"Tensor.lgamma_": lambda z, y: z.lgamma_(),
              "Tensor.digamma_": lambda z, y: z.digamma_(),
              "Tensor.polygamma_": lambda z, y: z.polygamma_(1),
              "Tensor.logit_": lambda z, y: z.logit_()}, 0.3, 0.7)


def _put(x: Any, v: Any, accumulate: bool) -> Any:
    # (repeated targets only when accumulating: of repeated writes PyTorch's gradient
    # credits every one, which no difference quotient sees)
    rows = tg.tensor([0, 2, 0] if accumulate else [2, 0])
    return x.index_put((rows,), v, accumulate=accumulate)


def _put_in_place(x: Any, v: Any) -> Any:
    z = x * 1.0  # a non-leaf: the update is recorded
    z.index_put_((tg.tensor([True, False, True]),), v)
    return z


@case({"Tensor.index_put": lambda x, v: _put(x, v, False),
       "Tensor.index_put[accumulate]": lambda x, v: _put(x, v, True),
       "Tensor.index_put_": _put_in_place, "tinygrad_nn.index_put_": lambda x, v: tg.index_put_(
           x * 1.0, (tg.tensor([1]),), v, accumulate=True)})
def _index_put(draw: Draw, form: Any) -> Any:
    k = draw(st.integers(1, 3))
    v_shape = draw(st.sampled_from([(), (k,)]))
    return form, [arr(draw, (3, k)), arr(draw, v_shape)]


@case({"Tensor.cov": lambda x: x.cov(), "tinygrad_nn.cov": lambda x: tg.cov(x, correction=0),
       "Tensor.cov[weights]": lambda x: x.cov(fweights=tg.tensor([1, 2, 1, 3]),
                                              aweights=tg.tensor([0.5, 1.0, 2.0, 0.25])),
       "Tensor.corrcoef": lambda x: x.corrcoef(), "tinygrad_nn.corrcoef": tg.corrcoef})
def _cov(draw: Draw, form: Any) -> Any:
    # 4 observations of 1 .. 3 variables (distinct values: no zero variance for corrcoef)
    rows = draw(st.integers(1, 3))
    x = arr(draw, (rows, 4), unique=True) + np.arange(4) * np.arange(1, rows + 1)[:, None]
    return form, [x]


_in_place_on({"Tensor.float_power_": lambda z, y: z.float_power_(2.5)}, 0.3, 3.0)


def _functional_in_place(fn: Callable[..., Any]) -> Callable[..., Any]:
    def form(x: Any) -> Any:
        z = x * 1.0  # a non-leaf: the update is recorded
        out = fn(z)
        assert out is z
        return z
    return form


@case({"tinygrad_nn.selu_": _functional_in_place(tg.selu_),
       "tinygrad_nn.celu_": _functional_in_place(lambda z: tg.celu_(z, 2.0)),
       "tinygrad_nn.threshold_": _functional_in_place(lambda z: tg.threshold_(z, 0.1, -3.0)),
       "tinygrad_nn.rrelu_": _functional_in_place(tg.rrelu_),
       "tinygrad_nn.dropout_": _functional_in_place(lambda z: tg.dropout_(z, 0.0, True))})
def _functional_in_place_forms(draw: Draw, form: Any) -> Any:
    return form, [nonzero(draw, shape_of(draw), 0.3, 2.0)]


@case({"Tensor.fill_[tensor]": lambda z, v: z.fill_(v)})
def _fill_with_a_tensor(draw: Draw, form: Any) -> Any:
    """x.fill_(v) for a 0-d Tensor v (ops/sampling.FillTensor): g.sum() to v, 0 to x."""

    def fn(x: Any, v: Any) -> Any:
        z = x * 1.0
        form(z, v)
        return z * x  # (x also reaches the output through the product)

    return fn, [arr(draw, shape_of(draw)), arr(draw, ())]
