"""Settings from environment variables, declared once.

Each field names its environment variable (always prefixed ``NEWSWORKER_``) in its
metadata, so :meth:`Settings.from_env`, :meth:`Settings.redacted` and the README table
come from one declaration. The prefix is deliberate: faust itself reads unprefixed names
such as BROKER_URL and WEB_PORT and silently lets them override code, so we never set or
document those and pass everything explicitly instead.

Settings flow one way: the CLI builds one :class:`Settings`, and the core receives only
what it needs as arguments (:class:`Limits`, :class:`DedupConfig`, the schema folder); it
reads no environment itself. ``process`` and ``run`` build the core from the same object,
so batch and stream give the same verdicts on the same pages.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from worker.pipeline.dedup.fingerprint import DEFAULT as DEDUP_DEFAULT, DedupConfig
from worker.pipeline.intake.limits import Limits

PREFIX = "NEWSWORKER_"


def env(name: str, doc: str, *, secret: bool = False) -> dict[str, Any]:
    """Field metadata: the variable (without prefix) that sets this field."""
    return {"env": name, "doc": doc, "secret": secret}


def _convert(raw: str, kind: Any, name: str) -> Any:
    if kind in ("bool", bool):
        value = raw.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{PREFIX}{name}: expected true or false, got {raw!r}")
    try:
        if kind in ("int", int):
            return int(raw)
        if kind in ("float", float, "float | None"):
            return float(raw)
    except ValueError:
        raise ValueError(f"{PREFIX}{name}: expected a number, got {raw!r}") from None
    return raw


def from_env(cls: type, environ: Mapping[str, str] | None = None) -> Any:
    """Build any settings dataclass from its fields' ``env`` metadata; nested settings
    dataclasses are built the same way. Empty variables count as unset."""
    environ = os.environ if environ is None else environ
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind):
            values[f.name] = from_env(kind, environ)
            continue
        name = f.metadata.get("env")
        if not name:
            continue
        raw = environ.get(PREFIX + name)
        if raw in (None, ""):
            continue
        base = kind
        if isinstance(kind, types.UnionType):  # X | None
            base = next(a for a in typing.get_args(kind) if a is not type(None))
        values[f.name] = _convert(raw, base, name)
    return cls(**values)


def describe(cls: type, prefix: str = "") -> list[tuple[str, Any, str]]:
    """(variable, default, doc) for every setting: the README's configuration table."""
    out: list[tuple[str, Any, str]] = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[f.name]):
            out += describe(hints[f.name])
        elif f.metadata.get("env"):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
            out.append((PREFIX + f.metadata["env"], default, f.metadata.get("doc", "")))
    return out


def to_env(obj: Any) -> dict[str, str]:
    """The ``NEWSWORKER_`` variables that rebuild ``obj`` with :func:`from_env` (unset
    optional fields are left out): how tests hand settings to a worker process."""
    out: dict[str, str] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out.update(to_env(value))
        elif f.metadata.get("env") and value is not None:
            out[PREFIX + f.metadata["env"]] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    return out


