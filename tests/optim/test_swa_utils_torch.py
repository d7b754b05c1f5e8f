"""optim.swa_utils beside PyTorch 2.13's torch.optim.swa_utils: AveragedModel with each
averaging function (with and without buffers), update_bn, SWALR's schedules, their
state_dicts and their errors; every expected value is PyTorch's, computed here."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tests.optim.test_optim_torch_probe import as_array
from tinygrad_nn.optim import swa_utils

torch = pytest.importorskip("torch")
tsw = torch.optim.swa_utils
LIBS = ((torch, tsw), (tg, swa_utils))


def _model(lib: Any) -> Any:
    nn = lib.nn
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)).double()


def _models() -> tuple[Any, Any]:
    theirs, ours = _model(torch), _model(tg)
    ours.load_state_dict({k: tg.tensor(v.numpy().copy()) for k, v in theirs.state_dict().items()})
    return theirs, ours


def _perturb(models: tuple[Any, Any], rng: np.random.Generator) -> None:
    """New random values for every parameter and buffer of both models (the same)."""
    for name, value in models[0].state_dict().items():
        if value.dtype == torch.int64:
            new = rng.integers(0, 50, size=tuple(value.shape))
        else:
            new = rng.standard_normal(tuple(value.shape)) + (2.0 if "var" in name else 0.0)
        with torch.no_grad():
            value.copy_(torch.from_numpy(new))
        ours = dict(models[1].named_parameters()) | dict(models[1].named_buffers())
        with tg.no_grad():
            ours[name].copy_(tg.tensor(new))


def _fns(kind: str, sw: Any) -> dict[str, Any]:
    return {"swa": {}, "ema": dict(avg_fn=sw.get_ema_avg_fn(0.9)),
            "swa_fn": dict(avg_fn=sw.get_swa_avg_fn()),
            "ema_multi": dict(multi_avg_fn=sw.get_ema_multi_avg_fn(0.8)),
            "swa_multi": dict(multi_avg_fn=sw.get_swa_multi_avg_fn())}[kind]


def _averaged(kind: str, use_buffers: bool, rounds: int = 6) -> tuple[Any, Any]:
    models = _models()
    avgs = [sw.AveragedModel(m, use_buffers=use_buffers, **_fns(kind, sw))
            for (_, sw), m in zip(LIBS, models)]
    rng = np.random.default_rng(0)
    for _ in range(rounds):
        _perturb(models, rng)
        for avg, model in zip(avgs, models):
            avg.update_parameters(model)
    return avgs[0], avgs[1]


def _assert_same_state(theirs: Any, ours: Any, tol: float = 0.0) -> None:
    ts, os_ = theirs.state_dict(), ours.state_dict()
    assert list(ts) == list(os_)
    for key, value in ts.items():
        mine = as_array(os_[key])
        assert str(mine.dtype) == str(value.dtype).replace("torch.", ""), key
        assert mine.shape == tuple(value.shape), key
        np.testing.assert_allclose(mine, value.numpy(), rtol=tol, atol=tol, err_msg=key)


@pytest.mark.parametrize("use_buffers", [False, True])
@pytest.mark.parametrize("kind", ["swa", "ema", "swa_fn"])
def test_averages_are_torchs_to_the_bit(kind: str, use_buffers: bool) -> None:
    """The averaging of parameters (and buffers, integer num_batches_tracked included:
    a float average truncated on the copy) equals PyTorch's exactly."""
    theirs, ours = _averaged(kind, use_buffers)
    _assert_same_state(theirs, ours)
    assert ours.n_averaged.dtype == tg.int64 and ours.n_averaged.shape == ()
    assert int(ours.n_averaged) == 6


@pytest.mark.parametrize("use_buffers", [False, True])
def test_ema_multi_avg_fn_within_one_rounding(use_buffers: bool) -> None:
    """The multi-tensor EMA is Tensor.lerp_, which rounds twice where PyTorch's kernel
    fuses (one unit in the last place)."""
    theirs, ours = _averaged("ema_multi", use_buffers)
    _assert_same_state(theirs, ours, tol=1e-15)


def test_swa_multi_avg_fn_within_one_rounding_and_its_integer_error() -> None:
    theirs, ours = _averaged("swa_multi", use_buffers=False)
    _assert_same_state(theirs, ours, tol=1e-15)
    for (_, sw), model in zip(LIBS, _models()):  # integer buffers: addcdiv_ refuses them
        avg = sw.AveragedModel(model, multi_avg_fn=sw.get_swa_multi_avg_fn(), use_buffers=True)
        avg.update_parameters(model)
        with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
            avg.update_parameters(model)


def test_custom_functions_receive_what_torchs_receive() -> None:
    seen: dict[str, list[Any]] = {"torch": [], "tinygrad_nn": []}
    models = _models()
    for (lib, sw), model in zip(LIBS, models):
        def multi(avg: list[Any], cur: list[Any], n: Any, log: list[Any] = seen[lib.__name__]
                  ) -> None:
            log.append((len(avg), str(avg[0].dtype).replace("torch.", ""), int(n),
                        str(n.dtype).replace("torch.", "")))
        avg = sw.AveragedModel(model, multi_avg_fn=multi, use_buffers=True)
        for _ in range(3):
            avg.update_parameters(model)
    assert seen["tinygrad_nn"] == seen["torch"]  # one call per dtype, from the 2nd update
    avgs = [sw.AveragedModel(m, avg_fn=lambda a, c, n: a * 0.25 + c * 0.75 + n)
            for (_, sw), m in zip(LIBS, models)]
    rng = np.random.default_rng(1)
    for _ in range(3):
        _perturb(models, rng)
        for avg, model in zip(avgs, models):
            avg.update_parameters(model)
    _assert_same_state(*avgs)


