"""HTML main-content extraction: hand-written fixture pages, dev-set quality floor,
robustness on garbage, and the evaluation harness's scoring function."""

from __future__ import annotations

import gzip
import importlib.util
import json
import statistics
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import shared_path
from worker.pipeline.html.blocks import names_look_like_furniture
from worker.pipeline.html.extract import HtmlArticle, extract_html
from worker.pipeline.html.guard import cap_block_depth
from worker.pipeline.html.tail import is_furniture_heading
from selectolax.lexbor import LexborHTMLParser

from worker.pipeline.html.title import page_title, strip_site_name
from worker.pipeline.model import PageError

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "html"


def _load_eval():
    spec = importlib.util.spec_from_file_location("extraction_eval", REPO / "eval" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _page(name: str) -> list[HtmlArticle]:
    return extract_html((FIXTURES / name).read_text(encoding="utf-8"))


def _all_text(articles: list[HtmlArticle]) -> str:
    return "\n".join(p for a in articles for p in a.paragraphs)


def test_news_article_keeps_body_and_drops_furniture() -> None:
    articles = _page("news_article.html")
    assert len(articles) == 1
    art = articles[0]
    assert art.title == "Harbour ferry returns after storm repairs"
    assert art.paragraphs[0].startswith("PORT ELLWIN - The blue passenger ferry")
    assert any(p.startswith('"We had schoolchildren and nurses') for p in art.paragraphs)
    assert art.paragraphs[-1].endswith("starting in May.")
    text = _all_text(articles)
    for furniture in ("Share on Facebook", "Related stories", "Island shop reopens", "Most read",
                      "Lighthouse keeper", "Copyright 2026", "Privacy policy", "Weather"):
        assert furniture not in text
    # The headline is carried in ``title``, not repeated as a paragraph.
    assert art.title not in art.paragraphs
    assert all("  " not in p and "\n" not in p and "<" not in p for p in art.paragraphs)


def test_multi_article_page_yields_one_article_each_in_order() -> None:
    articles = _page("multi_article.html")
    assert [a.title for a in articles] == [
        "Orchard growers expect a record apple harvest",
        "Library extends evening opening hours",
        "Bridge closure diverts valley buses",
    ]
    assert all(len(a.paragraphs) == 3 for a in articles)
    assert articles[1].paragraphs[0].startswith("The central library on Mill Street")
    assert "Valley Gazette" not in _all_text(articles)


def test_teaser_index_page_yields_nothing() -> None:
    assert _page("teaser_index.html") == []


def test_scripts_styles_comments_and_templates_never_leak() -> None:
    articles = _page("scripts_styles.html")
    assert len(articles) == 1
    assert len(articles[0].paragraphs) == 3
    text = _all_text(articles)
    assert "LEAK" not in text and "SCRIPT-WRITE" not in text
    assert "lizard orchids" in text and "towards the pond." in text


def test_malformed_markup_still_gives_the_story() -> None:
    articles = _page("malformed.html")
    assert len(articles) == 1
    text = _all_text(articles)
    assert "several food vans had to close early" in text
    assert text.rstrip().endswith("on the busiest evenings if the permit is renewed.")
    assert articles[0].title == "Night market draws crowds"


def test_streamed_render_slots_are_read_as_content() -> None:
    # Streaming renderers park the story in hidden "S:n" slots; other hidden boxes stay out.
    articles = _page("streamed_shell.html")
    assert len(articles) == 1
    art = articles[0]
    assert art.title == "Rail depot turns into a night school"
    text = _all_text(articles)
    assert "opened on Tuesday as a night school" in text
    assert "lending library in the former boiler room" in text
    assert "two hundred students by the autumn term." in text
    assert "Open the drawer" not in text


def test_story_ends_before_related_posts_and_signup_box() -> None:
    articles = _page("story_with_tail.html")
    assert len(articles) == 1
    paras = articles[0].paragraphs
    assert paras[0].startswith("HOLLOW VALLEY - Members of the valley beekeeping club")
    assert paras[-1].endswith("at least three times.")
    text = _all_text(articles)
    for furniture in ("Related posts", "wildflower verges", "family bakery", "in your inbox", "Thanks for signing up"):
        assert furniture not in text
    # The pull quote printed twice on the page is kept once.
    assert sum("heather honey should be early" in p for p in paras) == 1


def test_article_element_bounds_the_story_past_a_long_link_list() -> None:
    articles = _page("article_with_lists.html")
    assert len(articles) == 1
    paras = articles[0].paragraphs
    assert paras[0].startswith("EASTMOOR - The town archive has scanned")
    assert paras[-1].endswith("with staff on hand to help.")
    assert "Maps added this month:" in paras  # a short lead-in line inside the story stays
    assert not any("survey sheet" in p for p in paras)  # the link list does not
    assert "Eastmoor Weekly" not in _all_text(articles)


def test_nested_furniture_is_pruned_and_a_mislabelled_main_column_kept() -> None:
    # Hidden nav inside nav inside aside inside footer: pruned in one go without touching
    # freed nodes. The story sits in an <aside> with a sidebar class but holds the page.
    articles = _page("nested_furniture.html")
    assert len(articles) == 1
    assert articles[0].title == "Ferry fares frozen for a year"
    assert len(articles[0].paragraphs) == 3
    text = _all_text(articles)
    for furniture in ("Archive", "Careers at the Courier", "Copyright the Courier", "Timetables", "Advertisement"):
        assert furniture not in text


@pytest.mark.parametrize(
    ("names", "furniture"),
    [
        ("entry-share-links ", True),  # strong word inside a hyphenated name
        ("post_related_box ", True),
        ("widget ", True),  # weak word as a whole class token
        ("overflow-hidden article-body ", False),  # weak word only inside a name
        ("header-image ", False),
        ("screen-reader-text ", True),  # several-part phrase
        ("c-most-read-list ", True),
        ("reading-list spread ", False),
        ("ARTICLE Content ", False),
        (" SiteFooter", False),  # camelCase is one word, not "footer"
        (" NAV", True),
    ],
)
def test_class_and_id_words(names: str, furniture: bool) -> None:
    assert names_look_like_furniture(names) is furniture


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Related posts", True),
        ("About the author", True),
        ("3 Comments", True),
        ("Further reading", True),
        ("Related research shows that bees prefer heather over clover in the late summer months", False),
        ("Readers across the valley wrote in", False),
        ("The most popular route up the hill", False),
    ],
)
def test_furniture_heading_lines(line: str, expected: bool) -> None:
    assert is_furniture_heading(line) is expected


