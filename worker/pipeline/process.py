"""The core's two steps, shared by the batch ``process`` command and the stream worker.

1. :func:`analyze_page` turns one validated page into candidate articles: segmented,
   cleaned, tagged and fingerprinted. It depends on nothing but the page, so it can run
   on any worker, in any process, in parallel.
2. :func:`decide` asks a dedup index whether a candidate is new, a duplicate or a replay,
   and returns the records to publish. It depends on what was seen before, so the stream
   worker runs it where the dedup state lives.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from worker.pipeline.dedup.index import Decision, DedupIndex
from worker.pipeline.dedup.fingerprint import Fingerprint, fingerprint
from worker.pipeline.html.extract import extract_html
from worker.pipeline.intake.ids import article_id_for
from worker.pipeline.intake.deadletter import dead_letter
from worker.pipeline.intake.decode import HTML, page_from_file, parse_raw_message
from worker.pipeline.tagging.language import detect_language
from worker.pipeline.intake.limits import Limits, bound_paragraphs
from worker.pipeline.model import Origin, OutRecord, PageError, RawPage, Segment
from worker.pipeline.stats import CLEANUP, DEDUP, FINGERPRINT, HTML as HTML_STAGE, INTAKE, SEGMENT, TAGGING, Stats
from worker.pipeline.tagging.regions import tag_regions
from worker.pipeline.tagging.routing import ALL_ROUTINGS, route_roles
from worker.pipeline.segment.sitelines import SiteLineSketch
from worker.pipeline.segment.split import finish_article, segment_text
from worker.pipeline.intake.timebox import time_limit
from worker.pipeline.tagging.topics import tag_topics

ARTICLES = "articles"
DUPLICATES = "duplicates"
DLQ = "dlq"


@dataclass(slots=True)
class Candidate:
    """An article before the dedup decision: every schema field but the dedup ones."""

    article: dict[str, Any]
    fingerprint: Fingerprint


def site_of(page: RawPage) -> str | None:
    """The site a page belongs to, for the per-site sketch of recurring lines: the URL's
    host without a leading "www.", else the page's source."""
    host = urlsplit(page.url).hostname if page.url else None
    if host:
        return host[4:] if host.startswith("www.") else host
    return page.source or None


def segments_of(page: RawPage, stats: Stats, sites: SiteLineSketch | None = None) -> list[Segment]:
    if page.content_type == HTML:
        with stats.timed(HTML_STAGE):
            docs = extract_html(page.body, stats)
        with stats.timed(CLEANUP):
            found = (finish_article(doc.title, doc.paragraphs, stats=stats) for doc in docs)
            return [seg for seg in found if seg is not None]
    with stats.timed(SEGMENT):
        return segment_text(page.body, stats, sites, site_of(page) if sites is not None else None)


_WORD = re.compile(r"[^\W\d_]{2,}")
_MIN_WORDS = 8
_MIN_DISTINCT = 4
_WORD_SCAN_CHARS = 20_000


def has_prose(segment: Segment) -> bool:
    """Whether a segment has words at all: runs of dots, tag soup, or one letter (or one
    word) repeated 50,000 times survive segmentation as "paragraphs" but are not articles.
    Counts letter-only tokens of the title and paragraphs in a bounded prefix, so it also
    holds for unspaced scripts, whose punctuation splits sentences into tokens. The title
    counts because a wire brief is a headline and one sentence, and an earnings report is a
    headline over rows of figures: both are news."""
    count = 0
    seen: set[str] = set()
    for paragraph in ([segment.title] if segment.title else []) + segment.paragraphs:
        for m in _WORD.finditer(paragraph, 0, _WORD_SCAN_CHARS):
            count += 1
            if len(seen) < _MIN_DISTINCT:
                seen.add(m.group().casefold())
            if count >= _MIN_WORDS and len(seen) >= _MIN_DISTINCT:
                return True
    return False


