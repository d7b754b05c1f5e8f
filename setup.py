"""Build step: compile the engine's hot modules with Cython (optional; see
tinygrad_nn/_compiled.py). Everything else about the package is in pyproject.toml.

Without Cython or a C compiler, or with ``TINYGRAD_NN_PURE_PYTHON=1``, the package installs
as pure Python and behaves the same, slower.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
PACKAGE = "tinygrad_nn"


def _compiled() -> ModuleType:
    """tinygrad_nn/_compiled.py alone (it imports only the standard library): the list of
    modules, the switch, the source paths and hashes are its, not written twice."""
    spec = importlib.util.spec_from_file_location("_tinygrad_nn_compiled",
                                                  ROOT / PACKAGE / "_compiled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMPILED = _compiled()


class OptionalBuildExt(build_ext):
    """Compile what can be compiled; the record of compiled sources
    (``_compiled_sources.json``) lists only what was built, and the engine runs compiled
    only when that is all of it (``_compiled.current``)."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.parallel is None:  # type: ignore[has-type]  # (one compiler per core)
            self.parallel = os.cpu_count() or 1

    def run(self) -> None:
        self.built: dict[str, str] = {}
        try:
            super().run()
        except Exception as e:  # no compiler: pure Python
            print(f"tinygrad_nn: not compiling the engine ({e}); it runs as Python",
                  file=sys.stderr)
        self._record()

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as e:
            print(f"tinygrad_nn: {ext.name} not compiled ({e}); it runs as Python",
                  file=sys.stderr)
            return
        module = ext.name.split(".", 1)[1]
        self.built[module] = COMPILED.source_hash(COMPILED.source_path(module))

    def _record(self) -> None:
        folder = Path(self.get_ext_fullpath(f"{PACKAGE}.x")).parent
        folder.mkdir(parents=True, exist_ok=True)
        record = json.dumps(self.built, indent=1, sort_keys=True)
        (folder / COMPILED.SOURCES).write_text(record)


def extensions() -> list[Extension]:
    if COMPILED.pure_python():
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("tinygrad_nn: Cython is not installed; the engine runs as Python", file=sys.stderr)
        return []
    exts = [Extension(f"{PACKAGE}.{module}",
                      [str(COMPILED.source_path(module).relative_to(ROOT))])
            for module in COMPILED.MODULES]
    try:  # (the .pxd file beside a module's .py declares its C types: Cython reads it)
        # binding: compiled functions keep their signatures and docstrings for inspect and help()
        return cythonize(exts, build_dir="build/cython", quiet=True,
                         compiler_directives={"language_level": 3, "binding": True})
    except Exception as e:  # Cython refused a source: the engine runs as Python
        print(f"tinygrad_nn: Cython could not translate the engine ({e}); it runs as Python",
              file=sys.stderr)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
