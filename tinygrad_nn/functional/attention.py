"""Attention as composites: scaled_dot_product_attention and multi_head_attention_forward.

Both are written with matmul, softmax, masked_fill and dropout, so the engine derives first
and second derivatives. They follow PyTorch 2.x on CPU, including its two mask conventions:
``scaled_dot_product_attention`` takes a bool mask where True means *take part*, while
``multi_head_attention_forward`` (and ``nn.MultiheadAttention``) take bool masks where True
means *ignore*; a float mask is added to the scores in both.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._scope import composite
from .._warn import user_stacklevel
from ..tensor import Tensor
from ..tensor_functions import concatenate
from .basic import as_tensor, linear, softmax
from .dropout import dropout
from .pad import pad


def _opt(x: Any) -> Tensor | None:
    return None if x is None else as_tensor(x)


def _dtype_name(x: Tensor) -> str:
    return str(x.dtype)


def _bias_from_keep_mask(mask: Tensor, query: Tensor) -> Tensor:
    """An SDPA mask as an additive bias: bool (True = take part) -> 0 / -inf; float as given."""
    if mask.dtype == np.bool_:
        return as_tensor(np.where(mask._data, 0.0, -np.inf).astype(query.dtype))
    if mask.dtype not in (np.float32, query.dtype):  # PyTorch: bool, float32 or query's
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
            f"attn_mask.dtype: {_dtype_name(mask)} and  query.dtype: {_dtype_name(query)} "
            "instead.")
    return mask


def _safe_softmax(scores: Tensor) -> Tensor:
    """softmax over the last axis, with rows whose scores are all -inf giving 0 (not NaN).

    PyTorch's SDPA does the same (``_safe_softmax``). The fully masked rows are set to 0
    before the softmax too, so their gradient is 0 rather than NaN.
    """
    dead = np.isneginf(scores._data).all(-1, keepdims=True)
    if not dead.any():
        return softmax(scores, dim=-1)
    return softmax(scores.masked_fill(dead, 0.0), dim=-1).masked_fill(dead, 0.0)


def _check_sdpa(q: Tensor, k: Tensor, v: Tensor) -> None:
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
            f"{q.ndim} key.dim: {k.ndim} and value.dim: {v.ndim} instead.")
    if not q.dtype == k.dtype == v.dtype:
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{_dtype_name(q)} key.dtype: {_dtype_name(k)} and value.dtype: {_dtype_name(v)} "
            "instead.")
    if q.dtype.kind != "f":
        raise RuntimeError(f"scaled_dot_product_attention: expected floating-point query, key "
                           f"and value, got {_dtype_name(q)}")
    if k.shape[-1] != q.shape[-1]:
        raise RuntimeError(f"scaled_dot_product_attention: key's embedding size {k.shape[-1]} "
                           f"must equal query's {q.shape[-1]} (query (..., L, E), key (..., S, E))")
    if k.shape[-2] != v.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: key has {k.shape[-2]} positions but "
                           f"value has {v.shape[-2]} (key (..., S, E), value (..., S, Ev))")


def _repeat_kv_heads(q: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
    """Grouped-query attention: repeat each key/value head over its group of query heads."""
    hq, hk, hv = q.shape[-3], k.shape[-3], v.shape[-3]
    if hq % hk or hq % hv:
        raise RuntimeError("Number of heads in key and value must divide the number of heads in "
                           f"query, got query heads {hq}, key heads {hk}, value heads {hv}")
    return k.repeat_interleave(hq // hk, dim=-3), v.repeat_interleave(hq // hv, dim=-3)


@composite
def scaled_dot_product_attention(query: Any, key: Any, value: Any, attn_mask: Any = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, *,
                                 scale: float | None = None, enable_gqa: bool = False) -> Tensor:
    """softmax(q @ k.T * scale + mask) @ v; q (*, L, E), k (*, S, E), v (*, S, Ev) -> (*, L, Ev).

    ``scale`` defaults to 1/sqrt(E). ``attn_mask`` broadcasts to (..., L, S): a bool mask keeps
    the positions that are True, a float mask (query's dtype) is added to the scores.
    ``is_causal`` keeps position j for query i when j <= i (top-left aligned, as PyTorch's, also
    when L != S). Rows with no position left give 0. ``dropout_p`` > 0 drops attention weights
    (always: there is no training flag) with the package's RNG. ``enable_gqa`` lets key and
    value have fewer heads (axis -3) than query, each shared by a group of query heads.
    Leading (batch, head) axes broadcast like matmul's.
    """
    q, k, v = as_tensor(query), as_tensor(key), as_tensor(value)
    _check_sdpa(q, k, v)
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True")
    if enable_gqa and q.ndim >= 3 and k.ndim >= 3 and v.ndim >= 3:
        k, v = _repeat_kv_heads(q, k, v)
    length, source = q.shape[-2], k.shape[-2]
    factor = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    scores = (q @ k.mT) * factor
    if is_causal:
        keep = np.tril(np.ones((length, source), dtype=np.bool_))
        scores = scores.masked_fill(~keep, float("-inf"))
    elif attn_mask is not None:
        bias = _bias_from_keep_mask(as_tensor(attn_mask), q)
        try:
            np.broadcast_shapes(bias.shape, scores.shape)
        except ValueError:
            raise RuntimeError(f"scaled_dot_product_attention: attn_mask of shape "
                               f"{tuple(bias.shape)} "
                               f"does not broadcast to the scores' shape {tuple(scores.shape)} "
                               "(..., L, S)") from None
        scores = scores + bias
    weights = _safe_softmax(scores)
    if dropout_p > 1.0:  # PyTorch raises RuntimeError here (F.dropout raises ValueError)
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p)
    return weights @ v


# -- multi-head attention (PyTorch's F.multi_head_attention_forward) ------------------------


def _canonical_mask(mask: Tensor | None, name: str, other: Tensor | None, other_name: str,
                    dtype: Any) -> Tensor | None:
    """An MHA mask as an additive float mask: bool (True = ignore) -> -inf / 0; float as given.

    Warns, as PyTorch does, when ``other`` (the other mask) has a different dtype.
    """
    if mask is None:
        return None
    if mask.dtype != np.bool_ and mask.dtype.kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported")
    if other is not None and mask.dtype != other.dtype:
        warnings.warn(f"Support for mismatched {name} and {other_name} is deprecated. Use same "
                      "type for both instead.", UserWarning, stacklevel=user_stacklevel())
    if mask.dtype == np.bool_:
        return as_tensor(np.where(mask._data, -np.inf, 0.0).astype(dtype))
    return mask


def _mha_shape_check(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | None,
                     attn_mask: Tensor | None, num_heads: int) -> bool:
    """PyTorch's checks of the MHA input ranks; True when the input is batched (3-D)."""
    if query.ndim not in (2, 3):
        raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                             f"{query.ndim}-D query tensor")
    batched = query.ndim == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be "
                             f"{query.ndim}-D but found {key.ndim}-D and {value.ndim}-D tensors "
                             "respectively")
    if kpm is not None and kpm.ndim != query.ndim - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                             f"{query.ndim - 1}-D but found {kpm.ndim}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.ndim not in (2, 3):
            raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or "
                                 f"3-D but found {attn_mask.ndim}-D tensor instead")
        expected = (num_heads, query.shape[0], key.shape[0])
        if not batched and attn_mask.ndim == 3 and attn_mask.shape != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                 f"{tuple(attn_mask.shape)}")
    return batched


