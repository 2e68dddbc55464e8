"""Publish failures decide the input's fate, on a real Apache Kafka broker: a record the
broker refuses for good becomes a ``publish_failed`` dead letter of its page; a dead
letter that cannot be written stops the worker without committing, and a new worker
reads those inputs again."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from testkit import scenarios
from testkit.pagegen import generate
from testkit.worker import unique_settings
from worker.config import Settings
from worker.stream.admin import collect_pages, create_topics, send_messages
from worker.stream.kafka_client import aiokafka_kwargs

pytestmark = pytest.mark.kafka


def _pages(n: int, seed: int) -> tuple[list[tuple[bytes, str | None]], list[str]]:
    pages = generate(n, seed=seed, dup_rate=0.0, bad_rate=0.0)
    return list(zip(pages.messages, pages.page_ids)), [pid for pid in pages.page_ids if pid]


def _collect(settings: Settings, ids: list[str], timeout: float = 90.0) -> list[dict]:
    return asyncio.run(collect_pages(settings, ids, timeout=timeout))


def _accounted(records: list[dict], settings: Settings, ids: list[str]) -> tuple[set[str], dict[str, dict]]:
    """Pages with all their articles, and dead letters by page id; asserts every page is
    one or the other."""
    positions: dict[str, set[int]] = {}
    expected: dict[str, int] = {}
    letters: dict[str, dict] = {}
    for rec in records:
        v = rec["value"]
        if rec["topic"] == settings.topics.dlq:
            letters[v["page_id"]] = rec
        else:
            positions.setdefault(v["page_id"], set()).add(v["position"])
            expected[v["page_id"]] = v["page_articles"]
    complete = {pid for pid in ids if positions.get(pid) == set(range(expected.get(pid, -1)))}
    missing = [pid for pid in ids if pid not in complete and pid not in letters]
    assert not missing, f"{len(missing)} pages not accounted for, e.g. {missing[:3]}"
    return complete, letters


def _letters(settings: Settings, ids: list[str], timeout: float = 120.0) -> dict[str, dict]:
    """Dead letters of ``ids`` read from the DLQ alone (the clean topic may not exist)."""
    from worker.stream.admin import tail

    found: dict[str, dict] = {}

    async def _go() -> None:
        async for rec in tail(settings, [settings.topics.dlq]):
            pid = rec["value"].get("page_id") if isinstance(rec["value"], dict) else None
            if pid in ids:
                found[pid] = rec
                if len(found) == len(set(ids)):
                    return

    try:
        asyncio.run(asyncio.wait_for(_go(), timeout))
    except asyncio.TimeoutError:
        pass
    return found


async def _delete_topics(settings: Settings, names: list[str]) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**aiokafka_kwargs(settings))
    await admin.start()
    try:
        await admin.delete_topics(names)
        deadline = time.monotonic() + 30
        while set(names) & set(await admin.list_topics()):
            assert time.monotonic() < deadline, "topics not deleted"
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


@pytest.fixture
def workers(tmp_path: Path):
    w = scenarios.Workers(tmp_path)
    yield w
    w.close()


def test_record_too_large_for_its_topic_becomes_a_publish_failed_dead_letter(kafka_broker, workers) -> None:
    settings = unique_settings(kafka_broker.bootstrap, partitions=1)
    # The clean topic takes at most 1 KiB per batch; articles are several KiB.
    kafka_broker.create_topics([settings.topics.articles], 1, configs={"max.message.bytes": "1024"})
    asyncio.run(create_topics(settings))  # the others, with the usual 8 MiB
    worker = workers.start(settings, "tiny")
    messages, ids = _pages(6, seed=61)
    asyncio.run(send_messages(settings, messages))
    records = _collect(settings, ids)
    complete, letters = _accounted(records, settings, ids)
    assert not complete, "an article larger than max.message.bytes cannot have been published"
    assert set(letters) == set(ids)
    for rec in letters.values():
        v = rec["value"]
        assert v["error"]["type"] == "publish_failed"
        assert settings.topics.articles in v["error"]["message"] and "MessageSizeTooLarge" in v["error"]["message"]
        assert v["error"]["stage"] == "publish" and v["error"]["reason"] == "message_size_too_large"
        assert rec["headers"]["publish.topic"] == settings.topics.articles
        assert rec["key"] == v["page_id"]
        assert v["origin"]["topic"] == settings.topics.candidates
    assert scenarios.metric(worker, "newsworker_publish_failures_total") >= len(ids)
    assert worker.get("/readyz")[0] == 200 and worker.proc.poll() is None


def test_deleted_output_topic_becomes_dead_letters_then_a_deleted_dlq_stops_the_worker(kafka_broker, workers) -> None:
    """Auto-create is off on the test broker: a deleted topic stays deleted."""
    settings = unique_settings(kafka_broker.bootstrap, partitions=1, delivery_timeout_s=4.0)
    asyncio.run(create_topics(settings))
    first = workers.start(settings, "first")
    warm, warm_ids = _pages(2, seed=71)
    asyncio.run(send_messages(settings, warm))
    _accounted(_collect(settings, warm_ids), settings, warm_ids)

    # 1. The clean topic disappears: its articles cannot be delivered, the pages become
    #    publish_failed dead letters, and the worker goes on.
    asyncio.run(_delete_topics(settings, [settings.topics.articles]))
    lost, lost_ids = _pages(3, seed=72)
    asyncio.run(send_messages(settings, lost))
    letters = _letters(settings, lost_ids)
    assert set(letters) == set(lost_ids), f"pages without a dead letter: {set(lost_ids) - set(letters)}"
    assert all(settings.topics.articles in r["value"]["error"]["message"] for r in letters.values())
    assert all(r["value"]["error"]["type"] == "publish_failed" for r in letters.values())
    assert first.proc.poll() is None and first.get("/readyz")[0] == 200

    # 2. The dead-letter topic disappears too: nothing can be written for these pages, so
    #    the worker must stop, not ready and non-zero, without committing them.
    asyncio.run(_delete_topics(settings, [settings.topics.dlq]))
    stuck, stuck_ids = _pages(3, seed=73)
    asyncio.run(send_messages(settings, stuck))
    try:
        first.proc.wait(timeout=90)
    except Exception:  # noqa: BLE001 - reported below
        pass
    assert first.proc.poll() is not None, "the worker went on although it could not write a dead letter"
    assert first.proc.returncode == 3, first.log_tail()
    assert "nothing more will be committed" in first.log_path.read_text(errors="replace")

    # 3. With the topics back, a new worker reads those inputs again: nothing was lost.
    asyncio.run(create_topics(settings))
    workers.start(settings, "second")
    records = _collect(settings, stuck_ids, timeout=120)
    complete, letters = _accounted(records, settings, stuck_ids)
    assert complete == set(stuck_ids), f"pages not published after the restart: {set(stuck_ids) - complete}"