def test_depth_guard_sees_uppercase_and_mixed_case_tags() -> None:
    page = "<DIV>" * 300 + "<Section>" * 300 + "<p>deep</p>"
    capped = cap_block_depth(page)
    assert capped.count("<span") >= 400
    assert capped.count("<DIV>") + capped.count("<Section>") <= 200


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        # The visible headline wins over the search/social variant it matches.
        ('<meta property="og:title" content="River walks to try this spring: 2026 guide | Top picks">',
         "Nine river walks to try this spring", "Nine river walks to try this spring"),
        # A logo or section name in <h1> does not.
        ('<meta property="og:title" content="Mill fire closes High Street">', "Valley Gazette",
         "Mill fire closes High Street"),
        ('<title>Mill fire closes High Street - Valley Gazette</title>', "Sign in to read our newsletter today",
         "Mill fire closes High Street"),
        ("", "Mill fire closes High Street for a week", "Mill fire closes High Street for a week"),
    ],
)
def test_title_prefers_the_backed_up_headline(head: str, h1: str, expected: str) -> None:
    tree = LexborHTMLParser(f"<html><head>{head}</head><body><h1>{h1}</h1><p>Text.</p></body></html>")
    assert page_title(tree) == expected


@pytest.mark.parametrize(
    ("raw", "site", "expected"),
    [
        ("Harbour ferry returns after storm repairs | The Coastline Courier", None,
         "Harbour ferry returns after storm repairs"),
        ("Courier - Harbour ferry returns", "Courier", "Harbour ferry returns"),
        ("Pros and cons - a guide", None, "Pros and cons - a guide"),  # too short a head to cut
        ("Markets rally as rates fall - What it means for savers.", None,
         "Markets rally as rates fall - What it means for savers."),
    ],
)
def test_site_name_is_cut_only_where_safe(raw: str, site: str | None, expected: str) -> None:
    assert strip_site_name(raw, site) == expected


