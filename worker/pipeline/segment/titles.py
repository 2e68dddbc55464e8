"""The headline of each article on a copied page.

Why a learned choice: on a page copied out of a browser the headline is rarely the first
line. It sits after the menus and breadcrumbs, often printed twice (the page's own
<title> line at the top, then the headline), usually right before the byline, the date
or the first paragraph, and it is shaped like a headline. Each short block near the
start of an article is scored from those generic facts by small boosted trees trained
with the block model (``eval/train_lines.py``); the best one becomes the title when it
scores well enough, else the title the walk found stays.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from operator import itemgetter
from typing import Sequence

from worker.pipeline.segment.cohesion import content_words
from worker.pipeline.segment.lines import STOPWORDS, _timeish
from worker.pipeline.text.normalize import comparison_key

TITLE_FEATURES = (
    "dist", "log_dist", "after", "log_words", "cap_share", "ends_period", "ends_question",
    "repeated", "first_line_prefix", "first_line_equal", "score", "dropped", "titleish", "date_near",
    "walk_title", "rank", "frame_sep", "colon", "prev_words", "next_words", "body_overlap", "lead_overlap", "closed_title",
    "first_overlap", "first_framed", "contained", "upper", "rel_lead", "rel_body", "rel_first", "lead_rank",
    "log_count", "stop_share",
)
WINDOW_BEFORE = 40
WINDOW_AFTER = 3
_FRAME = re.compile(r"\s[|–—-]\s|\s::\s")
_FIRST = itemgetter(0)


class Block:
    """What the title chooser needs to know of one block of the page."""

    __slots__ = ("text", "score", "dropped", "titleish", "kind", "_cw", "_time")

    def __init__(self, text: str, score: float, dropped: bool, titleish: bool, kind: str) -> None:
        self.text = text
        self.score = score
        self.dropped = dropped
        self.titleish = titleish
        self.kind = kind
        self._cw: set[str] | None = None
        self._time: bool | None = None

    @property
    def content(self) -> set[str]:
        if self._cw is None:
            self._cw = content_words(self.text)
        return self._cw

    @property
    def timeish(self) -> bool:
        """Holds a date or a time (a byline or dateline line near a headline)."""
        if self._time is None:
            self._time = _timeish(self.text[:200])
        return self._time


def candidates(blocks: Sequence[Block], anchor: int, walk_title: str | None, first_line: str,
               counts: dict[str, int], body_words: set[str], lead_words: set[str],
               extra: Sequence[int] = ()) -> list[tuple[int, list[float]]]:
    """(block index, features) of each block that could be the headline of the article
    whose first body block is ``anchor``; ``extra``: a title the walk found printed below
    the body (outside the window), scored too."""
    out = []
    nb = len(blocks)
    lo = max(0, anchor - WINDOW_BEFORE)
    hi = min(nb, anchor + WINDOW_AFTER + 1)
    first_key = comparison_key(first_line) if first_line else ""
    walk_key = comparison_key(walk_title) if walk_title else None
    # The page's first line equals itself: whether a block *is* that line (a <title> line
    # on top, or a menu entry on a page without one) is told apart from a block that
    # repeats it further down; and a first line framed like "Headline | Site" is a
    # <title> line rather than a menu entry.
    framed = float(bool(first_line) and _FRAME.search(first_line) is not None)
    first_cw = content_words(first_line) if first_line else frozenset()
    stop = STOPWORDS()
    keys: list[str] = []  # each candidate's comparison key, in the order of ``out``
    rank = 0
    # The page's first block too, wherever the body starts: a page copied out of a browser
    # often begins with its <title> line, the headline, however long the menus below it.
    top = [0] if lo > 0 and 0 not in extra else []
    order = [j for j in extra if not lo <= j < hi] + list(range(hi - 1, lo - 1, -1)) + top
    for j in order:
        b = blocks[j]
        if b.kind != "text":
            continue
        text = b.text
        nw = text.count(" ") + 1
        if nw > 30 or len(text) < 4:
            continue
        key = comparison_key(text)
        if j == 0 and b.dropped and counts.get(key, 0) <= 1 and not framed:
            continue  # a first line the page neither prints again nor frames as "X | Site": a menu entry
        if j <= anchor and b.titleish:
            rank += 1
        ws = text.split()
        cap = sum(map(str.isupper, map(_FIRST, ws))) / len(ws)  # split's words are never empty
        t = text.rstrip("\"'”’)")
        d = anchor - j
        if d <= 0 and t.endswith(".") and j not in extra:
            continue  # a sentence of the body is not its headline
        date_near = False
        for k in range(j + 1, min(j + 4, nb)):
            if blocks[k].timeish:
                date_near = True
                break
        prev_w = blocks[j - 1].text.count(" ") + 1 if j > 0 else 0
        next_w = blocks[j + 1].text.count(" ") + 1 if j + 1 < nb else 0
        cw = b.content
        ncw = len(cw) or 1
        out.append((j, [
            float(d),
            math.log1p(abs(d)),
            float(d < 0),
            math.log1p(nw),
            cap,
            float(t.endswith(".")),
            float(t.endswith("?") or t.endswith("!")),
            float(counts.get(key, 0) > 1),
            float(bool(first_key) and first_key.startswith(key) and len(key) >= 0.3 * len(first_key)),
            float(key == first_key),
            b.score,
            float(b.dropped),
            float(b.titleish),
            float(date_near),
            float(key == walk_key),
            float(rank if j <= anchor and b.titleish else 0),
            float(bool(_FRAME.search(text))),
            float(":" in text[1:-1]),
            math.log1p(prev_w),
            math.log1p(next_w),
            len(cw & body_words) / ncw,
            len(cw & lead_words) / ncw,
            float(j in extra),
            len(cw & first_cw) / ncw if j else 0.0,
            framed,
            0.0,  # contained: filled in below
            float(text.isupper()),
            0.0, 0.0, 0.0, 0.0,  # relative to the other candidates: filled in below
            # A line the page prints many times is furniture; a headline has function
            # words where a menu ("Cameras Lenses Tripods") has none.
            math.log1p(counts.get(key, 0)),
            sum(map(stop.__contains__, text.casefold().split())) / len(ws),
        ]))
        keys.append(key)
    _contained(out, keys, first_key)
    _relative(out, anchor)
    return out


_CONTAINED = TITLE_FEATURES.index("contained")


def _contained(out: list[tuple[int, list[float]]], keys: list[str], first_key: str) -> None:
    """How often each candidate is printed inside a longer candidate line or the page's
    first line: a headline is often printed again in a breadcrumb trail ending in it
    ("Home Section Headline") or in the <title> line ("Headline | Site")."""
    near = keys + [first_key] if first_key else keys
    text = "\n".join(near)  # keys hold no newline: one search in one string
    whole = Counter(near)
    for (_j, f), key in zip(out, keys):
        if len(key) >= 8:
            f[_CONTAINED] = math.log1p(text.count(key) - whole[key])


_LEAD, _BODY, _FIRST_OV = TITLE_FEATURES.index("lead_overlap"), TITLE_FEATURES.index("body_overlap"), TITLE_FEATURES.index("first_overlap")
_REL = TITLE_FEATURES.index("rel_lead")
_LEAD_SHARE = 0.3  # a candidate whose content words are this much the article's first paragraphs' speaks of them


def _relative(out: list[tuple[int, list[float]]], anchor: int) -> None:
    """Features that compare a candidate with the others of its article: trees score one
    candidate at a time, and "the block above the body that shares most words with its
    lead" is a fact about the set of blocks above the body. ``lead_rank``: 1 for the
    candidate nearest above the body start that speaks of the lead, 2 for the next, ...
    (0 for the rest)."""
    above_body = [f for j, f in out if j < anchor]  # the body's own first blocks always share its words
    if not above_body:
        return
    best_lead = max(f[_LEAD] for f in above_body)
    best_body = max(f[_BODY] for f in above_body)
    best_first = max(f[_FIRST_OV] for f in above_body)
    above = sorted((anchor - j, i) for i, (j, f) in enumerate(out) if j < anchor and f[_LEAD] >= _LEAD_SHARE)
    ranks = {i: r + 1 for r, (_d, i) in enumerate(above)}
    for i, (_j, f) in enumerate(out):
        f[_REL] = f[_LEAD] - best_lead
        f[_REL + 1] = f[_BODY] - best_body
        f[_REL + 2] = f[_FIRST_OV] - best_first
        f[_REL + 3] = float(ranks.get(i, 0))
