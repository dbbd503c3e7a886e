"""`python -m archive history CORPUS URL`: an article found by the URL an analyst pastes from a
browser (escapes spelt otherwise, http, www., a trailing slash, tracking parameters, a
fragment, the AMP or print copy), as the crawler canonicalises URLs, on a corpus the CLI built
from items files; a spelling that fits several stored articles lists them, picking none."""

from __future__ import annotations

from datetime import timedelta

import pytest

from archive.__main__ import main
from crawler.outlets import outlet_for_url
from crawler.siteoutlets import outlet_from_site_row
from crawler.urls import canonical_url
from tests.archive.corpus_data import START, Newsroom, run_archive, write_run
from tests.sites.common import paragraphs_for

BELTA = "https://www.belta.by/society/view/novost-1-700001-2026/"
BELTA_11 = "https://www.belta.by/society/view/novost-11-700011-2026/"
SLUG = "новости-района-5"
SHKLOV_RAW = f"https://shklovinfo.by/news/{SLUG}/"
NUKE_RAW = "https://nuke.example.by/modules.php?name=News&file=article&sid=5"
NUKE6_RAW = "https://nuke.example.by/modules.php?name=News&file=article&sid=6"
TWIN_BARE = "https://twins.example.by/news/obe-versii"  # stored with and without the slash
TWIN_SLASH = TWIN_BARE + "/"


def _stored(raw: str) -> str:
    """The URL the crawler stores for a link: its canonical form, with the site's outlet."""
    outlet = outlet_for_url(raw) or outlet_from_site_row(
        {"url": raw.split("/", 3)[0] + "//" + raw.split("/", 3)[2] + "/"})
    return canonical_url(raw, outlet)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, object]:
    """A corpus built by ``python -m archive corpus`` from two runs' items files."""
    root = tmp_path_factory.mktemp("lookup")
    room = Newsroom()
    urls = {raw: _stored(raw) for raw in (BELTA, BELTA_11, SHKLOV_RAW, NUKE_RAW, NUKE6_RAW,
                                          TWIN_BARE, TWIN_SLASH)}
    assert urls[SHKLOV_RAW] != SHKLOV_RAW and "%D0%BD" in urls[SHKLOV_RAW]  # stored escaped
    assert len(set(urls.values())) == len(urls)  # the twins are two articles to the crawl
    items = [room.capture(url, url.split("/")[2].removeprefix("www.").split(".")[0],
                          f"Статья {n}", paragraphs_for(300 + n), START + timedelta(hours=n),
                          START + timedelta(hours=n, minutes=5))
             for n, url in enumerate(urls.values())]
    write_run(root / "data", "belta", START + timedelta(hours=9), items[:2])
    write_run(root / "data", "site", START + timedelta(hours=10), items[2:])
    assert main(["corpus", str(root / "data"), "-o", str(root / "corpus")]) == 0
    return {"corpus": root / "corpus", "urls": urls,
            "ids": {item["url"]: item["id"] for item in items}}


def _found(corpus, spelt: str, capsys) -> str:
    """The stored URL ``history`` shows for ``spelt`` (its first output line)."""
    code = main(["history", str(corpus["corpus"]), spelt])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out.splitlines()[0]


