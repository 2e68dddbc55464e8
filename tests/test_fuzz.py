"""Property tests of the core's error contract: whatever bytes arrive, ``handle_input``
returns (never raises) exactly one of candidates or a dead letter, and every dead letter
conforms to ``schemas/dead_letter.schema.json``.

Inputs are arbitrary bytes, arbitrary JSON values, and raw-page-shaped objects whose
fields are drawn from arbitrary JSON (so they reach validation and the segmenters, not
just the JSON parser). ``internal_error`` (a bug) and ``timeout`` are failures here.
"""

from __future__ import annotations

import time

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.pipeline.dedup.index import DedupIndex
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin
from worker.pipeline.process import decide_all, handle_input
from worker.pipeline.intake.schemas import validator

ORIGIN = Origin("kafka", topic="pages.raw", partition=0, offset=7)
LIMITS = Limits()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=200)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5), max_leaves=30)

# Text that looks like pages: letters, punctuation, newlines, tags, controls, other scripts.
page_alphabet = st.sampled_from(list("abcdefghij ABCDEFG .,;:!?'\"“”-—\n\n\t<>/=&#0123456789") + ["<p>", "</p>", "<div>", "</div>", "<h1>", "\x00", "\x0b", "\u200b", "\ufeff", "é", "ß", "中", "ع", "🙂", "\r\n"])
page_text = st.lists(page_alphabet, max_size=400).map("".join) | st.text(max_size=400)
words = st.lists(st.sampled_from("the council said on Monday that budget water rail plans would rise LIMA: NAIROBI: Share Related".split()), min_size=0, max_size=120).map(" ".join)


def _check(data: bytes) -> None:
    outcome = handle_input(data, ORIGIN, LIMITS)  # must not raise
    assert (outcome.dead_letter is None) != (not outcome.candidates)
    if outcome.dead_letter is not None:
        validator("dead_letter")(outcome.dead_letter)
        assert outcome.dead_letter["error"]["type"] not in ("internal_error", "timeout"), outcome.dead_letter["error"]
        assert outcome.dead_letter["raw"]["size_bytes"] == len(data)
    else:
        for record in decide_all(outcome.candidates, DedupIndex(), time.time()):
            validator("article")(record.value)


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _check(data)


@FUZZ
@given(json_values)
def test_arbitrary_json_values(value: object) -> None:
    _check(orjson.dumps(value))


@FUZZ
@given(
    url=st.one_of(st.text(min_size=1, max_size=50), json_values),
    body=st.one_of(page_text, words, json_values),
    content_type=st.one_of(st.none(), st.sampled_from(["text/html", "text/plain", "application/xhtml+xml", "text/html; charset=utf-8", "image/png", ""]), st.text(max_size=20)),
    extra=st.dictionaries(st.text(max_size=12), json_values, max_size=4),
)
def test_raw_page_shaped_objects(url: object, body: object, content_type: object, extra: dict) -> None:
    doc = dict(extra)
    doc.update(url=url, body=body)
    if content_type is not None:
        doc["content_type"] = content_type
    _check(orjson.dumps(doc))


@FUZZ
@given(st.lists(st.sampled_from(["{", "}", "[", "]", '"', ":", ",", "\\", "u", "d800", "null", "1e999", "body", "url", " "]), max_size=80).map("".join))
def test_json_like_fragments(text: str) -> None:
    _check(text.encode())
