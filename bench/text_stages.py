"""CPU time per stage of the plain-text core on real pages (a profile without a profiler).

Usage: python -m bench.text_stages [--data DIR] [--pages N] [--rounds R]

Why: a sampling profiler's overhead is spread unevenly over many small calls; wrapping
each stage function (module attributes looked up at call time) in a process_time pair
costs the same few hundred nanoseconds per call whatever the stage does. Pages as
``bench/text_bench.py``; the figure per stage is the fastest of R passes, in ms per page
scaled to 14 KB. Stages are nested (segment holds the segmentation stages, core holds
everything), so the rows do not add up to the total.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

STAGES = {
    "worker.pipeline.segment.split": ["segment_text", "_lines", "_units", "_drop_boilerplate", "_drop_related_lists",
                                      "_walk", "_account_strays", "_finish", "_merge_weak_splits", "_keep_main_run",
                                      "_drop_furniture_copies", "_retitle"],
    "worker.pipeline.process": ["tag_regions", "detect_language", "tag_topics", "fingerprint", "article_id_for"],
}


def _wrap(totals: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    clock = time.process_time

    def timed(*a: Any, **k: Any) -> Any:
        t0 = clock()
        try:
            return fn(*a, **k)
        finally:
            totals[name] = totals.get(name, 0.0) + clock() - t0

    return timed


def main(argv: list[str] | None = None) -> int:
    import importlib

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--pages", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    from bench.real_pages import _core
    from bench.text_bench import _pages
    from worker.pipeline.segment.split import clear_caches

    bodies, what = _pages(args.data, args.pages)
    kb = sum(len(b.encode()) for b in bodies) / len(bodies) / 1024
    totals: dict[str, float] = {}
    for mod, names in STAGES.items():
        m = importlib.import_module(mod)
        for name in names:
            if hasattr(m, name):
                setattr(m, name, _wrap(totals, name, getattr(m, name)))
    core = _core("text")
    core(bodies[0])
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        clear_caches()
        core.reset()  # type: ignore[attr-defined]
        totals.clear()
        t0 = time.process_time()
        for b in bodies:
            core(b)
        totals["core (whole)"] = time.process_time() - t0
        for k, v in totals.items():
            best[k] = min(best.get(k, float("inf")), v)
    scale = 14 / kb / len(bodies) * 1e3
    print(f"{len(bodies)} pages ({what}), mean {kb:.1f} KB; CPU ms per 14 KB page, best of {args.rounds} passes")
    for k in ["core (whole)"] + [n for names in STAGES.values() for n in names]:
        if k in best:
            print(f"  {k:24s} {best[k] * scale:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
