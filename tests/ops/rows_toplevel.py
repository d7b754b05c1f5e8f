"""Registry rows for PyTorch's top-level composites (helper "toplevel": _torch_math.py,
_torch_views.py, _torch_nn_forms.py): math functions, the out-of-place writes into views,
as_strided, and the top-level forms of functional ops whose arguments are translated (the
norms' order, int reductions, embedding's weight first); first and second order against
two-sided differences (see op_registry.py)."""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies


def _t(a: Any) -> Any:
    return tg.tensor(np.asarray(a))


@case({"sinc": tg.sinc})
def _sinc(draw: Draw, form: Any) -> Any:
    return form, [nonzero(draw, shape_of(draw), 0.1, 2.5)]  # (off the special point 0)


@case({"i0": tg.i0})
def _i0(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, shape_of(draw), -4.0, 4.0)]


@case({"ldexp": tg.ldexp, "ldexp[float exponent]": tg.ldexp})
def _ldexp(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    if draw(st.booleans()):  # an integer exponent: a constant
        k = _t(draw(hnp.arrays(np.int64, shape, elements=st.integers(-3, 3))))
        return (lambda x: form(x, k)), [arr(draw, shape)]
    return form, [arr(draw, shape), arr(draw, shape, -2.0, 2.0)]


@case({"nextafter": tg.nextafter,
       "frexp": lambda x, y: tg.frexp(x * 1.0).mantissa + 0 * y})
def _step_like(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    # (frexp's exponent is piecewise constant: |x| in [0.55, 0.95] * 2^j, off the powers of 2)
    scale = 2.0 ** draw(st.integers(-2, 2))
    return form, [nonzero(draw, shape, 0.55, 0.95) * scale, arr(draw, shape)]


@case({"renorm": lambda x, p, d, m: tg.renorm(x, p, d, m)})
def _renorm(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=2)  # (PyTorch's renorm refuses fewer dims)
    p, dim = draw(st.sampled_from([1.0, 2.0, 3.0])), one_axis(draw, len(shape))
    maxnorm = draw(st.sampled_from([0.5, 1.5, 100.0]))
    x = nonzero(draw, shape, 0.3, 2.0)
    others = tuple(i for i in range(len(shape)) if i != dim % len(shape))  # (dim may be < 0)
    norms = (np.abs(x) ** p).sum(others) ** (1 / p)
    assume(np.all(np.abs(norms - maxnorm) > 0.05))  # (off the switch between the branches)
    return (lambda t: form(t, p, dim, maxnorm)), [x]


@case({"dist": tg.dist})
def _dist(draw: Draw, form: Any) -> Any:
    sa, sb = two_shapes(draw)
    p = draw(st.sampled_from([1, 2, 3]))
    x, y = distinct(draw, sa), distinct(draw, sb, 5.0, 9.0)  # (no zero differences)
    return (lambda a, b: form(a, b, p)), [x, y]


@case({"mvlgamma": tg.mvlgamma})
def _mvlgamma(draw: Draw, form: Any) -> Any:
    p = draw(st.integers(1, 3))
    return (lambda x: form(x, p)), [arr(draw, shape_of(draw), p / 2 + 0.3, 4.0)]


@case({"adjoint": tg.adjoint, "tinygrad_nn.rsub": lambda x: tg.rsub(x, 2.5, 0.5),
       "tinygrad_nn.rsub[tensor]": lambda x: tg.rsub(x, x.sum(-1, keepdim=True), alpha=2)})
def _adjoint_rsub(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, shape_of(draw, min_dims=2))]


@case({"tinygrad_nn.combinations": lambda x, r, rep: tg.combinations(x, r, rep),
       "tinygrad_nn.vander": lambda x, r, rep: tg.vander(x, r + 1, rep)})
def _combinations_vander(draw: Draw, form: Any) -> Any:
    r, rep = draw(st.integers(1, 3)), draw(st.booleans())
    return (lambda x: form(x, r, rep)), [arr(draw, (draw(st.integers(1, 4)),), -1.5, 1.5)]


@case({"select_scatter": lambda x, s, acc, red: tg.select_scatter(
    x, s[..., 0], 1, -1),
    "slice_scatter": lambda x, s, acc, red: tg.slice_scatter(x, s, 1, 0, None, 2),
    "diagonal_scatter": lambda x, s, acc, red: tg.diagonal_scatter(x, s[:, 0]),
    "put": lambda x, s, acc, red: tg.put(x, _t([0, -1]), s[:2, 0], acc),
    "as_strided_scatter": lambda x, s, acc, red: tg.as_strided_scatter(
        x, s, (3, 2), (4, 1), 1),
    "split_with_sizes": lambda x, s, acc, red: tg.split_with_sizes(
        x + s.sum(), [1, 2])[1],
    "tinygrad_nn.split_with_sizes_copy": lambda x, s, acc, red: tg.split_with_sizes_copy(
        x, [3, 1], 1)[0] * s[:, :1],
    "index_reduce": lambda x, s, acc, red: tg.index_reduce(
        x, 1, _t([0, 0]), s, red, include_self=acc)})
def _scatters(draw: Draw, form: Any) -> Any:
    acc = draw(st.booleans())
    red = draw(st.sampled_from(["prod", "mean", "amax", "amin"]))
    # x (3, 4); s (3, 2): the select, slice (::2 of 4) and diagonal slices, put's values,
    # index_reduce's source (two columns into column 0; distinct values: no ties for amax)
    return (lambda x, s: form(x, s, acc, red)), [distinct(draw, (3, 4)),
                                                 distinct(draw, (3, 2), 4.0, 6.0)]


@case({"as_strided": lambda x, size, stride, off: tg.as_strided(
    x, size, stride, off)})
def _as_strided(draw: Draw, form: Any) -> Any:
    n = draw(st.integers(2, 8))
    size = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    off = draw(st.integers(0, 1))
    assume(off + (size[0] - 1) * stride[0] + (size[1] - 1) * stride[1] < n)
    return (lambda x: form(x, size, stride, off)), [arr(draw, (n,))]


# top-level forms of functional ops whose arguments are translated
@case({"tinygrad_nn.batch_norm": lambda x, w, b: tg.batch_norm(
    x, w, b, None, None, True, 0.1, 1e-5, False),
    "tinygrad_nn.instance_norm": lambda x, w, b: tg.instance_norm(
        x, w, b, None, None, True, 0.1, 1e-5, False),
    "tinygrad_nn.layer_norm": lambda x, w, b: tg.layer_norm(x, [x.shape[-1]], w, b),
    "tinygrad_nn.group_norm": lambda x, w, b: tg.group_norm(x, 1, w, b)})
def _norms(draw: Draw, form: Any) -> Any:
    c = draw(st.integers(2, 3))  # x (2, c, c): c channels, and a last dim of c for layer_norm
    return form, [distinct(draw, (2, c, c)), arr(draw, (c,), 0.5, 2.0), arr(draw, (c,))]


@case({"tinygrad_nn.kl_div": lambda x, t: tg.kl_div(x, t, 1),
       "tinygrad_nn.binary_cross_entropy_with_logits": lambda x, t:
           tg.binary_cross_entropy_with_logits(x, t, None, None, 2),
       "tinygrad_nn.poisson_nll_loss": lambda x, t: tg.poisson_nll_loss(x, t, True, False,
                                                                        1e-8, 0),
       "tinygrad_nn.embedding": lambda x, t: tg.embedding(x, _t([[1, 2], [1, 1]]), 0) * t[0, 0],
       "tinygrad_nn.dropout": lambda x, t: tg.dropout(x, 0.5, False) * t,
       "tinygrad_nn.selu": lambda x, t: tg.selu(x) * t,
       "tinygrad_nn.celu": lambda x, t: tg.celu(x, 0.5) * t,
       "tinygrad_nn.threshold": lambda x, t: tg.threshold(x, 0.05, -1.0) * t,
       "tinygrad_nn.max_pool1d": lambda x, t: tg.max_pool1d(x.unsqueeze(0), 2, 1) * t[0, 0],
       "tinygrad_nn.adaptive_max_pool1d": lambda x, t: tg.adaptive_max_pool1d(
           x.unsqueeze(0), 2)[0] * t[0, 0],
       "tinygrad_nn.constant_pad_nd": lambda x, t: tg.constant_pad_nd(x * t, [1, 0], 2.0)})
def _translated_forms(draw: Draw, form: Any) -> Any:
    # (embedding: row 0 is the padding row, read by no index: no gradient either way)
    # x (3, 3) distinct and away from threshold's 0.05 (no ties for the max pools); t in
    # (0.2, 0.9): a probability for the losses, a positive factor elsewhere
    x = distinct(draw, (3, 3), 0.1, 2.0) * np.where(draw(st.booleans()), 1, -1)
    return form, [x, arr(draw, (3, 3), 0.2, 0.9)]


def _in_place(fn: Callable[..., Any]) -> Callable[..., Any]:
    def form(x: Any) -> Any:
        z = x * 1.0  # a non-leaf: the update is recorded
        assert fn(z) is z
        return z
    return form


@case({"tinygrad_nn.alpha_dropout_": _in_place(lambda z: tg.alpha_dropout_(z, 0.0, True)),
       "tinygrad_nn.feature_alpha_dropout_": _in_place(
           lambda z: tg.feature_alpha_dropout_(z, 0.5, False))})
def _dropout_in_place(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, shape_of(draw, min_dims=2))]


