"""The engine's hot modules, compiled from the very source you read (where they were built).

``pip install`` compiles each module of ``MODULES`` with Cython (``setup.py``): the
extension module lies beside its ``.py`` file, and ``_compiled_sources.json`` records the
SHA-256 of each source it was compiled from (the ``.py`` file and, where there is one, the
``.pxd`` file beside it). A ``.pxd`` file makes the classes it names extension types with C
fields (``engine.Node``, ``function.Function``, ``grad_mode._Mode``): the same attributes,
read and written without a dictionary or type lookup where the compiled code knows the type.

At import, ``tinygrad_nn`` runs the compiled modules only while every one of them is
compiled from its present source (they share those C types, so it is all or none); after
an edit the engine runs as Python until ``pip install -e .`` compiles it again (so an edit
always takes effect). ``TINYGRAD_NN_PURE_PYTHON=1`` in the environment runs every module as
Python: to step through the engine in a debugger, or to profile it line by line.

Compiling changes speed, not behaviour: the test suite runs on the compiled modules in CI.
They run the per-op bookkeeping (``Function.apply``, the walk, the saved-value checks)
without the interpreter's bytecode dispatch, and with the node's fields as C fields: about
30% fewer machine instructions per tiny op than as Python (docs/performance.md).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

# the modules compiled, by dotted name inside the package (setup.py reads this module)
MODULES = ("engine", "grad_mode", "_saved", "function")
SOURCES = "_compiled_sources.json"  # {module: SHA-256 of the source it was compiled from}
_PACKAGE = Path(__file__).resolve().parent


def source_hash(path: Path) -> str:
    """The SHA-256 of a module's source as recorded at build time: its ``.py`` file's bytes,
    then its ``.pxd`` file's where it has one (the C types it is compiled with)."""
    digest = hashlib.sha256(path.read_bytes())
    if (pxd := path.with_suffix(".pxd")).is_file():
        digest.update(pxd.read_bytes())
    return digest.hexdigest()


def pure_python() -> bool:
    """True when ``TINYGRAD_NN_PURE_PYTHON`` asks for no compiled modules."""
    return os.environ.get("TINYGRAD_NN_PURE_PYTHON", "") not in ("", "0")


def source_path(name: str) -> Path:
    """The ``.py`` file of module ``name`` (dotted, inside the package)."""
    return _PACKAGE.joinpath(*name.split(".")).with_suffix(".py")


def _extension(name: str) -> Path | None:
    stem = _PACKAGE.joinpath(*name.split("."))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if (path := stem.with_name(stem.name + suffix)).is_file():
            return path
    return None


def current() -> dict[str, Path]:
    """{module: extension file} of every module of ``MODULES`` when all of them are compiled
    from their present sources; else empty. All or none: compiled, they share C types
    (``function.Function`` extends ``engine.Node`` and reads ``grad_mode._Mode``'s fields,
    declared in their ``.pxd`` files), so one module cannot run compiled beside another's
    Python."""
    try:
        recorded = json.loads((_PACKAGE / SOURCES).read_text())
    except (OSError, ValueError):
        return {}
    found = {}
    for name in MODULES:
        ext, src = _extension(name), source_path(name)
        if ext is None or not src.is_file() or recorded.get(name) != source_hash(src):
            return {}
        found[name] = ext
    return found


class _Finder(importlib.abc.MetaPathFinder):
    """Decides how each module of ``MODULES`` loads: its extension when all are current,
    else its source (an extension beside an edited source is never run: Python's own finder
    would prefer it)."""

    def __init__(self, compiled: dict[str, Path]) -> None:
        self.compiled = compiled
        self.names = {f"{_PACKAGE.name}.{name}": name for name in MODULES}

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> Any:
        name = self.names.get(fullname)
        if name is None:
            return None
        ext = self.compiled.get(name)
        if ext is not None:
            loader: Any = importlib.machinery.ExtensionFileLoader(fullname, str(ext))
            return importlib.util.spec_from_file_location(fullname, ext, loader=loader)
        src = str(source_path(name))
        loader = importlib.machinery.SourceFileLoader(fullname, src)
        return importlib.util.spec_from_file_location(fullname, src, loader=loader)


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (``tinygrad_nn/__init__`` calls this
    before it imports anything else of the package)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder({} if pure_python() else current()))


def compiled_modules() -> list[str]:
    """The package's modules that run compiled in this process (empty: all run as Python)."""
    return sorted(name for name, mod in list(sys.modules.items())
                  if name.startswith(f"{_PACKAGE.name}.") and isinstance(
                      getattr(mod, "__loader__", None), importlib.machinery.ExtensionFileLoader))
