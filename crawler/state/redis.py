"""The state backend of distributed crawls: every worker reads and writes one Redis.

Chosen automatically when ``REDIS_URL`` is set (see :mod:`crawler.distributed.addon`), so a
worker skips what any other worker exported and versions articles against the same record.

Layout under ``STATE_REDIS_PREFIX`` (default ``<BOT_NAME>:state``), shared by all spiders
as the SQLite file is:

* ``<prefix>:articles`` hash: canonical URL -> JSON of :class:`ArticleRecord`;
* ``<prefix>:removals`` hash: canonical URL -> when the article was recorded removed;
* ``<prefix>:signatures`` hash: article id -> MinHash signature bytes;
* ``<prefix>:signature-log`` list: article ids in the order signatures were written, so a
  near-duplicate index can fetch only what other workers added since it last looked
  (:meth:`RedisStateStore.signatures_since`), one LRANGE instead of a full reload.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import redis

from crawler.distributed.connection import redis_client, state_prefix
from crawler.state import ArticleRecord

_SCAN_BATCH = 1000


class RedisStateStore:
    """Articles and signatures in Redis; each ``put`` is one MULTI/EXEC transaction."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.db = client
        self.articles = f"{prefix}:articles"
        self.sigs = f"{prefix}:signatures"
        self.log = f"{prefix}:signature-log"
        self.removals = f"{prefix}:removals"

    @classmethod
    def from_settings(cls, settings: Any) -> RedisStateStore:
        return cls(redis_client(settings), state_prefix(settings))

    def get(self, url: str) -> ArticleRecord | None:
        raw = self.db.hget(self.articles, url)
        return ArticleRecord(**json.loads(raw)) if raw else None

    def put(self, record: ArticleRecord, signature: bytes | None = None) -> None:
        pipe = self.db.pipeline(transaction=True)
        pipe.hset(self.articles, record.url, json.dumps(asdict(record), ensure_ascii=False))
        if signature is not None:
            pipe.hset(self.sigs, record.id, signature)
            pipe.rpush(self.log, record.id)
        pipe.execute()

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        for key, value in self.db.hscan_iter(self.sigs, count=_SCAN_BATCH):
            yield key.decode("utf-8"), value

    def signature(self, article_id: str) -> bytes | None:
        return self.db.hget(self.sigs, article_id)

    def signature_cursor(self) -> int:
        """Where the signature log ends now: pass it to :meth:`signatures_since` later."""
        return int(self.db.llen(self.log))

    def signatures_since(self, cursor: int) -> tuple[list[tuple[str, bytes]], int]:
        """Signatures written (by any worker) after ``cursor``, and the new cursor."""
        ids = self.db.lrange(self.log, cursor, -1)
        if not ids:
            return [], cursor
        values = self.db.hmget(self.sigs, ids)
        pairs = [(i.decode("utf-8"), v) for i, v in zip(ids, values, strict=True) if v is not None]
        return pairs, cursor + len(ids)

    def removal(self, url: str) -> str | None:
        raw = self.db.hget(self.removals, url)
        return raw.decode("utf-8") if raw else None

    def set_removal(self, url: str, observed: str | None) -> None:
        if observed is None:
            self.db.hdel(self.removals, url)
        else:
            self.db.hset(self.removals, url, observed)

    def close(self) -> None:
        self.db.close()
