"""A test spider for `scrapy runspider`: fetch the given URLs and record what came back.

``-a method=POST -a bodies="a=1 a=2"`` sends each URL once per form body, with that method;
``-a headers="X-A Content-Type"`` records those response headers too.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import scrapy


class DumpSpider(scrapy.Spider):
    name = "dump"
    custom_settings = {"ROBOTSTXT_OBEY": False, "REDIRECT_ENABLED": False, "ITEM_PIPELINES": {},
                       "HTTPERROR_ALLOW_ALL": True}

    def __init__(self, urls: str = "", method: str = "GET", bodies: str = "",
                 headers: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.header_names = headers.split()
        self.url_list = [u for u in urls.split(" ") if u]
        self.method = method
        self.bodies = bodies.split(" ") if bodies else [""]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for url in self.url_list:
            for body in self.bodies:
                yield scrapy.Request(url, method=self.method, body=body,
                                     headers=form if body else None, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> Any:
        item = {"url": response.url, "status": response.status,
                "sha256": hashlib.sha256(response.body).hexdigest(),
                "location": response.headers.get("Location", b"").decode() or None}
        if self.header_names:
            item["headers"] = {name: response.headers.get(name, b"").decode()
                               for name in self.header_names}
        yield item
