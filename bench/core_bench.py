"""Micro-benchmark of the text-page core, stage by stage (µs per page / per article).

Usage:
    python bench/core_bench.py [--pages N] [--segment-dev DIR] [--rounds R] [--alt ROOT] [--json OUT]

Two page sets: ``N`` text pages from ``bench/pagegen.generate`` (no bad inputs, the
generator's default share of republished near-duplicates) and, when the directory exists,
the real-style pages of ``segment-dev/pages.jsonl``.

What is timed, with ``time.process_time`` (CPU time of this process: other load on a shared
machine inflates it less than wall time), best of ``--rounds``:

- per page: ``parse`` (intake: JSON decode + schema validation), ``segmentation``
  (``segment_text``), ``handle_input`` (all analysis of a page), ``decide`` (dedup decision
  and routing for every candidate, fresh index each round) and ``core`` (handle_input +
  decide in one loop, as the stream worker runs them; pages/s is derived from it);
- per article, each stage in a loop of its own ("isolated"): ``regions``, ``topics``,
  ``language``, ``fingerprint``, ``id_hashing`` (``article_id_for``);
- per article, the same stages timed *inside* ``analyze_page`` ("in pipeline"): stages
  interleaved on one article evict each other's tables (gazetteer automaton, topic DFA,
  cld2) from the CPU caches, so the isolated numbers are lower bounds. The stage
  functions are wrapped where ``worker.pipeline.process`` looks them up;
  ``dict_building`` is what remains of the per-article time (field assembly, text joins,
  any preparation shared by stages).

``--alt ROOT`` compares with another implementation: ROOT holds a ``worker`` package (for
example a copy of an earlier tree). It is imported into this same process under another
package name, and every measurement alternates between the two implementations (A, B,
A, B ... for ``--rounds`` rounds, best of each kept), so both see the same machine load:
on a shared 2-core machine only comparisons within one run are fair.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_SEGMENT_DEV = REPO.parent / "shared" / "data" / "segment-dev"

PAGE_STAGES = ("parse", "segmentation", "handle_input", "decide", "core")
ARTICLE_STAGES = ("regions", "topics", "language", "fingerprint", "id_hashing")
_WRAPPED = {  # name in worker.pipeline.process -> stage
    "segments_of": "segmentation",
    "tag_regions": "regions",
    "tag_topics": "topics",
    "detect_language": "language",
    "fingerprint": "fingerprint",
    "article_id_for": "id_hashing",
}


def load_impl(root: Path | None) -> SimpleNamespace:
    """The core's entry points from this repo (``root`` None) or from another tree, which
    is copied under a private package name so that both can live in one process."""
    package = "worker"
    if root is not None:
        package = "altbench_worker"
        tmp = Path(tempfile.mkdtemp(prefix="core_bench_"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        shutil.copytree(root / "worker", tmp / package, ignore=shutil.ignore_patterns("__pycache__"))
        schemas = root / "schemas" if (root / "schemas").is_dir() else REPO / "schemas"
        shutil.copytree(schemas, tmp / "schemas")
        pattern = re.compile(r"\b(from|import) worker(?=[. ])")
        for path in (tmp / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            path.write_text(pattern.sub(rf"\1 {package}", text), encoding="utf-8")
        sys.path.insert(0, str(tmp))

    def mod(name: str) -> ModuleType:
        return importlib.import_module(f"{package}.pipeline.{name}")

    return SimpleNamespace(
        name=str(root or REPO),
        proc=mod("process"),
        DedupIndex=mod("dedup").DedupIndex,
        fingerprint=mod("fingerprint").fingerprint,
        article_id_for=mod("ids").article_id_for,
        parse_raw_message=mod("intake").parse_raw_message,
        detect_language=mod("language").detect_language,
        Limits=mod("limits").Limits,
        Origin=mod("model").Origin,
        tag_regions=mod("regions").tag_regions,
        segment_text=mod("segment").segment_text,
        tag_topics=mod("topics").tag_topics,
    )


def pagegen_messages(n: int, seed: int) -> list[bytes]:
    from testkit.pagegen import generate

    return generate(n, seed=seed, bad_rate=0.0).messages


def segment_dev_messages(root: Path) -> list[bytes]:
    path = root / "pages.jsonl"
    if not path.is_file():
        return []
    return [line for line in path.read_bytes().splitlines() if line.strip()]


class _Workload:
    """One implementation's timed loops over one page set."""

    def __init__(self, impl: SimpleNamespace, messages: list[bytes]) -> None:
        impl.proc.warm_up()
        self.impl = impl
        self.messages = messages
        self.limits = impl.Limits()
        self.origin = impl.Origin("file")
        self.pages = [impl.parse_raw_message(m, self.limits) for m in messages]
        self.arts = []
        for p in self.pages:
            for seg in impl.segment_text(p.body):
                text = "\n\n".join(seg.paragraphs)
                fp_text = f"{seg.title}\n\n{text}" if seg.title else text
                self.arts.append((p.url, seg.title, seg.paragraphs, seg.dateline, text, fp_text))
        self.outcomes = [impl.proc.handle_input(m, self.origin, self.limits) for m in messages]
        self.words = sum(len(a[4].split()) for a in self.arts)

    def loops(self) -> dict[str, Callable[[], Any]]:
        impl, limits, origin = self.impl, self.limits, self.origin
        messages, pages, arts, outcomes = self.messages, self.pages, self.arts, self.outcomes
        proc = impl.proc

        def parse() -> None:
            for m in messages:
                impl.parse_raw_message(m, limits)

        def segmentation() -> None:
            for p in pages:
                impl.segment_text(p.body)

        def handle_input() -> None:
            for m in messages:
                proc.handle_input(m, origin, limits)

        def decide() -> None:
            index = impl.DedupIndex()
            for out in outcomes:
                for c in out.candidates:
                    proc.decide(c, index, 1_000.0)

        def core() -> None:
            index = impl.DedupIndex()
            for m in messages:
                for c in proc.handle_input(m, origin, limits).candidates:
                    proc.decide(c, index, 1_000.0)

        def regions() -> None:
            for _, title, paras, dateline, _, _ in arts:
                impl.tag_regions(title, paras, dateline)

        def topics() -> None:
            for _, title, _, _, text, _ in arts:
                impl.tag_topics(title, text)

        def language() -> None:
            for a in arts:
                impl.detect_language(a[4])

        def fingerprint() -> None:
            for a in arts:
                impl.fingerprint(a[5])

        def id_hashing() -> None:
            for url, title, _, _, text, _ in arts:
                impl.article_id_for(url, title, text)

        return {f.__name__: f for f in (parse, segmentation, handle_input, decide, core, regions, topics,
                                        language, fingerprint, id_hashing)}

    def in_pipeline(self) -> dict[str, float]:
        """CPU seconds per stage of one pass of ``analyze_page`` over the pages."""
        proc = self.impl.proc
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

        probe = wrap("article_id_for", lambda: None)  # the wrapper's own cost, taken off
        t = clock()
        for _ in range(2000):
            probe()
        overhead = (clock() - t) / 2000 / 1e9
        calls = {k: (len(self.pages) if k == "segmentation" else len(self.arts)) for k in spent}
        for k in spent:
            spent[k] = 0
        try:
            for name, fn in originals.items():
                setattr(proc, name, wrap(name, fn))
            t = clock()
            for p in self.pages:
                proc.analyze_page(p, self.limits)
            total = (clock() - t) / 1e9 - sum(calls.values()) * overhead
        finally:
            for name, fn in originals.items():
                setattr(proc, name, fn)
        res = {k: max(0.0, v / 1e9 - calls[k] * overhead / 2) for k, v in spent.items()}
        res["analyze_page"] = total
        res["dict_building"] = max(0.0, total - sum(res[k] for k in spent))
        return res


