"""One stats object for every stage of the core: what it did, what it dropped and why,
and how long it took.

Why one object passed in rather than module counters: the batch command, the stream
worker and the benchmarks each want the same figures for their own run, and a page
analysed in a child process must carry its figures back to the parent. A plain object of
plain dicts does both (it pickles, and :meth:`Stats.merge` adds one into another).

The model is datatrove's ``stat_update`` / ``track_time``: a stage calls :meth:`did` for
work done, :meth:`drop` for content it removed (always with a reason), and wraps its work
in :meth:`timed`. Nothing a stage removes may go uncounted: an operator whose articles
vanish reads ``dropped`` to see which stage took them.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

# Stage names, fixed so that metrics and reports line up across the code.
INTAKE = "intake"
SEGMENT = "segment"
HTML = "html"
CLEANUP = "cleanup"
TAGGING = "tagging"
FINGERPRINT = "fingerprint"
DEDUP = "dedup"
PUBLISH = "publish"
STAGES = (INTAKE, SEGMENT, HTML, CLEANUP, TAGGING, FINGERPRINT, DEDUP, PUBLISH)


class Stats:
    """Counters keyed by (stage, name) and seconds per stage. ``last_drop`` remembers the
    most recent drop so that a page left with nothing can say which stage took its text."""

    __slots__ = ("counts", "dropped", "seconds", "last_drop")

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}
        self.dropped: dict[str, dict[str, int]] = {}
        self.seconds: dict[str, float] = {}
        self.last_drop: tuple[str, str] | None = None

    def did(self, stage: str, what: str, n: int = 1) -> None:
        bucket = self.counts.get(stage)
        if bucket is None:
            bucket = self.counts[stage] = {}
        bucket[what] = bucket.get(what, 0) + n

    def drop(self, stage: str, reason: str, n: int = 1) -> None:
        if n <= 0:
            return
        bucket = self.dropped.get(stage)
        if bucket is None:
            bucket = self.dropped[stage] = {}
        bucket[reason] = bucket.get(reason, 0) + n
        self.last_drop = (stage, reason)

    def add_time(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def timed(self, stage: str) -> "_Timer":
        """``with stats.timed(stage): ...`` adds the block's wall time to ``stage``. A
        slotted object rather than a ``@contextmanager`` generator: it runs several times
        per article, and the generator machinery cost more than the timing."""
        return _Timer(self.seconds, stage)

    def merge(self, other: "Stats") -> None:
        """Add ``other`` into this one: the same result as replaying every ``did``,
        ``drop`` and ``add_time`` of ``other``, in bulk (the callers merge once per page)."""
        counts = self.counts
        for stage, bucket in other.counts.items():
            mine = counts.get(stage)
            if mine is None:
                counts[stage] = dict(bucket)
                continue
            get = mine.get
            for what, n in bucket.items():
                mine[what] = get(what, 0) + n
        dropped = self.dropped
        last = None
        for stage, bucket in other.dropped.items():
            mine = dropped.get(stage)
            for reason, n in bucket.items():
                if n <= 0:  # as drop(): nothing dropped, nothing recorded
                    continue
                if mine is None:
                    mine = dropped[stage] = {}
                mine[reason] = mine.get(reason, 0) + n
                last = (stage, reason)
        seconds = self.seconds
        for stage, s in other.seconds.items():
            seconds[stage] = seconds.get(stage, 0.0) + s
        if other.last_drop is not None:
            self.last_drop = other.last_drop
        elif last is not None:
            self.last_drop = last

    def dropped_total(self, stage: str | None = None) -> int:
        buckets = [self.dropped.get(stage, {})] if stage else list(self.dropped.values())
        return sum(n for b in buckets for n in b.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {s: dict(sorted(b.items())) for s, b in sorted(self.counts.items())},
            "dropped": {s: dict(sorted(b.items())) for s, b in sorted(self.dropped.items())},
            "seconds": {s: round(v, 6) for s, v in sorted(self.seconds.items())},
        }

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.counts, self.dropped, self.seconds, self.last_drop)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.counts, self.dropped, self.seconds, self.last_drop = state


class _Timer:
    """The context manager behind :meth:`Stats.timed`."""

    __slots__ = ("seconds", "stage", "started")

    def __init__(self, seconds: dict[str, float], stage: str) -> None:
        self.seconds = seconds
        self.stage = stage

    def __enter__(self) -> None:
        self.started = perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = perf_counter() - self.started
        seconds = self.seconds
        seconds[self.stage] = seconds.get(self.stage, 0.0) + elapsed
