"""Country-set evaluation of region tagging on the LGL corpus (or any file in its shape).

Gold per article: the set of ISO 3166-1 alpha-2 countries of its annotated toponyms.
Scored: micro precision/recall/F1 over articles (the convention in shared/data/README.md),
for ``tag_regions`` and, in the same run, a naive gazetteer baseline (every name found
with word boundaries counts for its most populous reading, no context) so that the
numbers are comparable on this machine and this data.

Usage: python eval/regions.py ../shared/data/geoparsing/lgl.xml [--limit N] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.pipeline.tagging.gazetteer import get_gazetteer  # noqa: E402
from worker.pipeline.tagging.regions import tag_regions  # noqa: E402

# GeoNames country names whose ISO code pycountry cannot look up by name.
_NAME_FIXES = {
    "Palestinian Territory": "PS", "Russia": "RU", "Iran": "IR", "Syria": "SY", "South Korea": "KR",
    "North Korea": "KP", "Vietnam": "VN", "Laos": "LA", "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ",
    "Moldova": "MD", "Czech Republic": "CZ", "Ivory Coast": "CI", "Macedonia": "MK", "Kosovo": "XK",
    "British Virgin Islands": "VG", "Taiwan": "TW", "Democratic Republic of the Congo": "CD",
    "Republic of the Congo": "CG", "Brunei": "BN", "Cape Verde": "CV", "Swaziland": "SZ",
    "Vatican": "VA", "East Timor": "TL", "Micronesia": "FM", "Turkey": "TR",
}


def country_code(name: str) -> str | None:
    if name in _NAME_FIXES:
        return _NAME_FIXES[name]
    gaz = get_gazetteer()
    for cc, info in gaz.countries.items():
        if info["name"] == name:
            return cc
    try:
        import pycountry

        return pycountry.countries.lookup(name).alpha_2
    except (LookupError, ImportError):
        return None


def load_articles(path: str, limit: int | None = None) -> list[tuple[str, set[str]]]:
    out: list[tuple[str, set[str]]] = []
    unknown: set[str] = set()
    for _, el in ET.iterparse(path):
        if el.tag != "article":
            continue
        gold: set[str] = set()
        for c in el.iter("country"):
            cc = country_code((c.text or "").strip())
            if cc:
                gold.add(cc)
            else:
                unknown.add(c.text or "")
        out.append((el.findtext("text") or "", gold))
        el.clear()
        if limit and len(out) >= limit:
            break
    if unknown:
        print(f"warning: unmapped gold country names: {sorted(unknown)}", file=sys.stderr)
    return out


def naive_tag(text: str) -> set[str]:
    """Every gazetteer hit counts for its most populous / highest-ranked reading."""
    gaz = get_gazetteer()
    found: set[str] = set()
    n = len(text)
    rank = {"country": 3, "capital": 2}
    for idx, s, e in gaz.automaton.find_matches_as_indexes(text):
        if (s > 0 and text[s - 1].isalnum()) or (e < n and text[e].isalnum()):
            continue
        senses = gaz.senses[idx]
        found.add(max(senses, key=lambda x: (rank.get(x.kind, 0), x.pop)).cc)
    return found


def score(preds: list[set[str]], golds: list[set[str]]) -> dict[str, float]:
    tp = sum(len(p & g) for p, g in zip(preds, golds))
    fp = sum(len(p - g) for p, g in zip(preds, golds))
    fn = sum(len(g - p) for p, g in zip(preds, golds))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "tp": tp, "fp": fp, "fn": fn}


def evaluate(path: str, limit: int | None = None) -> dict:
    t0 = time.perf_counter()
    get_gazetteer()
    load_s = time.perf_counter() - t0
    articles = load_articles(path, limit)
    golds = [g for _, g in articles]
    results: dict[str, dict] = {}
    for label, fn in (
        ("tag_regions", lambda t: {r["country"] for r in tag_regions(None, [t], None).regions}),
        ("naive_gazetteer", naive_tag),
    ):
        preds = []
        t = time.perf_counter()
        for text, _ in articles:
            preds.append(fn(text))
        us = (time.perf_counter() - t) / max(1, len(articles)) * 1e6
        results[label] = score(preds, golds) | {"us_per_article": round(us, 1)}
    words = sum(len(t.split()) for t, _ in articles) / max(1, len(articles))
    return {"articles": len(articles), "mean_words": round(words, 1), "gazetteer_load_s": round(load_s, 3), "systems": results}


def main() -> None:
    ap = argparse.ArgumentParser(description="Region tagging country-set P/R/F1 on LGL-format XML")
    ap.add_argument("path", help="path to lgl.xml")
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--json", dest="json_path", default=None, help="write results as JSON here")
    args = ap.parse_args()
    res = evaluate(args.path, args.limit)
    print(f"articles={res['articles']} mean_words={res['mean_words']} gazetteer_load_s={res['gazetteer_load_s']}")
    print(f"{'system':<18}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}{'us/art':>9}")
    for name, r in res["systems"].items():
        print(f"{name:<18}{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['tp']:>6}{r['fp']:>6}{r['fn']:>6}{r['us_per_article']:>9.1f}")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
