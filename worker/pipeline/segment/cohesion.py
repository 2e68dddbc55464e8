"""Lexical cohesion: does the text after a headline continue the current article?

A subheading inside an article is followed by text about the same things (the same
names, the same nouns); a new article's headline is followed by text that shares few
content words with what came before. This is the TextTiling idea reduced to one
comparison per candidate headline.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD_RE = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    """about above after again against also among another because been before being below
    between both could does doing down during each even ever every from further have having
    here hers herself himself however into itself just like made make many more most much
    must myself never only other ours ourselves over said same says should since some such
    than that their theirs them themselves then there these they this those through under
    until upon very want well were what when where which while will with within without
    would your yours yourself year years time first last next told this week month
    people many just back still take takes took new""".split()
)
SHARE_THRESHOLD = 0.11
_ASCII_LETTERS = bytes(c if chr(c).isalpha() and c < 128 else 32 for c in range(256))  # others -> space
_WIDE_PUNCT = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb\u00a0"  # ‘ ’ “ ” – — … « » and no-break space


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The text's content words (stems of words of four letters or more, minus the most
    common ones). Cached, bounded: one page asks for the same paragraph's words from
    several places (the walk, the split evidence, the title chooser), and a site's
    recurring lines come back on every page; frozen, so a caller cannot change a
    cached value."""
    low = text[:20000].casefold()
    if not low.isascii():
        # Typographic quotes and dashes are what makes most English text non-ASCII; they
        # separate words as a space does.
        for ch in _WIDE_PUNCT:
            if ch in low:
                low = low.replace(ch, " ")
    if low.isascii():
        # Runs of ASCII letters: non-letter bytes become spaces and split cuts there (a
        # C scan several times faster than the regex, whose words these are).
        ws = set(low.encode().translate(_ASCII_LETTERS).decode().split())
        return frozenset({w[:-1] if w[-1] == "s" and len(w) > 4 else w for w in ws if len(w) >= 4 and w not in _STOP})
    ws = set(_WORD_RE.findall(low))
    ws -= _STOP
    return frozenset({w[:-1] if w[-1] == "s" and len(w) > 4 else w for w in ws})


class Vocabulary:
    """Content words of one article, computed only when a decision needs them.

    Most pages are segmented by chrome and datelines alone, so the word sets are built
    lazily from the paragraphs added since the last look.
    """

    __slots__ = ("_words", "_pending")

    def __init__(self) -> None:
        self._words: set[str] = set()
        self._pending: list[str] = []

    def add(self, text: str) -> None:
        self._pending.append(text)

    @property
    def words(self) -> set[str]:
        if self._pending:
            for t in self._pending:
                self._words |= content_words(t)
            self._pending.clear()
        return self._words


def topic_share(vocab: Vocabulary, ahead: set[str]) -> float:
    if not ahead:
        return 1.0
    mine = vocab.words
    if not mine:
        return 1.0
    return len(ahead & mine) / min(len(ahead), len(mine))


def shares_topic(vocab: Vocabulary, ahead: set[str]) -> bool:
    return topic_share(vocab, ahead) >= SHARE_THRESHOLD
