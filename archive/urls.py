"""URL equivalence (for lookups), SURT keys (for CDXJ) and what the crawler's canonical article
URL drops (tracking and session parameters, mobile and AMP hosts), without extra dependencies:
the crawler imports these, the archive never imports the crawler."""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qsl, quote, urlsplit, urlunsplit

_UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT = re.compile(rb"%([0-9A-Fa-f]{2})")
_WWW_LABEL = r"www\d*"  # a host's www., www2., www3. label: the site without it is the same
_WWW = re.compile(rf"^{_WWW_LABEL}\.")
_SITE_WWW = re.compile(rf"^{_WWW_LABEL}\.(?=.*\.)")  # www.by is a site, "by" a top-level domain
_DEFAULT_PORTS = {"http": 80, "https": 443}


def article_id(canonical: str) -> str:
    """First 16 hex characters of SHA-256 of the canonical URL: stable across runs. The one
    definition: the crawl names items with it, the archive checks lines against it (a lone
    surrogate, from a JSON escape, hashes as its code point instead of failing)."""
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def strip_brackets(uri: str) -> str:
    """wget writes WARC-Target-URI as <uri> (WARC/1.0 grammar); tolerate it."""
    uri = uri.strip()
    if uri.startswith("<") and uri.endswith(">"):
        return uri[1:-1].strip()
    return uri


def normalize_escapes(part: str) -> str:
    """A URL path or query in RFC 3986 normal form (6.2.2): %XX in upper case, escaped
    unreserved characters decoded, non-ASCII and space encoded; %2F and other reserved
    escapes are kept. ``/%d0%b0``, ``/%D0%B0`` and ``/а`` are one path."""
    raw = part.encode("utf-8")

    def fix(m: re.Match) -> bytes:
        b = int(m.group(1), 16)
        return bytes([b]) if b in _UNRESERVED else b"%" + m.group(1).upper()

    raw = _PCT.sub(fix, raw)
    out = bytearray()
    for b in raw:
        if b > 0x7E or b <= 0x20 or b in b'"<>\\^`{|}':
            out += b"%%%02X" % b
        else:
            out.append(b)
    return out.decode("ascii")


_LOOSE_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?")


def _split_host(url: str):
    """(parts, scheme, host, port); never raises, even for a broken `[IPv6` host. A port that
    is no number in 0-65535 (``:99999``, ``:0x50``) is kept as its text, so the URL keys
    it gets do not collide with the same URL without a port."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        m = _LOOSE_URL.match(url)
        netloc = (m.group(2) or "") if m else ""
        parts = SplitResult(
            m.group(1) if m else "", netloc, m.group(3) if m else url, (m and m.group(4)) or "", ""
        )
        host = netloc.rpartition("@")[2].strip("[]")
    scheme = parts.scheme.lower()
    try:
        port: int | str | None = parts.port
    except ValueError:
        hostport = parts.netloc.rpartition("@")[2]
        if hostport.startswith("["):
            hostport = hostport.partition("]")[2]
        port = hostport.partition(":")[2].lower()
    return parts, scheme, host.lower(), port


def normalize_url(url: str) -> str:
    """A key under which equivalent spellings of one URL (percent-encoding, case) collide."""
    url = strip_brackets(url)
    parts, scheme, host, port = _split_host(url)
    if not scheme or not host:
        return normalize_escapes(url.split("#", 1)[0])
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = normalize_escapes(parts.path) or "/"
    q = normalize_escapes(parts.query)
    return f"{scheme}://{netloc}{path}" + (f"?{q}" if q or url.split("#")[0].endswith("?") else "")


def _unescape_all(raw: bytes) -> bytes:
    prev = None
    while prev != raw:
        prev = raw
        raw = _PCT.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return raw


def _surt_escape(raw: bytes, unsafe: bytes = b"#%") -> str:
    """Percent-encode controls, space, non-ASCII and `unsafe`: a key is one ASCII token."""
    out = bytearray()
    for b in raw:
        if b <= 0x20 or b >= 0x7F or b in unsafe:
            out += b"%%%02x" % b
        else:
            out.append(b)
    return out.decode("ascii")


def _surt_host(host: str) -> str:
    """Host for a SURT key: unescaped, IDNA for non-ASCII, never a space or other unsafe byte."""
    host = _unescape_all(host.encode("utf-8")).decode("utf-8", "replace").lower()
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return _surt_escape(host.encode("utf-8"))


def site_host(host: str) -> str:
    """The site a host names, as the article key compares hosts: lower case, no trailing dot,
    without one leading www label (www, www2, www3…), unless only one label would be left
    (www.by is a site, "by" a top-level domain). The crawler's same-site checks use this one
    rule, so a site the crawler owns and the articles the corpus takes for one agree. (The
    SURT key strips the label even then, as pywb does.)"""
    return _SITE_WWW.sub("", host.lower().rstrip("."))


def same_site(host: str, home: str) -> bool:
    """Whether ``host`` is a host of the site at ``home``: the same name but for a www.
    label, or a name under it (``news.example.by`` under ``example.by``). Neither a sibling
    under one parent nor the parent is: ``a.narod.ru`` and ``b.narod.ru`` are two customers
    of one hosting service, and without the public suffix list no parent is known to be the
    site's (``narod.ru``, ``com.by``)."""
    host, home = site_host(host.rstrip(".")), site_host(home.rstrip("."))
    return bool(host) and (host == home or host.endswith("." + home))


