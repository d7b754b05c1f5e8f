"""The BLAS thread pool, as PyTorch's ``torch.set_num_threads`` / ``torch.get_num_threads``.

tinygrad_nn's heavy work is NumPy's matrix products, run by NumPy's BLAS (OpenBLAS, MKL...).
``threadpoolctl`` reaches that library's thread pool at run time, whichever it is.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

_lock = threading.Lock()
_limiter: Any = None  # the threadpoolctl limiter in force (kept so the limit stays set)

# Variables a user sets to choose BLAS threads before starting Python; if any is set, the
# library's default leaves the pool as the user asked.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def set_num_threads(n: int) -> None:
    """Use n threads for the matrix products (NumPy's BLAS pool); n >= 1, as torch's."""
    global _limiter
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"set_num_threads: expected a positive int, got {type(n).__name__}")
    if n < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n}")
    from threadpoolctl import threadpool_limits

    with _lock:
        _limiter = threadpool_limits(limits=int(n), user_api="blas")


def get_num_threads() -> int:
    """The number of threads of NumPy's BLAS pool (the largest, if several are loaded)."""
    from threadpoolctl import threadpool_info

    counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return max(counts, default=1)


def apply_default() -> None:
    """One BLAS thread unless the user chose a number through the environment.

    Measured (docs/performance.md): on a two-core machine with other load, NumPy's default of
    one thread per core made a char-LSTM training step several times slower, because BLAS
    threads wait for busy cores on every small product; one thread loses little on the large
    products. ``set_num_threads(os.cpu_count())`` restores NumPy's default.
    """
    if any(os.environ.get(var) for var in THREAD_VARIABLES):
        return
    try:
        set_num_threads(1)
    except ImportError:  # threadpoolctl missing: keep NumPy's default
        pass
