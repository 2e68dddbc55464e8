"""Datelines: "GENEVA:", "LONDON, March 2 -", "WASHINGTON (Reuters) -".

A dateline opens an article's first paragraph, so it is both metadata (where the story
was filed, used for region tagging) and the strongest signal that an article starts
here. The place must be upper case: that is what separates a dateline from an
ordinary sentence that happens to contain a colon or a dash.
"""

from __future__ import annotations

import re

_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April"
    r"|June|July|August|September|October|November|December)\.?"
)
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
_PLACE = r"[A-Z][A-Z'’.\-]{1,30}(?:[ \-][A-Z][A-Z'’.\-]{0,30}){0,3}"
_REGION = r"(?:,\s*(?:[A-Z][A-Za-z.]{1,20}(?: [A-Z][A-Za-z.]{1,20}){0,2}))?"
_AGENCY = r"(?:\s*\((?:[A-Z][\w .&'-]{1,30})\))?"
_DATELINE_RE = re.compile(
    rf"({_PLACE}(?:,\s*[A-Z][A-Z.]{{1,15}})?(?:,?\s+{_DATE}|{_REGION})?{_AGENCY}(?:,?\s+{_DATE})?)"
    r"\s*(?::|\s[-–—]{1,2})\s+(?=[\"“‘'(]?[A-Z0-9])"
)
_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # what _PLACE accepts first...
_SECOND = _FIRST | frozenset("'’.-")  # ...and second
_PROBE = 120  # a dateline never runs longer than this; bounds the regex work
_MIN_REST = 30  # "UPDATE: Talks resume" is a headline, not a dated paragraph
# Upper-case labels that open headlines and paragraphs but name no place.
_NOT_PLACES = frozenset(
    "BREAKING UPDATE UPDATED WATCH LIVE VIDEO PHOTOS OPINION ANALYSIS EDITORIAL EXCLUSIVE"
    " FACTBOX EXPLAINER COMMENT REVIEW NOTE WARNING CORRECTION FILE PHOTO SUMMARY ABSTRACT"
    " DISCLAIMER DISCLOSURE BACKGROUND CONTEXT TIP TIPS FAQ IMPORTANT ALERT NEW NEWS POLL"
    " QUESTION ANSWER SPOILER SPOILERS CAUTION DANGER INFO INTRO UPSHOT VERDICT BOTTOM LINE"
    " TLDR TL;DR PS P.S. NB N.B. EDITOR'S EDITOR’S UPDATE: SPONSORED AD".split()
)


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """(dateline, rest of the paragraph), or (None, paragraph) when there is none."""
    # The place opens with two capitals (or a capital and ' . -): most paragraphs fail
    # on their first two characters, before the regex is started.
    if paragraph[:1] not in _FIRST or paragraph[1:2] not in _SECOND:
        return None, paragraph
    m = _DATELINE_RE.match(paragraph[:_PROBE])
    if m is None:
        return None, paragraph
    place = m.group(1)
    letters = [c for c in place.split(",")[0].split("(")[0] if c.isalpha()]
    if len(letters) < 3 or not all(c.isupper() for c in letters):
        return None, paragraph
    if place.split(",")[0].split("(")[0].strip() in _NOT_PLACES:
        return None, paragraph
    rest = paragraph[m.end():].strip()
    if len(rest) < _MIN_REST:
        return None, paragraph
    return place.strip(), rest


def has_dateline(paragraph: str) -> bool:
    return split_dateline(paragraph)[0] is not None
