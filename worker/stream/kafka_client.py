"""Connection settings shared by every Kafka client we make (faust's and aiokafka's), so
that security configuration is written once and the admin, send and tail commands reach
exactly the broker the worker reaches."""

from __future__ import annotations

import ssl
from typing import Any

from worker.config import KafkaSecurity, Settings


def ssl_context(security: KafkaSecurity) -> ssl.SSLContext | None:
    if security.protocol not in ("SSL", "SASL_SSL"):
        return None
    context = ssl.create_default_context(cafile=security.ssl_cafile)
    if security.ssl_certfile:
        context.load_cert_chain(security.ssl_certfile, security.ssl_keyfile)
    return context


def aiokafka_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer/Consumer/AdminClient."""
    sec = settings.security
    kwargs: dict[str, Any] = {"bootstrap_servers": settings.bootstrap_servers, "security_protocol": sec.protocol}
    context = ssl_context(sec)
    if context is not None:
        kwargs["ssl_context"] = context
    if sec.protocol.startswith("SASL"):
        kwargs["sasl_mechanism"] = sec.sasl_mechanism or "SCRAM-SHA-512"
        kwargs["sasl_plain_username"] = sec.sasl_username
        kwargs["sasl_plain_password"] = sec.sasl_password
    return kwargs


def faust_credentials(settings: Settings) -> Any:
    """faust's ``broker_credentials`` for the configured security protocol, or None."""
    import faust

    sec = settings.security
    context = ssl_context(sec)
    if sec.protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=sec.sasl_username,
            password=sec.sasl_password,
            mechanism=sec.sasl_mechanism or "SCRAM-SHA-512",
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def _group_hints() -> dict[type[BaseException], str]:
    """The group-join errors aiokafka never retries, each with what to check."""
    from aiokafka import errors

    return {
        errors.InvalidSessionTimeoutError: "the session timeout is outside the broker's group.min/max.session.timeout.ms "
                                           "(NEWSWORKER_FAST_GROUP_TIMEOUTS asks for 2 s; Kafka's default minimum is 6 s)",
        errors.GroupAuthorizationFailedError: "the credentials may not join the consumer group NEWSWORKER_APP_ID (a Kafka ACL)",
        errors.InvalidGroupIdError: "the consumer group id (NEWSWORKER_APP_ID) is not valid",
        errors.InconsistentGroupProtocolError: "other members of the group use another assignment protocol "
                                               "(another app with the same NEWSWORKER_APP_ID?)",
    }


def fatal_group_error(consumer: Any) -> tuple[BaseException, str] | None:
    """A group-join error aiokafka will not retry, and what to check, or None.

    aiokafka keeps such an error until the next fetch call, but a consumer that never
    joined is never given partitions, so faust never fetches and the worker would wait
    unready for good (seen with short group timeouts against a broker that refuses them).
    The error sits on aiokafka's group coordinator; read through faust's consumer thread."""
    client = getattr(getattr(consumer, "_thread", None), "_consumer", None)
    pending = getattr(getattr(client, "_coordinator", None), "_pending_exception", None)
    if pending is None:
        return None
    hint = _group_hints().get(type(pending))
    return None if hint is None else (pending, hint)
