"""The graceful stop has a deadline (worker/stream/shutdown.py).

The end-to-end test freezes a broker of its own (SIGSTOP) so that the worker's final
commit and client close cannot finish: without a deadline the worker is still there
well after SIGTERM; with one it logs where it was stuck and exits."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import orjson
import pytest

from worker.stream.shutdown import FORCED_STOP_MESSAGE, ShutdownWatchdog, task_stacks


def test_watchdog_exits_after_its_deadline_with_the_pending_count() -> None:
    codes: list[int] = []
    done = threading.Event()
    dog = ShutdownWatchdog(0.2, lambda: 0, exit=lambda code: (codes.append(code), done.set()))
    dog.arm()
    assert not done.wait(0.1)  # not before the deadline
    assert done.wait(2.0) and codes == [0]

    codes.clear()
    done.clear()
    busy = ShutdownWatchdog(0.05, lambda: 3, exit=lambda code: (codes.append(code), done.set()))
    busy.arm()
    assert done.wait(2.0) and codes == [1]  # deliveries still in flight: not a clean exit


def test_watchdog_cancelled_or_off_never_fires() -> None:
    fired: list[int] = []
    dog = ShutdownWatchdog(0.1, lambda: 0, exit=fired.append)
    dog.arm()
    dog.cancel()
    off = ShutdownWatchdog(0, lambda: 0, exit=fired.append)
    off.arm()
    time.sleep(0.3)
    assert fired == []


def test_watchdog_arms_once() -> None:
    fired: list[int] = []
    dog = ShutdownWatchdog(0.1, lambda: 0, exit=fired.append)
    dog.arm()
    dog.arm()
    time.sleep(0.4)
    assert fired == [0]


def test_task_stacks_name_where_each_task_waits() -> None:
    async def parked_on_purpose(ev: asyncio.Event) -> None:
        await ev.wait()

    async def main() -> list[str]:
        ev = asyncio.Event()
        task = asyncio.ensure_future(parked_on_purpose(ev), )
        task.set_name("parked")
        await asyncio.sleep(0)
        lines = await asyncio.get_running_loop().run_in_executor(None, task_stacks, asyncio.get_running_loop())
        ev.set()
        await task
        return lines

    lines = asyncio.run(main())
    assert any(line.startswith("parked:") and "parked_on_purpose" in line for line in lines), lines


def test_prompt_worker_arms_the_watchdog_when_a_signal_starts_the_stop() -> None:
    from worker.stream.startup import PromptWorker

    armed: list[object] = []

    class Recorder(ShutdownWatchdog):
        def arm(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
            armed.append(loop)

    loop = asyncio.new_event_loop()
    try:
        worker = PromptWorker.__new__(PromptWorker)  # only the signal path is exercised
        worker.watchdog = Recorder(5, lambda: 0)
        worker._signal_stop_time = 1.0  # a stop already scheduled: mode does not schedule another
        worker._loop = loop
        worker._schedule_shutdown(signal.SIGTERM)
    finally:
        loop.close()
    assert armed == [loop]


def _stop_with_broker_frozen(broker, tmp_path: Path, name: str, timeout_s: float, wait_s: float) -> tuple[int | None, float, str]:
    """Start a worker, freeze the broker, SIGTERM the worker; (exit code or None if still
    running after ``wait_s``, seconds to exit, log)."""
    from testkit.worker import WorkerProcess, unique_settings

    settings = unique_settings(broker.bootstrap, partitions=1, shutdown_timeout_s=timeout_s)
    from testkit.scenarios import setup_topics

    deadline = time.monotonic() + 60
    while True:  # after an earlier freeze the broker takes a few seconds to be unfenced
        try:
            setup_topics(settings)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    log_path = tmp_path / f"{name}.log"
    worker = WorkerProcess(settings, log_path).start()
    try:
        worker.wait_ready(120)
        os.kill(broker.pid, signal.SIGSTOP)
        started = time.monotonic()
        worker.proc.send_signal(signal.SIGTERM)
        try:
            code: int | None = worker.proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            code = None
        return code, time.monotonic() - started, log_path.read_text(errors="replace")
    finally:
        os.kill(broker.pid, signal.SIGCONT)
        worker.kill()


@pytest.mark.kafka
def test_stop_against_a_frozen_broker_ends_at_the_deadline(own_broker, tmp_path: Path) -> None:
    # Without a deadline the stop hangs on the frozen broker (what the deadline is for).
    code, _, _ = _stop_with_broker_frozen(own_broker, tmp_path, "no-deadline", 0, wait_s=10)
    assert code is None, "the stop finished against a frozen broker: this test no longer shows a hang"

    code, seconds, log = _stop_with_broker_frozen(own_broker, tmp_path, "deadline", 3, wait_s=30)
    assert code == 0, log[-3000:]
    assert 3 <= seconds < 15
    forced = [orjson.loads(line) for line in log.splitlines() if FORCED_STOP_MESSAGE in line]
    assert len(forced) == 1, log[-3000:]
    assert forced[0]["deliveries_in_flight"] == 0
    assert forced[0]["tasks"], "the log names where the tasks were waiting"


@pytest.mark.kafka
def test_a_group_join_the_broker_refuses_for_good_stops_the_worker(tmp_path: Path) -> None:
    """Short group timeouts against a broker that keeps Kafka's 6 s minimum session
    timeout: aiokafka's join fails with an error it never retries. The worker must say
    so and exit, not wait unready for good."""
    from testkit.kafka import KafkaBroker
    from testkit.scenarios import setup_topics
    from testkit.worker import WorkerProcess, unique_settings

    broker = KafkaBroker(tmp_path / "kafka")  # Kafka's default group.min.session.timeout.ms
    broker.start()
    try:
        settings = unique_settings(broker.bootstrap, partitions=1)
        assert settings.fast_group_timeouts
        setup_topics(settings)
        worker = WorkerProcess(settings, tmp_path / "w.log").start()
        try:
            code = worker.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            worker.kill()
        log = (tmp_path / "w.log").read_text(errors="replace")
        assert code is not None, "the worker was still waiting 60 s after the broker refused its group join"
        assert code != 0, log[-3000:]
        assert "refused to let the worker join its consumer group: InvalidSessionTimeoutError" in log
    finally:
        broker.close()
