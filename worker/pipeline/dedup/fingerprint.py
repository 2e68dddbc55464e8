"""Text fingerprints for duplicate detection: an exact hash, a MinHash signature, and the
features that verify a candidate (numbers, names, title numbers, source).

Why these choices (``eval/dedup.py``; thresholds chosen on its tuning half only):

* Normalisation is NFKC + casefold + "keep only runs of word characters": re-scrapes that
  differ in quote style, dashes, case, punctuation or line wrapping give the same token
  list, so they collide on the exact hash.
* Word 3-gram shingles. On BBC News the most similar hard negative has a true 3-gram
  Jaccard of 0.28 while heavy republications (two sentences dropped, two added, a dozen
  words changed, lead rewritten) spread down to 0.30; 1- and 2-grams bring negatives up,
  4- and 5-grams push republications down faster than negatives.
* Shingle overlap alone cannot tell two templated stories (earnings, results, market
  closes, weather, tallies) apart: they share most 3-grams. What differs is their
  numbers and names, so the index verifies those (``DedupIndex.contradiction``) and the
  overlap threshold can then be lower (0.3, weighted) for better recall on heavy edits;
  containment (0.7) catches truncated copies and copies with an added paragraph.
* Numbers keep their units and currency ("12 per cent" = "12%", "$4.2bn" = "$4.2
  billion", scores "2-1"); names are capitalised words that do not start a sentence
  (nothing when a text is in capitals or title case throughout). Each is kept as a
  bottom-k sample of 16-bit hashes (``max_features``), comparable between a text and its
  truncated copy.
* 128 permutations, 16 bands x 2 rows: the LSH S-curve passes 78% of pairs at J = 0.3,
  94% at 0.4 and 99% at 0.5; unrelated news shares almost no 3-grams, so 2-row bands stay
  selective.
* Shingle hashing is vectorised (rensa hashes the words in Rust, numpy combines them into
  n-gram hashes) because Python string joins dominated the cost; the feature regexes
  start with a bare character class so the regex engine skips ahead.
* The signature keeps the low 16 bits of each MinHash value: a random 16-bit collision
  (1/65536) barely biases the Jaccard estimate, and it halves the stored size. Band keys
  are derived from the *stored* signature, so eviction recomputes them instead of
  storing them.
"""

from __future__ import annotations

import functools
import hashlib
from array import array
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np
import rensa

