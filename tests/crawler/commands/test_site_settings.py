"""``EXTRA_OUTLETS`` and ``OUTLET_BASE_URLS`` checked before a crawl starts: a mistake is a
usage error (exit 2) naming the setting, not a traceback per request inside the reactor."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from crawler.commands.arguments import check_site_settings
from crawler.siteoutlets import SiteRowError, load_rows
from tests.support.crawl import scrapy_command
from tests.support.hang import python_within


@pytest.mark.parametrize(("value", "message"), [
    ({"belta": "www.belta-mirror.by"}, "OUTLET_BASE_URLS['belta']: 'www.belta-mirror.by' is no "
                                       "base URL; give the scheme and host"),
    ({"belta": 5}, "OUTLET_BASE_URLS['belta']: 5 is no base URL"),
    ({"zerkalo": "ftp://mirror.example/"}, "OUTLET_BASE_URLS['zerkalo']: 'ftp://mirror"),
    ("not json", "OUTLET_BASE_URLS must be a JSON object of outlet key (or host) -> base URL"),
])
def test_a_base_url_with_no_scheme_or_of_another_type_is_a_usage_error(
        value: object, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_site_settings(Settings({"OUTLET_BASE_URLS": value}))
    assert message in str(caught.value)


def test_a_base_url_for_no_outlet_is_warned_of_by_name(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings({"OUTLET_BASE_URLS": {
        "zerkallo": "https://mirror.example", "zerkalo": "https://m2.example/news",
        "www.belta.by": "http://127.0.0.1:1", "pvestnik.by": "http://127.0.0.1:2",
        "my-site.org": "http://127.0.0.1:3"}})
    with caplog.at_level(logging.WARNING, logger="crawler.commands.arguments"):
        check_site_settings(settings, {"url": "https://www.my-site.org/"})
    warned = [r.getMessage() for r in caplog.records]
    assert warned == ["OUTLET_BASE_URLS names 'zerkallo', which is no outlet key or host of "
                      "this run: its base URL https://mirror.example is not used"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="crawler.commands.arguments"):
        check_site_settings(settings)  # no site spider: its row's host is no outlet's
    assert [r.getMessage().split(",")[0] for r in caplog.records] == [
        "OUTLET_BASE_URLS names 'zerkallo'", "OUTLET_BASE_URLS names 'my-site.org'"]


def test_extra_outlets_of_the_wrong_shape_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^EXTRA_OUTLETS: row 1 must be a table of fields"):
        check_site_settings(Settings({"EXTRA_OUTLETS": '["https://a.org/"]'}))
    # crawlall leaves it to the site spider (its crash does not stop the other spiders)
    check_site_settings(Settings({"EXTRA_OUTLETS": '["https://a.org/"]'}), extra_outlets=False)


def test_the_crawl_command_refuses_a_key_clash_across_arguments_and_setting(
        tmp_path: Path) -> None:
    """``-a url`` and EXTRA_OUTLETS together; with EXTRA_OUTLETS not this command's to check
    (crawlall: its other spiders outlive the site spider's refusal) the given rows alone."""
    settings = Settings({"EXTRA_OUTLETS": [{"url": "https://b.example/", "key": "a.example"}]})
    with pytest.raises(UsageError, match=r"^the rows https://a\.example/ and "
                                         r"https://b\.example/ both give the key 'a\.example'"):
        check_site_settings(settings, {"url": "https://a.example/"})
    check_site_settings(settings, {"url": "https://a.example/"}, extra_outlets=False)
    given = tmp_path / "o.toml"
    given.write_text('[[site]]\nurl = "https://c.example/"\nkey = "news"\n'
                     '[[site]]\nurl = "https://d.example/"\nkey = "news"\n', "utf-8")
    with pytest.raises(UsageError, match="https://d.example/ both give the key 'news'"):
        check_site_settings(settings, {"outlets": str(given)}, extra_outlets=False)


def test_the_crawl_command_refuses_a_base_url_with_no_scheme() -> None:
    result = scrapy_command("crawl", "belta", "-s",
                            'OUTLET_BASE_URLS={"belta": "www.belta-mirror.by"}')
    assert result.returncode == 2, result.stderr[-3000:]
    assert "error: OUTLET_BASE_URLS['belta']: 'www.belta-mirror.by' is no base URL" \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_another_spiders_crawl_leaves_extra_outlets_to_the_site_spider() -> None:
    """Only the site spider reads EXTRA_OUTLETS: ``crawl belta`` with a missing file is not
    refused over it (here its bad OUTLET_BASE_URLS is what stops it, named alone)."""
    result = scrapy_command("crawl", "belta", "-s", "EXTRA_OUTLETS=/nonexistent/rows.toml",
                            "-s", 'OUTLET_BASE_URLS={"belta": "www.belta-mirror.by"}')
    assert result.returncode == 2, result.stderr[-3000:]
    assert "OUTLET_BASE_URLS['belta']" in result.stderr
    assert "EXTRA_OUTLETS" not in result.stderr


def test_a_www2_sites_key_takes_a_base_url_without_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings({"OUTLET_BASE_URLS": {"example.org": "http://127.0.0.1:1"}})
    with caplog.at_level(logging.WARNING, logger="crawler.commands.arguments"):
        check_site_settings(settings, {"url": "https://www2.example.org/"})
    assert caplog.records == []


def test_a_long_host_that_is_no_host_name_is_refused_at_once() -> None:
    """The host check made each dot optional: a 40-letter typo took minutes to refuse (the
    subprocess's timeout fails the test instead of holding the suite)."""
    script = ("from crawler.siteoutlets import SiteRowError, check_row\n"
              "for host in ('belarusregionalnewsportalnumberone1234567,by', 'a' * 60 + '$'):\n"
              "    try:\n        check_row({'url': f'https://{host}/'})\n"
              "    except SiteRowError as exc:\n        print('refused', 'no host name' in str(exc))\n")
    result = python_within(30, script)
    assert result.stdout.split("\n")[:2] == ["refused True", "refused True"], result.stderr


def test_the_site_spider_refuses_a_key_clash_its_command_left_to_it() -> None:
    """crawlall leaves EXTRA_OUTLETS to the site spider: it refuses the clash as it is built
    (a crash the other spiders outlive), before any site is set up."""
    from scrapy.utils.test import get_crawler

    from crawler.spiders.site import SiteSpider

    crawler = get_crawler(SiteSpider, {"EXTRA_OUTLETS": [
        {"url": "https://b.example/", "key": "a.example"}]})
    with pytest.raises(UsageError, match=r"^the rows https://a\.example/ and https://b\."
                                         r"example/ both give the key 'a\.example'"):
        SiteSpider.from_crawler(crawler, url="https://a.example/")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CONCURRENT_REQUESTS_PER_DOMAIN", "0", "a whole number of at least 1"),
    ("FEED_MAX_ENTRIES", "abc", "a whole number of at least 1"),
    ("EXTRACTION_WORKERS", "1.5", "a whole number of at least 0"),
    ("DOWNLOAD_MAXSIZE", "-1", "a whole number of at least 0"),
    ("EXTRACTION_TIMEOUT", "0", "a number of seconds above 0"),
    ("HEALTH_MIN", "5", "a share from 0 to 1"), ("RULE_MISS_ALARM", "abc", "a number"),
    ("WARC_ENABLED", "maybe", "True or False (1 or 0)"),
    ("REFETCH_MAX_AGE_DAYS", "-1", "a number of at least 0"),
])
def test_run_settings_out_of_range_or_of_the_wrong_kind_are_usage_errors(
        name: str, value: str, message: str) -> None:
    """CONCURRENT_REQUESTS_PER_DOMAIN=0 crawled nothing for ever (a SIGTERM did not end it);
    a number that is no number was a traceback at start or per feed; a share above 1 an
    alarm on every run."""
    import crawler.settings as defaults

    settings = Settings()
    settings.setmodule(defaults)
    check_site_settings(settings)  # the defaults pass, and a fraction of a day
    settings.set("REFETCH_MAX_AGE_DAYS", "0.001", priority="cmdline")
    check_site_settings(settings)
    settings.set(name, value, priority="cmdline")
    with pytest.raises(UsageError) as caught:
        check_site_settings(settings)
    assert str(caught.value) == f"-s {name}={value!r}: must be {message}"