@pytest.mark.parametrize("html", ["", "   \n", "\x00\x01\x02\xff\ufffd" * 50, "<", "</div>" * 1000, "<html>"])
def test_garbage_gives_empty_list(html: str) -> None:
    assert extract_html(html) == []


def test_deep_nesting_is_flattened_and_text_survives() -> None:
    depth = 100_000
    page = "<div>" * depth + "<p>" + "Deep text that still reads as a sentence, with commas, here. " * 8 + "</p>" + "</div>" * depth
    capped = cap_block_depth(page)
    assert capped.count("<div>") < 1_000
    articles = extract_html(page)
    assert len(articles) == 1
    assert "Deep text that still reads" in articles[0].paragraphs[0]


def test_normal_page_is_not_rewritten_by_depth_guard() -> None:
    page = (FIXTURES / "news_article.html").read_text(encoding="utf-8")
    assert cap_block_depth(page) is page


_TAGS = st.sampled_from(["div", "p", "article", "span", "a", "table", "td", "li", "ul", "script", "b", "h1", "section"])


@st.composite
def _nested(draw) -> str:
    tags = draw(st.lists(_TAGS, min_size=0, max_size=60))
    text = draw(st.text(max_size=40))
    closes = draw(st.booleans())
    inner = "".join(f"<{t} class='{draw(st.sampled_from(['share', 'x', 'content']))}'>" for t in tags) + text
    return inner + ("".join(f"</{t}>" for t in reversed(tags)) if closes else "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=500), _nested()))
def test_never_raises_on_arbitrary_input(html: str) -> None:
    try:
        result = extract_html(html)
    except PageError as exc:
        assert exc.kind == "html_unparseable"
        return
    assert isinstance(result, list)
    for art in result:
        assert isinstance(art, HtmlArticle)
        assert all(isinstance(p, str) and p and p == p.strip() for p in art.paragraphs)


def test_shingle_scoring_on_a_hand_made_example() -> None:
    ev = _load_eval()
    truth = "The cat sat on the mat today"  # 4 shingles
    assert ev.shingle_prf(truth, truth) == (1.0, 1.0, 1.0)
    # Prediction holds the first 3 true shingles plus 2 extra ones.
    pred = "the CAT sat on the mat! and more"
    p, r, f = ev.shingle_prf(pred, truth)
    assert (p, r) == (3 / 5, 3 / 4)
    assert f == pytest.approx(2 * p * r / (p + r))
    assert ev.shingle_prf("", truth) == (0.0, 0.0, 0.0)
    assert ev.shingle_prf("", "") == (1.0, 1.0, 1.0)
    assert ev.snippet_checks("A  b\nc d", ["a b c"], ["zzz", "c d"]) == (1, 1, 1, 2)


_FLOOR_PAGES = 10
# Measured mean F1 over the first 10 dev pages: 0.956 (trafilatura 0.942); floor leaves a margin.
_F1_FLOOR = 0.88


@pytest.mark.shared
def test_quality_floor_on_dev_pages() -> None:
    wcxb = shared_path("data", "wcxb-dev-articles")  # skips on a user's clone, fails in CI when absent
    ev = _load_eval()
    scores = []
    for gt_path in sorted((wcxb / "ground-truth").glob("*.json"))[:_FLOOR_PAGES]:
        truth = json.loads(gt_path.read_text(encoding="utf-8"))["ground_truth"].get("main_content")
        if not isinstance(truth, str):
            continue
        html = gzip.decompress((wcxb / "html" / f"{gt_path.stem}.html.gz").read_bytes()).decode("utf-8", "replace")
        scores.append(ev.shingle_prf(_all_text(extract_html(html)), truth)[2])
    assert len(scores) >= 5
    assert statistics.fmean(scores) >= _F1_FLOOR


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?…。:\"”’)( \t\n\u00a0\u2003\u3000\x1c")), max_size=30))
def test_sentence_end_test_equals_the_regex_it_replaced(text: str) -> None:
    import re

    from worker.pipeline.html.extract import _ends_sentence

    assert _ends_sentence(text) == bool(re.search(r"[.!?…。:\"”’)]\s*$", text))


