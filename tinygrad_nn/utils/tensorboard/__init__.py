"""PyTorch's ``torch.utils.tensorboard``: ``SummaryWriter`` logs scalars, histograms, text
and images to TensorBoard event files (``writer.py``), written by this package itself
(``_events.py``): TensorBoard is needed to view them, not to write them."""

from __future__ import annotations

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
