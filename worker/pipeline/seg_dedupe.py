"""Repeated paragraphs and repeated article blocks.

Pages print the same text twice (a story block rendered again below, a teaser that is
the first paragraph verbatim, the body of the next article printed twice). We compare
word 3-gram sets rather than substrings so that "paragraph fully contained in an
earlier one" costs linear time however many paragraphs a page has.
"""

from __future__ import annotations

from worker.pipeline.textclean import comparison_key

_N = 3
_MIN_WORDS_FOR_CONTAINMENT = 4
_ARTICLE_DUP_SHARE = 0.8


def _grams(ws: list[str]) -> set[tuple[str, str, str]]:
    return set(zip(ws, ws[1:], ws[2:]))


class ParagraphDeduper:
    """Remembers the paragraphs kept so far in one article."""

    __slots__ = ("_keys", "_grams")

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._grams: set[tuple[str, str, str]] = set()

    def seen(self, paragraph: str) -> bool:
        """True if ``paragraph`` repeats (or is wholly inside) an earlier one; else remember it."""
        key = comparison_key(paragraph)
        if key in self._keys:
            return True
        ws = key.split()
        grams = _grams(ws) if len(ws) >= _N else set()
        if len(ws) >= _MIN_WORDS_FOR_CONTAINMENT and grams and grams <= self._grams:
            return True
        self._keys.add(key)
        self._grams |= grams
        return False


    @property
    def grams(self) -> set[tuple[str, str, str]]:
        """Word 3-grams of every paragraph kept so far."""
        return self._grams


def repeat_of(grams: set[tuple[str, str, str]], index: dict[tuple[str, str, str], int]) -> int | None:
    """The earlier article (by number) whose text holds nearly all of ``grams``, if any.

    ``index`` maps each 3-gram to the first article that contained it, so the check is
    linear in the new article's size however many articles came before.
    """
    if not grams:
        return None
    hits: dict[int, int] = {}
    for g in grams:
        k = index.get(g)
        if k is not None:
            hits[k] = hits.get(k, 0) + 1
    if not hits:
        return None
    best = max(hits, key=hits.__getitem__)
    return best if hits[best] >= _ARTICLE_DUP_SHARE * len(grams) else None
