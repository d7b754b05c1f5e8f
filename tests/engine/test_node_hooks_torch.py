"""Node hooks and hook handles as PyTorch's: ``grad_fn.register_prehook(fn(grad_outputs))``,
``grad_fn.register_hook(fn(grad_inputs, grad_outputs))``, and the ``RemovableHandle`` every
``register_*hook`` returns (``remove()``, a context manager)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
LIBS = ["torch", "tg"]
X = [1.0, 2.0]
W = [3.0, 4.0]


def _lib(name: str) -> Any:
    return torch if name == "torch" else tg


def _values(gs: Any) -> list[Any]:
    return [None if g is None else g.detach().numpy().tolist() for g in gs]


@pytest.mark.parametrize("name", LIBS)
def test_pre_and_post_hooks_see_and_replace_gradients(name: str) -> None:
    """The pre-hook doubles the output's gradient; the post-hook sees the inputs'
    gradients computed from it (None for the constant) and scales x's by 10."""
    lib = _lib(name)
    x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
    w = lib.tensor(W, dtype=lib.float64)
    y = x * w
    log: list[Any] = []

    def post(gi: Any, go: Any) -> Any:
        log.append(("post", _values(gi), _values(go)))
        return (gi[0] * 10, gi[1])

    def pre(go: Any) -> Any:
        log.append(("pre", _values(go)))
        return (go[0] * 2,)

    y.grad_fn.register_hook(post)
    y.grad_fn.register_prehook(pre)
    y.sum().backward()
    assert log == [("pre", [[1.0, 1.0]]), ("post", [[6.0, 8.0], None], [[2.0, 2.0]])]
    np.testing.assert_allclose(x.grad.detach().numpy(), [60.0, 80.0])


@pytest.mark.parametrize("name", LIBS)
def test_post_hook_gets_the_gradient_at_the_inputs_shape(name: str) -> None:
    lib = _lib(name)
    x = lib.tensor([[1.0], [2.0]], dtype=lib.float64, requires_grad=True)  # broadcast (2, 1)
    y = x + lib.zeros((2, 3), dtype=lib.float64)
    shapes: list[Any] = []
    y.grad_fn.register_hook(lambda gi, go: shapes.append(
        [None if g is None else tuple(g.shape) for g in gi]))
    y.sum().backward()
    assert shapes == [[(2, 1), None]]


@pytest.mark.parametrize("name", LIBS)
def test_post_hook_errors(name: str) -> None:
    lib = _lib(name)
    x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
    z = x * 3
    z.grad_fn.register_hook(lambda gi, go: 5)
    with pytest.raises(TypeError, match="expected tuple, but hook returned 'int'"):
        z.sum().backward()
    z = x * lib.tensor(W, dtype=lib.float64)
    z.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="can't replace a None gradient with a non-None"):
        z.sum().backward()


@pytest.mark.parametrize("name", LIBS)
def test_handles_remove_and_work_as_context_managers(name: str) -> None:
    lib = _lib(name)
    x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
    h = x.register_hook(lambda g: g * 0)
    assert type(h).__name__ == "RemovableHandle" and isinstance(h.id, int)
    h.remove()
    h.remove()  # twice: nothing
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [2.0, 2.0])
    x.grad = None
    y = x * 2
    with y.grad_fn.register_prehook(lambda go: (go[0] * 0,)):
        pass  # removed on exit
    y.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [2.0, 2.0])
    assert isinstance(x.register_post_accumulate_grad_hook(lambda t: None),
                      lib.utils.hooks.RemovableHandle)


def test_removable_handle_with_a_dict_as_torch() -> None:
    """PyTorch's constructor form: the hook is stored under ``handle.id``."""
    for lib in (torch, tg):
        hooks: dict[int, Any] = OrderedDict()  # (PyTorch keeps weak references: not a dict)
        extra: dict[int, Any] = OrderedDict()
        h = lib.utils.hooks.RemovableHandle(hooks, extra_dict=extra)
        hooks[h.id] = print
        extra[h.id] = True
        with h:
            assert h.id in hooks
        assert hooks == {} and extra == {}
        assert lib.utils.hooks.RemovableHandle(hooks).id == h.id + 1


@pytest.mark.parametrize("name", LIBS)
def test_post_hook_on_a_matrix_product_and_under_create_graph(name: str) -> None:
    """A product's weight gradient (kept lazily by the engine) reaches the hook as a
    Tensor; under create_graph the replacement stays differentiable."""
    lib = _lib(name)
    a = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64, requires_grad=True)
    b = lib.tensor([[0.5], [-1.0]], dtype=lib.float64, requires_grad=True)
    y = a @ b
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 2, gi[1] * 3))
    (ga, gb) = lib.autograd.grad((y ** 2).sum(), (a, b), create_graph=True)
    ref_a = 2 * 2 * (a @ b) @ b.T
    np.testing.assert_allclose(ga.detach().numpy(), ref_a.detach().numpy())
    assert ga.requires_grad
    ga.sum().backward()
    assert b.grad is not None
