"""The gradient registry covers the whole differentiable public surface (rule 11).

The surface is enumerated, not listed: every public method, property and operator of
``Tensor``, every function of ``tinygrad_nn.functional`` and every top-level function of
``tinygrad_nn``. Each name must be a registry row's ``name`` or in its ``covers``, unless it
is listed below as not differentiable. A new op without a row makes this test fail.

Matching: ``Tensor.x``, ``F.x`` (also ``functional.x``, ``tinygrad_nn.functional.x``) and
``tinygrad_nn.x`` (also ``tg.x``) name one entry point; a ``[variant]`` suffix is ignored;
a bare name (``conv2d``) covers every entry point of that name.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.ops.op_registry import CASES
from tinygrad_nn import Tensor, tensor

NOT_DIFFERENTIABLE = {
    # session 14 (tensor gaps): metadata, Python callables, constant or random new tensors,
    # integer results, memory sharing, and the removed linalg names (which only raise)
    "Tensor.__dlpack__", "Tensor.__dlpack_device__", "Tensor.dim_order", "Tensor.is_neg",
    "Tensor.layout", "Tensor.output_nr", "Tensor.apply_", "Tensor.map_", "Tensor.map2_",
    "Tensor.new_empty_strided", "Tensor.nonzero_static", "Tensor.solve", "Tensor.lstsq",
    "Tensor.eig", "Tensor.symeig", "tinygrad_nn.solve", "tinygrad_nn.lstsq",
    "tinygrad_nn.eig", "tinygrad_nn.symeig", "tinygrad_nn.matrix_rank", "tinygrad_nn.is_neg",
    "tinygrad_nn.nonzero_static", "tinygrad_nn.binomial", "tinygrad_nn.randint_like",
    "tinygrad_nn.range", "tinygrad_nn.frombuffer", "tinygrad_nn.from_dlpack",
    "tinygrad_nn.to_dlpack", "tinygrad_nn.histogramdd", "tinygrad_nn.set_default_tensor_type",
    # integer-valued results (no gradient in PyTorch either) and metadata
    "Tensor.__floordiv__", "Tensor.__rfloordiv__", "Tensor.floor_divide", "Tensor.__mod__",
    "Tensor.__rmod__", "Tensor.remainder", "Tensor.element_size", "Tensor.is_complex",
    "Tensor.is_floating_point", "Tensor.new_empty",
    # composites of rows that have them (var / std and mean)
    "Tensor.var_mean", "Tensor.std_mean",
    # attributes and metadata
    "Tensor.data", "Tensor.grad", "Tensor.requires_grad", "Tensor.shape", "Tensor.ndim",
    "Tensor.dtype", "Tensor.device", "Tensor.is_leaf", "Tensor.grad_fn", "Tensor.name",
    "Tensor.retains_grad", "Tensor.size", "Tensor.numel", "Tensor.dim", "Tensor.__len__",
    "Tensor.storage", "Tensor.untyped_storage",
    # conversions that leave the graph on purpose
    "Tensor.item", "Tensor.tolist", "Tensor.numpy", "Tensor.detach", "Tensor.detach_",
    "Tensor.__array__", "Tensor.__float__", "Tensor.__complex__", "Tensor.__int__",
    "Tensor.__index__", "Tensor.__bool__", "Tensor.__repr__", "Tensor.__hash__", "Tensor.__init__",
    # the autograd API itself
    "Tensor.backward", "Tensor.zero_grad", "Tensor.register_hook", "Tensor.retain_grad",
    "Tensor.requires_grad_", "Tensor.register_post_accumulate_grad_hook",
    # boolean or integer results: no gradient by definition
    "Tensor.lt", "Tensor.le", "Tensor.gt", "Tensor.ge", "Tensor.eq", "Tensor.ne",
    "Tensor.__lt__", "Tensor.__le__", "Tensor.__gt__", "Tensor.__ge__", "Tensor.__eq__",
    "Tensor.__ne__", "Tensor.__invert__", "Tensor.__and__", "Tensor.__or__", "Tensor.any",
    "Tensor.all", "Tensor.isnan", "Tensor.argmax", "Tensor.argmin",
    "Tensor.long", "Tensor.int", "Tensor.bool", "Tensor.byte", "Tensor.char", "Tensor.short",
    "Tensor.bfloat16",  # (raises: there is no bfloat16 dtype)
    "Tensor.chalf",  # (raises: there is no complex32 dtype)
    "Tensor.is_conj", "tinygrad_nn.is_conj", "F.argmax", "F.argmin", "F.one_hot",
    "Tensor.argsort", "F.argsort",
    # no derivative in PyTorch either (its backward raises; tests/test_linalg_legacy_torch.py)
    "tinygrad_nn.geqrf", "Tensor.geqrf",
    # new constant tensors, and in-place fills with constants (no input to differentiate)
    "Tensor.new_tensor", "Tensor.new_zeros", "Tensor.new_ones", "Tensor.new_full",
    "Tensor.zero_", "Tensor.normal_", "Tensor.uniform_",
    "Tensor.resize_", "Tensor.resize_as_",  # refused for a tensor that requires grad
    "Tensor.draw",  # graph drawing
    # random draws: recorded with a zero gradient, as PyTorch records them (tensor_random.py)
    "Tensor.bernoulli", "Tensor.bernoulli_", "Tensor.cauchy_", "Tensor.exponential_",
    "Tensor.geometric_", "Tensor.log_normal_", "Tensor.multinomial", "Tensor.random_",
    "tinygrad_nn.bernoulli", "tinygrad_nn.multinomial", "tinygrad_nn.normal",
    "tinygrad_nn.poisson", "tinygrad_nn.seed", "tinygrad_nn.initial_seed",
    # where and how the data lives; dtype rules
    "Tensor.get_device", "Tensor.is_cpu", "Tensor.is_cuda", "Tensor.is_inference",
    "Tensor.is_meta", "Tensor.is_mps", "Tensor.is_nested", "Tensor.is_nonzero",
    "Tensor.is_pinned", "Tensor.is_quantized", "Tensor.is_same_size", "Tensor.is_shared",
    "Tensor.is_signed", "Tensor.is_sparse", "Tensor.is_xpu", "Tensor.itemsize", "Tensor.nbytes",
    "Tensor.pin_memory", "Tensor.cuda", "Tensor.share_memory_", "Tensor.is_coalesced",
    "Tensor.is_xla", "Tensor.is_ipu", "Tensor.is_maia", "Tensor.is_mtia", "Tensor.is_mkldnn",
    "Tensor.is_vulkan", "Tensor.is_sparse_csr", "Tensor.is_distributed",
    "Tensor.const_data_ptr",
    # the removed Variable API: a warning (volatile) or an error (reinforce)
    "Tensor.volatile", "Tensor.reinforce",
    # which dtype backward gives a leaf's .grad (an attribute)
    "Tensor.grad_dtype",
    "tinygrad_nn.can_cast",
    "tinygrad_nn.promote_types", "tinygrad_nn.set_printoptions",
    "F.as_tensor",  # wraps arrays; a Tensor passes through unchanged
    # creation functions: leaves, not ops
    "tinygrad_nn.arange", "tinygrad_nn.empty", "tinygrad_nn.eye", "tinygrad_nn.full",
    "tinygrad_nn.full_like", "tinygrad_nn.linspace", "tinygrad_nn.ones",
    "tinygrad_nn.ones_like", "tinygrad_nn.rand", "tinygrad_nn.rand_like",
    "tinygrad_nn.randint", "tinygrad_nn.randn", "tinygrad_nn.randn_like",
    "tinygrad_nn.randperm", "tinygrad_nn.empty_like",
    "tinygrad_nn.tensor", "tinygrad_nn.zeros", "tinygrad_nn.zeros_like",
    # library state, and the autograd / checking API
    "tinygrad_nn.get_default_dtype", "tinygrad_nn.set_default_dtype",
    "tinygrad_nn.manual_seed", "tinygrad_nn.get_rng", "tinygrad_nn.get_rng_state",
    "tinygrad_nn.set_rng_state", "tinygrad_nn.is_grad_enabled", "tinygrad_nn.grad",
    "tinygrad_nn.gradcheck", "tinygrad_nn.gradgradcheck",
    "tinygrad_nn.get_num_threads", "tinygrad_nn.set_num_threads",  # the BLAS thread pool
    # PyTorch's top-level constructors, predicates and settings (no input to differentiate)
    "tinygrad_nn.FloatTensor", "tinygrad_nn.DoubleTensor", "tinygrad_nn.HalfTensor",
    "tinygrad_nn.LongTensor", "tinygrad_nn.IntTensor", "tinygrad_nn.ShortTensor",
    "tinygrad_nn.CharTensor", "tinygrad_nn.ByteTensor", "tinygrad_nn.BoolTensor",
    "tinygrad_nn.from_numpy", "tinygrad_nn.as_tensor", "tinygrad_nn.is_tensor",
    "tinygrad_nn.is_floating_point", "tinygrad_nn.equal", "tinygrad_nn.allclose",
    "tinygrad_nn.isclose", "tinygrad_nn.set_default_device", "tinygrad_nn.get_default_device",
    # linalg (helper "linalg"): result named tuples and the error class, not functions
    "linalg.EighResult", "linalg.SvdResult", "linalg.QRResult", "linalg.LinAlgError",
    "linalg.matrix_rank",  # an integer count
    # elem helper: bool results (predicates, logical ops, closeness), and heaviside (PyTorch
    # defines no derivative for it)
    "Tensor.isinf", "Tensor.isfinite", "Tensor.isposinf", "Tensor.isneginf", "Tensor.signbit",
    "Tensor.isreal",
    "Tensor.logical_not", "Tensor.logical_and", "Tensor.logical_or", "Tensor.logical_xor",
    "Tensor.isclose", "Tensor.allclose", "Tensor.equal", "Tensor.heaviside",
    # bitwise ops, comparisons and logical ops in place: integer or bool results (helper
    # "inplacefns"); floor_divide_ / remainder_ as their out-of-place forms; heaviside_
    "Tensor.__xor__", "Tensor.__lshift__", "Tensor.__rshift__", "Tensor.__rand__",
    "Tensor.__ror__", "Tensor.__rxor__", "Tensor.__rlshift__", "Tensor.__rrshift__",
    "Tensor.__iand__", "Tensor.__ior__", "Tensor.__ixor__", "Tensor.__ilshift__",
    "Tensor.__irshift__", "Tensor.bitwise_and", "Tensor.bitwise_or", "Tensor.bitwise_xor",
    "Tensor.bitwise_not", "Tensor.bitwise_left_shift", "Tensor.bitwise_right_shift",
    "Tensor.bitwise_and_", "Tensor.bitwise_or_", "Tensor.bitwise_xor_", "Tensor.bitwise_not_",
    "Tensor.bitwise_left_shift_", "Tensor.bitwise_right_shift_", "tinygrad_nn.bitwise_and",
    "tinygrad_nn.bitwise_or", "tinygrad_nn.bitwise_xor", "tinygrad_nn.bitwise_left_shift",
    "tinygrad_nn.bitwise_right_shift", "Tensor.greater", "Tensor.greater_equal", "Tensor.less",
    "Tensor.less_equal", "Tensor.not_equal", "Tensor.logical_and_",
    "Tensor.logical_or_", "Tensor.logical_xor_", "Tensor.logical_not_",
    "Tensor.floor_divide_", "Tensor.remainder_", "Tensor.heaviside_", "Tensor.__imod__",
    "Tensor.__ifloordiv__",
    # helper "reduce": integer / bool results (indices, counts, distinct values)
    "Tensor.nonzero", "Tensor.argwhere", "Tensor.count_nonzero", "Tensor.unique",
    "Tensor.unique_consecutive", "Tensor.bincount", "Tensor.histc", "tinygrad_nn.searchsorted",
    "tinygrad_nn.bucketize",
    # helper "shape": layout metadata (Python bools and ints)
    "Tensor.is_contiguous", "Tensor.stride", "Tensor.storage_offset", "Tensor.data_ptr",
    "Tensor.nelement", "Tensor.ndimension", "tinygrad_nn.broadcast_shapes",
    "tinygrad_nn.tril_indices", "tinygrad_nn.triu_indices",
    # helper "parity": named-tuple types, and the general eigen-decomposition: differentiable
    # (its gradients, first and second order, are checked against torch's in
    # tests/ops/test_complex_linalg_grads_torch.py), but no two-sided-difference row here:
    # LAPACK may reorder eigenvalues between the row's perturbed evaluations
    "linalg.CholeskyExResult", "linalg.EigResult", "linalg.InvExResult",
    "linalg.LUFactorExResult", "linalg.LUFactorResult", "linalg.LUResult", "linalg.LstsqResult",
    "linalg.SolveExResult", "linalg.eig", "linalg.eigvals",
    # casts to complex: their results have no real-valued gradient check here (no complex
    # autograd, no Tensor.real)
    "Tensor.cfloat", "Tensor.cdouble",
    # helper "toplevel": PyTorch's switches and their getters, predicates, dtype rules,
    # constructors from data or numbers, creation functions, integer / bool results, and the
    # function transforms (compile returns its argument; vmap is func.vmap)
    "tinygrad_nn.set_float32_matmul_precision", "tinygrad_nn.get_float32_matmul_precision",
    "tinygrad_nn.use_deterministic_algorithms", "tinygrad_nn.are_deterministic_algorithms_enabled",
    "tinygrad_nn.is_deterministic_algorithms_warn_only_enabled",
    "tinygrad_nn.set_deterministic_debug_mode", "tinygrad_nn.get_deterministic_debug_mode",
    "tinygrad_nn.set_anomaly_enabled", "tinygrad_nn.is_anomaly_enabled",
    "tinygrad_nn.is_anomaly_check_nan_enabled", "tinygrad_nn.is_inference_mode_enabled",
    "tinygrad_nn.set_warn_always", "tinygrad_nn.is_warn_always_enabled",
    "tinygrad_nn.set_flush_denormal", "tinygrad_nn.set_num_interop_threads",
    "tinygrad_nn.get_num_interop_threads", "tinygrad_nn.typename", "tinygrad_nn.is_storage",
    "tinygrad_nn.result_type", "tinygrad_nn.asarray", "tinygrad_nn.scalar_tensor",
    "tinygrad_nn.compile", "tinygrad_nn.vmap", "Tensor.gcd", "Tensor.lcm",
    "tinygrad_nn.isin", "Tensor.histogram", "tinygrad_nn.unravel_index",
    "tinygrad_nn.logspace", "tinygrad_nn.hann_window", "tinygrad_nn.hamming_window",
    "tinygrad_nn.blackman_window", "tinygrad_nn.bartlett_window", "tinygrad_nn.kaiser_window",
    "tinygrad_nn.detach_copy", "tinygrad_nn.empty_strided", "Tensor.gcd_",
    "Tensor.lcm_",
}

# top-level functions that only call a Tensor method: that method's row covers them
DELEGATES = {f"tinygrad_nn.{n}": f"Tensor.{n}" for n in tg._torch_functions.FUNCTIONS
             if hasattr(Tensor, n)}  # (torch.selu_ ... call F: their own rows)
DELEGATES["tinygrad_nn.bmm"] = "Tensor.matmul"
DELEGATES["tinygrad_nn.concat"] = "tinygrad_nn.cat"
# PyTorch's top-level forms of functional ops (helper "toplevel"): the functional op's row
# (those whose arguments are translated also have their own, in rows_toplevel.py)
DELEGATES.update({f"tinygrad_nn.{n}": f"F.{n}" for n in tg._torch_nn_forms.__all__
                  if hasattr(F, n)})
DELEGATES.update({"tinygrad_nn.constant_pad_nd": "F.pad",
                  "tinygrad_nn.affine_grid_generator": "F.affine_grid",
                  "tinygrad_nn.grid_sampler": "F.grid_sample",
                  "tinygrad_nn.max_pool1d_with_indices": "F.max_pool1d"})
# (the functional forms that always return the indices: the pool's row, which has them too)
DELEGATES.update({f"F.max_pool{d}d_with_indices": f"F.max_pool{d}d" for d in (1, 2, 3)})
# the *_copy forms: the view op's row (then a copy)
DELEGATES.update({f"tinygrad_nn.{n}": f"Tensor.{n[:-5]}" for n in tg._torch_views.COPY_FORMS
                  if hasattr(Tensor, n[:-5])})
DELEGATES.update({"tinygrad_nn.alias_copy": "Tensor.clone",
                  "tinygrad_nn.slice_copy": "Tensor.__getitem__",
                  "tinygrad_nn.as_strided_copy": "Tensor.as_strided"})

_OBJECT_DUNDERS = set(dir(object)) - {"__eq__", "__ne__", "__lt__", "__le__", "__gt__",
                                      "__ge__", "__init__", "__repr__", "__hash__"}


def tensor_surface() -> set[str]:
    names = set()
    for cls in Tensor.__mro__[:-1]:  # Tensor and its mixins, not object
        for n, v in vars(cls).items():
            dunder = n.startswith("__") and n.endswith("__")
            if dunder and (n in _OBJECT_DUNDERS or not callable(v) and n != "__hash__"):
                continue
            if n.startswith("_") and not dunder:
                continue
            if n in ("__slots__", "__annotations__", "__weakref__", "__array_ufunc__"):
                continue
            names.add(f"Tensor.{n}")
    return names


def functional_surface() -> set[str]:
    public = set(getattr(F, "__all__", ()))
    public |= {n for n, v in vars(F).items() if inspect.isfunction(v) and not n.startswith("_")}
    return {f"F.{n}" for n in public if callable(getattr(F, n)) and not inspect.isclass(
        getattr(F, n))}


def toplevel_surface() -> set[str]:
    return {f"tinygrad_nn.{n}" for n in tg.__all__
            if inspect.isfunction(getattr(tg, n, None))}


def linalg_surface() -> set[str]:
    return {f"linalg.{n}" for n in tg.linalg.__all__}


def surface() -> set[str]:
    return tensor_surface() | functional_surface() | toplevel_surface() | linalg_surface()


_PREFIXES = [("tinygrad_nn.functional.", "F."), ("functional.", "F."), ("tinygrad_nn.linalg.",
                                                                     "linalg."),
             ("tinygrad_nn.Tensor.", "Tensor."), ("tg.", "tinygrad_nn.")]


def normalize(name: str) -> str:
    name = re.sub(r"\s*\[.*\]$", "", name.strip())
    for old, new in _PREFIXES:
        if name.startswith(old):
            return new + name[len(old):]
    return name


def claimed() -> set[str]:
    return {normalize(n) for c in CASES for n in (c.name, *c.covers)}


def covered(entry: str, names: set[str]) -> bool:
    if entry in DELEGATES:
        return DELEGATES[entry] in NOT_DIFFERENTIABLE or covered(DELEGATES[entry], names)
    return entry in names or entry.split(".", 1)[1] in names  # qualified, or a bare name


def test_every_differentiable_public_op_has_a_registry_row() -> None:
    names = claimed()
    missing = sorted(e for e in surface() - NOT_DIFFERENTIABLE if not covered(e, names))
    assert missing == [], (
        f"public ops without a gradient-registry row: {missing}. Add an OpCase (name or "
        "covers) in tests/ops/op_registry.py or a tests/ops/cases_*.py file, or list the name in "
        "NOT_DIFFERENTIABLE with the reason")


def test_the_surface_enumeration_finds_the_known_entry_points() -> None:
    found = surface()
    for name in ["Tensor.__add__", "Tensor.__rpow__", "Tensor.__getitem__", "Tensor.T",
                 "Tensor.sum", "Tensor.add_", "F.cross_entropy", "F.relu", "tinygrad_nn.where",
                 "tinygrad_nn.einsum", "tinygrad_nn.cat"]:
        assert name in found


def _resolves(name: str) -> bool:
    owners = {"Tensor": Tensor, "F": F, "tinygrad_nn": tg, "linalg": tg.linalg}
    if "." not in name:
        return any(hasattr(o, name) for o in owners.values()) or hasattr(tg.nn, name)
    prefix, attr = name.split(".", 1)
    if prefix == "nn":
        return hasattr(tg.nn, attr)
    return prefix in owners and hasattr(owners[prefix], attr)


def test_every_registry_name_exists() -> None:
    unknown = sorted({n for c in CASES for n in (c.name, *c.covers)
                      if not _resolves(normalize(n))})
    assert unknown == [], f"registry rows name things that do not exist: {unknown}"


def test_the_exclusion_list_is_current() -> None:
    stale = sorted(n for n in NOT_DIFFERENTIABLE if not _resolves(n))
    assert stale == [], f"NOT_DIFFERENTIABLE lists names that no longer exist: {stale}"
    both = sorted(NOT_DIFFERENTIABLE & {normalize(n) for c in CASES for n in (c.name,
                                                                              *c.covers)})
    assert both == [], f"names both excluded and covered by a row: {both}"


@pytest.mark.parametrize("call", [
    lambda x: x > 0, lambda x: x.eq(x), lambda x: ~(x > 0), lambda x: (x > 0) & (x < 1),
    lambda x: x.any(), lambda x: x.isnan(), lambda x: x.argmax(),
    lambda x: x.argmin(0), lambda x: x.long(), lambda x: x.int(), lambda x: x.bool(),
    lambda x: x.detach(), lambda x: x.new_zeros(2), lambda x: F.one_hot(np.array([1]), 3),
    lambda x: F.argmax(x), lambda x: tg.zeros_like(x)])
def test_excluded_ops_really_give_no_gradient(call) -> None:  # type: ignore[no-untyped-def]
    x = tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    out = call(x)
    assert not out.requires_grad and out.grad_fn is None
