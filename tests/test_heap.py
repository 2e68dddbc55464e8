"""The collector policy of worker/heap.py: loading runs without collections, and what it
leaves is frozen out of later full collections, in every place the core is loaded."""

from __future__ import annotations

import gc
import io

import pytest

from worker.config import Settings
from worker.heap import load_settled, settle_heap


@pytest.fixture(autouse=True)
def _unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.enable()


def _load(n: int, seen: dict[str, bool]) -> list[dict[int, int]]:
    seen["enabled"] = gc.isenabled()
    return [{i: i} for i in range(n)]


def test_loading_runs_with_the_collector_paused_and_its_objects_end_frozen() -> None:
    seen: dict[str, bool] = {}
    made = load_settled(lambda: _load(20_000, seen))
    assert seen["enabled"] is False
    assert gc.isenabled()
    assert len(made) == 20_000
    assert gc.get_freeze_count() >= 20_000


def test_a_failed_load_still_restores_the_collector() -> None:
    def boom() -> None:
        raise RuntimeError("load failed")

    with pytest.raises(RuntimeError):
        load_settled(boom)
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_host_stays_off() -> None:
    gc.disable()
    load_settled(lambda: None)
    assert not gc.isenabled()


def test_garbage_cycles_made_while_loading_are_freed_not_frozen() -> None:
    class Node:
        pass

    def load() -> None:
        for _ in range(1000):
            a, b = Node(), Node()
            a.other, b.other = b, a  # a cycle that only the collector frees

    before = settle_heap()
    threshold = gc.get_threshold()
    gc.set_threshold(10**9)  # no automatic collection: only load_settled's own may free them
    try:
        load_settled(load)
    finally:
        gc.set_threshold(*threshold)
    assert not any(isinstance(o, Node) for o in gc.get_objects())
    assert gc.get_freeze_count() - before < 2000


def test_the_stream_warm_up_freezes_the_loaded_core() -> None:
    from worker.stream.startup import WarmUp

    warming = WarmUp()
    assert warming.wait(timeout=120) and warming.error is None
    assert gc.get_freeze_count() > 50_000  # gazetteer, lexicons and models


def test_the_process_command_freezes_the_loaded_core_before_its_pages() -> None:
    from worker.batch import process_paths

    process_paths(["-"], io.BytesIO(), io.BytesIO(b""), Settings())
    assert gc.get_freeze_count() > 50_000
