"""Topic management and the small client commands: ``topics create``, ``send``, ``tail``.

Topics are created explicitly (with their partition counts and configs) rather than
auto-created on first use, because auto-creation gives every topic the broker default and
silently breaks co-partitioning.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, BinaryIO, Iterable, Iterator

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from worker.config import Settings
from worker.inputs import as_message, read_inputs
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import PageError
from worker.pipeline.tagging.routing import route_roles_all
from worker.stream.state import DEDUP_PARTITIONS
from worker.stream.kafka_client import aiokafka_kwargs

# Raw pages may be up to the message bound (HTML pages of a few MB); Kafka's default is 1 MB.
RAW_TOPIC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024
# A tail (and the demo, which reads through it) shows records as they arrive: the embedded
# broker holds a fetch for its whole max wait even when data is there (500 ms by default).
TAIL_FETCH_MAX_WAIT_MS = 100


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str]


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic the worker reads or writes, except faust's own changelog topics (which
    faust declares itself with the partition count of their tables)."""
    t = settings.topics
    big = {"max.message.bytes": str(RAW_TOPIC_MAX_MESSAGE_BYTES)}
    specs = [
        TopicSpec(t.raw, settings.partitions, big),
        TopicSpec(t.candidates, DEDUP_PARTITIONS, big),
        TopicSpec(t.articles, settings.partitions, big),
        TopicSpec(t.duplicates, settings.partitions, big),
        TopicSpec(t.dlq, settings.partitions, big),
    ]
    specs += [TopicSpec(t.for_role(role), settings.partitions, big) for role in route_roles_all(settings.routing_kinds())]
    return specs


async def create_topics(settings: Settings, specs: Iterable[TopicSpec] | None = None) -> list[str]:
    """Create missing topics; returns the names created (existing ones are left alone)."""
    specs = list(specs if specs is not None else topic_specs(settings))
    admin = AIOKafkaAdminClient(**aiokafka_kwargs(settings))
    await admin.start()
    created: list[str] = []
    try:
        existing = set(await admin.list_topics())
        todo = [s for s in specs if s.name not in existing]
        for spec in todo:
            try:
                await admin.create_topics(
                    [NewTopic(spec.name, num_partitions=spec.partitions, replication_factor=settings.replication, topic_configs=spec.config)]
                )
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()
    return created


def page_messages(paths: list[str], limits: Limits, stdin: BinaryIO | None = None) -> Iterator[tuple[bytes, str | None]]:
    """Raw-page messages, with their page ids, read exactly as ``process`` reads them
    (``worker.inputs``), so a file sent through Kafka gives the ids ``process`` prints. A
    page file the core would refuse (not UTF-8, too large) is reported and skipped."""
    for item in read_inputs(paths, stdin or sys.stdin.buffer, limits):
        try:
            yield as_message(item, limits)
        except PageError as exc:
            print(f"newsworker send: skipped {item.origin.path}: {exc.kind}: {exc.message}", file=sys.stderr)


async def send_messages(settings: Settings, values: Iterable[tuple[bytes, str | None]]) -> int:
    """Publish raw-page messages keyed by page id, so redeliveries of one page stay
    ordered on one partition (unkeyed messages are spread by the producer)."""
    producer = AIOKafkaProducer(**aiokafka_kwargs(settings), max_request_size=RAW_TOPIC_MAX_MESSAGE_BYTES, linger_ms=5,
                                compression_type=settings.compression_type())
    await producer.start()
    sent = 0
    try:
        for value, page_id in values:
            await producer.send(settings.topics.raw, value=value, key=page_id.encode() if page_id else None)
            sent += 1
        await producer.flush()
    finally:
        await producer.stop()
    return sent


async def tail(
    settings: Settings, topics: list[str], *, from_beginning: bool = True, idle_timeout: float | None = None, limit: int | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Records of ``topics`` as dicts (topic, partition, offset, key, value, headers),
    without joining a consumer group, so tailing never disturbs the worker's offsets."""
    consumer = AIOKafkaConsumer(
        *topics, **aiokafka_kwargs(settings), group_id=None, enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest", fetch_max_bytes=RAW_TOPIC_MAX_MESSAGE_BYTES * 2,
        max_partition_fetch_bytes=RAW_TOPIC_MAX_MESSAGE_BYTES,
        fetch_max_wait_ms=TAIL_FETCH_MAX_WAIT_MS,
    )
    await consumer.start()
    count = 0
    try:
        while limit is None or count < limit:
            try:
                msg = await asyncio.wait_for(consumer.getone(), timeout=idle_timeout)
            except asyncio.TimeoutError:
                return
            try:
                value: Any = orjson.loads(msg.value) if msg.value is not None else None
            except orjson.JSONDecodeError:
                value = msg.value.decode("utf-8", "replace")
            yield {
                "topic": msg.topic,
                "partition": msg.partition,
                "offset": msg.offset,
                "key": msg.key.decode("utf-8", "replace") if msg.key is not None else None,
                "value": value,
                "headers": {k: v.decode("utf-8", "replace") for k, v in (msg.headers or ())},
            }
            count += 1
    finally:
        await consumer.stop()


async def collect_pages(
    settings: Settings, page_ids: Iterable[str | None], *, timeout: float, anonymous: int = 0
) -> list[dict[str, Any]]:
    """Read the output topics until every page is accounted for: all of its articles (clean
    or duplicate, ``page_articles`` of them) or a dead letter. ``anonymous`` counts inputs
    without a page id (undecodable messages), accounted for by dead letters without one.
    Returns the records seen for those pages; stops at ``timeout`` seconds."""
    t = settings.topics
    expected: dict[str, int | None] = {pid: None for pid in page_ids if pid}
    positions: dict[str, set[int]] = {}
    dead: set[str] = set()
    unnamed_letters = 0
    records: list[dict[str, Any]] = []

    def complete() -> bool:
        if unnamed_letters < anonymous:
            return False
        return all(pid in dead or (n is not None and len(positions.get(pid, ())) >= n) for pid, n in expected.items())

    async def _read() -> None:
        nonlocal unnamed_letters
        async for rec in tail(settings, [t.articles, t.duplicates, t.dlq]):
            value = rec["value"] if isinstance(rec["value"], dict) else {}
            pid = value.get("page_id")
            if rec["topic"] == t.dlq and pid is None:
                unnamed_letters += 1
                records.append(rec)
            elif pid in expected:
                records.append(rec)
                if rec["topic"] == t.dlq:
                    dead.add(pid)
                else:
                    expected[pid] = value.get("page_articles", 1)
                    positions.setdefault(pid, set()).add(value.get("position", 0))
            if complete():
                return

    try:
        await asyncio.wait_for(_read(), timeout)
    except asyncio.TimeoutError:
        pass
    return records
