"""The compiled engine modules (tinygrad_nn/_compiled.py): used only while current, never
when their source was edited or ``TINYGRAD_NN_PURE_PYTHON`` is set; built in CI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tinygrad_nn
from tinygrad_nn import _compiled

PACKAGE = Path(tinygrad_nn.__file__).resolve().parent
_PROBE = ("import json, tinygrad_nn as tg, numpy as np; from tinygrad_nn import _compiled; "
          "x = tg.tensor([0.5, 2.0], requires_grad=True); (x * x).sin().sum().backward(); "
          "print(json.dumps([_compiled.compiled_modules(), tg.function.__file__, "
          "x.grad.tolist()]))")


def _run(package_parent: Path, **env: str) -> tuple[list[str], str, list[float]]:
    environ = {k: v for k, v in os.environ.items() if k != "TINYGRAD_NN_PURE_PYTHON"}
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         check=True, cwd=package_parent,
                         env={**environ, **env, "PYTHONPATH": str(package_parent)})
    modules, path, grad = json.loads(out.stdout)
    return modules, path, grad


def _built() -> dict[str, Path]:
    if _compiled.pure_python():
        return {}
    return _compiled.current()


@pytest.mark.skipif(not os.environ.get("CI"), reason="a developer's tree may hold edited "
                    "sources (they run as Python); CI installs fresh and must compile them all")
def test_ci_runs_every_engine_module_compiled() -> None:
    assert set(_built()) == set(_compiled.MODULES), "pip install -e . did not compile them"
    assert set(_compiled.compiled_modules()) == {f"tinygrad_nn.{m}" for m in _compiled.MODULES}


@pytest.mark.parametrize("edited", ["function.py", "engine.pxd"])
def test_an_edited_source_runs_the_whole_engine_as_python(tmp_path: Path, edited: str) -> None:
    """All or none: the compiled modules share C types (the .pxd files), so one edited
    source (a .py or a .pxd file) runs every one of them as Python, with the same results."""
    built = _built()
    if "function" not in built:
        pytest.skip("the engine is not compiled in this install (pure Python)")
    copy = tmp_path / "tinygrad_nn"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    modules, path, grad = _run(tmp_path)
    assert set(modules) == {f"tinygrad_nn.{m}" for m in _compiled.MODULES}
    assert path.endswith(Path(built["function"]).name)
    with open(copy / edited, "a") as f:
        f.write("\n# an edit\n")
    edited_modules, path, grad_edited = _run(tmp_path)
    assert edited_modules == [] and path.endswith("function.py")
    assert grad_edited == grad


def test_pure_python_switch_and_a_missing_record_run_everything_as_python(
        tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "tinygrad_nn",
                    ignore=shutil.ignore_patterns("__pycache__"))
    modules, path, grad = _run(tmp_path, TINYGRAD_NN_PURE_PYTHON="1")
    assert modules == [] and path.endswith("function.py")
    (tmp_path / "tinygrad_nn" / _compiled.SOURCES).unlink(missing_ok=True)
    modules, path, grad_unrecorded = _run(tmp_path)
    assert modules == [] and path.endswith("function.py")
    assert grad_unrecorded == grad


def test_the_record_names_exactly_the_compiled_sources() -> None:
    record = PACKAGE / _compiled.SOURCES
    if not record.is_file():
        pytest.skip("the engine is not compiled in this install (pure Python)")
    recorded = json.loads(record.read_text())
    assert set(recorded) <= set(_compiled.MODULES)
    for name in _compiled.MODULES:  # every listed module has a source
        assert (PACKAGE.joinpath(*name.split(".")).with_suffix(".py")).is_file()