def compare(impls: list[SimpleNamespace], messages: list[bytes], rounds: int) -> list[dict[str, Any]]:
    """Every measurement alternates between the implementations; best of ``rounds``."""
    loads = [_Workload(impl, messages) for impl in impls]
    best: list[dict[str, float]] = [{} for _ in impls]
    stage_names = list(loads[0].loops())
    all_loops = [w.loops() for w in loads]
    for _ in range(rounds):
        for stage in stage_names:
            for k, loops in enumerate(all_loops):
                t = time.process_time()
                loops[stage]()
                dt = time.process_time() - t
                best[k][stage] = min(best[k].get(stage, dt), dt)
        for k, w in enumerate(loads):
            res = w.in_pipeline()  # the whole breakdown of the best pass, so it adds up
            if "pipe_analyze_page" not in best[k] or res["analyze_page"] < best[k]["pipe_analyze_page"]:
                for stage, dt in res.items():
                    best[k]["pipe_" + stage] = dt
    out = []
    for w, sec in zip(loads, best):
        n_pages, n_arts = len(w.pages), len(w.arts)
        per_page = n_pages or 1
        per_art = n_arts or 1
        out.append({
            "impl": w.impl.name,
            "pages": n_pages,
            "articles": n_arts,
            "articles_per_page": round(n_arts / per_page, 3),
            "words_per_article": round(w.words / per_art),
            "us_per_page": {k: round(sec[k] / per_page * 1e6, 1) for k in PAGE_STAGES},
            "us_per_article": {k: round(sec[k] / per_art * 1e6, 1) for k in ARTICLE_STAGES},
            "in_pipeline_us": {
                k[5:]: round(v / (per_page if k[5:] in ("segmentation", "analyze_page") else per_art) * 1e6, 1)
                for k, v in sec.items() if k.startswith("pipe_")
            },
            "pages_per_s": {
                "handle_input": round(n_pages / sec["handle_input"]) if sec["handle_input"] else None,
                "core": round(n_pages / sec["core"]) if sec["core"] else None,
            },
        })
    return out


