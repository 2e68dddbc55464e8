"""Plain-text page -> articles.

A scraped text page is usually a whole web page copied out: one to a few articles inside
menus, bylines, captions, related links, comment threads and footers. It is read in
passes, each linear in its size:

1. lines are classified by rule (blank, chrome, related-list header, byline, bullet,
   text) and runs of text lines are rebuilt into paragraphs ("blocks");
2. blocks the site printed on several earlier pages are dropped when the caller keeps a
   per-site sketch (``sitelines.py``); then a learned classifier with context smoothing
   (``lines.py``, jusText/boilerpipe style) drops the blocks that are page furniture;
3. "Related:"-style lists of other stories' headlines are consumed;
4. a left-to-right walk proposes articles: every headline-shaped block gets a role
   (title before its body, title printed after it, a repeat, a subheading), and a
   headline after furniture, over a dateline, or over text on other things opens a
   candidate article;
5. a page holds one article unless the evidence is strong: a headline over a wire
   dateline, or the learned split model (boosted trees over the furniture in between,
   bylines, datelines, shared vocabulary) says so; weak splits are merged back;
6. each article keeps its main run of text (blocks beyond a long stretch of furniture
   are cut off) and gets its headline from the learned title chooser (``titles.py``).

Every block removed is counted in ``stats`` with its reason. Each article goes through
:func:`finish_article`'s cleanup, shared with HTML extraction: unwrapping, chrome
removal, de-duplication of repeated paragraphs and the dateline split.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from worker.pipeline.model import Segment
from worker.pipeline.stats import CLEANUP, SEGMENT, Stats
from worker.pipeline.segment.boilerplate import BYLINE, CHROME, RELATED, classify_line
from worker.pipeline.segment.cohesion import Vocabulary, content_words, shares_topic, topic_share
from worker.pipeline.segment.dateline import has_dateline, split_dateline
from worker.pipeline.segment.lines import MODEL, features
from worker.pipeline.segment.sitelines import SiteLineSketch
from worker.pipeline.segment.titles import Block, candidates
from worker.pipeline.tagging.regions import resolve_place
from worker.pipeline.segment.repeats import ParagraphDeduper, repeat_of
from worker.pipeline.segment.paragraphs import (
    BULLET_CHARS,
    INDENT_CHARS,
    Line,
    block_paragraphs,
    bullet_text,
    ends_sentence,
    estimate_wrap_width,
    leading_indent,
    starts_lower,
    title_shaped,
    unwrap_paragraph,
)
from worker.pipeline.text.normalize import (
    comparison_key as _comparison_key,
    normalize_text,
    normalized_comparison_key,
    normalized_lines,
)

__all__ = ["segment_text", "finish_article"]

# One page asks for the same block's comparison key from several stages (the walk, the
# repeat checks, the title chooser, the merge): a bounded cache of the pure function.
comparison_key = lru_cache(maxsize=8192)(_comparison_key)


def clear_caches() -> None:
    """Empty the per-process text caches (a benchmark that runs the same pages again
    must not be served from its previous pass)."""
    comparison_key.cache_clear()
    content_words.cache_clear()

_TEXT, _BULLET, _SEP, _RELATED = "text", "bullet", "sep", "related"
_LOOKAHEAD_PARAS = 8
_MIN_PARAS_BEFORE_TOPIC_SPLIT = 3
_MIN_HEADLINE_WORDS = 4
_PROPOSE_GAP = 8  # furniture blocks after which body text may open a candidate article
MAX_CHARS = 600_000  # segmentation input cap (characters); see _bounded
MAX_LINES = 12_000  # and lines


class _Unit:
    """A paragraph-level item of the page, in order."""

    __slots__ = ("kind", "text", "titleish", "dateline", "dropped", "score", "site_repeat", "_words")

    def __init__(self, kind: str, text: str) -> None:
        self.kind = kind
        self.text = text
        # A dateline paragraph is never a headline (one dateline test serves both).
        if kind == _TEXT:
            self.dateline = has_dateline(text)
            self.titleish = not self.dateline and title_shaped(text)
        else:
            self.titleish = self.dateline = False
        self.dropped = False
        self.score = 0.0  # the block model's log-odds of article text
        self.site_repeat = False  # printed on many pages of this site: never a title
        self._words: set[str] | None = None

    @property
    def words(self) -> set[str]:
        if self._words is None:
            self._words = content_words(self.text)
        return self._words


class _Article:
    __slots__ = ("title", "paragraphs", "highlights", "vocab", "title_key", "_keys", "_keyed", "first", "last", "cue", "closed", "closed_at", "byline")

    def __init__(self, title: str | None, first: int = 0, cue: str = "first") -> None:
        self.first = first  # index of the unit that opened it
        self.last = first  # index of its last unit
        self.cue = cue  # why it was opened: first, sep, dateline, topic
        self.closed = False  # its title was printed below its body (a strong end)
        self.byline = False  # a byline was printed at its start
        self.closed_at = -1  # the block of that title
        self.title = title
        self.title_key = comparison_key(title) if title else None
        self.paragraphs: list[str] = []
        self.highlights: list[str] = []
        self.vocab = Vocabulary()
        self._keys: set[str] = set()
        self._keyed = 0  # paragraphs already in _keys
        if title:
            self.vocab.add(title)

    def set_title(self, title: str) -> None:
        self.title = title
        self.title_key = comparison_key(title)
        self.vocab.add(title)

    def repeats(self, text: str) -> bool:
        """Whether ``text`` is already one of this article's paragraphs."""
        for p in self.paragraphs[self._keyed:]:
            self._keys.add(comparison_key(p))
        self._keyed = len(self.paragraphs)
        return comparison_key(text) in self._keys

    def add(self, text: str, at: int = -1) -> None:
        self.last = max(self.last, at)
        self.paragraphs.append(text)
        self.vocab.add(text)


