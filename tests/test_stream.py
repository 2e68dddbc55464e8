"""The stream worker end to end on a real Apache Kafka broker: the deployed process
(``python -m worker run``), real topics, real consumer groups, real crashes."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path

import orjson
import pytest

from testkit.pagegen import generate, make_story, render_page, republish
from tests.conftest import REPO, SEED, shared_path
from testkit.worker import WorkerProcess, unique_settings
from worker.pipeline.intake.limits import Limits
from worker.config import Settings
from worker.pipeline.tagging.routing import route_roles
from worker.pipeline.intake.schemas import validator
from worker.stream.admin import collect_pages, create_topics, page_messages, send_messages, tail

pytestmark = pytest.mark.kafka

SAMPLES = REPO / "worker" / "samples"


def setup_topics(settings: Settings) -> None:
    asyncio.run(create_topics(settings))


def send(settings: Settings, messages: list[tuple[bytes, str | None]]) -> None:
    asyncio.run(send_messages(settings, messages))


def collect(settings: Settings, ids: list[str | None], timeout: float = 120.0) -> list[dict]:
    return asyncio.run(collect_pages(settings, ids, timeout=timeout, anonymous=ids.count(None)))


def read_all(settings: Settings, topics: list[str], idle: float = 3.0) -> list[dict]:
    async def _go() -> list[dict]:
        return [rec async for rec in tail(settings, topics, idle_timeout=idle)]

    return asyncio.run(_go())


def check_conformance(records: list[dict], settings: Settings) -> None:
    for rec in records:
        validator("dead_letter" if rec["topic"] == settings.topics.dlq else "article")(rec["value"])


def accounted(records: list[dict], settings: Settings, ids: list[str | None]) -> None:
    """Every page id has all of its articles or a dead letter; inputs without an id have
    one dead letter each."""
    positions: dict[str, set[int]] = {}
    expected: dict[str, int] = {}
    dead: set[str] = set()
    unnamed = 0
    for rec in records:
        v = rec["value"]
        if rec["topic"] == settings.topics.dlq:
            if v["page_id"] is None:
                unnamed += 1
            else:
                dead.add(v["page_id"])
        else:
            positions.setdefault(v["page_id"], set()).add(v["position"])
            expected[v["page_id"]] = v["page_articles"]
    missing = [pid for pid in ids if pid and pid not in dead and positions.get(pid) != set(range(expected.get(pid, -1)))]
    assert not missing, f"{len(missing)} pages not accounted for, e.g. {missing[:5]}"
    assert unnamed >= ids.count(None)


@pytest.fixture
def worker(kafka_broker, tmp_path: Path):
    started: list[WorkerProcess] = []

    def _start(settings: Settings, name: str = "worker") -> WorkerProcess:
        proc = WorkerProcess(settings, tmp_path / f"{name}.log").start()
        started.append(proc)
        proc.wait_ready()
        return proc

    yield _start
    for proc in started:
        proc.kill()


@pytest.mark.shared
def test_seed_page_through_the_live_worker(kafka_broker, worker) -> None:
    settings = unique_settings(kafka_broker.bootstrap)
    setup_topics(settings)
    worker(settings)
    messages = list(page_messages([str(shared_path("seed", SEED.name))], Limits()))
    send(settings, messages)
    records = collect(settings, [pid for _, pid in messages], timeout=60)
    check_conformance(records, settings)
    titles = [r["value"]["title"] for r in records if r["topic"] == settings.topics.articles]
    assert titles == [
        "UN cites possible crimes against humanity in China’s Xinjiang",
        "Kremlin suggests it may not like new Ukraine peace proposals after recent US-Ukraine talks",
    ]


def test_thousand_mixed_pages_are_all_accounted_for_and_routed(kafka_broker, worker) -> None:
    settings = unique_settings(kafka_broker.bootstrap, partitions=4)
    setup_topics(settings)
    proc = worker(settings)
    pages = generate(1000, seed=11, dup_rate=0.1, bad_rate=0.05, html_rate=0.1)
    ids = pages.page_ids
    send(settings, list(zip(pages.messages, ids)))
    records = collect(settings, ids, timeout=240)
    check_conformance(records, settings)
    accounted(records, settings, ids)
    by_topic = Counter(r["topic"] for r in records)
    assert by_topic[settings.topics.dlq] >= pages.kinds.count("bad")
    # Republished stories and the stories they copy are found to be duplicates. Which of the
    # two comes first is the order the dedup stage saw them in: pages on different partitions
    # are analysed concurrently, so on a busy machine a copy can overtake its original, and
    # then the original is the duplicate of the copy. Either way the pair is caught.
    dup_pages = {pid for pid, kind in zip(ids, pages.kinds) if kind == "near_duplicate"}
    dup_records = [r["value"] for r in records if r["topic"] == settings.topics.duplicates]
    copied = {v["duplicate_of"] for v in dup_records}
    caught = {v["page_id"] for v in dup_records} & dup_pages
    overtaken = {r["value"]["page_id"] for r in records
                 if r["topic"] == settings.topics.articles and r["value"]["article_id"] in copied} & dup_pages
    assert len(caught | overtaken) >= 0.9 * len(dup_pages), (len(caught), len(overtaken), len(dup_pages))
    clean_ids = [r["value"]["article_id"] for r in records if r["topic"] == settings.topics.articles]
    assert len(clean_ids) == len(set(clean_ids)), "an article was published twice without a redelivery"
    assert all(v["duplicate_of"] != v["article_id"] for v in dup_records)
    # Routing topics: each clean article is on exactly the region and topic topics it should be.
    clean = {r["value"]["article_id"]: r["value"] for r in records if r["topic"] == settings.topics.articles}
    want = Counter(settings.topics.for_role(role) for a in clean.values() for role in route_roles(a))
    assert want, "no article was routed at all"
    routed = read_all(settings, sorted(want))
    got = Counter(r["topic"] for r in routed)
    assert got == want
    for r in routed:
        assert r["key"] in clean
    status, body = proc.get("/metrics")
    assert status == 200 and b"newsworker_pages_in" in body
    # Everything was processed and delivered, so the committed offsets reach the end of
    # both input topics: the committed-offset lag goes to 0.
    deadline = time.monotonic() + 30
    lags: dict[str, float] = {}
    while time.monotonic() < deadline:
        lags = {line.split(" ")[0]: float(line.rsplit(" ", 1)[1]) for line in proc.get("/metrics")[1].decode().splitlines()
                if line.startswith("newsworker_committed_lag{")}
        if lags and all(v == 0 for v in lags.values()):
            break
        time.sleep(0.5)
    assert len(lags) == 4 + 1, lags  # 4 pages.raw partitions and the candidates topic
    assert all(v == 0 for v in lags.values()), f"committed offsets stopped short of processed input: {lags}"
    # Per-page work is short enough that the event loop never stalls under this load.
    assert "woke up too late" not in proc.log_path.read_text(errors="replace")


def test_bad_message_between_good_ones(kafka_broker, worker) -> None:
    settings = unique_settings(kafka_broker.bootstrap, partitions=1)
    setup_topics(settings)
    worker(settings)
    good = list(page_messages([str(SAMPLES / "03_central_bank.html"), str(SAMPLES / "01_port_strike_and_glacier.txt")], Limits()))
    messages = [good[0], (b'{"url": "https://x.example", "body": ', None), good[1]]
    send(settings, messages)
    records = collect(settings, [pid for _, pid in messages], timeout=60)
    letters = [r for r in records if r["topic"] == settings.topics.dlq]
    assert len(letters) == 1
    letter = letters[0]
    assert letter["value"]["error"]["type"] == "invalid_json"
    assert letter["headers"]["error.type"] == "invalid_json"
    assert letter["headers"]["origin.topic"] == settings.topics.raw
    assert letter["headers"]["origin.offset"] == "1" and letter["headers"]["origin.partition"] == "0"
    after = [r for r in records if r["topic"] == settings.topics.articles and r["value"]["page_id"] == good[1][1]]
    assert len(after) == 2, "the page after the bad message did not come out"


def test_killed_worker_resumes_from_committed_offsets(kafka_broker, worker, tmp_path: Path) -> None:
    """On the RocksDB store, as deployed (compose runs ``NEWSWORKER_STORE=rocksdb://``):
    the state survives a SIGKILL and two restarts on the same data directory."""
    settings = unique_settings(kafka_broker.bootstrap, partitions=2, store="rocksdb://", data_dir=str(tmp_path / "state"))
    setup_topics(settings)
    pages = generate(600, seed=23, dup_rate=0.0, bad_rate=0.02)
    ids = pages.page_ids
    rng = random.Random(5)
    story = make_story(rng)
    original = (orjson.dumps({"page_id": "orig", "url": "https://o.example/1", "body": render_page([story], rng)}), "orig")
    copy = (orjson.dumps({"page_id": "copy", "url": "https://c.example/9", "body": render_page([republish(story, rng)], rng)}), "copy")

    first = worker(settings, "first")
    send(settings, [original] + list(zip(pages.messages[:300], ids[:300])))
    accounted(collect(settings, ["orig"] + ids[:300], timeout=120), settings, ["orig"] + ids[:300])
    send(settings, list(zip(pages.messages[300:], ids[300:])))
    first.kill()  # SIGKILL mid-stream: no drain, no final commit
    second = worker(settings, "second")
    records = collect(settings, ["orig"] + ids, timeout=180)
    accounted(records, settings, ["orig"] + ids)
    assert second.terminate() == 0

    # A third worker recovers the dedup state from the changelog: the republished story
    # sent now is still a duplicate of the one seen before both restarts.
    worker(settings, "third")
    send(settings, [copy])
    out = collect(settings, ["copy"], timeout=60)
    dups = [r["value"] for r in out if r["topic"] == settings.topics.duplicates]
    orig_ids = {r["value"]["article_id"] for r in records if r["value"].get("page_id") == "orig"}
    assert dups and dups[0]["duplicate_of"] in orig_ids

    # Redelivered pages (after the kill) repeat their verdict and never duplicate themselves.
    everything = read_all(settings, [settings.topics.articles, settings.topics.duplicates])
    verdicts: dict[str, set[tuple[str, str | None]]] = {}
    for r in everything:
        verdicts.setdefault(r["value"]["article_id"], set()).add((r["topic"], r["value"]["duplicate_of"]))
        assert r["value"]["duplicate_of"] != r["value"]["article_id"]
    assert all(len(seen) == 1 for seen in verdicts.values()), "a redelivered article changed its verdict or its original"
    assert (tmp_path / "state").is_dir() and any((tmp_path / "state").rglob("*")), "the RocksDB store was not used"


def test_health_readiness_and_graceful_drain(kafka_broker, worker) -> None:
    """SIGTERM mid-stream: the worker finishes what it started, delivers and commits it, and
    exits 0; every page whose candidates it delivered is below the committed offsets, and
    the next worker accounts for every page."""
    from aiokafka.admin import AIOKafkaAdminClient

    from testkit.scenarios import produce

    settings = unique_settings(kafka_broker.bootstrap, partitions=2)
    setup_topics(settings)
    proc = worker(settings)
    assert proc.get("/healthz")[0] == 200
    status, body = proc.get("/readyz")
    assert status == 200 and orjson.loads(body)["ready"] is True
    assert proc.get("/table/dedup")[0] == 404, "table views must be closed"
    pages = generate(400, seed=17, dup_rate=0.05, bad_rate=0.02)
    ids = pages.page_ids
    where = produce(settings, [(pid.encode() if pid else None, value) for value, pid in zip(pages.messages, ids)])
    deadline = time.monotonic() + 60
    while _pages_in(proc) < 40 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert 40 <= _pages_in(proc) < len(ids), "stop it mid-stream"
    assert proc.terminate(timeout=60) == 0

    async def committed_offsets() -> dict[tuple[str, int], int]:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
        await admin.start()
        try:
            return {(tp.topic, tp.partition): meta.offset for tp, meta in (await admin.list_consumer_group_offsets(settings.app_id)).items()}
        finally:
            await admin.close()

    committed = asyncio.run(committed_offsets())
    raw_committed = {p: committed.get((settings.topics.raw, p), 0) for p in range(settings.partitions)}
    assert sum(raw_committed.values()) > 0, "the drain committed nothing"
    delivered = {r["value"]["article"]["page_id"] for r in read_all(settings, [settings.topics.candidates])}
    offset_of = {pid: pw for pid, pw in zip(ids, where) if pid}
    uncommitted = [pid for pid in delivered if pid in offset_of and offset_of[pid][1] >= raw_committed[offset_of[pid][0]]]
    assert not uncommitted, f"{len(uncommitted)} pages delivered before the stop were not committed, e.g. {uncommitted[:3]}"
    worker(settings, "second")
    records = collect(settings, ids, timeout=120)
    accounted(records, settings, ids)


def _pages_in(proc: WorkerProcess) -> float:
    status, body = proc.get("/metrics")
    assert status == 200
    for line in body.decode().splitlines():
        if line.startswith("newsworker_pages_in_total "):
            return float(line.split()[1])
    return 0.0


def test_two_workers_catch_near_duplicates_across_partitions(kafka_broker, worker) -> None:
    """Originals go to partitions 0-1 of pages.raw and their republished copies to 2-3;
    with two workers sharing the partitions, copies and originals are analysed by
    different processes and still meet in the single dedup stage."""
    from aiokafka import AIOKafkaProducer

    settings = unique_settings(kafka_broker.bootstrap, partitions=4)
    setup_topics(settings)
    first = worker(settings, "w1")
    second = worker(settings, "w2")
    rng = random.Random(99)
    stories = [make_story(rng) for _ in range(16)]

    def produce(items: list[tuple[str, str, int]]) -> None:
        async def _go() -> None:
            producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers)
            await producer.start()
            try:
                for page_id, body, partition in items:
                    doc = {"page_id": page_id, "url": f"https://{page_id}.example/", "body": body}
                    await producer.send_and_wait(settings.topics.raw, orjson.dumps(doc), key=page_id.encode(), partition=partition)
            finally:
                await producer.stop()

        asyncio.run(_go())

    originals = [(f"orig{i}", render_page([s], rng), i % 2) for i, s in enumerate(stories)]
    copies = [(f"copy{i}", render_page([republish(s, rng)], rng), 2 + i % 2) for i, s in enumerate(stories)]
    produce(originals)
    first_out = collect(settings, [p for p, _, _ in originals], timeout=90)
    accounted(first_out, settings, [p for p, _, _ in originals])
    produce(copies)
    out = collect(settings, [p for p, _, _ in copies], timeout=90)
    accounted(out, settings, [p for p, _, _ in copies])
    assert _pages_in(first) > 0 and _pages_in(second) > 0, "one worker did all the work; the test proves nothing"
    original_ids = {r["value"]["page_id"]: r["value"]["article_id"] for r in first_out if r["topic"] == settings.topics.articles}
    dups = {r["value"]["page_id"]: r["value"] for r in out if r["topic"] == settings.topics.duplicates}
    assert len(dups) == len(copies), f"only {len(dups)} of {len(copies)} copies were caught"
    for i in range(len(stories)):
        assert dups[f"copy{i}"]["duplicate_of"] == original_ids[f"orig{i}"]
