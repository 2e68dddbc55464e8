"""Wire format of ``articles.candidates``: an analysed article and its fingerprint, on its
way from the page stage (any partition) to the dedup stage (where the state lives)."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from worker.pipeline.fingerprint import Fingerprint
from worker.pipeline.process import Candidate


def encode_candidate(candidate: Candidate) -> bytes:
    fp = candidate.fingerprint
    return orjson.dumps(
        {
            "article": candidate.article,
            "fingerprint": {"exact": fp.exact, "signature": base64.b64encode(fp.signature).decode("ascii"), "bands": list(fp.bands)},
        }
    )


def decode_candidate(data: bytes) -> Candidate:
    doc: dict[str, Any] = orjson.loads(data)
    fp = doc["fingerprint"]
    return Candidate(
        article=doc["article"],
        fingerprint=Fingerprint(exact=fp["exact"], signature=base64.b64decode(fp["signature"]), bands=tuple(fp["bands"])),
    )
