"""Anomaly mode against PyTorch's: on the same program, the same exception type at the same op
(and output index), or no exception where PyTorch raises none (it checks NaN, not inf)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import autograd

torch = pytest.importorskip("torch")


# each program: tensor constructor -> loss; written once, run by both libraries
def _sqrt_times_zero(t: Callable[..., Any]) -> Any:
    x = t([0.0, 4.0], requires_grad=True)
    return (x.sqrt() * 0.0).sum()  # SqrtBackward0: 0 * inf


def _zero_over_zero(t: Callable[..., Any]) -> Any:
    x = t([0.0, 1.0], requires_grad=True)
    w = t([0.0, 2.0], requires_grad=True)
    return (x / w).sum()  # d/dx = 1/w is inf (passes), d/dw = -x/w^2 is 0/0: 1th output


def _log_of_zero(t: Callable[..., Any]) -> Any:
    x = t([0.0, 1.0], requires_grad=True)
    y = (x * 1.0).log()
    return (y * 0.0).sum()  # LogBackward0: 0 / 0


def _nan_after_a_chain(t: Callable[..., Any]) -> Any:
    x = t([-1.0, 1.0], requires_grad=True)
    y = (x * 1.0).log()  # NaN at x = -1: every gradient after it is NaN
    return (y * y.exp()).sum()  # the first backward to see it: MulBackward0


def _inf_gradient_only(t: Callable[..., Any]) -> Any:
    x = t([0.0, 4.0], requires_grad=True)
    return x.sqrt().sum()  # d sqrt at 0 is inf: not NaN, so neither raises


PROGRAMS = [_sqrt_times_zero, _zero_over_zero, _log_of_zero, _nan_after_a_chain,
            _inf_gradient_only]


def _outcome(run: Callable[[], Any], detect: Callable[[], Any]) -> tuple[str, str]:
    """(exception type name, "Function 'XBackward0' ... in its Nth output") or ("", "")."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with detect():
            try:
                run().backward()
            except Exception as e:  # the type is what is compared
                head = re.match(r"Function '\w+' returned nan values in its \d+th output",
                                str(e))
                return type(e).__name__, head.group(0) if head else str(e)
    return "", ""


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda f: f.__name__.strip("_"))
def test_anomaly_mode_stops_where_pytorchs_does(program: Callable[..., Any]) -> None:
    def ours() -> Any:
        return program(lambda v, **kw: tg.tensor(v, dtype=tg.float32, **kw))

    def theirs() -> Any:
        return program(lambda v, **kw: torch.tensor(v, dtype=torch.float32, **kw))

    got = _outcome(ours, autograd.detect_anomaly)
    want = _outcome(theirs, torch.autograd.detect_anomaly)
    assert got == want
    if program is not _inf_gradient_only:  # the programs are chosen so that torch raises
        assert want[0] == "RuntimeError"
