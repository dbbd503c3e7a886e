"""`index` and `wacz` sort the CDXJ lines in bounded memory (sorted runs on disk, merged):
the output is byte for byte what one in-memory sort gives, and no run file stays behind."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.cdxj import RUN_BYTES, IndexLines, build_index, cdxj_line, collect_index, index_to_file
from archive.pairing import with_requests
from archive.reader import expand_paths
from archive.records import iter_records
from archive.wacz import build_wacz
from archive.writer import WarcWriter
from tests.support.data import FOREIGN

from .conftest import make_exchange

FIXTURES = sorted(expand_paths(FOREIGN))


def _one_sort(paths: list[Path]) -> bytes:
    """The index as it was written before runs: every line held, one sort by key and
    timestamp, then newest first within the second (WARC-Date fraction), then later input."""
    entries = []
    for path in paths:
        for info in with_requests(iter_records(path, lambda e: None)):
            line = cdxj_line(info, path.name)
            if line:
                prefix = " ".join(line.split(" ", 2)[:2])
                entries.append((prefix, -info.record.date.microsecond, -len(entries), line))
    return "".join(entry[3] + "\n" for entry in sorted(entries)).encode("utf-8")


def _index(paths: list[Path], out: Path, **kw) -> bytes:
    index_to_file(paths, out, on_error=lambda e: None, **kw)
    return out.read_bytes()


@pytest.mark.parametrize("run_lines", [1, 3, 100_000])
def test_fixtures_index_the_same_bytes_whatever_the_run_size(tmp_path, run_lines):
    expected = _one_sort(FIXTURES)
    assert expected.count(b"\n") > 50
    assert _index(FIXTURES, tmp_path / "i.cdxj", run_lines=run_lines) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.cdxj"]


def _second(folder: Path, micros: list[int], tag: str) -> Path:
    """One WARC of captures of one URL (and of a neighbour) in the same second."""
    with WarcWriter(folder, prefix=tag) as writer:
        for n, micro in enumerate(micros):
            date = datetime(2026, 3, 4, 5, 6, 7, micro, tzinfo=UTC)
            for url in ("http://e.com/same", "http://e.com/other"):
                writer.write_exchange(make_exchange(url, f"<p>{url} {tag} {n}</p>".encode(),
                                                    date=date))
    (path,) = folder.glob(f"{tag}*.warc.gz")
    return path


@pytest.fixture
def same_second(tmp_path) -> list[Path]:
    # equal fractions within a file and across files: the later input comes first
    return [_second(tmp_path / "a", [500, 100, 500, 900], "a"),
            _second(tmp_path / "b", [500, 900, 0, 100], "b")]


def _order(index: bytes) -> list[tuple[str, str, str]]:
    out = []
    for raw in index.decode().splitlines():
        key, stamp, fields = raw.split(" ", 2)
        out.append((key, json.loads(fields)["filename"][0], json.loads(fields)["offset"]))
    return out


def _captures_of_same(path: Path) -> list[str]:
    """Offsets of the captures of http://e.com/same in the file, in file order."""
    return [str(info.offset) for info in iter_records(path)
            if info.record.rec_type == "response" and info.record.target_uri.endswith("same")]


@pytest.mark.parametrize(("run_lines", "fan"), [(2, 2), (3, 4), (5, 64)])
def test_runs_merge_ties_within_a_second_and_equal_keys_across_files(
        tmp_path, same_second, run_lines, fan):
    out = tmp_path / "i.cdxj"
    got = _index(same_second, out, run_lines=run_lines, fan=fan)
    assert got == _one_sort(same_second)
    assert got == "".join(line + "\n" for line in build_index(same_second)).encode()
    order = _order(got)
    assert [key for key, *_ in order] == ["com,e)/other"] * 8 + ["com,e)/same"] * 8
    # per key: .900 of b, .900 of a, then the three .500 (b's, a's third, a's first), ...
    same = [(f, off) for key, f, off in order if key == "com,e)/same"]
    a, b = map(_captures_of_same, same_second)  # a's µs 500 100 500 900, b's 500 900 0 100
    assert same == [("b", b[1]), ("a", a[3]), ("b", b[0]), ("a", a[2]), ("a", a[0]),
                    ("b", b[3]), ("a", a[1]), ("b", b[2])]


def test_run_files_are_removed_after_an_error_mid_way(tmp_path, same_second):
    seen = []

    def stop(length: int) -> None:
        seen.append(length)
        if len(seen) == 12:  # runs of 2 lines are on disk by then
            raise KeyboardInterrupt

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(KeyboardInterrupt):
        index_to_file(same_second, out_dir / "i.cdxj", progress=stop, run_lines=2)
    assert list(out_dir.iterdir()) == []

    def fail(err) -> None:
        raise RuntimeError("stop")

    broken = tmp_path / "z.warc"
    broken.write_bytes(b"not a WARC record at all\r\n\r\n")
    with pytest.raises(RuntimeError):
        index_to_file([*same_second, broken], out_dir / "i.cdxj", on_error=fail, run_lines=2)
    assert list(out_dir.iterdir()) == []