# --------------------------------------------------------------------------- pass 1


def _lines(body: str) -> list[Line]:
    """Every physical line, normalised (for the whole body at once where it can be) and
    classified; the bullet and indentation tests run only on lines that start with a
    bullet or a space."""
    raws = body.splitlines()
    out: list[Line] = []
    append = out.append
    for raw, text in zip(raws, normalized_lines(body, raws)):
        if not text:
            append(Line(raw, "", 0, "blank"))
            continue
        kind = classify_line(raw, text)
        if kind is None:
            kind = _BULLET if text[0] in BULLET_CHARS and bullet_text(text) is not None else _TEXT
        append(Line(raw, text, leading_indent(raw) if raw[0] in INDENT_CHARS else 0, kind))
    return out


def _units(lines: list[Line], stats: Stats, bylines: list[int] | None = None) -> list[_Unit]:
    """Blocks of the page. ``bylines`` collects where byline lines were removed (the index
    of the block being read then): a headline with a byline under it opens an article."""
    width = estimate_wrap_width([len(ln.text) for ln in lines if ln.kind == _TEXT])
    units: list[_Unit] = []
    block: list[Line] = []

    def flush() -> None:
        if block:
            for para in block_paragraphs(block, width):
                units.append(_Unit(_TEXT, para))
            block.clear()

    bullet: list[str] = []  # pieces of the bullet being read (it may wrap onto more lines)

    def flush_bullet() -> None:
        if bullet:
            units.append(_Unit(_BULLET, " ".join(bullet)))
            bullet.clear()

    for ln in lines:
        if ln.kind == _TEXT:
            if bullet and starts_lower(ln.text):
                bullet.append(ln.text)  # a hard-wrapped bullet continues on this line
                continue
            flush_bullet()
            block.append(ln)
            continue
        flush_bullet()
        if ln.kind == BYLINE:
            stats.drop(SEGMENT, "byline_line")
            if bylines is not None:
                bylines.append(len(units) + (1 if block else 0))
            continue  # credits sit between title and body; they separate nothing
        flush()
        if ln.kind == _BULLET:
            bullet.append(ln.text)
        elif ln.kind == CHROME:
            stats.drop(SEGMENT, "chrome_line")
            units.append(_Unit(_SEP, ln.text))
        elif ln.kind == RELATED:
            stats.drop(SEGMENT, "related_heading")
            units.append(_Unit(_RELATED, ln.text))
    flush()
    flush_bullet()
    return units


def page_units(body: str) -> list[tuple[str, str, bool, bool]]:
    """The blocks the classifier sees, as ``(kind, text, titleish, dateline)``: for
    training (``eval/train_lines.py``) exactly what :func:`segment_text` scores."""
    return [(u.kind, u.text, u.titleish, u.dateline) for u in _units(_lines(_bounded(body)), Stats())]


_MAX_SITE_REPEAT_SHARE = 0.7  # more of the page than this recurring: the same page again


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _drop_site_repeats(units: list[_Unit], sites: SiteLineSketch, site: str, stats: Stats) -> None:
    """Drop blocks this site printed on several earlier pages, then count this page in.

    Blocks are hashed by sentence: how lines are rebuilt into paragraphs depends on the
    page's wrap width, so one footer may be one block on this page and two on the next."""
    idx = [i for i, u in enumerate(units) if u.kind in (_TEXT, _BULLET)]
    pieces = [_SENTENCE_END.split(comparison_key(units[i].text))[:20] for i in idx]
    keys = [k for ps in pieces for k in ps]
    if sites.pages(site) >= sites.min_pages:
        counts = iter(sites.counts(site, keys))
        hits = []
        for i, ps in zip(idx, pieces):
            if min(next(counts) for _ in ps) >= sites.min_pages:
                hits.append(i)
        if hits and len(hits) <= _MAX_SITE_REPEAT_SHARE * len(idx):
            for i in hits:
                units[i].dropped = True
                units[i].site_repeat = True
            stats.drop(SEGMENT, "repeated_on_site", len(hits))
    sites.observe(site, keys)


_MIN_PAGE_STOP_SHARE = 0.08  # below this the page is not in the stopword list's language


def _drop_boilerplate(units: list[_Unit], stats: Stats) -> None:
    """Mark the blocks the learned classifier scores as furniture (see lines.py).

    The model reads English function words; on a page in another language (or script
    without spaces) its scores mean nothing, so such a page keeps its blocks and relies on
    the line rules alone. Nor may it leave a page with no text: then it is not used."""
    model = MODEL()
    if model is None or not units:
        return
    x = features([(u.kind, u.text, u.titleish, u.dateline) for u in units])
    tokens = np.expm1(x[:, 0])
    if float((x[:, 2] * tokens).sum()) < _MIN_PAGE_STOP_SHARE * float(tokens.sum()):
        stats.did(SEGMENT, "block_model_skipped_language")
        return
    scores = model.scores(x)
    below = (scores < model.cuts(x)).tolist()
    drop = [b and u.kind in (_TEXT, _BULLET) for u, b in zip(units, below)]
    if all(d or u.kind not in (_TEXT, _BULLET) for d, u in zip(drop, units)):
        stats.did(SEGMENT, "block_model_kept_all")
        return
    for u, z, d in zip(units, scores.tolist(), drop):
        u.score = z
        if d:
            u.dropped = True
            stats.drop(SEGMENT, "boilerplate_block")


