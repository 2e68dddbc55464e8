"""Evaluate duplicate detection on BBC News (read at run time, never copied).

Positives:
* natural exact pairs (equal normalised token lists) and natural near pairs: found with
  a high-recall search (every pair sharing a rare word 3-gram), labelled "same story" when
  the shorter text's 3-grams are >= 75% contained in the longer one and the lengths are
  within 2x (manual inspection: such pairs are one story re-edited or extended); pairs
  with containment 0.45-0.75, or contained in a text more than twice as long, are
  rewrites/updates of the same event and are reported as "grey" (not scored);
* generated near-duplicates of other articles (seeded RNG): byline/footer added,
  sentences added or dropped, words changed, lines re-wrapped, quotes restyled, lead
  sentence rewritten, title changed; a "light" and a "heavy" profile.
Hard negatives: for each article, its most TF-IDF-cosine-similar article of the same
category that is not a positive or grey pair.

Reports pairwise precision/recall by true Jaccard over word k-grams, then with the
MinHash estimate, then end to end through ``DedupIndex`` (LSH included) on a stream of
all articles plus the generated copies, with the cross-category merge count.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import math
import random
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.pipeline.dedup.index import DedupIndex  # noqa: E402
from worker.pipeline.dedup.fingerprint import DEFAULT, DedupConfig, fingerprint, similarity, tokens  # noqa: E402

_SENT = re.compile(r"(?<=[.!?])\s+")
THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
BYLINES = ("By Staff Reporter", "By our business correspondent", "Reporting by the news desk")
FOOTERS = (
    "Copyright 2005 Example Media Group. All rights reserved.",
    "Follow us for more updates. Share this story with your friends.",
    "This article was first published on our partner site.",
)


def load(root: Path) -> list[tuple[str, str, str]]:
    docs = []
    for path in sorted(root.glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        docs.append((f"{path.parent.name}/{path.name}", path.parent.name, text))
    return docs


def shingles(words: list[str], k: int) -> set[str]:
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def natural_pairs(docs, toks) -> tuple[dict, set]:
    """Label natural pairs: {pair: "exact"|"near"} and the grey set."""
    s3 = {d[0]: shingles(toks[d[0]], 3) for d in docs}
    postings = collections.defaultdict(list)
    for doc_id, sh in s3.items():
        for x in sh:
            postings[x].append(doc_id)
    shared = collections.Counter()
    for ids in postings.values():
        if 1 < len(ids) <= 50:
            shared.update(itertools.combinations(sorted(ids), 2))
    positives, grey = {}, set()
    for (a, b), _ in shared.items():
        if toks[a] == toks[b]:
            positives[(a, b)] = "exact"
            continue
        inter = len(s3[a] & s3[b])
        cont = inter / min(len(s3[a]), len(s3[b]))
        ratio = min(len(toks[a]), len(toks[b])) / max(len(toks[a]), len(toks[b]), 1)
        if cont >= 0.75 and ratio >= 0.5:
            positives[(a, b)] = "near"
        elif cont >= 0.45:
            grey.add((a, b))
    return positives, grey


def mutate(text: str, donor: str, rng: random.Random, heavy: bool) -> str:
    """A republished copy: the edits real syndication and re-scrapes make."""
    lines = text.split("\n")
    title, body = lines[0], "\n".join(lines[1:]).strip()
    paras = [p for p in body.split("\n\n") if p.strip()]
    sents = [s for p in paras for s in _SENT.split(p.strip()) if s]
    donor_sents = [s for s in _SENT.split(" ".join(donor.split("\n")[1:])) if len(s) > 40]
    ops = ["byline", "footer", "add", "drop", "words", "wrap", "quotes", "lead", "title"]
    chosen = set(rng.sample(ops, 5 if heavy else 3))
    if heavy:
        chosen |= {"add", "drop", "words"}
    if "drop" in chosen and len(sents) > 6:
        for _ in range(2 if heavy else 1):
            sents.pop(rng.randrange(1, len(sents)))
    if "add" in chosen and donor_sents:
        for _ in range(2 if heavy else 1):
            sents.insert(rng.randrange(1, len(sents) + 1), rng.choice(donor_sents))
    if "lead" in chosen and sents:
        words = sents[0].split()
        keep = [w for w in words if rng.random() > 0.4]
        rng.shuffle(keep[: len(keep) // 2])
        sents[0] = "According to reports, " + " ".join(keep)
    if "words" in chosen:
        flat = " ".join(sents).split(" ")
        for _ in range(rng.randint(6, 12) if heavy else rng.randint(2, 5)):
            i = rng.randrange(len(flat))
            flat[i] = rng.choice(["new", "major", "several", "local", "key", "latest"])
        body = " ".join(flat)
    else:
        body = " ".join(sents)
    if "quotes" in chosen:
        body = body.replace('"', "\u201c").replace("'", "\u2019")
    if "wrap" in chosen:
        out, col = [], 0
        for w in body.split(" "):
            if col + len(w) > 72:
                out.append("\n")
                col = 0
            out.append(w + " ")
            col += len(w) + 1
        body = "".join(out)
    if "title" in chosen:
        title = title + " - update"
    parts = [title]
    if "byline" in chosen:
        parts.append(rng.choice(BYLINES))
    parts.append(body)
    if "footer" in chosen:
        parts.append(rng.choice(FOOTERS))
    return "\n\n".join(parts)


def tfidf_hard_negatives(docs, toks, excluded: set) -> set:
    by_cat = collections.defaultdict(list)
    for doc_id, cat, _ in docs:
        by_cat[cat].append(doc_id)
    negatives = set()
    for ids in by_cat.values():
        vocab: dict[str, int] = {}
        rows = []
        for doc_id in ids:
            counts = collections.Counter(toks[doc_id])
            rows.append({vocab.setdefault(w, len(vocab)): c for w, c in counts.items()})
        m = np.zeros((len(ids), len(vocab)), dtype=np.float32)
        for i, row in enumerate(rows):
            for j, c in row.items():
                m[i, j] = 1.0 + math.log(c)
        df = (m > 0).sum(axis=0)
        m *= np.log((1 + len(ids)) / (1 + df)) + 1.0
        m /= np.linalg.norm(m, axis=1, keepdims=True) + 1e-9
        cos = m @ m.T
        np.fill_diagonal(cos, -1.0)
        for i in range(len(ids)):
            for j in np.argsort(-cos[i])[:3]:
                pair = tuple(sorted((ids[i], ids[int(j)])))
                if pair not in excluded and toks[pair[0]] != toks[pair[1]]:
                    negatives.add(pair)
                    break
    return negatives


def pr(scores_pos: list[float], scores_neg: list[float], t: float) -> tuple[float, float]:
    tp = sum(s >= t for s in scores_pos)
    fp = sum(s >= t for s in scores_neg)
    return (tp / (tp + fp) if tp + fp else 1.0), tp / len(scores_pos)


def end_to_end(docs, generated, labels_pos, grey, config: DedupConfig, seed: int) -> dict:
    """Stream every article (copies after their originals) through a DedupIndex."""
    rng = random.Random(seed)
    stream = [(d[0], d[2]) for d in docs]
    rng.shuffle(stream)
    position = {doc_id: i for i, (doc_id, _) in enumerate(stream)}
    copies = sorted(generated.items(), key=lambda kv: position[kv[1][0]])
    for copy_id, (orig, text) in reversed(copies):
        at = rng.randint(position[orig] + 1, len(stream))
        stream.insert(at, (copy_id, text))
    index = DedupIndex(config=config)
    cluster = {}
    for ts, (doc_id, text) in enumerate(stream):
        cluster[doc_id] = index.check_and_add(doc_id, fingerprint(text, config=config), ts).cluster_id
    members = collections.defaultdict(list)
    for doc_id, c in cluster.items():
        members[c].append(doc_id)
    predicted = {tuple(sorted(p)) for m in members.values() for p in itertools.combinations(m, 2)}
    positives = set(labels_pos)
    tp = len(predicted & positives)
    fp_pairs = predicted - positives - grey
    cat = lambda x: x.split("/")[0]  # noqa: E731
    cross = sum(1 for a, b in predicted if cat(a) != cat(b) and not a.startswith("gen:") and not b.startswith("gen:"))
    by_kind = collections.defaultdict(lambda: [0, 0])
    for pair, kind in labels_pos.items():
        by_kind[kind][0] += pair in predicted
        by_kind[kind][1] += 1
    return {
        "recall_by_kind": {k: round(a / b, 4) for k, (a, b) in sorted(by_kind.items())},
        "pairs_predicted": len(predicted),
        "precision": tp / (tp + len(fp_pairs)) if tp + len(fp_pairs) else 1.0,
        "recall": tp / len(positives),
        "false_pairs": sorted(fp_pairs)[:10],
        "missed": sorted(positives - predicted)[:10],
        "grey_merged": len(predicted & grey),
        "grey_total": len(grey),
        "cross_category_merges": cross,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path, help="path to bbc-news/")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--generated", type=int, default=600, help="generated copies")
    args = ap.parse_args(argv)

    docs = load(args.data)
    toks = {d[0]: tokens(d[2]) for d in docs}
    text_of = {d[0]: d[2] for d in docs}
    natural, grey = natural_pairs(docs, toks)
    in_natural = {x for p in itertools.chain(natural, grey) for x in p}
    rng = random.Random(args.seed)
    pool = [d for d in docs if d[0] not in in_natural]
    generated: dict[str, tuple[str, str]] = {}
    for i, (doc_id, cat, text) in enumerate(rng.sample(pool, min(args.generated, len(pool)))):
        donor = rng.choice([d for d in pool if d[1] == cat and d[0] != doc_id])[2]
        heavy = i % 3 == 0
        gid = f"gen:{'heavy' if heavy else 'light'}:{i}:{doc_id}"
        copy = mutate(text, donor, rng, heavy)
        generated[gid] = (doc_id, copy)
        toks[gid] = tokens(copy)
        text_of[gid] = copy
    pos_pairs = dict(natural)
    for gid, (orig, _) in generated.items():
        pos_pairs[tuple(sorted((gid, orig)))] = "gen-heavy" if ":heavy:" in gid else "gen-light"
    negatives = tfidf_hard_negatives(docs, toks, set(natural) | grey)
    kinds = collections.Counter(pos_pairs.values())
    print(f"articles {len(docs)}; positives {dict(kinds)}; grey {len(grey)}; hard negatives {len(negatives)}")

    results: dict = {"counts": {"positives": dict(kinds), "grey": len(grey), "negatives": len(negatives)}}
    print("\nTrue Jaccard on word k-grams: precision / recall by threshold")
    print("k  " + " ".join(f"{t:>11}" for t in THRESHOLDS))
    results["true_jaccard"] = {}
    for k in (1, 2, 3, 4, 5):
        sh = {x: shingles(toks[x], k) for p in itertools.chain(pos_pairs, negatives) for x in p}
        sp = [jaccard(sh[a], sh[b]) for a, b in pos_pairs]
        sn = [jaccard(sh[a], sh[b]) for a, b in negatives]
        cells = [pr(sp, sn, t) for t in THRESHOLDS]
        results["true_jaccard"][k] = {str(t): c for t, c in zip(THRESHOLDS, cells)}
        print(f"{k}  " + " ".join(f"{p:.3f}/{r:.3f}" for p, r in cells))
        by_kind = collections.defaultdict(list)
        for (pair, kind), s in zip(pos_pairs.items(), sp):
            by_kind[kind].append(s)
        results["true_jaccard"][f"{k}_min_by_kind"] = {kd: min(v) for kd, v in by_kind.items()}
        results["true_jaccard"][f"{k}_max_negative"] = max(sn)
        print(f"   min positive J by kind {({kd: round(min(v), 3) for kd, v in by_kind.items()})}; "
              f"max negative J {max(sn):.3f}")

    print(f"\nMinHash estimate ({DEFAULT.num_perm} perms, k={DEFAULT.shingle_size}): precision / recall")
    fps = {x: fingerprint(text_of[x]) for p in itertools.chain(pos_pairs, negatives) for x in p}
    sp = [similarity(fps[a].signature, fps[b].signature) for a, b in pos_pairs]
    sn = [similarity(fps[a].signature, fps[b].signature) for a, b in negatives]
    cells = [pr(sp, sn, t) for t in THRESHOLDS]
    print("   " + " ".join(f"{t:>11}" for t in THRESHOLDS))
    print("   " + " ".join(f"{p:.3f}/{r:.3f}" for p, r in cells))
    sh3 = {x: shingles(toks[x], DEFAULT.shingle_size) for x in fps}
    err = [abs(similarity(fps[a].signature, fps[b].signature) - jaccard(sh3[a], sh3[b]))
           for a, b in itertools.chain(pos_pairs, negatives)]
    print(f"   |estimate - true J|: mean {np.mean(err):.4f}, p99 {np.quantile(err, 0.99):.4f}")
    results["minhash"] = {str(t): c for t, c in zip(THRESHOLDS, cells)}
    results["minhash_abs_error"] = {"mean": float(np.mean(err)), "p99": float(np.quantile(err, 0.99))}

    print("\nEnd to end through DedupIndex (LSH + verification), pairwise over clusters")
    results["end_to_end"] = {}
    base = {f: getattr(DEFAULT, f) for f in DEFAULT.__slots__}
    grid = [{"threshold": t} for t in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6)]
    grid += [{"bands": b, "rows": r} for b, r in ((8, 2), (12, 2), (20, 2), (20, 3), (32, 3))]
    for change in grid:
        cfg = DedupConfig(**{**base, **change})
        e2e = end_to_end(docs, generated, pos_pairs, grey, cfg, args.seed)
        name = f"k={cfg.shingle_size} t={cfg.threshold:.2f} b={cfg.bands} r={cfg.rows}"
        results["end_to_end"][name] = e2e
        mark = " (default)" if cfg == DEFAULT else ""
        print(f"  {name}{mark}: precision {e2e['precision']:.4f} recall {e2e['recall']:.4f} "
              f"grey merged {e2e['grey_merged']}/{e2e['grey_total']} "
              f"cross-category merges {e2e['cross_category_merges']}")
        if cfg == DEFAULT:
            print(f"    recall by kind {e2e['recall_by_kind']}")
            print(f"    missed (first 10): {e2e['missed']}\n    false (first 10): {e2e['false_pairs']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, default=list))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
