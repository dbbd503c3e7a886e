"""bench/extraction_speed.py times the sets it has: with ``--bench-pages 0`` (no fixture-site
set) its warm-up read the first page of that empty set and stopped with an IndexError."""

from __future__ import annotations

import pytest

extraction_speed = pytest.importorskip("bench.extraction_speed",
                                       reason="needs ../shared/benchmarks/score.py")

PAGE = ("https://example.org/news/1",
        "<html><head><title>Talks</title></head><body><article><h1>Talks</h1>"
        + "<p>The two presidents met in Minsk and spoke for three hours about trade.</p>" * 6
        + "</article></body></html>")


def test_an_empty_set_is_left_out_and_the_others_are_timed() -> None:
    rows = extraction_speed.speed({"bench-site": [], "news": [PAGE]}, repeat=1)
    assert [row["pages"] for row in rows] == ["news", "all"]
    assert all(row["n"] == 1 and row["trafilatura p/s"] > 0 for row in rows)


def test_no_pages_at_all_is_said() -> None:
    with pytest.raises(SystemExit, match="no pages"):
        extraction_speed.speed({"bench-site": []}, repeat=1)
