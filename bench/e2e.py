"""End-to-end measurements through a real Apache Kafka broker, for ``bench.run``.

How time is measured (the same way for the worker and the pass-through):

* Output topics are created with ``message.timestamp.type=LogAppendTime``, so every output
  record carries the broker's append time: when it became readable downstream. A page
  is *accounted* at the append time of its last record (all ``page_articles`` positions
  on clean/duplicates, or its dead letter); undecodable inputs without a page id count
  at their dead letter.
* Max throughput: the raw topic is loaded in one burst right after the workers are
  ready (the burst takes a fraction of the processing time; its duration is reported),
  and throughput is (pages - 1) / (last accounted - first accounted). Startup is excluded
  because nothing is accounted before the first page is processed.
* Latency: a paced producer sends at a fixed rate and stamps each raw message with its
  own clock at ``send()`` (the record's CreateTime). Latency = the page's accounted time
  (broker append time of its last output) - that produce time. Broker and producer share
  one host clock. Pages without a page id (about 5%, undecodable) are left out.
* Worker CPU: user+system seconds of each worker process over the measured window
  (/proc), so that "pages per worker CPU-second" can be set against the core's pages per
  CPU-second without the noise of a shared machine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from testkit.pagegen import PageSet
from bench.run_machine import load_average, percentile, process_cpu_seconds
from testkit.kafka import KafkaBroker, unique_name
from testkit.worker import REPO, WorkerProcess, free_port, unique_settings
from worker.config import Settings
from worker.stream.admin import TopicSpec, create_topics, topic_specs

MAX_BYTES = 8 * 1024 * 1024
APPEND_TIME = {"message.timestamp.type": "LogAppendTime"}
PARTITIONS = 4


def timed_specs(settings: Settings) -> list[TopicSpec]:
    """The worker's topics, outputs stamped with the broker's append time."""
    raw, candidates = settings.topics.raw, settings.topics.candidates
    return [s if s.name in (raw, candidates) else TopicSpec(s.name, s.partitions, {**s.config, **APPEND_TIME})
            for s in topic_specs(settings)]


# -- producing ------------------------------------------------------------------------


async def _producer(bootstrap: str) -> AIOKafkaProducer:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=2, max_request_size=MAX_BYTES, acks="all")
    await producer.start()
    return producer


async def burst(bootstrap: str, topic: str, pages: PageSet) -> float:
    """Send every page as fast as the client goes; returns seconds taken (until acked)."""
    producer = await _producer(bootstrap)
    t0 = time.perf_counter()
    try:
        futures = [await producer.send(topic, value=m, key=pid.encode() if pid else None)
                   for m, pid in zip(pages.messages, pages.page_ids)]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return time.perf_counter() - t0


async def paced(bootstrap: str, topic: str, pages: PageSet, rate: float, ready: asyncio.Event) -> dict[str, int]:
    """Send at ``rate`` pages/s once ``ready``; returns each page id's produce time (ms)."""
    await ready.wait()
    producer = await _producer(bootstrap)
    sent: dict[str, int] = {}
    futures = []
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        for i, (message, pid) in enumerate(zip(pages.messages, pages.page_ids)):
            delay = start + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            stamp = int(time.time() * 1000)
            futures.append(await producer.send(topic, value=message, key=pid.encode() if pid else None, timestamp_ms=stamp))
            if pid:
                sent[pid] = stamp
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return sent


# -- accounting -----------------------------------------------------------------------


@dataclass
class Accounting:
    """When each page was accounted for (broker append time, ms)."""

    done: dict[str, int] = field(default_factory=dict)
    anonymous: list[int] = field(default_factory=list)
    append_time: bool = True

    def times(self) -> list[int]:
        return sorted(list(self.done.values()) + self.anonymous)

    def rate(self) -> float:
        times = self.times()
        if len(times) < 2:
            return 0.0
        return (len(times) - 1) / max(0.001, (times[-1] - times[0]) / 1000.0)