def has_www_label(host: str) -> bool:
    """Whether ``host`` begins with a www label (www, www2…): a site :func:`site_host` keeps
    it on (www.by) has no further ``www.`` spelling."""
    return bool(_WWW.match(host.lower()))


def _opaque_key(url: str) -> str:
    """Key for a URI without a host part (dns:, urn:, mailto:): lower-cased, as pywb does."""
    url = url.split("#", 1)[0]
    low, _, query = _surt_escape(url.encode("utf-8"), b"").lower().partition("?")
    if len(low) > 1 and low.endswith("/"):
        low = low[:-1]
    if query:
        low += "?" + "&".join(sorted(query.split("&")))
    return low


def surt(url: str) -> str:
    """SURT key as pywb/cdxj-indexer compute it (IA canonicalisation); always one token."""
    url = strip_brackets(url)
    if not url:
        return "-"
    if url.startswith("filedesc"):
        return _surt_escape(url.encode("utf-8"))
    m = _LOOSE_URL.match(url)
    if not m:
        url = "http://" + url
    elif m.group(2) is None:
        return _opaque_key(url)
    parts, scheme, host, port = _split_host(url)
    if not host and m and m.group(2) == "":  # file:///path
        return _opaque_key(f"{scheme}:{parts.path}" + (f"?{parts.query}" if parts.query else ""))
    host = _WWW.sub("", _surt_host(host).strip("."))
    key = ",".join(reversed(host.split(".")))
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        key += f":{port}"
    path = _surt_escape(_unescape_all(parts.path.encode("utf-8"))).lower() or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    key += ")" + path
    query = _surt_escape(_unescape_all(parts.query.encode("utf-8"))).lower()
    if query:
        args = sorted(tuple(a.split("=", 1)) for a in query.split("&"))
        key += "?" + "&".join("=".join(a) for a in args)
    return key


# -- article URLs: what the crawler's canonical form drops (crawler/urls.py imports these) -----

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "yclid", "ysclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid",
    "_openstat", "ref", "from", "rss", "amp", "c", "utm",
})
# Session ids, new with every visit: PHP, Java servlets, ASP, osCommerce, Zen Cart, ColdFusion.
# ``sid`` too unless it is a number (PHP-Nuke numbers its stories ``?sid=123``).
SESSION_PARAMS = frozenset({"phpsessid", "jsessionid", "sessionid", "session_id", "sessid",
                            "aspsessionid", "oscsid", "zenid", "cfid", "cftoken"})
