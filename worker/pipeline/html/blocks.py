"""Turn a parsed page into a flat list of text blocks that remember where they sat.

Content selection then works on these blocks alone: scoring a container is summing the
blocks whose ``path`` passes through it, which keeps the whole extractor one linear walk
plus arithmetic instead of repeated DOM queries.

The walk is the extractor's hot loop, so it leans on lexbor's C code wherever it can:
subtrees that never hold prose are removed by ``strip_tags`` before the walk, the walk
itself is lexbor's flat depth-first ``traverse`` (element ends are recovered from each
node's parent instead of a Python recursion), and class/id verdicts are cached per
attribute string because pages repeat the same few class names hundreds of times.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

# Subtrees that never hold article prose; removed in C before the walk.
SKIP_TAGS = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "picture", "select", "button", "textarea", "option", "map",
    "head", "title", "meta", "link",
)

# Landmarks that are almost always furniture; treated like a boilerplate class.
FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "menu", "dialog"})

# Elements whose start and end break the text flow into separate blocks.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul", "caption", "dialog", "html", "listing", "search",
    }
)

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# class/id words of page furniture, from a data file (its source is noted there). Strong
# words also match as a part of a hyphenated or underscored name ("entry-share-links");
# weak ones only as a whole class token, because utility classes such as
# "overflow-hidden" or "has-sidebar" sit on real content wrappers.
_FURNITURE = orjson.loads((Path(__file__).resolve().parents[2] / "data" / "html_furniture.json").read_bytes())
_STRONG_WORDS = frozenset(_FURNITURE["strong_words"])
_STRONG_PHRASES = frozenset(_FURNITURE["strong_phrases"])  # names of several parts, matched as consecutive parts
_PHRASE_STARTS = frozenset(p.split("-")[0] for p in _STRONG_PHRASES)
_WEAK_WORDS = frozenset(_FURNITURE["weak_words"])
_MAX_ATTR_CHARS = 300
BOILER_ROLE = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu", "menubar"})


@dataclass(slots=True, init=False)
class Block:
    """One run of inline text. ``path`` holds ids of the block-level ancestors,
    outermost first; ``tag`` is the innermost one's tag."""

    text: str
    link_chars: int
    tag: str
    path: tuple[int, ...]
    article: int | None  # id of the outermost <article> holding the block, if any
    flags: tuple[int, ...]  # ids of enclosing elements that look like furniture
    # link_chars / len(text) (1.0 for no text), set once: the extractor reads it for every
    # block at several steps, and a property computed it again at each.
    link_density: float

    def __init__(self, text: str, link_chars: int, tag: str, path: tuple[int, ...], article: int | None,
                 flags: tuple[int, ...]) -> None:
        # written out (not generated with a __post_init__): one call per block fewer
        self.text = text
        self.link_chars = link_chars
        self.tag = tag
        self.path = path
        self.article = article
        self.flags = flags
        self.link_density = link_chars / len(text) if text else 1.0


def names_look_like_furniture(names: str) -> bool:
    """Verdict on a "class id" string by whole words, not regex scans: a set lookup per
    word is several times cheaper than an alternation of 70 words at every position."""
    names = names.lower()
    if not _WEAK_WORDS.isdisjoint(names.split()):
        return True
    parts = names.replace("-", " ").replace("_", " ").split()
    if not _STRONG_WORDS.isdisjoint(parts):
        return True
    if len(parts) > 1 and not _PHRASE_STARTS.isdisjoint(parts):
        for i in range(min(len(parts), 40) - 1):
            pair = parts[i] + "-" + parts[i + 1]
            if pair in _STRONG_PHRASES or (i + 2 < len(parts) and pair + "-" + parts[i + 2] in _STRONG_PHRASES):
                return True
    return False


def _is_hidden_render_slot(attrs: dict) -> bool:
    """Streaming server renderers (React/Next.js) emit the real page into ``<div hidden
    id="S:0">`` and move it into place with a script: hidden, yet the content."""
    ident = attrs.get("id") or ""
    return len(ident) < 12 and ident[:2] in ("S:", "P:", "B:")


# Elements hidden or given a furniture role; matched by lexbor's CSS engine in C, then
# confirmed in Python (only a handful per page reach the confirmation).
_STATE_SELECTOR = ",".join(
    ["[hidden]", '[aria-hidden="true" i]', '[style*="none" i]']
    + [f'[role="{r}" i]' for r in sorted(BOILER_ROLE)]
)


_PRUNE_SELECTOR = ",".join(sorted(FURNITURE_TAGS)) + "," + _STATE_SELECTOR


def _hidden_or_furniture_role(attrs: dict) -> bool:
    if ("hidden" in attrs and not _is_hidden_render_slot(attrs)) or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    style = attrs.get("style")
    if style and "display:none" in style[:_MAX_ATTR_CHARS].replace(" ", "").lower():
        return True
    role = attrs.get("role")
    return bool(role and role.lower() in BOILER_ROLE)


