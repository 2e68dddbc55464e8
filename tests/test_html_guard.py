"""The parse-work guard: hostile HTML that would make lexbor quadratic is refused before
the parser runs (SIGALRM cannot interrupt C code). These tests assert outcomes and that
the parser was never called, never wall time."""

from __future__ import annotations

import random

import orjson
import pytest

from testkit.pagegen import make_story, render_html
from worker.pipeline.html import extract
from worker.pipeline.html.guard import MAX_PARSE_STEPS, check_parse_work, prepare
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin, PageError
from worker.pipeline.process import handle_input

HOSTILE = {
    "unclosed_font": "<font size=3>x" * 16000,
    "unclosed_font_x2": "<font size=3>x" * 32000,
    "bold_then_stray_p_end": "<b>x</p>" * 32000,
    "bold_then_stray_p_end_x2": "<b>x</p>" * 64000,
    "unclosed_span_then_p_end": "<span>x</p>" * 32000,
}


@pytest.fixture
def parser_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls of the lexbor parser made by the extractor."""
    calls: list[int] = []
    real = extract.LexborHTMLParser

    def counting(html: str, *args: object, **kwargs: object) -> object:
        calls.append(len(html))
        return real(html, *args, **kwargs)

    monkeypatch.setattr(extract, "LexborHTMLParser", counting)
    return calls


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_html_is_refused_before_the_parser_runs(name: str, parser_calls: list[int]) -> None:
    html = "<html><body>" + HOSTILE[name] + "</body></html>"
    with pytest.raises(PageError) as info:
        extract.extract_html(html)
    assert info.value.kind == "html_too_complex"
    assert parser_calls == [], "the parser ran on a page the guard should have refused"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_guard_stops_scanning_at_the_budget(name: str) -> None:
    html = HOSTILE[name]
    work = check_parse_work(html)
    assert work.refused == "steps"
    assert work.steps > MAX_PARSE_STEPS
    # It stopped as soon as the budget was spent, not after reading every tag.
    assert work.tags_checked < html.count("<")


def test_hostile_page_through_the_core_is_a_dead_letter_with_its_page_id() -> None:
    doc = {"page_id": "hostile-1", "url": "https://h.example/", "body": "<html><body>" + HOSTILE["bold_then_stray_p_end"], "content_type": "text/html"}
    outcome = handle_input(orjson.dumps(doc), Origin("kafka", topic="t", partition=0, offset=3), Limits())
    assert outcome.candidates == []
    assert outcome.dead_letter is not None
    assert outcome.dead_letter["error"]["type"] == "html_too_complex"
    assert outcome.dead_letter["page_id"] == "hostile-1"


def test_ordinary_and_sloppy_pages_are_not_refused(parser_calls: list[int]) -> None:
    rng = random.Random(7)
    page = render_html([make_story(rng) for _ in range(3)])
    # Old-style markup: a few hundred unclosed <font>/<b> and stray </p> are common and cheap.
    sloppy = page.replace("<body>", "<body>" + "<font face=arial><b>" * 150 + "</p>" * 100)
    for html in (page, sloppy, page * 20):
        work = check_parse_work(html)
        assert work.refused is None, work
        extract.extract_html(html)
    assert len(parser_calls) == 3


def test_deep_block_nesting_is_flattened_not_refused() -> None:
    html = "<html><body>" + "<div>" * 100_000 + "<p>" + "word " * 100 + "</p>" + "</div>" * 100_000 + "</body></html>"
    prepared = prepare(html)
    assert prepared.count("<div") <= 201
    assert check_parse_work(prepared).refused is None


def test_too_many_tags_is_refused() -> None:
    work = check_parse_work("<br>" * 10_000, max_tags=5_000)
    assert work.refused == "tags" and work.tags_checked == 5_001


@pytest.mark.parametrize("html", [
    "<div>" * 450 + "text" + "</div>" * 450,  # deep enough to be rewritten
    "<DIV class=a>" * 300 + "<p>x</p>" + "</Div >" * 300,
    "<section/>" * 250 + "<ul><li>a</ul>" * 40,
])
def test_depth_rewrite_keeps_the_tag_count_prepare_shares(html: str) -> None:
    """prepare counts "<" once for both checks: the depth rewrite must keep that count,
    and each check must give the same answer with the shared count as without."""
    from worker.pipeline.html.guard import cap_block_depth

    capped = cap_block_depth(html)
    assert capped.count("<") == html.count("<")
    assert cap_block_depth(html, tag_marks=html.count("<")) == capped
    assert check_parse_work(capped, tag_marks=html.count("<")) == check_parse_work(capped)
