"""Canonical article URLs and the ids derived from them."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any
from urllib.parse import SplitResult, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from archive.urls import (  # pure: the archive's URL lookup shares them
    PATH_SESSION,
    SESSION_PARAMS,
    TRACKING_PARAMS,
    article_id,
    as_text,
    is_noise,
    is_tracking,
    normalize_escapes,
    query_pairs,
    same_article_key,
)
from crawler.outlets.base import KEEP_ANY_QUERY, Outlet

__all__ = ["PATH_SESSION", "SESSION_PARAMS", "TRACKING_PARAMS", "article_id", "canonical_url",
           "is_noise", "is_tracking", "joined", "same_article_key", "why_no_url"]

# An http(s) URL of ASCII letters, digits and RFC 3986's unreserved and sub-delimiting marks,
# its host a plain name or IPv4 (no brackets, no userinfo, no backslash, no space): urlsplit
# and w3lib read every such URL but one whose port is past 65535, so one with no port needs
# no other test; the two splits were a third of a sitemap's read (bench/sitemap_parse.py).
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::(?P<port>[0-9]+))?"
                        r"(?:[/?#][A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*)?")


def _plain_without_port(url: str) -> bool:
    """Whether ``url`` is a :data:`_PLAIN_URL` naming no port: one no split can refuse."""
    plain = _PLAIN_URL.fullmatch(url)
    return plain is not None and plain.group("port") is None


def why_no_url(url: str) -> str | None:
    """Why ``url`` is no URL anything can be asked of (urlsplit's or w3lib's words), None when
    it is one: a host urlsplit refuses (``http://[::1``, an IPv6 bracket never closed;
    ``http://a]b/``; one NFKC makes another), a port past 65535 or of no number (refused only
    when ``.port`` is read), or a URL w3lib's ``safe_url_string`` refuses (``http://[::1]x/``),
    as :func:`canonical_url` and ``scrapy.Request`` read every URL. The one test for a URL
    from outside (a page's link, a feed's entry, a Location, an argument, a row): each of
    those raised ValueError wherever the URL was first split, ending the reading of the
    whole document or command."""
    if _plain_without_port(url):
        return None  # the cheap test first: most of a sitemap's 50,000 entries
    try:
        urlsplit(url).port  # noqa: B018 - raises on a port that is none
        safe_url_string(url)
    except ValueError as exc:  # (UnicodeError too)
        return str(exc)
    return None


def joined(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, or None when the result is no URL
    (:func:`why_no_url`): urljoin's ValueError on one such link of a page, feed or sitemap
    ended the reading of the whole document."""
    if _absolute_as_is(href):
        return href
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    return None if why_no_url(url) is not None else url


def _absolute_as_is(href: str) -> bool:
    """Whether ``href`` is a plain absolute URL (:data:`_PLAIN_URL`, no port) that urljoin
    gives back unchanged (no empty query, fragment or ``;`` parameters, which it drops): it
    needs neither the join nor :func:`why_no_url`'s splits, the cost of a sitemap's entry."""
    return (_plain_without_port(href)
            and not href.endswith(("?", "#", ";"))
            and "?#" not in href and ";?" not in href and ";#" not in href)


def canonical_url(url: str, outlet: Outlet | None = None) -> str:
    """The one URL an article is known by, however it was linked or from which mirror.

    With an outlet, scheme and host become the outlet's own (mirror hosts, ``www.`` variants and
    plain-HTTP fetches map back), a mirror's path prefix is removed and only the query
    parameters that identify an article are kept (every one but tracking noise for an outlet
    whose ``keep_query`` holds ``KEEP_ANY_QUERY``), sorted. Session ids (``?PHPSESSID=``,
    ``;jsessionid=``, a ``sid`` that is no number) are dropped for every URL: they change
    with each visit, so one article would get a new URL and id each time; a parameter the
    outlet's ``keep_query`` names is kept whatever its name.
    """
    scheme, netloc, path, query = _kept_parts(_split(url), outlet)
    return urlunsplit((scheme, netloc, path, _query(sorted(query)), ""))


