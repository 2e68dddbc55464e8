"""The faust application: two agents around the core.

``analyze`` consumes ``pages.raw`` (keyed by page id, any number of partitions) and runs
the stateless half of the core; it emits candidate articles to ``articles.candidates``
keyed by article id. ``dedup`` consumes that topic and owns the dedup state, a faust Table
with a changelog, so its decisions survive restarts and rebalances. See README "Design"
for why the dedup stage has its own (by default single-partition) topic.

Both agents consume raw bytes and decode inside a per-event try/except: an exception that
escapes a faust agent restarts it and skips the message, so nothing is allowed to escape.

Delivery decides an input's fate (README "Delivery"): every record an input produces is
handed to the producer and its delivery future watched; only when all of them are
acknowledged by the broker is the input's offset marked processed in our offset tracker
(``offsets.py``), which alone decides what faust commits. Transient send errors are
retried a few times; a record that cannot be delivered for good turns its input into a
``publish_failed`` dead letter; a dead letter that cannot be written stops the worker
(no more commits, ``/readyz`` 503, non-zero exit) rather than let it go on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import faust
import orjson
from aiokafka import errors as kafka_errors

from worker.config import Settings
from worker.pipeline.intake.deadletter import dead_letter
from worker.pipeline.model import Origin, OutRecord, PageError
from worker.pipeline.stats import Stats
from worker.pipeline.process import PageOutcome, dead_letter_record, decide_with_verdict, handle_input, warm_up
from worker.pipeline.intake.decode import identity_of
from worker.stream.codec import decode_candidate, encode_candidate
from worker.stream import offsets as offset_hooks
from worker.stream.dedup_state import DedupState
from worker.stream.kafka_client import faust_credentials
from worker.stream.metrics import Metrics
from worker.stream.admin import RAW_TOPIC_MAX_MESSAGE_BYTES
from worker.stream.dedup_state import DEDUP_PARTITIONS

log = logging.getLogger("newsworker")

offset_hooks.install()  # fails at import when faust's internals moved: never run without it

INDEX_WAIT_S = 10.0
SEND_RETRIES = 3
"""Extra attempts for a record whose send failed with a transient error (after aiokafka's
own retries within the delivery timeout)."""
SEND_RETRY_BACKOFF_S = 0.5
HOLE_CHECK_S = 2.0
HOLE_MIN_AGE_S = 6.0
POOL_FAILURES_NOT_READY = 3
"""Consecutive process-pool failures after which /readyz reports 503."""

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


def _init_analysis_process() -> None:
    """Pool children are forked from the event loop's process and inherit its signal
    wake-up fd: a SIGTERM the pool sends a child (``terminate_broken`` after another child
    died) would be written into the parent's loop, which then shuts the whole worker
    down. Children get default signal handling and no wake-up fd."""
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    warm_up()


def _pool_ready() -> bool:
    return True


POOL_START_S = 120.0
"""How long a new pool's children may take to start and warm up (load the gazetteer and
lexicons) before its first page; not charged to that page's time limit."""


def _header_value(value: Any) -> bytes:
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


def _snake(name: str) -> str:
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

    token: offset_hooks.Token
    records: list[Outgoing]
    origin: Origin
    data: bytes
    page_id: str | None = None
    url: str | None = None
    remaining: int = 0
    failed: list[tuple[Outgoing, BaseException]] = field(default_factory=list)


