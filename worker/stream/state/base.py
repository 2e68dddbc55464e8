"""The one interface every state backend of the dedup stage offers.

Modelled on Quix Streams' ``state/base``: the dedup index's durable truth is one record
per remembered article, keyed by article id, and that is all a backend stores. The
exact-hash and band look-ups are derived from these records in memory (see
``recovery.py``), so a backend never has to know about them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from worker.pipeline.dedup.index import ArticleRecord


class RecordStore(Protocol):
    """Article records by article id. Implementations: ``MemoryRecords`` (a dict, for
    tests and tools) and ``TableRecords`` (a faust Table: memory or RocksDB, with a
    changelog). ``delete`` of a missing id is a no-op."""

    def get(self, article_id: str) -> ArticleRecord | None: ...
    def put(self, article_id: str, record: ArticleRecord) -> None: ...
    def delete(self, article_id: str) -> None: ...
    def items(self) -> Iterator[tuple[str, ArticleRecord]]: ...
    def __len__(self) -> int: ...
