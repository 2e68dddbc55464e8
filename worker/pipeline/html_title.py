"""Page title from metadata, with the site name cut off where that is safe.

Titles usually read "Story headline | Site" or "Site - Story headline". We drop the
site part only when we can tell which part it is (it equals og:site_name, or it is a
short tail after a separator while the rest is a real headline), because a headline
can legitimately contain " - ".
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_SPACE = re.compile(r"\s+")
_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " » ", " « ", " · ", " • ", " / ")
MAX_TITLE_CHARS = 400
_SITE_TAIL_WORDS = 4


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    text = _SPACE.sub(" ", text[: MAX_TITLE_CHARS * 2]).strip()
    return text[:MAX_TITLE_CHARS] or None


def strip_site_name(title: str, site_name: str | None = None) -> str:
    """Remove a leading or trailing site name from ``title``."""
    if site_name:
        key = site_name.casefold()
        for sep in _SEPARATORS:
            head, found, tail = title.rpartition(sep)
            if found and tail.strip().casefold() == key and head.strip():
                return head.strip()
            head, found, tail = title.partition(sep)
            if found and head.strip().casefold() == key and tail.strip():
                return tail.strip()
    for sep in _SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if not found:
            continue
        head, tail = head.strip(), tail.strip()
        if (
            tail
            and len(tail.split()) <= _SITE_TAIL_WORDS
            and len(head.split()) >= 3
            and len(head) > len(tail)
            and not tail[0].islower()  # site names are capitalised; "- a guide" is headline
            and not tail.endswith((".", "?", "!"))
        ):
            return head
    return title


def page_title(tree: LexborHTMLParser) -> str | None:
    """og:title, else the first <h1>, else <title>, each cleaned of the site name."""
    site = None
    node = tree.css_first('meta[property="og:site_name"]')
    if node is not None:
        site = _clean(node.attributes.get("content"))
    candidates: list[str | None] = []
    for selector in ('meta[property="og:title"]', 'meta[name="twitter:title"]'):
        node = tree.css_first(selector)
        if node is not None:
            candidates.append(node.attributes.get("content"))
    node = tree.css_first("h1")
    if node is not None:
        candidates.append(node.text(deep=True, separator=" "))
    node = tree.css_first("title")
    if node is not None:
        candidates.append(node.text(deep=True))
    for raw in candidates:
        title = _clean(raw)
        if title:
            return strip_site_name(title, site)
    return None
