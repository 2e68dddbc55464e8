"""Reliability of the deployed worker on a real Apache Kafka broker: hostile inputs, SIGKILL
crashes, consumer-group rebalances and a broker outage. Reduced sizes for CI; the full
sizes run in ``bench/reliability.py``, which writes docs/reliability.md. The scenarios
themselves live in ``testkit/scenarios.py`` so that both report the same figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.badinputs import ARTICLES
from testkit import scenarios

pytestmark = pytest.mark.kafka

RSS_GROWTH_BOUND_MIB = 600
RSS_BOUND_MIB = 1500


def test_bad_inputs_interleaved_with_good_pages(kafka_broker, tmp_path: Path) -> None:
    result = scenarios.bad_inputs_scenario(kafka_broker.bootstrap, tmp_path, after_pages=150)
    assert result["problems"] == []
    wrong = [c for c in result["cases"] if c["got"] != c["expect"]]
    assert not wrong, wrong
    assert len(result["cases"]) >= 30
    assert sum(c["got"] == ARTICLES for c in result["cases"]) >= 10
    assert result["lost_articles"] == 0 and result["pages_not_accounted"] == 0
    # Memory stays bounded: a 7 MB message, 100,000-deep HTML, and a 5 MB body went through.
    assert result["rss_after_mib"] < RSS_BOUND_MIB
    assert result["rss_after_mib"] - result["rss_before_mib"] < RSS_GROWTH_BOUND_MIB
    assert result["worker_alive"]


def test_sigkill_crashes_lose_nothing(kafka_broker, tmp_path: Path) -> None:
    result = scenarios.crash_scenario(kafka_broker.bootstrap, tmp_path, pages=1500, kills=3, timeout=180)
    assert result["problems"] == []
    assert result["lost_articles"] == 0 and result["pages_not_accounted"] == 0
    assert result["self_duplicates"] == 0 and result["verdict_flips"] == 0
    assert result["recovered_dedup_caught_copy"]


def test_scale_one_two_three_one(kafka_broker, tmp_path: Path) -> None:
    result = scenarios.rebalance_scenario(kafka_broker.bootstrap, tmp_path, pages=600, pairs=12, timeout=120)
    assert result["problems"] == []
    assert result["copies_caught"] == result["copy_pairs"]
    assert result["lost_articles"] == 0 and result["self_duplicates"] == 0


def test_broker_outage_worker_recovers_by_itself(own_broker, tmp_path: Path) -> None:
    result = scenarios.broker_fault_scenario(own_broker, tmp_path, pages=600, fault_seconds=10)
    assert result["worker_alive_after"], result
    assert result["problems"] == []
    assert result["lost_articles"] == 0 and result["pages_not_accounted"] == 0
    assert result["worker_ready_after"]


def test_recovery_callback_raises_nothing(kafka_broker, tmp_path: Path) -> None:
    from testkit.worker import unique_settings

    settings = unique_settings(kafka_broker.bootstrap, partitions=1)
    scenarios.setup_topics(settings)
    workers = scenarios.Workers(tmp_path)
    try:
        worker = workers.start(settings, "recover")
        assert worker.terminate() == 0
    finally:
        workers.close()
    log = worker.log_path.read_text(errors="replace")
    assert "dedup index rebuilt" in log
    assert "Task exception was never retrieved" not in log


def test_broker_sigkill_mid_burst_loses_nothing(own_broker, tmp_path: Path) -> None:
    """kill -9 of the broker while the worker is publishing: no controlled shutdown, requests
    cut mid-flight. Every page must be accounted for once the broker is back."""
    result = scenarios.broker_fault_scenario(own_broker, tmp_path, pages=600, fault_seconds=3, hard=True)
    assert result["hard_kill"] and result["worker_alive_after"], result
    assert result["problems"] == []
    assert result["lost_articles"] == 0 and result["pages_not_accounted"] == 0
    assert result["worker_ready_after"]
