"""``torch.amp`` / ``torch.cuda.amp`` / ``torch.autocast`` against PyTorch: the CPU
``GradScaler``'s algorithm step by step (scales, skipped steps, parameters), the disabled
scalers' pass-through, and ``autocast`` where it changes nothing or is refused."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

W0 = np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32)
X = np.array([[1.0, 2.0], [-3.0, 0.5], [0.2, 0.1]], dtype=np.float32)


def _train(lib: Any, steps: int, init_scale: float, growth_interval: int) -> tuple[Any, ...]:
    w = lib.tensor(W0.copy(), requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.01)
    scaler = lib.amp.GradScaler("cpu", init_scale=init_scale, growth_interval=growth_interval)
    scales, stepped = [], []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((lib.tensor(X) @ w) ** 2).sum()
        scaler.scale(loss).backward()
        before = w.detach().numpy().copy()
        scaler.step(opt)
        scaler.update()
        stepped.append(not np.array_equal(before, w.detach().numpy()))
        scales.append(scaler.get_scale())
    return scales, stepped, w.detach().numpy(), scaler.state_dict()


@pytest.mark.parametrize("init_scale, growth_interval", [(2.0 ** 127, 3), (4.0, 2)])
def test_cpu_grad_scaler_follows_torch_step_by_step(init_scale: float,
                                                     growth_interval: int) -> None:
    """2^127 overflows float32 gradients: steps are skipped and the scale backs off until
    they fit; 4.0 grows every other clean step."""
    ours, theirs = _train(tg, 8, init_scale, growth_interval), _train(torch, 8, init_scale,
                                                                      growth_interval)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)
    assert ours[3] == theirs[3]
    if init_scale > 1e30:
        assert not all(ours[1]) and any(ours[1])  # some skipped, then training resumes


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_scaler_misuse_errors(lib_name: str) -> None:
    lib = torch if lib_name == "torch" else tg
    w = lib.tensor([1.0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.1)
    scaler = lib.amp.GradScaler("cpu")
    scaler.scale((w * 2).sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        scaler.step(opt)
    scaler.update()


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_cuda_scalers_disable_themselves_and_pass_through(lib_name: str) -> None:
    lib = torch if lib_name == "torch" else tg
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        legacy = lib.cuda.amp.GradScaler()
        modern = lib.amp.GradScaler("cuda")
    kinds = [(x.category.__name__, str(x.message)[:39]) for x in w]
    assert kinds[0] == ("FutureWarning", "`torch.cuda.amp.GradScaler(args...)` is")
    assert sum(k == "UserWarning" for k, _ in kinds) == 2
    for scaler in (legacy, modern):
        assert not scaler.is_enabled() and scaler.get_scale() == 1.0
        assert scaler.state_dict() == {}
        x = lib.tensor([3.0], requires_grad=True)
        assert scaler.scale(x) is x
        opt = lib.optim.SGD([x], lr=0.5)
        (x * 2).sum().backward()
        scaler.step(opt)
        scaler.update()
        np.testing.assert_allclose(x.detach().numpy(), [2.0])


def test_autocast_where_it_changes_nothing_and_where_it_is_refused() -> None:
    x = tg.ones(2)
    with tg.autocast(device_type="cpu", enabled=False):
        assert (x * 2).dtype == tg.float32
    with pytest.warns(UserWarning, match="CUDA is not available"):
        ctx = tg.autocast(device_type="cuda")
    with ctx:  # disabled: the block runs unchanged
        assert (x * 2).dtype == tg.float32
    with pytest.raises(NotImplementedError, match="mixed precision is not implemented"):
        with tg.autocast(device_type="cpu"):
            pass
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'tpu'"):
        tg.amp.autocast("tpu")
    assert tg.autocast is tg.amp.autocast


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_backends_cuda_switches_as_on_torchs_cpu_build(lib_name: str) -> None:
    """nanoGPT's set-up lines: stored and read back, unknown names refused."""
    lib = torch if lib_name == "torch" else tg
    m = lib.backends.cuda.matmul
    before = m.allow_tf32
    try:
        assert before is False and m.allow_fp16_reduced_precision_reduction is True
        m.allow_tf32 = True
        assert m.allow_tf32 is True
    finally:
        m.allow_tf32 = before
    with pytest.raises(AttributeError, match="Unknown attribute foo"):
        m.foo = 1
    with pytest.raises(AttributeError, match="Unknown attribute foo"):
        _ = m.foo
    assert lib.backends.cuda.is_built() is False
    assert lib.backends.cuda.flash_sdp_enabled() is True
