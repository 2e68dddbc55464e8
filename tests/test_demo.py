"""The README's first command: ``newsworker demo`` runs the real worker end to end on the
embedded broker (Tansu), with no Kafka configured."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, SEED, shared_path


def run_demo(*paths: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
    return subprocess.run([sys.executable, "-m", "worker", "demo", "--timeout", "90", *paths], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=240)


@pytest.mark.shared
def test_demo_prints_the_seed_pages_two_articles_from_kafka() -> None:
    done = run_demo(str(shared_path("seed", SEED.name)))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "started the embedded broker" in done.stderr
    assert "[articles.clean] UN cites possible crimes against humanity in China’s Xinjiang" in done.stdout
    assert "[articles.clean] Kremlin suggests it may not like new Ukraine peace proposals after recent US-Ukraine talks" in done.stdout
    assert "1/1 pages accounted for" in done.stderr


def test_demo_on_bundled_samples_shows_every_outcome() -> None:
    done = run_demo()
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("[articles.clean]") == 3
    assert done.stdout.count("[articles.duplicates]") == 1
    assert "3/3 pages accounted for" in done.stderr


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
    env.update(extra)
    return env


def test_run_without_bootstrap_servers_refuses_with_a_hint() -> None:
    """A deployment whose bootstrap variable is missing or misspelt must fail, not start an
    empty in-memory broker and report ready."""
    done = subprocess.run([sys.executable, "-m", "worker", "run"], cwd=REPO, env=_env(NEWSWORKER_BOOTSTRAP_SERVER="typo:9092"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "NEWSWORKER_BOOTSTRAP_SERVERS" in lines[0] and "--embedded" in lines[0]
    assert "embedded broker on" not in done.stderr


def test_run_embedded_starts_the_in_memory_broker_and_gets_ready() -> None:
    import signal
    import time
    import urllib.request

    from testkit.worker import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "worker", "run", "--embedded"], cwd=REPO,
                            env=_env(NEWSWORKER_WEB_PORT=str(port), NEWSWORKER_LOG_LEVEL="WARNING"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        ready = False
        while time.monotonic() < deadline and proc.poll() is None and not ready:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                    ready = resp.status == 200
            except OSError:
                time.sleep(0.3)
        assert ready, "the embedded worker never became ready"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert "started the embedded broker" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
