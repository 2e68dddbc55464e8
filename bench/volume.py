"""Bytes the worker writes to Kafka per raw page, measured on the broker, by codec and routing.

    .venv/bin/python -m bench.volume [--pages N] [--variants zstd:both,none:both,...] [--json PATH]

Why a command of its own: ``bench.run`` reports the default configuration; choosing a
codec (``NEWSWORKER_COMPRESSION``) or dropping routing topics (``NEWSWORKER_ROUTING``)
needs the variants side by side, on the same pages, through the same broker, minutes
apart. Each variant is one worker process (``python -m worker run``) on topics of its own,
fed the same burst of text pages (``testkit.pagegen``, seed 7, ``varied=True``; the raw
topic is produced uncompressed, as a crawler without compression would). What is counted
is what the broker stores: the sizes of the topics' log segments (``bench.e2e.broker_bytes``),
that is record batches as the worker produced them, framing and headers included. The
worker's CPU seconds over the burst give the codec's cost (pages per worker CPU-second).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import e2e
from testkit.pagegen import generate

SEED = 7
DEFAULT_VARIANTS = "none:region,topic,zstd:region,topic,lz4:region,topic,zstd:none"


def parse_variants(text: str) -> list[tuple[str, str]]:
    """``codec:routing`` items; routing may itself hold a comma (``zstd:region,topic``)."""
    out: list[tuple[str, str]] = []
    for item in text.split(","):
        if ":" in item:
            codec, routing = item.split(":", 1)
            out.append((codec.strip(), routing.strip()))
        elif out:  # the second half of a "region,topic" routing
            out[-1] = (out[-1][0], f"{out[-1][1]},{item.strip()}")
    return out


def measure(pages: int, variants: list[tuple[str, str]], log: Any) -> dict[str, Any]:
    text = generate(pages, seed=SEED, varied=True)
    log_dir = Path(tempfile.mkdtemp(prefix="newsworker-volume-"))
    broker = e2e.start_broker()
    results = []
    try:
        for codec, routing in variants:
            log(f"{codec} / routing {routing}: {pages} pages")
            result, group, _ = e2e.max_throughput(broker, text, 1, log_dir, compression=codec, routing=routing)
            group.stop()
            results.append({"compression": codec, "routing": routing, **result})
    finally:
        broker.close()
    shutil.rmtree(log_dir, ignore_errors=True)
    return {"pages": pages, "seed": SEED, "variants": results}


def console(r: dict[str, Any]) -> str:
    kinds = sorted({k for v in r["variants"] for k in v["kafka_bytes"]["by_kind_bytes_per_page"]})
    head = f"{'codec':<6} {'routing':<13} {'raw B/page':>10} {'written B/page':>14} {'x raw':>6} {'pages/CPU-s':>11}  " + \
        "  ".join(f"{k:>10}" for k in kinds)
    lines = [f"Kafka bytes per raw page, {r['pages']} text pages, one worker, measured on the broker's log segments", head]
    for v in r["variants"]:
        b = v["kafka_bytes"]
        lines.append(f"{v['compression']:<6} {v['routing']:<13} {b['raw_bytes_per_page']:>10,} {b['written_bytes_per_page']:>14,} "
                     f"{b['written_vs_raw']:>6.2f} {v.get('pages_per_worker_cpu_s', 0):>11,.0f}  "
                     + "  ".join(f"{b['by_kind_bytes_per_page'].get(k, 0):>10,}" for k in kinds))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.volume", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--variants", default=DEFAULT_VARIANTS, help=f"codec:routing items (default {DEFAULT_VARIANTS})")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    result = measure(args.pages, parse_variants(args.variants), lambda m: print(m, file=sys.stderr, flush=True))
    print(console(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
