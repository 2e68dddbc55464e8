"""Repeated paragraphs and repeated article blocks.

Pages print the same text twice (a story block rendered again below, a teaser that is
the first paragraph verbatim, the body of the next article printed twice). We compare
word 3-gram sets rather than substrings so that "paragraph fully contained in an
earlier one" costs linear time however many paragraphs a page has.
"""

from __future__ import annotations

import re

from worker.pipeline.text.normalize import comparison_key

_N = 3
# Punctuation is dropped before taking word 3-grams so that a fragment ("lucky, he said")
# matches the sentence it was cut from ('"We were lucky," he said.').
_DROP_PUNCT = str.maketrans("", "", "\"'.,;:!?()[]{}«»…*")
_DROP_RE = re.compile("[" + re.escape("\"'.,;:!?()[]{}«»…*") + "]")
_DROP_BYTES = bytes(c for c in range(128) if _DROP_PUNCT.get(c, c) is None)  # the ASCII ones
_MIN_WORDS_FOR_CONTAINMENT = 4
_ARTICLE_DUP_SHARE = 0.8


def _grams(ws: list[str]) -> set[tuple[str, str, str]]:
    return set(zip(ws, ws[1:], ws[2:]))


class ParagraphDeduper:
    """Remembers the paragraphs kept so far in one article.

    Word 3-gram sets are the costly part (a tuple per word), and most paragraphs are new,
    so they are built only when needed: a paragraph can lie inside earlier ones only if
    every one of its words occurs in them, a set look-up per word that fails at the first
    new word. The grams of kept paragraphs are materialised on first use (a containment
    test, or :attr:`grams` for the page-level repeat check).
    """

    __slots__ = ("_keys", "_grams", "_words", "_pending")

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._grams: set[tuple[str, str, str]] = set()
        self._words: set[str] = set()
        self._pending: list[list[str]] = []  # word lists of kept paragraphs not yet in _grams

    def seen(self, paragraph: str, key: str | None = None) -> bool:
        """True if ``paragraph`` repeats (or is wholly inside) an earlier one; else remember it.

        ``key``: the paragraph's :func:`comparison_key` when the caller has it already.
        """
        if key is None:
            key = comparison_key(paragraph)
        if key in self._keys:
            return True
        # A dict-driven translate is per-character work (on ASCII too, as it deletes); a
        # bytes deletion on ASCII, or the regex otherwise, drops the same characters in
        # one C scan.
        ws = (key.encode().translate(None, _DROP_BYTES).decode() if key.isascii() else _DROP_RE.sub("", key)).split()
        if len(ws) >= _MIN_WORDS_FOR_CONTAINMENT and self._words.issuperset(ws):
            grams = _grams(ws)
            known = self.grams
            if grams <= known:
                return True
            known |= grams
        elif len(ws) >= _N:
            self._pending.append(ws)
        self._keys.add(key)
        self._words.update(ws)
        return False

    @property
    def grams(self) -> set[tuple[str, str, str]]:
        """Word 3-grams of every paragraph kept so far."""
        if self._pending:
            known = self._grams
            for ws in self._pending:
                known.update(zip(ws, ws[1:], ws[2:]))
            self._pending.clear()
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
