"""A wall-clock bound on one page's core work for synchronous callers.

The core is written to be linear in its input, but a bound that does not depend on that
promise is what keeps one pathological page from stalling a batch. SIGALRM interrupts
pure-Python work between bytecodes, which is where the core spends its time; it is only
available in the main thread, so elsewhere (executor threads) the caller bounds the work
with a future's timeout instead.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from worker.pipeline.model import PageError


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expire(signum: int, frame: object) -> None:
        raise PageError("timeout", f"page took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
