"""Every ```python block of docs/*.md and README.md runs, so no snippet can rot.

The blocks of one file run in order in one shared namespace (a page reads as one session:
later blocks use what earlier ones defined), in a temporary working directory, with
matplotlib's file-only backend. A block written as an interactive session (lines starting
with ``>>>``) is checked as a doctest: its printed output must match. A block that cannot
run on its own (it needs a file or a model the page does not build, e.g. a PyTorch model)
is marked by the line ``<!-- no-run -->`` right before it; the marker is invisible on the
site and on GitHub.
"""

from __future__ import annotations

import doctest
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
NO_RUN = "<!-- no-run -->"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```python[ \t]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$",
                    re.M | re.S)


@dataclass
class Block:
    line: int  # 1-based line of the opening fence
    code: str
    run: bool


def python_blocks(text: str) -> list[Block]:
    """The ```python blocks of a Markdown text, dedented, with their line and no-run mark."""
    blocks = []
    for m in _FENCE.finditer(text):
        before = text[:m.start()].rstrip().splitlines()
        run = not (before and before[-1].strip() == NO_RUN)
        indent = len(m.group("indent"))
        code = "\n".join(line[indent:] for line in m.group("code").splitlines())
        blocks.append(Block(text.count("\n", 0, m.start()) + 1, code + "\n", run))
    return blocks


# pages with at least one block to run (a page of prose and shell commands has nothing to test)
PAGES = [p for p in MARKDOWN if any(b.run for b in python_blocks(p.read_text(encoding="utf-8")))]


def run_block(block: Block, namespace: dict, name: str) -> None:
    where = f"{name}:{block.line}"
    if block.code.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(block.code, namespace, where, name, block.line)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE
                                       | doctest.ELLIPSIS)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        assert runner.failures == 0, f"doctest block at {where} failed:\n" + "".join(report)
        return
    exec(compile(block.code, where, "exec"), namespace)  # noqa: S102 - the docs' own code


def test_the_pages_with_code_are_all_checked() -> None:
    names = {p.name for p in PAGES}
    assert {"README.md", "getting-started.md", "visualization.md", "nn.md"} <= names


def test_the_parser_finds_blocks_and_marks() -> None:
    text = "x\n```python\na = 1\n```\n<!-- no-run -->\n```python\nb = 2\n```\n```bash\nls\n```\n"
    blocks = python_blocks(text)
    assert [(b.line, b.code, b.run) for b in blocks] == [(2, "a = 1\n", True),
                                                         (6, "b = 2\n", False)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = [b for b in python_blocks(page.read_text(encoding="utf-8")) if b.run]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    for block in blocks:
        run_block(block, namespace, os.path.relpath(page, ROOT))
