"""Our own offset bookkeeping: commit exactly the contiguous prefix of each partition
whose every offset was processed (its outputs confirmed by the broker) or is known to be
empty.

Why not faust's. faust-streaming 0.15 decides what to commit from the offsets its streams
acknowledged plus "gaps" it infers from jumps in the offsets it reads
(``Consumer._new_offset``, ``_add_gap``): a jump made by a batch fetched before a
rebalance's seek (faust-streaming #216, #596, #606) is committed as if processed; its
head-of-queue check lets a one-offset hole through and is skipped when the committed
offset is ``None`` or 0; aiokafka does not even seek when the committed offset is 0; and
a log start moved past the committed offset (retention, DeleteRecords) stalls a
partition's commits for good while the acked list grows. And an acknowledgement there
means "the agent moved on", not "the outputs arrived".

What we do instead:

- **Processed** means the agent called :meth:`OffsetTracker.finish` for the offset, which
  the stream shell does only once every record the input produced was acknowledged by the
  broker (or its dead letter was). Until then the offset blocks the prefix.
- **Known empty** offsets come from what the fetch itself returned: aiokafka hands out a
  fetch's records only while the consumer's position equals the fetch's next offset
  (``FetchResult.check_assignment``), so the position before and after each ``getall`` is
  exactly the span that fetch covered; offsets in that span without a record are
  transaction markers, aborted or compacted records. Offsets below the partition's log
  start (retention, DeleteRecords) are known empty once :meth:`OffsetTracker.stalled`
  asks the broker for the log start.
- **The base** (where the prefix starts) is the group's committed offset, read when faust
  seeks to it after an assignment; with no commit at all (``None``) or 0, we seek to the
  log start ourselves, since aiokafka leaves the position where it was.
- A hole that is neither processed, in flight nor empty, with later offsets done (a
  message faust skipped), is never committed past; the stream shell seeks back to it.

:func:`install` hooks faust and aiokafka at the few points named in ``_HOOKS`` and fails
at start-up when any of them is missing, so that an upgrade cannot silently turn this off.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

log = logging.getLogger("newsworker.offsets")

TP = tuple[str, int]
DRAIN_SECONDS = 15.0
"""How long a stop or revocation waits for outputs still on their way before its commit."""


@dataclass(slots=True)
class _Partition:
    generation: int
    base: int | None = None  # next offset not yet known processed-or-empty; the commit position
    done: set[int] = field(default_factory=set)  # processed offsets at or above base
    empty: list[tuple[int, int]] = field(default_factory=list)  # heap of known-empty [start, end)
    in_flight: dict[int, int] = field(default_factory=dict)  # offset -> events begun and not finished
    last_committed: int | None = None
    hole: int | None = None  # offset the prefix is stuck at, and since when
    hole_since: float = 0.0
    fetched_end: int | None = None  # end of the furthest span a fetch handed out


@dataclass(frozen=True, slots=True)
class Token:
    """One input being processed; hand it back to :meth:`OffsetTracker.finish`."""

    tp: TP
    offset: int
    generation: int


class OffsetTracker:
    """Per-partition processed offsets of the topics in ``topics``; thread-safe (aiokafka's
    fetches run in faust's consumer thread)."""

    def __init__(self, topics: Iterable[str]) -> None:
        self.topics = frozenset(topics)
        self._parts: dict[TP, _Partition] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self.frozen: str | None = None
        self._last_begin: dict[str, float] = {}  # topic -> when an event of it was last begun
        _TRACKERS.add(self)

    # -- assignment -------------------------------------------------------------------

    def tracks(self, tp: Any) -> bool:
        return tp[0] in self.topics

    def assign(self, tps: Iterable[Any]) -> None:
        """Partitions assigned. What an earlier assignment knew was dropped by
        :meth:`revoke` (faust revokes every partition before each new assignment); state a
        seek or fetch of this assignment created already is kept, whatever the order in
        which faust runs its callbacks."""
        with self._lock:
            for tp in tps:
                if self.tracks(tp):
                    self._new_part(tp)

    def _new_part(self, tp: Any) -> _Partition:
        key = (tp[0], tp[1])
        p = self._parts.get(key)
        if p is None:
            self._generation += 1
            p = self._parts[key] = _Partition(self._generation)
        return p

    def revoke(self, tps: Iterable[Any]) -> None:
        with self._lock:
            for tp in tps:
                self._parts.pop((tp[0], tp[1]), None)

    def partitions(self) -> list[TP]:
        with self._lock:
            return list(self._parts)

    def set_base(self, tp: Any, offset: int) -> None:
        """The committed offset this assignment starts from (the next offset to read)."""
        with self._lock:
            p = self._new_part(tp) if self.tracks(tp) else None
            if p is not None and offset >= 0:
                p.base = offset
                p.last_committed = offset
                p.done = {o for o in p.done if o >= offset}

    def base(self, tp: Any) -> int | None:
        with self._lock:
            p = self._part(tp)
            return None if p is None else p.base

    def _part(self, tp: Any) -> _Partition | None:
        return self._parts.get((tp[0], tp[1]))

    # -- what the fetch returned ----------------------------------------------------------

    def fetched(self, tp: Any, start: int, end: int, offsets: list[int]) -> None:
        """A fetch covered offsets ``[start, end)`` and returned records at ``offsets``
        (ascending): every other offset in the span is empty."""
        with self._lock:
            p = self._new_part(tp) if self.tracks(tp) else None
            if p is None or end <= start:
                return
            if offsets:
                p.fetched_end = end if p.fetched_end is None else max(p.fetched_end, end)
            prev = start
            for offset in offsets:
                if offset > prev:
                    heapq.heappush(p.empty, (prev, offset))
                prev = offset + 1
            if end > prev:
                heapq.heappush(p.empty, (prev, end))

    def mark_empty(self, tp: Any, start: int, end: int) -> None:
        """Offsets ``[start, end)`` hold nothing (e.g. below the log start)."""
        with self._lock:
            p = self._part(tp)
            if p is not None and end > start:
                heapq.heappush(p.empty, (start, end))

    # -- processing -------------------------------------------------------------------

    def begin(self, tp: Any, offset: int) -> Token:
        with self._lock:
            p = self._new_part(tp) if self.tracks(tp) else None
            generation = -1
            if p is not None:
                generation = p.generation
                p.in_flight[offset] = p.in_flight.get(offset, 0) + 1
                self._last_begin[tp[0]] = time.monotonic()
            return Token((tp[0], tp[1]), offset, generation)

    def finish(self, token: Token, *, processed: bool = True) -> None:
        """The input is done. ``processed=False`` only releases it (its outputs were not
        all delivered): the offset keeps blocking the prefix."""
        with self._lock:
            p = self._parts.get(token.tp)
            if p is None or p.generation != token.generation:
                return  # revoked meanwhile: the next owner reads it again
            n = p.in_flight.get(token.offset, 0)
            if n <= 1:
                p.in_flight.pop(token.offset, None)
            else:
                p.in_flight[token.offset] = n - 1
            if processed and (p.base is None or token.offset >= p.base):
                p.done.add(token.offset)

    def in_flight(self) -> int:
        with self._lock:
            return sum(len(p.in_flight) for p in self._parts.values())

    # -- committing -------------------------------------------------------------------

    def freeze(self, reason: str) -> None:
        """Commit nothing more (a record could not be delivered, not even as a dead letter)."""
        self.frozen = reason

    def committable(self, tp: Any) -> int | None:
        """The offset to commit for ``tp`` (next to read), or None when it has not moved
        since the last commit (or the tracker is frozen)."""
        with self._lock:
            p = self._part(tp)
            if p is None or p.base is None:
                return None
            b = self._advance(p)
            if self.frozen is not None or (p.last_committed is not None and b <= p.last_committed):
                return None
            return b

    def committed(self, tp: Any, offset: int) -> None:
        with self._lock:
            p = self._part(tp)
            if p is not None:
                p.last_committed = offset if p.last_committed is None else max(p.last_committed, offset)

    def last_committed(self, tp: Any) -> int | None:
        with self._lock:
            p = self._part(tp)
            return None if p is None else p.last_committed

    @staticmethod
    def _advance(p: _Partition) -> int:
        b = p.base
        assert b is not None
        done, empty = p.done, p.empty
        while True:
            if b in done:
                done.discard(b)
                b += 1
                continue
            while empty and empty[0][1] <= b:
                heapq.heappop(empty)
            if empty and empty[0][0] <= b:
                b = heapq.heappop(empty)[1]
                continue
            break
        p.base = b
        return b

    def stalled(self, min_age: float, now: float | None = None, *, tail_age: float | None = None) -> list[tuple[TP, int]]:
        """Partitions whose prefix has been stuck for ``min_age`` seconds at an offset that
        is neither in flight nor known empty while a later offset was begun: (tp, the
        stuck offset). A partition's events are processed in order, so that offset was
        skipped (or lies below the log start). The caller asks the broker for the log
        start and, if the offset exists, seeks back to it.

        With ``tail_age``, also the stuck offset nothing later on its partition shows: a
        fetch handed its record out, yet for ``tail_age`` seconds no event of its topic
        was begun and nothing at all is in flight, so the agent sat idle with the record
        neither processed nor in hand (a skip at the end of the partition, or an event
        given up in a rebalance that was never read again). The caller passes it only
        while the worker is ready: during a recovery the agents wait on purpose."""
        now = time.monotonic() if now is None else now
        out = []
        with self._lock:
            idle_everywhere = not any(p.in_flight for p in self._parts.values())
            for tp, p in self._parts.items():
                if p.base is None:
                    continue
                b = self._advance(p)
                later = any(o > b for o in p.done) or any(o > b for o in p.in_flight)
                if not later and tail_age is not None and b not in p.in_flight and idle_everywhere:
                    idle_since = self._last_begin.get(tp[0])
                    fetched_past = p.fetched_end is not None and p.fetched_end > b
                    if fetched_past and (idle_since is None or now - idle_since >= tail_age):
                        if p.hole != b:
                            p.hole, p.hole_since = b, now
                        if now - p.hole_since >= tail_age:
                            out.append((tp, b))
                            p.hole_since = now
                        continue
                if b in p.in_flight or not later:
                    p.hole = None
                    continue
                if p.hole != b:
                    p.hole, p.hole_since = b, now
                if now - p.hole_since >= min_age:
                    out.append((tp, b))
                    p.hole_since = now  # ask again only after another min_age
        return out


# -- hooks into faust and aiokafka ---------------------------------------------------------

_TRACKERS: "weakref.WeakSet[OffsetTracker]" = weakref.WeakSet()
_installed = False


def _tracker_of(consumer: Any) -> OffsetTracker | None:
    app = getattr(consumer, "app", None)
    return getattr(app, "newsworker_offsets", None)


def _hooks() -> dict[str, tuple[Any, str]]:
    from aiokafka.consumer.fetcher import FetchResult
    from faust.transport import consumer as faust_consumer
    from faust.transport.drivers import aiokafka as faust_aiokafka

    return {
        "faust Consumer._new_offset": (faust_consumer.Consumer, "_new_offset"),
        "faust Consumer._add_gap": (faust_consumer.Consumer, "_add_gap"),
        "faust Consumer._filter_tps_with_pending_acks": (faust_consumer.Consumer, "_filter_tps_with_pending_acks"),
        "faust Consumer._commit_offsets": (faust_consumer.Consumer, "_commit_offsets"),
        "faust Consumer.seek": (faust_consumer.Consumer, "seek"),
        "faust Consumer.wait_empty": (faust_consumer.Consumer, "wait_empty"),
        "faust Consumer.commit_and_end_transactions": (faust_consumer.Consumer, "commit_and_end_transactions"),
        "faust Consumer.earliest_offsets": (faust_aiokafka.Consumer, "earliest_offsets"),
        "faust aiokafka Consumer.seek_to_committed": (faust_aiokafka.Consumer, "seek_to_committed"),
        "aiokafka FetchResult.getall": (FetchResult, "getall"),
        "aiokafka FetchResult.check_assignment": (FetchResult, "check_assignment"),
    }


def check_internals() -> None:
    """Raise when a faust or aiokafka internal we hook is missing (an upgrade moved it)."""
    missing = [name for name, (owner, attr) in _hooks().items() if not callable(getattr(owner, attr, None))]
    if missing:
        raise RuntimeError(
            "newsworker's offset tracker cannot hook this faust/aiokafka version (missing: "
            + ", ".join(missing) + "); refusing to run with faust's own gap-skipping commits"
        )


def install() -> None:
    """Hook faust and aiokafka (once per process). Apps opt in by setting
    ``app.newsworker_offsets`` to a tracker; others keep faust's behaviour."""
    global _installed
    check_internals()
    if _installed:
        return
    from aiokafka.consumer.fetcher import FetchResult
    from faust.transport import consumer as faust_consumer
    from faust.transport.drivers import aiokafka as faust_aiokafka

    Consumer = faust_consumer.Consumer
    orig_new_offset = Consumer._new_offset
    orig_add_gap = Consumer._add_gap
    orig_filter = Consumer._filter_tps_with_pending_acks
    orig_commit_offsets = Consumer._commit_offsets
    orig_seek_to_committed = faust_aiokafka.Consumer.seek_to_committed
    orig_getall = FetchResult.getall
    orig_wait_empty = Consumer.wait_empty

    def _new_offset(self: Any, tp: Any) -> int | None:
        tracker = _tracker_of(self)
        if tracker is None or not tracker.tracks(tp):
            return orig_new_offset(self, tp)
        # faust's own ack lists are not used for tracked topics; keep them from growing.
        self._acked.pop(tp, None)
        self._acked_index.pop(tp, None)
        return tracker.committable(tp)

    async def _add_gap(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
        tracker = _tracker_of(self)
        if tracker is None or not tracker.tracks(tp):
            await orig_add_gap(self, tp, offset_from, offset_to)
        # Tracked topics learn empty offsets from the fetch itself, never from a jump.

    def _filter_tps_with_pending_acks(self: Any, topics: Any = None) -> Iterator[Any]:
        tracker = _tracker_of(self)
        seen = set()
        for tp in orig_filter(self, topics):
            seen.add(tp)
            yield tp
        if tracker is not None:
            from faust.types import TP as FaustTP

            for topic, partition in tracker.partitions():
                tp = FaustTP(topic, partition)
                if tp not in seen and (topics is None or tp in topics or topic in topics):
                    yield tp

    async def _commit_offsets(self: Any, offsets: Any, start_new_transaction: bool = True) -> bool:
        did = await orig_commit_offsets(self, offsets, start_new_transaction=start_new_transaction)
        tracker = _tracker_of(self)
        if did and tracker is not None:
            for tp, offset in offsets.items():
                if tracker.tracks(tp):
                    tracker.committed(tp, offset)
        return did

    async def seek_to_committed(self: Any) -> Any:
        committed = await orig_seek_to_committed(self)
        tracker = _tracker_of(self)
        if tracker is None:
            return committed
        unknown = [tp for tp, offset in committed.items() if tracker.tracks(tp) and not (offset and offset > 0)]
        for tp, offset in committed.items():
            if tracker.tracks(tp) and offset and offset > 0:
                tracker.set_base(tp, offset)
        if unknown:
            # No commit (None) or 0: aiokafka leaves the position wherever it was; read from
            # the log start, as auto_offset_reset=earliest means.
            starts = await self.earliest_offsets(*unknown)
            for tp in unknown:
                start = int(starts.get(tp) or 0)
                tracker.set_base(tp, start)
                await self.seek(tp, start)
        return committed

    async def wait_empty(self: Any) -> None:
        """faust waits for its streams before the commit of a stop or a revocation; our
        inputs are done only when their outputs are delivered, so wait for those too
        (bounded), then make sure the commit happens: faust's ``commit`` returns without
        committing when its periodic commit is running at that moment."""
        await orig_wait_empty(self)
        tracker = _tracker_of(self)
        if tracker is None:
            return
        import asyncio

        if tracker.in_flight():
            try:
                await self.app.producer.flush()
            except Exception:  # noqa: BLE001 - the deliveries' own futures say what failed
                pass
            deadline = time.monotonic() + DRAIN_SECONDS
            while tracker.in_flight() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        for _ in range(5):
            if not any(tracker.committable(tp) is not None for tp in tracker.partitions()):
                return
            await self.commit_and_end_transactions()
            await asyncio.sleep(0.05)

    def getall(self: Any, max_records: Any = None) -> Any:
        tp = self._topic_partition
        before = None
        try:
            state = self._assignment.state_value(tp)
            before = state.position if state is not None else None
        except Exception:  # noqa: BLE001 - unassigned: getall returns nothing either
            state = None
        records = orig_getall(self, max_records)
        if records and before is not None and state is not None:
            after = state.position
            for tracker in list(_TRACKERS):
                if tracker.tracks(tp):
                    tracker.fetched(tp, before, after, [r.offset for r in records])
        return records

    Consumer._new_offset = _new_offset  # type: ignore[method-assign]
    Consumer._add_gap = _add_gap  # type: ignore[method-assign]
    Consumer._filter_tps_with_pending_acks = _filter_tps_with_pending_acks  # type: ignore[method-assign]
    Consumer._commit_offsets = _commit_offsets  # type: ignore[method-assign]
    faust_aiokafka.Consumer.seek_to_committed = seek_to_committed  # type: ignore[method-assign]
    Consumer.wait_empty = wait_empty  # type: ignore[method-assign]
    FetchResult.getall = getall  # type: ignore[method-assign]
    _installed = True
