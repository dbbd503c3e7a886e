"""Item pipeline: the JSON Schema check, last before items reach the feeds."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from archive.schema import schema_errors


class ValidationPipeline:
    """Check each article against the JSON Schema analyzers rely on; drop and count the rest."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        data = ItemAdapter(item).asdict()
        errors = schema_errors(data)
        if errors:
            self.stats.inc_value("items/invalid")
            raise DropItem(f"invalid item {data.get('url')}: {'; '.join(errors)}")
        self.stats.inc_value("items/valid")
        return item
