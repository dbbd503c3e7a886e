"""`python -m archive edits`: a static HTML report, checked in headless Chromium."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from archive.__main__ import main
from archive.corpus import build_corpus
from tests.archive import browser
from tests.archive.corpus_data import (
    EDIT_DETAIL,
    EDIT_SENTENCE,
    START,
    Newsroom,
    run_archive,
    several_runs,
    write_run,
)

INS_RGB, DEL_RGB = (0x8F, 0xE3, 0x9A), (0xFF, 0x9C, 0x9C)  # archive/edits.py STYLE
HOSTILE_TITLE = 'Новость </title><script>document.title="pwned"</script>'
HOSTILE = ('Текст с разметкой <script>document.body.innerHTML="pwned"</script> и '
           '<img src=x onerror="document.body.innerHTML=\'pwned\'"> внутри & <b>жирный</b>.')
HOSTILE_URL = "https://www.belta.by/society/view/hostile-1-799999-2026/"
HOSTILE_EDIT = "Редакция дополнила материал после публикации."


@pytest.fixture()
def corpus(tmp_path: Path) -> dict:
    runs = several_runs(tmp_path / "data")
    room = Newsroom()
    body = ["Первый абзац о заседании районного совета депутатов.", HOSTILE]
    first = room.capture(HOSTILE_URL, "belta", HOSTILE_TITLE, body, START, START)
    later = START + timedelta(days=2)
    second = room.capture(HOSTILE_URL, "belta", HOSTILE_TITLE, [*body, HOSTILE_EDIT], START,
                          later)
    write_run(tmp_path / "data", "belta", START + timedelta(hours=1), [first])
    write_run(tmp_path / "data", "belta", later, [second])
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    return {**runs, "corpus": tmp_path / "corpus", "hostile": [first, second]}


def report(corpus: dict, tmp_path: Path, *args: str, name: str = "report.html") -> Path:
    out = tmp_path / name
    assert main(["edits", str(corpus["corpus"]), "-o", str(out), *args]) == 0
    return out


def test_report_escapes_markup_from_article_text(corpus, tmp_path: Path) -> None:
    html = report(corpus, tmp_path).read_text("utf-8")
    assert "<script" not in html and "<img" not in html and "<b>жирный" not in html
    assert "&lt;script&gt;document.body.innerHTML=&quot;pwned&quot;&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!www\.belta|localhost)""", html)


def test_report_filters_by_window_and_outlet(corpus, tmp_path: Path, capsys) -> None:
    report(corpus, tmp_path, "--since", "2026-01-07")
    assert capsys.readouterr().out.endswith(": 1 edited article(s), 1 edit(s)\n")  # hostile
    report(corpus, tmp_path, "--until", "2026-01-06")
    assert capsys.readouterr().out.endswith(": 1 edited article(s), 1 edit(s)\n")  # edited
    report(corpus, tmp_path, "--source", "shklovinfo.by")
    out = capsys.readouterr()
    assert out.out.endswith(": 0 edited article(s), 0 edit(s)\n") and "note" not in out.err
    # a mistyped outlet is named: its empty report is no sign of an unedited outlet
    report(corpus, tmp_path, "--source", "belta", "--source", "shklovinfo.bу")
    out = capsys.readouterr()
    assert out.out.endswith(": 2 edited article(s), 2 edit(s)\n")
    assert out.err == "note: no version of outlet shklovinfo.bу in the corpus\n"


def test_bad_day_is_a_usage_error(corpus, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["edits", str(corpus["corpus"]), "-o", str(tmp_path / "x.html"),
              "--since", "5 January"])
    assert exc.value.code == 2


def test_report_opens_in_headless_chromium_showing_the_marked_change(corpus,
                                                                     tmp_path: Path) -> None:
    browser.require_tools()
    page = report(corpus, tmp_path)
    dom = browser.dump_dom(page, tmp_path)
    inserted = re.findall(r"<ins>(.*?)</ins>", dom, flags=re.S)
    assert EDIT_SENTENCE in inserted and EDIT_DETAIL in inserted
    assert HOSTILE_EDIT in inserted
    # Text stayed text and nothing ran: no element was made from it, the page is intact.
    assert "<script" not in dom and "<img" not in dom
    assert re.search(r"<title>(.*?)</title>", dom).group(1).startswith("Article edits")
    assert dom.count('<section class="article"') == 2

    shown = browser.pdf_text(browser.print_pdf(page, tmp_path))
    assert EDIT_SENTENCE in shown
    unwrapped = shown.replace(" ", "")  # narrow columns wrap anywhere
    assert '<script>document.body.innerHTML="pwned"</script>' in unwrapped  # shown as text
    assert "Version 1 → 2" in shown and "word(s) added" in shown
    edited_v2 = next(i for i in corpus["items"]
                     if i["url"] == corpus["edited_url"] and i["version"] == 2)
    assert edited_v2["fetched_at"] in unwrapped
    assert "WARC_REPLAY_AT=" + re.sub(r"\D", "", edited_v2["fetched_at"])[:14] in unwrapped
    assert "warcio extract --payload" in shown


