"""The batch ``process`` command: files or stdin in, the records the stream worker would
publish out, one JSON line each. It runs the same core as the stream worker, which makes
it the quickest way to see what a page will become."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

import orjson

from worker.config import TopicNames
from worker.pipeline.dedup import DedupIndex
from worker.pipeline.limits import Limits
from worker.pipeline.model import Origin, OutRecord
from worker.pipeline.process import dead_letter_record, decide_all, handle_input

_CHUNK = 1 << 16


def read_bounded_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes]]:
    """Lines of a JSONL stream, each cut at ``limit + 1`` bytes so that a gigabyte line
    with no newline costs bounded memory; the cut line still reaches intake, which
    rejects it as too large."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = stream.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
        if line.strip():
            yield number, line


@dataclass
class BatchRun:
    limits: Limits
    index: DedupIndex = field(default_factory=DedupIndex)
    counts: Counter = field(default_factory=Counter)

    def run_one(self, data: bytes, origin: Origin, path: str | None = None) -> list[OutRecord]:
        self.counts["pages"] += 1
        outcome = handle_input(data, origin, self.limits, path=path)
        if outcome.dead_letter is not None:
            records = [dead_letter_record(outcome.dead_letter)]
        else:
            records = decide_all(outcome.candidates, self.index, time.time())
        for record in records:
            self.counts[record.role] += 1
        return records

    def inputs(self, paths: list[str], stdin: BinaryIO) -> Iterator[tuple[bytes, Origin, str | None]]:
        for path in paths:
            if path == "-":
                for number, line in read_bounded_lines(stdin, self.limits.max_message_bytes):
                    yield line, Origin("stdin", line=number), None
            elif path.endswith(".jsonl"):
                with open(path, "rb") as handle:
                    for number, line in read_bounded_lines(handle, self.limits.max_message_bytes):
                        yield line, Origin("file", path=path, line=number), None
            else:
                with open(path, "rb") as handle:
                    data = handle.read(self.limits.max_message_bytes + 1)
                yield data, Origin("file", path=path), path


def check_paths(paths: list[str]) -> str | None:
    """An error message for unusable arguments, before any work starts."""
    if not paths:
        return "no input: give one or more files, or - for JSONL on stdin"
    for path in paths:
        if path != "-" and not Path(path).is_file():
            return f"not a readable file: {path}"
    return None


def process_paths(paths: list[str], out: BinaryIO, stdin: BinaryIO, topics: TopicNames, limits: Limits) -> Counter:
    run = BatchRun(limits=limits)
    for data, origin, path in run.inputs(paths, stdin):
        for record in run.run_one(data, origin, path):
            out.write(orjson.dumps({"topic": topics.for_role(record.role), "key": record.key, "value": record.value}))
            out.write(b"\n")
    out.flush()
    return run.counts


def main(paths: list[str], topics: TopicNames, limits: Limits) -> int:
    problem = check_paths(paths)
    if problem:
        print(f"newsworker process: {problem}", file=sys.stderr)
        return 2
    counts = process_paths(paths, sys.stdout.buffer, sys.stdin.buffer, topics, limits)
    routed = sum(n for role, n in counts.items() if role.startswith(("region.", "topic.")))
    print(
        f"newsworker process: {counts['pages']} pages -> {counts['articles']} articles, "
        f"{counts['duplicates']} duplicates, {counts['dlq']} dead letters ({routed} routing records)",
        file=sys.stderr,
    )
    return 0