def test_runs_without_a_folder_go_to_tmpdir_and_are_removed(tmp_path, same_second,
                                                             monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # what TMPDIR sets
    (tmp_path / "tmp").mkdir()
    expected = _one_sort(same_second).decode().splitlines()
    with IndexLines(run_lines=2) as lines:
        collect_index(same_second, lines)
        assert [p.name[:12] for p in (tmp_path / "tmp").iterdir()] == [".index-runs-"]
        assert len(list(next((tmp_path / "tmp").iterdir()).iterdir())) == 7  # 2 lines held
        assert list(lines) == expected
    assert list((tmp_path / "tmp").iterdir()) == []
    with IndexLines(run_lines=len(expected)) as lines:  # up to a run's lines: no disk
        collect_index(same_second, lines)
        assert list(lines) == expected and list((tmp_path / "tmp").iterdir()) == []


def _wacz(paths: list[Path], out: Path, **kw) -> dict[str, bytes]:
    build_wacz(paths, out, on_error=lambda e: None, **kw)
    with zipfile.ZipFile(out) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.mark.parametrize("run_lines", [2, 100_000])
def test_wacz_index_is_the_merged_index_and_its_digest_is_right(tmp_path, same_second,
                                                                 run_lines):
    out = tmp_path / "out" / "a.wacz"
    out.parent.mkdir()
    files = _wacz(same_second, out, run_lines=run_lines)
    assert files["indexes/index.cdx"] == _one_sort(same_second)
    pages = [json.loads(line) for line in files["pages/pages.jsonl"].splitlines()]
    assert pages[0]["format"] == "json-pages-1.0" and len(pages) == 1 + 16
    assert [p["url"] for p in pages[1:3]] == ["http://e.com/same", "http://e.com/other"]
    package = json.loads(files["datapackage.json"])
    assert package["mainPageURL"] == "http://e.com/same"
    for res in package["resources"]:
        data = files[res["path"]]
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert res["bytes"] == len(data)
    assert sorted(p.name for p in out.parent.iterdir()) == ["a.wacz"]


def test_wacz_leaves_no_temporary_file_after_an_error(tmp_path, same_second):
    seen = []

    def stop(length: int) -> None:
        seen.append(length)
        if len(seen) == 12:
            raise KeyboardInterrupt

    out = tmp_path / "out" / "a.wacz"
    out.parent.mkdir()
    with pytest.raises(KeyboardInterrupt):
        build_wacz(same_second, out, progress=stop, run_lines=2)
    assert list(out.parent.iterdir()) == []


@pytest.fixture
def long_urls(tmp_path) -> list[Path]:
    """40 captures whose URLs are 20 KB each: an entry of ~60 KB held (the URL in the key, the
    prefix and the JSON), which a budget by line count alone did not see."""
    with WarcWriter(tmp_path / "long", prefix="long") as writer:
        for n in range(40):
            date = datetime(2026, 3, 4, 5, 6, n % 60, 1000 * n, tzinfo=UTC)
            url = f"http://e.com/{(n * 7) % 40}/" + "a" * 20_000
            writer.write_exchange(make_exchange(url, b"<p>hi</p>", date=date))
    return sorted((tmp_path / "long").glob("*.warc.gz"))


def test_held_bytes_past_the_budget_spill_a_run(long_urls):
    expected = _one_sort(long_urls).decode().splitlines()
    with IndexLines(run_bytes=200_000) as lines:  # three or so entries a run
        collect_index(long_urls, lines)
        assert 10 <= lines.runs <= 20, lines.runs
        assert list(lines) == expected
    with IndexLines() as lines:  # the default budget holds them all: no disk
        collect_index(long_urls, lines)
        assert lines.runs == 0 and list(lines) == expected


@pytest.mark.parametrize(("run_bytes", "fan"), [(1, 2), (1, 64), (150_000, 64), (500_000, 3)])
def test_runs_of_long_lines_merge_to_one_sort(tmp_path, long_urls, run_bytes, fan):
    """A budget below an entry spills each line alone, and merges two runs at a time (their
    heads are what a merge holds): the bytes still those of one sort."""
    expected = _one_sort(long_urls)
    assert _index(long_urls, tmp_path / "i.cdxj", run_bytes=run_bytes, fan=fan) == expected
    assert _wacz(long_urls, tmp_path / "a.wacz", run_bytes=run_bytes)[
        "indexes/index.cdx"] == expected
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_index_of_long_lines_holds_about_its_byte_budget(tmp_path, long_urls):
    """All 40 entries held take ~2.4 MB more than spilling each at once (what reading the
    records takes is in both); a budget of 300 KB holds about that much more."""
    import tracemalloc

    def peak(run_bytes: int) -> int:
        tracemalloc.start()
        try:
            index_to_file(long_urls, tmp_path / "i.cdxj", run_bytes=run_bytes)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(1)  # what is imported or cached at the first run is in no figure
    least, budget, default = peak(1), peak(300_000), peak(RUN_BYTES)
    assert (tmp_path / "i.cdxj").read_bytes() == _one_sort(long_urls)
    assert default - least > 2_000_000, (least, default)
    assert budget - least < 500_000, (least, budget)
