"""bench/devset/lost_lines.py on a hand-made collection whose lost lines are known by construction.

Generic drops a headline repeated as the page's first line (``title_line``) and a short credit
and share line between body paragraphs (``boilerplate_lines``); plain trafilatura keeps them.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from bench.devset.sites import split_of

# the tool scores with ../shared/benchmarks/score.py, which a user's clone has not beside it
lost_lines = pytest.importorskip("bench.devset.lost_lines",
                                 reason="needs ../shared/benchmarks/score.py")
score_devset = pytest.importorskip("bench.devset.score_devset",
                                   reason="needs ../shared/benchmarks/score.py")

DEV_SITE, OTHER_DEV_SITE, TEST_SITE = "example.co.uk", "news-c.com", "example.com"
HEADLINE = "Council votes to rebuild the old river bridge"
CREDIT = "Photo: Jane Smith for the Daily Example newspaper"
SHARE = "Share this on Facebook and Twitter now"
BODY = " ".join(f"Sentence number {i} of the long report tells what the council decided about "
                "the river bridge and the new road." for i in range(12))


def article(headline: str, middle: str) -> str:
    return (f"<html><head><title>{headline}</title></head><body>"
            '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>'
            f"<article><h1>{headline}</h1><p>{BODY}</p>{middle}<p>{BODY}</p></article>"
            "</body></html>")


# the credit has a bold name and the share line two links inside its words
MIDDLE = ("<p>Photo: <b>Jane Smith</b> for the <i>Daily Example</i> newspaper</p>"
          '<p>Share this on <a href="/f">Facebook</a> and <a href="/t">Twitter</a> now</p>')


def write_set(path: Path, rows: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A dev collection in build's layout: two dev pages (one without gold), one test page,
    and a trafilatura-eval page; the machine's shared benchmarks are kept out."""
    assert {split_of(DEV_SITE), split_of(OTHER_DEV_SITE), split_of(TEST_SITE)} == {"dev", "test"}
    assert split_of(TEST_SITE) == "test"
    monkeypatch.setattr(score_devset, "SHARED", tmp_path / "no-shared")
    out = tmp_path / "devdata"
    out.mkdir()
    gold = "\n".join((HEADLINE, BODY, CREDIT, SHARE, BODY))
    write_set(out / "wcxb-article.jsonl.gz", [
        {"id": "dev-1", "site": DEV_SITE, "url": f"https://news.{DEV_SITE}/a",
         "html": article(HEADLINE, MIDDLE), "gold": gold},
        {"id": "dev-nogold", "site": OTHER_DEV_SITE, "url": f"https://{OTHER_DEV_SITE}/b",
         "html": article(HEADLINE, ""), "gold": ""},
        {"id": "test-1", "site": TEST_SITE, "url": f"https://{TEST_SITE}/c",
         "html": article(HEADLINE, MIDDLE), "gold": gold}])
    other = "Mayor opens the new city library on Monday"
    write_set(out / "trafilatura-eval.jsonl.gz", [
        {"id": "snip-1", "site": OTHER_DEV_SITE, "url": f"https://{OTHER_DEV_SITE}/d",
         "html": article(other, ""), "with": [other, "Sentence number 3 of the long report"],
         "without": ["Home"]}])
    return out


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["lost_lines", *args])
    return lost_lines.main()


def read_rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_a_line_with_inline_markup_is_traced_to_its_paragraph() -> None:
    # words in <b>, <i> and <a> belong to those elements: the line's holder is the <p> above them
    html = article(HEADLINE, MIDDLE)
    words = lost_lines.page_words(html)
    for line in (CREDIT, SHARE):
        el = lost_lines.element_of(words, lost_lines.tokens(line))
        assert el is not None and el.tag == "p"
        assert " ".join(el.text_content().split()) == line
    headline = lost_lines.element_of(words, lost_lines.tokens(HEADLINE))
    assert headline.tag == "h1"  # not the <title> in the head


