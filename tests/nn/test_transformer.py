"""nn.TransformerEncoderLayer / DecoderLayer / Encoder / Decoder / Transformer against PyTorch.

Each check builds torch's module, loads its state_dict into ours and compares outputs and
the gradients of every parameter and input in float64, eval mode (dropout off): masks of
each kind, batch_first both ways, unbatched input, norm_first, gelu and a callable activation.
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

pytestmark = [pytest.mark.torch,
              pytest.mark.filterwarnings("ignore:enable_nested_tensor is True"),
              pytest.mark.filterwarnings("ignore:Support for mismatched"),
              pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")]

D, H, FF = 4, 2, 6


def _rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed + 31 * sum(shape)).standard_normal(shape)


def _layout(seq: int, batch: int, batch_first: bool, batched: bool = True) -> tuple[int, ...]:
    if not batched:
        return (seq, D)
    return (batch, seq, D) if batch_first else (seq, batch, D)


def _run(ours: Any, theirs: Any, arrays: list[np.ndarray], **fwd: Any) -> None:
    """ours(*arrays, **fwd) vs theirs(...): value and every gradient."""
    oin, tin = inputs(torch, arrays)
    okw = {k: tg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    out, tout = ours(*oin, **okw), theirs(*tin, **tkw)
    assert_same(out, tout)
    backward_both(torch, out, tout)
    assert_grads(ours, theirs, list(zip(oin, tin)))


def _cfg(**kw: Any) -> dict[str, Any]:
    return {"d_model": D, "nhead": H, "dim_feedforward": FF, **kw}


def _pad(batch: int, seq: int, seed: int = 0) -> np.ndarray:
    pad = np.random.default_rng(seed).random((batch, seq)) < 0.4
    pad[:, 0] = False  # every sequence keeps its first position
    return pad


LAYER_CFGS = [
    {}, {"batch_first": True}, {"norm_first": True}, {"activation": "gelu"},
    {"activation": F.gelu, "norm_first": True, "batch_first": True},
    {"activation": nn.GELU()}, {"bias": False}, {"layer_norm_eps": 1e-3},
]


def _torch_cfg(cfg: dict[str, Any]) -> dict[str, Any]:
    act = cfg.get("activation")
    if act is F.gelu:
        return dict(cfg, activation=torch.nn.functional.gelu)
    if isinstance(act, nn.GELU):
        return dict(cfg, activation=torch.nn.GELU())
    return cfg


def _pair(ours_cls: Any, theirs_cls: Any, cfg: dict[str, Any], *args: Any) -> tuple[Any, Any]:
    theirs = theirs_cls(*args, **_torch_cfg(cfg)).double().eval()
    ours = ours_cls(*args, **cfg).double().eval()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _ids(cfgs: list[dict[str, Any]]) -> list[str]:
    return [",".join(f"{k}={getattr(v, '__name__', type(v).__name__) if callable(v) else v}"
                     for k, v in c.items()) or "default" for c in cfgs]


@pytest.mark.parametrize("cfg", LAYER_CFGS, ids=_ids(LAYER_CFGS))
def test_encoder_layer_matches_torch(cfg: dict[str, Any]) -> None:
    ours, theirs = _pair(nn.TransformerEncoderLayer, torch.nn.TransformerEncoderLayer, _cfg(**cfg))
    bf = cfg.get("batch_first", False)
    x = _rand(*_layout(5, 3, bf))
    _run(ours, theirs, [x])
    _run(ours, theirs, [x], src_key_padding_mask=_pad(3, 5))
    _run(ours, theirs, [x], src_key_padding_mask=np.where(_pad(3, 5), -np.inf, 0.0))
    causal = np.triu(np.full((5, 5), -np.inf), 1)
    _run(ours, theirs, [x], src_mask=causal)
    _run(ours, theirs, [x], src_mask=causal, is_causal=True)
    _run(ours, theirs, [x], src_mask=np.triu(np.ones((5, 5), bool), 1))
    _run(ours, theirs, [x], src_mask=_rand(3 * H, 5, 5, seed=2))
    _run(ours, theirs, [_rand(5, D)])  # unbatched
    _run(ours, theirs, [_rand(5, D)], src_key_padding_mask=_pad(1, 5)[0])


@pytest.mark.parametrize("cfg", LAYER_CFGS, ids=_ids(LAYER_CFGS))
def test_decoder_layer_matches_torch(cfg: dict[str, Any]) -> None:
    ours, theirs = _pair(nn.TransformerDecoderLayer, torch.nn.TransformerDecoderLayer, _cfg(**cfg))
    bf = cfg.get("batch_first", False)
    tgt, mem = _rand(*_layout(4, 2, bf)), _rand(*_layout(5, 2, bf), seed=1)
    causal = np.triu(np.full((4, 4), -np.inf), 1)
    _run(ours, theirs, [tgt, mem])
    _run(ours, theirs, [tgt, mem], tgt_mask=causal, tgt_is_causal=True)
    _run(ours, theirs, [tgt, mem], tgt_mask=causal, memory_mask=_rand(4, 5, seed=3),
         tgt_key_padding_mask=_pad(2, 4), memory_key_padding_mask=_pad(2, 5, seed=1))
    _run(ours, theirs, [_rand(4, D), _rand(5, D, seed=1)], tgt_mask=causal)  # unbatched


@pytest.mark.parametrize("cfg", [{}, {"batch_first": True}, {"norm_first": True}],
                         ids=["default", "batch_first", "norm_first"])
@pytest.mark.parametrize("norm", [False, True])
def test_encoder_and_decoder_stacks_match_torch(cfg: dict[str, Any], norm: bool) -> None:
    full = _cfg(**cfg)
    theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(**full), 2,
                                         torch.nn.LayerNorm(D) if norm else None).double().eval()
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(**full), 2,
                                 nn.LayerNorm(D) if norm else None).double().eval()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    bf = cfg.get("batch_first", False)
    x = _rand(*_layout(5, 3, bf))
    causal = np.triu(np.full((5, 5), -np.inf), 1)
    _run(ours, theirs, [x], mask=causal)
    _run(ours, theirs, [x], mask=causal, src_key_padding_mask=_pad(3, 5))
    _run(ours, theirs, [x], src_key_padding_mask=_pad(3, 5))
    _run(ours, theirs, [_rand(5, D)], mask=causal)

    theirs_d = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(**full), 2,
                                           torch.nn.LayerNorm(D) if norm else None).double().eval()
    ours_d = nn.TransformerDecoder(nn.TransformerDecoderLayer(**full), 2,
                                   nn.LayerNorm(D) if norm else None).double().eval()
    assert list(ours_d.state_dict()) == list(theirs_d.state_dict())
    ours_d.load_state_dict({k: v.detach().numpy() for k, v in theirs_d.state_dict().items()})
    tgt, mem = _rand(*_layout(4, 3, bf)), _rand(*_layout(5, 3, bf), seed=1)
    _run(ours_d, theirs_d, [tgt, mem], tgt_mask=np.triu(np.full((4, 4), -np.inf), 1),
         memory_key_padding_mask=_pad(3, 5))


@pytest.mark.parametrize("cfg", [{}, {"batch_first": True, "activation": "gelu"},
                                 {"norm_first": True}], ids=["default", "bf-gelu", "norm_first"])
def test_transformer_matches_torch(cfg: dict[str, Any]) -> None:
    full = _cfg(num_encoder_layers=2, num_decoder_layers=1, **cfg)
    ours, theirs = pair(nn.Transformer, torch.nn.Transformer, **full)
    bf = cfg.get("batch_first", False)
    src, tgt = _rand(*_layout(5, 2, bf)), _rand(*_layout(4, 2, bf), seed=1)
    mask = nn.Transformer.generate_square_subsequent_mask(4).double().numpy()
    _run(ours, theirs, [src, tgt], tgt_mask=mask)
    _run(ours, theirs, [src, tgt], tgt_mask=mask, src_key_padding_mask=_pad(2, 5),
         tgt_key_padding_mask=_pad(2, 4, seed=1), memory_key_padding_mask=_pad(2, 5),
         src_mask=_rand(5, 5, seed=4), memory_mask=np.zeros((4, 5), bool))
    _run(ours, theirs, [_rand(5, D), _rand(4, D, seed=1)], tgt_mask=mask, tgt_is_causal=True)


def test_a_torch_state_dict_loads_and_gives_torch_outputs_in_float32() -> None:
    torch.manual_seed(0)
    theirs = torch.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                                  dim_feedforward=16, dropout=0.1).eval()
    ours = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                          dim_feedforward=16, dropout=0.1).eval()
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    src, tgt = _rand(6, 3, 8).astype(np.float32), _rand(5, 3, 8, seed=1).astype(np.float32)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5)
    out = ours(tg.tensor(src), tg.tensor(tgt), tgt_mask=tg.tensor(mask.numpy()))
    with torch.no_grad():
        tout = theirs(torch.tensor(src), torch.tensor(tgt), tgt_mask=mask)
    assert out.dtype == tg.float32
    assert_same(out, tout, rtol=1e-4, atol=1e-5)


def test_submodule_names_and_repr_match_torch() -> None:
    for ours_cls, theirs_cls in [(nn.TransformerEncoderLayer, torch.nn.TransformerEncoderLayer),
                                 (nn.TransformerDecoderLayer, torch.nn.TransformerDecoderLayer)]:
        ours, theirs = ours_cls(D, H, FF), theirs_cls(D, H, FF)
        assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert repr(ours) == repr(theirs)
    ours_t = nn.Transformer(D, H, 2, 1, FF)
    theirs_t = torch.nn.Transformer(D, H, 2, 1, FF)
    assert repr(ours_t) == repr(theirs_t)
    assert (ours_t.d_model, ours_t.nhead, ours_t.batch_first) == (D, H, False)
    assert ours_t.encoder.num_layers == 2 and ours_t.decoder.num_layers == 1


def test_layers_are_independent_copies() -> None:
    layer = nn.TransformerEncoderLayer(D, H, FF)
    enc = nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    ws = [enc.layers[i].linear1.weight for i in range(3)]
    assert ws[0] is not ws[1] and ws[0] is not layer.linear1.weight
    np.testing.assert_array_equal(ws[0].detach().numpy(),
                                  ws[2].detach().numpy())  # deep copies of one layer


def test_transformer_initialisation_is_xavier_uniform() -> None:
    tg.manual_seed(0)
    m = nn.Transformer(d_model=32, nhead=4, num_encoder_layers=1, num_decoder_layers=1,
                       dim_feedforward=64)
    w = m.encoder.layers[0].linear1.weight.detach().numpy()  # (64, 32)
    bound = math.sqrt(6.0 / (32 + 64))  # xavier, not Linear's kaiming bound 1/sqrt(32)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert (m.encoder.layers[0].self_attn.in_proj_bias.detach().numpy() == 0).all()
    assert (m.encoder.norm.weight.detach().numpy() == 1).all()


def test_generate_square_subsequent_mask() -> None:
    for sz in (1, 4):
        ours = nn.Transformer.generate_square_subsequent_mask(sz)
        theirs = torch.nn.Transformer.generate_square_subsequent_mask(sz)
        assert ours.dtype == tg.float32
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=tg.float64).dtype == tg.float64


def test_nested_tensor_warning_and_flag_like_torch() -> None:
    for kw in [{}, {"batch_first": True}, {"batch_first": True, "norm_first": True},
               {"batch_first": True, "activation": lambda x: x}]:
        with warnings.catch_warnings(record=True) as ours_w:
            warnings.simplefilter("always")
            ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, H, FF, **kw), 1)
        tkw = dict(kw)
        with warnings.catch_warnings(record=True) as theirs_w:
            warnings.simplefilter("always")
            theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(
                D, H, FF, **tkw), 1)
        assert [str(w.message) for w in ours_w] == [str(w.message) for w in theirs_w]
        assert ours.use_nested_tensor == theirs.use_nested_tensor
    quiet = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, H, FF), 1,
                                  enable_nested_tensor=False)
    assert quiet.use_nested_tensor is False


def test_nested_tensor_path_zeroes_padded_positions_like_torch() -> None:
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, H, FF, batch_first=True), 2,
                                 nn.LayerNorm(D)).double().eval()
    theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(
        D, H, FF, batch_first=True), 2, torch.nn.LayerNorm(D)).double().eval()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = _rand(3, 5, D)
    pad = np.array([[False] * 5, [False] * 3 + [True] * 2, [False] + [True] * 4])  # left-aligned
    with torch.no_grad():
        tout = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(pad))
    with tg.no_grad():
        out = ours(tg.tensor(x), src_key_padding_mask=tg.tensor(pad))
    np.testing.assert_allclose(out.numpy(), tout.numpy(), rtol=1e-9, atol=1e-11)
    padded = np.broadcast_to(pad[..., None], x.shape)
    norm_bias = np.broadcast_to(ours.norm.bias.detach().numpy(), x.shape)
    np.testing.assert_array_equal(out.numpy()[padded], norm_bias[padded])  # LN of zeros
    soft = np.where(pad, -0.5, 0.0)  # a float mask: nested tensors drop nonzero positions
    with torch.no_grad():
        tout = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(soft))
    with tg.no_grad():
        out = ours(tg.tensor(x), src_key_padding_mask=tg.tensor(soft))
    np.testing.assert_allclose(out.numpy(), tout.numpy(), rtol=1e-9, atol=1e-11)
    # with gradients recorded, torch (and we) keep the plain path: padded rows are computed
    tout2 = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(pad))
    out2 = ours(tg.tensor(x), src_key_padding_mask=tg.tensor(pad))
    np.testing.assert_allclose(out2.detach().numpy(), tout2.detach().numpy(), rtol=1e-9, atol=1e-11)
    assert not np.allclose(out2.detach().numpy()[padded], norm_bias[padded])


def test_transformer_errors() -> None:
    m = nn.Transformer(D, H, 1, 1, FF)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        m(tg.randn(5, 2, D), tg.randn(4, 3, D))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal"):
        m(tg.randn(5, 2, D), tg.randn(4, 2, D + 1))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(D, H, activation="tanh")
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.TransformerDecoderLayer(5, 2)


def test_training_mode_applies_dropout() -> None:
    tg.manual_seed(0)
    layer = nn.TransformerEncoderLayer(D, H, FF, dropout=0.5)
    x = tg.randn(5, 2, D)
    a, b = layer(x).detach().numpy(), layer(x).detach().numpy()
    assert not np.allclose(a, b)  # two masks
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("cfg", [{"batch_first": True}, {"batch_first": True, "nhead": 1},
                                 {}, {"batch_first": True, "norm_first": True}],
                         ids=["fused", "odd-heads", "seq-first", "norm_first"])
def test_encoder_layer_fused_inference_path_like_torch(grad: bool, cfg: dict[str, Any]) -> None:
    """PyTorch's fused encoder-layer kernel (eval, no grad, batch-first, even heads ...) gives
    NaN for a query whose every key is masked; the plain path gives a finite row."""
    full = _cfg(**cfg)
    ours, theirs = _pair(nn.TransformerEncoderLayer, torch.nn.TransformerEncoderLayer, full)
    bf = cfg.get("batch_first", False)
    x = _rand(*_layout(5, 3, bf))
    pad = np.array([[False] * 5, [False] * 3 + [True] * 2, [True] * 5])
    block = np.zeros((5, 5), dtype=bool)
    block[2] = True
    for kw in [{"src_key_padding_mask": pad}, {"src_mask": block},
               {"src_mask": np.where(block, -np.inf, 0.0)}]:
        with tg.set_grad_enabled(grad):
            out = ours(tg.tensor(x), **{k: tg.tensor(v) for k, v in kw.items()})
        with torch.set_grad_enabled(grad):
            tout = theirs(torch.tensor(x), **{k: torch.tensor(v) for k, v in kw.items()})
        np.testing.assert_array_equal(np.isnan(out.detach().numpy()),
                                      np.isnan(tout.detach().numpy()))
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-9,
                                   atol=1e-11)
        fused = not grad and full["nhead"] % 2 == 0 and bf
        assert np.isnan(out.detach().numpy()).any() == fused


@pytest.mark.parametrize("grad", [False, True])
def test_decoder_layer_dead_rows_like_torch(grad: bool) -> None:
    """The decoder's self-attention takes MultiheadAttention's fused kernel in inference (NaN
    for a fully padded target); attention over memory never does (it is not self-attention)."""
    ours, theirs = _pair(nn.TransformerDecoderLayer, torch.nn.TransformerDecoderLayer,
                         _cfg(batch_first=True))
    tgt, mem = _rand(3, 4, D), _rand(3, 5, D, seed=1)
    pad = np.array([[False] * 4, [False, True, True, True], [True] * 4])
    mpad = np.array([[False] * 5, [True] * 5, [False] * 5])
    nans = []
    for kw in [{"tgt_key_padding_mask": pad}, {"memory_key_padding_mask": mpad}]:
        with tg.set_grad_enabled(grad):
            out = ours(tg.tensor(tgt), tg.tensor(mem), **{k: tg.tensor(v) for k, v in kw.items()})
        with torch.set_grad_enabled(grad):
            tout = theirs(torch.tensor(tgt), torch.tensor(mem),
                          **{k: torch.tensor(v) for k, v in kw.items()})
        np.testing.assert_array_equal(np.isnan(out.detach().numpy()),
                                      np.isnan(tout.detach().numpy()))
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-9,
                                   atol=1e-11)
        nans.append(bool(np.isnan(out.detach().numpy()).any()))
    assert nans == [not grad, False]
