"""The store the dedup index runs on, composed of a durable record store and an
in-memory index store.

``DedupIndex`` needs articles, exact keys and band buckets (``DedupStore``). Only the
articles are durable truth; exact keys and bands are derived from them. So
``MirroredStore`` writes each article record to both the in-memory store (where every
look-up reads) and the durable :class:`RecordStore` (the faust table and its changelog),
and keeps exact keys and bands in memory only. Recovery replaces the in-memory part
wholesale (``memory``), never the durable one.
"""

from __future__ import annotations

from collections.abc import Iterator

from worker.pipeline.dedup.index import ArticleRecord, DedupStore, MemoryStore, RecordHead
from worker.stream.state.base import RecordStore


class MirroredStore:
    """A ``DedupStore``. Methods are explicit, never forwarded wholesale: a store method the
    index gains later must be decided here (durable or derived), not silently in memory."""

    def __init__(self, durable: RecordStore, memory: DedupStore | None = None) -> None:
        self.durable = durable
        self.memory: DedupStore = MemoryStore() if memory is None else memory

    def get_article(self, article_id: str) -> ArticleRecord | None:
        return self.memory.get_article(article_id)

    def get_heads(self, article_ids: list[str]) -> list[RecordHead | None]:
        # Reads, like get_article, go to memory: it holds every record the durable store does.
        return self.memory.get_heads(article_ids)

    def put_article(self, article_id: str, record: ArticleRecord) -> None:
        self.memory.put_article(article_id, record)
        self.durable.put(article_id, record)

    def delete_article(self, article_id: str) -> None:
        self.memory.delete_article(article_id)
        self.durable.delete(article_id)

    def iter_articles(self) -> Iterator[tuple[str, ArticleRecord]]:
        return self.memory.iter_articles()

    def get_exact(self, key: str) -> str | None:
        return self.memory.get_exact(key)

    def put_exact(self, key: str, article_id: str) -> None:
        self.memory.put_exact(key, article_id)

    def delete_exact(self, key: str) -> None:
        self.memory.delete_exact(key)

    def get_bands(self, keys: tuple[str, ...]) -> list[list[str]]:
        return self.memory.get_bands(keys)

    def put_bands(self, items: list[tuple[str, list[str]]]) -> None:
        self.memory.put_bands(items)

    def remembered(self) -> int:
        """How many articles the index holds (for the metric)."""
        articles = getattr(self.memory, "articles", None)
        return len(articles) if articles is not None else sum(1 for _ in self.memory.iter_articles())


class EvictionView:
    """``store`` as seen by an eviction of one bounded batch of article ids.

    ``DedupIndex.evict_older_than`` scans every article its store iterates; giving it
    this view makes it iterate only ``batch`` while every read and delete goes to the
    real store, so the index's own eviction logic (exact key, band pointers, record)
    runs on a batch of known size instead of a full scan on the event loop. Records are
    read when iterated, so one re-remembered since the batch was chosen (a replay after
    expiry) is live again and the index's cutoff test leaves it alone; one that exists
    only in the durable store (found expired by a rebuild, never indexed) is read from
    there, and its eviction is then just the durable delete: a tombstone.
    """

    def __init__(self, store: MirroredStore, batch: list[str]) -> None:
        self.store = store
        self.batch = batch

    def iter_articles(self) -> Iterator[tuple[str, ArticleRecord]]:
        for article_id in self.batch:
            record = self.store.get_article(article_id) or self.store.durable.get(article_id)
            if record is not None:
                yield article_id, record

    def get_article(self, article_id: str) -> ArticleRecord | None:
        return self.store.get_article(article_id)

    def get_heads(self, article_ids: list[str]) -> list[RecordHead | None]:
        return self.store.get_heads(article_ids)

    def put_article(self, article_id: str, record: ArticleRecord) -> None:
        self.store.put_article(article_id, record)

    def delete_article(self, article_id: str) -> None:
        self.store.delete_article(article_id)

    def get_exact(self, key: str) -> str | None:
        return self.store.get_exact(key)

    def put_exact(self, key: str, article_id: str) -> None:
        self.store.put_exact(key, article_id)

    def delete_exact(self, key: str) -> None:
        self.store.delete_exact(key)

    def get_bands(self, keys: tuple[str, ...]) -> list[list[str]]:
        return self.store.get_bands(keys)

    def put_bands(self, items: list[tuple[str, list[str]]]) -> None:
        self.store.put_bands(items)
