"""Registry rows for the complex basics (ops/complex.py, _complex_views.py): each form takes
real arrays and returns real ones (gradcheck's inputs are real), reaching the complex op
through ``view_as_complex`` / ``view_as_real``; first and second order against two-sided
differences (see op_registry.py). Only ops whose complex gradients are exact here are used
around them (sums, real scalings: see docs/complex.md)."""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies

_C, _V = tg.view_as_complex, tg.view_as_real


def _pairs(draw: Draw, min_dims: int = 0) -> np.ndarray:
    """Real (re, im) pairs, shape (..., 2), away from 0 (angle's singularity)."""
    return nonzero(draw, shape_of(draw, min_dims=min_dims) + (2,), 0.3, 2.0)


@case({"tinygrad_nn.view_as_complex": lambda r: _V(_C(r) * 1.5),
       "tinygrad_nn.view_as_real": lambda r: _V(_C(r)) * r,
       "Tensor.real": lambda r: _C(r).real * r[..., 1],
       "tinygrad_nn.real": lambda r: tg.real(_C(r)) ** 2,
       "Tensor.imag": lambda r: _C(r).imag * r[..., 0],
       "tinygrad_nn.imag": lambda r: tg.imag(_C(r)) ** 2,
       "Tensor.conj": lambda r: _V(_C(r).conj()) * r,
       "tinygrad_nn.conj": lambda r: _V(tg.conj(_C(r))) ** 2,
       "Tensor.conj_physical": lambda r: _V(_C(r).conj_physical()) ** 2,
       "tinygrad_nn.conj_physical": lambda r: _V(tg.conj_physical(_C(r))) ** 2,
       "Tensor.conj_physical_": lambda r: _V((_C(r) * 1.0).conj_physical_()) ** 2,
       "tinygrad_nn.conj_physical_": lambda r: _V(tg.conj_physical_(_C(r) * 1.0)) ** 2,
       "Tensor.resolve_conj": lambda r: _V(_C(r).conj().resolve_conj()) ** 2,
       "tinygrad_nn.resolve_conj": lambda r: _V(tg.resolve_conj(_C(r))) ** 2,
       "Tensor.resolve_neg": lambda r: _V(_C(r).resolve_neg()) ** 2,
       "tinygrad_nn.resolve_neg": lambda r: _V(tg.resolve_neg(_C(r))) ** 2,
       "Tensor.angle[complex]": lambda r: _C(r).angle() ** 2})
def _complex_views(draw: Draw, form: Any) -> Any:
    return form, [_pairs(draw)]


@case({"Tensor.mH": lambda r: _V(_C(r).mH) ** 2,
       "Tensor.H": lambda r: _V(_C(r[0]).H) ** 2})
def _conjugate_transposes(draw: Draw, form: Any) -> Any:
    return form, [_pairs(draw, min_dims=3)]


@case({"tinygrad_nn.complex": lambda a, b: _V(tg.complex(a, b)) ** 2,
       "tinygrad_nn.polar": lambda a, b: _V(tg.polar(a, b)) * 2.0})
def _complex_polar(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    return form, [arr(draw, shape, 0.3, 3.0), arr(draw, shape)]
