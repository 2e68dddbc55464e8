"""Value types passed between the core's stages.

They are plain dataclasses so that the core stays independent of any wire format: the
edges (CLI, stream agents) turn them into JSON that follows ``schemas/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RawPage:
    """One scraped page after intake validation (see ``schemas/raw_page.schema.json``)."""

    page_id: str
    url: str
    body: str
    content_type: str  # "text/plain" or "text/html"
    fetched_at: str | None = None
    source: str | None = None


@dataclass(slots=True)
class Segment:
    """One article found on a page, before fingerprinting and tagging.

    ``dateline`` is the raw dateline text as printed ("GENEVA"), already removed from
    the first paragraph. ``paragraphs`` are unwrapped (no hard line breaks inside) and
    each one appears once.
    """

    title: str | None
    paragraphs: list[str]
    highlights: list[str] = field(default_factory=list)
    dateline: str | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an input came from, echoed into dead letters so an operator can find it."""

    kind: str  # "kafka", "file" or "stdin"
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    path: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}


@dataclass(frozen=True, slots=True)
class OutRecord:
    """A record the core wants published. ``role`` is a logical topic ("articles",
    "duplicates", "dlq"); the shell maps roles to configured topic names."""

    role: str
    key: str
    value: dict[str, Any]


class PageError(Exception):
    """A page the core cannot turn into articles. ``kind`` is a stable, machine-readable
    reason (it becomes ``error.type`` in the dead letter)."""

    def __init__(self, kind: str, message: str, *, stage: str | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.stage = stage  # for no_articles: the stage and reason that removed the text
        self.reason = reason
