"""CPU time of the plain-text path on real pages rendered to text, beside jusText.

Usage: python -m bench.text_bench [DATA] [--pages N] [--repeat R]

Pages: the WCXB dev pages rendered to text by ``eval/textpages.py`` (all their furniture
kept), those between 10 and 18 KB, so the mean is close to the 14 KB page of the speed
goal; without the development data, pages from ``testkit.pagegen`` padded to 14 KB. Each
method runs over the same pages back to back (best of R passes, process CPU time), and
the figure is also scaled to a 14 KB page. jusText (bench extra) runs on the page's
blank-line blocks wrapped as <p> elements, which is how it reads text.
"""

from __future__ import annotations

import argparse
import html as htmlmod
import random
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REPO = Path(__file__).resolve().parents[1]


def _pages(data: Path, n: int) -> tuple[list[str], str]:
    if (data / "wcxb-dev-articles").is_dir():
        from eval.textpages import single_pages

        bodies = [p.body for p in single_pages(data) if 10_000 <= len(p.body.encode()) <= 18_000]
        return bodies[:n], "WCXB dev pages rendered to text, 10-18 KB"
    from testkit.pagegen import make_story, render_page

    rng = random.Random(7)
    bodies = []
    while len(bodies) < n:
        body = ""
        while len(body.encode()) < 14_000:
            body += render_page([make_story(rng) for _ in range(2)], rng)
        bodies.append(body)
    return bodies, "generated pages (testkit.pagegen), about 14 KB"


def _ours() -> Callable[[str], object]:
    from worker.pipeline.segment.split import segment_text
    from worker.pipeline.stats import Stats

    return lambda body: segment_text(body, Stats())


def _justext() -> Callable[[str], object] | None:
    try:
        import justext
    except ImportError:
        return None
    from eval.textpages import text_blocks

    stop = justext.get_stoplist("English")

    def run(body: str) -> object:
        doc = "<html><body>" + "".join(f"<p>{htmlmod.escape(x)}</p>" for x in text_blocks(body)) + "</body></html>"
        return justext.justext(doc.encode("utf-8"), stop, encoding="utf-8")

    return run


def measure(bodies: list[str], fn: Callable[[str], object], repeat: int) -> float:
    """Best CPU seconds per page over ``repeat`` passes. Each pass starts with empty text
    caches (``split.clear_caches``), so a pass is not served from the one before."""
    from worker.pipeline.segment.split import clear_caches

    fn(bodies[0])  # lazy loads are not per-page costs
    best = float("inf")
    for _ in range(repeat):
        clear_caches()
        t0 = time.process_time()
        for b in bodies:
            fn(b)
        best = min(best, time.process_time() - t0)
    return best / len(bodies)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, nargs="?", default=REPO.parent / "shared" / "data")
    ap.add_argument("--pages", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    bodies, what = _pages(args.data, args.pages)
    kb = sum(len(b.encode()) for b in bodies) / len(bodies) / 1024
    print(f"{len(bodies)} pages ({what}), mean {kb:.1f} KB; CPU time, best of {args.repeat}")
    methods: dict[str, Callable[[str], object] | None] = {"ours (segment_text)": _ours(), "jusText on lines": _justext()}
    base = None
    for name, fn in methods.items():
        if fn is None:
            print(f"{name:<22} not installed (pip install '.[bench]')")
            continue
        s = measure(bodies, fn, args.repeat)
        base = base or s
        print(f"{name:<22} {s * 1e6:9.0f} µs/page  {s * 1e6 * 14 / kb:9.0f} µs per 14 KB  ({s / base:.2f}x ours)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
