"""Our partitioner sends every key where Kafka's default (murmur2) partitioner does, also
once its cache of hashes has been refilled, so consumers keyed on partition stay right."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.config import Settings
from worker.stream.app import NewsWorker
from worker.stream.partitioner import KeyHashPartitioner


@settings(max_examples=300, deadline=None)
@given(keys=st.lists(st.binary(min_size=0, max_size=64), min_size=1, max_size=40), partitions=st.integers(1, 12))
def test_same_partition_as_kafkas_default(keys: list[bytes], partitions: int) -> None:
    ours, default = KeyHashPartitioner(cache_keys=8), DefaultPartitioner()
    all_partitions = list(range(partitions))
    for key in keys + keys:  # the second pass reads hashes from the cache (or refills it)
        assert ours(key, all_partitions, all_partitions) == default(key, all_partitions, all_partitions)


def test_unkeyed_records_go_to_an_available_partition() -> None:
    ours = KeyHashPartitioner()
    assert {ours(None, [0, 1, 2, 3], [2]) for _ in range(20)} == {2}
    assert {ours(None, [0, 1], []) for _ in range(50)} <= {0, 1}


def test_the_worker_producer_uses_it() -> None:
    worker = NewsWorker(Settings(bootstrap_servers="localhost:1"))
    try:
        assert isinstance(worker.app.conf.producer_partitioner, KeyHashPartitioner)
        assert isinstance(worker.app.producer.partitioner, KeyHashPartitioner)
    finally:
        worker.close()
