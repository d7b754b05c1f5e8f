"""PyTorch's top-level forms of the functional ops (tinygrad_nn/_torch_nn_forms.py): each
called with torch's top-level signature (positional arguments where torch requires them),
against torch: values and the gradients of every float input, and the signature errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

R = np.random.default_rng(0)


def _arr(*shape: int, lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    return R.uniform(lo, hi, shape)


def _compare(call: Callable[..., Any], *arrays: Any, grad: bool = True) -> None:
    """call(lib, *tensors) on both libraries: values, then the gradients of the float
    inputs under a random cotangent."""
    outs, grads = [], []
    for lib in (torch, tg):
        ts = [lib.tensor(a, requires_grad=grad and a.dtype.kind == "f") if isinstance(
            a, np.ndarray) else a for a in arrays]
        out = call(lib, *ts)
        first = out[0] if isinstance(out, tuple) else out
        outs.append([o.detach().numpy() for o in (out if isinstance(out, tuple) else (out,))])
        if grad and first.requires_grad:
            w = np.linspace(-1, 1, first.numel()).reshape(tuple(first.shape))
            (first * lib.tensor(w)).sum().backward()
            grads.append([t.grad.numpy() if t.grad is not None else None for t in ts
                          if isinstance(t, lib.Tensor) and t.requires_grad])
    for a, b in zip(*outs):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-10)
    if grads:
        assert len(grads) == 2
        for a, b in zip(*grads):
            np.testing.assert_allclose(b, a, rtol=1e-7, atol=1e-10)


CASES: dict[str, tuple[Callable[..., Any], list[Any]]] = {
    "conv1d": (lambda L, x, w, b: L.conv1d(x, w, b, 2, 1, 1, 1), [_arr(2, 2, 7), _arr(3, 2, 3),
                                                                  _arr(3)]),
    "conv2d": (lambda L, x, w: L.conv2d(x, w, None, 1, "same"), [_arr(1, 2, 5, 5),
                                                                 _arr(2, 2, 3, 3)]),
    "conv3d": (lambda L, x, w: L.conv3d(x, w, padding=1, groups=2), [_arr(1, 2, 3, 3, 3),
                                                                     _arr(2, 1, 2, 2, 2)]),
    "conv_transpose1d": (lambda L, x, w: L.conv_transpose1d(x, w, None, 2, 1, 1),
                         [_arr(1, 2, 4), _arr(2, 3, 3)]),
    "conv_transpose2d": (lambda L, x, w: L.conv_transpose2d(x, w, stride=2),
                         [_arr(1, 2, 3, 3), _arr(2, 1, 2, 2)]),
    "conv_transpose3d": (lambda L, x, w: L.conv_transpose3d(x, w), [_arr(1, 1, 2, 2, 2),
                                                                    _arr(1, 2, 2, 2, 2)]),
    "dropout[eval]": (lambda L, x: L.dropout(x, 0.5, False), [_arr(3, 4)]),
    "dropout[p=0]": (lambda L, x: L.dropout(x, 0.0, True), [_arr(3, 4)]),
    "alpha_dropout": (lambda L, x: L.alpha_dropout(x, 0.3, False), [_arr(3, 4)]),
    "feature_alpha_dropout": (lambda L, x: L.feature_alpha_dropout(x, 0.3, False),
                              [_arr(2, 3, 4)]),
    "layer_norm": (lambda L, x, w, b: L.layer_norm(x, [4], w, b, 1e-5, True),
                   [_arr(3, 4), _arr(4), _arr(4)]),
    "group_norm": (lambda L, x, w: L.group_norm(x, 2, w, None, 1e-5, False),
                   [_arr(2, 4, 3), _arr(4)]),
    "batch_norm[train]": (lambda L, x, w, b: L.batch_norm(x, w, b, None, None, True, 0.1, 1e-5,
                                                          False), [_arr(4, 3), _arr(3), _arr(3)]),
    "batch_norm[eval]": (lambda L, x, w, b: L.batch_norm(
        x, w, b, L.tensor([0.1, 0.2, 0.3], dtype=L.float64),
        L.tensor([1.0, 2.0, 0.5], dtype=L.float64), False, 0.1, 1e-5, False),
        [_arr(4, 3), _arr(3), _arr(3)]),
    "instance_norm": (lambda L, x, w, b: L.instance_norm(x, w, b, None, None, True, 0.1, 1e-5,
                                                         False), [_arr(2, 3, 4), _arr(3), _arr(3)]),
    "embedding": (lambda L, w: L.embedding(w, L.tensor([[0, 2], [2, 1]])), [_arr(3, 2)]),
    "embedding[padding_idx]": (lambda L, w: L.embedding(w, L.tensor([0, 2, 2]), 2),
                               [_arr(3, 2)]),
    "pixel_shuffle": (lambda L, x: L.pixel_shuffle(x, 2), [_arr(1, 8, 2, 3)]),
    "pixel_unshuffle": (lambda L, x: L.pixel_unshuffle(x, 2), [_arr(1, 2, 4, 2)]),
    "channel_shuffle": (lambda L, x: L.channel_shuffle(x, 2), [_arr(1, 4, 2, 2)]),
    "cosine_similarity": (lambda L, a, b: L.cosine_similarity(a, b, 0), [_arr(3, 4),
                                                                         _arr(3, 4)]),
    "pairwise_distance": (lambda L, a, b: L.pairwise_distance(a, b, 3.0, 1e-6, True),
                          [_arr(3, 4), _arr(3, 4)]),
    "pdist": (lambda L, x: L.pdist(x, 1.5), [_arr(4, 3)]),
    "prelu": (lambda L, x, w: L.prelu(x, w), [_arr(2, 3, 2), _arr(3, lo=0.1, hi=0.5)]),
    "selu": (lambda L, x: L.selu(x), [_arr(3, 4)]),
    "celu": (lambda L, x: L.celu(x, 0.7), [_arr(3, 4)]),
    "rrelu[eval]": (lambda L, x: L.rrelu(x, 0.1, 0.3), [_arr(3, 4)]),
    "hardshrink": (lambda L, x: L.hardshrink(x, 0.3), [_arr(3, 4)]),
    "threshold": (lambda L, x: L.threshold(x, 0.2, -1.0), [_arr(3, 4)]),
    "bilinear": (lambda L, a, b, w, c: L.bilinear(a, b, w, c), [_arr(2, 3), _arr(2, 2),
                                                                _arr(4, 3, 2), _arr(4)]),
    "kl_div": (lambda L, x, t: L.kl_div(x, t), [_arr(3, 4), _arr(3, 4, lo=0.1, hi=1.0)]),
    "kl_div[sum,log_target]": (lambda L, x, t: L.kl_div(x, t, 2, log_target=True),
                               [_arr(3, 4), _arr(3, 4)]),
    "binary_cross_entropy_with_logits": (
        lambda L, x, t: L.binary_cross_entropy_with_logits(
            x, t, L.tensor([0.5, 1.0, 0.7, 0.9], dtype=L.float64),
            L.tensor([2.0, 0.5, 1.0, 1.5], dtype=L.float64), 1),
        [_arr(3, 4), _arr(3, 4, lo=0.0, hi=1.0)]),
    "binary_cross_entropy_with_logits[none]": (
        lambda L, x, t: L.binary_cross_entropy_with_logits(x, t),
        [_arr(3, 4), _arr(3, 4, lo=0.0, hi=1.0)]),
    "margin_ranking_loss": (lambda L, a, b: L.margin_ranking_loss(a, b, L.tensor(
        [1.0, -1.0, 1.0], dtype=L.float64), 0.1, 2), [_arr(3), _arr(3)]),
    "hinge_embedding_loss": (lambda L, x: L.hinge_embedding_loss(x, L.tensor(
        [1.0, -1.0, -1.0], dtype=L.float64), 1.5, 1), [_arr(3)]),
    "cosine_embedding_loss": (lambda L, a, b: L.cosine_embedding_loss(a, b, L.tensor(
        [1.0, -1.0], dtype=L.float64), 0.0, 3), [_arr(2, 3), _arr(2, 3)]),
    "triplet_margin_loss": (lambda L, a, p, n: L.triplet_margin_loss(a, p, n, 1.0, 2.0, 1e-6,
                                                                     True, 1),
                            [_arr(3, 4), _arr(3, 4), _arr(3, 4)]),
    "poisson_nll_loss": (lambda L, x, t: L.poisson_nll_loss(x, t, True, True, 1e-8, 1),
                         [_arr(3, 4), _arr(3, 4, lo=0.5, hi=3.0)]),
    "ctc_loss": (lambda L, lp: L.ctc_loss(lp.log_softmax(2), L.tensor([[1, 2], [1, 1]]),
                                          [5, 4], [2, 2], 0, 1), [_arr(5, 2, 4)]),
    "ctc_loss[none]": (lambda L, lp: L.ctc_loss(lp.log_softmax(2), L.tensor([[1, 2], [1, 1]]),
                                                [5, 4], [2, 2]), [_arr(5, 2, 4)]),
    "max_pool1d": (lambda L, x: L.max_pool1d(x, 2), [_arr(1, 2, 6)]),
    "max_pool1d_with_indices": (lambda L, x: L.max_pool1d_with_indices(x, 3, 2, 1),
                                [_arr(1, 2, 7)]),
    "max_pool2d": (lambda L, x: L.max_pool2d(x, 3, 2, 1, 1, True), [_arr(1, 1, 5, 5)]),
    "max_pool3d": (lambda L, x: L.max_pool3d(x, [2, 2, 2]), [_arr(1, 1, 4, 4, 2)]),
    "avg_pool1d": (lambda L, x: L.avg_pool1d(x, 3, 2, 1, False, False), [_arr(1, 2, 7)]),
    "adaptive_avg_pool1d": (lambda L, x: L.adaptive_avg_pool1d(x, 3), [_arr(1, 2, 7)]),
    "adaptive_max_pool1d": (lambda L, x: L.adaptive_max_pool1d(x, 3), [_arr(1, 2, 7)]),
    "rms_norm": (lambda L, x, w: L.rms_norm(x, [4], w, 1e-6), [_arr(3, 4), _arr(4)]),
    "constant_pad_nd": (lambda L, x: L.constant_pad_nd(x, [1, 2, 0, 1], 0.5), [_arr(2, 3)]),
    "affine_grid_generator": (lambda L, t: L.affine_grid_generator(t, [1, 1, 3, 4], False),
                              [_arr(1, 2, 3)]),
    "grid_sampler": (lambda L, x, g: L.grid_sampler(x, g, 0, 1, True),
                     [_arr(1, 2, 3, 4), _arr(1, 2, 2, 2, lo=-0.9, hi=0.9)]),
    "grid_sampler[nearest,reflection]": (lambda L, x, g: L.grid_sampler(x, g, 1, 2, False),
                                         [_arr(1, 1, 3, 3), _arr(1, 2, 2, 2, lo=-0.9, hi=0.9)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_top_level_form_matches_torch(name: str) -> None:
    call, arrays = CASES[name]
    _compare(call, *arrays)


def test_every_new_form_is_tested() -> None:
    tested = {n.split("[")[0] for n in CASES} | {"dropout_", "alpha_dropout_",
                                                 "feature_alpha_dropout_"}
    assert set(tg._torch_nn_forms.__all__) <= tested


@pytest.mark.parametrize("call", [
    lambda L, x: L.dropout(x, 0.5), lambda L, x: L.alpha_dropout(x),
    lambda L, x: L.poisson_nll_loss(x, x), lambda L, x: L.threshold(x, 0.1),
    lambda L, x: L.batch_norm(x, None, None, None, None),
    lambda L, x: L.selu(x, False)])
def test_required_arguments_are_required(call: Callable[..., Any]) -> None:
    for lib in (torch, tg):
        with pytest.raises(TypeError):
            call(lib, lib.zeros(2, 3))


def test_int_reduction() -> None:
    for lib in (torch, tg):
        x = lib.zeros(2, 3)
        with pytest.raises(TypeError, match="kl_div\\(\\): argument 'reduction' must be int, "
                           "not str"):
            lib.kl_div(x, x, reduction="mean")
        assert lib.kl_div(x, x, reduction=5).shape == (2, 3)  # any other int: none
        assert lib.kl_div(x, x, reduction=2).shape == ()


def test_dropout_in_training_keeps_or_scales() -> None:
    x = tg.ones(200)
    y = tg.dropout(x, 0.25, True).detach().numpy()
    assert np.isclose(y, 0.0).sum() + np.isclose(y, 1 / 0.75).sum() == 200
    assert 0 < (y == 0).sum() < 200


def test_grid_sampler_refuses_an_unknown_mode() -> None:
    with pytest.raises(RuntimeError, match="interpolation_mode"):
        tg.grid_sampler(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 1, 2), 3, 0, False)


@pytest.mark.parametrize("name", ["dropout_", "alpha_dropout_", "feature_alpha_dropout_"])
def test_in_place_dropout_forms(name: str) -> None:
    for lib in (torch, tg):
        x = lib.ones(2, 3, 4)
        assert getattr(lib, name)(x, 0.5, False) is x and x.sum().item() == 24
        with pytest.raises(TypeError):
            getattr(lib, name)(x, 0.5)  # train is required
        with pytest.raises(TypeError, match="argument 'input' \\(position 1\\) must be Tensor"):
            getattr(lib, name)([1.0], 0.5, False)
    x = tg.ones(4, 50, 2)
    tg.alpha_dropout_(x, 0.5, True)
    assert len(np.unique(x.numpy().round(6))) == 2  # kept and dropped values
