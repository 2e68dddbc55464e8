"""The worker with page analysis in child processes (``NEWSWORKER_PROCESS_WORKERS>0``) on
a real Apache Kafka broker: a killed child and a stuck child are replaced, their pages end
as dead letters that name the page (or are analysed again), and the worker stays ready."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from testkit import scenarios
from testkit.pagegen import generate
from testkit.worker import WorkerProcess, unique_settings
from worker.pipeline.intake.limits import Limits
from worker.stream.admin import collect_pages, create_topics, send_messages

pytestmark = pytest.mark.kafka


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def wait_children(worker: WorkerProcess, timeout: float = 30.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = children(worker.proc.pid)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("the worker started no analysis process")


def send_and_collect(settings, seed: int, n: int = 3) -> tuple[list[dict], list[str]]:
    pages = generate(n, seed=seed, dup_rate=0.0, bad_rate=0.0)
    ids = [pid for pid in pages.page_ids if pid]
    asyncio.run(send_messages(settings, list(zip(pages.messages, pages.page_ids))))
    records = asyncio.run(collect_pages(settings, ids, timeout=90))
    got = {r["value"]["page_id"] for r in records}
    assert got >= set(ids), f"pages not accounted for: {set(ids) - got}"
    return records, ids


def test_killed_and_stuck_analysis_processes_are_replaced(kafka_broker, tmp_path: Path) -> None:
    settings = unique_settings(kafka_broker.bootstrap, partitions=1, process_workers=2, limits=Limits(page_time_limit_s=1.0))
    asyncio.run(create_topics(settings))
    workers = scenarios.Workers(tmp_path)
    try:
        worker = workers.start(settings, "pool")
        send_and_collect(settings, seed=81)
        first_children = wait_children(worker)

        # 1. The OOM killer takes one child: the pool is broken (and terminates the other
        #    child), every later page would fail. It must be replaced and the pages analysed.
        os.kill(first_children[0], signal.SIGKILL)
        time.sleep(0.5)
        records, ids = send_and_collect(settings, seed=82)
        assert worker.proc.poll() is None, "the worker stopped when the pool terminated its other child"
        assert not [r for r in records if r["topic"] == settings.topics.dlq], "pages after a child died became dead letters"
        assert scenarios.metric(worker, 'newsworker_process_pool_replaced_total{reason="broken"}') >= 1
        assert worker.get("/readyz")[0] == 200
        second_children = wait_children(worker)
        assert not set(second_children) & set(first_children)

        # 2. A child stops answering (SIGSTOP stands in for C code that SIGALRM cannot
        #    interrupt): past twice the page time limit it is killed and replaced; the page
        #    is a timeout dead letter that names it.
        for pid in second_children:
            os.kill(pid, signal.SIGSTOP)
        pages = generate(1, seed=83, dup_rate=0.0, bad_rate=0.0)
        asyncio.run(send_messages(settings, list(zip(pages.messages, pages.page_ids))))
        records = asyncio.run(collect_pages(settings, pages.page_ids, timeout=60))
        letters = [r["value"] for r in records if r["topic"] == settings.topics.dlq]
        assert [v["error"]["type"] for v in letters] == ["timeout"]
        assert letters[0]["page_id"] == pages.page_ids[0]
        assert scenarios.metric(worker, 'newsworker_process_pool_replaced_total{reason="stuck"}') >= 1
        def gone(pid: int) -> bool:
            try:
                return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
            except OSError:
                return True

        deadline = time.monotonic() + 10  # a stopped process killed runs briefly to die
        while not all(gone(pid) for pid in second_children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(gone(pid) for pid in second_children), "the stuck child still holds its slot"

        # 3. And the worker goes on normally.
        records, _ = send_and_collect(settings, seed=84)
        assert not [r for r in records if r["topic"] == settings.topics.dlq]
        assert worker.get("/readyz")[0] == 200
        assert worker.terminate() == 0
    finally:
        workers.close()
