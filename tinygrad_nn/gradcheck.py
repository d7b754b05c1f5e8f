"""``tinygrad_nn.gradcheck`` / ``gradgradcheck`` (a leaf: nothing in the core imports it):
the library's own numerical gradient checks, inputs compared in float64, with a ``mode``
(``"full"``, ``"projection"``, ``"auto"``). The implementation lives in
``autograd/_gradcheck_impl.py`` beside PyTorch's ``torch.autograd.gradcheck`` names, which
share it (those check in the inputs' own precision, with PyTorch's signatures)."""

from __future__ import annotations

from .autograd._gradcheck_impl import GradcheckError, gradcheck, gradgradcheck

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]
