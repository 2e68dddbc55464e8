"""Publishing an input's records so that their delivery decides the input's fate.

Every record is handed to faust's producer and its delivery future watched (aiokafka's
``flush`` waits for failed batches without raising, so an unwatched future is a record
lost in silence). Only when all records of one input are acknowledged does the input's
offset count as processed in the offset tracker (``offsets.py``), which alone decides
what is committed. Transient errors are retried a few times after aiokafka's own retries;
a record refused for good (too large for its topic, topic missing or not authorised,
delivery timeout) turns its input into a ``publish_failed`` dead letter that names the
topic; a dead letter that cannot be written stops the worker (:meth:`Publisher.fail_hard`):
no more commits, ``/readyz`` 503, exit 3, and the inputs are read again on restart.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import orjson
from aiokafka import errors as kafka_errors

from worker.config import Settings
from worker.pipeline.stats import PUBLISH
from worker.pipeline.intake.deadletter import dead_letter
from worker.pipeline.model import Origin, OutRecord, PageError
from worker.pipeline.process import dead_letter_record
from worker.stream.metrics import Metrics
from worker.stream.offsets import OffsetTracker, Token

log = logging.getLogger("newsworker")

SEND_RETRIES = 3
"""Extra attempts for a record whose send failed with a transient error (after aiokafka's
own retries within the delivery timeout)."""
SEND_RETRY_BACKOFF_S = 0.5

# Errors a retry cannot fix: the record is too large, the topic is missing or forbidden,
# or the producer already retried until the delivery timeout.
_PERMANENT = (
    kafka_errors.MessageSizeTooLargeError,
    kafka_errors.RecordTooLargeError,
    kafka_errors.UnknownTopicOrPartitionError,
    kafka_errors.TopicAuthorizationFailedError,
    kafka_errors.ClusterAuthorizationFailedError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.InvalidTopicError,
    kafka_errors.ProducerClosed,
)


def header_value(value: Any) -> bytes:
    return str(value).encode("utf-8", "replace")[:1024]


def _root_cause(exc: BaseException) -> BaseException:
    """faust wraps aiokafka's errors in ProducerSendError."""
    seen = 0
    while exc.__cause__ is not None and seen < 5:
        exc, seen = exc.__cause__, seen + 1
    return exc


def is_transient(exc: BaseException) -> bool:
    cause = _root_cause(exc)
    if isinstance(cause, _PERMANENT):
        return False
    return bool(getattr(cause, "retriable", False)) or isinstance(cause, (kafka_errors.KafkaConnectionError, ConnectionError))


