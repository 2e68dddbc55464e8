"""Article records in a dict: the backend for tests and tools that need no durability."""

from __future__ import annotations

from collections.abc import Iterator

from worker.pipeline.dedup.index import ArticleRecord


class MemoryRecords:
    def __init__(self) -> None:
        self._records: dict[str, ArticleRecord] = {}

    def get(self, article_id: str) -> ArticleRecord | None:
        return self._records.get(article_id)

    def put(self, article_id: str, record: ArticleRecord) -> None:
        self._records[article_id] = record

    def delete(self, article_id: str) -> None:
        self._records.pop(article_id, None)

    def items(self) -> Iterator[tuple[str, ArticleRecord]]:
        yield from list(self._records.items())

    def __len__(self) -> int:
        return len(self._records)
