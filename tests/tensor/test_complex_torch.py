"""Complex-number basics beside PyTorch: real / imag / view_as_real / view_as_complex as views
(writes through them, recorded or not), complex / polar / conj / angle, H / mH, their
gradients (PyTorch's convention: dL/dx + i dL/dy) and second derivatives, and the errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tn
from tinygrad_nn.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")

Z = np.array([[1 + 2j, 3 - 1j, -0.5 + 0.25j], [2j, -1.5 + 0j, 0.75 - 2j]])
R = np.array([[0.5, -1.0, 2.0], [1.5, 3.0, -0.25]])


def _z(lib: Any, dtype: str = "complex64", grad: bool = False) -> Any:
    return lib.tensor(Z.astype(dtype), requires_grad=grad)


def _same(ours: Any, theirs: Any) -> None:
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), (ours.dtype,
                                                                          theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().resolve_conj().numpy(),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("fn", [
    lambda m, z: z.real, lambda m, z: z.imag, lambda m, z: m.real(z), lambda m, z: m.imag(z),
    lambda m, z: m.view_as_real(z), lambda m, z: m.view_as_complex(m.view_as_real(z)),
    lambda m, z: z.conj().resolve_conj(), lambda m, z: m.conj_physical(z),
    lambda m, z: z.angle(), lambda m, z: m.complex(z.real, z.imag * 2),
    lambda m, z: m.polar(z.abs(), z.angle()), lambda m, z: z.H, lambda m, z: z.mH,
    lambda m, z: z.adjoint(), lambda m, z: m.view_as_real(z.t()),
    lambda m, z: m.view_as_real(z)[..., 1], lambda m, z: z[:, 1:].real,
])
def test_values_and_dtypes(dtype: str, fn: Callable[[Any, Any], Any]) -> None:
    _same(fn(tn, _z(tn, dtype)), fn(torch, _z(torch, dtype)))


def test_real_tensors() -> None:
    """x.real, conj, resolve_conj of a real (or integer) tensor are x itself; imag raises."""
    for lib in (tn, torch):
        x = lib.tensor(R)
        assert x.real is x and x.conj() is x and x.resolve_conj() is x
        assert x.conj_physical() is x and not x.is_conj() and not x.is_neg()
        n = lib.tensor([1, 2])
        assert n.conj() is n and n.real is n
        for t in (x, n):
            with pytest.raises(RuntimeError, match="imag is not implemented for tensors with "
                                                   "non-complex dtypes."):
                t.imag  # noqa: B018
    _same(tn.tensor(R).mH, torch.tensor(R).mH)


def test_conj_is_a_copy_here() -> None:
    """conj() makes the conjugate's values (documented): is_conj() is False where
    PyTorch's lazy view says True, and the values equal np.conj."""
    z = _z(tn)
    c = z.conj()
    assert not c.is_conj() and c.resolve_conj() is c
    np.testing.assert_array_equal(c.numpy(), np.conj(Z.astype(np.complex64)))
    assert torch.view_as_real(_z(torch).conj().resolve_conj()).shape == tn.view_as_real(c).shape


def _writes(lib: Any) -> list[Any]:
    """Unrecorded writes through each kind of view; the values and versions after each."""
    z = _z(lib)
    out = []
    z.real[0] = 5.0
    out += [z.clone(), z._version]
    z.imag.mul_(2)
    out += [z.clone(), z._version]
    z.real = lib.tensor([[1.0, 2.0, 3.0]]).expand(2, 3)
    z.imag = lib.tensor(R.astype("float32"))
    out += [z.clone(), z._version]
    lib.view_as_real(z)[1, 2, 1] = -7.0
    out += [z.clone()]
    r = lib.tensor(R.reshape(3, 2).astype("float32"))
    c = lib.view_as_complex(r)
    c.mul_(1j)
    c[0] = 9 + 9j
    out += [r.clone(), r._version, c._version, lib.view_as_real(c)._version]
    z2 = _z(lib)
    z2.conj_physical_()
    out += [z2]
    return out


def test_writes_through_views() -> None:
    for ours, theirs in zip(_writes(tn), _writes(torch)):
        if isinstance(theirs, int):
            assert ours == theirs
        else:
            _same(ours, theirs)


