"""Retention: forget articles older than the retention window, in the index and in the
table (a tombstone per article in the changelog), without long stalls.

Non-windowed faust tables never expire by themselves (faust-streaming #515), so the
stage does it. Look-ups already ignore expired records (``DedupIndex`` compares ``ts``
with the horizon), so eviction only reclaims memory, disk and changelog; it can never
change a verdict, which is why it may lag a little.

* **When.** Every rebuild (each start, restart and rebalance) finds the expired records
  as it reads the table, so a worker restarted more often than the scan interval still
  evicts. Between rebuilds, a scan of the index runs every ``interval`` (an hour, or an
  eighth of the retention window when that is shorter).
* **Bounded.** The scan is a task that yields to the event loop every few milliseconds.
  Deletion happens inside the dedup agent's events (faust's RocksDB store only writes
  within an event), at most ``batch`` articles per event, through the index's own
  eviction (``EvictionView``). An idle stage therefore deletes nothing until the next
  candidate arrives; nothing it holds is judged against meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque

from worker.pipeline.dedup.fingerprint import DedupConfig
from worker.pipeline.dedup.index import DedupIndex
from worker.stream.state.index_store import EvictionView, MirroredStore
from worker.stream.state.recovery import Pacer, Rebuilt

log = logging.getLogger("newsworker.dedup")

SCAN_EVERY_S = 3600.0
EVICT_BATCH = 256  # articles deleted per dedup event, at most


class Retention:
    def __init__(self, store: MirroredStore, config: DedupConfig, *, batch: int = EVICT_BATCH) -> None:
        self.store = store
        self.config = config
        self.batch = batch
        self.interval = min(SCAN_EVERY_S, max(1.0, config.retention_seconds / 8))
        self.pending: deque[str] = deque()
        self.evicted = 0  # since the process started
        self._round = 0  # deleted since pending was last empty
        self._scan: asyncio.Task[None] | None = None
        self._next_scan = time.monotonic() + self.interval

    def restart(self, rebuilt: Rebuilt) -> None:
        """After a rebuild: its expired records are the next to delete."""
        self.cancel()
        self.pending.extend(rebuilt.expired)
        self._next_scan = time.monotonic() + self.interval
        if rebuilt.expired:
            log.info("dedup records past retention found on recovery; deleting them", extra={"articles": len(rebuilt.expired)})

    def cancel(self) -> None:
        """The index is about to be replaced: what was found no longer applies."""
        if self._scan is not None and not self._scan.done():
            self._scan.cancel()
        self._scan = None
        self.pending.clear()

    def step(self, now: float) -> int:
        """Called inside a dedup event: delete at most ``batch`` expired articles, or
        start a scan when one is due. Returns how many articles were deleted."""
        if not self.pending:
            if self._scan is None and time.monotonic() >= self._next_scan:
                self._scan = asyncio.ensure_future(self._find_expired(now - self.config.retention_seconds))
            return 0
        batch = [self.pending.popleft() for _ in range(min(self.batch, len(self.pending)))]
        view = EvictionView(self.store, batch)
        try:
            removed = DedupIndex(view, self.config).evict_older_than(now - self.config.retention_seconds)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a failed deletion must not cost the event its verdict
            log.exception("dedup eviction failed for a batch of %d; the next scan finds them again", len(batch))
            return 0
        self.evicted += removed
        self._round += removed
        if not self.pending:
            log.info("dedup state evicted", extra={"articles": self._round})
            self._round = 0
        return removed

    async def _find_expired(self, horizon: float) -> None:
        pacer = Pacer()
        found: list[str] = []
        try:
            for article_id, record in self.store.memory.iter_articles():
                if record.ts < horizon:
                    found.append(article_id)
                await pacer.tick()
        except Exception:  # noqa: BLE001 - retention is housekeeping: log, retry next interval
            log.exception("dedup retention scan failed")
            return
        finally:
            self._next_scan = time.monotonic() + self.interval
            self._scan = None
        self.pending.extend(found)
