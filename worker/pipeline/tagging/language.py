"""Language identification.

pycld2 (Apache-2.0) is used because it is the fastest accurate detector measured here
(about 70 µs on 1,000 characters, against 390 µs for py3langid); reading a prefix keeps
the cost flat for long articles, since a news story's language does not change midway.
cld2's cost grows with the sample, and 600 characters (about 100 words) decide as well as
1,200: on 791 English WCXB articles and 557 BBC ones the 600-character prefix never gave
another language (it gave "en" to 2 texts whose longer prefix was undecided), and on
synthetic texts in 100 languages it disagreed with 1,200 characters no more often than
800 characters did (only between close relatives: bs/hr/sr, gl/es/ast).
"""

from __future__ import annotations

import pycld2

_SAMPLE_CHARS = 600
_MIN_RELIABLE_BYTES = 40


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when cld2 is not confident (short or mixed text)."""
    sample = text[:_SAMPLE_CHARS]
    try:
        reliable, nbytes, details = pycld2.detect(sample.encode("utf-8", "replace"), isPlainText=True)
    except pycld2.error:
        return None
    code = details[0][1]
    if not reliable or nbytes < _MIN_RELIABLE_BYTES or code in ("un", "xxx"):
        return None
    # cld2 returns a few non-639-1 codes (e.g. "zh-Hant"); keep the base language.
    base = code.split("-", 1)[0].lower()
    return base if len(base) == 2 and base.isalpha() else None
