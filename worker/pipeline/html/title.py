"""Page title: the visible headline checked against metadata, with the site name cut
off where that is safe.

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


# The visible headline must share this share of its words with the metadata title.
MIN_HEADLINE_OVERLAP = 0.3
_HEADLINE_MIN_WORDS = 3
_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text[: MAX_TITLE_CHARS * 2].lower()))


def page_title(tree: LexborHTMLParser) -> str | None:
    """The visible <h1> headline when the metadata title (og:title, twitter:title or
    <title>, cleaned of the site name) backs it up, else the metadata title.

    Sites write og:title and <title> for search and social cards ("Best X 2025 | Top 19
    Picks"); the headline on the page is what the story calls itself. A one- or
    two-word <h1>, or one that shares little with the metadata, is usually the site
    logo or a section name, so the metadata wins then."""
    site = None
    node = tree.css_first('meta[property="og:site_name"]')
    if node is not None:
        site = _clean(node.attributes.get("content"))
    meta: str | None = None
    for selector in ('meta[property="og:title"]', 'meta[name="twitter:title"]', "title"):
        node = tree.css_first(selector)
        if node is not None:
            raw = node.text(deep=True) if selector == "title" else node.attributes.get("content")
            meta = _clean(raw)
            if meta:
                meta = strip_site_name(meta, site)
                break
    node = tree.css_first("h1")
    headline = _clean(node.text(deep=True, separator=" ")) if node is not None else None
    if headline and len(headline.split()) >= _HEADLINE_MIN_WORDS:
        if meta is None:
            return headline
        words = _words(headline)
        if words and len(words & _words(meta)) >= MIN_HEADLINE_OVERLAP * len(words):
            return headline
    return meta or headline