def state_flagged(root: LexborNode) -> set[int]:
    """Ids of elements under ``root`` that are hidden or carry a furniture ARIA role."""
    return {n.mem_id for n in root.css(_STATE_SELECTOR) if _hidden_or_furniture_role(n.attributes)}


# Verdicts on (class, id) pairs, shared across pages: sites and frameworks reuse the
# same names on every page. Bounded: cleared when full.
_VERDICTS: dict[tuple[str | None, str | None], bool] = {}
_MAX_VERDICTS = 100_000


def names_verdict(cls: str | None, ident: str | None) -> bool:
    """Furniture verdict on an element's class and id attributes."""
    names = f"{(cls or '')[:_MAX_ATTR_CHARS]} {(ident or '')[:_MAX_ATTR_CHARS]}"
    return len(names) >= 3 and names_look_like_furniture(names)


# A furniture landmark or hidden element holding less than this share of the page's text
# is removed before the walk; a bigger one is left to the prose-share test of the caller.
PRUNE_TEXT_SHARE = 0.25
# Bounds that keep the pruning linear on hostile pages (thousands of nested hidden spans).
MAX_PRUNE_CANDIDATES = 2_000
MAX_PRUNE_CLIMB = 400


def strip_non_prose(tree: LexborHTMLParser) -> set[int] | None:
    """Remove script, style, media and form-control subtrees, and small navigation,
    aside, footer and hidden subtrees, in C (mutates ``tree``).

    Menus and footers are about half of a typical page's nodes; dropping them here
    spares the Python walk from visiting them at all.

    Returns what :func:`state_flagged` would find under the body afterwards, for
    :func:`collect_blocks` (its own CSS pass over the page costs as much as this one's):
    the ids of the hidden or furniture-role elements among this pass's candidates, which
    hold every such element (the state selector is part of the candidates' one). Ids of
    removed elements may be among them: no element left in the tree has those. None
    when there is no body or the page had too many candidates to look at."""
    tree.strip_tags(list(SKIP_TAGS))
    body = tree.body
    if body is None:
        return None
    candidates = body.css(_PRUNE_SELECTOR)
    if len(candidates) > MAX_PRUNE_CANDIDATES:
        return None  # hostile page: the walk's own flags still catch these, at linear cost
    limit = PRUNE_TEXT_SHARE * len(body.text(deep=True))
    doomed: dict[int, LexborNode] = {}  # a node matching several selectors comes back once each
    state: set[int] = set()
    for node in candidates:
        mem_id = node.mem_id
        if mem_id in doomed:
            continue
        if node.tag in FURNITURE_TAGS:
            pass  # flagged by its tag in the walk, whatever its attributes
        elif _hidden_or_furniture_role(node.attributes):
            state.add(mem_id)
        else:
            continue
        if len(node.text(deep=True)) < limit:
            doomed[mem_id] = node
    # Only the outermost ones, all chosen before any is freed: freeing an ancestor frees
    # its descendants with it, and a freed node must never be touched again.
    outermost = []
    for node in doomed.values():
        up = node.parent
        steps = 0
        while up is not None and up.mem_id not in doomed and steps < MAX_PRUNE_CLIMB:
            up = up.parent
            steps += 1
        if up is None:  # reached the top: no doomed ancestor (too deep to tell: keep it)
            outermost.append(node)
    for node in outermost:
        node.decompose()
    return state


def _flush(blocks: list[Block], parts: list[str], link_chars: int, path: list[int], path_tags: list[str],
           article_stack: list[int], flag_stack: list[int]) -> None:
    """End the block of ``parts`` (called only with a word in it: whitespace alone is never
    its first part) and empty ``parts``."""
    text = " ".join((parts[0] if len(parts) == 1 else "".join(parts)).split())
    blocks.append(Block(text, min(link_chars, len(text)), path_tags[-1] if path_tags else "body", tuple(path),
                        article_stack[0] if article_stack else None, tuple(flag_stack)))
    parts.clear()


class _PageEnd:
    """Stands in for a skipped whitespace node that ends the page: the walk closes the
    elements it follows, as the node would have, and passes over it (its tag starts with
    "-", as lexbor's own pseudo-tags do)."""

    __slots__ = ("parent",)
    tag = "-end"

    def __init__(self, parent: LexborNode) -> None:
        self.parent = parent


def _page_end(root: LexborNode) -> list[_PageEnd]:
    """The stand-in for the page's last node when the walk skipped it as whitespace."""
    end = root
    child = end.last_child
    while child is not None:
        end = child
        child = end.last_child
    if end.is_empty_text_node and end.parent is not None:
        return [_PageEnd(end.parent)]
    return []


