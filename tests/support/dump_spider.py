"""A test spider for `scrapy runspider`: fetch the given URLs and record what came back."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import scrapy


class DumpSpider(scrapy.Spider):
    name = "dump"
    custom_settings = {"ROBOTSTXT_OBEY": False, "REDIRECT_ENABLED": False, "ITEM_PIPELINES": {},
                       "HTTPERROR_ALLOW_ALL": True}

    def __init__(self, urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url_list = [u for u in urls.split(" ") if u]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.url_list:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> Any:
        yield {"url": response.url, "status": response.status,
               "sha256": hashlib.sha256(response.body).hexdigest(),
               "location": response.headers.get("Location", b"").decode() or None}
