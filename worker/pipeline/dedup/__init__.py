"""Fingerprints and the near-duplicate index: what makes two articles one story.

``encode_record`` / ``decode_record`` are the byte form of one remembered article, for a
table store (see :mod:`worker.pipeline.dedup.record`)."""

from worker.pipeline.dedup.record import ArticleRecord, decode_record, encode_record

__all__ = ["ArticleRecord", "decode_record", "encode_record"]
