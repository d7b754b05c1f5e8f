"""torch.autograd.graph on torch and on tinygrad_nn: the Node type of grad_fn,
increment_version, and the saved-tensor hook context managers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

A = np.array([0.5, -1.0, 2.0])


def _nodes(lib: Any) -> list[Any]:
    """grad_fn of several kinds: ops, a leaf's AccumulateGrad, a custom Function's node."""
    x = lib.tensor(A, requires_grad=True)

    class Twice(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, t: Any) -> Any:
            return t * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * 2

    y = x * x
    return [y.grad_fn, y.grad_fn.next_functions[0][0], x.sum().grad_fn, x[1:].grad_fn,
            Twice.apply(x).grad_fn, (x @ x).grad_fn]


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_every_grad_fn_is_a_node(lib_name: str) -> None:
    lib = torch if lib_name == "torch" else tg
    nodes = _nodes(lib)
    assert all(isinstance(n, lib.autograd.graph.Node) for n in nodes)
    assert not isinstance(lib.tensor(A), lib.autograd.graph.Node)
    assert not isinstance(None, lib.autograd.graph.Node)
    with pytest.raises(TypeError):  # abstract
        lib.autograd.graph.Node()


def _bumped(lib: Any) -> Any:
    x = lib.tensor(A, requires_grad=True)
    base = lib.tensor(A)
    view = base[1:]
    y = (x * base).sum()
    lib.autograd.graph.increment_version(view)  # a view shares its base's counter
    lib.autograd.graph.increment_version([x, x])
    return x._version, base._version, view._version, y


def test_increment_version_as_torch() -> None:
    *want, y_torch = _bumped(torch)
    *got, y = _bumped(tg)
    assert got == want == [2, 1, 1]
    with pytest.raises(RuntimeError):
        y_torch.backward()
    with pytest.raises(RuntimeError):
        y.backward()


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_save_on_cpu_gives_the_same_gradients(lib_name: str) -> None:
    lib = torch if lib_name == "torch" else tg
    x = lib.tensor(A, requires_grad=True)
    with lib.autograd.graph.save_on_cpu(pin_memory=False):
        y = (x.exp() * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(A) * (1 + A))


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_disabled_hooks_raise_the_given_message(lib_name: str) -> None:
    lib = torch if lib_name == "torch" else tg
    graph = lib.autograd.graph
    with graph.disable_saved_tensors_hooks("no hooks here"):
        with pytest.raises(RuntimeError, match="no hooks here"), graph.save_on_cpu():
            pass
        with pytest.raises(RuntimeError, match="no hooks here"), \
                graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass
    with graph.save_on_cpu():  # enabled again
        pass


# -- register_multi_grad_hook: one call per backward pass, on both libraries -------------
def _multi_all(lib: Any) -> list[Any]:
    """PyTorch's documented example and more: which gradients each pass hands to fn."""
    reg = lib.autograd.graph.register_multi_grad_hook
    rng = np.random.default_rng(0)
    a, b = (lib.tensor(rng.standard_normal((2, 3)), requires_grad=True) for _ in range(2))
    c, d = a * b, a * b
    log: list[Any] = []
    handle = reg((a, b, c, d), lambda gs: log.append(
        [None if g is None else g.detach().numpy().round(12).tolist() for g in gs]))
    c.sum().backward(retain_graph=True)  # d is not reached
    c.sum().backward(inputs=(a,), retain_graph=True)  # b is not needed
    (c * d).sum().backward(retain_graph=True)  # all four
    handle.remove()
    c.sum().backward(retain_graph=True)  # removed: no call
    handle = reg((c, d), lambda gs: log.append([g is not None for g in gs]))
    e = c * 3
    lib.autograd.grad((e + d).sum(), (c,), retain_graph=True)  # grad(): d is not needed
    return log


def _multi_any(lib: Any) -> list[Any]:
    reg = lib.autograd.graph.register_multi_grad_hook
    a = lib.tensor(A, requires_grad=True)
    c, d = a * 2, a * 3
    log: list[Any] = []
    reg((c, d), lambda g: log.append(g.detach().numpy().tolist()), mode="any")
    (c + d).sum().backward(retain_graph=True)  # once, with the first gradient computed
    (d * d).sum().backward(retain_graph=True)  # once again: a new pass

    def nested(g: Any) -> None:  # a backward inside a hook is a pass of its own
        with lib.enable_grad():
            (c * 5).sum().backward(inputs=(a,), retain_graph=True)
    d.register_hook(nested)
    (c * d).sum().backward()
    return log


@pytest.mark.parametrize("program", [_multi_all, _multi_any], ids=["all", "any"])
def test_multi_grad_hook_calls_as_pytorch(program: Any) -> None:
    assert program(tg) == program(torch)


def test_multi_grad_hook_refuses_as_pytorch() -> None:
    for lib in (torch, tg):
        reg = lib.autograd.graph.register_multi_grad_hook
        with pytest.raises(ValueError, match="Expects mode to be one of"):
            reg([lib.tensor(A, requires_grad=True)], print, mode="some")
        with pytest.raises(AssertionError):  # a tensor without a gradient function
            reg([lib.tensor(A)], print)
    x = tg.tensor(A, requires_grad=True)
    with pytest.raises(AssertionError, match="tensor 1 does not require grad"):
        tg.autograd.graph.register_multi_grad_hook([x, tg.tensor(A)], print)