_WORD = re.compile(r"\w+")
_MIX_A = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Parameters of fingerprints and of the index.

    Changing ``shingle_size``, ``num_perm``, ``bands``, ``rows``, ``seed`` or
    ``max_features`` changes stored signatures, band keys or feature sets: state written
    under one :meth:`state_version` must not be read under another (the stream layer puts
    it in the table names). The thresholds only change decisions, not state.
    """

    shingle_size: int = 3  # word n-grams
    num_perm: int = 128
    bands: int = 16
    rows: int = 2
    threshold: float = 0.3  # on the weighted Jaccard estimate of word 3-grams
    containment: float = 0.7  # ... or on the share of the shorter text inside the longer
    numbers_agree: float = 0.5  # share of the smaller number set found in the other
    names_agree: float = 0.4  # share of the smaller set of capitalised names in the other
    df_scale: float = 8.0  # a MinHash slot seen in df_scale recent stories weighs 1/2
    df_halve_every: int = 2000  # clean articles between halvings of the frequency sketch
    update_window_seconds: float = 3600.0  # same source within this: an update
    retention_seconds: float = 7 * 24 * 3600.0
    seed: int = 1
    min_shingles: int = 5  # below this a text is matched by its exact hash only
    max_bucket: int = 64  # newest ids kept per band bucket (bounds boilerplate buckets)
    max_candidates: int = 256  # candidates verified per look-up
    max_features: int = 12  # numbers / names kept per article (a consistent bottom-k sample)

    def __post_init__(self) -> None:
        if self.shingle_size < 1 or self.num_perm < 1 or self.bands < 0 or self.rows < 1:
            raise ValueError("shingle_size, num_perm, rows must be >= 1 and bands >= 0")
        if self.bands * self.rows > self.num_perm or self.bands > 255:
            raise ValueError("bands * rows must not exceed num_perm, bands at most 255")
        for name in ("threshold", "containment"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in (0, 1]")
        for name in ("numbers_agree", "names_agree"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]")
        if self.retention_seconds <= 0 or self.max_bucket < 1 or self.max_candidates < 1:
            raise ValueError("retention_seconds, max_bucket, max_candidates must be positive")
        if self.df_scale <= 0 or self.df_halve_every < 1 or not 1 <= self.max_features <= 255:
            raise ValueError("df_scale, df_halve_every must be positive, max_features in 1..255")
        if self.update_window_seconds < 0:
            raise ValueError("update_window_seconds must not be negative")

    def state_version(self) -> str:
        """A short tag that changes whenever stored signatures, band keys or features would."""
        return f"k{self.shingle_size}p{self.num_perm}b{self.bands}r{self.rows}s{self.seed}f{self.max_features}v2"


DEFAULT = DedupConfig()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """``exact``: 16 hex chars of the normalised text's hash. ``signature``: ``num_perm``
    little-endian uint16 MinHash values (empty when the text has no words). ``bands``:
    16-hex-char LSH band keys (empty for texts too short to compare approximately).
    ``shingles``: the number of word n-grams, for containment. ``numbers``, ``names``, ``title``:
    sorted little-endian uint16 hashes of the body's numbers (with units), its capitalised
    names (empty when case carries no information) and the title's numbers. ``source``:
    a 32-bit hash of the publisher (0 when unknown), which tells updates from
    republications."""

    exact: str
    signature: bytes
    bands: tuple[str, ...]
    shingles: int = 0
    numbers: bytes = b""
    names: bytes = b""
    title: bytes = b""
    source: int = 0


def _not_word(ch: str) -> bool:
    return not (ch.isalnum() or ch == "_")


# ASCII: lowercase letters, every non-word character becomes a space. Applied with
# str.translate + split, 10x faster than a Unicode ``\w+`` scan and token-for-token equal
# to it on ASCII text.
_ASCII_FOLD = {i: (" " if _not_word(chr(i)) else chr(i).lower()) for i in range(128)}
# Non-ASCII punctuation common in English news (curly quotes, dashes, NBSP, currency...):
# folding it first keeps most such texts on the fast path.
_UNICODE_PUNCT = {
    i: " "
    for lo, hi in ((0x80, 0x100), (0x2000, 0x2070), (0x20A0, 0x20D0), (0x3000, 0x3040))
    for i in range(lo, hi)
    if _not_word(chr(i))
}


# The same two maps in their fast forms: a bytes table (bytes.translate is a plain table
# look-up per byte, where str.translate with a dict is a dict look-up per character) and
# one character class (a regex substitution scans in C; a dict-driven str.translate on a
# non-ASCII string costs about a microsecond per ten characters).
_ASCII_FOLD_BYTES = bytes(ord(_ASCII_FOLD[i]) for i in range(128)) + bytes(128)
_UNICODE_PUNCT_RE = re.compile("[" + "".join(re.escape(chr(i)) for i in sorted(_UNICODE_PUNCT)) + "]")


# The ASCII map over UTF-8: bytes >= 0x80 (every byte of a multi-byte character) kept.
_ASCII_FOLD_UTF8 = _ASCII_FOLD_BYTES[:128] + bytes(range(128, 256))


def tokens(text: str) -> list[str]:
    """Normalised word tokens (runs of Unicode word characters after NFKC + casefold);
    punctuation, quote style and whitespace are dropped."""
    if not text.isascii():
        text = _UNICODE_PUNCT_RE.sub(" ", unicodedata.normalize("NFKC", text))
        if not text.isascii():
            raw = text.encode("utf-8")
            if len(raw) - len(text) > len(text) >> 5:  # much non-ASCII: one Unicode scan
                return _WORD.findall(text.casefold())
            # Mostly ASCII (accented names in English news): fold the ASCII bytes as on the
            # fast path, split at whitespace, and scan only the words holding other
            # characters. Equal to the scan of the whole text: whitespace is never part of
            # a word, casefold maps character by character and equals the ASCII map on ASCII.
            out: list[str] = []
            for word in raw.translate(_ASCII_FOLD_UTF8).decode("utf-8").split():
                if word.isascii():
                    out.append(word)
                else:
                    out += _WORD.findall(word.casefold())
            return out
    return text.encode("ascii").translate(_ASCII_FOLD_BYTES).decode("ascii").split()


def shingle_hashes(words: list[str], shingle_size: int) -> np.ndarray:
    """Deterministic uint64 hashes of the word n-grams (the whole text if shorter)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    return _ngram_hashes(rensa.RMinHash.hash_token_sets([words])[0], shingle_size)


def _ngram_hashes(hashed_words: list[int], shingle_size: int) -> np.ndarray:
    """The n-gram hashes from the words' rensa hashes (see :func:`shingle_hashes`)."""
    if not hashed_words:
        return np.zeros(0, dtype=np.uint64)
    # array("Q") takes the list of Python ints at half numpy's cost for integers above 2**63
    word_hashes = np.frombuffer(array("Q", hashed_words), dtype=np.uint64)  # read only: combined is a copy
    k = min(shingle_size, len(word_hashes))
    n = len(word_hashes) - k + 1
    combined = word_hashes[:n].copy()
    for j in range(1, k):
        combined *= _MIX_A
        combined ^= word_hashes[j : j + n]
    return combined


