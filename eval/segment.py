"""Evaluate text-page segmentation against a labelled page set.

Usage: python eval/segment.py DATA_DIR [--json OUT] [--limit N] [--show-errors N]

DATA_DIR holds ``pages.jsonl`` (raw-page messages: page_id, body, ...) and
``truth.jsonl`` (page_id, layout, articles[{title, dateline, paragraphs, highlights}],
boilerplate[]).

Scoring (per page, then averaged over pages, overall and per layout):
- count_ok: the number of articles found equals the true number;
- articles are matched one-to-one, greedily by the largest word-4-gram-shingle overlap
  of their bodies (a pair needs some overlap to match);
- body precision = mean over output articles (an unmatched output article scores 0),
  body recall = mean over true articles (an unmatched true article scores 0), each
  from shingle-set overlap of the matched pair; page F1 = harmonic mean of the two;
- title_exact: share of true articles whose matched output has exactly the same
  (whitespace-normalised) title; dateline_exact likewise;
- repeated paragraphs: paragraphs that occur twice inside one output article (count);
- boilerplate leaks: truth boilerplate strings found in any output text, unless the
  string also occurs in the true article text of that page (count).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.pipeline.segment.split import segment_text  # noqa: E402
from worker.pipeline.text.normalize import comparison_key, normalize_text, words  # noqa: E402


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    ws = words(text)
    if len(ws) < n:
        return {tuple(ws)} if ws else set()
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def _article_dict(a: Any) -> dict[str, Any]:
    if isinstance(a, dict):
        return a
    return {"title": a.title, "paragraphs": a.paragraphs, "highlights": a.highlights, "dateline": a.dateline}


def score_page(output: list[Any], truth: dict[str, Any]) -> dict[str, float]:
    """Scores of one page's output (Segments or dicts) against its truth record."""
    outs = [_article_dict(a) for a in output]
    trues = truth["articles"]
    o_sh = [shingles(" ".join(a["paragraphs"])) for a in outs]
    t_sh = [shingles(" ".join(a["paragraphs"])) for a in trues]

    pairs = []
    for i, so in enumerate(o_sh):
        for j, st in enumerate(t_sh):
            ov = len(so & st)
            if ov:
                pairs.append((ov, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    match_o: dict[int, int] = {}
    match_t: dict[int, int] = {}
    for ov, i, j in pairs:
        if i not in match_o and j not in match_t:
            match_o[i] = j
            match_t[j] = i

    precs = []
    for i, so in enumerate(o_sh):
        j = match_o.get(i)
        precs.append(len(so & t_sh[j]) / len(so) if j is not None and so else 0.0)
    recs = []
    title_ok = dateline_ok = 0
    for j, st in enumerate(t_sh):
        i = match_t.get(j)
        if i is None:
            recs.append(0.0)
            continue
        recs.append(len(o_sh[i] & st) / len(st) if st else 1.0)
        if normalize_text(outs[i]["title"] or "") == normalize_text(trues[j]["title"] or ""):
            title_ok += 1
        if (outs[i].get("dateline") or None) == (trues[j].get("dateline") or None):
            dateline_ok += 1
    p = sum(precs) / len(precs) if precs else (1.0 if not trues else 0.0)
    r = sum(recs) / len(recs) if recs else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0

    repeated = 0
    for a in outs:
        keys = [comparison_key(x) for x in a["paragraphs"]]
        repeated += len(keys) - len(set(keys))

    out_text = "\n".join(
        "\n".join([a["title"] or "", *a["paragraphs"], *a.get("highlights", [])]) for a in outs
    )
    true_text = "\n".join(
        "\n".join([a["title"] or "", *a["paragraphs"], *a.get("highlights", [])]) for a in trues
    )
    leaks = sum(1 for b in truth.get("boilerplate", []) if b and b in out_text and b not in true_text)
    n_true = len(trues) or 1
    return {
        "count_ok": float(len(outs) == len(trues)),
        "precision": p,
        "recall": r,
        "f1": f1,
        "title_exact": title_ok / n_true,
        "dateline_exact": dateline_ok / n_true,
        "repeated_paragraphs": float(repeated),
        "boilerplate_leaks": float(leaks),
    }


_MEANS = ("count_ok", "precision", "recall", "f1", "title_exact", "dateline_exact")
_SUMS = ("repeated_paragraphs", "boilerplate_leaks")


def aggregate(scores: list[dict[str, float]]) -> dict[str, float]:
    n = len(scores) or 1
    agg = {k: sum(s[k] for s in scores) / n for k in _MEANS}
    agg.update({k: sum(s[k] for s in scores) for k in _SUMS})
    agg["pages"] = len(scores)
    return agg


def load(data_dir: Path, limit: int | None) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    truth = {}
    with open(data_dir / "truth.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            truth[rec["page_id"]] = rec
    out = []
    with open(data_dir / "pages.jsonl", encoding="utf-8") as f:
        for line in f:
            page = json.loads(line)
            if page["page_id"] in truth:
                out.append((page, truth[page["page_id"]]))
            if limit and len(out) >= limit:
                break
    return out


def _rows(data: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, dict[str, float]]:
    per_layout: dict[str, list[dict[str, float]]] = defaultdict(list)
    every = []
    for page, truth in data:
        s = score_page(segment_text(page["body"]), truth)
        per_layout[str(truth.get("layout", "?"))].append(s)
        every.append(s)
    rows = {k: aggregate(v) for k, v in sorted(per_layout.items())}
    rows["overall"] = aggregate(every)
    return rows


def report(data: Path) -> str:
    """Markdown section for ``python -m eval``: the segment-dev layouts, report half."""
    from eval.split import split

    _tune, rep = split(load(data / "segment-dev", None), lambda pt: pt[0]["page_id"])
    started = time.perf_counter()
    rows = _rows(rep)
    cols = ("pages", *_MEANS, *_SUMS)
    lines = [
        "## Text-page segmentation: the four segment-dev layouts",
        "",
        "`eval/segment.py` on `segment-dev` (report half): i seed-like, ii title-first blocks split by "
        "advertisement/share/related blocks, iii one article with a repeated paragraph and broken lines, "
        "iv three articles between a nav header and a footer.",
        "",
        "| layout | " + " | ".join(cols) + " |",
        "|" + "---|" * (len(cols) + 1),
    ]
    for name, row in rows.items():
        cells = [f"{row[c]:d}" if c == "pages" else f"{row[c]:.3f}" if c in _MEANS else f"{row[c]:.0f}" for c in cols]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(f"\n({time.perf_counter() - started:.1f} s)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3, help="timing repetitions (best is kept)")
    ap.add_argument("--show-errors", type=int, default=0, help="print this many failing page ids")
    args = ap.parse_args(argv)

    data = load(args.data_dir, args.limit)
    outputs = [segment_text(p["body"]) for p, _ in data]

    best = float("inf")
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        for p, _t in data:
            segment_text(p["body"])
        best = min(best, time.perf_counter() - t0)
    us_per_page = best / max(1, len(data)) * 1e6
    kb = sum(len(p["body"].encode()) for p, _ in data) / max(1, len(data)) / 1024

    per_layout: dict[str, list[dict[str, float]]] = defaultdict(list)
    all_scores = []
    failing = []
    for (page, truth), out in zip(data, outputs):
        s = score_page(out, truth)
        per_layout[str(truth.get("layout", "?"))].append(s)
        all_scores.append(s)
        if s["count_ok"] < 1 or s["f1"] < 0.9 or s["title_exact"] < 1 or s["boilerplate_leaks"] or s["repeated_paragraphs"]:
            failing.append((page["page_id"], truth.get("layout"), s))

    rows = {k: aggregate(v) for k, v in sorted(per_layout.items())}
    rows["overall"] = aggregate(all_scores)
    cols = ("pages", *_MEANS, *_SUMS)
    print(f"{'layout':<8}" + "".join(f"{c[:12]:>13}" for c in cols))
    for name, row in rows.items():
        print(f"{name:<8}" + "".join(
            f"{row[c]:>13d}" if c == "pages" else f"{row[c]:>13.3f}" if c in _MEANS else f"{row[c]:>13.0f}"
            for c in cols))
    print(f"speed: {us_per_page:.0f} us/page (best of {args.repeat}, mean page {kb:.1f} KB)")
    for pid, layout, s in failing[: args.show_errors]:
        print(pid, layout, {k: round(v, 3) for k, v in s.items()})
    if args.json:
        args.json.write_text(json.dumps({"results": rows, "us_per_page": us_per_page,
                                         "mean_page_kb": kb}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
