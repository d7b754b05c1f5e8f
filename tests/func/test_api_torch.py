"""torch.func's, torch.autograd.graph's and forward_ad's names exist here with PyTorch's signatures:
parameter names, kinds (positional, keyword-only, *args) and defaults."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

# torch.func.rearrange is einops' (a third-party package) behind PyTorch's name
MISSING_FUNC = {"rearrange"}
GRAPH_NAMES = ["Node", "increment_version", "saved_tensors_hooks", "save_on_cpu",
               "disable_saved_tensors_hooks", "register_multi_grad_hook"]


def _params(f: Any) -> list[tuple[str, Any, Any]]:
    sig = inspect.signature(f)
    return [(p.name, p.kind, p.default) for p in sig.parameters.values() if p.name != "self"]


def test_torch_func_names() -> None:
    assert set(torch.func.__all__) - set(tg.func.__all__) == MISSING_FUNC
    assert set(tg.func.__all__) <= set(torch.func.__all__)


@pytest.mark.parametrize("name", sorted(set(torch.func.__all__) - MISSING_FUNC))
def test_torch_func_signatures(name: str) -> None:
    assert _params(getattr(tg.func, name)) == _params(getattr(torch.func, name))


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_graph_signatures(name: str) -> None:
    ours, theirs = getattr(tg.autograd.graph, name), getattr(torch.autograd.graph, name)
    if isinstance(theirs, type):
        ours, theirs = ours.__init__, theirs.__init__
        if theirs is object.__init__:  # an ABC without its own constructor
            return
    assert _params(ours) == _params(theirs)


@pytest.mark.parametrize("name", ["make_dual", "unpack_dual", "enter_dual_level",
                                  "exit_dual_level"])
def test_forward_ad_signatures(name: str) -> None:
    assert _params(getattr(tg.autograd.forward_ad, name)) == _params(
        getattr(torch.autograd.forward_ad, name))


def test_stateless_functional_call_signature() -> None:
    assert _params(tg.nn.utils.stateless.functional_call) == _params(
        torch.nn.utils.stateless.functional_call)


def test_vjp_fn_and_linearize_jvp_fn_signatures() -> None:
    def run(lib: Any) -> Any:
        x = lib.ones(2)
        return (_params(lib.func.vjp(lambda t: t * 2, x)[1]),
                _params(lib.func.linearize(lambda t: t * 2, x)[1]))

    assert run(tg) == run(torch)
