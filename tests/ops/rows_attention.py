"""Gradient-registry rows for attention: F.scaled_dot_product_attention,
F.multi_head_attention_forward, nn.MultiheadAttention and the Transformer layers.

Every mask kind is drawn (none, bool keep-mask, additive float mask checked as an input too,
causal), with broadcast batch/head axes, grouped-query heads and dropout under a fixed seed.
The layers use gelu (relu's kink would break the finite differences) and dropout 0.
"""

from __future__ import annotations

from tests.ops.cases_nn import layer
from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies
from tinygrad_nn import nn


def _keep_mask(draw: Draw, shape: tuple[int, ...], dead_rows: bool = True) -> np.ndarray:
    keep = draw(tst.arrays(shape=shape, dtype=np.bool_))
    if not dead_rows or draw(st.booleans()):  # keep one position per row; else allow dead
        keep[..., 0] = True  # rows (-> 0 in SDPA; NaN in MHA, so not drawn there)
    return keep


@case({"F.scaled_dot_product_attention": F.scaled_dot_product_attention},
      max_examples=15)
def _sdpa(draw: Draw, form: Any) -> Any:
    lead = draw(st.sampled_from([(), (2,), (2, 2), (1, 2)]))
    length, source, e, ev = (draw(st.integers(1, 3)) for _ in range(4))
    kv_lead = lead
    kw: dict[str, Any] = {}
    if len(lead) == 2 and draw(st.booleans()):  # one shared key/value head (broadcast or GQA)
        kv_lead = (lead[0], 1)
        kw["enable_gqa"] = draw(st.booleans())
    xs = [arr(draw, lead + (length, e)), arr(draw, kv_lead + (source, e)),
          arr(draw, kv_lead + (source, ev))]
    if draw(st.booleans()):
        kw["scale"] = draw(st.sampled_from([0.5, 2.0]))
    p, seed = draw(st.sampled_from([0.0, 0.0, 0.5])), draw(st.integers(0, 2**16))
    kind = draw(st.sampled_from(["none", "bool", "float", "causal"]))
    mask_shape = draw(st.sampled_from([(length, source), (1, source)])) if lead == () else \
        lead[:1] + (1, length, source)[-len(lead) - 1:]
    mask = _keep_mask(draw, mask_shape) if kind == "bool" else None
    kw["is_causal"] = kind == "causal"

    def run(*ts: Any) -> Any:
        tg.manual_seed(seed)  # the same dropout mask at every evaluation of the check
        return form(*ts[:3], attn_mask=ts[3] if kind == "float" else mask, dropout_p=p, **kw)

    if kind == "float":
        return run, xs + [arr(draw, mask_shape)]
    return run, xs


@case({"F.multi_head_attention_forward": F.multi_head_attention_forward}, max_examples=10)
def _mha_forward(draw: Draw, form: Any) -> Any:
    e, heads = draw(st.sampled_from([(2, 1), (4, 2), (3, 3)]))
    length, source, batch = (draw(st.integers(1, 3)) for _ in range(3))
    need_weights, average = draw(st.booleans()), draw(st.booleans())
    pad = _keep_mask(draw, (batch, source), dead_rows=False) if draw(st.booleans()) else None
    if pad is not None:
        pad = ~pad  # MHA masks mark the positions to ignore
    xs = [arr(draw, (length, batch, e)), arr(draw, (source, batch, e)),
          arr(draw, (source, batch, e)), arr(draw, (3 * e, e)), arr(draw, (3 * e,)),
          arr(draw, (e, e)), arr(draw, (e,))]

    def run(q: Any, k: Any, v: Any, w: Any, b: Any, wo: Any, bo: Any) -> Any:
        out, weights = form(q, k, v, e, heads, w, b, None, None, False, 0.0, wo, bo,
                            key_padding_mask=pad, need_weights=need_weights,
                            average_attn_weights=average)
        return out if weights is None else out.sum() + (weights * weights).sum()

    return run, xs


# -- modules: inputs and every parameter ---------------------------------------------------


def _mha(draw: Draw) -> Any:
    e, heads = draw(st.sampled_from([(2, 1), (4, 2)]))
    kw: dict[str, Any] = {"batch_first": draw(st.booleans()), "bias": draw(st.booleans()),
                          "add_bias_kv": draw(st.booleans()),
                          "add_zero_attn": draw(st.booleans())}
    if draw(st.booleans()):
        kw["kdim"], kw["vdim"] = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    m = nn.MultiheadAttention(e, heads, **kw)
    length, source, batch = (draw(st.integers(1, 3)) for _ in range(3))
    kdim, vdim = m.kdim, m.vdim

    def shape(n: int, d: int) -> tuple[int, ...]:
        return (batch, n, d) if kw["batch_first"] else (n, batch, d)

    return _Weights(m), [arr(draw, shape(length, e)), arr(draw, shape(source, kdim)),
                         arr(draw, shape(source, vdim))]


class _Weights(nn.Module):
    """MultiheadAttention whose output is out + the attention weights (both checked)."""

    def __init__(self, attn: nn.MultiheadAttention) -> None:
        super().__init__()
        self.attn = attn

    def forward(self, q: Any, k: Any, v: Any) -> Any:
        out, w = self.attn(q, k, v)
        return out.sum() + (w * w).sum()


layer("nn.MultiheadAttention", _mha, max_examples=8)


def _encoder_layer(draw: Draw) -> Any:
    bf, norm_first = draw(st.booleans()), draw(st.booleans())
    m = nn.TransformerEncoderLayer(4, 2, 3, dropout=0.0, activation="gelu", batch_first=bf,
                                   norm_first=norm_first)
    seq, batch = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    return m, [arr(draw, (batch, seq, 4) if bf else (seq, batch, 4))]


def _decoder_layer(draw: Draw) -> Any:
    norm_first = draw(st.booleans())
    m = nn.TransformerDecoderLayer(4, 2, 3, dropout=0.0, activation="gelu",
                                   norm_first=norm_first)
    t, s, batch = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    return m, [arr(draw, (t, batch, 4)), arr(draw, (s, batch, 4))]


layer("nn.TransformerEncoderLayer", _encoder_layer, max_examples=5)
layer("nn.TransformerDecoderLayer", _decoder_layer, max_examples=2, second_order=False)