def _reference_blocks(root) -> list[tuple]:
    """collect_blocks as first written: every text node goes into the block, whitespace
    included, and a block whose text normalises to nothing is dropped at its end."""
    from worker.pipeline.html.blocks import BLOCK_TAGS, FURNITURE_TAGS, names_verdict, state_flagged

    by_state = state_flagged(root)
    out: list[tuple] = []
    path: list[int] = []
    tags: list[str] = []
    arts: list[int] = []
    flags: list[int] = []
    parts: list[str] = []
    state = {"link_chars": 0, "link_depth": 0}
    open_ids: list[int] = []
    marks: list[int] = []

    def flush() -> None:
        text = " ".join("".join(parts).split())
        if text:
            out.append((text, min(state["link_chars"], len(text)), tags[-1] if tags else "body", tuple(path),
                        arts[0] if arts else None, tuple(flags)))
        parts.clear()
        state["link_chars"] = 0

    for node in root.traverse(include_text=True):
        pid = node.parent.mem_id if node.parent is not None else 0
        while open_ids and open_ids[-1] != pid:
            open_ids.pop()
            m = marks.pop()
            if m & 2:
                state["link_depth"] -= 1
            if m & 1:
                flush()
                path.pop()
                tags.pop()
            if m & 4:
                arts.pop()
            if m & 8:
                flags.pop()
        tag = node.tag
        if tag == "-text":
            text = node.text_content
            if text:
                parts.append(text)
                if state["link_depth"]:
                    state["link_chars"] += len(text.strip())
            continue
        if not tag or tag[0] in "-_!" or tag in ("img", "hr", "wbr", "input"):
            continue
        if tag == "br":
            flush()
            continue
        m = 0
        attrs = node.attributes if tag not in ("body", "html") else {}
        if tag in FURNITURE_TAGS or node.mem_id in by_state or names_verdict(attrs.get("class"), attrs.get("id")):
            flags.append(node.mem_id)
            m |= 8
        if tag in BLOCK_TAGS:
            flush()
            path.append(node.mem_id)
            tags.append(tag)
            m |= 1
            if tag == "article":
                arts.append(node.mem_id)
                m |= 4
        elif tag == "a":
            state["link_depth"] += 1
            m |= 2
        open_ids.append(node.mem_id)
        marks.append(m)
    flush()
    return out


_PIECES = st.sampled_from([
    " ", "\n  ", "\t", "\u00a0", "word", "two words", " lead", "trail ", "<a href=x>", "</a>", "<b>", "</b>",
    "<span>", "</span>", "<br>", "<p>", "</p>", "<div>", "</div>", "<div class=share>", "<li>", "<ul>", "</ul>",
    "<article>", "</article>", "<nav>", "</nav>", "<img src=x>", "<!-- c -->", "<h2>", "</h2>", "<em>", "</em>",
    "<span class=share>", "<a class=share href=y>", "\f", "\r\n", "\x0b", "x,", ",y", "<hr>", "<q>", "</q>",
])


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40))
def test_collect_blocks_equals_the_plain_walk(pieces: list[str]) -> None:
    """The walk skips text nodes of ASCII whitespace (looking back for one only where two
    texts meet without a space), leaves out whitespace before a block's first word and
    flushes only blocks with words: the blocks must be those of the plain walk that
    keeps every text node."""
    from worker.pipeline.html.blocks import collect_blocks

    tree = LexborHTMLParser("<html><body>" + "".join(pieces) + "</body></html>")
    got = [(b.text, b.link_chars, b.tag, b.path, b.article, b.flags) for b in collect_blocks(tree.body)]
    assert got == _reference_blocks(tree.body)


