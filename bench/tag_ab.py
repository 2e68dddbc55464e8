"""A/B CPU time of the tagging stage, per tagger: two source trees, interleaved in one process.

Usage: python -m bench.tag_ab OLD_TREE NEW_TREE [--rounds N] [--pages N] [--data DIR]

Why: the machine is shared, so only passes that alternate in one process compare (see
``bench/ab.py``). The inputs are what the core hands the taggers (``process._candidate``:
title, paragraphs, dateline, and the paragraphs joined), captured once from the new tree's
core over ``N`` generated text pages and as many HTML pages (``testkit.pagegen``, seed 7,
``varied=True``, as ``bench.run``) and over the WCXB dev pages rendered to text
(``bench/text_bench.py``, 10-18 KB). Each pass times ``tag_regions``, ``detect_language`` and
``tag_topics`` of one tree over one set (process CPU time); passes alternate old, new, new,
old, ... Reported per set and tagger: µs per article, fastest and median pass, and the
three taggers' medians summed per page (the core's tagging stage, less the join). A tree is
a checkout of the repository (``git archive REV | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any, Callable

import orjson

from bench.ab import alternating, new_over_old, tree_on_path

REPO = Path(__file__).resolve().parents[1]
TAGGERS = ("regions", "language", "topics")


def _load(tree: Path) -> dict[str, Callable[..., Any]]:
    with tree_on_path(tree):
        from worker.pipeline.process import warm_up
        from worker.pipeline.tagging.language import detect_language
        from worker.pipeline.tagging.regions import tag_regions
        from worker.pipeline.tagging.topics import tag_topics

        warm_up()  # lazy loads (gazetteer, model, cld2) are not per-article costs
    return {
        "regions": lambda a: tag_regions(a[0], a[1], a[2]),
        "language": lambda a: detect_language(a[3]),
        "topics": lambda a: tag_topics(a[0], a[3]),
    }


def capture(tree: Path, data: Path, pages: int) -> dict[str, tuple[int, list[tuple]]]:
    """set -> (pages, tagger inputs of every candidate article), from ``tree``'s core."""
    sets: dict[str, tuple[int, list[tuple]]] = {}
    with tree_on_path(tree):
        import worker.pipeline.process as proc
        from bench.text_bench import _pages
        from testkit.pagegen import generate
        from worker.pipeline.intake.limits import Limits
        from worker.pipeline.model import Origin

        got: list[tuple] = []
        real = proc.tag_regions

        def record(title: Any, paragraphs: list[str], dateline: Any) -> Any:
            got.append((title, list(paragraphs), dateline, "\n\n".join(paragraphs)))
            return real(title, paragraphs, dateline)

        proc.tag_regions = record
        try:
            limits, origin = Limits(), Origin("file")
            for name, html_rate in (("generated text", 0.0), ("generated HTML", 1.0)):
                got.clear()
                msgs = generate(pages, seed=7, varied=True, html_rate=html_rate).messages
                for m in msgs:
                    proc.handle_input(m, origin, limits)
                sets[name] = (len(msgs), list(got))
            if (data / "wcxb-dev-articles").is_dir():
                got.clear()
                bodies, _ = _pages(data, 120)
                for i, b in enumerate(bodies):
                    proc.handle_input(orjson.dumps({"page_id": f"r{i}", "url": f"https://s.example/{i}", "body": b,
                                                    "content_type": "text/plain"}), origin, limits)
                sets["real text (WCXB)"] = (len(bodies), list(got))
        finally:
            proc.tag_regions = real
    return sets


def _pass(fn: Callable[[tuple], Any], arts: list[tuple]) -> float:
    t0 = time.process_time()
    for a in arts:
        fn(a)
    return (time.process_time() - t0) / max(1, len(arts)) * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--pages", type=int, default=1500)
    args = ap.parse_args(argv)
    sets = capture(args.new.resolve(), args.data, args.pages)
    trees = {"old": _load(args.old.resolve()), "new": _load(args.new.resolve())}
    times = {s: {n: {t: [] for t in TAGGERS} for n in trees} for s in sets}
    for name in alternating(args.rounds):
        for s, (_, arts) in sets.items():
            for t in TAGGERS:
                times[s][name][t].append(_pass(trees[name][t], arts))
    for s, (n_pages, arts) in sets.items():
        print(f"{s}: {n_pages} pages, {len(arts)} articles; CPU µs per article, {args.rounds} passes each")
        per_page = {}
        for t in TAGGERS:
            old, new = times[s]["old"][t], times[s]["new"][t]
            print(f"  {t:9s} old min {min(old):7.1f} median {statistics.median(old):7.1f}   "
                  f"new min {min(new):7.1f} median {statistics.median(new):7.1f}   {new_over_old(old, new)}")
        for n in trees:
            per_page[n] = sum(statistics.median(times[s][n][t]) for t in TAGGERS) * len(arts) / max(1, n_pages)
        print(f"  tagging per page (sum of medians): old {per_page['old']:.0f} µs, new {per_page['new']:.0f} µs, "
              f"new/old {per_page['new'] / per_page['old']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
