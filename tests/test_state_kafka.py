"""The dedup stage's state with the real worker process on a real Apache Kafka broker:
the RocksDB store the compose stack runs, a rebuild that fails or is slow, retention.

Each test sends original stories first and republished copies later, so a verdict shows
whether the index the worker judged against was complete: a copy judged against a
partial or empty index comes out clean instead of a duplicate of its original."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from testkit.pagegen import make_story, render_page, republish
from testkit.worker import REPO, WorkerProcess, free_port, settings_env, unique_settings
from worker.config import Settings
from worker.stream.admin import collect_pages, create_topics, send_messages, tail

pytestmark = pytest.mark.kafka

RETENTION_S = 8.0

# Injected into the worker process by PatchedWorker: every rebuild first waits.
SLOW_REBUILD = """
import asyncio, worker.stream.state.recovery as r
_rebuild = r.rebuild
async def slow(*a, **k):
    await asyncio.sleep({delay})
    return await _rebuild(*a, **k)
r.rebuild = slow
"""


class PatchedWorker(WorkerProcess):
    """The real ``newsworker run`` with a fault injected by the test (a slow rebuild)
    before the worker is built: nothing in the product has a switch for it."""

    def __init__(self, settings: Settings, log_path: Path, prelude: str) -> None:
        super().__init__(settings, log_path)
        self.prelude = prelude

    def start(self) -> "PatchedWorker":
        code = self.prelude + "\nfrom worker.cli import main\nraise SystemExit(main(['run']))\n"
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=settings_env(self.settings),
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self


@pytest.fixture
def workers(tmp_path: Path):
    started: list[WorkerProcess] = []

    def _start(settings: Settings, name: str, *, prelude: str | None = None, ready: bool = True) -> WorkerProcess:
        log = tmp_path / f"{name}.log"
        proc = (PatchedWorker(settings, log, prelude) if prelude else WorkerProcess(settings, log)).start()
        started.append(proc)
        if ready:
            proc.wait_ready(90)
        return proc

    yield _start
    for proc in started:
        proc.kill()


def pages(rng: random.Random, tag: str, n: int) -> tuple[list[tuple[bytes, str]], list[tuple[bytes, str]]]:
    """n original pages and, for each, a page republishing its story elsewhere."""
    originals, copies = [], []
    for i in range(n):
        story = make_story(rng)
        for kind, body, target in (("orig", render_page([story], rng), originals), ("copy", render_page([republish(story, rng)], rng), copies)):
            page_id = f"{tag}-{kind}{i}"
            target.append((orjson.dumps({"page_id": page_id, "url": f"https://{kind}{i}.example/{tag}", "body": body}), page_id))
    return originals, copies


def send(settings: Settings, messages: list[tuple[bytes, str]]) -> None:
    asyncio.run(send_messages(settings, messages))


def collect(settings: Settings, messages: list[tuple[bytes, str]], timeout: float = 60) -> list[dict[str, Any]]:
    return asyncio.run(collect_pages(settings, [pid for _, pid in messages], timeout=timeout))


def read(settings: Settings, topics: list[str], idle: float = 2.0) -> list[dict[str, Any]]:
    async def _go() -> list[dict[str, Any]]:
        return [rec async for rec in tail(settings, topics, idle_timeout=idle)]

    return asyncio.run(_go())


def timestamps_ms(settings: Settings, topics: list[str], idle: float = 2.0) -> dict[str, int]:
    """article id -> the record's timestamp (the worker's producer clock), for outputs."""
    from aiokafka import AIOKafkaConsumer

    async def _go() -> dict[str, int]:
        consumer = AIOKafkaConsumer(*topics, bootstrap_servers=settings.bootstrap_servers, group_id=None, auto_offset_reset="earliest")
        await consumer.start()
        out: dict[str, int] = {}
        try:
            while True:
                try:
                    msg = await asyncio.wait_for(consumer.getone(), timeout=idle)
                except asyncio.TimeoutError:
                    return out
                out[orjson.loads(msg.value)["page_id"]] = msg.timestamp
        finally:
            await consumer.stop()

    return asyncio.run(_go())


def changelog(settings: Settings) -> str:
    return f"{settings.app_id}-dedup-articles-{settings.dedup_config().state_version()}-changelog"


def verdicts(records: list[dict[str, Any]], settings: Settings) -> dict[str, dict[str, Any]]:
    """page id -> its (single) article's record."""
    return {r["value"]["page_id"]: r for r in records if r["topic"] in (settings.topics.articles, settings.topics.duplicates)}