@pytest.mark.parametrize("html", [
    "<span class=share>x</span> ",  # the closing whitespace closes the flagged span first
    "<div><a href=a class=social>x</a>\n</div>\n",
    "<p>x<b>y</b><!-- c --><i>z</i>\n<em> w</em>,<a href=b>v</a>\t</p>",
    "<li><a href=a>One</a><span>\n<b></b></span><a href=b>Two</a></li><q>\r</q>",
])
def test_collect_blocks_equals_the_plain_walk_at_the_edges(html: str) -> None:
    from worker.pipeline.html.blocks import collect_blocks

    tree = LexborHTMLParser("<html><body>" + html + "</body></html>")
    got = [(b.text, b.link_chars, b.tag, b.path, b.article, b.flags) for b in collect_blocks(tree.body)]
    assert got == _reference_blocks(tree.body)


def test_whitespace_between_links_still_separates_their_words() -> None:
    from worker.pipeline.html.blocks import collect_blocks

    tree = LexborHTMLParser("<body><div>\n  <a href=a>one</a>\n<a href=b>two</a><br>  <p> \n </p><b>x</b> <i>y</i></div></body>")
    got = [(b.text, b.link_chars) for b in collect_blocks(tree.body)]
    assert got == [("one two", 6), ("x y", 0)]


_STATE_PIECES = st.sampled_from([
    "<div hidden>", "<div aria-hidden=TRUE>", "<div style='DISPLAY: none'>", "<div style='color:none'>",
    "<div role=Navigation>", "<div role=main>", "<div id='S:0' hidden>", "<span hidden>", "<nav>", "</nav>",
    "<footer hidden>", "</footer>", "<aside role=search>", "</aside>", "</div>", "</span>", "<p>",
    "short words", "a sentence that is rather longer than the others, with commas, and more words in it. " * 3,
    "<a href=x>link</a>", "<br>", "<div class=share>",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_STATE_PIECES, max_size=30))
def test_strip_non_prose_hands_the_walk_what_state_flagged_finds(pieces: list[str]) -> None:
    """The hidden/role ids strip_non_prose returns stand for a second CSS pass: on the
    elements left in the tree they are exactly state_flagged's (furniture tags aside: the
    walk flags those by tag), and the blocks agree."""
    from worker.pipeline.html.blocks import collect_blocks, state_flagged, strip_non_prose

    tree = LexborHTMLParser("<html><body>" + "".join(pieces) + "</body></html>")
    state = strip_non_prose(tree)
    assert state is not None
    live = {n.mem_id for n in tree.body.traverse() if n.is_element_node and n.tag not in ("nav", "aside", "footer")}
    assert state & live == state_flagged(tree.body) & live
    fresh = [(b.text, b.link_chars, b.tag, b.path, b.article, b.flags) for b in collect_blocks(tree.body)]
    given_state = [(b.text, b.link_chars, b.tag, b.path, b.article, b.flags) for b in collect_blocks(tree.body, state)]
    assert given_state == fresh


def test_block_link_density_is_set_at_creation() -> None:
    from worker.pipeline.html.blocks import Block, collect_blocks

    assert Block("abcd", 1, "p", (1,), None, ()).link_density == 0.25
    assert Block("", 0, "p", (1,), None, ()).link_density == 1.0
    tree = LexborHTMLParser("<body><p>Read <a href=x>this story</a> now.</p><ul><li><a href=y>Home</a></ul></body>")
    got = [(b.text, b.link_density) for b in collect_blocks(tree.body)]
    assert got == [("Read this story now.", 10 / 20), ("Home", 1.0)]
