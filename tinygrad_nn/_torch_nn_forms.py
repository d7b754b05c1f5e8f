"""PyTorch's top-level forms of the functional ops: ``torch.conv2d``, ``torch.dropout`` ...

Each calls the ``functional`` version; only the signature is PyTorch's top-level one, which
sometimes differs from ``torch.nn.functional``'s: ``dropout(input, p, train)`` with every
argument required, ``batch_norm`` with weight and bias before the running statistics, the
losses' ``reduction`` an int (1 mean, 2 sum, anything else none; PyTorch's Python binding gives
the top-level losses no reduction by default, so neither do these), ``max_pool*`` without
``return_indices`` and ``adaptive_max_pool1d`` always returning (values, indices).
"""

from __future__ import annotations

from typing import Any

from . import functional as F
from .tensor import Tensor

# the same signature at top level: the functional op itself
conv1d, conv2d, conv3d = F.conv1d, F.conv2d, F.conv3d
conv_transpose1d, conv_transpose2d = F.conv_transpose1d, F.conv_transpose2d
conv_transpose3d = F.conv_transpose3d
pixel_shuffle, pixel_unshuffle, channel_shuffle = F.pixel_shuffle, F.pixel_unshuffle, \
    F.channel_shuffle
cosine_similarity, pairwise_distance, pdist = F.cosine_similarity, F.pairwise_distance, F.pdist
prelu, hardshrink, bilinear, rms_norm = F.prelu, F.hardshrink, F.bilinear, F.rms_norm
avg_pool1d, adaptive_avg_pool1d = F.avg_pool1d, F.adaptive_avg_pool1d


def _reduction(fn: str, reduction: Any) -> str:
    """PyTorch's enum at top level: 1 'mean', 2 'sum', any other int 'none'."""
    if isinstance(reduction, bool) or not isinstance(reduction, int):
        raise TypeError(f"{fn}(): argument 'reduction' must be int, not "
                        f"{type(reduction).__name__}")
    return {1: "mean", 2: "sum"}.get(reduction, "none")


def dropout(input: Any, p: float, train: bool) -> Tensor:  # noqa: A002 - PyTorch's name
    """Zero each element with probability p, scale the rest by 1/(1-p) (when ``train``)."""
    return F.dropout(input, p, train)


def alpha_dropout(input: Any, p: float, train: bool) -> Tensor:  # noqa: A002
    """SELU-preserving dropout (``F.alpha_dropout``) when ``train``; identity otherwise."""
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Any, p: float, train: bool) -> Tensor:  # noqa: A002
    """Alpha dropout of whole channels (``F.feature_alpha_dropout``) when ``train``."""
    return F.feature_alpha_dropout(input, p, train)


def _in_place(name: str, fn: Any, input: Any, p: float, train: bool) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):  # (as_tensor would change a copy)
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return fn(input, p, train, inplace=True)  # type: ignore[no-any-return]


def dropout_(input: Any, p: float, train: bool) -> Tensor:  # noqa: A002 - PyTorch's name
    """``dropout`` written into input (returned)."""
    return _in_place("dropout_", F.dropout, input, p, train)


def alpha_dropout_(input: Any, p: float, train: bool) -> Tensor:  # noqa: A002
    """``alpha_dropout`` written into input (returned)."""
    return _in_place("alpha_dropout_", F.alpha_dropout, input, p, train)


def feature_alpha_dropout_(input: Any, p: float, train: bool) -> Tensor:  # noqa: A002
    """``feature_alpha_dropout`` written into input (returned)."""
    return _in_place("feature_alpha_dropout_", F.feature_alpha_dropout, input, p, train)


