"""MultiheadAttention (F.multi_head_attention_forward's module), with PyTorch's parameters."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from . import init
from .linear import Linear
from .module import Module
from .parameter import new_param


def _records_grad(tensors: list[Any]) -> bool:
    """Whether a graph would be recorded through any of ``tensors``."""
    return is_grad_enabled() and any(getattr(t, "requires_grad", False) for t in tensors)


def _is_float(mask: Any) -> bool:
    return mask is not None and F.as_tensor(mask).dtype.kind == "f"


class NonDynamicallyQuantizableLinear(Linear):
    """Linear under the class name PyTorch gives MultiheadAttention.out_proj (same maths)."""


class MultiheadAttention(Module):
    """Attention over H heads: q (L, N, E), k (S, N, kdim), v (S, N, vdim) -> (L, N, E), (N, L, S).

    ``batch_first`` puts N first; unbatched inputs drop N. ``forward`` returns (output,
    weights) like PyTorch's; bool masks mark positions to ignore (``key_padding_mask`` (N, S),
    ``attn_mask`` (L, S) or (N*H, L, S)), float masks are added to the scores.

    Parameters (PyTorch's names and init): ``in_proj_weight`` (3E, E) xavier-uniform, or
    ``q_proj_weight`` / ``k_proj_weight`` / ``v_proj_weight`` when kdim or vdim differ from E;
    ``in_proj_bias`` (3E,) and ``out_proj.bias`` zeros; ``out_proj.weight`` Linear's init;
    ``bias_k`` / ``bias_v`` (1, 1, E) xavier-normal with ``add_bias_kv``.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim="
                             f"{embed_dim} and num_heads={num_heads} instead")
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = new_param((3 * embed_dim, embed_dim), dtype, device)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = new_param((embed_dim, embed_dim), dtype, device)
            self.k_proj_weight = new_param((embed_dim, self.kdim), dtype, device)
            self.v_proj_weight = new_param((embed_dim, self.vdim), dtype, device)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = new_param((3 * embed_dim,), dtype, device)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        device=device, dtype=dtype)
        self.bias_k: Tensor | None = None
        self.bias_v: Tensor | None = None
        if add_bias_kv:
            self.bias_k = new_param((1, 1, embed_dim), dtype, device)
            self.bias_v = new_param((1, 1, embed_dim), dtype, device)
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def _fast_path(self, query: Any, key: Any, value: Any, masks: tuple[Any, Any]) -> bool:
        """Whether PyTorch runs its fused inference kernel here (eval, no gradient, batch-first
        self-attention with bool masks ...). Its values are the plain path's, except that a
        query whose every key is masked gives NaN rather than 0."""
        if any(_is_float(m) for m in masks) or not query is key is value:
            return False
        if F.as_tensor(query).ndim != 3 or self.training or self.num_heads % 2:
            return False
        if not self.batch_first or self.bias_k is not None or self.add_zero_attn:
            return False
        if self.in_proj_weight is None or self.in_proj_bias is None:
            return False
        return not _records_grad([query, self.in_proj_weight, self.in_proj_bias,
                                  self.out_proj.weight, self.out_proj.bias])

    def forward(self, query: Any, key: Any, value: Any, key_padding_mask: Any = None,
                need_weights: bool = True, attn_mask: Any = None,
                average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        # PyTorch's fused kernel normalises like the need_weights path (dead rows -> NaN)
        fused = not need_weights and self._fast_path(query, key, value,
                                                     (key_padding_mask, attn_mask))
        batched = F.as_tensor(query).ndim == 3
        if self.batch_first and batched:
            # keep q is k is v (self-attention) so the packed projection is used, as in PyTorch
            if key is value:
                if query is key:
                    query = key = value = F.as_tensor(query).transpose(1, 0)
                else:
                    query, key = (F.as_tensor(x).transpose(1, 0) for x in (query, key))
                    value = key
            else:
                query, key, value = (F.as_tensor(x).transpose(1, 0) for x in (query, key, value))
        separate: dict[str, Any] = {} if self._qkv_same_embed_dim else {
            "use_separate_proj_weight": True, "q_proj_weight": self.q_proj_weight,
            "k_proj_weight": self.k_proj_weight, "v_proj_weight": self.v_proj_weight}
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights or fused,
            attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal,
            **separate)
        weights = None if fused else weights
        if self.batch_first and batched:
            return out.transpose(1, 0), weights
        return out, weights

    def merge_masks(self, attn_mask: Any, key_padding_mask: Any,
                    query: Any) -> tuple[Tensor | None, int | None]:
        """PyTorch's mask merge for query (N, L, E): the padding mask (N, L) alone is type 1;
        attn_mask (L, L) or (N * H, L, L) expands to (N, H, L, L), plus the padding mask
        as (N, 1, 1, L) if both are given, type 2; (None, None) without masks."""
        merged, mask_type = None, None
        if key_padding_mask is not None:
            merged, mask_type = F.as_tensor(key_padding_mask), 1
        if attn_mask is not None:
            batch, length, _ = F.as_tensor(query).shape
            mask = F.as_tensor(attn_mask)
            if mask.ndim == 3:
                mask = mask.view(batch, -1, length, length)
            else:
                mask = mask.view(1, 1, length, length).expand(batch, self.num_heads, -1, -1)
            if merged is not None:
                mask = mask + merged.view(batch, 1, 1, length).expand(-1, self.num_heads, -1, -1)
            merged, mask_type = mask, 2
        return merged, mask_type


__all__ = ["MultiheadAttention", "NonDynamicallyQuantizableLinear"]