def analyze_page(
    page: RawPage, limits: Limits, stats: Stats | None = None, sites: SiteLineSketch | None = None
) -> list[Candidate]:
    """Segment, clean, tag and fingerprint one page. Raises :class:`PageError` when the page
    holds no article, so that every page ends somewhere (articles or a dead letter); the
    error names the stage and reason that removed the page's text. ``sites``: the caller's
    sketch of lines recurring on each site (see segment/sitelines.py), if it keeps one."""
    stats = stats if stats is not None else Stats()
    stats.last_drop = None
    found = segments_of(page, stats, sites)
    segments = []
    for seg in found:
        if has_prose(seg):
            segments.append(seg)
        else:
            stats.drop(CLEANUP, "no_prose")
    if not segments:
        stage, reason = stats.last_drop or ("segment", "no_text")
        raise PageError("no_articles", f"no article text left on the page: {stage} stage, {reason}", stage=stage, reason=reason)
    if len(segments) > limits.max_articles_per_page:
        raise PageError("too_many_articles", f"{len(segments)} articles on one page; the limit is {limits.max_articles_per_page}")
    for seg in segments:  # an article too large for the output topics must not exist
        seg.paragraphs, cut = bound_paragraphs(seg.paragraphs)
        if cut:
            stats.drop(CLEANUP, "paragraphs_over_article_bound", cut)
    return [_candidate(page, position, len(segments), seg, stats) for position, seg in enumerate(segments)]


def _candidate(page: RawPage, position: int, count: int, seg: Segment, stats: Stats) -> Candidate:
    text = "\n\n".join(seg.paragraphs)
    with stats.timed(TAGGING):
        tagged = tag_regions(seg.title, seg.paragraphs, seg.dateline)
        language = detect_language(text)
        topics = tag_topics(seg.title, text)
    stats.did(TAGGING, "with_region" if tagged.regions else "without_region")
    stats.did(TAGGING, "with_topic" if topics else "without_topic")
    dateline = {"text": seg.dateline, "country": tagged.dateline_country} if seg.dateline else None
    article = {
        "schema_version": 1,
        "article_id": article_id_for(page.url, seg.title, text),
        "page_id": page.page_id,
        "url": page.url,
        "source": page.source,
        "fetched_at": page.fetched_at,
        "position": position,
        "page_articles": count,
        "title": seg.title,
        "dateline": dateline,
        "highlights": list(seg.highlights),
        "paragraphs": list(seg.paragraphs),
        "text": text,
        "language": language,
        "regions": tagged.regions,
        "focus_country": tagged.focus_country,
        "topics": topics,
    }
    with stats.timed(FINGERPRINT):
        fp = fingerprint(text, title=seg.title, source=source_of(page))
    stats.did(FINGERPRINT, "articles")
    return Candidate(article=article, fingerprint=fp)


def source_of(page: RawPage) -> str | None:
    """The publisher, for telling an update (same source, minutes later) from a
    republication: the page's ``source`` if the crawler set one, else the URL's host."""
    if page.source:
        return page.source
    host = urlsplit(page.url).hostname if "://" in page.url else None
    return host or None


def decide(
    candidate: Candidate, index: DedupIndex, ts: float, stats: Stats | None = None, *, routings: tuple[str, ...] = ALL_ROUTINGS
) -> list[OutRecord]:
    """Records for one candidate: the article on ``articles`` (plus routing, for the
    ``routings`` a deployment publishes) when it is new, or on ``duplicates`` when an
    earlier article says the same. A replay (the same article id again, after a
    redelivery) repeats the original decision, so outputs stay idempotent."""
    return decide_with_verdict(candidate, index, ts, stats, routings=routings)[1]


