"""Page analysis in child processes (``NEWSWORKER_PROCESS_WORKERS>0``), off the event loop.

A pool of processes fails in two ways a stream worker must survive: a child dies (the
OOM killer, a crash in C code), which breaks the whole ``ProcessPoolExecutor`` for good,
and a child stops answering (C code SIGALRM cannot interrupt), which keeps its slot for
good. Either way the pool is thrown away, its children killed, and a fresh one started;
the page becomes a dead letter that names it (or, after a death, is tried once more on
the fresh pool). Replacements are counted in ``newsworker_process_pool_replaced_total``
and consecutive failures make ``/readyz`` say 503.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

from worker.pipeline.intake.deadletter import dead_letter
from worker.pipeline.intake.decode import identity_of
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin, PageError
from worker.pipeline.segment.sitelines import SiteLineSketch
from worker.heap import load_settled
from worker.pipeline.process import PageOutcome, handle_input, warm_up
from worker.stream.metrics import Metrics

log = logging.getLogger("newsworker")

POOL_START_S = 120.0
"""How long a new pool's children may take to start and warm up (load the gazetteer and
lexicons) before its first page; not charged to that page's time limit."""


def _init_child() -> None:
    """Pool children are forked from the event loop's process and inherit its signal
    wake-up fd: a SIGTERM the pool sends a child (``terminate_broken`` after another child
    died) would be written into the parent's loop, which then shuts the whole worker
    down. Children get default signal handling and no wake-up fd."""
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    load_settled(warm_up)


_SITES: SiteLineSketch | None = None  # this child's own per-site line sketch, when enabled


def _analyze_in_child(data: bytes, origin: Origin, limits: Limits, schemas: Path | None, site_lines: bool) -> PageOutcome:
    global _SITES
    if site_lines and _SITES is None:
        _SITES = SiteLineSketch()
    return handle_input(data, origin, limits, schemas=schemas, sites=_SITES if site_lines else None)


def _ready() -> bool:
    return True


class AnalysisPool:
    def __init__(self, workers: int, limits: Limits, schemas: Path | None, metrics: Metrics, site_lines: bool = False) -> None:
        self.workers = workers
        self.site_lines = site_lines
        self.limits = limits
        self.schemas = schemas
        self.metrics = metrics
        self.failures = 0  # consecutive pages the pool failed
        self._pool: ProcessPoolExecutor | None = None
        self._cold = True

    def _new(self) -> ProcessPoolExecutor:
        self._cold = True
        return ProcessPoolExecutor(max_workers=self.workers, initializer=_init_child)

    def replace(self, why: str) -> None:
        """Throw the pool away, killing its children (a stuck one keeps its slot
        otherwise), and start a fresh one."""
        pool, self._pool = self._pool, None
        self.metrics.pool_replaced.labels(why).inc()
        if pool is not None:
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                try:
                    proc.kill()
                except (OSError, AttributeError):
                    pass
            pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new()
        log.warning("analysis process pool replaced", extra={"reason": why})

    def replace_if_broken(self) -> None:
        """A child that died while the pool was idle breaks it silently until the next
        page: called from a timer, so that metrics and readiness say so without a page."""
        if self._pool is not None and getattr(self._pool, "_broken", False):
            self.failures += 1
            self.replace("broken")

    def _dead_letter(self, kind: str, message: str, data: bytes, origin: Origin) -> PageOutcome:
        page_id, url = identity_of(data, self.limits)
        letter = dead_letter(PageError(kind, message), origin, data, max_raw_bytes=self.limits.max_dead_letter_raw_bytes, page_id=page_id, url=url)
        return PageOutcome([], letter)

    async def analyze(self, data: bytes, origin: Origin) -> PageOutcome:
        """``handle_input`` in a child process; never raises."""
        job = partial(_analyze_in_child, data, origin, self.limits, self.schemas, self.site_lines)
        limit = self.limits.page_time_limit_s * 2
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            if self._pool is None:
                self._pool = self._new()
            pool = self._pool
            try:
                if self._cold:
                    # Children start and warm up first: a page's time limit is for the page.
                    await asyncio.wait_for(loop.run_in_executor(pool, _ready), timeout=POOL_START_S)
                    self._cold = False
                outcome = await asyncio.wait_for(loop.run_in_executor(pool, job), timeout=limit)  # submit raises once broken
            except asyncio.TimeoutError:
                # The child is still working (C code SIGALRM cannot stop, or it hangs):
                # it would keep its slot for good, so the pool goes.
                self.failures += 1
                if self._pool is pool:
                    self.replace("stuck")
                return self._dead_letter("timeout", f"page analysis took longer than {limit:g} s; its process was replaced", data, origin)
            except BrokenProcessPool:
                # A child died: every later page would fail the same way. Retry once on a
                # fresh pool; a page that kills it again is the cause.
                if self._pool is pool:  # not already replaced by the timer
                    self.failures += 1
                    self.replace("broken")
                if attempt == 2:
                    return self._dead_letter("internal_error", "the analysis process died twice on this page (BrokenProcessPool)", data, origin)
                continue
            self.failures = 0
            return outcome
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
