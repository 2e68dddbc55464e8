"""The offset tracker that decides what the worker commits: exactly the contiguous prefix
of processed or known-empty offsets of each partition."""

from __future__ import annotations

import pytest

from worker.stream import offsets as offsets_mod
from worker.stream.offsets import OffsetTracker

TP = ("pages.raw", 0)


def tracker(base: int | None = 0) -> OffsetTracker:
    t = OffsetTracker({"pages.raw"})
    t.assign([TP])
    if base is not None:
        t.set_base(TP, base)
    return t


def process(t: OffsetTracker, *offsets: int) -> None:
    for o in offsets:
        t.finish(t.begin(TP, o))


def test_contiguous_prefix_is_committed() -> None:
    t = tracker(0)
    process(t, 0, 1, 2)
    assert t.committable(TP) == 3
    t.committed(TP, 3)
    assert t.committable(TP) is None, "nothing new since the last commit"


def test_a_one_offset_hole_is_never_committed_past() -> None:
    t = tracker(40)
    process(t, 40, 42, 43)
    assert t.committable(TP) == 41
    t.committed(TP, 41)
    assert t.committable(TP) is None
    process(t, 41)
    assert t.committable(TP) == 44


def test_a_hole_at_the_head_with_committed_offset_zero_blocks_everything() -> None:
    t = tracker(0)
    process(t, 1, 2, 3)
    assert t.committable(TP) is None  # offset 0 was never processed
    process(t, 0)
    assert t.committable(TP) == 4


def test_without_a_known_committed_offset_nothing_is_committed() -> None:
    t = tracker(None)
    process(t, 0, 1, 2)
    assert t.committable(TP) is None


def test_outputs_not_delivered_keep_blocking() -> None:
    t = tracker(0)
    process(t, 0)
    token = t.begin(TP, 1)
    process(t, 2)
    assert t.committable(TP) == 1
    t.finish(token, processed=False)
    assert t.committable(TP) == 1, "never past an input whose outputs were not delivered"


def test_empty_offsets_reported_by_the_fetch_are_skipped() -> None:
    """Transaction markers, aborted or compacted records: the fetch covered [10, 20) and
    returned records only at 10, 11, 15 and 19."""
    t = tracker(10)
    t.fetched(TP, 10, 20, [10, 11, 15, 19])
    process(t, 10, 11)
    assert t.committable(TP) == 15  # 12-14 are empty, 15 is not processed yet
    process(t, 15)
    assert t.committable(TP) == 19
    process(t, 19)
    assert t.committable(TP) == 20


def test_a_jump_between_fetches_is_not_empty() -> None:
    """The faust #216 case: a later fetch starts past offsets nobody processed."""
    t = tracker(10)
    t.fetched(TP, 10, 12, [10, 11])
    t.fetched(TP, 15, 18, [15, 16, 17])
    process(t, 10, 11, 15, 16, 17)
    assert t.committable(TP) == 12
    assert t.stalled(min_age=5.0, now=100.0) == []  # first seen: not yet stalled
    assert t.stalled(min_age=5.0, now=106.0) == [(TP, 12)]
    process(t, 12, 13, 14)  # read again after the seek back
    assert t.committable(TP) == 18
    assert t.stalled(min_age=5.0, now=200.0) == []


def test_log_start_jump_is_resolved_by_marking_the_range_empty() -> None:
    """Retention or DeleteRecords moved the log start from 5 to 100 past the committed 5."""
    t = tracker(5)
    t.fetched(TP, 100, 103, [100, 101, 102])
    process(t, 100, 101, 102)
    assert t.committable(TP) is None
    assert t.stalled(min_age=0.0) == [(TP, 5)]
    t.mark_empty(TP, 5, 100)
    assert t.committable(TP) == 103


def test_in_flight_offsets_are_not_holes() -> None:
    t = tracker(0)
    t.begin(TP, 0)
    process(t, 1)
    assert t.stalled(min_age=0.0) == []