@pytest.mark.parametrize(("spelt", "raw"), [
    (BELTA, BELTA),  # the stored URL itself, as before
    ("http://www.belta.by/society/view/novost-1-700001-2026/", BELTA),
    ("https://belta.by/society/view/novost-1-700001-2026/", BELTA),
    ("https://WWW.Belta.BY/society/view/novost-1-700001-2026", BELTA),
    ("www.belta.by/society/view/novost-1-700001-2026/", BELTA),  # no scheme, as copied
    ("https://www.belta.by/society/view/novost-1-700001-2026/?utm_source=telegram"
     "&utm_medium=social&fbclid=IwAR0xyz#comments", BELTA),
    ("https://www.belta.by/society/view/novost-1-700001-2026/?amp=1", BELTA),
    ("https://www.belta.by/society/view/novost-1-700001-2026/amp/", BELTA),
    ("https://www.belta.by/amp/society/view/novost-1-700001-2026/", BELTA),
    ("https://www-belta-by.cdn.ampproject.org/c/s/www.belta.by/society/view/"
     "novost-1-700001-2026/amp/", BELTA),
    ("https://www.belta.by/printv/society/view/novost-1-700001-2026/", BELTA),
    ("https://www.belta.by/society/view/novost-1-700001-2026/?print=1", BELTA),
    (f"https://shklovinfo.by/news/{SLUG}/", SHKLOV_RAW),  # decoded Cyrillic, as browsers show
    (f"https://shklovinfo.by/news/{SLUG}", SHKLOV_RAW),
    ("https://shklovinfo.by/news/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8-%d1%80%d0%b0%d0%b9"
     "%d0%be%d0%bd%d0%b0-5/", SHKLOV_RAW),  # lower-case escapes
    (f"http://m.shklovinfo.by/news/{SLUG}/?utm_campaign=x#top", SHKLOV_RAW),
    (f"https://amp.shklovinfo.by/news/{SLUG}.amp", SHKLOV_RAW),
    ("https://nuke.example.by/modules.php?sid=5&file=article&name=News&utm_source=vk",
     NUKE_RAW),
    ("http://www.nuke.example.by/modules.php?name=News&file=article&sid=6&PHPSESSID=abc",
     NUKE6_RAW),
])
def test_a_browser_spelling_finds_the_stored_article(corpus, capsys, spelt, raw) -> None:
    assert _found(corpus, spelt, capsys) == corpus["urls"][raw]


def test_the_id_still_finds_the_article(corpus, capsys) -> None:
    stored = corpus["urls"][SHKLOV_RAW]
    assert _found(corpus, corpus["ids"][stored], capsys) == stored


@pytest.mark.parametrize("spelt", [
    "https://www.belta.by/society/view/novost-1-700001-202/",  # a prefix of a stored slug
    "https://www.belta.by/society/view/",
    "https://www.belta.org/society/view/novost-1-700001-2026/",  # another host
    "https://nuke.example.by/modules.php?name=News&file=article&sid=7",
    "https://nuke.example.by/modules.php?name=News&file=article",  # which story?
])
def test_a_url_of_no_stored_article_is_no_article(corpus, capsys, spelt) -> None:
    assert main(["history", str(corpus["corpus"]), spelt]) == 2
    assert "no article" in capsys.readouterr().err


@pytest.mark.parametrize("spelt", [
    "http://www.twins.example.by/news/obe-versii?utm_source=x#a",
    "https://twins.example.by/news/obe-versii//",
])
def test_a_spelling_of_two_stored_articles_lists_both_and_picks_none(corpus, spelt) -> None:
    done = run_archive("history", corpus["corpus"], spelt)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert "matches 2 articles" in lines[0] and spelt in lines[0]
    for url in (TWIN_BARE, TWIN_SLASH):
        stored = corpus["urls"][url]
        assert f"  {corpus['ids'][stored]}  {stored}" in lines[1:]


def test_each_stored_twin_spelt_exactly_is_found(corpus, capsys) -> None:
    for url in (TWIN_BARE, TWIN_SLASH):
        assert _found(corpus, corpus["urls"][url], capsys) == corpus["urls"][url]


