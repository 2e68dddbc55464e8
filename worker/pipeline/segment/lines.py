"""Which paragraphs of a copied page are article text: a learned classifier with
context smoothing, in the manner of jusText and boilerpipe.

Why learned and generic: furniture differs on every site (menus, captions, comment
threads, "Updated 3 hours ago", sponsored teasers), so a list of phrases never ends. What
carries over is the shape of a block: how many words it has, how many of them are
function words, whether it ends a sentence, how many tokens are capitalised, numeric,
link- or time-like, whether it speaks to the reader or opens with an order (a call to
action), where it sits on the page, and what its neighbours are. A logistic model
scores each block from those features (stage 1); a second logistic model re-scores it
from its own score and its neighbours' scores (stage 2, the context smoothing).
Weights come from ``eval/train_lines.py`` (``worker/data/text_lines.json`` records the
data, its licence and the command); the stopword list ``worker/data/stopwords-en.txt`` is
derived by the same script (the most frequent words, by document frequency, of the
licence-clean English tuning texts).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from worker.pipeline.lazy import Lazy

DATA = Path(__file__).resolve().parents[2] / "data"
WEIGHTS_FILE = DATA / "text_lines.json"
STOPWORDS_FILE = DATA / "stopwords-en.txt"

# Unit kinds as split.py names them.
TEXT, BULLET, SEP, RELATED = "text", "bullet", "sep", "related"

_TOKEN = re.compile(r"\S+")
_LINKISH = re.compile(r"https?:|www\.|\.(?:com|org|net|co\.uk|html?)\b|@\w|#\w")
# A date, a time or "3 hours ago": the pattern
#   \b(?:\d{1,2}:\d\d|\d{1,2}\s?(?:am|pm)\b|\d+\s?(?:min|...|years?)\s+ago|ago\b|yesterday|today
#        |(?:jan|...|dec)[a-z]*\.?\s+\d{1,2}\b|\d{1,2}\s+(?:jan|...|dec)[a-z]*|\b(?:19|20)\d\d\b)  (re.I)
# searched as two: its branches that start with a digit, and the others. A search finds
# one of an alternation's branches exactly when it finds that branch alone, so "either
# finds a match" is the same answer. The digit branches start with a bare \d and test
# the word boundary behind it, so the regex engine skips ahead to digits instead of trying
# every branch at every position (the same trick as _NAME in dedup/fingerprint.py).
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
_TIMEISH_DIGITS = re.compile(
    r"\d(?<=\b\d)(?:\d?:\d\d|\d?\s?(?:am|pm)\b|\d*\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"|\d?\s+" + _MONTH + r"[a-z]*)|(?:19|20)(?<=\b19|\b20)\d\d\b",
    re.I,
)
# The other branches, \b(?:ago\b|yesterday|today|(?:jan|...|dec)[a-z]*\.?\s+\d{1,2}\b) (re.I),
# also start with a bare character class: the characters that match a branch's first
# letter under re.I (ASCII upper and lower case, and the long s for "s": what re.I
# matches, checked over every code point by tests/test_segment.py). Each branch then
# tests its first letter behind it, case-insensitively, and goes on with the rest.
_WORD_BRANCHES = ["ago\\b", "yesterday", "today"] + [
    m + r"[a-z]*\.?\s+\d{1,2}\b" for m in _MONTH[3:-1].split("|")
]
_WORD_FIRSTS = "".join(sorted({c for b in _WORD_BRANCHES for c in (b[0], b[0].upper())})) + "\u017f"
_TIMEISH_WORDS = re.compile(
    "[" + _WORD_FIRSTS + r"](?<=\b.)(?i:" + "|".join(f"(?<={b[0]}){b[1:]}" for b in _WORD_BRANCHES) + ")"
)
_FRAME_CHARS = re.compile(r"[|»›/•·©>]")
# Calls to action and promotions speak to the reader ("your"), for the site ("our") and
# open with an order ("Subscribe", "Sign up", "Read more"); article prose rarely does all
# three. Generic English words, not any site's phrases. Group 1 is a second-person word,
# group 2 a first-person plural one.
_YOU_WORDS = ("you", "your", "yours", "yourself", "yourselves")
_WE_WORDS = ("we", "our", "ours", "ourselves")
_YOU_WE = re.compile(r"\b(?:(" + "|".join(_YOU_WORDS) + ")|(" + "|".join(_WE_WORDS) + r"))\b", re.I)
# The same matches, for a scan of a whole page: each word starts with a bare character
# class (the characters re.I matches to a word's first letter, checked over every code
# point by tests/test_textpages.py) and tests the word boundary and its first letter
# behind it, so the engine skips ahead to those letters instead of trying the pattern at
# every position (the trick of _TIMEISH_WORDS). Group 1 is set for a second-person word.
_YOU_WE_FIRSTS = "".join(sorted({c for w in _YOU_WORDS + _WE_WORDS for c in (w[0], w[0].upper())}))


def _branches(words: tuple[str, ...]) -> str:
    return "|".join(f"(?<={w[0]}){w[1:]}" for w in words)


_YOU_WE_PAGE = re.compile(
    "[" + _YOU_WE_FIRSTS + r"](?<=\b.)(?i:(" + _branches(_YOU_WORDS) + ")|" + _branches(_WE_WORDS) + r")\b"
)
_ACTION = frozenset(
    """sign subscribe click read follow share download watch join get see learn explore discover find start try
    register book buy shop order save contact listen view visit compare donate support check browse request
    schedule log login tap call email claim unlock upgrade continue enter apply""".split()
)
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_TERMINAL = frozenset(".!?")
_CLOSERS = "\"'”’)]»"

# Stage-1 feature names, in order (the weights file names them too, so a mismatch is caught).
FEATURES = (
    "log_words", "long", "stop_share", "terminal", "cap_share", "num_share", "linkish", "timeish",
    "sep", "related", "bullet", "titleish", "dateline", "pos", "pos_head", "pos_tail", "repeated",
    "frame_chars", "mean_wlen", "lower_start", "commas", "colon_end",
    "prev_log_words", "prev_stop", "prev_terminal", "next_log_words", "next_stop", "next_terminal",
    "win_log_words", "win_stop",
    "long_x_stop", "long_x_terminal", "terminal_x_stop", "log_words_sq", "tail_x_long", "head_x_long", "timeish_x_short",
    "you_share", "we_share", "action_start", "action_x_short",
)
STAGE2 = ("logit", "prev_logit", "next_logit", "win1", "win3", "win8", "max_before", "max_after", "log_words", "titleish", "sep")


def load_stopwords(path: Path = STOPWORDS_FILE) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line.casefold())
    return frozenset(words)


STOPWORDS = Lazy(load_stopwords)


_PUNCT_EDGES = str.maketrans({c: " " for c in ".,;:!?\"'“”‘’()[]{}"})
# The words of ``text.translate(_PUNCT_EDGES).split()`` in one regex scan (``\s`` is the
# whitespace str.split splits at): a dict-driven translate is slow on non-ASCII text.
_WORDS = re.compile(r"[^\s.,;:!?\"'“”‘’()\[\]{}]+")


_DIGIT = re.compile(r"[0-9]")
# _PUNCT_EDGES' characters outside ASCII, and the whitespace bytes.split does not split at
# (every other character str.isspace accepts; tests/test_segment.py checks the list).
_QUOTES = "“”‘’"
_ODD_SPACE_CHARS = "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_ODD_SPACE = re.compile("[" + _ODD_SPACE_CHARS + "]")
# _PUNCT_EDGES for ASCII bytes; \x1c-\x1f become spaces too, because str.split splits
# there and bytes.split does not.
_PUNCT_BYTES = bytes(32 if chr(i) in ".,;:!?\"'()[]{}" or 0x1C <= i <= 0x1F else i for i in range(256))
@lru_cache(maxsize=8)
def _bytes_stop(stop: frozenset[str]) -> frozenset[bytes]:
    """The ASCII stopwords as bytes (a non-ASCII stopword never matches an ASCII word)."""
    return frozenset(w.encode() for w in stop if w.isascii())


def _timeish(low: str) -> bool:
    """A date, a time or "3 hours ago" in this text (gated: the full pattern is slow)."""
    if _DIGIT.search(low) is None and not _has_time_word(low):
        return False
    return _TIMEISH_DIGITS.search(low) is not None or _TIMEISH_WORDS.search(low) is not None


def _has_time_word(low: str) -> bool:
    """The other half of _timeish's gate: no date or time without a digit lacks these."""
    lc = low.casefold()
    return "ago" in lc or "yesterday" in lc or "today" in lc


