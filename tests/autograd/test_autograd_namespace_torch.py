"""``torch.autograd``'s smaller names: the ``grad_mode`` and ``variable`` submodules,
``inference_mode``, the multithreading switch and ``is_tensor_like``, used as PyTorch's."""

from __future__ import annotations

from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("lib", [tg, torch], ids=["tinygrad_nn", "torch"])
def test_submodules_give_the_same_objects(lib: Any) -> None:
    ag = lib.autograd
    assert ag.grad_mode.no_grad is lib.no_grad and ag.grad_mode.enable_grad is lib.enable_grad
    assert ag.grad_mode.set_grad_enabled is lib.set_grad_enabled
    assert ag.grad_mode.inference_mode is lib.inference_mode is ag.inference_mode
    assert ag.variable.Variable is ag.Variable
    with ag.inference_mode():
        assert lib.ones(2).is_inference()


def _trace(lib: Any) -> list[bool]:
    """The multithreading flag through a plain call, a block, a decorated call."""
    ag = lib.autograd
    seen = [ag.is_multithreading_enabled()]
    with ag.set_multithreading_enabled(False):
        seen.append(ag.is_multithreading_enabled())
    seen.append(ag.is_multithreading_enabled())

    @ag.set_multithreading_enabled(False)
    def inside() -> bool:
        return bool(ag.is_multithreading_enabled())

    seen += [ag.is_multithreading_enabled(), inside(), ag.is_multithreading_enabled()]
    ag.set_multithreading_enabled(True)  # (a plain call switches at once)
    seen.append(ag.is_multithreading_enabled())
    return seen


def test_set_multithreading_enabled_follows_torch() -> None:
    assert _trace(tg) == _trace(torch)
    assert tg.autograd.is_multithreading_enabled()


def test_is_tensor_like_as_torch() -> None:
    class Like:
        @classmethod
        def __torch_function__(cls, *args: Any, **kwargs: Any) -> Any:
            return None

    for lib in (tg, torch):
        ag = lib.autograd
        assert ag.is_tensor_like(lib.ones(1)) and ag.is_tensor_like(lib.Tensor)
        assert ag.is_tensor_like(lib.nn.Parameter(lib.ones(1)))
        assert ag.is_tensor_like(Like()) and ag.is_tensor_like(Like)
        assert not ag.is_tensor_like(1) and not ag.is_tensor_like([1.0])


def test_variable_module_variable_is_a_leaf_tensor() -> None:
    v = tg.autograd.variable.Variable(tg.ones(2), requires_grad=True)
    assert isinstance(v, tg.Tensor) and v.is_leaf and v.requires_grad