def test_marked_words_are_visibly_coloured_when_printed(corpus, tmp_path: Path) -> None:
    browser.require_tools()
    with_edits = browser.print_pdf(report(corpus, tmp_path), tmp_path)
    assert browser.count_colour(with_edits, INS_RGB) > 200
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    without = browser.print_pdf(report(corpus, empty_dir, "--since", "2030-01-01"), empty_dir)
    assert browser.count_colour(without, INS_RGB) == 0
    assert "0 edited article(s)" in browser.pdf_text(without)


def edited_once(tmp_path: Path, url: str, source: str, title: str, old: str, new: str,
                spider: str | None = None) -> tuple[dict, Path, Path]:
    """A corpus in tmp_path/corpus (beside what tmp_path/data holds already) with one article
    of one paragraph captured a day apart, ``old`` then ``new``: its first version and the
    two runs' items files."""
    room = Newsroom()
    v1 = room.capture(url, source, title, [old], START, START)
    v2 = room.capture(url, source, title, [new], START, START + timedelta(days=1))
    first = write_run(tmp_path / "data", spider or source, START, [v1])
    second = write_run(tmp_path / "data", spider or source, START + timedelta(days=1), [v2])
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    return v1, first, second


def test_removed_words_are_struck_and_coloured(tmp_path: Path) -> None:
    browser.require_tools()
    edited_once(tmp_path, "https://www.belta.by/economics/view/correction-1-700100-2026/",
                "belta", "Поправка", "Рост составил 2,1 % за квартал.",
                "Рост составил 1,2 % за квартал.")
    page = report({"corpus": tmp_path / "corpus"}, tmp_path)
    dom = browser.dump_dom(page, tmp_path)
    assert re.findall(r"<del>(.*?)</del>", dom) == ["2,1"]
    assert re.findall(r"<ins>(.*?)</ins>", dom) == ["1,2"]
    pdf = browser.print_pdf(page, tmp_path)
    assert browser.count_colour(pdf, DEL_RGB) > 20 and browser.count_colour(pdf, INS_RGB) > 20


@pytest.mark.parametrize(("spider", "source", "command"), [
    ("site", "news.example.org", "scrapy crawl site -a url=https://news.example.org/ -s"),
    ("regional", "shklovinfo.by", "scrapy crawl regional -a sites=shklovinfo.by -s"),
    ("belta", "belta", "scrapy crawl belta -s")])
def test_the_replay_command_names_the_spider_that_crawled_the_article(
        tmp_path: Path, spider: str, source: str, command: str) -> None:
    """A site no rule knows was crawled by ``site`` from its address: the command the page
    gives ran ``regional`` for it, which knows no such host (exit 2)."""
    url = f"https://{'www.belta.by' if source == 'belta' else source}/news/edited-1-700300/"
    edited_once(tmp_path, url, source, "Правка", "Первый текст новости о районе.",
                "Второй текст новости о районе.", spider=spider)
    html = report({"corpus": tmp_path / "corpus"}, tmp_path).read_text("utf-8")
    assert command in html, re.findall(r"scrapy crawl [^<]*", html)


def test_a_capture_time_that_is_no_date_is_reported_and_the_report_still_written(
        tmp_path: Path) -> None:
    room = Newsroom()
    url = "https://www.belta.by/economics/view/feb-30-1-700200-2026/"
    v1 = room.capture(url, "belta", "Дата", ["Рост составил 2,1 % за квартал."], START, START)
    v2 = room.capture(url, "belta", "Дата", ["Рост составил 1,2 % за квартал."], START,
                      START + timedelta(days=1))
    v2["fetched_at"] = "2026-02-30T10:00:00Z"  # the shape the item schema checks, no date
    items = write_run(tmp_path / "data", "belta", START, [v1, v2])
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    out = tmp_path / "e.html"

    res = run_archive("edits", tmp_path / "corpus", "-o", out)

    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.stderr.splitlines() == [
        f"error: {items.name}:2: article {v2['id']} version 2: capture time "
        "'2026-02-30T10:00:00Z' is not a date; shown without replay links"]
    html = out.read_text("utf-8")
    assert "<del>2,1</del>" in html and "<ins>1,2</ins>" in html
    assert "Replay: none (the capture time is not a date)" in html
    assert "WARC_REPLAY_AT=" + re.sub(r"\D", "", v1["fetched_at"])[:14] in html
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["e.html"]


