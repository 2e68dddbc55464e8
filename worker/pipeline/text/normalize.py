"""Text normalisation shared by segmentation, deduplication and tagging.

Scraped text arrives with non-breaking spaces, zero-width characters, soft hyphens,
stray control bytes and mixed Unicode forms. Every later stage compares strings
(duplicate paragraphs, shingles, gazetteer look-ups), so they must all see one form.
We use NFC plus a small explicit compatibility map rather than full NFKC because NFKC
rewrites characters that carry meaning in news text ("½" -> "1⁄2", "²" -> "2").
"""

from __future__ import annotations

import re
import unicodedata

# Characters removed outright: zero-width space/joiners, word joiner, BOM, soft hyphen.
_DELETE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# C0/C1 control characters become spaces (a stray \x0b between two words must still
# separate them); \t \n \r are whitespace anyway.
_CONTROLS = {c: " " for c in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0))}
# Compatibility characters worth folding (a deliberate subset of NFKC).
_COMPAT = {
    0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl",
    0x2028: " ", 0x2029: " ",
}
_TABLE = {**_CONTROLS, **_DELETE, **_COMPAT}
# Characters whose mapping in _TABLE changes the result: whitespace controls mapped to a
# space need no translation, since the whitespace collapse treats them alike.
_NEEDS_CHARS = "".join(chr(c) for c, v in sorted(_TABLE.items()) if not (v == " " and chr(c).isspace()))
_NEEDS_TABLE = re.compile("[" + "".join(map(re.escape, _NEEDS_CHARS)) + "]")
# Whitespace other than " " that can occur inside a line (str.splitlines ends lines at
# the other vertical separators); tests/test_segment.py checks it against every code point.
INLINE_SPACE_CHARS = "\t\x1f\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Line boundaries of str.splitlines other than "\n".
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# Anything that makes a line need more than a collapse of spaces.
_SPECIAL = re.compile("[" + "".join(map(re.escape, sorted(set(_NEEDS_CHARS + INLINE_SPACE_CHARS + _OTHER_BREAKS)))) + "]")

# Quote and dash variants folded only for comparison keys, never in output text.
_KEY_TABLE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-",
})
# The same folding as (char, replacement) pairs; replacements are ASCII and never keys
# themselves, so applying them one after another equals one translate.
_KEY_PAIRS = tuple((chr(k), v) for k, v in _KEY_TABLE.items())
_WORD_RE = re.compile(r"\w+(?:['\u2019]\w+)*")


def normalize_text(s: str) -> str:
    """NFC-normalise, drop control and zero-width characters, collapse whitespace.

    Linear in the input; ASCII input skips the Unicode normaliser (the common case).
    """
    if not s:
        return ""
    if s.isascii():
        if s.isprintable() or _NEEDS_TABLE.search(s) is None:
            return " ".join(s.split())  # the common case: nothing to fold or delete
    else:
        s = unicodedata.normalize("NFC", s)
        if _NEEDS_TABLE.search(s) is None:  # typically only quotes and dashes: skip the
            return " ".join(s.split())  # per-character dict look-ups of translate
    s = s.translate(_TABLE)
    return " ".join(s.split())


def normalized_lines(body: str, raws: list[str]) -> list[str]:
    """``[normalize_text(r) for r in raws]`` where ``raws = body.splitlines()``.

    The common page needs no per-line Unicode work: after one NFC pass over the body
    (which never joins or splits lines: line breaks are starters that compose with
    nothing) and one scan for characters to delete, fold or treat as odd whitespace, a
    line only needs work if it has a double or an edge space.
    """
    lines = raws
    if body.isascii():
        plain = body.replace("\n", " ").isprintable()  # no control character but "\n"
    else:
        nfc = unicodedata.normalize("NFC", body)
        if nfc != body:
            body = nfc
            lines = nfc.splitlines()
        plain = _SPECIAL.search(body) is None
    if len(lines) != len(raws):
        return [normalize_text(r) for r in raws]
    if plain:  # spaces are the only whitespace inside lines
        if "  " not in body and "\n " not in body and " \n" not in body and body[:1] != " " and body[-1:] != " ":
            return lines  # every line is normal already
        return [
            line if "  " not in line and line[:1] != " " and line[-1:] != " " else " ".join(line.split())
            for line in lines
        ]
    if _NEEDS_TABLE.search(body) is None:
        return [" ".join(line.split()) for line in lines]
    return [normalize_text(r) for r in raws]