def _own(kind: str, text: str, titleish: bool, dateline: bool, stop: frozenset[str]) -> list[float]:
    """Per-block features that need only the block (position and neighbours come later).
    Counting is done by C-level scans (split, map, regex) rather than a loop per token:
    this runs on every block of every page."""
    head = text[:4000]
    toks = head.split()
    n_tok = len(toks) or 1
    n = n_tok
    low_head = head.casefold()
    if low_head.isascii():
        # Most blocks are ASCII once casefolded: a 256-byte table and bytes.split do what
        # str.translate's per-character dict look-ups and str.split do, at half the cost.
        nstop = sum(map(_bytes_stop(stop).__contains__, low_head.encode().translate(_PUNCT_BYTES).split()))
    else:
        nstop = sum(map(stop.__contains__, _WORDS.findall(low_head)))
    # First characters of the tokens, tested by C-level maps (no Python loop per token):
    # an upper-case start is capitalised; a digit start, or a currency sign then a digit,
    # is numeric (the two never overlap: digits and currency signs have no case).
    firsts = [w[0] for w in toks]
    ncap = sum(map(str.isupper, firsts))
    nnum = sum(map(str.isdigit, firsts))
    if "$" in head or "€" in head or "£" in head:
        nnum += sum(1 for w in toks if w[0] in "$€£" and w[1:2].isdigit())
    letters = len(head) - n_tok + 1
    t = text.rstrip(_CLOSERS)
    low = text[:400]
    return [
        math.log1p(n_tok),
        1.0 if n_tok >= 12 else 0.0,
        nstop / n,
        1.0 if t and t[-1] in _TERMINAL else 0.0,
        min(ncap / n, 1.0),
        min(nnum / n, 1.0),
        1.0 if ("." in low or "@" in low or "#" in low or ":" in low) and _LINKISH.search(low) else 0.0,
        1.0 if _timeish(low) else 0.0,
        1.0 if kind == SEP else 0.0,
        1.0 if kind == RELATED else 0.0,
        1.0 if kind == BULLET else 0.0,
        1.0 if titleish else 0.0,
        1.0 if dateline else 0.0,
        min(len(_FRAME_CHARS.findall(low)), 5) / 5.0,
        min(letters / n, 15.0) / 10.0,
        1.0 if text[:1].islower() else 0.0,
        min(text.count(",", 0, 2000) / n * 5, 1.0),
        1.0 if t.endswith(":") else 0.0,
    ]


