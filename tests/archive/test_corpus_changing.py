"""Items files that change *while* a build reads them: a crawl appending, a restore or a
re-extraction truncating or rewriting the file in place. The build takes only bytes it can
vouch for: no row is lost or doubled, and a file that changed under it is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archive.corpus
from archive.__main__ import main
from archive.corpus import REJECTS
from tests.archive.changing_files import FILE_CHANGES, after_line, assert_named_as_changed
from tests.archive.corpus_data import START, Newsroom, belta_url, duck, write_run
from tests.sites.common import paragraphs_for


def _run(data: Path, numbers: range) -> Path:
    room = Newsroom()
    return write_run(data, "belta", START, [
        room.capture(belta_url(n), "belta", f"Новость {n}", paragraphs_for(n), START, START)
        for n in numbers])


def _urls(corpus: Path) -> list[str]:
    return [r[0] for r in duck(corpus).execute("SELECT url FROM versions ORDER BY url").fetchall()]


def _lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


@pytest.mark.parametrize("case", list(FILE_CHANGES))
def test_a_file_changed_under_the_build_is_named_and_read_again_next_time(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    path = _run(data, range(6))
    other = write_run(data, "zerkalo", START, [_other()])
    lines = _lines_of(path)
    after_line(monkeypatch, archive.corpus, path, 3, lambda: FILE_CHANGES[case](path, lines))

    code = main(["corpus", str(data), "-o", str(corpus)])
    err = capsys.readouterr().err
    assert_named_as_changed(code, err, path)
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
    after_line(monkeypatch, archive.corpus, path, 2, lambda: _append(path, b"".join(more)))

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


class _Counted:
    """A file whose reads are counted into ``tally`` (what a build read of an items file)."""

    def __init__(self, fh, tally: list[int]) -> None:
        self._fh, self._tally = fh, tally

    def read(self, *args: object) -> bytes:
        got = self._fh.read(*args)
        self._tally[0] += len(got)
        return got

    def readline(self, *args: object) -> bytes:
        got = self._fh.readline(*args)
        self._tally[0] += len(got)
        return got

    def __iter__(self):
        return iter(self.readline, b"")

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._fh, name)


def test_a_grown_file_is_read_once_and_its_new_lines_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An append-only file resumed by each build costs one read of it (the digests) and its
    new bytes twice (parsed, then checked), not further reads of what went in before."""
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    path = _run(data, range(120))
    assert main(["corpus", str(data), "-o", str(corpus)]) == 0
    tail = b"".join(_lines_of(_run(tmp_path / "later", range(120, 122))))
    _append(path, tail)
    size, first = path.stat().st_size, len(_lines_of(path)[0])
    tally, real_open = [0], open

    def counting(file: object, mode: str = "r", *args: object, **kwargs: object):
        fh = real_open(file, mode, *args, **kwargs)
        return _Counted(fh, tally) if Path(str(file)) == path else fh
    monkeypatch.setattr("builtins.open", counting)

    assert main(["corpus", str(data), "-o", str(corpus)]) == 0
    monkeypatch.undo()
    assert _urls(corpus) == sorted(belta_url(n) for n in range(122))
    assert size > 50 * len(tail)
    assert tally[0] <= size + 2 * len(tail) + 2 * first + 64, (tally[0], size, len(tail))


@pytest.mark.parametrize("case", ["rewritten in place, lines reversed",
                                  "rewritten in place, one item fewer"])
def test_a_grown_file_rewritten_while_its_new_lines_are_read_gives_none_of_them(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    path = _run(data, range(4))
    assert main(["corpus", str(data), "-o", str(corpus)]) == 0
    _append(path, b"".join(_lines_of(_run(tmp_path / "later", range(4, 7)))))
    lines = _lines_of(path)
    after_line(monkeypatch, archive.corpus, path, 1, lambda: FILE_CHANGES[case](path, lines))

    assert main(["corpus", str(data), "-o", str(corpus)]) == 1
    assert f"error: {path.name}: changed while this build read it" in capsys.readouterr().err
    assert _urls(corpus) == sorted(belta_url(n) for n in range(4))
    monkeypatch.undo()
    assert main(["corpus", str(data), "-o", str(corpus)]) == 0
    now = [json.loads(line) for line in _lines_of(path)]
    assert _urls(corpus) == sorted(i["url"] for i in now)
