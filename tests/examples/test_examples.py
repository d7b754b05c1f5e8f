"""Every example script runs with tiny settings, learns, reports its metric and writes its files.

Each script runs in a subprocess (a fresh interpreter, as a user runs it) from a temporary
working directory; the test asserts exit code 0, the text of its metric, that the printed loss
fell, and that the plots and graph pictures it promises exist. Lines look like
``[tag] epoch 3  loss 0.41``; losses are grouped by their optional ``[tag]`` (one group per
training run). The README's demo block must be what quickstart.py runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# script -> (tiny arguments, tags whose loss must fall ("" = untagged lines), text to expect,
#            files written under out/)
SCRIPTS: dict[str, tuple[list[str], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "quickstart.py": ([], ("",), ("test accuracy",), ()),
    "logistic_regression_cat.py": (
        ["--iterations", "30"], ("",), ("test accuracy", "generated cat pictures"),
        ("cat_logistic_cost.png",),
    ),
    "planar_flower.py": (
        ["--iterations", "300"], ("",), ("accuracy with 4 hidden units",),
        ("flower_boundary.png", "flower_cost.png"),
    ),
    "deep_nn.py": (
        ["--iterations", "5"], ("",), ("test accuracy", "generated cat pictures"),
        ("deep_nn_cost.png",),
    ),
    "regularization.py": (
        ["--iterations", "40"],
        ("random", "he", "none", "L2", "dropout"),  # zero init learns nothing: that's the point
        ("match finite differences: True", "the wrong backward is caught"), (),
    ),
    "optimizers.py": (
        ["--epochs", "8"], ("gd", "momentum", "rmsprop", "adam", "gd+decay"),
        ("[adam] accuracy",), ("optimizers.png",),
    ),
    "batchnorm_softmax.py": (["--epochs", "6"], ("",), ("rows sum to 1",), ()),
    "digits_mlp.py": (
        ["--epochs", "3"], ("",), ("test accuracy",),
        ("digits_mlp_cost.png", "digits_mlp_predictions.png", "digits_mlp_graph.png"),
    ),
    "cnn.py": (
        ["--epochs", "2", "--train", "128"], ("",), ("test accuracy",),
        ("cnn_cost.png", "cnn_predictions.png", "cnn_graph.png"),
    ),
    "char_lstm.py": (
        ["--iterations", "30", "--hidden", "32", "--samples", "2"], ("",),
        ("sampled names", "held-out names"), ("char_lstm_loss.png",),
    ),
    "checkpoint.py": (
        ["--epochs", "10"], ("first run", "uninterrupted"),
        ("resumed run matches the uninterrupted run: True",), (),
    ),
}
OTHERS = {"draw_graphs.py": []}  # owned elsewhere: only "runs and exits 0" is checked here

_LOSS = re.compile(r"^\s*(?:\[(?P<tag>[^\]]+)\])?.*?\b(?:loss|cost)\b\s*:?\s*(?P<val>-?\d+\.\d+)")


def run_script(path: Path, args: list[str], cwd: Path, timeout: float = 120) -> str:
    # one BLAS thread: pytest-xdist already fills the cores, and oversubscribed OpenBLAS
    # threads make small matmuls up to 100x slower
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               # the scripts run elsewhere (tmp_path): import this checkout, not another copy
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                          if p))
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
    assert not unknown, f"add these examples to tests/examples/test_examples.py: {sorted(unknown)}"


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_example_runs_and_learns(name: str, tmp_path: Path) -> None:
    args, tags, expected, files = SCRIPTS[name]
    out = run_script(EXAMPLES / name, args, tmp_path)
    for file in files:
        path = tmp_path / "out" / file
        assert path.is_file() and path.stat().st_size > 0, f"{name} did not write out/{file}"
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


def test_readme_demo_is_what_quickstart_runs() -> None:
    first = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"),
                      re.S)
    assert first is not None, "README.md has no python block"
    # quickstart.py is its docstring, a blank line, then the demo
    body = (EXAMPLES / "quickstart.py").read_text(encoding="utf-8").split('"""\n\n', 1)[1]
    assert first.group(1) == body, "README.md's first python block differs from quickstart.py"


def test_readme_demo_learns(tmp_path: Path) -> None:
    out = run_script(EXAMPLES / "quickstart.py", [], tmp_path)
    accuracy = float(re.search(r"test accuracy (\d+\.\d+)%", out).group(1))
    assert accuracy > 90, f"the README demo did not learn (test accuracy {accuracy}%)"
