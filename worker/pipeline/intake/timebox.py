"""A wall-clock bound on one page's core work for synchronous callers.

The core is written to be linear in its input, but a bound that does not depend on that
promise is what keeps one pathological page from stalling a batch. SIGALRM interrupts
pure-Python work between bytecodes, which is where the core spends its time; it is only
available in the main thread, so elsewhere (executor threads) the caller bounds the work
with a future's timeout instead.

The SIGALRM handler is installed once (and again only if something else replaced it),
not per page: swapping handlers twice per page cost more than some stages. Between
pages it stays installed but inert: an alarm that is not ours goes to the handler that
was there before, as it would have without us.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from worker.pipeline.model import PageError

_active: list[float] = []  # the bound of the page being timed (main thread only), else empty
_previous: Any = signal.SIG_DFL  # the handler ours replaced


def _expire(signum: int, frame: Any) -> None:
    if _active:
        raise PageError("timeout", f"page took longer than {_active[-1]:g} s")
    previous = _previous
    if callable(previous):
        previous(signum, frame)
    elif previous == signal.SIG_DFL:  # what an alarm would have done without us: end the process
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGALRM)


class time_limit:
    """``with time_limit(seconds): ...`` raises :class:`PageError` ("timeout") inside the
    block once ``seconds`` of wall time have passed (no bound for ``seconds <= 0`` or off
    the main thread)."""

    __slots__ = ("seconds", "armed")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def __enter__(self) -> None:
        if self.seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return
        global _previous
        current = signal.getsignal(signal.SIGALRM)
        if current is not _expire:
            _previous = current
            signal.signal(signal.SIGALRM, _expire)
        _active.append(self.seconds)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _active.pop()
            self.armed = False
