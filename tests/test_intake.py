"""Intake turns every kind of bad input into a PageError with a stable reason, and the
dead letter built from it conforms to its schema."""

from __future__ import annotations

import base64

import orjson
import pytest

from worker.pipeline.intake.deadletter import dead_letter
from worker.pipeline.intake.decode import HTML, TEXT, page_from_file, parse_raw_message, sniff_content_type
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin, PageError
from worker.pipeline.intake.schemas import validator

LIMITS = Limits(max_message_bytes=10_000, max_body_chars=5_000, max_dead_letter_raw_bytes=100)


def msg(**fields: object) -> bytes:
    return orjson.dumps(fields)


def reason(data: bytes) -> str:
    with pytest.raises(PageError) as info:
        parse_raw_message(data, LIMITS)
    assert info.value.message
    return info.value.kind


def test_valid_message_gets_defaults() -> None:
    page = parse_raw_message(msg(url="https://a.example/x", body="Hello world. A story."), LIMITS)
    assert page.content_type == TEXT
    assert page.page_id.startswith("p-")
    again = parse_raw_message(msg(url="https://a.example/x", body="Hello world. A story."), LIMITS)
    assert again.page_id == page.page_id  # derived ids are stable across redelivery


def test_explicit_fields_are_kept() -> None:
    page = parse_raw_message(
        msg(url="u", body="<p>x</p>", page_id="abc", content_type="text/html; charset=utf-8", source="wire", fetched_at="2026-01-01T00:00:00Z"),
        LIMITS,
    )
    assert (page.page_id, page.content_type, page.source, page.fetched_at) == ("abc", HTML, "wire", "2026-01-01T00:00:00Z")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"{not json", "invalid_json"),
        (b"\xff\xfe{}", "invalid_encoding"),
        (b"   ", "empty_message"),
        (b"[1, 2]", "schema_violation"),
        (b'"just a string"', "schema_violation"),
        (msg(body="x"), "schema_violation"),  # url missing
        (msg(url="u"), "schema_violation"),  # body missing
        (msg(url=5, body="x"), "schema_violation"),
        (msg(url="u", body=["x"]), "schema_violation"),
        (msg(url="u", body="x", content_type="application/pdf"), "schema_violation"),
        (msg(url="", body="x"), "schema_violation"),
        (msg(url="u", body=""), "empty_body"),
        (msg(url="u", body=" \n\t "), "empty_body"),
        (msg(url="u", body="x" * 6_000), "body_too_large"),
        (b"{" + b" " * 20_000 + b"}", "message_too_large"),
        (msg(url="u" * 9000, body="x"), "schema_violation"),
    ],
)
def test_bad_messages_have_reasons(data: bytes, kind: str) -> None:
    assert reason(data) == kind


def test_sniffing() -> None:
    assert sniff_content_type("  <!DOCTYPE html><html><body>x</body></html>") == HTML
    assert sniff_content_type("GENEVA: A plain story starts like this.") == TEXT


def test_page_file_extension_decides_type() -> None:
    assert page_from_file("/tmp/a.html", b"<p>x</p>", LIMITS).content_type == HTML
    assert page_from_file("/tmp/a.txt", b"<p>x</p>", LIMITS).content_type == TEXT
    with pytest.raises(PageError) as info:
        page_from_file("/tmp/a.txt", b"\xc3\x28 bad", LIMITS)
    assert info.value.kind == "invalid_encoding"


def test_dead_letter_conforms_and_is_bounded() -> None:
    raw = ("é" * 200).encode()  # 400 bytes: the 100-byte cut must not split a character
    letter = dead_letter(PageError("invalid_json", "nope"), Origin("kafka", topic="pages.raw", partition=2, offset=7), raw, max_raw_bytes=100)
    validator("dead_letter")(letter)
    assert letter["raw"]["encoding"] == "utf-8"
    assert letter["raw"]["truncated"] is True and letter["raw"]["size_bytes"] == 400
    assert len(letter["raw"]["data"].encode()) <= 100
    assert letter["origin"] == {"kind": "kafka", "topic": "pages.raw", "partition": 2, "offset": 7}


def test_binary_dead_letter_is_base64() -> None:
    raw = bytes(range(255, -1, -1))  # starts with bytes that are never UTF-8
    letter = dead_letter(PageError("invalid_encoding", "binary"), Origin("file", path="x.bin"), raw, max_raw_bytes=64)
    validator("dead_letter")(letter)
    assert letter["raw"]["encoding"] == "base64"
    assert base64.b64decode(letter["raw"]["data"]) == raw[:64]


