"""A bounded graceful stop.

On SIGTERM faust drains the events in hand, commits and closes its clients. That stop
can hang: in the reliability runs a worker told to stop while its group was rebalancing
(another worker leaving at the same moment) lost its connection to the group
coordinator in the middle of the final offset commit, and aiokafka then retried its
heartbeat against a coordinator it no longer looked up, for good. A deployment would
SIGKILL it after its grace period; a laptop user would see a worker that ignores Ctrl-C.

So, like the Java client's ``close(timeout)``, the stop gets a deadline
(``NEWSWORKER_SHUTDOWN_TIMEOUT_S``). When it passes, the watchdog thread logs what was
still pending and where every task was waiting (the next hang is diagnosed from its log,
not guessed at), then ends the process. Nothing is lost by that: an offset counts as
processed only once every record it produced was acknowledged (``delivery.py``), so what
was not committed is read again by the partition's next owner, and the dedup stage
repeats its verdicts on replays. The exit code says whether anything was still being
delivered (1) or only the commit or the clients' close was left (0).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from typing import Any, Callable

log = logging.getLogger("newsworker")

FORCED_STOP_MESSAGE = "graceful stop did not finish in time; exiting (uncommitted offsets are read again by their next owner)"


def task_stacks(loop: asyncio.AbstractEventLoop, limit: int = 40) -> list[str]:
    """One line per pending task of ``loop``: its name and the innermost frames it waits
    in. Read from another thread, so it tolerates the set changing underneath."""
    for _ in range(3):
        try:
            tasks = list(asyncio.all_tasks(loop))
            break
        except RuntimeError:  # the task set changed while it was being copied
            continue
    else:
        return ["(task list kept changing)"]
    lines = []
    for task in tasks[:limit]:
        try:
            frames = task.get_stack(limit=3)
            where = " <- ".join(f"{f.f_code.co_name}@{os.path.basename(f.f_code.co_filename)}:{f.f_lineno}" for f in reversed(frames))
        except Exception as exc:  # noqa: BLE001 - diagnostics only
            where = f"(stack unavailable: {type(exc).__name__})"
        lines.append(f"{task.get_name()}: {where or '(not started)'}")
    if len(tasks) > limit:
        lines.append(f"... and {len(tasks) - limit} more tasks")
    return lines


class ShutdownWatchdog:
    """Armed once, when the stop begins; ends the process if the stop outlives
    ``timeout_s``. ``pending`` says how many deliveries are still in flight."""

    def __init__(self, timeout_s: float, pending: Callable[[], int], *, exit: Callable[[int], Any] = os._exit) -> None:
        self.timeout_s = timeout_s
        self.pending = pending
        self._exit = exit
        self._timer: threading.Timer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.fired = threading.Event()

    def arm(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        if self._timer is not None or self.timeout_s <= 0:
            return
        self._loop = loop
        self._timer = threading.Timer(self.timeout_s, self._fire)
        self._timer.name = "newsworker-stop-watchdog"
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _fire(self) -> None:
        try:
            in_flight = self.pending()
        except Exception:  # noqa: BLE001 - the exit must happen regardless
            in_flight = -1
        stacks = task_stacks(self._loop) if self._loop is not None else []
        log.warning(FORCED_STOP_MESSAGE, extra={"timeout_s": self.timeout_s, "deliveries_in_flight": in_flight, "tasks": stacks})
        self.fired.set()
        flush_outputs()
        self._exit(0 if in_flight == 0 else 1)


def flush_outputs() -> None:
    """Flush the logs and the standard streams: before an ``os._exit``, which skips it."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
