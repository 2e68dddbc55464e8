"""Every case of the bad-input corpus (``testkit/badinputs.py``) through the core, no Kafka.

Each case must end as exactly what the corpus says: a dead letter with that specific
reason, or articles where the input is legitimately processable. Time is bounded without
timed asserts: the core runs under its production page time limit, and a case that hits
it gets the reason ``timeout``, which no case expects, so a slow path fails the test.
"""

from __future__ import annotations

import subprocess
import sys
import time

import orjson
import pytest

from testkit.badinputs import ARTICLES, BadInput, corpus
from tests.conftest import REPO
from worker.pipeline.dedup.index import DedupIndex
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin
from worker.pipeline.process import decide_all, handle_input
from worker.pipeline.intake.schemas import validator

CASES = corpus()
ORIGIN = Origin("kafka", topic="pages.raw", partition=3, offset=41, key="k")


def _params() -> list:
    return [pytest.param(case, id=case.name) for case in CASES]


def test_corpus_is_broad_and_states_its_expectations() -> None:
    reasons = {c.expect for c in CASES} - {ARTICLES}
    assert len(CASES) >= 30
    assert len(reasons) >= 9, reasons
    assert sum(c.expect == ARTICLES for c in CASES) >= 10, "odd-but-valid inputs must be in the corpus too"
    assert any(c.data is None for c in CASES), "the tombstone"
    assert any(c.size > 20_000_000 and not c.kafka for c in CASES), "the 20 MB body"


@pytest.mark.parametrize("case", _params())
def test_bad_input_gets_its_outcome(case: BadInput) -> None:
    limits = Limits()  # production bounds, including the 5 s page time limit
    outcome = handle_input(case.payload, ORIGIN, limits)
    assert (outcome.dead_letter is None) != (not outcome.candidates), "exactly one of candidates / dead letter"
    if outcome.dead_letter is not None:
        letter = outcome.dead_letter
        validator("dead_letter")(letter)
        got = letter["error"]["type"]
        assert got != "timeout", f"{case.name} hit the page time limit"
        assert got != "internal_error", letter["error"]["message"]
        assert got == case.expect, f"{case.name}: {letter['error']['message']}"
        assert letter["origin"] == ORIGIN.as_dict()
        raw = letter["raw"]
        assert raw["size_bytes"] == case.size
        assert raw["truncated"] == (case.size > limits.max_dead_letter_raw_bytes)
        assert len(raw["data"]) <= limits.max_dead_letter_raw_bytes * 4 // 3 + 4  # base64 of the cut at most
        assert len(orjson.dumps(letter)) < 4 * limits.max_dead_letter_raw_bytes, "a dead letter stays small"
    else:
        assert case.expect == ARTICLES, f"{case.name} gave {len(outcome.candidates)} article(s)"
        records = decide_all(outcome.candidates, DedupIndex(), time.time())
        for record in records:
            validator("article")(record.value)
            assert record.value["text"].strip()


def test_twenty_megabyte_inputs_on_the_cli(tmp_path) -> None:
    """The 20 MB case cannot go through Kafka (topic max.message.bytes is 8 MiB), so the
    batch command shows the same bound: a 20 MB JSONL line without a newline and a 20 MB
    page file both become ``message_too_large`` dead letters, and the run goes on."""
    huge = next(c for c in CASES if c.name == "body_20mb")
    good = next(c for c in CASES if c.name == "emoji_story")
    jsonl = tmp_path / "pages.jsonl"
    jsonl.write_bytes(good.payload + b"\n" + huge.payload)  # the huge line is last, no newline
    page = tmp_path / "huge.txt"
    page.write_bytes(b"word " * 4_000_000)
    proc = subprocess.run(
        [sys.executable, "-m", "worker", "process", str(jsonl), str(page)],
        cwd=REPO, capture_output=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    records = [orjson.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    letters = [r["value"] for r in records if r["topic"] == "pages.dlq"]
    assert [l["error"]["type"] for l in letters] == ["message_too_large", "message_too_large"]
    assert {l["origin"].get("path") for l in letters} == {str(jsonl), str(page)}
    assert any(r["topic"] == "articles.clean" for r in records), "the good page before the huge line came out"
    for letter in letters:
        validator("dead_letter")(letter)
        assert letter["raw"]["truncated"] is True
