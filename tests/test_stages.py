"""The stage contract: every stage counts what it drops, with a reason, through one
Stats object; ``process --stats`` prints it; a page left with nothing says which stage
took its text; batch and stream build the core from the same settings; ``process`` and
``send`` read a file into the same page."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys

import orjson

from tests.conftest import REPO
from worker.batch import process_paths
from worker.config import Settings, describe, from_env, to_env
from worker.inputs import InputItem, as_message, read_inputs
from worker.pipeline.intake.limits import Limits
from worker.pipeline.intake.schemas import validator
from worker.pipeline.model import Origin
from worker.pipeline.process import handle_input
from worker.pipeline.stats import Stats

SAMPLES = REPO / "worker" / "samples"
ORIGIN = Origin("stdin", line=1)

# A page that is only site furniture: every line is chrome a segmenter must drop.
FURNITURE_ONLY = "\n".join(["Home", "Sign in", "Subscribe", "Share", "Advertisement", "Cookie settings"])


def _message(body: str, content_type: str = "text/plain") -> bytes:
    return orjson.dumps({"url": "https://news.example/a", "body": body, "content_type": content_type})


def test_stats_merge_and_pickle_keep_every_count() -> None:
    a, b = Stats(), Stats()
    a.did("segment", "articles", 2)
    a.drop("segment", "chrome_line", 3)
    b.drop("segment", "chrome_line")
    b.drop("html", "link_block", 4)
    with b.timed("html"):
        pass
    a.merge(pickle.loads(pickle.dumps(b)))
    d = a.as_dict()
    assert d["dropped"] == {"html": {"link_block": 4}, "segment": {"chrome_line": 4}}
    assert d["counts"] == {"segment": {"articles": 2}}
    assert d["seconds"]["html"] >= 0.0
    assert a.last_drop == ("html", "link_block")


def test_bulk_merge_equals_replaying_every_count() -> None:
    """Stats.merge adds a page's figures in bulk; the result must be what replaying each
    of its counts through did/drop/add_time gives (the former merge), last drop included,
    also when the page's own was reset."""
    import random

    rng = random.Random(4)
    for _ in range(300):
        total, replayed, page = Stats(), Stats(), Stats()
        for s in (total, replayed):
            s.did("intake", "pages", 3)
            s.drop("segment", "chrome_line", 2)
        for _ in range(rng.randrange(8)):
            stage, name, n = rng.choice("abc"), rng.choice("xyz"), rng.randrange(-1, 4)
            kind = rng.choice(("did", "drop", "drop_raw", "add_time"))
            if kind == "add_time":
                page.add_time(stage, n / 10)
            elif kind == "drop_raw":  # a count drop() itself would not record
                page.dropped.setdefault(stage, {})[name] = n
            else:
                getattr(page, kind)(stage, name, n)
        if rng.random() < 0.4:
            page.last_drop = None  # as analyze_page does at its start
        total.merge(page)
        for stage, bucket in page.counts.items():
            for what, n in bucket.items():
                replayed.did(stage, what, n)
        for stage, bucket in page.dropped.items():
            for reason, n in bucket.items():
                replayed.drop(stage, reason, n)
        for stage, sec in page.seconds.items():
            replayed.add_time(stage, sec)
        if page.last_drop is not None:
            replayed.last_drop = page.last_drop
        assert (total.counts, total.dropped, total.seconds, total.last_drop) == (
            replayed.counts, replayed.dropped, replayed.seconds, replayed.last_drop)
        page.did("a", "x")  # the merged copy must not alias the page's buckets
        assert total.counts == replayed.counts


def test_timed_adds_wall_time_even_when_the_block_raises() -> None:
    import time

    stats = Stats()
    with stats.timed("segment"):
        time.sleep(0.01)
    try:
        with stats.timed("segment"):
            raise KeyError("x")
    except KeyError:
        pass
    assert stats.seconds["segment"] >= 0.01 and list(stats.seconds) == ["segment"]


def test_a_page_of_furniture_is_a_dead_letter_naming_stage_and_reason() -> None:
    outcome = handle_input(_message(FURNITURE_ONLY), ORIGIN, Limits())
    letter = outcome.dead_letter
    assert letter is not None and letter["error"]["type"] == "no_articles"
    stage, reason = letter["error"]["stage"], letter["error"]["reason"]
    assert outcome.stats.dropped[stage][reason] >= 1, "the reason named must be one the stats counted"
    assert stage in letter["error"]["message"] and reason in letter["error"]["message"]
    validator("dead_letter")(letter)


def test_html_drops_are_counted_with_reasons() -> None:
    html = (SAMPLES / "03_central_bank.html").read_text(encoding="utf-8")
    outcome = handle_input(_message(html, "text/html"), ORIGIN, Limits())
    assert outcome.dead_letter is None and outcome.candidates
    assert outcome.stats.counts["html"]["articles"] == 1
    assert outcome.stats.dropped_total("html") > 0, "a real page has furniture the extractor removes"
    for stage in ("intake", "html", "tagging", "fingerprint"):
        assert stage in outcome.stats.seconds


