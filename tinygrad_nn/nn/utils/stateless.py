"""``torch.nn.utils.stateless.functional_call`` (deprecated in PyTorch for
``torch.func.functional_call``, which is the same call): run a module with some of its
parameters and buffers replaced by given tensors, then put the originals back."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

from ...tensor import Tensor
from ..module import Module

__all__ = ["functional_call"]

_MISSING: Any = object()


def _named_tensors(module: Module) -> Iterator[tuple[str, Tensor]]:
    """Every parameter then every buffer, under all of its names (tied ones repeated)."""
    for table in ("_parameters", "_buffers"):
        for prefix, m in module.named_modules(remove_duplicate=False):
            for k, t in getattr(m, table).items():
                if t is not None:
                    yield (f"{prefix}.{k}" if prefix else k), t


def _untie(module: Module, given: dict[str, Any]) -> dict[str, Any]:
    """``given`` with each value also under the other names of the tensor it replaces
    (weights tied in the module stay tied); ValueError if tied names got different values."""
    names_of: dict[int, set[str]] = {}
    for name, t in _named_tensors(module):
        names_of.setdefault(id(t), set()).add(name)
    tied = {n: names for names in names_of.values() if len(names) > 1 for n in names}
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


def _submodule(module: Module, path: str) -> Module:
    m = module
    for attr in path.split(".") if path else []:
        try:
            sub = getattr(m, attr)
        except AttributeError as ex:
            raise AttributeError(f"{m._get_name()} has no attribute `{attr}`") from ex
        if not isinstance(sub, Module):
            raise TypeError(f"submodule `{path}`: {sub} is not an instance of Module")
        m = sub
    return m


def _swap(module: Module, name: str, tensor: Any) -> Any:
    """Put ``tensor`` at dotted ``name`` (a parameter, buffer or plain attribute; _MISSING
    deletes it) and return what was there (_MISSING if nothing)."""
    path, _, attr = name.rpartition(".")
    m = _submodule(module, path)
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of Tensor")
    for table in (m._parameters, m._buffers):
        if attr in table:
            orig = table[attr]
            if tensor is _MISSING:
                del table[attr]
            else:
                table[attr] = tensor
            return orig
    orig = getattr(m, attr) if hasattr(m, attr) else _MISSING
    if orig is not _MISSING and orig is not None and not isinstance(orig, Tensor):
        raise TypeError(f"attribute `{attr}`: {orig} is not an instance of Tensor")
    if tensor is not _MISSING:
        setattr(m, attr, tensor)
    elif hasattr(m, attr):
        delattr(m, attr)
    return orig


def _swap_all(module: Module, tensors: dict[str, Any]) -> dict[str, Any]:
    """Swap every entry; on an error put back those already swapped and re-raise."""
    done: dict[str, Any] = {}
    try:
        for name, t in tensors.items():
            done[name] = _swap(module, name, t)
    except Exception:
        for name, t in done.items():
            _swap(module, name, t)
        raise
    return done


@contextlib.contextmanager
def _reparametrize_module(module: Module, parameters_and_buffers: dict[str, Any],
                          tie_weights: bool = False, strict: bool = False,
                          stack_weights: bool = False) -> Iterator[None]:
    """Inside the block the module holds ``parameters_and_buffers`` (dotted names) in place
    of its own tensors; ``strict`` requires exactly the module's names (RuntimeError);
    ``stack_weights`` puts the originals back in reverse order."""
    given = _untie(module, parameters_and_buffers) if tie_weights else parameters_and_buffers
    if strict:
        valid = {n for n, _ in _named_tensors(module)}
        errors = []
        unexpected, missing = sorted(set(given) - valid), sorted(valid - set(given))
        if unexpected:
            errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if errors:
            raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t"
                               + "\n\t".join(errors))
    orig: dict[str, Any] = {}
    try:
        orig = _swap_all(module, given)
        yield
    finally:
        if stack_weights:
            orig = dict(reversed(orig.items()))
        new = _swap_all(module, orig)
        parameters_and_buffers.update(
            {k: new[k] for k in parameters_and_buffers if k in new})


def _functional_call(module: Module, parameters_and_buffers: dict[str, Any],
                     args: Any = None, kwargs: dict[str, Any] | None = None, *,
                     tie_weights: bool = True, strict: bool = False) -> Any:
    """module(*args, **kwargs) with the given tensors in place of the module's own (the
    undeprecated body, PyTorch's name: ``torch.func.functional_call`` calls it)."""
    kwargs = {} if kwargs is None else kwargs
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights,
                               strict=strict):
        return module(*args, **kwargs)


def functional_call(module: Module, parameters_and_buffers: dict[str, Any], args: Any = None,
                    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """module(*args, **kwargs) with ``parameters_and_buffers`` ({dotted name: Tensor})
    replacing the module's own for this call; gradients flow to the given tensors.
    Deprecated as in PyTorch (FutureWarning): use ``func.functional_call``."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
