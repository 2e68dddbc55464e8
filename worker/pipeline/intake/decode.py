"""Turn raw input bytes into a validated :class:`RawPage`, or a :class:`PageError` that
says exactly why not.

Decoding happens here rather than in a Kafka deserializer because faust acknowledges a
message whose value fails to decode before user code sees it: by owning the decode we can
dead-letter the message instead of losing it.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from worker.pipeline.intake.ids import page_id_for
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import PageError, RawPage
from worker.pipeline.intake.schemas import ValidationError, validator

TEXT = "text/plain"
HTML = "text/html"

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<div", b"<p>", b"<p ", b"<meta")


def sniff_content_type(body: str) -> str:
    """Guess HTML from the first kilobyte; a plain-text page rarely starts with tags."""
    head = body[:1024].lstrip().lower().encode("utf-8", "ignore")
    return HTML if any(marker in head for marker in _HTML_MARKERS) else TEXT


def _normalise_content_type(value: str | None, body: str) -> str:
    if value is None:
        return sniff_content_type(body)
    media = value.split(";", 1)[0].strip().lower()
    return HTML if media in (HTML, "application/xhtml+xml") else TEXT


def _check_body(body: str, limits: Limits) -> None:
    if len(body) > limits.max_body_chars:
        raise PageError("body_too_large", f"body has {len(body):,} characters; the limit is {limits.max_body_chars:,}")
    if not body.strip():
        raise PageError("empty_body", "body is empty or only whitespace")


def _decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PageError("invalid_encoding", f"input is not valid UTF-8 (byte {exc.start}: {exc.reason})") from None


def parse_raw_message(data: bytes, limits: Limits, schemas: Path | None = None) -> RawPage:
    """A ``pages.raw`` message value (JSON, see ``schemas/raw_page.schema.json``)."""
    if len(data) > limits.max_message_bytes:
        raise PageError("message_too_large", f"message has {len(data):,} bytes; the limit is {limits.max_message_bytes:,}")
    if not data.strip():
        raise PageError("empty_message", "message is empty")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        kind = "invalid_encoding" if "UTF-8" in str(exc) else "invalid_json"
        raise PageError(kind, f"cannot decode JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise PageError("schema_violation", f"a raw page must be a JSON object, not {type(doc).__name__}")
    try:
        try:
            validator("raw_page", schemas)(doc)
        except ValidationError as exc:
            raise PageError("schema_violation", str(exc)) from None
        return page_from_fields(doc, limits)
    except PageError as exc:
        raise with_identity(exc, doc)


MAX_READABLE_PAGE_ID = 1024
"""A page id longer than this is not one a producer could be tracking (the schema allows 256)."""


def with_identity(error: PageError, doc: dict) -> PageError:
    """Attach the page id and url a refused message still carries (``error.page_id``,
    ``error.url``), so its dead letter is keyed by and names the page: a producer that
    counts its pages must be able to account for one whose message broke the schema."""
    page_id, url = doc.get("page_id"), doc.get("url")
    error.page_id = page_id if isinstance(page_id, str) and 0 < len(page_id) <= MAX_READABLE_PAGE_ID else None  # type: ignore[attr-defined]
    error.url = url if isinstance(url, str) and url else None  # type: ignore[attr-defined]
    return error


def page_from_fields(doc: dict, limits: Limits) -> RawPage:
    body: str = doc["body"]
    _check_body(body, limits)
    url: str = doc["url"]
    return RawPage(
        page_id=doc.get("page_id") or page_id_for(url, body),
        url=url,
        body=body,
        content_type=_normalise_content_type(doc.get("content_type"), body),
        fetched_at=doc.get("fetched_at"),
        source=doc.get("source"),
    )


def page_from_file(path: str, data: bytes, limits: Limits) -> RawPage:
    """A single page stored as a file: ``.html``/``.htm`` is HTML, anything else text."""
    if len(data) > limits.max_message_bytes:
        raise PageError("message_too_large", f"file has {len(data):,} bytes; the limit is {limits.max_message_bytes:,}")
    body = _decode_utf8(data)
    _check_body(body, limits)
    lower = path.lower()
    content_type = HTML if lower.endswith((".html", ".htm")) else TEXT
    url = path if "://" in path else "file://" + path
    return RawPage(page_id=page_id_for(url, body), url=url, body=body, content_type=content_type)


def identity_of(data: bytes, limits: Limits) -> tuple[str | None, str | None]:
    """The page id and url a raw message carries, if they can be read without analysing
    it: for dead letters written outside the core (a crashed or stuck analysis process)."""
    if len(data) > limits.max_message_bytes:
        return None, None
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(doc, dict):
        return None, None
    error = with_identity(PageError("x", "x"), doc)
    return error.page_id, error.url  # type: ignore[attr-defined]
