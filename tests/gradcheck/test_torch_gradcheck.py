"""``tinygrad_nn.autograd.gradcheck`` / ``gradgradcheck`` against ``torch.autograd``'s:
signatures, verdicts on right and wrong derivatives, precision, errors, module path."""

from __future__ import annotations

import importlib
import inspect
import sys
import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn.autograd.gradcheck import GradcheckError

torch = pytest.importorskip("torch")
LIBS = [tg, torch]


def _x(lib: Any, dtype: Any = None, shape: tuple[int, ...] = (3,)) -> Any:
    a = np.random.default_rng(0).uniform(0.5, 1.5, size=shape)
    return lib.tensor(a, dtype=dtype or lib.float64, requires_grad=True)


def _wrong(lib: Any) -> Any:
    class Wrong(lib.autograd.Function):  # d(x*x)/dx claimed to be 1
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    return Wrong


def _cube(lib: Any, wrong_second: bool = False) -> Any:
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            # the wrong one leaves the graph: its second derivative is missing a term
            return g * 3 * (x.detach() if wrong_second else x) ** 2

    return Cube


def test_signatures_match_torch() -> None:
    for name in ("gradcheck", "gradgradcheck"):
        ours = inspect.signature(getattr(tg.autograd, name))
        theirs = inspect.signature(getattr(torch.autograd, name))
        assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == \
            [(p.name, p.kind, p.default) for p in theirs.parameters.values()]


def test_module_path_and_error_class() -> None:
    for lib in LIBS:
        mod = importlib.import_module(f"{lib.__name__}.autograd.gradcheck")
        assert sys.modules[f"{lib.__name__}.autograd.gradcheck"] is mod
        assert mod.gradcheck is lib.autograd.gradcheck and callable(lib.autograd.gradcheck)
        assert issubclass(mod.GradcheckError, RuntimeError)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_verdicts_match_torch(fast_mode: bool) -> None:
    for lib in LIBS:
        ag = lib.autograd
        assert ag.gradcheck(lambda a, b: (a * b.sin()).sum() + a, (_x(lib), _x(lib)),
                            fast_mode=fast_mode)
        assert ag.gradcheck(_cube(lib).apply, _x(lib), fast_mode=fast_mode)
        assert ag.gradgradcheck(_cube(lib).apply, _x(lib), fast_mode=fast_mode)
        assert ag.gradcheck(_cube(lib, True).apply, _x(lib), fast_mode=fast_mode)
        assert not ag.gradgradcheck(_cube(lib, True).apply, _x(lib), fast_mode=fast_mode,
                                    raise_exception=False)
        assert not ag.gradcheck(_wrong(lib).apply, (_x(lib),), fast_mode=fast_mode,
                                raise_exception=False)
        with pytest.raises(RuntimeError):  # GradcheckError, a RuntimeError in both
            ag.gradcheck(_wrong(lib).apply, (_x(lib),), fast_mode=fast_mode)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_failure_starts_as_torch_and_names_input_and_element(fast_mode: bool) -> None:
    for lib in LIBS:
        with pytest.raises(RuntimeError,
                           match="^Jacobian mismatch for output 0 with respect to input 1,\n"):
            wrong = _wrong(lib).apply
            lib.autograd.gradcheck(lambda a, b, f=wrong: a * f(b), (_x(lib), _x(lib)),
                                   fast_mode=fast_mode)
    with pytest.raises(GradcheckError, match=r"input 0 \(shape \(3,\)\) at index \(0,\)"):
        tg.autograd.gradcheck(_wrong(tg).apply, (_x(tg),))


def test_float32_inputs_are_checked_in_float32_with_torch_warning() -> None:
    for lib in LIBS:
        with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a "
                                             "double precision"):
            ok = lib.autograd.gradcheck(lambda a: a * a, (_x(lib, lib.float32),),
                                        raise_exception=False)
        assert ok is False  # eps=1e-6 is below float32's resolution, as in torch
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert lib.autograd.gradcheck(lambda a: a * a, (_x(lib),))


def test_grad_outputs_are_used_and_checked() -> None:
    for lib in LIBS:
        go = lib.tensor([1.0, -2.0, 0.5], dtype=lib.float64, requires_grad=True)
        assert lib.autograd.gradgradcheck(lambda a: a**3, (_x(lib),), (go,))
        assert lib.autograd.gradgradcheck(lambda a: a**3, (_x(lib),), go.detach())


