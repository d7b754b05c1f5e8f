"""``grad_fn.name()`` gives PyTorch's node name for every op whose last recorded step is
the same operation as PyTorch's (the op, and PyTorch's overload suffix: ``SumBackward1`` for a
sum over dims, ``ClampBackward1`` for ``clamp(min, max)``). Each case runs on both libraries.

Composites PyTorch records as one node but we record as several primitives (``F.gelu``,
``F.layer_norm``, ``var`` ...) are listed in ``COMPOSITES`` with PyTorch's name: their last node
is a primitive's (``MulBackward0``), and the test checks it still is one of ours.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn

torch_lib = pytest.importorskip("torch")

_RNG = np.random.default_rng(0)
_X = _RNG.standard_normal((3, 4)).astype(np.float32)
_Y = _RNG.standard_normal((3, 4)).astype(np.float32)
_M = _RNG.standard_normal((4, 5)).astype(np.float32)
_SQ = _RNG.standard_normal((4, 4)).astype(np.float32)
_IMG = _RNG.standard_normal((1, 2, 6, 6)).astype(np.float32)
_SEQ = _RNG.standard_normal((2, 3, 5)).astype(np.float32)
_POS = (np.abs(_X) + 0.5).astype(np.float32)
_PROB = (1 / (1 + np.exp(-_X))).astype(np.float32)


class _Inputs:
    """The inputs of a case, made in the library under test (each requires grad)."""

    def __init__(self, lib: Any) -> None:
        def t(a: np.ndarray) -> Any:
            return lib.tensor(a.copy(), requires_grad=True)

        self.x, self.y, self.m, self.sq = t(_X), t(_Y), t(_M), t(_SQ)
        self.img, self.seq, self.pos, self.prob = t(_IMG), t(_SEQ), t(_POS), t(_PROB)
        self.v, self.w = t(_M[:, 0]), t(_M[:, 1])
        self.idx = lib.tensor([[0, 2, 1, 0], [1, 1, 0, 2], [2, 0, 0, 1]])
        self.rows = lib.tensor([0, 2])
        self.mask = lib.tensor(_X > 0)
        self.target = lib.tensor([0, 3, 1])
        self.F = lib.nn.functional
        self.lib = lib


Case = Callable[[_Inputs], Any]

CASES: list[tuple[str, Case]] = [
    # elementwise
    ("add", lambda i: i.x + i.y), ("add_scalar", lambda i: i.x + 1),
    ("radd", lambda i: 1 + i.x), ("sub", lambda i: i.x - i.y), ("sub_scalar", lambda i: i.x - 1),
    ("rsub", lambda i: 1 - i.x), ("mul", lambda i: i.x * i.y), ("mul_scalar", lambda i: i.x * 2),
    ("div", lambda i: i.x / i.y), ("div_scalar", lambda i: i.x / 2),
    ("rdiv", lambda i: 1 / i.pos), ("neg", lambda i: -i.x),
    ("pow_scalar", lambda i: i.x ** 2), ("pow_tensor", lambda i: i.pos ** i.y),
    ("rpow", lambda i: 2 ** i.x), ("exp", lambda i: i.x.exp()), ("exp2", lambda i: i.x.exp2()),
    ("expm1", lambda i: i.x.expm1()), ("log", lambda i: i.pos.log()),
    ("log2", lambda i: i.pos.log2()), ("log10", lambda i: i.pos.log10()),
    ("log1p", lambda i: i.pos.log1p()), ("sqrt", lambda i: i.pos.sqrt()),
    ("rsqrt", lambda i: i.pos.rsqrt()), ("abs", lambda i: i.x.abs()),
    ("sign", lambda i: i.x.sign()), ("sin", lambda i: i.x.sin()), ("cos", lambda i: i.x.cos()),
    ("tan", lambda i: i.x.tan()), ("asin", lambda i: (i.prob * 0.5).asin()),
    ("acos", lambda i: (i.prob * 0.5).acos()), ("atan", lambda i: i.x.atan()),
    ("sinh", lambda i: i.x.sinh()), ("cosh", lambda i: i.x.cosh()),
    ("tanh", lambda i: i.x.tanh()), ("sigmoid", lambda i: i.x.sigmoid()),
    ("relu", lambda i: i.x.relu()), ("reciprocal", lambda i: i.pos.reciprocal()),
    ("square", lambda i: i.x.square()), ("floor", lambda i: i.x.floor()),
    ("ceil", lambda i: i.x.ceil()), ("round", lambda i: i.x.round()),
    ("trunc", lambda i: i.x.trunc()), ("frac", lambda i: i.x.frac()),
    ("erf", lambda i: i.x.erf()), ("clamp_min_max", lambda i: i.x.clamp(-0.5, 0.5)),
    ("clamp_min", lambda i: i.x.clamp(min=0.1)), ("clamp_max", lambda i: i.x.clamp(max=0.1)),
    ("clip", lambda i: i.x.clip(-0.5, 0.5)), ("clamp_min_method", lambda i: i.x.clamp_min(0.1)),
    ("clamp_max_method", lambda i: i.x.clamp_max(0.1)),
    ("maximum", lambda i: i.lib.maximum(i.x, i.y)), ("minimum", lambda i: i.lib.minimum(i.x, i.y)),
    ("where", lambda i: i.lib.where(i.mask, i.x, i.y)),
    ("masked_fill", lambda i: i.x.masked_fill(i.mask, 0.0)),
    ("fmod", lambda i: i.x.fmod(0.3)), ("remainder", lambda i: i.x.remainder(0.3)),
    ("atan2", lambda i: i.lib.atan2(i.x, i.y)), ("lerp", lambda i: i.x.lerp(i.y, 0.3)),
    ("addcmul", lambda i: i.x.addcmul(i.y, i.y)), ("addcdiv", lambda i: i.x.addcdiv(i.y, i.pos)),
    ("hypot", lambda i: i.x.hypot(i.y)), ("logaddexp", lambda i: i.x.logaddexp(i.y)),
    ("xlogy", lambda i: i.x.xlogy(i.pos)),
    ("nan_to_num", lambda i: i.x.nan_to_num()),
    # reductions
    ("sum", lambda i: i.x.sum()), ("sum_dim", lambda i: i.x.sum(1)),
    ("sum_dim_keepdim", lambda i: i.x.sum(0, keepdim=True)),
    ("sum_dims", lambda i: i.x.sum((0, 1))),
    ("mean", lambda i: i.x.mean()), ("mean_dim", lambda i: i.x.mean(1)),
    ("prod", lambda i: i.pos.prod()), ("prod_dim", lambda i: i.pos.prod(1)),
    ("max", lambda i: i.x.max()), ("max_dim", lambda i: i.x.max(1)[0]),
    ("max_dim_values", lambda i: i.x.max(1).values),
    ("min", lambda i: i.x.min()), ("min_dim", lambda i: i.x.min(1)[0]),
    ("amax", lambda i: i.x.amax(1)), ("amin", lambda i: i.x.amin(1)),
    ("amax_all", lambda i: i.x.amax()),
    ("logsumexp", lambda i: i.x.logsumexp(1)), ("cumsum", lambda i: i.x.cumsum(1)),
    ("cumprod", lambda i: i.pos.cumprod(1)), ("norm", lambda i: i.x.norm()),
    ("norm_dim", lambda i: i.x.norm(dim=1)), ("var", lambda i: i.x.var()),
    ("var_dim", lambda i: i.x.var(1)), ("std", lambda i: i.x.std()),
    ("std_dim", lambda i: i.x.std(1)), ("median", lambda i: i.x.median()),
    ("sort", lambda i: i.x.sort(1)[0]), ("topk", lambda i: i.x.topk(2)[0]),
    ("kthvalue", lambda i: i.x.kthvalue(2, 1)[0]),
    # linear algebra
    ("matmul_2d", lambda i: i.x @ i.m), ("mm", lambda i: i.x.mm(i.m)),
    ("matmul_mv", lambda i: i.x @ i.v), ("mv", lambda i: i.x.mv(i.v)),
    ("matmul_dot", lambda i: i.v @ i.w), ("dot", lambda i: i.v.dot(i.w)),
    ("matmul_vm", lambda i: i.v @ i.m),
    ("bmm", lambda i: i.seq.bmm(i.seq.transpose(1, 2))),
    ("matmul_3d", lambda i: i.seq @ i.seq.transpose(1, 2)),
    ("outer", lambda i: i.lib.outer(i.v, i.w)),
    ("addmm", lambda i: i.lib.addmm(i.y[:, 0:1].detach(), i.x, i.sq)),
    ("einsum", lambda i: i.lib.einsum("ij,jk->ik", i.x, i.m)),
    ("linear", lambda i: i.F.linear(i.x, i.m.t())),
    ("linear_bias", lambda i: i.F.linear(i.x, i.m.t(), i.m[0])),
    # shape and movement
    ("view", lambda i: i.x.view(12)), ("reshape", lambda i: i.x.reshape(4, 3)),
    ("flatten", lambda i: i.seq.flatten(1)), ("view_as", lambda i: i.x.view_as(i.y)),
    ("t", lambda i: i.x.t()), ("T", lambda i: i.x.T), ("transpose", lambda i: i.x.transpose(0, 1)),
    ("permute", lambda i: i.seq.permute(2, 0, 1)), ("mT", lambda i: i.seq.mT),
    ("unsqueeze", lambda i: i.x.unsqueeze(0)), ("squeeze_dim", lambda i: i.x[None].squeeze(0)),
    ("squeeze", lambda i: i.x[None].squeeze()), ("expand", lambda i: i.v.expand(3, 4)),
    ("expand_as", lambda i: i.v.expand_as(i.x)), ("repeat", lambda i: i.x.repeat(2, 1)),
    ("flip", lambda i: i.x.flip(0)), ("roll", lambda i: i.x.roll(1, 0)),
    ("cat", lambda i: i.lib.cat([i.x, i.y])), ("stack", lambda i: i.lib.stack([i.x, i.y])),
    ("split", lambda i: i.x.split(2)[0]), ("chunk", lambda i: i.x.chunk(2)[0]),
    ("unbind", lambda i: i.x.unbind()[0]), ("narrow", lambda i: i.x.narrow(1, 1, 2)),
    ("tril", lambda i: i.x.tril()), ("triu", lambda i: i.x.triu()),
    ("diag", lambda i: i.sq.diag()), ("diagonal", lambda i: i.sq.diagonal()),
    ("trace", lambda i: i.sq.trace()), ("unfold", lambda i: i.v.unfold(0, 2, 1)),
    ("contiguous", lambda i: i.x.t().contiguous()),
    ("clone", lambda i: i.x.clone()), ("double", lambda i: i.x.double()),
    ("to_dtype", lambda i: i.x.to(i.lib.float64)), ("mul_one", lambda i: i.x * 1),
    # indexing
    ("select", lambda i: i.x[0]),
    ("slice", lambda i: i.x[1:3]),
    ("slice_col", lambda i: i.x[:, 1:3]),
    ("select_col", lambda i: i.x[:, 1]), ("none_index", lambda i: i.x[None]),
    ("ellipsis", lambda i: i.x[..., 0]), ("int_pair", lambda i: i.x[0, 1]),
    ("fancy", lambda i: i.x[[0, 2]]), ("bool_mask", lambda i: i.x[i.mask]),
    ("gather", lambda i: i.x.gather(1, i.idx)),
    ("index_select", lambda i: i.x.index_select(0, i.rows)),
    ("masked_select", lambda i: i.x.masked_select(i.mask)),
    ("take", lambda i: i.x.take(i.rows)),
    ("scatter", lambda i: i.x.scatter(1, i.idx[:, :2], i.y[:, :2])),
    ("scatter_add", lambda i: i.x.scatter_add(1, i.idx[:, :2], i.y[:, :2])),
    ("index_add", lambda i: i.x.index_add(0, i.rows, i.y[:2])),
    # in place (on a clone, so on a non-leaf)
    ("add_", lambda i: i.x.clone().add_(1)), ("mul_", lambda i: i.x.clone().mul_(2)),
    ("sub_", lambda i: i.x.clone().sub_(i.y)), ("div_", lambda i: i.x.clone().div_(2)),
    ("relu_", lambda i: i.x.clone().relu_()), ("clamp_", lambda i: i.x.clone().clamp_(-0.5, 0.5)),
    ("exp_", lambda i: i.x.clone().exp_()), ("sigmoid_", lambda i: i.x.clone().sigmoid_()),
    ("tanh_", lambda i: i.x.clone().tanh_()), ("zero_", lambda i: i.x.clone().zero_()),
    ("fill_", lambda i: i.x.clone().fill_(1.0)), ("pow_", lambda i: i.x.clone().pow_(2)),
    ("normal_", lambda i: i.x.clone().normal_()), ("uniform_", lambda i: i.x.clone().uniform_()),
    ("random_", lambda i: i.x.clone().random_()), ("random_(to)", lambda i: i.x.clone().random_(5)),
    ("random_(from, to)", lambda i: i.x.clone().random_(1, 5)),
    ("exponential_", lambda i: i.x.clone().exponential_()),
    ("geometric_", lambda i: i.x.clone().geometric_(0.5)),
    ("log_normal_", lambda i: i.x.clone().log_normal_()),
    ("cauchy_", lambda i: i.x.clone().cauchy_()),
    ("bernoulli_", lambda i: i.x.clone().bernoulli_(0.5)),
    ("neg_", lambda i: i.x.clone().neg_()),
    ("masked_fill_", lambda i: i.x.clone().masked_fill_(i.mask, 0.0)),
    ("iadd", lambda i: _iadd(i.x.clone(), i.y)), ("copy_", lambda i: i.x.clone().copy_(i.y)),
    # torch.nn.functional
    ("F.relu", lambda i: i.F.relu(i.x)),
    ("F.relu_inplace", lambda i: i.F.relu(i.x.clone(), inplace=True)),
    ("F.sigmoid", lambda i: i.F.sigmoid(i.x)), ("F.tanh", lambda i: i.F.tanh(i.x)),
    ("F.softmax", lambda i: i.F.softmax(i.x, 1)),
    ("F.log_softmax", lambda i: i.F.log_softmax(i.x, 1)),
    ("F.softplus", lambda i: i.F.softplus(i.x)), ("F.gelu", lambda i: i.F.gelu(i.x)),
    ("F.silu", lambda i: i.F.silu(i.x)), ("F.mish", lambda i: i.F.mish(i.x)),
    ("F.elu", lambda i: i.F.elu(i.x)), ("F.selu", lambda i: i.F.selu(i.x)),
    ("F.celu", lambda i: i.F.celu(i.x)), ("F.leaky_relu", lambda i: i.F.leaky_relu(i.x)),
    ("F.hardtanh", lambda i: i.F.hardtanh(i.x)), ("F.relu6", lambda i: i.F.relu6(i.x)),
    ("F.hardsigmoid", lambda i: i.F.hardsigmoid(i.x)),
    ("F.hardswish", lambda i: i.F.hardswish(i.x)),
    ("F.logsigmoid", lambda i: i.F.logsigmoid(i.x)), ("F.softsign", lambda i: i.F.softsign(i.x)),
    ("F.tanhshrink", lambda i: i.F.tanhshrink(i.x)), ("F.glu", lambda i: i.F.glu(i.x)),
    ("F.threshold", lambda i: i.F.threshold(i.x, 0.1, 0.0)),
    ("F.normalize", lambda i: i.F.normalize(i.x)),
    ("F.mse_loss", lambda i: i.F.mse_loss(i.x, i.y)),
    ("F.l1_loss", lambda i: i.F.l1_loss(i.x, i.y)),
    ("F.smooth_l1_loss", lambda i: i.F.smooth_l1_loss(i.x, i.y)),
    ("F.huber_loss", lambda i: i.F.huber_loss(i.x, i.y)),
    ("F.cross_entropy", lambda i: i.F.cross_entropy(i.x, i.target)),
    ("F.nll_loss", lambda i: i.F.nll_loss(i.x, i.target)),
    ("F.bce", lambda i: i.F.binary_cross_entropy(i.prob, i.prob.detach())),
    ("F.bce_with_logits", lambda i: i.F.binary_cross_entropy_with_logits(i.x, i.prob.detach())),
    ("F.kl_div", lambda i: i.F.kl_div(i.x, i.prob.detach(), reduction="batchmean")),
    ("F.conv1d", lambda i: i.F.conv1d(i.seq, i.seq[:2, :, :3])),
    ("F.conv2d", lambda i: i.F.conv2d(i.img, i.img[:, :, :3, :3].expand(3, 2, 3, 3))),
    ("F.max_pool2d", lambda i: i.F.max_pool2d(i.img, 2)),
    ("F.max_pool1d", lambda i: i.F.max_pool1d(i.seq, 2)),
    ("F.avg_pool2d", lambda i: i.F.avg_pool2d(i.img, 2)),
    ("F.avg_pool1d", lambda i: i.F.avg_pool1d(i.seq, 2)),
    ("F.adaptive_avg_pool2d", lambda i: i.F.adaptive_avg_pool2d(i.img, 1)),
    ("F.pad", lambda i: i.F.pad(i.x, (1, 1))),
    ("F.pad_reflect", lambda i: i.F.pad(i.seq, (1, 1), mode="reflect")),
    ("F.linear_1d", lambda i: i.F.linear(i.v, i.m.t(), i.m[0])),
    ("F.pad_replicate", lambda i: i.F.pad(i.seq, (1, 1), mode="replicate")),
    ("F.dropout_eval", lambda i: i.F.dropout(i.x, 0.5, training=False) * 1),
    ("F.layer_norm", lambda i: i.F.layer_norm(i.x, (4,))),
    ("F.batch_norm", lambda i: i.F.batch_norm(i.x, None, None, training=True)),
    ("F.group_norm", lambda i: i.F.group_norm(i.img, 1)),
    ("F.embedding_free", lambda i: i.F.one_hot(i.target, 4).float() * i.x),
    ("F.cosine_similarity", lambda i: i.F.cosine_similarity(i.x, i.y)),
    ("F.interpolate", lambda i: i.F.interpolate(i.img, scale_factor=2)),
    ("F.unfold", lambda i: i.F.unfold(i.img, 2)),
    # overloads: PyTorch's BackwardN by the arguments' kinds
    ("squeeze_dims", lambda i: i.x[None].squeeze((0,))),
    ("sum_dim_empty", lambda i: i.x.sum(dim=())), ("mean_dims", lambda i: i.x.mean((0, 1))),
    ("sum_axis_numpy", lambda i: i.x.sum(axis=1)),
    ("max_keepdim", lambda i: i.x.max(1, keepdim=True)[0]), ("min_all", lambda i: i.lib.min(i.x)),
    ("pow_0d_tensor", lambda i: i.x ** i.lib.tensor(2.0)), ("pow_method", lambda i: i.x.pow(i.y)),
    ("rsub_tensor", lambda i: i.lib.tensor(1.0) - i.x), ("rsub_float", lambda i: 1.5 - i.x),
    ("clamp_tensor_bounds", lambda i: i.x.clamp(i.y.detach() - 1, i.y.detach() + 1)),
    ("clamp_tensor_bound_grad", lambda i: i.x.clamp(min=i.y)),
    ("clamp_min_tensor", lambda i: i.x.clamp_min(i.y.detach())),
    ("clamp_min_", lambda i: i.x.clone().clamp_min_(0.1)),
    ("masked_fill_tensor", lambda i: i.x.masked_fill(i.mask, i.lib.tensor(1.0))),
    ("split_sizes", lambda i: i.x.split([1, 2])[1]),
    ("tensor_split", lambda i: i.x.tensor_split(2)[0]),
    ("torch.split", lambda i: i.lib.split(i.x, 2, 1)[1]),
    ("torch.chunk", lambda i: i.lib.chunk(i.x, 2, 1)[0]),
    ("torch.permute", lambda i: i.lib.permute(i.seq, (1, 0, 2))),
    ("torch.squeeze", lambda i: i.lib.squeeze(i.x[None], 0)),
    ("torch.unsqueeze", lambda i: i.lib.unsqueeze(i.x, 1)),
    ("torch.cat_dim1", lambda i: i.lib.cat([i.x, i.y], 1)),
    ("torch.concat", lambda i: i.lib.concat([i.x, i.y])),
    ("torch.sort_desc", lambda i: i.lib.sort(i.x, 0, descending=True)[0]),
    ("torch.topk_smallest", lambda i: i.lib.topk(i.x, 2, largest=False)[0]),
    ("torch.gather", lambda i: i.lib.gather(i.x, 1, i.idx)),
    ("torch.tril_k", lambda i: i.lib.tril(i.x, 1)), ("torch.triu_k", lambda i: i.lib.triu(i.x, -1)),
    ("torch.amax_dims", lambda i: i.lib.amax(i.seq, (0, 2))),
    ("torch.cumsum", lambda i: i.lib.cumsum(i.x, 0)),
    ("torch.clamp", lambda i: i.lib.clamp(i.x, 0, 1)),
    ("torch.bmm", lambda i: i.lib.bmm(i.seq, i.seq.mT)), ("torch.mv", lambda i: i.lib.mv(i.x, i.v)),
    ("torch.dot", lambda i: i.lib.dot(i.v, i.w)), ("torch.log1p", lambda i: i.lib.log1p(i.pos)),
    ("torch.sum_dim", lambda i: i.lib.sum(i.x, 1)),
    ("torch.max_dim", lambda i: i.lib.max(i.x, 0).values),
    ("msort", lambda i: i.x.msort()), ("swapaxes", lambda i: i.x.swapaxes(0, 1)),
    ("float_to_double_type", lambda i: i.x.type(i.lib.float64)), ("half", lambda i: i.x.half()),
    ("F.max_pool2d_unbatched", lambda i: i.F.max_pool2d(i.img[0], 2)),
    ("F.max_pool2d_indices", lambda i: i.F.max_pool2d(i.img, 2, return_indices=True)[0]),
    ("nn.Linear_weight", lambda i: i.F.linear(i.x, i.m.t(), i.m[0]).grad_fn.next_functions[2][0]),
    ("F.linear_no_bias_weight", lambda i: i.F.linear(i.x, i.m.t()).grad_fn.next_functions[1][0]),
    ("F.pad_2d_reflect", lambda i: i.F.pad(i.img, (1, 1, 2, 0), mode="reflect")),
    ("F.pad_3d_replicate", lambda i: i.F.pad(i.img[None], (1, 1, 0, 1, 1, 0), mode="replicate")),
    ("F.pad_reflect_crop", lambda i: i.F.pad(i.seq, (-1, 2), mode="reflect")),
    ("F.pad_circular", lambda i: i.F.pad(i.seq, (1, 1), mode="circular")),
    ("sort_stable", lambda i: i.x.sort(stable=True)[0]), ("cummax", lambda i: i.x.cummax(1)[0]),
    ("cummin", lambda i: i.lib.cummin(i.x, 0).values),
    ("logcumsumexp", lambda i: i.x.logcumsumexp(1)), ("t_1d", lambda i: i.v.t()),
    ("index_fill", lambda i: i.x.index_fill(0, i.rows, 1.0)),
    ("index_fill_tensor", lambda i: i.x.index_fill(1, i.rows, i.lib.tensor(2.0))),
    ("movedim", lambda i: i.seq.movedim(0, 2)), ("swapdims", lambda i: i.seq.swapdims(0, 1)),
    ("flatten_all", lambda i: i.x.flatten()), ("select_method", lambda i: i.x.select(1, 0)),
    ("vstack", lambda i: i.lib.vstack([i.x, i.y])), ("flip_2", lambda i: i.x.flip(0, 1)),
    ("squeeze_neg", lambda i: i.x[None].squeeze(-3)),
    ("unflatten", lambda i: i.x.unflatten(1, (2, 2))),
    ("chunk_dim", lambda i: i.x.chunk(3, 1)[1]), ("unbind_dim", lambda i: i.x.unbind(1)[3]),
    ("take_along_dim", lambda i: i.lib.take_along_dim(i.x, i.idx, 1)),
    ("max_other", lambda i: i.x.max(i.y)), ("half_double", lambda i: i.x.half().double()),
    ("clamp_max_", lambda i: i.x.clone().clamp_max_(0.1)), ("abs_", lambda i: i.x.clone().abs_()),
    ("scatter_value", lambda i: i.x.scatter(1, i.idx[:, :2], 2.0)),
    ("F.embedding", lambda i: i.F.embedding(i.target, i.m)),
]


def _iadd(a: Any, b: Any) -> Any:
    a += b
    return a


# Cases whose last node is another operation than PyTorch's: PyTorch's name, and why.
# Composites: PyTorch records one node, we record several primitives (the last one's name
# is ours); kept as composites on purpose (docs/coming-from-pytorch.md).
_COMPOSITE = "a composite here: several primitive nodes"
DIFFERENT: dict[str, tuple[str, str]] = {
    "rsqrt": ("RsqrtBackward0", "1 / sqrt(x) here"),
    "square": ("PowBackward0", "x * x here (one Mul)"),
    "frac": ("FracBackward0", "x - trunc(x) here"),
    "addcmul": ("AddcmulBackward0", _COMPOSITE),
    "addcdiv": ("AddcdivBackward0", _COMPOSITE), "nan_to_num": ("NanToNumBackward0", _COMPOSITE),
    "norm": ("LinalgVectorNormBackward0", _COMPOSITE),
    "norm_dim": ("LinalgVectorNormBackward0", _COMPOSITE),
    "var": ("VarBackward0", _COMPOSITE), "var_dim": ("VarBackward0", _COMPOSITE),
    "std": ("StdBackward0", _COMPOSITE), "std_dim": ("StdBackward0", _COMPOSITE),
    "median": ("MedianBackward0", "a Max over the tied candidates here"),
    "kthvalue": ("KthvalueBackward0", "a gather then a squeeze here"),
    "matmul_vm": ("SqueezeBackward4", "PyTorch unsqueezes, multiplies, squeezes; one MatMul here"),
    "matmul_3d": ("UnsafeViewBackward0", "PyTorch folds the batch into one mm; one MatMul here"),
    "einsum": ("ViewBackward0", "PyTorch lowers to bmm and views; one Einsum here"),
    "repeat": ("RepeatBackward0", "reshape, expand, reshape here"),
    "diag": ("DiagonalBackward0_copy", "a diagonal view and a clone here"),
    "trace": ("TraceBackward0", "diagonal().sum() here"),
    "scatter_add": ("ScatterAddBackward0", "x + ScatterAdd(src) here"),
    "index_add": ("IndexAddBackward0", "x + ScatterAdd(src) here"),
    "F.gelu": ("GeluBackward0", _COMPOSITE), "F.silu": ("SiluBackward0", _COMPOSITE),
    "F.mish": ("MishBackward0", _COMPOSITE), "F.elu": ("EluBackward0", _COMPOSITE),
    "F.selu": ("EluBackward0", _COMPOSITE), "F.celu": ("CeluBackward0", _COMPOSITE),
    "F.leaky_relu": ("LeakyReluBackward0", _COMPOSITE),
    "F.hardtanh": ("HardtanhBackward0", _COMPOSITE), "F.relu6": ("HardtanhBackward0", _COMPOSITE),
    "F.hardsigmoid": ("HardsigmoidBackward0", _COMPOSITE),
    "F.hardswish": ("HardswishBackward0", _COMPOSITE),
    "F.logsigmoid": ("LogSigmoidBackward0", _COMPOSITE), "F.glu": ("GluBackward0", _COMPOSITE),
    "F.threshold": ("ThresholdBackward0", _COMPOSITE),
    "F.smooth_l1_loss": ("SmoothL1LossBackward0", _COMPOSITE),
    "F.huber_loss": ("HuberLossBackward0", _COMPOSITE),
    "F.bce_with_logits": ("BinaryCrossEntropyWithLogitsBackward0", _COMPOSITE),
    "F.conv1d": ("ConvolutionBackward0", _COMPOSITE),
    "F.conv2d": ("ConvolutionBackward0", _COMPOSITE),
    "F.avg_pool2d": ("AvgPool2DBackward0", _COMPOSITE),
    "F.pad_circular": ("torch::autograd::CopySlices", "PyTorch pads by copying slices into a "
                                                       "new tensor; one indexing here"),
    "F.layer_norm": ("NativeLayerNormBackward0", _COMPOSITE),
    "F.batch_norm": ("NativeBatchNormBackward0", _COMPOSITE),
    "F.group_norm": ("NativeGroupNormBackward0", _COMPOSITE),
    "F.interpolate": ("UpsampleNearest2DBackward0", "indexing, one axis at a time, here"),
    "F.linear_1d": ("ViewBackward0", "x @ w.t() + b here; PyTorch: addmm of a row, then a view"),
    "F.unfold": ("Im2ColBackward0", "a strided window view and a reshape here"),
    "F.max_pool2d_unbatched": ("MaxPool2DWithIndicesBackward0", "the batch dim is added and "
                                                                 "removed around the pool here"),
}


def node_name(case: Case, lib: Any) -> str:
    """The name of the node that made ``case``'s output in ``lib``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = case(_Inputs(lib))
    return (out.grad_fn if isinstance(out, lib.Tensor) else out).name()  # (or a node)


