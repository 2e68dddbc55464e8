"""Repeated paragraphs and repeated article blocks.

Pages print the same text twice (a story block rendered again below, a teaser that is
the first paragraph verbatim, the body of the next article printed twice). We compare
word 3-gram sets rather than substrings so that "paragraph fully contained in an
earlier one" costs linear time however many paragraphs a page has.
"""

from __future__ import annotations

from worker.pipeline.textclean import comparison_key

_N = 3
# Punctuation is dropped before taking word 3-grams so that a fragment ("lucky, he said")
# matches the sentence it was cut from ('"We were lucky," he said.').
_DROP_PUNCT = str.maketrans("", "", "\"'.,;:!?()[]{}«»…*")
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
        ws = key.translate(_DROP_PUNCT).split()
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


def repeat_of(
    grams: set[tuple[str, str, str]],
    page_grams: set[tuple[str, str, str]],
    kept: list[set[tuple[str, str, str]]],
) -> int | None:
    """The earlier article (by number) whose text holds nearly all of ``grams``, if any.

    ``page_grams`` is the union of ``kept``: one set intersection rules out the common
    case (a new article) without looking at the earlier articles one by one.
    """
    if not grams:
        return None
    need = _ARTICLE_DUP_SHARE * len(grams)
    if len(grams & page_grams) < need:
        return None
    for k, theirs in enumerate(kept):
        if len(grams & theirs) >= need:
            return k
    return None
