"""The faust application: two agents around the core.

``analyze`` consumes ``pages.raw`` (keyed by page id, any number of partitions) and runs
the stateless half of the core; it emits candidate articles to ``articles.candidates``
keyed by article id. ``dedup`` consumes that topic and owns the dedup state, a faust Table
with a changelog, so its decisions survive restarts and rebalances. See README "Design"
for why the dedup stage has its own (by default single-partition) topic.

Both agents consume raw bytes and decode inside a per-event try/except: an exception that
escapes a faust agent restarts it and skips the message, so nothing is allowed to escape.

Delivery decides an input's fate (``delivery.py``): an input's offset counts as processed
in our offset tracker (``offsets.py``), which alone decides what faust commits, only once
the broker acknowledged every record it produced.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import faust

from worker.config import Settings
from worker.pipeline.intake.deadletter import dead_letter
from worker.pipeline.model import Origin, PageError
from worker.pipeline.stats import Stats
from worker.pipeline.segment.sitelines import SiteLineSketch
from worker.pipeline.process import PageOutcome, dead_letter_record, decide_with_verdict, handle_input, warm_up
from worker.pipeline.intake.decode import identity_of
from worker.stream.codec import decode_candidate, encode_candidate
from worker.stream import offsets as offset_hooks
from worker.stream.delivery import Delivery, Outgoing, Publisher
from worker.stream.pool import AnalysisPool
from worker.stream.state import DEDUP_PARTITIONS, DedupState
from worker.stream.kafka_client import fatal_group_error, faust_credentials
from worker.stream.metrics import Metrics
from worker.stream.admin import RAW_TOPIC_MAX_MESSAGE_BYTES
from worker.stream.batching import event_batches
from worker.stream import batch_codec
from worker.stream.partitioner import KeyHashPartitioner
from worker.stream.startup import PromptTableManager, WarmUp, warm_up_in_background

log = logging.getLogger("newsworker")

offset_hooks.install()  # fails at import when faust's internals moved: never run without it
batch_codec.install()  # zstd batches with a warm context (~10x less CPU per batch)

HOLE_CHECK_S = 2.0
HOLE_MIN_AGE_S = 6.0
TAIL_MIN_AGE_S = 10.0
"""How long an agent must sit idle, with a fetched record of its topic neither processed
nor in hand, before that record counts as skipped (``OffsetTracker.stalled``)."""
GROUP_CHECK_S = 2.0
"""How often the worker looks for a group-join error aiokafka will not retry."""
POOL_FAILURES_NOT_READY = 3
"""Consecutive process-pool failures after which /readyz reports 503."""


class NewsWorker:
    """Builds and holds one faust app; tests create one per broker."""

    def __init__(self, settings: Settings, *, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics or Metrics()
        self.pool: AnalysisPool | None = None
        if settings.process_workers > 0:
            self.pool = AnalysisPool(settings.process_workers, settings.limits, settings.schemas_path(), self.metrics, settings.site_lines)
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
            producer_linger=settings.linger_ms / 1000.0,  # faust takes seconds
            producer_max_batch_size=512 * 1024,  # articles are ~5 KB; the 16 KB default sends a request per 3 records
            producer_partitioner=KeyHashPartitioner(),  # Kafka's murmur2 choice, each key hashed once
            producer_compression_type=settings.compression_type(),  # JSON articles shrink several-fold (bench.variants)
            producer_request_timeout=settings.delivery_timeout_s,  # a batch not acknowledged by then fails
            broker_commit_interval=1.0,
            table_standby_replicas=settings.standby_replicas,
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
        self.offsets = offset_hooks.OffsetTracker(self._consumed_topics)
        self.app.newsworker_offsets = self.offsets  # type: ignore[attr-defined]  # read by the offset hooks
        self.app.on_partitions_assigned.connect(self._on_assigned)
        self.app.on_partitions_revoked.connect(self._on_revoked)
        self.publisher = Publisher(self.app, settings, self.metrics, self.offsets)
        self.dedup = DedupState(self.app, settings, self.metrics)
        # Lines recurring on a site's pages (NEWSWORKER_SITE_LINES, off by default: see config).
        self.sites = SiteLineSketch() if settings.site_lines else None
        # In the background: the core loads while faust starts and joins the group.
        self.warming: WarmUp | None = warm_up_in_background() if settings.process_workers <= 0 else None
        self._define_agents()
        self._define_web()
        self._define_timers()

    async def _on_assigned(self, sender: Any, assigned: Any = None, **kwargs: Any) -> None:
        self.offsets.assign(assigned or ())

    async def _on_revoked(self, sender: Any, revoked: Any = None, **kwargs: Any) -> None:
        self.offsets.revoke(revoked or ())

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

    @property
    def fatal(self) -> str | None:
        """Why the worker is stopping (a dead letter could not be written), or None."""
        return self.publisher.fatal

    async def _analyze(self, data: bytes, origin: Origin) -> PageOutcome:
        if self.pool is not None:
            return await self.pool.analyze(data, origin)
        return handle_input(data, origin, self.settings.limits, schemas=self.settings.schemas_path(), sites=self.sites)

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
        self.metrics.child(self.metrics.stage_seconds, "analyze").observe(time.perf_counter() - started)
        self.metrics.record_stats(outcome.stats)
        delivery = Delivery(token, [], origin, data)
        if outcome.dead_letter is not None:
            delivery.records.append(self.publisher.outgoing(dead_letter_record(outcome.dead_letter)))
            delivery.page_id, delivery.url = outcome.dead_letter.get("page_id"), outcome.dead_letter.get("url")
        else:
            page_ts = message.timestamp if message.timestamp and message.timestamp > 0 else None  # faust gives seconds
            topic = self.settings.topics.candidates
            for candidate in outcome.candidates:
                a = candidate.article
                delivery.page_id, delivery.url = a["page_id"], a["url"]
                delivery.records.append(Outgoing(topic, a["article_id"].encode(), encode_candidate(candidate, page_ts)))
        await self.publisher.deliver(delivery)

    async def on_candidate(self, message: Any) -> None:
        if not await self.dedup.wait_current(message):
            return  # a rebalance came first: left unacknowledged, judged after it (state/recovery.py)
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
        self.metrics.child(self.metrics.stage_seconds, "dedup").observe(time.perf_counter() - started)
        data = message.value if isinstance(message.value, bytes) else b""
        delivery = Delivery(token, self.publisher.outgoing_all(records), self._origin(message), data, page_id=page_id)
        if records and records[0].role != "dlq":
            delivery.url = records[0].value.get("url")
        await self.publisher.deliver(delivery)
        if page_ts:
            self.metrics.child(self.metrics.stage_seconds, "page_to_article").observe(max(0.0, time.time() - page_ts))

    # -- operations -----------------------------------------------------------------

    def is_ready(self) -> bool:
        """Ready once started and neither rebalancing nor recovering tables."""
        app = self.app
        if self.fatal is not None or (self.pool is not None and self.pool.failures >= POOL_FAILURES_NOT_READY):
            return False
        if not app.started or app.rebalancing:
            return False
        recovery = app.tables.recovery
        warmed = self.warming is None or self.warming.done()
        return not recovery.in_recovery and self.dedup.ready() and warmed

    async def watch_group_join(self) -> None:
        """Stop when the broker refuses the group join for good. Runs from the worker's
        first start (``PromptWorker``): faust starts timers only after the first table
        recovery, which a worker that never joins never reaches."""
        while not self.app.should_stop:
            await asyncio.sleep(GROUP_CHECK_S)
            found = fatal_group_error(self.app.consumer)
            if found is not None:
                exc, hint = found
                log.critical("the broker refused to let the worker join its consumer group: %s: %s; %s; stopping",
                             type(exc).__name__, exc, hint)
                await self.app.crash(exc)
                return

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
            if self.pool is not None:
                self.pool.replace_if_broken()

        @self.app.timer(interval=HOLE_CHECK_S)
        async def reread_skipped_offsets() -> None:
            """A partition whose commits are stuck below offsets processed later (or, at its
            end, below a record fetched and never processed while the agent sat idle): below
            the log start the gap is empty; otherwise a message was skipped, so read it again."""
            from faust.types import TP as FaustTP

            tail_age = TAIL_MIN_AGE_S if self.is_ready() else None  # a recovery holds agents on purpose
            for (topic, partition), offset in self.offsets.stalled(HOLE_MIN_AGE_S, tail_age=tail_age):
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
            if self.pool is not None and self.pool.failures:
                body["pool_failures"] = self.pool.failures
            return web.json(body, status=200 if ready else 503)

        @self.app.page("/metrics")
        async def metrics(web: Any, request: Any) -> Any:
            self.update_lag()
            self.metrics.dedup_articles.set(self.dedup.size())
            return web.bytes(self.metrics.render(), content_type="text/plain; version=0.0.4")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
