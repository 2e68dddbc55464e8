"""Turn a parsed page into a flat list of text blocks that remember where they sat.

Content selection then works on these blocks alone: scoring a container is summing the
blocks whose ``path`` passes through it, which keeps the whole extractor one linear walk
plus arithmetic instead of repeated DOM queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

# Subtrees that never hold article prose.
SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
        "canvas", "video", "audio", "picture", "select", "button", "textarea", "input", "option",
        "head", "title", "meta", "link", "map",
    }
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

# class/id words of page furniture. Strong words also match inside hyphenated names
# ("entry-share-links"); weak ones only as a whole class token, because utility classes
# such as "overflow-hidden" or "has-sidebar" sit on real content wrappers.
_STRONG_WORDS = (
    r"share|sharing|sharedaddy|social|related|comments?|disqus|newsletter|subscribe|subscription|"
    r"signup|sidebar|breadcrumbs?|cookies?|consent|gdpr|advert|advertisement|adsbygoogle|sponsored|"
    r"promo|promotion|popup|recommended|recommendations|trending|popular|most-read|read-next|"
    r"readmore|read-more|up-next|more-stories|outbrain|taboola|relatedposts|yarpp|author-bio|"
    r"author-box|about-author|skip-link|screen-reader-text|sr-only|visually-hidden|paywall|"
    r"post-tags|entry-tags|tag-list|taglist|tagcloud|pagination|pager"
)
_WEAK_WORDS = (
    r"nav|navbar|navigation|menu|banner|footer|site-footer|header|site-header|masthead|widget|"
    r"widgets|tags|categories|byline|meta|ad|ads|ad-slot|hidden|modal|overlay|toolbar|utility|print"
)
_STRONG = re.compile(r"(?:^|[\s_-])(?:" + _STRONG_WORDS + r")(?:$|[\s_-])", re.IGNORECASE)
_WEAK = re.compile(r"(?:^|\s)(?:" + _WEAK_WORDS + r")(?:$|\s)", re.IGNORECASE)
_MAX_ATTR_CHARS = 300
BOILER_ROLE = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu", "menubar"})
_SPACE = re.compile(r"\s+")



@dataclass(slots=True)
class Block:
    """One run of inline text. ``path`` holds ids of the block-level ancestors,
    outermost first; ``tag`` is the innermost one's tag."""

    text: str
    link_chars: int
    tag: str
    path: tuple[int, ...]
    article: int | None  # id of the outermost <article> holding the block, if any
    flags: tuple[int, ...]  # ids of enclosing elements that look like furniture

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 1.0


def is_boilerplate_element(node: LexborNode, verdicts: dict[str, bool] | None = None) -> bool:
    """Furniture by its markup: hidden, an ARIA landmark role, or a class/id word.

    ``verdicts`` caches the class/id regex per attribute string: pages repeat the same
    few class names hundreds of times."""
    attrs = node.attributes
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and "none" in style and "display:none" in style[:_MAX_ATTR_CHARS].replace(" ", "").lower():
        return True
    role = attrs.get("role")
    if role and role.lower() in BOILER_ROLE:
        return True
    names = f"{(attrs.get('class') or '')[:_MAX_ATTR_CHARS]} {(attrs.get('id') or '')[:_MAX_ATTR_CHARS]}"
    if len(names) < 3:
        return False
    if verdicts is not None:
        verdict = verdicts.get(names)
        if verdict is not None:
            return verdict
    verdict = bool(_STRONG.search(names) or _WEAK.search(names))
    if verdicts is not None:
        verdicts[names] = verdict
    return verdict


def collect_blocks(root: LexborNode) -> list[Block]:
    """Walk the tree iteratively (pages can nest deeply) and cut text into blocks.

    Furniture flagged by markup is not dropped here: each block records the flagged
    elements around it, and the caller drops a flagged element only if it holds little
    of the page's prose, so a layout class such as "sidebar-first-only" on the main
    column cannot swallow the article."""
    verdicts: dict[str, bool] = {}
    blocks: list[Block] = []
    path: list[int] = []
    path_tags: list[str] = []
    article_stack: list[int] = []
    flag_stack: list[int] = []
    parts: list[str] = []
    link_chars = 0
    link_depth = 0

    def flush() -> None:
        nonlocal link_chars
        if parts:
            text = _SPACE.sub(" ", "".join(parts)).strip()
            if text:
                blocks.append(
                    Block(
                        text=text,
                        link_chars=min(link_chars, len(text)),
                        tag=path_tags[-1] if path_tags else "body",
                        path=tuple(path),
                        article=article_stack[0] if article_stack else None,
                        flags=tuple(flag_stack),
                    )
                )
            parts.clear()
        link_chars = 0

    # Stack items: a node to enter, or an int marker for leaving an element:
    # bit 1 = block, bit 2 = link, bit 4 = <article>, bit 8 = flagged as furniture.
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, int):
            if item & 2:
                link_depth -= 1
            if item & 1:
                flush()
                path.pop()
                path_tags.pop()
            if item & 4:
                article_stack.pop()
            if item & 8:
                flag_stack.pop()
            continue
        node: LexborNode = item  # type: ignore[assignment]
        tag = node.tag
        if tag == "-text":
            text = node.text_content
            if text:
                parts.append(text)
                if link_depth:
                    link_chars += len(text.strip())
            continue
        if not tag or tag[0] in "-_!" or tag in SKIP_TAGS:
            continue
        if tag == "br":
            flush()
            continue
        if tag in ("img", "hr", "wbr"):
            continue
        mem_id = node.mem_id
        marker = 0
        if tag in FURNITURE_TAGS or (tag not in ("body", "html") and is_boilerplate_element(node, verdicts)):
            flag_stack.append(mem_id)
            marker |= 8
        if tag in BLOCK_TAGS:
            flush()
            path.append(mem_id)
            path_tags.append(tag)
            marker |= 1
            if tag == "article":
                article_stack.append(mem_id)
                marker |= 4
        elif tag == "a":
            link_depth += 1
            marker |= 2
        stack.append(marker)
        # Push children in reverse so they pop in document order.
        stack.extend(reversed(list(node.iter(include_text=True))))
    flush()
    return blocks
