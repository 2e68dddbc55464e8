"""The faust application: two agents around the core.

``analyze`` consumes ``pages.raw`` (keyed by page id, any number of partitions) and runs
the stateless half of the core; it emits candidate articles to ``articles.candidates``
keyed by article id. ``dedup`` consumes that topic and owns the dedup state, a faust Table
with a changelog, so its decisions survive restarts and rebalances. See README "Design"
for why the dedup stage has its own (by default single-partition) topic.

Both agents consume raw bytes and decode inside a per-event try/except: an exception that
escapes a faust agent restarts it and skips the message, so nothing is allowed to escape.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

import faust
import orjson

from worker.config import Settings
from worker.pipeline.intake.deadletter import dead_letter
from worker.pipeline.model import Origin, OutRecord, PageError
from worker.pipeline.stats import Stats
from worker.pipeline.process import PageOutcome, dead_letter_record, decide_with_verdict, handle_input, warm_up
from worker.stream.codec import decode_candidate, encode_candidate
from worker.stream import faust_patches
from worker.stream.state import DEDUP_PARTITIONS, DedupState
from worker.stream.kafka_client import faust_credentials
from worker.stream.metrics import Metrics
from worker.stream.admin import RAW_TOPIC_MAX_MESSAGE_BYTES
from worker.stream.batching import event_batches
from worker.stream.startup import PromptTableManager, WarmUp, warm_up_in_background

log = logging.getLogger("newsworker")

faust_patches.apply()


def _header_value(value: Any) -> bytes:
    return str(value).encode("utf-8", "replace")[:1024]


class NewsWorker:
    """Builds and holds one faust app; tests create one per broker."""

    def __init__(self, settings: Settings, *, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics or Metrics()
        self._pool: ProcessPoolExecutor | None = None
        self._positions: dict[tuple[str, int], int] = {}
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
            producer_compression_type=settings.compression_type(),  # JSON articles shrink several-fold (bench.variants)
            broker_commit_interval=1.0,
            web_enabled=settings.web_enabled,
            web_host=settings.web_host,
            web_bind=settings.web_host,
            web_port=settings.web_port,
            web_tables_enabled=False,
            web_graph_enabled=False,
            web_router_enabled=False,
            web_stats_enabled=False,
            TableManager=PromptTableManager,
            **timeouts,
        )
        t = settings.topics
        self.raw_topic = self.app.topic(t.raw, key_type=bytes, value_type=bytes, partitions=settings.partitions)
        self.candidates_topic = self.app.topic(t.candidates, key_type=bytes, value_type=bytes, partitions=DEDUP_PARTITIONS)
        self._consumed_topics = {t.raw, t.candidates}
        self.dedup = DedupState(self.app, settings, self.metrics)
        # In the background: the core loads while faust starts and joins the group.
        self.warming: WarmUp | None = warm_up_in_background() if settings.process_workers <= 0 else None
        self._define_agents()
        self._define_web()

    # -- processing -----------------------------------------------------------------

    def _define_agents(self) -> None:
        window = self.settings.batch_window_ms

        @self.app.agent(self.raw_topic, name="newsworker.analyze")
        async def analyze(stream: faust.StreamT) -> None:
            async for events in event_batches(stream, window):
                for event in events:
                    await self.on_raw_page(event.message)
                    # Let heartbeats, fetches and the dedup agent run between pages: a batch
                    # of CPU-bound pages must not hold the event loop for its whole length.
                    await asyncio.sleep(0)

        @self.app.agent(self.candidates_topic, name="newsworker.dedup")
        async def dedup(stream: faust.StreamT) -> None:
            # One at a time: a faust table may be written only while its stream is on the
            # event (take_events leaves no current event), and dedup writes the table.
            async for event in stream.events():
                await self.on_candidate(event.message)

    def _origin(self, message: Any) -> Origin:
        key = message.key.decode("utf-8", "replace")[:256] if isinstance(message.key, bytes) else None
        return Origin("kafka", topic=message.topic, partition=message.partition, offset=message.offset, key=key)

    async def _analyze(self, data: bytes, origin: Origin) -> PageOutcome:
        limits = self.settings.limits
        if self.settings.process_workers <= 0:
            return handle_input(data, origin, limits, schemas=self.settings.schemas_path())
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.settings.process_workers, initializer=warm_up)
        future = asyncio.get_running_loop().run_in_executor(self._pool, partial(handle_input, data, origin, limits, schemas=self.settings.schemas_path()))
        try:
            return await asyncio.wait_for(future, timeout=limits.page_time_limit_s * 2)
        except asyncio.TimeoutError:
            error = PageError("timeout", f"page analysis took longer than {limits.page_time_limit_s * 2:g} s")
            return PageOutcome([], dead_letter(error, origin, data, max_raw_bytes=limits.max_dead_letter_raw_bytes))

    async def on_raw_page(self, message: Any) -> None:
        """Never raises: every page ends as candidates or a dead letter."""
        self.metrics.pages_in.inc()
        self._positions[(message.topic, message.partition)] = message.offset
        origin = self._origin(message)
        data = message.value if isinstance(message.value, bytes) else b""
        started = time.perf_counter()
        try:
            outcome = await self._analyze(data, origin)
        except Exception as exc:  # noqa: BLE001 - e.g. a broken process pool
            error = PageError("internal_error", f"{type(exc).__name__}: {exc}")
            outcome = PageOutcome([], dead_letter(error, origin, data, max_raw_bytes=self.settings.limits.max_dead_letter_raw_bytes))
        self.metrics.stage_seconds.labels("analyze").observe(time.perf_counter() - started)
        self.metrics.record_stats(outcome.stats)
        if outcome.dead_letter is not None:
            await self.publish(dead_letter_record(outcome.dead_letter))
            return
        page_ts = message.timestamp if message.timestamp and message.timestamp > 0 else None  # faust gives seconds
        for candidate in outcome.candidates:
            await self._send(self.settings.topics.candidates, candidate.article["article_id"].encode(), encode_candidate(candidate, page_ts))

    async def on_candidate(self, message: Any) -> None:
        if not await self.dedup.wait_current(message):
            return  # a rebalance came first: left unacknowledged, judged after it (state/recovery.py)
        started = time.perf_counter()
        self._positions[(message.topic, message.partition)] = message.offset
        page_ts: float | None = None
        try:
            candidate, page_ts = decode_candidate(message.value)
            now = time.time()
            stats = Stats()
            verdict, records = decide_with_verdict(candidate, self.dedup.index, now, stats, routings=self.settings.routing_kinds())
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
        await self.publish_all(records)
        if page_ts:
            self.metrics.stage_seconds.labels("page_to_article").observe(max(0.0, time.time() - page_ts))

    async def _send(self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]] | None = None) -> None:
        """Hand a record to the producer. Straight to faust's producer rather than through
        ``Topic.send``, whose per-message bookkeeping showed in profiles; at-least-once is
        unchanged, since faust flushes the producer before every offset commit."""
        await self.app.producer.send(topic, key, value, partition=None, timestamp=None, headers=headers)

    async def publish(self, record: OutRecord, payload: bytes | None = None) -> None:
        name = self.settings.topics.for_role(record.role)
        headers: list[tuple[str, bytes]] | None = None
        if record.role == "dlq":
            error, origin = record.value["error"], record.value["origin"]
            headers = [("error.type", _header_value(error["type"])), ("error.message", _header_value(error["message"]))]
            headers += [(f"origin.{k}", _header_value(v)) for k, v in origin.items()]
            self.metrics.dead_letters.labels(error["type"]).inc()
        elif record.role == "duplicates":
            self.metrics.duplicates.inc()
        await self._send(name, record.key.encode(), payload if payload is not None else orjson.dumps(record.value), headers)
        self.metrics.records_out.labels(name).inc()

    async def publish_all(self, records: list[OutRecord]) -> None:
        """Publish one article's records, serialising the article once for the clean
        topic and all its routing topics."""
        encoded: dict[int, bytes] = {}
        for record in records:
            payload = encoded.get(id(record.value))
            if payload is None:
                payload = encoded[id(record.value)] = orjson.dumps(record.value)
            await self.publish(record, payload)

    # -- operations -----------------------------------------------------------------

    def is_ready(self) -> bool:
        """Ready once started and neither rebalancing nor recovering tables."""
        app = self.app
        if not app.started or app.rebalancing:
            return False
        recovery = app.tables.recovery
        warmed = self.warming is None or self.warming.done()
        return not recovery.in_recovery and self.dedup.ready() and warmed

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

    def _define_web(self) -> None:
        @self.app.page("/healthz")
        async def healthz(web: Any, request: Any) -> Any:
            return web.json({"status": "ok"})

        @self.app.page("/readyz")
        async def readyz(web: Any, request: Any) -> Any:
            ready = self.is_ready()
            return web.json({"ready": ready, "rebalancing": bool(self.app.rebalancing)}, status=200 if ready else 503)

        @self.app.page("/metrics")
        async def metrics(web: Any, request: Any) -> Any:
            self.update_lag()
            self.metrics.dedup_articles.set(self.dedup.size())
            return web.bytes(self.metrics.render(), content_type="text/plain; version=0.0.4")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
