"""Which publish errors are worth retrying: the classification that decides between a
retry and a ``publish_failed`` dead letter."""

from __future__ import annotations

import pytest
from aiokafka import errors as kafka_errors
from faust.exceptions import ProducerSendError

from worker.stream.delivery import is_transient, reason_slug as _snake


def wrapped(exc: BaseException) -> ProducerSendError:
    try:
        raise ProducerSendError(f"Error while sending: {exc!r}") from exc
    except ProducerSendError as outer:
        return outer


@pytest.mark.parametrize(
    "exc",
    [
        kafka_errors.MessageSizeTooLargeError(),
        kafka_errors.UnknownTopicOrPartitionError(),
        kafka_errors.TopicAuthorizationFailedError(),
        kafka_errors.KafkaTimeoutError(),
        kafka_errors.RecordTooLargeError(),
        ValueError("a bug"),
    ],
)
def test_permanent_errors_are_not_retried(exc: BaseException) -> None:
    assert not is_transient(exc)
    assert not is_transient(wrapped(exc)), "faust wraps aiokafka's error; the cause decides"


@pytest.mark.parametrize(
    "exc",
    [kafka_errors.NotLeaderForPartitionError(), kafka_errors.KafkaConnectionError(), kafka_errors.RequestTimedOutError(), ConnectionResetError()],
)
def test_transient_errors_are_retried(exc: BaseException) -> None:
    assert is_transient(exc) and is_transient(wrapped(exc))


def test_dead_letter_reason_is_a_schema_slug() -> None:
    assert _snake("MessageSizeTooLargeError") == "message_size_too_large"
    assert _snake("KafkaTimeoutError") == "kafka_timeout"
