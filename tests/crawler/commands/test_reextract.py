"""``scrapy reextract``, run as a real command over a small WARC: its items, its summary, its
exit status, and plain usage errors for what it cannot do.
(The re-extraction itself: tests/crawler/test_reextract.py.)"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.crawler.test_reextract import BELTA_URL, belta_warc, good_then, http_block
from tests.support.crawl import read_items, scrapy_command
from tests.support.warcs import record, warcio_warc

REPO = Path(__file__).resolve().parents[3]


def test_reextract_writes_one_item_per_archived_article_and_exits_zero(tmp_path: Path) -> None:
    _, golds = belta_warc(tmp_path / "warc", count=3)
    out = tmp_path / "items.jsonl"
    out.write_text('{"stale": true}\n')
    first = scrapy_command("reextract", str(tmp_path / "warc"), "-O", str(out), "--jobs", "1")
    assert first.returncode == 0, first.stderr[-2000:]
    items = read_items(out)
    assert {i["url"]: i["title"] for i in items} == {g.url: g.title for g in golds}
    assert ("3 items from 3 archived articles" in first.stderr
            and "failed: none; invalid: 0; bad records skipped: 0" in first.stderr)
    again = scrapy_command("reextract", str(tmp_path / "warc"), "-o", str(out), "--jobs", "1")
    assert again.returncode == 0, again.stderr[-2000:]
    assert read_items(out) == items + items  # -o appends, -O replaced the stale line


def test_reextract_usage_errors_say_what_to_give(tmp_path: Path) -> None:
    belta_warc(tmp_path / "warc")
    (tmp_path / "empty").mkdir()
    out = str(tmp_path / "items.jsonl")
    Path(out).write_text('{"kept": true}\n')
    cases = {
        ("-O", out): "give at least one WARC or WACZ file, folder or glob",
        (str(tmp_path / "warc"),): "give exactly one of -O FILE or -o FILE",
        (str(tmp_path / "warc"), "-O", out, "-o", out): "give exactly one of -O FILE or -o FILE",
        (str(tmp_path / "missing"), "-O", out): f"no such WARC file or folder: {tmp_path}",
        (str(tmp_path / "empty"), "-O", out): f"no WARC files in {tmp_path}/empty",
        (f"{tmp_path}/warc/*.warc.typo", "-O", out): "no WARC files in",
        (str(tmp_path / "warc"), "-O", out, "-s", 'EXTRA_OUTLETS=[{"url": "https://a.by/"}, '
         '{"url": "https://b.by/", "key": "a.by"}]'):
            "the rows https://a.by/ and https://b.by/ both give the key 'a.by'",
    }
    for args, message in cases.items():
        result = scrapy_command("reextract", *args)
        assert result.returncode == 2, (args, result.stderr[-2000:])
        assert message in result.stderr, args
        assert "Traceback" not in result.stderr
    assert Path(out).read_text() == '{"kept": true}\n'  # -O empties nothing on a usage error


def test_reextract_reports_bad_records_with_file_and_offset_and_exits_one(tmp_path: Path) -> None:
    path, golds = belta_warc(tmp_path / "warc")
    with open(path, "ab") as fh:
        fh.write(b"\x1f\x8b\x08" + b"garbage" * 50)
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(tmp_path / "warc"), "-O", str(out), "--jobs", "1",
                          timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert f"bad record skipped: {path}: offset" in proc.stderr
    assert "bad records skipped: 1" in proc.stderr
    assert len(read_items(out)) == len(golds)


def test_a_record_a_worker_cannot_read_is_reported_by_file_and_offset(tmp_path: Path) -> None:
    """The worker's WarcFormatError comes back whole (it used to break the pool: worker_died)."""
    html = gzip.decompress((REPO / "tests/fixtures/outlets/belta/2026-01/belta-0.html.gz")
                           .read_bytes())
    records = []
    for i in range(3):
        status = b"HTTP/1.1 2x0 OK" if i == 1 else b"HTTP/1.1 200 OK"  # no status code
        block = status + b"\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        url = f"https://www.belta.by/president/view/novost-{i}-7700{i}-2026/"
        records.append(record("response", url, block, date="2026-01-13T10:00:00Z"))
    path = tmp_path / "foreign.warc"
    path.write_bytes(b"".join(records))
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(path), "-O", str(out), "--jobs", "1", timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    offset = len(records[0])
    assert f"bad record skipped: {path}: offset {offset}: " in proc.stderr, proc.stderr[-2000:]
    assert "worker_died" not in proc.stderr and "bad records skipped: 1" in proc.stderr
    assert len(read_items(out)) == 2


