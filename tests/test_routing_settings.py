"""NEWSWORKER_ROUTING, NEWSWORKER_PROCESS_WORKERS=auto and NEWSWORKER_COMPRESSION: parsed
once in Settings, handed to the core as arguments, respected by decide and topics create."""

from __future__ import annotations

import pytest

from worker.config import Settings, auto_process_workers, parse_routing
from worker.pipeline.dedup.index import DedupIndex
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin
from worker.pipeline.process import decide, handle_input
from worker.pipeline.tagging.routing import route_roles, route_roles_all
from worker.stream.admin import topic_specs

PAGE = (
    b'{"page_id": "p-routing", "url": "https://example.org/a", "content_type": "text/plain", "body": '
    b'"Floods close schools in Bavaria\\n\\nMUNICH: Heavy rain flooded towns across Bavaria in Germany on Tuesday, '
    b'and the regional government closed schools while rescue teams evacuated residents from the river banks. '
    b'The weather service warned of more storms and rising water levels in the coming days."}'
)


def _candidate():
    outcome = handle_input(PAGE, Origin("file"), Limits())
    assert outcome.dead_letter is None, outcome.dead_letter
    return outcome.candidates[0]


@pytest.mark.parametrize(("value", "kinds"), [
    ("region,topic", ("region", "topic")), ("both", ("region", "topic")), ("topic, region", ("region", "topic")),
    ("region", ("region",)), ("TOPIC", ("topic",)), ("none", ()),
])
def test_routing_values(value: str, kinds: tuple[str, ...]) -> None:
    assert parse_routing(value) == kinds
    assert Settings.from_env({"NEWSWORKER_ROUTING": value}).routing_kinds() == kinds


def test_unknown_routing_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="ROUTING.*'country'"):
        Settings.from_env({"NEWSWORKER_ROUTING": "region,country"})


def test_decide_publishes_only_the_chosen_routings() -> None:
    candidate = _candidate()
    both = [r.role for r in decide(candidate, DedupIndex(), 1_000.0)]
    assert any(r.startswith("region.") for r in both) and any(r.startswith("topic.") for r in both), both
    for kinds, kept in ((("region",), "region."), (("topic",), "topic.")):
        roles = [r.role for r in decide(candidate, DedupIndex(), 1_000.0, routings=kinds)]
        assert roles[0] == "articles"
        assert roles[1:] and all(r.startswith(kept) for r in roles[1:]), roles
        assert set(roles[1:]) == {r for r in both if r.startswith(kept)}
    assert [r.role for r in decide(candidate, DedupIndex(), 1_000.0, routings=())] == ["articles"]


def test_route_roles_stay_within_the_topics_created_for_them() -> None:
    article = _candidate().article
    for kinds in (("region", "topic"), ("region",), ("topic",), ()):
        assert set(route_roles(article, kinds)) <= set(route_roles_all(kinds))


def test_topics_create_makes_only_the_chosen_routing_topics() -> None:
    def names(routing: str) -> set[str]:
        return {s.name for s in topic_specs(Settings(routing=routing))}

    both, region, none = names("region,topic"), names("region"), names("none")
    assert "articles.region.asia" in both and "articles.topic.sport" in both
    assert "articles.region.asia" in region and "articles.topic.sport" not in region
    assert not any(n.startswith(("articles.region.", "articles.topic.")) for n in none)
    assert {"pages.raw", "articles.clean", "articles.candidates", "articles.duplicates", "pages.dlq"} <= none


@pytest.mark.parametrize(("cores", "workers"), [(1, 0), (2, 0), (3, 2), (4, 3), (8, 7), (9, 8), (64, 8)])
def test_auto_process_workers(cores: int, workers: int) -> None:
    assert auto_process_workers(cores) == workers


def test_process_workers_auto_resolves_to_a_number() -> None:
    auto = Settings.from_env({"NEWSWORKER_PROCESS_WORKERS": "auto"}).process_workers
    assert isinstance(auto, int) and auto == auto_process_workers()
    assert Settings.from_env({}).process_workers == auto
    assert Settings.from_env({"NEWSWORKER_PROCESS_WORKERS": "3"}).process_workers == 3
    assert Settings.from_env({"NEWSWORKER_PROCESS_WORKERS": "0"}).process_workers == 0
    with pytest.raises(ValueError, match="PROCESS_WORKERS"):
        Settings.from_env({"NEWSWORKER_PROCESS_WORKERS": "many"})


def test_compression_codecs() -> None:
    assert Settings().compression_type() == "zstd"
    assert Settings.from_env({"NEWSWORKER_COMPRESSION": "LZ4"}).compression_type() == "lz4"
    assert Settings.from_env({"NEWSWORKER_COMPRESSION": "none"}).compression_type() is None
    with pytest.raises(ValueError, match="COMPRESSION"):
        Settings.from_env({"NEWSWORKER_COMPRESSION": "brotli"})


def test_the_chosen_codec_is_installed() -> None:
    """aiokafka refuses a codec whose library is missing only when the producer starts;
    the declared dependency (cramjam) must provide the default one."""
    from aiokafka import codec

    assert codec.has_zstd() and codec.has_lz4()


def test_standby_replicas_reach_the_faust_app() -> None:
    from worker.stream.app import NewsWorker

    assert Settings().standby_replicas == 1  # faust's own default: a warm copy for quick takeover
    for env, expected in (({}, 1), ({"NEWSWORKER_STANDBY_REPLICAS": "0"}, 0)):
        worker = NewsWorker(Settings.from_env({**env, "NEWSWORKER_BOOTSTRAP_SERVERS": "localhost:1"}))
        try:
            assert worker.app.conf.table_standby_replicas == expected
        finally:
            worker.close()


def test_linger_reaches_the_worker_producer() -> None:
    from worker.stream.app import NewsWorker

    assert Settings().linger_ms == 5.0
    worker = NewsWorker(Settings.from_env({"NEWSWORKER_LINGER_MS": "1", "NEWSWORKER_BOOTSTRAP_SERVERS": "localhost:1"}))
    try:
        assert worker.app.producer.linger_ms == 1  # faust takes seconds; aiokafka gets milliseconds
    finally:
        worker.close()
