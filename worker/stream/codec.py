"""Wire format of ``articles.candidates``: an analysed article and its fingerprint, on its
way from the page stage (any partition) to the dedup stage (where the state lives)."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from worker.pipeline.dedup.fingerprint import Fingerprint
from worker.pipeline.process import Candidate


def encode_candidate(candidate: Candidate, page_ts: float | None = None) -> bytes:
    """``page_ts`` (seconds) is when the raw page was produced, carried along so the dedup
    stage can measure page-to-article latency."""
    fp = candidate.fingerprint
    return orjson.dumps(
        {
            "page_ts": page_ts,
            "article": candidate.article,
            "fingerprint": {"exact": fp.exact, "signature": base64.b64encode(fp.signature).decode("ascii"), "bands": list(fp.bands)},
        }
    )


def decode_candidate(data: bytes) -> tuple[Candidate, float | None]:
    doc: dict[str, Any] = orjson.loads(data)
    fp = doc["fingerprint"]
    candidate = Candidate(
        article=doc["article"],
        fingerprint=Fingerprint(exact=fp["exact"], signature=base64.b64decode(fp["signature"]), bands=tuple(fp["bands"])),
    )
    return candidate, doc.get("page_ts")
