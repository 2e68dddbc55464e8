"""How one article record is written to, and read back from, the dedup table.

The single place that knows the changelog's value format: the packed bytes of
``worker.pipeline.dedup.record`` (about 340 bytes for a clean article, 40 for a
duplicate), which ``worker.pipeline.dedup.index.TableStore`` writes too
(``tests/test_state.py`` checks that they agree).
"""

from __future__ import annotations

from typing import Any

from worker.pipeline.dedup.record import ArticleRecord, decode_record as unpack_record, encode_record as pack_record


class CorruptRecord(ValueError):
    """A stored value that is not an article record. Recovery treats it as a failed
    rebuild: an index missing that article could judge wrongly."""

    def __init__(self, article_id: str, value: Any, cause: Exception) -> None:
        super().__init__(
            f"dedup record {article_id!r} cannot be read ({type(cause).__name__}: {cause}): {str(value)[:120]}"
            "; if it is garbage, a tombstone for its key on the table's changelog topic removes it"
        )
        self.article_id = article_id


def encode_record(record: ArticleRecord) -> bytes:
    return pack_record(record)


def decode_record(article_id: str, value: Any) -> ArticleRecord:
    """Raises :class:`CorruptRecord` for anything that is not a record."""
    try:
        return unpack_record(value)
    except ValueError as exc:
        raise CorruptRecord(article_id, value, exc) from exc
