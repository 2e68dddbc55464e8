"""Fault scenarios against a real Kafka broker, shared by the reliability tests (small
sizes) and ``bench/reliability.py`` (full sizes, which writes docs/reliability.md).

Each scenario drives the deployed worker process (``python -m worker run``) and returns a
plain dict of figures plus a list of ``problems`` (empty when every claim held), so that a
test asserts ``problems == []`` and the report prints the same numbers the test saw.

What "nothing lost" means here: before the run, the core (``handle_input``) is run on
every input locally; it is deterministic, so it says exactly which article ids each page
must yield. After the run, every one of those ids must be on ``articles.clean`` or
``articles.duplicates``, every dead letter the core predicts must be on ``pages.dlq``, and
no article may be published as a duplicate of itself or change its verdict on a replay.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from testkit.badinputs import ARTICLES, BadInput, corpus
from testkit.pagegen import generate, make_story, render_page, republish
from testkit.worker import WorkerProcess, free_port, unique_settings
from worker.config import Settings
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin
from worker.pipeline.process import handle_input
from worker.pipeline.intake.schemas import validator
from worker.stream.admin import RAW_TOPIC_MAX_MESSAGE_BYTES, create_topics, tail
from worker.stream.kafka_client import aiokafka_kwargs

Message = tuple[bytes | None, bytes | None]  # (key, value); a None value is a tombstone


# ----------------------------------------------------------------------------- plumbing


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc (VmRSS, in KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def metric(worker: WorkerProcess, name: str) -> float:
    """Sum of one Prometheus metric family from the worker's /metrics (0 when absent)."""
    status, body = worker.get("/metrics")
    if status != 200:
        return 0.0
    total = 0.0
    for line in body.decode().splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def setup_topics(settings: Settings) -> None:
    asyncio.run(create_topics(settings))


async def _produce(settings: Settings, messages: list[Message]) -> list[tuple[int, int]]:
    producer = AIOKafkaProducer(
        **aiokafka_kwargs(settings), max_request_size=RAW_TOPIC_MAX_MESSAGE_BYTES, linger_ms=5, acks="all",
        request_timeout_ms=60_000,
    )
    await producer.start()
    try:
        futures = [await producer.send(settings.topics.raw, value=value, key=key) for key, value in messages]
        metas = await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return [(m.partition, m.offset) for m in metas]


def produce(settings: Settings, messages: list[Message]) -> list[tuple[int, int]]:
    """Send to ``pages.raw``; returns (partition, offset) of each message, in order."""
    return asyncio.run(_produce(settings, messages))


def partition_of(key: bytes, partitions: int) -> int:
    """The partition aiokafka's default partitioner picks for ``key``."""
    return DefaultPartitioner()(key, list(range(partitions)), list(range(partitions)))


@dataclass
class Expected:
    """What the core says each input must become."""

    articles: dict[str, set[str]] = field(default_factory=dict)  # page id -> article ids
    letters: dict[str, str] = field(default_factory=dict)  # page id -> dead-letter reason
    anonymous_letters: int = 0  # inputs with no readable page id


def expected_outcomes(values: Iterable[bytes | None]) -> Expected:
    exp = Expected()
    limits = Limits()
    origin = Origin("kafka", topic="x", partition=0, offset=0)
    for value in values:
        outcome = handle_input(value or b"", origin, limits)
        if outcome.dead_letter is None:
            for c in outcome.candidates:
                exp.articles.setdefault(c.article["page_id"], set()).add(c.article["article_id"])
        elif outcome.dead_letter["page_id"] is None:
            exp.anonymous_letters += 1
        else:
            exp.letters[outcome.dead_letter["page_id"]] = outcome.dead_letter["error"]["type"]
    return exp


