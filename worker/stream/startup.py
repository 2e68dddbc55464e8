"""What happens between ``newsworker run`` and the first page, kept short.

Why this module: ``newsworker demo`` on one page took about 11-16 s, nearly all of it
start-up and shut-down rather than work (``python -m bench.startup`` prints the phases).
The fixed waits came from faust and mode, not from Kafka:

- faust's ``TableManager.on_start`` sleeps one second before it registers the tables'
  changelog channels, so that tables defined while the app starts are included; ours are
  all defined when :class:`~worker.stream.app.NewsWorker` is built, before the app starts,
  so :class:`PromptTableManager` registers them at once;
- mode's ``Worker`` runs a one-second sentinel task after the loop has stopped, only to
  let late callbacks run; :class:`PromptWorker` gives them a tenth of that;
- loading the core's tables (gazetteer, lexicons, detectors: about half a second) ran
  before the worker started, in series with the group join, in which the worker waits
  about a second for the broker (Tansu holds every JoinGroup for one second);
  :func:`warm_up_in_background` overlaps the two;
- at exit the interpreter frees the core's tables object by object, half a second after
  the worker has stopped, committed and closed every client: :func:`exit_without_teardown`;
- faust asks the broker to hold every fetch up to 1.5 s (a literal in its aiokafka
  driver). Kafka answers as soon as data arrives, but the embedded broker (Tansu) lets
  the wait run, so each of the worker's two hops (raw page, candidate) cost up to 1.5 s:
  :func:`prompt_fetches` shortens the wait where short group timeouts are asked for.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from typing import Any, Awaitable, Callable, NoReturn

import faust
from faust.tables.manager import TableManager
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, Consumer

from worker.heap import load_settled
from worker.pipeline.process import warm_up
from worker.stream.shutdown import ShutdownWatchdog, flush_outputs

log = logging.getLogger("newsworker")

SENTINEL_S = 0.1
FAST_FETCH_MAX_WAIT_MS = 100


class PromptTableManager(TableManager):
    """faust's table manager without its fixed one-second wait before registering the
    changelog channels (every table of ours exists before the app starts)."""

    async def on_start(self) -> None:
        if not self.should_stop:
            await self._update_channels()
            await self.recovery.start()


class PromptWorker(faust.Worker):
    """faust's worker with a short final sentinel (shutting down took a whole second after
    everything had stopped) and, when ``watchdog`` is set, a deadline on the stop a
    signal starts (``worker/stream/shutdown.py``)."""

    watchdog: ShutdownWatchdog | None = None
    background: tuple[Callable[[], Awaitable[None]], ...] = ()  # started at the first start, before any recovery

    async def _sentinel_task(self) -> None:
        await asyncio.sleep(SENTINEL_S)

    async def on_first_start(self) -> None:
        await super().on_first_start()
        for make in self.background:
            self.add_future(make())

    def _schedule_shutdown(self, signal: Any) -> None:
        if self.watchdog is not None:
            self.watchdog.arm(self.loop)
        super()._schedule_shutdown(signal)


class WarmUp:
    """The core's one-off loading, in a daemon thread. The resources are :class:`Lazy`
    (built under a lock), so a page that arrives first simply waits for them: the result
    is the same, only earlier. ``done`` is for readiness checks."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self.seconds: float | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="newsworker-warm-up", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            load_settled(warm_up)  # full collections would otherwise walk the loaded tables (worker/heap.py)
        except BaseException as exc:  # noqa: BLE001 - the first page then pays (and reports) it
            self.error = exc
            log.warning("warm-up failed; the first page will load the core itself: %r", exc)
        finally:
            self.seconds = time.perf_counter() - started
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


def warm_up_in_background() -> WarmUp:
    return WarmUp()


def prompt_fetches(app: faust.App, max_wait_ms: int = FAST_FETCH_MAX_WAIT_MS) -> None:
    """Make ``app``'s consumer ask the broker to hold fetches at most ``max_wait_ms``
    instead of faust's fixed 1,500 ms. Call before the app starts. Against Kafka this only
    adds idle fetch requests; against Tansu it takes up to 1.5 s off every hop."""

    class PromptConsumerThread(AIOKafkaConsumerThread):
        def _create_worker_consumer(self, transport: Any) -> Any:
            consumer = super()._create_worker_consumer(transport)
            consumer._fetch_max_wait_ms = max_wait_ms  # read by aiokafka when the consumer starts
            return consumer

    class PromptConsumer(Consumer):
        def _new_consumer_thread(self) -> AIOKafkaConsumerThread:
            return PromptConsumerThread(self, loop=self.loop, beacon=self.beacon)

    app.transport.Consumer = PromptConsumer  # type: ignore[misc]


def exit_without_teardown(code: int) -> NoReturn:
    """End the process once the worker has shut down cleanly (offsets committed, clients
    and process pool closed), skipping the interpreter's teardown, which spent about half
    a second freeing the gazetteer and lexicons object by object. Logs and standard
    streams are flushed first."""
    flush_outputs()
    os._exit(code)
