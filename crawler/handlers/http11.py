"""HTTP/1.1 download handler that keeps the status line's reason phrase for the archive.

Scrapy's Response keeps the protocol version but drops the reason phrase; a WARC response
record should carry the status line the server really sent ("HTTP/1.1 200 OK", or whatever
phrase it chose). The phrase is put in ``request.meta["http_reason"]`` as the headers arrive.
This subclasses private parts of Scrapy 2.19's handler (pinned in requirements.txt).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Request, Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future

logger = logging.getLogger(__name__)

REASON_META = "http_reason"


class _ReasonKeepingAgent(_ScrapyAgent):
    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        phrase = getattr(txresponse, "phrase", b"") or b""
        request.meta[REASON_META] = (phrase.decode("latin-1") if isinstance(phrase, bytes)
                                     else str(phrase))
        return super()._cb_bodyready(txresponse, request)


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
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