async def _assigned(bootstrap: str, topics: list[str], partitions: int, from_end: bool) -> AIOKafkaConsumer:
    """A group-less consumer on every partition of ``topics``, positioned at the start, or
    at the current end so that records of earlier runs on the same topics are skipped."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest", max_partition_fetch_bytes=MAX_BYTES, fetch_max_bytes=2 * MAX_BYTES)
    await consumer.start()
    tps = [TopicPartition(t, p) for t in topics for p in range(partitions)]
    consumer.assign(tps)
    if from_end:
        await consumer.seek_to_end(*tps)
    else:
        await consumer.seek_to_beginning(*tps)
    for tp in tps:
        await consumer.position(tp)
    return consumer


async def account(settings: Settings, pages: PageSet, timeout: float, *, from_end: bool = False,
                  ready: asyncio.Event | None = None) -> Accounting:
    """Read the worker's outputs until every page of ``pages`` is accounted for; ``ready``
    is set once the consumer is positioned (a paced producer waits for it)."""
    t = settings.topics
    wanted = {pid for pid in pages.page_ids if pid}
    want_anonymous = pages.page_ids.count(None)
    positions: dict[str, set[int]] = {}
    latest: dict[str, int] = {}
    out = Accounting()
    consumer = await _assigned(settings.bootstrap_servers, [t.articles, t.duplicates, t.dlq], settings.partitions, from_end)
    if ready is not None:
        ready.set()
    deadline = time.monotonic() + timeout
    try:
        while (len(out.done) < len(wanted) or len(out.anonymous) < want_anonymous) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=2000)
            for messages in batches.values():
                for msg in messages:
                    out.append_time &= msg.timestamp_type == 1
                    value = orjson.loads(msg.value)
                    pid = value.get("page_id")
                    if pid is None:
                        out.anonymous.append(msg.timestamp)
                        continue
                    if pid not in wanted or pid in out.done:
                        continue
                    latest[pid] = max(latest.get(pid, 0), msg.timestamp)
                    if msg.topic == t.dlq:
                        out.done[pid] = latest[pid]
                        continue
                    seen = positions.setdefault(pid, set())
                    seen.add(value["position"])
                    if len(seen) >= value["page_articles"]:
                        out.done[pid] = latest[pid]
    finally:
        await consumer.stop()
    missing = len(wanted) - len(out.done) + max(0, want_anonymous - len(out.anonymous))
    if missing:
        raise TimeoutError(f"{missing} of {len(pages.messages)} pages not accounted for after {timeout:.0f} s")
    return out


async def count_outputs(bootstrap: str, topic: str, n: int, timeout: float) -> Accounting:
    """The pass-through's accounting: one output record per input."""
    consumer = await _assigned(bootstrap, [topic], PARTITIONS, False)
    out = Accounting()
    deadline = time.monotonic() + timeout
    try:
        while len(out.anonymous) < n and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            for messages in batches.values():
                for msg in messages:
                    out.append_time &= msg.timestamp_type == 1
                    out.anonymous.append(msg.timestamp)
    finally:
        await consumer.stop()
    if len(out.anonymous) < n:
        raise TimeoutError(f"pass-through moved {len(out.anonymous)} of {n} messages in {timeout:.0f} s")
    return out


# -- processes ------------------------------------------------------------------------


class Workers:
    """One or more ``python -m worker run`` processes in one consumer group."""

    def __init__(self, settings: Settings, count: int, log_dir: Path) -> None:
        self.settings = settings
        self.procs = [WorkerProcess(dataclasses.replace(settings, web_port=free_port()), log_dir / f"{settings.app_id}-{i}.log")
                      for i in range(count)]

    def start(self) -> "Workers":
        for proc in self.procs:
            proc.start()
        for proc in self.procs:
            proc.wait_ready(timeout=180)
        if len(self.procs) > 1:  # let the group settle: every member ready twice in a row
            stable = 0
            deadline = time.monotonic() + 60
            while stable < 2 and time.monotonic() < deadline:
                time.sleep(1.0)
                stable = stable + 1 if all(p.get("/readyz")[0] == 200 for p in self.procs) else 0
        return self

    @property
    def pids(self) -> list[int]:
        return [p.proc.pid for p in self.procs if p.proc is not None]

    def cpu_seconds(self) -> float:
        return sum(process_cpu_seconds(pid) for pid in self.pids)

    def stop(self) -> None:
        for proc in self.procs:
            try:
                proc.terminate(timeout=20)
            except Exception:  # noqa: BLE001 - a benchmark must not leave workers behind
                proc.kill()


