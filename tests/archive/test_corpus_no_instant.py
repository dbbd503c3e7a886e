"""Items whose date passes the item schema but names no instant (hour 24, an offset of 25
hours, Arabic-Indic digits, 30 February): kept with a NULL timestamp, counted and named per
items file by the build, and partitioned under ``month=unknown``, never a folder named by the
raw digits; built by ``python -m archive corpus`` from items files."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from archive.schema import schema_errors
from tests.archive.corpus_data import START, Newsroom, belta_url, duck, run_archive, write_run
from tests.sites.common import paragraphs_for

ARABIC = "٢٠٢٦-٠١-١٥T10:00:00+03:00"  # Arabic-Indic digits: \d in the schema's pattern
HOUR_24 = "2026-01-31T24:00+03:00"
OFFSET_25 = "2026-01-15T10:00+25:00"
FEB_30 = "2026-02-30T10:00:00+03:00"
FETCHED_24 = "2026-01-05T24:00:00Z"  # a capture time that names no instant, no published


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("noinstant")
    room = Newsroom()
    items = [room.capture(belta_url(n), "belta", f"Новость {n}", paragraphs_for(500 + n),
                          START + timedelta(hours=n), START + timedelta(hours=n, minutes=9))
             for n in range(8)]
    for item, published in zip(items[1:5], (HOUR_24, ARABIC, OFFSET_25, FEB_30), strict=True):
        item["published"] = published
    items[6]["published"], items[6]["fetched_at"] = None, FETCHED_24
    for item in items:
        assert schema_errors(item) == [], item["published"]  # the contract lets them all in
    first = write_run(root / "data", "belta", START + timedelta(hours=9), items[:4])
    second = write_run(root / "data", "belta", START + timedelta(hours=10), items[4:])
    done = run_archive("corpus", root / "data", "-o", root / "corpus")
    return {"done": done, "corpus": root / "corpus", "items": items,
            "files": (first.name, second.name)}


def test_the_build_names_each_file_first_line_and_value(built) -> None:
    done, (first, second) = built["done"], built["files"]
    assert done.returncode == 0, done.stderr  # every line went in
    notes = [line for line in done.stderr.splitlines() if "names no instant" in line]
    assert len(notes) == 3, done.stderr
    assert notes[0].startswith(f"note: {first}:2: 3 line(s) whose published names no instant")
    assert repr(HOUR_24) in notes[0] and "month=unknown" in notes[0]
    assert notes[1].startswith(f"note: {second}:1: 1 line(s) whose published names no instant")
    assert repr(FEB_30) in notes[1]
    assert notes[2].startswith(f"note: {second}:3: 1 line(s) whose fetched_at names no instant")
    assert repr(FETCHED_24) in notes[2]
    assert "5 line(s) with a date naming no instant (timestamp NULL)" in done.stdout


def test_such_rows_sit_under_month_unknown_and_no_folder_is_named_by_raw_digits(built) -> None:
    months = sorted(p.name for p in (built["corpus"] / "versions").glob("outlet=*/month=*"))
    assert months == ["month=2026-01", "month=unknown"]
    assert all(re.fullmatch(r"month=(\d{4}-\d{2}|unknown)", m, re.ASCII) for m in months)


def test_nothing_is_lost_and_the_timestamps_are_null(built) -> None:
    con = duck(built["corpus"])
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT id, published, published_ts IS NULL, published_day, fetched_ts IS NULL, month "
        "FROM versions").fetchall()}
    items = built["items"]
    assert set(rows) == {i["id"] for i in items}
    for item in items[1:5]:
        assert rows[item["id"]] == (item["published"], True, None, False, "unknown")
    assert rows[items[6]["id"]] == (None, True, None, True, "unknown")
    for item in (items[0], items[5], items[7]):
        assert rows[item["id"]] == (item["published"], False, item["published"][:10], False,
                                    "2026-01")


def test_an_export_window_does_not_select_a_date_it_cannot_place(built, tmp_path: Path) -> None:
    """Arabic-Indic digits sort after ASCII ones: as text, the row fell in any --since."""
    done = run_archive("export-txt", "--corpus", built["corpus"], "--since", "2026-01-01",
                       tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "(3 selected" in done.stdout  # the three rows of a real date
