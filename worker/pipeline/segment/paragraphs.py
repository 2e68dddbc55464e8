"""Rebuilding paragraphs from lines.

Scraped text breaks paragraphs three ways: blank lines, an indented first line
(wire-service style), or nothing at all (one paragraph per line). On top of that,
lines are hard-wrapped at a fixed width and sentences get split over short fragments
("Moscow has also" / "signalled" / "its interest ..."). We decide, for every pair of
adjacent lines, whether the break is a paragraph break or a wrap, using signals that
do not depend on the site: lower-case continuation, a line ending mid-clause, a line
that was full at the page's wrap width, and indentation.
"""

from __future__ import annotations

import re

from worker.pipeline.text.normalize import normalize_text

TERMINAL = frozenset(".!?")
_CLOSERS = "\"'”’)]»"
# Words a heading practically never ends with but a broken sentence often does.
TRAILING_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with and or but nor as than that which who whom whose"
    " is are was were be been being has have had do does did will would shall should can could"
    " may might must also not into onto over under about after before between through during"
    " its his her their our your my this these those said says told if so very more most".split()
)
BULLET_CHARS = "-•*·▪◦‣"  # a bullet line starts with one of these
INDENT_CHARS = " \t\u00a0"  # leading_indent counts only these
_BULLET_RE = re.compile(r"[-•*·▪◦‣]\s+(?=\S)")
_MAX_WRAP = 120  # a hard-wrap width beyond this is not a wrap


class Line:
    """One physical line: its normalised text and the layout facts about it."""

    __slots__ = ("raw", "text", "indent", "kind")

    def __init__(self, raw: str, text: str, indent: int, kind: str) -> None:
        self.raw = raw
        self.text = text
        self.indent = indent
        self.kind = kind


def leading_indent(raw: str) -> int:
    n = 0
    for ch in raw[:64]:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 4
        elif ch == "\u00a0":
            n += 1
        else:
            break
    return n


def bullet_text(text: str) -> str | None:
    """The item text of a bullet line ("- Foo" -> "Foo"), or None if not a bullet."""
    m = _BULLET_RE.match(text[:8])
    if m is None:
        return None
    rest = text[m.end():]
    return rest if rest[:1].isalnum() or rest[:1] in "\"'“‘(" else None


def ends_sentence(text: str) -> bool:
    t = text.rstrip(_CLOSERS)
    return bool(t) and t[-1] in TERMINAL


def starts_lower(text: str) -> bool:
    c = text[:1]
    return c.islower() or (c in ",;)]" and len(text) > 0)


_LAST_WORD_STRIP = _CLOSERS + ",;:"


def ends_in_function_word(text: str) -> bool:
    """"Moscow has also" (a broken sentence), but not "Not Leant On" (title case).

    Every function word is lower case, so the look-up alone decides (a capitalised or
    empty last word is never in the set; tests/test_segment.py checks the set)."""
    return text[text.rfind(" ") + 1:].strip(_LAST_WORD_STRIP) in TRAILING_FUNCTION_WORDS


def _first_word_len(text: str) -> int:
    i = text.find(" ")
    return len(text) if i < 0 else i


def estimate_wrap_width(lengths: list[int]) -> int | None:
    """The page's hard-wrap width, or None when lines are not hard-wrapped.

    Greedy wrapping leaves most lines within a few characters of the width, so the
    upper decile of line lengths estimates it and the median sits close below it.
    """
    ls = sorted(x for x in lengths if x >= 20)
    if len(ls) < 6:
        return None
    w = ls[(len(ls) * 9) // 10 - 1]
    med = ls[len(ls) // 2]
    if w > _MAX_WRAP or med < 0.65 * w:
        return None
    return w


def _continues(a: str, b: str, width: int | None) -> bool:
    """Whether line ``b`` continues the paragraph of line ``a`` (no indentation cue)."""
    if starts_lower(b):
        return True
    if ends_sentence(a):
        return bool(width) and len(a) + 1 + _first_word_len(b) > width and len(a) >= 0.6 * width
    last = a[-1:]
    if last in ",;(&/+=" or a.endswith(("-", "–", "—")):
        return True
    if ends_in_function_word(a) or a.count("(") > a.count(")"):
        return True
    return bool(width) and len(a) + 1 + _first_word_len(b) > width and len(a) >= 0.6 * width


def title_shaped(text: str) -> bool:
    """Short, unpunctuated at the end, capitalised: could be a headline or subheading."""
    n = len(text)
    if n < 3 or n > 160:
        return False
    if (text[-1] in ".,;:" and not text.endswith("...")) or text.endswith(":..."):
        return False
    c = text[0]
    if not (c.isupper() or c.isdigit() or (c in "\"'“‘([" and text[1:2].isalnum())):
        return False
    nwords = text.count(" ") + 1
    if nwords > 22 or " | " in text:
        return False
    return not ends_in_function_word(text)


def block_paragraphs(lines: list[Line], width: int | None) -> list[str]:
    """Paragraphs of one run of text lines (no blank, chrome or bullet lines inside)."""
    if len(lines) == 1:
        return [lines[0].text]
    indented = [ln.indent >= 2 and not starts_lower(ln.text) for ln in lines]
    indent_mode = any(indented) and not all(indented)
    out: list[str] = []
    parts = [lines[0].text]  # pieces of the paragraph being built (joined once: linear)
    for i in range(1, len(lines)):
        a_line, b_line = lines[i - 1], lines[i]
        b = b_line.text
        if indent_mode:
            if starts_lower(b):
                brk = False
            elif indented[i]:
                brk = True
            else:
                nxt_indented = i + 1 >= len(lines) or indented[i + 1]
                # A headline between two wire-style paragraphs: the line before it
                # closed a sentence and the line after it opens a paragraph.
                brk = ends_sentence(a_line.text) and title_shaped(b) and nxt_indented
        else:
            brk = not _continues(a_line.text, b, width)
        if brk:
            out.append("".join(parts))
            parts = [b]
        else:
            prev = parts[-1]
            glue = "" if len(prev) >= 2 and prev[-1] == "-" and prev[-2].isalpha() and b[:1].isalpha() else " "
            parts.append(glue)
            parts.append(b)
    out.append("".join(parts))
    return out


def unwrap_paragraph(text: str) -> list[str]:
    """A paragraph given with embedded newlines, rebuilt into one or more paragraphs."""
    if "\n" not in text and "\r" not in text:
        t = normalize_text(text)
        return [t] if t else []
    lines = []
    for raw in text.splitlines():
        t = normalize_text(raw)
        if t:
            lines.append(Line(raw, t, leading_indent(raw), "text"))
    if not lines:
        return []
    width = estimate_wrap_width([len(ln.text) for ln in lines])
    return block_paragraphs(lines, width)
