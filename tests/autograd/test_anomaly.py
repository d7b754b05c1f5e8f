"""Anomaly mode: PyTorch's public shapes over the grad-mode hook (the engine does the check)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import autograd


def test_detect_anomaly_is_a_context_manager_and_a_decorator() -> None:
    assert not autograd.is_anomaly_enabled()
    with pytest.warns(UserWarning, match="Anomaly Detection"), autograd.detect_anomaly():
        assert autograd.is_anomaly_enabled()
        with autograd.detect_anomaly(check_nan=False):
            assert autograd.is_anomaly_enabled()
            assert not autograd.is_anomaly_check_nan_enabled()
        assert autograd.is_anomaly_check_nan_enabled()
    assert not autograd.is_anomaly_enabled()

    with pytest.warns(UserWarning):
        @autograd.detect_anomaly()
        def inside() -> bool:
            return autograd.is_anomaly_enabled()

    assert inside() and not autograd.is_anomaly_enabled()


def test_set_detect_anomaly_sets_now_and_restores_as_context() -> None:
    autograd.set_detect_anomaly(True)
    try:
        assert autograd.is_anomaly_enabled()
        with autograd.set_detect_anomaly(False):
            assert not autograd.is_anomaly_enabled()
        assert autograd.is_anomaly_enabled()
    finally:
        autograd.set_detect_anomaly(False)
    assert not autograd.is_anomaly_enabled()


def _nan_backward() -> tg.Tensor:
    x = tg.tensor(np.array([0.0, 1.0]), requires_grad=True)
    return x.sqrt() * 0  # d sqrt at 0 is inf; inf * 0 = NaN in the backward


def test_nan_in_backward_raises_naming_the_op() -> None:
    with pytest.warns(UserWarning), autograd.detect_anomaly():
        y = _nan_backward()
        with pytest.raises(RuntimeError, match="(?i)sqrt") as info:
            y.sum().backward()
    assert "nan" in str(info.value).lower()
    assert __file__.rsplit("/", 1)[-1] in str(info.value)  # where the op was created


def test_without_anomaly_mode_nan_passes_silently() -> None:
    x = tg.tensor(np.array([0.0, 1.0]), requires_grad=True)
    with np.errstate(all="ignore"):
        (x.sqrt() * 0).sum().backward()
    assert np.isnan(x.grad.numpy()[0])
