"""Wire format of ``articles.candidates``: an analysed article and its fingerprint, on its
way from the page stage (any partition) to the dedup stage (where the state lives).

The fingerprint's binary parts (MinHash signature, number / name / title feature hashes)
travel as base64 inside the JSON envelope: the dedup stage needs them byte for byte, and
a JSON list of 128 integers would be three times larger.

The article's ``text`` is its paragraphs joined by blank lines, so it is not sent twice: the
envelope says ``"text_from": "paragraphs"`` and the dedup stage joins them again (about 45% of
a candidate's bytes, encoded, compressed, written and read back for nothing otherwise). An
article whose text is not exactly that join travels whole, and so does any envelope without
the marker (candidates written by an older worker still decode)."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from worker.pipeline.dedup.fingerprint import Fingerprint
from worker.pipeline.process import Candidate


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


PARAGRAPH_BREAK = "\n\n"


def _lean(article: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The article without the text that its paragraphs rebuild, and the marker saying so."""
    text, paragraphs = article.get("text"), article.get("paragraphs")
    if isinstance(text, str) and isinstance(paragraphs, list) and text == PARAGRAPH_BREAK.join(paragraphs):
        return {k: v for k, v in article.items() if k != "text"}, "paragraphs"
    return article, None


def _with_text(article: dict[str, Any]) -> dict[str, Any]:
    """The article with its text back in its place, right after the paragraphs."""
    text = PARAGRAPH_BREAK.join(article["paragraphs"])
    out: dict[str, Any] = {}
    for k, v in article.items():
        out[k] = v
        if k == "paragraphs":
            out["text"] = text
    return out


def encode_candidate(candidate: Candidate, page_ts: float | None = None) -> bytes:
    """``page_ts`` (seconds) is when the raw page was produced, carried along so the dedup
    stage can measure page-to-article latency."""
    fp = candidate.fingerprint
    article, text_from = _lean(candidate.article)
    return orjson.dumps(
        {
            "page_ts": page_ts,
            "text_from": text_from,
            "article": article,
            "fingerprint": {
                "exact": fp.exact,
                "signature": _b64(fp.signature),
                "bands": list(fp.bands),
                "shingles": fp.shingles,
                "numbers": _b64(fp.numbers),
                "names": _b64(fp.names),
                "title": _b64(fp.title),
                "source": fp.source,
            },
        }
    )


def decode_candidate(data: bytes) -> tuple[Candidate, float | None]:
    doc: dict[str, Any] = orjson.loads(data)
    fp = doc["fingerprint"]
    article = doc["article"]
    if doc.get("text_from") == "paragraphs":
        article = _with_text(article)
    candidate = Candidate(
        article=article,
        fingerprint=Fingerprint(
            exact=fp["exact"],
            signature=base64.b64decode(fp["signature"]),
            bands=tuple(fp["bands"]),
            shingles=int(fp.get("shingles", 0)),
            numbers=base64.b64decode(fp.get("numbers", "")),
            names=base64.b64decode(fp.get("names", "")),
            title=base64.b64decode(fp.get("title", "")),
            source=int(fp.get("source", 0)),
        ),
    )
    return candidate, doc.get("page_ts")
