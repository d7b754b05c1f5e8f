"""The library makes its own tensors through the dtype-keeping internal path, never through the
public constructors whose PyTorch semantics differ: ``Tensor(data)`` (the legacy constructor,
which casts any data to the default dtype) and ``t.numpy()`` (which refuses a tensor that
requires grad). Read from the source, as test_import_structure.py reads imports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "tinygrad_nn"
# FloatTensor ... BoolTensor are the legacy constructor with a dtype
TENSOR_CALLS_ALLOWED = {"_torch_functions.py"}
# load_state_dict reads foreign tensors (PyTorch's) through their own .detach().numpy()
NUMPY_CALLS_ALLOWED = {"nn/_state.py"}


def _calls(path: Path) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"


def test_the_library_never_calls_the_legacy_tensor_constructor() -> None:
    bad = [_where(p, c) for p in ROOT.rglob("*.py")
           if str(p.relative_to(ROOT)) not in TENSOR_CALLS_ALLOWED
           for c in _calls(p) if isinstance(c.func, ast.Name) and c.func.id == "Tensor"]
    assert not bad, f"use Tensor._new (keeps an array's dtype), not Tensor(...): {bad}"


def test_the_library_reads_arrays_without_the_public_numpy_method() -> None:
    def detached(c: ast.Call) -> bool:  # x.detach().numpy() is allowed
        v = c.func.value  # type: ignore[attr-defined]
        return isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) \
            and v.func.attr == "detach"

    bad = [_where(p, c) for p in ROOT.rglob("*.py")
           if str(p.relative_to(ROOT)) not in NUMPY_CALLS_ALLOWED
           for c in _calls(p)
           if isinstance(c.func, ast.Attribute) and c.func.attr == "numpy" and not c.args
           and not c.keywords and not detached(c)]
    assert not bad, f"read ._data (or data_of) instead of .numpy(): {bad}"