def assert_copies_caught(settings: Settings, originals_out: list[dict[str, Any]], copies_out: list[dict[str, Any]]) -> None:
    orig = {pid.replace("orig", ""): r["value"]["article_id"] for pid, r in verdicts(originals_out, settings).items()}
    got = verdicts(copies_out, settings)
    assert got, "no copy came out"
    for pid, rec in got.items():
        assert rec["topic"] == settings.topics.duplicates, f"{pid} judged clean: the index was not complete"
        assert rec["value"]["duplicate_of"] == orig[pid.replace("copy", "")]


def log_lines(proc: WorkerProcess) -> list[dict[str, Any]]:
    out = []
    for line in proc.log_path.read_text(errors="replace").splitlines():
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(doc, dict):
            out.append(doc)
    return out


def setup(kafka_broker: Any, tmp_path: Path, **overrides: Any) -> Settings:
    settings = unique_settings(kafka_broker.bootstrap, partitions=1, **overrides)
    asyncio.run(create_topics(settings))
    return settings


def test_rocksdb_state_survives_a_crash_and_a_lost_disk(kafka_broker, workers, tmp_path: Path) -> None:
    """What the compose stack runs: NEWSWORKER_STORE=rocksdb://. A SIGKILLed worker's
    successor on the same disk, and then one on an empty disk (a re-created container,
    recovering from the changelog alone), both still know the originals."""
    settings = setup(kafka_broker, tmp_path, store="rocksdb://", data_dir=str(tmp_path / "disk1"))
    originals, copies = pages(random.Random(11), "rdb", 3)
    first = workers(settings, "first")
    send(settings, originals)
    originals_out = collect(settings, originals)
    time.sleep(1.5)  # past one commit interval, so the kill does not replay everything
    first.kill()
    assert any((tmp_path / "disk1").rglob("*.db")) or any((tmp_path / "disk1").rglob("CURRENT")), "no RocksDB files were written"

    second = workers(settings, "second")
    send(settings, copies[:2])
    assert_copies_caught(settings, originals_out, collect(settings, copies[:2]))
    assert second.terminate() == 0

    fresh = dataclasses.replace(settings, data_dir=str(tmp_path / "disk2"))
    workers(fresh, "third")
    send(fresh, copies[2:])
    assert_copies_caught(settings, originals_out, collect(fresh, copies[2:]))


def test_a_slow_rebuild_judges_nothing_before_it_completes(kafka_broker, workers, tmp_path: Path) -> None:
    settings = setup(kafka_broker, tmp_path)
    originals, copies = pages(random.Random(12), "slow", 3)
    first = workers(settings, "first")
    send(settings, originals)
    originals_out = collect(settings, originals)
    assert first.terminate() == 0

    send(settings, copies)  # waiting on pages.raw when the next worker starts
    delay = 12.0  # longer than the 10 s after which the old worker judged anyway
    second = workers(settings, "second", prelude=SLOW_REBUILD.format(delay=delay), ready=False)
    started = time.monotonic()
    saw_503 = False
    while time.monotonic() - started < delay + 60:
        assert second.proc.poll() is None, second.log_tail()
        try:
            status, _ = second.get("/readyz")
        except OSError:
            status = None
        if status == 503:
            saw_503 = True
        if status == 200:
            break
        time.sleep(0.3)
    ready_after = time.monotonic() - started
    assert saw_503 and ready_after >= delay, f"ready after {ready_after:.1f} s, before the rebuild could finish"
    copies_out = collect(settings, copies)
    assert_copies_caught(settings, originals_out, copies_out)
    rebuilt = [d for d in log_lines(second) if d.get("msg") == "dedup index rebuilt"]
    assert rebuilt and rebuilt[0]["articles"] == 3
    # Every verdict on the copies was written after the rebuild ended (record timestamps
    # are the producer's clock, the same machine as the log's).
    done_ms = datetime.fromisoformat(rebuilt[0]["ts"]).timestamp() * 1000
    stamps = timestamps_ms(settings, [settings.topics.articles, settings.topics.duplicates])
    copy_stamps = [stamps[pid] for _, pid in copies]
    assert min(copy_stamps) >= done_ms, f"a verdict {done_ms - min(copy_stamps):.0f} ms before the rebuild ended"
    assert second.terminate() == 0


