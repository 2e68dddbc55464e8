"""A/B CPU time of the HTML path: two source trees, interleaved in one process.

Usage: python -m bench.html_ab OLD_TREE NEW_TREE [--rounds N] [--pages N]

Why: as ``bench/text_ab.py``, for the HTML extractor: the machine is shared, so only
passes over the same pages alternating old, new, new, old, ... in one process compare
fairly. Each pass times, per page, the guard (``prepare``), parsing plus
``strip_non_prose``, ``collect_blocks``, the whole ``extract_html`` and the whole core
(``bench/real_pages._core("html")``) over the first N WCXB dev HTML pages. Reported: the
fastest pass of each and the median, in ms per page. A tree is a checkout of the
repository (``git archive REV | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any, Callable

from bench.ab import alternating, new_over_old, tree_on_path  # bound now: _load takes the bench modules out of sys.modules
from bench.real_pages import cpu_per_page

REPO = Path(__file__).resolve().parents[1]
STEPS = ("prepare", "parse_strip", "collect", "extract", "core")


def _load(tree: Path) -> dict[str, Callable[[str], object]]:
    with tree_on_path(tree):
        from selectolax.lexbor import LexborHTMLParser

        from bench.real_pages import _core
        from worker.pipeline.html import blocks, guard
        from worker.pipeline.html.extract import extract_html
        from worker.pipeline.segment.split import clear_caches

    def parse_strip(html: str) -> tuple[Any, Any]:
        tree = LexborHTMLParser(guard.prepare(html))
        return tree, blocks.strip_non_prose(tree)

    def collect(html: str) -> object:  # parse_strip plus collect_blocks: take parse_strip's time off
        tree, state = parse_strip(html)
        if tree.body is None:
            return None
        # strip_non_prose hands collect_blocks the hidden elements in newer trees
        return blocks.collect_blocks(tree.body) if state is None else blocks.collect_blocks(tree.body, state)

    core = _core("html")
    return {"prepare": guard.prepare, "parse_strip": parse_strip, "collect": collect, "extract": extract_html,
            "core": core, "clear": clear_caches}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--pages", type=int, default=120)
    ap.add_argument("--steps", default=",".join(STEPS))
    args = ap.parse_args(argv)
    steps = args.steps.split(",")
    trees = {"old": _load(args.old.resolve()), "new": _load(args.new.resolve())}
    sys.path.insert(0, str(REPO))
    from eval.extraction import load_pages

    pages = [html for _, html, _ in load_pages(args.data / "wcxb-dev-articles", args.pages)]
    kb = sum(len(p.encode()) for p in pages) / len(pages) / 1024
    for t in trees.values():
        for m in steps:
            t[m](pages[0])
    times: dict[str, dict[str, list[float]]] = {n: {m: [] for m in steps} for n in trees}
    for name in alternating(args.rounds):
        t = trees[name]
        for m in steps:
            times[name][m].append(cpu_per_page(t[m], pages, t["clear"]))
    print(f"{len(pages)} WCXB dev HTML pages, mean {kb:.0f} KB; CPU ms per page, {args.rounds} interleaved passes each")
    for name in ("old", "new"):
        print(f"  {name}: " + "  ".join(
            f"{m} min {min(v) * 1e3:.2f} med {statistics.median(v) * 1e3:.2f}" for m, v in times[name].items()))
    for m in steps:
        o, n = times["old"][m], times["new"][m]
        print(f"  {m}: {new_over_old(o, n)}"
              f"  (old med {statistics.median(o) * 1e3:.2f} ms, new med {statistics.median(n) * 1e3:.2f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