# ``;jsessionid=…`` in a path (servlet URL rewriting), and its kin
PATH_SESSION = re.compile(r"(?i);(?:jsessionid|phpsessid|sessionid|sid)=[^/;?#]*")
# The labels of a news site's mobile edition (``m.example.by``, ``touch.``: Yandex's and
# Russian CMSs' name, ``pda.``: old ones'), and its hosts besides www.: those and AMP's
MOBILE_PREFIXES = ("m.", "mobile.", "touch.", "pda.")
COMPANION_PREFIXES = (*MOBILE_PREFIXES, "amp.")
# An AMP copy's path: an ``/amp/`` segment, or ``….amp`` / ``….amp.html``
AMP_PATH = re.compile(r"(?i)(?:^|/)amp(?:/|$)|\.amp(?:\.html?)?$")


def is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def is_noise(name: str, value: str) -> bool:
    """A query parameter no page is told by: tracking, or a session id."""
    lower = name.lower()
    return (is_tracking(lower) or lower in SESSION_PARAMS
            or lower == "sid" and not value.isdigit())


def desktop_host(host: str) -> str | None:
    """The host ``host`` would be the mobile edition of (``m.example.by`` -> ``example.by``,
    ``mobile.``, ``touch.``, ``pda.`` too), None for one with no mobile label or with one
    label left (``m.by``). Only a candidate: whether the site is that one's edition is told
    by evidence (its home page names that host canonical, or redirects there), since a
    ``m.`` host may be a site of its own."""
    host = host.lower().rstrip(".")
    prefix = next((p for p in MOBILE_PREFIXES if host.startswith(p)), None)
    rest = host[len(prefix):] if prefix else ""
    return rest if "." in rest.strip(".") else None


def is_amp_url(url: str) -> bool:
    """An AMP copy of a page: on an ``amp.`` host, under an ``/amp/`` segment, or ``….amp``
    / ``….amp.html`` (``?amp`` is tracking noise the canonical form drops anyway)."""
    parts = urlsplit(url)
    return (parts.hostname or "").startswith("amp.") or bool(AMP_PATH.search(parts.path))


def same_article_key(canonical: str) -> str:
    """Discovery's key of an article: its canonical URL without the path's trailing slash
    (``/news/slug/`` and ``/news/slug`` are one article; sites answer both)."""
    parts = urlsplit(canonical)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") or "/"))


# -- looking an article up by a URL pasted from a browser ------------------------------------

@dataclass(frozen=True)
class ArticleKey:
    """What identifies an article's page whatever the spelling: the host without ``www.`` or
    a mobile/AMP prefix (the crawler reads those on the outlet's own host), a port other than
    80/443, the path in RFC 3986 escapes without its trailing slash and session segment, and
    the query parameters that are no tracking noise (decoded, any order). Scheme and fragment
    name no other article."""

    host: str
    path: str
    query: frozenset[tuple[str, str]]

    @property
    def needle(self) -> str:
        """A lower-case piece every stored URL of this key holds: the last path segment (the
        host for a site's root), to narrow a corpus scan before the keys are compared."""
        return (self.path.rsplit("/", 1)[-1] or self.host).lower()


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HOST_PREFIX = re.compile(rf"^(?:{_WWW_LABEL}|" + "|".join(p[:-1] for p in COMPANION_PREFIXES)
                          + r")\.(?=.*\.)")
_AMP_CACHE = re.compile(r"^/[cvi]/(s/)?([^/?#]+.*)$")  # Google's AMP cache: /c/s/host/path
# What the AMP or printable copy of a page adds to its URL (``?amp`` is tracking noise already)
_AMP_SEGMENT = re.compile(r"(?i)(?:^|/)amp(?=/|$)")
_AMP_SUFFIX = re.compile(r"(?i)\.amp(?=(?:\.html?)?$)")
_PRINT_FIRST = re.compile(r"(?i)^/(?:print|printv|printable|print-version)(?=/)")
_PRINT_LAST = re.compile(r"(?i)/(?:print|printable)/?$")
_PRINT_PARAMS = frozenset({"print", "printable", "printversion", "print_version"})
_VARIANT_VALUES = frozenset({"amp", "print", "printable"})  # ?output=amp, ?view=print


