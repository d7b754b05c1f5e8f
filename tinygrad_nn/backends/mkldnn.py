"""``torch.backends.mkldnn``: the switch for the fused CPU kernels.

In PyTorch, ``enabled`` lets a float32 ``nn.LSTM`` run as oneDNN's fused layer, recorded as
one ``MkldnnRnnLayerBackward0`` node per layer and direction; with
``flags(enabled=False)`` the layer records its steps' own ops. tinygrad_nn has no oneDNN
(``is_available()`` is False, so ``Tensor.to_mkldnn`` is not offered), but the switch has
the same effect here: a float32 ``nn.LSTM`` is one ``LSTMLayer`` node per layer and
direction (``ops/lstm_layer.py``), and under ``flags(enabled=False)`` it is one
``LSTMStep`` node per step, which the drawing shows in "step t" boxes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

enabled = True
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: no oneDNN library is linked (``enabled`` still selects the fused LSTM layer)."""
    return False


@contextmanager
def flags(enabled: bool = False, deterministic: bool = False, allow_tf32: bool = True,
          fp32_precision: str = "none") -> Iterator[None]:
    """Set ``enabled`` (and the other flags) inside the ``with`` block; restored after."""
    flags_now = globals()  # (this module's attributes: the parameters shadow their names)
    names = ("enabled", "deterministic", "allow_tf32")
    old = {k: flags_now[k] for k in names}
    flags_now.update(zip(names, (bool(enabled), bool(deterministic), bool(allow_tf32))))
    try:
        yield
    finally:
        flags_now.update(old)


__all__ = ["allow_tf32", "deterministic", "enabled", "flags", "is_available"]
