"""Complex gradients follow PyTorch's convention (the conjugate Wirtinger derivative, g
conj(f'(z)) for a holomorphic f): the engine conjugates around the library's ops whose
backward is the plain derivative (function.py, ``run_backward``), and leaves alone the ops
written in PyTorch's convention and every user-defined Function. Each case is compared
with torch's gradients, first order and (under create_graph) second."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
Z = RNG.standard_normal(4) + 1j * RNG.standard_normal(4)
W = RNG.standard_normal(4) + 1j * RNG.standard_normal(4)
X = RNG.standard_normal(4)

CASES: dict[str, Any] = {
    "z conj(z)": lambda L, z, w, x: (z * z.conj()).real.sum(),
    "mul": lambda L, z, w, x: (z * w).abs().sum(),
    "div": lambda L, z, w, x: (z / w).real.sum(),
    "exp": lambda L, z, w, x: z.exp().imag.sum(),
    "log": lambda L, z, w, x: z.log().real.sum() + z.log().imag.sum(),
    "sin": lambda L, z, w, x: z.sin().abs().sum(),
    "pow": lambda L, z, w, x: (z ** 2).imag.sum(),
    "tanh": lambda L, z, w, x: z.tanh().real.sum(),
    "sqrt": lambda L, z, w, x: z.sqrt().imag.sum(),
    "sigmoid": lambda L, z, w, x: z.sigmoid().real.sum(),
    "reciprocal": lambda L, z, w, x: z.reciprocal().imag.sum(),
    "real times complex": lambda L, z, w, x: (x * (1 + 2j)).imag.sum(),
    "matmul": lambda L, z, w, x: (z.reshape(2, 2) @ w.reshape(2, 2)).abs().sum(),
    "dot": lambda L, z, w, x: L.dot(z, w).real,
    "vdot": lambda L, z, w, x: L.vdot(z, w).imag + L.vdot(z, w).real,
    "prod": lambda L, z, w, x: z.prod().real,
    "cumprod": lambda L, z, w, x: z.cumprod(0).imag.sum(),
    "var": lambda L, z, w, x: z.var(),
    "vector norm": lambda L, z, w, x: L.linalg.vector_norm(z),
    "frobenius norm": lambda L, z, w, x: L.linalg.norm(z.reshape(2, 2)),
    "sgn": lambda L, z, w, x: (z.sgn() * w).real.sum(),
    "angle": lambda L, z, w, x: (z * w).angle().sum(),
    "fft": lambda L, z, w, x: L.fft.fft(z).abs().sum(),
    "rfft": lambda L, z, w, x: L.fft.rfft(x).imag.sum(),
    "complex": lambda L, z, w, x: (L.complex(x, x * 2) * w).real.sum(),
    "view_as_complex": lambda L, z, w, x: (L.view_as_complex(L.stack([x, 3 * x], -1)) * w
                                           ).real.sum(),
    "inv": lambda L, z, w, x: L.linalg.inv(z.reshape(2, 2) + 3).real.sum(),
}


def _grads(lib: Any, f: Any) -> list[Any]:
    z, w, x = (lib.tensor(a.copy(), requires_grad=True) for a in (Z, W, X))
    f(lib, z, w, x).backward()
    return [None if t.grad is None else t.grad.numpy() for t in (z, w, x)]


@pytest.mark.parametrize("name", list(CASES))
def test_first_order_matches_torch(name: str) -> None:
    ours, theirs = _grads(tg, CASES[name]), _grads(torch, CASES[name])
    for a, b in zip(ours, theirs):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["mul", "exp", "pow", "matmul", "div", "sin", "sgn",
                                  "vector norm"])
def test_second_order_matches_torch(name: str) -> None:
    """d/dz of sum(Re(grad_z L * v)) through create_graph, against torch."""
    v = RNG.standard_normal(4) + 1j * RNG.standard_normal(4)
    got = []
    for lib in (tg, torch):
        z, w, x = (lib.tensor(a.copy(), requires_grad=True) for a in (Z, W, X))
        (gz,) = lib.autograd.grad(CASES[name](lib, z, w, x), (z,), create_graph=True)
        (gz * lib.tensor(v)).real.sum().backward()
        got.append(None if z.grad is None else z.grad.numpy())  # (None: no dependence)
    assert (got[0] is None) == (got[1] is None)
    if got[0] is not None:
        np.testing.assert_allclose(got[0], got[1], rtol=1e-10, atol=1e-12)


def test_a_users_function_is_not_conjugated() -> None:
    """A user's backward is taken as written (PyTorch's convention is the user's job)."""
    class Scale(tg.autograd.Function):
        @staticmethod
        def forward(ctx: Any, z: Any) -> Any:
            return z * (2 + 1j)

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * (2 + 1j)  # (deliberately not conj: must come back unchanged)

    z = tg.tensor(Z.copy(), requires_grad=True)
    Scale.apply(z).real.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), np.full(4, 2 + 1j))