def new_settings(broker: KafkaBroker, partitions: int = PARTITIONS, **overrides: Any) -> Settings:
    settings = unique_settings(broker.bootstrap, partitions=partitions, **overrides)
    asyncio.run(create_topics(settings, timed_specs(settings)))
    return settings


def _window(acc: Accounting, pages: int, workers: Workers | None, cpu0: float, load: tuple, load_s: float) -> dict[str, Any]:
    times = acc.times()
    span = (times[-1] - times[0]) / 1000.0 if len(times) > 1 else 0.0
    result: dict[str, Any] = {"pages": pages, "pages_per_s": round(acc.rate(), 1), "span_s": round(span, 3),
                              "load_s": round(load_s, 3), "broker_append_time": acc.append_time, "load_before": load,
                              "load_after": load_average()}
    if workers is not None:
        cpu = workers.cpu_seconds() - cpu0
        result["worker_cpu_s"] = round(cpu, 3)
        result["pages_per_worker_cpu_s"] = round(pages / cpu, 1) if cpu > 0 else 0.0
    return result


def max_throughput(broker: KafkaBroker, pages: PageSet, workers: int, log_dir: Path,
                   profile_to: Path | None = None, **overrides: Any) -> tuple[dict[str, Any], "Workers", Settings]:
    """Start ``workers`` processes, load the topic in one burst, time until all accounted.
    Returns the still-running workers (for the paced runs) and their settings.
    ``overrides``: settings fields for this run (e.g. ``compression="none"``)."""
    settings = new_settings(broker, **overrides)
    group = Workers(settings, workers, log_dir)
    try:
        group.start()
        spy = _start_py_spy(group.pids[0], profile_to) if profile_to is not None else None
        load = load_average()
        cpu0 = group.cpu_seconds()
        load_s = asyncio.run(burst(settings.bootstrap_servers, settings.topics.raw, pages))
        acc = asyncio.run(account(settings, pages, timeout=120 + 0.2 * len(pages.messages)))
    except BaseException:  # a failed run must not leave its workers behind
        group.stop()
        raise
    result = _window(acc, len(pages.messages), group, cpu0, load, load_s)
    result["workers"] = workers
    result["partitions"] = settings.partitions
    time.sleep(1.5)  # the dedup table's changelog is flushed at the next commit (1 s)
    result["kafka_bytes"] = written_per_page(broker_bytes(broker, settings), len(pages.messages))
    result["compression"] = settings.compression
    if spy is not None:
        _stop_py_spy(spy)
    return result, group, settings


def broker_bytes(broker: KafkaBroker, settings: Settings) -> dict[str, int]:
    """Bytes the broker stores for this run's topics, by kind, from the sizes of their log
    segments (``<log.dirs>/<topic>-<partition>/*.log``): what the worker actually wrote,
    record batches as produced (compressed or not), headers and framing included."""
    t = settings.topics
    kinds = {t.raw: "raw", t.candidates: "candidates", t.articles: "articles", t.duplicates: "duplicates", t.dlq: "dlq"}
    out: dict[str, int] = {}
    for part in broker.log_dir.iterdir():
        topic, _, partition = part.name.rpartition("-")
        if not part.is_dir() or not partition.isdigit():
            continue
        if topic in kinds:
            kind = kinds[topic]
        elif topic.startswith(t.route_prefix + "region.") or topic.startswith(t.route_prefix + "topic."):
            kind = "routing"
        elif topic.startswith(settings.app_id + "-"):
            kind = "changelog"  # the dedup table's changelog (and faust's tiny assignor topic)
        else:
            continue
        out[kind] = out.get(kind, 0) + sum(f.stat().st_size for f in part.glob("*.log"))
    return out


