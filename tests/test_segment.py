"""Text-page segmentation: the seed page, hand-written pages per layout class,
properties on arbitrary text, and the evaluation harness's scorer."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from tests.conftest import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.pipeline.model import Segment
from worker.pipeline.segment.split import finish_article, segment_text
from worker.pipeline.text.normalize import comparison_key, normalize_text

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_d860cfe1752f5b60.txt"
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"

CHROME_STRINGS = (
    "Short Url", "http", "All Rights Reserved", "Advertisement", "Share this article", "Related:",
    "Menu", "Privacy Policy", "Follow us", "Most Read", "By Jane Doe",
)


def page(name: str) -> list[Segment]:
    return segment_text((PAGES / name).read_text(encoding="utf-8"))


def all_text(segs: list[Segment]) -> str:
    return "\n".join("\n".join([s.title or "", *s.paragraphs, *s.highlights]) for s in segs)


def assert_clean(segs: list[Segment], extra: tuple[str, ...] = ()) -> None:
    text = all_text(segs)
    for s in CHROME_STRINGS + extra:
        assert s not in text, s
    for seg in segs:
        keys = [comparison_key(p) for p in seg.paragraphs]
        assert len(keys) == len(set(keys)), "a paragraph repeats"
        assert all("\n" not in p for p in seg.paragraphs)


# --------------------------------------------------------------------------- seed


@pytest.mark.shared
def test_seed_page_two_articles() -> None:
    shared_path("seed", SEED.name)
    segs = segment_text(SEED.read_text(encoding="utf-8"))
    assert len(segs) == 2
    first, second = segs
    assert first.title == "UN cites possible crimes against humanity in China\u2019s Xinjiang"
    assert first.dateline == "GENEVA"
    assert len(first.highlights) == 2
    assert first.highlights[0].startswith("Hundreds of thousands of Uyghurs")
    assert not any(h.startswith("-") for h in first.highlights)
    assert not first.paragraphs[0].startswith("GENEVA")
    assert all(first.title not in p for p in first.paragraphs)
    assert second.title.startswith("Kremlin suggests it may not like new Ukraine peace proposals")
    assert second.dateline == "MOSCOW"
    joined = [p for p in second.paragraphs if p.startswith("Moscow has also signalled its interest in attracting")]
    assert len(joined) == 1
    assert any("favorably..\u201d..We haven\u2019t" in p for p in second.paragraphs)
    assert_clean(segs, ("arab.news", "\u00a9"))


# --------------------------------------------------------------------------- layouts


def test_body_then_title_with_short_url_box_and_highlights() -> None:
    segs = page("seedlike.txt")
    assert [s.title for s in segs] == [
        "Coastal fund to rebuild Portugal\u2019s storm-battered sea walls",
        "Drought forces Kenyan farmers to switch to hardier crops",
    ]
    first, second = segs
    assert first.dateline == "LISBON" and second.dateline == "NAIROBI"
    assert first.highlights == [
        "Eleven municipalities along the Atlantic coast will share the package",
        "Engineers have surveyed the worst-hit stretches near Aveiro",
    ]
    assert len(first.paragraphs) == 5
    assert len(second.paragraphs) == 4  # printed twice on the page, kept once
    assert any(p.startswith("Farmers who switched early reported") for p in second.paragraphs)
    assert_clean(segs, ("exam.pl", "\u00a9"))


def test_title_first_with_byline_ads_share_and_related_lists() -> None:
    segs = page("title_first_blocks.txt")
    # The first story keeps its title, dateline and three paragraphs. The second (a headline
    # with an agency credit after an ad block and a related list, on a page this short) is
    # not split off by the learned split model, which wants stronger evidence than the
    # credit: where it lands is not asserted, only that nothing around it leaks.
    first = segs[0]
    assert first.title == "Harbour Ferry Service Resumes After Engine Overhaul"
    assert first.dateline == "HELSINKI, June 4"
    assert first.paragraphs[:3] == [
        "The island ferry linking the harbour to Suomenlinna resumed full service on Wednesday after a six-week engine overhaul.",
        "Operators said the vessel now burns a third less fuel and can carry two hundred more passengers during the summer peak.",
        "Commuters had relied on a smaller replacement boat that ran only once an hour, forcing long queues at the market square terminal.",
    ]
    assert "A primary school of ninety pupils" in all_text(segs)
    # Related headlines are other stories: neither articles nor text.
    assert_clean(segs, ("Tram Fares", "Cycle Lanes", "Library Extends", "Reuters"))


def test_hard_wrapped_wire_paragraphs_between_nav_and_footer() -> None:
    segs = page("wrapped_three.txt")
    # A headline followed by a wire dateline opens an article; the third story has no
    # dateline, and a topic shift alone over three short paragraphs is not evidence enough
    # for the split model, so it stays with the second (its text kept, unwrapped).
    assert [s.title for s in segs][:2] == [
        "Quebec taps maple syrup reserve after poor harvest",
        "Salmon farmer posts record sales on Asian demand",
    ]
    assert len(segs[0].paragraphs) == 3
    assert segs[0].dateline == "MONTREAL, Oct 9 (Reuters)"
    assert segs[1].dateline == "OSLO, Oct 9 (Reuters)"
    assert segs[0].paragraphs[0].startswith("A maple syrup cooperative in Quebec said on Thursday")
    text = all_text(segs)
    assert "Volunteers in a small Welsh valley have restored a nineteenth-century water mill" in text
    assert_clean(segs, ("Home |", "Cookie"))


def test_wrapped_single_article_keeps_its_subheading() -> None:
    segs = page("wrapped_single.txt")
    assert len(segs) == 1
    assert segs[0].title == "How to Grow Tomatoes on a Small Balcony"
    assert "Watering and Feeding" in segs[0].paragraphs
    assert len(segs[0].paragraphs) == 5
    assert all(len(p) > 72 or p == "Watering and Feeding" for p in segs[0].paragraphs)


def test_broken_lines_repeated_paragraph_nav_and_footer() -> None:
    segs = page("broken_repeat.txt")
    assert len(segs) == 1
    seg = segs[0]
    assert seg.title == "Night trains return to the Alpine valleys"
    assert "Tourism boards in the valleys expect the trains to bring skiers who would otherwise " \
        "have driven or flown to the resorts." in seg.paragraphs
    assert sum(p.startswith("Rail operators in Austria") for p in seg.paragraphs) == 1
    assert len(seg.paragraphs) == 6
    assert_clean(segs, ("Subscribe", "Latest News"))


def test_whole_article_block_printed_twice_is_one_article() -> None:
    block = (
        "Bridge repairs close river crossing for a month\n"
        "CARDIFF: Engineers will close the old river bridge for four weeks while corroded "
        "bearings are replaced, the council said.\n"
        "Buses will divert over the motorway crossing, adding about ten minutes to journeys.\n"
    )
    segs = segment_text(block + "\n" + block)
    assert len(segs) == 1
    assert len(segs[0].paragraphs) == 2


def test_empty_and_chrome_only_pages() -> None:
    assert segment_text("") == []
    assert segment_text("\n\n  \n") == []
    assert segment_text("Share this article\nAdvertisement\n\u00a9 2026 Example Media\n") == []


# --------------------------------------------------------------------------- finish_article


def test_finish_article_cleans_blocks() -> None:
    seg = finish_article(
        "  Flood  warning\u00a0lifted ",
        [
            "ROME, May 3 - Officials lifted the flood warning for the\ncity centre on Friday.",
            "Share this article",
            "Officials lifted the flood warning for the city centre on Friday.",
            "Residents were told\nthey could\nreturn home.",
            "\u201cWe were lucky,\u201d one shop owner said.",
            '"We were lucky," one shop owner said.',
            "lucky, one shop owner said",
        ],
        ["- Warning lifted", "Warning lifted"],
    )
    assert seg is not None
    assert seg.title == "Flood warning lifted"
    assert seg.dateline == "ROME, May 3"
    assert seg.paragraphs == [
        "Officials lifted the flood warning for the city centre on Friday.",
        "Residents were told they could return home.",
        "\u201cWe were lucky,\u201d one shop owner said.",
    ]
    assert seg.highlights == ["Warning lifted"]


def test_finish_article_returns_none_without_text() -> None:
    assert finish_article("A title", []) is None
    assert finish_article("A title", ["Advertisement", "https://example.org/x", "A title"]) is None


def test_normalize_text() -> None:
    assert normalize_text(" a\u00a0b\u200b c\x00d\t\n e\u00ad ") == "a b c d e"
    assert normalize_text("Cafe\u0301") == "Caf\u00e9"
    assert normalize_text("") == ""


# --------------------------------------------------------------------------- properties

_WORD = re.compile(r"\w+")
_text = st.lists(
    st.sampled_from(list("abcXYZ .,:-\u2019\u201c\u201d\n\n\n  \t|\u00a9()?!0123456789")
                    + ["GENEVA: ", "- ", "Share this article\n", "Word ", "word "]),
    max_size=200,
).map("".join)
_lines = st.lists(
    st.one_of(
        st.sampled_from([
            "", "Advertisement", "Related:", "Short Url", "- A bullet point here",
            "LONDON, March 2 - The council voted on Tuesday to close the depot.",
            "Council votes to close depot", "the sentence continues", "and ends here.",
            "    Indented wire paragraph starts here and", "http://x.example/a",
        ]),
        st.text(max_size=120),
    ),
    max_size=40,
).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_text, _lines, st.text(max_size=600)))
def test_never_raises_never_repeats_and_only_input_words(body: str) -> None:
    segs = segment_text(body)
    source_words = set(_WORD.findall(normalize_text(body).casefold()))
    for seg in segs:
        keys = [comparison_key(p) for p in seg.paragraphs]
        assert len(keys) == len(set(keys))
        for text in [*seg.paragraphs, *seg.highlights, seg.title or "", seg.dateline or ""]:
            assert set(_WORD.findall(text.casefold())) <= source_words


# --------------------------------------------------------------------------- scorer


def _load_eval():
    spec = importlib.util.spec_from_file_location("segment_eval", REPO / "eval" / "segment.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_scorer_on_hand_made_truth() -> None:
    ev = _load_eval()
    a = "one two three four five six seven eight"
    b = "alpha beta gamma delta epsilon zeta eta theta"
    truth = {
        "articles": [
            {"title": "A", "dateline": None, "paragraphs": [a], "highlights": []},
            {"title": "B", "dateline": "PARIS", "paragraphs": [b], "highlights": []},
        ],
        "boilerplate": ["Short Url"],
    }
    perfect = ev.score_page(
        [Segment("A", [a]), Segment("B", [b], dateline="PARIS")], truth)
    assert perfect["count_ok"] == 1.0 and perfect["f1"] == 1.0
    assert perfect["title_exact"] == 1.0 and perfect["dateline_exact"] == 1.0
    assert perfect["boilerplate_leaks"] == 0 and perfect["repeated_paragraphs"] == 0

    # One article missed, one spurious output with a leak and a repeated paragraph.
    bad = ev.score_page([Segment("Wrong", [a, a + " Short Url"]), Segment(None, ["x y z w v"])], truth)
    assert bad["count_ok"] == 1.0  # two outputs for two truths
    assert bad["recall"] == pytest.approx((1.0 + 0.0) / 2)
    assert 0 < bad["precision"] < 0.5
    assert bad["title_exact"] == 0.0
    assert bad["boilerplate_leaks"] == 1
    assert bad["repeated_paragraphs"] == 0

    rep = ev.score_page([Segment("A", [a, a])], {**truth, "articles": truth["articles"][:1]})
    assert rep["repeated_paragraphs"] == 1 and rep["recall"] == 1.0
    assert ev.aggregate([perfect, bad])["boilerplate_leaks"] == 1


# --- fast paths added for speed must give exactly what the plain definitions give ---------

_TEXTY = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ 0.,;'\"-\n\n\t") + list("\r\x0b\x0c\x1c\x85\u2028\u2029\x00\x1f\x7f\xa0\u2009\u3000")
        + list("\u200b\u00ad\ufb01e\u0301\u00e9\u2018\u2019\u201c\u201d\u2013\u2014`\u00ab\u00df\u0130")
    ),
    max_size=80,
)


@settings(max_examples=400, deadline=None)
@given(_TEXTY)
def test_normalized_lines_equal_per_line_normalize_text(body: str) -> None:
    from worker.pipeline.text.normalize import normalized_lines

    raws = body.splitlines()
    assert normalized_lines(body, raws) == [normalize_text(r) for r in raws]


def test_inline_space_chars_are_exactly_the_in_line_whitespace() -> None:
    from worker.pipeline.text.normalize import INLINE_SPACE_CHARS

    expected = "".join(
        chr(c) for c in range(0x110000)
        if chr(c).isspace() and c != 0x20 and len(f"a{chr(c)}b".splitlines()) == 1
    )
    assert INLINE_SPACE_CHARS == expected


@settings(max_examples=400, deadline=None)
@given(_TEXTY)
def test_comparison_keys_equal_the_translate_definition(s: str) -> None:
    from worker.pipeline.text.normalize import _KEY_TABLE, normalized_comparison_key

    expected = " ".join(s.translate(_KEY_TABLE).casefold().split())
    assert comparison_key(s) == expected
    assert normalized_comparison_key(normalize_text(s)) == comparison_key(normalize_text(s))


def test_split_dateline_first_letters_gate_keeps_results() -> None:
    from worker.pipeline.segment.dateline import split_dateline

    rest = "Officials said on Monday that the bridge would reopen next spring after repairs."
    assert split_dateline("OSLO: " + rest) == ("OSLO", rest)
    assert split_dateline("O'HARE, Ill. - " + rest)[0] == "O'HARE, Ill."
    assert split_dateline("Oslo: " + rest) == (None, "Oslo: " + rest)
    assert split_dateline("") == (None, "")


def test_paragraph_deduper_finds_containment_across_paragraphs_lazily() -> None:
    from worker.pipeline.segment.repeats import ParagraphDeduper

    d = ParagraphDeduper()
    assert not d.seen("The harbour master said the ferry would sail at noon.")
    assert not d.seen("Passengers were told to arrive an hour early on Friday.")
    # wholly inside the first paragraph (punctuation and case aside)
    assert d.seen("the ferry would sail at noon")
    # words all seen before, but not as one run of 3-grams: new
    assert not d.seen("The ferry said the harbour master would arrive early.")
    assert d.seen("Passengers were told to arrive an hour early on Friday.")
    grams = d.grams
    assert ("ferry", "would", "sail") in grams and ("an", "hour", "early") in grams
    assert ("ferry", "said", "the") in grams


_TIMEISH_ONE_PATTERN = re.compile(
    r"\b(?:\d{1,2}:\d\d|\d{1,2}\s?(?:am|pm)\b|\d+\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"|ago\b|yesterday|today|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|\b(?:19|20)\d\d\b)",
    re.I,
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 :apmAPM agoyesterdaytodayjanfebmaysepSeptdecminhoursyrs.\t\n_x")
                                        + list("AGOJUNOCTnovDecugrlt-") + ["\u00e9", "\u0663", "\u00b2", "\u017f",
                                                                          "\u212a", "\u0131", "\u00a0"]), max_size=30))
def test_timeish_split_in_two_searches_answers_as_the_one_pattern(text: str) -> None:
    from worker.pipeline.segment.lines import _DIGIT, _timeish

    def reference(low: str) -> bool:  # _timeish as it was, with the one pattern
        if _DIGIT.search(low) is None:
            lc = low.casefold()
            if "ago" not in lc and "yesterday" not in lc and "today" not in lc:
                return False
        return _TIMEISH_ONE_PATTERN.search(low) is not None

    assert _timeish(text) == reference(text)


def test_timeish_word_branches_start_with_every_character_re_i_would_match() -> None:
    import sys

    from worker.pipeline.segment.lines import _WORD_BRANCHES, _WORD_FIRSTS

    first = re.compile("[" + "".join(sorted({b[0] for b in _WORD_BRANCHES})) + "]", re.I)
    assert {c for c in map(chr, range(sys.maxunicode + 1)) if first.fullmatch(c)} == set(_WORD_FIRSTS)


def test_timeish_examples() -> None:
    from worker.pipeline.segment.lines import _timeish

    for yes in ("updated 10:45", "3 hours ago", "5pm", "12 Jan", "Sept. 4", "in 2019 the", "posted yesterday", "Today"):
        assert _timeish(yes.casefold()) and _timeish(yes), yes
    for no in ("page 12 of 40", "a2019", "20190", "agony", "x12:34", "", "no dates here"):
        assert not _timeish(no), no


def test_function_word_test_is_the_set_look_up() -> None:
    """ends_in_function_word looks the last word up without testing its case: exact only
    while every function word is lower case."""
    from worker.pipeline.segment.paragraphs import TRAILING_FUNCTION_WORDS, ends_in_function_word

    assert all(w and w[0].islower() for w in TRAILING_FUNCTION_WORDS)
    for text, want in [("Moscow has also", True), ("Not Leant On", False), ("the", True), ("", False),
                       ("said the (of", False), ("a b of,", True), ("x The", False), ("end of\u201d", True)]:
        assert ends_in_function_word(text) is want, text


def test_comparison_key_fast_path_for_single_spaced_ascii() -> None:
    from worker.pipeline.text.normalize import _KEY_TABLE

    for s in ["", " ", "a  b", " a", "a ", "a\tb", "a\x1fb\x1c", "A `Quoted` Line", "x\x7fy", "a\x0bb", "One two. Three"]:
        assert comparison_key(s) == " ".join(s.translate(_KEY_TABLE).casefold().split()), repr(s)


def test_paragraph_dedup_byte_deletion_equals_the_translate_table() -> None:
    from worker.pipeline.segment.repeats import _DROP_BYTES, _DROP_PUNCT

    ascii_all = "".join(chr(c) for c in range(128))
    assert ascii_all.encode().translate(None, _DROP_BYTES).decode() == ascii_all.translate(_DROP_PUNCT)


def test_content_words_fast_path_equals_the_regex_definition() -> None:
    from worker.pipeline.segment.cohesion import _STOP, _WORD_RE, content_words

    def reference(text: str) -> frozenset[str]:
        ws = set(_WORD_RE.findall(text[:20000].casefold())) - _STOP
        return frozenset({w[:-1] if w[-1] == "s" and len(w) > 4 else w for w in ws})

    texts = [
        "The ministers' talks—in Geneva—resumed on Monday “after” a break… said officials.",
        "abc1defg under_score ALLCAPS Words words classes boss bosses years others",
        "\ufb01nance Stra\u00dfe \u017fpeech \u212aelvin caf\u00e9 na\u00efve \u0130stanbul \u0645\u0631\u062d\u0628\u0627",
        "\u00abquoted\u00bb \u2018single\u2019 \u00a0spaced\u00a0 \u2013 dashes \u2014 here",
        "", "a b c", "x" * 30 + "s",
    ]
    for t in texts:
        content_words.cache_clear()
        assert content_words(t) == reference(t), t


_HASH_SEED_PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from worker.pipeline.model import Segment
from worker.pipeline.segment import split
from worker.pipeline.stats import Stats

# More dropped texts than the bound on those looked for: which are looked for must not
# depend on string hashing.
units = []
for i in range(3 * split._MAX_DROPPED_KEYS):
    u = split._Unit(split._TEXT, f"Weekly letter edition {i}")
    u.dropped = True
    units.append(u)
frames = [f"Join Weekly letter edition {i} now" for i in range(0, 3 * split._MAX_DROPPED_KEYS, 7)]
seg = Segment("A title", ["A long kept paragraph of the article body, with many words in it."] + frames)
split._drop_furniture_copies([seg], units, Stats())
print(json.dumps(seg.paragraphs))
"""


