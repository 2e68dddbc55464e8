"""Micro-benchmark of the text-page core, stage by stage (µs per page / per article).

Usage:
    python bench/core_bench.py [--pages N] [--segment-dev DIR] [--rounds R] [--alt ROOT] [--json OUT]

Two page sets: ``N`` text pages from ``bench/pagegen.generate`` (no bad inputs, the
generator's default share of republished near-duplicates) and, when the directory exists,
the real-style pages of ``segment-dev/pages.jsonl``.

Stages, each timed on its own over the whole set with ``time.process_time`` (CPU time of
this process, so other load on a shared machine inflates it less than wall time), best of
``--rounds``:

- per page: ``parse`` (intake: JSON decode + schema validation), ``segmentation``
  (``segment_text``), ``handle_input`` (the whole analysis of a page), ``decide``
  (dedup decision + routing for every candidate of the page, fresh index each round),
  ``core`` = handle_input + decide, timed together, and pages/s derived from it;
- per article: ``regions`` (``tag_regions``), ``topics`` (``tag_topics``), ``language``
  (``detect_language``), ``fingerprint``, ``id_hashing`` (``article_id_for``) and
  ``dict_building``: the rest of the per-article work of ``analyze_page`` (its time
  per article minus segmentation and the stages above; it absorbs shared normalisation
  when an implementation prepares text once for several stages).

``--alt ROOT`` compares with another implementation: ROOT holds a ``worker`` package (for
example a copy of an earlier tree). Each implementation then runs in a child process,
alternating A, B, A, B ... for ``--rounds`` rounds, and the best round of each is shown
side by side: on a shared 2-core machine only comparisons within one run are fair.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SEGMENT_DEV = REPO.parent / "shared" / "data" / "segment-dev"

PAGE_STAGES = ("parse", "segmentation", "handle_input", "decide", "core")
ARTICLE_STAGES = ("regions", "topics", "language", "fingerprint", "id_hashing", "dict_building")


def _best(fn: Callable[[], Any], rounds: int) -> float:
    """Lowest CPU seconds of ``rounds`` runs of ``fn``."""
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def _pagegen_messages(n: int, seed: int) -> list[bytes]:
    sys.path.insert(0, str(REPO))
    from bench.pagegen import generate

    return generate(n, seed=seed, bad_rate=0.0).messages


def _segment_dev_messages(root: Path) -> list[bytes]:
    path = root / "pages.jsonl"
    if not path.is_file():
        return []
    return [line for line in path.read_bytes().splitlines() if line.strip()]


def measure(messages: list[bytes], rounds: int) -> dict[str, Any]:
    """Stage timings for one page set with the ``worker`` package found on sys.path."""
    from worker.pipeline.dedup import DedupIndex
    from worker.pipeline.fingerprint import fingerprint
    from worker.pipeline.ids import article_id_for
    from worker.pipeline.intake import parse_raw_message
    from worker.pipeline.language import detect_language
    from worker.pipeline.limits import Limits
    from worker.pipeline.model import Origin
    from worker.pipeline.process import analyze_page, decide, handle_input, warm_up
    from worker.pipeline.regions import tag_regions
    from worker.pipeline.segment import segment_text
    from worker.pipeline.topics import tag_topics

    warm_up()
    limits = Limits()
    origin = Origin("file")
    pages = [parse_raw_message(m, limits) for m in messages]
    segs = [seg for p in pages for seg in segment_text(p.body)]
    arts = []
    for p in pages:
        for seg in segment_text(p.body):
            text = "\n\n".join(seg.paragraphs)
            arts.append((p.url, seg.title, seg.paragraphs, seg.dateline, text,
                         f"{seg.title}\n\n{text}" if seg.title else text))
    n_pages, n_arts = len(pages), len(arts)
    outcomes = [handle_input(m, origin, limits) for m in messages]
    assert len(segs) == n_arts

    def run_parse() -> None:
        for m in messages:
            parse_raw_message(m, limits)

    def run_segment() -> None:
        for p in pages:
            segment_text(p.body)

    def run_analyze() -> None:
        for p in pages:
            analyze_page(p, limits)

    def run_handle() -> None:
        for m in messages:
            handle_input(m, origin, limits)

    def run_decide() -> None:
        index = DedupIndex()
        for out in outcomes:
            for c in out.candidates:
                decide(c, index, 1_000.0)

    def run_core() -> None:
        index = DedupIndex()
        for m in messages:
            for c in handle_input(m, origin, limits).candidates:
                decide(c, index, 1_000.0)

    def run_regions() -> None:
        for _, title, paras, dateline, _, _ in arts:
            tag_regions(title, paras, dateline)

    def run_topics() -> None:
        for _, title, _, _, text, _ in arts:
            tag_topics(title, text)

    def run_language() -> None:
        for a in arts:
            detect_language(a[4])

    def run_fingerprint() -> None:
        for a in arts:
            fingerprint(a[5])

    def run_ids() -> None:
        for url, title, _, _, text, _ in arts:
            article_id_for(url, title, text)

    sec = {
        "parse": _best(run_parse, rounds),
        "segmentation": _best(run_segment, rounds),
        "analyze": _best(run_analyze, rounds),
        "handle_input": _best(run_handle, rounds),
        "decide": _best(run_decide, rounds),
        "core": _best(run_core, rounds),
        "regions": _best(run_regions, rounds),
        "topics": _best(run_topics, rounds),
        "language": _best(run_language, rounds),
        "fingerprint": _best(run_fingerprint, rounds),
        "id_hashing": _best(run_ids, rounds),
    }
    staged = sum(sec[k] for k in ("regions", "topics", "language", "fingerprint", "id_hashing"))
    sec["dict_building"] = max(0.0, sec["analyze"] - sec["segmentation"] - staged)
    inside = _in_pipeline(pages, limits, rounds)
    words = sum(len(a[4].split()) for a in arts)
    return {
        "in_pipeline_us": {
            k: round(v / max(1, n_pages if k in ("segmentation", "analyze_page") else n_arts) * 1e6, 1)
            for k, v in inside.items()
        },
        "pages": n_pages,
        "articles": n_arts,
        "articles_per_page": round(n_arts / max(1, n_pages), 3),
        "words_per_article": round(words / max(1, n_arts)),
        "us_per_page": {k: round(sec[k] / max(1, n_pages) * 1e6, 1) for k in PAGE_STAGES},
        "us_per_article": {k: round(sec[k] / max(1, n_arts) * 1e6, 1) for k in ARTICLE_STAGES},
        "pages_per_s": {
            "handle_input": round(n_pages / sec["handle_input"]) if sec["handle_input"] else None,
            "core": round(n_pages / sec["core"]) if sec["core"] else None,
        },
    }


_WRAPPED = {  # name in worker.pipeline.process -> stage
    "segments_of": "segmentation",
    "tag_regions": "regions",
    "tag_topics": "topics",
    "detect_language": "language",
    "fingerprint": "fingerprint",
    "article_id_for": "id_hashing",
}


def _in_pipeline(pages: list[Any], limits: Any, rounds: int) -> dict[str, float]:
    """CPU seconds per stage while ``analyze_page`` runs them in its own order.

    Timed separately from the isolated loops because stages interleaved on one article
    evict each other's tables (gazetteer automaton, topic DFA, cld2) from the CPU caches:
    the isolated numbers are lower bounds. The stage functions are wrapped where
    ``worker.pipeline.process`` looks them up; ``dict_building`` is what remains of the
    per-article time (field assembly, text joins, any preparation shared by stages).
    """
    import worker.pipeline.process as proc

    clock = time.process_time_ns
    spent = dict.fromkeys(_WRAPPED.values(), 0)
    originals = {name: getattr(proc, name) for name in _WRAPPED if hasattr(proc, name)}

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        stage = _WRAPPED[name]

        def timed(*a: Any, **kw: Any) -> Any:
            t = clock()
            try:
                return fn(*a, **kw)
            finally:
                spent[stage] += clock() - t

        return timed

    # the wrapper's own cost (two clock reads and a call), taken off per call
    probe = wrap("article_id_for", lambda: None)
    t = clock()
    for _ in range(2000):
        probe()
    overhead = (clock() - t) / 2000 / 1e9
    n_arts = sum(len(proc.segments_of(p)) for p in pages)
    calls = {k: (len(pages) if k == "segmentation" else n_arts) for k in spent}
    best: dict[str, float] | None = None
    try:
        for name, fn in originals.items():
            setattr(proc, name, wrap(name, fn))
        for _ in range(rounds):
            for k in spent:
                spent[k] = 0
            t = clock()
            for p in pages:
                proc.analyze_page(p, limits)
            total = (clock() - t) / 1e9 - sum(calls.values()) * overhead
            res = {k: max(0.0, v / 1e9 - calls[k] * overhead / 2) for k, v in spent.items()}
            res["analyze_page"] = total
            res["dict_building"] = max(0.0, total - sum(res[k] for k in spent))
            if best is None or total < best["analyze_page"]:
                best = res
    finally:
        for name, fn in originals.items():
            setattr(proc, name, fn)
    assert best is not None
    return best


def _child(args: argparse.Namespace) -> dict[str, Any]:
    """Measure both page sets with whatever ``worker`` package comes first on sys.path."""
    if args.root:
        sys.path.insert(0, str(Path(args.root).resolve()))
    else:
        sys.path.insert(0, str(REPO))
    import worker.pipeline.process as proc

    out: dict[str, Any] = {"impl": str(Path(proc.__file__).resolve().parents[2])}
    out["pagegen"] = measure(_pagegen_messages(args.pages, args.seed), args.rounds)
    dev = _segment_dev_messages(Path(args.segment_dev))
    if dev:
        out["segment_dev"] = measure(dev, args.rounds)
    return out


def _run_child(root: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--pages", str(args.pages), "--seed", str(args.seed),
           "--rounds", "1", "--segment-dev", str(args.segment_dev), "--_child-root", root]
    env = dict(os.environ, PYTHONHASHSEED="0")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(REPO), check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _merge_best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per stage, the best (lowest) of several child runs."""
    best = json.loads(json.dumps(runs[0]))
    for run in runs[1:]:
        for ds in ("pagegen", "segment_dev"):
            if ds not in run:
                continue
            for group in ("us_per_page", "us_per_article", "in_pipeline_us"):
                for k, v in run[ds][group].items():
                    best[ds][group][k] = min(best[ds][group][k], v)
            for k, v in run[ds]["pages_per_s"].items():
                best[ds]["pages_per_s"][k] = max(best[ds]["pages_per_s"][k] or 0, v or 0)
    return best