def test_a_record_kept_despite_a_bad_content_length_is_not_called_skipped(
        tmp_path: Path) -> None:
    """A record whose Content-Length is wrong, its block taken up to the next record, was
    printed as "bad record skipped: ... (record kept)" and counted among "bad records
    skipped", though its article came out. Now it is said and counted as kept."""
    html = gzip.decompress((REPO / "tests/fixtures/outlets/belta/2026-01/belta-0.html.gz")
                           .read_bytes())
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    urls = [f"https://www.belta.by/president/view/novost-{i}-7700{i}-2026/" for i in range(2)]
    records = [record("response", urls[0], block, date="2026-01-13T10:00:00Z",
                      length=str(len(block) - 40)),
               record("response", urls[1], block, date="2026-01-13T10:00:00Z")]
    path = tmp_path / "foreign.warc"
    path.write_bytes(b"".join(records))
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(path), "-O", str(out), "--jobs", "1", timeout=300)
    assert sorted(i["url"] for i in read_items(out)) == urls, proc.stderr[-2000:]
    said = [ln for ln in proc.stderr.splitlines() if "Content-Length" in ln]
    assert said == [f"bad record kept: {path}: offset 0: bad Content-Length "
                    f"'{len(block) - 40}'; block taken up to the next record"], said
    assert "bad records skipped: 0; bad records kept: 1" in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 1  # the archive is damaged, as verify says


def test_an_unreadable_newest_capture_gives_way_to_the_one_before(tmp_path: Path) -> None:
    """The real command: the damaged newest capture is said by file and offset, the article
    comes from the older 200 (it gave 0 items), and the run exits 1 for the damage."""
    html = gzip.decompress((REPO / "tests/fixtures/outlets/belta/2026-01/belta-0.html.gz")
                           .read_bytes())
    path, offsets, gold = good_then(tmp_path, http_block(b"HTTP/1.1 2x0 OK", html))
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(path), "-O", str(out), "--jobs", "1", timeout=300)
    items = read_items(out)
    assert [(i["url"], i["text"], i["warc"]["offset"]) for i in items] == [
        (BELTA_URL, gold["text"], offsets[0])], proc.stderr[-2000:]
    assert f"bad record skipped: {path}: offset {offsets[1]}: " in proc.stderr
    assert "bad records skipped: 1" in proc.stderr and proc.returncode == 1


def test_a_record_without_warc_date_is_said_by_offset_and_exits_one(tmp_path: Path) -> None:
    """It passed silently (exit 0) as an item fetched_at 1970-01-01."""
    html = gzip.decompress((REPO / "tests/fixtures/outlets/belta/2026-01/belta-0.html.gz")
                           .read_bytes())
    path, offsets, gold = good_then(tmp_path, http_block(b"HTTP/1.1 200 OK", html), date=None)
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(path), "-O", str(out), "--jobs", "1", timeout=300)
    assert [i["fetched_at"] for i in read_items(out)] == [gold["fetched_at"]]
    assert f"bad record skipped: {path}: offset {offsets[1]}: " in proc.stderr
    assert "no WARC-Date" in proc.stderr and proc.returncode == 1, proc.stderr[-2000:]