def test_dev_pages_lose_headline_credit_and_share_line_with_class_and_step(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lost.jsonl"
    assert run_main(monkeypatch, "--data", str(data), "--out", str(out), "--workers", "1") == 0
    rows = sorted(read_rows(out), key=lambda r: (r["page"], r["line"]))
    got = [(r["collection"], r["site"], r["page"], r["line"], r["class"], r["tag"],
            r["position"], r["step"]) for r in rows]
    assert got == [
        ("wcxb-article", DEV_SITE, "dev-1", "council votes to rebuild the old river bridge",
         "h1 headline", "h1", "above", "title_line"),
        ("wcxb-article", DEV_SITE, "dev-1", "photo jane smith for the daily example newspaper",
         "short p", "p", "inside", "boilerplate_lines"),
        ("wcxb-article", DEV_SITE, "dev-1", "share this on facebook and twitter now",
         "short p", "p", "inside", "boilerplate_lines"),
        ("trafilatura-eval", OTHER_DEV_SITE, "snip-1",
         "mayor opens the new city library on monday", "h1 headline", "h1", "above",
         "title_line")]  # the test-split page is never read; the page without gold loses nothing
    shingle_count = [len(lost_lines.shingles(lost_lines.tokens(x)))
                     for x in (HEADLINE, BODY, CREDIT, SHARE, BODY)]
    assert [r["recall"] for r in rows] == pytest.approx(
        [shingle_count[0] / sum(shingle_count), shingle_count[2] / sum(shingle_count),
         shingle_count[3] / sum(shingle_count), 1 / 2])  # a snippet counts as one of its page's
    tables = capsys.readouterr().out
    assert "| h1 headline | 2 | 2 | 2 | 2 |" in tables
    assert "| short p | 2 | 1 | 1 | 1 |" in tables
    assert "| title_line | 2 | 2 | 2 | 2 |" in tables
    assert "| boilerplate_lines | 2 | 1 | 1 | 1 |" in tables
    assert "| above | 2 |" in tables and "| inside | 2 |" in tables
    assert (data / "cache").is_dir()  # trafilatura's output kept for the next run


def test_collection_option_limits_the_run(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "lost.jsonl"
    run_main(monkeypatch, "--data", str(data), "--out", str(out), "--workers", "1",
             "--collection", "trafilatura-eval")
    assert [r["page"] for r in read_rows(out)] == ["snip-1"]


def test_reclass_regroups_a_written_run_the_same_way(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "lost.jsonl"
    run_main(monkeypatch, "--data", str(data), "--out", str(first), "--workers", "1")
    rows = read_rows(first)
    capsys.readouterr()
    stale = tmp_path / "stale.jsonl"  # a run written under older classes
    stale.write_text("".join(json.dumps({**r, "class": "old class", "tag": "x"}) + "\n"
                             for r in rows), encoding="utf-8")
    again = tmp_path / "again.jsonl"
    assert run_main(monkeypatch, "--data", str(data), "--out", str(again),
                    "--reclass", str(stale)) == 0
    assert read_rows(again) == rows
    tables = capsys.readouterr().out
    assert "| h1 headline | 2 | 2 | 2 | 2 |" in tables and "old class" not in tables


def test_reclass_keeps_and_reports_rows_the_data_no_longer_holds(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    headline = {"collection": "wcxb-article", "site": DEV_SITE, "page": "dev-1",
                "line": "council votes to rebuild the old river bridge", "class": "old",
                "tag": "x", "position": "above", "step": "title_line", "recall": 0.1}
    reworded = {**headline, "line": "a line the gold no longer has"}
    # the page id is wcxb-article's, not this collection's: pages are keyed by both
    elsewhere = {**headline, "collection": "trafilatura-eval"}
    got = lost_lines.reclass([headline, reworded, elsewhere], data)
    assert [(r["class"], r["tag"]) for r in got] == [("h1 headline", "h1"), ("old", "x"),
                                                     ("old", "x")]
    err = capsys.readouterr().err
    assert "wcxb-article/dev-1: line not in its gold, class kept: a line the gold" in err
    assert "trafilatura-eval/dev-1: page not in --data" in err
    assert "2 of 3 lines not classed again" in err
