"""Gradient-registry rows for the nn layers and the normalisation functionals.

A layer row checks the gradient with respect to the input AND every parameter: the
drawn arrays are (input, *parameters) and the function calls the module with its
parameters swapped for the checked Tensors (``_call``), like ``torch.func.functional_call``.
F.linear, F.dropout and F.embedding have rows in op_registry.py already.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.ops.registry_base import OpCase
from tinygrad_nn import nn
from tinygrad_nn.testing import strategies as tst

Draw = Callable[[Any], Any]
CASES: list[OpCase] = []
REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def _arr(draw: Draw, shape: tuple[int, ...], lo: float = -3.0, hi: float = 3.0,
         **kw: Any) -> np.ndarray:
    return draw(tst.arrays(shape=shape, elements=(lo, hi), **kw))


def _spread(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    """Values whose variance along every reduced slice stays well above zero: a random
    permutation of evenly spaced points in [-3, 3] plus a small jitter."""
    n = math.prod(shape)
    perm = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    jitter = _arr(draw, (n,), 0.0, 0.3)
    return (-3.0 + (perm + jitter) * 6.0 / n).reshape(shape)


def _lattice(draw: Draw, shape: tuple[int, ...], offset: float) -> np.ndarray:
    """Integer + offset + jitter in [0, 0.2]: differences of offsets 0.5 and 0 stay 0.3 from
    every integer (the kinks of |d| and of the Huber / smooth-L1 branches at 1, 2)."""
    k = draw(tst.arrays(shape=shape, dtype=np.int64, elements=(-3, 2)))
    return k + offset + _arr(draw, shape, 0.0, 0.2)


def _call(module: nn.Module, names: list[str], params: tuple[Any, ...], *inputs: Any) -> Any:
    """module(*inputs) with its parameters ``names`` replaced by ``params`` (then restored)."""
    owners = [(module.get_submodule(n.rpartition(".")[0]), n.rpartition(".")[2]) for n in names]
    saved = [m._parameters[k] for m, k in owners]
    for (m, k), p in zip(owners, params):
        m._parameters[k] = p
    try:
        return module(*inputs)
    finally:
        for (m, k), p in zip(owners, saved):
            m._parameters[k] = p


def layer(name: str, build: Callable[[Draw], tuple[nn.Module, list[np.ndarray]]],
          seed: bool = False, **options: Any) -> None:
    """A row for a module: ``build(draw) -> (module, [inputs...])``; the module's parameters
    are drawn too (float64) and checked along with the inputs."""

    def draw_case(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
        tg.manual_seed(draw(st.integers(0, 2**16)))
        module, inputs = build(draw)
        module.double()
        names = [n for n, _ in module.named_parameters()]
        params = [_arr(draw, p.shape) for _, p in module.named_parameters()]
        k = len(inputs)
        rng_seed = draw(st.integers(0, 2**16))

        def fn(*ts: Any) -> Any:
            if seed:
                tg.manual_seed(rng_seed)  # the same dropout mask at every evaluation
            return _call(module, names, ts[k:], *ts[:k])

        return fn, [*inputs, *params]

    CASES.append(OpCase(name, draw_case, **options))


# -- layers with parameters ---------------------------------------------------------------
def _linear(draw: Draw) -> Any:
    n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    m = nn.Linear(n_in, n_out, bias=draw(st.booleans()))
    return m, [_arr(draw, lead + (n_in,))]


layer("nn.Linear", _linear)


def _batch_norm(cls: type, ndims: tuple[int, ...], train: bool) -> Callable[[Draw], Any]:
    def build(draw: Draw) -> Any:
        ndim = draw(st.sampled_from(ndims))
        c = draw(st.integers(1, 3))
        shape = (draw(st.integers(2, 3)), c) + tuple(draw(st.integers(1, 2))
                                                     for _ in range(ndim - 2))
        m = cls(c, affine=draw(st.booleans()), momentum=draw(st.sampled_from([0.1, None])))
        m.double()
        if not train:
            m.running_mean.numpy()[...] = _arr(draw, (c,))
            m.running_var.numpy()[...] = _arr(draw, (c,), 0.2, 3.0)
        m.train(train)
        return m, [_spread(draw, shape)]

    return build


layer("nn.BatchNorm1d[train]", _batch_norm(nn.BatchNorm1d, (2, 3), True))
layer("nn.BatchNorm1d[eval]", _batch_norm(nn.BatchNorm1d, (2, 3), False))
layer("nn.BatchNorm2d[train]", _batch_norm(nn.BatchNorm2d, (4,), True))
layer("nn.BatchNorm2d[eval]", _batch_norm(nn.BatchNorm2d, (4,), False))


def _layer_norm(draw: Draw) -> Any:
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    ns = tuple(draw(st.lists(st.integers(2, 3), min_size=1, max_size=2)))
    m = nn.LayerNorm(ns if len(ns) > 1 or draw(st.booleans()) else ns[0],
                     elementwise_affine=draw(st.booleans()))
    return m, [_spread(draw, lead + ns)]


layer("nn.LayerNorm", _layer_norm)


def _embedding(draw: Draw) -> Any:
    num, dim = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    pad = draw(st.one_of(st.none(), st.integers(0, num - 1)))
    idx = draw(tst.arrays(shape=tuple(draw(st.lists(st.integers(1, 3), max_size=2))),
                          dtype=np.int64, elements=(0, num - 1)))
    if pad is not None:  # the padding row gets no gradient by design (test_nn_layers checks)
        idx = np.where(idx == pad, (pad + 1) % num, idx)
    return nn.Embedding(num, dim, padding_idx=pad), [idx]


layer("nn.Embedding", _embedding)


def _embedding_bag(draw: Draw) -> Any:
    # sum / mean (max, whose ties random weights could bring near, is F.embedding_bag's row)
    num, dim = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    n = draw(st.integers(1, 6))
    idx = draw(tst.arrays(shape=(n,), dtype=np.int64, elements=(0, num - 1)))
    offsets = np.array([0, *sorted(draw(st.lists(st.integers(0, n), max_size=2)))], np.int64)
    m = nn.EmbeddingBag(num, dim, mode=draw(st.sampled_from(["sum", "mean"])),
                        padding_idx=draw(st.one_of(st.none(), st.integers(0, num - 1))))
    return m, [idx, offsets]


layer("nn.EmbeddingBag", _embedding_bag)


# -- layers without parameters ------------------------------------------------------------
def _plain(module: Callable[[], nn.Module], lo: float = -3.0, hi: float = 3.0,
           away_from: tuple[float, ...] = (), min_dims: int = 1) -> Callable[[Draw], Any]:
    def build(draw: Draw) -> Any:
        shape = tuple(draw(st.lists(st.integers(1, 3), min_size=min_dims, max_size=3)))
        return module(), [_arr(draw, shape, lo, hi, away_from=away_from, margin=1e-3)]

    return build


layer("nn.Identity", _plain(nn.Identity, min_dims=0))
layer("nn.ReLU", _plain(nn.ReLU, away_from=(0.0,)))
layer("nn.LeakyReLU", _plain(lambda: nn.LeakyReLU(0.2), away_from=(0.0,)))
layer("nn.ELU", _plain(lambda: nn.ELU(0.7), away_from=(0.0,)))
layer("nn.Tanh", _plain(nn.Tanh))
layer("nn.Sigmoid", _plain(nn.Sigmoid, -6.0, 6.0))
layer("nn.GELU", _plain(nn.GELU))
layer("nn.SiLU", _plain(nn.SiLU, -6.0, 6.0))
layer("nn.Softplus", _plain(lambda: nn.Softplus(2.0, 5.0), away_from=(2.5,)))
layer("nn.Softmax", _plain(lambda: nn.Softmax(dim=-1)))
layer("nn.LogSoftmax", _plain(lambda: nn.LogSoftmax(dim=0)))
layer("nn.Flatten", _plain(nn.Flatten, min_dims=2))


def _unflatten(draw: Draw) -> Any:
    a, b = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return nn.Unflatten(1, (a, b)), [_arr(draw, (2, a * b))]


layer("nn.Unflatten", _unflatten)


def _dropout(cls: type, min_dims: int, max_dims: int) -> Callable[[Draw], Any]:
    def build(draw: Draw) -> Any:
        m = cls(draw(st.sampled_from([0.0, 0.25, 0.5])))
        m.train(draw(st.booleans()))
        shape = tuple(draw(st.lists(st.integers(1, 3), min_size=min_dims, max_size=max_dims)))
        return m, [_arr(draw, shape)]

    return build


layer("nn.Dropout", _dropout(nn.Dropout, 0, 3), seed=True)
layer("nn.Dropout1d", _dropout(nn.Dropout1d, 2, 3), seed=True)
layer("nn.Dropout2d", _dropout(nn.Dropout2d, 4, 4), seed=True)
layer("nn.Dropout3d", _dropout(nn.Dropout3d, 4, 5), seed=True)
layer("nn.AlphaDropout", _dropout(nn.AlphaDropout, 0, 3), seed=True)
layer("nn.FeatureAlphaDropout", _dropout(nn.FeatureAlphaDropout, 2, 4), seed=True)


# -- loss modules (both arguments differentiable where the loss allows) -------------------
NO_KW = st.just({})


def _pair_loss(cls: type, make_kw: Any = NO_KW, kinks: bool = False) -> Callable[..., Any]:
    def build(draw: Draw) -> Any:
        shape = tuple(draw(st.lists(st.integers(1, 3), max_size=3)))
        m = cls(reduction=draw(REDUCTIONS), **draw(make_kw))
        if kinks:
            return m, [_lattice(draw, shape, 0.5), _lattice(draw, shape, 0.0)]
        return m, [_arr(draw, shape), _arr(draw, shape)]

    return build


layer("nn.MSELoss", _pair_loss(nn.MSELoss))
layer("nn.L1Loss", _pair_loss(nn.L1Loss, kinks=True))
layer("nn.SmoothL1Loss", _pair_loss(nn.SmoothL1Loss, st.sampled_from([{}, {"beta": 2.0}]), True))
layer("nn.HuberLoss", _pair_loss(nn.HuberLoss, st.sampled_from([{}, {"delta": 2.0}]), True))


def _bce(logits: bool) -> Callable[[Draw], Any]:
    def build(draw: Draw) -> Any:
        shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
        w = draw(st.one_of(st.none(), st.just(_arr(draw, shape[-1:], 0.5, 2.0))))
        r = draw(REDUCTIONS)
        if logits:
            m = nn.BCEWithLogitsLoss(w, reduction=r, pos_weight=draw(st.one_of(
                st.none(), st.just(_arr(draw, shape[-1:], 0.5, 3.0)))))
            return m, [_arr(draw, shape, -6.0, 6.0), _arr(draw, shape, 0.0, 1.0)]
        return nn.BCELoss(w, reduction=r), [_arr(draw, shape, 0.05, 0.95),
                                            _arr(draw, shape, 0.0, 1.0)]

    return build


layer("nn.BCELoss", _bce(False))
layer("nn.BCEWithLogitsLoss", _bce(True))


def _class_loss(cls: type) -> Callable[[Draw], Any]:
    def build(draw: Draw) -> Any:
        c, n = draw(st.integers(2, 4)), draw(st.integers(1, 3))
        shape = draw(st.sampled_from([(n, c), (n, c, 2)]))
        t = draw(tst.arrays(shape=(n,) + shape[2:], dtype=np.int64, elements=(0, c - 1)))
        w = draw(st.one_of(st.none(), st.just(_arr(draw, (c,), 0.5, 2.0))))
        kw = {}
        if cls is nn.CrossEntropyLoss:
            kw["label_smoothing"] = draw(st.sampled_from([0.0, 0.1]))
        m = cls(w, reduction=draw(REDUCTIONS), **kw)
        return _Target(m, t), [_arr(draw, shape)]

    return build


class _Target(nn.Module):
    """loss(x, fixed integer target) as a one-input module."""

    def __init__(self, loss: nn.Module, target: np.ndarray) -> None:
        super().__init__()
        self.loss, self.target = loss, target

    def forward(self, x: Any) -> Any:
        return self.loss(x, self.target)


layer("nn.CrossEntropyLoss", _class_loss(nn.CrossEntropyLoss))
layer("nn.NLLLoss", _class_loss(nn.NLLLoss))


# -- the normalisation functionals --------------------------------------------------------
def _f_batch_norm(draw: Draw) -> Any:
    c = draw(st.integers(1, 3))
    shape = (draw(st.integers(2, 3)), c) + tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    training = draw(st.booleans())
    rm, rv = _arr(draw, (c,)), _arr(draw, (c,), 0.2, 3.0)
    affine = draw(st.booleans())

    def fn(x: Any, *wb: Any) -> Any:
        # copies: a training call updates the running statistics in place
        return F.batch_norm(x, rm.copy(), rv.copy(), *wb, training=training, momentum=0.3)

    extra = [_arr(draw, (c,)), _arr(draw, (c,))] if affine else []
    return fn, [_spread(draw, shape), *extra]


CASES.append(OpCase("F.batch_norm", _f_batch_norm))


def _f_layer_norm(draw: Draw) -> Any:
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    ns = tuple(draw(st.lists(st.integers(2, 3), min_size=1, max_size=2)))
    eps = draw(st.sampled_from([1e-5, 0.1]))
    affine = draw(st.booleans())

    def fn(x: Any, *wb: Any) -> Any:
        return F.layer_norm(x, ns, *wb, eps=eps)

    extra = [_arr(draw, ns), _arr(draw, ns)] if affine else []
    return fn, [_spread(draw, lead + ns), *extra]


CASES.append(OpCase("F.layer_norm", _f_layer_norm))
