"""functional_call and stack_module_state on torch and on tinygrad_nn, and the PyTorch
tutorials' recipes built on them: per-sample gradients with vmap(grad(...)) and model
ensembles with vmap over stacked state."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

from .._compare import raises_alike, run, same

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(11)
W1, B1 = RNG.normal(size=(4, 3)), RNG.normal(size=(4,))
W2, B2 = RNG.normal(size=(2, 4)), RNG.normal(size=(2,))
X = RNG.normal(size=(6, 3))
T = RNG.integers(0, 2, size=(6,))


def _mlp(lib: Any) -> Any:
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2)).double()


def _params(mk: Any, grad: bool = False) -> dict[str, Any]:
    return {"0.weight": mk(W1, grad), "0.bias": mk(B1, grad), "2.weight": mk(W2, grad),
            "2.bias": mk(B2, grad)}


def _loss(lib: Any, model: Any) -> Callable[..., Any]:
    def compute_loss(params: Any, buffers: Any, sample: Any, target: Any) -> Any:
        batch, targets = sample.unsqueeze(0), target.unsqueeze(0)
        pred = lib.func.functional_call(model, (params, buffers), (batch,))
        return lib.nn.functional.cross_entropy(pred, targets)
    return compute_loss


def _per_sample_grads(lib: Any, mk: Any) -> Any:
    """The PyTorch tutorial "Per-sample-gradients", as written there."""
    model = _mlp(lib)
    params, buffers = _params(mk), {k: v.detach() for k, v in model.named_buffers()}
    ft = lib.func.vmap(lib.func.grad(_loss(lib, model)), in_dims=(None, None, 0, 0))
    return ft(params, buffers, mk(X), lib.tensor(T))


def _per_sample_loop(lib: Any, mk: Any) -> Any:
    """The same gradients one sample at a time with autograd.grad (the tutorial's check)."""
    model = _mlp(lib)
    params = _params(mk, grad=True)
    rows = []
    for i in range(len(X)):
        loss = _loss(lib, model)(params, {}, mk(X[i]), lib.tensor(T[i]))
        rows.append(lib.autograd.grad(loss, list(params.values())))
    return [lib.stack([r[k] for r in rows]) for k in range(4)]


def _batchnorm_call(lib: Any, mk: Any) -> Any:
    bn = lib.nn.BatchNorm1d(3).double()
    state = {"weight": mk(A3), "bias": mk(A3 * 2), "running_mean": mk(np.zeros(3)),
             "running_var": mk(np.ones(3)), "num_batches_tracked": lib.tensor(0)}
    out = lib.func.functional_call(bn, state, mk(X))
    # the running statistics were updated in place in the given buffers, not the module's
    return out, state["running_mean"], bn.running_mean.double()


A3 = RNG.normal(size=(3,))


def _with_kwargs(lib: Any) -> Any:
    class Shifted(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = lib.nn.Parameter(lib.zeros(3))

        def forward(self, x: Any, shift: Any = None) -> Any:
            return x * self.w + shift

    return Shifted()


def _ensemble(lib: Any, mk: Any) -> Any:
    models = [_mlp(lib) for _ in range(3)]
    for k, m in enumerate(models):
        for name, p in m.named_parameters():
            with lib.no_grad():
                p.copy_(mk(RNG_E[k][name]))
    params, buffers = lib.func.stack_module_state(models)

    def call(p: Any, b: Any, x: Any) -> Any:
        return lib.func.functional_call(models[0], (p, b), (x,))

    out = lib.func.vmap(call, in_dims=(0, 0, None))(params, buffers, mk(X))
    return out, {k: v.requires_grad for k, v in params.items()}, params["0.weight"].is_leaf


RNG_E = [{"0.weight": RNG.normal(size=(4, 3)), "0.bias": RNG.normal(size=(4,)),
          "2.weight": RNG.normal(size=(2, 4)), "2.bias": RNG.normal(size=(2,))}
         for _ in range(3)]


class _Tied:
    """A module whose second linear shares the first's weight (built per library)."""

    @staticmethod
    def make(lib: Any) -> Any:
        a, b = lib.nn.Linear(3, 3, bias=False).double(), lib.nn.Linear(3, 3, bias=False).double()
        b.weight = a.weight
        return lib.nn.Sequential(a, b)


def _no_running_stats(lib: Any, mk: Any) -> Any:
    model = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.BatchNorm1d(3)).double()
    lib.func.replace_all_batch_norm_modules_(model)
    bn = model[1]
    flags = (bn.running_mean, bn.running_var, bn.num_batches_tracked, bn.track_running_stats)
    params = {"0.weight": mk(np.eye(3)), "0.bias": mk(A3), "1.weight": mk(A3),
              "1.bias": mk(A3 * 0)}
    train = lib.func.functional_call(model, params, mk(X))
    model.eval()  # still batch statistics: there are none kept
    return flags, train, lib.func.functional_call(model, params, mk(X)), [
        n for n, _ in model.named_buffers()]


SNIPPETS: dict[str, Callable[[Any, Any], Any]] = {
    "one dict": lambda lib, mk: lib.func.functional_call(_mlp(lib), _params(mk), (mk(X),)),
    "a tensor argument, not a tuple": lambda lib, mk: lib.func.functional_call(
        _mlp(lib), _params(mk), mk(X)),
    "tuple of dicts": lambda lib, mk: lib.func.functional_call(
        _mlp(lib), ({"0.weight": mk(W1), "0.bias": mk(B1)}, {"2.weight": mk(W2),
                                                              "2.bias": mk(B2)}), mk(X)),
    "kwargs": lambda lib, mk: lib.func.functional_call(
        _with_kwargs(lib), {"w": mk(A3)}, (mk(X),), {"shift": mk(A3 * 2)}),
    "gradient through the given parameters": lambda lib, mk: (lambda p: (
        lib.func.functional_call(_mlp(lib), p, mk(X)).sum().backward(),
        {k: v.grad for k, v in p.items()})[1])(_params(mk, True)),
    "grad over params": lambda lib, mk: (lambda m: lib.func.grad(
        lambda p, x: lib.func.functional_call(m, p, x).pow(2).mean())(_params(mk), mk(X)))(
        _mlp(lib)),
    "per-sample gradients (tutorial)": _per_sample_grads,
    "per-sample gradients by a loop": _per_sample_loop,
    "buffers updated in the given dict": _batchnorm_call,
    "ensemble with stack_module_state (tutorial)": _ensemble,
    "tied weights follow": lambda lib, mk: lib.func.functional_call(
        _Tied.make(lib), {"0.weight": mk(np.eye(3) * 2)}, mk(X)),
    "replace_all_batch_norm_modules_": _no_running_stats,
    "tied weights untied": lambda lib, mk: lib.func.functional_call(
        _Tied.make(lib), {"0.weight": mk(np.eye(3) * 2), "1.weight": mk(np.eye(3))}, mk(X),
        tie_weights=False),
}


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_same_as_torch(name: str) -> None:
    same(run(torch, SNIPPETS[name]), run(tg, SNIPPETS[name]))


def test_per_sample_gradients_match_the_loop() -> None:
    got = _per_sample_grads(tg, lambda a, g=False: tg.tensor(a, dtype=tg.float64))
    loop = _per_sample_loop(tg, lambda a, g=False: tg.tensor(a, dtype=tg.float64,
                                                               requires_grad=g))
    for k, name in enumerate(["0.weight", "0.bias", "2.weight", "2.bias"]):
        np.testing.assert_allclose(got[name].numpy(), loop[k].numpy(), rtol=1e-12)


def test_restores_the_module_even_when_the_call_raises() -> None:
    model = tg.nn.Linear(3, 2)
    w, b = model.weight, model.bias
    with pytest.raises(RuntimeError):  # a wrong input size
        tg.func.functional_call(model, {"weight": tg.zeros(2, 3), "extra": tg.ones(1)},
                                tg.zeros(4, 5))
    assert model.weight is w and model.bias is b
    assert "extra" not in vars(model) and not hasattr(model, "extra")
    assert [n for n, _ in model.named_parameters()] == ["weight", "bias"]


def test_unknown_names_are_attributes_during_the_call() -> None:
    class Scaled(tg.nn.Module):
        def forward(self, x: Any) -> Any:
            return x * self.scale

    m = Scaled()
    out = tg.func.functional_call(m, {"scale": tg.tensor(3.0)}, tg.ones(2))
    np.testing.assert_array_equal(out.numpy(), [3.0, 3.0])
    assert not hasattr(m, "scale")
    # a Parameter under a new name is registered for the call, then removed
    seen = []
    m.forward = lambda x: seen.append([n for n, _ in m.named_parameters()]) or x  # type: ignore[method-assign]
    tg.func.functional_call(m, {"scale": tg.nn.Parameter(tg.ones(1))}, tg.ones(2))
    assert seen == [["scale"]] and list(m.named_parameters()) == []


def test_stateless_functional_call_is_deprecated() -> None:
    model = tg.nn.Linear(3, 2)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = tg.nn.utils.stateless.functional_call(model, {"bias": tg.ones(2)}, tg.zeros(1, 3))
    assert any(issubclass(w.category, FutureWarning) for w in seen)
    np.testing.assert_array_equal(out.detach().numpy(), [[1.0, 1.0]])


ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "a list that is not of dicts": lambda lib, mk: lib.func.functional_call(
        _mlp(lib), [_params(mk), 3], mk(X)),
    "repeated keys": lambda lib, mk: lib.func.functional_call(
        _mlp(lib), ({"0.bias": mk(B1)}, {"0.bias": mk(B1)}), mk(X)),
    "not a dict": lambda lib, mk: lib.func.functional_call(_mlp(lib), 3, mk(X)),
    "strict, missing and unexpected": lambda lib, mk: lib.func.functional_call(
        _mlp(lib), {"0.weight": mk(W1), "9.bias": mk(B1)}, mk(X), strict=True),
    "tied weights given twice": lambda lib, mk: lib.func.functional_call(
        _Tied.make(lib), {"0.weight": mk(np.eye(3)), "1.weight": mk(np.eye(3))}, mk(X)),
    "not a tensor": lambda lib, mk: lib.func.functional_call(
        _mlp(lib), {"0.bias": 3.0}, mk(X)),
    "an attribute that is not a tensor": lambda lib, mk: lib.func.functional_call(
        _mlp(lib), {"training": mk(A3)}, mk(X)),
    "stack_module_state of no models": lambda lib, mk: lib.func.stack_module_state([]),
    "stack_module_state mixed modes": lambda lib, mk: lib.func.stack_module_state(
        [_mlp(lib), _mlp(lib).eval()]),
    "stack_module_state mixed classes": lambda lib, mk: lib.func.stack_module_state(
        [lib.nn.Linear(2, 2), lib.nn.Bilinear(2, 2, 2)]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_as_torch(name: str) -> None:
    # (a non-tensor names the library's Tensor class; the rest match word for word)
    raises_alike(ERRORS[name], message=name not in {"not a tensor",
                                                    "an attribute that is not a tensor"})


LAYERS: dict[str, tuple[Callable[[Any], Any], tuple[int, ...]]] = {
    "LSTM, 2 layers, bidirectional": (
        lambda lib: lib.nn.LSTM(3, 4, num_layers=2, bidirectional=True), (5, 2, 3)),
    "GRU, batch_first": (lambda lib: lib.nn.GRU(3, 4, batch_first=True), (2, 5, 3)),
    "Conv2d": (lambda lib: lib.nn.Conv2d(2, 3, 3, padding=1), (1, 2, 5, 5)),
    "TransformerEncoderLayer": (
        lambda lib: lib.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), (3, 2, 4)),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_read_the_swapped_parameters(name: str) -> None:
    """Layers that keep parameter lists of their own (recurrent ones) or fused projections
    see the given tensors, as PyTorch's do."""
    build, shape = LAYERS[name]
    rng = np.random.default_rng(2)
    ref = build(torch).double()
    values = {k: rng.normal(size=tuple(v.shape)) for k, v in ref.named_parameters()}
    x = rng.normal(size=shape)
    outs = []
    for lib, model in ((torch, ref), (tg, build(tg).double())):
        params = {k: lib.tensor(v, dtype=lib.float64) for k, v in values.items()}
        out = lib.func.functional_call(model, params, (lib.tensor(x, dtype=lib.float64),))
        outs.append((out[0] if isinstance(out, tuple) else out).detach().numpy())
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-10, atol=1e-12)
