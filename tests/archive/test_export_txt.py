"""export-txt on hostile items files: bad lines are reported by number and skipped, output
files are whole or absent, and never written through a symlink."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.export_txt import export_txt

REPO = Path(__file__).resolve().parents[2]
GOOD = {"id": "ok1", "url": "http://e.com/1", "title": "Загаловак", "text": "Тэкст",
        "published": "2026-01-02T10:00:00+03:00"}


def run_cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def _hostile_lines() -> list[bytes]:
    return [
        json.dumps(GOOD, ensure_ascii=False).encode(),                       # 1 good
        b"[" * 100_000 + b"]" * 100_000,                                      # 2 deep nesting
        json.dumps({**GOOD, "id": "deep", "text": [[["x"]]]}).encode(),     # 3 list for string
        json.dumps({**GOOD, "id": "nul", "title": None}).encode(),          # 4 null title
        b"{not json",                                                          # 5
        b"\xff\xfe broken utf-8",                                              # 6
        json.dumps([1, 2]).encode(),                                           # 7 not an object
        json.dumps({**GOOD, "id": "L" * 5000}).encode(),                      # 8 long id: kept
        json.dumps({**GOOD, "id": ["a"]}).encode(),                          # 9 list id
        json.dumps({**GOOD, "id": "deepnest", "x": [[[[]]]] * 3}).encode(),  # 10 fine
    ]


def test_export_txt_reports_bad_lines_by_number_and_writes_the_rest(tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_bytes(b"\n".join(_hostile_lines()) + b"\n")
    out = tmp_path / "out"

    res = run_cli("export-txt", items, out)

    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    reported = sorted(int(line.split(": line ")[1].split(":")[0])
                      for line in res.stderr.splitlines() if ": line " in line)
    assert reported == [2, 3, 4, 5, 6, 7, 9]
    files = sorted(out.iterdir())
    assert len(files) == 3 and all(len(f.name) < 120 for f in files)
    for f in files:
        body = f.read_text(encoding="utf-8")
        assert body == "Загаловак\n\nТэкст"  # never a Python repr such as ['x'] or None
    assert "3 file(s) written" in res.stdout and "7 line(s) skipped" in res.stdout


def test_long_ids_get_distinct_short_file_names(tmp_path):
    items = tmp_path / "items.jsonl"
    rows = [{**GOOD, "id": "x" * 300 + tail} for tail in ("a", "b")]
    items.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    written = export_txt(items, tmp_path / "out")
    assert len({p.name[4:] for p in written}) == 2
    assert all(len(p.name) < 120 for p in written)


def test_export_txt_never_writes_through_a_symlink(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "000_ok1.txt").symlink_to(outside)
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps(GOOD), encoding="utf-8")

    res = run_cli("export-txt", items, out)  # an earlier export's name: refused first
    assert res.returncode == 2 and "of an earlier export" in res.stderr, res.stderr
    assert outside.read_text() == "precious"

    export_txt(items, out)  # the function replaces the file, never writes through it
    assert outside.read_text() == "precious"
    target = out / "000_ok1.txt"
    assert not target.is_symlink() and target.read_text() == "Загаловак\n\nТэкст"


def test_an_export_into_a_folder_of_an_earlier_one_is_refused_and_changes_nothing(tmp_path):
    """Its numbered files would sit among the earlier ones: old versions, or articles this
    selection leaves out, read as part of it."""
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps(GOOD), encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("export-txt", items, out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    res = run_cli("export-txt", items, out)
    assert res.returncode == 2 and "earlier export (000_ok1.txt" in res.stderr, res.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_export_killed_midway_is_cleared_by_the_rerun_which_writes_it_whole(tmp_path):
    """A SIGKILLed export left numbered files, and the rerun was refused as an export into
    an earlier one's folder: the user had to find and delete them. What it left is marked
    unfinished; the rerun clears it (saying so) and writes every file, and a finished
    export is still refused."""
    items = tmp_path / "items.jsonl"
    count = 600
    items.write_text("".join(json.dumps({**GOOD, "id": f"a{n}", "url": f"http://e.com/{n}"})
                             + "\n" for n in range(count)), "utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "archive", "export-txt", str(items),
                             str(out)], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline \
            and len(list(out.glob("*.txt")) if out.is_dir() else []) < 20:
        time.sleep(0.005)
    proc.kill()
    assert proc.wait() == -signal.SIGKILL, "the export finished before the kill"
    left = len(list(out.glob("*.txt")))
    assert 20 <= left < count
    res = run_cli("export-txt", items, out)
    assert res.returncode == 0, res.stderr
    assert f"removed the {left} file(s) an export stopped midway left in {out}" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{n:03d}_a{m}.txt" for n, m in enumerate(sorted(range(count), key=lambda m: f"{m}")))
    again = run_cli("export-txt", items, out)
    assert again.returncode == 2 and "earlier export" in again.stderr, again.stderr


def test_a_failed_export_leaves_no_half_written_file(tmp_path, monkeypatch):
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({**GOOD, "text": "a" * 100_000}), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "000_ok1.txt").write_text("old complete file")
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        export_txt(items, out)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert [p.name for p in out.iterdir()] == ["000_ok1.txt"]
    assert (out / "000_ok1.txt").read_text() == "old complete file"


def test_versions_of_one_article_are_numbered_oldest_first(tmp_path):
    """Every version of an article shares its URL and publication date: the numbering follows
    the version, not where a line happens to sit (a corpus selection comes in no order)."""
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps({**GOOD, "text": f"Версія {v}", "version": v},
                                        ensure_ascii=False) + "\n" for v in (3, 1, 2)), "utf-8")
    written = export_txt(items, tmp_path / "out")
    assert [p.name for p in written] == ["000_ok1.txt", "001_ok1.txt", "002_ok1.txt"]
    assert [p.read_text("utf-8") for p in written] == [
        f"{GOOD['title']}\n\nВерсія {v}" for v in (1, 2, 3)]


def test_export_txt_rejects_lines_that_are_not_strict_json(tmp_path):
    """Which of two titles a line with the key twice means, JSON readers differ on; NaN and
    1e400 are no JSON numbers; Python refuses an integer of 5,000 digits (a traceback, once).
    Each line is named and skipped, never written half-guessed."""
    good = json.dumps(GOOD, ensure_ascii=False)
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join([
        good,
        good.replace('"title": ', '"title": "Стары", "title": '),
        good.replace('"id": "ok1"', '"id": "ok2", "version": NaN'),
        good.replace('"id": "ok1"', '"id": "ok3", "version": 1e400'),
        good.replace('"id": "ok1"', '"id": "ok4", "version": ' + "9" * 5000),
    ]) + "\n", "utf-8")
    res = run_cli("export-txt", items, tmp_path / "out")
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr.splitlines() == [
        f"error: {items}: line 2: invalid JSON: duplicate key 'title' in one object (JSON "
        "readers differ on which value counts); skipped",
        f"error: {items}: line 3: invalid JSON: NaN is no JSON value (JSON has no NaN or "
        "Infinity); skipped",
        f"error: {items}: line 4: invalid JSON: number 1e400 is beyond the range of a double; "
        "skipped",
        f"error: {items}: line 5: invalid JSON: Exceeds the limit (4300 digits) for integer "
        "string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to "
        "increase the limit; skipped"]
    assert [f.name for f in (tmp_path / "out").iterdir()] == ["000_ok1.txt"]


def test_a_byte_order_mark_on_line_1_is_accepted_as_corpus_accepts_it(tmp_path):
    """Windows tools save UTF-8 with a BOM: line 1 is an item, not invalid JSON."""
    items = tmp_path / "items.jsonl"
    second = {**GOOD, "id": "ok2", "url": "http://e.com/2", "text": "Другі"}
    items.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD, ensure_ascii=False).encode() + b"\r\n"
                      + json.dumps(second, ensure_ascii=False).encode() + b"\r\n")
    res = run_cli("export-txt", items, tmp_path / "out")
    assert res.returncode == 0, res.stderr
    assert "2 file(s) written" in res.stdout and "0 line(s) skipped" in res.stdout
    assert [(p.name, p.read_text("utf-8")) for p in sorted((tmp_path / "out").iterdir())] == [
        ("000_ok1.txt", "Загаловак\n\nТэкст"), ("001_ok2.txt", "Загаловак\n\nДругі")]


def test_versions_of_a_redated_article_stay_consecutive_at_its_first_version(tmp_path):
    """A later version with a later `published` is numbered right after the earlier ones,
    not after the articles published in between."""
    items = tmp_path / "items.jsonl"
    rows = [{**GOOD, "id": "a", "url": "http://e.com/a", "text": "A2", "version": 2,
             "published": "2026-01-02T14:00:00+00:00"},
            {**GOOD, "id": "b", "url": "http://e.com/b", "text": "B1", "version": 1,
             "published": "2026-01-02T12:00:00+00:00"},
            {**GOOD, "id": "a", "url": "http://e.com/a", "text": "A1", "version": 1,
             "published": "2026-01-02T10:00:00+00:00"},
            {**GOOD, "id": "c", "url": "http://e.com/c", "text": "C1", "version": 1,
             "published": "2026-01-02T11:00:00+00:00"}]
    items.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    written = export_txt(items, tmp_path / "out")
    assert [(p.name, p.read_text("utf-8").split("\n\n")[1]) for p in written] == [
        ("000_a.txt", "A1"), ("001_a.txt", "A2"), ("002_c.txt", "C1"), ("003_b.txt", "B1")]


@pytest.mark.parametrize(("title", "text"), [
    ("Заголовок\nв две строки", "\n\nАбзац один.\r\n\r\nАбзац два.\n"),
    ("  Заголовок в две строки ", "Абзац один.\n\n\n\nАбзац два.\n \n"),
    ("Заголовок в две строки", "Абзац один.\n\nАбзац два."),  # as items hold it: unchanged
])
def test_every_file_is_in_the_seed_format(tmp_path, title: str, text: str) -> None:
    """Title on one line, a blank line, paragraphs one blank line apart, no trailing
    newline: an items file of another writer (a schema-valid title over two lines, CRLF, gaps
    of three lines, a trailing newline) is exported so, every word kept."""
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({**GOOD, "title": title, "text": text}, ensure_ascii=False)
                     + "\n", "utf-8")
    (written,) = export_txt(items, tmp_path / "out")
    assert written.read_bytes().decode() == "Заголовок в две строки\n\nАбзац один.\n\nАбзац два."


def test_an_items_file_rewritten_during_the_export_is_an_error_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The texts are read again by offset after the keys are sorted: a file rewritten or cut
    in between (a log rotation) failed an assert, a traceback. Now one error naming the file,
    exit 1, and no half export left."""
    import archive.export_txt as export
    from archive.__main__ import main

    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps({"id": f"a{n}", "title": "T", "text": "x"}) + "\n"
                             for n in range(3)), "utf-8")
    sorted_keys = export._grouped_order

    def rewritten(keys):
        order = sorted_keys(keys)
        items.write_text('{"id": "a0"}\n', "utf-8")
        return order

    monkeypatch.setattr(export, "_grouped_order", rewritten)
    out = tmp_path / "out"
    assert main(["export-txt", str(items), str(out)]) == 1
    err = capsys.readouterr().err
    assert f"error: {items}: changed while it was exported (no exportable item at byte 0" in err
    assert not list(out.iterdir())