def test_a_page_inside_the_corpus_folder_is_refused_and_changes_nothing(tmp_path: Path,
                                                                        capsys) -> None:
    """`-o` naming a corpus file (its manifest, a Parquet part, through a link to the folder
    too) is a usage error: the page would replace a file the corpus needs."""
    several_runs(tmp_path / "data")
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    part = sorted(corpus.glob("versions/*/*/*.parquet"))[0]
    (tmp_path / "link").symlink_to(corpus)
    before = {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
    for target in (corpus / "_corpus.json", part, tmp_path / "link" / "report.html", corpus):
        capsys.readouterr()
        assert main(["edits", str(corpus), "-o", str(target)]) == 2
        assert f"{target} is in the corpus folder {corpus}: write the page elsewhere" \
            in capsys.readouterr().err
    assert {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()} == before
    assert main(["edits", str(corpus), "-o", str(tmp_path / "report.html")]) == 0
    assert "<ins>" in (tmp_path / "report.html").read_text("utf-8")


@pytest.mark.parametrize(("bad", "why"), [("https://[news.example/a", "Invalid IPv6 URL"),
                                          ("https://news.example:99999/a",
                                           "Port out of range 0-65535")])
def test_a_stored_url_that_is_no_url_is_reported_and_the_report_still_written(
        tmp_path: Path, bad: str, why: str) -> None:
    """A corpus built before loading refused such lines holds a site's article whose url is
    no URL (a bracket never closed, a port past 65535). The first ended the report in a
    traceback (urlsplit, for its ``scrapy crawl site`` command: no page written), the second
    gave a command the site spider refuses; now the article is shown without replay, each
    version named on stderr, and the rest of the report is written."""
    several_runs(tmp_path / "data")
    v1, first, second = edited_once(tmp_path, "https://news.example/news/edited-1-700300/",
                                    "news.example", "Правка", "Первый текст новости о районе.",
                                    "Второй текст новости о районе.", spider="site")
    for part in (tmp_path / "corpus" / "versions").glob("outlet=news.example/*/*.parquet"):
        duckdb.execute(f"COPY (SELECT * REPLACE ('{bad}' AS url) FROM read_parquet('{part}')) "
                       f"TO '{part}.new' (FORMAT parquet)")
        Path(f"{part}.new").replace(part)
    out = tmp_path / "e.html"

    res = run_archive("edits", tmp_path / "corpus", "-o", out)

    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.stderr.splitlines() == [
        f"error: {items.name}:1: article {v1['id']} version {n}: url {bad!r} is no URL "
        f"({why}); shown without replay links" for n, items in ((1, first), (2, second))]
    assert res.stdout.endswith(": 2 edited article(s), 2 edit(s)\n")
    html = out.read_text("utf-8")
    assert "<del>Первый</del>" in html and "<ins>Второй</ins>" in html  # the article, shown
    assert html.count("Replay: none (the url is no URL)") == 2
    assert "scrapy crawl site" not in html and "scrapy crawl belta -s" in html  # the rest


def test_the_report_goes_into_a_pipe_as_into_a_file(corpus, tmp_path: Path) -> None:
    """``-o`` naming a FIFO (or /dev/stdout) writes the page into it, as the other outputs
    do: it was replaced by a regular file (a reader on the FIFO waited for ever, and ``-o
    /dev/full`` replaced the device node). Into a file it still goes whole."""
    import os
    import subprocess
    import sys

    fifo = tmp_path / "page.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c", "import sys; print(len(open(sys.argv[1], "
                               "'rb').read()))", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        done = run_archive("edits", corpus["corpus"], "-o", fifo)
        out, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()  # a write that never came leaves it waiting on the FIFO
        reader.wait()
    assert done.returncode == 0, done.stderr
    assert fifo.is_fifo() and int(out) == len(report(corpus, tmp_path).read_bytes())
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
