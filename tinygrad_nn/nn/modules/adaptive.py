"""PyTorch's ``torch.nn.modules.adaptive`` path: re-exports the class defined in
``nn/adaptive.py``."""

from ..adaptive import AdaptiveLogSoftmaxWithLoss, _ASMoutput

__all__ = [
    "AdaptiveLogSoftmaxWithLoss",
    "_ASMoutput",
]