def decide_with_verdict(
    candidate: Candidate, index: DedupIndex, ts: float, stats: Stats | None = None, *, routings: tuple[str, ...] = ALL_ROUTINGS
) -> tuple[Decision, list[OutRecord]]:
    """:func:`decide`, also returning the index's verdict (for metrics)."""
    article = dict(candidate.article)
    started = time.perf_counter()
    verdict = index.check_and_add(article["article_id"], candidate.fingerprint, ts)
    if stats is not None:
        stats.add_time(DEDUP, time.perf_counter() - started)
        stats.did(DEDUP, verdict.kind)
        if verdict.kind == "duplicate":
            stats.did(DEDUP, f"duplicate_{verdict.duplicate_kind}")
        if verdict.kept_apart:  # overlapped enough, but verification said another story
            stats.did(DEDUP, f"kept_apart_{verdict.kept_apart}")
    article["cluster_id"] = verdict.cluster_id
    key = article["article_id"]
    if verdict.duplicate_of is not None:  # a duplicate, or the replay of one
        article["duplicate_of"] = verdict.duplicate_of
        article["similarity"] = round(float(verdict.similarity or 0.0), 4)
        article["duplicate_kind"] = verdict.duplicate_kind
        return verdict, [OutRecord(DUPLICATES, key, article)]
    article["duplicate_of"] = None
    article["similarity"] = None
    article["duplicate_kind"] = None
    return verdict, [OutRecord(ARTICLES, key, article)] + [OutRecord(role, key, article) for role in route_roles(article, routings)]


def decide_all(
    candidates: Iterable[Candidate], index: DedupIndex, ts: float, stats: Stats | None = None, *, routings: tuple[str, ...] = ALL_ROUTINGS
) -> list[OutRecord]:
    return [record for c in candidates for record in decide(c, index, ts, stats, routings=routings)]


@dataclass(slots=True)
class PageOutcome:
    """What became of one input: candidate articles, or a dead letter. Never both, never
    neither, which is what lets a consumer account for every page."""

    candidates: list[Candidate]
    dead_letter: dict[str, Any] | None = None
    stats: Stats = field(default_factory=Stats)  # this page's figures, merged by the caller


def handle_input(
    data: bytes,
    origin: Origin,
    limits: Limits,
    *,
    path: str | None = None,
    schemas: Path | None = None,
    sites: SiteLineSketch | None = None,
) -> PageOutcome:
    """Errors are values here: whatever the input, the caller gets an outcome back, with
    the page's stage figures in ``outcome.stats``.

    ``path`` set means ``data`` is a whole page file rather than a ``pages.raw`` message;
    ``schemas`` is the folder of the topic contracts (default: the one beside the package).
    """
    stats = Stats()
    page: RawPage | None = None
    try:
        with time_limit(limits.page_time_limit_s):
            with stats.timed(INTAKE):
                page = page_from_file(path, data, limits) if path is not None else parse_raw_message(data, limits, schemas)
            stats.did(INTAKE, "pages")
            return PageOutcome(analyze_page(page, limits, stats, sites), stats=stats)
    except PageError as exc:
        error = exc
    except RecursionError:
        error = PageError("too_deeply_nested", "input nesting exceeds what the parser can follow")
    except MemoryError:
        error = PageError("too_large", "input needs more memory than one page may use")
    except Exception as exc:  # noqa: BLE001 - a bug on one page must not stop the others
        error = PageError("internal_error", f"{type(exc).__name__}: {exc}")
    stats.did(INTAKE, "dead_letters")
    stats.drop(error.stage or INTAKE, "page:" + error.kind)
    return PageOutcome(
        [],
        dead_letter(
            error,
            origin,
            data,
            max_raw_bytes=limits.max_dead_letter_raw_bytes,
            page_id=page.page_id if page else getattr(error, "page_id", None),
            url=page.url if page else getattr(error, "url", None),
        ),
        stats=stats,
    )


def dead_letter_record(value: dict[str, Any]) -> OutRecord:
    """Dead letters are keyed by page id where known so that all failures of one page land
    on one partition in order; otherwise by origin, so a replayed bad message lands beside
    its earlier copy."""
    origin = value["origin"]
    key = value.get("page_id") or ":".join(str(origin.get(k, "")) for k in ("kind", "topic", "partition", "offset", "path", "line"))
    return OutRecord(DLQ, key, value)


_WARM_UP_PAGE = RawPage(
    page_id="warm-up",
    url="about:warm-up",
    content_type="text/plain",
    body="A warm-up story\n\nLISBON: The city council in Portugal voted on Monday to extend tram services, "
    "the mayor said, after months of debate about costs and the budget for public transport.",
)


def warm_up() -> None:
    """Load the gazetteer, lexicons and detectors now rather than on the first page, whose
    latency would otherwise include a second of loading (and stall a stream's event loop)."""
    analyze_page(_WARM_UP_PAGE, Limits())
