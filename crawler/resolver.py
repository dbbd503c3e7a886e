"""SSRF by DNS: a name the crawl fetches from must not resolve to the crawler's own network.

The URL checks (:func:`crawler.urls.refused_address`, in discovery and in the first downloader
middleware) read the host as written: ``metadata.google.internal``, a name an attacker points
at 127.0.0.1 or 10.0.0.5, the machine's own name (``/etc/hosts``), ``%31%32%37.0.0.1`` (a
name to the system resolver, which glibc finds no address for) pass them. This resolver, which
Scrapy installs on the reactor (``TWISTED_DNS_RESOLVER``; ``DNS_RESOLVER`` is its deprecated
name), judges the answer instead: an address off the public Internet
(:func:`crawler.urls.address_reason`) fails the lookup with :class:`PrivateAnswer`, a
``DNSLookupError`` saying the name, the address and why, warned once per host
(its spellings one: :func:`crawler.urls.name_host`). The connection
is made to the address judged (Twisted connects to what the resolver returned), so a name
answering otherwise the next time (DNS rebinding) gains nothing.

Scrapy's HTTP/1.1 handler (and its HTTP/2 one) resolves through it: a direct request's
``HostnameEndpoint`` asks ``reactor.nameResolver``, which wraps this resolver, and a proxied
one's ``TCP4ClientEndpoint`` asks ``reactor.resolver``, this one. Through a proxy it is the
proxy's name that is resolved here; the page's is resolved by the proxy, beyond this check (a
literal address is still refused by the middleware).

A private answer is let through for a proxy named in the environment (``http_proxy``,
``https_proxy``: the user's), with ``ALLOW_PRIVATE_ADDRESSES`` (or ``WARC_REPLAY``, which
fetches nothing), and for the host of a site of the crawl: a site given by its address (the
host as Twisted asks it, ``2130706433`` being 127.0.0.1) always; a site's name (a local mirror
on ``mirror.lan``) only to the kind of local address its first answer in this process was,
loopback (127/8, ::1) or a private network (10/8, 172.16/12, 192.168/16, fc00::/7), judged on
the address an IPv4-mapped, 6to4 or NAT64 (64:ff9b::/96) form carries, and never to a cloud
metadata address (METADATA_NETWORKS). So a mirror on 192.168.1.5 may move to 10.0.0.5 but not
to 127.0.0.1, and no site name reaches link-local (169.254.169.254), shared (100.64/10),
unspecified, multicast or reserved addresses. A public site of the crawl pointing its own name
at the crawler's network later (DNS rebinding) is refused like any name, and so is a name
whose first answer was not such a local address.

The resolver is one per reactor, built before any spider opens, from the crawler process.
Private answers are let through when the process's settings allow them or a crawler's own do
(a spider's ``custom_settings``, as the middleware reads them). The sites are read at lookup
time from every crawler the process runs: again whenever those crawlers (or their spiders)
change (``crawlall`` runs one after another in one process), else at most every
RECHECK_SECONDS for a private answer of a name that is none of them (a public answer needs
no site). The resolver has no stats of its own: the
downloader middleware counts each request failed so in ``downloader/refused_dns_address`` and
fails it with the refusal's words (Twisted's endpoint reports ``no results for hostname
lookup``), and the retry middleware does not retry it (the answer would be judged the same).
"""

from __future__ import annotations

import logging
import time
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any
from urllib.request import getproxies

from scrapy.exceptions import CannotResolveHostError
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.datatypes import LocalCache
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from crawler.urls import address_reason, carried_address, name_host, site_urls, url_host

logger = logging.getLogger(__name__)

DNS_STAT = "downloader/refused_dns_address"
RECHECK_SECONDS = 30.0

# Where cloud metadata and instance services answer on a private network's or shared space's
# addresses (AWS's IPv6 ones, metadata at ::254 and DNS at ::253, are in a ULA /64; Alibaba's
# is in 100.64/10): never a local mirror's. Link-local ones (169.254.169.254: Google's,
# Azure's and AWS's IPv4) are no private network's anyway.
METADATA_NETWORKS: tuple[IPv4Network | IPv6Network, ...] = tuple(ip_network(n) for n in (
    "fd00:ec2::/64", "100.100.100.200/32"))
