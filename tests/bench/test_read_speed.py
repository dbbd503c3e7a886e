"""bench/read_speed.py empties the timed code's WARC-Date cache before each run: the cache
moved out of archive.records, and the bench's ``getattr(records, "_DATES", {})`` then
emptied a dict of its own, every repeat helped by the previous run's dates, silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.read_speed import ROOT, make_corpus, timed_archive

RUNS = 5  # what TIMED times, each ``repeat`` times

COUNTED_CACHE = '''

class _CountedDates(dict):
    """The date cache, each emptying counted in a file beside the code."""

    def clear(self) -> None:
        with open(Path(__file__).parent / "cleared", "a") as out:
            out.write("x")
        super().clear()
'''


@pytest.fixture(scope="module")
def warcs(tmp_path_factory) -> tuple[Path, Path]:
    return make_corpus(tmp_path_factory.mktemp("warcs"), 4)


def code_copy(tmp_path: Path) -> Path:
    """A copy of archive/ to time (changed by each test), as a --baseline checkout is."""
    shutil.copytree(ROOT / "archive", tmp_path / "archive",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def cleared(code: Path) -> int:
    marks = code / "archive" / "cleared"
    return len(marks.read_text()) if marks.exists() else 0


@pytest.mark.parametrize("module", ["record_model", "records"])
def test_the_cache_is_emptied_before_each_run_wherever_it_lives(
        tmp_path: Path, warcs: tuple[Path, Path], module: str) -> None:
    """The cache lives in archive.record_model now, in archive.records in older checkouts
    (a --baseline): the bench empties it in either."""
    code = code_copy(tmp_path)
    source = code / "archive" / f"{module}.py"
    source.write_text(source.read_text("utf-8") + "\nfrom pathlib import Path\n"
                      + COUNTED_CACHE + "\n_DATES = _CountedDates()\n", "utf-8")
    out = timed_archive(code, *warcs, 2)
    assert out["iterate .warc.gz"][0] == 8  # 4 request/response pairs
    assert cleared(code) == 2 * RUNS


def test_a_cache_not_found_stops_the_bench(tmp_path: Path, warcs: tuple[Path, Path]) -> None:
    code = code_copy(tmp_path)
    for module in ("records", "record_model"):
        source = code / "archive" / f"{module}.py"
        source.write_text(source.read_text("utf-8").replace("_DATES", "_WARC_DATES"), "utf-8")
    with pytest.raises(RuntimeError, match=r"the WARC-Date cache \(_DATES\) is in neither "
                       r"archive.record_model nor archive.records"):
        timed_archive(code, *warcs, 1)
