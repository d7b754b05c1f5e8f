"""The normalisation functions and layers raise PyTorch's exception types for bad shapes
(RuntimeError where PyTorch's kernels check, ValueError where its Python layer does)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

X = np.random.default_rng(0).standard_normal((4, 3, 5))


def _z(*shape: int) -> np.ndarray:
    return np.zeros(shape)


def _o(*shape: int) -> np.ndarray:
    return np.ones(shape)


CASES: list[tuple[str, Any]] = [
    ("bn 1-D input", lambda L, F, nn, t: F.batch_norm(t(_o(3)), t(_z(3)), t(_o(3)))),
    ("bn 0-D input", lambda L, F, nn, t: F.batch_norm(t(np.ones(())), t(_z(3)), t(_o(3)))),
    ("bn 1-D input no stats", lambda L, F, nn, t: F.batch_norm(t(_o(3)), None, None,
                                                               training=True)),
    ("bn running_mean size", lambda L, F, nn, t: F.batch_norm(t(X), t(_z(4)), t(_o(3)))),
    ("bn running_var size", lambda L, F, nn, t: F.batch_norm(t(X), t(_z(3)), t(_o(4)))),
    ("bn weight size", lambda L, F, nn, t: F.batch_norm(t(X), t(_z(3)), t(_o(3)), t(_o(4)))),
    ("bn bias size", lambda L, F, nn, t: F.batch_norm(t(X), t(_z(3)), t(_o(3)), None, t(_o(4)))),
    ("bn weight size training", lambda L, F, nn, t: F.batch_norm(t(X), None, None, t(_o(4)),
                                                                 training=True)),
    ("bn one value", lambda L, F, nn, t: F.batch_norm(t(_o(1, 3)), None, None, training=True)),
    ("bn eval without stats", lambda L, F, nn, t: F.batch_norm(t(X), None, None)),
    ("bn 2-D running_mean", lambda L, F, nn, t: F.batch_norm(t(X), t(_z(3, 1)), t(_o(3)))),
    ("ln shape", lambda L, F, nn, t: F.layer_norm(t(X), (4,))),
    ("ln too many dims", lambda L, F, nn, t: F.layer_norm(t(X), (2, 4, 3, 5))),
    ("ln empty", lambda L, F, nn, t: F.layer_norm(t(X), ())),
    ("ln float size", lambda L, F, nn, t: F.layer_norm(t(X), (5.0,))),
    ("ln weight", lambda L, F, nn, t: F.layer_norm(t(X), (5,), t(_o(4)))),
    ("ln bias", lambda L, F, nn, t: F.layer_norm(t(X), (5,), None, t(_o(4)))),
    ("LayerNorm", lambda L, F, nn, t: nn.LayerNorm(4)(t(X))),
    ("gn 1-D", lambda L, F, nn, t: F.group_norm(t(_o(3)), 1)),
    ("gn groups", lambda L, F, nn, t: F.group_norm(t(X), 2)),
    ("gn weight", lambda L, F, nn, t: F.group_norm(t(X), 3, t(_o(4)))),
    ("gn one value", lambda L, F, nn, t: F.group_norm(t(_o(1, 3)), 3)),
    ("GroupNorm channels", lambda L, F, nn, t: nn.GroupNorm(2, 4)(t(X))),
    ("GroupNorm init", lambda L, F, nn, t: nn.GroupNorm(2, 3)),
    ("in 1-D", lambda L, F, nn, t: F.instance_norm(t(_o(3)))),
    ("in weight", lambda L, F, nn, t: F.instance_norm(t(X), weight=t(_o(4)))),
    ("in running_mean", lambda L, F, nn, t: F.instance_norm(t(X), t(_z(4)), t(_o(4)))),
    ("in one spatial", lambda L, F, nn, t: F.instance_norm(t(_o(4, 3, 1)))),
    ("in no stats", lambda L, F, nn, t: F.instance_norm(t(X), use_input_stats=False)),
    ("BatchNorm1d dims", lambda L, F, nn, t: nn.BatchNorm1d(3)(t(_o(2, 3, 4, 5)))),
    ("BatchNorm1d channels", lambda L, F, nn, t: nn.BatchNorm1d(4)(t(X))),
    ("BatchNorm1d channels eval", lambda L, F, nn, t: nn.BatchNorm1d(4).eval()(t(X))),
    ("BatchNorm1d channels, affine only",
     lambda L, F, nn, t: nn.BatchNorm1d(4, track_running_stats=False)(t(X))),
    ("BatchNorm2d dims", lambda L, F, nn, t: nn.BatchNorm2d(3)(t(X))),
    ("BatchNorm2d channels", lambda L, F, nn, t: nn.BatchNorm2d(4)(t(_o(2, 3, 4, 4)))),
    ("BatchNorm3d dims", lambda L, F, nn, t: nn.BatchNorm3d(3)(t(X))),
    ("BatchNorm1d one value", lambda L, F, nn, t: nn.BatchNorm1d(3)(t(_o(1, 3)))),
    ("InstanceNorm1d dims", lambda L, F, nn, t: nn.InstanceNorm1d(3)(t(_o(2, 3, 4, 5)))),
    ("InstanceNorm1d channels", lambda L, F, nn, t: nn.InstanceNorm1d(4, affine=True)(t(X))),
    ("InstanceNorm2d dims", lambda L, F, nn, t: nn.InstanceNorm2d(3)(t(X[0]))),
    ("InstanceNorm1d one spatial", lambda L, F, nn, t: nn.InstanceNorm1d(3)(t(_o(4, 3, 1)))),
    ("lrn 2-D", lambda L, F, nn, t: F.local_response_norm(t(_o(3, 4)), 2)),
    ("lrn size 0", lambda L, F, nn, t: F.local_response_norm(t(X), 0)),
    ("lrn float size", lambda L, F, nn, t: F.local_response_norm(t(X), 2.5)),
    ("rms shape", lambda L, F, nn, t: F.rms_norm(t(X), (4,))),
    ("rms weight", lambda L, F, nn, t: F.rms_norm(t(X), (5,), t(_o(4)))),
    ("RMSNorm", lambda L, F, nn, t: nn.RMSNorm(4)(t(X))),
]


@pytest.mark.parametrize(("label", "fn"), CASES, ids=[c[0] for c in CASES])
def test_exception_types_match_pytorch(label: str, fn: Any) -> None:
    with pytest.raises(Exception) as theirs:
        fn(torch, torch.nn.functional, torch.nn, torch.tensor)
    with pytest.raises(theirs.type) as ours:
        fn(tg, tg.nn.functional, tg.nn, tg.tensor)
    assert type(ours.value) is theirs.type, (label, ours.value)


def test_batch_norm_without_parameters_runs_on_any_channel_count_as_pytorch() -> None:
    for lib in (tg, torch):
        m = lib.nn.BatchNorm1d(4, affine=False, track_running_stats=False)
        assert m(lib.tensor(X)).shape == (4, 3, 5)