# The networks a site's name may resolve to besides loopback: RFC 1918 and IPv6 ULA.
PRIVATE_NETWORKS: tuple[IPv4Network | IPv6Network, ...] = tuple(ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
NAT64 = ip_network("64:ff9b::/96")  # RFC 6052's well-known prefix: the low 32 bits are IPv4


class PrivateAnswer(DNSLookupError):
    """A name resolved to an address off the public Internet: refused (not retried)."""

    def __init__(self, name: str, address: str, reason: str, site: bool = False) -> None:
        self.name, self.address = name, address
        self.reason = f"{name} resolves to {reason}, off the public Internet"
        why = ("and a site's name is let through only to the kind of local address it first "
               "resolved to (loopback, a private network), never to cloud metadata" if site else
               "and no site of this crawl is on that name")
        super().__init__(f"{self.reason}, {why} (ALLOW_PRIVATE_ADDRESSES=True lets it through)")


# The names whose last answer was refused, by name: one resolver per process (per reactor).
_refused: LocalCache[str, PrivateAnswer] = LocalCache(10000)


def private_answer(exc: BaseException | None, host: str | None = None) -> PrivateAnswer | None:
    """The :class:`PrivateAnswer` a download failure is or wraps, or, for a failed lookup of
    ``host`` (:func:`crawler.urls.url_host` of the request), the refusal of that name's last
    answer; None for any other failure. Twisted's HostnameEndpoint, through which Scrapy
    connects, reports each failed lookup as ``no results for hostname lookup`` and drops the
    resolver's error; a proxied request's TCP4ClientEndpoint keeps it."""
    seen: set[int] = set()
    lookup = False
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, PrivateAnswer):
            return exc
        lookup = lookup or isinstance(exc, DNSLookupError | CannotResolveHostError)
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return _refused.get(host) if lookup and host else None


def looked_up(request: Any) -> str | None:
    """The name a request's connection looks up: its proxy's host when it has one (the
    page's is then the proxy's to resolve), else its own."""
    proxy = request.meta.get("proxy")
    return url_host(proxy if "://" in (proxy or "") else f"http://{proxy}" if proxy else
                    request.url)


def proxy_hosts() -> frozenset[str]:
    """The hosts of the proxies the environment names (as Scrapy's HttpProxyMiddleware reads
    them): a proxy on the user's own network is theirs to use."""
    return frozenset(host for url in getproxies().values() if (host := url_host(url)))


def local_kind(address: IPv4Address | IPv6Address) -> str | None:
    """``"loopback"`` or ``"private"`` when ``address`` (or the IPv4 address an IPv4-mapped,
    6to4 or NAT64 form carries: where the packets go) is one a local mirror may be on, None
    for any other, a cloud metadata address included (see :data:`METADATA_NETWORKS`)."""
    carried = carried_address(address)
    if isinstance(carried, IPv6Address) and carried in NAT64:
        carried = IPv4Address(int(carried) & 0xFFFFFFFF)
    if any(carried in network for network in METADATA_NETWORKS
           if carried.version == network.version):
        return None
    if carried.is_loopback:
        return "loopback"
    return "private" if any(carried in net for net in PRIVATE_NETWORKS) else None


