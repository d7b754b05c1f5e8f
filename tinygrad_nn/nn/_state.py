"""A Module's tensors in bulk: state_dict, load_state_dict and dtype casting (Module.to).

``Module`` keeps the public methods and their docstrings; they call the functions here, which
take the module as their first argument. Walks over the tree go through ``Module.modules()``
and ``named_modules()``, so they stay iterative.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..dtypes import as_dtype, is_dtype_name
from ..grad_mode import no_grad
from ..tensor import Device, Tensor, require_cpu

# A Module; not imported, because module.py imports this file (imports point one way).
Module = Any


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


def _as_array(v: Any) -> np.ndarray:
    """A NumPy array from a Tensor, an array, a torch tensor (has .numpy()) or a number."""
    if isinstance(v, Tensor):
        return v._data
    if isinstance(v, np.ndarray):
        return v
    for step in ("detach", "cpu"):  # torch tensors that require grad refuse .numpy()
        if callable(getattr(v, step, None)):
            v = getattr(v, step)()
    if callable(getattr(v, "numpy", None)):
        return np.asarray(v.numpy())
    return np.asarray(v)


def state_items(module: Module) -> Iterator[tuple[str, Tensor]]:
    """(key, tensor) of every parameter and persistent buffer, PyTorch's key order."""
    for mod_prefix, m in module.named_modules(remove_duplicate=False):
        head = f"{mod_prefix}." if mod_prefix else ""
        for k, p in m._parameters.items():
            if p is not None:
                yield head + k, p
        for k, b in m._buffers.items():
            if b is not None and k not in m._non_persistent:
                yield head + k, b


def state_dict(module: Module, destination: Any, prefix: str,
               keep_vars: bool) -> OrderedDict[str, Any]:
    """``Module.state_dict``: detached Tensors sharing the listed tensors' memory, as
    PyTorch's (the tensors themselves if keep_vars)."""
    out = OrderedDict() if destination is None else destination
    for key, t in state_items(module):
        out[prefix + key] = t if keep_vars else t.detach()
    return out


def load_state_dict(module: Module, state_dict: Any, strict: bool,
                    assign: bool) -> _IncompatibleKeys:
    """``Module.load_state_dict``: check every key and shape first, then copy."""
    if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
        raise TypeError(
            f"load_state_dict: expected a dict of arrays, got {type(state_dict).__name__}")
    targets = list(state_items(module))
    expected = {k for k, _ in targets}
    missing = [k for k, _ in targets if k not in state_dict]
    unexpected = [k for k in state_dict.keys() if k not in expected]
    errors, copies = [], []
    for key, t in targets:
        if key not in state_dict:
            continue
        arr = _as_array(state_dict[key])
        lazy = callable(getattr(t, "materialize", None))  # a lazy layer's: takes the shape
        if arr.shape != t.shape and not lazy:
            errors.append(f"size mismatch for {key}: copying a param with shape {arr.shape} "
                          f"from checkpoint, the shape in the current model is {tuple(t.shape)}.")
        else:
            copies.append((t, arr))
    if strict:
        if unexpected:
            errors.insert(0, f"Unexpected key(s) in state_dict: {_quoted(unexpected)}.")
        if missing:
            errors.insert(0, f"Missing key(s) in state_dict: {_quoted(missing)}.")
    if errors:
        raise RuntimeError(f"Error(s) in loading state_dict for {type(module).__name__}:\n\t"
                           + "\n\t".join(errors))
    with no_grad():
        for t, arr in copies:
            if callable(getattr(t, "materialize", None)):
                t.materialize(arr.shape)  # type: ignore[attr-defined]
            if assign:
                t._data = np.array(arr, dtype=t.dtype, copy=True)
            else:
                np.copyto(t._data, arr, casting="unsafe")
            t._bump_version()
    return _IncompatibleKeys(missing, unexpected)


def _quoted(keys: list[str]) -> str:
    return ", ".join(f'"{k}"' for k in keys)


def to(module: Module, *args: Any, **kwargs: Any) -> None:
    """``Module.to``: read a dtype (or a Tensor's) and a device from the arguments, then cast."""
    dtype = kwargs.get("dtype")
    for a in [*args, kwargs.get("device")]:
        if a is None:
            continue
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, Device) or isinstance(a, str) and not is_dtype_name(a):
            require_cpu(a)
        else:
            dtype = a
    if dtype is not None:
        _cast(module, as_dtype(dtype))


def _cast(module: Module, dt: np.dtype) -> None:
    if dt.kind != "f":
        raise TypeError(f"Module.to: expected a floating dtype, got {dt}")
    for m in module.modules():
        for t in [*m._parameters.values(), *m._buffers.values()]:
            if t is not None and t.dtype.kind == "f" and t.dtype != dt:
                t._data = t._data.astype(dt)
                t._bump_version()
                if t.grad is not None:
                    t.grad = Tensor._new(t.grad._data.astype(dt))


def run_load_pre_hooks(module: Any, state_dict: Any,
                       strict: bool) -> tuple[Any, list[str], list[str]]:
    """Run every module's load_state_dict pre-hooks on a copy of ``state_dict``; their
    error messages raise (as PyTorch's), their missing / unexpected keys are returned."""
    hooked = [(p, m) for p, m in module.named_modules()
              if m.__dict__.get("_load_state_dict_pre_hooks")]
    missing: list[str] = []
    unexpected: list[str] = []
    if not hooked or not hasattr(state_dict, "keys"):
        return state_dict, missing, unexpected
    state_dict = OrderedDict(state_dict)  # the caller's dict stays as it was
    errors: list[str] = []
    for p, m in hooked:
        for hook in list(m._load_state_dict_pre_hooks.values()):
            hook(state_dict, f"{p}." if p else "", {}, strict, missing, unexpected, errors)
    if strict and (missing or unexpected):
        errors[:0] = [f"{kind} key(s) in state_dict: " + ", ".join(f'"{k}"' for k in keys)
                      + "." for kind, keys in (("Missing", missing),
                                               ("Unexpected", unexpected)) if keys]
    if errors:
        raise RuntimeError(f"Error(s) in loading state_dict for {type(module).__name__}:\n\t"
                           + "\n\t".join(errors))
    return state_dict, missing, unexpected
