"""Bounds on the work one page may cause.

A stream worker shares one event loop among all pages, so a single hostile input (a 20 MB
body, a megabyte line, HTML nested 100,000 deep) must be refused or cut early rather than
allowed to stall every other page. The numbers are documented in the README.

The core reads no environment: ``worker.config.Settings`` fills these from the
``NEWSWORKER_`` variables named in each field's metadata and passes them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _env(name: str, doc: str) -> dict[str, str]:
    return {"env": name, "doc": doc}


@dataclass(frozen=True, slots=True)
class Limits:
    max_message_bytes: int = field(default=6 * 1024 * 1024, metadata=_env("MAX_MESSAGE_BYTES", "whole raw message, JSON envelope included"))
    max_body_chars: int = field(default=4 * 1024 * 1024, metadata=_env("MAX_BODY_CHARS", "page body after JSON decoding"))
    max_dead_letter_raw_bytes: int = field(default=64 * 1024, metadata=_env("DLQ_RAW_BYTES", "raw input kept in a dead letter"))
    page_time_limit_s: float = field(default=5.0, metadata=_env("PAGE_TIME_LIMIT_S", "wall time for one page's core work"))
    max_articles_per_page: int = field(default=25, metadata=_env("MAX_ARTICLES_PER_PAGE", "more articles than this make the page a dead letter"))


MAX_ARTICLE_TEXT_BYTES = 1024 * 1024
"""UTF-8 bytes of one article's text. An article record carries its text twice (as
``paragraphs`` and joined as ``text``), and the candidate record adds a fingerprint, so
this keeps every output record near 2 MiB, well below the 8 MiB ``max.message.bytes``
that ``newsworker topics create`` gives every topic: a record the broker would reject must
never be produced. Real articles are a few tens of kilobytes."""


def bound_paragraphs(paragraphs: list[str], max_bytes: int = MAX_ARTICLE_TEXT_BYTES) -> tuple[list[str], int]:
    """Keep whole paragraphs, in order, while their text fits ``max_bytes`` (the joining
    blank lines included); a first paragraph longer than that is cut at a character
    boundary, so an article never ends up empty. Returns the kept paragraphs and how many
    paragraphs were dropped or cut (0 when the article fits, the usual case)."""
    total = 0
    for i, paragraph in enumerate(paragraphs):
        size = len(paragraph.encode("utf-8")) + (2 if i else 0)
        if total + size > max_bytes:
            if i == 0:
                cut = paragraph.encode("utf-8")[:max_bytes].decode("utf-8", "ignore").rstrip()
                return ([cut] if cut else paragraphs[:1]), len(paragraphs)
            return paragraphs[:i], len(paragraphs) - i
        total += size
    return paragraphs, 0