def band_keys(signature: bytes, config: DedupConfig = DEFAULT) -> tuple[str, ...]:
    """LSH band keys of a stored signature: 8 bytes per band as 16 hex chars, the band
    number in the first byte so equal values in different bands never collide. Up to
    three 16-bit rows fit as they are; longer bands are hashed."""
    if not signature or config.bands == 0:
        return ()
    width = 2 * config.rows
    if width <= 7:
        if len(signature) >= config.bands * width:
            # The key bytes (band number, zero pad, the band's rows) interleaved with one
            # struct unpack and one join, then hex-encoded with a separator every 8 bytes and
            # split, all in C: a slice and a concatenation per band cost 2.5x more.
            prefixes, rows = _band_layout(config.bands, width)
            parts = prefixes.copy()
            parts[1::2] = rows.unpack_from(signature)
            return tuple(b"".join(parts).hex(" ", 8).split(" "))
        # one hex conversion, then slices: 16 f-strings with bytes.hex() cost 4x more
        hexsig = signature.hex()
        step = 2 * width
        return tuple(
            prefix + hexsig[b * step : (b + 1) * step]
            for b, prefix in enumerate(_band_prefixes(config.bands, 7 - width))
        )
    return tuple(
        f"{b:02x}"
        + hashlib.blake2b(signature[b * width : (b + 1) * width], digest_size=7).hexdigest()
        for b in range(config.bands)
    )


@functools.lru_cache(maxsize=16)
def _band_layout(bands: int, width: int) -> tuple[list[bytes | None], struct.Struct]:
    """For :func:`band_keys`: a list with each band's key prefix (band number, zero pad)
    at even places, odd places left for its rows, and the struct that reads the rows."""
    parts: list[bytes | None] = [None] * (2 * bands)
    parts[0::2] = [bytes([b]) + bytes(7 - width) for b in range(bands)]
    return parts, struct.Struct(f"<{bands * (str(width) + 's')}")


@functools.lru_cache(maxsize=16)
def _band_prefixes(bands: int, pad_bytes: int) -> tuple[str, ...]:
    pad = "00" * pad_bytes
    return tuple(f"{b:02x}{pad}" for b in range(bands))


def signature_of(words: list[str], config: DedupConfig = DEFAULT) -> bytes:
    return _signature(shingle_hashes(words, config.shingle_size), config)


def _signature(hashes: np.ndarray, config: DedupConfig) -> bytes:
    if len(hashes) == 0:
        return b""
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        hashes, [0, len(hashes)], config.num_perm, config.seed
    )
    # array() takes the list of Python ints at two thirds of numpy's cost (as in _ngram_hashes)
    values = np.frombuffer(array(_U32, matrix.to_rows()[0]), dtype=np.uint32).astype("<u2")
    return values.tobytes()


_U32 = "I" if array("I").itemsize == 4 else "L"


# Numbers with their units: an optional currency sign, digits with separators, then a
# score's second half ("2-1") or a unit word or sign. Two stories from one template
# differ exactly here, so these must agree before two texts are one story. The pattern
# has no groups and starts with a bare character class: ``findall`` then returns the
# matches from C and the regex engine skips ahead to digits (a leading group or ``\d``
# make it try every position, three times slower); a plain integer, the common case,
# needs no further parsing. The unit is read from a table: alternations of unit words in
# the pattern cost twice as much.
_NUMBER = re.compile(r"[$\u20ac\u00a3\u00a50-9][0-9,.]*(?:\s?[-\u2013]\s?[0-9]+|\s?(?:per cent|[%\u00b0a-zA-Z]+))?")
_NUMBER_PARTS = re.compile(r"([0-9][0-9,.]*)(.*)", re.S)
_SCORE_TAIL = re.compile(r"\s?[-\u2013]\s?([0-9]+)")
_UNIT = {
    "%": "%", "percent": "%", "per cent": "%", "pc": "%", "bn": "e9", "billion": "e9",
    "mn": "e6", "m": "e6", "million": "e6", "k": "e3", "thousand": "e3", "trillion": "e12",
    "tn": "e12", "point": "pt", "points": "pt", "pts": "pt", "degree": "deg", "degrees": "deg",
    "\u00b0": "deg", "\u00b0c": "deg", "c": "deg", "\u00b0f": "degf", "f": "degf", "km": "km",
    "kg": "kg", "mph": "mph", "mm": "mm", "cm": "cm", "seats": "seats", "votes": "votes",
    "goals": "goals", "runs": "runs", "st": "", "nd": "", "rd": "", "th": "",
}
# A capitalised word that does not start a sentence (a cheap stand-in for named
# entities): the two characters before it are a space and something other than a
# sentence end, colon, opening quote or bracket. The look-behind sits after the first
# letter so that the regex engine can skip ahead to capitals.
_NAME = re.compile(r"[A-Z](?<=[^\s.!?:\"\u201c\u2018(] [A-Z])[\w\u2019'-]*\w")