# --------------------------------------------------------------------------- pass 2


def _is_body(u: _Unit) -> bool:
    return u.kind == _TEXT and not u.titleish and not u.dropped


def _drop_related_lists(units: list[_Unit], stats: Stats) -> None:
    """Headlines listed under "Related:"/"Most read" are other stories: drop them.

    The list ends at body text, or at a headline that is directly followed by body
    text (that one is the next article's own title).
    """
    n = len(units)
    i = 0
    while i < n:
        if units[i].kind != _RELATED:
            i += 1
            continue
        j = i + 1
        while j < n:
            u = units[j]
            if u.kind in (_SEP, _RELATED):
                j += 1
                continue
            if u.kind == _BULLET:
                u.dropped = True
                stats.drop(SEGMENT, "related_link")
                j += 1
                continue
            if not u.titleish:
                break
            if j + 1 < n and (_is_body(units[j + 1]) or units[j + 1].kind == _BULLET and _bullets_then_body(units, j + 1)):
                break
            u.dropped = True
            stats.drop(SEGMENT, "related_link")
            j += 1
        i = j


def _bullets_then_body(units: list[_Unit], j: int) -> bool:
    n = len(units)
    while j < n and units[j].kind == _BULLET:
        j += 1
    return j < n and _is_body(units[j])


# --------------------------------------------------------------------------- pass 3


def _next_live(units: list[_Unit], i: int, skip_seps: bool) -> int | None:
    n = len(units)
    j = i + 1
    while j < n:
        u = units[j]
        if u.dropped:
            j += 1
            continue
        if skip_seps and u.kind in (_SEP, _RELATED):
            j += 1
            continue
        return j
    return None


def _body_follows(units: list[_Unit], i: int, skip_seps: bool) -> int | None:
    """Index of body text that the headline at ``i`` introduces, if any.

    Allows one headline-shaped line in between (a standfirst or first subheading) and
    a bullet list of highlights.
    """
    j = _next_live(units, i, skip_seps)
    hops = 0
    while j is not None:
        u = units[j]
        if _is_body(u):
            return j
        if u.kind == _BULLET:
            j = _next_live(units, j, False)
            continue
        if u.kind == _TEXT and u.titleish and hops == 0:
            hops += 1
            j = _next_live(units, j, False)
            continue
        return None
    return None


def _lookahead_vocab(units: list[_Unit], start: int) -> set[str]:
    """Content words from ``start`` up to the next hard boundary (chrome, dateline)."""
    words: set[str] = set()
    taken = 0
    j: int | None = start
    while j is not None and taken < _LOOKAHEAD_PARAS:
        u = units[j]
        if u.kind == _TEXT:
            if taken and u.dateline:
                break
            words |= u.words
            taken += 1
        elif u.kind != _BULLET:
            break
        j = _next_live(units, j, False)
    return words


