"""Throughput of the core alone, for ``bench.run``: ``handle_input`` + ``decide`` with an
in-memory :class:`DedupIndex`, no Kafka, one process, whole pages in stream order.

Why both clocks: on a shared machine wall time says how long it took, CPU time says how
much work it was. "pages/s per core" is pages per CPU-second of this process; the wall
rate is reported beside it. (``bench/core_bench.py`` breaks the same work down by stage.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from testkit.pagegen import PageSet
from bench.run_machine import load_average
from worker.pipeline.dedup.index import DedupIndex
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin
from worker.pipeline.process import decide, decide_with_verdict, handle_input, warm_up
from worker.pipeline.stats import STAGES, Stats
from bench.core_bench import stage_costs


@dataclass
class CoreRun:
    pages: int
    articles: int
    records: int
    dead_letters: int
    wall_s: float
    cpu_s: float
    load_before: tuple[float, float, float]
    stats: Stats | None = field(default=None, repr=False)
    texts: list[str] = field(default_factory=list, repr=False)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def pages_per_cpu_s(self) -> float:
        return self.pages / self.cpu_s if self.cpu_s > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        stages = stage_costs(self.stats.seconds, STAGES, self.pages, self.cpu_s) if self.stats else {}
        return {**stages,
            "pages": self.pages, "articles": self.articles, "records": self.records, "dead_letters": self.dead_letters,
            "wall_s": round(self.wall_s, 4), "cpu_s": round(self.cpu_s, 4),
            "pages_per_s_wall": round(self.pages_per_s, 1), "pages_per_cpu_s": round(self.pages_per_cpu_s, 1),
            "us_per_page_cpu": round(1e6 * self.cpu_s / max(1, self.pages), 1), "load_before": self.load_before,
        }


def run_core(pages: PageSet) -> CoreRun:
    """Every message through the core in order, as one stream worker would see them."""
    warm_up()
    limits = Limits()
    index = DedupIndex()
    articles = records = letters = 0
    stats = Stats()  # the core's own stage timers, for the per-stage cost
    load = load_average()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for offset, message in enumerate(pages.messages):
        started = time.perf_counter()
        outcome = handle_input(message, Origin("kafka", topic="bench", partition=0, offset=offset), limits)
        stats.add_time("_pages", time.perf_counter() - started)
        stats.merge(outcome.stats)
        if outcome.dead_letter is not None:
            letters += 1
            continue
        now = time.time()
        for candidate in outcome.candidates:
            articles += 1
            records += len(decide_with_verdict(candidate, index, now, stats)[1])
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return CoreRun(len(pages.messages), articles, records, letters, wall, cpu, load, stats)


def article_texts(pages: PageSet) -> list[str]:
    """The fingerprinted text (title + body) of every article the core finds, for the dedup
    memory measurement."""
    limits = Limits()
    texts: list[str] = []
    for offset, message in enumerate(pages.messages):
        outcome = handle_input(message, Origin("kafka", topic="bench", partition=0, offset=offset), limits)
        for candidate in outcome.candidates:
            a = candidate.article
            texts.append(f"{a['title']}\n\n{a['text']}" if a["title"] else a["text"])
    return texts


def kafka_volume(pages: PageSet) -> dict[str, float]:
    """Records and bytes the stream worker moves through Kafka per raw page (candidates
    out and back in, outputs out), from the core's own results and the worker's codec.
    Why: the pass-through moves one record of the raw size per page; the worker's Kafka
    cost per page scales with these numbers, not with the raw size."""
    import orjson

    from worker.stream.codec import encode_candidate

    limits = Limits()
    index = DedupIndex()
    raw = cand = cand_n = out = out_n = 0
    dumps = 0.0
    for offset, message in enumerate(pages.messages):
        raw += len(message)
        outcome = handle_input(message, Origin("kafka", topic="bench", partition=0, offset=offset), limits)
        for candidate in outcome.candidates:
            cand += len(encode_candidate(candidate))
            cand_n += 1
            for record in decide(candidate, index, time.time()):
                t0 = time.perf_counter()
                out += len(orjson.dumps(record.value))
                dumps += time.perf_counter() - t0
                out_n += 1
    n = max(1, len(pages.messages))
    return {"pages": len(pages.messages), "raw_bytes_per_page": round(raw / n), "candidate_records_per_page": round(cand_n / n, 2),
            "candidate_bytes_per_page": round(cand / n), "output_records_per_page": round(out_n / n, 2),
            "output_bytes_per_page": round(out / n), "output_dumps_us_per_page": round(dumps / n * 1e6, 1)}


def _core_child(pages: PageSet, barrier: Any, out: Any) -> None:
    barrier.wait()
    run = run_core(pages)
    out.put(run.pages_per_cpu_s)


def concurrent_core(pages: PageSet, processes: int = 2) -> dict[str, Any]:
    """The core alone in one process, then in ``processes`` at once (each the same pages,
    no Kafka): pages per CPU-second of each. Why: the two-worker efficiency row compares a
    pair of workers with one, and on a small machine the pair also competes for caches,
    memory bandwidth and the broker's cores. This is the same comparison without our
    shell, so the share of the gap that is the machine's can be read beside it."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")  # children inherit the warmed-up core

    def run(n: int) -> list[float]:
        barrier, queue = ctx.Barrier(n), ctx.Queue()
        procs = [ctx.Process(target=_core_child, args=(pages, barrier, queue)) for _ in range(n)]
        for p in procs:
            p.start()
        rates = [queue.get(timeout=1800) for _ in procs]
        for p in procs:
            p.join()
        return rates

    warm_up()
    alone = run(1)[0]
    together = run(processes)
    mean = sum(together) / len(together)
    return {"pages": len(pages.messages), "processes": processes, "alone_pages_per_cpu_s": round(alone, 1),
            "together_pages_per_cpu_s": [round(x, 1) for x in together],
            "efficiency": round(mean / max(1e-9, alone), 3)}
