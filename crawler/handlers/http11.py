"""HTTP/1.1 download handler that keeps, for the archive, what Scrapy's would drop.

Scrapy's Response keeps neither the status line (its reason phrase, or its absence) nor the
header fields as they came: Twisted regroups repeated names, re-cases names ("ETag" becomes
"Etag") and keeps connection headers (Connection, Keep-Alive, Transfer-Encoding) apart,
where Scrapy never sees them. A WARC response record should carry the head the server sent,
so the parser here also records the status line and every header field in arrival order,
name as sent, and the agent puts them in ``request.meta["http_head"]`` as the head arrives
(a 1xx interim response is skipped, as Twisted skips it). The request head is kept as
Twisted wrote it too, in ``request.meta["http_request_head"]``: Scrapy's Request lacks what
Twisted adds (the Host field at the end, Content-Length or Transfer-Encoding of a body,
Connection: close) and says nothing of the version (always HTTP/1.1, whatever the server
answers).

A download that fails after the headers came (the connection dropped before the body was
whole, DOWNLOAD_TIMEOUT, DOWNLOAD_MAXSIZE) raises an exception and Scrapy throws away what
did arrive. Here the exception carries it, as a :class:`PartialResponse` naming the WARC
truncation reason, so the capture middleware can archive the exchange as the server sent it
(``WARC-Truncated``) instead of leaving no trace of it.

This subclasses private parts of Scrapy 2.19's handler (pinned in requirements.txt).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
    _ScrapyAgent,
)
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.web.iweb import UNKNOWN_LENGTH

logger = logging.getLogger(__name__)

HEAD_META = "http_head"  # request.meta: (status line, [(name, value), …]) as received
REQUEST_HEAD_META = "http_request_head"  # request.meta: (request line, [(name, value), …]) as sent
PARTIAL_ATTR = "partial_response"  # attribute of a download exception: a PartialResponse


@dataclass(frozen=True)
class PartialResponse:
    """What arrived of a response whose download failed, and why it stopped (the value of
    WARC-Truncated: ``disconnect``, ``time``, ``length`` or ``unspecified``)."""

    response: Response
    truncated: str


def partial_response(exc: BaseException) -> PartialResponse | None:
    """The part of a response a failed download received, if it got as far as the headers."""
    found = getattr(exc, PARTIAL_ATTR, None)
    return found if isinstance(found, PartialResponse) else None


MAX_HEAD_LINE = 256 * 1024  # bytes of one head line: browsers take such (a long CSP, a cookie)


class _HeadKeepingParser(_LenientHTTPClientParser):
    """Scrapy's lenient response parser, also keeping the head as it came. A head line may
    be MAX_HEAD_LINE long: Twisted's 16 KB dropped the connection at a long Content-Security-
    Policy, and the article was lost as "connection closed cleanly", with no record."""

    MAX_LENGTH = MAX_HEAD_LINE
    _fields: list[tuple[bytes, bytes]]

    def statusReceived(self, status: bytes) -> None:
        self._fields = []  # anew after a 1xx interim response
        super().statusReceived(status)
        self.response._wire_head = (status, self._fields)
        self.response._wire_request_head = getattr(self.request, "_wire_head", None)

    def headerReceived(self, name: bytes, value: bytes) -> None:
        self._fields.append((name, value))
        super().headerReceived(name, value)


class _HeadCopy:
    """Stands in for the transport while Twisted writes a request head: passes the bytes on
    and keeps them."""

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data
        self._transport.write(data)

    def writeSequence(self, data: list[bytes]) -> None:  # noqa: N802 - Twisted's name
        self.write(b"".join(data))


class _HeadKeepingProtocol(_LenientHTTP11ClientProtocol):
    def request(self, request: Any) -> Any:
        write_headers = request._writeHeaders

        def keep_head(transport: Any, te_or_cl: bytes | None) -> None:
            copy = _HeadCopy(transport)
            write_headers(copy, te_or_cl)
            request._wire_head = copy.data

        request._writeHeaders = keep_head
        d = super().request(request)
        # the way Scrapy installs its lenient parser: no response byte has arrived yet
        self._parser.__class__ = _HeadKeepingParser
        return d


class _HeadKeepingFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: Any) -> _HeadKeepingProtocol:
        return _HeadKeepingProtocol(self._quiescentCallback)


def wire_head(txresponse: Any) -> tuple[str, list[tuple[str, str]]] | None:
    """The status line and header fields of a Twisted response as received (Latin-1 text,
    which encodes back to the same bytes), or None when the parser did not record them."""
    head = getattr(txresponse, "_wire_head", None)
    if head is None:
        return None
    status, fields = head
    return status.decode("latin-1"), [(n.decode("latin-1"), v.decode("latin-1"))
                                      for n, v in fields]


def wire_request_head(txresponse: Any) -> tuple[str, list[tuple[str, str]]] | None:
    """The request line and header fields the request of a Twisted response was sent with
    (Latin-1 text), or None when the protocol did not record them."""
    raw = getattr(txresponse, "_wire_request_head", None)
    if not raw:
        return None
    line, *fields = raw.decode("latin-1").split("\r\n")
    return line, [(name, value) for name, _, value in
                  (field.partition(": ") for field in fields if field)]


class _HeadKeepingAgent(_ScrapyAgent):
    _headers_seen: Any = None  # the Twisted response, once its head has arrived
    _reader: Any = None  # Scrapy's _ResponseReader collecting its body

    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        request.meta[HEAD_META] = wire_head(txresponse)
        request.meta[REQUEST_HEAD_META] = wire_request_head(txresponse)
        self._headers_seen = txresponse
        deliver = txresponse.deliverBody

        def keep_reader(protocol: Any) -> None:
            self._reader = protocol
            deliver(protocol)

        txresponse.deliverBody = keep_reader
        return super()._cb_bodyready(txresponse, request)

    def partial(self, request: Request, exc: Exception) -> PartialResponse | None:
        """The response so far, when the download failed after its head arrived."""
        tx = self._headers_seen
        if tx is None:
            return None
        reader = self._reader
        body = reader._bodybuf.getvalue() if reader is not None else b""
        maxsize = request.meta.get("download_maxsize", self._maxsize)
        received = reader._bytes_received if reader is not None else 0
        if isinstance(exc, ResponseDataLossError):
            why = "disconnect"
        elif isinstance(exc, DownloadTimeoutError):
            why = "time"
        elif isinstance(exc, DownloadCancelledError) and maxsize and (
                received > maxsize or tx.length != UNKNOWN_LENGTH and tx.length > maxsize):
            why = "length"  # Scrapy drops the body read so far: the record keeps the head
            body = b""
        else:
            why = "unspecified"
        ip = getattr(reader, "_ip_address", None) or getattr(tx, "_scrapy_ip_address", None)
        response = self._cb_bodydone({"txresponse": tx, "body": body, "flags": ["truncated"],
                                      "ip_address": ip}, request.url)
        return PartialResponse(response, why)


class HeadKeepingHTTP11DownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with the parser and agent above."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool._factory = _HeadKeepingFactory

    async def download_request(self, request: Request) -> Response:
        agent = _HeadKeepingAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except Exception as exc:
            if isinstance(exc, ResponseDataLossError) and not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            try:
                setattr(exc, PARTIAL_ATTR, agent.partial(request, exc))
            except Exception:  # noqa: BLE001 - what arrived is a bonus; the failure is the news
                logger.exception("Could not keep what arrived of %s", request.url)
            raise
