"""MkDocs hook: an API page for a module this checkout does not have yet says so.

A line ``::: tinygrad_nn.x`` asks mkdocstrings to document module ``tinygrad_nn.x``. While a
module is still being written on another branch (``tinygrad_nn.autograd``), its page stays
in the navigation and shows a note instead of failing the strict build.
"""

from __future__ import annotations

import importlib.util
import re
from typing import Any

_DIRECTIVE = re.compile(r"^::: ([\w.]+)\s*$", re.M)


def _missing(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:  # a parent package is missing
        return True


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    def replace(m: re.Match[str]) -> str:
        if not _missing(m.group(1)):
            return m.group(0)
        return (f'!!! note "Not in this version yet"\n    `{m.group(1)}` is not part of this '
                "checkout of tinygrad_nn yet; this page fills in when it lands.\n")

    return _DIRECTIVE.sub(replace, markdown)
