"""Classes of page lines that are never article text.

Scraped pages carry the site's chrome as plain lines: navigation menus, share and
advertisement markers, "Related:" lists of other headlines, newsletter and cookie
prompts, copyright footers, short-URL boxes, bylines. Recognising them by line class
(not by site) is what lets one segmenter serve many sites. Every pattern is anchored
and only ever sees a bounded prefix of a short line, so a megabyte-long line costs
nothing here.
"""

from __future__ import annotations

import re

MAX_CHROME_CHARS = 160  # chrome lines are short; longer lines are treated as text

# Line kinds returned by classify_line.
RELATED = "related"  # header of a list of other stories' headlines (consume the list)
CHROME = "chrome"  # any other boilerplate line
BYLINE = "byline"  # author / agency credit: not body, not title

_SEP = r"[\s:|\-–—>»·•.!]*"

_RELATED = (
    r"(?:related(?: articles?| stories| news| content| coverage| topics| links| reading)?"
    r"|read more|read also|also read|see also|more on this(?: story| topic)?|more stories"
    r"|more from [\w .'&-]{1,40}|you (?:may|might) also like|recommended(?: for you| stories| reading)?"
    r"|most (?:read|popular|viewed|shared)|trending(?: now| stories)?|top stories|latest (?:news|stories)"
    r"|editor'?s picks|what to read next|further reading|in other news|more news"
    r")"
)

_CHROME = (
    r"(?:"
    r"share(?: this| the)?(?: article| story| page| post)?(?: on [\w ]{1,30})?"
    r"|share via [\w ]{1,30}|tweet|email|e-mail|print|facebook|twitter|linkedin|whatsapp|copy link"
    r"|advertisement|advertising|advert|ad|sponsored(?: content| links?)?|promoted(?: content)?|paid content"
    r"|(?:story|article) continues (?:below|after)(?: (?:this )?(?:advertisement|ad))?"
    r"|scroll (?:down )?to continue(?: reading)?|continue reading(?: below)?"
    r"|short ?(?:url|link)|permalink|shortlink"
    r"|skip to (?:main )?(?:content|navigation|main)|jump to (?:main )?content|back to top|top of page"
    r"|menu|main menu|navigation|search|home|log ?in|sign ?in|register|subscribe(?: now| today)?"
    r"|sign up(?: now| today| for (?:free|our newsletters?|the newsletter|updates|email alerts))?"
    r"|(?:get|join) (?:our|the) newsletters?|newsletters?|comments?(?: \(\d{1,6}\))?|leave a comment"
    r"|show comments|view comments|follow us(?: on [\w ]{1,40})?|connect with us|contact us|about us"
    r"|(?:accept|reject|manage) (?:all )?cookies|cookie (?:settings|policy|preferences|consent)"
    r"|privacy policy|terms (?:of (?:use|service)|and conditions)|all rights reserved"
    r"|listen to (?:this )?(?:article|story)|reading time:? .{0,20}|\d{1,3} min(?:ute)?s? read"
    r"|image|photo|video|gallery|audio|close|open|next|previous|prev|load more|see more|view more"
    r")"
)
# A short line that is wholly one of _RELATED (then RELATED) or _CHROME (then CHROME), in
# one match: the engine tries every way of the first group before the second, so group 1
# takes part exactly when _RELATED alone would match, else group 2 exactly when _CHROME would.
_RELATED_OR_CHROME_RE = re.compile("(?:(" + _RELATED + ")|(" + _CHROME + "))" + _SEP + "$")

# Chrome recognised by a phrase anywhere in a short line.
_CHROME_ANYWHERE_RE = re.compile(
    r"all rights reserved|©|\(c\) (?:19|20)\d\d|copyright (?:©|\(c\)|(?:19|20)\d\d)"
    r"|sign up for (?:our|the) \w* ?newsletter|subscribe to (?:our|the) \w* ?newsletter"
    r"|we use cookies|this (?:site|website) uses cookies|cookie settings|accept cookies"
    r"|terms of (?:use|service) \|"
    r"|follow us on|click here to|share (?:this|on) (?:facebook|twitter|x\b)"
)