def _walk(units: list[_Unit]) -> list[_Article]:
    articles: list[_Article] = []
    cur: _Article | None = None
    highlight_target: _Article | None = None  # set right after a title line
    after_sep = False
    by_title: dict[str, _Article] = {}
    last_live = -1  # index of the previous unit that was not dropped
    title_at = -2  # index of the unit that gave the current article its leading title

    def start(title: str | None, at: int, cue: str) -> _Article:
        nonlocal cur
        cue = cue if articles else "first"
        cur = _Article(title, at, cue)
        articles.append(cur)
        if title:
            by_title.setdefault(cur.title_key or "", cur)
        return cur

    gap = 0  # furniture blocks since the last live text
    for i, u in enumerate(units):
        if u.dropped:
            after_sep = after_sep or u.kind == _TEXT  # furniture between two blocks separates them
            gap += 1
            continue
        prev_live, last_live = last_live, i
        if u.kind in (_SEP, _RELATED):
            after_sep = True
            gap += 1
            continue
        long_gap, gap = gap >= _PROPOSE_GAP, 0
        if u.kind == _BULLET:
            item = bullet_text(u.text) or u.text
            if highlight_target is not None:
                highlight_target.highlights.append(item)
                # Highlights printed after a body close that article.
                after_sep = after_sep or bool(highlight_target.paragraphs)
            elif cur is not None and cur.paragraphs:
                cur.add(u.text, i)
            continue
        # text
        if u.titleish:
            key = comparison_key(u.text)
            seen = by_title.get(key)
            if seen is not None:
                highlight_target = seen
                after_sep = bool(seen.paragraphs)  # a title repeated below its body ends it
                continue
            direct = _body_follows(units, i, skip_seps=False)
            if direct is not None:
                if cur is None or not cur.paragraphs:
                    if cur is not None and cur.title and prev_live == title_at:
                        cur.add(u.text, i)  # a standfirst or first subheading under the title
                    elif cur is not None and cur.title:
                        cur.set_title(u.text)  # the earlier headline introduced nothing
                        by_title.setdefault(cur.title_key or "", cur)
                    else:
                        start(u.text, i, "first")
                        title_at = i
                    highlight_target = cur
                elif after_sep or units[direct].dateline or (
                    _may_end_here(cur, u.text) and not _same_topic(cur, units, i, direct)
                ):
                    start(u.text, i, "dateline" if units[direct].dateline else "sep" if after_sep else "topic")
                    title_at = i
                    highlight_target = cur
                else:
                    cur.add(u.text, i)
                    highlight_target = None
                after_sep = False
                continue
            # Nothing but chrome, bullets or another headline follows.
            # A headline printed again after a short-URL/share box is this article's title.
            nxt = _next_live(units, i, skip_seps=True)
            repeated = (
                nxt is not None and nxt > i + 1 and units[i + 1].kind in (_SEP, _RELATED)
                and comparison_key(units[nxt].text) == key
            )
            if cur is not None and cur.paragraphs and (cur.title is None or repeated):
                if cur.title is not None and repeated:
                    cur.paragraphs.insert(0, cur.title)  # the printed title wins
                cur.set_title(u.text)
                by_title.setdefault(cur.title_key or "", cur)
                highlight_target = cur
                cur.closed = True
                cur.closed_at = i
                after_sep = True  # a title printed below its body ends the article
                continue
            else:
                later = _body_follows(units, i, skip_seps=True)
                if later is not None and (
                    cur is None or not cur.paragraphs
                    or (_may_end_here(cur, u.text) and _new_topic_after(cur, units, i, later))
                ):
                    start(u.text, i, "topic")
                    title_at = i
                    highlight_target = cur
                elif cur is not None and cur.paragraphs:
                    cur.add(u.text, i)
                    highlight_target = None
            after_sep = False
            continue
        # body paragraph
        if u.dateline and cur is not None and cur.paragraphs and not cur.repeats(u.text):
            start(None, i, "dateline")
        elif long_gap and cur is not None and cur.paragraphs and not cur.repeats(u.text):
            start(None, i, "gap")  # a page frame in between (the split model decides)
        elif cur is None:
            start(None, i, "first")
        assert cur is not None
        cur.add(u.text, i)
        highlight_target = None
        after_sep = False
    return articles


def _may_end_here(cur: _Article, headline: str) -> bool:
    """Whether a headline with no chrome or dateline cue may close the article before it.

    Only on lexical evidence, and only when the article so far looks finished (a few
    paragraphs, the last one a complete sentence) and the headline is headline-sized:
    short labels ("Watering and Feeding") are section heads far more often.
    """
    return (
        len(cur.paragraphs) >= _MIN_PARAS_BEFORE_TOPIC_SPLIT
        and ends_sentence(cur.paragraphs[-1])
        and headline.count(" ") + 1 >= _MIN_HEADLINE_WORDS
    )


def _same_topic(cur: _Article, units: list[_Unit], i: int, body: int) -> bool:
    ahead = units[i].words | _lookahead_vocab(units, body)
    return shares_topic(cur.vocab, ahead)


def _new_topic_after(cur: _Article, units: list[_Unit], i: int, body: int) -> bool:
    return not _same_topic(cur, units, i, body)


# --------------------------------------------------------------------------- API


def segment_text(
    body: str, stats: Stats | None = None, sites: SiteLineSketch | None = None, site: str | None = None
) -> list[Segment]:
    """A plain-text scraped page -> its articles, in page order.

    ``sites``/``site``: the caller's sketch of lines seen on earlier pages of each site and
    this page's site; lines that recur across the site's pages are dropped as furniture.
    Without them (or for a site not seen yet) the page is segmented on its own."""
    stats = stats if stats is not None else Stats()
    if not body or not body.strip():
        stats.drop(SEGMENT, "empty_body")
        return []
    out, arts, units = candidate_articles(body, stats, sites, site)
    out, arts = _merge_weak_splits(out, arts, units, stats)
    _keep_main_run(out, arts, units, stats)
    _drop_furniture_copies(out, units, stats)
    _retitle(out, arts, units, body, stats)
    stats.did(SEGMENT, "articles", len(out))
    return out


_SHORT_PARAGRAPH = 12  # words: a kept paragraph this short that holds a dropped text is that text's frame
_PART_SHARE = 0.4  # ... when the dropped text is at least this share of it (characters of the key)
_MAX_DROPPED_KEYS = 500  # bound on the dropped texts looked for
_WORD = re.compile(r"[^\W_]+")


