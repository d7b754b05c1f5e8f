"""MkDocs hook: an API page for a module this checkout does not have yet says so.

A line ``::: tinygrad_nn.x`` asks mkdocstrings to document module ``tinygrad_nn.x``. While a
module is still being written on another branch (``tinygrad_nn.autograd``), its page stays
in the navigation and shows a note instead of failing the strict build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_DIRECTIVE = re.compile(r"^::: ([\w.]+)\s*$", re.M)


def _missing(module: str, root: Path) -> bool:
    """No source for ``module`` under ``root``, where mkdocstrings looks (its ``paths: [.]``);
    not the import system, which may find another checkout's installed copy."""
    base = root.joinpath(*module.split("."))
    return not (base.with_suffix(".py").is_file() or (base / "__init__.py").is_file())


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    root = Path(config["config_file_path"]).parent

    def replace(m: re.Match[str]) -> str:
        if not _missing(m.group(1), root):
            return m.group(0)
        return (f'!!! note "Not in this version yet"\n    `{m.group(1)}` is not part of this '
                "checkout of tinygrad_nn yet; this page fills in when it lands.\n")

    return _DIRECTIVE.sub(replace, markdown)