_URL_RE = re.compile(r"(?:https?://|www\.)\S{1,300}$")
_BYLINE_RE = re.compile(
    r"(?:[Bb]y|[Ww]ritten by|[Rr]eporting by|[Ww]ords by|[Ss]tory by|BY)\s+[A-Z][\w.'’\-]{0,30}"
    r"(?:\s+[A-Z][\w.'’\-]{0,30}){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’\-]{0,30}(?:\s+[A-Z][\w.'’\-]{0,30}){0,3}){0,3}"
    r"(?:\s*[,|–—-]\s*[\w .'’\-]{1,40})?$"
)
_AGENCY_RE = re.compile(
    r"(?:reuters|ap|afp|associated press|agence france-presse|bloomberg|dpa|efe|ansa|xinhua"
    r"|press association|pa media|upi|staff reporter|staff writer|\w+ staff|wire services?)"
    r"(?:\s*(?:/|and|,)\s*(?:reuters|ap|afp|bloomberg|dpa))?[\s.]*$"
)
_DATE_LINE_RE = re.compile(
    r"(?:published|updated|posted|last updated|first published|modified)\b:?\s*.{0,60}$"
)
_MENU_SPLIT_RE = re.compile(r"\s*\|\s*|\s{2,}|\s+[•·»]\s+")
_TERMINAL = ".!?"


# classify_line gates _CHROME_ANYWHERE_RE by a chain of ``in`` tests for literals one of
# which is in every match ("©", "rights", "(c)", ...): a C substring scan each, where a
# regex search of an alternation tries a branch at every common letter.
_BYLINE_STARTS = ("by ", "written", "reporting", "words", "story")
# How every _AGENCY_RE match starts, but for "\w+ staff", which holds " staff".
_AGENCY_STARTS = ("reuters", "ap", "afp", "associated press", "agence france-presse", "bloomberg", "dpa", "efe",
                  "ansa", "xinhua", "press association", "pa media", "upi", "staff reporter", "staff writer",
                  "wire service")


def classify_line(raw: str, norm: str) -> str | None:
    """Kind of chrome this line is, or None for text.

    ``raw`` keeps the original spacing (menus are often laid out with runs of spaces);
    ``norm`` is the normalised line. Cheap literal tests gate the regexes: most lines
    are text and should cost almost nothing.
    """
    n = len(norm)
    if n == 0 or n > MAX_CHROME_CHARS:
        return None
    low = norm.casefold()
    if n <= 60:
        m = _RELATED_OR_CHROME_RE.match(low)
        if m is not None:
            return RELATED if m.lastindex == 1 else CHROME
    if low.startswith(("http", "www.")) and _URL_RE.match(low):
        return CHROME
    if ("©" in low or "rights" in low or "(c)" in low or "copyright" in low or "newsletter" in low or "cookie" in low
            or "terms of" in low or "follow us" in low or "click here" in low or "share " in low) \
            and _CHROME_ANYWHERE_RE.search(low):
        return CHROME
    if low.startswith(_BYLINE_STARTS) and _BYLINE_RE.match(norm):
        return BYLINE
    if n <= 40 and (low.startswith(_AGENCY_STARTS) or " staff" in low) and _AGENCY_RE.match(low):
        return BYLINE
    if n <= 80 and low[:1] in "pulfm" and _DATE_LINE_RE.match(low) and any(c.isdigit() for c in low):
        return BYLINE
    stripped = raw.strip()
    if ("|" in stripped or "  " in stripped or "•" in stripped or "·" in stripped or "»" in stripped) \
            and _is_menu(stripped):
        return CHROME
    return None


def _is_menu(raw: str) -> bool:
    """A row of three or more short labels separated by bars, bullets or wide gaps."""
    if len(raw) > MAX_CHROME_CHARS:
        return False
    parts = [p for p in _MENU_SPLIT_RE.split(raw) if p]
    if len(parts) < 3:
        return False
    for p in parts:
        w = p.split()
        if len(w) > 4 or p[-1] in _TERMINAL or p[-1] == ",":
            return False
    return True
