"""The framework's ceiling: raw aiokafka consume-then-produce of the same payloads.

Consumes a raw-pages topic in a consumer group and produces every value unchanged (same
key, same partition number) to an output topic, with the producer settings the worker
uses (acks=all, 2 ms linger) and batches awaited before the next fetch. Whatever the
worker does beyond this is the cost of faust plus our analysis, so the worker's end to end
rate is reported as a fraction of this one. Runs as its own process, like the worker:

    python -m bench.passthrough --bootstrap HOST:PORT --src TOPIC --dst TOPIC --group G

and stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

MAX_MESSAGE_BYTES = 8 * 1024 * 1024


async def pass_through(bootstrap: str, src: str, dst: str, group: str, stop: asyncio.Event) -> int:
    consumer = AIOKafkaConsumer(
        src, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest", enable_auto_commit=True,
        auto_commit_interval_ms=1000, session_timeout_ms=6000, heartbeat_interval_ms=500,
        max_partition_fetch_bytes=MAX_MESSAGE_BYTES, fetch_max_bytes=2 * MAX_MESSAGE_BYTES,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2, max_request_size=MAX_MESSAGE_BYTES)
    await producer.start()
    await consumer.start()
    moved = 0
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=100, max_records=500)
            futures = [
                await producer.send(dst, value=msg.value, key=msg.key, partition=msg.partition)
                for messages in batches.values() for msg in messages
            ]
            if futures:
                await asyncio.gather(*futures)
                moved += len(futures)
    finally:
        await consumer.stop()
        await producer.stop()
    return moved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--group", required=True)
    args = ap.parse_args(argv)

    async def _run() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        return await pass_through(args.bootstrap, args.src, args.dst, args.group, stop)

    moved = asyncio.run(_run())
    print(f"passed through {moved} messages", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