def test_reextract_refuses_an_output_that_is_an_input_or_an_archive(tmp_path: Path) -> None:
    """`-O data/*.warc.gz`: the shell hands the first WARC to -O. That WARC, or any file named
    like an archive, is refused before anything is opened for writing (it was emptied)."""
    path, _ = belta_warc(tmp_path / "warc")
    other = tmp_path / "warc" / "b.warc"
    other.write_bytes(gzip.decompress(path.read_bytes()))
    before = {p: p.read_bytes() for p in (path, other)}
    link = tmp_path / "link.jsonl"
    link.symlink_to(other)
    cases = {
        ("-O", str(path), str(other)): "names an archive",  # the glob case
        ("-o", str(other), str(tmp_path / "warc")): "is one of the inputs",
        ("-O", str(link), str(tmp_path / "warc")): "is one of the inputs",
        ("-O", str(tmp_path / "new.warc.gz"), str(path)): "names an archive",
        ("-O", str(tmp_path / "new.wacz"), str(path)): "names an archive",
    }
    for args, message in cases.items():
        result = scrapy_command("reextract", "--jobs", "1", *args)
        assert result.returncode == 2, (args, result.stderr[-2000:])
        assert message in result.stderr and args[1] in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in (path, other)} == before
    assert not (tmp_path / "new.warc.gz").exists() and not (tmp_path / "new.wacz").exists()


def test_archived_pages_of_a_host_no_outlet_is_for_are_said_not_silently_left(
        tmp_path: Path) -> None:
    """Another tool's crawl of a site with no row: its pages gave '0 items from 0 archived
    articles' and nothing else."""
    path, golds = belta_warc(tmp_path / "warc", count=2)
    stranger = tmp_path / "warc" / "stranger.warc"
    stranger.write_bytes(b"".join(
        record("response", f"http://gazeta.example/news/{n}/", http_block(
            b"HTTP/1.1 200 OK", b"<html><h1>A</h1><p>text</p></html>"))
        for n in range(3)))
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(tmp_path / "warc"), "-O", str(out), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(read_items(out)) == len(golds)
    assert ("note: 3 archived URL(s) of 1 host(s) no outlet or site row is for, not read "
            "(gazeta.example: 3)") in proc.stderr


def test_a_record_without_warc_type_is_a_bad_record_skipped_and_exits_one(
        tmp_path: Path) -> None:
    """A newer capture whose WARC-Type line is lost was dropped unsaid: "bad records skipped:
    0", exit 0. Now it is said by file and offset and counted; the older 200 gives the item."""
    html = gzip.decompress((REPO / "tests/fixtures/outlets/belta/2026-01/belta-0.html.gz")
                           .read_bytes())
    path, offsets, gold = good_then(tmp_path, http_block(b"HTTP/1.1 200 OK", html))
    data = path.read_bytes()
    newer = gzip.decompress(data[offsets[1]:]).replace(b"WARC-Type: response\r\n", b"")
    path.write_bytes(data[:offsets[1]] + gzip.compress(newer))
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(path), "-O", str(out), "--jobs", "1", timeout=300)
    assert [i["fetched_at"] for i in read_items(out)] == [gold["fetched_at"]]
    assert (f"bad record skipped: {path}: offset {offsets[1]}: record skipped: missing "
            "WARC-Type") in proc.stderr, proc.stderr[-2000:]
    assert "bad records skipped: 1" in proc.stderr and proc.returncode == 1


