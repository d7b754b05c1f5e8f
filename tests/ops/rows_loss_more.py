"""Registry rows for the losses of functional/loss_more.py (every reduction, every option).

Inputs are kept away from each loss's kinks (the hinges at 0, Poisson's Stirling mask at
y = 1) and from ties of the swap's minimum, so two-sided differences are meaningful.
"""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies
from tests.ops.rows_loss import _quiet  # (kl_div's "reduction: 'mean'" warning, too)


def _signs(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    return np.where(draw(tst.arrays(shape=shape, dtype=np.bool_)), 1.0, -1.0)


@case({"F.kl_div": F.kl_div})
def _kl_div(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    kw = {"reduction": draw(st.sampled_from(["mean", "sum", "none", "batchmean"])),
          "log_target": draw(st.booleans())}
    # probabilities kept off 0, where y log y has an infinite slope
    y = arr(draw, shape, -3.0, 1.0) if kw["log_target"] else arr(draw, shape, 0.05, 1.0)
    return _quiet(lambda x, t: form(x, t, **kw)), [arr(draw, shape), y]


@case({"F.poisson_nll_loss": F.poisson_nll_loss})
def _poisson(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    kw = {"log_input": draw(st.booleans()), "full": draw(st.booleans()),
          "reduction": draw(REDUCTIONS)}
    x = arr(draw, shape, -2.0, 2.0) if kw["log_input"] else arr(draw, shape, 0.2, 3.0)
    # y off 1, where the Stirling term is switched on (a jump)
    y = np.where(draw(tst.arrays(shape=shape, dtype=np.bool_)), arr(draw, shape, 1.2, 4.0),
                 arr(draw, shape, 0.1, 0.8))
    return (lambda u, v: form(u, v, **kw)), [x, y]


@case({"F.gaussian_nll_loss": F.gaussian_nll_loss})
def _gaussian(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    kw = {"full": draw(st.booleans()), "reduction": draw(REDUCTIONS)}
    xs = [arr(draw, shape), arr(draw, shape)]
    kind = draw(st.sampled_from(["same", "one", "last", "float"]))
    if kind == "float":
        v = draw(st.sampled_from([0.5, 2.0]))
        return (lambda x, y: form(x, y, v, **kw)), xs
    vshape = {"same": shape, "one": shape[:-1] + (1,), "last": shape[:-1]}[kind]
    return (lambda x, y, v: form(x, y, v, **kw)), xs + [arr(draw, vshape, 0.2, 2.0)]


@case({"F.margin_ranking_loss": F.margin_ranking_loss})
def _margin_ranking(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    # x1 - x2 = integer + [0.3, 0.7] and an integer margin: the hinge is never near 0
    y, margin, r = _signs(draw, shape), draw(st.sampled_from([0.0, 1.0, 2.0])), draw(REDUCTIONS)
    return (lambda a, b: form(a, b, y, margin=margin, reduction=r)), [lattice(draw, shape, 0.5),
                                                                      lattice(draw, shape, 0.0)]


@case({"F.hinge_embedding_loss": F.hinge_embedding_loss})
def _hinge_embedding(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    y, margin, r = _signs(draw, shape), draw(st.sampled_from([1.0, 2.0])), draw(REDUCTIONS)
    return (lambda x: form(x, y, margin=margin, reduction=r)), [lattice(draw, shape, 0.5)]


@case({"F.cosine_embedding_loss": F.cosine_embedding_loss})
def _cosine_embedding(draw: Draw, form: Any) -> Any:
    n, d = draw(st.integers(1, 3)), draw(st.integers(2, 3))
    batched = draw(st.booleans())
    shape = (n, d) if batched else (d,)
    x1, x2 = nonzero(draw, shape, 0.5, 2.0), nonzero(draw, shape, 0.5, 2.0)
    y = _signs(draw, shape[:-1])
    margin, r = draw(st.sampled_from([0.0, 0.3, -0.5])), draw(REDUCTIONS)
    cos = (x1 * x2).sum(-1) / np.sqrt((x1 * x1).sum(-1) * (x2 * x2).sum(-1))
    assume(np.all(np.abs(cos - margin) > 1e-2))  # away from the hinge of the y = -1 branch
    return (lambda a, b: form(a, b, y, margin=margin, reduction=r)), [x1, x2]


@case({"F.soft_margin_loss": F.soft_margin_loss})
def _soft_margin(draw: Draw, form: Any) -> Any:
    shape, r = shape_of(draw), draw(REDUCTIONS)
    y = arr(draw, shape, -1.0, 1.0)  # a constant: PyTorch refuses a target gradient
    return (lambda x: form(x, y, reduction=r)), [arr(draw, shape)]


@case({"F.multilabel_soft_margin_loss": F.multilabel_soft_margin_loss})
def _multilabel_soft_margin(draw: Draw, form: Any) -> Any:
    shape = draw(st.sampled_from([(3,), (2, 3), (1, 2)]))
    w = draw(st.one_of(st.none(), st.just(arr(draw, shape[-1:], 0.5, 2.0))))
    r = draw(REDUCTIONS)
    return (lambda x, y: form(x, y, weight=w, reduction=r)), [arr(draw, shape),
                                                             arr(draw, shape, 0.0, 1.0)]


@case({"F.multi_margin_loss": F.multi_margin_loss})
def _multi_margin(draw: Draw, form: Any) -> Any:
    n, c = draw(st.integers(1, 3)), draw(st.integers(2, 4))
    batched = draw(st.booleans())
    shape = (n, c) if batched else (c,)
    t = draw(tst.arrays(shape=(n,) if batched else (), dtype=np.int64, elements=(0, c - 1)))
    w = draw(st.one_of(st.none(), st.just(arr(draw, (c,), 0.5, 2.0))))
    # x_j - x_y = integer + [-0.2, 0.2] and a half-integer margin: no hinge near 0
    kw = {"p": draw(st.sampled_from([1, 2])), "margin": draw(st.sampled_from([0.5, 1.5])),
          "weight": w, "reduction": draw(REDUCTIONS)}
    return (lambda x: form(x, t, **kw)), [lattice(draw, shape, 0.0)]


@case({"F.multilabel_margin_loss": F.multilabel_margin_loss})
def _multilabel_margin(draw: Draw, form: Any) -> Any:
    n, c = draw(st.integers(1, 2)), draw(st.integers(2, 4))
    batched = draw(st.booleans())
    shape = (n, c) if batched else (c,)
    t = draw(tst.arrays(shape=shape, dtype=np.int64, elements=(-1, c - 1)))
    x = arr(draw, shape, -2.0, 2.0)
    rows = x.reshape(-1, c)
    gaps = 1 - rows[:, :, None] + rows[:, None, :]
    assume(np.all(np.abs(gaps) > 1e-2))  # every hinge 1 - (x_j - x_i) away from 0
    r = draw(REDUCTIONS)
    return (lambda u: form(u, t, reduction=r)), [x]


def _sq_euclidean(u: Any, v: Any) -> Any:
    d = u - v
    return (d * d).sum(-1)


def _np_distance(kind: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    d = u - v
    return (d * d).sum(-1) if kind == "sq" else np.sqrt(((d + 1e-6) ** 2).sum(-1))


@case({"F.triplet_margin_with_distance_loss": F.triplet_margin_with_distance_loss})
def _triplet_distance(draw: Draw, form: Any) -> Any:
    shape = draw(st.sampled_from([(3,), (2, 3), (3, 2)]))
    a = arr(draw, shape, -1.0, 1.0)
    # |pos - a| in [0.2, 0.8] and |neg - a| in [1, 1.6] per coordinate (see rows_loss._triplet)
    pos, neg = a + nonzero(draw, shape, 0.2, 0.8), a + nonzero(draw, shape, 1.0, 1.6)
    kind = draw(st.sampled_from(["default", "sq"]))
    kw = {"distance_function": None if kind == "default" else _sq_euclidean,
          "margin": draw(st.sampled_from([0.5, 1.0, 2.0])), "swap": draw(st.booleans()),
          "reduction": draw(REDUCTIONS)}
    d_ap, d_an, d_pn = (_np_distance(kind, u, v) for u, v in ((a, pos), (a, neg), (pos, neg)))
    if kw["swap"]:
        assume(np.all(np.abs(d_an - d_pn) > 1e-3))  # away from the tie of the minimum
        d_an = np.minimum(d_an, d_pn)
    assume(np.all(np.abs(d_ap - d_an + kw["margin"]) > 1e-3))  # away from the hinge's kink
    return (lambda u, v, w: form(u, v, w, **kw)), [a, pos, neg]


@case({"F.ctc_loss": F.ctc_loss}, second_order=False,
      notes="second derivatives raise, as PyTorch's ctc_loss has none")
def _ctc(draw: Draw, form: Any) -> Any:
    t_max, n, c = draw(st.integers(1, 4)), draw(st.integers(1, 2)), draw(st.integers(2, 4))
    blank = draw(st.integers(0, c - 1))
    in_len = draw(tst.arrays(shape=(n,), dtype=np.int64, elements=(0, t_max)))
    # target lengths the inputs can emit (a repeated label needs a blank between: 2 L <= T)
    tg_len = np.array([draw(st.integers(0, max(int(k) // 2, 0))) for k in in_len])
    labels = [lab for lab in range(c) if lab != blank]
    s = max(int(tg_len.max(initial=0)), 1)
    targets = np.array(draw(st.lists(st.sampled_from(labels), min_size=n * s, max_size=n * s)),
                       dtype=np.int64).reshape(n, s)
    if draw(st.booleans()):  # the concatenated layout
        targets = np.concatenate([targets[b, :tg_len[b]] for b in range(n)])
    normalise = draw(st.booleans())  # raw scores too: the gradient is the true one
    kw = {"blank": blank, "reduction": draw(REDUCTIONS), "zero_infinity": draw(st.booleans())}

    def fn(x: Any) -> Any:
        lp = x.log_softmax(2) if normalise else x
        return form(lp, targets, in_len, tg_len, **kw)

    return fn, [arr(draw, (t_max, n, c), -2.0, 2.0)]