def test_a_rebalance_during_a_slow_rebuild_neither_deadlocks_nor_judges_early(kafka_broker, workers, tmp_path: Path) -> None:
    """A second worker joins while the first is still rebuilding (faust-streaming #216:
    an agent holding an event during a rebalance blocks the revoke). The rebuild is
    cancelled, the group settles, and every copy is judged against a complete index."""
    settings = setup(kafka_broker, tmp_path)
    originals, copies = pages(random.Random(15), "rebal", 4)
    first = workers(settings, "first")
    send(settings, originals)
    originals_out = collect(settings, originals)
    assert first.terminate() == 0

    send(settings, copies)
    slow = workers(settings, "slow", prelude=SLOW_REBUILD.format(delay=15.0), ready=False)
    time.sleep(6)
    assert slow.get("/readyz")[0] == 503
    joiner = workers(dataclasses.replace(settings, web_port=free_port()), "joiner", ready=False)
    copies_out = collect(settings, copies, timeout=90)
    assert_copies_caught(settings, originals_out, copies_out)
    assert slow.proc.poll() is None and joiner.proc.poll() is None
    assert any(d.get("msg") == "dedup index rebuild cancelled by a rebalance" for d in log_lines(slow)), slow.log_tail()


def test_a_failed_rebuild_stops_the_worker_without_a_verdict(kafka_broker, workers, tmp_path: Path) -> None:
    settings = setup(kafka_broker, tmp_path)
    originals, copies = pages(random.Random(13), "fail", 2)
    first = workers(settings, "first")
    send(settings, originals)
    collect(settings, originals)
    assert first.terminate() == 0

    async def corrupt() -> None:  # a record no rebuild can read, as a bug or a bad tool would write it
        producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(changelog(settings), key=b'"corrupt-record"', value=b'{"not": "a record"}', partition=0)
        finally:
            await producer.stop()

    asyncio.run(corrupt())
    send(settings, copies)
    second = workers(settings, "second", ready=False)
    deadline = time.monotonic() + 90
    statuses = set()
    while second.proc.poll() is None and time.monotonic() < deadline:
        try:
            statuses.add(second.get("/readyz")[0])
        except OSError:
            pass
        time.sleep(0.3)
    assert second.proc.poll() is not None, "the worker kept running after its rebuild failed:\n" + second.log_tail()
    assert second.proc.returncode != 0
    assert 200 not in statuses
    assert any(d.get("msg", "").startswith("dedup index rebuild failed") and "corrupt-record" in d["msg"] for d in log_lines(second))
    out = read(settings, [settings.topics.articles, settings.topics.duplicates])
    assert not {r["value"]["page_id"] for r in out} & {pid for _, pid in copies}, "a verdict was written without the index"


def test_retention_deletes_expired_records_and_a_restart_does_not_bring_them_back(kafka_broker, workers, tmp_path: Path) -> None:
    settings = setup(kafka_broker, tmp_path, store="rocksdb://", data_dir=str(tmp_path / "disk"),
                     dedup_retention_days=RETENTION_S / 86400)
    rng = random.Random(14)
    originals, _ = pages(rng, "old", 3)
    first = workers(settings, "first")
    send(settings, originals)
    old_ids = {r["value"]["article_id"] for r in verdicts(collect(settings, originals), settings).values()}
    assert len(old_ids) == 3
    time.sleep(RETENTION_S + 1)
    # Deletion happens inside the dedup agent's events: keep a trickle of new pages coming.
    deleted: set[str] = set()
    for i in range(20):
        fresh, _ = pages(rng, f"new{i}", 1)
        send(settings, fresh)
        collect(settings, fresh)
        log = read(settings, [changelog(settings)], idle=1.0)
        deleted = {r["key"].strip('"') for r in log if r["value"] is None}
        if old_ids <= deleted:
            break
        time.sleep(1.0)
    assert old_ids <= deleted, f"no tombstones for {sorted(old_ids - deleted)}"
    assert first.terminate() == 0

    # The restarted worker reads its RocksDB copy and the changelog: the deleted records
    # stay deleted, so its rebuild sees exactly the records still alive in the changelog.
    last: dict[str, Any] = {}
    for r in read(settings, [changelog(settings)], idle=1.0):
        last[r["key"].strip('"')] = r["value"]
    alive = {k for k, v in last.items() if v is not None}
    second = workers(settings, "second")
    rebuilt = [d for d in log_lines(second) if d.get("msg") == "dedup index rebuilt"]
    assert rebuilt, second.log_tail()
    assert rebuilt[-1]["articles"] + rebuilt[-1]["expired"] == len(alive)
    assert not old_ids & alive
