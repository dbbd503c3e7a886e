"""Short, stable reason codes for failed downloads: one vocabulary for logs, stats and reports."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

# Request meta for a callback that reads error answers itself (their status, a challenge page)
# while redirects are still followed: ``handle_httpstatus_all`` would stop RedirectMiddleware
# too, and a robots.txt, feed, sitemap or home page that moved would end there.
SEE_ERROR_ANSWERS = {"handle_httpstatus_list": tuple(range(400, 600))}

# Exception class names (of the exception or anything it wraps) → reason code.
_BY_CLASS = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "ResponseDataLossError": "data_loss",
    "TruncatedBodyError": "data_loss",
    "DownloadCancelledError": "maxsize",
    "CancelledError": "maxsize",
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "ConnectionAborted": "connection_lost",
    "DownloadFailedError": "connection_lost",
    "ResponseFailed": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
    "CannotResolveHostError": "dns",
    "DNSLookupError": "dns",
    "UnsupportedURLSchemeError": "unsupported_scheme",
    "NotSupported": "unsupported_scheme",
}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class RedirectFailure(IgnoreRequest):
    """A redirect chain that ends at no page (see :mod:`crawler.downloadermiddlewares.redirect`,
    which logs and counts it: Scrapy itself logs an IgnoreRequest only through an errback)."""

    reason = "redirect_loop"  # its reason code (exception_reason)

    def __init__(self, message: str, chain: list[str]) -> None:
        super().__init__(f"{message}: {' -> '.join(chain)}")
        self.chain = chain


class RedirectLoopError(RedirectFailure):
    def __init__(self, chain: list[str]) -> None:
        super().__init__("redirect loop", chain)


class TooManyRedirectsError(RedirectFailure):
    def __init__(self, chain: list[str], limit: int) -> None:
        super().__init__(f"more than {limit} redirects (REDIRECT_MAX_TIMES)", chain)


class BadLocationError(RedirectFailure):
    """A 3xx whose ``Location`` is no URL (an unclosed IPv6 bracket, a port past 65535): there
    is nowhere to follow it (Scrapy's RedirectMiddleware failed on it with a ValueError)."""

    reason = "redirect_bad_location"

    def __init__(self, url: str, location: str, why: str) -> None:
        super().__init__(f"Location {location!r} is not a URL ({why})", [url])


class RedirectedElsewhere(RedirectFailure):
    """An article whose redirects end on a page that is not it: another site's (a lapsed domain
    sold on, a parked page) or a page of its site that is no article (a rubric). That page's
    text is not the article's, so it must not become an item under the article's URL."""

    def __init__(self, chain: list[str], reason: str) -> None:
        where = "another site" if reason == OFF_SITE else "a page that is no article"
        super().__init__(f"redirected to {where}", chain)
        self.reason = reason


OFF_SITE, NON_ARTICLE = "redirected_off_site", "redirected_to_non_article"


def status_reason(status: int) -> str:
    return f"http_{status}"


def refused_redirect(response: Response) -> bool:
    """A 3xx whose Location leaves HTTP(S) (file://, ftp://): Scrapy declines to follow it."""
    location = response.headers.get("Location")
    if not 300 <= response.status < 400 or not location:
        return False
    scheme = urlsplit(location.decode("latin-1").strip()).scheme.lower()
    return scheme not in ("", "http", "https")


def exception_reason(exc: BaseException) -> str:
    """The reason code of a download exception (its own class, then what it wraps)."""
    if isinstance(exc, HttpError):
        response = exc.response
        return "redirect_refused_scheme" if refused_redirect(response) else status_reason(
            response.status)
    if isinstance(exc, RedirectFailure):
        return exc.reason
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "max redirections" in text:
            return "redirect_loop"
        if "DOWNLOAD_MAXSIZE" in text:
            return "maxsize"
        return "ignored"
    return network_reason(exc) or _CAMEL.sub("_", type(exc).__name__).lower()


def network_reason(exc: BaseException, *, context: bool = True) -> str | None:
    """The reason code of a network failure (a timeout, a refused or lost connection, DNS, a
    body cut short), found in the exception or anything it wraps; None for any other. With
    ``context=False`` only what it wraps on purpose (``raise … from``, a Twisted failure's
    reasons) counts, not an exception it was raised while handling (a bug in that handler)."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        name = type(current).__name__
        if name in _BY_CLASS:
            return _BY_CLASS[name]
        stack += [current.__cause__, current.__context__ if context else None]
        stack += [getattr(r, "value", None) for r in getattr(current, "reasons", ()) or ()]
    return None


def describe(exc: BaseException) -> str:
    """A one-line human account of the failure (the exception's own words when it has any)."""
    if isinstance(exc, HttpError):
        response = exc.response
        if refused_redirect(response):
            location = response.headers.get("Location", b"").decode("latin-1")
            return f"HTTP {response.status} redirect to a non-HTTP URL ({location}) refused"
        return f"HTTP {response.status}"
    return str(exc).strip() or type(exc).__name__
