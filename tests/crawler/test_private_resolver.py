"""The resolver's half of the SSRF defence: a name the URL checks cannot judge (the machine's
own name, metadata.google.internal, an attacker's name for 127.0.0.1) is judged by the
address it resolves to, unless it is the name of a site of the crawl."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy.crawler import CrawlerRunner
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.http import Request
from scrapy.resolver import dnscache
from scrapy.utils.datatypes import LocalCache
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawler import resolver as resolver_module
from crawler import settings as project
from crawler.downloadermiddlewares.private import PrivateAddressMiddleware
from crawler.downloadermiddlewares.retry import BackoffRetryMiddleware
from crawler.resolver import PrivateAnswer, PrivateAnswerResolver, looked_up, private_answer
from crawler.spiders.site import SiteSpider
from crawler.urls import site_urls as real_site_urls

pytestmark = pytest.mark.usefixtures("site_registries_withdrawn")

class _Reactor:
    """What the resolver keeps of a reactor before it resolves: nothing is run here."""


def resolver(settings: dict[str, Any] | None = None, url: str = "http://127.0.0.1:8000/"
             ) -> tuple[PrivateAnswerResolver, Any]:
    crawler = get_crawler(SiteSpider, settings or {})
    crawler.spider = SiteSpider.from_crawler(crawler, url=url)
    crawler.stats.open_spider()
    return PrivateAnswerResolver.from_crawler(crawler, _Reactor()), crawler


@pytest.mark.parametrize(("address", "why"), [
    ("10.1.2.3", "private address 10.1.2.3"),
    ("127.0.1.1", "loopback address 127.0.1.1"),
    ("169.254.169.254", "link-local address 169.254.169.254"),
    ("::1", "loopback address ::1"),
    ("2002:7f00:1::", "loopback address 127.0.0.1"),  # 6to4 of 127.0.0.1
    ("::ffff:10.0.0.5", "private address 10.0.0.5"),
    ("fe80::1%eth0", "link-local address fe80::1"),
])
def test_a_name_answered_with_a_private_address_is_refused(address: str, why: str) -> None:
    made, _ = resolver()
    assert made.refusal("metadata.google.internal", address) == why


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "not an address"])
def test_a_public_answer_passes(address: str) -> None:
    made, _ = resolver()
    assert made.refusal("example.org", address) is None


def test_the_name_of_a_site_of_the_crawl_may_resolve_to_its_own_network() -> None:
    """A local mirror on a name of the user's network; only that name passes, not another
    name for the same address, not the site's address spelt as a name."""
    made, _ = resolver(url="http://Mirror.LAN:8080/")
    assert made.refusal("mirror.lan", "192.168.1.5") is None
    assert made.refusal("MIRROR.LAN.", "192.168.1.5") is None
    assert made.refusal("evil.example", "192.168.1.5") == "private address 192.168.1.5"
    local, _ = resolver()  # the site is on 127.0.0.1: the machine's name is another host
    assert local.refusal("vm", "127.0.0.1") == "loopback address 127.0.0.1"


def test_a_proxy_the_environment_names_may_be_on_the_users_network(monkeypatch) -> None:
    monkeypatch.setenv("http_proxy", "http://Proxy.Corp:3128")
    made, _ = resolver()
    assert made.refusal("proxy.corp", "10.0.0.1") is None
    assert made.refusal("other.corp", "10.0.0.1") == "private address 10.0.0.1"


@pytest.mark.parametrize("settings", [{"ALLOW_PRIVATE_ADDRESSES": True},
                                      {"WARC_REPLAY": "/nonexistent/*.warc.gz"}])
def test_every_answer_passes_when_private_addresses_are_allowed(settings: dict[str, Any]
                                                                 ) -> None:
    made, _ = resolver(settings)
    assert made.refusal("metadata.google.internal", "169.254.169.254") is None


