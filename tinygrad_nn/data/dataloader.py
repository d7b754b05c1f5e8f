"""``DataLoader`` as in PyTorch: samplers pick indices, workers (processes) load, collate batches.

With ``num_workers > 0`` each epoch starts that many worker processes. The main process
sends every worker batches of indices (round robin, at most ``prefetch_factor`` outstanding
per worker) and yields the collated results in sampler order, whichever worker finishes
first. An exception in a worker comes back with its traceback text and is re-raised in the
main process; the workers are stopped when the epoch ends, when the loop is left early
(``break``) and when the iterator is garbage collected.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import queue
import random
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from .. import _random
from ..tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _rng_of

__all__ = ["DataLoader", "get_worker_info", "WorkerInfo"]

_POLL = 0.5  # seconds between checks that the workers are still alive


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker process."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """Inside a DataLoader worker: its ``id``, ``num_workers``, ``seed`` and ``dataset`` copy;
    ``None`` in the main process."""
    return _worker_info


class _End:
    """A worker's iterable dataset is exhausted."""


class _WorkerError:
    """An exception raised in a worker, carried to the main process as text."""

    def __init__(self, exc: BaseException, worker_id: int) -> None:
        self.exc_type = type(exc)
        self.text = (f"Caught {type(exc).__name__} in DataLoader worker process {worker_id}.\n"
                     "Original " + "".join(traceback.format_exception(exc)))

    def reraise(self) -> None:
        try:
            err = self.exc_type(self.text)
        except Exception:  # an exception type that needs other arguments
            raise RuntimeError(self.text) from None
        raise err


def _fetch(dataset: Any, indices: Any, auto_collation: bool, collate: Callable[..., Any],
           it: Iterator[Any] | None, batch_size: int | None, drop_last: bool) -> Any:
    """One batch: from the indices (map-style) or the next items of ``it`` (iterable)."""
    if it is None:
        if not auto_collation:
            return collate(dataset[indices])
        if (type(dataset) is TensorDataset and collate is default_collate
                and not any(t.requires_grad for t in dataset.tensors)):
            # what default_collate of the items gives, by one fancy index per tensor
            rows = np.asarray(indices, dtype=np.int64)
            return [Tensor._new(t._data[rows]) for t in dataset.tensors]
        getitems = getattr(dataset, "__getitems__", None)
        items = getitems(indices) if getitems is not None else [dataset[i] for i in indices]
        return collate(items)
    if not auto_collation:
        return collate(next(it))
    assert batch_size is not None
    items = list(itertools.islice(it, batch_size))
    if not items or (drop_last and len(items) < batch_size):
        raise StopIteration
    return collate(items)


def _worker_loop(dataset: Any, index_q: Any, result_q: Any, auto_collation: bool,
                 collate: Callable[..., Any], batch_size: int | None, drop_last: bool,
                 init_fn: Callable[[int], None] | None, worker_id: int, num_workers: int,
                 seed: int) -> None:
    """A worker: fetch the batches the main process asks for until it sends ``None``."""
    global _worker_info
    _random.manual_seed(seed)
    random.seed(seed)
    _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
    try:
        if init_fn is not None:
            init_fn(worker_id)
        it = iter(dataset) if isinstance(dataset, IterableDataset) else None
    except BaseException as exc:  # reported with the first task
        setup_error: _WorkerError | None = _WorkerError(exc, worker_id)
    else:
        setup_error = None
    while True:
        try:
            task = index_q.get()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        k, indices = task
        if setup_error is not None:
            result_q.put((k, setup_error))
            continue
        try:
            out: Any = _fetch(dataset, indices, auto_collation, collate, it, batch_size,
                              drop_last)
        except StopIteration:
            out = _End()
        except BaseException as exc:
            out = _WorkerError(exc, worker_id)
        result_q.put((k, out))


T_co = TypeVar("T_co", covariant=True)