def _drop_furniture_copies(out: list[Segment], units: list[_Unit], stats: Stats) -> None:
    """A text printed several times on a page is one thing: a call to action repeated
    after every section, a teaser in the sidebar and again in the footer. When the block
    model dropped one of its copies as furniture while context let another through, no
    copy may reach an article. So too a short kept paragraph that is mostly a dropped
    text in other words ("Subscribe to the X Newsletter" where "X Newsletter" was
    dropped, "By Jane Doe 5 min read" where "Jane Doe" was). Done on the finished
    articles, so the walk, the split model and the title chooser see the page as before."""
    # In page order, not a set's: which texts the bound below keeps must not depend on
    # string hashing (PYTHONHASHSEED), or two worker processes could cut one page into
    # different articles, with different ids, and a replay would not repeat its verdict.
    in_order = list(dict.fromkeys(comparison_key(u.text) for u in units if u.dropped and u.kind in (_TEXT, _BULLET)))
    if not in_order:
        return
    dropped = set(in_order)
    # A finished paragraph comes from a kept block: its key among the dropped ones means a
    # copy was dropped. Dropped texts of two words or more (one word, "Research", is too
    # common to tell) are indexed by their first word: a paragraph is looked up by its own.
    parts: dict[str, list[str]] = {}
    n_parts = 0
    for k in in_order:
        if " " in k and n_parts < _MAX_DROPPED_KEYS:
            m = _WORD.search(k)
            if m is not None:
                parts.setdefault(m.group(), []).append(k)
                n_parts += 1

    def framed(p: str, pk: str) -> bool:
        if not parts or p.count(" ") + 1 > _SHORT_PARAGRAPH:
            return False
        for w in set(_WORD.findall(pk)):
            for k in parts.get(w, ()):
                if _PART_SHARE * len(pk) <= len(k) < len(pk) and k in pk and _has_phrase(pk, k):
                    return True
        return False

    for seg in out:
        kept = [p for p in seg.paragraphs if (pk := comparison_key(p)) not in dropped and not framed(p, pk)]
        if kept and len(kept) < len(seg.paragraphs):
            stats.drop(SEGMENT, "copy_dropped_elsewhere", len(seg.paragraphs) - len(kept))
            seg.paragraphs[:] = kept


def title_candidates(
    art: _Article, units: list[_Unit], body: str, counts: dict[str, int] | None = None, blocks: "_Blocks | None" = None
) -> list[tuple[int, list[float]]]:
    """The blocks that could be ``art``'s headline, with their features (titles.py)."""
    anchor = _anchor(art, units)
    blocks = blocks if blocks is not None else _Blocks(units)
    if counts is None:
        counts = _block_counts(units)
    first_line = body[: body.find("\n") if "\n" in body else len(body)].strip()
    lead: set[str] = set()
    for para in art.paragraphs[:3]:
        lead |= content_words(para)
    extra = [art.closed_at] if art.closed and art.closed_at >= 0 else []
    return candidates(blocks, anchor, art.title, first_line, counts, art.vocab.words, lead, extra)


_ANCHOR_WORDS = 15  # the article's body starts at its first block of prose this long
_ANCHOR_SCORE = 1.0  # that the block model is this sure of


def _anchor(art: _Article, units: list[_Unit]) -> int:
    """Where the article's body starts: its first confident prose block (kept furniture
    at its head is skipped), else its first body block."""
    n = len(units)
    first_body = None
    j = art.first
    while j <= min(art.last, n - 1):
        u = units[j]
        if _is_body(u) or u.dateline:
            if first_body is None:
                first_body = j
            if u.dateline or (u.score >= _ANCHOR_SCORE and u.text.count(" ") + 1 >= _ANCHOR_WORDS):
                return j
        j += 1
    return first_body if first_body is not None else art.first


class _Blocks:
    """The page's blocks as titles.py reads them, built only for the indexes it looks at."""

    __slots__ = ("_units", "_made")

    def __init__(self, units: list[_Unit]) -> None:
        self._units = units
        self._made: dict[int, Block] = {}

    def __len__(self) -> int:
        return len(self._units)

    def __getitem__(self, i: int) -> Block:
        b = self._made.get(i)
        if b is None:
            u = self._units[i]
            b = self._made[i] = Block(u.text, u.score, u.dropped, u.titleish, "repeat" if u.site_repeat else u.kind)
        return b


