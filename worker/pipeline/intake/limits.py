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