def comparison_key(s: str) -> str:
    """A key under which two renderings of the same paragraph compare equal.

    Typographic quotes/dashes and case differ between copies of one story printed
    twice on a page; they must not defeat duplicate detection.

    Equal to ``s.translate(_KEY_TABLE)`` then casefold and whitespace collapse, but a
    dict-driven ``str.translate`` costs a dict look-up per character once the text holds
    any non-ASCII character; a handful of ``in``/``replace`` scans (C loops, and no-ops
    for characters that are absent) is several times faster on news paragraphs.
    """
    f = _fold_key_chars(s).casefold()
    # Printable ASCII has no whitespace but " ": single-spaced without edge spaces, it is
    # its own collapse (most keys are of normalised text: no string object per word).
    if f.isascii() and f.isprintable() and "  " not in f and f[:1] != " " and f[-1:] != " ":
        return f
    return " ".join(f.split())


def normalized_comparison_key(s: str) -> str:
    """:func:`comparison_key` of text that is already :func:`normalize_text` output.

    Such text has single spaces and no edges, and folding quotes or case never adds
    whitespace, so the split-and-join (a string object per word) can be skipped.
    """
    return _fold_key_chars(s).casefold()


def _fold_key_chars(s: str) -> str:
    if s.isascii():
        return s.replace("`", "'") if "`" in s else s
    for ch, rep in _KEY_PAIRS:
        if ch in s:
            s = s.replace(ch, rep)
    return s


# ASCII characters that end a word (all but letters, digits, "_" and "'"), as spaces: for
# str.translate on ASCII text and bytes.translate on UTF-8 (bytes >= 0x80 are left alone).
_ASCII_BREAKS = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) in "_'")})
_BYTE_BREAKS = bytes(c if c >= 0x80 or chr(c).isalnum() or chr(c) in "_'" else 0x20 for c in range(256))
# Frequent non-ASCII punctuation of news text, in UTF-8, also turned into spaces up front
# (each is one fast bytes.replace) so that most chunks need no second look.
_BYTE_PUNCT = tuple(c.encode("utf-8") for c in "\u201c\u201d\u2018\u2014\u2013\u2026\u00ab\u00bb\u2022\u00b7\u00a0")


def words(s: str) -> list[str]:
    """Lower-cased word tokens (letters/digits, inner apostrophes kept): what
    ``_WORD_RE.findall(s.casefold())`` returns.

    Why not that regex alone: the topic tagger tokenises every article, and the regex tests
    each character through the Unicode database (about 70 ns a character here). Instead,
    every ASCII character that cannot be part of a word becomes a space (one translate, of
    the UTF-8 bytes when the text is not ASCII) and the text is split on white space: each
    piece is a run of characters no match can cross, since a match holds only word
    characters and apostrophes. A piece of ASCII letters, digits and "_" is one token;
    only a piece with an apostrophe or a non-ASCII character (accented words, curly
    apostrophes, rare punctuation) goes through the regex, which on that piece finds what it
    finds there in the whole text (the pattern looks neither behind nor past a piece's
    edge). About 2x faster on news text; tests/test_topics.py checks it against the regex.
    """
    s = s.casefold()
    if s.isascii():
        pieces = s.translate(_ASCII_BREAKS).split()
        if "'" not in s:
            return pieces
    else:
        b = s.encode("utf-8", "surrogatepass").translate(_BYTE_BREAKS)
        for p in _BYTE_PUNCT:
            if p in b:
                b = b.replace(p, b" ")
        s = b.decode("utf-8", "surrogatepass")
        pieces = s.split()
        if s.isascii() and "'" not in s:
            return pieces
    out: list[str] = []
    for p in pieces:
        if p.isascii() and "'" not in p:
            out.append(p)
        else:
            out += _WORD_RE.findall(p)
    return out