def other_spelling(canonical: str) -> str | None:
    """The canonical URL with its path's trailing slash added or removed (the other spelling
    :func:`same_article_key` makes one article), None for the root."""
    parts = urlsplit(canonical)
    path = _toggle_slash(parts.path)
    return None if path is None else urlunsplit(parts._replace(path=path))


def respelled(url: str, canonical: str, outlet: Outlet | None) -> str:
    """``url`` with its path's trailing slash toggled when that makes it ``canonical`` (its
    query keeps its order and spelling), else ``canonical`` itself."""
    parts = urlsplit(url)
    path = _toggle_slash(parts.path)
    toggled = urlunsplit(parts._replace(path=path)) if path is not None else url
    return toggled if canonical_url(toggled, outlet) == canonical else canonical


def _toggle_slash(path: str) -> str | None:
    if path.rstrip("/") == "":
        return None
    return path.rstrip("/") if path.endswith("/") else path + "/"


def fetch_path(url: str, outlet: Outlet) -> str:
    """Where to download ``url`` on the outlet's host: the canonical path, and the query as it
    was discovered (its order, its spelling) less the parameters the canonical form drops."""
    parts = _split(url)
    _, _, path, query = _kept_parts(parts, outlet)
    kept = parts.query if query == query_pairs(parts.query) else _query(query)
    return path + (f"?{kept}" if kept else "")


def _query(pairs: list[tuple[str, str]]) -> str:
    """The query of :func:`query_pairs`' parameters, their bytes escaped again."""
    return urlencode(pairs, encoding="latin-1")


def _split(url: str) -> SplitResult:
    return urlsplit(safe_url_string(url.strip()))


def _kept_parts(parts: SplitResult, outlet: Outlet | None
                ) -> tuple[str, str, str, list[tuple[str, str]]]:
    """Scheme, host, path and the kept query parameters (in their order) of a split URL."""
    # escapes spelt otherwise (%d0%b0, %6E for "n") are one article's URL, not another's
    scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    path = normalize_escapes(PATH_SESSION.sub("", parts.path)) or "/"
    named = outlet.keep_query if outlet is not None else ()  # the outlet's word wins
    query = [(k, v) for k, v in query_pairs(parts.query)
             if as_text(k) in named or not is_noise(as_text(k), as_text(v))]
    if outlet is not None:
        base = urlsplit(outlet.base_url)
        if sister := outlet.sister_host(parts.hostname or ""):
            # a sister host's article is its own: it keeps its host (the scheme is the site's)
            scheme, netloc = base.scheme, _netloc(parts, sister)
        else:
            scheme, netloc = base.scheme, base.netloc
            prefix = outlet.mirror_path_prefix
            if prefix and path.startswith(prefix + "/") and outlet.article_regex.search(
                path[len(prefix):]
            ):
                path = path[len(prefix):]
        if KEEP_ANY_QUERY not in outlet.keep_query:
            query = [(k, v) for k, v in query if as_text(k) in outlet.keep_query]
    else:
        netloc = _netloc(parts)
    return scheme, netloc, path, query


def _netloc(parts: SplitResult, host: str | None = None) -> str:
    """Host (``host`` when given, as the outlet names it) and port of a split URL, its
    scheme's default port left out."""
    host = host or parts.hostname or ""
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def sister_base(url: str, outlet: Outlet) -> str | None:
    """``scheme://host`` of an article on one of the outlet's sister hosts (fetched there,
    not on the outlet's own host), else None."""
    parts = urlsplit(url)
    if not (sister := outlet.sister_host(parts.hostname or "")):
        return None
    return f"{parts.scheme.lower()}://{_netloc(parts, sister)}"


def site_path(url: str, outlet: Outlet) -> str:
    """An article's canonical path and query: one spelling whichever of the outlet's hosts
    linked it; under its host (``//news.example.by/a/``) on a sister host, whose ``/a/`` is
    not the outlet's host's."""
    canonical = canonical_url(url, outlet)
    where = path_and_query(canonical)
    return f"//{urlsplit(canonical).netloc}{where}" if sister_base(canonical, outlet) else where