@pytest.mark.parametrize(
    "doc, kind",
    [
        ({"page_id": "p-17", "url": "https://x.example/17"}, "schema_violation"),  # no body (a librdkafka producer bug)
        ({"page_id": "p-18", "url": "https://x.example/18", "body": ["a", "b"]}, "schema_violation"),
        ({"page_id": "p-19", "url": "https://x.example/19", "body": "   "}, "empty_body"),
        ({"page_id": "p-20", "url": 20, "body": "text"}, "schema_violation"),
    ],
)
def test_refused_message_keeps_a_readable_page_id(doc: dict, kind: str) -> None:
    from worker.pipeline.process import dead_letter_record, handle_input

    origin = Origin("kafka", topic="pages.raw", partition=1, offset=9)
    outcome = handle_input(orjson.dumps(doc), origin, Limits())
    letter = outcome.dead_letter
    assert letter is not None and letter["error"]["type"] == kind
    validator("dead_letter")(letter)
    assert letter["page_id"] == doc["page_id"]
    assert letter["url"] == (doc["url"] if isinstance(doc["url"], str) else None)
    assert dead_letter_record(letter).key == doc["page_id"], "dead letters of a known page are keyed by its id"


@pytest.mark.parametrize("page_id", [123, "", None, ["a"], "x" * 5000])
def test_unreadable_page_id_falls_back_to_the_origin(page_id: object) -> None:
    from worker.pipeline.process import dead_letter_record, handle_input

    origin = Origin("kafka", topic="pages.raw", partition=1, offset=9)
    outcome = handle_input(orjson.dumps({"page_id": page_id, "url": "https://x.example/"}), origin, Limits())
    letter = outcome.dead_letter
    assert letter is not None and letter["page_id"] is None
    assert dead_letter_record(letter).key.startswith("kafka:pages.raw:1:9")


def test_article_text_is_bounded_below_the_topic_message_size() -> None:
    from worker.pipeline.intake.limits import MAX_ARTICLE_TEXT_BYTES, bound_paragraphs
    from worker.pipeline.process import decide_all, handle_input
    from worker.pipeline.dedup.index import DedupIndex
    from worker.stream.admin import RAW_TOPIC_MAX_MESSAGE_BYTES

    assert bound_paragraphs(["a" * 10, "b" * 10], 22) == (["a" * 10, "b" * 10], 0)
    assert bound_paragraphs(["a" * 10, "b" * 10], 21) == (["a" * 10], 1)
    assert bound_paragraphs(["é" * 10], 5) == (["éé"], 1)  # cut on a character boundary
    # A story of 3-byte characters that fits the 6 MiB message bound: ~5.6 MiB of text, twice in the record.
    sentences = ["東京の市議会は月曜日に新しい予算を承認したと市長が述べた。", "港の拡張工事は来年の春に始まる予定だ。",
                 "住民の多くは交通渋滞の悪化を心配している。", "野党は計画の見直しを求めて署名を集めた。"]
    body = "TOKYO: " + "\n\n".join(f"第{i}項。" + sentences[i % 4] * 40 for i in range(1_700))
    doc = {"page_id": "big", "url": "https://big.example/", "body": body}
    outcome = handle_input(orjson.dumps(doc), Origin("kafka"), Limits())
    assert outcome.dead_letter is None, outcome.dead_letter
    for record in decide_all(outcome.candidates, DedupIndex(), 0.0):
        validator("article")(record.value)
        assert len(record.value["text"].encode()) <= MAX_ARTICLE_TEXT_BYTES
        assert len(orjson.dumps(record.value)) < RAW_TOPIC_MAX_MESSAGE_BYTES // 2
    assert outcome.stats.dropped["cleanup"]["paragraphs_over_article_bound"] >= 1


def test_page_time_limit_installs_its_handler_once_and_passes_other_alarms_on() -> None:
    """time_limit raises a timeout inside the block; its SIGALRM handler is installed once,
    not swapped per page; an alarm outside any page goes to the handler that was there."""
    import signal as _signal
    import time as _time

    from worker.pipeline.intake import timebox

    before = _signal.getsignal(_signal.SIGALRM)
    seen: list[int] = []
    _signal.signal(_signal.SIGALRM, lambda signum, frame: seen.append(signum))
    try:
        with pytest.raises(PageError) as caught:
            with timebox.time_limit(0.05):
                while True:
                    _time.sleep(0.001)
        assert caught.value.kind == "timeout" and "0.05 s" in str(caught.value)
        installs: list[object] = []
        real_signal = _signal.signal
        _signal.signal = lambda *a: installs.append(a) or real_signal(*a)  # type: ignore[assignment]
        try:
            for _ in range(3):
                with timebox.time_limit(5.0):
                    pass
        finally:
            _signal.signal = real_signal  # type: ignore[assignment]
        assert installs == [] and _signal.getitimer(_signal.ITIMER_REAL) == (0.0, 0.0)
        _signal.raise_signal(_signal.SIGALRM)  # not during a page: the earlier handler gets it
        assert seen == [_signal.SIGALRM]
    finally:
        _signal.signal(_signal.SIGALRM, before)