def _block_counts(units: list[_Unit]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for u in units:
        if u.kind == _TEXT and len(u.text) < 300:
            k = comparison_key(u.text)
            counts[k] = counts.get(k, 0) + 1
    return counts


_GAP_COST = 1.0  # words of furniture weigh this much against words of text (tuned)
_MIN_GAP_WORDS = 3  # a furniture block weighs at least this many words
# A kept block of at most _EDGE_WORDS words that the block model scores below _EDGE_SCORE
# (it was kept on the strength of the text around it) weighs like furniture in the run:
# between paragraphs it stays (a subheading), at the end of the text it does not extend
# the article ("You may also like these", "Subscribe to ..." under the last paragraph).
# Chosen on the tuning halves (eval/textpages.py --half tune).
_EDGE_SCORE = 1.0
_EDGE_WORDS = 12
_EDGE_COST = 1.0


def _keep_main_run(out: list[Segment], arts: list[_Article], units: list[_Unit], stats: Stats) -> None:
    """An article is one run of text: blocks the walk gave it across a long stretch of
    furniture (a comment thread below the footer, a promo box above the menu) are cut
    off. The run is the stretch of the article's blocks where text words outweigh the
    furniture words between them (maximum-sum subarray, as boilerpipe keeps the largest
    text block). A short block the model was unsure of counts as furniture here (see
    _EDGE_SCORE); on a page the model did not score (all scores 0) it counts as text."""
    scored = any(u.score != 0.0 for u in units)
    for seg, art in zip(out, arts):
        lo, hi = art.first, min(art.last, len(units) - 1)
        if hi <= lo:
            continue
        best = cur = 0.0
        best_span = (lo, hi)
        start = lo
        for j in range(lo, hi + 1):
            u = units[j]
            n = u.text.count(" ") + 1
            if u.dropped or u.kind in (_SEP, _RELATED):
                w = -_GAP_COST * max(n, _MIN_GAP_WORDS)
            elif scored and u.score < _EDGE_SCORE and n <= _EDGE_WORDS:
                w = -_EDGE_COST * max(n, _MIN_GAP_WORDS)
            else:
                w = float(n)
            if cur <= 0:
                cur, start = w, j
            else:
                cur += w
            if cur > best:
                best, best_span = cur, (start, j)
        a, b = best_span
        outside = {id(units[j].text) for j in range(lo, hi + 1) if (j < a or j > b) and not units[j].dropped}
        if not outside:
            continue
        kept = [p for p in seg.paragraphs if id(p) not in outside]
        if kept and len(kept) < len(seg.paragraphs):
            stats.drop(SEGMENT, "outside_main_run", len(seg.paragraphs) - len(kept))
            seg.paragraphs[:] = kept


def _retitle(out: list[Segment], arts: list[_Article], units: list[_Unit], body: str, stats: Stats) -> None:
    """Give each article the best-scoring headline near its start (titles.py), unless
    its title was printed below its body (then the walk already knows it)."""
    model = MODEL()
    if model is None or model.title is None:
        return
    counts = _block_counts(units)
    blocks = _Blocks(units)
    for seg, art in zip(out, arts):
        best, best_z = None, model.title_threshold
        cands = title_candidates(art, units, body, counts, blocks)
        for (j, _f), z in zip(cands, model.title_scores([f for _j, f in cands])):
            if z > best_z:
                best, best_z = j, z
        if best is None:
            continue
        best = _as_written(best, [j for j, _f in cands], units)
        title = _bare_title(units[best].text, best, units)
        if seg.title == title:
            continue
        seg.title = title
        key = comparison_key(title)
        kept = [p for p in seg.paragraphs if comparison_key(p) != key]
        if len(kept) < len(seg.paragraphs) and kept:
            stats.drop(CLEANUP, "title_repeated_in_body", len(seg.paragraphs) - len(kept))
            seg.paragraphs[:] = kept


def _as_written(best: int, cands: list[int], units: list[_Unit]) -> int:
    """A headline printed in capitals (a style: CSS upper-casing) that the page prints
    again as written among the candidates: the written copy."""
    if not units[best].text.isupper():
        return best
    key = comparison_key(units[best].text)
    for j in cands:
        if not units[j].text.isupper() and comparison_key(units[j].text) == key:
            return j
    return best


# A page's <title> is often "Headline | Site", "Headline - Site" or "Home » Section » Headline".
_TITLE_SUFFIX = re.compile(r"\s(?:\||–|—|-|·|::)\s")
_CRUMB = re.compile(r"\s[»›]\s")
_SITE_WORDS = 5  # a site name is at most this many words


def _has_phrase(text_key: str, phrase_key: str) -> bool:
    """``phrase_key`` occurs in ``text_key`` as whole words."""
    k = text_key.find(phrase_key)
    while k >= 0:
        end = k + len(phrase_key)
        if (k == 0 or not text_key[k - 1].isalnum()) and (end == len(text_key) or not text_key[end].isalnum()):
            return True
        k = text_key.find(phrase_key, k + 1)
    return False


def _bare_title(title: str, at: int, units: list[_Unit]) -> str:
    """``title`` without its breadcrumb trail ("Home » Blog » ...") and without a trailing
    site name ("... | Site"), the latter only where the page says so: the headline without
    it is printed elsewhere on the page (or is the start of such a line), or the site name
    is printed elsewhere on the page."""
    parts = _CRUMB.split(title)
    if len(parts) > 1 and parts[-1].count(" ") >= 2:
        title = parts[-1]
    seps = list(_TITLE_SUFFIX.finditer(title))
    if not seps:
        return title
    m = seps[-1]
    head, tail = title[: m.start()].strip(), title[m.end():].strip()
    if not tail or tail.count(" ") + 1 > _SITE_WORDS or head.count(" ") < 1:
        return title
    if any(w[:1].islower() for w in tail.split()):
        return title  # a name is capitalised; "- from our reporter" is part of the headline
    head_key, tail_key = comparison_key(head), comparison_key(tail)
    for j, u in enumerate(units):
        if j == at or u.kind not in (_TEXT, _BULLET, _SEP):
            continue
        if u.kind == _TEXT and len(u.text) < 300:
            key = comparison_key(u.text)
            if key == head_key or (len(key) >= 0.6 * len(head_key) and head_key.startswith(key)):
                return head
        if len(tail_key) >= 3 and (u.dropped or u.kind == _SEP) and _has_phrase(comparison_key(u.text), tail_key):
            return head
    return title


def candidate_articles(
    body: str, stats: Stats, sites: SiteLineSketch | None = None, site: str | None = None
) -> tuple[list[Segment], list[_Article], list[_Unit]]:
    """Every article the walk opens (before weak splits are merged back), with the walk's
    record of each and the page's blocks: what the split model is trained on."""
    bounded = _bounded(body)
    if len(bounded) < len(body):
        stats.drop(SEGMENT, "page_cut_at_size_limit")
    bylines: list[int] = []
    units = _units(_lines(bounded), stats, bylines)
    if sites is not None and site:
        _drop_site_repeats(units, sites, site, stats)
    _drop_boilerplate(units, stats)
    _drop_related_lists(units, stats)
    out: list[Segment] = []
    arts: list[_Article] = []
    # Word 3-grams of the kept articles, for the printed-twice check. Built only once a
    # second article needs comparing: most pages hold a single article.
    kept: list[ParagraphDeduper] = []
    kept_grams: list[set[tuple[str, str, str]]] = []
    page_grams: set[tuple[str, str, str]] = set()  # union of kept_grams
    walked = _walk(units)
    _account_strays(units, walked, stats)
    for art in walked:
        seg, dedupe = _finish(art.title, art.paragraphs, art.highlights, clean=True, stats=stats)
        if seg is None:
            stats.drop(CLEANUP, "no_paragraphs_left")
            continue
        if kept:
            for d in kept[len(kept_grams):]:
                kept_grams.append(d.grams)
                page_grams |= d.grams
            # A whole article block printed twice: keep the first copy only.
            dup_of = repeat_of(dedupe.grams, page_grams, kept_grams)
            if dup_of is not None:
                stats.drop(SEGMENT, "article_printed_twice")
                if out[dup_of].title is None and seg.title:
                    out[dup_of].title = seg.title
                continue
        kept.append(dedupe)
        out.append(seg)
        arts.append(art)
    for a in arts:
        a.byline = any(a.first - 1 <= p <= a.first + 3 for p in bylines)
    return out, arts, units


SPLIT_FEATURES = (
    "dateline", "sep", "topic", "closed", "titled", "log_gap_units", "log_gap_words", "share",
    "log_b_words", "log_a_words", "a_terminal", "title_words",
    "sqrt_share", "topic_x_share", "sep_x_share", "closed_x_share", "dateline_x_share", "gap_x_share",
    "byline", "log_chrome_units", "log_a_paras", "log_b_paras", "wire_dateline", "gap",
)


def _account_strays(units: list[_Unit], walked: list[_Article], stats: Stats) -> None:
    """Blocks the walk gave no role (headline-shaped lines that introduce nothing): counted
    as dropped, or, when the walk found no article at all, made into one. A headline over
    rows of figures (an earnings table) or a one-line brief is news too."""
    used: set[int] = set()  # the walk stores the blocks' own strings: identity suffices
    hl_keys: set[str] = set()
    for a in walked:
        if a.title:
            used.add(id(a.title))
        used.update(id(p) for p in a.paragraphs)
        hl_keys.update(comparison_key(h) for h in a.highlights)
    strays = [(i, u) for i, u in enumerate(units)
              if not u.dropped and u.kind in (_TEXT, _BULLET) and id(u.text) not in used
              and (u.kind != _BULLET or comparison_key(bullet_text(u.text) or u.text) not in hl_keys)]
    if not strays:
        return
    if walked:
        stats.drop(SEGMENT, "headline_without_body", len(strays))
        return
    first_i, first = strays[0]
    rest = strays[1:]
    art = _Article(first.text if first.titleish and rest else None, first_i, "first")
    for i, u in (rest if art.title else strays):
        art.add(u.text, i)
    walked.append(art)


_WIRE = 22  # index of wire_dateline in SPLIT_FEATURES


def split_evidence(a: _Article, b: _Article, units: list[_Unit]) -> list[float]:
    """What lies between two articles the walk separated, and how they differ
    (named by SPLIT_FEATURES)."""
    gap_units = gap_words = chrome = 0
    for u in units[a.last + 1:b.first]:
        if u.dropped or u.kind in (_SEP, _RELATED):
            gap_units += 1
            gap_words += u.text.count(" ") + 1
            chrome += u.kind != _TEXT
    share = topic_share(a.vocab, b.vocab.words)
    cue_d, cue_s, cue_t = float(b.cue == "dateline"), float(b.cue == "sep"), float(b.cue == "topic")
    log_gap = math.log1p(gap_units)
    return [
        cue_d,
        cue_s,
        cue_t,
        float(a.closed),
        float(b.title is not None),
        log_gap,
        math.log1p(gap_words),
        share,
        math.log1p(sum(p.count(" ") + 1 for p in b.paragraphs)),
        math.log1p(sum(p.count(" ") + 1 for p in a.paragraphs)),
        float(bool(a.paragraphs) and ends_sentence(a.paragraphs[-1])),
        float(b.title.count(" ") + 1) if b.title else 0.0,
        math.sqrt(share),
        cue_t * share,
        cue_s * share,
        float(a.closed) * share,
        cue_d * share,
        log_gap * share,
        float(b.byline),
        math.log1p(chrome),
        math.log1p(len(a.paragraphs)),
        math.log1p(len(b.paragraphs)),
        float(b.cue == "dateline" and wire_dateline(b)),
        float(b.cue == "gap"),
    ]


_DATED = re.compile(r"\d|\(")


def wire_dateline(art: _Article) -> bool:
    """Whether the article opens with a dateline that names a known place or carries a
    date or an agency: "GENEVA:", "LONDON, March 2 -", "OSLO (Reuters) -". Upper-case
    labels shaped like datelines ("FYI:", "READ:", "PPC:") are none of these."""
    for para in art.paragraphs[:2]:
        place, _rest = split_dateline(para)
        if place is None:
            continue
        if _DATED.search(place):
            return True
        return resolve_place(place.split(",")[0].strip().title()) is not None
    return False


def strong_split(ev: list[float]) -> bool:
    """A page holds one article unless the evidence for a second is strong: the learned
    split model (lines.py, trained with the block model) weighs a dateline, a title
    printed below the previous body, the furniture in between and the shared vocabulary."""
    if ev[4] and ev[_WIRE]:
        return True  # a headline, then a wire dateline
    model = MODEL()
    return model is not None and model.split is not None and model.split_score(ev) > 0.0


def _merge_weak_splits(
    out: list[Segment], arts: list[_Article], units: list[_Unit], stats: Stats
) -> tuple[list[Segment], list[_Article]]:
    if len(out) < 2:
        return out, arts
    merged = [out[0]]
    kept_arts = [arts[0]]
    prev = arts[0]
    for seg, art in zip(out[1:], arts[1:]):
        if strong_split(split_evidence(prev, art, units)):
            merged.append(seg)
            kept_arts.append(art)
            prev = art
            continue
        host = merged[-1]
        have = {comparison_key(p) for p in host.paragraphs}
        if host.title:
            have.add(comparison_key(host.title))
        first = seg.paragraphs[:1]
        if seg.dateline and first:
            first = [f"{seg.dateline} - {first[0]}"]  # the dateline goes back where it was
        for p in ([seg.title] if seg.title else []) + first + seg.paragraphs[1:]:
            key = comparison_key(p)
            if key in have:
                stats.drop(CLEANUP, "repeated_paragraph")
                continue
            have.add(key)
            host.paragraphs.append(p)
        hl = set(host.highlights)
        host.highlights.extend(h for h in seg.highlights if h not in hl)
        stats.did(SEGMENT, "weak_split_merged")
        prev.last = art.last
        prev.vocab = art.vocab if not prev.paragraphs else prev.vocab
        for p in art.paragraphs:
            prev.add(p, art.last)
    return merged, kept_arts


def _bounded(body: str) -> str:
    """The part of ``body`` we segment: at most MAX_CHARS characters and MAX_LINES lines.

    No news page needs more; the cap bounds the worst case (megabytes of one-word
    lines) to a fraction of a second. The cut falls on a line boundary when there is one.
    """
    if len(body) > MAX_CHARS:
        cut = body.rfind("\n", 0, MAX_CHARS)
        body = body[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
    if body.count("\n", 0, MAX_LINES * 200) >= MAX_LINES:
        pos = -1
        for _ in range(MAX_LINES):
            pos = body.find("\n", pos + 1)
        body = body[:pos]
    return body


def finish_article(
    title: str | None, paragraphs: list[str], highlights: list[str] | None = None, stats: Stats | None = None
) -> Segment | None:
    """Shared cleanup of one article's blocks; None when nothing article-like remains.

    Unwraps hard-wrapped and broken lines, drops chrome lines and repeated paragraphs
    (exact after normalisation, or wholly contained in an earlier one), and moves a
    leading dateline out of the first paragraph.
    """
    stats = stats if stats is not None else Stats()
    seg = _finish(title, paragraphs, highlights, clean=False, stats=stats)[0]
    if seg is None:
        stats.drop(CLEANUP, "no_paragraphs_left")
    return seg


def _finish(
    title: str | None, paragraphs: list[str], highlights: list[str] | None, clean: bool, stats: Stats
) -> tuple[Segment | None, ParagraphDeduper]:
    """``clean``: paragraphs are already unwrapped, normalised and chrome-free."""
    title_text = normalize_text(title) if title else None
    title_key = comparison_key(title_text) if title_text else None

    pieces: list[list[str]] = []  # paragraphs as lists of pieces, joined once at the end
    for p in paragraphs:
        for para in ([p] if clean else unwrap_paragraph(p)):
            if not clean and classify_line(para, para) is not None:
                stats.drop(CLEANUP, "chrome_paragraph")
                continue
            if pieces and _broken_between(pieces[-1][-1], para) and bullet_text(para) is None:
                pieces[-1].append(para)
            else:
                pieces.append([para])
    flat = [" ".join(ps) if len(ps) > 1 else ps[0] for ps in pieces]

    dedupe = ParagraphDeduper()
    kept: list[str] = []
    for para in flat:
        key = normalized_comparison_key(para)  # every piece above is normalised text
        if key == title_key:
            stats.drop(CLEANUP, "title_repeated_in_body")
            continue
        if dedupe.seen(para, key):
            stats.drop(CLEANUP, "repeated_paragraph")
            continue
        kept.append(para)
    if not kept:
        return None, dedupe

    dateline, first = split_dateline(kept[0])
    if dateline is not None:
        kept[0] = first

    hl: list[str] = []
    hl_keys: set[str] = set()
    for h in highlights or ():
        t = normalize_text(h)
        b = bullet_text(t)
        t = b if b is not None else t
        k = comparison_key(t)
        if t and k not in hl_keys:
            hl_keys.add(k)
            hl.append(t)
    seg = Segment(title=title_text or None, paragraphs=kept, highlights=hl, dateline=dateline)
    return seg, dedupe


def _broken_between(a: str, b: str) -> bool:
    """Two separate blocks that are really one sentence split in the middle."""
    return starts_lower(b) and not ends_sentence(a) and not a.endswith(":")
