"""`python -m archive index` and `wacz` writing to a disk that fills up (a real small tmpfs;
needs root, else skipped): exit 1 with the output file and "No space left on device" named,
and the index or package an earlier run wrote there stays as it was. Both opened the output
under its own name first: a failed rerun left a torn file (a zero-byte or cut WACZ) in
place of the good one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive.writer import WarcWriter
from tests.support.disk import fill, tmpfs

from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]


def archive_cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def write_pages(folder: Path, host: str) -> None:
    with WarcWriter(folder) as writer:
        for i in range(40):
            writer.write_exchange(make_exchange(f"http://{host}.com/{i}",
                                                f"page {i} ".encode() * 300))


@pytest.mark.parametrize("command,name", [("index", "crawl.cdxj"), ("wacz", "crawl.wacz")])
def test_a_full_disk_keeps_the_earlier_output_whole(command: str, name: str,
                                                    tmp_path: Path) -> None:
    warcs = tmp_path / "warc"
    write_pages(warcs, "a")
    with tmpfs(tmp_path / "out", "256k") as out:
        first = archive_cli(command, warcs, "-o", out / name)
        assert first.returncode == 0, first.stdout + first.stderr
        good = (out / name).read_bytes()
        write_pages(warcs, "b")  # the next output is larger than the room left
        fill(out)
        failed = archive_cli(command, warcs, "-o", out / name)
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "Traceback" not in failed.stderr
        assert str(out / name) in failed.stderr and "No space left on device" in failed.stderr
        assert (out / name).read_bytes() == good
        assert sorted(p.name for p in out.iterdir()) == sorted([name, "filler"])


def test_export_txt_onto_a_full_disk_names_the_file_and_leaves_no_half_export(
        tmp_path: Path) -> None:
    """Five of 24 files stayed behind, the error named no file, and the rerun was refused
    (an OUTDIR holding an earlier export) until someone deleted them by hand."""
    import json

    from crawler.urls import article_id

    items = tmp_path / "items.jsonl"
    with items.open("w", encoding="utf-8") as fh:
        for n in range(24):
            url = f"https://example.by/news/{n}/"
            fh.write(json.dumps({"id": article_id(url), "url": url, "title": f"Заголовок {n}",
                                 "text": "Текст статьи. " * 300, "version": 1,
                                 "published": f"2026-01-{n % 28 + 1:02d}T10:00:00+03:00"},
                                ensure_ascii=False) + "\n")
    with tmpfs(tmp_path / "out", "1m") as out:
        filler = fill(out, leave=4096 * 6)  # room for some of the files
        failed = archive_cli("export-txt", items, out / "txt")
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "Traceback" not in failed.stderr
        assert "No space left on device" in failed.stderr and str(out / "txt") in failed.stderr
        assert list((out / "txt").iterdir()) == []
        filler.unlink()
        again = archive_cli("export-txt", items, out / "txt")
        assert again.returncode == 0, again.stdout + again.stderr
        assert len(list((out / "txt").glob("*.txt"))) == 24


@pytest.mark.parametrize("command", ["verify", "index"])
def test_a_report_to_a_full_disk_is_one_error_not_a_traceback(command: str,
                                                              tmp_path: Path) -> None:
    """``archive verify > report.txt`` on a full disk ended in a traceback (the summary's
    print, or the flush at exit)."""
    warcs = tmp_path / "warc"
    write_pages(warcs, "a")
    with tmpfs(tmp_path / "out", "64k") as out:
        fill(out)
        with open(out / "report.txt", "w") as report:
            extra = ["-o", str(tmp_path / "crawl.cdxj")] if command == "index" else []
            failed = subprocess.run([sys.executable, "-m", "archive", command, str(warcs),
                                     *extra],
                                    cwd=REPO, stdout=report, stderr=subprocess.PIPE,
                                    text=True, timeout=120)
    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr and "Exception ignored" not in failed.stderr
    assert "error: <stdout>: No space left on device" in failed.stderr


KILLED_AT_RENAME = """
import os, signal, sys
from archive import __main__ as cli
made = os.replace  # the temp's own renaming (to its .tmp name, once locked) goes on
os.replace = lambda src, dst: made(src, dst) if str(dst).endswith(".tmp") else os.kill(
    os.getpid(), signal.SIGKILL)
sys.exit(cli.main(sys.argv[1:]))
"""


def test_the_temp_file_of_a_killed_index_is_cleared_by_the_next_run(tmp_path: Path) -> None:
    """An index killed before its rename (SIGKILL, an OOM kill) left its hidden temp file,
    as big as the index, and every later run left it there: killed runs piled them up until
    the disk was full."""
    warcs = tmp_path / "warc"
    write_pages(warcs, "a")
    out = tmp_path / "out"
    out.mkdir()
    for _ in range(2):
        killed = subprocess.run([sys.executable, "-c", KILLED_AT_RENAME, "index", str(warcs),
                                 "-o", str(out / "crawl.cdxj")],
                                cwd=REPO, capture_output=True, text=True, timeout=120)
        assert killed.returncode == -9, killed.stderr
    left = [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert len(left) >= 1 and all(p.stat().st_size for p in left)
    good = archive_cli("index", warcs, "-o", out / "crawl.cdxj")
    assert good.returncode == 0, good.stderr
    assert [p.name for p in out.iterdir()] == ["crawl.cdxj"]
    fresh = tmp_path / "fresh.cdxj"
    assert archive_cli("index", warcs, "-o", fresh).returncode == 0
    assert (out / "crawl.cdxj").read_bytes() == fresh.read_bytes()


@pytest.mark.parametrize("command,name", [("index", "crawl.cdxj"), ("wacz", "crawl.wacz")])
def test_an_output_folder_that_is_gone_is_a_usage_error_naming_it(command: str, name: str,
                                                                 tmp_path: Path) -> None:
    """``index`` read every input first and then named its temporary file
    (``.crawl.cdxj.x8k2.tmp``) as missing, exit 2; ``wacz`` said exit 1."""
    warcs = tmp_path / "warc"
    write_pages(warcs, "a")
    gone = tmp_path / "gone" / "deeper"
    failed = archive_cli(command, warcs, "-o", gone / name)
    assert failed.returncode == 2, failed.stderr
    assert failed.stderr.strip().splitlines()[-1] == (
        f"error: no such folder: {gone} (for {gone / name})")
    assert not (tmp_path / "gone").exists()