def test_a_wacz_lacking_a_warc_its_datapackage_lists_is_said_and_exits_one(
        tmp_path: Path) -> None:
    """Its records were gone unsaid ("bad records skipped: 0", exit 0). Now the package and
    the member are named, counted as a bad record, and the other WARC's article read."""
    import zipfile

    from archive.__main__ import main

    first, _ = belta_warc(tmp_path / "a", count=1)
    second, golds = belta_warc(tmp_path / "b", count=1)
    whole, pkg = tmp_path / "whole.wacz", tmp_path / "lacking.wacz"
    assert main(["wacz", str(first), str(second), "-o", str(whole)]) == 0
    lost = f"archive/{first.name}"
    with zipfile.ZipFile(whole) as zi, zipfile.ZipFile(pkg, "w") as zo:
        for info in zi.infolist():
            if info.filename != lost:
                zo.writestr(info, zi.read(info.filename))
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(pkg), "-O", str(out), "--jobs", "1", timeout=300)
    assert [i["url"] for i in read_items(out)] == [golds[0].url], proc.stderr[-2000:]
    assert (f"bad record skipped: {pkg}: offset 0: datapackage.json lists {lost!r}, which the "
            "package does not hold") in proc.stderr, proc.stderr[-2000:]
    assert "bad records skipped: 1" in proc.stderr and proc.returncode == 1


def test_newer_captures_that_are_no_article_are_read_past_and_counted(tmp_path: Path) -> None:
    """The real command over a warcio WARC: three articles each captured whole, then again as
    a redirect to the home page, a Cloudflare challenge, a body cut short. The crawl made its
    three items of the whole pages; a rebuild gave none of them (``http_301``,
    ``blocked/cloudflare``, ``truncated_html``). Now each comes from its whole capture, and
    the summary tells what was read past; the cut record is still said as kept (exit 1)."""
    from tests.crawler.test_reextract import CHALLENGE, MOVED_HOME, cut_block

    html = gzip.decompress((REPO / "tests/fixtures/outlets/belta/2026-01/belta-0.html.gz")
                           .read_bytes())
    urls = [BELTA_URL.replace("nomer-0", f"nomer-{i}") for i in range(3)]
    newer = [MOVED_HOME, http_block(b"HTTP/1.1 200 OK", CHALLENGE), cut_block(html)]
    path = tmp_path / "warc" / "later.warc.gz"
    path.parent.mkdir()
    offsets = warcio_warc(path, [
        *((url, http_block(b"HTTP/1.1 200 OK", html), "2026-01-13T10:00:00Z") for url in urls),
        *((url, block, "2026-01-14T10:00:00Z") for url, block in zip(urls, newer, strict=True))])
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(path), "-O", str(out), "--jobs", "2", timeout=300)
    items = read_items(out)
    assert sorted((i["url"], i["warc"]["offset"]) for i in items) == list(
        zip(urls, offsets[:3], strict=True)), proc.stderr[-2000:]
    assert ("3 items from 3 archived articles" in proc.stderr
            and "failed: none;" in proc.stderr), proc.stderr[-2000:]
    assert ("read past a newer capture that is no article: blocked/cloudflare: 1, "
            "cut_short: 1, http_301: 1;") in proc.stderr, proc.stderr[-2000:]
    assert f"bad record kept: {path}: offset {offsets[5]}: HTTP body ends after" in proc.stderr
    assert "bad records kept: 1" in proc.stderr and proc.returncode == 1


def test_a_rows_home_page_redirecting_to_no_url_is_read_at_the_rows_address(
        tmp_path: Path) -> None:
    """A site row's archived home page answered 301 with ``Location: http://[news-site.test/``
    (a bracket never closed): learning where the row's site landed raised urlsplit's
    ValueError, and the whole re-extraction stopped ("error: re-extraction stopped: Invalid
    IPv6 URL", exit 1, no item of any outlet). The crawl's redirect failed there (no URL to
    go to), so the row stays where it is, said; every article is read."""
    html = gzip.decompress(Path(REPO, "tests/fixtures/outlets/belta/2026-01/belta-0.html.gz")
                           .read_bytes())
    moved = b"HTTP/1.1 301 Moved\r\nLocation: http://[news-site.test/\r\nContent-Length: 0\r\n\r\n"
    warcio_warc(tmp_path / "w.warc.gz", [
        (BELTA_URL, http_block(b"HTTP/1.1 200 OK", html), "2026-01-13T10:00:00Z"),
        ("http://news-site.test/", moved, "2026-01-13T10:00:00Z")])
    out = tmp_path / "items.jsonl"
    result = scrapy_command("reextract", str(tmp_path / "w.warc.gz"), "-O", str(out),
                            "--jobs", "1", "-s",
                            'EXTRA_OUTLETS=[{"url": "http://news-site.test/", "timezone": "UTC"}]')
    assert result.returncode == 0, result.stderr[-2000:]
    assert [i["url"] for i in read_items(out)] == [BELTA_URL]
    assert ("http://news-site.test/: its archived home page redirects to "
            "'http://[news-site.test/', which is no URL (Invalid IPv6 URL): its site is read "
            "at the row's address") in result.stderr
    assert "redirected to" not in result.stderr and "Traceback" not in result.stderr