def path_and_query(url: str) -> str:
    """What an outlet's ``article_path`` regex is matched against."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def is_article_url(outlet: Outlet, url: str) -> bool:
    """Whether ``url`` is one of the outlet's article pages (not a rubric, tag or print page)."""
    target = path_and_query(canonical_url(url, outlet))
    path = urlsplit(url).path
    if any(r.search(path) or r.search(target) for r in outlet.skip_regexes):
        return False
    return bool(outlet.article_regex.search(target))


def private_address(url: str) -> str | None:
    """Why ``url``'s host is off the public Internet (``"localhost"``, ``"link-local address
    169.254.169.254"``), or None for a public address or any other name.

    A site may name sitemaps, feeds and pages anywhere: one naming a cloud's metadata address,
    a database on the crawler's own network or ``localhost`` would have the crawler fetch
    and archive them (SSRF). IPv4 is read as the resolver reads it (``inet_aton``: one to
    four parts, decimal, ``0x`` hex or ``0`` octal: ``2130706433`` and ``0x7f.1`` are
    127.0.0.1), IPv6 as :func:`address_reason` reads it. A DNS name resolving to a private
    address is not caught here: :mod:`crawler.resolver` judges the resolver's answer.

    The URL is judged as it is written and as Scrapy fetches it: a Request runs it through
    w3lib's ``safe_url_string``, whose IDNA step makes fullwidth digits, circled letters and
    ideographic full stops ASCII (``１２７。０。０。１`` is 127.0.0.1) and which reads a
    backslash as the path's start (``http://127.0.0.1\\@evil.test/``).

    Judged on the URL's scheme and authority alone, as urlsplit bounds it (no path changes
    the host either reading finds), and cached: a 50,000-entry sitemap asked it twice per
    entry, 42 s of the callback in w3lib while the reactor waited."""
    start = url.find("://")
    if start < 1 or not _SCHEME.fullmatch(url[:start]):
        return _private_address(url)
    end = min((at for mark in "/?#" if (at := url.find(mark, start + 3)) >= 0), default=None)
    # (with nothing after the authority the URL is its own key: w3lib strips a trailing
    # space or control character, which a "/" put after it would keep in the host)
    return _judged(url if end is None else url[:end] + "/")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


@lru_cache(maxsize=4096)
def _judged(url: str) -> str | None:
    return _private_address(url)


def _private_address(url: str) -> str | None:
    try:
        fetched = safe_url_string(url)
    except (ValueError, UnicodeError):
        fetched = url
    for spelling in dict.fromkeys((url, fetched)):
        if (why := _private_host(spelling)) is not None:
            return why
    return None


def url_host(url: str) -> str | None:
    """The host ``url`` is fetched from, one spelling per host: an IP address as Python
    writes it (``2130706433``, ``0x7f.1`` and ``[::ffff:127.0.0.1]`` are ``127.0.0.1``), a
    name lowercased without its final dot; None for no URL."""
    try:
        host = (urlsplit(safe_url_string(url)).hostname or "").rstrip(".")
    except (ValueError, UnicodeError):
        return None
    if not host:
        return None
    address = _ip_literal(host)
    if address is None:
        return host
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def site_urls(spider: Any) -> list[str]:
    """The start (base) URL of each site the spider crawls: its outlets' base URLs as this
    run spells them (OUTLET_BASE_URLS, the site spider's ``url``), its ``url`` (``scrapy
    probe``) and its start_urls."""
    urls: list[str] = []
    if callable(getattr(spider, "outlets", None)) and callable(getattr(spider, "base_url", None)):
        urls += [spider.base_url(outlet) for outlet in spider.outlets()]
    if isinstance(url := getattr(spider, "url", None), str):
        urls.append(url)
    return urls + list(getattr(spider, "start_urls", None) or [])