def test_a_cached_answer_is_judged_too_and_fails_the_lookup_with_the_reason(caplog) -> None:
    """Scrapy's cache answers without a thread (and without the reactor): a name cached as
    private is refused each time it is asked, with a DNSLookupError naming it and why."""
    made, _ = resolver()
    outcome = cached_lookup(made, "secret.example", "10.9.8.7")
    assert isinstance(outcome, Failure)
    error = outcome.value
    assert isinstance(error, PrivateAnswer) and isinstance(error, DNSLookupError)
    assert ("secret.example resolves to private address 10.9.8.7, off the public Internet, "
            "and no site of this crawl is on that name") in str(error)
    assert "Refused the DNS answer for secret.example: " in caplog.text
    assert cached_lookup(made, "example.org", "93.184.216.34") == "93.184.216.34"


def cached_lookup(made: Any, name: str, address: str) -> Any:
    """What the resolver gives for ``name`` while Scrapy's cache holds ``address`` for it."""
    dnscache[name] = address
    try:
        outcome: list[Any] = []
        made.getHostByName(name).addBoth(outcome.append)
    finally:
        del dnscache[name]
    return outcome[0]


def wrapped(error: Exception) -> CannotResolveHostError:
    """The error as Scrapy's handler raises it (``raise CannotResolveHostError(…) from e``)."""
    try:
        try:
            raise error
        except DNSLookupError as e:
            raise CannotResolveHostError(str(e)) from e
    except CannotResolveHostError as outer:
        return outer


def test_a_lookup_failed_for_a_refused_name_is_known_by_its_name() -> None:
    """Twisted's HostnameEndpoint (a direct request) drops the resolver's error and says
    "no results for hostname lookup": the refusal is found by the name it was for; a
    proxied request's lookup is of its proxy."""
    made, _ = resolver()
    dnscache["Refused.Example."] = "10.9.8.7"  # as asked: the refusal is kept by host
    try:
        made.getHostByName("Refused.Example.").addErrback(lambda _: None)
    finally:
        del dnscache["Refused.Example."]
    dropped = wrapped(DNSLookupError("no results for hostname lookup: refused.example"))
    request = Request("http://refused.example:8000/a")
    assert private_answer(dropped, looked_up(request)) is not None
    assert private_answer(dropped, looked_up(request)).address == "10.9.8.7"
    assert private_answer(dropped, "other.example") is None
    assert private_answer(RuntimeError("no lookup"), "refused.example") is None
    proxied = Request("http://refused.example/a", meta={"proxy": "http://proxy.corp:3128"})
    assert looked_up(proxied) == "proxy.corp"
    assert private_answer(dropped, looked_up(proxied)) is None
    kept = wrapped(PrivateAnswer("vm", "127.0.0.1", "loopback address 127.0.0.1"))
    assert private_answer(kept) is kept.__cause__


def test_a_refused_answer_is_counted_per_request_said_and_not_retried() -> None:
    """The retry middleware lets it go (the answer would be judged the same); the
    private-address middleware counts it and fails the request with the refusal's words."""
    _, crawler = resolver()
    failure = wrapped(PrivateAnswer("vm", "127.0.0.1", "loopback address 127.0.0.1"))
    request = Request("http://vm:8000/secret")
    retry = BackoffRetryMiddleware.from_crawler(crawler)
    assert asyncio.run(retry.process_exception(request, failure)) is None
    assert crawler.stats.get_value("retry/count") is None
    with pytest.raises(CannotResolveHostError, match=r"^DNS lookup failed: vm resolves to "
                       r"loopback address 127\.0\.0\.1, off the public Internet, and no site"):
        PrivateAddressMiddleware.from_crawler(crawler).process_exception(request, failure)
    assert crawler.stats.get_value("downloader/refused_dns_address") == 1


def test_it_is_the_projects_resolver() -> None:
    assert project.TWISTED_DNS_RESOLVER == "crawler.resolver.PrivateAnswerResolver"
    assert not hasattr(project, "DNS_RESOLVER")  # deprecated: setting it warns
    with pytest.raises(IgnoreRequest):  # the literal is still the middleware's
        PrivateAddressMiddleware.from_crawler(resolver()[1]).process_request(
            Request("http://[2002:a9fe:a9fe::]/"))


def site_crawler(url: str, settings: dict[str, Any] | None = None) -> Any:
    """A crawler of the site at ``url`` (its spider made, as ``crawl`` makes it)."""
    crawler = get_crawler(SiteSpider, settings or {})
    crawler.spider = SiteSpider.from_crawler(crawler, url=url)
    return crawler


