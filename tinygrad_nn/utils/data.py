"""``tinygrad_nn.utils.data``: the same module as ``tinygrad_nn.data`` (torch.utils.data)."""

from ..data import *  # noqa: F403
from ..data import __all__ as __all__