def written_per_page(sizes: dict[str, int], pages: int) -> dict[str, Any]:
    """Per raw page: bytes the worker wrote (everything but the raw topic), by kind, and
    as a multiple of the raw page's own stored size."""
    n = max(1, pages)
    written = sum(v for k, v in sizes.items() if k != "raw")
    return {"raw_bytes_per_page": round(sizes.get("raw", 0) / n), "written_bytes_per_page": round(written / n),
            "written_vs_raw": round(written / max(1, sizes.get("raw", 0)), 2),
            "by_kind_bytes_per_page": {k: round(v / n) for k, v in sorted(sizes.items()) if k != "raw"}}


def latency_at(settings: Settings, pages: PageSet, rate: float, workers: Workers) -> dict[str, Any]:
    """Offer ``pages`` at ``rate`` pages/s to running workers; page-to-article latency."""
    load = load_average()
    cpu0 = workers.cpu_seconds()

    async def _go() -> tuple[dict[str, int], Accounting]:
        timeout = 120 + len(pages.messages) / max(rate, 1.0) * 3
        ready = asyncio.Event()
        sent, acc = await asyncio.gather(paced(settings.bootstrap_servers, settings.topics.raw, pages, rate, ready),
                                         account(settings, pages, timeout=timeout, from_end=True, ready=ready))
        return sent, acc

    sent, acc = asyncio.run(_go())
    lat = [acc.done[pid] - ts for pid, ts in sent.items() if pid in acc.done]
    offered = (len(sent) - 1) / max(0.001, (max(sent.values()) - min(sent.values())) / 1000.0) if len(sent) > 1 else 0.0
    result = _window(acc, len(pages.messages), workers, cpu0, load, 0.0)
    result.update({"target_rate": round(rate, 1), "offered_rate": round(offered, 1), "latency_pages": len(lat),
                   "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "p99_ms": percentile(lat, 99),
                   "max_ms": max(lat) if lat else 0})
    return result


def passthrough(broker: KafkaBroker, pages: PageSet, log_dir: Path) -> dict[str, Any]:
    """Raw aiokafka consume-then-produce of the same payloads, as its own process."""
    src, dst = unique_name("pt.raw"), unique_name("pt.out")
    broker.create_topics([src], PARTITIONS, configs={"max.message.bytes": str(MAX_BYTES)})
    broker.create_topics([dst], PARTITIONS, configs={"max.message.bytes": str(MAX_BYTES), **APPEND_TIME})
    load = load_average()
    load_s = asyncio.run(burst(broker.bootstrap, src, pages))
    with open(log_dir / "passthrough.log", "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "bench.passthrough", "--bootstrap", broker.bootstrap, "--src", src,
                                 "--dst", dst, "--group", unique_name("pt")], cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        acc = asyncio.run(count_outputs(broker.bootstrap, dst, len(pages.messages), timeout=120 + 0.05 * len(pages.messages)))
        cpu = process_cpu_seconds(proc.pid)
    finally:
        _stop(proc, signal.SIGTERM, 20)
    result = _window(acc, len(pages.messages), None, 0.0, load, load_s)
    result["process_cpu_s_incl_startup"] = round(cpu, 3)
    return result


# -- profiling the live worker ---------------------------------------------------------


def py_spy() -> str | None:
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def _start_py_spy(pid: int, out: Path) -> subprocess.Popen[bytes] | None:
    exe = py_spy()
    if exe is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", "100", "--format", "raw", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # attach before the load arrives
    return proc


def _stop(proc: subprocess.Popen[bytes], sig: int, timeout: float) -> None:
    """Ask a helper process to finish (py-spy writes its recording on SIGINT), then kill."""
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _stop_py_spy(proc: subprocess.Popen[bytes]) -> None:
    _stop(proc, signal.SIGINT, 60)


def start_broker() -> KafkaBroker:
    from testkit.kafka import THROUGHPUT_JVM_OPTS

    broker = KafkaBroker(properties={"group.min.session.timeout.ms": "1000"}, jvm_opts=THROUGHPUT_JVM_OPTS)
    broker.start()
    return broker


__all__ = ["Workers", "account", "broker_bytes", "burst", "latency_at", "max_throughput", "new_settings", "passthrough", "paced",
           "start_broker", "timed_specs", "py_spy"]
