"""How long the dedup stage's rebuild and retention scan take, and how long they hold the
event loop at most (the longest gap a concurrent task sees between two turns).

Records are synthetic (random signatures, 1% expired), read through the same
``TableRecords`` + ``decode_record`` path a recovered faust table goes through, from a
dict standing in for the table's store. Prints one markdown table.

    python -m bench.state_bench [--records 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from typing import Any

from worker.pipeline.dedup.fingerprint import DEFAULT
from worker.pipeline.dedup.index import ArticleRecord
from worker.stream.state.index_store import MirroredStore
from worker.stream.state.recovery import rebuild
from worker.stream.state.records import encode_record
from worker.stream.state.retention import Retention
from worker.stream.state.table import TableRecords


async def _with_stall_probe(work: Any) -> tuple[Any, float, float]:
    """(result, seconds, longest loop stall in seconds) of awaiting ``work``."""
    longest = 0.0
    stop = False

    async def probe() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not stop:
            await asyncio.sleep(0)
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now

    task = asyncio.ensure_future(probe())
    await asyncio.sleep(0)
    started = time.perf_counter()
    result = await work
    seconds = time.perf_counter() - started
    stop = True
    await task
    return result, seconds, longest


async def main_async(n: int) -> str:
    rng = random.Random(1)
    now = 2_000_000_000.0
    table: dict[str, Any] = {}
    size = DEFAULT.num_perm * 2
    keys = [os.urandom(8).hex() for _ in range(n)]
    rng.shuffle(keys)  # RocksDB iterates in key order: not the order of arrival
    for i, key in enumerate(keys):
        expired = i % 100 == 0
        ts = now - DEFAULT.retention_seconds - 10 if expired else now - rng.random() * 86400
        table[key] = encode_record(ArticleRecord(key, None, None, os.urandom(8).hex(), os.urandom(size), ts))
    durable = TableRecords(table)
    result, rebuild_s, rebuild_stall = await _with_stall_probe(rebuild(durable.items(), DEFAULT, now))
    store = MirroredStore(durable, result.memory)
    retention = Retention(store, DEFAULT)
    later = now + DEFAULT.retention_seconds - 86400 + 3600  # the oldest hour of records has expired
    _, scan_s, scan_stall = await _with_stall_probe(retention._find_expired(later - DEFAULT.retention_seconds))
    steps, evict_s, evict_stall = 0, 0.0, 0.0
    while retention.pending:
        t = time.perf_counter()
        retention.step(later)
        d = time.perf_counter() - t
        evict_s += d
        evict_stall = max(evict_stall, d)
        steps += 1
    rows = [
        ("rebuild (read, sort, restore)", f"{n:,} records ({len(result.expired):,} expired)", rebuild_s, rebuild_stall),
        ("retention scan of the index", f"{result.live:,} records", scan_s, scan_stall),
        ("eviction, one bounded step per event", f"{retention.evicted:,} articles in {steps} steps", evict_s, evict_stall),
    ]
    lines = ["| work | size | seconds | longest loop stall (ms) |", "|---|---|---|---|"]
    lines += [f"| {w} | {s} | {sec:.2f} | {stall * 1000:.1f} |" for w, s, sec, stall in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    print(asyncio.run(main_async(args.records)))


if __name__ == "__main__":
    main()