def _is_address(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


@implementer(IResolverSimple)
class PrivateAnswerResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing an answer off the public Internet for a name that
    is no site's (see the module's doc)."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.owner: Any = None  # the crawler process (or a crawler): whose sites are let through
        self.allowed = False  # ALLOW_PRIVATE_ADDRESSES or WARC_REPLAY in the process's settings
        self.crawl_allows = False  # …or in a crawler's own (a spider's custom_settings)
        self.proxies = proxy_hosts()
        self.site_hosts: frozenset[str] = frozenset()
        self.read_of: list[tuple[Any, Any]] = []  # the (crawler, spider) pairs last read
        self.read_at = -RECHECK_SECONDS
        # site name: local_kind of its first answer (None: public or no local mirror's)
        self.first_kind: dict[str, str | None] = {}
        # names (any) that answered a public address: a name that becomes a site later
        # (a spider's sites grow, the next spider of crawlall) first answered public
        self.answered_public: LocalCache[str, bool] = LocalCache(10000)
        self.said: LocalCache[str, bool] = LocalCache(10000)  # hosts (name_host) warned of

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PrivateAnswerResolver:
        """``crawler`` is the CrawlerProcess for ``scrapy crawl`` (the resolver is built once
        per reactor, when it starts): its ``crawlers`` are read at lookup time."""
        made = super().from_crawler(crawler, reactor)
        made.owner = crawler
        made.allowed = _allows(crawler.settings)
        return made

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 - Twisted's
        """The address ``name`` resolves to (cached or not), failed with PrivateAnswer when
        :meth:`refusal` says so."""
        return super().getHostByName(name, timeout).addCallbacks(
            self._judged, self._failed, callbackArgs=(name,), errbackArgs=(name,))

    def _failed(self, failure: Any, name: str) -> Any:
        """A lookup failed on its own (no such name, a timeout): a refusal kept for the name
        from an earlier answer is not why, and must not stop the retry of this failure."""
        _refused.pop(name_host(name), None)
        return failure

    def _judged(self, address: str, name: str) -> str:
        why = self.refusal(name, address)
        host = name_host(name)
        if why is None:
            _refused.pop(host, None)
            return address
        refusal = _refused[host] = PrivateAnswer(name, address, why, site=self.is_site_host(host))
        log = logger.debug if host in self.said else logger.warning
        self.said[host] = True
        log("Refused the DNS answer for %s: %s (counted per request in %s)", name, refusal,
            DNS_STAT)
        raise refusal

    def refusal(self, name: str, address: str) -> str | None:
        """Why ``name``'s answer ``address`` is refused (``"loopback address 127.0.0.1"``),
        None when it may be connected to: a public address, a proxy's name, private
        addresses allowed, or a site's host. A site given by its address (``2130706433`` is
        127.0.0.1: Twisted asks for the host as written) is the user's and passes; a site's
        name passes only to an address of the :func:`local_kind` its first answer in this
        process had (loopback stays loopback, a private network stays one): a public site
        pointing its own name at the crawler's network later (DNS rebinding) is refused, and
        so is a name answering a metadata, link-local, shared or other address."""
        if self.allowed:
            return None
        try:
            answer = ip_address(address.split("%", 1)[0])
        except ValueError:
            return None  # no address: the connection fails on its own
        self.read_sites()
        if self.crawl_allows:
            return None
        why = address_reason(answer)
        host = name_host(name)
        if why is None:  # no site needed, so none read: a name's public answer is noted
            self.answered_public[host] = True
            if host in self.site_hosts:
                self.first_kind.setdefault(host, None)
            return None
        if host in self.proxies:
            return None
        if not self.is_site_host(host):
            return why
        if _is_address(host):
            return None
        kind = local_kind(answer)
        first = self.first_kind.setdefault(
            host, None if host in self.answered_public else kind)
        return None if kind is not None and kind == first else why

    def read_sites(self) -> bool:
        """Read the crawlers' sites again when the process's crawlers (or their spiders) are
        not those last read: ``crawlall`` and scheduled runs start one spider after another
        in one process, and a spider's sites are its own from its first request on."""
        crawlers = getattr(self.owner, "crawlers", None)
        pairs = [(c, getattr(c, "spider", None)) for c in (
            crawlers if crawlers is not None else [self.owner])]
        if len(pairs) == len(self.read_of) and {(id(c), id(s)) for c, s in pairs} == {
                (id(c), id(s)) for c, s in self.read_of}:
            return False
        self.read_of = pairs  # held: an id is not reused by the next crawler while kept
        self.read_at = time.monotonic()
        self.crawl_allows = any(_allows(getattr(c, "settings", None)) for c, _ in pairs)
        self.site_hosts = frozenset(h for _, spider in pairs for url in site_urls(spider)
                                    if (h := url_host(url)))
        self.first_kind = {h: k for h, k in self.first_kind.items() if h in self.site_hosts}
        return True

    def is_site_host(self, host: str) -> bool:
        """Whether ``host`` is the host of a site of a crawl the process runs (read again
        for a host that is none when the crawlers changed, else at most every
        RECHECK_SECONDS: the site spider's sites can change)."""
        if host not in self.site_hosts and not self.read_sites() and \
                time.monotonic() - self.read_at >= RECHECK_SECONDS:
            self.read_of = []
            self.read_sites()
        return host in self.site_hosts


def _allows(settings: Any) -> bool:
    """Whether these settings let every private address through."""
    return settings is not None and (settings.getbool("ALLOW_PRIVATE_ADDRESSES") or bool(
        settings.get("WARC_REPLAY")))
