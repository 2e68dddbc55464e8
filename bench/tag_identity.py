"""Digest of every tagger's output over the eval corpora and generated pages: a speed change to
tagging must leave it unchanged.

Usage: python -m bench.tag_identity [--data DIR] [--pages N] (--save FILE | --check FILE)

Why: the taggers (worker/pipeline/tagging/) are tuned for speed by reorganising how they
compute (token ids, array look-ups, fewer numpy calls); each such change must give the same
tags, bit for bit. The digest covers, per item, ``tag_regions`` (regions with scores and
evidence, focus, dateline country), ``detect_language``, ``tag_topics`` (codes, scores,
evidence) and, stricter than the rounded scores, the topic model's feature ids, feature values
and softmax probabilities as raw float32 bytes. Items: the topic corpora of ``eval/topics.py``
(BBC and the labelled WCXB pages, whole and as short items), the region corpora of
``eval/regions.py`` (LGL, GeoWebNews, GeoVirus where present; with their datelines), both
halves alike since only equality is printed; and ``N`` generated text and HTML pages
(``testkit.pagegen``, seed 7, ``varied=True``, as the benchmark) through the whole core
(``handle_input``: the tag fields of every candidate article). Per-item digests are saved so
that a mismatch names the item.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Iterator

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_TAG_FIELDS = ("language", "regions", "focus_country", "dateline", "topics")


def _h(obj: Any) -> str:
    return hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS, default=repr)).hexdigest()[:16]


def _articles(data: Path) -> Iterator[tuple[str, str | None, list[str], str | None]]:
    """(key, title, paragraphs, dateline) of every eval article we have."""
    from eval.regions import _paragraphs, corpora
    from eval.topic_data import load_bbc, load_wcxb, short

    bbc = data / "bbc-news"
    sets = {}
    if bbc.is_dir():
        sets["bbc"] = load_bbc(bbc)
    wcxb = data / "wcxb-dev-articles"
    if wcxb.is_dir():
        sets["wcxb"] = load_wcxb(wcxb)
    for name, items in sets.items():
        for it in items:
            yield f"{name}/{it.id}", it.title, _paragraphs(it.body), None
            s = short(it)
            yield f"{name}-short/{it.id}", s.title, [s.body] if s.body else [], None
    for name, docs in corpora(data).items():
        for d in docs:
            yield f"{name}/{d.id}", d.title, d.paragraphs, d.dateline


def digests(data: Path, pages: int) -> dict[str, str]:
    from worker.pipeline.intake.limits import Limits
    from worker.pipeline.model import Origin
    from worker.pipeline.process import handle_input
    from worker.pipeline.tagging import topics
    from worker.pipeline.tagging.language import detect_language
    from worker.pipeline.tagging.regions import tag_regions

    model = topics._get()
    out: dict[str, str] = {}
    for key, title, paragraphs, dateline in _articles(data):
        text = "\n\n".join(paragraphs)
        r = tag_regions(title, paragraphs, dateline)
        ids, vals = model.features(title or "", text)
        probs = model.probabilities(title or "", text)[0]
        out[key] = _h([r.regions, r.focus_country, r.dateline_country, detect_language(text),
                       topics.tag_topics(title, text), ids.astype("<i8").tobytes().hex(),
                       vals.astype("<f4").tobytes().hex(), probs.astype("<f4").tobytes().hex()])
    if pages:
        from testkit.pagegen import generate

        limits, origin = Limits(), Origin("kafka", topic="identity", partition=0, offset=0)
        for kind, html_rate in (("gen-text", 0.0), ("gen-html", 1.0)):
            ps = generate(pages, seed=7, varied=True, html_rate=html_rate)
            for i, msg in enumerate(ps.messages):
                outcome = handle_input(msg, origin, limits)
                out[f"{kind}/{i}"] = _h([[c.article.get(f) for f in _TAG_FIELDS] for c in outcome.candidates])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--pages", type=int, default=1500, help="generated text pages and as many HTML pages")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", type=Path)
    g.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    got = digests(args.data, args.pages)
    whole = _h(sorted(got.items()))
    if args.save:
        args.save.write_text(json.dumps({"whole": whole, "items": got}, indent=0))
        print(f"saved {len(got)} item digests, whole {whole}")
        return 0
    want = json.loads(args.check.read_text())
    bad = [k for k in sorted(set(want["items"]) | set(got)) if want["items"].get(k) != got.get(k)]
    print(f"{len(got)} item digests, whole {whole} (saved {want['whole']}): {'IDENTICAL' if not bad else f'{len(bad)} DIFFER'}")
    for k in bad[:20]:
        print("  differs:", k)
    return 0 if not bad else 1


if __name__ == "__main__":
    raise SystemExit(main())