def process_resolver(*urls: str, settings: dict[str, Any] | None = None
                     ) -> tuple[PrivateAnswerResolver, CrawlerRunner]:
    """The resolver as ``scrapy crawl``/``crawlall`` builds it: one for the process, reading
    the process's crawlers at lookup time."""
    runner = CrawlerRunner(settings or {})
    runner.crawlers.update(site_crawler(url) for url in urls)
    return PrivateAnswerResolver.from_crawler(runner, _Reactor()), runner


def test_a_spider_started_right_after_another_has_its_site_name_let_through() -> None:
    """crawlall runs its spiders one after another in one process, one resolver: the next
    spider's local mirror is read at once, not after a throttle meant for refused names."""
    made, runner = process_resolver("http://mirror-a.lan/")
    assert made.refusal("mirror-a.lan", "192.168.1.5") is None
    assert made.refusal("evil.example", "192.168.1.5") == "private address 192.168.1.5"
    runner.crawlers.clear()
    runner.crawlers.add(site_crawler("http://mirror-b.lan/"))  # well within 30 s
    assert made.refusal("mirror-b.lan", "192.168.1.6") is None
    assert made.refusal("mirror-a.lan", "192.168.1.5") == "private address 192.168.1.5"


def test_a_site_on_a_numeric_spelling_is_its_address(caplog) -> None:
    """Twisted looks the host up as written: ``2130706433`` is 127.0.0.1 to the resolver as
    to the URL rule, and a refusal of it is kept (and warned of) under that one spelling."""
    made, _ = process_resolver("http://2130706433:8000/")
    assert made.refusal("2130706433", "127.0.0.1") is None
    public, _ = process_resolver("https://example.org/")
    for spelling in ("2130706433", "0x7f.1"):
        dnscache[spelling] = "127.0.0.1"
        try:
            public.getHostByName(spelling).addErrback(lambda _: None)
        finally:
            del dnscache[spelling]
    dropped = wrapped(DNSLookupError("no results for hostname lookup: 2130706433"))
    refusal = private_answer(dropped, looked_up(Request("http://2130706433:8000/secret")))
    assert refusal is not None and refusal.address == "127.0.0.1"
    said = [r for r in caplog.records if r.getMessage().startswith("Refused the DNS answer")
            and r.levelname == "WARNING"]
    assert len(said) == 1, [r.getMessage() for r in said]


def test_a_public_site_rebinding_its_own_name_to_a_private_address_is_refused() -> None:
    """A site's name is let through to a private address only while it keeps resolving
    there: a hostile site of the crawl whose name first answered a public address and then
    points at the crawler's network (DNS rebinding) is refused like any other name."""
    made, _ = process_resolver("https://hostile.example/", "http://mirror.lan/")
    assert made.refusal("hostile.example", "93.184.216.34") is None
    assert made.refusal("hostile.example", "10.0.0.5") == "private address 10.0.0.5"
    assert made.refusal("Hostile.Example.", "127.0.0.1") == "loopback address 127.0.0.1"
    assert made.refusal("mirror.lan", "192.168.1.5") is None  # first answer private
    assert made.refusal("mirror.lan", "192.168.1.5") is None  # and again
    dnscache["hostile.example"] = "10.0.0.5"
    try:
        outcome: list[Any] = []
        made.getHostByName("hostile.example").addErrback(outcome.append)
    finally:
        del dnscache["hostile.example"]
    assert str(outcome[0].value) == (
        "DNS lookup failed: hostile.example resolves to private address 10.0.0.5, off the "
        "public Internet, and a site's name is let through only to the kind of local "
        "address it first resolved to (loopback, a private network), never to cloud metadata "
        "(ALLOW_PRIVATE_ADDRESSES=True lets it through).")


