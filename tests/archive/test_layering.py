"""The archive knows nothing of Scrapy or the crawler, and its modules import each other
without a cycle (so any of them can be imported first, by the CLI or by the crawler)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.support.crawl import ROOT

ARCHIVE = ROOT / "archive"


def _module_name(path: Path) -> str:
    parts = ("archive", *path.relative_to(ARCHIVE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at top level or inside functions, as absolute names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .x import y, from . import x
                base = f"archive.{base}" if base else "archive"
                if not node.module:
                    found.update(f"archive.{alias.name}" for alias in node.names)
                    continue
            found.add(base)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(ARCHIVE.rglob("*.py"))}


def test_archive_imports_neither_scrapy_nor_the_crawler() -> None:
    outside = {(module, imported) for module, imports in _graph().items() for imported in imports
               if imported.split(".")[0] in ("scrapy", "crawler", "twisted", "tests")}
    assert outside == set()


def test_archive_modules_import_each_other_without_a_cycle() -> None:
    graph = _graph()
    edges = {m: {i for i in imports if i in graph and i != m} for m, imports in graph.items()}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError(f"import cycle: {' -> '.join(path[path.index(module):])} "
                                 f"-> {module}")
        if module in done:
            return
        for imported in sorted(edges[module]):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(edges):
        visit(module, [])
    assert len(done) == len(graph) > 10


def test_importing_every_archive_module_loads_no_scrapy() -> None:
    """At run time too, not only in the import statements."""
    code = ("import importlib, sys\n"
            f"for name in {sorted(_graph())!r}: importlib.import_module(name)\n"
            "print(','.join(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'scrapy', 'twisted'})))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""
