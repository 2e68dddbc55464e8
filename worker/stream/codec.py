"""Wire format of ``articles.candidates``: an analysed article and its fingerprint, on its
way from the page stage (any partition) to the dedup stage (where the state lives).

The fingerprint's binary parts (MinHash signature, number / name / title feature hashes)
travel as base64 inside the JSON envelope: the dedup stage needs them byte for byte, and
a JSON list of 128 integers would be three times larger."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from worker.pipeline.dedup.fingerprint import Fingerprint
from worker.pipeline.process import Candidate


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode_candidate(candidate: Candidate, page_ts: float | None = None) -> bytes:
    """``page_ts`` (seconds) is when the raw page was produced, carried along so the dedup
    stage can measure page-to-article latency."""
    fp = candidate.fingerprint
    return orjson.dumps(
        {
            "page_ts": page_ts,
            "article": candidate.article,
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
    candidate = Candidate(
        article=doc["article"],
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
