"""``LKJCholesky`` (PyTorch's): the LKJ distribution over Cholesky factors of correlation
matrices, p(L) ∝ Π_i L_ii^(D − i + 2(η − 1)), drawn by the onion method (Ghosh &
Henderson 2003) from Beta marginals and uniform directions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._random import get_rng
from ..grad_mode import no_grad
from ..tensor import Size, Tensor
from ..tensor_functions import cat
from . import constraints
from .continuous import _noise
from .distribution import Distribution, broadcast_all
from .gamma import Beta


class LKJCholesky(Distribution):
    """LKJ(dim, concentration η > 0) over lower Cholesky factors of dim x dim correlation
    matrices (η = 1: uniform over correlation matrices; larger η concentrates at I)."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Any = 1.0,
                 validate_args: bool | None = None) -> None:
        if dim < 2:
            raise ValueError("Expected dim to be an integer greater than or equal to 2. "
                             f"Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal_conc = self.concentration + 0.5 * (dim - 2)
        offset = self.concentration.new_ones(dim - 1).cumsum(-1) - 1
        offset = cat([offset.new_zeros(1), offset])
        self._beta = Beta(offset + 0.5, marginal_conc.unsqueeze(-1) - 0.5 * offset)
        super().__init__(self.concentration.shape, (dim, dim), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        new = _instance if _instance is not None else type(self).__new__(type(self))
        batch = Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(*batch)
        new._beta = self._beta.expand(tuple(batch) + (self.dim,))
        Distribution.__init__(new, batch, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape: Any = ()) -> Tensor:
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u_normal = _noise(get_rng().standard_normal(self._extended_shape(sample_shape)),
                              y).tril(-1)
            norm = u_normal.norm(dim=-1, keepdim=True)
            # (the first row is all zero: its direction is 0, as torch's, not 0/0)
            u = u_normal / norm.masked_fill(norm == 0, 1.0)
            w = y.sqrt() * u
            tiny = float(np.finfo(w.dtype).tiny)
            diag = (1 - (w ** 2).sum(-1)).clamp(min=tiny).sqrt()
            return w + diag.diag_embed()

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = _noise(np.arange(2, self.dim + 1), self.concentration)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = (order * diag_elems.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = alpha.lgamma() * dm1
        numerator = (alpha - 0.5).mvlgamma(dm1)
        normalize = 0.5 * dm1 * math.log(math.pi) + numerator - denominator
        return unnormalized - normalize


__all__ = ["LKJCholesky"]
