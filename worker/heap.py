"""Keep the cyclic garbage collector off the core's loaded tables.

Loading the core (gazetteer, lexicons, topic model, stopword maps) leaves about 170,000
long-lived objects on the heap that never become garbage. CPython's full (generation 2)
collection walks every tracked object: each took about 110 ms on this machine with
nothing to free, and loading alone set off half a dozen of them (0.5-0.7 s of a 1.4 s
warm-up). Later, as the dedup index grows, more would come while pages wait.

:func:`load_settled` runs the loading with the collector paused, collects once, and moves
everything alive into the permanent generation (``gc.freeze``), which later collections
skip. Objects made afterwards (pages, articles, the dedup index) are collected as usual.
It is used wherever the core is loaded: the stream worker's warm-up, each analysis child,
and ``process`` before its first page.
"""

from __future__ import annotations

import gc
import threading
from typing import Callable, TypeVar

T = TypeVar("T")
_LOCK = threading.Lock()


def load_settled(load: Callable[[], T]) -> T:
    """``load()`` with the collector paused, then :func:`settle_heap`. The pause is
    process-wide (other threads allocate meanwhile too); it lasts one loading, about a
    second, and the collection right after it frees whatever cycles it left."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return load()
    finally:
        if was_enabled:
            gc.enable()
        settle_heap()


def settle_heap() -> int:
    """Collect, then freeze what survives; returns how many objects are now frozen.
    A second call freezes only what was made since."""
    with _LOCK:
        gc.collect()
        gc.freeze()
        return gc.get_freeze_count()