def test_a_capture_whose_target_uri_has_a_port_past_65535_is_a_bad_record_counted(
        tmp_path: Path) -> None:
    """``https://news.zerkalo.io:99999/…`` (urlsplit's ``.port`` refuses it): its capture was
    a warning naming the URL alone, and the summary said "bad records skipped: 0", exit 0.
    Now it is said by file, offset and reason (the archive's readers refuse such a target,
    as replay does), counted, and the run exits 1; the good capture beside it still gives
    its item."""
    html = gzip.decompress((REPO / "tests/fixtures/outlets/belta/2026-01/belta-0.html.gz")
                           .read_bytes())
    bad_url = "https://news.zerkalo.io:99999/economy/1.html"
    path = tmp_path / "two.warc.gz"
    offsets = warcio_warc(path, [
        (BELTA_URL, http_block(b"HTTP/1.1 200 OK", html), "2026-01-13T10:00:00Z"),
        (bad_url, http_block(b"HTTP/1.1 200 OK", html), "2026-01-13T10:00:00Z")])
    out = tmp_path / "items.jsonl"
    proc = scrapy_command("reextract", str(path), "-O", str(out), "--jobs", "1", timeout=300)
    assert [i["url"] for i in read_items(out)] == [BELTA_URL], proc.stderr[-2000:]
    assert (f"bad record skipped: {path}: offset {offsets[1]}: record skipped: WARC-Target-URI "
            f"{bad_url!r} names no port in 0-65535") in proc.stderr, proc.stderr[-2000:]
    assert "1 items from 1 archived articles" in proc.stderr
    assert "bad records skipped: 1;" in proc.stderr and proc.returncode == 1


def test_a_site_rows_day_archive_is_no_article_in_reextract_as_in_the_crawl(
        tmp_path: Path) -> None:
    """A site row's pattern takes any page of its site: the crawl read a WordPress day
    archive (``/2026/11/21/``) for its links only, reextract made an item of it ("Day: 21
    November 2026", its teasers as text)."""
    prose = ("The museum opened its new wing on Friday after three years of building work, "
             "and the first visitors queued for an hour, the director said. ") * 3
    article = (f"<html><head><title>Museum gets a new wing</title><meta property="
               f"'article:published_time' content='2026-11-21T10:00:00+01:00'></head><body>"
               f"<article><h1>Museum gets a new wing</h1><p>{prose}</p><p>{prose}</p></article>"
               "</body></html>").encode()
    teasers = "".join(f"<article><h2><a href='/museum-{i}/'>Museum gets a new wing {i}</a></h2>"
                      f"<p>{prose[:150]}… <a href='/museum-{i}/'>Read more</a></p></article>"
                      for i in range(3))
    day = (f"<html><head><title>Day: 21 November 2026</title></head><body><h1>Day: 21 "
           f"November 2026</h1>{teasers}</body></html>").encode()
    site = "http://news-site.test"
    warcio_warc(tmp_path / "w.warc.gz", [
        (f"{site}/news/museum-gets-a-new-wing/", http_block(b"HTTP/1.1 200 OK", article), "2026-11-22T10:00:00Z"),
        (f"{site}/2026/11/21/", http_block(b"HTTP/1.1 200 OK", day), "2026-11-22T10:00:00Z")])
    out = tmp_path / "items.jsonl"
    result = scrapy_command("reextract", str(tmp_path / "w.warc.gz"), "-O", str(out),
                            "--jobs", "1", "-s",
                            f'EXTRA_OUTLETS=[{{"url": "{site}/", "timezone": "Europe/Berlin"}}]')
    assert result.returncode == 0, result.stderr[-2000:]
    assert [item["url"] for item in read_items(out)] == [f"{site}/news/museum-gets-a-new-wing/"]


