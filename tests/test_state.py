"""The dedup stage's state package (worker/stream/state/) without a broker: the record
format, the composed store, recovery's rules (never judge before the index is current,
stop on a failed rebuild, let a rebalance through) and bounded retention.

The same rules against a real broker and the real worker are in tests/test_state_kafka.py."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from worker.pipeline.dedup.fingerprint import DEFAULT, fingerprint
from worker.pipeline.dedup.index import ArticleRecord, DedupIndex, TableStore
from worker.stream.state.index_store import MirroredStore
from worker.stream.state import recovery
from worker.stream.state.memory import MemoryRecords
from worker.stream.state.records import CorruptRecord, decode_record, encode_record
from worker.stream.state.recovery import Pacer, Recovery, rebuild
from worker.stream.state.retention import Retention
from worker.stream.state.table import TableRecords

WORDS = ("harbour council barrier storm quay ferry tide estuary bakery oven mayor insurer claim winter coast "
         "river bridge school budget vote minister rail strike port glacier bank rate inflation market").split()


def story(rng: random.Random, n: int = 120) -> str:
    return " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(n))


def edited(text: str, rng: random.Random, edits: int = 4) -> str:
    words = text.split()
    for _ in range(edits):
        words[rng.randrange(len(words))] = "edited"
    return " ".join(words)


def fill(index: DedupIndex, texts: list[str], ts0: float, step: float = 1.0) -> list[str]:
    ids = []
    for i, text in enumerate(texts):
        article_id = f"a{i:04d}"
        index.check_and_add(article_id, fingerprint(text), ts0 + i * step)
        ids.append(article_id)
    return ids


# -- the record format ------------------------------------------------------------------


def test_record_format_is_the_one_the_table_store_writes() -> None:
    rng = random.Random(1)
    clean = ArticleRecord("a1", None, None, "0123456789abcdef", bytes(rng.randrange(256) for _ in range(256)), 1234.5)
    dup = ArticleRecord("a1", "a1", 0.8125, "", b"", 1300.0)
    for article_id, record in (("a1", clean), ("a2", dup)):
        reference = TableStore()
        reference.put_article(article_id, record)
        assert encode_record(record) == reference.articles[article_id]
        assert decode_record(article_id, reference.articles[article_id]) == record


@pytest.mark.parametrize("value", [{"x": 1}, [1, 2], ["c", None, None, "", "!!notbase64", 1.0], ["c", 5, None, "", "", 1.0], "text", None])
def test_a_value_that_is_no_record_is_named(value: Any) -> None:
    with pytest.raises(CorruptRecord) as info:
        decode_record("bad-id", value)
    assert info.value.article_id == "bad-id" and "bad-id" in str(info.value)


# -- the composed store -----------------------------------------------------------------


def test_mirrored_store_gives_the_index_its_verdicts_and_keeps_one_durable_record_per_article() -> None:
    rng = random.Random(2)
    texts = [story(rng) for _ in range(30)]
    texts += [edited(texts[i], rng) for i in range(10)]
    plain = DedupIndex(config=DEFAULT)
    durable = MemoryRecords()
    mirrored = DedupIndex(MirroredStore(durable), DEFAULT)
    for i, text in enumerate(texts):
        fp = fingerprint(text)
        assert mirrored.check_and_add(f"a{i}", fp, 1000.0 + i) == plain.check_and_add(f"a{i}", fp, 1000.0 + i)
    assert len(durable) == len(texts)
    assert dict(durable.items()) == dict(plain.store.iter_articles())


def test_mirrored_store_serves_candidate_heads_from_memory() -> None:
    """The index reads candidate heads through ``get_heads``; the stream worker's store
    must forward it to the in-memory store (where every read goes), so that the stream
    worker also decodes whole records only for the candidates it verifies."""
    from worker.pipeline.dedup.index import MemoryStore

    class Spy(MemoryStore):
        def __init__(self) -> None:
            super().__init__()
            self.heads: list[str] = []

        def get_heads(self, article_ids: list[str]) -> list[Any]:
            self.heads.extend(article_ids)
            return super().get_heads(article_ids)

    rng = random.Random(5)
    texts = [story(rng) for _ in range(20)]
    texts += [edited(texts[i], rng, edits=30) for i in range(10)]
    memory = Spy()
    store = MirroredStore(MemoryRecords(), memory)
    plain = DedupIndex(config=DEFAULT)
    index = DedupIndex(store, DEFAULT)
    for i, text in enumerate(texts):
        fp = fingerprint(text)
        assert index.check_and_add(f"a{i}", fp, 1000.0 + i) == plain.check_and_add(f"a{i}", fp, 1000.0 + i)
    assert memory.heads, "the look-ups must have read candidate heads from memory"
    assert store.get_heads(["a0", "nope"]) == memory.get_heads(["a0", "nope"])
    assert store.get_heads(["a0"])[0].signature == store.get_article("a0").signature  # type: ignore[union-attr]


# -- recovery ---------------------------------------------------------------------------


async def test_rebuild_restores_live_records_lists_expired_ones_and_yields_to_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recovery, "SORT_RUN", 37)  # several sorted runs to merge
    rng = random.Random(3)
    texts = [story(rng) for _ in range(400)]
    source = DedupIndex(MirroredStore(durable := MemoryRecords()), DEFAULT)
    now = 10_000_000.0
    old_ids = fill(source, texts[:100], now - DEFAULT.retention_seconds - 500)
    fill_ids = [f"b{i}" for i in range(300)]
    for i, text in enumerate(texts[100:]):
        source.check_and_add(fill_ids[i], fingerprint(text), now - 100 + i * 0.1)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.ensure_future(ticker())
    result = await rebuild(durable.items(), DEFAULT, now, pacer=Pacer(budget_s=0.0))
    task.cancel()
    assert ticks > 5, "the rebuild never let other tasks run"
    assert sorted(result.expired) == sorted(old_ids) and result.live == 300
    rebuilt = DedupIndex(result.memory, DEFAULT)
    rebuilt.adopt(result.index)  # the frequency sketches are derived state too
    # The rebuilt index judges a copy of a remembered story exactly as the original index does.
    copy = fingerprint(edited(texts[250], rng))
    assert rebuilt.check_and_add("copy", copy, now) == source.check_and_add("copy", copy, now)
    assert rebuilt.check_and_add("copy", copy, now).kind == "replay"


async def test_rebuild_fails_on_a_record_it_cannot_read() -> None:
    table: dict[str, Any] = {}
    TableRecords(table).put("good", ArticleRecord("good", None, None, "00" * 8, bytes(256), 1.0))
    table["bad"] = ["only", "three", "fields"]
    with pytest.raises(CorruptRecord):
        await rebuild(TableRecords(table).items(), DEFAULT, 2.0)


class FakeApp:
    """The two counters faust's app keeps about rebalances, which is all Recovery reads."""

    def __init__(self) -> None:
        self.rebalancing_count = 0
        self.consumer_generation_id = 1


