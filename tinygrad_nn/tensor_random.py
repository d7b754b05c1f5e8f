"""Random sampling with PyTorch's names: ``multinomial``, ``bernoulli``, ``normal``,
``poisson`` (functions and methods) and the in-place fills ``random_``, ``bernoulli_``,
``exponential_``, ``geometric_``, ``log_normal_``, ``cauchy_``.

Every draw comes from the library's generator (``manual_seed``), or from a ``Generator``
passed as ``generator=``. The streams are not PyTorch's: the same seed gives other numbers,
the same distributions. Draws whose parameters require grad are recorded with a zero
gradient, as PyTorch records them (``ops/sampling.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import numpy as np

from ._random import get_rng
from .function import TensorBase
from .ops.sampling import Bernoulli, Normal, Poisson, fill_op
from .tensor_base import TensorMixin
from .tensor_elementwise import _not_for, _torch_name

if TYPE_CHECKING:
    from .tensor import Tensor


def _continuous(x: Any, name: str) -> None:
    """PyTorch refuses to fill an integer or bool tensor from a continuous distribution
    (``exponential_``, ``cauchy_``: RuntimeError)."""
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"{name} distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_torch_name(x._data.dtype)}")


def draw_rng(generator: Any) -> np.random.Generator:
    """The generator to draw from: a ``Generator``'s own, or the library's."""
    return get_rng() if generator is None else generator._rng


def _as_array(x: Any) -> Any:
    return x._data if isinstance(x, TensorBase) else x


class TensorRandom(TensorMixin):
    """The random-sampling methods of Tensor (a mixin)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by TensorInPlace

        def _inplace(self, name: str, compute: Any, *others: Any) -> Any: ...

        def _fill(self, name: str, values: Any, op: Any) -> Self: ...

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Tensor:
        """Category indices (int64, (num_samples,) or (rows, num_samples)) drawn with
        probabilities proportional to this 1-D or 2-D tensor of non-negative weights."""
        w = self._data
        if w.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if w.dtype.kind != "f":
            raise RuntimeError(f"multinomial only supports floating-point dtypes for input, "
                               f"got: {w.dtype}")
        if num_samples <= 0:
            raise RuntimeError("cannot sample n_sample <= 0 samples")
        rows = w.reshape(-1, w.shape[-1]).astype(np.float64)
        if not np.isfinite(rows).all() or (rows < 0).any():
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        total = rows.sum(axis=1, keepdims=True)
        if (total <= 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not replacement and num_samples > w.shape[-1]:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                               "replacement")
        rng = draw_rng(generator)
        if replacement:  # inverse CDF of each row at uniform draws
            cdf = np.cumsum(rows, axis=1)
            # u * (the cumsum's own total) < that total, and side="right" steps over the
            # flat stretches: a zero-weight category is never drawn
            u = rng.random((rows.shape[0], num_samples)) * cdf[:, -1:]
            out = np.stack([np.searchsorted(c, x, side="right") for c, x in zip(cdf, u)])
        else:  # PyTorch's race: the num_samples largest w / E with E ~ Exp(1), in order
            keys = rows / rng.exponential(size=rows.shape)
            out = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
        out = out.astype(np.int64)
        return self._new(out if w.ndim == 2 else out[0])

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> Tensor:
        """0 / 1 draws (this tensor's dtype): 1 with probability ``self`` (elementwise), or
        with probability ``p`` when given (then this tensor gives only shape and dtype)."""
        if p is not None:
            empty = self._new(np.empty(self._data.shape, self.dtype))
            return empty.bernoulli_(p, generator=generator)
        check_probabilities(self._data)
        return Bernoulli.apply(self, rng=draw_rng(generator))  # type: ignore[no-any-return]

    # -- in-place fills --------------------------------------------------------------
    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Self:
        """Fill with 0 / 1 draws, 1 with probability ``p`` (a number or a broadcastable
        tensor of probabilities)."""
        prob = _as_array(p)
        check_probabilities(np.asarray(prob))
        return self._fill("bernoulli_", draw_rng(generator).random(self.shape) < prob,
                          fill_op("Bernoulli", 1 if isinstance(p, TensorBase) else 2))

    def random_(self, from_: int = 0, to: int | None = None, *, generator: Any = None,
                **kwargs: Any) -> Self:
        """Fill with integers uniform in [from, to - 1] (``random_(to)``: [0, to - 1]; no
        bound: [0, 2^mantissa] for floats, [0, max] for integers)."""
        explicit_from = "from" in kwargs  # PyTorch's keyword is ``from``, a Python keyword
        if explicit_from:
            from_ = kwargs.pop("from")
        if kwargs:
            raise TypeError(f"random_() got unexpected keyword arguments {sorted(kwargs)}")
        if to is None and from_ != 0 and not explicit_from:
            from_, to = 0, from_  # random_(to)
        lo = int(from_)
        if to is not None and lo >= int(to):
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={lo} >= to={to}")
        if self.dtype.kind in "iu" and lo < np.iinfo(self.dtype).min:
            raise RuntimeError(f"from is out of bounds for {self.dtype}")
        top = _random_top(self.dtype) if to is None else int(to) - 1  # inclusive
        if to is not None and top > _random_top(self.dtype):
            raise RuntimeError(f"to - 1 is out of bounds for {self.dtype}")
        kind = np.uint64 if self.dtype.kind == "u" else np.int64
        overload = 2 if to is None else 0 if explicit_from or lo else 1  # PyTorch's node
        return self._fill("random_", draw_rng(generator).integers(lo, top, self.shape, dtype=kind,
                                                               endpoint=True),
                          fill_op("Random", overload))

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Self:
        """Fill with draws from the exponential distribution of rate λ."""
        _continuous(self, "Exponential")
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
        return self._fill("exponential_", draw_rng(generator).exponential(1 / lambd, self.shape),
                          fill_op("Exponential"))

    def geometric_(self, p: float, *, generator: Any = None) -> Self:
        """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
        if self._data.dtype.kind == "b":
            raise _not_for("geometric_cpu", self._data.dtype)
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
        return self._fill("geometric_", draw_rng(generator).geometric(p, self.shape),
                          fill_op("Geometric"))

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Any = None) -> Self:
        """Fill with exp(N(mean, std²)) draws."""
        if self._data.dtype.kind not in "fc":
            raise _not_for("log_normal_cpu", self._data.dtype)
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
        return self._fill("log_normal_", draw_rng(generator).lognormal(mean, std, self.shape),
                          fill_op("LogNormal"))

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> Self:
        """Fill with draws from the Cauchy distribution median + σ·tan(π(U − ½))."""
        _continuous(self, "Cauchy")
        if not sigma > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
        draw = draw_rng(generator).standard_cauchy(self.shape)
        return self._fill("cauchy_", median + sigma * draw, fill_op("Cauchy"))


def _random_top(dtype: np.dtype) -> int:
    """The largest value ``random_()`` draws without bounds: 2^(mantissa bits + 1) for
    floats (every integer up to it is exact), the largest value for integers."""
    if dtype.kind == "f":
        return int(2 ** (np.finfo(dtype).nmant + 1))
    if dtype.kind == "b":
        return 1
    return int(np.iinfo(dtype).max)


def check_probabilities(p: np.ndarray) -> None:
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")


__all__ = ["TensorRandom", "Bernoulli", "Normal", "Poisson", "check_probabilities", "draw_rng"]
