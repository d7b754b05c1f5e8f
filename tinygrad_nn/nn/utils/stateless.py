"""PyTorch's ``torch.nn.utils.stateless``: call a module with other parameters and buffers.

``functional_call`` swaps the given tensors into the module's parameter and buffer tables
(by dotted name), calls it, and puts the originals back, even when the call raises.
``torch.func.functional_call`` (``tinygrad_nn.func``) is the same with tuples of dicts.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

from ...tensor import Tensor
from ..module import Module

__all__ = ["functional_call"]

_MISSING: Any = object()


def _named_tensors(module: Module) -> dict[str, Tensor]:
    """Every parameter and buffer by dotted name, tied ones under each of their names."""
    out: dict[str, Tensor] = {}
    for table in ("_parameters", "_buffers"):
        for prefix, m in module.named_modules(remove_duplicate=False):
            for k, v in getattr(m, table).items():
                if v is not None:
                    out[f"{prefix}.{k}" if prefix else k] = v
    return out


def _untie(module: Module, given: dict[str, Any]) -> dict[str, Any]:
    """``given`` plus, for each given name of a tied tensor, its other names (same value)."""
    groups: dict[int, set[str]] = {}
    for name, t in _named_tensors(module).items():
        groups.setdefault(id(t), set()).add(name)
    tied = {n: names for names in groups.values() if len(names) > 1 for n in names}
    out = dict(given)
    for name in [n for n in given if n in tied]:
        names = tied[name]
        values = {id(given[n]) for n in names if n in given}
        if len(values) > 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, "
                             "which are tied. Consider using tie_weights=False")
        for other in names:
            out[other] = given[name]
    return out


def _owner(module: Module, name: str) -> tuple[Module, str]:
    prefix, _, attr = name.rpartition(".")
    m = module
    for part in prefix.split(".") if prefix else ():
        try:
            m = getattr(m, part)
        except AttributeError as err:
            raise AttributeError(f"{m._get_name()} has no attribute `{part}`") from err
        if not isinstance(m, Module):
            raise TypeError(f"submodule `{prefix}`: {m} is not an instance of "
                            "tinygrad_nn.nn.Module")
    if attr == "":
        raise KeyError('tensor name can\'t be empty string ""')
    return m, attr


def _swap(module: Module, name: str, value: Any) -> Any:
    """Put ``value`` (or nothing, for ``_MISSING``) at ``name``; return what was there."""
    m, attr = _owner(module, name)
    if value is not _MISSING and value is not None and not isinstance(value, Tensor):
        raise TypeError(f"{value} is not an instance of tinygrad_nn.Tensor")
    for table in (m._parameters, m._buffers):
        if attr in table:
            old = table[attr]
            if value is _MISSING:
                del table[attr]
            else:
                table[attr] = value
            return old
    old = getattr(m, attr, _MISSING)
    if old is not _MISSING and old is not None and not isinstance(old, Tensor):
        raise TypeError(f"attribute `{attr}`: {old} is not an instance of tinygrad_nn.Tensor")
    if value is not _MISSING:
        setattr(m, attr, value)  # (a Parameter registers itself, as in PyTorch)
    elif old is not _MISSING:
        delattr(m, attr)
    return old


@contextlib.contextmanager
def _reparametrize(module: Module, tensors: dict[str, Any], tie_weights: bool,
                   strict: bool) -> Iterator[None]:
    if tie_weights:
        tensors = _untie(module, tensors)
    if strict:
        valid = set(_named_tensors(module))
        missing, unexpected = sorted(valid - set(tensors)), sorted(set(tensors) - valid)
        msgs = []
        if unexpected:
            msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if msgs:
            raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t"
                               + "\n\t".join(msgs))
    originals: dict[str, Any] = {}
    try:
        for name, t in tensors.items():
            originals[name] = _swap(module, name, t)
        yield
    finally:
        for name, old in originals.items():
            _swap(module, name, old)


def _functional_call(module: Module, tensors: dict[str, Any], args: Any = None,
                     kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                     strict: bool = False) -> Any:
    """module(*args, **kwargs) with ``tensors`` (dotted name -> Tensor) in place of its
    parameters and buffers for the call."""
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrize(module, tensors, tie_weights, strict):
        return module(*args, **(kwargs or {}))


def functional_call(module: Module, parameters_and_buffers: dict[str, Any], args: Any = None,
                    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Deprecated in PyTorch 2.0 (a FutureWarning): use ``tinygrad_nn.func.functional_call``."""
    warnings.warn(
        "`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will "
        "be removed in a future version of PyTorch. Please use `torch.func.functional_call` "
        "instead which is a drop-in replacement.", FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
