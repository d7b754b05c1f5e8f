"""Core registry rows: functional building blocks and every loss."""

from __future__ import annotations

import warnings

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies

# -- functional: layers' building blocks ---------------------------------------------------


@case({"F.linear": F.linear})
def _linear(draw: Draw, form: Any) -> Any:
    lead = shape_of(draw, max_dims=2, max_side=2)
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    xs = [arr(draw, lead + (n_in,)), arr(draw, (n_out, n_in))]
    if draw(st.booleans()):
        return form, xs + [arr(draw, (n_out,))]
    return form, xs


@case({"F.dropout": lambda x, p, seed: F.dropout(x, p),
       "F.dropout[eval]": lambda x, p, seed: F.dropout(x, p, training=False)})
def _dropout(draw: Draw, form: Any) -> Any:
    p, seed = draw(st.sampled_from([0.25, 0.5, 0.0])), draw(st.integers(0, 2**16))

    def fn(x: Any) -> Any:
        tg.manual_seed(seed)  # the same mask at every evaluation of the check
        return form(x, p, seed)

    return fn, [arr(draw, shape_of(draw))]


@case({"F.dropout1d": (F.dropout1d, 2, 3), "F.dropout2d": (F.dropout2d, 4, 4),
       "F.dropout3d": (F.dropout3d, 4, 5)})
def _channel_dropout(draw: Draw, form: Any) -> Any:
    fn, lo, hi = form
    p, seed, train = draw(st.sampled_from([0.25, 0.5, 0.0])), draw(st.integers(0, 2**16)), \
        draw(st.booleans())

    def run(x: Any) -> Any:
        tg.manual_seed(seed)  # the same channel mask at every evaluation of the check
        return fn(x, p, training=train)

    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=lo, max_size=hi)))
    return run, [arr(draw, shape)]


@case({"F.alpha_dropout": (F.alpha_dropout, 0), "F.feature_alpha_dropout": (
    F.feature_alpha_dropout, 2)})
def _alpha_dropout(draw: Draw, form: Any) -> Any:
    fn, lo = form
    p, seed, train = draw(st.sampled_from([0.25, 0.5, 0.0, 1.0])), draw(st.integers(0, 2**16)), \
        draw(st.booleans())

    def run(x: Any) -> Any:
        tg.manual_seed(seed)  # the same mask at every evaluation of the check
        return fn(x, p, training=train)

    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=lo, max_size=4)))
    return run, [arr(draw, shape)]


@case({"F.embedding": F.embedding})
def _embedding(draw: Draw, form: Any) -> Any:
    num, dim = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    idx = draw(tst.arrays(shape=shape_of(draw, max_dims=2), dtype=np.int64, elements=(0, num - 1)))
    return (lambda w: form(idx, w)), [arr(draw, (num, dim))]


@case({"F.embedding_bag": F.embedding_bag})
def _embedding_bag(draw: Draw, form: Any) -> Any:
    num, dim = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    pad = draw(st.sampled_from([None, 0, -1]))
    n = draw(st.integers(0, 6))
    idx = np.array(draw(st.lists(st.integers(0, num - 1), min_size=n, max_size=n)), np.int64)
    cuts = sorted(draw(st.lists(st.integers(0, n), min_size=0, max_size=3)))
    last = draw(st.booleans())
    offsets = np.array([0, *cuts, *([n] if last else [])], dtype=np.int64)
    opts = {"mode": mode, "padding_idx": pad, "include_last_offset": last}
    w = distinct(draw, (num, dim))  # max: no ties within a step
    if mode == "sum" and draw(st.booleans()):
        return (lambda w, p: form(idx, w, offsets, per_sample_weights=p, **opts)), \
            [w, arr(draw, (n,))]
    return (lambda w: form(idx, w, offsets, **opts)), [w]


# -- losses (every reduction) --------------------------------------------------------------


NO_PARAMS = st.just({})


