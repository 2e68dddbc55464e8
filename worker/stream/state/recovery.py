"""Recovery: from the durable article records to a current in-memory index, and the rule
that nothing is judged until it is current.

faust recovers the table (changelog, and local RocksDB) after every start and
rebalance, then calls :meth:`Recovery.on_recovered`. The index is then rebuilt from the
records in a task of its own, yielding to the event loop every few milliseconds so
heartbeats, the web endpoints and a rebalance are never held up for long.

The rules:

* **Never judge against a partial index.** ``current`` is set only when a rebuild has
  finished for the present assignment; ``/readyz`` stays 503 until then and the dedup
  agent waits (:meth:`Recovery.wait_current`) with no time limit.
* **A rebuild that fails stops the worker** (exit 1, the orchestrator restarts it)
  instead of deciding: a verdict written against a partial index would go to the table,
  its changelog and every later replay.
* **A rebalance never waits on the dedup agent.** faust waits for in-flight events
  before it revokes partitions (``stream_wait_empty``), and the next recovery, the only
  thing that could end the agent's wait, comes after the revoke (faust-streaming #216).
  So when a rebalance starts while the agent waits, the agent gives the event up
  *unacknowledged*: its offset is never committed, and faust seeks back to the committed
  offset when the partition is assigned again, so the event is read and judged later.
  A rebuild in progress is cancelled on revocation; the next recovery starts a new one.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from worker.pipeline.dedup.fingerprint import DedupConfig
from worker.pipeline.dedup.index import ArticleRecord, DedupIndex, DedupStore, MemoryStore
from worker.stream.state.base import RecordStore
from worker.stream.state.index_store import MirroredStore

log = logging.getLogger("newsworker.dedup")

YIELD_EVERY_S = 0.01  # longest stretch of rebuild or scan work between two event-loop turns
POLL_S = 0.1  # how often a waiting agent looks for a rebalance
WARN_EVERY_S = 30.0
SORT_RUN = 50_000  # records sorted in one go during a rebuild


class Pacer:
    """Yields to the event loop once ``budget_s`` of work has passed (checked every 32
    items, so the clock costs nothing measurable)."""

    def __init__(self, budget_s: float = YIELD_EVERY_S) -> None:
        self.budget_s = budget_s
        self._count = 0
        self._since = time.perf_counter()

    async def tick(self) -> None:
        self._count += 1
        if self._count & 31:
            return
        now = time.perf_counter()
        if now - self._since >= self.budget_s:
            await asyncio.sleep(0)
            self._since = time.perf_counter()


@dataclass
class Rebuilt:
    memory: DedupStore  # the fresh in-memory index store
    live: int
    expired: list[str]  # ids past retention: still in the durable store, to be deleted
    seconds: float
    index: DedupIndex | None = None  # the index rebuilt over ``memory``: its derived sketches go to the live index


async def rebuild(records: Iterable[tuple[str, ArticleRecord]], config: DedupConfig, now: float, *, pacer: Pacer | None = None) -> Rebuilt:
    """Derive a fresh in-memory index from durable records, oldest first (so band buckets
    keep their newest-last order). Raises whatever reading a record raises."""
    started = time.perf_counter()
    pacer = pacer or Pacer()
    # Sorted in runs of SORT_RUN with a turn of the loop between them, then merged lazily:
    # one sort of a million records (RocksDB returns them in key order, i.e. shuffled)
    # would hold the loop for a second or more.
    runs: list[list[tuple[float, str, ArticleRecord]]] = []
    run: list[tuple[float, str, ArticleRecord]] = []
    for article_id, record in records:
        run.append((record.ts, article_id, record))
        if len(run) >= SORT_RUN:
            run.sort(key=_by_ts)
            runs.append(run)
            run = []
            await asyncio.sleep(0)
        await pacer.tick()
    run.sort(key=_by_ts)
    runs.append(run)
    memory = MemoryStore()
    fresh = DedupIndex(memory, config)
    horizon = now - config.retention_seconds
    expired: list[str] = []
    total = 0
    for ts, article_id, record in heapq.merge(*runs, key=_by_ts):
        total += 1
        if ts < horizon:
            expired.append(article_id)
        else:
            fresh.restore(article_id, record)
        await pacer.tick()
    return Rebuilt(memory, total - len(expired), expired, time.perf_counter() - started, fresh)


def _by_ts(item: tuple[float, str, ArticleRecord]) -> tuple[float, str]:
    return item[0], item[1]


def give_up_unacked(message: Any) -> None:
    """Let go of an event without acknowledging it. faust's stream acknowledges every
    event once the agent returns; marking the message acknowledged first makes that a
    no-op, so its offset is never counted as processed (the commit stops below it) and
    faust's wait for in-flight events, which drops acknowledged messages, no longer
    waits for it."""
    message.acked = True


class Recovery:
    def __init__(
        self,
        app: Any,
        durable: RecordStore,
        store: MirroredStore,
        config: DedupConfig,
        *,
        on_rebuilt: Callable[[Rebuilt], None],
        on_invalidated: Callable[[], None] = lambda: None,
        stop: Callable[[BaseException], Awaitable[None]],
    ) -> None:
        for attr in ("rebalancing_count", "consumer_generation_id"):
            if not hasattr(app, attr):  # a faust upgrade must not silently break the rebalance rule
                raise RuntimeError(f"faust's app has no {attr!r}; worker/stream/state/recovery.py relies on it")
        self.app = app
        self.durable = durable
        self.store = store
        self.config = config
        self.on_rebuilt = on_rebuilt
        self.on_invalidated = on_invalidated
        self.stop = stop
        # Set while the in-memory index matches the table for the present assignment.
        self.current = asyncio.Event()
        self.failure: BaseException | None = None
        self._epoch = 0
        self._task: asyncio.Task[None] | None = None
        self._given_up_in: tuple[int, int] | None = None

    # -- faust hooks ----------------------------------------------------------------

    async def on_recovered(self) -> None:
        """faust's table-recovery callback. Returns when the rebuild has ended (or was
        cancelled by a revocation); never raises (faust would only log it)."""
        self.invalidate()
        self._task = asyncio.ensure_future(self._rebuild(self._epoch))
        await asyncio.wait({self._task})

    async def on_revoked(self, sender: Any = None, revoked: Any = None, **kwargs: Any) -> None:
        self.invalidate()

    def invalidate(self) -> None:
        """The index no longer matches the assignment: wait for the next rebuild."""
        self._epoch += 1
        self.current.clear()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.on_invalidated()

    async def _rebuild(self, epoch: int) -> None:
        try:
            result = await rebuild(self.durable.items(), self.config, time.time())
        except asyncio.CancelledError:
            log.info("dedup index rebuild cancelled by a rebalance")
            return
        except Exception as exc:  # noqa: BLE001 - any failure means a partial index
            self.failure = exc
            log.critical("dedup index rebuild failed, stopping the worker rather than judge against a partial index: %s: %s", type(exc).__name__, exc)
            await self.stop(exc)
            return
        if epoch != self._epoch:  # a revocation came while the last chunk ran
            return
        self.store.memory = result.memory
        self.on_rebuilt(result)
        self.current.set()
        log.info("dedup index rebuilt", extra={"articles": result.live, "expired": len(result.expired), "seconds": round(result.seconds, 3)})

    # -- the dedup agent's side -----------------------------------------------------

    def _rebalance_mark(self) -> tuple[int, int]:
        return int(self.app.rebalancing_count), int(self.app.consumer_generation_id or 0)

    async def wait_current(self, message: Any) -> bool:
        """True once the index is current. False when a rebalance started while waiting:
        the event was given up unacknowledged and will be delivered again after it."""
        if self.current.is_set():
            return True
        if self._given_up_in is not None and self._given_up_in == self._rebalance_mark():
            # An event fetched before this rebalance emptied the agent's buffer: give it
            # up too (waiting now would hold up the rebalance again).
            give_up_unacked(message)
            return False
        start = self._rebalance_mark()
        waited = 0.0
        while True:
            try:
                await asyncio.wait_for(self.current.wait(), timeout=POLL_S)
                return True
            except asyncio.TimeoutError:
                waited += POLL_S
            mark = self._rebalance_mark()
            if mark[0] != start[0]:
                self._given_up_in = mark
                give_up_unacked(message)
                log.info("rebalance while waiting for the dedup index; %s@%s left unacknowledged, it will be read again", message.topic, message.offset)
                return False
            if waited >= WARN_EVERY_S:
                waited = 0.0
                log.warning("dedup index still rebuilding; %s@%s waits (nothing is judged before the index is current)", message.topic, message.offset)
