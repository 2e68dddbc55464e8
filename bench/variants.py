"""One worker under several configurations, side by side: throughput, pages per worker
CPU-second, and the bytes the broker stores per raw page.

    .venv/bin/python -m bench.variants [--pages N] [--repeat R] [--variant "compression=zstd;routing=region,topic" ...] [--json PATH]

Why a command of its own: ``bench.run`` measures the default configuration; choosing a
codec (``NEWSWORKER_COMPRESSION``), dropping routing topics (``NEWSWORKER_ROUTING``) or
trying a shell change behind a setting needs the variants on the same pages, through the
same broker, minutes apart, and alternated (A, B, A, B with ``--repeat``) so that the load
of a shared machine falls on all of them alike. Each run is one worker process
(``python -m worker run``) on topics of its own, fed one burst of the same text pages
(``testkit.pagegen``, seed 7, ``varied=True``; the raw topic is produced uncompressed, as a
crawler without compression would), exactly as ``bench.run`` times its one-worker burst.
Bytes are what the broker stores: the sizes of the topics' log segments
(``bench.e2e.broker_bytes``), record batches as the worker produced them, framing and
headers included. A variant is ``field=value`` pairs of :class:`worker.config.Settings`
separated by ``;``. Reported per variant: the median over its repeats.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import sys
import tempfile
import typing
from pathlib import Path
from typing import Any

from bench import e2e
from testkit.pagegen import generate
from worker.config import Settings, _convert

SEED = 7
DEFAULT_VARIANTS = ["compression=none;routing=region,topic", "compression=zstd;routing=region,topic",
                    "compression=lz4;routing=region,topic", "compression=zstd;routing=none"]


def parse_variant(text: str) -> dict[str, Any]:
    """``field=value;field=value`` into Settings overrides, converted to the fields' types."""
    hints = typing.get_type_hints(Settings)
    fields = {f.name for f in dataclasses.fields(Settings)}
    out: dict[str, Any] = {}
    for item in filter(None, (p.strip() for p in text.split(";"))):
        name, _, value = item.partition("=")
        name = name.strip()
        if name not in fields:
            raise SystemExit(f"bench.variants: {name!r} is not a Settings field")
        kind = hints[name]
        base = next((a for a in typing.get_args(kind) if a is not type(None)), kind) if isinstance(kind, typing.types.UnionType) else kind
        out[name] = _convert(value.strip(), base, name)
    return out


def label(overrides: dict[str, Any]) -> str:
    return "; ".join(f"{k}={v}" for k, v in overrides.items()) or "defaults"


def measure(pages: int, variants: list[dict[str, Any]], repeat: int, log: Any) -> dict[str, Any]:
    text = generate(pages, seed=SEED, varied=True)
    log_dir = Path(tempfile.mkdtemp(prefix="newsworker-variants-"))
    broker = e2e.start_broker()
    runs: list[list[dict[str, Any]]] = [[] for _ in variants]
    try:
        for r in range(repeat):
            for k, overrides in enumerate(variants):
                log(f"round {r + 1}/{repeat}: {label(overrides)}: {pages} pages")
                result, group, _ = e2e.max_throughput(broker, text, 1, log_dir, **overrides)
                group.stop()
                runs[k].append(result)
    finally:
        broker.close()
    shutil.rmtree(log_dir, ignore_errors=True)
    out = []
    for overrides, results in zip(variants, runs):
        med = lambda key: statistics.median(x.get(key, 0.0) for x in results)  # noqa: E731
        out.append({"variant": label(overrides), "overrides": overrides, "runs": results,
                    "pages_per_s": round(med("pages_per_s"), 1), "pages_per_worker_cpu_s": round(med("pages_per_worker_cpu_s"), 1),
                    "kafka_bytes": results[-1]["kafka_bytes"]})
    return {"pages": pages, "seed": SEED, "repeat": repeat, "variants": out}


def console(r: dict[str, Any]) -> str:
    kinds = sorted({k for v in r["variants"] for k in v["kafka_bytes"]["by_kind_bytes_per_page"]})
    width = max(len(v["variant"]) for v in r["variants"])
    lines = [f"one worker, {r['pages']} text pages per run, median of {r['repeat']} alternated run(s); bytes from the broker's log segments",
             f"{'variant':<{width}} {'pages/s':>8} {'pages/CPU-s':>11} {'raw B/page':>10} {'written B/page':>14} {'x raw':>6}  "
             + "  ".join(f"{k:>10}" for k in kinds)]
    for v in r["variants"]:
        b = v["kafka_bytes"]
        lines.append(f"{v['variant']:<{width}} {v['pages_per_s']:>8,.0f} {v['pages_per_worker_cpu_s']:>11,.0f} {b['raw_bytes_per_page']:>10,} "
                     f"{b['written_bytes_per_page']:>14,} {b['written_vs_raw']:>6.2f}  "
                     + "  ".join(f"{b['by_kind_bytes_per_page'].get(k, 0):>10,}" for k in kinds))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.variants", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1, help="alternated rounds; the median is reported")
    ap.add_argument("--variant", action="append", help=f"Settings overrides, field=value;... (default: {DEFAULT_VARIANTS})")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    variants = [parse_variant(v) for v in (args.variant or DEFAULT_VARIANTS)]
    result = measure(args.pages, variants, args.repeat, lambda m: print(m, file=sys.stderr, flush=True))
    print(console(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