def collect_blocks(root: LexborNode, state: set[int] | None = None) -> list[Block]:
    """Cut the text under ``root`` into blocks in one flat pass (no recursion, so deep
    pages are safe). Call ``strip_non_prose`` on the tree first.

    Furniture flagged by markup is not dropped here: each block records the flagged
    elements around it, and the caller drops a flagged element only if it holds little
    of the page's prose, so a layout class such as "sidebar-first-only" on the main
    column cannot swallow the article. ``state`` is what ``strip_non_prose`` returned,
    if it returned a set: the walk then need not look for hidden elements again."""
    verdicts = _VERDICTS
    if len(verdicts) > _MAX_VERDICTS:
        verdicts.clear()
    by_state = state_flagged(root) if state is None else state
    blocks: list[Block] = []
    path: list[int] = []
    path_tags: list[str] = []
    article_stack: list[int] = []
    flag_stack: list[int] = []
    parts: list[str] = []
    link_chars = 0
    link_depth = 0
    # Open elements (ids) and what leaving each one undoes:
    # bit 1 = block, bit 2 = link, bit 4 = <article>, bit 8 = flagged as furniture.
    open_ids: list[int] = []
    open_marks: list[int] = []

    last_text = 0  # id of the text node parts[-1] came from
    # Text nodes of ASCII whitespace alone (a third of a page's nodes) are skipped in C.
    # All they do is separate the words on either side of them within a block, so where
    # a text follows another with no whitespace at the join, the nodes between the two
    # are looked at for a skipped one (_blank_between); and a page ending in one closes
    # the elements it sits after (_page_end).
    for node in chain(root.traverse(include_text=True, skip_empty=True), _page_end(root)):
        parent = node.parent
        pid = parent.mem_id if parent is not None else 0
        # Close every element the walk has left: the parent is the innermost open one.
        while open_ids and open_ids[-1] != pid:
            open_ids.pop()
            item = open_marks.pop()
            if item & 2:
                link_depth -= 1
            if item & 1:
                if parts:
                    _flush(blocks, parts, link_chars, path, path_tags, article_stack, flag_stack)
                    link_chars = 0
                path.pop()
                path_tags.pop()
            if item & 4:
                article_stack.pop()
            if item & 8:
                flag_stack.pop()
        tag = node.tag
        if tag == "-text":
            text = node.text_content
            # Whitespace before a block's first word is dropped by the normalisation
            # anyway; leaving it out keeps ``parts`` empty until a word arrives, so block
            # boundaries between bare markup cost nothing. Later whitespace is kept: it
            # separates the words of neighbouring inline elements.
            if text and (parts or not text.isspace()):
                if parts and not text[0].isspace() and not parts[-1][-1].isspace() and _blank_between(last_text, node):
                    parts.append(" ")
                parts.append(text)
                last_text = node.mem_id
                if link_depth:
                    link_chars += len(text.strip())
            continue
        if not tag or tag[0] in "-_!":
            continue
        if tag == "br":
            if parts:
                _flush(blocks, parts, link_chars, path, path_tags, article_stack, flag_stack)
            link_chars = 0
            continue
        if tag in ("img", "hr", "wbr", "input"):
            continue
        mem_id = node.mem_id
        marker = 0
        flagged = tag in FURNITURE_TAGS or mem_id in by_state
        if not flagged and tag not in ("body", "html"):
            attrs = node.attributes
            if attrs:
                # Pages repeat a few class names hundreds of times: one verdict per pair.
                key = (attrs.get("class"), attrs.get("id"))
                flagged = verdicts.get(key)
                if flagged is None:
                    flagged = verdicts[key] = names_verdict(*key)
        if flagged:
            flag_stack.append(mem_id)
            marker |= 8
        if tag in BLOCK_TAGS:
            if parts:
                _flush(blocks, parts, link_chars, path, path_tags, article_stack, flag_stack)
                link_chars = 0
            path.append(mem_id)
            path_tags.append(tag)
            marker |= 1
            if tag == "article":
                article_stack.append(mem_id)
                marker |= 4
        elif tag == "a":
            link_depth += 1
            marker |= 2
        open_ids.append(mem_id)
        open_marks.append(marker)
    if parts:
        _flush(blocks, parts, link_chars, path, path_tags, article_stack, flag_stack)
    return blocks


def _blank_between(first: int, node: LexborNode) -> bool:
    """Whether a text node with any text in it lies between the node with id ``first``
    and ``node`` (which follows it in document order). Walks back from ``node`` in
    reverse document order, looking at leaves only (only leaves hold text)."""
    cur = node
    while True:
        prev = cur.prev
        if prev is None:
            cur = cur.parent
            if cur is None:  # not found: cannot happen for a ``first`` before ``node``
                return False
            continue
        cur = prev
        child = cur.last_child
        while child is not None:
            cur = child
            child = cur.last_child
        if cur.mem_id == first:
            return False
        if cur.text_content:
            return True
