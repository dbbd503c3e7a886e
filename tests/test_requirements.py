"""requirements.txt pins exactly what crawler/, archive/ and bench/ import: nothing unused
(a pin nobody imports is dead weight to install and audit), nothing missing."""

from __future__ import annotations

import ast
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# score: the benchmark scorer in ../shared/benchmarks, put on sys.path by bench/.
LOCAL = {"crawler", "archive", "bench", "tests", "score"}
# Standard library only in newer Pythons, imported with a fallback to a pinned backport.
FUTURE_STDLIB = {"compression"}


def imported_modules() -> set[str]:
    """The distributions' top-level modules the packages import. Parsed on a thread of its
    own: CPython 3.11.7's ``ast.parse`` fails with "AST constructor recursion depth mismatch"
    on a thread whose recursion count a test before it (a RecursionError caught) left off."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_imported_modules).result()


def _imported_modules() -> set[str]:
    found = set()
    for folder in ("crawler", "archive", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - LOCAL - FUTURE_STDLIB


def canonical(name: str) -> str:
    """PEP 503 names: case and the separators -, _ and . do not matter."""
    return re.sub(r"[-_.]+", "-", name.lower())


def test_requirements_pin_exactly_the_imported_distributions() -> None:
    pins = {canonical(line.split("==")[0]) for line in
            (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")}
    dists = packages_distributions()
    imported = {canonical(dist) for module in imported_modules() for dist in dists[module]}
    assert pins - imported == set(), "pinned but never imported"
    assert imported - pins == set(), "imported but not pinned"
