"""The dedup stage's state: one faust Table as the durable truth, and the compact
in-memory index derived from it.

Only one record per article goes to the changelog (a put per new article, a tombstone
per eviction). The exact-hash and band look-ups are derived state: they are rebuilt from
the table whenever faust finishes recovering it (a start, a restart, a rebalance), which
keeps the changelog an order of magnitude smaller than changelogging every band bucket.

The stage reads a single-partition topic (``DEDUP_PARTITIONS``) so that one total order
decides which of two near-duplicates came first, whichever page partitions they
arrived on; see ``worker/pipeline/dedup/index.py`` for the reasoning and the scale-out path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from typing import Any

import faust

from worker.config import Settings
from worker.pipeline.dedup.index import ArticleRecord, DedupIndex, MemoryStore, TableStore
from worker.stream.metrics import Metrics

DEDUP_PARTITIONS = 1
EVICT_EVERY_S = 3600.0

log = logging.getLogger("newsworker.dedup")


class ChangelogStore(MemoryStore):
    """A MemoryStore whose article records are also written to a faust Table."""

    def __init__(self, table: Any) -> None:
        super().__init__()
        self.table = table

    def put_article(self, article_id: str, record: ArticleRecord) -> None:
        super().put_article(article_id, record)
        TableStore(articles=self.table).put_article(article_id, record)

    def delete_article(self, article_id: str) -> None:
        super().delete_article(article_id)
        self.table.pop(article_id, None)


class DedupState:
    def __init__(self, app: faust.App, settings: Settings, metrics: Metrics) -> None:
        self.config = settings.dedup_config()
        self.metrics = metrics
        # The state version is in the name: new shingling or banding starts from fresh state.
        self.table = app.Table(
            f"dedup-articles-{self.config.state_version()}",
            partitions=DEDUP_PARTITIONS,
            key_type=str,
            value_type=bytes,  # faust's "raw" serializer for bytes values
        )  # values are encode_record bytes (worker.pipeline.dedup.record), about 340 bytes a clean article
        self.store = ChangelogStore(self.table)
        self.index = DedupIndex(self.store, self.config)
        # Set while the in-memory index matches the table. faust resumes the stream before
        # it runs recovery callbacks (faust-streaming #216), so the dedup agent waits on this
        # rather than judge a candidate against an index that is being rebuilt.
        self.current = asyncio.Event()
        self._last_evict = time.time()
        self.table.on_recover(self.rebuild)
        app.on_partitions_revoked.connect(self._on_revoked)

    async def _on_revoked(self, sender: Any, revoked: Any = None, **kwargs: Any) -> None:
        self.current.clear()

    async def rebuild(self) -> None:
        """Derive the in-memory index from the recovered table, oldest first so that band
        buckets keep their newest-last order."""
        started = time.perf_counter()
        fresh = DedupIndex(MemoryStore(), self.config)
        records = sorted(_table_records(self.table), key=lambda item: item[1].ts)
        horizon = time.time() - self.config.retention_seconds
        for article_id, record in records:
            if record.ts >= horizon:
                fresh.restore(article_id, record)
        built: MemoryStore = fresh.store  # type: ignore[assignment]
        self.store.articles, self.store.exact, self.store.bands = built.articles, built.exact, built.bands
        # The frequency sketches (template wording, common numbers and names) are derived too.
        self.index.adopt(fresh)
        self.current.set()
        log.info("dedup index rebuilt", extra={"articles": len(built.articles), "seconds": round(time.perf_counter() - started, 3)})

    def maybe_evict(self, now: float) -> None:
        """Called from inside the dedup agent (faust only lets a table change during event
        processing). Look-ups already ignore expired entries, so this only frees memory."""
        if now - self._last_evict < EVICT_EVERY_S:
            return
        self._last_evict = now
        removed = self.index.evict_older_than(now - self.config.retention_seconds)
        if removed:
            log.info("dedup state evicted", extra={"articles": removed})

    def size(self) -> int:
        return len(self.store.articles)


def _table_records(table: Any) -> Iterator[tuple[str, ArticleRecord]]:
    reader = TableStore(articles=table)
    yield from reader.iter_articles()
