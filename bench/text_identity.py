"""Digest of the plain-text path's outputs over every dev text page: a speed change to
segmentation must leave it unchanged.

Usage: python -m bench.text_identity [--data DIR] [--html] (--save FILE | --check FILE)

Why: the text path is tuned for speed by reorganising how it computes (shared passes,
caches, array columns); each such change must give bit-identical articles. The digest
covers, per page, ``segment_text``'s articles (titles, paragraphs, highlights,
datelines) and stats counters, and the whole core (``handle_input``: articles with
tags and fingerprints, or the dead letter, and the stats counters); once without a
site sketch and once with one sketch shared by all pages of a set (so the site-repeat
pass runs). Pages: the rendered WCXB single and multi-article sets (eval/textpages.py),
the segment-dev pages, worker/samples and the seed page, when present. Per-page digests
are saved so that a mismatch names the page.

With ``--html`` the digest covers the HTML path instead: every WCXB dev HTML page and the
HTML samples, through ``extract_html`` (titles, paragraphs, stats counters) and the whole
core (``handle_input`` with content type text/html: articles with tags and fingerprints,
or the dead letter, and the stats counters).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Iterator

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _pages(data: Path) -> Iterator[tuple[str, str, str]]:
    """(set, page id, body) of every text page we have."""
    if (data / "wcxb-dev-articles").is_dir():
        from eval.textpages import multi_wcxb_pages, single_pages

        for p in single_pages(data):
            yield "single", p.page_id, p.body
        for p in multi_wcxb_pages(data):
            yield "multi-wcxb", p.page_id, p.body
    seg = data / "segment-dev" / "pages.jsonl"
    if seg.is_file():
        with open(seg, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                yield "segment-dev", rec["page_id"], rec["body"]
    for path in sorted((REPO / "worker" / "samples").glob("*.txt")):
        yield "samples", path.name, path.read_text(encoding="utf-8")
    for path in sorted((REPO.parent / "shared" / "seed").glob("*.txt")):
        yield "seed", path.name, path.read_text(encoding="utf-8")


def _stats(stats: Any) -> Any:
    return {"counts": stats.counts, "dropped": stats.dropped, "last_drop": stats.last_drop}


def _h(obj: Any) -> str:
    return hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS, default=repr)).hexdigest()[:16]


def digests(data: Path) -> dict[str, str]:
    from worker.pipeline.intake.limits import Limits
    from worker.pipeline.model import Origin
    from worker.pipeline.process import handle_input
    from worker.pipeline.segment.sitelines import SiteLineSketch
    from worker.pipeline.segment.split import segment_text
    from worker.pipeline.stats import Stats

    limits, origin = Limits(), Origin("kafka", topic="identity", partition=0, offset=0)
    out: dict[str, str] = {}
    sketches: dict[str, SiteLineSketch] = {}
    for which, pid, body in _pages(data):
        key = f"{which}/{pid}"
        for with_sites in (False, True):
            sites = sketches.setdefault(which, SiteLineSketch()) if with_sites else None
            st = Stats()
            segs = segment_text(body, st)  # without sketch: the pure function
            seg_part = [[s.title, s.paragraphs, s.highlights, s.dateline] for s in segs]
            msg = orjson.dumps({"page_id": pid, "url": f"https://{which}.example/{pid}", "body": body,
                                "content_type": "text/plain"})
            outcome = handle_input(msg, origin, limits, sites=sites)
            out[f"{key}#{'sites' if with_sites else 'plain'}"] = _h([seg_part, _stats(st), *_outcome(outcome)])
    return out


def _outcome(outcome: Any) -> list[Any]:
    """What the whole core gave for a page: its candidates with their fingerprints, its dead
    letter without the clock's fields, and its stats counters."""
    letter = outcome.dead_letter and {k: v for k, v in outcome.dead_letter.items() if k not in ("failed_at", "received_at")}
    return [[[c.article, repr(c.fingerprint)] for c in outcome.candidates], letter, _stats(outcome.stats)]


def _html_pages(data: Path) -> Iterator[tuple[str, str, str]]:
    """(set, page id, HTML) of every HTML page we have."""
    if (data / "wcxb-dev-articles").is_dir():
        import gzip

        for path in sorted((data / "wcxb-dev-articles" / "html").glob("*.html.gz")):
            html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            yield "wcxb-html", path.name.removesuffix(".html.gz"), html
    for path in sorted((REPO / "worker" / "samples").glob("*.html")):
        yield "samples", path.name, path.read_text(encoding="utf-8")


def html_digests(data: Path) -> dict[str, str]:
    from worker.pipeline.html.extract import extract_html
    from worker.pipeline.intake.limits import Limits
    from worker.pipeline.model import Origin, PageError
    from worker.pipeline.process import handle_input
    from worker.pipeline.stats import Stats

    limits, origin = Limits(), Origin("kafka", topic="identity", partition=0, offset=0)
    out: dict[str, str] = {}
    for which, pid, html in _html_pages(data):
        st = Stats()
        try:
            docs: Any = [[d.title, d.paragraphs] for d in extract_html(html, st)]
        except PageError as exc:
            docs = ["error", exc.args and str(exc.args[0])]
        msg = orjson.dumps({"page_id": pid, "url": f"https://{which}.example/{pid}", "body": html,
                            "content_type": "text/html"})
        outcome = handle_input(msg, origin, limits)
        out[f"{which}/{pid}#html"] = _h([docs, _stats(st), *_outcome(outcome)])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--html", action="store_true", help="digest the HTML path instead of the text path")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", type=Path)
    g.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    got = html_digests(args.data) if args.html else digests(args.data)
    whole = _h(sorted(got.items()))
    if args.save:
        args.save.write_text(json.dumps({"whole": whole, "pages": got}, indent=0))
        print(f"saved {len(got)} page digests, whole {whole}")
        return 0
    want = json.loads(args.check.read_text())
    bad = [k for k in sorted(set(want["pages"]) | set(got)) if want["pages"].get(k) != got.get(k)]
    print(f"{len(got)} page digests, whole {whole} (saved {want['whole']}): {'IDENTICAL' if not bad else f'{len(bad)} DIFFER'}")
    for k in bad[:20]:
        print("  differs:", k)
    return 0 if not bad else 1


if __name__ == "__main__":
    raise SystemExit(main())
