"""set_num_threads / get_num_threads: PyTorch's names for NumPy's BLAS thread pool."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_nn as tg

pytest.importorskip("threadpoolctl")


@pytest.fixture
def restore_threads():
    before = tg.get_num_threads()
    yield
    tg.set_num_threads(before)


@pytest.mark.parametrize("n", [1, 2, np.int64(3)])
def test_set_then_get_round_trips(n, restore_threads) -> None:
    tg.set_num_threads(n)
    assert tg.get_num_threads() == int(n)
    assert isinstance(tg.get_num_threads(), int)


def test_the_limit_reaches_numpys_blas(restore_threads) -> None:
    from threadpoolctl import threadpool_info

    tg.set_num_threads(2)
    blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas and set(blas) == {2}


@pytest.mark.parametrize("n", [0, -1])
def test_non_positive_count_is_refused(n, restore_threads) -> None:
    before = tg.get_num_threads()
    with pytest.raises(RuntimeError, match=rf"positive integer, got {n}"):
        tg.set_num_threads(n)
    assert tg.get_num_threads() == before


@pytest.mark.parametrize("n", [1.5, "2", None, True])
def test_non_integer_count_is_refused(n) -> None:
    with pytest.raises(TypeError, match=f"expected a positive int, got {type(n).__name__}"):
        tg.set_num_threads(n)


def _threads_after_import(env: dict[str, str]) -> int:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", "import tinygrad_nn as tg; print(tg.get_num_threads())"],
        env={**clean, **env}, capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_import_limits_blas_to_one_thread_by_default() -> None:
    assert _threads_after_import({}) == 1


def test_import_keeps_the_count_the_environment_asks_for() -> None:
    assert _threads_after_import({"OPENBLAS_NUM_THREADS": "2"}) == 2