def test_views_share_memory_and_version() -> None:
    z = _z(tn)
    r, i, p = z.real, z.imag, tn.view_as_real(z)
    assert r._base is z and i._base is z and p._base is z
    z.add_(1)
    assert r._version == i._version == p._version == z._version == 1
    np.testing.assert_array_equal(p.numpy()[..., 0], r.numpy())


def _loss(fn: Callable[[Any, Any], Any], lib: Any, dtype: str) -> tuple[Any, Any]:
    z = _z(lib, dtype, grad=True)
    fn(lib, z).backward()
    return z.grad, z


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("fn", [
    lambda m, z: (z.real * 3 + z.imag * z.imag).sum(),
    lambda m, z: (m.view_as_real(z) ** 2 * m.arange(4.0).reshape(2, 1, 2)[..., :2]).sum(),
    lambda m, z: m.view_as_complex(m.view_as_real(z) * 2).abs().sum(),
    lambda m, z: z.conj().imag.sum() + m.view_as_real(z.conj().resolve_conj()).pow(2).sum(),
    lambda m, z: z.angle().sum(),
    lambda m, z: m.polar(z.abs(), z.angle() * 2).real.sum(),
    lambda m, z: m.complex(z.real * z.imag, z.imag).abs().sum(),
    lambda m, z: (z.abs() ** 2).sum(),
    lambda m, z: m.view_as_real(z.mH.resolve_conj()).sum(dim=-1).pow(2).sum(),
    lambda m, z: (m.real(z) - m.imag(z)).pow(2).sum(),
])
def test_gradients(dtype: str, fn: Callable[[Any, Any], Any]) -> None:
    ours, _ = _loss(fn, tn, dtype)
    theirs, _ = _loss(fn, torch, dtype)
    _same(ours, theirs)


def test_gradient_at_zero_and_to_real_leaves() -> None:
    """angle's gradient is 0 at z = 0; a real leaf gets Re of a complex gradient."""
    for lib in (tn, torch):
        z = lib.zeros(2, dtype=lib.complex64, requires_grad=True)
        z.angle().sum().backward()
        assert (z.grad.numpy() == 0).all()
    grads = []
    for lib in (tn, torch):
        x = lib.tensor(R, requires_grad=True)
        # (polar's abs non-negative: PyTorch leaves a negative one undefined)
        (lib.view_as_real(x.to(lib.complex128)).pow(2).sum() + lib.polar(x.abs(), x).imag.sum()
         ).backward()
        grads.append(x.grad)
    _same(*grads)


def _recorded(lib: Any, case: int) -> Any:
    """In-place changes through views of a non-leaf, then a loss (the gradient reaches the
    leaf through CopySlices-like nodes)."""
    z = _z(lib, "complex128", grad=True)
    w = z * 1
    if case == 0:
        w.real.mul_(3)
        w.imag[0] = 7.0
        loss = lib.view_as_real(w).pow(2).sum()
    elif case == 1:
        v = w.real  # taken before the base changes: re-derived from it
        w.mul_(2)
        loss = (v * v).sum() + w.imag.sum()
    elif case == 2:
        r = lib.view_as_real(z) * 1
        c = lib.view_as_complex(r)
        c.mul_(2)
        c[0, 0] = 0
        loss = (r * r).sum()
    else:
        w.real = z.imag * 2
        loss = lib.view_as_real(w).pow(2).sum()
    loss.backward()
    return z.grad


@pytest.mark.parametrize("case", range(4))
def test_recorded_writes_through_views(case: int) -> None:
    _same(_recorded(tn, case), _recorded(torch, case))


_C, _V = tn.view_as_complex, tn.view_as_real


@pytest.mark.parametrize("fn", [
    lambda r: _C(r).real * _C(r).imag,
    lambda r: _V(_C(r) * 1.5) ** 2,
    lambda r: _C(r).angle(),
    lambda r: _V(_C(r).conj()) * r,
    lambda r: _V(tn.complex(r[:, 0] * r[:, 1], r[:, 1] ** 2)),
    lambda r: _V(tn.polar(r[:, 0], r[:, 1])) * r,
])
def test_second_derivatives(fn: Callable[[Any], Any]) -> None:
    """gradgradcheck (real inputs and outputs: complex ones are not supported there)."""
    r = tn.tensor(np.array([[1.0, 2.0], [3.0, -1.0], [0.5, -0.2]]), requires_grad=True)
    assert gradcheck(fn, (r,)) and gradgradcheck(fn, (r,))


