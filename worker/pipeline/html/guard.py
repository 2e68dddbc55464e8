"""Make hostile HTML safe to hand to the lexbor parser, or refuse it before parsing.

lexbor (as bundled by selectolax) is a C parser that SIGALRM cannot interrupt, and the
HTML tree-construction rules make some inputs quadratic in it:

- every block-level start tag (and every ``</p>``) walks the stack of open elements, so
  N nested ``<div>``s cost O(N^2): 100,000 of them took about 150 s. Real pages nest a
  few dozen levels, so block tags below a fixed depth are renamed to ``span``.
- unclosed *inline* tags deepen that same stack: ``"<b>x</p>" * 32000`` leaves 32,000
  ``<b>``s open and every ``</p>`` walks them all (about 3 s, 4-6x per doubling).
- unclosed *formatting* tags grow the list of active formatting elements, which every new
  formatting start tag scans (the "Noah's Ark" check): ``"<font size=3>x" * 16000``.

Renaming cannot fix the last two without changing what the page says, so
:func:`check_parse_work` simulates the parser's stack and list cheaply (counts, not
walks) and adds up the steps those walks would cost; a page over :data:`MAX_PARSE_STEPS`,
or with more than :data:`MAX_TAGS` tags, is refused as ``html_too_complex`` before lexbor
sees it. Real pages need a few hundred thousand steps; the budget is two orders above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import sub

from worker.pipeline.model import PageError

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


def cap_block_depth(html: str, limit: int = MAX_BLOCK_DEPTH, *, tag_marks: int | None = None) -> str:
    """Rename block tags nested deeper than ``limit`` to ``span`` so the parser stays linear.

    The depth is estimated from tags alone (comments and scripts are not skipped), which
    can only over-count on pathological pages; ordinary pages never reach the limit and are
    returned unchanged. ``tag_marks`` is ``html.count("<")`` when the caller has it."""
    if tag_marks is None:
        tag_marks = html.count("<")
    if tag_marks <= limit or _max_depth(html, limit) <= limit:
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


MAX_TAGS = 300_000
"""More tags than this is not a news page (the 100,000-deep div page has 200,000)."""

MAX_PARSE_STEPS = 20_000_000
"""Estimated stack/list walk steps lexbor may take; about a tenth of a second of parsing.
An ordinary news page needs well under 1,000,000."""

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")

# Elements that never go on the stack of open elements.
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
# Elements the parser closes by itself when a sibling starts (optional end tags) or that
# scope the walks (tables): counted as walks, never as depth.
_SELF_CLOSING = frozenset("p li dt dd option optgroup tr td th tbody thead tfoot rb rt rp caption colgroup".split())
# The formatting elements of the HTML standard: kept in the list of active formatting elements.
_FORMATTING = frozenset("a b big code em font i nobr s small strike strong tt u".split())
# Start tags that run "close a p element" (a stack walk), the block tags above plus headings etc.
_WALKING_START = frozenset(_NAMES.split("|")) | frozenset("p h1 h2 h3 h4 h5 h6 form hr table li dd dt plaintext xmp".split())
# Elements that bound the walks (scope markers): nothing below them is looked at.
_SCOPE = frozenset("html table td th caption marquee object applet template button".split())


@dataclass(slots=True)
class ParseWork:
    """What the guard saw: how many tags it checked (it stops at the first bound it hits)
    and the walk steps it estimated. ``refused`` names the bound that was hit, if any."""

    tags_checked: int = 0
    steps: int = 0
    max_depth: int = 0
    max_formatting: int = 0
    refused: str | None = None


def check_parse_work(html: str, *, max_tags: int = MAX_TAGS, max_steps: int = MAX_PARSE_STEPS,
                     tag_marks: int | None = None) -> ParseWork:
    """Estimate lexbor's stack and formatting-list walks for ``html`` in one linear scan.

    The simulation keeps only a depth counter and per-name counts of open elements (an end
    tag whose name is open pops down to it; one that is not open costs a full walk and is
    ignored), so it is O(tags) whatever the page; it over-estimates rather than under,
    which can only refuse a page that is already pathological. ``tag_marks`` is
    ``html.count("<")`` when the caller has it."""
    work = ParseWork()
    total = html.count("<") if tag_marks is None else tag_marks
    if total * total <= max_steps:  # each tag walks at most the tags before it: n^2 bounds the work
        work.tags_checked = total
        return work
    stack: list[str] = []
    open_count: dict[str, int] = {}
    formatting = 0
    steps = 0
    tags = 0
    scope_floor = 0  # stack index of the innermost scope marker
    floors: list[int] = []
    for closing, raw in _TAG.findall(html):
        tags += 1
        if tags > max_tags:
            work.refused = "tags"
            break
        name = raw.lower()
        depth = len(stack)
        if not closing:
            if name in _VOID:
                continue
            if name in _WALKING_START:
                steps += depth - scope_floor
            if name in _FORMATTING:
                steps += formatting  # Noah's Ark scan of the active formatting list
                formatting += 1
            if name in _SELF_CLOSING:
                continue
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            if name in _SCOPE:
                floors.append(scope_floor)
                scope_floor = len(stack)
        elif name == "p" or name not in open_count or not open_count[name]:
            steps += depth - scope_floor  # a walk that finds nothing to close
        elif stack[-1] == name:
            steps += 1
            stack.pop()
            open_count[name] -= 1
            if name in _FORMATTING:
                formatting -= 1
        else:
            while stack:  # pop down to the open element of that name
                top = stack.pop()
                steps += 1
                open_count[top] -= 1
                if top in _FORMATTING:
                    formatting -= 1
                if top in _SCOPE:
                    scope_floor = floors.pop() if floors else 0
                if top == name:
                    break
            if name in _FORMATTING:
                steps += formatting  # the adoption agency scans the list too
        if name in _SCOPE and closing and len(stack) < scope_floor:
            scope_floor = floors.pop() if floors else 0
        if len(stack) > work.max_depth:
            work.max_depth = len(stack)
        if formatting > work.max_formatting:
            work.max_formatting = formatting
        if steps > max_steps:
            work.refused = "steps"
            break
    work.tags_checked = tags
    work.steps = steps
    return work


def prepare(html: str) -> str:
    """Bound the size and nesting of a page before parsing; raises ``PageError``
    (``html_too_complex``) for a page whose parse would still cost too much."""
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    # One count of "<" serves both checks: renaming deep block tags to span keeps every "<".
    marks = html.count("<")
    html = cap_block_depth(html, tag_marks=marks)
    work = check_parse_work(html, tag_marks=marks)
    if work.refused == "tags":
        raise PageError("html_too_complex", f"more than {MAX_TAGS:,} tags", stage="html", reason="too_many_tags")
    if work.refused == "steps":
        raise PageError(
            "html_too_complex",
            f"the parser would walk more than {MAX_PARSE_STEPS:,} open elements (after {work.tags_checked:,} tags: "
            f"{work.max_depth:,} open, {work.max_formatting:,} unclosed formatting tags)",
            stage="html", reason="parse_work",
        )
    return html