def test_export_txt_selects_an_article_by_a_browser_url_as_by_its_id(corpus, tmp_path) -> None:
    """``--id`` and ``--ids-file`` take what ``history`` takes: a URL pasted from a browser
    selects its article's rows (not a 'no row selected' note)."""
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"http://m.shklovinfo.by/news/{SLUG}?utm_source=vk\n", "utf-8")
    done = run_archive("export-txt", "--corpus", corpus["corpus"], "--id",
                       "belta.by/society/view/novost-1-700001-2026#top", "--ids-file", ids_file,
                       tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "note:" not in done.stderr
    names = sorted(p.name.split("_", 1)[1] for p in (tmp_path / "out").iterdir())
    wanted = [corpus["ids"][corpus["urls"][raw]] for raw in (BELTA, SHKLOV_RAW)]
    assert names == sorted(f"{i}.txt" for i in wanted)


@pytest.mark.parametrize("listed", ["", "# ids to look at later\n\n", "\ufeff\n"])
def test_an_ids_file_that_names_no_id_selects_nothing(corpus, tmp_path, listed: str) -> None:
    """An ids file of comments and blank lines is no filter: the whole corpus went out."""
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(listed, "utf-8")
    done = run_archive("export-txt", "--corpus", corpus["corpus"], "--ids-file", ids_file,
                       tmp_path / "out")
    assert done.returncode == 2
    assert "names no article id" in done.stderr and str(ids_file) in done.stderr
    assert not (tmp_path / "out").exists()


def test_export_txt_refuses_a_url_of_two_articles_naming_both(corpus, tmp_path) -> None:
    done = run_archive("export-txt", "--corpus", corpus["corpus"], "--id",
                       "twins.example.by/news/obe-versii", tmp_path / "out")
    assert done.returncode == 2
    for url in (TWIN_BARE, TWIN_SLASH):
        assert corpus["ids"][corpus["urls"][url]] in done.stderr
    assert not (tmp_path / "out").exists()


class _CountingConnection:
    """A real DuckDB connection to the corpus that notes each statement it runs (the data
    read is the corpus's own files; only the number of reads is watched)."""

    def __init__(self, con, statements: list[str]) -> None:
        self._con, self._statements = con, statements

    def execute(self, sql: str, *args):
        self._statements.append(sql)
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def test_an_ids_file_of_many_urls_is_looked_up_in_one_read_of_the_corpus(
        corpus, tmp_path, monkeypatch, capsys) -> None:
    """Each URL of ``--ids-file`` once cost its own scans of every version (two or three
    each: 1,000 URLs read the corpus thousands of times); all are now found in one, each
    as before: in order, one not stored named in a note, an id kept as given."""
    from archive import corpus_lookup

    statements: list[str] = []
    real = corpus_lookup.connect
    monkeypatch.setattr(corpus_lookup, "connect",
                        lambda folder: _CountingConnection(real(folder), statements))
    missing = "https://www.belta.by/society/view/novost-1-700001-202/"
    given = ["http://www.belta.by/society/view/novost-1-700001-2026/?utm_source=x",
             f"http://m.shklovinfo.by/news/{SLUG}", missing,
             "https://www.belta.by/printv/society/view/novost-11-700011-2026/",
             "nuke.example.by/modules.php?sid=5&file=article&name=News",
             corpus["ids"][corpus["urls"][NUKE6_RAW]]]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(given) + "\n", "utf-8")
    assert main(["export-txt", "--corpus", str(corpus["corpus"]), "--ids-file", str(ids_file),
                 str(tmp_path / "out")]) == 0
    assert len([sql for sql in statements if "versions" in sql]) == 1, statements
    err = capsys.readouterr().err
    assert err.splitlines() == [f"note: no row selected of id {missing} (not in the corpus, "
                                "or outside the other selection flags)"]
    names = sorted(p.name.split("_", 1)[1] for p in (tmp_path / "out").iterdir())
    wanted = [corpus["ids"][corpus["urls"][raw]]
              for raw in (BELTA, SHKLOV_RAW, BELTA_11, NUKE_RAW, NUKE6_RAW)]
    assert names == sorted(f"{i}.txt" for i in wanted)


def test_the_first_url_of_several_articles_in_an_ids_file_is_named(corpus, tmp_path) -> None:
    """Of an ids file whose URLs fit several stored articles each, the first is the usage
    error (as when each was looked up on its own), the ones before it found."""
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"{BELTA}\nhttps://twins.example.by/news/obe-versii//\n"
                        "twins.example.by/news/obe-versii\n", "utf-8")
    done = run_archive("export-txt", "--corpus", corpus["corpus"], "--ids-file", ids_file,
                       tmp_path / "out")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert "'https://twins.example.by/news/obe-versii//' matches 2 articles" in lines[0]
    assert not (tmp_path / "out").exists()