_SAME = [(label, case) for label, case in CASES if label not in DIFFERENT]


@pytest.mark.parametrize(("label", "case"), _SAME, ids=[label for label, _ in _SAME])
def test_node_name_is_pytorchs(label: str, case: Case) -> None:
    assert node_name(case, tinygrad_nn) == node_name(case, torch_lib), label


@pytest.mark.parametrize("label", sorted(DIFFERENT))
def test_a_listed_difference_is_still_a_different_graph(label: str) -> None:
    """The list above is PyTorch's truth, and each entry still differs here (when one
    matches, it moves to the equality test by leaving the list)."""
    theirs, why = DIFFERENT[label]
    case = dict(CASES)[label]
    assert node_name(case, torch_lib) == theirs
    out = case(_Inputs(tinygrad_nn))
    ours = None if out.grad_fn is None else out.grad_fn.name()
    assert ours != theirs, f"{label} now records PyTorch's {theirs}: remove it from DIFFERENT"


def test_every_case_has_a_unique_label() -> None:
    labels = [label for label, _ in CASES]
    assert len(labels) == len(set(labels)) and set(DIFFERENT) <= set(labels)


def test_reprs_show_the_name() -> None:
    x = tinygrad_nn.ones(2, 2, requires_grad=True)
    y = tinygrad_nn.cat([x, x]).sum(0)
    assert repr(y.grad_fn).startswith("<SumBackward1 object at 0x")
    assert repr(y).endswith("grad_fn=<SumBackward1>)")
    assert [f.name() for f, _ in y.grad_fn.next_functions] == ["CatBackward0"]


