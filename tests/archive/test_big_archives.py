"""A folder of many WARC files: what is kept across records stays small per record."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.verify import verify
from archive.writer import WarcWriter

from .conftest import make_exchange

FILES, PER_FILE = 200, 25  # 200 files of 51 records (warcinfo, 25 responses and requests)


@pytest.fixture(scope="module")
def many_files(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("many")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    n = 0
    for _ in range(FILES):
        with WarcWriter(folder) as writer:
            for _ in range(PER_FILE):
                n += 1
                writer.write_exchange(make_exchange(
                    f"http://e{n % 7}.example/page/{n}", b"<title>T</title>" + b"x" * 200,
                    date=start + timedelta(seconds=n)))
    paths = sorted(folder.glob("*.warc.gz"))
    assert len(paths) == FILES
    return paths


def _peak(run) -> tuple[object, int]:
    tracemalloc.start()
    try:
        out = run()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_verify_keeps_no_record_of_the_files_it_walked(many_files):
    report, peak = _peak(lambda: verify(many_files))
    assert report.records == FILES * (1 + 2 * PER_FILE) and not report.problems
    # kept per record: its id, URI and digest (the links it checks at the end), not the
    # record: 10,200 records took 25 MB when every request and revisit was held whole
    assert peak < 12_000_000, peak



def test_index_and_wacz_hold_a_run_of_lines_not_the_archive(many_files, tmp_path):
    """Five times the files, about the same peak: the lines beyond a run wait on disk. What
    still grows is per file (its zip entry) and per run (a read buffer), ~0.3-0.5 MB here;
    holding every line took 1.9 MB more for the 4,000 more lines."""
    from archive.cdxj import index_to_file
    from archive.wacz import build_wacz

    def peaks(files: list[Path]) -> tuple[int, int]:
        _, index = _peak(lambda: index_to_file(files, tmp_path / "i.cdxj", run_lines=200))
        _, wacz = _peak(lambda: build_wacz(files, tmp_path / "a.wacz", run_lines=200))
        return index, wacz

    small, large = peaks(many_files[:40]), peaks(many_files)
    assert len((tmp_path / "i.cdxj").read_text().splitlines()) == FILES * PER_FILE
    assert large[0] - small[0] < 1_000_000, (small, large)
    assert large[1] - small[1] < 1_000_000, (small, large)
