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
from worker.pipeline.tagging.routing import ALL_ROUTINGS

PREFIX = "NEWSWORKER_"


def env(name: str, doc: str, *, secret: bool = False, auto: bool = False) -> dict[str, Any]:
    """Field metadata: the variable (without prefix) that sets this field. ``auto``: the
    value ``auto`` is accepted and means None, which the settings resolve themselves."""
    return {"env": name, "doc": doc, "secret": secret, "auto": auto}


ROUTING_KINDS = ALL_ROUTINGS
COMPRESSION_CODECS = ("zstd", "lz4", "gzip", "snappy", "none")
MAX_AUTO_PROCESS_WORKERS = 8


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask, as a container limits it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def auto_process_workers(cores: int | None = None) -> int:
    """``NEWSWORKER_PROCESS_WORKERS=auto``: one analysis process per core but one, which the
    worker's own process (faust, Kafka I/O, dedup, encoding) keeps, capped at 8; none on
    two cores or fewer, where the broker and the worker's own loop already compete for
    both and a child process only adds pickling and a hop."""
    cores = usable_cores() if cores is None else cores
    return 0 if cores <= 2 else min(cores - 1, MAX_AUTO_PROCESS_WORKERS)


def parse_routing(value: str) -> tuple[str, ...]:
    """``NEWSWORKER_ROUTING``: a comma list of ``region``/``topic``, ``both`` or ``none``."""
    words = [w.strip().lower() for w in value.replace(" ", ",").split(",") if w.strip()]
    if words in (["both"], ["all"]):
        return ROUTING_KINDS
    if words == ["none"] or not words:
        return ()
    unknown = [w for w in words if w not in ROUTING_KINDS]
    if unknown:
        raise ValueError(f"{PREFIX}ROUTING: unknown routing {unknown[0]!r}; use region, topic, both or none")
    return tuple(k for k in ROUTING_KINDS if k in words)


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
            if f.metadata.get("auto") and raw.strip().lower() == "auto":  # None: the field works out its value
                values[f.name] = None
                continue
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
    dedup_containment: float | None = field(default=None, metadata=env("DEDUP_CONTAINMENT", "share of the shorter text inside the longer from which it is a duplicate (truncated copies; default: the measured value)"))
    dedup_numbers_agree: float | None = field(default=None, metadata=env("DEDUP_NUMBERS_AGREE", "share of numbers two near-duplicates must share (0 turns the check off; default: the measured value)"))
    dedup_names_agree: float | None = field(default=None, metadata=env("DEDUP_NAMES_AGREE", "share of capitalised names two near-duplicates must share (0 turns the check off; default: the measured value)"))
    dedup_update_window_minutes: float | None = field(default=None, metadata=env("DEDUP_UPDATE_WINDOW_MINUTES", "a near-duplicate from the same source within this is an update, else a republication (default 60)"))
    process_workers: int | None = field(default=None, metadata=env(
        "PROCESS_WORKERS", "child processes for page analysis: auto (cores - 1, at most 8; 0 on 2 cores or fewer), 0 (on the event loop) or a number", auto=True))
    routing: str = field(default="region,topic", metadata=env(
        "ROUTING", "routing topics to publish: region,topic (both), region, topic or none; each costs a copy of the article per matching topic"))
    compression: str = field(default="zstd", metadata=env(
        "COMPRESSION", "codec of produced batches: zstd, lz4, gzip, snappy or none (consumers must support it; Kafka >= 2.1 for zstd)"))
    batch_window_ms: float = field(default=10.0, metadata=env(
        "BATCH_WINDOW_MS", "the analyze agent takes pages in batches of what arrives within this many ms (at most 256); 0: one at a time"))
    linger_ms: float = field(default=5.0, metadata=env(
        "LINGER_MS", "how long the worker's producer waits to fill a batch before sending it (Kafka's linger.ms): more bytes per request, that much more latency per hop"))
    site_lines: bool = field(default=False, metadata=env(
        "SITE_LINES", "drop text lines that recur on many pages of one site (a bounded per-site sketch, 12 MiB); off by default because "
        "a worker's sketch is lost in a crash, so a replayed page could come out with other text and other article ids"))
    standby_replicas: int = field(default=1, metadata=env(
        "STANDBY_REPLICAS", "workers that keep a warm copy of the dedup table to take over in seconds (faust's default 1; "
        "0: no standby reads the changelog, and a new owner rebuilds the table from it)"))
    fast_group_timeouts: bool = field(default=False, metadata=env("FAST_GROUP_TIMEOUTS", "short session/heartbeat timeouts (embedded broker, tests)"))
    shutdown_timeout_s: float = field(default=20.0, metadata=env(
        "SHUTDOWN_TIMEOUT_S", "deadline of the graceful stop on SIGTERM/SIGINT, after which the worker exits anyway (offsets not yet "
        "committed are read again by their next owner); 0: no deadline"))
    delivery_timeout_s: float = field(default=60.0, metadata=env("DELIVERY_TIMEOUT_S", "how long the producer tries to deliver a record before it counts as failed"))
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if self.process_workers is None:  # auto
            object.__setattr__(self, "process_workers", auto_process_workers())
        object.__setattr__(self, "routing", ",".join(parse_routing(self.routing)) or "none")
        codec = self.compression.strip().lower()
        if codec not in COMPRESSION_CODECS:
            raise ValueError(f"{PREFIX}COMPRESSION: unknown codec {self.compression!r}; use one of {', '.join(COMPRESSION_CODECS)}")
        object.__setattr__(self, "compression", codec)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        return from_env(cls, environ)

    def routing_kinds(self) -> tuple[str, ...]:
        """Which routing topics (``region``, ``topic``) the worker publishes to."""
        return parse_routing(self.routing)

    def compression_type(self) -> str | None:
        """The codec as Kafka clients name it (None: uncompressed)."""
        return None if self.compression == "none" else self.compression

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
        for name in ("containment", "numbers_agree", "names_agree"):
            value = getattr(self, f"dedup_{name}")
            if value is not None:
                changes[name] = value
        if self.dedup_update_window_minutes is not None:
            changes["update_window_seconds"] = self.dedup_update_window_minutes * 60.0
        return dataclasses.replace(DEDUP_DEFAULT, **changes)
