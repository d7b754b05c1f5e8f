"""``tinygrad_nn.utils.checkpoint`` against ``torch.utils.checkpoint``: values, gradients
(inputs and parameters inside the checkpointed function), warnings and errors."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
LIBS = [tg, torch]
X = np.random.default_rng(3).normal(size=(4, 3))


def _ck(lib: Any) -> Any:
    return importlib.import_module(f"{lib.__name__}.utils.checkpoint")


def _model(lib: Any) -> Any:
    lib.manual_seed(0)
    m = lib.nn.Sequential(lib.nn.Linear(3, 5), lib.nn.Tanh(), lib.nn.Linear(5, 4),
                          lib.nn.ReLU(), lib.nn.Linear(4, 2))
    w = np.random.default_rng(1)
    with lib.no_grad():
        for p in m.parameters():
            p.copy_(lib.tensor(w.normal(size=tuple(p.shape)), dtype=lib.float32))
    return m


def _run(lib: Any, how: str, use_reentrant: bool, x_grad: bool) -> tuple[Any, ...]:
    m = _model(lib)
    x = lib.tensor(X, dtype=lib.float32, requires_grad=x_grad)
    ck = _ck(lib)
    if how == "checkpoint":
        y = ck.checkpoint(lambda a, s: m(a) * s, x, 2.0, use_reentrant=use_reentrant)
    else:
        y = ck.checkpoint_sequential(m, 2, x, use_reentrant=use_reentrant)
    out: list[Any] = [y.detach().numpy().copy(), y.requires_grad]
    if y.requires_grad:
        (y**2).sum().backward()
    out.append(None if x.grad is None else x.grad.numpy().copy())
    out += [None if p.grad is None else p.grad.numpy().copy() for p in m.parameters()]
    return tuple(out)


@pytest.mark.parametrize("how", ["checkpoint", "checkpoint_sequential"])
@pytest.mark.parametrize("use_reentrant", [True, False])
@pytest.mark.parametrize("x_grad", [True, False])
def test_values_and_gradients_match_torch(how: str, use_reentrant: bool, x_grad: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (no input requiring grad warns; tested below)
        ours, theirs = (_run(lib, how, use_reentrant, x_grad) for lib in LIBS)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if b is None or isinstance(b, bool):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_missing_use_reentrant_warns_as_torch() -> None:
    for lib in LIBS:
        ck = _ck(lib)
        x = lib.tensor(X, requires_grad=True)
        with pytest.warns(UserWarning, match=r"^torch\.utils\.checkpoint: the use_reentrant "
                                             r"parameter should be passed explicitly\."):
            ck.checkpoint(lambda a: a * 2, x)
        with pytest.warns(UserWarning, match=r"^torch\.utils\.checkpoint\.checkpoint_"
                                             r"sequential: the use_reentrant parameter"):
            ck.checkpoint_sequential([lambda a: a * 2, lambda a: a + 1], 2, x)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ck.checkpoint(lambda a: a * 2, x, use_reentrant=False)


def test_reentrant_without_grad_inputs_warns_and_records_nothing() -> None:
    for lib in LIBS:
        w = lib.ones(3, requires_grad=True)
        with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
            y = _ck(lib).checkpoint(lambda a, w=w: a * w, lib.ones(3),
                                    use_reentrant=True)
        assert not y.requires_grad
        y2 = _ck(lib).checkpoint(lambda a, w=w: a * w, lib.ones(3),
                                 use_reentrant=False)
        assert y2.requires_grad


def test_keyword_arguments_and_errors_as_torch() -> None:
    for lib in LIBS:
        ck = _ck(lib)
        x = lib.tensor(X, requires_grad=True)
        got = ck.checkpoint(lambda a, k=1: a * k, x, use_reentrant=False, k=3,
                            preserve_rng_state=False)
        np.testing.assert_allclose(got.detach().numpy(), X * 3, rtol=1e-6)
        with pytest.raises(ValueError, match="^Unexpected keyword arguments: k$"):
            ck.checkpoint(lambda a, k=1: a * k, x, use_reentrant=True, k=3)
        with pytest.raises(ValueError, match="`context_fn` or `debug` is only supported"):
            ck.checkpoint(lambda a: a, x, use_reentrant=True, debug=True)
        with pytest.raises(ValueError, match="determinism_check should be one of"):
            ck.checkpoint(lambda a: a, x, use_reentrant=False, determinism_check="bogus")
        with pytest.raises(ValueError, match="^Unexpected keyword arguments: foo$"):
            ck.checkpoint_sequential([lambda a: a], 1, x, use_reentrant=False, foo=1)
        with pytest.raises(RuntimeError, match="Only tuple of tensors is supported"):
            ck.detach_variable([x])
        (d,) = ck.detach_variable((x,))
        assert d.requires_grad and d.is_leaf


class _Note:
    seen: list[str] = []  # noqa: RUF012

    def __enter__(self) -> None:
        self.seen.append("in")

    def __exit__(self, *exc: Any) -> None:
        self.seen.append("out")


def test_context_fn_wraps_the_forward() -> None:
    for lib in LIBS:
        seen = _Note.seen
        seen.clear()

        x = lib.tensor(X, requires_grad=True)
        y = _ck(lib).checkpoint(lambda a: a * 2, x, use_reentrant=False,
                                context_fn=lambda: (_Note(), _Note()))
        assert seen[:2] == ["in", "out"]
        y.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), np.full(X.shape, 2.0))


def test_checkpoint_sequential_segments_as_torch() -> None:
    for segments in (1, 2, 3, 5):
        got = []
        for lib in LIBS:
            x = lib.tensor(X, dtype=lib.float32)
            got.append(_ck(lib).checkpoint_sequential(_model(lib), segments, x,
                                                      use_reentrant=False).detach().numpy())
        np.testing.assert_allclose(got[0], got[1], rtol=1e-5, atol=1e-6)
    for lib in LIBS:  # more segments than functions: PyTorch's own ValueError
        with pytest.raises(ValueError, match="range"):
            _ck(lib).checkpoint_sequential([lambda a: a], 2, lib.ones(2),
                                           use_reentrant=False)


def test_module_path() -> None:
    import tinygrad_nn.utils.checkpoint as ck

    assert tg.utils.checkpoint is ck
    assert ck.checkpoint_sequential and issubclass(ck.CheckpointError, RuntimeError)
