"""URL equivalence (for lookups) and SURT keys (for CDXJ), without extra dependencies."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import SplitResult, urlsplit

_UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT = re.compile(rb"%([0-9A-Fa-f]{2})")
_WWW = re.compile(r"^www\d*\.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


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
    """(parts, scheme, host, port); never raises, even for a broken `[IPv6` host."""
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
        port = parts.port
    except ValueError:
        port = None
    return parts, scheme, host.lower(), port


def normalize_url(url: str) -> str:
    """A key under which equivalent spellings of one URL (percent-encoding, case) collide."""
    url = strip_brackets(url)
    parts, scheme, host, port = _split_host(url)
    if not scheme or not host:
        return normalize_escapes(url.split("#", 1)[0])
    netloc = host
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
