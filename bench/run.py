"""The one benchmark command: core, naive baseline, raw pass-through and the live worker
through a real Apache Kafka broker, measured side by side in one run.

    .venv/bin/python -m bench.run [--pages N] [--quick] [--json PATH] [--png PATH] [--md PATH]

Why one command: numbers taken on different days on a shared 2-core machine cannot be
compared; ratios (worker vs core, ours vs naive, 2 workers vs 1, worker vs pass-through)
only mean something when both sides ran minutes apart under the same load, which is also
recorded. ``--quick`` is the CI smoke size (tens of pages, no timing claims).
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import run_report
from testkit.pagegen import generate
from bench.run_core import article_texts, concurrent_core, kafka_volume, run_core
from bench.run_machine import load_average, machine_info

REPO = Path(__file__).resolve().parents[1]
SEED = 7

METHOD = [
    "Pages come from `testkit/pagegen.py` (seed 7, `varied=True`): text pages with 10% republished near-duplicates, 5% "
    "bad inputs and 20% hard-wrapped; HTML pages are the same kind of stories rendered as HTML (`html_rate=1.0`). The "
    "end-to-end runs and the core's text row use the very same pages. `varied=True` varies the wording of the "
    "generator's templates: with the default templates two unrelated stories share about 15% of their word 3-grams "
    "(real news: under 0.1%), which turns about 30% of the dedup index into LSH candidates for every look-up and makes "
    "dedup dominate; the row 'text, default templates' shows that effect.",
    "Core: `handle_input` + `decide` with an in-memory `DedupIndex`, one process, pages in stream order; pages/s per "
    "core = pages / CPU-seconds of that process (`time.process_time`), wall rate beside it.",
    "Naive baseline (`bench/baseline_naive.py`): trafilatura for HTML, blank-line split for text, datasketch MinHash "
    "(word 5-grams, 128 permutations, `update_batch`) + MinHashLSH (threshold 0.8), a regex alternation over every "
    "pycountry name. It does less than ours (one article per page, no language id, no topics, no routing).",
    "End to end: a real Apache Kafka 4 broker (`testkit/kafka.py`, throughput JVM options), topics with 4 "
    "partitions, worker(s) started as `python -m worker run` with NEWSWORKER_FAST_GROUP_TIMEOUTS=1, analysis on the "
    "event loop (NEWSWORKER_PROCESS_WORKERS=auto, which is 0 on 2 cores).",
    "Output topics use `message.timestamp.type=LogAppendTime`: a page is accounted at the broker append time of its last "
    "output record (all its articles, or its dead letter). Max throughput: the raw topic is filled in one burst right "
    "after the worker reports ready; rate = (pages - 1) / (last accounted - first accounted).",
    "Latency: a paced producer offers new pages at 50% and 90% of the measured max and stamps each raw record with its "
    "send time (CreateTime); latency = accounted time (broker append time of the page's last output) - send time, over "
    "pages with a page id (undecodable inputs left out). Producer, broker and worker share one clock. Each paced run "
    "lasts 20 s (at most 3,000 pages), so that p99 is the 20th-worst of ~2,000 pages rather than a handful: in "
    "8-second runs the same setting's p99 varied 2x from one run to the next on this machine.",
    "Pass-through (`bench/passthrough.py`): its own process, aiokafka consumer group on the same payloads, every value "
    "produced unchanged to the same partition of an output topic (acks=all, 2 ms linger like the worker), batches "
    "awaited; same accounting by append time.",
    "Two workers: a fresh set of topics, both processes ready and the group stable before the burst.",
    "Dedup memory: `bench/dedup_bench.memory` (tracemalloc around the inserts) on the articles the core found in the "
    "text pages.",
    "Profiles: pyinstrument on the core over the text pages; py-spy (`record --pid`, 100 Hz) attached to a separate "
    "worker process during its own burst run (so the sampling does not disturb the measured runs). py-spy samples wall "
    "clock: on an oversubscribed machine, time a runnable worker waits for a CPU is charged to the frame it was "
    "preempted in, typically a syscall such as a socket write that woke the broker; the worker's CPU seconds (row "
    "'pages per worker CPU-second') are the unbiased total.",
    "Kafka volume: records and bytes per raw page that the worker produces (candidates, outputs) and consumes back "
    "(candidates), computed from the core's results with the worker's own codec on 500 of the text pages (uncompressed "
    "JSON). Bytes actually written: after the one-worker burst, the sizes of the log segments the broker holds for each "
    "of the run's topics (record batches as produced, with the worker's NEWSWORKER_COMPRESSION, default zstd), per raw "
    "page and against the raw topic's own size (the raw pages are produced uncompressed). `python -m bench.variants` "
    "compares codecs and routing choices the same way.",
    "A second latency run at 50% of the same max offers the same load to a worker set for latency "
    "(NEWSWORKER_BATCH_WINDOW_MS=2, NEWSWORKER_LINGER_MS=1, against the defaults 10 and 5): each page then waits less "
    "for its batch to close on each of its two hops, at the cost of smaller batches (`python -m bench.variants` "
    "measures that cost in CPU and bytes).",
    "Two workers' per-worker efficiency: pages per worker CPU-second (both processes' CPU) against one worker's. "
    "The default keeps a standby copy of the dedup table on the second worker (NEWSWORKER_STANDBY_REPLICAS=1, faust's "
    "default), which replays every article the owner remembers; a second pair runs without it to show that cost. "
    "Beside them, the same comparison without Kafka or our shell (`bench/run_core.concurrent_core`): the core alone in one "
    "process, then in two processes at once on the same pages, pages per CPU-second of each; on a machine with as many "
    "cores as processes this is 1.0, and what it falls short of that is contention for the machine, not the worker.",
    "Real pages (`bench/real_pages.py`, development data from ../shared/data, outside the repo): the WCXB dev pages "
    "rendered to plain text with all their furniture (10-18 KB, as `bench/text_bench.py`) and the same pages' HTML; "
    "the whole core per page (intake, segmentation or extraction, cleanup, tagging, fingerprint, dedup against the "
    "pages before it) beside jusText on the text pages' blocks and `trafilatura.extract` on the HTML, each over the "
    "same pages back to back, best of 3 passes of process CPU time. jusText and trafilatura do less (no tags, no "
    "dedup), so the ratios favour them.",
    "Start-up (`bench/startup.py`): `python -m worker demo` on the seed page with the embedded broker, as on a fresh "
    "clone, best of 3, phases read from the worker's own log lines.",
    "NEWSWORKER_PROCESS_WORKERS is left at its default, auto, which is 0 (analysis on the event loop) on 2 cores.",
]


LOW_LATENCY = {"batch_window_ms": 2.0, "linger_ms": 1.0}
"""The latency row's settings (NEWSWORKER_BATCH_WINDOW_MS, NEWSWORKER_LINGER_MS); the defaults
(10 and 5) keep more pages per batch and request, which costs less CPU and fewer bytes."""


def _sizes(args: argparse.Namespace) -> dict[str, int]:
    if args.quick:
        return {"core": 30, "naive": 30, "e2e": 30, "paced_min": 15, "paced_max": 30, "two": 30, "profile": 0, "real": 5}
    n = args.pages
    return {"core": n, "naive": min(n, args.naive_pages), "e2e": n, "paced_min": 50, "paced_max": max(n, args.paced_max_pages),
            "two": n, "profile": min(n, 2000), "real": 120}


def measure(args: argparse.Namespace, log: Any) -> dict[str, Any]:
    from bench.baseline_naive import run_naive
    from bench.dedup_bench import memory
    from bench.run_profile import profile_core
    from worker.pipeline.process import warm_up

    size = _sizes(args)
    result: dict[str, Any] = {"machine": machine_info(), "core": {}, "naive": {}, "e2e": {}, "profiles": {}}
    result["config"] = {"command": "python -m bench.run " + " ".join(shlex.quote(a) for a in args.argv), "sizes": size,
                        "seed": SEED, "quick": args.quick, "method": METHOD}
    text = generate(size["e2e"], seed=SEED, varied=True)
    html = generate(size["core"], seed=SEED, html_rate=1.0, varied=True)
    warm_up()

    log("core: text pages")
    result["core"]["text"] = run_core(text).summary()
    log("core: text pages with pagegen's default (repetitive) templates")
    result["core"]["text_default_templates"] = run_core(generate(min(size["core"], 1500), seed=SEED)).summary()
    log("core: HTML pages")
    result["core"]["html"] = run_core(html).summary()
    log("core: one process, then two at once (the machine's share of the two-worker gap)")
    result["core"]["concurrent"] = concurrent_core(text if size["two"] == len(text.messages) else generate(size["two"], seed=SEED, varied=True))
    log("naive baseline: text and HTML pages")
    result["naive"]["text"] = run_naive(generate(size["naive"], seed=SEED, varied=True))
    result["naive"]["html"] = run_naive(generate(size["naive"], seed=SEED, html_rate=1.0, varied=True))
    log("profile: core on text pages")
    prof_pages = generate(min(size["core"], 1000), seed=SEED, varied=True)
    result["profiles"]["core_text"] = profile_core(lambda: run_core(prof_pages))
    result["profiles"]["core_text"]["unit"] = "seconds sampled"
    log("Kafka records and bytes per page")
    result["kafka_volume"] = kafka_volume(generate(min(size["core"], 500), seed=SEED, varied=True))
    log("dedup memory per article")
    texts = article_texts(text)
    result["dedup_memory"] = [memory(texts, store) for store in ("memory", "table")]

    log("real pages: the core beside jusText (text) and trafilatura (HTML)")
    from bench import real_pages

    result["real_pages"] = real_pages.measure(args.data, size["real"], 1 if args.quick else 3)
    if not args.quick or args.startup:
        from bench import startup

        log("start-up: newsworker demo on the seed page (embedded broker)")
        result["startup"] = startup.measure([str(startup.SEED)], 1 if args.quick else 3) if startup.SEED.exists() else None
    if not args.no_kafka:
        measure_e2e(args, size, result, text, log)
    result["machine"]["load_average_end"] = load_average()
    result["ratios"] = ratios(result)
    return result


def measure_e2e(args: argparse.Namespace, size: dict[str, int], result: dict[str, Any], text: Any, log: Any) -> None:
    from bench import e2e

    log_dir = Path(tempfile.mkdtemp(prefix="newsworker-bench-"))
    log(f"starting Apache Kafka (logs in {log_dir})")
    broker = e2e.start_broker()
    try:
        log(f"pass-through: {len(text.messages)} messages")
        result["e2e"]["passthrough"] = e2e.passthrough(broker, text, log_dir)
        log(f"1 worker: burst of {len(text.messages)} pages")
        one, workers, settings = e2e.max_throughput(broker, text, 1, log_dir)
        result["e2e"]["one_worker"] = one
        loads = {}  # share of max -> (rate, pages): the paced loads offered
        for share, seed in ((0.5, SEED + 100), (0.9, SEED + 200)):
            rate = max(1.0, share * one["pages_per_s"])
            n = int(min(size["paced_max"], max(size["paced_min"], rate * args.paced_seconds)))
            loads[share] = rate, generate(n, seed=seed, varied=True)
        try:
            result["e2e"]["latency"] = []
            for share, (rate, pages) in loads.items():
                log(f"1 worker: {len(pages.messages)} pages paced at {rate:.0f}/s ({share:.0%} of max)")
                lat = e2e.latency_at(settings, pages, rate, workers)
                lat["share"] = share
                result["e2e"]["latency"].append(lat)
        finally:
            workers.stop()
        # The same 50% load on a worker set for latency (smaller batch window and linger):
        # what the two knobs buy, beside the default's figures.
        rate, pages = loads[0.5]
        log(f"1 worker set for latency ({LOW_LATENCY}): {len(pages.messages)} pages paced at {rate:.0f}/s")
        low_settings = e2e.new_settings(broker, **LOW_LATENCY)
        low = e2e.Workers(low_settings, 1, log_dir).start()
        try:
            lat = e2e.latency_at(low_settings, pages, rate, low)
            lat.update(share=0.5, settings=LOW_LATENCY)
            result["e2e"]["latency_low"] = lat
        finally:
            low.stop()
        if not args.no_two_workers:
            pages = text if size["two"] == len(text.messages) else generate(size["two"], seed=SEED, varied=True)
            log(f"2 workers: burst of {len(pages.messages)} pages")
            two, group, _ = e2e.max_throughput(broker, pages, 2, log_dir)
            group.stop()
            result["e2e"]["two_workers"] = two
            log(f"2 workers without a dedup standby (NEWSWORKER_STANDBY_REPLICAS=0): burst of {len(pages.messages)} pages")
            two0, group, _ = e2e.max_throughput(broker, pages, 2, log_dir, standby_replicas=0)
            group.stop()
            result["e2e"]["two_workers_no_standby"] = two0
        if size["profile"] and e2e.py_spy() is not None:
            from bench.run_profile import py_spy_stacks, summarise

            spy_out = log_dir / "worker-py-spy.txt"
            pages = generate(size["profile"], seed=SEED + 300, varied=True)
            log(f"profile: py-spy on a worker during a burst of {size['profile']} pages")
            _, group, _ = e2e.max_throughput(broker, pages, 1, log_dir, profile_to=spy_out)
            group.stop()
            if spy_out.exists():
                result["profiles"]["worker"] = summarise(py_spy_stacks(spy_out))
                result["profiles"]["worker"]["unit"] = "samples"
    finally:
        broker.close()
    if not args.keep_logs:  # reached only on success: a failed run keeps its worker logs
        shutil.rmtree(log_dir, ignore_errors=True)


def ratios(r: dict[str, Any]) -> dict[str, float]:
    core, naive, e2e = r["core"], r["naive"], r["e2e"]
    out = {f"core_vs_naive_{k}": round(core[k]["pages_per_cpu_s"] / max(1e-9, naive[k]["pages_per_cpu_s"]), 3)
           for k in ("text", "html")}
    one = e2e.get("one_worker")
    if one:
        out["e2e_vs_core_wall"] = round(one["pages_per_s"] / max(1e-9, core["text"]["pages_per_s_wall"]), 3)
        out["e2e_vs_core_cpu"] = round(one.get("pages_per_worker_cpu_s", 0.0) / max(1e-9, core["text"]["pages_per_cpu_s"]), 3)
        if e2e.get("passthrough"):
            out["e2e_vs_passthrough"] = round(one["pages_per_s"] / max(1e-9, e2e["passthrough"]["pages_per_s"]), 4)
        if e2e.get("two_workers"):
            two = e2e["two_workers"]
            out["two_vs_one"] = round(two["pages_per_s"] / max(1e-9, one["pages_per_s"]), 3)
            # Per-worker efficiency: pages per worker CPU-second of the pair against one worker's
            # (wall-clock scaling cannot show on two cores shared with the broker).
            out["two_vs_one_per_cpu_s"] = round(two.get("pages_per_worker_cpu_s", 0.0)
                                                / max(1e-9, one.get("pages_per_worker_cpu_s", 0.0)), 3)
        if e2e.get("two_workers_no_standby"):
            out["two_no_standby_vs_one_per_cpu_s"] = round(e2e["two_workers_no_standby"].get("pages_per_worker_cpu_s", 0.0)
                                                           / max(1e-9, one.get("pages_per_worker_cpu_s", 0.0)), 3)
        conc = core.get("concurrent")
        if conc and e2e.get("two_workers"):
            out["two_core_processes_vs_one"] = conc["efficiency"]
        if one.get("kafka_bytes"):
            out["kafka_written_vs_raw"] = one["kafka_bytes"]["written_vs_raw"]
    return out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=4000, help="pages for the core and the end-to-end bursts (default 4000)")
    ap.add_argument("--quick", action="store_true", help="CI smoke size: 30 pages, no worker profile")
    ap.add_argument("--json", type=Path, help="default bench/out/benchmarks.json (quick: bench/out/quick/)")
    ap.add_argument("--png", type=Path, help="default docs/benchmarks.png (quick: bench/out/quick/)")
    ap.add_argument("--md", type=Path, help="default docs/benchmarks.md (quick: bench/out/quick/)")
    ap.add_argument("--naive-pages", type=int, default=1500, help="cap on pages for the (slow) naive baseline")
    ap.add_argument("--paced-seconds", type=float, default=20.0,
                    help="length of each paced latency run (long enough that p99 is not a handful of pages)")
    ap.add_argument("--paced-max-pages", type=int, default=3000, help="cap on the pages of one paced run")
    ap.add_argument("--no-two-workers", action="store_true")
    ap.add_argument("--no-kafka", action="store_true", help="core, naive and memory only")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                    help="development data for the real-pages rows (default ../shared/data; left out when missing)")
    ap.add_argument("--startup", action="store_true", help="also time the demo's start-up in --quick runs")
    ap.add_argument("--keep-logs", action="store_true", help="keep worker/broker-side logs and the py-spy recording")
    args = ap.parse_args(argv)
    args.argv = argv
    quick_dir = REPO / "bench" / "out" / "quick"
    json_path = args.json or (quick_dir / "benchmarks.json" if args.quick else REPO / "bench" / "out" / "benchmarks.json")
    png_path = args.png or (quick_dir / "benchmarks.png" if args.quick else REPO / "docs" / "benchmarks.png")
    md_path = args.md or (quick_dir / "benchmarks.md" if args.quick else REPO / "docs" / "benchmarks.md")
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s, load {load_average()[0]:.2f}] {message}", file=sys.stderr, flush=True)

    result = measure(args, log)
    result["config"]["seconds"] = round(time.monotonic() - started, 1)
    for path in (json_path, png_path, md_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(result, indent=1))
    run_report.plot(result, png_path)
    md_path.write_text(run_report.markdown(result, png_path, md_path))
    print(run_report.console(result))
    print(f"wrote {json_path}, {png_path}, {md_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