def test_dropped_copies_do_not_depend_on_string_hashing(tmp_path) -> None:
    """Two worker processes (each with its own PYTHONHASHSEED) must cut a page alike, or a
    replay on another process gives other article ids."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = str(Path(__file__).resolve().parents[1])
    outs = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-c", _HASH_SEED_PROBE, repo], env=env, capture_output=True, text=True, check=True)
        outs.add(run.stdout)
    assert len(outs) == 1, "the kept paragraphs changed with the hash seed"
    kept = json.loads(outs.pop())
    # Texts early on the page are looked for (their frames go), late ones are past the bound.
    assert "Join Weekly letter edition 0 now" not in kept
    assert f"Join Weekly letter edition {7 * (3 * 500 // 7)} now" in kept


_CHROME_WORDS = ["related", "read more", "share", "share this", " on ", "ad", "print", "most read", "comments (3)",
                 "reuters", "ap", "afp", "staff", " staff", "wire service", "©", "rights", "(c) 2024", "copyright",
                 "newsletter", "cookie", "terms of", "follow us", "click here", "share ", "subscribe to our ",
                 "all rights reserved", "x", "tl", "é", "ſ", "K", "\u212a", ":", " | ", " -", "!", ".", "5 min read",
                 "sign up for our daily newsletter", "we use cookies", "terms of use |", "upi", "press association"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_CHROME_WORDS), min_size=1, max_size=6), st.booleans())
def test_classify_line_gates_answer_as_the_separate_patterns(parts: list[str], title: bool) -> None:
    """classify_line's cheaper tests (one match for the related and chrome patterns, a
    chain of substring tests for the anywhere-hints, a prefix gate for agencies) give
    what the patterns one by one give."""
    from worker.pipeline.segment import boilerplate as b

    text = "".join(parts)
    norm = normalize_text(text.title() if title else text)
    if not norm:
        return

    related_re = re.compile(b._RELATED + b._SEP + "$")
    chrome_re = re.compile(b._CHROME + b._SEP + "$")

    def reference(raw: str, norm: str) -> str | None:  # classify_line as defined, ungated
        n = len(norm)
        if n == 0 or n > b.MAX_CHROME_CHARS:
            return None
        low = norm.casefold()
        if n <= 60:
            if related_re.match(low):
                return b.RELATED
            if chrome_re.match(low):
                return b.CHROME
        if low.startswith(("http", "www.")) and b._URL_RE.match(low):
            return b.CHROME
        if b._CHROME_ANYWHERE_RE.search(low):
            return b.CHROME
        if low.startswith(b._BYLINE_STARTS) and b._BYLINE_RE.match(norm):
            return b.BYLINE
        if n <= 40 and b._AGENCY_RE.match(low):
            return b.BYLINE
        if n <= 80 and low[:1] in "pulfm" and b._DATE_LINE_RE.match(low) and any(c.isdigit() for c in low):
            return b.BYLINE
        stripped = raw.strip()
        if any(c in stripped for c in ("|", "  ", "•", "·", "»")) and b._is_menu(stripped):
            return b.CHROME
        return None

    assert b.classify_line(text, norm) == reference(text, norm), norm