def reason_slug(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().removesuffix("_error")


@dataclass(slots=True)
class Outgoing:
    """One record to publish."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]] | None = None
    is_dead_letter: bool = False


@dataclass(slots=True)
class Delivery:
    """The records one input produced, while the broker has not acknowledged them all.
    ``page_id``, ``url``, ``origin`` and ``data`` are what a publish_failed dead letter
    of the input needs."""

    token: Token
    records: list[Outgoing]
    origin: Origin
    data: bytes
    page_id: str | None = None
    url: str | None = None
    remaining: int = 0
    failed: list[tuple[Outgoing, BaseException]] = field(default_factory=list)


class Publisher:
    """Sends records for the two agents and settles each input once its records are
    delivered. ``fatal`` is set once a dead letter could not be written."""

    def __init__(self, app: Any, settings: Settings, metrics: Metrics, offsets: OffsetTracker) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.offsets = offsets
        self.fatal: str | None = None
        self._recovering: set[asyncio.Task[None]] = set()

    async def send(self, out: Outgoing) -> asyncio.Future[Any]:
        """Hand a record to the producer; returns its delivery future. Straight to faust's
        producer rather than through ``Topic.send``, whose per-message bookkeeping showed
        in profiles. May raise at once (too large for the producer, no metadata)."""
        return await self.app.producer.send(out.topic, out.key, out.value, partition=None, timestamp=None, headers=out.headers)

    def outgoing(self, record: OutRecord, payload: bytes | None = None) -> Outgoing:
        name = self.settings.topics.for_role(record.role)
        headers: list[tuple[str, bytes]] | None = None
        if record.role == "dlq":
            error, origin = record.value["error"], record.value["origin"]
            headers = [("error.type", header_value(error["type"])), ("error.message", header_value(error["message"]))]
            headers += [(f"origin.{k}", header_value(v)) for k, v in origin.items()]
        return Outgoing(name, record.key.encode(), payload if payload is not None else orjson.dumps(record.value), headers, record.role == "dlq")

    def outgoing_all(self, records: list[OutRecord]) -> list[Outgoing]:
        """One article's records, serialising the article once for the clean topic and all
        its routing topics."""
        encoded: dict[int, bytes] = {}
        out = []
        for record in records:
            payload = encoded.get(id(record.value))
            if payload is None:
                payload = encoded[id(record.value)] = orjson.dumps(record.value)
            out.append(self.outgoing(record, payload))
        return out

    def _count(self, out: Outgoing) -> None:
        self.metrics.child(self.metrics.records_out, out.topic).inc()
        if out.is_dead_letter:
            reason = out.headers[0][1].decode() if out.headers else "unknown"
            self.metrics.child(self.metrics.dead_letters, reason).inc()
        elif out.topic == self.settings.topics.duplicates:
            self.metrics.duplicates.inc()

    async def deliver(self, delivery: Delivery) -> None:
        """Send every record of one input and watch the delivery futures; the input's
        offset is marked processed when all are acknowledged (see :meth:`_settle`). Never
        raises; does not wait for the broker, so the agent moves on while records fly."""
        futures: list[tuple[Outgoing, asyncio.Future[Any]]] = []
        for out in delivery.records:
            try:
                futures.append((out, await self.send(out)))
            except Exception as exc:  # noqa: BLE001 - e.g. MessageSizeTooLarge, raised at once
                delivery.failed.append((out, exc))
        delivery.remaining = len(futures)
        if not futures:
            self._settle(delivery)
            return
        for out, fut in futures:
            fut.add_done_callback(partial(self._on_delivered, delivery, out))

    def _on_delivered(self, delivery: Delivery, out: Outgoing, fut: asyncio.Future[Any]) -> None:
        if fut.cancelled():
            delivery.failed.append((out, asyncio.CancelledError("delivery cancelled")))
        elif fut.exception() is not None:
            delivery.failed.append((out, fut.exception()))  # type: ignore[arg-type]
        else:
            self._count(out)
        delivery.remaining -= 1
        if delivery.remaining == 0:
            self._settle(delivery)

    def _settle(self, delivery: Delivery) -> None:
        if not delivery.failed:
            self.offsets.finish(delivery.token)
            return
        task = asyncio.ensure_future(self._recover(delivery))
        self._recovering.add(task)
        task.add_done_callback(self._recovering.discard)

    async def _send_with_retries(self, out: Outgoing, first_error: BaseException | None) -> BaseException | None:
        """Send ``out`` until it is acknowledged; returns the error that ended the tries
        (None on success). A permanent error ends them at once."""
        error = first_error
        for attempt in range(SEND_RETRIES):
            if error is not None and not is_transient(error):
                return error
            if error is not None:
                await asyncio.sleep(SEND_RETRY_BACKOFF_S * 2**attempt)
            try:
                await (await self.send(out))
            except Exception as exc:  # noqa: BLE001 - classified above
                error = exc
                continue
            self._count(out)
            return None
        return error

    async def _recover(self, delivery: Delivery) -> None:
        """Some records of an input failed: retry the transient failures; what still fails
        makes the input a ``publish_failed`` dead letter; if that cannot be written either,
        stop (see :meth:`fail_hard`)."""
        try:
            lost: list[tuple[Outgoing, BaseException]] = []
            for out, exc in delivery.failed:
                error = await self._send_with_retries(out, exc)
                if error is not None:
                    cause = _root_cause(error)
                    self.metrics.publish_failures.labels(out.topic, type(cause).__name__).inc()
                    log.error("could not publish to %s: %s: %s", out.topic, type(cause).__name__, cause)
                    lost.append((out, cause))
            if not lost:
                self.offsets.finish(delivery.token)
                return
            letters = [out for out, _ in lost if out.is_dead_letter]
            if letters:
                self.fail_hard(f"a dead letter could not be written to {letters[0].topic}: {type(lost[0][1]).__name__}")
                self.offsets.finish(delivery.token, processed=False)
                return
            out, cause = lost[0]
            error = PageError(
                "publish_failed",
                f"could not publish {len(lost)} of {len(delivery.records)} records; first to {out.topic}: {type(cause).__name__}: {cause}",
                stage=PUBLISH, reason=reason_slug(type(cause).__name__),
            )
            letter = dead_letter(error, delivery.origin, delivery.data, max_raw_bytes=self.settings.limits.max_dead_letter_raw_bytes,
                                 page_id=delivery.page_id, url=delivery.url)
            record = self.outgoing(dead_letter_record(letter))
            record.headers = (record.headers or []) + [("publish.topic", header_value(out.topic))]
            failed = await self._send_with_retries(record, None)
            if failed is not None:
                self.fail_hard(f"the publish_failed dead letter could not be written either: {type(_root_cause(failed)).__name__}")
                self.offsets.finish(delivery.token, processed=False)
                return
            self.offsets.finish(delivery.token)
        except Exception as exc:  # noqa: BLE001 - never lose track of an input
            log.exception("delivery recovery failed")
            self.fail_hard(f"delivery recovery raised {type(exc).__name__}: {exc}")
            self.offsets.finish(delivery.token, processed=False)

    def fail_hard(self, reason: str) -> None:
        """An output could not be delivered, not even as a dead letter: going on would
        commit inputs whose results are lost. Commit nothing more, report not ready and
        stop the process (runner exits non-zero); the inputs are read again on restart."""
        if self.fatal is not None:
            return
        self.fatal = reason
        self.offsets.freeze(reason)
        self.metrics.fatal.set(1)
        log.critical("stopping: %s; nothing more will be committed", reason)
        asyncio.get_running_loop().call_later(0.2, os.kill, os.getpid(), signal.SIGTERM)

    async def publish(self, record: OutRecord, payload: bytes | None = None) -> None:
        """Publish one record and wait for the broker (for callers outside the agents)."""
        out = self.outgoing(record, payload)
        error = await self._send_with_retries(out, None)
        if error is not None:
            raise error
