"""Prometheus metrics of the worker, in a registry of our own so that tests can make a
fresh one per app and nothing leaks between workers in one process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from worker.pipeline.stats import Stats
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_STAGE_BUCKETS = (0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.pages_in = Counter("newsworker_pages_in", "Raw page messages consumed", registry=r)
        self.records_out = Counter("newsworker_records_out", "Records published, by topic", ["topic"], registry=r)
        self.duplicates = Counter("newsworker_duplicates", "Articles found to duplicate an earlier one", registry=r)
        self.replays = Counter("newsworker_replays", "Articles seen again with the same id (redelivery)", registry=r)
        self.dead_letters = Counter("newsworker_dead_letters", "Inputs sent to the dead-letter topic, by reason", ["reason"], registry=r)
        self.stage_seconds = Histogram(
            "newsworker_stage_seconds", "Time spent per stage and message", ["stage"], buckets=_STAGE_BUCKETS, registry=r
        )
        self.consumer_lag = Gauge("newsworker_consumer_lag", "High watermark minus next offset to read", ["topic", "partition"], registry=r)
        self.committed_lag = Gauge(
            "newsworker_committed_lag", "High watermark minus the committed offset: what a crash now would read again",
            ["topic", "partition"], registry=r,
        )
        self.deliveries_pending = Gauge("newsworker_inputs_in_flight", "Inputs begun whose outputs the broker has not acknowledged yet", registry=r)
        self.publish_failures = Counter(
            "newsworker_publish_failures", "Records the broker would not take after retries, by topic and error", ["topic", "error"], registry=r,
        )
        self.fatal = Gauge("newsworker_fatal", "1 once a dead letter could not be written (the worker stops committing and exits)", registry=r)
        self.pool_replaced = Counter(
            "newsworker_process_pool_replaced", "Analysis process pools thrown away, by reason (broken: a child died; stuck: past the time limit)",
            ["reason"], registry=r,
        )
        self.offset_rewinds = Counter("newsworker_offset_rewinds", "Seeks back to an offset the fetcher skipped", registry=r)
        self.dedup_articles = Gauge("newsworker_dedup_remembered_articles", "Articles held in the dedup state", registry=r)
        self.dropped = Counter(
            "newsworker_dropped", "Content a core stage removed, by stage and reason (lines, blocks, paragraphs, articles or pages)",
            ["stage", "reason"], registry=r,
        )
        self.stage_done = Counter("newsworker_stage_done", "Work a core stage did, by stage and kind", ["stage", "what"], registry=r)
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}

    def child(self, metric: Any, *labels: str) -> Any:
        """``metric.labels(*labels)``, remembered: prometheus_client takes a lock and builds
        the key on every ``labels()`` call, a few µs that a page pays some thirty times
        (one per stage figure and per record). The label sets are few (stages, reasons,
        topics), so the cache stays small."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found

    def record_stats(self, stats: Stats) -> None:
        """Fold one page's (or one candidate's) core figures into the exported metrics:
        ``newsworker_dropped_total{stage,reason}`` and per-stage time in
        ``newsworker_stage_seconds{stage}``."""
        for stage, bucket in stats.dropped.items():
            for reason, n in bucket.items():
                self.child(self.dropped, stage, reason).inc(n)
        for stage, bucket in stats.counts.items():
            for what, n in bucket.items():
                self.child(self.stage_done, stage, what).inc(n)
        for stage, seconds in stats.seconds.items():
            self.child(self.stage_seconds, stage).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