@case({"sinc_": _in_place(tg.sinc_), "i0_": _in_place(tg.i0_),
       "ldexp_": _in_place(lambda z: tg.ldexp_(z, _t(-1))),
       "Tensor.nextafter_": _in_place(lambda z: z.nextafter_(_t(np.float64(3.0))))})
def _math_in_place(draw: Draw, form: Any) -> Any:
    return form, [nonzero(draw, shape_of(draw), 0.2, 2.0)]


# (stft / istft: _stft.py, built of unfold, pad, the FFTs and an overlap-add; a real loss of
# the complex spectrogram: its real and imaginary parts weighted, so the phase counts too)
def _spectrum_loss(z: Any) -> Any:
    return tg.view_as_real(z) * tg.tensor(np.array([1.0, -0.7]))


@case({"stft": lambda x, w: _spectrum_loss(tg.stft(x, 8, 2, window=w, return_complex=True)),
       "Tensor.stft": lambda x, w: _spectrum_loss(x.stft(8, 3, window=w, center=False,
                                                         return_complex=True))},
      max_examples=10)
def _stft(draw: Draw, form: Any) -> Any:
    batch = draw(st.sampled_from([(), (2,)]))
    n = draw(st.integers(12, 20))
    return form, [arr(draw, batch + (n,)), nonzero(draw, (8,), 0.2, 1.0)]


@case({"istft": lambda z, w: tg.istft(tg.view_as_complex(z), 8, 2, window=w, length=7),
       "Tensor.istft": lambda z, w: tg.view_as_complex(z).istft(8, 2, window=w, center=False)},
      max_examples=10)
def _istft(draw: Draw, form: Any) -> Any:
    frames = draw(st.integers(5, 8))
    # a onesided spectrogram: 5 bins for n_fft 8, with real DC and Nyquist bins as a real
    # signal's (their imaginary parts would be dropped by the inverse FFT: no derivative)
    z = arr(draw, (5, frames, 2))
    z[0, :, 1] = 0.0
    z[4, :, 1] = 0.0
    return form, [z, nonzero(draw, (8,), 0.5, 1.0)]
