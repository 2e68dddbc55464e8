"""The dedup stage's state, assembled: one faust Table as the durable truth, the
in-memory index derived from it, recovery and retention.

Only one record per article goes to the changelog (a put per new article, a tombstone
per eviction); the exact-hash and band look-ups are rebuilt from the table after every
recovery, which keeps the changelog an order of magnitude smaller than changelogging
every band bucket.

The stage reads a single-partition topic (``DEDUP_PARTITIONS``) so that one total order
decides which of two near-duplicates came first, whichever page partitions they arrived
on; see ``worker/pipeline/dedup/index.py`` for the reasoning and the scale-out path.
"""

from __future__ import annotations

import asyncio
from typing import Any

import faust

from worker.config import Settings
from worker.pipeline.dedup.index import DedupIndex
from worker.stream.state.index_store import MirroredStore
from worker.stream.state.recovery import Rebuilt, Recovery
from worker.stream.state.retention import Retention
from worker.stream.state.table import TableRecords

DEDUP_PARTITIONS = 1


class DedupState:
    def __init__(self, app: faust.App, settings: Settings, metrics: Any = None) -> None:
        self.app = app
        self.config = settings.dedup_config()
        # The state version is in the name: new shingling or banding starts from fresh state.
        self.table = app.Table(
            f"dedup-articles-{self.config.state_version()}",
            partitions=DEDUP_PARTITIONS,
            key_type=str,
            value_type=bytes,  # packed records (worker.pipeline.dedup.record); faust stores bytes raw
        )
        self.records = TableRecords(self.table)
        self.store = MirroredStore(self.records)
        self.index = DedupIndex(self.store, self.config)
        self.retention = Retention(self.store, self.config)
        self.recovery = Recovery(
            app, self.records, self.store, self.config,
            on_rebuilt=self._on_rebuilt, on_invalidated=self.retention.cancel, stop=self._stop,
        )
        self.table.on_recover(self.recovery.on_recovered)
        app.on_partitions_revoked.connect(self.recovery.on_revoked)

    def _on_rebuilt(self, result: Rebuilt) -> None:
        if result.index is not None:  # the template-wording and feature sketches are derived state too
            self.index.adopt(result.index)
        self.retention.restart(result)

    @property
    def current(self) -> asyncio.Event:
        return self.recovery.current

    async def wait_current(self, message: Any) -> bool:
        return await self.recovery.wait_current(message)

    def ready(self) -> bool:
        return self.recovery.current.is_set() and self.recovery.failure is None

    def maybe_evict(self, now: float) -> int:
        """Called from inside the dedup agent's event (faust's RocksDB store writes only
        there): a bounded step of retention."""
        return self.retention.step(now)

    def size(self) -> int:
        return self.store.remembered()

    async def _stop(self, exc: BaseException) -> None:
        """Crash the app: the faust worker stops and ``newsworker run`` exits 1."""
        await self.app.crash(exc)
