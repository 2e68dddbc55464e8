"""Bounds on the work one page may cause.

A stream worker shares one event loop among all pages, so a single hostile input (a 20 MB
body, a megabyte line, HTML nested 100,000 deep) must be refused or cut early rather than
allowed to stall every other page. The numbers are documented in the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


@dataclass(frozen=True, slots=True)
class Limits:
    max_message_bytes: int = 6 * 1024 * 1024  # whole raw message (JSON envelope included)
    max_body_chars: int = 4 * 1024 * 1024  # the page body after JSON decoding
    max_dead_letter_raw_bytes: int = 64 * 1024  # raw input kept in a dead letter
    page_time_limit_s: float = 5.0  # wall time for one page's core work
    max_articles_per_page: int = 25

    @classmethod
    def from_env(cls) -> "Limits":
        d = cls()
        return cls(
            max_message_bytes=_env_int("NEWSWORKER_MAX_MESSAGE_BYTES", d.max_message_bytes),
            max_body_chars=_env_int("NEWSWORKER_MAX_BODY_CHARS", d.max_body_chars),
            max_dead_letter_raw_bytes=_env_int("NEWSWORKER_DLQ_RAW_BYTES", d.max_dead_letter_raw_bytes),
            page_time_limit_s=_env_float("NEWSWORKER_PAGE_TIME_LIMIT_S", d.page_time_limit_s),
            max_articles_per_page=_env_int("NEWSWORKER_MAX_ARTICLES_PER_PAGE", d.max_articles_per_page),
        )
