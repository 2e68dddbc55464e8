"""The exported metrics add up page after page (their label children are cached, so a
stale or shared child would show here as a wrong total)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from worker.pipeline.stats import Stats
from worker.stream.metrics import Metrics


def _samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _page(drops: int) -> Stats:
    stats = Stats()
    stats.did("segment", "articles", 2)
    stats.drop("segment", "boilerplate", drops)
    stats.add_time("segment", 0.003)
    return stats


def test_stage_figures_accumulate_over_pages() -> None:
    metrics = Metrics()
    for drops in (1, 4, 2):
        metrics.record_stats(_page(drops))
    got = _samples(metrics)
    assert got[("newsworker_dropped_total", (("reason", "boilerplate"), ("stage", "segment")))] == 7
    assert got[("newsworker_stage_done_total", (("stage", "segment"), ("what", "articles")))] == 6
    assert got[("newsworker_stage_seconds_count", (("stage", "segment"),))] == 3


def test_two_workers_in_one_process_keep_their_own_counts() -> None:
    a, b = Metrics(), Metrics()
    a.record_stats(_page(3))
    b.record_stats(_page(5))
    a.child(a.records_out, "articles").inc()
    key = ("newsworker_dropped_total", (("reason", "boilerplate"), ("stage", "segment")))
    assert _samples(a)[key] == 3 and _samples(b)[key] == 5
    assert ("newsworker_records_out_total", (("topic", "articles"),)) not in _samples(b)
    assert a.child(a.records_out, "articles") is a.child(a.records_out, "articles")
