"""The snippet metric of the trafilatura-eval collection, on hand-made entries."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench.devset import snippets

WANTED = ("The council  voted\non Tuesday", "budget of 3 million", "a second hearing")
UNWANTED = ("Subscribe to our newsletter", "Cookie settings")
OUTPUT = ("The council voted on Tuesday to approve a budget\nof 3 million euros.\n\n"
          "Cookie settings")


def test_snippets_match_whitespace_normalised_substrings() -> None:
    assert snippets.present(WANTED, OUTPUT) == [True, True, False]
    assert snippets.present(UNWANTED, OUTPUT) == [False, True]


def test_counts_and_scores_are_per_snippet() -> None:
    page = snippets.count_page(WANTED, UNWANTED, OUTPUT)
    assert (page.tp, page.fn, page.fp, page.tn) == (2, 1, 1, 1)
    empty = snippets.count_page(("x y",), ("z",), "")
    both = snippets.total([page, empty])
    assert (both.tp, both.fn, both.fp, both.tn) == (2, 2, 1, 2)
    assert both.recall == pytest.approx(2 / 4)
    assert both.clean == pytest.approx(2 / 3)
    assert both.precision == pytest.approx(2 / 3)
    assert both.f1 == pytest.approx(2 * 2 / (2 * 2 + 1 + 2))


def test_nothing_to_count_scores_zero_not_an_error() -> None:
    none = snippets.SnippetCounts()
    assert (none.recall, none.clean, none.precision, none.f1) == (0.0, 0.0, 0.0, 0.0)


def test_lost_snippets_are_those_the_baseline_keeps_and_we_do_not() -> None:
    baseline = "The council voted on Tuesday. A budget of 3 million."
    ours = "the council voted on tuesday"  # case matters: a changed snippet is lost
    assert snippets.lost_against(WANTED, ours, baseline) == [
        "The council  voted\non Tuesday", "budget of 3 million"]
    assert snippets.lost_against(WANTED, baseline, ours) == []


def test_collection_is_read_and_a_page_losing_a_kept_snippet_is_counted(tmp_path: Path) -> None:
    # the scorer reads ../shared/benchmarks/score.py (the metric of the shared sets)
    devset = pytest.importorskip("bench.devset.score_devset",
                                 reason="needs ../shared/benchmarks/score.py beside the clone")
    SNIPPET_SET, load_collections, snippet_row = (  # noqa: N806
        devset.SNIPPET_SET, devset.load_collections, devset.snippet_row)
    rows = [{"id": "traf-a.html", "site": "a.de", "url": "https://a.de/x", "html": "<p>x</p>",
             "with": list(WANTED), "without": list(UNWANTED)},
            {"id": "traf-b.html", "site": "b.fr", "url": "https://b.fr/y", "html": "<p>y</p>",
             "with": ["Bonjour à tous"], "without": ["Menu"]}]
    with gzip.open(tmp_path / f"{SNIPPET_SET}.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    pages = [p for _, p in load_collections(tmp_path)[SNIPPET_SET]]
    assert [p.page_id for p in pages] == ["traf-a.html", "traf-b.html"]
    ours = {"traf-a.html": OUTPUT, "traf-b.html": "Bonjour à tous"}
    base = {"traf-a.html": OUTPUT + " a second hearing", "traf-b.html": "Bonjour à tous, Menu"}
    lost: dict[str, dict] = {}
    counts, losing = snippet_row(pages, ours, base, lost)
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (3, 1, 1, 2)
    assert losing == 1
    assert lost == {"traf-a.html": {"url": "https://a.de/x", "lost": ["a second hearing"]}}


def test_build_reads_cache_before_eval_and_reports_missing_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.devset.build import trafilatura_eval_pages

    (tmp_path / "tests" / "eval").mkdir(parents=True)
    (tmp_path / "tests" / "cache").mkdir()
    (tmp_path / "tests" / "eval" / "a.html").write_bytes("<p>old Grüße</p>".encode())
    (tmp_path / "tests" / "cache" / "a.html").write_bytes(
        '<meta charset="windows-1252"><p>new Gr\xfc\xdfe</p>'.encode("latin-1"))
    data = {"https://www.a.de/1": {"file": "a.html", "with": ["Grüße"], "without": ["Menu"]},
            "https://b.fr/2": {"file": "gone.html", "with": ["x"], "without": ["y"]}}
    (tmp_path / "tests" / "evaldata.json").write_text(json.dumps(data), encoding="utf-8")
    pages = list(trafilatura_eval_pages(tmp_path))
    assert [(p["site"], p["with"], p["without"]) for p in pages] == [("a.de", ["Grüße"], ["Menu"])]
    assert "new Grüße" in pages[0]["html"]
    assert "gone.html" in capsys.readouterr().out
