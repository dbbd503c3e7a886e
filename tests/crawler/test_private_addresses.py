"""The address rule that keeps sitemap, feed and page URLs a site names off the crawler's own
network (SSRF): localhost and IP literals that are not globally routable, however spelt."""

from __future__ import annotations

import pytest
from scrapy import Request

from crawler import urls
from crawler.urls import private_address, private_hosts, refused_address


@pytest.mark.parametrize(("url", "why"), [
    ("http://localhost:6379/", "localhost"),
    ("http://LOCALHOST./", "localhost"),
    ("http://redis.localhost/", "localhost"),
    ("http://127.0.0.1/", "loopback address 127.0.0.1"),
    ("http://169.254.169.254/latest/meta-data/", "link-local address 169.254.169.254"),
    ("http://10.1.2.3:8500/v1/kv/?recurse", "private address 10.1.2.3"),
    ("http://192.168.1.1/", "private address 192.168.1.1"),
    ("http://0.0.0.0/", "unspecified address 0.0.0.0"),
    ("http://224.0.0.1/", "multicast address 224.0.0.1"),
    ("http://240.0.0.1/", "reserved address 240.0.0.1"),
    ("http://100.64.0.1/", "non-global address 100.64.0.1"),
    ("http://[::1]:8080/", "loopback address ::1"),
    ("http://[fe80::1]/", "link-local address fe80::1"),
    ("http://[fd00::1]/", "private address fd00::1"),
    ("http://[::ffff:127.0.0.1]/", "loopback address 127.0.0.1"),
    ("http://[::ffff:a9fe:a9fe]/", "link-local address 169.254.169.254"),
    ("http://2130706433/", "loopback address 127.0.0.1"),  # one decimal number
    ("http://0x7f.1/", "loopback address 127.0.0.1"),  # hex, two parts
    ("http://0177.0.0.1/", "loopback address 127.0.0.1"),  # octal
    ("http://0xa9.0xfe.0xa9.0xfe/", "link-local address 169.254.169.254"),
    ("http://127.1/", "loopback address 127.0.0.1"),
    ("http://0/", "unspecified address 0.0.0.0"),
    ("http://127.0.0.1./", "loopback address 127.0.0.1"),
])
def test_addresses_off_the_internet_are_named_with_their_reason(url: str, why: str) -> None:
    assert private_address(url) == why


@pytest.mark.parametrize(("url", "why"), [
    ("http://\uff11\uff16\uff19\uff0e\uff12\uff15\uff14\uff0e\uff11\uff16\uff19\uff0e"
     "\uff12\uff15\uff14/latest/meta-data/", "link-local address 169.254.169.254"),  # fullwidth
    ("http://127\u30020\u30020\u30021/", "loopback address 127.0.0.1"),  # ideographic stops
    ("http://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3:6379/", "localhost"),
    ("http://loca\uff4chost/", "localhost"),  # one fullwidth letter
    ("http://\uff11\uff10\u3002\uff11\u3002\uff12\u3002\uff13:8500/v1/kv/",
     "private address 10.1.2.3"),
    ("http://127.0.0.1\\@evil.test/bs.xml", "loopback address 127.0.0.1"),  # "\\" ends it
    ("http://127.0.0.1\t/", "loopback address 127.0.0.1"),
])
def test_spellings_the_request_normalises_are_judged_as_fetched(url: str, why: str) -> None:
    """Scrapy's Request runs every URL through w3lib's safe_url_string: IDNA maps fullwidth
    digits and letters, circled letters and ideographic full stops to ASCII, and a backslash
    starts the path, so each of these is fetched from the address named (each was)."""
    assert private_address(url) == why
    assert private_address(Request(url).url) == why