def _print(title: str, names: list[str], results: list[dict[str, Any]]) -> None:
    r0 = results[0]
    print(f"\n== {title}: {r0['pages']} pages, {r0['articles']} articles "
          f"({r0['articles_per_page']}/page, {r0['words_per_article']} words/article)")
    print(f"{'stage':<36}" + "".join(f"{n:>12}" for n in names))
    rows: list[tuple[str, str, str]] = []
    rows += [("us_per_page", k, f"{k} µs/page") for k in r0["us_per_page"]]
    rows += [("us_per_article", k, f"{k} µs/article (isolated)") for k in r0["us_per_article"]]
    for k in r0["in_pipeline_us"]:
        unit = "µs/page" if k in ("segmentation", "analyze_page") else "µs/article"
        rows.append(("in_pipeline_us", k, f"{k} {unit} (in pipeline)"))
    rows += [("pages_per_s", k, f"{k} pages/s") for k in r0["pages_per_s"]]
    for group, key, label in rows:
        print(f"{label:<36}" + "".join(f"{(r[group][key] or 0):>12.1f}" for r in results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400, help="pagegen text pages")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--segment-dev", default=str(DEFAULT_SEGMENT_DEV))
    parser.add_argument("--alt", help="root of another implementation (a dir holding worker/) to compare with")
    parser.add_argument("--json", help="write the results as JSON here")
    args = parser.parse_args(argv)

    impls = [load_impl(None)]
    names = ["this"]
    if args.alt:
        impls.insert(0, load_impl(Path(args.alt).resolve()))
        names.insert(0, "alt")
    sets = [("pagegen", pagegen_messages(args.pages, args.seed))]
    dev = segment_dev_messages(Path(args.segment_dev))
    if dev:
        sets.append(("segment_dev", dev))
    report: dict[str, Any] = {}
    for title, messages in sets:
        results = compare(impls, messages, args.rounds)
        _print(title, names, results)
        report[title] = dict(zip(names, results))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