# Joins a page's blocks so that one regex scan or one split serves them all. Normalised
# text never holds it (control characters become spaces); a page that does is read block
# by block instead.
_SEP = "\x00"
_SEP_B = b"\x00"


def _table(chars: str) -> np.ndarray:
    """A membership table by code point, one entry longer than the largest of ``chars``
    (callers clip code points to the last entry, which stands for all above)."""
    t = np.zeros(max(map(ord, chars)) + 2, dtype=bool)
    t[[ord(c) for c in chars]] = True
    return t


# str.isspace and _FRAME_CHARS by code point (tests/test_textpages.py checks both over
# every code point).
_IS_SPACE = _table(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f" + _ODD_SPACE_CHARS)
_IS_FRAME = _table(_FRAME_CHARS.pattern[1:-1])


def _page_hits(pattern: "re.Pattern[str]", joined: str, starts: np.ndarray, m: int) -> np.ndarray:
    """Number of matches of ``pattern`` in each block of ``joined`` (the blocks joined by
    _SEP, block k starting at ``starts[k]``), from one scan of the page. A pattern that
    cannot match _SEP finds in the joined text exactly the matches it finds in each block
    on its own: _SEP is neither a word character (``\\b`` and look-behinds see the edge
    they see at either end of a string) nor whitespace."""
    pos = [x.start() for x in pattern.finditer(joined)]
    if not pos:
        return np.zeros(m, dtype=np.int64)
    return np.bincount(np.searchsorted(starts, pos, side="right") - 1, minlength=m)


def _token_sums(flags: np.ndarray, seps: np.ndarray) -> np.ndarray:
    """Per-block sums of ``flags`` over a page's token list in which the tokens at
    ``seps`` (ascending) separate the blocks."""
    c = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
    return c[np.concatenate((seps, [len(flags)]))] - c[np.concatenate(([0], seps + 1))]


def _own_matrix(units: Sequence[tuple[str, str, bool, bool]], stop: frozenset[str]) -> np.ndarray:
    """``[_own(*u, stop) for u in units]`` as a matrix, built a column at a time: one
    list comprehension or array operation per quantity costs less than a call and an
    18-element list per block, and the arithmetic is the same IEEE operations in the same
    order, so every value is the same float (``_own`` stays as the reference the tests
    compare with). Where a quantity is a count of tokens or regex matches, the page's
    blocks are joined by _SEP and scanned once, and the counts are split per block by
    position: a few C calls per page instead of several per block."""
    kinds = [u[0] for u in units]
    texts = [u[1] for u in units]
    m = len(units)
    heads = [t[:4000] for t in texts]
    lows = [t[:400] for t in texts]
    spaced = (" " + _SEP + " ").join(heads)
    if spaced.count(_SEP) != m - 1:
        return np.array([_own(*u, stop) for u in units], dtype=np.float64).reshape(m, 18)
    joined = _SEP.join(lows)
    # The first characters of the tokens (str.split) of every block, _SEP tokens in
    # between, found in the page's code points without a string per token: a token starts
    # at a character that is no whitespace after one that is (or at the start). ASCII
    # capitals and digits are tested as arrays, other characters with str.isupper and
    # str.isdigit.
    cps = np.frombuffer(spaced.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    space = _IS_SPACE[np.minimum(cps, len(_IS_SPACE) - 1)]
    start = ~space
    start[1:] &= space[:-1]
    cp = cps[start]
    seps = np.flatnonzero(cp == 0)
    upper = (cp >= 65) & (cp <= 90)
    digit = (cp >= 48) & (cp <= 57)
    for i in np.flatnonzero(cp >= 128).tolist():
        c = chr(cp[i])
        upper[i] = c.isupper()
        digit[i] = c.isdigit()
    n_tok_raw = np.diff(np.concatenate(([-1], seps, [len(cp)]))) - 1
    n_tok = [k or 1 for k in n_tok_raw.tolist()]
    ncap = _token_sums(upper, seps)
    nnum = _token_sums(digit, seps)
    for i, h in enumerate(heads):
        if "$" in h or "€" in h or "£" in h:
            nnum[i] += sum(1 for w in h.split() if w[0] in "$€£" and w[1:2].isdigit())
    # Stopwords: the casefolded words (split at whitespace and edge punctuation) of every
    # block, looked up in one C-level map (casefold maps each character on its own, so the
    # page's casefold is the blocks' casefolds joined).
    fold = spaced.casefold()
    if fold.isascii():
        words = fold.encode().translate(_PUNCT_BYTES).split()
        codes = _stop_codes(_bytes_stop(stop), _SEP_B)
    elif _ODD_SPACE.search(fold) is None:
        # Only ASCII whitespace (normalised text has no other): the typographic quotes
        # become spaces, and UTF-8 bytes split as the ASCII ones do (a multi-byte
        # character holds no ASCII byte), against the stopwords in UTF-8.
        for q in _QUOTES:
            if q in fold:
                fold = fold.replace(q, " ")
        words = fold.encode("utf-8", "surrogatepass").translate(_PUNCT_BYTES).split()
        codes = _stop_codes(_utf8_stop(stop), _SEP_B)
    else:
        words = _WORDS.findall(fold)
        codes = _stop_codes(stop, _SEP)
    wc = np.fromiter(map(codes.get, words, repeat(0)), dtype=np.int8, count=len(words))
    nstop = _token_sums(wc == 1, np.flatnonzero(wc == 2))
    starts = np.concatenate(([0], np.cumsum([len(lo) + 1 for lo in lows[:-1]], dtype=np.int64)))
    # The first 400 characters of every block as code points, and the block of each.
    cpl = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    block_of = np.cumsum(cpl == 0)
    has_digit = np.zeros(m, dtype=bool)
    has_digit[block_of[(cpl >= 48) & (cpl <= 57)]] = True
    stripped = [t.rstrip(_CLOSERS) for t in texts]
    n = np.asarray(n_tok, dtype=np.float64)
    a = np.empty((m, 18))
    a[:, 0] = [math.log1p(k) for k in n_tok]
    a[:, 1] = n >= 12
    a[:, 2] = nstop.astype(np.float64) / n
    a[:, 3] = [1.0 if t and t[-1] in _TERMINAL else 0.0 for t in stripped]
    a[:, 4] = np.minimum(ncap.astype(np.float64) / n, 1.0)
    a[:, 5] = np.minimum(nnum.astype(np.float64) / n, 1.0)
    a[:, 6] = _page_hits(_LINKISH, joined, starts, m) > 0
    # _timeish's own gate first: an ASCII digit (known from the array) or a time word.
    a[:, 7] = [1.0 if (d or _has_time_word(lo)) and _timeish(lo) else 0.0 for lo, d in zip(lows, has_digit.tolist())]
    a[:, 8] = [k == SEP for k in kinds]
    a[:, 9] = [k == RELATED for k in kinds]
    a[:, 10] = [k == BULLET for k in kinds]
    a[:, 11] = [bool(u[2]) for u in units]
    a[:, 12] = [bool(u[3]) for u in units]
    a[:, 13] = np.minimum(np.bincount(block_of[_IS_FRAME[np.minimum(cpl, len(_IS_FRAME) - 1)]], minlength=m), 5) / 5.0
    letters = np.asarray([len(h) for h in heads], dtype=np.float64) - n + 1
    a[:, 14] = np.minimum(letters / n, 15.0) / 10.0
    a[:, 15] = [t[:1].islower() for t in texts]
    a[:, 16] = np.minimum(np.asarray([t.count(",", 0, 2000) for t in texts], dtype=np.float64) / n * 5, 1.0)
    a[:, 17] = [t.endswith(":") for t in stripped]
    return a


@lru_cache(maxsize=8)
def _utf8_stop(stop: frozenset[str]) -> frozenset[bytes]:
    """The stopwords in UTF-8."""
    return frozenset(w.encode("utf-8", "surrogatepass") for w in stop)


@lru_cache(maxsize=8)
def _stop_codes(stop: frozenset, sep: "str | bytes") -> dict:
    """Stopword -> 1 and the block separator -> 2, for one map over a page's words."""
    d = dict.fromkeys(stop, 1)
    d[sep] = 2
    return d


def _action_start(text: str) -> bool:
    """The block opens with an order to the reader ("Subscribe ...", "Sign up", "Read more")."""
    m = _FIRST_WORD.search(text, 0, 40)
    return m is not None and m.start() <= 3 and m.group().casefold() in _ACTION


def _call_to_action(text: str, n_tok: int) -> list[float]:
    """Call-to-action features of a block of ``n_tok`` tokens: the shares (x5, capped at
    1) of second-person and first-person-plural words in its first 4000 characters, and
    whether it opens with an order. Kept apart from ``_own`` (one regex scan of its own)."""
    found = _YOU_WE.findall(text, 0, 4000)
    n = n_tok or 1
    nyou = sum(1 for y, _w in found if y)
    return [min(nyou / n * 5, 1.0), min((len(found) - nyou) / n * 5, 1.0), 1.0 if _action_start(text) else 0.0]


def _cta_matrix(texts: list[str], n_tok: np.ndarray) -> np.ndarray:
    """``[_call_to_action(t, int(k)) for t, k in zip(texts, n_tok)]`` as a matrix, with one
    regex scan of the page (the blocks' first 4000 characters joined by _SEP, which no
    match can hold and which bounds a word as the ends of a string do) instead of one per
    block; the shares are the same IEEE operations, so the same floats."""
    m = len(texts)
    joined = _SEP.join(t[:4000] for t in texts)
    if joined.count(_SEP) != m - 1:
        return np.asarray([_call_to_action(t, int(k)) for t, k in zip(texts, n_tok)]).reshape(m, 3)
    n = np.maximum(n_tok, 1.0)
    out = np.zeros((m, 3))
    hits = [(x.start(), x.start(1) >= 0) for x in _YOU_WE_PAGE.finditer(joined)]
    if hits:
        starts = np.concatenate(([0], np.cumsum([min(len(t), 4000) + 1 for t in texts[:-1]], dtype=np.int64)))
        block = np.searchsorted(starts, [h[0] for h in hits], side="right") - 1
        you = np.asarray([h[1] for h in hits], dtype=bool)
        nyou = np.bincount(block[you], minlength=m).astype(np.float64)
        nwe = np.bincount(block[~you], minlength=m).astype(np.float64)
        out[:, 0] = np.minimum(nyou / n * 5, 1.0)
        out[:, 1] = np.minimum(nwe / n * 5, 1.0)
    out[:, 2] = [_action_start(t) for t in texts]
    return out


def window_mean(v: np.ndarray, k: int) -> np.ndarray:
    """Mean of ``v`` over each element's window of ``k`` on either side (cut at the edges)."""
    n = len(v)
    c = np.concatenate([[0.0], np.cumsum(v)])
    idx = np.arange(n)
    lo = np.maximum(idx - k, 0)
    hi = np.minimum(idx + k + 1, n)
    return (c[hi] - c[lo]) / (hi - lo)


def features(units: Sequence[tuple[str, str, bool, bool]], stop: frozenset[str] | None = None) -> np.ndarray:
    """Stage-1 feature matrix of a page's blocks ``(kind, text, titleish, dateline)``."""
    stop = stop if stop is not None else STOPWORDS()
    m = len(units)
    if m == 0:
        return np.zeros((0, len(FEATURES)))
    a = _own_matrix(units, stop)
    words = np.expm1(a[:, 0])
    total = words.sum() or 1.0
    before = (np.cumsum(words) - words / 2) / total
    folded = [u[1].casefold() for u in units]
    keys = Counter(folded)
    repeated = np.array([1.0 if keys[k] > 1 else 0.0 for k in folded])
    cta = _cta_matrix([u[1] for u in units], np.rint(words))
    logw, stp, term = a[:, 0], a[:, 2], a[:, 3]

    def shift(v: np.ndarray, k: int, fill: float) -> np.ndarray:
        out = np.full_like(v, fill)
        if k > 0:
            out[k:] = v[:-k] if k < len(v) else out[k:]
        else:
            out[:k] = v[-k:] if -k < len(v) else out[:k]
        return out

    win_w = window_mean(logw, 3)
    win_s = window_mean(stp, 3)
    cols = [
        a[:, 0], a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5], a[:, 6], a[:, 7],
        a[:, 8], a[:, 9], a[:, 10], a[:, 11], a[:, 12],
        before, (before < 0.05).astype(float), (before > 0.9).astype(float), repeated,
        a[:, 13], a[:, 14], a[:, 15], a[:, 16], a[:, 17],
        shift(logw, 1, 0.0), shift(stp, 1, 0.0), shift(term, 1, 0.0),
        shift(logw, -1, 0.0), shift(stp, -1, 0.0), shift(term, -1, 0.0),
        win_w, win_s,
        a[:, 1] * a[:, 2], a[:, 1] * a[:, 3], a[:, 3] * a[:, 2], a[:, 0] ** 2,
        (before > 0.9) * a[:, 1], (before < 0.05) * a[:, 1], a[:, 7] * (1 - a[:, 1]),
        cta[:, 0], cta[:, 1], cta[:, 2], cta[:, 2] * (1 - a[:, 1]),
    ]
    return np.column_stack(cols)


def stage2_features(logit: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Context features from stage-1 scores: the neighbours' scores, windowed means, and
    the best score before and after (is there article text on either side?)."""
    def win(k: int) -> np.ndarray:
        return window_mean(logit, k)

    prev = np.concatenate([[-4.0], logit[:-1]])
    nxt = np.concatenate([logit[1:], [-4.0]])
    clipped = np.clip(logit, -6, 6)
    max_before = np.concatenate([[-6.0], np.maximum.accumulate(clipped)[:-1]])
    max_after = np.concatenate([np.maximum.accumulate(clipped[::-1])[::-1][1:], [-6.0]])
    i_w = FEATURES.index("log_words")
    i_t = FEATURES.index("titleish")
    i_s = FEATURES.index("sep")
    return np.column_stack([logit, prev, nxt, win(1), win(3), win(8), max_before, max_after, x[:, i_w], x[:, i_t], x[:, i_s]])


class LineModel:
    """The two logistic block stages (with the feature scaling they were trained with),
    the split model and the title model: everything ``text_lines.json`` holds."""

    def __init__(self, spec: dict[str, Any]) -> None:
        if tuple(spec["stage1"]["features"]) != FEATURES or tuple(spec["stage2"]["features"]) != STAGE2:
            raise ValueError("text_lines.json was trained on other features: retrain with eval/train_lines.py")
        s1, s2 = spec["stage1"], spec["stage2"]
        self.mu1, self.sd1, self.w1 = (np.asarray(s1[k], dtype=np.float64) for k in ("mean", "scale", "weights"))
        self.mu2, self.sd2, self.w2 = (np.asarray(s2[k], dtype=np.float64) for k in ("mean", "scale", "weights"))
        self.b1, self.b2 = float(s1["bias"]), float(s2["bias"])
        self.threshold = float(spec.get("threshold", 0.0))
        self.own_keep = float(spec.get("own_keep", 99.0))
        # Short blocks (calls to action, newsletter boxes, "You might like") score near the
        # cut from their neighbours' text; they must clear a higher one (tuned in train_lines).
        self.short_words = int(spec.get("short_words", 0))
        self.short_threshold = float(spec.get("short_threshold", self.threshold))
        sp = spec.get("split")
        self.split: tuple[float, list[list[float]]] | None = None
        if sp is not None:
            self.split = (float(sp["base"]), [list(t) for t in sp["trees"]])
        ti = spec.get("title")
        self.title: tuple[float, list[list[float]]] | None = None
        self.title_threshold = -99.0
        self._title_arrays: tuple[float, np.ndarray, np.ndarray, np.ndarray] | None = None
        if ti is not None:
            self.title = (float(ti["base"]), [list(t) for t in ti["trees"]])
            self.title_threshold = float(ti.get("threshold", 0.0))

    def split_score(self, ev: list[float]) -> float:
        """Log-odds that two candidate articles are really two (see split.py)."""
        return _trees(self.split, ev)  # type: ignore[arg-type]

    def title_score(self, feats: list[float]) -> float:
        """Log-odds that a block is its article's headline (see titles.py)."""
        return _trees(self.title, feats)  # type: ignore[arg-type]

    def title_scores(self, feats: Sequence[Sequence[float]]) -> list[float]:
        """``[title_score(f) for f in feats]`` in a few array operations over all
        candidates and trees at once; the trees' values are added in the same order
        (a cumulative sum, not a pairwise one), so every score is the same float."""
        if not feats:
            return []
        if self._title_arrays is None:
            base, trees = self.title  # type: ignore[misc]
            t = np.asarray(trees, dtype=np.float64).reshape(len(trees), 10)
            self._title_arrays = (base, t[:, [0, 2, 4]].astype(np.intp), t[:, [1, 3, 5]], t[:, 6:10])
        base, fi, th, leaves = self._title_arrays
        x = np.asarray(feats, dtype=np.float64)
        left = x[:, fi[:, 0]] <= th[:, 0]
        left2 = x[:, fi[:, 1]] <= th[:, 1]
        right2 = x[:, fi[:, 2]] <= th[:, 2]
        vals = np.where(left, np.where(left2, leaves[:, 0], leaves[:, 1]), np.where(right2, leaves[:, 2], leaves[:, 3]))
        z = np.cumsum(np.column_stack([np.full(len(x), base), vals]), axis=1)[:, -1]
        return z.tolist()

    def cuts(self, x: np.ndarray) -> np.ndarray:
        """The score each block must reach to be kept: ``short_threshold`` for a block of
        at most ``short_words`` words, ``threshold`` for the rest."""
        if self.short_words <= 0 or self.short_threshold == self.threshold:
            return np.full(len(x), self.threshold)
        short = x[:, 0] <= math.log1p(self.short_words) + 1e-9
        return np.where(short, self.short_threshold, self.threshold)

    def stage1(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mu1) / self.sd1) @ self.w1 + self.b1

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Final log-odds that each block is article text."""
        if len(x) == 0:
            return np.zeros(0)
        z1 = self.stage1(x)
        x2 = stage2_features(z1, x)
        z2 = ((x2 - self.mu2) / self.sd2) @ self.w2 + self.b2
        # As in jusText, a block whose own features are clearly those of article text is
        # kept whatever its neighbours are; context decides the rest.
        return np.where(z1 > self.own_keep, np.maximum(z1, z2), z2)


def _trees(model: tuple[float, list[list[float]]], ev: list[float]) -> float:
    """A sum of small trees, each [f, t, f_left, t_left, f_right, t_right, four leaves]."""
    base, trees = model
    z = base
    for f, t, fl, tl, fr, tr, ll, lr, rl, rr in trees:
        if ev[int(f)] <= t:
            z += ll if ev[int(fl)] <= tl else lr
        else:
            z += rl if ev[int(fr)] <= tr else rr
    return z


def _load_model() -> LineModel | None:
    try:
        return LineModel(json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


MODEL = Lazy(_load_model)