def pair_loss(forms: dict[str, Callable[..., Any]], make_x: Any = arr, make_y: Any = arr,
              param: Any = NO_PARAMS) -> None:
    """A row for loss(x, y, reduction=r, **param) with x and y both differentiable."""

    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        shape, r, kw = shape_of(draw), draw(REDUCTIONS), draw(param)
        return (lambda x, y: form(x, y, reduction=r, **kw)), [make_x(draw, shape),
                                                               make_y(draw, shape)]

    case(forms)(draw_fn)


def _lat(offset: float) -> Any:
    return lambda d, s: lattice(d, s, offset)


pair_loss({"F.mse_loss": F.mse_loss})
# x - y stays in k + [0.3, 0.7]: away from the kink of |d| at 0 and from beta, delta below
pair_loss({"F.l1_loss": F.l1_loss}, _lat(0.5), _lat(0.0))
pair_loss({"F.smooth_l1_loss": F.smooth_l1_loss}, _lat(0.5), _lat(0.0),
          st.sampled_from([{}, {"beta": 2.0}, {"beta": 0.25}, {"beta": 0.0}]))
pair_loss({"F.huber_loss": F.huber_loss}, _lat(0.5), _lat(0.0),
          st.sampled_from([{}, {"delta": 2.0}, {"delta": 0.25}]))


@case({"F.binary_cross_entropy": F.binary_cross_entropy})
def _bce(draw: Draw, form: Any) -> Any:
    shape, r = shape_of(draw), draw(REDUCTIONS)
    w = draw(st.one_of(st.none(), st.just(arr(draw, shape, 0.5, 2.0))))
    return (lambda p, y: form(p, y, weight=w, reduction=r)), [arr(draw, shape, 0.05, 0.95),
                                                             arr(draw, shape, 0.0, 1.0)]


