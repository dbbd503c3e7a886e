"""The gold-text loaders of bench/devset/build.py (L3S-GN1, Dragnet), on hand-made data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.devset.build import L3S_DIR, l3s_gn1_pages, l3s_gold

ANNOTATED = """<html><body>
<span class="x-nc-sel0"><div>Home | World | Sport</div>
<table><tr><td class="title"><span class="x-nc-sel1">Ban on junk food adverts</span></td></tr>
</table></span>
<span class="x-nc-sel3">Published: 2 January 2008</span>
<p><span class="x-nc-sel2">Britain banned <a href="/x">junk food</a> adverts yesterday.</span></p>
<p><span class="x-nc-sel2">The ban extends to under-16s.</span>
<span class="x-nc-sel4">Related: obesity figures</span></p>
<div class="x-nc-invisible"><span class="x-nc-sel2">hidden text</span></div>
<span class="x-nc-sel5">Great article!</span>
</body></html>"""


def test_gold_is_headline_and_full_text_by_the_nearest_label() -> None:
    # the headline span sits inside a "not content" span; captions/dates (sel3), related
    # links (sel4), comments (sel5) and blocks the assessors could not see are not gold
    assert l3s_gold(ANNOTATED) == ("Ban on junk food adverts\n"
                                   "Britain banned junk food adverts yesterday.\n"
                                   "The ban extends to under-16s.")


def test_pages_are_read_with_site_url_and_decoded_html_and_gaps_are_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / L3S_DIR
    (root / "original").mkdir(parents=True)
    (root / "annotated").mkdir()
    a, b = "0" * 8 + "-1111-2222-3333-" + "4" * 12, "9" * 8 + "-1111-2222-3333-" + "4" * 12
    (root / "url-mapping.txt").write_text(
        f"<urn:uuid:{a}>\thttp://news.bbc.co.uk/2/hi/1.stm\n"
        f"<urn:uuid:{b}>\thttp://www.gone.com/2.html\n", encoding="utf-8")
    (root / "original" / f"{a}.html").write_bytes(
        '<meta charset="iso-8859-1"><p>R\xfccker said</p>'.encode("latin-1"))
    (root / "annotated" / f"{a}.html").write_text(ANNOTATED, encoding="utf-8")
    (root / "original" / f"{b}.html").write_text("<p>x</p>", encoding="utf-8")
    pages = list(l3s_gn1_pages(tmp_path))
    assert [(p["id"], p["site"], p["url"]) for p in pages] == [
        (f"l3s-{a}", "bbc.co.uk", "http://news.bbc.co.uk/2/hi/1.stm")]
    assert "Rücker said" in pages[0]["html"]
    assert pages[0]["gold"].startswith("Ban on junk food adverts\nBritain banned")
    assert "http://www.gone.com/2.html" in capsys.readouterr().out


def test_a_folder_without_the_dataset_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="url-mapping.txt"):
        list(l3s_gn1_pages(tmp_path))


def test_dragnet_gold_stops_at_comments_and_pages_without_an_address_are_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.devset.build import DRAGNET_COMMENTS, dragnet_pages

    (tmp_path / "HTML").mkdir()
    (tmp_path / "Corrected").mkdir()
    pages = {"1": '<link rel="canonical" href="http://blog.example.co.uk/a"><p>Article</p>',
             "2": "<p>no address here</p>", "3": None,
             "4": '<link rel="canonical" href="http://news.example.com/b"><p>Article</p>',
             "5": '<link rel="canonical" href="http://news.example.com/c"><p>Article</p>'}
    markers = {"4": "!@ $%^&*()  COMMENTS\t", "5": "!#@$%^&*() COMMENTS"}  # as typed
    for name, html in pages.items():
        if html is not None:
            (tmp_path / "HTML" / f"{name}.html").write_text(html, encoding="utf-8")
        (tmp_path / "Corrected" / f"{name}.html.corrected.txt").write_text(
            f"Headline\n\nArticle text, no COMMENTS.\n{markers.get(name, DRAGNET_COMMENTS)}\n"
            "First!\n", encoding="utf-8")
    got = list(dragnet_pages(tmp_path))
    gold = "Headline\n\nArticle text, no COMMENTS."
    assert [(p["id"], p["site"], p["url"], p["gold"]) for p in got] == [
        ("dragnet-1", "example.co.uk", "http://blog.example.co.uk/a", gold),
        ("dragnet-4", "example.com", "http://news.example.com/b", gold),
        ("dragnet-5", "example.com", "http://news.example.com/c", gold)]
    out = capsys.readouterr().out
    assert "2.html: no canonical or og:url address" in out and "3.html: not in HTML/" in out
    with pytest.raises(SystemExit, match="Corrected"):
        list(dragnet_pages(tmp_path / "HTML"))


def test_cleaneval_gold_is_its_blocks_and_the_address_comes_from_the_wrapper(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.devset.build import cleaneval_pages

    for part in ("cleaneval-dev", "cleaneval-final"):
        (tmp_path / part / "input").mkdir(parents=True)
        (tmp_path / part / "GoldStandard").mkdir()
    dev, final = tmp_path / "cleaneval-dev", tmp_path / "cleaneval-final"
    (dev / "input" / "10.html").write_bytes(
        '<text id="http://www.example.org/a?x=1&amp;y=2" title="A" encoding="iso-8859-1">'
        "<html><body><p>Caf\xe9</p></body></html></text>".encode("latin-1"))
    (dev / "GoldStandard" / "10.txt").write_text(
        "URL: http://www.example.org/a\n\n  <h>  A   headline\n<p>It&#039;s a\n paragraph.\n"
        "   <l> an item\n<L>another\n", encoding="utf-8")
    (dev / "input" / "9.html").write_text('<text id="http://news.example.co.uk/b">x</text>')
    (dev / "GoldStandard" / "9.txt").write_text("<p>Body\n")
    (final / "input" / "1.html").write_text("<html><p>no wrapper</p></html>")
    (final / "GoldStandard" / "1.txt").write_text("<p>Body\n")
    (final / "input" / "2.html").write_text('<text id="http://example.com/c">x</text>')
    (final / "input" / "3.html").write_text('<text id="http://example.com/d">x</text>')
    (final / "GoldStandard" / "3.txt").write_text("URL: http://example.com/d\n  \n")
    got = list(cleaneval_pages(tmp_path))
    assert [(p["id"], p["site"], p["url"], p["gold"]) for p in got] == [
        ("cleaneval-dev-9", "example.co.uk", "http://news.example.co.uk/b", "Body"),
        ("cleaneval-dev-10", "example.org", "http://www.example.org/a?x=1&y=2",
         "A headline\n\nIt's a paragraph.\n\nan item\n\nanother")]
    assert "Caf\xe9" in got[1]["html"]
    out = capsys.readouterr().out
    assert 'cleaneval-final/1.html: no <text id="…"> address' in out
    assert "cleaneval-final/2.html: no gold file" in out
    assert "cleaneval-final/3.html: empty gold text" in out
    with pytest.raises(SystemExit, match="cleaneval-dev/input"):
        list(cleaneval_pages(tmp_path / "cleaneval-dev"))


def test_chaos_gold_is_read_as_utf8_or_cp1252_and_the_address_is_the_pages_own(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.devset.build import chaos_pages

    base = tmp_path / "Extraction" / "chaos-all"
    (base / "html").mkdir(parents=True)
    (base / "gold").mkdir()
    (base / "html" / "elon,musk (2).htm").write_text(
        '<html><head><link rel="canonical" href="https://www.example.com/a"></head>'
        "<body><p>x</p></body></html>")
    (base / "gold" / "elon,musk (2).txt").write_bytes(b"Headline\n\n\x93Quoted\x94 and it\x92s\n")
    (base / "html" / "reef (1).html").write_text(
        '<html><head><meta property="og:url" content="http://news.example.co.uk/b"></head></html>')
    (base / "gold" / "reef (1).txt").write_bytes("Caf\u00e9 \u2014 ok".encode())
    (base / "html" / "kong (3).htm").write_text("<html><p>no address</p></html>")
    (base / "gold" / "kong (3).txt").write_text("Body")
    (base / "html" / "nasa (4).htm").write_text(
        '<html><head><link rel="canonical" href="https://example.org/c"></head></html>')
    got = list(chaos_pages(tmp_path))
    assert [(p["id"], p["site"], p["url"], p["gold"]) for p in got] == [
        ("chaos-elon-musk-2", "example.com", "https://www.example.com/a",
         "Headline\n\n\u201cQuoted\u201d and it\u2019s"),
        ("chaos-reef-1", "example.co.uk", "http://news.example.co.uk/b", "Caf\u00e9 \u2014 ok")]
    out = capsys.readouterr().out
    assert "kong (3).htm: no canonical or og:url address" in out
    assert "nasa (4).htm: no gold file" in out
    assert [p["id"] for p in chaos_pages(tmp_path / "Extraction")] == [
        "chaos-elon-musk-2", "chaos-reef-1"]
    with pytest.raises(SystemExit, match="chaos-all/html"):
        list(chaos_pages(base))
