"""Produced batches are compressed by our warm-context zstd, and stay ordinary zstd
batches that aiokafka (and so any consumer) reads back record for record."""

from __future__ import annotations

import threading

import cramjam
from aiokafka.record import default_records
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.record.memory_records import MemoryRecords

import worker.stream.app  # noqa: F401 - installs the codec, as the worker does
from worker.stream import batch_codec

ZSTD = 4  # the record batch attribute for zstd


def _records(n: int) -> list[tuple[bytes, bytes]]:
    return [(f"k{i}".encode(), ('{"title": "Story %d", "text": "%s"}' % (i, "words of the story " * (i + 5))).encode()) for i in range(n)]


def test_the_worker_compresses_batches_with_its_own_zstd() -> None:
    builders = [default_records]
    try:
        from aiokafka.record._crecords import default_records as compiled
        builders.append(compiled)
    except ImportError:
        pass
    for module in builders:
        assert module.zstd_encode is batch_codec.zstd_encode, module.__name__


def test_a_zstd_batch_reads_back_record_for_record() -> None:
    records = _records(40)
    builder = DefaultRecordBatchBuilder(magic=2, compression_type=ZSTD, is_transactional=False,
                                        producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    for offset, (key, value) in enumerate(records):
        builder.append(offset, timestamp=None, key=key, value=value, headers=[])
    raw = bytes(builder.build())
    assert len(raw) < sum(len(k) + len(v) for k, v in records) / 3  # it did compress
    batch = MemoryRecords(raw).next_batch()
    assert batch.compression_type == ZSTD
    assert [(r.key, r.value) for r in batch] == records


def test_contexts_are_per_thread_and_frames_standard() -> None:
    payloads = [v for _, v in _records(30)]
    out: dict[int, list[bytes]] = {}

    def work(n: int) -> None:
        out[n] = [batch_codec.zstd_encode(p) for p in payloads for _ in range(3)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for frames in out.values():
        assert [bytes(cramjam.zstd.decompress(f)) for f in frames] == [p for p in payloads for _ in range(3)]
