"""What the builds' tests do to a file while a build reads it: one table of changes (cut
short, rewritten in place) and the hook that makes one happen after a given line, for the
items files (``archive.corpus``) and the removals files (``archive.corpus_removals``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

FILE_CHANGES: dict[str, Callable[[Path, list[bytes]], None]] = {
    "truncated to two lines": lambda p, lines: p.write_bytes(b"".join(lines[:2])),
    "truncated mid-line": lambda p, lines: p.write_bytes(b"".join(lines[:2]) + lines[2][:30]),
    "rewritten in place, lines reversed": lambda p, lines: p.write_bytes(b"".join(lines[::-1])),
    "rewritten in place, one item fewer": lambda p, lines: p.write_bytes(b"".join(lines[1:])),
}


def after_line(monkeypatch: pytest.MonkeyPatch, module: ModuleType, target: Path, n: int,
               change: Callable[[], None]) -> None:
    """Make ``change`` happen to ``target`` once the build (reading through ``module``'s
    ``bounded_lines``) has read its ``n``-th line."""
    real = module.bounded_lines

    def hooked(path: Path, *args: object, **kwargs: object):
        for count, got in enumerate(real(path, *args, **kwargs), 1):
            yield got
            if path == target and count == n:
                change()
    monkeypatch.setattr(module, "bounded_lines", hooked)


def assert_named_as_changed(code: int, err: str, path: Path) -> None:
    """The build failed (exit 1, no traceback) with one error naming ``path`` as changed."""
    assert code == 1 and "Traceback" not in err, err
    [error] = [line for line in err.splitlines() if line.startswith("error:")]
    assert error.startswith(f"error: {path.name}: changed while this build read it"), error
    assert "read again by the next build" in error