@pytest.mark.parametrize(("address", "why"), [
    ("169.254.169.254", "link-local address 169.254.169.254"),
    ("::ffff:169.254.169.254", "link-local address 169.254.169.254"),
    ("fe80::1%eth0", "link-local address fe80::1"),
    ("2002:a9fe:a9fe::", "link-local address 169.254.169.254"),  # 6to4
    ("fd00:ec2::254", "private address fd00:ec2::254"),  # AWS's IPv6 metadata, a ULA
    ("fd00:ec2::253", "private address fd00:ec2::253"),  # AWS's IPv6 DNS, the same /64
    ("100.100.100.200", "non-global address 100.100.100.200"),  # Alibaba's, shared space
])
def test_a_site_names_metadata_first_answer_lets_nothing_through(address: str, why: str
                                                                  ) -> None:
    """Cloud metadata answers on link-local addresses and a few named others; a local mirror
    is on loopback or a private network. A first answer there is refused and earns the name
    no exemption; a site given by its link-local address is the user's and passes."""
    made, _ = process_resolver("http://mirror.lan/", "http://169.254.10.1/")
    assert made.refusal("mirror.lan", address) == why
    assert made.refusal("mirror.lan", "10.1.2.3") == "private address 10.1.2.3"
    assert made.refusal("169.254.10.1", "169.254.10.1") is None


@pytest.mark.parametrize(("address", "why"), [
    ("100.100.100.200", "non-global address 100.100.100.200"),
    ("fd00:ec2::254", "private address fd00:ec2::254"),
    ("::ffff:169.254.169.254", "link-local address 169.254.169.254"),
    ("64:ff9b::a9fe:a9fe", "reserved address 64:ff9b::a9fe:a9fe"),  # NAT64 of the metadata
    ("0.0.0.0", "unspecified address 0.0.0.0"),
    ("224.0.0.1", "multicast address 224.0.0.1"),
    ("100.64.0.1", "non-global address 100.64.0.1"),
    ("198.18.0.1", "private address 198.18.0.1"),
    ("127.0.0.1", "loopback address 127.0.0.1"),  # a private mirror does not hop to loopback
    ("::1", "loopback address ::1"),
    ("64:ff9b::7f00:1", "reserved address 64:ff9b::7f00:1"),
])
def test_a_private_site_name_is_let_through_only_to_a_private_network(address: str, why: str
                                                                        ) -> None:
    """A mirror first on 192.168.1.5 may move within 10/8, 172.16/12, 192.168/16 and fc00::/7
    (in any IPv6 form carrying one), nowhere else; other names are refused all of these."""
    made, _ = process_resolver("http://mirror.lan/")
    assert made.refusal("mirror.lan", "192.168.1.5") is None
    assert made.refusal("mirror.lan", address) == why
    assert made.refusal("x.example", address) == why
    for moved in ("10.0.0.5", "172.31.0.1", "::ffff:10.0.0.5", "fd12::1", "2002:c0a8:107::",
                  "64:ff9b::c0a8:107"):
        assert made.refusal("mirror.lan", moved) is None, moved


def test_a_loopback_site_name_stays_on_loopback() -> None:
    made, _ = process_resolver("http://mirror.test/")
    assert made.refusal("mirror.test", "127.0.0.1") is None
    assert made.refusal("mirror.test", "::1") is None
    assert made.refusal("mirror.test", "127.0.1.1") is None
    assert made.refusal("mirror.test", "192.168.1.5") == "private address 192.168.1.5"
    assert made.refusal("mirror.test", "fd00:ec2::254") == "private address fd00:ec2::254"


def test_a_ula_site_name_does_not_reach_the_clouds_instance_services() -> None:
    made, _ = process_resolver("http://mirror.test/")
    assert made.refusal("mirror.test", "fd12:3456::7") is None  # first answer: a ULA mirror
    assert made.refusal("mirror.test", "fd00:ec2::253") == "private address fd00:ec2::253"
    assert made.refusal("mirror.test", "fd00:ec2:0:1::5") is None  # another /64 of the ULA


def test_a_name_answering_public_before_it_was_a_site_is_not_let_through_later() -> None:
    """A public answer is not checked against the sites (no re-read for it), yet a name
    that answered one before its crawl began is a rebinding name, not a local mirror."""
    made, runner = process_resolver("https://example.org/")
    assert made.refusal("hostile.example", "93.184.216.34") is None
    runner.crawlers.add(site_crawler("https://hostile.example/"))
    assert made.refusal("hostile.example", "10.0.0.5") == "private address 10.0.0.5"


