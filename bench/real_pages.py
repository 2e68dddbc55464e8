"""The core on real pages beside the tools a user would otherwise run, CPU time per page.

Why: the generated pages of ``bench.run`` are short and regular; real pages are longer and
full of furniture. Issue 16 sets the core (every stage: intake, segmentation or HTML
extraction, cleanup, tagging, fingerprint, dedup) against jusText on text pages and against
trafilatura on HTML pages, and issue 13 sets the text path at <= 2 ms of CPU per 14 KB page.

Pages (../shared/data, development data kept outside the repo; without it this part is left
out and the report says so): the WCXB dev pages rendered to plain text by
``eval/textpages.py`` (those of 10-18 KB, as ``bench/text_bench.py``), and the same dev
pages' HTML. Each method runs over the same pages back to back, best of ``repeat`` passes of
process CPU time.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import orjson

__all__ = ["cpu_per_page", "measure"]


def _core(kind: str) -> Callable[[str], object]:
    """The whole core on one page, as the stream worker runs it (a fresh dedup index per pass
    is set by :func:`_best`)."""
    from worker.pipeline.dedup.index import DedupIndex
    from worker.pipeline.intake.limits import Limits
    from worker.pipeline.model import Origin
    from worker.pipeline.process import decide_with_verdict, handle_input
    from worker.pipeline.stats import Stats

    limits, origin = Limits(), Origin("kafka", topic="bench", partition=0, offset=0)
    content_type = "text/html" if kind == "html" else "text/plain"
    state = {"index": DedupIndex(), "n": 0}

    def run(page: str) -> object:
        state["n"] += 1
        message = orjson.dumps({"page_id": f"real-{state['n']}", "url": f"https://site.example/{state['n']}", "body": page,
                                "content_type": content_type})
        outcome = handle_input(message, origin, limits)
        stats, now = Stats(), time.time()
        for candidate in outcome.candidates:
            decide_with_verdict(candidate, state["index"], now, stats)
        return outcome

    def reset() -> None:
        state["index"] = DedupIndex()

    run.reset = reset  # type: ignore[attr-defined]
    return run


def cpu_per_page(fn: Callable[[str], object], pages: list[str], clear: Callable[[], None]) -> float:
    """One pass of ``fn`` over ``pages`` from cold caches (``clear``, and ``fn.reset`` where
    it has one): process CPU seconds per page. ``bench/text_ab.py`` passes each tree's own
    ``clear``."""
    clear()
    if hasattr(fn, "reset"):
        fn.reset()  # type: ignore[attr-defined]
    t0 = time.process_time()
    for p in pages:
        fn(p)
    return (time.process_time() - t0) / len(pages)


def _best(pages: list[str], fn: Callable[[str], object], repeat: int) -> float:
    from worker.pipeline.segment.split import clear_caches

    fn(pages[0])  # lazy loads are not per-page costs
    return min(cpu_per_page(fn, pages, clear_caches) for _ in range(repeat))


def measure(data: Path, pages: int = 120, repeat: int = 3) -> dict[str, Any] | None:
    """CPU µs per page of each method, or None without the development data."""
    if not (data / "wcxb-dev-articles").is_dir():
        return None
    from bench.text_bench import _justext, _ours, _pages
    from eval.extraction import _trafilatura, load_pages

    out: dict[str, Any] = {"pages": pages, "repeat": repeat}
    bodies, what = _pages(data, pages)
    kb = sum(len(b.encode()) for b in bodies) / len(bodies) / 1024
    text: dict[str, Any] = {"pages": len(bodies), "what": what, "mean_kb": round(kb, 1)}
    for name, fn in (("core", _core("text")), ("segment", _ours()), ("justext", _justext())):
        if fn is not None:
            text[f"{name}_us"] = round(_best(bodies, fn, repeat) * 1e6)
    text["segment_us_per_14kb"] = round(text["segment_us"] * 14 / kb)
    text["core_us_per_14kb"] = round(text["core_us"] * 14 / kb)
    out["text"] = text
    html_pages = [html for _, html, _ in load_pages(data / "wcxb-dev-articles", pages)]
    hkb = sum(len(h.encode()) for h in html_pages) / len(html_pages) / 1024
    html: dict[str, Any] = {"pages": len(html_pages), "what": "WCXB dev pages (HTML)", "mean_kb": round(hkb, 1)}
    html["core_us"] = round(_best(html_pages, _core("html"), repeat) * 1e6)
    html["trafilatura_us"] = round(_best(html_pages, _trafilatura, max(1, repeat - 1)) * 1e6)
    out["html"] = html
    return out


if __name__ == "__main__":
    import json
    import sys

    root = Path(__file__).resolve().parents[1]
    print(json.dumps(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "data", 40, 2), indent=1))
