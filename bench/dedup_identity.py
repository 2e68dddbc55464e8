"""Digest of the dedup verdicts: a speed change to fingerprinting or the index must leave
every decision, and every record the core produces, unchanged.

Usage: python -m bench.dedup_identity (--save FILE | --check FILE) [--pages N]

Why: ``bench.text_identity`` covers ``handle_input``'s fingerprints but not what the
index decides from them. This runs the core (``handle_input`` + ``decide_with_verdict``
with an in-memory :class:`DedupIndex`) over ``testkit.pagegen`` pages (seed 7, varied
wording as ``bench.run``, and the default templates, whose shared wording floods the
index with LSH candidates), in stream order, and hashes per set the sequence of verdicts
(kind, duplicate_of, similarity, cluster, duplicate kind, kept_apart) and of produced
records (role, key, value). A second pass replays the same candidates into the same index
(replays must repeat the verdicts), then the index's state (records, exact and band
look-ups) is rebuilt with ``restore`` and digested too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _h(obj: Any) -> str:
    return hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS, default=repr)).hexdigest()[:16]


def digest_set(messages: list[bytes]) -> dict[str, str]:
    from worker.pipeline.dedup.index import DedupIndex
    from worker.pipeline.intake.limits import Limits
    from worker.pipeline.model import Origin
    from worker.pipeline.process import decide_with_verdict, handle_input

    limits, origin = Limits(), Origin("file")
    index = DedupIndex()
    verdicts, records, cands = [], [], []
    for i, m in enumerate(messages):
        for c in handle_input(m, origin, limits).candidates:
            cands.append(c)
            ts = 1_000.0 + 60.0 * i  # spread over time: updates (same source, within the window) and republications
            v, out = decide_with_verdict(c, index, ts)
            verdicts.append([v.kind, v.duplicate_of, v.similarity, v.cluster_id, v.duplicate_kind, v.kept_apart])
            records.append([[r.role, r.key, r.value] for r in out])
    replay = []
    for c in cands:
        v, _ = decide_with_verdict(c, index, 1_000.0 + 60.0 * len(messages))
        replay.append([v.kind, v.duplicate_of, v.similarity, v.cluster_id, v.duplicate_kind])
    state = sorted((aid, raw.hex()) for aid, raw in index.store.articles.items())
    rebuilt = DedupIndex()
    for aid, rec in sorted(index.store.iter_articles(), key=lambda x: x[1].ts):
        rebuilt.restore(aid, rec)
    rebuilt.store.bands.merge()
    index.store.bands.merge()
    bands = [index.store.bands.keys.tolist(), [str(v) for v in index.store.bands.values.tolist()]]
    bands_rebuilt = [rebuilt.store.bands.keys.tolist(), [str(v) for v in rebuilt.store.bands.values.tolist()]]
    counts = {v[0]: 0 for v in verdicts}
    for v in verdicts:
        counts[v[0]] += 1
    return {"verdicts": _h(verdicts), "records": _h(records), "replays": _h(replay), "state": _h(state),
            "bands": _h(bands), "bands_rebuilt": _h(bands_rebuilt),
            "sketch": hashlib.sha256(index.frequency.counts.tobytes() + index.features.numbers.tobytes()
                                     + index.features.names.tobytes()).hexdigest()[:16],
            "counts": json.dumps(counts, sort_keys=True)}


def digests(pages: int) -> dict[str, dict[str, str]]:
    from testkit.pagegen import generate

    return {
        "varied": digest_set(generate(pages, seed=7, varied=True).messages),
        "default-templates": digest_set(generate(pages, seed=7).messages),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1500)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", type=Path)
    g.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    got = digests(args.pages)
    if args.save:
        args.save.write_text(json.dumps({"pages": args.pages, "sets": got}, indent=1))
        for name, d in got.items():
            print(f"saved {name}: {d}")
        return 0
    want = json.loads(args.check.read_text())
    if want["pages"] != args.pages:
        print(f"saved with --pages {want['pages']}, not {args.pages}")
        return 2
    bad = [(s, k) for s in want["sets"] for k in want["sets"][s] if got.get(s, {}).get(k) != want["sets"][s][k]]
    print(f"{sum(len(d) for d in got.values())} digests over {len(got)} sets: "
          f"{'IDENTICAL' if not bad else f'{len(bad)} DIFFER'} ({got['varied']['counts']})")
    for s, k in bad:
        print(f"  differs: {s}/{k}")
    return 0 if not bad else 1


if __name__ == "__main__":
    raise SystemExit(main())
