"""Build step: compile the engine's hot modules with Cython (optional; see
tinygrad_nn/_compiled.py). Everything else about the package is in pyproject.toml.

Without Cython or a C compiler, or with ``TINYGRAD_NN_PURE_PYTHON=1``, the package installs
as pure Python and behaves the same, slower.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
PACKAGE = "tinygrad_nn"


def compiled_modules() -> tuple[str, ...]:
    """``MODULES`` of tinygrad_nn/_compiled.py, read without importing the package."""
    namespace: dict[str, object] = {}
    text = (ROOT / PACKAGE / "_compiled.py").read_text()
    line = next(x for x in text.splitlines() if x.startswith("MODULES = "))
    exec(line, namespace)  # one literal tuple of names
    return tuple(namespace["MODULES"])  # type: ignore[arg-type]


class OptionalBuildExt(build_ext):
    """Compile what can be compiled; a failure leaves that module as Python, and the record
    of compiled sources (``_compiled_sources.json``) lists only what was built."""

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
        source = ROOT / PACKAGE / f"{module.replace('.', '/')}.py"
        self.built[module] = hashlib.sha256(source.read_bytes()).hexdigest()

    def _record(self) -> None:
        folder = Path(self.get_ext_fullpath(f"{PACKAGE}.x")).parent
        folder.mkdir(parents=True, exist_ok=True)
        record = json.dumps(self.built, indent=1, sort_keys=True)
        (folder / "_compiled_sources.json").write_text(record)


def extensions() -> list[Extension]:
    if os.environ.get("TINYGRAD_NN_PURE_PYTHON", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("tinygrad_nn: Cython is not installed; the engine runs as Python", file=sys.stderr)
        return []
    exts = [Extension(f"{PACKAGE}.{module}", [f"{PACKAGE}/{module.replace('.', '/')}.py"])
            for module in compiled_modules()]
    # binding: compiled functions keep their signatures and docstrings for inspect and help()
    return cythonize(exts, build_dir="build/cython", quiet=True,
                     compiler_directives={"language_level": 3, "binding": True})


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
