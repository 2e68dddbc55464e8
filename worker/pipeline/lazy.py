"""One way to load a heavy resource once per process, on first use.

Why lazily: the gazetteer, the topic model and similar tables take a fraction of a second
to build; ``process`` on one small file should not pay for what it never touches, and
the stream worker calls ``warm_up`` to pay it before the first page instead. Why a lock:
the process pool's initializer and a thread may race on the first call.
"""

from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    """``Lazy(build)()`` returns ``build()``'s result, built at most once."""

    __slots__ = ("_build", "_lock", "_value", "_ready")

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: T | None = None
        self._ready = False

    def __call__(self) -> T:
        if not self._ready:
            with self._lock:
                if not self._ready:
                    self._value = self._build()
                    self._ready = True
        return self._value  # type: ignore[return-value]

    def set(self, value: T) -> None:
        """Use ``value`` from now on, without building (a training script that fits a
        model and must use that one, not the file on disk, for what it fits next)."""
        with self._lock:
            self._value, self._ready = value, True

    def reset(self) -> None:
        """Forget the value (tests that swap the underlying data)."""
        with self._lock:
            self._value, self._ready = None, False
