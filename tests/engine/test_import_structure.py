"""The package's import structure (STYLE.md's arrows): read from the source, not by importing.

Every ``import`` statement counts, including those inside functions (lazy imports), except
the ones under ``if TYPE_CHECKING:`` (type annotations only, never run).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PKG = "tinygrad_nn"
ROOT = Path(__file__).resolve().parents[2] / PKG
CORE = ("engine", "grad_mode", "function", "_saved", "ops", "tensor", "dtypes", "_shapes",
        "_anomaly", "creation")
LEAVES = ("viz", "io", "data", "nn", "optim", "gradcheck", "testing", "func")
# the one way from the core into a leaf: Tensor.draw() draws with viz
ALLOWED = {("tinygrad_nn.tensor_movement", "tinygrad_nn.viz", "draw")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return isinstance(t, ast.Name) and t.id == "TYPE_CHECKING" or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(path: Path) -> list[tuple[str, str]]:
    """(imported module, enclosing function or '') for every import that can run."""
    mod = _module_name(path)
    is_pkg = path.name == "__init__.py"
    out: list[tuple[str, str]] = []
    stack: list[tuple[ast.AST, str]] = [(ast.parse(path.read_text()), "")]
    while stack:
        node, func = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend((n, func) for n in node.orelse)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            func = node.name
        if isinstance(node, ast.Import):
            out.extend((a.name, func) for a in node.names if a.name.split(".")[0] == PKG)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod.split(".")
                base = base[: len(base) - node.level + (1 if is_pkg else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == PKG:
                # `from . import ops` imports a submodule: count it, not the package
                names = [f"{target}.{a.name}" for a in node.names]
                subs = [n for n in names if _exists(n)]
                out.extend((n, func) for n in (subs or [target]))
                if subs and len(subs) < len(names):
                    out.append((target, func))
        stack.extend((c, func) for c in ast.iter_child_nodes(node))
    return out


def _exists(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (ROOT / rel).with_suffix(".py").exists() or (ROOT / rel / "__init__.py").exists()


@functools.cache  # (the package is parsed once per test process: ~3 s each time)
def _graph() -> dict[str, list[tuple[str, str]]]:
    return {_module_name(p): _imports(p) for p in sorted(ROOT.rglob("*.py"))}


def _area(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_core(mod: str) -> bool:
    a = _area(mod)
    return a in CORE or a.startswith("tensor")


def test_print_the_import_graph() -> None:
    graph = _graph()
    for mod, deps in graph.items():  # shown with `pytest -s`; the report quotes it
        inner = sorted({d for d, _ in deps if d != mod})
        print(f"{mod} -> {', '.join(inner) or '(none)'}")
    assert "tinygrad_nn.engine" in graph and "tinygrad_nn.tensor" in graph


def test_no_module_imports_the_package_root() -> None:
    bad = [(m, f) for m, deps in _graph().items() for d, f in deps if d == PKG and m != PKG]
    assert not bad, f"these modules import the package root {PKG!r}: {bad}"


def test_the_core_never_imports_a_leaf() -> None:
    bad = []
    for mod, deps in _graph().items():
        if not _is_core(mod):
            continue
        for d, func in deps:
            if _area(d) in LEAVES and (mod, d, func) not in ALLOWED:
                bad.append(f"{mod} imports {d}" + (f" in {func}()" if func else ""))
    assert not bad, "the core imports leaf modules:\n" + "\n".join(bad)


def test_the_allowed_exception_is_still_the_only_one_used() -> None:
    used = {(m, d, f) for m, deps in _graph().items() for d, f in deps if (m, d, f) in ALLOWED}
    assert used == ALLOWED


def test_there_are_no_import_cycles() -> None:
    # the allowed draw() import runs only when called, after both modules are loaded
    graph = {m: sorted({d for d, f in deps if d != m and (m, d, f) not in ALLOWED})
             for m, deps in _graph().items()}
    # a package's __init__ importing its own submodules is how packages work, not a cycle
    def edges(m: str) -> list[str]:
        return [d for d in graph.get(m, []) if not d.startswith(m + ".")]

    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in graph:
        if state.get(start):
            continue
        path = [start]
        stack = [iter(edges(start))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(edges(nxt)))