@dataclass
class Outputs:
    """Everything read back from the output topics."""

    articles: list[dict[str, Any]] = field(default_factory=list)  # values, clean and duplicates
    clean: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    letters: list[dict[str, Any]] = field(default_factory=list)  # whole records (headers too)

    def add(self, rec: dict[str, Any], settings: Settings) -> None:
        t = settings.topics
        if rec["topic"] == t.dlq:
            self.letters.append(rec)
        elif rec["topic"] in (t.articles, t.duplicates):
            self.articles.append(rec["value"])
            (self.clean if rec["topic"] == t.articles else self.duplicates).append(rec["value"])

    def article_ids_by_page(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for v in self.articles:
            out.setdefault(v["page_id"], set()).add(v["article_id"])
        return out

    def letter_reasons_by_page(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for rec in self.letters:
            pid = rec["value"]["page_id"]
            if pid is not None:
                out.setdefault(pid, set()).add(rec["value"]["error"]["type"])
        return out

    def letters_by_origin(self) -> dict[tuple[int, int], dict[str, Any]]:
        return {(r["value"]["origin"]["partition"], r["value"]["origin"]["offset"]): r for r in self.letters}


def covered(out: Outputs, exp: Expected) -> bool:
    got = out.article_ids_by_page()
    letters = out.letter_reasons_by_page()
    anonymous = len({(r["value"]["origin"].get("partition"), r["value"]["origin"].get("offset")) for r in out.letters if r["value"]["page_id"] is None})
    return (
        all(ids <= got.get(pid, set()) for pid, ids in exp.articles.items())
        and all(pid in letters for pid in exp.letters)
        and anonymous >= exp.anonymous_letters
    )


async def _read_until(settings: Settings, done: Callable[[Outputs], bool], timeout: float) -> Outputs:
    out = Outputs()
    t = settings.topics

    async def _go() -> None:
        count = 0
        async for rec in tail(settings, [t.articles, t.duplicates, t.dlq]):
            out.add(rec, settings)
            count += 1
            if count % 200 == 0 and done(out):
                return
        # unreachable: tail without idle timeout only ends on cancellation

    async def _watch() -> None:
        reader = asyncio.ensure_future(_go())
        try:
            while not reader.done():
                await asyncio.sleep(1.0)
                if done(out):
                    break
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader

    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(_watch(), timeout)
    return out


def read_until(settings: Settings, done: Callable[[Outputs], bool], timeout: float) -> Outputs:
    """Read the output topics from the beginning until ``done`` holds or ``timeout``."""
    return asyncio.run(_read_until(settings, done, timeout))


def audit(out: Outputs, exp: Expected, settings: Settings) -> tuple[dict[str, Any], list[str]]:
    """Check the run against the core's prediction; figures and problems."""
    problems: list[str] = []
    got = out.article_ids_by_page()
    letters = out.letter_reasons_by_page()
    missing_pages = [pid for pid, ids in exp.articles.items() if not ids <= got.get(pid, set())]
    lost_articles = sum(len(ids - got.get(pid, set())) for pid, ids in exp.articles.items())
    extra = [pid for pid, ids in got.items() if pid in exp.articles and ids - exp.articles[pid]]
    missing_letters = [pid for pid in exp.letters if pid not in letters]
    wrong_reason = [pid for pid, reason in exp.letters.items() if pid in letters and reason not in letters[pid]]
    anonymous = {(r["value"]["origin"].get("partition"), r["value"]["origin"].get("offset")) for r in out.letters if r["value"]["page_id"] is None}
    self_dups = [v["article_id"] for v in out.duplicates if v["duplicate_of"] == v["article_id"]]
    verdicts: dict[str, set[str | None]] = {}
    for v in out.articles:  # a replay must repeat the verdict and the original it names
        verdicts.setdefault(v["article_id"], set()).add(v["duplicate_of"])
    flipped = [aid for aid, seen in verdicts.items() if len(seen) > 1]
    clean_ids = Counter(v["article_id"] for v in out.clean)
    for rec in out.letters:
        validator("dead_letter")(rec["value"])
    check_article = validator("article")
    for v in out.articles:
        check_article(v)
    expected_articles = sum(len(ids) for ids in exp.articles.values())
    figures = {
        "pages_with_articles": len(exp.articles),
        "articles_expected": expected_articles,
        "articles_published_unique": len(verdicts),
        "article_records": len(out.articles),
        "redelivered_article_records": len(out.articles) - len(verdicts),
        "clean_unique": len(clean_ids),
        "duplicates_unique": len({v["article_id"] for v in out.duplicates}),
        "dead_letters_expected": len(exp.letters) + exp.anonymous_letters,
        "dead_letter_records": len(out.letters),
        "lost_articles": lost_articles,
        "pages_not_accounted": len(missing_pages) + len(missing_letters) + max(0, exp.anonymous_letters - len(anonymous)),
        "self_duplicates": len(self_dups),
        "verdict_flips": len(flipped),
    }
    if missing_pages:
        problems.append(f"{len(missing_pages)} pages lost articles ({lost_articles} articles), e.g. {missing_pages[:3]}")
    if extra:
        problems.append(f"{len(extra)} pages gave article ids the core does not predict, e.g. {extra[:3]}")
    if missing_letters:
        problems.append(f"{len(missing_letters)} predicted dead letters missing, e.g. {missing_letters[:3]}")
    if wrong_reason:
        problems.append(f"{len(wrong_reason)} dead letters with another reason than the core's, e.g. {wrong_reason[:3]}")
    if len(anonymous) < exp.anonymous_letters:
        problems.append(f"{exp.anonymous_letters - len(anonymous)} undecodable inputs have no dead letter")
    if self_dups:
        problems.append(f"{len(self_dups)} articles published as duplicates of themselves")
    if flipped:
        problems.append(f"{len(flipped)} articles changed verdict on a replay")
    return figures, problems


def _story_pair(rng: random.Random, tag: str, i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """An original story page and its republished copy from another outlet."""
    story = make_story(rng)
    orig = {"page_id": f"{tag}-orig-{i}", "url": f"https://first.example/{tag}/{i}", "body": render_page([story], rng), "source": "first"}
    copy = {"page_id": f"{tag}-copy-{i}", "url": f"https://second.example/{tag}/{i}", "body": render_page([republish(story, rng)], rng), "source": "second"}
    return orig, copy


def _as_message(doc: dict[str, Any]) -> Message:
    return doc["page_id"].encode(), orjson.dumps(doc)


def copies_caught(out: Outputs, pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> tuple[int, list[str]]:
    """How many republished copies came out as duplicates of their own original's story:
    of the original itself, or of the story's first article when the original was in turn
    a duplicate (the page generator can print the same story earlier in the stream, and
    which of the two comes first depends on partition timing)."""
    by_page: dict[str, list[dict[str, Any]]] = {}
    for v in out.articles:
        by_page.setdefault(v["page_id"], []).append(v)
    caught, missed = 0, []
    for orig, copy in pairs:
        originals = by_page.get(orig["page_id"], [])
        orig_ids = {v["article_id"] for v in originals} | {v["cluster_id"] for v in originals}
        dups = [v for v in by_page.get(copy["page_id"], []) if v["duplicate_of"] in orig_ids]
        if dups:
            caught += 1
        else:  # what it came out as instead, so that a failure on CI says which way it went
            got = [f"{v['article_id'][:8]} dup_of={str(v['duplicate_of'])[:8]} sim={v.get('similarity')}" for v in by_page.get(copy["page_id"], [])]
            missed.append(f"{copy['page_id']} (original {sorted(i[:8] for i in orig_ids)}; got {got})")
    return caught, missed


class Workers:
    """Worker processes started by one scenario, all killed at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.started: list[WorkerProcess] = []

    def start(self, settings: Settings, name: str, *, ready: bool = True, timeout: float = 120.0) -> WorkerProcess:
        # A web port of its own: workers of one app share settings but not a port.
        settings = dataclasses.replace(settings, web_port=free_port())
        proc = WorkerProcess(settings, self.workdir / f"{name}.log").start()
        self.started.append(proc)
        if ready:
            proc.wait_ready(timeout)
        return proc

    def close(self) -> None:
        for proc in self.started:
            proc.kill()

    def log_summary(self, top: int = 8) -> str:
        """The commonest warning-or-worse log messages of each worker, counted: printed
        with a scenario's problems, so that a failure on CI (whose logs are gone) says
        what the workers went through."""
        parts = []
        for proc in self.started:
            counts: Counter[str] = Counter()
            try:
                lines = proc.log_path.read_text(errors="replace").splitlines()
            except OSError:
                continue
            for line in lines:
                try:
                    rec = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue
                if isinstance(rec, dict) and rec.get("level") in ("WARNING", "ERROR", "CRITICAL"):
                    counts[f"{rec['level']} {re.sub(r'[0-9]+', 'N', str(rec.get('msg', '')))[:90]}"] += 1
            common = "; ".join(f"{n}x {msg}" for msg, n in counts.most_common(top))
            parts.append(f"{proc.log_path.stem}: {common or 'no warnings'}")
        return " | ".join(parts)


def _good_pages(n: int, seed: int, **rates: float) -> tuple[list[Message], list[str | None], list[str]]:
    pages = generate(n, seed=seed, **rates)
    msgs = [(pid.encode() if pid else None, value) for value, pid in zip(pages.messages, pages.page_ids)]
    return msgs, pages.page_ids, pages.kinds


# ----------------------------------------------------------------------------- scenarios


def bad_inputs_scenario(bootstrap: str, workdir: Path, *, good_between: int = 3, after_pages: int = 300, seed: int = 5, timeout: float = 240.0) -> dict[str, Any]:
    """The Kafka-sized bad-input corpus interleaved with good pages through one worker."""
    settings = unique_settings(bootstrap, partitions=2)
    setup_topics(settings)
    workers = Workers(workdir)
    try:
        worker = workers.start(settings, "badinput")
        warm, warm_ids, _ = _good_pages(60, seed)
        produce(settings, warm)
        read_until(settings, lambda o: covered(o, expected_outcomes(v for _, v in warm)), 120)
        rss_before = rss_kib(worker.proc.pid)

        cases = corpus(kafka_only=True)
        goods, _, _ = _good_pages(len(cases) * good_between, seed + 1, dup_rate=0.0, bad_rate=0.0)
        stream: list[tuple[Message, BadInput | None]] = []
        for i, case in enumerate(cases):
            stream += [(g, None) for g in goods[i * good_between : (i + 1) * good_between]]
            stream.append(((f"bad-{case.name}".encode(), case.data), case))  # a tombstone needs a key
        started = time.monotonic()
        where = produce(settings, [m for m, _ in stream])
        exp = expected_outcomes(m[1] for m, _ in stream)
        out = read_until(settings, lambda o: covered(o, exp), timeout)
        corpus_seconds = time.monotonic() - started
        rss_after_corpus = rss_kib(worker.proc.pid)

        # The good pages after the corpus: is throughput intact?
        after, after_ids, _ = _good_pages(after_pages, seed + 2, dup_rate=0.0, bad_rate=0.0)
        t0 = time.monotonic()
        produce(settings, after)
        exp_after = expected_outcomes(v for _, v in after)
        out_after = read_until(settings, lambda o: covered(o, exp_after), timeout)
        after_seconds = time.monotonic() - t0
        rss_after = rss_kib(worker.proc.pid)
        alive = worker.proc.poll() is None

        figures, problems = audit(out, exp, settings)
        by_origin = out.letters_by_origin()
        results = []
        for (msg, case), (partition, offset) in zip(stream, where):
            if case is None:
                continue
            letter = by_origin.get((partition, offset))
            if letter is not None:
                got = letter["value"]["error"]["type"]
                if letter["headers"].get("error.type") != got:
                    problems.append(f"{case.name}: error.type header {letter['headers'].get('error.type')!r} != {got!r}")
            else:
                core = handle_input(case.payload, Origin("kafka"), Limits())
                pid = core.candidates[0].article["page_id"] if core.candidates else None
                got = ARTICLES if pid and out.article_ids_by_page().get(pid) else "missing"
            results.append({"case": case.name, "bytes": case.size, "expect": case.expect, "got": got})
            if got == "missing":
                problems.append(f"{case.name}: nothing on any output topic")
        _, after_problems = audit(out_after, exp_after, settings)
        problems += [f"after the corpus: {p}" for p in after_problems]
        if not alive:
            problems.append("the worker died")
        return {
            "cases": results,
            "good_pages": len(goods),
            "corpus_seconds": round(corpus_seconds, 1),
            "rss_before_mib": round(rss_before / 1024, 1),
            "rss_after_corpus_mib": round(rss_after_corpus / 1024, 1),
            "rss_after_mib": round(rss_after / 1024, 1),
            "after_pages": after_pages,
            "after_seconds": round(after_seconds, 1),
            "after_pages_per_s": round(after_pages / after_seconds, 1),
            "worker_alive": alive,
            **figures,
            "problems": problems + ([f"worker logs: {workers.log_summary()}"] if problems else []),
        }
    finally:
        workers.close()


def crash_scenario(bootstrap: str, workdir: Path, *, pages: int = 1500, kills: int = 3, seed: int = 31, timeout: float = 600.0,
                   min_run: float = 1.0, max_run: float = 5.0) -> dict[str, Any]:
    """SIGKILL the worker ``kills`` times at random moments while pages stream in."""
    rng = random.Random(seed)
    settings = unique_settings(bootstrap, partitions=4)
    setup_topics(settings)
    msgs, ids, kinds = _good_pages(pages, seed, dup_rate=0.1, bad_rate=0.02, html_rate=0.1)
    orig, copy = _story_pair(rng, f"crash{seed}", 0)
    msgs = [_as_message(orig)] + msgs
    size = -(-len(msgs) // (kills + 1))
    chunks = [msgs[i * size : (i + 1) * size] for i in range(kills + 1)]  # in order: copies follow their originals
    exp = expected_outcomes([v for _, v in msgs] + [_as_message(copy)[1]])
    workers = Workers(workdir)
    kill_log: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        worker = workers.start(settings, "crash-0")
        for i in range(kills):
            produce(settings, chunks[i])
            time.sleep(rng.uniform(min_run, max_run))
            consumed = metric(worker, "newsworker_pages_in_total")
            worker.kill()
            kill_log.append({"kill": i + 1, "pages_consumed_by_this_process": int(consumed)})
            worker = workers.start(settings, f"crash-{i + 1}")
        produce(settings, chunks[kills])
        produce(settings, [_as_message(copy)])  # after the last restart
        out = read_until(settings, lambda o: covered(o, exp), timeout)
        elapsed = time.monotonic() - started
        figures, problems = audit(out, exp, settings)
        caught, missed = copies_caught(out, [(orig, copy)])
        if missed:
            problems.append("the near-duplicate sent after the last restart of a story seen before the first kill was not caught")
        near = [pid for pid, kind in zip(ids, kinds) if kind == "near_duplicate"]
        dup_pages = {v["page_id"] for v in out.duplicates}
        alive = worker.proc.poll() is None
        if worker.terminate() != 0:
            problems.append("the last worker did not exit 0 on SIGTERM")
        return {
            "pages": len(msgs) + 1,
            "kills": kills,
            "kill_log": kill_log,
            "seconds": round(elapsed, 1),
            "near_duplicate_pages": len(near),
            "near_duplicate_pages_caught": len(set(near) & dup_pages),
            "recovered_dedup_caught_copy": not missed,
            "last_worker_alive": alive,
            **figures,
            "problems": problems + ([f"worker logs: {workers.log_summary()}"] if problems else []),
        }
    finally:
        workers.close()


def rebalance_scenario(bootstrap: str, workdir: Path, *, pages: int = 800, pairs: int = 24, seed: int = 41, timeout: float = 300.0) -> dict[str, Any]:
    """Scale 1 -> 2 -> 3 -> 1 workers (one app id) while pages and republished copies
    stream in; copies are keyed onto other pages.raw partitions than their originals."""
    rng = random.Random(seed)
    partitions = 4
    settings = unique_settings(bootstrap, partitions=partitions)
    setup_topics(settings)
    msgs, _, _ = _good_pages(pages, seed, dup_rate=0.05, bad_rate=0.02, html_rate=0.1)
    story_pairs = []
    for i in range(pairs):
        orig, copy = _story_pair(rng, f"reb{seed}", i)
        n = 0
        while partition_of(copy["page_id"].encode(), partitions) == partition_of(orig["page_id"].encode(), partitions):
            n += 1
            copy["page_id"] = f"reb{seed}-copy-{i}-{n}"
        story_pairs.append((orig, copy))
    originals = [_as_message(o) for o, _ in story_pairs]
    copies = [_as_message(c) for _, c in story_pairs]
    quarter = len(msgs) // 4
    phases = [msgs[:quarter], msgs[quarter : 2 * quarter], msgs[2 * quarter : 3 * quarter], msgs[3 * quarter :]]
    exp = expected_outcomes([v for _, v in msgs + originals + copies])
    workers = Workers(workdir)
    steps: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        w1 = workers.start(settings, "w1")
        # The originals alone first, judged before any generated page: a generated page
        # can contain much of a story's wording, and if it came first the original would
        # be its duplicate and the copy, compared only with clean articles (clusters are
        # stars), would rightly come out new; which came first would then depend on
        # partition timing (seen in 2 of 14 local runs).
        produce(settings, originals)
        exp_orig = expected_outcomes(v for _, v in originals)
        read_until(settings, lambda o: covered(o, exp_orig), 120)
        produce(settings, phases[0])
        steps.append({"workers": 1, "t": round(time.monotonic() - started, 1)})
        produce(settings, phases[1])
        w2 = workers.start(settings, "w2")
        produce(settings, copies[: pairs // 3])
        steps.append({"workers": 2, "t": round(time.monotonic() - started, 1)})
        produce(settings, phases[2])
        w3 = workers.start(settings, "w3")
        produce(settings, copies[pairs // 3 : 2 * pairs // 3])
        steps.append({"workers": 3, "t": round(time.monotonic() - started, 1)})
        produce(settings, phases[3])
        stop_started = time.monotonic()
        codes = [w3.terminate(), w2.terminate()]
        stop_seconds = round(time.monotonic() - stop_started, 1)
        forced = sum(w.forced_stop() for w in (w3, w2))  # stops ended by their deadline (worker/stream/shutdown.py)
        steps.append({"workers": 1, "t": round(time.monotonic() - started, 1), "exit_codes": codes})
        produce(settings, copies[2 * pairs // 3 :])
        out = read_until(settings, lambda o: covered(o, exp), timeout)
        elapsed = time.monotonic() - started
        figures, problems = audit(out, exp, settings)
        caught, missed = copies_caught(out, story_pairs)
        if missed:
            problems.append(f"{len(missed)} republished copies on other partitions were not caught, e.g. {missed[:3]}")
        if any(codes):
            problems.append(f"scale-down exit codes {codes}")
        alive = w1.proc.poll() is None
        if not alive:
            problems.append("the first worker died")
        return {
            "pages": len(msgs) + 2 * pairs,
            "steps": steps,
            "seconds": round(elapsed, 1),
            "copy_pairs": pairs,
            "copies_caught": caught,
            "scale_down_seconds": stop_seconds,
            "forced_stops": forced,
            **figures,
            "problems": problems + ([f"worker logs: {workers.log_summary()}"] if problems else []),
        }
    finally:
        workers.close()


def broker_fault_scenario(broker: Any, workdir: Path, *, pages: int = 600, fault_seconds: float = 10.0, seed: int = 51, timeout: float = 300.0,
                          hard: bool = False) -> dict[str, Any]:
    """Stop the broker (same data dir) for ``fault_seconds`` mid-stream and start it again;
    the worker must recover by itself and lose nothing. ``hard`` kills it with SIGKILL
    while the worker is publishing (no controlled shutdown, requests cut mid-flight)."""
    settings = unique_settings(broker.bootstrap, partitions=2)
    setup_topics(settings)
    msgs, _, _ = _good_pages(pages, seed, dup_rate=0.05, bad_rate=0.02)
    half = len(msgs) // 2
    exp = expected_outcomes(v for _, v in msgs)
    workers = Workers(workdir)
    try:
        worker = workers.start(settings, "fault")
        produce(settings, msgs[:half])
        deadline = time.monotonic() + 30  # mid-burst: the first half is being processed
        while metric(worker, "newsworker_pages_in_total") < min(50, half // 4) and time.monotonic() < deadline:
            time.sleep(0.05)
        consumed_before = metric(worker, "newsworker_pages_in_total")
        t_stop = time.monotonic()
        if hard:
            broker.kill()
        else:
            broker.stop()
        stop_seconds = time.monotonic() - t_stop
        time.sleep(fault_seconds)
        alive_during = worker.proc.poll() is None
        t_start = time.monotonic()
        broker.start()
        start_seconds = time.monotonic() - t_start
        produce(settings, msgs[half:])
        out = read_until(settings, lambda o: covered(o, exp), timeout)
        recovered_seconds = time.monotonic() - t_start
        figures, problems = audit(out, exp, settings)
        alive = worker.proc.poll() is None
        ready = False
        deadline = time.monotonic() + 30
        while alive and time.monotonic() < deadline and not ready:
            with contextlib.suppress(OSError):
                ready = worker.get("/readyz")[0] == 200
            time.sleep(0.5)
        if not alive:
            problems.append(f"the worker exited (code {worker.proc.returncode}) instead of recovering")
        if consumed_before >= half:
            problems.append("the broker was stopped after the first half was consumed: not mid-stream")
        return {
            "pages": len(msgs),
            "hard_kill": hard,
            "fault_seconds": fault_seconds,
            "pages_consumed_before_stop": int(consumed_before),
            "broker_stop_seconds": round(stop_seconds, 1),
            "broker_restart_seconds": round(start_seconds, 1),
            "all_accounted_seconds_after_restart": round(recovered_seconds, 1),
            "worker_alive_during_fault": alive_during,
            "worker_alive_after": alive,
            "worker_ready_after": ready,
            "worker_log_errors": _log_errors(worker.log_path),
            **figures,
            "problems": problems + ([f"worker logs: {workers.log_summary()}"] if problems else []),
        }
    finally:
        workers.close()


def _log_errors(path: Path, limit: int = 8) -> list[str]:
    """Distinct ERROR/CRITICAL messages in a JSON log (first ``limit``)."""
    seen: list[str] = []
    for line in path.read_text(errors="replace").splitlines():
        if '"level":"ERROR"' not in line and '"level":"CRITICAL"' not in line:
            continue
        try:
            msg = str(orjson.loads(line).get("msg", ""))[:160]
        except orjson.JSONDecodeError:
            msg = line[:160]
        msg = re.sub(r"\d+", "N", msg)
        if msg not in seen:
            seen.append(msg)
        if len(seen) >= limit:
            break
    return seen


def sasl_settings(broker: Any, user: Any, *, password: str | None = None) -> Settings:
    """Worker settings for the broker's SASL_SSL (SCRAM-SHA-512) listener as ``user``."""
    from worker.config import KafkaSecurity

    security = KafkaSecurity(
        protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512", sasl_username=user.name,
        sasl_password=password if password is not None else user.password, ssl_cafile=str(broker.ssl_cafile),
    )
    return unique_settings(broker.sasl_bootstrap, partitions=1, security=security)


SECRET_PATHS = ("/table", "/table/", "/router", "/graph", "/stats", "/table/dedup-articles")


def security_scenario(broker: Any, user: Any, workdir: Path, *, wrong_password: str = "not-the-password-7f3", exit_timeout: float = 90.0) -> dict[str, Any]:
    """A page end to end over SASL_SSL + SCRAM-SHA-512; table views closed; no secret in
    logs or /metrics; with a wrong password the worker must fail fast and say why."""
    import subprocess

    problems: list[str] = []
    settings = sasl_settings(broker, user)
    setup_topics(settings)  # the admin client authenticates too
    workers = Workers(workdir)
    result: dict[str, Any] = {"bootstrap": "SASL_SSL " + broker.sasl_bootstrap, "mechanism": "SCRAM-SHA-512"}
    try:
        t0 = time.monotonic()
        worker = workers.start(settings, "sasl")
        result["ready_seconds"] = round(time.monotonic() - t0, 1)
        orig, _ = _story_pair(random.Random(3), "sasl", 0)
        produce(settings, [_as_message(orig)])
        exp = expected_outcomes([_as_message(orig)[1]])
        out = read_until(settings, lambda o: covered(o, exp), 90)
        figures, more = audit(out, exp, settings)
        problems += more
        result["articles_out"] = figures["articles_published_unique"]
        statuses = {path: worker.get(path)[0] for path in SECRET_PATHS}
        result["web_statuses"] = statuses
        if any(code != 404 for code in statuses.values()):
            problems.append(f"table/router/graph views answer: {statuses}")
        status, body = worker.get("/metrics")
        result["metrics_status"] = status
        if user.password.encode() in body:
            problems.append("the SASL password is in /metrics")
        if worker.terminate() != 0:
            problems.append("the SASL worker did not exit 0 on SIGTERM")
        log = worker.log_path.read_bytes()
        result["log_bytes"] = len(log)
        if user.password.encode() in log:
            problems.append("the SASL password is in the worker's log")

        # Wrong credentials: must exit non-zero, soon, with a log line naming authentication.
        bad = sasl_settings(broker, user, password=wrong_password)
        t0 = time.monotonic()
        wrong = workers.start(bad, "sasl-wrong", ready=False)
        try:
            code: int | None = wrong.proc.wait(timeout=exit_timeout)
        except subprocess.TimeoutExpired:
            code = None
        elapsed = time.monotonic() - t0
        wrong.kill()
        text = wrong.log_path.read_text(errors="replace")
        auth_lines = [line for line in text.splitlines() if re.search(r"authenticat|SaslAuthentication|SCRAM", line, re.I)]
        result.update(
            wrong_password_exit_code=code,
            wrong_password_seconds=round(elapsed, 1),
            wrong_password_auth_log_lines=len(auth_lines),
            wrong_password_first_auth_line=auth_lines[0][:300] if auth_lines else None,
            wrong_password_log_tail=text.splitlines()[-3:],
        )
        if code is None:
            problems.append(f"with a wrong password the worker was still running after {exit_timeout:g} s")
        elif code == 0:
            problems.append("with a wrong password the worker exited 0")
        if not auth_lines:
            problems.append("with a wrong password no log line names authentication")
        if wrong_password.encode() in wrong.log_path.read_bytes():
            problems.append("the (wrong) SASL password is in the worker's log")
    finally:
        workers.close()
    result["problems"] = problems
    return result


def publish_failure_scenario(broker: Any, workdir: Path, *, pages: int = 300, seed: int = 61, timeout: float = 240.0) -> dict[str, Any]:
    """One output topic the broker refuses records for (``max.message.bytes`` = 1 KiB, the
    region topic ``europe``): every page with an article routed there must end as a
    ``publish_failed`` dead letter naming that topic, every other page as usual, and the
    worker must go on."""
    from worker.pipeline.tagging.routing import route_roles

    settings = unique_settings(broker.bootstrap, partitions=2)
    tiny = settings.topics.for_role("region.europe")
    broker.create_topics([tiny], 2, configs={"max.message.bytes": "1024"})
    setup_topics(settings)
    msgs, _, _ = _good_pages(pages, seed, dup_rate=0.05, bad_rate=0.02, html_rate=0.1)
    exp = expected_outcomes(v for _, v in msgs)
    workers = Workers(workdir)
    started = time.monotonic()
    try:
        worker = workers.start(settings, "publish")
        produce(settings, msgs)

        def done(o: Outputs) -> bool:
            got, letters = o.article_ids_by_page(), o.letter_reasons_by_page()
            return all(ids <= got.get(pid, set()) or pid in letters for pid, ids in exp.articles.items()) and all(pid in letters for pid in exp.letters)

        out = read_until(settings, done, timeout)
        problems: list[str] = []
        got, letters = out.article_ids_by_page(), out.letter_reasons_by_page()
        failed_pages = {pid for pid, reasons in letters.items() if "publish_failed" in reasons}
        routed_there = {v["page_id"] for v in out.clean if "region.europe" in route_roles(v)}
        unaccounted = [pid for pid, ids in exp.articles.items() if not ids <= got.get(pid, set()) and pid not in failed_pages]
        if unaccounted:
            problems.append(f"{len(unaccounted)} pages have neither all their articles nor a publish_failed dead letter, e.g. {unaccounted[:3]}")
        missed = routed_there - failed_pages
        if missed:
            problems.append(f"{len(missed)} pages with an article routed to the refusing topic have no publish_failed dead letter, e.g. {sorted(missed)[:3]}")
        letters_named = [r for r in out.letters if r["value"]["error"]["type"] == "publish_failed"]
        wrong_topic = [r for r in letters_named if r["headers"].get("publish.topic") != tiny]
        if wrong_topic:
            problems.append(f"{len(wrong_topic)} publish_failed dead letters name another topic")
        if not failed_pages:
            problems.append("no page was routed to the refusing topic: the scenario proves nothing")
        alive = worker.proc.poll() is None
        ready = alive and worker.get("/readyz")[0] == 200
        if not ready:
            problems.append("the worker is not alive and ready after the publish failures")
        failures_metric = metric(worker, "newsworker_publish_failures_total") if alive else 0.0
        return {
            "pages": len(msgs),
            "refusing_topic": tiny,
            "pages_with_articles": len(exp.articles),
            "pages_publish_failed": len(failed_pages),
            "pages_fully_published": sum(1 for pid, ids in exp.articles.items() if ids <= got.get(pid, set())),
            "publish_failures_metric": int(failures_metric),
            "pages_not_accounted": len(unaccounted),
            "worker_ready_after": ready,
            "seconds": round(time.monotonic() - started, 1),
            "problems": problems + ([f"worker logs: {workers.log_summary()}"] if problems else []),
        }
    finally:
        workers.close()


def _pool_children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def pool_crash_scenario(bootstrap: str, workdir: Path, *, pages: int = 600, kills: int = 3, workers_n: int = 2, seed: int = 71,
                        timeout: float = 300.0) -> dict[str, Any]:
    """Page analysis in ``workers_n`` child processes; SIGKILL one child ``kills`` times
    while pages stream in (the OOM killer's way). The pool must be replaced each time,
    nothing lost, the worker ready at the end."""
    import os
    import signal

    settings = unique_settings(bootstrap, partitions=2, process_workers=workers_n)
    setup_topics(settings)
    msgs, _, _ = _good_pages(pages, seed, dup_rate=0.05, bad_rate=0.02, html_rate=0.1)
    exp = expected_outcomes(v for _, v in msgs)
    workers = Workers(workdir)
    started = time.monotonic()
    killed: list[int] = []
    try:
        worker = workers.start(settings, "pool")
        produce(settings, msgs)
        deadline = time.monotonic() + timeout / 2
        progress_at_kill = -1.0
        while len(killed) < kills and time.monotonic() < deadline:
            time.sleep(1.0)
            # One incident at a time: the pool replaced and pages flowing again (a page whose
            # retry on the fresh pool is killed too is a dead letter by design).
            if metric(worker, "newsworker_process_pool_replaced_total") < len(killed):
                continue
            if metric(worker, "newsworker_pages_in_total") < progress_at_kill + 20:
                continue
            progress_at_kill = metric(worker, "newsworker_pages_in_total")
            children = [c for c in _pool_children(worker.proc.pid) if c not in killed]
            if children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(children[0], signal.SIGKILL)
                    killed.append(children[0])
        out = read_until(settings, lambda o: covered(o, exp), timeout)
        figures, problems = audit(out, exp, settings)
        if len(killed) < kills:
            problems.append(f"only {len(killed)} of {kills} children could be killed mid-stream")
        alive = worker.proc.poll() is None
        wait_until = time.monotonic() + 15  # a child killed after the last page is noticed by a timer
        while alive and metric(worker, "newsworker_process_pool_replaced_total") < len(killed) and time.monotonic() < wait_until:
            time.sleep(0.5)
        time.sleep(1.0)
        ready = alive and worker.get("/readyz")[0] == 200
        replaced = metric(worker, "newsworker_process_pool_replaced_total") if alive else 0.0
        if replaced < len(killed):
            problems.append(f"{len(killed)} children killed but the pool was replaced {int(replaced)} times")
        if not ready:
            problems.append("the worker is not alive and ready at the end")
        return {
            "pages": len(msgs),
            "process_workers": workers_n,
            "children_killed": len(killed),
            "pool_replaced": int(replaced),
            "worker_ready_after": ready,
            "seconds": round(time.monotonic() - started, 1),
            **figures,
            "problems": problems + ([f"worker logs: {workers.log_summary()}"] if problems else []),
        }
    finally:
        workers.close()
