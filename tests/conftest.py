"""Fixtures shared by the whole suite.

Tests that read the development data in ../shared skip with a visible reason on a user's
clone, where it is absent; CI sets NEWSWORKER_REQUIRE_SHARED=1 so that a missing folder
fails the run instead of silently skipping those tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


@pytest.fixture
def seed_text() -> str:
    return shared_path("seed", SEED.name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def kafka_broker():
    """One real Apache Kafka (KRaft) broker for the session, started from the Maven
    Central jars (fetched by bin/kafka-jars on first use). Tests isolate themselves by
    topic names and consumer groups (tests/support/worker.unique_settings)."""
    from tests.support.kafka import KafkaBroker

    # Workers under test use short group timeouts (NEWSWORKER_FAST_GROUP_TIMEOUTS) so that
    # joins and rebalances take a second, not the 45 s of Kafka's default session timeout.
    broker = KafkaBroker(properties={"group.min.session.timeout.ms": "1000"})
    broker.start()
    try:
        yield broker
    finally:
        broker.close()
