"""How one article record is written to, and read back from, the dedup table.

The single place that knows the changelog's value format, so that a more compact
encoding can replace it in one edit. Today's format is the one
``worker.pipeline.dedup.index.TableStore`` writes (``tests/test_state.py`` checks that
they agree): a JSON list ``[cluster_id, duplicate_of, similarity, exact_key,
signature_base64, ts]``; duplicates carry ``""`` for the key and the signature.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from worker.pipeline.dedup.index import ArticleRecord


class CorruptRecord(ValueError):
    """A stored value that is not an article record. Recovery treats it as a failed
    rebuild: an index missing that article could judge wrongly."""

    def __init__(self, article_id: str, value: Any, cause: Exception) -> None:
        super().__init__(
            f"dedup record {article_id!r} cannot be read ({type(cause).__name__}: {cause}): {str(value)[:120]}"
            "; if it is garbage, a tombstone for its key on the table's changelog topic removes it"
        )
        self.article_id = article_id


def encode_record(record: ArticleRecord) -> Any:
    sig = base64.b64encode(record.signature).decode("ascii") if record.signature else ""
    return [record.cluster_id, record.duplicate_of, record.similarity, record.exact, sig, record.ts]


def decode_record(article_id: str, value: Any) -> ArticleRecord:
    """Raises :class:`CorruptRecord` for anything that is not a record."""
    try:
        cluster_id, duplicate_of, similarity, exact, sig, ts = value
        if not isinstance(cluster_id, str) or not isinstance(exact, str) or not isinstance(sig, str):
            raise TypeError("cluster id, exact key and signature must be strings")
        if duplicate_of is not None and not isinstance(duplicate_of, str):
            raise TypeError("duplicate_of must be a string or null")
        return ArticleRecord(
            cluster_id,
            duplicate_of,
            None if similarity is None else float(similarity),
            exact,
            base64.b64decode(sig, validate=True) if sig else b"",
            float(ts),
        )
    except (TypeError, ValueError, binascii.Error) as exc:
        raise CorruptRecord(article_id, value, exc) from exc
