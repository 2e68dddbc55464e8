"""The batch ``process`` command: files or stdin in, the records the stream worker would
publish out, one JSON line each. It runs the same core, built from the same
:class:`Settings` (limits, dedup parameters, schema folder), as the stream worker, which
makes it the quickest way to see what a page will become."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import orjson

from worker.config import Settings
from worker.inputs import InputItem, read_inputs
from worker.pipeline.dedup.index import DedupIndex
from worker.pipeline.model import OutRecord
from worker.heap import load_settled
from worker.pipeline.process import dead_letter_record, decide_all, handle_input, warm_up
from worker.pipeline.segment.sitelines import SiteLineSketch
from worker.pipeline.stats import Stats


@dataclass
class BatchRun:
    settings: Settings
    index: DedupIndex = field(init=False)
    counts: Counter = field(default_factory=Counter)
    stats: Stats = field(default_factory=Stats)
    sites: SiteLineSketch | None = field(init=False, default=None)  # lines recurring per site, over this run's input

    def __post_init__(self) -> None:
        if self.settings.site_lines:  # as the stream worker does: one setting for both
            self.sites = SiteLineSketch()
        self.index = DedupIndex(config=self.settings.dedup_config())

    def run_one(self, item: InputItem) -> list[OutRecord]:
        self.counts["pages"] += 1
        outcome = handle_input(item.data, item.origin, self.settings.limits, path=item.path, schemas=self.settings.schemas_path(), sites=self.sites)
        self.stats.merge(outcome.stats)
        if outcome.dead_letter is not None:
            records = [dead_letter_record(outcome.dead_letter)]
        else:
            records = decide_all(outcome.candidates, self.index, time.time(), self.stats, routings=self.settings.routing_kinds())
        for record in records:
            self.counts[record.role] += 1
        return records


def check_paths(paths: list[str]) -> str | None:
    """An error message for unusable arguments, before any work starts."""
    if not paths:
        return "no input: give one or more files, or - for JSONL on stdin"
    for path in paths:
        if path != "-" and not Path(path).is_file():
            return f"not a readable file: {path}"
    return None


def process_paths(paths: list[str], out: BinaryIO, stdin: BinaryIO, settings: Settings) -> BatchRun:
    run = BatchRun(settings)
    topics = settings.topics
    load_settled(warm_up)  # what the first page would load anyway; see worker/heap.py
    for item in read_inputs(paths, stdin, settings.limits):
        for record in run.run_one(item):
            out.write(orjson.dumps({"topic": topics.for_role(record.role), "key": record.key, "value": record.value}))
            out.write(b"\n")
    out.flush()
    return run


def main(paths: list[str], settings: Settings, *, show_stats: bool = False) -> int:
    problem = check_paths(paths)
    if problem:
        print(f"newsworker process: {problem}", file=sys.stderr)
        return 2
    run = process_paths(paths, sys.stdout.buffer, sys.stdin.buffer, settings)
    counts = run.counts
    routed = sum(n for role, n in counts.items() if role.startswith(("region.", "topic.")))
    print(
        f"newsworker process: {counts['pages']} pages -> {counts['articles']} articles, "
        f"{counts['duplicates']} duplicates, {counts['dlq']} dead letters ({routed} routing records)",
        file=sys.stderr,
    )
    if show_stats:
        report = {"pages": counts["pages"], "records": {k: v for k, v in sorted(counts.items()) if k != "pages"}}
        report.update(run.stats.as_dict())
        sys.stderr.write(orjson.dumps(report).decode() + "\n")
    return 0
