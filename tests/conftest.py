"""Shared test configuration: Hypothesis profiles, a printed seed, and clean global state.

Profiles (``HYPOTHESIS_PROFILE=<name>``; default "ci" when the CI variable is set, else
"dev"): "dev" 15 examples per property, "ci" 25, "thorough" 500. Runs stay random; the
session's seed is printed in the header, and ``--hypothesis-seed=<seed>`` replays it.
"""

from __future__ import annotations

import os

# one BLAS thread per test process, set before NumPy loads: `pytest -n 2` already keeps both
# cores busy, and BLAS threads fighting over them make small matmuls many times slower
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import random  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

import tinygrad_nn as tg  # noqa: E402
from tinygrad_nn.grad_mode import _mode  # noqa: E402

_COMMON = {"deadline": None, "print_blob": True,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("dev", max_examples=15, **_COMMON)
settings.register_profile("ci", max_examples=25, **_COMMON)
settings.register_profile("thorough", max_examples=500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # one random seed per session, chosen by the controller, shown in the header and handed
    # to xdist workers. It is set as the public --hypothesis-seed option before Hypothesis'
    # own pytest plugin reads that option (tryfirst), so any failure can be replayed with it
    seed = getattr(config.option, "hypothesis_seed", None)
    if hasattr(config, "workerinput"):
        seed = config.workerinput.get("hypothesis_seed", seed)
    elif seed is None:
        seed = str(random.SystemRandom().randrange(2**32))
    config.option.hypothesis_seed = seed


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:  # xdist: runs on the controller per worker
    node.workerinput["hypothesis_seed"] = node.config.option.hypothesis_seed


def pytest_report_header(config: pytest.Config) -> str:
    seed = getattr(config.option, "hypothesis_seed", None)
    return (f"hypothesis profile {settings.get_current_profile_name()!r}, seed {seed} "
            f"(replay with --hypothesis-seed={seed})")


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Tests may change the default dtype or grad mode; the next test starts clean."""
    dtype, enabled, scope = tg.get_default_dtype(), _mode.enabled, _mode.scope
    yield
    tg.set_default_dtype(dtype)
    _mode.enabled, _mode.scope = enabled, scope
