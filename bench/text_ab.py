"""A/B CPU time of the plain-text path: two source trees, interleaved in one process.

Usage: python -m bench.text_ab OLD_TREE NEW_TREE [--rounds N] [--pages N]

Why: the machine is shared, so a figure from one run means little beside a figure from
another, and even two processes run a minute apart see different load. Both trees are
imported into this one process (the old tree's ``worker`` and ``bench`` modules are
imported, warmed up, then taken out of ``sys.modules`` before the new tree's are
imported; the functions keep their own modules), and passes over the same pages
alternate old, new, new, old, ... so both see the same load. Each pass runs segment_text,
the whole core (``bench/real_pages._core``) and jusText over the rendered WCXB pages of
10-18 KB (``bench/text_bench.py``). Reported: the fastest pass of each (the least
disturbed) and the median, scaled to a 14 KB page. A tree is a checkout of the
repository (``git archive REV | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

from bench.ab import alternating, new_over_old, tree_on_path  # bound now: _load takes the bench modules out of sys.modules
from bench.real_pages import cpu_per_page

REPO = Path(__file__).resolve().parents[1]


def _load(tree: Path) -> dict[str, Any]:
    with tree_on_path(tree):
        from bench.real_pages import _core
        from bench.text_bench import _justext, _ours, _pages
        from worker.pipeline.segment.split import clear_caches
    return {"segment": _ours(), "core": _core("text"), "justext": _justext(), "clear": clear_caches, "pages": _pages}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--pages", type=int, default=60)
    args = ap.parse_args(argv)
    trees = {"old": _load(args.old.resolve()), "new": _load(args.new.resolve())}
    bodies, what = trees["new"]["pages"](args.data, args.pages)
    kb = sum(len(b.encode()) for b in bodies) / len(bodies) / 1024
    for t in trees.values():  # lazy loads are not per-page costs
        for m in ("segment", "core"):
            t[m](bodies[0])
    if trees["new"]["justext"] is not None:
        trees["new"]["justext"](bodies[0])
    times: dict[str, dict[str, list[float]]] = {n: {"segment": [], "core": [], "justext": []} for n in trees}
    for name in alternating(args.rounds):
        t = trees[name]
        for m in ("segment", "core"):
            times[name][m].append(cpu_per_page(t[m], bodies, t["clear"]))
        if trees["new"]["justext"] is not None:  # one jusText: it is the same code for both
            times[name]["justext"].append(cpu_per_page(trees["new"]["justext"], bodies, t["clear"]))
    scale = 14 / kb * 1e3
    print(f"{len(bodies)} pages ({what}), mean {kb:.1f} KB; CPU ms per 14 KB page, {args.rounds} interleaved passes each")
    for name in ("old", "new"):
        ts = times[name]
        row = "  ".join(f"{m} min {min(v) * scale:.2f} med {statistics.median(v) * scale:.2f}" for m, v in ts.items() if v)
        if ts["justext"]:
            row += f"  jusText/core (min) {min(ts['justext']) / min(ts['core']):.2f}x"
        print(f"  {name}: {row}")
    for m in ("segment", "core"):
        print(f"  {m}: {new_over_old(times['old'][m], times['new'][m])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