def _in_projection(q: Tensor, k: Tensor, v: Tensor, weights: list[Tensor],
                   bias: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
    """The q, k, v projections; one packed matmul when q, k and v are the same tensor."""
    b = [None] * 3 if bias is None else list(bias.chunk(3))
    if len(weights) == 1 and q is k and k is v:  # self-attention: one (3E, E) projection
        e = weights[0].shape[0] // 3
        packed = linear(q, weights[0], bias)
        return packed[..., :e], packed[..., e:2 * e], packed[..., 2 * e:]
    w = list(weights[0].chunk(3)) if len(weights) == 1 else weights
    return linear(q, w[0], b[0]), linear(k, w[1], b[1]), linear(v, w[2], b[2])


def _check_attn_mask(attn_mask: Tensor | None, length: int, source: int, batch: int,
                     num_heads: int) -> Tensor | None:
    """Check the attention mask's shape and make it 3-D: (1 or N*H, L, S)."""
    if attn_mask is not None:
        if attn_mask.ndim == 2:
            if attn_mask.shape != (length, source):
                raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, "
                                   f"but "
                                   f"should be {(length, source)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.shape != (batch * num_heads, length, source):
            raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but "
                               f"should "
                               f"be {(batch * num_heads, length, source)}.")
    return attn_mask


