"""Fixtures shared by the whole suite, and its tiers.

Tiers a reader can run alone (``bin/test -m unit``, ``-m integration``, ``-m contract``):
``integration`` is every test that talks to the real Kafka broker (marked ``kafka``),
``contract`` the checks of the compose file, the Dockerfile, the AsyncAPI document and
the topic schemas against the code, ``unit`` everything else (the core and the shell's
pure parts, no broker).

Tests that read the development data in ../shared skip with a visible reason on a user's
clone, where it is absent; CI sets NEWSWORKER_REQUIRE_SHARED=1 so that a missing folder
fails the run instead of silently skipping those tests.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.kafka import TEST_SCRAM_USER, KafkaBroker, kafka_libs, unique_name

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_d860cfe1752f5b60.txt"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip (fail in CI) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"development data not found at {path} (it lives beside the repo in ../shared)"
        if os.environ.get("NEWSWORKER_REQUIRE_SHARED"):
            pytest.fail(reason + "; NEWSWORKER_REQUIRE_SHARED is set")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    """One real Apache Kafka 4.x broker (KRaft) for the session, PLAINTEXT plus a
    SASL_SSL/SCRAM-SHA-512 listener, started from the Maven Central jars (bin/kafka-jars
    fetches them on first use). Without Java or Maven it skips locally and fails in CI,
    so a missing broker is never silent. Tests isolate themselves by topic names and
    consumer groups (testkit/worker.unique_settings).

    Workers under test use short group timeouts (NEWSWORKER_FAST_GROUP_TIMEOUTS) so that
    joins and rebalances take a second, not Kafka's default 45 s session timeout; the
    broker must allow them."""
    try:
        libs = kafka_libs()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Kafka test broker here: {exc}")
    broker = KafkaBroker(
        tmp_path_factory.mktemp("kafka"),
        libs_dir=libs,
        scram_users=[TEST_SCRAM_USER],
        properties={"group.min.session.timeout.ms": "1000"},
    )
    broker.start()
    try:
        yield broker
    finally:
        broker.close()


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[KafkaBroker]:
    """A broker of the test's own, for tests that stop, kill or freeze it: doing that to
    the session broker would break or stall every other test."""
    broker = KafkaBroker(tmp_path / "kafka", properties={"group.min.session.timeout.ms": "1000"})
    broker.start()
    try:
        yield broker
    finally:
        if broker.pid is not None and broker.is_running():
            os.kill(broker.pid, signal.SIGCONT)  # a test that froze it may have failed first
        broker.close()
        shutil.rmtree(tmp_path / "kafka", ignore_errors=True)


CONTRACT_FILES = {"test_compose.py", "test_asyncapi.py", "test_contract.py", "test_readme.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("kafka"):
            item.add_marker(pytest.mark.integration)
        elif item.path.name in CONTRACT_FILES:
            item.add_marker(pytest.mark.contract)
        else:
            item.add_marker(pytest.mark.unit)