SLUG = "/news/museum-gets-a-new-wing/"


def _museum(canonical: str) -> bytes:
    prose = ("The museum opened its new wing on Friday after three years of building work, "
             "and the first visitors queued for an hour, the director said. ") * 3
    return (f"<html><head><title>Museum gets a new wing</title><link rel='canonical' href="
            f"'{canonical}'><meta property='article:published_time' content="
            f"'2026-11-21T10:00:00+01:00'></head><body><article><h1>Museum gets a new wing</h1>"
            f"<p>{prose}</p><p>{prose}</p></article></body></html>").encode()


def _reextract_site(tmp_path: Path, site: str, captures: list[tuple[str, str]]) -> list[dict]:
    """reextract's items of ``captures`` (path, WARC-Date) of :func:`_museum`'s page, which
    names ``SLUG`` its canonical, on a site row's ``site``."""
    page = http_block(b"HTTP/1.1 200 OK", _museum(f"{site}{SLUG}"))
    warcio_warc(tmp_path / "w.warc.gz", [(f"{site}{path}", page, date)
                                         for path, date in captures])
    out = tmp_path / "items.jsonl"
    result = scrapy_command("reextract", str(tmp_path / "w.warc.gz"), "-O", str(out),
                            "--jobs", "1", "-s",
                            f'EXTRA_OUTLETS=[{{"url": "{site}/", "timezone": "Europe/Berlin"}}]')
    assert result.returncode == 0, result.stderr[-2000:]
    return read_items(out)


@pytest.mark.parametrize("other", [SLUG.rstrip("/"), f"{SLUG}?utm_source=tg",
                                   f"{SLUG}index.html"])
@pytest.mark.parametrize("canonical_newer", [True, False])
def test_one_article_captured_under_two_spellings_is_one_item_under_its_canonical(
        tmp_path: Path, other: str, canonical_newer: bool) -> None:
    """A site row's article captured as ``/slug/`` and as ``/slug`` (or with a tracking
    query, or ``index.html``), each page naming ``/slug/`` its rel=canonical: one item,
    under the canonical, as the crawl makes (one spelling fetched per ``same_article_key``,
    an alias's canonical making the item), whichever capture is newer."""
    site = "http://news-site.test"
    dates = ["2026-11-22T10:00:00Z", "2026-11-23T10:00:00Z"][::1 if canonical_newer else -1]
    items = _reextract_site(tmp_path, site, [(SLUG, dates[0]), (other, dates[1])])
    assert [(item["url"], item["title"]) for item in items] == [
        (f"{site}{SLUG}", "Museum gets a new wing")]


def test_an_article_captured_only_under_the_spelling_its_canonical_toggles_is_kept(
        tmp_path: Path) -> None:
    """Captured as ``/slug`` alone, its page naming ``/slug/``: the lookup answers ``/slug/``
    with that same capture (one SURT key), so the page was called an alias of a page
    "fetched" and no item came of the article. No answer under ``/slug/`` was archived, so
    the page is the article under its own URL, as the crawl reads an alias whose canonical
    answered no page."""
    site = "http://news-site.test"
    items = _reextract_site(tmp_path, site, [(SLUG.rstrip("/"), "2026-11-22T10:00:00Z")])
    assert [(item["url"], item["title"]) for item in items] == [
        (f"{site}{SLUG.rstrip('/')}", "Museum gets a new wing")]
