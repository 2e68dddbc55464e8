"""A corpus of hostile and odd ``pages.raw`` messages, each with the outcome it must get.

Why a corpus rather than random bytes alone: the fuzz tests show that nothing raises, but
only named cases show that each kind of bad input gets the *right* reason (an operator
reading ``pages.dlq`` must be able to tell a producer bug from a worker bug), and that
inputs which merely look odd (extra fields, emoji, right-to-left text, a BOM inside the
body) are accepted rather than thrown away. The same corpus feeds the core test
(``tests/test_badinput.py``), the live-worker test and ``bench/reliability.py``.

Every case is built here from text written for this file; sizes are chosen to hit the
bounds in ``worker/pipeline/intake/limits.py`` (6 MiB message, 4 Mi-character body, 5 s page
time). ``kafka=False`` marks the cases a broker cannot carry: topics are created with
``max.message.bytes`` = 8 MiB (``worker/stream/admin.py``), so the 20 MB body is only
tried on the core and CLI paths.

    python -m testkit.badinputs            # the table of cases, sizes and expectations
    python -m testkit.badinputs --jsonl F  # the Kafka-sized cases as JSONL (tombstone omitted)
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from typing import Callable

import orjson

from testkit.pagegen import Story, make_story, render_html, render_page

ARTICLES = "articles"
"""Expectation of an input that is legitimately processable: it must give articles."""

KAFKA_MAX_VALUE = 7 * 1024 * 1024 + 512 * 1024
"""Largest value we try to produce: below the topics' 8 MiB max.message.bytes with room
for the record batch overhead."""


@dataclass(frozen=True, slots=True)
class BadInput:
    name: str
    data: bytes | None  # None: a Kafka tombstone (null value); the core sees b""
    expect: str  # a dead-letter error.type, or ARTICLES
    note: str
    kafka: bool = True  # small enough for a Kafka message

    @property
    def payload(self) -> bytes:
        """What the core receives (the stream worker turns a null value into b"")."""
        return self.data if self.data is not None else b""

    @property
    def size(self) -> int:
        return len(self.payload)


def _msg(**fields: object) -> bytes:
    return orjson.dumps(fields)


def _page(body: str, **extra: object) -> bytes:
    fields: dict[str, object] = {"url": "https://odd.example/page", "body": body}
    fields.update(extra)
    return orjson.dumps(fields)


def _story_text(rng: random.Random, n: int = 1) -> str:
    return render_page([make_story(rng) for _ in range(n)], rng)


def _story(rng: random.Random) -> Story:
    return make_story(rng)


# Invented stories in scripts other than Latin, written for this corpus.
_ARABIC = (
    "افتتاح جسر جديد فوق النهر في المدينة\n\n"
    "عمّان: افتتحت بلدية المدينة يوم الأحد جسراً جديداً للمشاة فوق النهر بعد عامين من أعمال البناء، "
    "وقال رئيس البلدية إن الجسر سيخدم آلاف الطلاب والعمال كل يوم.\n\n"
    "وأضاف أن تكلفة المشروع بلغت نحو اثني عشر مليون دينار، وأن الأعمال انتهت قبل الموعد المحدد بثلاثة أشهر.\n\n"
    "وقال سكان من الحي القديم إن الجسر يختصر الطريق إلى السوق المركزي والمستشفى الحكومي، "
    "بينما طالب آخرون بإضافة مواقف للدراجات الهوائية على جانبي الجسر.\n\n"
    "ومن المتوقع أن تبدأ البلدية الشهر المقبل دراسة لإنشاء جسر ثانٍ في الجزء الشمالي من المدينة.\n"
)
_CHINESE = (
    "山区小学建成新图书馆\n\n"
    "昆明：当地教育部门星期三表示，一所山区小学的新图书馆已经正式开放，馆内藏书超过八千册，"
    "可供周边三个村庄的学生借阅。\n\n"
    "校长说，过去学生只能在教室角落的书架上找书，如今每个班级每周都有两节阅读课。\n\n"
    "一位家长表示，孩子放学后愿意留在学校看书，家里也开始讨论书中的故事。\n\n"
    "教育部门计划在明年再为五所乡村学校修建类似的图书馆，并为教师提供阅读指导培训。\n"
)
_HEBREW_MIXED = (
    "Harbour cleanup draws volunteers in record numbers\n\n"
    "HAIFA: More than two thousand volunteers joined a weekend cleanup of the old harbour, organisers said, "
    "collecting nets, bottles and a rusted bicycle from the shallow water near the fish market.\n\n"
    "Signs along the quay read ניקיון הנמל and asked visitors to keep bags off the breakwater, "
    "while a local choir sang for the crowd at the end of the day.\n\n"
    "The city said it would add thirty new bins along the promenade and repeat the event every spring, "
    "with schools invited to send classes for the morning shift.\n"
)
_EMOJI = (
    "Village bakery wins regional bread prize 🥖🏆\n\n"
    "LYON: A family bakery from a village of four hundred people won the regional bread contest on Sunday 🎉, "
    "beating forty entries from larger towns with a sourdough loaf baked in a wood oven 🔥.\n\n"
    "The owner said the recipe came from her grandfather 👴 and that the starter dough is older than the shop itself, "
    "which opened in the spring of 1974 🌸.\n\n"
    "Customers queued around the square on Monday morning 🕗, and the bakery said it would double its weekend batches "
    "until the rush dies down 📈.\n"
)
_BOILERPLATE_ONLY = (
    "Home | World | Business | Sport | Culture\n\n"
    "Share this article\n\nFacebook\nTwitter\nEmail\n\n"
    "Subscribe to our newsletter\n\nSign in\n\nRelated:\n\n"
    "Cookie settings\n\nAccept all cookies\n\n"
    "© 2026 SAMPLE MEDIA GROUP, All Rights Reserved.\n"
)
_TEASER_INDEX = (
    "<!DOCTYPE html><html><head><title>Latest headlines - Riverside Courier</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/local'>Local</a> <a href='/sport'>Sport</a></nav><main><h1>Latest</h1>"
    + "".join(
        f"<div class='card'><h3><a href='/s/{i}'>{title}</a></h3><p>{blurb}</p></div>"
        for i, (title, blurb) in enumerate(
            [
                ("Ferry timetable changes from next week", "Two evening crossings are cut."),
                ("Allotment waiting list hits new high", "Some residents have waited six years."),
                ("Library extends Sunday opening", "The trial runs until the summer."),
                ("Rowing club celebrates centenary", "Former members return for a regatta."),
                ("Roadworks to close the bridge at night", "Diversions will be signposted."),
                ("Bakery chain opens its tenth shop", "Forty jobs are created."),
            ]
        )
    )
    + "<div class='pager'><a href='?p=2'>Older stories</a></div></main><footer>Riverside Courier</footer></body></html>"
)


def _cases() -> list[Callable[[random.Random], BadInput]]:
    big_words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ".split()

    def words(rng: random.Random, n_chars: int) -> str:
        """``n_chars`` of word salad: a 64 kB random chunk repeated (building 20 MB word by
        word would cost seconds per test run)."""
        chunk = " ".join(rng.choice(big_words) for _ in range(11_000))[:65_536] + " "
        return (chunk * (n_chars // len(chunk) + 1))[:n_chars]

    return [
        # --- not JSON / not UTF-8 ---------------------------------------------------------
        lambda r: BadInput("truncated_json", b'{"url": "https://odd.example/1", "body": "The council ', "invalid_json", "JSON cut mid-string"),
        lambda r: BadInput("trailing_comma", b'{"url": "https://odd.example/2", "body": "text",}', "invalid_json", "a trailing comma"),
        lambda r: BadInput("single_quotes", b"{'url': 'https://odd.example/3', 'body': 'text'}", "invalid_json", "Python-style quotes"),
        lambda r: BadInput("plain_text_not_json", _story_text(r).encode(), "invalid_json", "a text page sent without the JSON envelope"),
        lambda r: BadInput("non_utf8_latin1", b'{"url": "https://odd.example/4", "body": "caf\xe9 au lait, cr\xe8me"}', "invalid_encoding", "Latin-1 bytes inside JSON"),
        lambda r: BadInput("utf16_json", _page("A short story about a bridge.").decode().encode("utf-16"), "invalid_encoding", "UTF-16 with its BOM"),
        lambda r: BadInput("binary_png", b"\x89PNG\r\n\x1a\n" + bytes(r.randrange(256) for _ in range(4096)), "invalid_encoding", "binary (an image header and noise)"),
        lambda r: BadInput("nul_bytes_only", b"\x00" * 4096, "invalid_json", "NUL bytes"),
        lambda r: BadInput("bom_prefixed_json", b"\xef\xbb\xbf" + _page(_story_text(r)), "invalid_encoding", "a UTF-8 BOM before the JSON (RFC 8259: senders must not add one; refused, with a message naming the BOM)"),
        lambda r: BadInput("lone_surrogate_escape", b'{"url": "https://odd.example/5", "body": "half a pair \\ud800 here"}', "invalid_json", "\\ud800 in a JSON string: valid JSON grammar, not a character (orjson: no low surrogate)"),
        # --- empty ------------------------------------------------------------------------
        lambda r: BadInput("empty_message", b"", "empty_message", "zero bytes"),
        lambda r: BadInput("whitespace_message", b"  \r\n\t  ", "empty_message", "only whitespace"),
        lambda r: BadInput("tombstone", None, "empty_message", "a Kafka record with a null value"),
        # --- JSON, but the wrong shape ----------------------------------------------------
        lambda r: BadInput("json_null", b"null", "schema_violation", "the JSON value null"),
        lambda r: BadInput("json_list", orjson.dumps(["https://odd.example/6", "body"]), "schema_violation", "an array, not an object"),
        lambda r: BadInput("json_string", orjson.dumps("just a string"), "schema_violation", "a string, not an object"),
        lambda r: BadInput("json_number", b"12345", "schema_violation", "a number"),
        lambda r: BadInput("missing_body", _msg(url="https://odd.example/7"), "schema_violation", "no body"),
        lambda r: BadInput("missing_url", _msg(body=_story_text(r)), "schema_violation", "no url"),
        lambda r: BadInput("url_is_number", _msg(url=42, body=_story_text(r)), "schema_violation", "url of the wrong type"),
        lambda r: BadInput("body_is_list", _msg(url="https://odd.example/8", body=["para one", "para two"]), "schema_violation", "body as a list of paragraphs"),
        lambda r: BadInput("body_null", _msg(url="https://odd.example/9", body=None), "schema_violation", "body null"),
        lambda r: BadInput("page_id_number", _page(_story_text(r), page_id=123456), "schema_violation", "a number where the page id string goes"),
        lambda r: BadInput("page_id_empty", _page(_story_text(r), page_id=""), "schema_violation", "an empty page id"),
        lambda r: BadInput("fetched_at_number", _page(_story_text(r), fetched_at=1732800000), "schema_violation", "epoch seconds where an ISO string goes"),
        lambda r: BadInput("unknown_content_type", _page("%PDF-1.7 binary-ish body", content_type="application/pdf"), "schema_violation", "a media type the worker does not read"),
        lambda r: BadInput("huge_url", _msg(url="https://odd.example/" + "a" * 20_000, body=_story_text(r)), "schema_violation", "a 20 kB url (limit 8192)"),
        lambda r: BadInput("json_bomb_nested_arrays", b"[" * 100_000 + b"]" * 100_000, "invalid_json", "arrays nested 100,000 deep: orjson stops at depth 1024"),
        lambda r: BadInput("json_bomb_in_extra_field", b'{"url": "https://odd.example/10", "body": "x", "meta": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
                           "invalid_json", "an unknown field nested 50,000 deep"),
        # --- sizes ------------------------------------------------------------------------
        lambda r: BadInput("body_5mb", _page(words(r, 5_000_000)), "body_too_large", "a 5 MB body: the message fits (6 MiB), the body bound (4 Mi chars) does not"),
        lambda r: BadInput("message_7mb", _page(words(r, 7_000_000)), "message_too_large", "a 7 MB message: Kafka carries it, the worker refuses it unparsed"),
        lambda r: BadInput("body_20mb", _page(words(r, 20_000_000)), "message_too_large", "a 20 MB body (core/CLI only: above the topic's 8 MiB)", kafka=False),
        # --- valid envelope, nothing to publish --------------------------------------------
        lambda r: BadInput("empty_body", _page(""), "empty_body", "body is the empty string"),
        lambda r: BadInput("whitespace_body", _page(" \n\n\t  \u3000 \n"), "empty_body", "body of whitespace"),
        lambda r: BadInput("boilerplate_only", _page(_BOILERPLATE_ONLY), "no_articles", "navigation, share box and footer only"),
        lambda r: BadInput("teaser_index_html", _page(_TEASER_INDEX, content_type="text/html"), "no_articles", "an index of headlines with one-line blurbs"),
        lambda r: BadInput("numbers_as_body", _page("12345"), "no_articles", "a number as a string for a body"),
        lambda r: BadInput("html_nested_100k_empty", _page("<html><body>" + "<div>" * 100_000 + "</div>" * 100_000 + "</body></html>", content_type="text/html"),
                           "no_articles", "divs nested 100,000 deep with no text"),
        lambda r: BadInput("many_tiny_lines", _page("a\n" * 500_000), "no_articles", "500,000 one-letter lines"),
        lambda r: BadInput("backtrack_a_bang", _page("a" * 50_000 + "!"), "no_articles", "'a' x 50,000 + '!' (a naive (a+)+$ regex explodes)"),
        lambda r: BadInput("backtrack_spaces", _page("x" + " " * 200_000 + "y"), "no_articles", "200,000 spaces between two letters"),
        lambda r: BadInput("backtrack_dots", _page("." * 300_000), "no_articles", "300,000 dots (ellipsis and sentence-end patterns)"),
        lambda r: BadInput("backtrack_dashes", _page(("-" * 1000 + "\n") * 300), "no_articles", "rules of dashes, 300 lines of 1,000"),
        lambda r: BadInput("backtrack_nested_quotes", _page("\u201c" * 30_000 + '"' * 30_000 + "'" * 30_000), "no_articles", "90,000 quote characters (quote-pairing patterns)"),
        lambda r: BadInput("backtrack_tag_soup", _page("<" * 500_000, content_type="text/html"), "no_articles", "500,000 '<' as HTML (tag patterns)"),
        lambda r: BadInput("html_unclosed_font", _page("<html><body>" + "<font size=3>x" * 16_000, content_type="text/html"), "html_too_complex",
                           "16,000 unclosed <font> (quadratic in lexbor's active formatting list: refused before parsing)"),
        lambda r: BadInput("html_bold_stray_p_end", _page("<html><body>" + "<b>x</p>" * 32_000, content_type="text/html"), "html_too_complex",
                           "32,000 unclosed <b> each followed by a stray </p> (a stack walk each: refused before parsing)"),
        lambda r: BadInput("unclosed_p_tags", _page("<p>" * 200_000, content_type="text/html"), "no_articles", "200,000 unclosed <p>"),
        lambda r: BadInput("control_chars_only", _page("".join(chr(c) for c in range(1, 32)) * 2000), "no_articles", "C0 control characters only (the body check lets them through; cleaning makes them spaces)"),
        lambda r: BadInput("too_many_articles", _page(render_page([_story(r) for _ in range(40)], r)), "too_many_articles", "40 stories on one page (limit 25)"),
        # --- odd but legitimate: must give articles ------------------------------------------
        lambda r: BadInput("extra_unknown_fields", _page(_story_text(r), crawler={"id": 7, "region": "eu-west"}, tags=["a", "b"], score=0.5, lang=None),
                           ARTICLES, "unknown fields are allowed (schema additionalProperties: true)"),
        lambda r: BadInput("moderate_nesting_extra", _page(_story_text(r))[:-1] + b', "trace": ' + b"[" * 500 + b"]" * 500 + b"}", ARTICLES, "an unknown field nested 500 deep (under orjson's limit)"),
        lambda r: BadInput("bom_inside_body", _page("\ufeff" + _story_text(r)), ARTICLES, "a BOM at the start of the body string"),
        lambda r: BadInput("control_chars_in_story", _page(_story_text(r).replace(" the ", " the\x07\x0b\x1b ").replace(".", ".\x00", 3)), ARTICLES, "BEL, VT, ESC and NUL sprinkled in a story"),
        lambda r: BadInput("crlf_line_ends", _page(_story_text(r).replace("\n", "\r\n")), ARTICLES, "Windows line ends"),
        lambda r: BadInput("megabyte_line", _page("PARIS: " + words(r, 1_000_000) + "."), ARTICLES, "one paragraph of 1 MB with no newline"),
        lambda r: BadInput("repeated_paragraph_10k", _page(_repeated(r)), ARTICLES, "a story whose paragraph is printed 10,000 times"),
        lambda r: BadInput("html_nested_100k_with_story", _page(_deep_story(r), content_type="text/html"), ARTICLES, "a story inside divs nested 100,000 deep"),
        lambda r: BadInput("html_huge_script", _page(_script_page(r), content_type="text/html"), ARTICLES, "a story after a 2 MB inline script"),
        lambda r: BadInput("html_as_text_type", _page(render_html([_story(r)]), content_type="text/plain"), ARTICLES, "HTML labelled text/plain"),
        lambda r: BadInput("charset_param", _page(_story_text(r), content_type="text/plain; charset=ISO-8859-1"), ARTICLES, "a charset parameter (ignored: the body is a JSON string)"),
        lambda r: BadInput("arabic_rtl", _page(_ARABIC), ARTICLES, "a right-to-left story"),
        lambda r: BadInput("chinese_cjk", _page(_CHINESE), ARTICLES, "a CJK story without spaces"),
        lambda r: BadInput("hebrew_in_english", _page(_HEBREW_MIXED), ARTICLES, "right-to-left words inside an English story"),
        lambda r: BadInput("emoji_story", _page(_EMOJI), ARTICLES, "emoji in title and text"),
        lambda r: BadInput("url_8000", _page(_story_text(r)).replace(b"https://odd.example/page", b"https://odd.example/" + b"q" * 7_900), ARTICLES, "a long url under the 8,192 bound"),
    ]


def _repeated(rng: random.Random) -> str:
    story = make_story(rng)
    return story.title + "\n\n" + f"{story.dateline}: {story.paragraphs[0]}\n\n" + (story.paragraphs[1] + "\n\n") * 10_000


def _deep_story(rng: random.Random) -> str:
    story = make_story(rng)
    paras = "".join(f"<p>{p}</p>" for p in [f"{story.dateline}: {story.paragraphs[0]}"] + story.paragraphs[1:])
    return "<html><body>" + "<div>" * 100_000 + f"<article><h1>{story.title}</h1>{paras}</article>" + "</div>" * 100_000 + "</body></html>"


def _script_page(rng: random.Random) -> str:
    story = make_story(rng)
    script = "<script>var x = [" + ",".join(str(i) for i in range(400_000)) + "];</script>"
    paras = "".join(f"<p>{p}</p>" for p in [f"{story.dateline}: {story.paragraphs[0]}"] + story.paragraphs[1:])
    return f"<html><head>{script}</head><body><article><h1>{story.title}</h1>{paras}</article></body></html>"


def corpus(*, seed: int = 1, kafka_only: bool = False) -> list[BadInput]:
    """The cases, built deterministically from ``seed``; ``kafka_only`` leaves out those a
    broker cannot carry."""
    rng = random.Random(seed)
    cases = [make(rng) for make in _cases()]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    if kafka_only:
        cases = [c for c in cases if c.kafka and c.size <= KAFKA_MAX_VALUE]
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List the bad-input corpus, or write it as JSONL.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jsonl", help="write the Kafka-sized cases (not the tombstone) to this file, one per line")
    args = parser.parse_args(argv)
    cases = corpus(seed=args.seed)
    if args.jsonl:
        with open(args.jsonl, "wb") as out:
            for case in cases:
                if case.data is not None and case.kafka and b"\n" not in case.data:
                    out.write(case.data + b"\n")
        return 0
    print(f"{'case':32} {'bytes':>10}  {'kafka':5}  expect")
    for case in cases:
        print(f"{case.name:32} {case.size:>10,}  {'yes' if case.kafka else 'no':5}  {case.expect}")
    print(f"{len(cases)} cases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