def test_redelivery_is_idempotent_and_old_generations_are_ignored() -> None:
    t = tracker(0)
    process(t, 0, 1, 1, 0)
    assert t.committable(TP) == 2
    t.committed(TP, 2)
    process(t, 0, 1)  # replayed below the commit: ignored
    assert t.committable(TP) is None
    stale = t.begin(TP, 2)
    t.revoke([TP])
    t.assign([TP])
    t.set_base(TP, 2)
    t.finish(stale)  # finished after a rebalance: the new owner reads it again
    assert t.committable(TP) is None
    process(t, 2)
    assert t.committable(TP) == 3


def test_untracked_topics_and_revoked_partitions() -> None:
    t = tracker(0)
    assert not t.tracks(("other", 0))
    assert t.committable(("other", 0)) is None
    token = t.begin(TP, 0)
    t.revoke([TP])
    t.finish(token)
    assert t.committable(TP) is None


def test_seek_before_the_assignment_signal_is_kept() -> None:
    """faust may seek to the committed offsets before its on_partitions_assigned signal."""
    t = OffsetTracker({"pages.raw"})
    t.set_base(TP, 7)
    t.assign([TP])
    process(t, 7, 8)
    assert t.committable(TP) == 9


def test_frozen_tracker_commits_nothing() -> None:
    t = tracker(0)
    process(t, 0, 1)
    t.freeze("dead letter could not be written")
    assert t.committable(TP) is None


def test_memory_stays_bounded_when_the_prefix_moves() -> None:
    t = tracker(0)
    for o in range(10_000):
        process(t, o)
        if o % 100 == 0:
            t.committable(TP)
    assert t.committable(TP) == 10_000
    assert len(t._parts[TP].done) == 0


def test_missing_faust_internals_fail_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    from faust.transport import consumer as faust_consumer

    offsets_mod.check_internals()  # the installed versions have them
    monkeypatch.delattr(faust_consumer.Consumer, "_add_gap")
    with pytest.raises(RuntimeError, match="_add_gap"):
        offsets_mod.check_internals()
    with pytest.raises(RuntimeError):
        offsets_mod.install()


def test_a_record_fetched_at_the_end_and_never_processed_is_a_stall_once_the_agent_is_idle(monkeypatch) -> None:
    """Nothing later on the partition shows the skip: the fetch handed out 12 and the agent
    then sat idle with nothing in flight (an event given up in a rebalance and not read
    again, or a skip at the end of the partition)."""
    clock = [1000.0]
    monkeypatch.setattr(offsets_mod.time, "monotonic", lambda: clock[0])
    t = tracker(10)
    t.fetched(TP, 10, 13, [10, 11, 12])
    process(t, 10, 11)
    assert t.committable(TP) == 12
    assert t.stalled(min_age=5.0, now=1001.0) == [], "without tail_age the end of a partition is never a hole"
    assert t.stalled(min_age=5.0, now=1001.0, tail_age=10.0) == []  # the agent was busy a second ago
    assert t.stalled(min_age=5.0, now=1012.0, tail_age=10.0) == []  # idle long enough: first seen
    assert t.stalled(min_age=5.0, now=1022.0, tail_age=10.0) == [(TP, 12)]
    clock[0] = 1023.0
    process(t, 12)  # read again after the seek back
    assert t.committable(TP) == 13
    assert t.stalled(min_age=5.0, now=1100.0, tail_age=10.0) == []


def test_the_end_of_a_partition_is_no_stall_while_anything_is_in_flight_or_unfetched(monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(offsets_mod.time, "monotonic", lambda: clock[0])
    t = tracker(10)
    other = ("pages.raw", 1)
    t.assign([other])
    t.set_base(other, 0)
    t.fetched(TP, 10, 12, [10, 11])
    process(t, 10, 11)
    # Everything fetched was processed: the partition is simply caught up.
    assert t.stalled(min_age=5.0, now=1100.0, tail_age=10.0) == []
    assert t.stalled(min_age=5.0, now=1200.0, tail_age=10.0) == []
    # A record fetched but a page of another partition still on its way (e.g. a broker
    # outage holding its delivery): the agent is not idle, so this is not a skip.
    t.fetched(TP, 12, 13, [12])
    t.begin(other, 0)
    assert t.stalled(min_age=5.0, now=1300.0, tail_age=10.0) == []
    assert t.stalled(min_age=5.0, now=1400.0, tail_age=10.0) == []
