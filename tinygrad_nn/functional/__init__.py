"""Functional API (``import tinygrad_nn.functional as F``): ops and composites as functions."""

from ..tensor import Tensor
from ..tensor_functions import concatenate, einsum, maximum, minimum, stack, where
from .activation import (
    celu,
    celu_,
    elu_,
    glu,
    gumbel_softmax,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    leaky_relu_,
    mish,
    prelu,
    relu6,
    relu_,
    rrelu,
    rrelu_,
    selu,
    selu_,
    softmin,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
    threshold_,
)
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .basic import (
    abs,
    as_tensor,
    clamp,
    clip,
    cos,
    elu,
    exp,
    gelu,
    leaky_relu,
    linear,
    log,
    log_softmax,
    logsigmoid,
    logsumexp,
    one_hot,
    relu,
    sigmoid,
    silu,
    sin,
    softmax,
    softplus,
    sqrt,
    tanh,
)
from .bilinear import bilinear
from .conv import (
    adaptive_avg_pool2d,
    avg_pool2d,
    conv1d,
    conv2d,
    fold,
    max_pool2d,
    max_pool2d_with_indices,
    max_unpool2d,
    unfold,
)
from .conv_transpose import conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d
from .distance import cosine_similarity, normalize, pairwise_distance, pdist
from .dropout import (
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)
from .embedding import embedding, embedding_bag
from .grid import affine_grid, grid_sample
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
    triplet_margin_loss,
)
from .loss_more import (
    cosine_embedding_loss,
    ctc_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    kl_div,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_with_distance_loss,
)
from .norm import (
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    local_response_norm,
    rms_norm,
)
from .pad import pad
from .pool1d import adaptive_avg_pool1d, avg_pool1d, max_pool1d, max_pool1d_with_indices
from .pool3d import avg_pool3d, max_pool3d, max_pool3d_with_indices
from .pool_adaptive import (
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
)
from .pool_fractional import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .pool_more import (
    adaptive_avg_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_unpool1d,
    max_unpool3d,
)
from .sampling import (
    channel_shuffle,
    interpolate,
    native_channel_shuffle,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

cat = concatenate


def _method_as_function(name: str):  # type: ignore[no-untyped-def]
    """F.name(x, ...) == as_tensor(x).name(...), keeping the method's docstring."""
    method = getattr(Tensor, name)

    def f(x, *args, **kwargs):  # type: ignore[no-untyped-def]
        return getattr(as_tensor(x), name)(*args, **kwargs)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = method.__doc__
    return f


# every op method is also a function of tensors (API: "each also in functional")
add = _method_as_function("add")
sub = _method_as_function("sub")
mul = _method_as_function("mul")
div = _method_as_function("div")
pow = _method_as_function("pow")  # noqa: A001
matmul = _method_as_function("matmul")
addmm = _method_as_function("addmm")
neg = _method_as_function("neg")
log1p = _method_as_function("log1p")
expm1 = _method_as_function("expm1")
erf = _method_as_function("erf")
sum = _method_as_function("sum")  # noqa: A001
mean = _method_as_function("mean")
var = _method_as_function("var")
std = _method_as_function("std")
max = _method_as_function("max")  # noqa: A001
min = _method_as_function("min")  # noqa: A001
argmax = _method_as_function("argmax")
argmin = _method_as_function("argmin")
reshape = _method_as_function("reshape")
flatten = _method_as_function("flatten")
transpose = _method_as_function("transpose")
permute = _method_as_function("permute")
swapaxes = _method_as_function("swapaxes")
squeeze = _method_as_function("squeeze")
unsqueeze = _method_as_function("unsqueeze")
expand = _method_as_function("expand")
broadcast_to = _method_as_function("broadcast_to")
split = _method_as_function("split")
chunk = _method_as_function("chunk")
square = _method_as_function("square")
reciprocal = _method_as_function("reciprocal")
rsqrt = _method_as_function("rsqrt")
masked_fill = _method_as_function("masked_fill")
narrow = _method_as_function("narrow")
repeat = _method_as_function("repeat")
gather = _method_as_function("gather")
scatter = _method_as_function("scatter")
scatter_add = _method_as_function("scatter_add")
index_select = _method_as_function("index_select")
masked_select = _method_as_function("masked_select")
sort = _method_as_function("sort")
argsort = _method_as_function("argsort")
topk = _method_as_function("topk")
cumsum = _method_as_function("cumsum")
cumprod = _method_as_function("cumprod")
prod = _method_as_function("prod")
norm = _method_as_function("norm")
tril = _method_as_function("tril")
triu = _method_as_function("triu")
outer = _method_as_function("outer")

__all__ = [
    "add", "sub", "mul", "div", "pow", "matmul", "addmm", "neg", "log1p", "expm1", "erf", "sum",
    "mean", "var", "std", "max", "min", "argmax", "argmin", "reshape", "flatten", "transpose",
    "permute", "swapaxes", "squeeze", "unsqueeze", "expand", "broadcast_to", "pad", "split",
    "chunk", "square", "reciprocal", "rsqrt", "masked_fill", "narrow", "repeat",
    "abs", "as_tensor", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cat",
    "clamp", "clip", "concatenate", "cos", "cross_entropy", "dropout", "dropout1d", "dropout2d",
    "dropout3d", "einsum", "elu",
    "embedding", "embedding_bag", "exp", "gelu", "huber_loss", "l1_loss", "leaky_relu",
    "linear", "log",
    "log_softmax", "logsigmoid", "logsumexp", "maximum", "minimum", "mse_loss", "nll_loss",
    "one_hot", "relu", "sigmoid", "silu", "sin", "smooth_l1_loss", "softmax", "softplus", "sqrt",
    "stack", "tanh", "triplet_margin_loss", "where",
    "adaptive_avg_pool2d", "avg_pool2d", "conv1d", "conv2d", "fold", "max_pool2d", "unfold",
    "batch_norm", "layer_norm", "group_norm", "instance_norm", "local_response_norm", "rms_norm",
    "max_unpool2d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d",
    "adaptive_max_pool1d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices",
    "avg_pool3d", "max_pool3d", "alpha_dropout", "feature_alpha_dropout",
    "gather", "scatter", "scatter_add", "index_select", "masked_select", "sort", "argsort",
    "topk", "cumsum", "cumprod", "prod", "norm", "tril", "triu", "outer",
    "cosine_similarity", "normalize", "interpolate",
    "multi_head_attention_forward", "scaled_dot_product_attention",
    "cosine_embedding_loss", "ctc_loss", "gaussian_nll_loss", "hinge_embedding_loss", "kl_div",
    "margin_ranking_loss", "multi_margin_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss", "poisson_nll_loss", "soft_margin_loss",
    "triplet_margin_with_distance_loss",
    "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "celu", "celu_", "elu_", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh",
    "hardtanh_", "leaky_relu_", "mish", "prelu", "relu6", "relu_", "rrelu", "rrelu_", "selu",
    "selu_", "softmin", "softshrink", "softsign", "tanhshrink", "threshold", "threshold_",
    "channel_shuffle", "native_channel_shuffle", "pixel_shuffle", "pixel_unshuffle", "upsample",
    "upsample_bilinear", "upsample_nearest", "bilinear", "pairwise_distance", "pdist",
    "gumbel_softmax", "affine_grid", "grid_sample",
    "adaptive_avg_pool3d", "fractional_max_pool2d", "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d", "fractional_max_pool3d_with_indices",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
    "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool3d",
]