class NewsWorker:
    """Builds and holds one faust app; tests create one per broker."""

    def __init__(self, settings: Settings, *, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics or Metrics()
        self._pool: ProcessPoolExecutor | None = None
        self._pool_failures = 0  # consecutive
        self._pool_cold = True
        self._positions: dict[tuple[str, int], int] = {}
        self._recovering: set[asyncio.Task[None]] = set()
        self.fatal: str | None = None
        timeouts: dict[str, Any] = {}
        if settings.fast_group_timeouts:  # the embedded broker joins groups slowly otherwise
            timeouts = {"broker_session_timeout": 2.0, "broker_heartbeat_interval": 0.3, "broker_rebalance_timeout": 2.0}
        self.app = faust.App(
            settings.app_id,
            broker=[f"kafka://{server.strip()}" for server in settings.bootstrap_servers.split(",") if server.strip()],
            broker_credentials=faust_credentials(settings),
            store=settings.store,
            datadir=settings.data_dir,
            topic_partitions=settings.partitions,
            topic_replication_factor=settings.replication,
            key_serializer="raw",
            value_serializer="raw",
            consumer_auto_offset_reset="earliest",
            consumer_max_fetch_size=RAW_TOPIC_MAX_MESSAGE_BYTES,
            producer_max_request_size=RAW_TOPIC_MAX_MESSAGE_BYTES,
            producer_acks=-1,
            producer_linger=0.005,
            producer_max_batch_size=512 * 1024,  # articles are ~5 KB; the 16 KB default sends a request per 3 records
            producer_request_timeout=settings.delivery_timeout_s,  # a batch not acknowledged by then fails
            broker_commit_interval=1.0,
            web_enabled=settings.web_enabled,
            web_host=settings.web_host,
            web_bind=settings.web_host,
            web_port=settings.web_port,
            web_tables_enabled=False,
            web_graph_enabled=False,
            web_router_enabled=False,
            web_stats_enabled=False,
            **timeouts,
        )
        t = settings.topics
        self.raw_topic = self.app.topic(t.raw, key_type=bytes, value_type=bytes, partitions=settings.partitions)
        self.candidates_topic = self.app.topic(t.candidates, key_type=bytes, value_type=bytes, partitions=DEDUP_PARTITIONS)
        self._consumed_topics = {t.raw, t.candidates}
        self.offsets = offset_hooks.OffsetTracker(self._consumed_topics)
        self.app.newsworker_offsets = self.offsets  # type: ignore[attr-defined]  # read by the offset hooks
        self.app.on_partitions_assigned.connect(self._on_assigned)
        self.app.on_partitions_revoked.connect(self._on_revoked)
        self.dedup = DedupState(self.app, settings, self.metrics)
        if settings.process_workers <= 0:
            warm_up()
        self._define_agents()
        self._define_web()
        self._define_timers()

    async def _on_assigned(self, sender: Any, assigned: Any = None, **kwargs: Any) -> None:
        self.offsets.assign(assigned or ())

    async def _on_revoked(self, sender: Any, revoked: Any = None, **kwargs: Any) -> None:
        self.offsets.revoke(revoked or ())

    # -- processing -----------------------------------------------------------------

    def _define_agents(self) -> None:
        @self.app.agent(self.raw_topic, name="newsworker.analyze")
        async def analyze(stream: faust.StreamT) -> None:
            async for event in stream.events():
                await self.on_raw_page(event.message)

        @self.app.agent(self.candidates_topic, name="newsworker.dedup")
        async def dedup(stream: faust.StreamT) -> None:
            async for event in stream.events():
                await self.on_candidate(event.message)

    def _origin(self, message: Any) -> Origin:
        key = message.key.decode("utf-8", "replace")[:256] if isinstance(message.key, bytes) else None
        return Origin("kafka", topic=message.topic, partition=message.partition, offset=message.offset, key=key)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.settings.process_workers, initializer=_init_analysis_process)

    def _replace_pool(self, why: str) -> None:
        """Throw the pool away, killing its children (a stuck one keeps its slot
        otherwise), and start a fresh one."""
        pool, self._pool = self._pool, None
        self.metrics.pool_replaced.labels(why).inc()
        if pool is not None:
            for proc in list(getattr(pool, "_processes", {}).values()):
                try:
                    proc.kill()
                except (OSError, AttributeError):
                    pass
            pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        self._pool_cold = True
        log.warning("analysis process pool replaced", extra={"reason": why})

    def _pool_dead_letter(self, kind: str, message: str, data: bytes, origin: Origin) -> PageOutcome:
        limits = self.settings.limits
        page_id, url = identity_of(data, limits)
        letter = dead_letter(PageError(kind, message), origin, data, max_raw_bytes=limits.max_dead_letter_raw_bytes, page_id=page_id, url=url)
        return PageOutcome([], letter)

    async def _analyze(self, data: bytes, origin: Origin) -> PageOutcome:
        limits = self.settings.limits
        if self.settings.process_workers <= 0:
            return handle_input(data, origin, limits, schemas=self.settings.schemas_path())
        job = partial(handle_input, data, origin, limits, schemas=self.settings.schemas_path())
        limit = limits.page_time_limit_s * 2
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            if self._pool is None:
                self._pool = self._new_pool()
            pool = self._pool
            try:
                if self._pool_cold:
                    # Children start and warm up first: a page's time limit is for the page.
                    await asyncio.wait_for(loop.run_in_executor(pool, _pool_ready), timeout=POOL_START_S)
                    self._pool_cold = False
                future = loop.run_in_executor(pool, job)  # raises once broken
                outcome = await asyncio.wait_for(future, timeout=limit)
            except asyncio.TimeoutError:
                # The child is still working (C code SIGALRM cannot stop, or it hangs):
                # it would keep its slot for good, so the pool goes.
                self._pool_failures += 1
                if self._pool is pool:
                    self._replace_pool("stuck")
                return self._pool_dead_letter("timeout", f"page analysis took longer than {limit:g} s; its process was replaced", data, origin)
            except BrokenProcessPool:
                # A child died (OOM killer, a crash): every later page would fail the same
                # way. Retry once on a fresh pool; a page that kills it again is the cause.
                if self._pool is pool:  # not already replaced by the timer
                    self._pool_failures += 1
                    self._replace_pool("broken")
                if attempt == 2:
                    return self._pool_dead_letter("internal_error", "the analysis process died twice on this page (BrokenProcessPool)", data, origin)
                continue
            self._pool_failures = 0
            return outcome
        raise AssertionError("unreachable")

    async def on_raw_page(self, message: Any) -> None:
        """Never raises: every page ends as candidates or a dead letter, and its offset
        counts as processed only once those are delivered."""
        self.metrics.pages_in.inc()
        token = self.offsets.begin(message.tp, message.offset)
        self._positions[(message.topic, message.partition)] = message.offset
        origin = self._origin(message)
        data = message.value if isinstance(message.value, bytes) else b""
        started = time.perf_counter()
        try:
            outcome = await self._analyze(data, origin)
        except Exception as exc:  # noqa: BLE001 - a bug in the shell must not skip the page
            error = PageError("internal_error", f"{type(exc).__name__}: {exc}")
            page_id, url = identity_of(data, self.settings.limits)
            outcome = PageOutcome([], dead_letter(error, origin, data, max_raw_bytes=self.settings.limits.max_dead_letter_raw_bytes, page_id=page_id, url=url))
        self.metrics.stage_seconds.labels("analyze").observe(time.perf_counter() - started)
        self.metrics.record_stats(outcome.stats)
        delivery = Delivery(token, [], origin, data)
        if outcome.dead_letter is not None:
            delivery.records.append(self._outgoing(dead_letter_record(outcome.dead_letter)))
            delivery.page_id, delivery.url = outcome.dead_letter.get("page_id"), outcome.dead_letter.get("url")
        else:
            page_ts = message.timestamp if message.timestamp and message.timestamp > 0 else None  # faust gives seconds
            topic = self.settings.topics.candidates
            for candidate in outcome.candidates:
                a = candidate.article
                delivery.page_id, delivery.url = a["page_id"], a["url"]
                delivery.records.append(Outgoing(topic, a["article_id"].encode(), encode_candidate(candidate, page_ts)))
        await self.deliver(delivery)

    async def on_candidate(self, message: Any) -> None:
        if not self.dedup.current.is_set():
            # Bounded: a rebalance waits for in-flight events before it revokes, so an
            # unbounded wait here could hold up the very recovery that would end it.
            try:
                await asyncio.wait_for(self.dedup.current.wait(), timeout=INDEX_WAIT_S)
            except asyncio.TimeoutError:
                log.warning("dedup index not rebuilt after %.0f s; judging %s@%s against it anyway", INDEX_WAIT_S, message.topic, message.offset)
        started = time.perf_counter()
        token = self.offsets.begin(message.tp, message.offset)
        self._positions[(message.topic, message.partition)] = message.offset
        page_ts: float | None = None
        page_id: str | None = None
        try:
            candidate, page_ts = decode_candidate(message.value)
            page_id = candidate.article.get("page_id")
            now = time.time()
            stats = Stats()
            verdict, records = decide_with_verdict(candidate, self.dedup.index, now, stats)
            self.metrics.record_stats(stats)
            if verdict.kind == "replay":
                self.metrics.replays.inc()
            self.dedup.maybe_evict(now)
        except Exception as exc:  # noqa: BLE001 - a malformed candidate must not stop dedup
            log.exception("dedup failed for %s@%s", message.topic, message.offset)
            error = PageError("internal_error", f"dedup failed: {type(exc).__name__}: {exc}")
            data = message.value if isinstance(message.value, bytes) else b""
            letter = dead_letter(error, self._origin(message), data, max_raw_bytes=self.settings.limits.max_dead_letter_raw_bytes)
            records = [dead_letter_record(letter)]
        self.metrics.stage_seconds.labels("dedup").observe(time.perf_counter() - started)
        data = message.value if isinstance(message.value, bytes) else b""
        delivery = Delivery(token, self._outgoing_all(records), self._origin(message), data, page_id=page_id)
        if records and records[0].role != "dlq":
            delivery.url = records[0].value.get("url")
        await self.deliver(delivery)
        if page_ts:
            self.metrics.stage_seconds.labels("page_to_article").observe(max(0.0, time.time() - page_ts))

    async def _send(self, out: Outgoing) -> asyncio.Future[Any]:
        """Hand a record to the producer; returns its delivery future. Straight to faust's
        producer rather than through ``Topic.send``, whose per-message bookkeeping showed
        in profiles. May raise at once (too large for the producer, no metadata)."""
        return await self.app.producer.send(out.topic, out.key, out.value, partition=None, timestamp=None, headers=out.headers)

    def _outgoing(self, record: OutRecord, payload: bytes | None = None) -> Outgoing:
        name = self.settings.topics.for_role(record.role)
        headers: list[tuple[str, bytes]] | None = None
        if record.role == "dlq":
            error, origin = record.value["error"], record.value["origin"]
            headers = [("error.type", _header_value(error["type"])), ("error.message", _header_value(error["message"]))]
            headers += [(f"origin.{k}", _header_value(v)) for k, v in origin.items()]
        return Outgoing(name, record.key.encode(), payload if payload is not None else orjson.dumps(record.value), headers, record.role == "dlq")

    def _outgoing_all(self, records: list[OutRecord]) -> list[Outgoing]:
        """One article's records, serialising the article once for the clean topic and all
        its routing topics."""
        encoded: dict[int, bytes] = {}
        out = []
        for record in records:
            payload = encoded.get(id(record.value))
            if payload is None:
                payload = encoded[id(record.value)] = orjson.dumps(record.value)
            out.append(self._outgoing(record, payload))
        return out

    def _count(self, out: Outgoing) -> None:
        self.metrics.records_out.labels(out.topic).inc()
        if out.is_dead_letter:
            reason = out.headers[0][1].decode() if out.headers else "unknown"
            self.metrics.dead_letters.labels(reason).inc()
        elif out.topic == self.settings.topics.duplicates:
            self.metrics.duplicates.inc()

    async def deliver(self, delivery: Delivery) -> None:
        """Send every record of one input and watch the delivery futures; the input's
        offset is marked processed when all are acknowledged (see :meth:`_settle`). Never
        raises; does not wait for the broker, so the agent moves on while records fly."""
        futures: list[tuple[Outgoing, asyncio.Future[Any]]] = []
        for out in delivery.records:
            try:
                futures.append((out, await self._send(out)))
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
                await (await self._send(out))
            except Exception as exc:  # noqa: BLE001 - classified above
                error = exc
                continue
            self._count(out)
            return None
        return error

    async def _recover(self, delivery: Delivery) -> None:
        """Some records of an input failed: retry the transient failures; what still fails
        makes the input a ``publish_failed`` dead letter; if that cannot be written either,
        stop (see :meth:`_fail_hard`)."""
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
                self._fail_hard(f"a dead letter could not be written to {letters[0].topic}: {type(lost[0][1]).__name__}")
                self.offsets.finish(delivery.token, processed=False)
                return
            out, cause = lost[0]
            error = PageError(
                "publish_failed",
                f"could not publish {len(lost)} of {len(delivery.records)} records; first to {out.topic}: {type(cause).__name__}: {cause}",
                stage="publish", reason=_snake(type(cause).__name__),
            )
            letter = dead_letter(error, delivery.origin, delivery.data, max_raw_bytes=self.settings.limits.max_dead_letter_raw_bytes,
                                 page_id=delivery.page_id, url=delivery.url)
            record = self._outgoing(dead_letter_record(letter))
            record.headers = (record.headers or []) + [("publish.topic", _header_value(out.topic))]
            failed = await self._send_with_retries(record, None)
            if failed is not None:
                self._fail_hard(f"the publish_failed dead letter could not be written either: {type(_root_cause(failed)).__name__}")
                self.offsets.finish(delivery.token, processed=False)
                return
            self.offsets.finish(delivery.token)
        except Exception as exc:  # noqa: BLE001 - never lose track of an input
            log.exception("delivery recovery failed")
            self._fail_hard(f"delivery recovery raised {type(exc).__name__}: {exc}")
            self.offsets.finish(delivery.token, processed=False)

    def _fail_hard(self, reason: str) -> None:
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
        out = self._outgoing(record, payload)
        error = await self._send_with_retries(out, None)
        if error is not None:
            raise error

    # -- operations -----------------------------------------------------------------

    def is_ready(self) -> bool:
        """Ready once started and neither rebalancing nor recovering tables."""
        app = self.app
        if self.fatal is not None or self._pool_failures >= POOL_FAILURES_NOT_READY:
            return False
        if not app.started or app.rebalancing:
            return False
        recovery = app.tables.recovery
        return not recovery.in_recovery and self.dedup.current.is_set()

    def update_lag(self) -> None:
        consumer = self.app.consumer
        for tp in consumer.assignment():
            if tp.topic not in self._consumed_topics:  # changelogs and faust internals
                continue
            try:
                high = consumer.highwater(tp)
            except Exception:  # noqa: BLE001 - not fetched yet
                continue
            if high is None:
                continue
            last = self._positions.get((tp.topic, tp.partition))
            lag = high - (last + 1) if last is not None else high
            self.metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(max(0, lag))
            committed = self.offsets.last_committed(tp)
            self.metrics.committed_lag.labels(tp.topic, str(tp.partition)).set(max(0, high - (committed or 0)))
        self.metrics.deliveries_pending.set(self.offsets.in_flight())

    def _define_timers(self) -> None:
        @self.app.timer(interval=HOLE_CHECK_S)
        async def replace_broken_pool() -> None:
            """A child that died while the pool was idle breaks it silently until the next
            page: replace it now, so that metrics and readiness say so without a page."""
            pool = self._pool
            if pool is not None and getattr(pool, "_broken", False):
                self._pool_failures += 1
                self._replace_pool("broken")

        @self.app.timer(interval=HOLE_CHECK_S)
        async def reread_skipped_offsets() -> None:
            """A partition whose commits are stuck below offsets processed later: below the
            log start the gap is empty; otherwise a message was skipped, so read it again."""
            from faust.types import TP as FaustTP

            for (topic, partition), offset in self.offsets.stalled(HOLE_MIN_AGE_S):
                tp = FaustTP(topic, partition)
                consumer = self.app.consumer
                try:
                    start = (await consumer.earliest_offsets(tp)).get(tp)
                    if start is not None and start > offset:
                        log.info("offsets %d..%d of %s are below the log start; not waiting for them", offset, start - 1, tp)
                        self.offsets.mark_empty(tp, offset, start)
                        continue
                    log.warning("offset %d of %s was skipped by the fetcher; reading from it again", offset, tp)
                    self.metrics.offset_rewinds.inc()
                    await consumer.seek(tp, offset)
                except Exception:  # noqa: BLE001 - retried at the next tick
                    log.exception("could not check offset %d of %s", offset, tp)

    def _define_web(self) -> None:
        @self.app.page("/healthz")
        async def healthz(web: Any, request: Any) -> Any:
            return web.json({"status": "ok"})

        @self.app.page("/readyz")
        async def readyz(web: Any, request: Any) -> Any:
            ready = self.is_ready()
            body = {"ready": ready, "rebalancing": bool(self.app.rebalancing)}
            if self.fatal is not None:
                body["fatal"] = self.fatal
            if self._pool_failures:
                body["pool_failures"] = self._pool_failures
            return web.json(body, status=200 if ready else 503)

        @self.app.page("/metrics")
        async def metrics(web: Any, request: Any) -> Any:
            self.update_lag()
            self.metrics.dedup_articles.set(self.dedup.size())
            return web.bytes(self.metrics.render(), content_type="text/plain; version=0.0.4")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
