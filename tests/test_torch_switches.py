"""PyTorch's top-level constants, switches and predicates (tinygrad_nn/_torch_switches.py),
each against torch: values, what is stored and read back, and the errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def test_constants_are_torchs() -> None:
    for name in ("pi", "e", "inf", "newaxis"):
        assert getattr(tg, name) == getattr(torch, name)
    assert np.isnan(tg.nan) and tg.newaxis is None
    x = tg.zeros(2, 3)
    assert x[:, tg.newaxis].shape == (2, 1, 3)


@pytest.fixture
def restore() -> object:
    yield
    for lib in (tg, torch):
        lib.set_float32_matmul_precision("highest")
        lib.use_deterministic_algorithms(False)
        lib.set_warn_always(False)
        lib.set_anomaly_enabled(False)


def test_matmul_precision_is_stored_and_a_bad_value_warns(restore: object) -> None:
    for lib in (tg, torch):
        assert lib.get_float32_matmul_precision() == "highest"
        lib.set_float32_matmul_precision("medium")
        assert lib.get_float32_matmul_precision() == "medium"
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
            lib.set_float32_matmul_precision("fast")
        assert lib.get_float32_matmul_precision() == "medium"


@pytest.mark.parametrize("mode", ["default", "warn", "error", 0, 1, 2, True])
def test_deterministic_debug_mode_matches_torch(restore: object, mode: object) -> None:
    got = []
    for lib in (torch, tg):
        lib.set_deterministic_debug_mode(mode)
        got.append((lib.get_deterministic_debug_mode(),
                    lib.are_deterministic_algorithms_enabled(),
                    lib.is_deterministic_algorithms_warn_only_enabled()))
    assert got[0] == got[1]


@pytest.mark.parametrize("mode", [3, "x", 1.5])
def test_deterministic_debug_mode_errors_match_torch(mode: object) -> None:
    with pytest.raises(Exception) as want:
        torch.set_deterministic_debug_mode(mode)
    with pytest.raises(want.type, match=str(want.value).split(",")[0]):
        tg.set_deterministic_debug_mode(mode)


def test_use_deterministic_algorithms(restore: object) -> None:
    for lib in (torch, tg):
        lib.use_deterministic_algorithms(True, warn_only=True)
        assert lib.get_deterministic_debug_mode() == 1
        assert lib.is_deterministic_algorithms_warn_only_enabled()
        lib.use_deterministic_algorithms(True)
        assert lib.get_deterministic_debug_mode() == 2
        with pytest.raises(TypeError, match="argument 'mode' .* must be bool, not int"):
            lib.use_deterministic_algorithms(1)
        with pytest.raises(TypeError):
            lib.use_deterministic_algorithms(True, False)  # warn_only is keyword-only


def test_anomaly_switch_is_the_anomaly_mode(restore: object) -> None:
    for lib in (torch, tg):
        lib.set_anomaly_enabled(True)
        assert lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        assert lib is torch or tg.autograd.is_anomaly_enabled()
        lib.set_anomaly_enabled(True, False)
        assert not lib.is_anomaly_check_nan_enabled()
        lib.set_anomaly_enabled(False)
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        lib.set_anomaly_enabled(False, False)
        assert not lib.is_anomaly_check_nan_enabled()
        with pytest.raises(TypeError, match="must be bool, not int"):
            lib.set_anomaly_enabled(1)
    # it is the mode the engine checks: a NaN gradient raises while it is on
    x = tg.tensor([0.0], requires_grad=True)
    tg.set_anomaly_enabled(True)
    with pytest.raises(RuntimeError, match="returned nan values"):
        (x.sqrt() * 0).sum().backward()


def test_inference_mode_enabled_follows_the_blocks() -> None:
    for lib in (torch, tg):
        assert not lib.is_inference_mode_enabled()
        with lib.inference_mode():
            assert lib.is_inference_mode_enabled()
            with lib.inference_mode(False):
                assert not lib.is_inference_mode_enabled()
            assert lib.is_inference_mode_enabled()
        with lib.inference_mode(False):
            assert not lib.is_inference_mode_enabled()
        assert not lib.is_inference_mode_enabled()

        @lib.inference_mode()
        def inside(lib: object = lib) -> bool:
            return bool(lib.is_inference_mode_enabled())  # type: ignore[attr-defined]

        assert inside() and not lib.is_inference_mode_enabled()


def test_warn_always_flush_denormal_interop_threads(restore: object) -> None:
    for lib in (torch, tg):
        assert not lib.is_warn_always_enabled()
        lib.set_warn_always(True)
        assert lib.is_warn_always_enabled()
        with pytest.raises(RuntimeError, match="set_num_interop_threads expects a positive "
                           "integer"):
            lib.set_num_interop_threads(0)
        with pytest.raises(RuntimeError, match="expects an int, but got str"):
            lib.set_num_interop_threads("a")
        assert lib.get_num_interop_threads() >= 1
    # this library cannot set the CPU's denormal flag, and says so (torch returns True here)
    assert tg.set_flush_denormal(True) is False
    tg.set_num_interop_threads(3)
    assert tg.get_num_interop_threads() == 3


@pytest.mark.parametrize("make", [
    lambda lib: lib.zeros(2), lambda lib: lib.zeros(2, dtype=lib.float64),
    lambda lib: lib.zeros(2, dtype=lib.int64), lambda lib: lib.zeros(2, dtype=lib.bool),
    lambda lib: lib.zeros(2, dtype=lib.float16), lambda lib: lib.zeros(2, dtype=lib.uint8),
    lambda lib: lib.zeros(2, dtype=lib.complex64), lambda lib: 1, lambda lib: np.zeros(1),
    lambda lib: "s"])
def test_typename(make: object) -> None:
    assert tg.typename(make(tg)) == torch.typename(make(torch))  # type: ignore[operator]


def test_predicates_match_torch() -> None:
    for lib in (torch, tg):
        assert lib.is_storage(lib.zeros(1)) is False
        assert lib.is_complex(lib.zeros(1)) is False
        assert lib.is_same_size(lib.zeros(2, 3), lib.ones(2, 3))
        assert not lib.is_same_size(lib.zeros(2, 3), lib.ones(3, 2))
        assert lib.is_nonzero(lib.tensor([1.5])) and not lib.is_nonzero(lib.tensor(0))
        with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
            lib.is_nonzero(lib.zeros(2))
        assert lib.is_inference(lib.zeros(1)) is False


@pytest.mark.parametrize("a, b", [
    (lambda L: L.zeros(2), lambda L: 1.0), (lambda L: L.zeros(2, dtype=L.int32), lambda L: 1.0),
    (lambda L: 1, lambda L: 2), (lambda L: 1, lambda L: 2.0), (lambda L: True, lambda L: False),
    (lambda L: L.tensor(1), lambda L: L.zeros(2, dtype=L.int8)),
    (lambda L: True, lambda L: L.zeros(1, dtype=L.uint8)),
    (lambda L: L.zeros(2, dtype=L.int16), lambda L: L.zeros(2, dtype=L.float64))])
def test_result_type(a: object, b: object) -> None:
    want = torch.result_type(a(torch), b(torch))  # type: ignore[operator]
    got = tg.result_type(a(tg), b(tg))  # type: ignore[operator]
    assert str(got) == str(want).removeprefix("torch.")
    with pytest.raises(TypeError, match="result_type"):
        tg.result_type(np.zeros(1), 1)


@pytest.mark.parametrize("s, kw", [(3, {}), (2.5, {}), (True, {}), (3, {"dtype": "int64"}),
                                   (1.5, {"dtype": "float64"})])
def test_scalar_tensor(s: object, kw: dict[str, str]) -> None:
    want = torch.scalar_tensor(s, **{k: getattr(torch, v) for k, v in kw.items()})
    got = tg.scalar_tensor(s, **{k: getattr(tg, v) for k, v in kw.items()})
    assert got.shape == () and str(got.dtype) == str(want.dtype).removeprefix("torch.")
    assert got.item() == want.item()
    for lib in (torch, tg):
        with pytest.raises(TypeError, match="argument 's' \\(position 1\\) must be Number, not "
                           "list"):
            lib.scalar_tensor([1])


def test_asarray_shares_copies_and_refuses_like_torch() -> None:
    for lib in (torch, tg):
        a = np.zeros(3)
        t = lib.asarray(a)
        t[0] = 1.0
        assert a[0] == 1.0 and str(t.dtype).endswith("float64")  # shares the array
        assert str(lib.asarray([1, 2]).dtype).endswith("int64")
        assert str(lib.asarray([1.0, 2]).dtype).endswith("float32")
        x = lib.zeros(2)
        assert lib.asarray(x) is x
        c = lib.asarray(x, copy=True)
        c[0] = 5.0
        assert x[0].item() == 0.0
        assert str(lib.asarray(x, dtype=lib.float64).dtype).endswith("float64")
        with pytest.raises(ValueError, match="can't alias tensor with dtype 'Float' into dtype "
                           "'Double'"):
            lib.asarray(x, dtype=lib.float64, copy=False)
        with pytest.raises(ValueError, match="can't alias arbitrary sequence into a tensor"):
            lib.asarray([1, 2], copy=False)
        y = lib.asarray(x, requires_grad=True)
        assert y is x and x.requires_grad
        with pytest.raises(RuntimeError, match="floating point"):
            lib.asarray([1, 2], requires_grad=True)


def test_compile_returns_the_model_itself() -> None:
    m = tg.nn.Linear(2, 3)
    assert tg.compile(m) is m
    assert list(tg.compile(m).state_dict()) == ["weight", "bias"]  # (torch: "_orig_mod.")

    @tg.compile(fullgraph=True, mode="max-autotune")
    def f(x: tg.Tensor) -> tg.Tensor:
        return x * 2

    assert f(tg.ones(2)).tolist() == [2.0, 2.0]
    for lib in (torch, tg):
        with pytest.raises(RuntimeError, match="Unrecognized mode=x, should be one of: "
                           "default, lite, reduce-overhead"):
            lib.compile(m, mode="x")  # type: ignore[arg-type]
        with pytest.raises(RuntimeError, match="Either mode or options can be specified"):
            lib.compile(m, mode="default", options={})  # type: ignore[arg-type]
        with pytest.raises(AssertionError, match="A callable function is expected"):
            lib.compile(3)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            lib.compile(m, False)  # type: ignore[misc]  # keyword-only options


def test_vmap_is_func_vmap() -> None:
    assert tg.vmap is tg.func.vmap and torch.vmap is torch.func.vmap
    x = np.arange(6.0).reshape(2, 3)
    got = tg.vmap(lambda r: (r * r).sum())(tg.tensor(x))
    want = torch.vmap(lambda r: (r * r).sum())(torch.tensor(x))
    np.testing.assert_allclose(got.detach().numpy(), want.numpy())


def test_no_warning_at_import_of_switches() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.get_float32_matmul_precision()


@pytest.mark.parametrize("name", [
    "compile", "set_warn_always", "typename", "is_storage", "use_deterministic_algorithms",
    "set_deterministic_debug_mode", "set_float32_matmul_precision", "is_warn_always_enabled",
    "get_deterministic_debug_mode", "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "get_float32_matmul_precision",
    "unravel_index", "vmap"])
def test_signature_is_torchs(name: str) -> None:
    import inspect

    def params(fn: object) -> list[tuple[str, object, object]]:
        return [(p.name, p.kind, p.default)
                for p in inspect.signature(fn).parameters.values()]  # type: ignore[arg-type]

    assert params(getattr(tg, name)) == params(getattr(torch, name))
