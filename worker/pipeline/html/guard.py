"""Make hostile HTML safe to hand to the lexbor parser.

lexbor (as bundled by selectolax) checks the open-element stack on every block-level
start tag, so N nested ``<div>``s cost O(N^2): 100,000 of them took about 150 s. Real
pages nest a few dozen levels, so we flatten block tags below a fixed depth with one
linear regex scan. Everything here is bounded by the input size.
"""

from __future__ import annotations

import re
from itertools import accumulate, repeat
from operator import sub

MAX_HTML_CHARS = 5_000_000
"""Longer pages are cut: main content sits well before 5 MB and work must stay bounded."""

MAX_BLOCK_DEPTH = 200

# The block tags that make lexbor walk its element stack ("close a p element" scope checks):
# address article aside blockquote center details dialog dir div dl fieldset figcaption
# figure footer header hgroup main menu nav ol pre listing search section summary ul.
# Spelled out with character classes and factored by first letter instead of
# re.IGNORECASE: this scan runs on every page and is about twice as fast this way.
_NAMES = (
    "address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset|figcaption"
    "|figure|footer|header|hgroup|main|menu|nav|ol|pre|listing|search|section|summary|ul"
)


def _caseless(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" for c in word)


def _factored(names: list[str]) -> str:
    by_first: dict[str, list[str]] = {}
    for name in names:
        by_first.setdefault(name[0], []).append(name[1:])
    alts = []
    for first, rests in by_first.items():
        tails = "|".join(_caseless(r) for r in sorted(rests, key=len, reverse=True))
        alts.append(_caseless(first) + (f"(?:{tails})" if len(rests) > 1 else tails))
    return "|".join(alts)


_BLOCK_TAG = re.compile(r"<(/?)(?:" + _factored(_NAMES.split("|")) + r")(?=[\s/>])")

_STEP = {"": 1, "/": -1}


def _max_depth(html: str, limit: int = MAX_BLOCK_DEPTH) -> int:
    """Deepest block nesting, with stray end tags clamped at zero, computed in C-level
    iterators: this runs on every page, the rewrite below only on pathological ones.

    When the cheap bound (highest minus lowest running count) is within ``limit`` that
    bound is returned instead of the exact depth: it is all the caller needs."""
    steps = list(map(_STEP.__getitem__, _BLOCK_TAG.findall(html)))
    if not steps:
        return 0
    prefix = list(accumulate(steps))
    bound = max(prefix) - min(min(prefix), 0)
    if bound <= limit:
        return bound
    floor = accumulate(prefix, min)
    return max(map(sub, prefix, map(min, floor, repeat(0))))


def cap_block_depth(html: str, limit: int = MAX_BLOCK_DEPTH) -> str:
    """Rename block tags nested deeper than ``limit`` to ``span`` so the parser stays linear.

    The depth is estimated from tags alone (comments and scripts are not skipped), which
    can only over-count on pathological pages; ordinary pages never reach the limit and are
    returned unchanged."""
    if html.count("<") <= limit or _max_depth(html, limit) <= limit:
        return html
    depth = 0
    cuts: list[re.Match[str]] = []
    for m in _BLOCK_TAG.finditer(html):
        if m.group(1):
            if depth > limit:
                cuts.append(m)
            depth = depth - 1 if depth > 0 else 0
        else:
            depth += 1
            if depth > limit:
                cuts.append(m)
    if not cuts:
        return html
    parts: list[str] = []
    pos = 0
    for m in cuts:
        parts.append(html[pos : m.start()])
        parts.append("</span" if m.group(1) else "<span")
        pos = m.end()
    parts.append(html[pos:])
    return "".join(parts)


def prepare(html: str) -> str:
    """Bound the size and nesting of a page before parsing."""
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    return cap_block_depth(html)
