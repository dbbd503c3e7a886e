"""A name that resolves to the crawler's own network, in a real ``scrapy crawl``: the URL
checks cannot judge a name, the resolver (crawler/resolver.py) judges its answer.

Unlike the other e2e crawls, this one has no proxy: the site is fetched on the fixture
server's port, so that the redirect to the name is made directly and the name resolved by
the crawler. Through a proxy the proxy resolves it, and Scrapy keeps an environment proxy
for a redirect to a host ``no_proxy`` names (see crawler/resolver.py)."""

from __future__ import annotations

import socket
from ipaddress import ip_address
from pathlib import Path

import pytest

from tests.e2e.test_any_site import WINDOW
from tests.sites import anysite
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite
from tests.support.warcs import archived_records

pytestmark = pytest.mark.slow

HOST = "127.0.0.1"


def loopback_name() -> str:
    """A name, no literal and no ``localhost``, that this machine resolves to a loopback
    address (where the fixture server listens): its own name from /etc/hosts, or another."""
    for name in (socket.gethostname(), "localhost.localdomain", "ip6-localhost"):
        if name == "localhost" or name.endswith(".localhost"):
            continue
        try:
            address = socket.gethostbyname(name)
        except OSError:
            continue
        if ip_address(address).is_loopback:
            return name
    pytest.skip(f"no name but localhost resolves to a loopback address here "
                f"({socket.gethostname()!r} does not)")


def archived_uris(data_dir: Path) -> list[str]:
    return [r.rec_headers.get_header("WARC-Target-URI") or ""
            for r in archived_records(data_dir / "warc")]


def test_a_redirect_to_a_name_resolving_to_loopback_is_refused_at_resolution(tmp_path
                                                                              ) -> None:
    """A local site's article answers 302 to http://<the machine's name>:PORT/secret: no
    literal, so the middleware lets it pass; the resolver's answer is 127.0.0.1 and the name
    is no site's, so the lookup fails with the reason (the name, the address, why), logged,
    counted per request, not retried, not archived. With ALLOW_PRIVATE_ADDRESSES the same
    crawl fetches the secret: the name does reach the server."""
    name = loopback_name()
    secret = VirtualSite(name)
    secret.dynamic.append(lambda _: Page(b"SECRET-TOKEN", content_type="text/plain"))
    with FixtureServer([secret]) as server:
        here = f"{HOST}:{server.port}"  # fetched directly: no proxy between it and the crawl
        site, _, inside, outside = anysite._site(here, 3, 500,
                                                 "/articles/material-{n}-{i}.html", "jsonld",
                                                 ["Мария Иванова"])
        moved = f"http://{here}/articles/material-9-9.html"
        site.add("/robots.txt", Page(f"User-agent: *\nSitemap: http://{here}/sitemap.xml\n"
                                     .encode(), content_type="text/plain"))
        site.add("/sitemap.xml", anysite.news_urlset(
            [(moved, inside[0].title, inside[0].published)]
            + [(g.url, g.title, g.published) for g in inside + outside]))
        site.add("/", anysite.chrome(here, "<p>Новости</p>"))
        target = f"http://{name}:{server.port}/secret"
        site.add("/articles/material-9-9.html", Page(b"", status=302,
                                                     headers=[("Location", target)]))
        server.sites[HOST] = site  # the server knows a host by its name, without the port
        direct = {"http_proxy": "", "HTTP_PROXY": ""}
        result = run_crawl("site", tmp_path / "refused", server,
                           args={"url": f"http://{here}/", **WINDOW}, env=direct,
                           settings={"OUTLET_BASE_URLS": {}})  # the site's URL as given
        refused = list(server.requests)
        allowed = run_crawl("site", tmp_path / "allowed", server,
                            args={"url": f"http://{here}/", **WINDOW}, env=direct,
                            settings={"OUTLET_BASE_URLS": {},
                                      "ALLOW_PRIVATE_ADDRESSES": True})
        followed = server.requests[len(refused):]
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(i["url"] for i in result.items) == sorted(g.url for g in inside)
    assert f"http://{HOST}/articles/material-9-9.html" in refused, sorted(refused)  # no port
    assert not [u for u in refused if f"//{name}" in u], sorted(refused)
    assert (f"Refused the DNS answer for {name}: DNS lookup failed: {name} resolves to "
            "loopback address 127.0.0.1, off the public Internet, and no site of this crawl "
            "is on that name (ALLOW_PRIVATE_ADDRESSES=True lets it through)" in result.log)
    # the redirect target and its robots.txt, each once: not retried
    assert result.stats["downloader/refused_dns_address"] == 2, result.stats
    assert "retry/count" not in result.stats, result.stats
    assert "downloader/refused_address" not in result.stats
    uris = archived_uris(result.data_dir)
    assert moved in uris  # the 302 is archived, what it named is not
    assert not [u for u in uris if f"//{name}" in u], uris
    assert allowed.returncode == 0, allowed.log[-3000:]
    assert any(u.endswith("/secret") for u in followed), sorted(followed)
    assert any(u.endswith("/secret") and f"//{name}" in u for u in archived_uris(
        allowed.data_dir))
    assert "downloader/refused_dns_address" not in allowed.stats
