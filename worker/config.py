"""Settings from environment variables, in one place.

Every variable is prefixed NEWSWORKER_ on purpose: faust itself reads unprefixed names
such as BROKER_URL and WEB_PORT and silently lets them override code, so we never set or
document those and pass everything explicitly instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from worker.pipeline.limits import Limits


def _env(name: str, default: str) -> str:
    value = os.environ.get("NEWSWORKER_" + name)
    return value if value not in (None, "") else default


@dataclass(frozen=True, slots=True)
class TopicNames:
    raw: str = "pages.raw"
    articles: str = "articles.clean"
    duplicates: str = "articles.duplicates"
    dlq: str = "pages.dlq"
    candidates: str = "articles.candidates"
    route_prefix: str = "articles."

    @classmethod
    def from_env(cls) -> "TopicNames":
        d = cls()
        return cls(
            raw=_env("TOPIC_RAW", d.raw),
            articles=_env("TOPIC_ARTICLES", d.articles),
            duplicates=_env("TOPIC_DUPLICATES", d.duplicates),
            dlq=_env("TOPIC_DLQ", d.dlq),
            candidates=_env("TOPIC_CANDIDATES", d.candidates),
            route_prefix=_env("TOPIC_ROUTE_PREFIX", d.route_prefix),
        )

    def for_role(self, role: str) -> str:
        """Map the core's logical roles ("articles", "region.asia", ...) to topic names."""
        if role == "articles":
            return self.articles
        if role == "duplicates":
            return self.duplicates
        if role == "dlq":
            return self.dlq
        return self.route_prefix + role


@dataclass(frozen=True, slots=True)
class KafkaSecurity:
    protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    @classmethod
    def from_env(cls) -> "KafkaSecurity":
        return cls(
            protocol=_env("SECURITY_PROTOCOL", "PLAINTEXT").upper(),
            sasl_mechanism=_env("SASL_MECHANISM", "") or None,
            sasl_username=_env("SASL_USERNAME", "") or None,
            sasl_password=_env("SASL_PASSWORD", "") or None,
            ssl_cafile=_env("SSL_CAFILE", "") or None,
            ssl_certfile=_env("SSL_CERTFILE", "") or None,
            ssl_keyfile=_env("SSL_KEYFILE", "") or None,
        )


@dataclass(frozen=True, slots=True)
class Settings:
    bootstrap_servers: str = ""  # empty: start the embedded broker
    app_id: str = "newsworker"
    topics: TopicNames = field(default_factory=TopicNames)
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    partitions: int = 4
    replication: int = 1
    store: str = "memory://"
    data_dir: str = "./.newsworker-data"
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    web_enabled: bool = True
    log_level: str = "INFO"
    dedup_threshold: float | None = None  # None: the dedup core's measured default
    dedup_retention_days: float = 7.0
    process_workers: int = 0  # >0: run page analysis in that many child processes
    fast_group_timeouts: bool = False  # short session/heartbeat timeouts (embedded broker, tests)
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls) -> "Settings":
        d = cls()
        threshold = _env("DEDUP_THRESHOLD", "")
        return cls(
            bootstrap_servers=_env("BOOTSTRAP_SERVERS", d.bootstrap_servers),
            app_id=_env("APP_ID", d.app_id),
            topics=TopicNames.from_env(),
            security=KafkaSecurity.from_env(),
            partitions=int(_env("PARTITIONS", str(d.partitions))),
            replication=int(_env("REPLICATION", str(d.replication))),
            store=_env("STORE", d.store),
            data_dir=_env("DATA_DIR", d.data_dir),
            web_host=_env("WEB_HOST", d.web_host),
            web_port=int(_env("WEB_PORT", str(d.web_port))),
            web_enabled=_env("WEB_ENABLED", "true").lower() not in ("0", "false", "no"),
            log_level=_env("LOG_LEVEL", d.log_level).upper(),
            dedup_threshold=float(threshold) if threshold else None,
            dedup_retention_days=float(_env("DEDUP_RETENTION_DAYS", str(d.dedup_retention_days))),
            process_workers=int(_env("PROCESS_WORKERS", str(d.process_workers))),
            fast_group_timeouts=_env("FAST_GROUP_TIMEOUTS", "false").lower() in ("1", "true", "yes"),
            limits=Limits.from_env(),
        )
