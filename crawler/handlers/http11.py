"""HTTP/1.1 download handler that keeps, for the archive, what Scrapy's would drop.

Scrapy's Response keeps the protocol version but drops the reason phrase; a WARC response
record should carry the status line the server really sent ("HTTP/1.1 200 OK", or whatever
phrase it chose). The phrase is put in ``request.meta["http_reason"]`` as the headers arrive.

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

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
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

REASON_META = "http_reason"
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


class _ReasonKeepingAgent(_ScrapyAgent):
    _headers_seen: Any = None  # the Twisted response, once its head has arrived
    _reader: Any = None  # Scrapy's _ResponseReader collecting its body

    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        phrase = getattr(txresponse, "phrase", b"") or b""
        request.meta[REASON_META] = (phrase.decode("latin-1") if isinstance(phrase, bytes)
                                     else str(phrase))
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


class ReasonKeepingHTTP11DownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with the agent above."""

    async def download_request(self, request: Request) -> Response:
        agent = _ReasonKeepingAgent(
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
            setattr(exc, PARTIAL_ATTR, agent.partial(request, exc))
            raise