def message(offset: int) -> Any:
    return SimpleNamespace(topic="candidates", partition=0, offset=offset, acked=False)


class SlowRecords(MemoryRecords):
    """Records that take a while to read: a large table, or a slow disk."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.read = 0

    def items(self) -> Iterator[tuple[str, ArticleRecord]]:
        for item in list(super().items()):
            time.sleep(self.delay)
            self.read += 1
            yield item


def recovery_for(durable: Any, app: Any = None) -> tuple[Recovery, MirroredStore, list[BaseException]]:
    stops: list[BaseException] = []

    async def stop(exc: BaseException) -> None:
        stops.append(exc)

    store = MirroredStore(durable)
    rec = Recovery(app or FakeApp(), durable, store, DEFAULT, on_rebuilt=lambda r: None, stop=stop)
    return rec, store, stops


async def test_nothing_is_judged_before_a_slow_rebuild_completes() -> None:
    rng = random.Random(4)
    durable = SlowRecords(delay=0.002)
    texts = [story(rng) for _ in range(200)]
    fill(DedupIndex(MirroredStore(durable), DEFAULT), texts, time.time() - 60)
    rec, store, stops = recovery_for(durable)
    index = DedupIndex(store, DEFAULT)
    seen_when_judged: list[int] = []

    async def agent() -> str:
        assert await rec.wait_current(message(7))
        seen_when_judged.append(durable.read)
        return index.check_and_add("copy", fingerprint(edited(texts[150], rng)), time.time()).kind

    judged = asyncio.ensure_future(agent())
    await asyncio.sleep(0.05)
    assert not judged.done() and not rec.current.is_set()
    await rec.on_recovered()
    assert await judged == "duplicate"
    assert seen_when_judged == [len(texts)] and stops == []


async def test_a_failed_rebuild_stops_the_worker_and_never_judges() -> None:
    table: dict[str, Any] = {}
    TableRecords(table).put("good", ArticleRecord("good", None, None, "00" * 8, bytes(256), time.time()))
    table["bad"] = {"not": "a record"}
    rec, _, stops = recovery_for(TableRecords(table))
    waiting = asyncio.ensure_future(rec.wait_current(message(3)))
    await rec.on_recovered()
    assert len(stops) == 1 and isinstance(stops[0], CorruptRecord)
    assert not rec.current.is_set() and rec.failure is stops[0]
    await asyncio.sleep(0.3)
    assert not waiting.done(), "an event was judged after the rebuild failed"
    waiting.cancel()


async def test_a_rebalance_takes_the_waiting_event_back_unacknowledged() -> None:
    app = FakeApp()
    rec, _, _ = recovery_for(MemoryRecords(), app)
    first = message(10)
    waiting = asyncio.ensure_future(rec.wait_current(first))
    await asyncio.sleep(0.15)
    assert not waiting.done()
    app.rebalancing_count += 1  # faust's rebalance listener, from the consumer thread
    assert await asyncio.wait_for(waiting, 2) is False
    assert first.acked, "faust would still wait for this event before revoking"
    # An event fetched before the rebalance cleared the buffer goes back at once ...
    second = message(11)
    assert await rec.wait_current(second) is False and second.acked
    # ... while one delivered after the new assignment waits for the new rebuild.
    app.consumer_generation_id += 1
    third = message(10)
    waiting = asyncio.ensure_future(rec.wait_current(third))
    await asyncio.sleep(0.15)
    assert not waiting.done()
    await rec.on_recovered()
    assert await asyncio.wait_for(waiting, 2) is True and not third.acked


async def test_a_revocation_cancels_a_rebuild_in_progress() -> None:
    durable = SlowRecords(delay=0.001)
    rng = random.Random(5)
    fill(DedupIndex(MirroredStore(durable), DEFAULT), [story(rng) for _ in range(300)], time.time())
    rec, store, stops = recovery_for(durable)
    first = asyncio.ensure_future(rec.on_recovered())
    await asyncio.sleep(0.05)
    await rec.on_revoked()
    await asyncio.wait_for(first, 5)
    assert not rec.current.is_set() and durable.read < 300
    durable.delay = 0.0
    await rec.on_recovered()
    assert rec.current.is_set() and store.remembered() == 300 and stops == []


# -- retention --------------------------------------------------------------------------


def short(seconds: float) -> Any:
    return dataclasses.replace(DEFAULT, retention_seconds=seconds)


async def test_expired_records_leave_table_and_index_in_bounded_steps() -> None:
    config = short(100.0)
    rng = random.Random(6)
    table: dict[str, Any] = {}
    durable = TableRecords(table)
    texts = [story(rng) for _ in range(50)]
    now = 50_000.0
    old = fill(DedupIndex(MirroredStore(durable), config), texts[:30], now - 500)
    young = [f"y{i}" for i in range(20)]
    store = MirroredStore(durable)
    result = await rebuild(durable.items(), config, now)
    store.memory = result.memory
    index = DedupIndex(store, config)
    for i, text in enumerate(texts[30:]):
        index.check_and_add(young[i], fingerprint(text), now)
    retention = Retention(store, config, batch=8)
    retention.restart(result)
    # One expired article is re-remembered (a replay after expiry) before eviction runs.
    index.check_and_add(old[0], fingerprint(texts[0]), now)
    steps = []
    while retention.pending:
        steps.append(retention.step(now))
    assert max(steps) <= 8 and sum(steps) == 29
    assert set(table) == {old[0], *young}
    assert store.get_article(old[0]) is not None
    # What was evicted is gone from the index too: the same text is new again.
    assert index.check_and_add("again", fingerprint(texts[5]), now).kind == "new"


async def test_a_scan_finds_records_that_expired_since_the_rebuild() -> None:
    config = short(16.0)  # scan interval: 2 s
    rng = random.Random(7)
    durable = MemoryRecords()
    store = MirroredStore(durable)
    index = DedupIndex(store, config)
    t0 = time.time()
    fill(index, [story(rng) for _ in range(10)], t0 - 15, step=0.01)
    retention = Retention(store, config)
    assert retention.interval == 2.0
    assert retention.step(t0) == 0  # nothing due yet
    await asyncio.sleep(2.1)
    now = time.time()
    assert retention.step(now) == 0  # starts the scan
    for _ in range(50):
        await asyncio.sleep(0.01)
        if retention.pending:
            break
    assert retention.step(now) == 10
    assert len(durable) == 0 and store.remembered() == 0
