"""The core's cost stage by stage (µs per page), read from the core's own timers.

Usage:
    python -m bench.core_bench [--pages N] [--html-pages N] [--segment-dev DIR] [--rounds R] [--alt ROOT] [--json OUT]

Page sets: ``N`` text pages and ``--html-pages`` HTML pages from ``testkit.pagegen``
(seed 7, ``varied=True``, as ``bench.run`` uses), and, when the directory exists, the
real-style pages of ``segment-dev/pages.jsonl``.

Why the core's timers: every stage wraps its work in ``Stats.timed(stage)``
(``worker/pipeline/stats.py``); ``handle_input`` returns a page's figures in
``outcome.stats`` and ``decide_with_verdict(..., stats)`` adds the dedup stage. Reading
those, rather than wrapping module functions from outside, times exactly what the worker
runs, and keeps working when a stage's internals are rewritten. ``other`` is the page time
no stage claims (article assembly, the page time limit, dead-letter building).

Clocks: the timers record wall time (``time.perf_counter``); pages per CPU-second use this
process's CPU time (``time.process_time``), which other load on a shared machine inflates
less. The table splits a page's CPU time by each stage's share of the timed wall time
(waiting for a CPU on a loaded machine falls on the stages alike); the JSON also has the
raw wall µs (``stage_us_per_page``). Best of ``--rounds`` passes (the pass with the
least CPU time, with its own stage breakdown, so the stages add up).

``--alt ROOT`` compares with another tree holding a ``worker`` package with the same
entry points (``handle_input`` returning ``outcome.stats``, ``decide_with_verdict``): it
is imported into this process under another package name and the passes alternate (A, B,
A, B ...), so both see the same machine load.
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
from types import SimpleNamespace
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_SEGMENT_DEV = next((p for p in (REPO.parent / "shared" / "data" / "segment-dev",
                                        REPO.parent.parent / "shared" / "data" / "segment-dev") if p.is_dir()),
                           REPO.parent / "shared" / "data" / "segment-dev")
SEED = 7


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

    def mod(name: str) -> Any:
        return importlib.import_module(f"{package}.pipeline.{name}")

    proc = mod("process")
    return SimpleNamespace(name=str(root or REPO), proc=proc, Stats=mod("stats").Stats, stages=mod("stats").STAGES,
                           DedupIndex=mod("dedup.index").DedupIndex, Limits=mod("intake.limits").Limits,
                           Origin=mod("model").Origin)


def one_pass(impl: SimpleNamespace, messages: list[bytes]) -> dict[str, Any]:
    """Every message through ``handle_input`` and every candidate through
    ``decide_with_verdict``, in stream order, with a fresh dedup index."""
    proc, limits, origin = impl.proc, impl.Limits(), impl.Origin("file")
    index = impl.DedupIndex()
    total = impl.Stats()
    articles = letters = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for m in messages:
        page_wall = time.perf_counter()
        outcome = proc.handle_input(m, origin, limits)
        total.add_time("_pages", time.perf_counter() - page_wall)
        total.merge(outcome.stats)
        letters += outcome.dead_letter is not None
        for c in outcome.candidates:
            articles += 1
            proc.decide_with_verdict(c, index, 1_000.0, total)
    return {"cpu_s": time.process_time() - cpu0, "wall_s": time.perf_counter() - wall0, "articles": articles,
            "dead_letters": letters, "seconds": dict(total.seconds)}


def stage_costs(seconds: dict[str, float], stages: tuple[str, ...], pages: int, cpu_s: float) -> dict[str, Any]:
    """Per-page cost of each stage from merged ``Stats.seconds`` (plus ``_pages``, the wall
    time of the ``handle_input`` calls): wall µs, share, and CPU µs split by the shares."""
    n = max(1, pages)
    wall = {s: seconds.get(s, 0.0) / n * 1e6 for s in stages if s in seconds}
    in_pages = sum(v for s, v in seconds.items() if s not in ("_pages", "dedup"))  # dedup runs outside handle_input
    wall["other"] = max(0.0, seconds.get("_pages", 0.0) - in_pages) / n * 1e6
    timed = sum(wall.values()) or 1.0
    cpu_us = cpu_s / n * 1e6
    return {
        "stage_us_per_page": {s: round(v, 1) for s, v in wall.items()},
        "stage_share": {s: round(v / timed, 3) for s, v in wall.items()},
        # A page's CPU time split by the stages' shares of its (wall) time: on a loaded
        # machine the wait for a CPU falls on the stages alike.
        "stage_cpu_us_per_page": {s: round(cpu_us * v / timed, 1) for s, v in wall.items()},
    }


def summarise(impl: SimpleNamespace, messages: list[bytes], best: dict[str, Any]) -> dict[str, Any]:
    n = max(1, len(messages))
    return {
        "impl": impl.name, "pages": len(messages), "articles": best["articles"], "dead_letters": best["dead_letters"],
        "pages_per_cpu_s": round(len(messages) / best["cpu_s"], 1) if best["cpu_s"] else None,
        "us_per_page_cpu": round(best["cpu_s"] / n * 1e6, 1),
        **stage_costs(best["seconds"], impl.stages, len(messages), best["cpu_s"]),
    }


def compare(impls: list[SimpleNamespace], messages: list[bytes], rounds: int) -> list[dict[str, Any]]:
    """Passes alternate between the implementations; each keeps its least-CPU pass."""
    for impl in impls:
        impl.proc.warm_up()
    best: list[dict[str, Any] | None] = [None] * len(impls)
    for _ in range(rounds):
        for k, impl in enumerate(impls):
            res = one_pass(impl, messages)
            if best[k] is None or res["cpu_s"] < best[k]["cpu_s"]:  # type: ignore[index]
                best[k] = res
    return [summarise(impl, messages, b) for impl, b in zip(impls, best) if b is not None]


def stage_table(title: str, names: list[str], results: list[dict[str, Any]]) -> str:
    r0 = results[0]
    stages = list(dict.fromkeys(s for r in results for s in r["stage_us_per_page"]))
    lines = [f"== {title}: {r0['pages']} pages, {r0['articles']} articles, {r0['dead_letters']} dead letters",
             f"{'stage: CPU µs per page (share)':<34}" + "".join(f"{n:>16}" for n in names)]
    for s in stages:
        cells = "".join(f"{r['stage_cpu_us_per_page'].get(s, 0.0):>9.1f} ({r['stage_share'].get(s, 0.0):>4.0%})" for r in results)
        lines.append(f"{s:<34}{cells}")
    lines.append(f"{'CPU µs per page':<34}" + "".join(f"{r['us_per_page_cpu']:>16.1f}" for r in results))
    lines.append(f"{'pages per CPU-second':<34}" + "".join(f"{r['pages_per_cpu_s'] or 0:>16.1f}" for r in results))
    return "\n".join(lines)


def page_sets(args: argparse.Namespace) -> list[tuple[str, list[bytes]]]:
    from testkit.pagegen import generate

    sets = [("text (pagegen)", generate(args.pages, seed=SEED, varied=True).messages)]
    if args.html_pages:
        sets.append(("HTML (pagegen)", generate(args.html_pages, seed=SEED, html_rate=1.0, varied=True).messages))
    dev = Path(args.segment_dev) / "pages.jsonl"
    if dev.is_file():
        sets.append(("segment-dev (real pages)", [line for line in dev.read_bytes().splitlines() if line.strip()]))
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.core_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400, help="pagegen text pages")
    parser.add_argument("--html-pages", type=int, default=200, help="pagegen HTML pages (0: none)")
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
    report: dict[str, Any] = {}
    for title, messages in page_sets(args):
        results = compare(impls, messages, args.rounds)
        print(stage_table(title, names, results) + "\n")
        report[title] = dict(zip(names, results))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