def redacted(obj: Any) -> dict[str, Any]:
    """Settings as a loggable dict: secrets masked, nested settings as dicts."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = redacted(value)
        elif f.metadata.get("secret"):
            out[f.name] = "***" if value else None
        else:
            out[f.name] = str(value) if isinstance(value, Path) else value
    return out


@dataclass(frozen=True, slots=True)
class TopicNames:
    raw: str = field(default="pages.raw", metadata=env("TOPIC_RAW", "input topic"))
    articles: str = field(default="articles.clean", metadata=env("TOPIC_ARTICLES", "clean articles"))
    duplicates: str = field(default="articles.duplicates", metadata=env("TOPIC_DUPLICATES", "duplicates, with duplicate_of"))
    dlq: str = field(default="pages.dlq", metadata=env("TOPIC_DLQ", "dead letters"))
    candidates: str = field(default="articles.candidates", metadata=env("TOPIC_CANDIDATES", "internal, 1 partition"))
    route_prefix: str = field(default="articles.", metadata=env("TOPIC_ROUTE_PREFIX", "routing topics are <prefix>region.<r> and <prefix>topic.<t>"))

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
    protocol: str = field(default="PLAINTEXT", metadata=env("SECURITY_PROTOCOL", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"))
    sasl_mechanism: str | None = field(default=None, metadata=env("SASL_MECHANISM", "SCRAM-SHA-512 (default when SASL), SCRAM-SHA-256 or PLAIN"))
    sasl_username: str | None = field(default=None, metadata=env("SASL_USERNAME", "SASL user"))
    sasl_password: str | None = field(default=None, repr=False, metadata=env("SASL_PASSWORD", "SASL password (never logged)", secret=True))
    ssl_cafile: str | None = field(default=None, metadata=env("SSL_CAFILE", "CA bundle to trust"))
    ssl_certfile: str | None = field(default=None, metadata=env("SSL_CERTFILE", "client certificate"))
    ssl_keyfile: str | None = field(default=None, metadata=env("SSL_KEYFILE", "client key"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "protocol", self.protocol.upper())


@dataclass(frozen=True, slots=True)
class Settings:
    bootstrap_servers: str = field(default="", metadata=env("BOOTSTRAP_SERVERS", "host:port[,host:port]"))
    app_id: str = field(default="newsworker", metadata=env("APP_ID", "faust app id = consumer group; prefixes changelog topics"))
    topics: TopicNames = field(default_factory=TopicNames)
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    partitions: int = field(default=4, metadata=env("PARTITIONS", "partitions of the topics `topics create` makes (not the candidates topic)"))
    replication: int = field(default=1, metadata=env("REPLICATION", "replication factor of created topics"))
    store: str = field(default="memory://", metadata=env("STORE", "faust table store; rocksdb:// keeps state on disk"))
    data_dir: str = field(default="./.newsworker-data", metadata=env("DATA_DIR", "faust data directory (one per worker process)"))
    web_host: str = field(default="127.0.0.1", metadata=env("WEB_HOST", "address of /healthz, /readyz, /metrics"))
    web_port: int = field(default=6066, metadata=env("WEB_PORT", "port of /healthz, /readyz, /metrics"))
    web_enabled: bool = field(default=True, metadata=env("WEB_ENABLED", "serve /healthz, /readyz, /metrics"))
    log_level: str = field(default="INFO", metadata=env("LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR"))
    schemas_dir: str | None = field(default=None, metadata=env("SCHEMAS_DIR", "folder of the topic schemas (default: beside the package)"))
    dedup_threshold: float | None = field(default=None, metadata=env("DEDUP_THRESHOLD", "similarity from which an article is a duplicate (default: the dedup core's measured value)"))
    dedup_retention_days: float = field(default=7.0, metadata=env("DEDUP_RETENTION_DAYS", "how long an article is remembered for dedup"))
    process_workers: int = field(default=0, metadata=env("PROCESS_WORKERS", ">0: run page analysis in that many child processes"))
    fast_group_timeouts: bool = field(default=False, metadata=env("FAST_GROUP_TIMEOUTS", "short session/heartbeat timeouts (embedded broker, tests)"))
    delivery_timeout_s: float = field(default=60.0, metadata=env("DELIVERY_TIMEOUT_S", "how long the producer tries to deliver a record before it counts as failed"))
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        return from_env(cls, environ)

    def redacted(self) -> dict[str, Any]:
        return redacted(self)

    def schemas_path(self) -> Path | None:
        return Path(self.schemas_dir) if self.schemas_dir else None

    def dedup_config(self) -> DedupConfig:
        """The dedup core's parameters with this deployment's threshold and retention: the
        one place both ``process`` and ``run`` get them from."""
        changes: dict[str, Any] = {"retention_seconds": self.dedup_retention_days * 86400.0}
        if self.dedup_threshold is not None:
            changes["threshold"] = self.dedup_threshold
        return dataclasses.replace(DEDUP_DEFAULT, **changes)
