"""Helpers shared by the distributions (PyTorch's ``torch.distributions.utils``):
broadcasting parameters, converting between probabilities and logits, lazily derived
parameters, and packing lower-triangular matrices into vectors."""

from __future__ import annotations

from .discrete import clamp_probs, logits_to_probs, probs_to_logits
from .distribution import broadcast_all, lazy_property
from .independent import _sum_rightmost
from .transforms import tril_matrix_to_vec, vec_to_tril_matrix

__all__ = ["_sum_rightmost", "broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs",
           "probs_to_logits", "tril_matrix_to_vec", "vec_to_tril_matrix"]