def test_copy_forward_and_errors() -> None:
    theirs_m, ours_m = _models()
    x = np.random.default_rng(2).standard_normal((5, 3))
    for (lib, sw), model in zip(LIBS, (theirs_m, ours_m)):
        avg = sw.AveragedModel(model).eval()
        with lib.no_grad():
            next(iter(model.parameters())).add_(1.0)  # the copy is deep: it does not move
        assert not np.array_equal(as_array(next(iter(avg.parameters()))),
                                  as_array(next(iter(model.parameters()))))
        xs = lib.tensor(x)
        np.testing.assert_array_equal(as_array(avg(xs)), as_array(avg.module(xs)))
    messages = []
    for _, sw in LIBS:
        with pytest.raises(AssertionError) as err:
            sw.AveragedModel(_model(tg if sw is swa_utils else torch),
                             avg_fn=sw.get_swa_avg_fn(), multi_avg_fn=sw.get_swa_multi_avg_fn())
        messages.append(str(err.value))
        for factory in (sw.get_ema_avg_fn, sw.get_ema_multi_avg_fn):
            with pytest.raises(ValueError) as err:
                factory(1.5)
            messages.append(str(err.value))
    assert messages[:3] == messages[3:]


# -- update_bn -------------------------------------------------------------------------------
def _loader(lib: Any, tuples: bool) -> list[Any]:
    rng = np.random.default_rng(3)
    batches = [lib.tensor(rng.standard_normal((6, 3)) * 2 + 1) for _ in range(4)]
    return [(b, lib.zeros(6)) for b in batches] if tuples else batches


@pytest.mark.parametrize("tuples", [False, True])
@pytest.mark.parametrize("training", [False, True])
def test_update_bn_recomputes_the_statistics_as_torch(tuples: bool, training: bool) -> None:
    models = _models()
    _perturb(models, np.random.default_rng(4))
    for (lib, sw), model in zip(LIBS, models):
        model.train(training)
        model[1].momentum = 0.3
        sw.update_bn(_loader(lib, tuples), model)
        assert model.training is training
        assert model[1].momentum == 0.3
    ts, os_ = models[0].state_dict(), models[1].state_dict()
    for key in ("1.running_mean", "1.running_var", "1.num_batches_tracked"):
        np.testing.assert_allclose(as_array(os_[key]), ts[key].numpy(), rtol=1e-13,
                                   atol=1e-14, err_msg=key)


def test_update_bn_without_batchnorm_does_not_read_the_loader() -> None:
    def loader() -> Iterator[Any]:
        raise AssertionError("the loader was read")
        yield

    for lib, sw in LIBS:
        model = lib.nn.Sequential(lib.nn.Linear(3, 2)).eval()
        sw.update_bn(loader(), model)
        assert not model.training


# -- SWALR -----------------------------------------------------------------------------------
def _opt(lib: Any) -> Any:
    return lib.optim.SGD([{"params": [lib.zeros(2, requires_grad=True)]},
                          {"params": [lib.zeros(3, requires_grad=True)], "lr": 0.5}], lr=0.1)


def _lrs(lib: Any, sw: Any, kw: dict[str, Any], warmup: int = 0, steps: int = 14
         ) -> list[list[float]]:
    opt = _opt(lib)
    if warmup:
        pre = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
        for _ in range(warmup):
            opt.step()
            pre.step()
    sched = sw.SWALR(opt, **kw)
    out = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr() + [g["lr"] for g in opt.param_groups])
    return out


@pytest.mark.parametrize("kw", [
    dict(swa_lr=0.05),
    dict(swa_lr=[0.01, 0.2], anneal_epochs=3, anneal_strategy="linear"),
    dict(swa_lr=0.3, anneal_epochs=0),
    dict(swa_lr=0.02, anneal_epochs=1, anneal_strategy="cos"),
], ids=str)
@pytest.mark.parametrize("warmup", [0, 4])
def test_swalr_rates_are_torchs(kw: dict[str, Any], warmup: int) -> None:
    assert _lrs(tg, swa_utils, kw, warmup) == _lrs(torch, tsw, kw, warmup)


def test_swalr_state_dict_restores_the_strategy_as_torch() -> None:
    results = []
    for lib, sw in LIBS:
        opt = _opt(lib)
        linear = sw.SWALR(opt, swa_lr=0.01, anneal_epochs=5, anneal_strategy="linear")
        opt.step()
        linear.step()
        state = linear.state_dict()
        assert "anneal_func" not in state and "optimizer" not in state
        cos = sw.SWALR(_opt(lib), swa_lr=0.01, anneal_epochs=5)
        cos.load_state_dict(state)
        results.append((sorted(state), cos._anneal_strategy,
                        [cos.anneal_func(t) for t in (0.0, 0.3, 1.0)]))
    assert results[0] == results[1]


@pytest.mark.parametrize("kw", [dict(swa_lr=0.1, anneal_strategy="exp"),
                                dict(swa_lr=0.1, anneal_epochs=-1),
                                dict(swa_lr=0.1, anneal_epochs=2.0),
                                dict(swa_lr=[0.1, 0.2, 0.3])], ids=str)
def test_swalr_errors_are_torchs(kw: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as theirs:
        tsw.SWALR(_opt(torch), **kw)
    with pytest.raises(ValueError) as ours:
        swa_utils.SWALR(_opt(tg), **kw)
    assert str(ours.value) == str(theirs.value)


def test_swalr_get_lr_outside_step_warns_as_torch() -> None:
    messages = []
    for lib, sw in LIBS:
        sched = sw.SWALR(_opt(lib), swa_lr=0.05)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.get_lr()
        messages.append([(w.category, str(w.message)) for w in caught])
    assert len(messages[0]) == 1 and messages[1] == messages[0]