def layer_norm(input: Any, normalized_shape: Any, weight: Any = None,  # noqa: A002
               bias: Any = None, eps: float = 1e-5, cudnn_enable: bool = True) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias over the last dims (``F.layer_norm``)."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Any, num_groups: int, weight: Any = None, bias: Any = None,  # noqa: A002
               eps: float = 1e-5, cudnn_enabled: bool = True) -> Tensor:
    """Normalise each group of channels of (N, C, *) (``F.group_norm``)."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Any, weight: Any, bias: Any, running_mean: Any,  # noqa: A002
               running_var: Any, training: bool, momentum: float, eps: float,
               cudnn_enabled: bool) -> Tensor:
    """``F.batch_norm`` with PyTorch's top-level argument order (weight, bias first)."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Any, weight: Any, bias: Any, running_mean: Any,  # noqa: A002
                  running_var: Any, use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:
    """``F.instance_norm`` with PyTorch's top-level argument order (weight, bias first)."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)


def embedding(weight: Any, indices: Any, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows ``weight[indices]``; a negative ``padding_idx`` means none (weight first, as
    PyTorch's top-level form)."""
    return F.embedding(indices, weight, padding_idx if padding_idx >= 0 else None,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def selu(input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """scale * elu(x, alpha) with SELU's constants (``F.selu``)."""
    return F.selu(input)


def celu(input: Any, alpha: float = 1.0) -> Tensor:  # noqa: A002 - PyTorch's name
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) (``F.celu``)."""
    return F.celu(input, alpha)


def rrelu(input: Any, lower: float = 0.125, upper: float = 1.0 / 3.0,  # noqa: A002
          training: bool = False, generator: Any = None) -> Tensor:
    """Leaky ReLU with a random slope in [lower, upper] when training (``F.rrelu``)."""
    if generator is not None:
        raise NotImplementedError("rrelu(): generator= is not supported; seed with "
                                  "manual_seed")
    return F.rrelu(input, lower, upper, training)


def threshold(input: Any, threshold: float, value: float) -> Tensor:  # noqa: A002
    """x where x > threshold, else value (``F.threshold``)."""
    return F.threshold(input, threshold, value)


def kl_div(input: Any, target: Any, reduction: int = 0, *,  # noqa: A002
           log_target: bool = False) -> Tensor:
    """``F.kl_div`` with an int reduction."""
    return F.kl_div(input, target, reduction=_reduction("kl_div", reduction),
                    log_target=log_target)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,  # noqa: A002
                                     pos_weight: Any = None, reduction: int = 0) -> Tensor:
    """``F.binary_cross_entropy_with_logits`` with an int reduction."""
    red = _reduction("binary_cross_entropy_with_logits", reduction)
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=red,
                                              pos_weight=pos_weight)


def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:
    """``F.margin_ranking_loss`` with an int reduction."""
    return F.margin_ranking_loss(input1, input2, target, margin,
                                 reduction=_reduction("margin_ranking_loss", reduction))


def hinge_embedding_loss(input: Any, target: Any, margin: float = 1.0,  # noqa: A002
                         reduction: int = 0) -> Tensor:
    """``F.hinge_embedding_loss`` with an int reduction."""
    return F.hinge_embedding_loss(input, target, margin,
                                  reduction=_reduction("hinge_embedding_loss", reduction))


def cosine_embedding_loss(input1: Any, input2: Any, target: Any, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:
    """``F.cosine_embedding_loss`` with an int reduction."""
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction("cosine_embedding_loss", reduction))


def triplet_margin_loss(anchor: Any, positive: Any, negative: Any, margin: float = 1.0,
                        p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                        reduction: int = 0) -> Tensor:
    """``F.triplet_margin_loss`` with an int reduction."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction("triplet_margin_loss", reduction))


def poisson_nll_loss(input: Any, target: Any, log_input: bool, full: bool,  # noqa: A002
                     eps: float, reduction: int) -> Tensor:
    """``F.poisson_nll_loss`` with every argument required and an int reduction."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction("poisson_nll_loss", reduction))


def ctc_loss(log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: int = 0, zero_infinity: bool = False) -> Tensor:
    """``F.ctc_loss`` with an int reduction."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                      _reduction("ctc_loss", reduction), zero_infinity)


def max_pool1d(input: Any, kernel_size: Any, stride: Any = (), padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:
    """Windowed maximum over the last dim of (N, C, L) or (C, L); values only."""
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input: Any, kernel_size: Any, stride: Any = (), padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:
    """Windowed maximum over the last two dims; values only."""
    return F.max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(input: Any, kernel_size: Any, stride: Any = (), padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:
    """Windowed maximum over the last three dims; values only."""
    return F.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Any, kernel_size: Any, stride: Any = (),  # noqa: A002
                            padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    """(values, indices) of the windowed maximum over the last dim."""
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation,  # type: ignore[no-any-return]
                        ceil_mode, return_indices=True)


def adaptive_max_pool1d(input: Any, output_size: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    """(values, indices) of the maximum over adaptive windows of the last dim."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)  # type: ignore[no-any-return]


def constant_pad_nd(input: Any, pad: Any, value: float = 0) -> Tensor:  # noqa: A002
    """Pad with ``value``: ``pad`` lists (before, after) pairs from the last dim back."""
    return F.pad(input, pad, "constant", value)


def affine_grid_generator(theta: Any, size: Any, align_corners: bool) -> Tensor:
    """``F.affine_grid`` with ``align_corners`` required."""
    return F.affine_grid(theta, size, align_corners)


_MODES = ("bilinear", "nearest", "bicubic")
_PADDINGS = ("zeros", "border", "reflection")


def grid_sampler(input: Any, grid: Any, interpolation_mode: int,  # noqa: A002
                 padding_mode: int, align_corners: bool) -> Tensor:
    """``F.grid_sample`` with the modes as PyTorch's enum ints: interpolation 0 bilinear,
    1 nearest, 2 bicubic; padding 0 zeros, 1 border, 2 reflection."""
    for what, value, names in (("interpolation_mode", interpolation_mode, _MODES),
                               ("padding_mode", padding_mode, _PADDINGS)):
        if isinstance(value, bool) or value not in range(len(names)):
            raise RuntimeError(f"grid_sampler(): expected {what} in 0..{len(names) - 1}, "
                               f"got {value!r}")
    return F.grid_sample(input, grid, _MODES[interpolation_mode], _PADDINGS[padding_mode],
                         align_corners)


__all__ = [
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "affine_grid_generator", "alpha_dropout",
    "alpha_dropout_", "dropout_", "feature_alpha_dropout_",
    "avg_pool1d", "batch_norm", "bilinear", "binary_cross_entropy_with_logits", "celu",
    "channel_shuffle", "constant_pad_nd", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
    "conv_transpose2d", "conv_transpose3d", "cosine_embedding_loss", "cosine_similarity",
    "ctc_loss", "dropout", "embedding", "feature_alpha_dropout", "grid_sampler", "group_norm",
    "hardshrink", "hinge_embedding_loss", "instance_norm", "kl_div", "layer_norm",
    "margin_ranking_loss", "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d",
    "pairwise_distance",
    "pdist", "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss", "prelu", "rms_norm",
    "rrelu", "selu", "threshold", "triplet_margin_loss",
]
