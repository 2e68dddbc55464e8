"""Stable identifiers.

Ids are content hashes rather than counters or UUIDs so that a page redelivered after a
crash (at-least-once delivery) produces the very same ids, which makes every output
record idempotent by key.
"""

from __future__ import annotations

import hashlib

_SEP = "\x1f"


def _digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(_SEP.encode())
    return h.hexdigest()


def page_id_for(url: str, body: str) -> str:
    """Page id for producers that send none: the same url and body give the same id."""
    return "p-" + _digest("page", url, body)


def article_id_for(url: str, title: str | None, text: str) -> str:
    """Article id from where it was published and what it says.

    The page id is left out on purpose: two scrapes of one url with identical content are
    the same article even when the crawler gave them different page ids.
    """
    return _digest("article", url, title or "", text)
