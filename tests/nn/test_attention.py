"""F.scaled_dot_product_attention and nn.MultiheadAttention against PyTorch.

Values and the gradients of every input and parameter are compared in float64 (dropout
off), for every mask kind and layout; float32 stays float32. Dropout, which draws from
the package's own RNG, is checked by its properties.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.nn.attention_helpers import assert_grads, assert_same, backward_both, inputs, pair
from tinygrad_nn import nn

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.torch


def _rand(*shape: int, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed + 17 * len(shape) + sum(shape)).standard_normal(
        shape) * scale


def _sdpa_both(arrays: list[np.ndarray], mask: Any = None, **kw: Any) -> None:
    """Run SDPA on both sides (mask: array or None), compare value and all gradients."""
    ours, theirs = inputs(torch, arrays + ([] if mask is None else [mask]))
    om = tm = None
    if mask is not None:
        om, tm = ours.pop(), theirs.pop()
    out = F.scaled_dot_product_attention(*ours, attn_mask=om, **kw)
    tout = torch.nn.functional.scaled_dot_product_attention(*theirs, attn_mask=tm, **kw)
    assert_same(out, tout)
    backward_both(torch, out, tout)
    pairs = list(zip(ours, theirs)) + ([(om, tm)] if mask is not None else [])
    assert_grads(None, None, pairs)


# -- scaled_dot_product_attention -----------------------------------------------------------


@pytest.mark.parametrize("shapes", [
    ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)),  # (N, H, L, E), Ev != E, S != L
    ((4, 5), (6, 5), (6, 3)),  # unbatched
    ((2, 3, 4, 5), (1, 3, 6, 5), (1, 3, 6, 2)),  # key/value batch broadcast
    ((2, 3, 4, 5), (2, 1, 6, 5), (2, 1, 6, 2)),  # one key/value head for all query heads
    ((2, 3, 4, 5), (3, 6, 5), (3, 6, 2)),  # fewer leading axes
    ((1, 2, 2, 3, 4), (1, 2, 2, 5, 4), (1, 2, 2, 5, 4)),  # more leading axes
])
def test_sdpa_matches_torch_without_mask(shapes: Any) -> None:
    _sdpa_both([_rand(*s, seed=i) for i, s in enumerate(shapes)])


@pytest.mark.parametrize("mask_shape", [(4, 6), (1, 6), (2, 1, 4, 6), (2, 3, 4, 6), (3, 1, 6)])
def test_sdpa_bool_mask_keeps_the_true_positions(mask_shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    keep = rng.random(mask_shape) < 0.6
    keep[..., 0] = True  # every row keeps one position
    _sdpa_both([_rand(2, 3, 4, 5), _rand(2, 3, 6, 5, seed=1), _rand(2, 3, 6, 7, seed=2)], keep)


@pytest.mark.parametrize("mask_shape", [(4, 6), (2, 3, 4, 6), (3, 1, 1)])
def test_sdpa_float_mask_is_added_and_gets_a_gradient(mask_shape: tuple[int, ...]) -> None:
    mask = _rand(*mask_shape, seed=5)
    mask.flat[1] = -np.inf  # -inf entries drop positions
    _sdpa_both([_rand(2, 3, 4, 5), _rand(2, 3, 6, 5, seed=1), _rand(2, 3, 6, 7, seed=2)], mask)


def test_sdpa_takes_a_float32_mask_with_float64_inputs() -> None:
    mask = _rand(4, 6, seed=5).astype(np.float32)
    _sdpa_both([_rand(2, 4, 5), _rand(2, 6, 5, seed=1), _rand(2, 6, 7, seed=2)], mask)


@pytest.mark.parametrize("length,source", [(4, 4), (3, 6), (6, 3)])
def test_sdpa_causal_is_top_left_aligned(length: int, source: int) -> None:
    arrays = [_rand(2, 2, length, 3), _rand(2, 2, source, 3, seed=1), _rand(2, 2, source, 4)]
    _sdpa_both(arrays, is_causal=True)
    # the same as an explicit lower-triangular keep mask (row i sees j <= i)
    keep = np.tril(np.ones((length, source), dtype=bool))
    a = F.scaled_dot_product_attention(*[tg.tensor(x) for x in arrays], is_causal=True)
    b = F.scaled_dot_product_attention(*[tg.tensor(x) for x in arrays], attn_mask=keep)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("scale", [0.1, 2.0, 0.0])
def test_sdpa_scale(scale: float) -> None:
    _sdpa_both([_rand(2, 4, 3), _rand(2, 5, 3, seed=1), _rand(2, 5, 2, seed=2)], scale=scale)


def test_sdpa_grouped_query_attention() -> None:
    _sdpa_both([_rand(2, 6, 4, 3), _rand(2, 2, 5, 3, seed=1), _rand(2, 3, 5, 2, seed=2)],
               enable_gqa=True)


def test_sdpa_fully_masked_rows_give_zero_and_zero_gradient() -> None:
    keep = np.ones((4, 6), dtype=bool)
    keep[1] = False
    _sdpa_both([_rand(2, 4, 3), _rand(2, 6, 3, seed=1), _rand(2, 6, 2, seed=2)], keep)
    minf = np.zeros((4, 6))
    minf[2] = -np.inf
    _sdpa_both([_rand(2, 4, 3), _rand(2, 6, 3, seed=1), _rand(2, 6, 2, seed=2)], minf)
    q = tg.tensor(_rand(2, 4, 3), requires_grad=True)
    out = F.scaled_dot_product_attention(q, tg.tensor(_rand(2, 6, 3)), tg.tensor(_rand(2, 6, 2)),
                                         attn_mask=keep)
    out.sum().backward()
    assert (out.detach().numpy()[:, 1] == 0).all() and (q.grad.numpy()[:, 1] == 0).all()
    assert np.isfinite(q.grad.numpy()).all()


def test_sdpa_is_stable_for_scores_of_1e4() -> None:
    q = _rand(2, 4, 3) * 1e2
    k = _rand(2, 5, 3, seed=1) * 1e2  # scores of order +-1e4
    _sdpa_both([q, k, _rand(2, 5, 2, seed=2)])
    big = np.full((4, 5), -1e4)
    big[:, 0] = 1e4
    _sdpa_both([_rand(2, 4, 3), _rand(2, 5, 3, seed=1), _rand(2, 5, 2, seed=2)], big)


def test_sdpa_keeps_float32() -> None:
    arrays = [_rand(2, 4, 3).astype(np.float32), _rand(2, 5, 3, seed=1).astype(np.float32),
              _rand(2, 5, 2, seed=2).astype(np.float32)]
    keep = np.random.default_rng(3).random((4, 5)) < 0.7
    keep[:, 0] = True
    for kw in [{}, {"attn_mask": keep}, {"is_causal": True},
               {"attn_mask": np.zeros((4, 5), np.float32)}]:
        out = F.scaled_dot_product_attention(*[tg.tensor(a) for a in arrays], **kw)
        tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        tout = torch.nn.functional.scaled_dot_product_attention(
            *[torch.tensor(a) for a in arrays], **tkw)
        assert_same(out, tout, rtol=1e-5, atol=1e-6)


def _sdpa_error(ours_args: list[Any], **kw: Any) -> tuple[str, str]:
    """The messages both libraries raise (both must raise RuntimeError)."""
    with pytest.raises(RuntimeError) as ours:
        F.scaled_dot_product_attention(*[tg.tensor(a) for a in ours_args], **{
            k: tg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()})
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.scaled_dot_product_attention(*[torch.tensor(a) for a in ours_args], **{
            k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()})
    return str(ours.value), str(theirs.value)


def test_sdpa_errors_like_torch() -> None:
    q, k, v = _rand(2, 4, 3), _rand(2, 5, 3), _rand(2, 5, 2)
    ours, theirs = _sdpa_error([q, k, v], attn_mask=np.ones((4, 5), bool), is_causal=True)
    assert ours == theirs
    ours, theirs = _sdpa_error([q, k, v], attn_mask=np.ones((4, 5), np.int64))
    assert "Expected attn_mask dtype to be bool or float" in ours
    assert ours.split(" but")[0] == theirs.split(" but")[0]
    ours, theirs = _sdpa_error([q.astype(np.float32), k.astype(np.float32),
                                v.astype(np.float32)], attn_mask=np.ones((4, 5)))
    assert "Expected attn_mask dtype" in ours and "float64" in ours
    ours, theirs = _sdpa_error([q, k, v.astype(np.float32)])
    assert "same dtype" in ours and "same dtype" in theirs
    ours, theirs = _sdpa_error([q[0, 0], k[0, 0], v[0, 0]])
    assert "at least 2 dimensional" in ours and "at least 2 dimensional" in theirs
    ours, theirs = _sdpa_error([q, k, v], dropout_p=1.5)
    assert ours == theirs
    ours, theirs = _sdpa_error([_rand(2, 6, 4, 3), _rand(2, 4, 5, 3), _rand(2, 4, 5, 2)],
                               enable_gqa=True)
    assert ours.startswith("Number of heads in key and value must divide the number of heads")
    assert theirs.startswith("Number of heads in key and value must divide")
    for bad in ([q, k[..., :2], v], [q, k, v[:, :4]]):
        ours, _ = _sdpa_error(bad)
        assert "key" in ours
    ours, theirs = _sdpa_error([q, k, v], attn_mask=np.ones((3, 5), bool))
    assert "attn_mask of shape (3, 5)" in ours and "(2, 4, 5)" in ours


def test_sdpa_dropout_scales_kept_weights_and_follows_the_seed() -> None:
    q, k = tg.tensor(_rand(3, 4, 3)), tg.tensor(_rand(3, 5, 3, seed=1))
    eye = tg.tensor(np.broadcast_to(np.eye(5), (3, 5, 5)).copy())  # out = attention weights
    weights = F.scaled_dot_product_attention(q, k, eye).numpy()
    tg.manual_seed(7)
    dropped = F.scaled_dot_product_attention(q, k, eye, dropout_p=0.4).numpy()
    tg.manual_seed(7)
    again = F.scaled_dot_product_attention(q, k, eye, dropout_p=0.4).numpy()
    np.testing.assert_array_equal(dropped, again)
    kept = dropped != 0
    assert 0 < kept.sum() < kept.size
    np.testing.assert_allclose(dropped[kept], weights[kept] / 0.6, rtol=1e-12)
    zero = F.scaled_dot_product_attention(q, k, eye, dropout_p=1.0).numpy()
    assert (zero == 0).all()


# -- MultiheadAttention --------------------------------------------------------------------


def _mha_case(cfg: dict[str, Any], length: int = 3, source: int = 4, batch: int = 2,
              self_attention: bool = False, batched: bool = True,
              **fwd: Any) -> None:
    ours, theirs = pair(nn.MultiheadAttention, torch.nn.MultiheadAttention, **cfg)
    e = cfg["embed_dim"]
    kdim, vdim = cfg.get("kdim") or e, cfg.get("vdim") or e

    def shape(n: int, d: int) -> tuple[int, ...]:
        if not batched:
            return (n, d)
        return (batch, n, d) if cfg.get("batch_first") else (n, batch, d)

    if self_attention:
        (x,), (tx,) = inputs(torch, [_rand(*shape(length, e))])
        oq = ok = ov = x
        tq = tk = tv = tx
        pairs = [(x, tx)]
    else:
        (oq, ok, ov), (tq, tk, tv) = inputs(torch, [
            _rand(*shape(length, e)), _rand(*shape(source, kdim), seed=1),
            _rand(*shape(source, vdim), seed=2)])
        pairs = [(oq, tq), (ok, tk), (ov, tv)]
    okw = {k: tg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    out, w = ours(oq, ok, ov, **okw)
    tout, tw = theirs(tq, tk, tv, **tkw)
    assert_same(out, tout)
    if tw is None:
        assert w is None
    else:
        assert_same(w, tw)
    loss, tloss = out, tout
    if w is not None:  # the weights' gradient flows too
        loss = out.sum() + (w * w).sum()
        tloss = tout.sum() + (tw * tw).sum()
    backward_both(torch, loss, tloss)
    assert_grads(ours, theirs, pairs)


CONFIGS = [
    {"embed_dim": 4, "num_heads": 2},
    {"embed_dim": 6, "num_heads": 3, "batch_first": True},
    {"embed_dim": 4, "num_heads": 1, "bias": False},
    {"embed_dim": 4, "num_heads": 2, "add_bias_kv": True},
    {"embed_dim": 4, "num_heads": 2, "add_zero_attn": True},
    {"embed_dim": 4, "num_heads": 2, "add_bias_kv": True, "add_zero_attn": True},
    {"embed_dim": 4, "num_heads": 2, "kdim": 3, "vdim": 5},
    {"embed_dim": 4, "num_heads": 2, "kdim": 3, "vdim": 5, "batch_first": True},
]


@pytest.mark.parametrize("cfg", CONFIGS)
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_matches_torch(cfg: dict[str, Any], need_weights: bool) -> None:
    _mha_case(cfg, need_weights=need_weights)
    _mha_case(cfg, batched=False, need_weights=need_weights)
    if "kdim" not in cfg:
        _mha_case(cfg, self_attention=True, source=3, need_weights=need_weights)


@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_per_head_weights(batch_first: bool) -> None:
    cfg = {"embed_dim": 4, "num_heads": 2, "batch_first": batch_first}
    _mha_case(cfg, average_attn_weights=False)
    _mha_case(cfg, batched=False, average_attn_weights=False)


def _masks(length: int, source: int, batch: int, heads: int) -> dict[str, list[np.ndarray]]:
    rng = np.random.default_rng(4)
    pad = rng.random((batch, source)) < 0.4
    pad[:, 0] = False  # every row keeps one key
    block = rng.random((length, source)) < 0.4
    block[:, 0] = False
    block3 = rng.random((batch * heads, length, source)) < 0.4
    block3[..., 0] = False
    return {"key_padding_mask": [pad, np.where(pad, -np.inf, 0.0), rng.standard_normal(
        (batch, source))],
            "attn_mask": [block, block3, np.where(block, -np.inf, 0.0),
                          rng.standard_normal((batch * heads, length, source))]}


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_masks_match_torch(batch_first: bool, need_weights: bool) -> None:
    cfg = {"embed_dim": 4, "num_heads": 2, "batch_first": batch_first}
    masks = _masks(3, 4, 2, 2)
    for kpm in masks["key_padding_mask"]:
        _mha_case(cfg, key_padding_mask=kpm, need_weights=need_weights)
    for am in masks["attn_mask"]:
        _mha_case(cfg, attn_mask=am, need_weights=need_weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's mixed-mask-types deprecation (checked below)
        for kpm in masks["key_padding_mask"][:2]:
            for am in masks["attn_mask"][::2]:
                _mha_case(cfg, key_padding_mask=kpm, attn_mask=am, need_weights=need_weights)
    cfg_kv = dict(cfg, add_bias_kv=True, add_zero_attn=True)
    _mha_case(cfg_kv, key_padding_mask=masks["key_padding_mask"][0],
              attn_mask=masks["attn_mask"][1], need_weights=need_weights)


def test_mha_unbatched_masks() -> None:
    cfg = {"embed_dim": 4, "num_heads": 2}
    pad = np.array([False, True, False, True])
    block = np.random.default_rng(0).random((2, 3, 4)) < 0.3
    block[..., 0] = False
    for need_weights in (True, False):
        _mha_case(cfg, batched=False, key_padding_mask=pad, need_weights=need_weights)
        _mha_case(cfg, batched=False, attn_mask=block, need_weights=need_weights)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_is_causal_hint(need_weights: bool) -> None:
    causal = np.triu(np.full((3, 3), -np.inf), 1)
    cfg = {"embed_dim": 4, "num_heads": 2}
    _mha_case(cfg, self_attention=True, source=3, attn_mask=causal, is_causal=True,
              need_weights=need_weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's mixed-mask-types deprecation
        _mha_case(cfg, self_attention=True, source=3, attn_mask=causal, is_causal=True,
                  need_weights=need_weights,
                  key_padding_mask=np.array([[False, False, True]] * 2))
    m = nn.MultiheadAttention(4, 2)
    x = tg.tensor(_rand(3, 2, 4))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(x, x, x, is_causal=True)


def test_mha_fully_masked_rows_as_torch() -> None:
    cfg = {"embed_dim": 4, "num_heads": 2}
    ours, theirs = pair(nn.MultiheadAttention, torch.nn.MultiheadAttention, **cfg)
    x = _rand(3, 2, 4)
    block = np.zeros((3, 4), dtype=bool)
    block[1] = True  # query 1 sees nothing
    for need_weights in (True, False):
        out, _ = ours(tg.tensor(x), tg.tensor(_rand(4, 2, 4)), tg.tensor(_rand(4, 2, 4)),
                      attn_mask=tg.tensor(block), need_weights=need_weights)
        tout, _ = theirs(torch.tensor(x), torch.tensor(_rand(4, 2, 4)),
                         torch.tensor(_rand(4, 2, 4)), attn_mask=torch.tensor(block),
                         need_weights=need_weights)
        np.testing.assert_array_equal(np.isnan(out.detach().numpy()),
                                      np.isnan(tout.detach().numpy()))
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-9,
                                   atol=1e-11)
        # NaN with weights, else out_proj.bias
        assert np.isnan(out.detach().numpy()).any() == need_weights


def test_mha_parameters_match_torch() -> None:
    for cfg in CONFIGS:
        ours, theirs = nn.MultiheadAttention(**cfg), torch.nn.MultiheadAttention(**cfg)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert ours.in_proj_weight is None or ours.in_proj_weight.dtype == tg.float32
        assert repr(ours) == repr(theirs)
        for name in ("embed_dim", "kdim", "vdim", "num_heads", "head_dim", "batch_first",
                     "dropout", "add_zero_attn", "_qkv_same_embed_dim"):
            assert getattr(ours, name) == getattr(theirs, name), name


def test_mha_initialisation_distributions() -> None:
    tg.manual_seed(0)
    e = 64
    m = nn.MultiheadAttention(e, 4, add_bias_kv=True)
    bound = math.sqrt(6.0 / (e + 3 * e))  # xavier-uniform of the (3E, E) packed weight
    w = m.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    assert (m.in_proj_bias.detach().numpy() == 0).all()
    assert (m.out_proj.bias.detach().numpy() == 0).all()
    assert np.abs(m.out_proj.weight.detach().numpy()).max() <= 1 / math.sqrt(e)
    bk = np.concatenate([nn.MultiheadAttention(e, 4,
                                               add_bias_kv=True).bias_k.detach().numpy().ravel()
                         for _ in range(20)])
    assert abs(bk.std() - math.sqrt(2.0 / (e + e))) < 0.15 * math.sqrt(2.0 / (e + e))
    sep = nn.MultiheadAttention(e, 4, kdim=16, vdim=32)
    assert np.abs(sep.k_proj_weight.detach().numpy()).max() <= math.sqrt(6.0 / (e + 16))


def test_mha_errors() -> None:
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        nn.MultiheadAttention(0, 2)
    m = nn.MultiheadAttention(4, 2)
    x = tg.tensor(_rand(3, 2, 4).astype(np.float32))
    with pytest.raises(AssertionError, match="expected `key` and `value` to be 3-D"):
        m(x, tg.tensor(_rand(3, 4)), x)
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 4"):
        m(tg.tensor(_rand(3, 2, 6).astype(np.float32)), x, x)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is \(2, 3\)"):
        m(x, x, x, attn_mask=tg.tensor(np.zeros((2, 3), dtype=bool)))
    with pytest.raises(RuntimeError, match="The shape of the 3D attn_mask"):
        m(x, x, x, attn_mask=tg.tensor(np.zeros((2, 3, 3), dtype=bool)))
    with pytest.raises(AssertionError, match="only bool and floating types of key_padding_mask"):
        m(x, x, x, key_padding_mask=tg.tensor(np.zeros((2, 3), dtype=np.int64)))
    with pytest.raises(AssertionError, match="query should be unbatched 2D or batched 3D"):
        m(tg.tensor(_rand(4)), tg.tensor(_rand(4)), tg.tensor(_rand(4)))
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask"):
        m(x, x, x, key_padding_mask=tg.tensor(np.zeros((2, 3), dtype=bool)),
          attn_mask=tg.tensor(np.zeros((3, 3), np.float32)))


def test_mha_float32_and_dropout_in_training() -> None:
    m = nn.MultiheadAttention(4, 2, dropout=0.5)
    x = tg.tensor(_rand(3, 2, 4).astype(np.float32))
    out, w = m(x, x, x)
    assert out.dtype == tg.float32 and w is not None and w.dtype == tg.float32
    rows = w.detach().numpy().sum(-1)  # averaged dropped weights: rows no longer sum to 1
    assert not np.allclose(rows, 1.0)
    m.eval()
    _, w = m(x, x, x)
    assert w is not None
    np.testing.assert_allclose(w.detach().numpy().sum(-1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("grad", [False, True])
def test_mha_fused_inference_path_gives_nan_for_dead_rows_like_torch(grad: bool) -> None:
    """PyTorch's fused kernel (eval, no grad, batch-first self-attention, bool masks) gives NaN
    where the plain need_weights=False path gives 0; elsewhere both agree."""
    ours, theirs = pair(nn.MultiheadAttention, torch.nn.MultiheadAttention, embed_dim=4,
                        num_heads=2, batch_first=True)
    x = _rand(3, 5, 4)
    pad = np.array([[False] * 5, [False] * 3 + [True] * 2, [True] * 5])
    block = np.zeros((5, 5), dtype=bool)
    block[2] = True
    nans = []
    for kw in [{"key_padding_mask": pad}, {"attn_mask": block},
               {"attn_mask": np.where(block, -np.inf, 0.0)}]:
        with tg.set_grad_enabled(grad):
            xt = tg.tensor(x)
            out, w = ours(xt, xt, xt, need_weights=False,
                          **{k: tg.tensor(v) for k, v in kw.items()})
        with torch.set_grad_enabled(grad):
            tx = torch.tensor(x)
            tout, tw = theirs(tx, tx, tx, need_weights=False,
                              **{k: torch.tensor(v) for k, v in kw.items()})
        assert w is None and tw is None
        np.testing.assert_array_equal(np.isnan(out.detach().numpy()),
                                      np.isnan(tout.detach().numpy()))
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-9,
                                   atol=1e-11)
        nans.append(bool(np.isnan(out.detach().numpy()).any()))
    assert nans == [not grad, not grad, False]  # float masks never take the fused kernel


def test_multi_head_attention_forward_with_static_keys_matches_torch() -> None:
    e, heads, length, source, batch = 4, 2, 3, 5, 2
    arrays = [_rand(length, batch, e), _rand(source, batch, e, seed=1),
              _rand(source, batch, e, seed=2), _rand(3 * e, e, seed=3), _rand(3 * e, seed=4),
              _rand(e, e, seed=5), _rand(e, seed=6), _rand(batch * heads, 6, e // heads, seed=7),
              _rand(batch * heads, 6, e // heads, seed=8)]
    ours, theirs = inputs(torch, arrays)

    def call(f: Any, t: list[Any]) -> Any:
        return f(t[0], t[1], t[2], e, heads, t[3], t[4], None, None, False, 0.0, t[5], t[6],
                 static_k=t[7], static_v=t[8], average_attn_weights=False)

    out, w = call(F.multi_head_attention_forward, ours)
    tout, tw = call(torch.nn.functional.multi_head_attention_forward, theirs)
    assert_same(out, tout)
    assert_same(w, tw)
    backward_both(torch, out.sum() + (w * w).sum(), tout.sum() + (tw * tw).sum())
    assert_grads(None, None, list(zip(ours, theirs)))


def test_mha_dtype_argument() -> None:
    m = nn.MultiheadAttention(4, 2, dtype=tg.float64, kdim=3)
    assert {p.dtype for p in m.parameters()} == {tg.float64}
    layer = nn.TransformerDecoderLayer(4, 2, 6, dtype=tg.float64)
    assert {p.dtype for p in layer.parameters()} == {tg.float64}
    out = layer(tg.randn(3, 2, 4, dtype=tg.float64), tg.randn(5, 2, 4, dtype=tg.float64))
    assert out.dtype == tg.float64
