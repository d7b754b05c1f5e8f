"""Smoke tests of the user-facing scripts: every example, the README and getting-started code.

Each script runs in a subprocess with tiny settings (a fresh interpreter, as a user runs it)
from a temporary working directory; the test asserts exit code 0 and, where the script
trains something, that the printed loss fell. Lines look like ``[tag] epoch 3  loss 0.41``;
losses are grouped by their optional ``[tag]`` (one group per training run).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# script -> (tiny arguments, tags whose loss must fall ("" = untagged lines), text to expect)
SCRIPTS: dict[str, tuple[list[str], tuple[str, ...], tuple[str, ...]]] = {
    "quickstart.py": (["--epochs", "60"], ("",), ("training accuracy",)),
    "logistic_regression_cat.py": (["--iterations", "30"], ("",), ("test accuracy",)),
    "planar_flower.py": (["--iterations", "300"], ("",), ("accuracy with 4 hidden units",)),
    "deep_nn.py": (["--iterations", "5"], ("",), ("test accuracy",)),
    "regularization.py": (
        ["--iterations", "40"],
        ("random", "he", "none", "L2", "dropout"),  # zero init learns nothing: that's the point
        ("match finite differences: True", "the wrong backward is caught"),
    ),
    "optimizers.py": (
        ["--epochs", "8"], ("gd", "momentum", "rmsprop", "adam", "gd+decay"), ("[adam] accuracy",),
    ),
    "batchnorm_softmax.py": (["--epochs", "6"], ("",), ("rows sum to 1",)),
    "cnn.py": (["--epochs", "2", "--train", "64"], ("",), ("test accuracy",)),
    "char_lstm.py": (
        ["--iterations", "30", "--hidden", "32", "--samples", "2"], ("",), ("sampled names",),
    ),
    "checkpoint.py": (
        ["--epochs", "10"], ("first run", "uninterrupted"),
        ("resumed run matches the uninterrupted run: True",),
    ),
}
OTHERS = {"draw_graphs.py": []}  # owned elsewhere: only "runs and exits 0" is checked here

_LOSS = re.compile(r"^\s*(?:\[(?P<tag>[^\]]+)\])?.*?\b(?:loss|cost)\b\s*:?\s*(?P<val>-?\d+\.\d+)")


def run_script(path: Path, args: list[str], cwd: Path, timeout: float = 120) -> str:
    # one BLAS thread: pytest-xdist already fills the cores, and oversubscribed OpenBLAS
    # threads make small matmuls up to 100x slower
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, str(path), *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, (
        f"{path.name} {' '.join(args)} exited with {proc.returncode}\n"
        f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}"
    )
    return proc.stdout


def losses_by_tag(output: str) -> dict[str, list[float]]:
    groups: dict[str, list[float]] = {}
    for line in output.splitlines():
        m = _LOSS.match(line)
        if m:
            groups.setdefault(m.group("tag") or "", []).append(float(m.group("val")))
    return groups


def test_losses_by_tag_parses_tagged_and_untagged_lines() -> None:
    out = "[adam] epoch 0  cost 0.70\n[adam] epoch 9  cost 0.20\niteration 1  loss: 1.5\nx"
    assert losses_by_tag(out) == {"adam": [0.70, 0.20], "": [1.5]}


def test_every_example_script_is_covered() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert set(SCRIPTS) <= scripts, f"missing example scripts: {set(SCRIPTS) - scripts}"
    unknown = scripts - set(SCRIPTS) - set(OTHERS)
    assert not unknown, f"add these examples to tests/test_examples.py: {sorted(unknown)}"


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_example_runs_and_learns(name: str, tmp_path: Path) -> None:
    args, tags, expected = SCRIPTS[name]
    out = run_script(EXAMPLES / name, args, tmp_path)
    for text in expected:
        assert text in out, f"{name}: expected {text!r} in its output:\n{out}"
    groups = losses_by_tag(out)
    for tag in tags:
        values = groups.get(tag, [])
        assert len(values) >= 2, f"{name}: fewer than 2 losses printed for [{tag}]:\n{out}"
        assert values[-1] < values[0], f"{name}: the loss of [{tag}] did not fall: {values}"


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_other_example_runs(name: str, tmp_path: Path) -> None:
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{name} is not in examples/ (yet)")
    run_script(path, OTHERS[name], tmp_path)


def python_blocks(md: Path) -> str:
    blocks = re.findall(r"```python\n(.*?)```", md.read_text(encoding="utf-8"), re.S)
    assert blocks, f"{md} has no python code blocks"
    return "\n".join(blocks)


def test_readme_example_trains(tmp_path: Path) -> None:
    script = tmp_path / "readme_example.py"
    script.write_text(python_blocks(ROOT / "README.md"))
    out = run_script(script, [], tmp_path)
    final = float(re.search(r"final loss (\d+\.\d+)", out).group(1))
    assert final < 0.5, f"the README model did not learn (final loss {final}; chance is 0.69)"


def test_getting_started_code_runs(tmp_path: Path) -> None:
    script = tmp_path / "getting_started.py"
    script.write_text(python_blocks(ROOT / "docs" / "getting-started.md"))
    out = run_script(script, [], tmp_path)
    assert "True True" in out  # the custom Function passes gradcheck and gradgradcheck
    assert "training accuracy" in out
