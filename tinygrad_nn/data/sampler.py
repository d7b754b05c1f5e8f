"""Samplers as in PyTorch: the order of indices a DataLoader visits, and batches of them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from .._random import get_rng
from ..tensor import Tensor

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler",
           "SubsetRandomSampler", "WeightedRandomSampler"]

_CHUNK = 32  # draws with replacement come in chunks of 32, as in PyTorch: lazily, for huge counts


def _rng_of(generator: Any) -> np.random.Generator:
    """The NumPy generator behind ``generator``: None means the library's global one (so
    ``tinygrad_nn.manual_seed`` makes shuffles repeatable); an int seeds a fresh one."""
    if generator is None:
        return get_rng()
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    inner = getattr(generator, "_rng", None) or getattr(generator, "rng", None)
    if isinstance(inner, np.random.Generator):  # a Generator object wrapping a NumPy one
        return inner
    raise TypeError("generator must be None, a numpy.random.Generator, an int seed or a "
                    f"tinygrad_nn Generator, got {type(generator).__name__}")


class _Wrapped:
    """Presents a NumPy generator the way ``Tensor.multinomial`` reads a ``Generator``."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng


T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class: ``__iter__`` yields dataset indices (or batches of them)."""

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Indices 0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A fresh random permutation each epoch (or ``num_samples`` draws with replacement)."""

    def __init__(self, data_source: Any, replacement: bool = False,
                 num_samples: int | None = None, generator: Any = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError("replacement should be a boolean value, but got replacement="
                            f"{replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        """Lazily, like PyTorch: nothing is drawn until the first ``next``; then one chunk of 32
        draws (with replacement) or one permutation (without) at a time, so ``num_samples`` may
        exceed memory. Without a ``generator`` the epoch's own generator is seeded once from the
        global one (PyTorch's rule), so other draws during the epoch do not change its order."""
        n = len(self.data_source)
        rng = _rng_of(self.generator)
        if self.generator is None:
            rng = np.random.default_rng(int(rng.integers(0, 2**63)))
        full, rest = divmod(self.num_samples, _CHUNK if self.replacement else n)
        if self.replacement:
            for _ in range(full):
                yield from rng.integers(0, n, _CHUNK).tolist()
            yield from rng.integers(0, n, rest).tolist()
        else:
            for _ in range(full):
                yield from rng.permutation(n).tolist()
            yield from rng.permutation(n).tolist()[:rest]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a fresh random order each epoch."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in _rng_of(self.generator).permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices in ``[0, len(weights))``, index i drawn with probability
    ``weights[i] / sum(weights)`` (with replacement by default; without, each index at most
    once, later draws renormalised over the rest, as ``torch.multinomial``)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError("replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        w = Tensor._new(np.asarray(weights._data if isinstance(weights, Tensor) else weights,
                                   np.float64))
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape "
                             f"{tuple(w.shape)}")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        gen = self.generator
        if gen is not None and not hasattr(gen, "_rng"):  # a NumPy generator or an int seed
            gen = _Wrapped(_rng_of(gen))
        yield from self.weights.multinomial(self.num_samples, self.replacement,
                                            generator=gen).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups a sampler's indices into lists of ``batch_size`` (the last may be shorter)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError("batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