def test_a_method_names_only_the_node_it_made() -> None:
    """``with_overload`` marks the node the method has just recorded: an input's node, or
    the result of a call that records nothing, keeps its name."""
    x = tinygrad_nn.ones(2, 3, requires_grad=True)
    y = x * 2
    assert y.double().double().grad_fn.name() == "ToCopyBackward0"
    assert y.grad_fn.name() == "MulBackward0"
    assert tinygrad_nn.ones(2, 3).sum(1).grad_fn is None
    with tinygrad_nn.no_grad():
        assert x.sum(1).grad_fn is None and x.squeeze(0).grad_fn is None


def test_drawings_label_ops_by_class() -> None:
    """Op classes that exist for PyTorch's names are what drawings show (``Permute`` for
    ``permute`` and ``.T``, ``Squeeze``, ``Split`` ...), with PyTorch's node name beside."""
    x = tinygrad_nn.ones(2, 3, requires_grad=True)
    nodes = [(type(t.grad_fn).__name__, t.grad_fn.name())
             for t in (x.T, x.permute(1, 0), x.transpose(0, 1), x.t(), x[None].squeeze(0),
                       x.split(1)[0], x.clone(), x.double(), x.clamp(0, 1), x.clamp_min(0))]
    assert nodes == [("Permute", "PermuteBackward0"), ("Permute", "PermuteBackward0"),
                     ("Transpose", "TransposeBackward0"), ("T", "TBackward0"),
                     ("Squeeze", "SqueezeBackward1"), ("Split", "SplitBackward0"),
                     ("Cast", "CloneBackward0"), ("Cast", "ToCopyBackward0"),
                     ("Clip", "ClampBackward1"), ("ClampMin", "ClampMinBackward0")]