def _print(results: list[tuple[str, dict[str, Any]]]) -> None:
    for ds in ("pagegen", "segment_dev"):
        present = [(name, r[ds]) for name, r in results if ds in r]
        if not present:
            continue
        r0 = present[0][1]
        print(f"\n== {ds}: {r0['pages']} pages, {r0['articles']} articles "
              f"({r0['articles_per_page']}/page, {r0['words_per_article']} words/article)")
        print(f"{'stage':<34}" + "".join(f"{name:>14}" for name, _ in present))
        for group, unit in (("us_per_page", "µs/page"), ("us_per_article", "µs/article")):
            for k in r0[group]:
                print(f"{'isolated ' + k + ' ' + unit:<34}" + "".join(f"{r[group][k]:>14.1f}" for _, r in present))
        for k in r0["in_pipeline_us"]:
            unit = "µs/page" if k in ("segmentation", "analyze_page") else "µs/article"
            print(f"{'in-pipe ' + k + ' ' + unit:<34}" + "".join(f"{r['in_pipeline_us'][k]:>14.1f}" for _, r in present))
        for k in r0["pages_per_s"]:
            print(f"{k + ' pages/s':<34}" + "".join(f"{r['pages_per_s'][k] or 0:>14}" for _, r in present))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400, help="pagegen text pages")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--segment-dev", default=str(DEFAULT_SEGMENT_DEV))
    parser.add_argument("--alt", help="root of another implementation (a dir holding worker/) to compare with")
    parser.add_argument("--json", help="write the results as JSON here")
    parser.add_argument("--_child-root", dest="child_root", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_root is not None:
        args.root = args.child_root
        print(json.dumps(_child(args)))
        return 0

    if args.alt:
        impls = [("alt", str(Path(args.alt).resolve())), ("this", str(REPO))]
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in impls}
        for _ in range(args.rounds):
            for name, root in impls:
                runs[name].append(_run_child(root, args))
        results = [(name, _merge_best(runs[name])) for name, _ in impls]
    else:
        args.root = None
        results = [("this", _child(args))]
    _print(results)
    if args.json:
        Path(args.json).write_text(json.dumps(dict(results), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