def _number_keys(text: str) -> list[str]:
    # Every match through the cached parser, in C (map): a plain integer, the common case,
    # is its own key there too, and a cache hit costs less than a Python-level test.
    keys = list(map(_number_key, _NUMBER.findall(text)))
    if None in keys:
        keys = [k for k in keys if k is not None]
    return keys


@functools.lru_cache(maxsize=8192)
def _number_key(found: str) -> str | None:
    """The key of one ``_NUMBER`` match (None: a currency sign without digits). Cached:
    news repeats its amounts, years and percentages, and parsing one costs several
    regex and string calls."""
    currency = ""
    if not found[0].isdigit():  # a currency sign, kept only right before digits
        if len(found) < 2 or not found[1].isdigit():
            return None
        currency, found = found[0], found[1:]
    if found.isdigit():
        return currency + found
    digits, tail = _NUMBER_PARTS.match(found).groups()  # type: ignore[union-attr]
    value = digits.rstrip(".,").replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".") or "0"
    unit = ""
    if tail:
        score = _SCORE_TAIL.fullmatch(tail)
        if score is not None:  # a score or a range
            return f"{value}-{score.group(1)}"
        unit = _UNIT.get(tail.strip().lower(), "")
    return currency + value + unit


def _name_keys(text: str) -> list[str]:
    found = _NAME.findall(text)
    if len(found) > 0.35 * (text.count(" ") + 1):
        return []  # all caps or title case throughout: case says nothing here
    return found


def feature_hashes(keys: list[str], limit: int) -> bytes:
    """Sorted distinct uint16 hashes of ``keys`` (case folded), the ``limit`` smallest: a
    bottom-k sample, so that two texts' samples are comparable below their common
    cut-off. Hashed in one call to rensa (keys hold no spaces), like the shingles' words."""
    if not keys:
        return b""
    return _bottom_k(rensa.RMinHash.hash_token_sets([_folded(keys)])[0], limit)


def _folded(keys: list[str]) -> list[str]:
    return " ".join(keys).lower().split(" ") if keys else []


def _bottom_k(hashed: list[int], limit: int) -> bytes:
    if not hashed:
        return b""
    picked = sorted({h & 0xFFFF for h in hashed})[:limit]
    return struct.pack(f"<{len(picked)}H", *picked)


def fingerprint(
    text: str,
    *,
    title: str | None = None,
    source: str | None = None,
    config: DedupConfig = DEFAULT,
) -> Fingerprint:
    """Fingerprint one article: shingles over title + text; numbers and names from the
    text; numbers of the title; the source (publisher or host) for update detection."""
    full = f"{title}\n\n{text}" if title else text
    words = tokens(full)
    exact = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).hexdigest()
    # One rensa call hashes the words and the three feature sets (each token's hash does
    # not depend on the set it is in): the same values as four calls, for one crossing.
    hashed_words, hashed_numbers, hashed_names, hashed_title = rensa.RMinHash.hash_token_sets([
        words,
        _folded(_number_keys(text)),
        _folded(_name_keys(text)),
        _folded(_number_keys(title)) if title else [],
    ])
    hashes = _ngram_hashes(hashed_words, config.shingle_size)
    signature = _signature(hashes, config)
    n_shingles = max(0, len(words) - config.shingle_size + 1)
    bands = band_keys(signature, config) if n_shingles >= config.min_shingles else ()
    return Fingerprint(
        exact=exact,
        signature=signature,
        bands=bands,
        shingles=len(hashes),
        numbers=_bottom_k(hashed_numbers, config.max_features),
        names=_bottom_k(hashed_names, config.max_features),
        title=_bottom_k(hashed_title, config.max_features),
        source=source_key(source),
    )


@functools.lru_cache(maxsize=4096)
def source_key(source: str | None) -> int:
    """A stable 32-bit publisher key (0: unknown). Case and a leading ``www.`` ignored.
    Cached: a stream has few publishers."""
    if not source:
        return 0
    name = source.strip().casefold()
    name = name[4:] if name.startswith("www.") else name
    return zlib.crc32(name.encode("utf-8")) or 1


def similarity(a: bytes, b: bytes) -> float:
    """Jaccard estimate: the share of equal MinHash values (0.0 if either is empty or
    the lengths differ, which happens only across configurations)."""
    if not a or len(a) != len(b):
        return 0.0
    va = np.frombuffer(a, dtype="<u2")
    vb = np.frombuffer(b, dtype="<u2")
    return float(np.count_nonzero(va == vb)) / len(va)