class _InfiniteConstantSampler(Sampler):
    """An IterableDataset's sampler (PyTorch's): ``None`` forever, the dataset picks items."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


class DataLoader(Generic[T_co]):
    """Iterate a dataset in batches (PyTorch's ``torch.utils.data.DataLoader``).

    Each batch is ``collate_fn`` of ``batch_size`` examples, by default ``default_collate``:
    items of a ``TensorDataset`` give ``[x_batch, y_batch]`` of shapes ``(B, ...)``.
    ``shuffle=True`` draws a new order each epoch from ``generator`` (default: the library
    generator, so ``tinygrad_nn.manual_seed(s)`` makes it repeatable). ``num_workers > 0``
    loads in that many worker processes (see the module doc); ``pin_memory`` is accepted and
    has no effect on a CPU-only library.
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Callable[[list[Any]], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Any = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        iterable = isinstance(dataset, IterableDataset)
        if not iterable and not (hasattr(dataset, "__getitem__")):
            raise TypeError("DataLoader: dataset must support len() and indexing (or be an "
                            f"IterableDataset), got {type(dataset).__name__}")
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if iterable:
            if shuffle not in (None, False):
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if iterable:
                sampler = _InfiniteConstantSampler()
            else:
                sampler = (RandomSampler(dataset, generator=generator) if shuffle
                           else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.prefetch_factor = 2 if num_workers and prefetch_factor is None else prefetch_factor
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.persistent_workers = persistent_workers
        self._auto_collation = batch_sampler is not None
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        """Batches per epoch (for an IterableDataset with ``__len__``: from its length)."""
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)  # type: ignore[arg-type]
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self._auto_collation else self.sampler)

    def _tasks(self) -> Iterator[Any]:
        """What each fetch gets: a batch of indices, one index, or None (iterable datasets)."""
        if isinstance(self.dataset, IterableDataset):
            return itertools.repeat(None)
        return iter(self.batch_sampler if self._auto_collation else self.sampler)

    def __iter__(self) -> Iterator[Any]:
        """Yield the batches of one epoch, in sampler order."""
        # the workers' base seed, drawn for every epoch with or without workers, as PyTorch
        # does: so the shuffle order (drawn next) and every later draw do not depend on
        # num_workers
        base_seed = int(_rng_of(self.generator).integers(0, 2**62))
        if self.num_workers == 0:
            return self._single_process()
        return self._multi_process(base_seed)

    def _single_process(self) -> Iterator[Any]:
        it = iter(self.dataset) if isinstance(self.dataset, IterableDataset) else None
        for indices in self._tasks():
            try:
                batch = _fetch(self.dataset, indices, self._auto_collation, self.collate_fn,
                               it, self.batch_size, self.drop_last)
            except StopIteration:
                return
            yield batch

    def _multi_process(self, base_seed: int) -> Iterator[Any]:
        ctx = self.multiprocessing_context
        if ctx is None or isinstance(ctx, str):
            ctx = mp.get_context(ctx)
        n = self.num_workers
        result_q = ctx.Queue()
        index_qs, workers = [], []
        for w in range(n):
            index_q = ctx.Queue()
            proc = ctx.Process(
                target=_worker_loop,
                args=(self.dataset, index_q, result_q, self._auto_collation, self.collate_fn,
                      self.batch_size, self.drop_last, self.worker_init_fn, w, n,
                      base_seed + w),
                daemon=True,
            )
            proc.start()
            index_qs.append(index_q)
            workers.append(proc)
        try:
            yield from self._results(self._tasks(), index_qs, workers, result_q)
        finally:
            _shutdown(index_qs, workers, result_q)

    def _results(self, tasks: Iterator[Any], index_qs: list[Any], workers: list[Any],
                 result_q: Any) -> Iterator[Any]:
        """Send tasks round robin, keep up to prefetch_factor per worker, yield in order."""
        n = len(workers)
        active = [True] * n
        owner: dict[int, int] = {}
        done: dict[int, Any] = {}
        sent = want = 0
        turn = itertools.cycle(range(n))
        exhausted = False
        while True:
            while not exhausted and sent - want < (self.prefetch_factor or 1) * n and any(active):
                task = next(tasks, StopIteration)
                if task is StopIteration:
                    exhausted = True
                    break
                w = next(turn)
                while not active[w]:
                    w = next(turn)
                index_qs[w].put((sent, task))
                owner[sent] = w
                sent += 1
            if want == sent:
                return
            while want not in done:
                k, out = self._get(result_q, workers)
                done[k] = out
            out = done.pop(want)
            w = owner.pop(want)
            want += 1
            if isinstance(out, _End):
                active[w] = False
                if not any(active):
                    return
                continue
            if isinstance(out, _WorkerError):
                out.reraise()
            yield out

    def _get(self, result_q: Any, workers: list[Any]) -> tuple[int, Any]:
        waited = 0.0
        while True:
            step = _POLL if not self.timeout else min(_POLL, self.timeout - waited)
            try:
                return result_q.get(timeout=max(step, 0.001))  # type: ignore[no-any-return]
            except queue.Empty:
                waited += step
                if self.timeout and waited >= self.timeout:
                    raise RuntimeError(
                        f"DataLoader timed out after {self.timeout} seconds"
                    ) from None
                dead = [p for p in workers if not p.is_alive()]
                if dead:
                    pids = ", ".join(str(p.pid) for p in dead)
                    raise RuntimeError(
                        f"DataLoader worker (pid(s) {pids}) exited unexpectedly (exit code "
                        f"{dead[0].exitcode})"
                    ) from None


def _shutdown(index_qs: list[Any], workers: list[Any], result_q: Any) -> None:
    """Ask every worker to stop, wait briefly, terminate stragglers, close the queues."""
    for q in index_qs:
        try:
            q.put(None)
        except (OSError, ValueError):
            pass
    for p in workers:
        p.join(timeout=5)
        if p.is_alive():
            p.terminate()
            p.join(timeout=1)
    for q in [*index_qs, result_q]:
        q.cancel_join_thread()  # results nobody will read must not block interpreter exit
        q.close()