def _split_pasted(url: str) -> SplitResult | None:
    """The parts of a URL as pasted (no scheme: ``www.site.by/…``), out of Google's AMP cache."""
    url = strip_brackets(url).split("#", 1)[0]
    if not _SCHEME.match(url):
        url = "http://" + url.lstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    cached = _AMP_CACHE.match(parts.path) if host.endswith(".cdn.ampproject.org") else None
    if cached:
        inner = ("https://" if cached.group(1) else "http://") + cached.group(2)
        return _split_pasted(inner + (f"?{parts.query}" if parts.query else ""))
    return parts


def _host(parts: SplitResult, companions: bool = True) -> str | None:
    """The key's host: IDNA, no trailing dot, without one ``www.`` label or (with
    ``companions``) one mobile or AMP label, a port other than 80/443; None for a bad port."""
    host = (parts.hostname or "").rstrip(".")
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    try:
        port = parts.port
    except ValueError:
        return None
    host = (_HOST_PREFIX if companions else _SITE_WWW).sub("", host)
    return host if port in (None, 80, 443) else f"{host}:{port}"


def query_pairs(query: str) -> list[tuple[str, str]]:
    """A query's parameters with each escape as the byte it names (one character each, as
    Latin-1 reads it): escapes of any charset come back as sent. Read as UTF-8, windows-1251
    escapes (``?rub=%CD%EE…``, old Windows CMSs) became U+FFFD, one key for many URLs and
    another URL the site 404s. Raw non-ASCII (as a browser shows a query) is escaped as UTF-8
    first, as a browser sends it."""
    if not query.isascii():
        query = "".join(c if c.isascii() else quote(c) for c in query)
    return parse_qsl(query, keep_blank_values=True, encoding="latin-1")


def as_text(raw: str) -> str:
    """A name or value of :func:`query_pairs` as the text its bytes spell in UTF-8: what the
    tracking, session-id and ``keep_query`` rules are told by."""
    return raw.encode("latin-1").decode("utf-8", "replace")


def article_key(url: str) -> ArticleKey | None:
    """The key of a URL (stored or pasted); None for one that names no host."""
    parts = _split_pasted(url)
    return split_key(parts) if parts else None


def split_key(parts: SplitResult, noise: Callable[[str, str], bool] = is_noise,
              companions: bool = True) -> ArticleKey | None:
    """The :class:`ArticleKey` of a URL split already, None for one that names no host: the
    one reading of host, path and query that :func:`article_key` and the crawler's pager
    (``crawler.extraction.pages``: its links split as they are, a narrower ``noise``, a
    mobile host another site) share. ``noise(name, value)`` (as text) tells a query
    argument the key drops; ``companions``: a mobile or AMP host label is dropped too."""
    if not (host := _host(parts, companions)):
        return None
    path = normalize_escapes(PATH_SESSION.sub("", parts.path)).rstrip("/") or "/"
    query = frozenset((k, v) for k, v in query_pairs(parts.query)
                      if not noise(as_text(k), as_text(v)))
    return ArticleKey(host, path, query)


def page_of_copy(key: ArticleKey) -> ArticleKey:
    """The key of the page whose AMP or printable copy ``key`` may be (``/amp/`` and ``/print/``
    segments, ``.amp`` suffixes, ``?print=1``, ``?output=amp`` dropped); ``key`` when it is
    no such copy. Only a fallback: a path can end in ``/print`` of its own."""
    path = _AMP_SUFFIX.sub("", _AMP_SEGMENT.sub("", key.path))
    path = _PRINT_LAST.sub("", _PRINT_FIRST.sub("", path)).rstrip("/") or "/"
    query = frozenset((k, v) for k, v in key.query if k.lower() not in _PRINT_PARAMS
                      and v.lower() not in _VARIANT_VALUES)
    return ArticleKey(key.host, path, query)


def best_matches(wanted: ArticleKey, stored: dict[str, str]) -> list[str]:
    """Of ``stored`` (id -> URL), the ids whose page ``wanted`` names: the same host and
    path, and a query all of whose parameters ``wanted`` holds (the crawler keeps only those
    naming an article), the most specific such queries only."""
    fits = {}
    for article, url in stored.items():
        key = article_key(url)
        if key and (key.host, key.path) == (wanted.host, wanted.path) and key.query <= wanted.query:
            fits[article] = key.query
    return sorted(a for a, q in fits.items() if not any(q < other for other in fits.values()))
