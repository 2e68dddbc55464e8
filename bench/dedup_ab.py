"""A/B CPU time of fingerprinting and of the dedup decision: two source trees, one process.

Usage: python -m bench.dedup_ab OLD_TREE [--rounds N] [--pages N]

Why: the machine is shared, so only passes that alternate in one process compare. The
candidates (text, title, source) come once from this tree's core over ``testkit.pagegen``
pages (seed 7, varied, as ``bench.run``), and, when the dev data is there, the rendered
WCXB text pages of 10-18 KB (``bench.text_bench._pages``). Each pass times, per tree,
``fingerprint`` over every candidate, then ``DedupIndex.check_and_add`` of the tree's own
fingerprints into a fresh in-memory index, in stream order (CPU time, ``process_time``).
Passes alternate old, new, new, old, ...; reported: the median and the minimum per
article. OLD_TREE holds a ``worker`` package (``git archive REV | tar -x -C DIR``); it is
imported under another package name (``bench.core_bench.load_impl``).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.ab import alternating  # noqa: E402
from bench.core_bench import load_impl  # noqa: E402


def _inputs(pages: int, data: Path) -> dict[str, list[tuple[str, str | None, str | None]]]:
    from bench.text_bench import _pages
    from testkit.pagegen import generate
    from worker.pipeline.intake.limits import Limits
    from worker.pipeline.model import Origin
    from worker.pipeline.process import handle_input

    def run(messages: list[bytes]) -> list[tuple[str, str | None, str | None]]:
        out = []
        for m in messages:
            for c in handle_input(m, Origin("file"), Limits()).candidates:
                out.append((c.article["text"], c.article["title"], c.article.get("source") or "bench"))
        return out

    import orjson

    sets = {"pagegen": run(generate(pages, seed=7, varied=True).messages)}
    bodies, _ = _pages(data, 60)
    sets["real 14KB"] = run([orjson.dumps({"page_id": f"p{i}", "url": f"https://r.example/{i}", "body": b,
                                           "content_type": "text/plain"}) for i, b in enumerate(bodies)])
    return sets


def _pass(mods, inputs):
    fingerprint, DedupIndex = mods
    t0 = time.process_time()
    fps = [fingerprint(t, title=ti, source=s) for t, ti, s in inputs]
    t1 = time.process_time()
    index = DedupIndex()
    for i, fp in enumerate(fps):
        index.check_and_add(f"{i:032x}", fp, 1_000.0 + i)
    t2 = time.process_time()
    n = len(inputs)
    return (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--pages", type=int, default=1500)
    args = ap.parse_args(argv)
    old = load_impl(args.old.resolve())
    oldfp = importlib.import_module("altbench_worker.pipeline.dedup.fingerprint").fingerprint
    from worker.pipeline.dedup.fingerprint import fingerprint
    from worker.pipeline.dedup.index import DedupIndex

    impls = {"old": (oldfp, old.DedupIndex), "new": (fingerprint, DedupIndex)}
    for name, inputs in _inputs(args.pages, args.data).items():
        times = {k: ([], []) for k in impls}
        for mods in impls.values():  # warm caches and lazy imports: not per-article costs
            _pass(mods, inputs)
        for which in alternating(args.rounds):
            f, d = _pass(impls[which], inputs)
            times[which][0].append(f)
            times[which][1].append(d)
        print(f"{name}: {len(inputs)} articles, CPU µs per article, {args.rounds} interleaved passes each (median / min)")
        for stage, j in (("fingerprint", 0), ("dedup", 1)):
            o, n = times["old"][j], times["new"][j]
            print(f"  {stage:<12} old {statistics.median(o):8.1f} / {min(o):8.1f}   new {statistics.median(n):8.1f} / "
                  f"{min(n):8.1f}   new/old median {statistics.median(n) / statistics.median(o):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
