"""Items files that change *while* a build reads them: a crawl appending, a restore or a
re-extraction truncating or rewriting the file in place. The build takes only bytes it can
vouch for: no row is lost or doubled, and a file that changed under it is named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import archive.corpus
from archive.__main__ import main
from archive.corpus import REJECTS
from tests.archive.corpus_data import START, Newsroom, belta_url, duck, write_run
from tests.sites.common import paragraphs_for


def _run(data: Path, numbers: range) -> Path:
    room = Newsroom()
    return write_run(data, "belta", START, [
        room.capture(belta_url(n), "belta", f"Новость {n}", paragraphs_for(n), START, START)
        for n in numbers])


def _after_line(monkeypatch: pytest.MonkeyPatch, target: Path, n: int,
                change: Callable[[], None]) -> None:
    """Make ``change`` happen to ``target`` once the build has read its ``n``-th line."""
    real = archive.corpus.bounded_lines

    def hooked(path: Path, *args: object, **kwargs: object):
        for count, got in enumerate(real(path, *args, **kwargs), 1):
            yield got
            if path == target and count == n:
                change()
    monkeypatch.setattr(archive.corpus, "bounded_lines", hooked)


def _urls(corpus: Path) -> list[str]:
    return [r[0] for r in duck(corpus).execute("SELECT url FROM versions ORDER BY url").fetchall()]


def _lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


CHANGES: dict[str, Callable[[Path, list[bytes]], None]] = {
    "truncated to two lines": lambda p, lines: p.write_bytes(b"".join(lines[:2])),
    "truncated mid-line": lambda p, lines: p.write_bytes(b"".join(lines[:2]) + lines[2][:30]),
    "rewritten in place, lines reversed": lambda p, lines: p.write_bytes(b"".join(lines[::-1])),
    "rewritten in place, one item fewer": lambda p, lines: p.write_bytes(b"".join(lines[1:])),
}


@pytest.mark.parametrize("case", list(CHANGES))
def test_a_file_changed_under_the_build_is_named_and_read_again_next_time(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    path = _run(data, range(6))
    other = write_run(data, "zerkalo", START, [_other()])
    lines = _lines_of(path)
    _after_line(monkeypatch, path, 3, lambda: CHANGES[case](path, lines))

    code = main(["corpus", str(data), "-o", str(corpus)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err, err
    [error] = [line for line in err.splitlines() if line.startswith("error:")]
    assert error.startswith(f"error: {path.name}: changed while this build read it"), error
    assert "read again by the next build" in error
    assert _urls(corpus) == [_other()["url"]]  # nothing of the changed file, the rest in
    assert other.name in (corpus / "_corpus.json").read_text()

    monkeypatch.undo()
    assert main(["corpus", str(data), "-o", str(corpus)]) in (0, 1)  # a cut line is a note
    now = [json.loads(line) for line in _lines_of(path) if line.endswith(b"\n")]
    assert _urls(corpus) == sorted([i["url"] for i in now] + [_other()["url"]])
    rejects = (corpus / REJECTS).read_text().splitlines() if (corpus / REJECTS).exists() else []
    assert all(json.loads(r)["line"] == 0 for r in rejects), rejects  # no bogus line


def test_lines_appended_while_the_build_reads_go_in_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    path = _run(data, range(4))
    more = _lines_of(_run(tmp_path / "later", range(4, 7)))
    _after_line(monkeypatch, path, 2, lambda: _append(path, b"".join(more)))

    assert main(["corpus", str(data), "-o", str(corpus)]) == 0
    assert _urls(corpus) == sorted(belta_url(n) for n in range(7))
    monkeypatch.undo()
    assert main(["corpus", str(data), "-o", str(corpus)]) == 0
    assert _urls(corpus) == sorted(belta_url(n) for n in range(7))


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data)


def _other() -> dict:
    return Newsroom().capture("https://news.zerkalo.io/life/1.html", "zerkalo", "Другая",
                              paragraphs_for(99), START, START)
