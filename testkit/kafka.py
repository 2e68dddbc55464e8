"""A real Apache Kafka 4.x (KRaft) broker in a subprocess, for tests and benchmarks.

Why: faust/aiokafka behaviour that matters in production (rebalances, committed
offsets surviving restarts, idempotent producers, ``end_offsets``) is only
trustworthy against the real broker, and there is no Docker engine here. Java 17
and Maven are, so we run the Maven Central jars directly (``bin/kafka-jars``).

    with KafkaBroker() as broker:
        broker.create_topics(["pages"], partitions=3)
        ...  # aiokafka clients on broker.bootstrap

CLI (manual use, benchmarks)::

    python -m testkit.kafka start [--port 9092] [--data-dir DIR] [--auto-create-topics]
    python -m testkit.kafka fetch      # fetch the jars, print the libs dir
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import base64
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import Coroutine, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from worker.stream.embedded import die_with_parent, free_port, wait_until_ready

__all__ = [
    "DEFAULT_JVM_OPTS",
    "THROUGHPUT_JVM_OPTS",
    "KafkaBroker",
    "KafkaStartError",
    "REPO_ROOT",
    "ScramUser",
    "TEST_SCRAM_USER",
    "kafka_libs",
    "kafka_version",
    "unique_name",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
KAFKA_JARS_SCRIPT = REPO_ROOT / "bin" / "kafka-jars"
#: Tuned for start time: C1-only JIT starts the broker about twice as fast,
#: which is what tests want. Benchmarks should use THROUGHPUT_JVM_OPTS.
DEFAULT_JVM_OPTS: tuple[str, ...] = (
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
)
THROUGHPUT_JVM_OPTS: tuple[str, ...] = tuple(o for o in DEFAULT_JVM_OPTS if not o.startswith("-XX:TieredStopAtLevel"))
_LOG_TAIL_LINES = 80
_T = TypeVar("_T")


class KafkaStartError(RuntimeError):
    """The broker did not become ready; the message carries the broker log tail."""


def kafka_version() -> str:
    """The single pinned Kafka version (testkit/kafka-pom.xml)."""
    out = subprocess.run([str(KAFKA_JARS_SCRIPT), "--version"], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def kafka_libs(timeout: float = 600.0) -> Path:
    """Return the directory of Kafka jars, fetching them with Maven on first use.

    ``NEWSWORKER_KAFKA_LIBS`` points at an existing libs dir and skips the script
    (e.g. an unpacked Kafka distribution's ``libs/``).
    """
    explicit = os.environ.get("NEWSWORKER_KAFKA_LIBS")
    if explicit:
        path = Path(explicit)
        if not any(path.glob("kafka_2.13-*.jar")):
            raise FileNotFoundError(f"NEWSWORKER_KAFKA_LIBS={explicit} holds no kafka_2.13-*.jar")
        return path
    if shutil.which("java") is None:
        raise FileNotFoundError("no 'java' on PATH: the Kafka test broker needs Java 17+")
    proc = subprocess.run(
        [str(KAFKA_JARS_SCRIPT)], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bin/kafka-jars failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return Path(proc.stdout.strip().splitlines()[-1])


def unique_name(hint: str = "t") -> str:
    """A topic or group name no other test on a shared broker will use.

    Kafka allows [A-Za-z0-9._-] and 249 characters; anything else in *hint*
    (e.g. a pytest node name with brackets) becomes '-'.
    """
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", hint[:200]).strip("-") or "t"
    return f"{clean[:80]}-{uuid.uuid4().hex[:10]}"


def _kafka_uuid() -> str:
    """A cluster id in Kafka's format: url-safe base64 of 16 random bytes, no padding."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):  # Kafka rejects ids that look like options
            return text


class ScramUser:
    """A SCRAM-SHA-512 credential created at format time (SASL_SSL mode)."""

    def __init__(self, name: str, password: str) -> None:
        # Both end up inside the StorageTool's "[name=...,password=...]" argument.
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
            raise ValueError("SCRAM user names: 1-64 of A-Z a-z 0-9 _ -")
        if not re.fullmatch(r"[A-Za-z0-9_.@+-]{1,128}", password):
            raise ValueError("SCRAM test passwords: 1-128 of A-Z a-z 0-9 _ . @ + -")
        self.name = name
        self.password = password


#: The SCRAM user of the shared test broker's SASL_SSL listener.
TEST_SCRAM_USER = ScramUser("newsworker-test", "test-secret-1")

_LIVE: "weakref.WeakSet[KafkaBroker]" = weakref.WeakSet()


@atexit.register
def _kill_leftovers() -> None:
    """A crashed test run must not leave 500 MB JVMs behind."""
    for broker in list(_LIVE):
        broker.kill()


class KafkaBroker:
    """One combined broker+controller KRaft node on 127.0.0.1, data in a temp dir.

    ``stop()``/``kill()`` keep the data dir, so ``start()`` again resumes the same
    log and committed offsets (restart and crash tests). ``close()`` (and leaving
    the ``with`` block) also deletes a data dir this object created.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        auto_create_topics: bool = False,
        num_partitions: int = 1,
        properties: Mapping[str, str] | None = None,
        jvm_opts: Iterable[str] = DEFAULT_JVM_OPTS,
        libs_dir: str | os.PathLike[str] | None = None,
        start_timeout: float = 60.0,
        log_level: str = "INFO",
        scram_users: Iterable[ScramUser] = (),
    ) -> None:
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir) if data_dir is not None else Path(tempfile.mkdtemp(prefix="newsworker-kafka-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.host = "127.0.0.1"
        self._fixed_port = port
        self.port: int | None = port
        self.controller_port: int | None = None
        self.sasl_port: int | None = None
        self.auto_create_topics = auto_create_topics
        self.num_partitions = num_partitions
        self.extra_properties = dict(properties or {})
        self.jvm_opts = list(jvm_opts)
        self._libs_dir = Path(libs_dir) if libs_dir is not None else None
        self.start_timeout = start_timeout
        self.log_level = log_level
        self.scram_users = list(scram_users)
        self.cluster_id: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self.ssl_cafile: Path | None = None
        self._cds_pending: tuple[Path, Path] | None = None

    # ------------------------------------------------------------------ paths
    @property
    def log_dir(self) -> Path:
        return self.data_dir / "kraft-logs"

    @property
    def log_path(self) -> Path:
        """Broker stdout+stderr, appended across restarts."""
        return self.data_dir / "broker.log"

    @property
    def config_path(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def bootstrap(self) -> str:
        """PLAINTEXT bootstrap servers ("127.0.0.1:PORT")."""
        if self.port is None:
            raise RuntimeError("KafkaBroker has not been started")
        return f"{self.host}:{self.port}"

    @property
    def sasl_bootstrap(self) -> str:
        """SASL_SSL (SCRAM-SHA-512) bootstrap servers; only with ``scram_users``."""
        if self.sasl_port is None:
            raise RuntimeError("KafkaBroker has no SASL_SSL listener (pass scram_users=...)")
        return f"{self.host}:{self.sasl_port}"

    def sasl_client_kwargs(self, user: ScramUser) -> dict[str, Any]:
        """aiokafka client arguments for the SASL_SSL listener as *user*."""
        from aiokafka.helpers import create_ssl_context

        if self.ssl_cafile is None:
            raise RuntimeError("KafkaBroker has no SASL_SSL listener (pass scram_users=...)")
        return {
            "bootstrap_servers": self.sasl_bootstrap,
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": user.name,
            "sasl_plain_password": user.password,
            "ssl_context": create_ssl_context(cafile=str(self.ssl_cafile)),
        }

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def rss_bytes(self) -> int:
        """Resident set size of the broker JVM (Linux), for benchmark reports."""
        if self._proc is None:
            return 0
        try:
            status = Path(f"/proc/{self._proc.pid}/status").read_text()
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    # -------------------------------------------------------------- lifecycle
    @property
    def libs_dir(self) -> Path:
        if self._libs_dir is None:
            self._libs_dir = kafka_libs()
        return self._libs_dir

    def _formatted(self) -> bool:
        return (self.log_dir / "meta.properties").exists()

    def start(self) -> "KafkaBroker":
        """Start (or restart on the same data dir) and block until clients can connect."""
        if self.is_running():
            return self
        if self._formatted():
            if self.port is None:
                self._load_ports()  # a new object on a data dir from an earlier run
            self._launch()
            self._await_ready()
            return self
        # First start: ports are chosen now and frozen into the formatted
        # metadata log (the standalone controller's voter endpoint), so a lost
        # port race means wiping and formatting again with fresh ports.
        attempts = 1 if self._fixed_port is not None else 3
        for attempt in range(attempts):
            self._choose_ports()
            self._write_config()
            self._format()
            self._launch()
            try:
                self._await_ready()
                return self
            except KafkaStartError:
                if attempt + 1 == attempts or "Address already in use" not in self._log_tail():
                    raise
                shutil.rmtree(self.log_dir, ignore_errors=True)
        raise AssertionError("unreachable")

    def _load_ports(self) -> None:
        props = dict(
            line.split("=", 1) for line in self.config_path.read_text().splitlines() if "=" in line and line[0] != "#"
        )
        for listener in props.get("listeners", "").split(","):
            name, _, address = listener.partition("://")
            port = int(address.rsplit(":", 1)[1])
            if name == "PLAINTEXT":
                self.port = port
            elif name == "CONTROLLER":
                self.controller_port = port
            elif name == "SASL_SSL":
                self.sasl_port = port
                self.ssl_cafile = self.data_dir / "tls" / "ca.pem"

    def _choose_ports(self) -> None:
        taken: set[int] = set()

        def pick() -> int:
            for _ in range(50):
                candidate = free_port(self.host)
                if candidate not in taken:
                    taken.add(candidate)
                    return candidate
            raise RuntimeError("could not find distinct free ports")

        self.port = self._fixed_port if self._fixed_port is not None else pick()
        taken.add(self.port)
        self.controller_port = pick()
        self.sasl_port = pick() if self.scram_users else None

    def _properties(self) -> dict[str, str]:
        assert self.port is not None and self.controller_port is not None
        listeners = [f"PLAINTEXT://{self.host}:{self.port}", f"CONTROLLER://{self.host}:{self.controller_port}"]
        advertised = [f"PLAINTEXT://{self.host}:{self.port}"]
        protocol_map = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"]
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": f"{self.host}:{self.controller_port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.log_dir),
            "num.partitions": str(self.num_partitions),
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "offsets.topic.replication.factor": "1",
            # 1 instead of 50 partitions: the first group join creates this topic,
            # and 50 partitions cost seconds on a 2-core machine.
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "share.coordinator.state.topic.num.partitions": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": str(self.auto_create_topics).lower(),
            "delete.topic.enable": "true",
            # Fast, still graceful shutdown: no long waits for controlled shutdown
            # retries on a one-node cluster.
            "controlled.shutdown.enable": "true",
            "controlled.shutdown.max.retries": "1",
            "controlled.shutdown.retry.backoff.ms": "100",
            "log.flush.offset.checkpoint.interval.ms": "1000",
            "socket.request.max.bytes": str(100 * 1024 * 1024),
        }
        if self.scram_users:
            assert self.sasl_port is not None
            listeners.append(f"SASL_SSL://{self.host}:{self.sasl_port}")
            advertised.append(f"SASL_SSL://{self.host}:{self.sasl_port}")
            protocol_map.append("SASL_SSL:SASL_SSL")
            props.update(self._sasl_properties())
        props["listeners"] = ",".join(listeners)
        props["advertised.listeners"] = ",".join(advertised)
        props["listener.security.protocol.map"] = ",".join(protocol_map)
        props.update(self.extra_properties)
        return props

    def _sasl_properties(self) -> dict[str, str]:
        from testkit.tls import make_keystore  # only needed in SASL mode

        store = make_keystore(self.data_dir / "tls", host=self.host)
        self.ssl_cafile = store.ca_pem
        return {
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            ),
            "ssl.keystore.type": "PKCS12",
            "ssl.keystore.location": str(store.keystore),
            "ssl.keystore.password": store.password,
            "ssl.key.password": store.password,
            "ssl.client.auth": "none",
        }

    def _write_config(self) -> None:
        lines = [f"{key}={value}" for key, value in self._properties().items()]
        self.config_path.write_text("\n".join(lines) + "\n")
        level = self.log_level.upper()
        (self.data_dir / "log4j2.properties").write_text(
            "status = warn\n"
            "appender.out.type = Console\n"
            "appender.out.name = OUT\n"
            "appender.out.layout.type = PatternLayout\n"
            "appender.out.layout.pattern = [%d] %p %m (%c)%n\n"
            f"rootLogger.level = {level}\n"
            "rootLogger.appenderRef.out.ref = OUT\n"
            # The config dump at startup and per-request noise drown the log otherwise.
            "logger.config.name = org.apache.kafka.common.config.AbstractConfig\n"
            "logger.config.level = WARN\n"
        )

    def _cds_archive(self) -> Path | None:
        """Per-JDK AppCDS archive of the broker's classes, next to the jars.

        Why: class loading dominates broker start; with an archive a start takes
        about 2 s instead of 4-6 s. The first broker stopped gracefully writes
        it; a stale or foreign archive is ignored by the JVM (-Xshare:auto).
        ``NEWSWORKER_KAFKA_CDS=0`` disables it.
        """
        if os.environ.get("NEWSWORKER_KAFKA_CDS", "1") == "0":
            return None
        java = shutil.which("java")
        if java is None:
            return None
        real = Path(java).resolve()
        try:
            stat = real.stat()
        except OSError:
            return None
        # Keyed by the JDK build and the jar set: a new JDK or refetched jars get a
        # new archive instead of a silently ignored stale one.
        stamp = self.libs_dir / ".complete"
        jars = stamp.read_text() if stamp.exists() else ",".join(sorted(p.name for p in self.libs_dir.glob("*.jar")))
        key = hashlib.sha256(f"{real}:{stat.st_size}:{stat.st_mtime_ns}:{jars}".encode()).hexdigest()[:16]
        return self.libs_dir.parent / "cds" / f"broker-{key}.jsa"

    def _cds_opts(self, dumping: bool) -> list[str]:
        archive = self._cds_archive()
        if archive is None:
            return []
        if archive.is_file() and archive.stat().st_size > 0:
            return [f"-XX:SharedArchiveFile={archive}"]
        if not dumping:
            return []
        archive.parent.mkdir(parents=True, exist_ok=True)
        for stale in archive.parent.glob(".*.jsa.*"):  # from brokers whose parent was killed
            try:
                if time.time() - stale.stat().st_mtime > 3600:
                    stale.unlink()
            except OSError:
                pass
        # Dump to a private name; stop() publishes it atomically after a clean exit.
        self._cds_pending = (archive.with_name(f".{archive.name}.{os.getpid()}.{id(self)}"), archive)
        return [f"-XX:ArchiveClassesAtExit={self._cds_pending[0]}"]

    def _publish_cds(self) -> None:
        pending, self._cds_pending = self._cds_pending, None
        if pending is None:
            return
        tmp, final = pending
        if tmp.is_file() and tmp.stat().st_size > 0:
            os.replace(tmp, final)
        else:
            tmp.unlink(missing_ok=True)

    def _java(self, main: str, *args: str, dump_cds: bool = False) -> list[str]:
        return [
            "java",
            *self.jvm_opts,
            *self._cds_opts(dump_cds),
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
            "-cp",
            str(self.libs_dir / "*"),
            main,
            *args,
        ]

    def _format(self) -> None:
        self.cluster_id = _kafka_uuid()
        args = ["format", "--standalone", "-t", self.cluster_id, "-c", str(self.config_path)]
        for user in self.scram_users:
            args += ["--add-scram", f"SCRAM-SHA-512=[name={user.name},password={user.password}]"]
        # The formatter needs no big heap; keep it out of the broker's opts.
        cmd = self._java("kafka.tools.StorageTool", *args)
        cmd = [c for c in cmd if not c.startswith(("-Xms", "-Xmx"))]
        cmd.insert(1, "-Xmx256m")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise KafkaStartError(f"kafka-storage format failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")

    def _launch(self) -> None:
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                self._java("kafka.Kafka", str(self.config_path), dump_cds=True),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                start_new_session=True,  # Ctrl-C on pytest must not race our SIGTERM
                preexec_fn=die_with_parent,  # nor may a SIGKILLed pytest leave a JVM behind
            )
        _LIVE.add(self)

    def _await_ready(self) -> None:
        assert self.port is not None
        try:
            wait_until_ready(self.host, self.port, self.start_timeout, alive=self.is_running)
        except (RuntimeError, TimeoutError) as exc:
            tail = self._log_tail()
            self.kill()
            raise KafkaStartError(f"Kafka broker did not become ready: {exc}\n{tail}") from exc

    def stop(self, timeout: float = 30.0) -> None:
        """Graceful SIGTERM (controlled shutdown, flushes logs), SIGKILL after *timeout*."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        self._proc = None
        _LIVE.discard(self)
        self._publish_cds()

    def kill(self) -> None:
        """SIGKILL: a crash without shutdown, for fault-injection tests."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        self._proc = None
        _LIVE.discard(self)
        self._publish_cds()  # discards a half-written archive

    def close(self) -> None:
        """Stop, and delete the data dir if this object created it."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> "KafkaBroker":
        try:
            return self.start()
        except BaseException:
            self.close()  # __exit__ will not run: do not leak the temp dir
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = self.bootstrap if self.is_running() else "stopped"
        return f"KafkaBroker({state}, data_dir={self.data_dir})"

    def _log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        if not self.log_path.exists():
            return "(no broker log)"
        size = self.log_path.stat().st_size
        with open(self.log_path, "rb") as fh:
            fh.seek(max(0, size - 256 * 1024))
            tail = deque(fh.read().decode("utf-8", "replace").splitlines(), maxlen=lines)
        return f"--- last {len(tail)} lines of {self.log_path} ---\n" + "\n".join(tail)

    # ------------------------------------------------------------------ admin
    async def acreate_topics(
        self,
        names: Iterable[str],
        partitions: int = 1,
        *,
        replication_factor: int = 1,
        configs: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        """Create topics and wait until every partition has a leader."""
        from aiokafka.admin import AIOKafkaAdminClient, NewTopic

        wanted = list(names)
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=int(timeout * 1000))
        await admin.start()
        try:
            topics = [
                NewTopic(name, partitions, replication_factor, topic_configs=dict(configs or {})) for name in wanted
            ]
            response = await admin.create_topics(topics, timeout_ms=int(timeout * 1000))
            # Entries are (name, error_code[, error_message]) depending on the version.
            errors = [tuple(entry) for entry in response.topic_errors if entry[1] != 0]
            if errors:
                raise RuntimeError(f"create_topics failed: {errors}")
            deadline = time.monotonic() + timeout
            while True:
                described = await admin.describe_topics(wanted)
                ready = all(
                    t["error_code"] == 0
                    and len(t["partitions"]) == partitions
                    and all(p["leader"] >= 0 for p in t["partitions"])
                    for t in described
                )
                if ready:
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"topics {wanted} have no leaders after {timeout}s: {described}")
                await asyncio.sleep(0.05)
        finally:
            await admin.close()

    def create_topics(
        self,
        names: Iterable[str],
        partitions: int = 1,
        *,
        replication_factor: int = 1,
        configs: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        """Blocking :meth:`acreate_topics`; safe to call from inside a running event loop."""
        _run_sync(
            self.acreate_topics(
                list(names), partitions, replication_factor=replication_factor, configs=configs, timeout=timeout
            )
        )


def _run_sync(coro: Coroutine[Any, Any, _T]) -> _T:
    """asyncio.run, or asyncio.run in a helper thread when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def runner() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=runner, name="kafka-admin", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m testkit.kafka", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="run a broker in the foreground until Ctrl-C")
    start.add_argument("--port", type=int, default=None, help="PLAINTEXT port (default: a free one)")
    start.add_argument("--data-dir", type=Path, default=None, help="keep data here (default: temp dir, deleted)")
    start.add_argument("--auto-create-topics", action="store_true")
    start.add_argument("--heap", default="512m", help="JVM -Xmx (default 512m)")
    start.add_argument(
        "--fast-start", action="store_true", help="C1-only JIT like the tests (faster start, lower throughput)"
    )
    start.add_argument("--topic", action="append", default=[], help="NAME[:PARTITIONS] to create; repeatable")
    start.add_argument(
        "--scram-user", action="append", default=[], help="NAME:PASSWORD; adds a SASL_SSL SCRAM-SHA-512 listener"
    )
    sub.add_parser("fetch", help="fetch the jars if missing and print the libs dir")
    sub.add_parser("version", help="print the pinned Kafka version")
    args = parser.parse_args(argv)

    if args.command == "fetch":
        print(kafka_libs())
        return 0
    if args.command == "version":
        print(kafka_version())
        return 0

    base = DEFAULT_JVM_OPTS if args.fast_start else THROUGHPUT_JVM_OPTS
    jvm = [o for o in base if not o.startswith("-Xmx")] + [f"-Xmx{args.heap}"]
    users = [ScramUser(*spec.split(":", 1)) for spec in args.scram_user]
    broker = KafkaBroker(
        args.data_dir, port=args.port, auto_create_topics=args.auto_create_topics, jvm_opts=jvm, scram_users=users
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    t0 = time.perf_counter()
    try:
        broker.start()
        elapsed = time.perf_counter() - t0
        for spec in args.topic:
            name, _, parts = spec.partition(":")
            broker.create_topics([name], int(parts or 1))
        print(broker.bootstrap, flush=True)
        if users:
            print(f"SASL_SSL {broker.sasl_bootstrap}, CA file {broker.ssl_cafile}", file=sys.stderr, flush=True)
        print(
            f"kafka {kafka_version()} ready in {elapsed:.1f}s, pid {broker.pid}, "
            f"rss {broker.rss_bytes() / 2**20:.0f} MiB, log {broker.log_path}; Ctrl-C stops",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(0.5):
            if not broker.is_running():
                print(f"broker exited unexpectedly; see {broker.log_path}", file=sys.stderr)
                return 1
    finally:
        if args.data_dir is None:
            broker.close()
        else:
            broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
