"""Run the real worker (``python -m worker run``) as a subprocess against a test broker,
the way it is deployed, so that signals, offsets and restarts are the real ones."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from worker.config import to_env
from worker.config import Settings, TopicNames

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_settings(bootstrap: str, *, partitions: int = 2, **overrides: object) -> Settings:
    """Settings with topic names and a consumer group of their own, so tests sharing one
    broker never read each other's records."""
    tag = uuid.uuid4().hex[:8]
    topics = TopicNames(
        raw=f"t{tag}.pages.raw", articles=f"t{tag}.articles.clean", duplicates=f"t{tag}.articles.duplicates",
        dlq=f"t{tag}.pages.dlq", candidates=f"t{tag}.articles.candidates", route_prefix=f"t{tag}.articles.",
    )
    base = Settings(bootstrap_servers=bootstrap, app_id=f"newsworker-test-{tag}", topics=topics, partitions=partitions,
                    web_port=free_port(), fast_group_timeouts=True)
    return dataclasses.replace(base, **overrides)


def settings_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
    env.update(to_env(settings))
    return env


class WorkerProcess:
    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "WorkerProcess":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "worker", "run"], cwd=REPO, env=settings_env(self.settings),
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=2) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _ = self.get("/readyz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready after {timeout} s:\n{self.log_tail()}")

    def terminate(self, timeout: float = 60.0) -> int:
        """SIGTERM and wait: the graceful drain a deployment does on scale-down."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL: a crash, with no chance to commit or flush."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def forced_stop(self) -> bool:
        """Whether the stop outlived its deadline and the watchdog ended the process."""
        from worker.stream.shutdown import FORCED_STOP_MESSAGE

        try:
            return FORCED_STOP_MESSAGE in self.log_path.read_text(errors="replace")
        except OSError:
            return False

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