@pytest.mark.parametrize("url", [
    "https://example.org/", "http://93.184.216.34/", "http://[2606:4700::1111]/",
    "http://localhost.example.org/", "http://1234.example/", "http://0x7f.example/",
    "http://4294967296/",  # past 32 bits: no IPv4 address, a (bad) name
    "http://1.2.3.4.5/", "http://08.0.0.1/",  # no inet_aton spelling either
    "http://[::1/", "not a url", "",
])
def test_public_addresses_and_names_are_not(url: str) -> None:
    assert private_address(url) is None


@pytest.mark.parametrize(("url", "why"), [
    ("http://[2002:7f00:1::]/", "loopback address 127.0.0.1"),  # 6to4 of 127.0.0.1
    ("http://[2002:a9fe:a9fe::1]/latest/", "link-local address 169.254.169.254"),
    ("http://[2002:0a00:0005::]:8500/", "private address 10.0.0.5"),
])
def test_an_ipv4_address_inside_6to4_is_judged_as_that_address(url: str, why: str) -> None:
    """Python calls 2002::/16 global, but a 6to4 relay carries it to the IPv4 address it
    embeds: 2002:7f00:1:: is 127.0.0.1 to whoever routes it."""
    assert private_address(url) == why


SITES = ["http://127.0.0.1:8000/", "https://news.zerkalo.io/", "http://[::1]:9000/"]


def test_the_private_hosts_a_crawl_reaches_are_those_its_own_sites_are_on() -> None:
    """Public sites add nothing; a private site's host is one spelling whatever the URL
    (2130706433 and 0x7f.1 are 127.0.0.1), any port."""
    hosts = private_hosts(SITES)
    assert hosts == {"127.0.0.1", "::1"}
    for url in ("http://127.0.0.1:9999/robots.txt", "http://2130706433/a", "http://0x7f.1/",
                "http://[::1]/", "http://[::ffff:127.0.0.1]/", "https://example.org/"):
        assert refused_address(url, hosts) is None, url


@pytest.mark.parametrize(("url", "why"), [
    ("http://10.0.0.5/sitemap.xml", "private address 10.0.0.5"),
    ("http://169.254.169.254/latest/meta-data/", "link-local address 169.254.169.254"),
    ("http://localhost:8000/", "localhost"),  # a name for 127.0.0.1, not the site's host
    ("http://127.0.0.2/", "loopback address 127.0.0.2"),
])
def test_another_private_host_is_refused_though_a_site_is_local(url: str, why: str) -> None:
    assert refused_address(url, private_hosts(SITES)) == why
    assert refused_address(url, private_hosts([])) == why


@pytest.mark.parametrize("authority", [
    "http://127.0.0.1", "http://127.0.0.1:8080", "http://2130706433", "http://[::1]",
    "http://\uff11\uff16\uff19\uff0e\uff12\uff15\uff14\uff0e\uff11\uff16\uff19\uff0e\uff12\uff15"
    "\uff14", "http://127.0.0.1\\@evil.test", "http://evil.test\\@127.0.0.1", "http://127.0.0.1\t",
    "http://user:pw@10.0.0.1", "https://example.org", "http://[::1", "HTTP://LOCALHOST",
])
@pytest.mark.parametrize("rest", ["", "/", "/a/b.xml?x=1#f", "?q=http://127.0.0.1/",
                                  "#frag", "/\\@example.org/", "/%2F..%2F", " ", "\x00",
                                  "\x0b", "\x1f", "/ "])
def test_the_cached_judgement_of_an_authority_is_the_whole_urls(authority: str,
                                                                  rest: str) -> None:
    """``private_address`` judges (and caches) the scheme and authority alone: whatever
    follows them, its answer is the uncached reading of the whole URL."""
    url = authority + rest
    assert private_address(url) == urls._private_address(url)


@pytest.mark.parametrize("url", ["/news?u=http://127.0.0.1/", "//127.0.0.1/x",
                                 "not a url://127.0.0.1/"])
def test_what_has_no_scheme_is_judged_uncached_as_it_is(url: str) -> None:
    assert private_address(url) == urls._private_address(url)