# -- torch.autograd.forward_ad: levels and unpack_dual as PyTorch's; make_dual refuses -----
def _levels(lib: Any) -> Any:
    fw = lib.autograd.forward_ad
    x = lib.tensor(A, requires_grad=True)
    out = [fw.unpack_dual(x).tangent, fw.unpack_dual(x).primal is x,
           type(fw.unpack_dual(x)).__name__, fw.unpack_dual(x)._fields]
    with fw.dual_level() as level:
        out += [level, fw.unpack_dual(x).tangent]
        for bad in (lambda: fw.make_dual(x, lib.ones(2)),  # tangent of another size
                    lambda: fw.dual_level().__enter__(),  # levels do not nest
                    lambda: fw.make_dual(x, lib.ones(3), level=2)):
            with pytest.raises(RuntimeError) as err:
                bad()
            out.append(str(err.value))
    for bad in (lambda: fw.make_dual(x, lib.ones(3)), fw.exit_dual_level):
        with pytest.raises(RuntimeError) as err:  # outside any level
            bad()
        out.append(str(err.value))
    out.append(fw.enter_dual_level())
    fw.exit_dual_level()
    return out


def test_forward_ad_levels_as_torch() -> None:
    assert _levels(tg) == _levels(torch)


def test_make_dual_says_it_is_not_supported() -> None:
    fw = tg.autograd.forward_ad
    with fw.dual_level(), pytest.raises(NotImplementedError, match="func.jvp"):
        fw.make_dual(tg.tensor(A), tg.ones(3))
    assert fw.enter_dual_level() == 0  # the failed call left no level behind
    fw.exit_dual_level()


def _hooked_run(lib: Any, scale: float) -> tuple[list[Any], list[Any], Any]:
    """exp, mul and sum under pack/unpack hooks that store each saved tensor scaled by
    ``scale`` and undo it: (pack calls, unpack calls, x.grad after two backward passes)."""
    packs: list[Any] = []
    unpacks: list[Any] = []

    def pack(t: Any) -> Any:
        packs.append((tuple(t.shape), t.requires_grad, t.grad_fn is None))
        return t.detach() * scale

    def unpack(p: Any) -> Any:
        unpacks.append(tuple(p.shape))
        return p / scale

    x = lib.tensor(A, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = x.exp()
        z = (y * x).sum()
        w = x * 2.0  # a number is saved, not a tensor: nothing to pack
    assert w.requires_grad
    z.backward(retain_graph=True)
    z.backward()
    return packs, unpacks, x.grad


def test_saved_tensors_hooks_pack_and_unpack_as_torch() -> None:
    """Pack runs once per saved tensor while recording (the output of exp, both inputs of
    mul), unpack at every read (twice with retain_graph); what unpack returns is used."""
    packs, unpacks, grad = _hooked_run(tg, 4.0)
    t_packs, t_unpacks, t_grad = _hooked_run(torch, 4.0)
    assert sorted(packs) == sorted(t_packs)
    assert len(packs) == 3 and len(unpacks) == len(t_unpacks) == 6
    np.testing.assert_allclose(grad.detach().numpy(), t_grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grad.detach().numpy(), 2 * np.exp(A) * (1 + A), rtol=1e-12)


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_unpacked_values_are_what_backward_reads(lib_name: str) -> None:
    """An unpack hook that returns other values changes the gradient (as PyTorch's)."""
    lib = torch if lib_name == "torch" else tg
    x = lib.tensor(A, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: None,
                                                lambda p: lib.ones(A.shape, dtype=lib.float64)):
        y = x.sin()
    y.sum().backward()
    # sin saves its input: backward reads x as the ones unpack returns, so d sin = cos(1)
    np.testing.assert_allclose(x.grad.detach().numpy(), np.full_like(A, np.cos(1.0)))


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_unpack_must_return_a_tensor(lib_name: str) -> None:
    lib = torch if lib_name == "torch" else tg
    x = lib.tensor(A, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: 5):
        y = x.sin()
    with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor but got result "
                                        "of type int"):
        y.sum().backward()


def test_innermost_hooks_apply_and_ops_in_pack_are_not_packed() -> None:
    seen: list[str] = []

    def outer(t: Any) -> Any:
        seen.append("outer")
        return t

    def inner(t: Any) -> Any:
        seen.append("inner")
        return (t * 1.0).detach()  # an op inside pack records nothing packed again

    x = tg.tensor(A, requires_grad=True)
    with tg.autograd.graph.saved_tensors_hooks(outer, lambda p: p):
        with tg.autograd.graph.saved_tensors_hooks(inner, lambda p: p):
            x.exp()
        x.exp()
    x.exp()  # outside: no hooks
    assert seen == ["inner", "outer"]


def test_hooks_see_custom_function_saves() -> None:
    packs: list[Any] = []

    class Twice(tg.autograd.Function):
        @staticmethod
        def forward(ctx: Any, a: Any) -> Any:
            ctx.save_for_backward(a)
            return a * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (a,) = ctx.saved_tensors
            return g * 2 + 0 * a

    x = tg.tensor(A, requires_grad=True)
    with tg.autograd.graph.saved_tensors_hooks(lambda t: packs.append(t) or t, lambda p: p):
        Twice.apply(x).sum().backward()
    assert packs and any(p is x for p in packs)
    np.testing.assert_allclose(x.grad.detach().numpy(), np.full_like(A, 2.0))
