import json
import subprocess

import pytest

from archive.urls import desktop_host, normalize_url, same_site, surt
from tests.support.pywb import tools_bin, tools_venv

URLS = [
    "http://127.0.0.1:38365/search?q=%D0%BA%D0%BE%D1%82&page=2",
    "http://127.0.0.1:38365/",
    "https://www.Example.com:443/A/b?z=1&a=2#frag",
    "http://example.com:80/ru/%d0%bf.html",
    "https://news.zerkalo.io/life/123.html?utm_source=x",
    "http://example.com/ru/привет.html",
    "http://EXAMPLE.com/a%2fb?x=%7e",
    "http://example.com/dir/",
    # foreign archives: hosts with unsafe bytes, non-http schemes, IDN, escaped hosts
    "http://a b.example.com/x",
    "dns:WWW.Example.com",
    "urn:pageinfo:https://Example.com/A?b=1&a=2",
    "metadata://gnu.org/software/wget/warc/MANIFEST.txt",
    "file:///example%20with%20spaces.png",
    "http://пример.бел/путь",
    "http://ex%41mple.com/",
    "http://[::1/x",
]


@pytest.mark.skipif(not tools_bin("python").exists(), reason=f"no tools venv at {tools_venv()}")
def test_surt_matches_reference_implementation():
    code = "import json,sys; from surt import surt; print(json.dumps([surt(u) for u in json.load(sys.stdin)]))"
    res = subprocess.run(
        [tools_bin("python"), "-c", code], input=json.dumps(URLS), capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert [surt(u) for u in URLS] == json.loads(res.stdout)


def test_normalize_url_equivalences():
    a = normalize_url("http://example.com/ru/%d0%bf?q=%7e")
    assert a == normalize_url("<HTTP://Example.COM:80/ru/п?q=~>")
    assert a == "http://example.com/ru/%D0%BF?q=~"
    assert normalize_url("http://e.com/a%2Fb") != normalize_url("http://e.com/a/b")


def test_article_keys_of_windows_1251_queries_are_told_apart() -> None:
    """Read as UTF-8 every cp1251 value of one length became the same run of U+FFFD: one key
    for many articles, so a lookup returned another article's."""
    from archive.urls import article_key

    one = article_key("https://site.by/view.php?t=%CD%EE%E2")
    assert one != article_key("http://www.site.by/view.php?t=%C0%C1%C2&utm_source=x")
    assert one == article_key("http://www.site.by/view.php?t=%cd%ee%e2&utm_source=x#c")
    assert article_key("https://site.by/v?q=Новости") == article_key(
        "https://site.by/v?q=%D0%9D%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8")


def test_split_key_is_the_article_key_with_the_callers_noise_and_hosts() -> None:
    """One reading of host, path and query for the article key and the crawler's pager: the
    default is :func:`article_key`'s; the pager's keeps ``from`` and a mobile host apart."""
    from urllib.parse import urlsplit

    from archive.urls import article_key, split_key

    url = "http://WWW.m.Site.by:80/news/%d0%b0/;jsessionid=1?from=rss&id=5&utm_source=x"
    assert split_key(urlsplit(url)) == article_key(url)
    narrow = split_key(urlsplit(url), noise=lambda name, _: name.startswith("utm_"),
                       companions=False)
    assert narrow is not None and narrow.host == "m.site.by" and narrow.path == "/news/%D0%B0"
    assert narrow.query == {("from", "rss"), ("id", "5")}
    assert split_key(urlsplit("http://site.by:99999/a")) is None


@pytest.mark.parametrize(("host", "desktop"), [
    ("m.example.by", "example.by"), ("MOBILE.news.example.by.", "news.example.by"),
    ("touch.example.ru", "example.ru"), ("pda.example.ru", "example.ru"),
    ("m.by", None), ("example.by", None), ("www.example.by", None), ("amp.example.by", None),
    ("media.example.by", None), ("mm.example.by", None),
])
def test_desktop_host_is_only_the_candidate_a_mobile_label_names(host: str,
                                                                 desktop: str | None) -> None:
    assert desktop_host(host) == desktop


@pytest.mark.parametrize(("host", "home", "same"), [
    ("news.example.by", "example.by", True), ("example.by", "www.example.by", True),
    ("www.example.by", "example.by", True), ("a.b.example.by", "EXAMPLE.BY.", True),
    ("news.example.com.by", "example.com.by", True), ("lenta.site.org.ru", "site.org.ru", True),
    ("news.xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai", True),
    ("127.0.0.1", "127.0.0.1", True),
    ("example.by", "news.example.by", False),  # the parent: perhaps a hosting service's
    ("b.narod.ru", "a.narod.ru", False), ("other.ucoz.ru", "mysite.ucoz.ru", False),
    ("x.blogspot.com", "y.blogspot.com", False), ("other.com.by", "example.com.by", False),
    ("example.by", "other.by", False), ("news.example.by", "news.example.ru", False),
    ("127.0.0.2", "127.0.0.1", False), ("", "example.by", False), ("badexample.by", "example.by", False),
])
def test_a_sites_hosts_are_its_own_name_and_names_under_it(host: str, home: str,
                                                            same: bool) -> None:
    """The hosts a site's list of all news may live on (``news.``, ``www.``): never a
    sibling under one parent (two customers of a hosting service) nor the parent."""
    assert same_site(host, home) is same
