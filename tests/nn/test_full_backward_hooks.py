"""Module.register_full_backward_hook / register_full_backward_pre_hook against PyTorch:
what the hooks see (grad_input per positional argument, grad_output per output), the
replacement of grad_output by a pre-hook and of grad_input by a hook, the hook firing from
the outputs when no input requires grad, and remove()."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _show(t: Any) -> Any:
    return None if t is None else [round(v, 4) for v in t.detach().reshape(-1).tolist()]


def _scenario(lib: Any) -> list[Any]:
    nn = lib.nn
    log: list[Any] = []
    m = nn.Linear(2, 1)
    with lib.no_grad():
        m.weight.copy_(lib.tensor([[1.0, -2.0]]))
        m.bias.fill_(0.5)
    h1 = m.register_full_backward_hook(lambda mod, gi, go: log.append(
        ("hook", type(mod).__name__, [_show(g) for g in gi], [_show(g) for g in go])))
    h2 = m.register_full_backward_pre_hook(
        lambda mod, go: (log.append(("pre", [_show(g) for g in go])), (go[0] * 2,))[1])
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (m(x) * lib.tensor([[1.0], [3.0]])).sum().backward()
    log.append(("grads", _show(x.grad), _show(m.weight.grad)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m(lib.tensor([[1.0, 2.0]])).sum().backward()  # no input requires grad
    log.append(("warned", any("no inputs require gradients" in str(w.message)
                              for w in caught)))
    h2.remove()
    h3 = m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10,))
    x3 = lib.tensor([[1.0, 2.0]], requires_grad=True)
    m(x3).sum().backward()
    log.append(("replaced grad_input", _show(x3.grad)))
    h1.remove()
    h3.remove()
    m(x3).sum().backward()
    log.append(("removed", _show(x3.grad)))

    class Two(nn.Module):
        def forward(self, a: Any, k: float, b: Any) -> Any:
            return a * k, b + 1

    t = Two()
    t.register_full_backward_hook(lambda mod, gi, go: log.append(
        ("two", [_show(g) for g in gi], [_show(g) for g in go])))
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0], requires_grad=True)
    p, _ = t(a, 3.0, b)
    p.sum().backward()
    with lib.no_grad():  # (no graph: nothing to hook)
        t(a, 2.0, b)
    return log


def test_full_backward_hooks_see_and_replace_what_pytorchs_do() -> None:
    assert _scenario(tg) == _scenario(torch)


def test_a_hook_returning_the_wrong_number_of_gradients_raises() -> None:
    m = tg.nn.Linear(2, 1)
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_input"):
        m(tg.ones(1, 2, requires_grad=True)).sum().backward()
