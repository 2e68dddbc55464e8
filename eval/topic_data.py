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

