"""Loaders for the labelled topic corpora, shared by ``eval/topics.py`` and ``eval/train_topics.py``.

Why one module: training and evaluation must agree on item ids (the split key), on what the
title and body of an item are, and on how a short variant (title + first sentence) is cut.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WCXB_LABELS = REPO / "eval" / "labels" / "wcxb_topics.tsv"

# BBC folders mapped to IPTC top-level codes (../shared/data/README.md, "Scoring conventions").
BBC_CODE = {
    "business": "medtop:04000000",
    "entertainment": "medtop:01000000",
    "politics": "medtop:11000000",
    "sport": "medtop:15000000",
    "tech": "medtop:13000000",
}

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(])")


@dataclass(frozen=True)
class Item:
    id: str  # split key
    title: str
    body: str
    gold: tuple[str, ...]  # main topic first, then topics also accepted


def first_sentence(text: str, max_words: int = 40) -> str:
    """The first sentence of a body (at most ``max_words`` words): the lead of a wire item."""
    head = " ".join(text.split()[: max_words * 2])
    m = _SENTENCE_END.search(head)
    cut = head[: m.start()] if m else head
    return " ".join(cut.split()[:max_words])


def short(item: Item) -> Item:
    """The item as a short wire item would carry it: title and first sentence."""
    return Item(item.id, item.title, first_sentence(item.body), item.gold)


def load_bbc(root: Path) -> list[Item]:
    """BBC News articles keyed ``folder/NNN.txt``; the first line of a file is its title."""
    items = []
    for folder, code in BBC_CODE.items():
        for f in sorted((root / folder).glob("*.txt")):
            raw = f.read_bytes().decode("utf-8", "replace")
            title, _, body = raw.strip().partition("\n")
            items.append(Item(f"{folder}/{f.name}", title.strip(), body.strip(), (code,)))
    return items


def read_labels(path: Path = WCXB_LABELS) -> dict[str, tuple[str, ...]]:
    labels = {}
    for line in path.read_text().splitlines():
        if not line or line.startswith("#") or line.startswith("id\t"):
            continue
        key, codes = line.split("\t")
        labels[key] = tuple(codes.split(","))
    return labels


def load_wcxb(root: Path, labels: dict[str, tuple[str, ...]] | None = None) -> list[Item]:
    """WCXB dev pages with our hand labels, keyed by ground-truth file id (``0001``)."""
    labels = read_labels() if labels is None else labels
    items = []
    for f in sorted((root / "ground-truth").glob("*.json")):
        if f.stem not in labels:
            continue
        gt = json.loads(f.read_text())["ground_truth"]
        items.append(Item(f.stem, (gt.get("title") or "").strip(), (gt.get("main_content") or "").strip(), labels[f.stem]))
    return items


def load_iptc(path: Path) -> list[dict]:
    """IPTC Media Topics concepts with their top-level ancestor (``top``) and depth (``level``)."""
    data = json.loads(path.read_text())
    concepts = {c["qcode"]: c for c in data["conceptSet"]}
    parent = {n: q for q, c in concepts.items() for n in c.get("narrower", [])}
    for q, c in concepts.items():
        if q not in parent and c.get("broader"):
            parent[q] = c["broader"][0].replace("http://cv.iptc.org/newscodes/mediatopic/", "medtop:")
    out = []
    for q, c in concepts.items():
        top, level = q, 1
        while top in parent:
            top, level = parent[top], level + 1
        out.append({
            "code": q,
            "top": top,
            "level": level,
            "label": c.get("prefLabel", {}).get("en-GB", ""),
            "definition": c.get("definition", {}).get("en-GB", ""),
            "retired": "retired" in c,
        })
    return out



# Wikipedia "Current events" portal section headings mapped to IPTC top-level codes. "Health and
# environment" holds two IPTC concepts; its items are given both (which one is main is decided
# by the trainer, see ``eval/train_topics.py``).
CURRENT_EVENTS_CODE = {
    "armed conflicts and attacks": ("medtop:16000000",),
    "attacks and armed conflicts": ("medtop:16000000",),
    "arts and culture": ("medtop:01000000",),
    "business and economy": ("medtop:04000000",),
    "business and econony": ("medtop:04000000",),
    "disasters and accidents": ("medtop:03000000",),
    "disaster and accidents": ("medtop:03000000",),
    "disasters and incidents": ("medtop:03000000",),
    "health and environment": ("medtop:07000000", "medtop:06000000"),
    "international relations": ("medtop:11000000",),
    "law and crime": ("medtop:02000000",),
    "politics and elections": ("medtop:11000000",),
    "science and technology": ("medtop:13000000",),
    "sports": ("medtop:15000000",),
}
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_CITATION = re.compile(r"\[\(([^\]]*)\)\]\((?:[^()]|\([^()]*\))*\)")
_HEADING = re.compile(r"^(?:#{2,6}\s*(.+?)\s*|\*\*(.+?)\*\*)\s*$")


def _plain(markdown: str) -> str:
    text = _MD_LINK.sub(r"\1", _CITATION.sub("", markdown))
    return " ".join(text.replace("*", "").split())


def load_current_events(root: Path) -> list[Item]:
    """News summaries from the Wikipedia "Current events" portal (daily pages as markdown, one
    ``YYYY-MM-DD*.md`` file a day), each labelled by its section heading.

    Why this source: each item is a one- or two-sentence summary of a news story, the short
    wire format the worker must tag, filed by editors under a topic heading that maps onto IPTC.
    An item is a bullet that cites a source (a trailing ``[(Outlet)](url)``); bullets without a
    citation are story names that group items. The story name a bullet sits under is kept as
    the item's title (what a headline would say); items outside a mapped heading are skipped.
    """
    items = []
    for f in sorted(root.rglob("*.md")):
        if not re.match(r"\d{4}-\d{2}-\d{2}", f.name):
            continue
        gold: tuple[str, ...] | None = None
        stack: list[tuple[int, str]] = []
        n = 0
        for line in f.read_text(errors="replace").splitlines():
            m = _HEADING.match(line)
            if m:
                gold = CURRENT_EVENTS_CODE.get((m.group(1) or m.group(2)).strip().lower())
                stack = []
                continue
            stripped = line.lstrip()
            if not stripped[:2] in ("* ", "+ ", "- ") or gold is None:
                continue
            depth = len(line) - len(stripped)
            content = stripped[2:]
            while stack and stack[-1][0] >= depth:
                stack.pop()
            if _CITATION.search(content):
                body = _plain(content)
                if len(body.split()) >= 5:
                    n += 1
                    title = stack[-1][1] if stack else ""
                    items.append(Item(f"wce:{f.name[:10]}:{n}", title, body, gold))
            else:
                stack.append((depth, _plain(content)))
    return items
