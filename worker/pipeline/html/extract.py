"""Main-content extraction from HTML pages.

One fast pass over a lexbor DOM (selectolax): remove non-prose and small furniture
subtrees in C, cut the rest into text blocks, drop furniture by markup, score containers
by the prose they hold (long, comma-rich, link-poor text, readability style), pick the
best, widen it to the ancestor holding the most prose net of link clutter (or to its
<article>), then trim the small side branches that follow the body (html_tail). Pages
with several substantial ``<article>`` elements yield one article each; a page that is
only teasers yields nothing.

Why not trafilatura on every page: on the WCXB dev pages this pass is about 6x faster
with higher shingle F1 (eval/extraction.py runs both side by side).
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from worker.pipeline.html.blocks import HEADING_TAGS, Block, collect_blocks, strip_non_prose
from worker.pipeline.html.guard import prepare
from worker.pipeline.html.tail import trim_tail
from worker.pipeline.html.title import page_title
from worker.pipeline.model import PageError
from worker.pipeline.stats import HTML, Stats

# A block counts as prose from this many characters (or a shorter full sentence).
PROSE_CHARS = 80
SENTENCE_CHARS = 30
MAX_LINK_DENSITY = 0.5
# A page needs one run of consecutive prose at least this long to hold an article.
MIN_BODY_RUN = 300
# Each <article> of a multi-article page needs this much prose.
MIN_ARTICLE_PROSE = 400
MULTI_ARTICLE_SHARE = 0.15
# A furniture-looking element holding this share of the page's prose is kept.
KEEP_FLAGGED_SHARE = 0.4
# Link characters count this many times against prose when widening the main container.
CLUTTER_WEIGHT = 3.0
# Widen to the enclosing <article> when it holds this many times the chosen node's prose.
ARTICLE_WIDEN = 1.5

# Blocks at least this long are printed once even if the page repeats them.
REPEAT_CHARS = 50
# A block ends a sentence when its last non-space character is one of these: what the
# regex r"[.!?…。:\"”’)]\s*$" searched for, without scanning the block for candidates
# (str.rstrip and the regex's \s agree on what whitespace is).
_SENTENCE_END_CHARS = frozenset(".!?…。:\"”’)")


def _ends_sentence(text: str) -> bool:
    t = text.rstrip()
    return bool(t) and t[-1] in _SENTENCE_END_CHARS


@dataclass(slots=True)
class HtmlArticle:
    title: str | None
    paragraphs: list[str]  # text blocks in reading order, whitespace-normalised, no markup


def _prose(block: Block) -> float:
    """Prose characters of a block: zero for link lists and short fragments."""
    n = len(block.text)
    if block.link_density > MAX_LINK_DENSITY:
        return 0.0
    if n >= PROSE_CHARS or (n >= SENTENCE_CHARS and _ends_sentence(block.text)):
        return n - block.link_chars
    return 0.0


def _drop_furniture(blocks: list[Block]) -> tuple[list[Block], list[float]]:
    """Drop blocks inside furniture-looking elements, unless such an element holds a
    large share of the page's prose (then its name lied: it is the content column).
    Returns the kept blocks and their prose (:func:`_prose`), computed once here."""
    total = 0.0
    inside: dict[int, float] = {}
    prose = [_prose(b) for b in blocks]
    for b, p in zip(blocks, prose):
        total += p
        if p and b.flags:
            for f in b.flags:
                inside[f] = inside.get(f, 0.0) + p
    keep_limit = KEEP_FLAGGED_SHARE * total
    kept_flags = {f for f, p in inside.items() if p >= keep_limit and p > 0}
    kept = [i for i, b in enumerate(blocks) if not b.flags or all(f in kept_flags for f in b.flags)]
    if len(kept) == len(blocks):
        return blocks, prose
    return [blocks[i] for i in kept], [prose[i] for i in kept]


# Blocks whose own element is their container (readability's paragraph tags): the credit
# of such a block starts at its parent.
_OWN_CONTAINER_TAGS = frozenset(("p", "li", "td", "dd", "pre", "blockquote"))


def _select(blocks: list[Block], prose: list[float]) -> list[int]:
    """Indices of blocks in the chosen main container, in document order."""
    score: dict[int, float] = {}
    good: dict[int, float] = {}
    bad: dict[int, float] = {}
    parent: dict[int, int | None] = {}
    order: list[int] = []  # every container once, ancestors before descendants
    for b, p in zip(blocks, prose):
        path = b.path
        if not path:
            continue
        last = path[-1]
        if last not in parent:
            prev: int | None = None
            for node in path:
                if node not in parent:
                    parent[node] = prev
                    order.append(node)
                    good[node] = bad[node] = 0.0
                prev = node
        # Sums go on the innermost container here and are rolled up once below: far
        # cheaper than adding every block to each of its dozen ancestors.
        good[last] += p
        # Clutter, the characters that make a container look like navigation: link text,
        # and all of a link-heavy line.
        bad[last] += float(len(b.text)) if b.link_density > MAX_LINK_DENSITY else float(b.link_chars)
        if p <= 0.0:
            continue
        # Readability-style credit: the block's container full, grandparent half.
        text = b.text
        credit = 1.0 + text.count(",") + min(len(text) / 100.0, 3.0)
        n = len(path) - 1 if b.tag in _OWN_CONTAINER_TAGS and len(path) > 1 else len(path)
        # the innermost three of path[:n], innermost first, at credit, credit/2, credit/3
        for level in range(min(n, 3)):
            node = path[n - 1 - level]
            score[node] = score.get(node, 0.0) + credit / (level + 1)
    for node in reversed(order):
        up = parent[node]
        if up is not None:
            good[up] += good[node]
            bad[up] += bad[node]
    if not score:
        return []
    for node in score:
        total = good[node] + bad[node]
        score[node] *= 1.0 - (bad[node] / total if total else 0.0)
    best = max(score, key=score.__getitem__)
    # Widen to the ancestor with the most prose net of clutter: page builders wrap every
    # paragraph group in its own stack of divs, so the best-scored node can be one of many.
    chosen, value = best, good[best] - CLUTTER_WEIGHT * bad[best]
    up = parent.get(best)
    while up is not None:
        v = good[up] - CLUTTER_WEIGHT * bad[up]
        if v > value:
            chosen, value = up, v
        up = parent.get(up)
    # An <article> around the body that holds much more prose than the widened node is
    # the author's own statement of where the story ends: link-heavy lists inside it
    # (changelogs, sources) can stop the net-of-clutter widening short of it.
    core_block = next(b for b in blocks if best in b.path)
    art = core_block.article
    if art is not None and art != chosen and good[art] >= ARTICLE_WIDEN * good[chosen]:
        path = core_block.path
        if path.index(art) < path.index(chosen):
            chosen = art
    indices = [i for i, b in enumerate(blocks) if chosen in b.path]
    if chosen == best:
        return indices
    return trim_tail(indices, blocks, prose, best, chosen)


def _longest_run(indices: list[int], blocks: list[Block], prose: list[float]) -> float:
    """Longest stretch of prose not broken by a link-heavy block: an article body is one
    long stretch, a teaser list many short ones between headline links."""
    best = run = 0.0
    for i in indices:
        if prose[i] > 0:
            run += prose[i]
            best = max(best, run)
        elif blocks[i].link_density > MAX_LINK_DENSITY:
            run = 0.0
    return best


def _paragraphs(indices: list[int], blocks: list[Block], title: str | None, stats: Stats) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    title_key = title.casefold() if title else None
    for i in indices:
        b = blocks[i]
        if b.link_density > MAX_LINK_DENSITY:
            stats.drop(HTML, "link_block")
            continue
        if len(b.text) >= REPEAT_CHARS:
            # Carousels and sticky bars print the same block twice; keep the first.
            if b.text in seen:
                stats.drop(HTML, "repeated_block")
                continue
            seen.add(b.text)
        if b.tag == "h1" and not out:
            stats.drop(HTML, "headline_moved_to_title")
            continue  # the headline is carried in ``title``
        if title_key and b.tag in HEADING_TAGS and b.text.casefold() == title_key:
            stats.drop(HTML, "headline_moved_to_title")
            continue
        out.append(b.text)
    return out


def _article_title(indices: list[int], blocks: list[Block]) -> str | None:
    for i in indices[:8]:
        b = blocks[i]
        if b.tag in HEADING_TAGS:
            return b.text
    return None


def extract_html(html: str, stats: Stats | None = None) -> list[HtmlArticle]:
    """Main-content articles of one page, in reading order; [] for pages without one,
    with the reason counted in ``stats``.

    Raises PageError("html_unparseable") only if the parser itself rejects the input."""
    stats = stats if stats is not None else Stats()
    if not html or html.isspace():  # as "not html.strip()", without copying the page
        stats.drop(HTML, "empty_body")
        return []
    html = prepare(html)
    try:
        tree = LexborHTMLParser(html)
    except UnicodeError:
        tree = LexborHTMLParser(html.encode("utf-8", "replace").decode("utf-8"))
    except Exception as exc:  # selectolax raises plain errors on parser failure
        raise PageError("html_unparseable", f"HTML parser failed: {type(exc).__name__}") from exc
    body = tree.body
    if body is None:
        stats.drop(HTML, "no_body_element")
        return []
    title = page_title(tree)
    state = strip_non_prose(tree)
    blocks = collect_blocks(body, state)
    if not blocks:
        stats.drop(HTML, "no_text_blocks")
        return []
    before = len(blocks)
    blocks, prose = _drop_furniture(blocks)
    stats.drop(HTML, "furniture_block", before - len(blocks))
    if not blocks:
        stats.drop(HTML, "only_furniture")
        return []

    by_article: dict[int, list[int]] = {}
    for i, b in enumerate(blocks):
        if b.article is not None:
            by_article.setdefault(b.article, []).append(i)
    if len(by_article) >= 2:
        sizes = {a: sum(prose[i] for i in idx) for a, idx in by_article.items()}
        top = max(sizes.values())
        chosen = [
            a for a, idx in by_article.items()
            if sizes[a] >= max(MIN_ARTICLE_PROSE, MULTI_ARTICLE_SHARE * top)
            and _longest_run(idx, blocks, prose) >= MIN_BODY_RUN
        ]
        if len(chosen) >= 2:
            stats.drop(HTML, "small_article_element", len(by_article) - len(chosen))
            articles = []
            for n, a in enumerate(chosen):
                idx = by_article[a]
                own_title = _article_title(idx, blocks) or (title if n == 0 else None)
                paras = _paragraphs(idx, blocks, own_title, stats)
                if paras:
                    articles.append(HtmlArticle(title=own_title, paragraphs=paras))
                else:
                    stats.drop(HTML, "article_without_paragraphs")
            stats.did(HTML, "articles", len(articles))
            return articles

    indices = _select(blocks, prose)
    if not indices or _longest_run(indices, blocks, prose) < MIN_BODY_RUN:
        stats.drop(HTML, "no_main_content")
        return []
    stats.drop(HTML, "outside_main_content", len(blocks) - len(indices))
    paras = _paragraphs(indices, blocks, title, stats)
    if not paras:
        stats.drop(HTML, "article_without_paragraphs")
        return []
    stats.did(HTML, "articles")
    return [HtmlArticle(title=title, paragraphs=paras)]
