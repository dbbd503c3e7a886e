"""The district-site table, archive schemes, site selection and БЕЛТА lenta dates, no crawl."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from parsel import Selector
from scrapy.exceptions import UsageError

import crawler.outlets.regional as regional
from crawler.extraction.dates import parse_any
from crawler.outlets import all_outlets, check_outlet_table, get_outlet
from crawler.outlets.archives import archive_path
from crawler.outlets.belta import BELTA, lenta_item_date
from crawler.outlets.regional import SITES_FILE, SiteRowError, check_hosts, load_sites
from crawler.siteoutlets import load_rows
from crawler.spiders.base import OutletSpider
from crawler.spiders.regional import select_sites
from tests.support.metrics import token_f1

ARTICLES = {
    "shklovinfo.by": ["https://shklovinfo.by/?p=48213", "https://shklovinfo.by/?p=5&utm_source=x"],
    "pvestnik.by": ["https://pvestnik.by/2025/09/14/polotsk-novost-1/"],
    "hoiniki.by": ["https://hoiniki.by/?p=1"],
    "golk.by": ["https://golk.by/rayon-zhivet-1.html"],
    "pniva.by": ["https://pniva.by/2025/09/dozhinki-2025/"],
    "nesvizh-news.by": ["https://nesvizh-news.by/2025/09/14/zamok/"],
}
NOT_ARTICLES = {
    "shklovinfo.by": ["/?cat=3", "/?tag=shklov", "/?author=2", "/?page_id=2", "/?feed=rss2",
                      "/?attachment_id=55", "/?m=20250914", "/"],
    "pvestnik.by": ["/category/novosti/", "/tag/polotsk/", "/author/a/", "/page/2/", "/feed/",
                    "/2025/09/14/", "/2025/09/14/page/2/", "/2025/09/14/x/attachment/foto-1/",
                    "/o-gazete/"],
    "pniva.by": ["/2025/09/", "/2025/09/14/", "/2025/09/page/2/"],
    "nesvizh-news.by": ["/2025/09/14/page/3/"],
}


def _spider() -> OutletSpider:
    return OutletSpider(name="t")


@pytest.mark.parametrize("host", sorted(ARTICLES))
def test_article_urls(host: str) -> None:
    outlet, spider = get_outlet(host), _spider()
    for url in ARTICLES[host]:
        assert spider.is_article_url(outlet, url), url
    for path in NOT_ARTICLES.get(host, []):
        assert not spider.is_article_url(outlet, f"https://{host}{path}"), path


def test_table_has_the_documented_sites() -> None:
    sites = load_sites()
    assert {"shklovinfo.by", "pvestnik.by", "hoiniki.by", "klich.by", "orshanka.by",
            "golk.by"} <= set(sites)
    assert sites["shklovinfo.by"].discovery.archive_name == "wp-m"
    assert sites["pvestnik.by"].discovery.archive_name == "wp-date"
    assert sites["golk.by"].discovery.archive is None
    assert sites["pvestnik.by"].discovery.feeds == ("/feed/",)
    assert sites["shklovinfo.by"].discovery.sitemaps == ("/wp-sitemap.xml",)
    assert "Последние новости" in sites["shklovinfo.by"].rules.cut_markers


def test_bad_rows_fail_loudly(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[[site]]\nhost = "a.by"\nname = "A"\narticle_path = "x"\nversion = "1"\n'
                    'archive = "wp-x"\n')
    with pytest.raises(ValueError, match="unknown archive scheme 'wp-x'"):
        load_sites(path)
    path.write_text('[[site]]\nhost = "a.by"\nname = "A"\narticle_path = "x"\nbodyy = ["p"]\n')
    with pytest.raises(ValueError, match="unknown fields"):
        load_sites(path)


# The real table's [defaults], so a row needs only what a new district paper must give.
DEFAULTS = SITES_FILE.read_text("utf-8").split("\n[[site]]")[0] + "\n"
MINIMAL = 'host = "rayon.by"\nname = "Районка"\narticle_path = \'^/news/\\d+$\'\n'


def test_a_row_needs_only_host_name_and_article_path(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(DEFAULTS + "[[site]]\n" + MINIMAL, encoding="utf-8")
    outlet = load_sites(path)["rayon.by"]
    assert outlet.base_url == "https://rayon.by" and outlet.timezone == "Europe/Minsk"
    assert outlet.rules.body[0] == "[itemprop=articleBody]"  # the defaults' selectors
    assert outlet.discovery.feeds == ("/?feed=rss2",)


@pytest.mark.parametrize(("row", "message"), [
    ('name = "A"\narticle_path = "^/x"\n', "#2 ('no host'): missing required field(s) host"),
    ('host = "a.by"\narticle_path = "^/x"\n', "('a.by'): missing required field(s) name"),
    ('host = "a.by"\nname = "A"\n', "missing required field(s) article_path"),
    (MINIMAL + 'body = ".content"\n',
     "field 'body': must be a list of strings (body = [\".content\"]), not '.content'"),
    (MINIMAL + 'feeds = "/rss"\n', "field 'feeds': must be a list of strings"),
    ('host = "a.by"\nname = 5\narticle_path = "^/x"\n', "field 'name': must be a string, not 5"),
    (MINIMAL + 'max_pages = "5"\n', "field 'max_pages': must be a whole number"),
    (MINIMAL + 'machine_date = "yes"\n', "field 'machine_date': must be true or false, not 'yes'"),
    (MINIMAL + 'timezone = "Europe/Minks"\n', "field 'timezone': 'Europe/Minks' is no IANA"),
    (MINIMAL + 'body = ["div[[x"]\n', "field 'body': 'div[[x' is no CSS selector"),
    (MINIMAL + 'links = "main a[href"\n', "field 'links': 'main a[href' is no CSS selector"),
    (MINIMAL + 'skip_paths = ["(print"]\n', "field 'skip_paths': '(print' is no regular"),
    (MINIMAL + 'url_date = "/(\\\\d+)/"\n', "needs the named groups (?P<d>…), (?P<m>…) and (?P<y>…)"),
    (MINIMAL + 'author_line = "^Автор: .+$"\n', "needs exactly one group (the author's name)"),
    (MINIMAL + 'valid_from = "2025-13-01"\n', "field 'valid_from': must be a day as YYYY-MM-DD"),
    (MINIMAL + 'scheme = "ftp"\n', "field 'scheme': must be \"https\" or \"http\""),
    (MINIMAL + 'listing_pages = {pagd = "x"}\n', "field 'listing_pages': must be a scheme"),
    (MINIMAL + 'archive = {first = "/{dya:%Y/%m/%d}/"}\n',
     "field 'archive': path template '/{dya:%Y/%m/%d}/' names {dya}; a template may use only"),
    (MINIMAL + 'archive = {first = "/{day:%Y}/", paged = "/{day:%Y}/page/{pag}/"}\n',
     "field 'archive': path template '/{day:%Y}/page/{pag}/' names {pag}"),
    (MINIMAL + 'listing_pages = "{path}?page={page"\n',
     "field 'listing_pages': path template '{path}?page={page' cannot be formatted (expected"),
    (MINIMAL + 'listing_pages = {first = "{path}", paged = "{path}?p={0}"}\n',
     "path template '{path}?p={0}' cannot be formatted"),
    (MINIMAL + 'listing_pages = "{path}?p={page:%Y}"\n',
     "path template '{path}?p={page:%Y}' cannot be formatted"),
    (MINIMAL.replace('"rayon.by"', '"https://rayon.by/"'),
     "field 'host': 'https://rayon.by/' is no host name"),
    (MINIMAL + 'aliases = ["https://old-rayon.by/"]\n',
     "field 'aliases': 'https://old-rayon.by/' is no host name: an alias is a bare host"),
    (MINIMAL + '[[site.layouts]]\nbody = [".old"]\n',
     "layout #1: missing required field(s) version"),
    (MINIMAL + '[[site.layouts]]\nversion = "old"\nbody = ".old"\n',
     "layout #1: field 'body': must be a list of strings"),
    # passed the check, then failed (or emptied) every article
    (MINIMAL + 'drop_paragraphs = ["[[:foo:]]"]\n', "'[[:foo:]]' is no regular expression"),
    (MINIMAL + 'drop_paragraphs = [".*"]\n', "'.*' matches an empty text, so every paragraph"),
    (MINIMAL + 'author_line = "(Автор: .+)?"\n', "matches an empty text, so every paragraph"),
    (MINIMAL + 'cut_markers = [""]\n', "field 'cut_markers': holds an empty string"),
    (MINIMAL + 'title = ["h1 @ {x}"]\n', "'{x}' is no attribute name"),
    (MINIMAL + 'body = ["p:contains(\'x\')"]\n', ":contains() does not run"),
    (MINIMAL + 'body = ["*:has(*:has(p))"]\n', "a :has() inside a :has()"),
    (MINIMAL + 'feeds = ["javascript:alert(1)"]\n', "is no path on the site"),
    # passed, and its request's ValueError then ended the reading of the site's home page
    (MINIMAL + 'sitemaps = ["https://rayon.by:99999/sitemap.xml"]\n',
     "field 'sitemaps': 'https://rayon.by:99999/sitemap.xml' is no URL (Port out of range"),
    # passed, and its request's ValueError stopped the crawl of every district site at start
    (MINIMAL + 'listings = ["https://rayon.by:99999/news/"]\n',
     "field 'listings': 'https://rayon.by:99999/news/' is no URL (Port out of range"),
    (MINIMAL + 'listing_pages = "{path}?page={page:>9999999999}"\n', "width or precision"),
])
def test_bad_row_errors_name_the_row_and_the_field(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(DEFAULTS + '[[site]]\nhost = "ok.by"\nname = "OK"\narticle_path = "^/x"\n'
                    "[[site]]\n" + row, encoding="utf-8")
    with pytest.raises(SiteRowError, match=r"^sites\.toml: \[\[site\]\] #2 ") as caught:
        load_sites(path)
    assert message in str(caught.value)


@pytest.mark.parametrize(("text", "message"), [
    ('[site]\n' + MINIMAL, "sites.toml: [site] is one table; each site is a [[site]] table"),
    ('site = ["rayon.by"]\n', "sites.toml: row 1 must be a table of fields"),
    ('site = 5\n', "sites.toml: 'site' must be [[site]] tables, not 5"),
    ('defaults = 5\n[[site]]\n' + MINIMAL + 'version = "1"\n',
     "sites.toml: 'defaults' must be a [defaults] table, not 5"),
])
def test_a_table_of_the_wrong_shape_fails_naming_it(tmp_path: Path, text: str,
                                                    message: str) -> None:
    """A single [site] table was iterated by its keys (AttributeError), defaults = 5 merged
    as a mapping (TypeError): both tracebacks instead of a usage error."""
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SiteRowError) as caught:
        load_sites(path)
    assert message in str(caught.value)


def test_a_row_says_its_pages_always_carry_a_machine_date(tmp_path: Path) -> None:
    """``machine_date = true``: a page without one is a miss (crawler.extraction.metadata)."""
    path = tmp_path / "sites.toml"
    path.write_text(DEFAULTS + "[[site]]\n" + MINIMAL + "machine_date = true\n", encoding="utf-8")
    assert load_sites(path)["rayon.by"].rules.machine_date is True


def test_an_alias_in_unicode_or_upper_case_is_a_host() -> None:
    assert regional.check_value("aliases", ["Old-Rayon.by", "новости.бел"]) is None


@pytest.mark.parametrize("second", ["rayon.by", "www.rayon.by"])
def test_two_rows_for_one_host_fail(tmp_path: Path, second: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(DEFAULTS + "[[site]]\n" + MINIMAL + "[[site]]\n"
                    + MINIMAL.replace('"rayon.by"', f'"{second}"'), encoding="utf-8")
    with pytest.raises(SiteRowError, match=r"#2 \('(www\.)?rayon\.by'\).*#1 \('rayon\.by'\)"):
        load_sites(path)


def test_a_row_may_not_take_a_national_outlets_host(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(DEFAULTS + "[[site]]\n" + MINIMAL.replace('"rayon.by"', '"belta.by"'),
                    encoding="utf-8")
    with pytest.raises(SiteRowError, match="claims host 'belta.by', which 'belta' has already"):
        check_hosts([BELTA, *load_sites(path).values()])


def test_a_bad_table_is_a_usage_error_naming_row_and_field(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "regional_sites.toml"
    path.write_text(DEFAULTS + "[[site]]\n" + MINIMAL + 'feeds = "/rss"\n', encoding="utf-8")
    monkeypatch.setattr(regional, "SITES_FILE", path)
    all_outlets.cache_clear()
    try:
        with pytest.raises(UsageError, match=r"bad outlet table: regional_sites\.toml: "
                                             r"\[\[site\]\] #1 \('rayon\.by'\): field 'feeds'"):
            check_outlet_table()
    finally:
        all_outlets.cache_clear()


def test_archive_schemes() -> None:
    day = date(2025, 9, 4)
    assert archive_path("wp-m", day, 1) == "/?m=20250904"
    assert archive_path("wp-m", day, 3) == "/?m=20250904&paged=3"
    assert archive_path("wp-date", day, 1) == "/2025/09/04/"
    assert archive_path("wp-date", day, 2) == "/2025/09/04/page/2/"
    assert archive_path("none", day, 1) is None
    belta = BELTA.discovery.archive
    assert belta is not None
    assert belta.url_path(2, date(2026, 1, 8)) == "/all_news/page/2/?day=08&month=01&year=26"


def test_select_sites() -> None:
    known = {key: replace(load_sites()["pvestnik.by"], key=key, base_url=f"https://{key}",
                          aliases=()) for key in ("a.by", "b.by")}
    assert select_sites(None, known) == ["a.by", "b.by"]
    assert select_sites(" www.B.by ,https://a.by/", known) == ["b.by", "a.by"]
    with pytest.raises(UsageError, match=r"unknown host\(s\) c\.by; known hosts: a\.by, b\.by"):
        select_sites("a.by,c.by", known)


@pytest.mark.parametrize("given", ["http://[b.by/", "[b.by", "b.by]", "b\uff03by", "[b]"])
def test_a_site_named_by_no_url_is_an_unknown_host(given: str) -> None:
    """``-a sites=[b.by`` (a bracket never closed, or never opened; a host NFKC makes
    another) ended ``scrapy crawl regional`` with urlsplit's ValueError traceback, not the
    usage error naming it that any unknown host gets."""
    known = {key: replace(load_sites()["pvestnik.by"], key=key, base_url=f"https://{key}",
                          aliases=()) for key in ("a.by", "b.by")}
    with pytest.raises(UsageError) as caught:
        select_sites(f"a.by,{given}", known)
    assert str(caught.value).startswith(f"-a sites='a.by,{given}': unknown host(s) {given}; ")


def test_select_sites_by_any_host_a_row_answers_to(tmp_path: Path) -> None:
    """A row's host may carry www.; a row may have aliases; a host may come with a trailing
    dot, a port or a path: each names the row (the outlet key), never an unknown host."""
    path = tmp_path / "sites.toml"
    path.write_text(DEFAULTS + "[[site]]\n" + MINIMAL.replace('"rayon.by"', '"www.rayon.by"')
                    + 'aliases = ["rayon-news.by"]\n', encoding="utf-8")
    sites = {**load_sites(), **load_sites(path)}
    for value in ("rayon.by", "www.rayon.by", "https://rayon.by/news/1", "rayon-news.by",
                  "RAYON.BY."):
        assert select_sites(value, sites) == ["www.rayon.by"], value
    assert select_sites("pvestnik.by/feed/,pvestnik.by:443,http://www.pvestnik.by/2025/",
                        sites) == ["pvestnik.by"]



def test_select_sites_by_an_internationalised_host(tmp_path: Path) -> None:
    """A district paper on an internationalised host has its row in punycode (as the wire
    carries it); -a sites= may name it in Unicode too, as -a url= may for the site spider."""
    path = tmp_path / "sites.toml"
    path.write_text(DEFAULTS + "[[site]]\n"
                    + MINIMAL.replace('"rayon.by"', '"xn--b1amnebsh.xn--90ais"'), encoding="utf-8")
    sites = {**load_sites(), **load_sites(path)}
    for value in ("новости.бел", "https://НОВОСТИ.бел/news/1", "xn--b1amnebsh.xn--90ais"):
        assert select_sites(value, sites) == ["xn--b1amnebsh.xn--90ais"], value

def test_lenta_dates_and_belarusian_months() -> None:
    item = Selector(text='<div class="news_item lenta_item"><div class="new_date">'
                         '<div class="day">08</div><div class="month_year">января 2026</div></div></div>')
    assert lenta_item_date(item.css("div.lenta_item")[0]) == date(2026, 1, 8)
    numeric = Selector(text='<div class="new_date"><div class="day">8</div>'
                            '<div class="month_year">01.2026</div></div>')
    assert lenta_item_date(numeric) == date(2026, 1, 8)
    for text, month in [("14 верасня 2025", 9), ("3 жніўня 2025, 10:30", 8), ("1 снежня 2024", 12),
                        ("14 сентября 2025", 9), ("2 лютага 2025", 2), ("5 кастрычніка 2025", 10)]:
        assert parse_any(text).month == month, text


def test_token_f1() -> None:
    assert token_f1("Минск, столица.", "минск столица") == 1.0
    assert token_f1("", "") == 1.0 and token_f1("a", "") == 0.0
    assert 0.6 < token_f1("один два три", "один два четыре") < 0.7


# A row's URL patterns run on every link a page has, on the reactor: a pattern that
# backtracks exponentially ((\w+-?)+ before an anchor that fails) blocked the crawl for good.
_CATASTROPHIC = r"^/\d{4}/\d{2}/\d{2}/(\w+-?)+/?$"
_MATCH_LINKS = """
import json, pathlib, sys, time
from crawler.outlets.regional import load_sites
from crawler.siteoutlets import load_rows, outlet_from_site_row
from crawler.urls import is_article_url
district = load_sites(pathlib.Path(sys.argv[1]))["rayon.by"]
site = outlet_from_site_row(load_rows([{"url": "https://rayon.by/", "article_path": sys.argv[2]}])[0])
out = {}
for name, outlet in (("district", district), ("site", site)):
    for path in sys.argv[3:]:
        start = time.perf_counter()
        out[f"{name} {path}"] = [is_article_url(outlet, "https://rayon.by" + path),
                                 time.perf_counter() - start]
print(json.dumps(out))
"""


def test_a_catastrophic_row_pattern_matches_a_long_link_in_linear_time(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    path = tmp_path / "sites.toml"
    path.write_text(DEFAULTS + f'[[site]]\nhost = "rayon.by"\nname = "R"\n'
                    f"article_path = '{_CATASTROPHIC}'\n", encoding="utf-8")
    long_link = "/2025/09/14/" + "a" * 21 + "-" + "b" * 9 + "-river-today.html"
    assert len(long_link) == 60
    paths = [long_link, "/2025/09/14/river-today/", "/2025/09/14/river-today", "/2025/09/"]
    try:
        result = subprocess.run([sys.executable, "-c", _MATCH_LINKS, str(path), _CATASTROPHIC,
                                 *paths], capture_output=True, text=True, timeout=30,
                                cwd=Path(__file__).resolve().parents[3])
    except subprocess.TimeoutExpired:
        pytest.fail("matching one link took over 30 s (catastrophic backtracking)")
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout)
    for kind in ("district", "site"):
        assert [found[f"{kind} {p}"][0] for p in paths] == [False, True, True, False]
        assert max(seconds for _, seconds in found.values()) < 0.5


@pytest.mark.parametrize("pattern", [r"^/\d{4}/(?!page/)[^/]+$", r"^/(\w+)/\1$",
                                     r"^/(?<=x)y"])
def test_a_url_pattern_the_linear_engine_cannot_take_is_refused_at_load(
        tmp_path: Path, pattern: str) -> None:
    """Lookarounds and backreferences have no linear-time match: refused, named, with a way out."""
    path = tmp_path / "sites.toml"
    for field in ("article_path", "skip_paths", "url_date"):
        value = f"'{pattern}'" if field == "article_path" else f"['{pattern}']"
        if field == "url_date":
            value = f"'(?P<y>\\d{{4}})(?P<m>\\d\\d)(?P<d>\\d\\d){pattern}'"
        row = 'host = "rayon.by"\nname = "R"\narticle_path = "^/x"\n'
        row = row.replace('article_path = "^/x"', f"article_path = {value}") \
            if field == "article_path" else row + f"{field} = {value}\n"
        path.write_text(DEFAULTS + "[[site]]\n" + row, encoding="utf-8")
        with pytest.raises(SiteRowError, match=f"field '{field}': .*cannot be matched in linear time") as caught:
            load_sites(path)
        assert "lookaround" in str(caught.value), caught.value
        if field == "url_date":
            continue  # no site-row field
        with pytest.raises(SiteRowError, match=f"field '{field}': .*cannot be matched in linear"):
            load_rows([{"url": "https://rayon.by/", "article_path": "^/x",
                        field: pattern if field == "article_path" else [pattern]}])