def private_hosts(site_urls: Iterable[str]) -> frozenset[str]:
    """The hosts (:func:`url_host`) of those sites that are themselves off the public
    Internet: a local mirror's, a test server's. They are the only private hosts a crawl
    reaches (:func:`refused_address`)."""
    return frozenset(host for url in site_urls
                     if private_address(url) is not None and (host := url_host(url)))


def refused_address(url: str, site_hosts: Collection[str]) -> str | None:
    """Why ``url`` is not to be fetched: its host is off the public Internet
    (:func:`private_address`) and is none of ``site_hosts`` (:func:`private_hosts` of the
    crawl's sites; any port). None when it may be.

    The one rule of discovery (:meth:`crawler.spiders.base.OutletSpider.refused`) and the
    downloader (:class:`crawler.downloadermiddlewares.private.PrivateAddressMiddleware`): a
    site on 127.0.0.1 reaches 127.0.0.1, not 10.0.0.5 or 169.254.169.254 (discovery let any
    private host through for a local site, and the middleware then dropped the request)."""
    why = private_address(url)
    if why is None or url_host(url) in site_hosts:
        return None
    return why


def carried_address(address: IPv4Address | IPv6Address) -> IPv4Address | IPv6Address:
    """The address packets to ``address`` go to: the IPv4 address an IPv4-mapped
    (``::ffff:127.0.0.1``) or 6to4 (``2002:7f00:1::``) IPv6 address carries, else itself."""
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped if address.ipv4_mapped is not None else address.sixtofour
        return embedded if embedded is not None else address
    return address


def name_host(name: str) -> str:
    """A host name as a resolver is asked it (``2130706433``, ``Mirror.LAN.``, ``::1``)
    spelt as :func:`url_host` spells the host of a URL (``127.0.0.1``, ``mirror.lan``), so
    that a lookup and the URL it is for are known by one key."""
    bare = name.split("%", 1)[0] if ":" in name else name  # fe80::1%eth0: the scope
    return url_host(f"http://[{bare}]/" if ":" in bare else f"http://{bare}/") \
        or name.lower().rstrip(".")


def address_reason(address: IPv4Address | IPv6Address) -> str | None:
    """Why an IP address is off the public Internet (``"loopback address 127.0.0.1"``), None
    for a global one. The IPv4 address inside an IPv4-mapped (``::ffff:127.0.0.1``) or 6to4
    (``2002:7f00:1::``, which Python calls global) IPv6 address is judged in its stead: that is
    where the packets go. Shared by the URL check and the resolver (:mod:`crawler.resolver`)."""
    address = carried_address(address)
    for kind, flag in (("unspecified", address.is_unspecified),
                       ("loopback", address.is_loopback),
                       ("link-local", address.is_link_local),
                       ("multicast", address.is_multicast),
                       ("reserved", address.is_reserved),
                       ("private", address.is_private),
                       ("non-global", not address.is_global)):
        if flag:
            return f"{kind} address {address}"
    return None


def _private_host(url: str) -> str | None:
    """Why ``url``'s host, read as written, is off the public Internet (see above)."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "localhost"
    address = _ip_literal(host)
    return None if address is None else address_reason(address)


def _ip_literal(host: str) -> IPv4Address | IPv6Address | None:
    """The address a host spells, as ``getaddrinfo`` reads a numeric host; None for a name."""
    if ":" in host:
        try:
            return ip_address(host.split("%", 1)[0])  # a zone id (fe80::1%eth0) is no part
        except ValueError:
            return None
    parts = host.split(".")
    if not host or len(parts) > 4:
        return None
    numbers = []
    for part in parts:
        try:
            if part[:2] in ("0x", "0X"):
                numbers.append(int(part[2:] or "0", 16))  # glibc reads a bare 0x as 0
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part, 8))
            else:
                numbers.append(int(part, 10) if part.isdigit() else -1)
        except ValueError:
            return None
    *head, last = numbers
    if any(not 0 <= n <= 255 for n in head) or not 0 <= last < 256 ** (5 - len(numbers)):
        return None
    value = last
    for position, number in enumerate(head):
        value += number << (8 * (3 - position))
    return IPv4Address(value)
