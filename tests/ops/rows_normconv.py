"""Gradient-registry rows: transposed convolutions, conv3d, group / instance / RMS / local
response normalisation, and their layers (first and second order, float64)."""

from __future__ import annotations

from tests.ops.cases_nn import layer
from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies
from tinygrad_nn import nn

# -- convolutions ------------------------------------------------------------------------


def _transpose_config(draw: Draw, nd: int) -> dict[str, Any]:
    """Channels, kernel, stride, padding, output_padding, dilation, groups; output >= 1."""
    g = draw(st.sampled_from([1, 2]))
    cin, cout = g * draw(st.integers(1, 2)), g * draw(st.integers(1, 2))
    k = [draw(st.integers(1, 3)) for _ in range(nd)]
    s = [draw(st.integers(1, 2)) for _ in range(nd)]
    d = [draw(st.integers(1, 2)) for _ in range(nd)]
    size = [draw(st.integers(1, 3 if nd < 3 else 2)) for _ in range(nd)]
    op = [draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d)]
    # padding at most what leaves one output element: (n-1)s + d(k-1) + op - 2p >= 0
    p = [draw(st.integers(0, ((n - 1) * si + di * (ki - 1) + oi) // 2))
         for n, si, di, ki, oi in zip(size, s, d, k, op)]
    n = draw(st.integers(1, max(1, 24 // (cin * math.prod(size)))))
    return {"g": g, "cin": cin, "cout": cout, "k": tuple(k), "size": tuple(size), "n": n,
            "opts": {"stride": tuple(s), "padding": tuple(p), "output_padding": tuple(op),
                     "groups": g, "dilation": tuple(d)}}


def _conv_transpose(nd: int) -> Callable[..., Any]:
    def draw_fn(draw: Draw, form: Any) -> Any:
        c = _transpose_config(draw, nd)
        x = arr(draw, (c["n"], c["cin"]) + c["size"], -2.0, 2.0)
        w = arr(draw, (c["cin"], c["cout"] // c["g"]) + c["k"], -2.0, 2.0)
        if draw(st.booleans()):
            return (lambda x, w, b: form(x, w, b, **c["opts"])), [x, w, arr(draw, (c["cout"],))]
        return (lambda x, w: form(x, w, **c["opts"])), [x, w]

    return draw_fn


case({"F.conv_transpose1d": F.conv_transpose1d})(_conv_transpose(1))
case({"F.conv_transpose2d": F.conv_transpose2d})(_conv_transpose(2))
case({"F.conv_transpose3d": F.conv_transpose3d}, max_examples=15)(_conv_transpose(3))


@case({"F.conv3d": F.conv3d}, max_examples=15)
def _conv3d(draw: Draw, form: Any) -> Any:
    g = draw(st.sampled_from([1, 2]))
    cin, cout = g, g * draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 2)) for _ in range(3))
    s = tuple(draw(st.integers(1, 2)) for _ in range(3))
    d = tuple(draw(st.integers(1, 2)) for _ in range(3))
    padding: Any = draw(st.sampled_from(["same", "valid", 0, 1])) if s == (1, 1, 1) else \
        draw(st.sampled_from([0, 1, (1, 0, 1)]))
    size = tuple(di * (ki - 1) + 1 + draw(st.integers(0, 1)) for ki, di in zip(k, d))
    opts = {"stride": s, "padding": padding, "dilation": d, "groups": g}
    x = arr(draw, (1, cin) + size, -2.0, 2.0)
    w = arr(draw, (cout, 1) + k, -2.0, 2.0)
    if draw(st.booleans()):
        return (lambda x, w, b: form(x, w, b, **opts)), [x, w, arr(draw, (cout,))]
    return (lambda x, w: form(x, w, **opts)), [x, w]


# -- normalisation -----------------------------------------------------------------------


def _norm_input(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    """Distinct values: every normalised slice has a variance well above zero."""
    return distinct(draw, shape)


@case({"F.group_norm": F.group_norm})
def _group_norm(draw: Draw, form: Any) -> Any:
    g = draw(st.integers(1, 3))
    c = g * draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), c) + tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    assume(math.prod(shape) // (shape[0] * g) > 1)  # more than one value per group
    eps = draw(st.sampled_from([1e-5, 0.1]))
    if draw(st.booleans()):
        return (lambda x, w, b: form(x, g, w, b, eps)), [_norm_input(draw, shape),
                                                         arr(draw, (c,)), arr(draw, (c,))]
    return (lambda x: form(x, g, eps=eps)), [_norm_input(draw, shape)]


@case({"F.instance_norm": F.instance_norm})
def _instance_norm(draw: Draw, form: Any) -> Any:
    c = draw(st.integers(1, 3))
    shape = (draw(st.integers(1, 2)), c, draw(st.integers(2, 4))) + tuple(
        draw(st.lists(st.integers(1, 2), max_size=1)))
    use_input_stats = draw(st.booleans())
    rm, rv = arr(draw, (c,)), arr(draw, (c,), 0.2, 3.0)
    stats = draw(st.booleans()) or not use_input_stats

    def fn(x: Any, *wb: Any) -> Any:
        # copies: a call with use_input_stats updates the running statistics in place
        running = (rm.copy(), rv.copy()) if stats else (None, None)
        return form(x, *running, *wb, use_input_stats=use_input_stats, momentum=0.3)

    extra = [arr(draw, (c,)), arr(draw, (c,))] if draw(st.booleans()) else []
    return fn, [_norm_input(draw, shape), *extra]


@case({"F.rms_norm": F.rms_norm})
def _rms_norm(draw: Draw, form: Any) -> Any:
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    ns = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    eps = draw(st.sampled_from([None, 1e-5, 0.1]))
    x = nonzero(draw, lead + ns)  # |x| >= 0.3: the root mean square stays away from 0
    if draw(st.booleans()):
        return (lambda x, w: form(x, ns, w, eps)), [x, arr(draw, ns)]
    return (lambda x: form(x, ns, eps=eps)), [x]


@case({"F.local_response_norm": F.local_response_norm})
def _local_response_norm(draw: Draw, form: Any) -> Any:
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 4))) + tuple(
        draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    size = draw(st.integers(1, 4))
    alpha, beta, k = (draw(st.sampled_from(v)) for v in ([1e-4, 0.5], [0.75, 1.5], [1.0, 2.0]))
    return (lambda x: form(x, size, alpha, beta, k)), [arr(draw, shape)]


# -- layers (input and every parameter) ----------------------------------------------------


def _transpose_layer(cls: type, nd: int) -> Callable[[Draw], Any]:
    def build(draw: Draw) -> Any:
        c = _transpose_config(draw, nd)
        o = c["opts"]
        m = cls(c["cin"], c["cout"], c["k"], o["stride"], o["padding"], o["output_padding"],
                c["g"], draw(st.booleans()), o["dilation"])
        x = arr(draw, (c["n"], c["cin"]) + c["size"], -2.0, 2.0)
        return m, [x[0] if draw(st.booleans()) else x]  # batched or one unbatched sample

    return build


def _conv3d_layer(draw: Draw) -> Any:
    k = tuple(draw(st.integers(1, 2)) for _ in range(3))
    m = nn.Conv3d(2, draw(st.integers(1, 2)), k, stride=draw(st.sampled_from([1, 2])),
                  padding=draw(st.sampled_from([0, 1])), bias=draw(st.booleans()))
    return m, [arr(draw, (1, 2) + tuple(ki + 1 for ki in k), -2.0, 2.0)]


def _group_norm_layer(draw: Draw) -> Any:
    g = draw(st.integers(1, 2))
    c = 2 * g
    m = nn.GroupNorm(g, c, affine=draw(st.booleans()))
    return m, [_norm_input(draw, (draw(st.integers(1, 2)), c, draw(st.integers(1, 3))))]


def _instance_norm_layer(cls: type, spatial: int) -> Callable[[Draw], Any]:
    def build(draw: Draw) -> Any:
        c = draw(st.integers(1, 2))
        m = cls(c, affine=draw(st.booleans()), track_running_stats=draw(st.booleans()))
        m.train(draw(st.booleans()))
        if m.track_running_stats:
            m.running_mean.numpy()[...] = arr(draw, (c,))
            m.running_var.numpy()[...] = arr(draw, (c,), 0.2, 3.0)
        shape = (draw(st.integers(1, 2)), c) + (2,) * spatial
        return m, [_norm_input(draw, shape[1:] if draw(st.booleans()) else shape)]

    return build


def _rms_norm_layer(draw: Draw) -> Any:
    ns = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    m = nn.RMSNorm(ns if len(ns) > 1 else ns[0], eps=draw(st.sampled_from([None, 0.1])),
                   elementwise_affine=draw(st.booleans()))
    return m, [nonzero(draw, (draw(st.integers(1, 2)),) + ns)]


def _lrn_layer(draw: Draw) -> Any:
    m = nn.LocalResponseNorm(draw(st.integers(1, 3)), alpha=0.5, k=2.0)
    return m, [arr(draw, (1, draw(st.integers(1, 4)), 3))]


def _batch_norm3d_layer(draw: Draw) -> Any:
    c = draw(st.integers(1, 2))
    m = nn.BatchNorm3d(c, affine=draw(st.booleans()))
    return m, [_norm_input(draw, (2, c, 1, 2, draw(st.integers(1, 2))))]


layer("nn.ConvTranspose1d", _transpose_layer(nn.ConvTranspose1d, 1))
layer("nn.ConvTranspose2d", _transpose_layer(nn.ConvTranspose2d, 2))
layer("nn.ConvTranspose3d", _transpose_layer(nn.ConvTranspose3d, 3), max_examples=10)
layer("nn.Conv3d", _conv3d_layer, max_examples=10)
layer("nn.GroupNorm", _group_norm_layer)
layer("nn.InstanceNorm1d", _instance_norm_layer(nn.InstanceNorm1d, 1))
layer("nn.InstanceNorm2d", _instance_norm_layer(nn.InstanceNorm2d, 2))
layer("nn.InstanceNorm3d", _instance_norm_layer(nn.InstanceNorm3d, 3), max_examples=10)
layer("nn.RMSNorm", _rms_norm_layer)
layer("nn.LocalResponseNorm", _lrn_layer)
layer("nn.BatchNorm3d[train]", _batch_norm3d_layer)


# -- 1-D pooling (functional/pool1d.py: the 2-D pools on a height-1 image) ----------------


@case({"F.max_pool1d": lambda x, k, s, p: F.max_pool1d(x, k, s, p),
       "F.avg_pool1d": lambda x, k, s, p: F.avg_pool1d(x, k, s, p),
       "F.adaptive_avg_pool1d": lambda x, k, s, p: F.adaptive_avg_pool1d(x, k + s)})
def _pool1d(draw: Draw, form: Any) -> Any:
    k, s = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    p = draw(st.integers(0, k // 2))
    length = draw(st.integers(k, 6))
    # a shuffled grid 0.5 apart: no window's maximum within a finite difference's step of a
    # tie (filtering random draws for that rejected too many)
    order = draw(st.permutations(list(range(2 * length))))
    x = (np.array(order, dtype=np.float64).reshape(2, length) - length) * 0.5 \
        + draw(st.floats(-0.2, 0.2))
    return (lambda t: form(t, k, s, p)), [x]



# -- adaptive max pooling (functional/pool_adaptive.py: a gather at the picked maxima) -------


def _adaptive_max_pool(nd: int) -> Callable[..., Any]:
    def draw_fn(draw: Draw, form: Any) -> Any:
        size = tuple(draw(st.integers(1, 4 if nd < 3 else 3)) for _ in range(nd))
        out: Any = tuple(draw(st.sampled_from([None, 1, 2, 3])) for _ in range(nd))
        if nd == 1:
            out = out[0] or 2
        lead = draw(st.sampled_from([(2,), (1, 2)]))  # unbatched, or batched
        # distinct values spread apart: no window's maximum within a step of a tie
        x = distinct(draw, lead + size)
        return (lambda t: form(t, out)), [x]

    return draw_fn


case({"F.adaptive_max_pool1d": F.adaptive_max_pool1d,
      "F.adaptive_max_pool1d_with_indices":
          lambda x, o: F.adaptive_max_pool1d_with_indices(x, o)[0]})(_adaptive_max_pool(1))
case({"F.adaptive_max_pool2d": F.adaptive_max_pool2d,
      "F.adaptive_max_pool2d_with_indices":
          lambda x, o: F.adaptive_max_pool2d_with_indices(x, o, True)[0]})(_adaptive_max_pool(2))
case({"F.adaptive_max_pool3d": F.adaptive_max_pool3d,
      "F.adaptive_max_pool3d_with_indices":
          lambda x, o: F.adaptive_max_pool3d_with_indices(x, o)[0]},
     max_examples=15)(_adaptive_max_pool(3))


# -- 3-D pooling (functional/pool3d.py: a 2-D pool over each (H, W) plane, then over depth) --


def _pool3d_config(draw: Draw, dilation: bool) -> dict[str, Any]:
    k = tuple(draw(st.integers(1, 2)) for _ in range(3))
    s = draw(st.one_of(st.none(), st.tuples(*(st.integers(1, 2) for _ in range(3)))))
    p = tuple(draw(st.integers(0, ki // 2)) for ki in k)
    d = tuple(draw(st.integers(1, 2)) for _ in range(3)) if dilation else (1, 1, 1)
    size = tuple(di * (ki - 1) + 1 + draw(st.integers(0, 2)) for ki, di in zip(k, d))
    return {"k": k, "s": s, "p": p, "d": d, "ceil": draw(st.booleans()),
            "shape": (draw(st.integers(1, 2)), 1) + size}


def _spread(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    """A shuffled grid 0.5 apart (as the pool1d row): no window's maximum within a finite
    difference's step of a tie."""
    n = math.prod(shape)
    order = np.array(draw(st.permutations(list(range(n)))), dtype=np.float64)
    return ((order - n / 2) * 0.5 + draw(st.floats(-0.2, 0.2))).reshape(shape)


@case({"F.max_pool3d": lambda x, c: F.max_pool3d(x, c["k"], c["s"], c["p"], c["d"], c["ceil"]),
       "F.max_pool3d[indices]": lambda x, c: F.max_pool3d(x, c["k"], c["s"], c["p"], c["d"],
                                                          c["ceil"], True)[0],
       "nn.MaxPool3d": lambda x, c: nn.MaxPool3d(c["k"], c["s"], c["p"], c["d"],
                                                 ceil_mode=c["ceil"])(x)}, max_examples=25)
def _max_pool3d(draw: Draw, form: Any) -> Any:
    c = _pool3d_config(draw, dilation=True)
    # a dilated window over padding only has max -inf (PyTorch's too): no finite difference
    assume(np.isfinite(F.max_pool3d(np.zeros(c["shape"]), c["k"], c["s"], c["p"], c["d"],
                                    c["ceil"]).numpy()).all())
    return (lambda t: form(t, c)), [_spread(draw, c["shape"])]


@case({"F.avg_pool3d": lambda x, c, inc, ov: F.avg_pool3d(x, c["k"], c["s"], c["p"], c["ceil"],
                                                         inc, ov),
       "nn.AvgPool3d": lambda x, c, inc, ov: nn.AvgPool3d(c["k"], c["s"], c["p"], c["ceil"], inc,
                                                         ov)(x)}, max_examples=25)
def _avg_pool3d(draw: Draw, form: Any) -> Any:
    c = _pool3d_config(draw, dilation=False)
    inc, ov = draw(st.booleans()), draw(st.sampled_from([None, 3, -2]))
    return (lambda t: form(t, c, inc, ov)), [arr(draw, c["shape"])]
