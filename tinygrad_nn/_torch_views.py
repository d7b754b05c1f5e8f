"""PyTorch's ``*_copy`` forms: ``torch.<op>_copy(input, ...)`` is a copy of
``input.<op>(...)``. (The out-of-place writes into views, ``as_strided`` and
``split_with_sizes`` are Tensor methods: ``tensor_special.py``.)"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from . import _complex_views
from ._torch_functions import as_tensor
from .tensor import Tensor


def slice_copy(input: Any, dim: int = 0, start: int | None = None,  # noqa: A002
               end: int | None = None, step: int = 1) -> Tensor:
    """A copy of input[.., start:end:step, ..] along dim."""
    x = as_tensor(input)
    return x[(slice(None),) * (dim % max(x.ndim, 1)) + (slice(start, end, step),)].clone()


_REQUIRED = inspect.Parameter.empty
# name: (the op, its parameters after input as PyTorch names them, with defaults)
_COPY_SPECS: dict[str, tuple[str, tuple[tuple[str, Any], ...]]] = {
    "view_copy": ("view", (("size", _REQUIRED),)),
    "permute_copy": ("permute", (("dims", _REQUIRED),)),
    "t_copy": ("t", ()),
    "unsqueeze_copy": ("unsqueeze", (("dim", _REQUIRED),)),
    "squeeze_copy": ("squeeze", (("dim", None),)),
    "transpose_copy": ("transpose", (("dim0", _REQUIRED), ("dim1", _REQUIRED))),
    "expand_copy": ("expand", (("size", _REQUIRED),)),
    "diagonal_copy": ("diagonal", (("offset", 0), ("dim1", 0), ("dim2", 1))),
    "select_copy": ("select", (("dim", _REQUIRED), ("index", _REQUIRED))),
    "split_copy": ("split", (("split_size", _REQUIRED), ("dim", 0))),
    "unbind_copy": ("unbind", (("dim", 0),)),
    "unfold_copy": ("unfold", (("dimension", _REQUIRED), ("size", _REQUIRED),
                               ("step", _REQUIRED))),
    "detach_copy": ("detach", ()),
    "alias_copy": ("alias", ()),
    "as_strided_copy": ("as_strided", (("size", _REQUIRED), ("stride", _REQUIRED),
                                       ("storage_offset", None))),
    "split_with_sizes_copy": ("split_with_sizes", (("split_sizes", _REQUIRED), ("dim", 0))),
}


def _copy_form(name: str) -> Callable[..., Any]:
    """``torch.<op>_copy(input, ...)``: ``input.<op>(...)`` then a copy (each part of a
    tuple result copied), with PyTorch's parameter names (``expand_copy``'s keyword-only
    ``implicit`` is accepted and, as in PyTorch's Python use, changes nothing)."""
    op, spec = _COPY_SPECS[name]
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter("input", kind)] + [
        inspect.Parameter(n, kind, default=d) for n, d in spec]
    if name == "expand_copy":
        params.append(inspect.Parameter("implicit", inspect.Parameter.KEYWORD_ONLY,
                                        default=False))
    signature = inspect.Signature(params)

    def form(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        x = as_tensor(values.pop("input"))
        values.pop("implicit", None)
        rest = [v for v in values.values() if v is not None]  # (squeeze(), storage_offset)
        out = x if op == "alias" else getattr(x, op)(*rest)
        return tuple(t.clone() for t in out) if isinstance(out, tuple | list) else out.clone()

    form.__name__ = form.__qualname__ = name
    form.__signature__ = signature  # type: ignore[attr-defined]
    form.__doc__ = f"``{name}(input, ...)``: a copy of ``input.{op}(...)``."
    return form


COPY_FORMS = {n: _copy_form(n) for n in _COPY_SPECS}
COPY_FORMS["slice_copy"] = slice_copy
globals().update(COPY_FORMS)  # (importable by name, as __all__ lists them)

# torch.real, imag, view_as_real, view_as_complex (views), complex and polar
globals().update({n: getattr(_complex_views, n) for n in _complex_views.__all__})

__all__ = [*COPY_FORMS, *_complex_views.__all__]
