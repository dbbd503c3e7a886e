"""``scrapy reextract``, run as a real command over a small WARC: its items, its summary, its
exit status, and plain usage errors for what it cannot do.
(The re-extraction itself: tests/crawler/test_reextract.py.)"""

from __future__ import annotations

from pathlib import Path

from tests.crawler.test_reextract import belta_warc
from tests.support.crawl import read_items, scrapy_command


def test_reextract_writes_one_item_per_archived_article_and_exits_zero(tmp_path: Path) -> None:
    _, golds = belta_warc(tmp_path / "warc", count=3)
    out = tmp_path / "items.jsonl"
    out.write_text('{"stale": true}\n')
    first = scrapy_command("reextract", str(tmp_path / "warc"), "-O", str(out), "--jobs", "1")
    assert first.returncode == 0, first.stderr[-2000:]
    items = read_items(out)
    assert {i["url"]: i["title"] for i in items} == {g.url: g.title for g in golds}
    assert ("3 items from 3 archived articles" in first.stderr
            and "failed: none; invalid: 0; bad records skipped: 0" in first.stderr)
    again = scrapy_command("reextract", str(tmp_path / "warc"), "-o", str(out), "--jobs", "1")
    assert again.returncode == 0, again.stderr[-2000:]
    assert read_items(out) == items + items  # -o appends, -O replaced the stale line


def test_reextract_usage_errors_say_what_to_give(tmp_path: Path) -> None:
    belta_warc(tmp_path / "warc")
    out = str(tmp_path / "items.jsonl")
    cases = {
        ("-O", out): "give at least one WARC file, folder or glob",
        (str(tmp_path / "warc"),): "give exactly one of -O FILE or -o FILE",
        (str(tmp_path / "warc"), "-O", out, "-o", out): "give exactly one of -O FILE or -o FILE",
        (str(tmp_path / "missing"), "-O", out): f"no such WARC file or folder: {tmp_path}",
    }
    for args, message in cases.items():
        result = scrapy_command("reextract", *args)
        assert result.returncode == 2, (args, result.stderr[-2000:])
        assert message in result.stderr, args
        assert "Traceback" not in result.stderr
    assert not Path(out).exists()  # nothing written on a usage error


def test_reextract_reports_bad_records_with_file_and_offset_and_exits_one(tmp_path: Path) -> None:
    path, golds = belta_warc(tmp_path / "warc")
    with open(path, "ab") as fh:
        fh.write(b"\x1f\x8b\x08" + b"garbage" * 50)
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(tmp_path / "warc"), "-O", str(out), "--jobs", "1",
                          timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert f"bad record skipped: {path}: offset" in proc.stderr
    assert "bad records skipped: 1" in proc.stderr
    assert len(read_items(out)) == len(golds)