@composite
def multi_head_attention_forward(
        query: Any, key: Any, value: Any, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Any, in_proj_bias: Any, bias_k: Any, bias_v: Any, add_zero_attn: bool,
        dropout_p: float, out_proj_weight: Any, out_proj_bias: Any, training: bool = True,
        key_padding_mask: Any = None, need_weights: bool = True, attn_mask: Any = None,
        use_separate_proj_weight: bool = False, q_proj_weight: Any = None,
        k_proj_weight: Any = None, v_proj_weight: Any = None, static_k: Any = None,
        static_v: Any = None, average_attn_weights: bool = True, is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention, sequence first: q (L, N, E), k (S, N, Ek), v (S, N, Ev) -> (L, N, E).

    Unbatched inputs drop N. Returns (output, weights); weights are (N, L, S) averaged over
    heads, (N, H, L, S) with ``average_attn_weights=False``, None with ``need_weights=False``.
    Bool masks mark the positions to *ignore*: ``key_padding_mask`` (N, S), ``attn_mask``
    (L, S) or (N*H, L, S); float masks are added to the scores. As in PyTorch, rows with
    every position masked are NaN when the weights are returned and 0 otherwise.
    """
    query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
    kpm, mask = _opt(key_padding_mask), _opt(attn_mask)
    batched = _mha_shape_check(query, key, value, kpm, mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        kpm = None if kpm is None else kpm.unsqueeze(0)
    length, batch, embed_dim = query.shape
    kpm = _canonical_mask(kpm, "key_padding_mask", mask, "attn_mask", query.dtype)
    if is_causal and mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if is_causal and kpm is None and not need_weights:
        mask = None  # SDPA applies the causal mask itself
    else:
        mask = _canonical_mask(mask, "attn_mask", None, "", query.dtype)
        if kpm is not None:
            is_causal = False  # the merged mask is no longer causal
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {tuple(key.shape[:2])} do not "
                                 f"match "
                                 f"value's {tuple(value.shape[:2])}")
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is True but q_proj_weight, "
                                 "k_proj_weight or v_proj_weight is None")
        weights = [as_tensor(q_proj_weight), as_tensor(k_proj_weight), as_tensor(v_proj_weight)]
    else:
        if key.shape != value.shape:
            raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape "
                                 f"{tuple(value.shape)}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        weights = [as_tensor(in_proj_weight)]
    q, k, v = _in_projection(query, key, value, weights, _opt(in_proj_bias))
    mask = _check_attn_mask(mask, length, key.shape[0], batch, num_heads)

    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError("bias cannot be added to static key or value.")
        k = concatenate([k, as_tensor(bias_k).repeat(1, batch, 1)])
        v = concatenate([v, as_tensor(bias_v).repeat(1, batch, 1)])
        mask = None if mask is None else pad(mask, (0, 1))
        kpm = None if kpm is None else pad(kpm, (0, 1))
    elif bias_k is not None or bias_v is not None:
        raise AssertionError("bias_k and bias_v must be given together")

    # heads become part of the batch: (L, N, H*D) -> (N*H, L, D), index n*H + h
    q = q.reshape(length, batch * num_heads, head_dim).transpose(0, 1)
    k = _heads(k, static_k, batch * num_heads, head_dim, "static_k")
    v = _heads(v, static_v, batch * num_heads, head_dim, "static_v")
    if add_zero_attn:
        zeros = (batch * num_heads, 1, head_dim)
        k = concatenate([k, k.new_zeros(zeros)], 1)
        v = concatenate([v, v.new_zeros(zeros)], 1)
        mask = None if mask is None else pad(mask, (0, 1))
        kpm = None if kpm is None else pad(kpm, (0, 1))
    source = k.shape[1]
    if kpm is not None:
        if kpm.shape != (batch, source):
            raise AssertionError(f"Expected key_padded_mask.shape to be {(batch, source)}, but "
                                 f"got {tuple(kpm.shape)}")
        kpm = kpm.reshape(batch, 1, 1, source).expand(-1, num_heads, -1, -1).reshape(
            batch * num_heads, 1, source)
        mask = kpm if mask is None else mask + kpm
    if not training:
        dropout_p = 0.0

    if need_weights:
        if is_causal and mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        scores = (q * math.sqrt(1.0 / head_dim)) @ k.transpose(-2, -1)
        if mask is not None:
            scores = scores + mask
        attn = softmax(scores, dim=-1)  # PyTorch's plain softmax here: dead rows are NaN
        if dropout_p > 0.0:
            attn = dropout(attn, p=dropout_p)
        out = (attn @ v).transpose(0, 1).reshape(length * batch, embed_dim)
        attn = attn.reshape(batch, num_heads, length, source)
        if average_attn_weights:
            attn = attn.mean(dim=1)
        out = linear(out, as_tensor(out_proj_weight), _opt(out_proj_bias))
        out = out.reshape(length, batch, out.shape[-1])
        if not batched:
            return out.squeeze(1), attn.squeeze(0)
        return out, attn

    if mask is not None:
        mask = mask.unsqueeze(0) if mask.shape[0] == 1 else mask.reshape(
            batch, num_heads, -1, source)
    out = scaled_dot_product_attention(
        q.reshape(batch, num_heads, length, head_dim), k.reshape(batch, num_heads, source,
                                                                 head_dim),
        v.reshape(batch, num_heads, source, head_dim), mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(batch * length, embed_dim)
    out = linear(out, as_tensor(out_proj_weight), _opt(out_proj_bias))
    out = out.reshape(length, batch, out.shape[-1])
    return (out if batched else out.squeeze(1)), None


def _heads(x: Tensor, static: Any, batch_heads: int, head_dim: int, name: str) -> Tensor:
    """(S, N, H*D) -> (N*H, S, D), or the given static (N*H, S, D) keys/values."""
    if static is None:
        return x.reshape(x.shape[0], batch_heads, head_dim).transpose(0, 1)
    static = as_tensor(static)
    if static.shape[0] != batch_heads:
        raise AssertionError(f"expecting {name}.size(0) of {batch_heads}, but got "
                             f"{static.shape[0]}")
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got "
                             f"{static.shape[2]}")
    return static


__all__ = ["multi_head_attention_forward", "scaled_dot_product_attention"]