def test_public_answers_do_not_read_the_sites_again(monkeypatch) -> None:
    """Only a private answer needs the sites: a public one costs no re-read, even after
    RECHECK_SECONDS."""
    made, _ = process_resolver("http://mirror.lan/")
    assert made.refusal("mirror.lan", "192.168.1.5") is None
    read: list[Any] = []
    monkeypatch.setattr(resolver_module, "site_urls",
                        lambda spider: read.append(spider) or real_site_urls(spider))
    made.read_at -= resolver_module.RECHECK_SECONDS
    for n in range(5):
        assert made.refusal(f"host{n}.example", "93.184.216.34") is None
    assert read == []
    assert made.refusal("other.example", "10.0.0.5") == "private address 10.0.0.5"
    assert read  # a private answer of a name that is no site: read again


def test_the_first_answers_of_names_no_longer_sites_are_dropped() -> None:
    """crawlall runs many spiders in one process: what is kept of a site's first answer
    goes with the site, and what is kept of warnings is bounded."""
    made, runner = process_resolver("http://mirror-a.lan/")
    assert made.refusal("mirror-a.lan", "192.168.1.5") is None
    assert "mirror-a.lan" in made.first_kind
    runner.crawlers.clear()
    runner.crawlers.add(site_crawler("http://mirror-b.lan/"))
    assert made.refusal("mirror-b.lan", "192.168.1.6") is None
    assert set(made.first_kind) == {"mirror-b.lan"}
    assert isinstance(made.said, LocalCache) and made.said.limit


def test_allow_private_addresses_in_a_spiders_own_settings_lets_answers_through() -> None:
    """The middleware reads a spider's custom_settings; the resolver, one per process,
    lets every answer through when any crawler of the process allows them, so the two
    agree."""
    made, runner = process_resolver("https://example.org/")
    assert made.refusal("metadata.internal", "10.0.0.5") == "private address 10.0.0.5"
    runner.crawlers.add(site_crawler("https://example.net/", {"ALLOW_PRIVATE_ADDRESSES": True}))
    assert made.refusal("metadata.internal", "10.0.0.5") is None


class _SyncReactor:
    """A reactor running the threaded lookup at once, in this thread (the real one is not
    started in these tests): ``socket.gethostbyname`` is really called."""

    def getThreadPool(self) -> Any:  # noqa: N802 - Twisted's
        return self

    def callInThreadWithCallback(self, on_result: Any, f: Any, *args: Any) -> None:  # noqa: N802
        try:
            result, ok = f(*args), True
        except Exception:  # noqa: BLE001 - handed on as Twisted does
            result, ok = Failure(), False
        on_result(ok, result)

    def callFromThread(self, f: Any, *args: Any) -> None:  # noqa: N802
        f(*args)

    def callLater(self, _delay: float, *_: Any) -> Any:  # noqa: N802
        return self

    def active(self) -> bool:
        return True

    def cancel(self) -> None:
        pass


def test_a_real_lookup_failure_after_a_refusal_is_not_taken_for_one() -> None:
    """A name refused once and then not found at all: its failure is a DNS failure (retried,
    not counted as refused), not the earlier refusal."""
    runner = CrawlerRunner({})
    runner.crawlers.add(site_crawler("https://example.org/"))
    made = PrivateAnswerResolver.from_crawler(runner, _SyncReactor())
    dnscache["flip.invalid"] = "10.0.0.5"
    try:
        made.getHostByName("flip.invalid").addErrback(lambda _: None)
    finally:
        del dnscache["flip.invalid"]
    dropped = wrapped(DNSLookupError("no results for hostname lookup: flip.invalid"))
    assert private_answer(dropped, "flip.invalid") is not None
    failed: list[Any] = []
    made.getHostByName("flip.invalid").addBoth(failed.append)
    assert isinstance(failed[0], Failure) and isinstance(failed[0].value, DNSLookupError)
    assert not isinstance(failed[0].value, PrivateAnswer)
    assert private_answer(dropped, "flip.invalid") is None
