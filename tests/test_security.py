"""The worker against a broker that requires SASL_SSL with SCRAM-SHA-512 (real Apache
Kafka, TLS listener with a throw-away CA): a page end to end, table views closed, the
password in neither the log nor /metrics, and a clear, fast failure on wrong credentials."""

from __future__ import annotations


import pytest

from testkit import scenarios

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def scram_broker(tmp_path_factory):
    from testkit.kafka import TEST_SCRAM_USER, KafkaBroker

    broker = KafkaBroker(properties={"group.min.session.timeout.ms": "1000"}, scram_users=[TEST_SCRAM_USER])
    broker.start()
    try:
        yield broker, TEST_SCRAM_USER
    finally:
        broker.close()


@pytest.fixture(scope="module")
def security_result(scram_broker, tmp_path_factory) -> dict:
    broker, user = scram_broker
    return scenarios.security_scenario(broker, user, tmp_path_factory.mktemp("security"), exit_timeout=60)


def test_page_end_to_end_over_sasl_ssl(security_result: dict) -> None:
    assert security_result["articles_out"] >= 1
    assert security_result["problems"] == []


def test_no_table_router_or_graph_views(security_result: dict) -> None:
    assert set(security_result["web_statuses"].values()) == {404}


def test_wrong_password_fails_fast_naming_authentication(security_result: dict) -> None:
    code = security_result["wrong_password_exit_code"]
    assert code is not None, "the worker kept running with a wrong password"
    assert code != 0
    assert security_result["wrong_password_auth_log_lines"] >= 1


def test_wrong_password_last_line_names_authentication(security_result: dict) -> None:
    last = " ".join(security_result["wrong_password_log_tail"][-1:])
    assert "authenticat" in last.lower()
    assert "Traceback" not in " ".join(security_result["wrong_password_log_tail"])
