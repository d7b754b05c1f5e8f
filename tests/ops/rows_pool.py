"""Gradient-registry rows: adaptive_avg_pool3d, max_unpool1d / 3d, lp_pool1d / 2d / 3d and
fractional_max_pool2d / 3d, with their layers (first and second order, float64)."""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies
from tinygrad_nn import nn


@case({"F.adaptive_avg_pool3d": F.adaptive_avg_pool3d,
       "nn.AdaptiveAvgPool3d": lambda x, o: nn.AdaptiveAvgPool3d(o)(x)}, max_examples=25)
def _adaptive_avg_pool3d(draw: Draw, form: Any) -> Any:
    size = tuple(draw(st.integers(1, 3)) for _ in range(3))
    out: Any = tuple(draw(st.sampled_from([None, 1, 2, 3])) for _ in range(3))
    if draw(st.booleans()):
        out = draw(st.integers(1, 3))
    lead = draw(st.sampled_from([(2,), (1, 2)]))  # unbatched, or batched
    return (lambda t: form(t, out)), [arr(draw, lead + size)]


def _unpool(nd: int) -> Callable[..., Any]:
    """Unpooling the indices of a max pooling whose windows do not overlap (stride >=
    kernel), so the indices are distinct, back to the pooled input's size."""
    pool = F.max_pool1d if nd == 1 else F.max_pool3d

    def draw_fn(draw: Draw, form: Any) -> Any:
        k = draw(st.integers(1, 2))
        s = k + draw(st.integers(0, 1))
        size = tuple(s * draw(st.integers(1, 2)) for _ in range(nd))  # windows tile it
        shape = (draw(st.integers(1, 2)), 2 if nd == 1 else 1) + size
        _, idx = pool(distinct(draw, shape), k, s, 0, 1, False, True)
        # the default output (n - 1) s + k is the input's size only when s == k
        out: Any = draw(st.sampled_from([size, shape])) if s > k or draw(st.booleans()) else None
        return (lambda x: form(x, idx, k, s, out)), [arr(draw, tuple(idx.shape))]

    return draw_fn


case({"F.max_unpool1d": lambda x, i, k, s, o: F.max_unpool1d(x, i, k, s, 0, o),
      "nn.MaxUnpool1d": lambda x, i, k, s, o: nn.MaxUnpool1d(k, s)(x, i, o)})(_unpool(1))
case({"F.max_unpool3d": lambda x, i, k, s, o: F.max_unpool3d(x, i, k, s, 0, o),
      "nn.MaxUnpool3d": lambda x, i, k, s, o: nn.MaxUnpool3d(k, s)(x, i, o)},
     max_examples=25)(_unpool(3))


def _lp_pool(nd: int) -> Callable[..., Any]:
    """Positive inputs (x^p and its root are smooth there) and finite norm types."""

    def draw_fn(draw: Draw, form: Any) -> Any:
        p = draw(st.sampled_from([1.0, 2, 3, 1.5]))
        k = tuple(draw(st.integers(1, 2)) for _ in range(nd))
        s = draw(st.one_of(st.none(), st.integers(1, 2)))
        size = tuple(ki + draw(st.integers(0, 2)) for ki in k)
        kernel: Any = k[0] if nd == 1 else k
        x = arr(draw, (draw(st.integers(1, 2)), 2) + size, 0.3, 3.0)
        ceil = draw(st.booleans())
        return (lambda t: form(t, p, kernel, s, ceil)), [x]

    return draw_fn


case({"F.lp_pool1d": F.lp_pool1d,
      "nn.LPPool1d": lambda x, p, k, s, c: nn.LPPool1d(p, k, s, c)(x)})(_lp_pool(1))
case({"F.lp_pool2d": F.lp_pool2d,
      "nn.LPPool2d": lambda x, p, k, s, c: nn.LPPool2d(p, k, s, c)(x)})(_lp_pool(2))
case({"F.lp_pool3d": F.lp_pool3d,
      "nn.LPPool3d": lambda x, p, k, s, c: nn.LPPool3d(p, k, s, c)(x)},
     max_examples=25)(_lp_pool(3))


def _spread(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    """A shuffled grid 0.5 apart: no window's maximum within a finite difference's step of
    a tie."""
    n = math.prod(shape)
    order = np.array(draw(st.permutations(list(range(n)))), dtype=np.float64)
    return ((order - n / 2) * 0.5 + draw(st.floats(-0.2, 0.2))).reshape(shape)


def _fractional(nd: int) -> Callable[..., Any]:
    def draw_fn(draw: Draw, form: Any) -> Any:
        k = tuple(draw(st.integers(1, 2)) for _ in range(nd))
        size = tuple(ki + draw(st.integers(1, 3)) for ki in k)
        # the largest output PyTorch accepts: o + k - 1 <= n (strictly less in 3-D)
        out = tuple(draw(st.integers(1, n - ki + (1 if nd == 2 else 0)))
                    for n, ki in zip(size, k))
        batch = draw(st.sampled_from([(), (1,), (2,)]))
        shape = batch + (2,) + size
        u = arr(draw, ((batch or (1,))[0], 2, nd), 0.0, 0.999)
        return (lambda t: form(t, k, out, tg.tensor(u))), [_spread(draw, shape)]

    return draw_fn


case({"F.fractional_max_pool2d": lambda x, k, o, u: F.fractional_max_pool2d(
          x, k, o, _random_samples=u),
      "F.fractional_max_pool2d_with_indices": lambda x, k, o, u:
          F.fractional_max_pool2d_with_indices(x, k, o, _random_samples=u)[0],
      "nn.FractionalMaxPool2d": lambda x, k, o, u: nn.FractionalMaxPool2d(
          k, o, _random_samples=u)(x)})(_fractional(2))
case({"F.fractional_max_pool3d": lambda x, k, o, u: F.fractional_max_pool3d(
          x, k, o, return_indices=True, _random_samples=u)[0],
      "F.fractional_max_pool3d_with_indices": lambda x, k, o, u:
          F.fractional_max_pool3d_with_indices(x, k, o, _random_samples=u)[0],
      "nn.FractionalMaxPool3d": lambda x, k, o, u: nn.FractionalMaxPool3d(
          k, o, _random_samples=u)(x)}, max_examples=25)(_fractional(3))
