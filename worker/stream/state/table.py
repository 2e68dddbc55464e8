"""Article records in a faust Table: the durable backend.

The table is faust's (``memory://`` or ``rocksdb://``), so every ``put`` is a changelog
record and every ``delete`` a tombstone, and faust recovers the table from the changelog
(and, with RocksDB, from local disk) on every start and rebalance. Writes must happen
inside the dedup agent's event: the RocksDB store picks the partition from the current
event.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from worker.pipeline.dedup.index import ArticleRecord
from worker.stream.state.records import decode_record, encode_record


class TableRecords:
    def __init__(self, table: MutableMapping[str, Any]) -> None:
        self.table = table

    def get(self, article_id: str) -> ArticleRecord | None:
        value = self.table.get(article_id)
        return None if value is None else decode_record(article_id, value)

    def put(self, article_id: str, record: ArticleRecord) -> None:
        self.table[article_id] = encode_record(record)

    def delete(self, article_id: str) -> None:
        self.table.pop(article_id, None)

    def items(self) -> Iterator[tuple[str, ArticleRecord]]:
        """Raises ``CorruptRecord`` at the first value that is not a record. Lazy: the
        caller yields to the event loop between chunks; nothing writes the table while
        it is being read (the dedup agent waits for the rebuild)."""
        for article_id, value in self.table.items():
            yield article_id, decode_record(article_id, value)

    def __len__(self) -> int:
        return len(self.table)