@case({"F.binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits})
def _bce_logits(draw: Draw, form: Any) -> Any:
    shape, r = shape_of(draw, min_dims=1), draw(REDUCTIONS)
    w = draw(st.one_of(st.none(), st.just(arr(draw, shape, 0.5, 2.0))))
    xs = [arr(draw, shape, -6.0, 6.0), arr(draw, shape, 0.0, 1.0)]
    if draw(st.booleans()):  # pos_weight (per class, broadcast over the last axis)
        return (lambda z, y, pw: form(z, y, weight=w, reduction=r, pos_weight=pw)), xs + [
            arr(draw, shape[-1:], 0.5, 3.0)]
    return (lambda z, y: form(z, y, weight=w, reduction=r)), xs


def class_logits(draw: Draw) -> tuple[tuple[int, ...], int]:
    """Logit shapes (C,), (N, C) or (N, C, d) and the class count C."""
    c, n, d = draw(st.integers(2, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    return draw(st.sampled_from([(c,), (n, c), (n, c, d)])), c


def class_targets(draw: Draw, shape: tuple[int, ...], c: int, ignore: int) -> np.ndarray:
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    t = draw(tst.arrays(shape=tshape, dtype=np.int64, elements=(0, c - 1)))
    drop = draw(tst.arrays(shape=tshape, dtype=np.bool_))
    t = np.where(drop, ignore, t)
    if (t == ignore).all():  # keep one counted target, else the mean is 0 / 0
        t.flat[0] = 0
    return t


@case({"F.cross_entropy": F.cross_entropy})
def _cross_entropy(draw: Draw, form: Any) -> Any:
    shape, c = class_logits(draw)
    ignore = draw(st.sampled_from([-100, 1]))
    t = class_targets(draw, shape, c, ignore)
    w = draw(st.one_of(st.none(), st.just(arr(draw, (c,), 0.5, 2.0))))
    kw = {"weight": w, "ignore_index": ignore, "reduction": draw(REDUCTIONS),
          "label_smoothing": draw(st.sampled_from([0.0, 0.1, 0.3]))}
    return (lambda z: form(z, t, **kw)), [arr(draw, shape)]


@case({"F.cross_entropy[probabilities]": F.cross_entropy})
def _cross_entropy_probs(draw: Draw, form: Any) -> Any:
    shape, c = class_logits(draw)
    axis = 1 if len(shape) > 1 else 0
    q = arr(draw, shape, 0.1, 1.0)
    q = q / q.sum(axis, keepdims=True)
    w = draw(st.one_of(st.none(), st.just(arr(draw, (c,), 0.5, 2.0))))
    kw = {"weight": w, "reduction": draw(REDUCTIONS),
          "label_smoothing": draw(st.sampled_from([0.0, 0.2]))}
    return (lambda z: form(z, q, **kw)), [arr(draw, shape)]


@case({"F.nll_loss": F.nll_loss})
def _nll(draw: Draw, form: Any) -> Any:
    shape, c = class_logits(draw)
    ignore = draw(st.sampled_from([-100, 0]))
    t = class_targets(draw, shape, c, ignore)
    if (t == ignore).all():
        t.flat[0] = 1
    w = draw(st.one_of(st.none(), st.just(arr(draw, (c,), 0.5, 2.0))))
    kw = {"weight": w, "ignore_index": ignore, "reduction": draw(REDUCTIONS)}
    return (lambda logp: form(logp, t, **kw)), [arr(draw, shape)]


LEGACY = st.sampled_from([(True, None), (False, None), (None, False), (False, True), (True, True)])


def _quiet(fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn with the legacy-argument deprecation warning silenced (tests/nn/test_loss checks it)."""
    def run(*args: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return fn(*args)
    return run


@case({"F.cross_entropy[size_average/reduce]": F.cross_entropy,
       "F.nll_loss[size_average/reduce]": F.nll_loss})
def _legacy_class_loss(draw: Draw, form: Any) -> Any:
    shape, c = class_logits(draw)
    t = class_targets(draw, shape, c, -100)
    size_average, reduce = draw(LEGACY)
    return _quiet(lambda z: form(z, t, size_average=size_average, reduce=reduce)), \
        [arr(draw, shape)]


@case({"F.mse_loss[size_average/reduce]": F.mse_loss,
       "F.binary_cross_entropy_with_logits[size_average/reduce]":
           F.binary_cross_entropy_with_logits})
def _legacy_pair_loss(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    size_average, reduce = draw(LEGACY)
    return _quiet(lambda x, y: form(x, y, size_average=size_average, reduce=reduce)), \
        [arr(draw, shape), arr(draw, shape, 0.1, 0.9)]


def _distance(x1: np.ndarray, x2: np.ndarray, p: int) -> np.ndarray:
    return (np.abs(x1 - x2 + 1e-6) ** p).sum(-1) ** (1.0 / p)


@case({"F.triplet_margin_loss": F.triplet_margin_loss})
def _triplet(draw: Draw, form: Any) -> Any:
    shape = draw(st.sampled_from([(3,), (2, 3), (3, 2)]))
    a = arr(draw, shape, -1.0, 1.0)
    # every coordinate: |pos - a| in [0.2, 0.8], |neg - a| in [1, 1.6], so |neg - pos| >= 0.2
    # and no distance is near the singular point 0 of the norm
    pos, neg = a + nonzero(draw, shape, 0.2, 0.8), a + nonzero(draw, shape, 1.0, 1.6)
    kw = {"margin": draw(st.sampled_from([0.5, 1.0, 2.0])), "p": draw(st.sampled_from([1, 2, 3])),
          "swap": draw(st.booleans()), "reduction": draw(REDUCTIONS)}
    d_ap, d_an, d_pn = (_distance(u, v, kw["p"]) for u, v in ((a, pos), (a, neg), (pos, neg)))
    if kw["swap"]:
        assume(np.all(np.abs(d_an - d_pn) > 1e-3))  # away from the tie of the minimum
        d_an = np.minimum(d_an, d_pn)
    assume(np.all(np.abs(d_ap - d_an + kw["margin"]) > 1e-3))  # away from the hinge's kink
    return (lambda a, p, n: form(a, p, n, **kw)), [a, pos, neg]