def test_a_crawl_with_no_connection_allowed_per_site_is_refused_at_once(tmp_path: Path) -> None:
    result = scrapy_command("crawl", "site", "-a", "url=http://127.0.0.1:9/", "-s",
                            f"DATA_DIR={tmp_path}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=0",
                            timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "CONCURRENT_REQUESTS_PER_DOMAIN='0': must be a whole number of at least 1" \
        in result.stderr


def test_an_outlets_file_that_is_no_utf8_is_a_usage_error(tmp_path: Path) -> None:
    """TOML is UTF-8: a file saved as windows-1251 was a UnicodeDecodeError traceback."""
    rows = tmp_path / "rows.toml"
    rows.write_bytes('[[site]]\nurl = "http://rayon.by/"\nname = "Раён"\n'.encode("cp1251"))
    with pytest.raises(UsageError) as caught:
        check_site_settings(Settings({"EXTRA_OUTLETS": str(rows)}))
    assert f"outlets file {rows}: 'utf-8' codec can't decode" in str(caught.value)


def test_an_outlets_file_named_json_is_read_as_json(tmp_path: Path) -> None:
    """A ``.json`` rows file was parsed as TOML: a list of rows was refused as bad TOML."""
    listed, wrapped, one = (tmp_path / name for name in ("l.json", "w.JSON", "one.json"))
    listed.write_text('[{"url": "http://rayon.by/", "name": "Раён"}]', "utf-8")
    wrapped.write_text('{"site": [{"url": "http://rayon.by/"}, {"url": "http://b.by/"}]}')
    one.write_text('{"url": "http://rayon.by/"}')
    assert [row["url"] for row in load_rows(str(listed))] == ["http://rayon.by/"]
    assert load_rows(listed)[0]["name"] == "Раён"
    assert [row["url"] for row in load_rows(wrapped)] == ["http://rayon.by/", "http://b.by/"]
    with pytest.raises(UsageError, match=r"one\.json: a JSON rows file is a list of rows"):
        check_site_settings(Settings({"EXTRA_OUTLETS": str(one)}))
    one.write_text('[{"url": "http://rayon.by/",]')
    with pytest.raises(UsageError, match=r"outlets file .*one\.json: Expecting"):
        check_site_settings(Settings({"EXTRA_OUTLETS": str(one)}))


@pytest.mark.parametrize(("rows", "owner"), [
    ([{"url": "https://a.example/", "aliases": ["www.belta.by"]}], "the outlet 'belta'"),
    ([{"url": "https://a.example/", "aliases": "pvestnik.by"}], "the outlet 'pvestnik.by'"),
    ([{"url": "https://a.example/", "aliases": ["b.example"]}, {"url": "https://www.b.example/"}],
     "the row https://www.b.example/"),
    ([{"url": "https://www.belta.by/", "aliases": ["news.zerkalo.io"]}], "the outlet 'zerkalo'"),
])
def test_an_alias_naming_another_outlets_site_is_a_usage_error(
        rows: list[dict[str, object]], owner: str) -> None:
    """Its pages would be read as the row's or as the other outlet's, by order: accepted."""
    with pytest.raises(UsageError) as caught:
        check_site_settings(Settings({"EXTRA_OUTLETS": rows}))
    assert f"its alias {rows[0]['aliases']!r}".replace("['", "'").replace("']", "'") \
        in str(caught.value) and f"is the site of {owner}" in str(caught.value)


def test_an_alias_of_the_rows_own_site_or_a_free_host_passes() -> None:
    check_site_settings(Settings({"EXTRA_OUTLETS": [
        {"url": "https://www.belta.by/", "aliases": ["belta.by"]},
        {"url": "https://a.example/", "aliases": ["old-a.example", "m.a.example"]},
        {"url": "https://m.a.example/"}]}))


# addresses that are no URLs: urlsplit refuses the host (a bracket never closed or never
# opened, a host NFKC makes another, no IP address in brackets), w3lib refuses what follows
# the brackets, or the port is past 65535
NO_URLS = [("http://[news.example/", "Invalid IPv6 URL"), ("http://[::1", "Invalid IPv6 URL"),
           ("http://news]example/", "Invalid IPv6 URL"),
           ("http://news\uff03example/", "invalid characters under NFKC normalization"),
           ("http://[news]/", "does not appear to be an IPv4 or IPv6 address"),
           ("http://[::1]x/", "Invalid IPv6 URL"),
           ("https://news.example:99999/", "Port out of range 0-65535")]


@pytest.mark.parametrize(("url", "why"), NO_URLS)
def test_a_site_address_that_is_no_url_is_a_usage_error_naming_why(url: str, why: str) -> None:
    """``-a url=http://[news.example/`` (and a row of -a outlets or EXTRA_OUTLETS so spelt)
    ended ``scrapy crawl site`` with a ValueError traceback (exit 1), not the usage error
    (exit 2) a bad argument gets; ``http://[::1]x/`` was crawled as ``http://[::1]/``."""
    from crawler.spiders.site import SiteSpider

    with pytest.raises(UsageError) as caught:
        SiteSpider.check_arguments(url=url)
    assert str(caught.value).startswith(f"-a url: 'url' {url!r}: ")
    assert why in str(caught.value)
    with pytest.raises(UsageError, match=r"^EXTRA_OUTLETS row 1: 'url' ") as caught:
        check_site_settings(Settings({"EXTRA_OUTLETS": [{"url": url}]}))
    assert why in str(caught.value)


@pytest.mark.parametrize(("url", "why"), NO_URLS)
def test_a_base_url_that_is_no_url_is_a_usage_error_naming_why(url: str, why: str) -> None:
    """An OUTLET_BASE_URLS mirror so spelt passed the check and stopped the spider as it
    started (``start_error``, nothing crawled) or with a traceback."""
    with pytest.raises(UsageError) as caught:
        check_site_settings(Settings({"OUTLET_BASE_URLS": {"belta": url}}))
    assert str(caught.value).startswith(f"OUTLET_BASE_URLS['belta']: {url!r} is no base URL (")
    assert why in str(caught.value)


@pytest.mark.parametrize("field", ["feeds", "sitemaps"])
@pytest.mark.parametrize(("url", "why"), [
    ("https://news.example:99999/rss", "Port out of range 0-65535"),
    ("https://news.example:rss/", "Port could not be cast to integer value as 'rss'")])
def test_a_rows_feed_or_sitemap_address_that_is_no_url_is_a_usage_error(
        field: str, url: str, why: str) -> None:
    """A row's feed or sitemap address with a port that is none passed the row's check; the
    site's home page, which asks for them, then failed with the ValueError of its request:
    the site gave nothing to read, and the run said nothing of why but a signal's traceback."""
    with pytest.raises(SiteRowError) as caught:
        load_rows([{"url": "https://news.example/", field: [url]}])
    assert str(caught.value) == f"EXTRA_OUTLETS row 1: field {field!r}: {url!r} is no URL ({why})"


def test_the_crawl_command_refuses_a_site_address_that_is_no_url() -> None:
    result = scrapy_command("crawl", "site", "-a", "url=http://[news.example/")
    assert result.returncode == 2, result.stderr[-3000:]
    assert "error: -a url: 'url' 'http://[news.example/': Invalid IPv6 URL" in result.stderr
    assert "Traceback" not in result.stderr