def test_node_names() -> None:
    for fn in (lambda m, z: z.real, lambda m, z: z.imag, lambda m, z: m.view_as_real(z),
               lambda m, z: m.view_as_complex(m.view_as_real(z)), lambda m, z: z.angle(),
               lambda m, z: m.complex(z.real, z.imag)):
        ours, theirs = fn(tn, _z(tn, grad=True) * 1), fn(torch, _z(torch, grad=True) * 1)
        assert ours.grad_fn.name() == theirs.grad_fn.name()


def _error(fn: Callable[[Any], Any]) -> tuple[type, str]:
    with pytest.raises(Exception) as info:  # noqa: PT011 (compared with torch's below)
        fn(torch)
    with pytest.raises(info.type) as ours:
        fn(tn)
    return info.value.args[0], ours.value.args[0]


@pytest.mark.parametrize("fn", [
    lambda m: m.view_as_real(m.tensor(R)),
    lambda m: m.view_as_complex(m.tensor(R)),
    lambda m: m.view_as_complex(m.tensor(R).t()[:, :2]),
    lambda m: m.view_as_complex(m.tensor(np.ones((3, 2))).t().contiguous().t()),
    lambda m: m.view_as_complex(m.tensor(np.ones((3, 3)))[:, :2]),
    lambda m: m.view_as_complex(m.tensor(np.ones(7))[1:].view(3, 2)),
    lambda m: m.view_as_complex(m.tensor([1, 2])),
    lambda m: m.view_as_complex(m.tensor(1.0)),
    lambda m: m.complex(m.tensor(R), m.tensor(R.astype("float32"))),
    lambda m: m.complex(m.tensor([1, 2]), m.tensor([1, 2])),
    lambda m: m.polar(m.tensor(R), m.tensor([1, 2])),
    lambda m: m.complex(m.tensor(R), 1.0),
    lambda m: m.real(3),
    lambda m: m.tensor(R)[0].H,
    lambda m: m.tensor(R)[None].H,
    lambda m: m.tensor(R)[0].mH,
])
def test_errors(fn: Callable[[Any], Any]) -> None:
    theirs, ours = _error(fn)
    assert ours.split(" (got")[0] == theirs


def test_h_of_a_scalar_warns() -> None:
    with pytest.warns(UserWarning, match="Tensor.H is deprecated on 0-D tensors"):
        h = tn.tensor(1 + 2j).H
    assert h.item() == 1 - 2j


def test_complex32_is_refused() -> None:
    """NumPy has no complex32: chalf and the float16 forms raise (NotImplementedError, a
    RuntimeError) instead of giving another dtype."""
    half = tn.tensor(R.astype("float16"))
    for fn in (lambda: half.chalf(), lambda: tn.complex(half, half),
               lambda: tn.view_as_complex(half[:, :2].contiguous())):
        with pytest.raises(NotImplementedError, match="complex32"):
            fn()


@pytest.mark.xfail(strict=True, reason="PyTorch's chalf() gives complex32, which NumPy lacks")
def test_chalf_is_complex32() -> None:
    assert str(tn.tensor(R).chalf().dtype) == str(torch.tensor(R).chalf().dtype)[6:]


def test_zero_dim_gradients() -> None:
    """A 0-d complex result's gradient (NumPy gives a scalar there, not an array)."""
    grads = []
    for lib in (tn, torch):
        r = lib.tensor([1.0, 2.0], requires_grad=True)
        c = lib.view_as_complex(r) * 1.5
        c.backward(lib.tensor(1j))
        grads.append(r.grad)
    _same(*grads)


def test_a_base_changed_through_its_real_view_is_copyslices() -> None:
    names = []
    for lib in (tn, torch):
        z = _z(lib, grad=True) * 1
        z.imag.zero_()
        names.append(z.grad_fn.name())
    assert names[0] == names[1]