def _not_linear(lib: Any) -> Any:
    class NotLinear(lib.autograd.Function):  # backward ignores g: wrong when g = 0
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x.sum()

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return lib.ones(3, dtype=lib.float64) + 0 * g

    return NotLinear


def test_backward_must_be_linear_in_its_gradient() -> None:
    messages = []
    for lib in LIBS:
        for undefined in (True, False):
            with pytest.raises(RuntimeError) as info:
                lib.autograd.gradcheck(_not_linear(lib).apply, (_x(lib),),
                                       check_undefined_grad=undefined)
            messages.append(str(info.value).split(".")[0])
        assert not lib.autograd.gradcheck(_not_linear(lib).apply, (_x(lib),),
                                          raise_exception=False)
    assert messages == ["backward not multiplied by grad_output"] * 4


def _half_grad(lib: Any) -> Any:
    class HalfGrad(lib.autograd.Function):  # right values, float32 gradient
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return (g * 2).float()

    return HalfGrad


def test_check_grad_dtypes() -> None:
    for lib in LIBS:
        assert lib.autograd.gradcheck(lambda a: a * 2, (_x(lib),), check_grad_dtypes=True)
        # a custom Function's float32 gradient is cast to its float64 input's dtype
        x = _x(lib)
        _half_grad(lib).apply(x).sum().backward()
        assert x.grad.dtype == lib.float64
        for dtypes in (True, False):
            assert lib.autograd.gradcheck(_half_grad(lib).apply, (_x(lib),),
                                          check_grad_dtypes=dtypes)


@pytest.mark.parametrize("name, kwargs", [
    ("gradcheck", {"check_backward_ad": False}),
    ("gradgradcheck", {"check_rev_over_rev": False}),
])
def test_nothing_to_check_is_an_assertion_as_in_torch(name: str, kwargs: dict) -> None:
    for lib in LIBS:
        with pytest.raises(AssertionError, match="Expected at least one of"):
            getattr(lib.autograd, name)(lambda a: a * a, (_x(lib),), **kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("gradcheck", {"check_batched_grad": True, "check_backward_ad": False,
                   "check_forward_ad": True}),
    ("gradcheck", {"check_batched_forward_grad": True}),
    ("gradgradcheck", {"check_rev_over_rev": False, "check_fwd_over_rev": True}),
    ("gradgradcheck", {"check_rev_over_rev": False, "check_fwd_over_rev": True,
                       "check_undefined_grad": False, "check_batched_grad": True}),
])
def test_inconsistent_options_are_assertions_as_in_torch(name: str, kwargs: dict) -> None:
    messages = []
    for lib in LIBS:
        with pytest.raises(AssertionError, match=r"Setting \w+=True requires") as info:
            getattr(lib.autograd, name)(lambda a: a * a, (_x(lib),), **kwargs)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("name, arg, kwargs", [
    ("gradcheck", "check_forward_ad", {}),
    ("gradcheck", "check_batched_grad", {}),
    ("gradcheck", "check_forward_ad", {"check_batched_forward_grad": True}),
    ("gradgradcheck", "check_fwd_over_rev", {}),
    ("gradgradcheck", "check_batched_grad", {}),
])
def test_unsupported_checks_raise_naming_the_argument(name: str, arg: str,
                                                      kwargs: dict) -> None:
    kwargs = {arg: True, **kwargs}
    assert getattr(torch.autograd, name)(lambda a: a * a, (_x(torch),), **kwargs)
    with pytest.raises(NotImplementedError, match=f"{arg}=True is not supported"):
        getattr(tg.autograd, name)(lambda a: a * a, (_x(tg),), **kwargs)


def test_accepted_options_and_errors() -> None:
    for lib in LIBS:
        ag = lib.autograd
        assert ag.gradcheck(lambda a: a * a, (_x(lib),), nondet_tol=1e-3, masked=True,
                            eps=1e-5, atol=1e-4, rtol=1e-2)
        assert ag.gradgradcheck(lambda a: a**3, (_x(lib),), gen_non_contig_grad_outputs=True,
                                masked=True, nondet_tol=0.0)
        with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
            ag.gradcheck(lambda a: a * a, (lib.ones(2, dtype=lib.float64),))
        with pytest.raises(TypeError):
            ag.gradcheck(lambda a: a * a, (_x(lib),), 1e-6)  # keyword-only, as torch
