"""Dead-letter records: what failed, why, where it came from, and enough of the input to
replay or debug it, cut to a bound so that a 20 MB poison message does not become a
20 MB dead letter."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

from worker.pipeline.model import Origin, PageError

_MAX_MESSAGE_CHARS = 2000


def _cut_utf8(data: bytes, limit: int) -> tuple[str, str]:
    """Keep text readable when it is UTF-8 (cut on a character boundary), else base64."""
    piece = data[:limit]
    try:
        return "utf-8", piece.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(piece) - 3 and len(data) > limit:  # only the cut split a character
            return "utf-8", piece[: exc.start].decode("utf-8")
        return "base64", base64.b64encode(piece).decode("ascii")


def dead_letter(
    error: PageError,
    origin: Origin,
    raw: bytes,
    *,
    max_raw_bytes: int,
    page_id: str | None = None,
    url: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    encoding, data = _cut_utf8(raw, max_raw_bytes)
    message = error.message if len(error.message) <= _MAX_MESSAGE_CHARS else error.message[: _MAX_MESSAGE_CHARS - 1] + "…"
    err: dict[str, Any] = {"type": error.kind, "message": message or error.kind}
    if error.stage:
        err["stage"] = error.stage
    if error.reason:
        err["reason"] = error.reason
    return {
        "schema_version": 1,
        "error": err,
        "origin": origin.as_dict(),
        "page_id": page_id,
        "url": url[:8192] if url else url,
        "raw": {"encoding": encoding, "data": data, "size_bytes": len(raw), "truncated": len(raw) > max_raw_bytes},
        "failed_at": (now or datetime.now(timezone.utc)).isoformat(timespec="milliseconds"),
    }