def test_process_stats_flag_prints_one_json_object(tmp_path) -> None:
    page = tmp_path / "furniture.txt"
    page.write_text(FURNITURE_ONLY, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "worker", "process", "--stats", str(SAMPLES / "01_port_strike_and_glacier.txt"), str(page)],
        capture_output=True, cwd=REPO, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = orjson.loads(done.stderr.decode().strip().splitlines()[-1])
    assert report["pages"] == 2
    assert report["records"]["dlq"] == 1
    # the dead-lettered page is counted as dropped by the stage that removed its text
    assert sum(b.get("page:no_articles", 0) for b in report["dropped"].values()) == 1
    assert report["counts"]["segment"]["articles"] >= 1
    assert set(report["seconds"]) >= {"intake", "segment", "tagging", "fingerprint", "dedup"}


def test_process_uses_the_dedup_settings_of_the_environment() -> None:
    """A stricter threshold from NEWSWORKER_DEDUP_THRESHOLD must change batch verdicts the way
    it changes the stream worker's (both build the index from Settings.dedup_config)."""
    base = ("The harbour authority said the new quay would open in March after two years of work on the pier, "
            "and that ferries to the islands would move there once the dredging of the channel was finished.")
    edited = base.replace("ferries to the islands", "the island ferries")
    lines = b"".join(
        orjson.dumps({"url": f"https://site{i}.example/x", "body": body, "content_type": "text/plain"}) + b"\n"
        for i, body in enumerate([base, edited])
    )

    def duplicates(environ: dict[str, str]) -> int:
        out = io.BytesIO()
        process_paths(["-"], out, io.BytesIO(lines), Settings.from_env(environ))
        return sum(1 for line in out.getvalue().splitlines() if orjson.loads(line)["topic"] == "articles.duplicates")

    assert duplicates({}) == 1
    strict = {"NEWSWORKER_DEDUP_THRESHOLD": "1.0", "NEWSWORKER_DEDUP_CONTAINMENT": "1.0"}
    assert duplicates(strict) == 0
    assert Settings.from_env({"NEWSWORKER_DEDUP_THRESHOLD": "1.0"}).dedup_config().threshold == 1.0


def test_process_and_send_read_a_file_into_the_same_page(tmp_path) -> None:
    limits = Limits()
    path = SAMPLES / "01_port_strike_and_glacier.txt"
    [item] = list(read_inputs([str(path)], io.BytesIO(), limits))
    message, page_id = as_message(item, limits)
    via_file = handle_input(item.data, item.origin, limits, path=item.path)
    via_kafka = handle_input(message, Origin("kafka", topic="pages.raw", partition=0, offset=0), limits)
    assert [c.article["article_id"] for c in via_file.candidates] == [c.article["article_id"] for c in via_kafka.candidates]
    assert via_kafka.candidates[0].article["page_id"] == page_id
    assert item.path == path.resolve().as_uri()
    # the same bound on JSONL lines for both: an over-long line is cut, not read whole
    jsonl = tmp_path / "pages.jsonl"
    jsonl.write_bytes(b"x" * (limits.max_message_bytes + 10) + b"\n" + message + b"\n")
    items = list(read_inputs([str(jsonl)], io.BytesIO(), limits))
    assert len(items[0].data) == limits.max_message_bytes + 1 and items[1].data == message
    assert isinstance(items[1], InputItem)


def test_settings_are_declared_once() -> None:
    names = [var for var, _, _ in describe(Settings)]
    assert len(names) == len(set(names))
    assert {"NEWSWORKER_BOOTSTRAP_SERVERS", "NEWSWORKER_MAX_BODY_CHARS", "NEWSWORKER_TOPIC_DLQ"} <= set(names)
    custom = Settings(bootstrap_servers="h:1", limits=Limits(page_time_limit_s=2.5))
    assert from_env(Settings, to_env(custom)) == custom
    secret = Settings.from_env({"NEWSWORKER_SASL_PASSWORD": "hunter2"})
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret.redacted())


def test_site_line_sketch_is_one_setting_for_batch_and_stream() -> None:
    """Off by default (replays must reproduce article ids); when on, batch keeps a sketch
    over its input and drops a line that recurs on the site's pages."""
    furniture = "Subscribe to our morning newsletter for the day's top stories from the valley"
    stories = [
        f"Story {i} headline about the harbour\n\nThe harbour board met on day {i} and agreed a budget for "
        f"dredging number {i}, officials said, after weeks of debate about costs and tides.\n\n{furniture}"
        for i in range(6)
    ]
    lines = b"".join(
        orjson.dumps({"url": f"https://valley.example/{i}", "body": body, "content_type": "text/plain"}) + b"\n"
        for i, body in enumerate(stories)
    )

    def last_text(environ: dict[str, str]) -> str:
        out = io.BytesIO()
        process_paths(["-"], out, io.BytesIO(lines), Settings.from_env(environ))
        records = [orjson.loads(line) for line in out.getvalue().splitlines()]
        return [r["value"]["text"] for r in records if r["topic"] == "articles.clean"][-1]

    assert Settings().site_lines is False
    assert furniture not in last_text({"NEWSWORKER_SITE_LINES": "1"})
