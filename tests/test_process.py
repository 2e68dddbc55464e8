"""The batch contract: ``newsworker process`` on files and stdin, every record checked
against the schema of its topic, and the seed page's two articles."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import REPO, SEED, shared_path
from worker.batch import process_paths
from worker.config import Settings, TopicNames
from worker.pipeline.intake.limits import Limits
from worker.pipeline.intake.schemas import validator

TOPICS = TopicNames()
SAMPLES = REPO / "worker" / "samples"


def run_process(paths: list[str], stdin: bytes = b"", limits: Limits | None = None) -> list[dict]:
    out = io.BytesIO()
    process_paths(paths, out, io.BytesIO(stdin), Settings(limits=limits or Limits()))
    return [orjson.loads(line) for line in out.getvalue().splitlines()]


def check_schemas(records: list[dict]) -> None:
    for rec in records:
        name = "dead_letter" if rec["topic"] == TOPICS.dlq else "article"
        validator(name)(rec["value"])
        assert rec["key"]


def articles(records: list[dict]) -> list[dict]:
    return [r["value"] for r in records if r["topic"] == TOPICS.articles]


@pytest.mark.shared
def test_seed_page_gives_its_two_articles() -> None:
    path = shared_path("seed", SEED.name)
    records = run_process([str(path)])
    check_schemas(records)
    found = articles(records)
    assert [a["title"] for a in found] == [
        "UN cites possible crimes against humanity in China’s Xinjiang",
        "Kremlin suggests it may not like new Ukraine peace proposals after recent US-Ukraine talks",
    ]
    first, second = found
    assert first["dateline"]["text"] == "GENEVA" and first["dateline"]["country"] == "CH"
    assert second["dateline"]["text"] == "MOSCOW" and second["dateline"]["country"] == "RU"
    assert len(first["highlights"]) == 2
    assert all(not h.startswith("-") for h in first["highlights"])
    for a in found:
        assert len(a["paragraphs"]) == len(set(a["paragraphs"])), "a paragraph printed twice on the page came out twice"
        assert a["language"] == "en"
        assert a["page_articles"] == 2
    body1 = first["text"]
    assert "Short Url" not in body1 and "https://" not in body1
    assert first["title"] not in body1
    assert not first["paragraphs"][0].startswith("GENEVA")
    assert any(p.startswith("Moscow has also signalled its interest in attracting foreign investment after") for p in second["paragraphs"])
    assert all("©" not in p and "All Rights Reserved" not in p for a in found for p in a["paragraphs"])
    # Tags: the Geneva-datelined story is about China; Geneva is only its dateline.
    assert first["focus_country"] == "CN"
    cn = next(r for r in first["regions"] if r["country"] == "CN")
    assert (cn["subregion"], cn["continent"]) == ("Eastern Asia", "Asia") and "Xinjiang" in cn["evidence"]
    assert "CH" not in {r["country"] for r in first["regions"]}
    assert first["topics"][0]["label"] == "politics"  # human rights in Xinjiang
    assert {"RU", "UA", "US"} <= {r["country"] for r in second["regions"]}
    assert second["focus_country"] in {"RU", "UA"}
    # the Kremlin story: conflict, war and peace or politics first
    assert second["topics"][0]["code"] in {"medtop:16000000", "medtop:11000000"}
    # The Kremlin story's paragraphs all appear twice on the page; each must come out once.
    raw = path.read_text(encoding="utf-8")
    assert raw.count("Russian Foreign Minister Sergei Lavrov") == 2
    assert sum("Sergei Lavrov" in p for p in second["paragraphs"]) == 1


def test_samples_cover_every_outcome() -> None:
    paths = sorted(str(p) for p in SAMPLES.iterdir())
    records = run_process(paths)
    check_schemas(records)
    by_topic = {}
    for r in records:
        by_topic.setdefault(r["topic"], []).append(r["value"])
    assert len(by_topic[TOPICS.articles]) >= 3
    # The republished glacier story is a near-duplicate of the first page's second article.
    dups = by_topic.get(TOPICS.duplicates, [])
    assert len(dups) == 1
    original = next(a for a in by_topic[TOPICS.articles] if a["article_id"] == dups[0]["duplicate_of"])
    assert "glacier" in original["title"].lower()
    assert dups[0]["cluster_id"] == original["cluster_id"] == original["article_id"]
    # Routing records repeat clean articles only.
    routed = [r for r in records if r["topic"].startswith(TOPICS.route_prefix + "region.") or r["topic"].startswith(TOPICS.route_prefix + "topic.")]
    assert routed and {r["key"] for r in routed} <= {a["article_id"] for a in by_topic[TOPICS.articles]}


def test_same_input_twice_gives_same_ids_and_no_self_duplicate(tmp_path: Path) -> None:
    page = {"url": "https://a.example/1", "body": (SAMPLES / "01_port_strike_and_glacier.txt").read_text(encoding="utf-8")}
    line = orjson.dumps(page) + b"\n"
    records = run_process(["-"], stdin=line + line)
    clean = articles(records)
    first_half = clean[: len(clean) // 2]
    second_half = clean[len(clean) // 2 :]
    assert [a["article_id"] for a in first_half] == [a["article_id"] for a in second_half]
    assert not [r for r in records if r["topic"] == TOPICS.duplicates]


def test_bad_lines_become_dead_letters_and_the_rest_still_comes_out() -> None:
    good = orjson.dumps({"url": "https://a.example/2", "body": (SAMPLES / "02_wire_republished.txt").read_text(encoding="utf-8")})
    lines = [
        b"{broken json",
        orjson.dumps({"url": "https://a.example/3"}),
        orjson.dumps({"url": "https://a.example/4", "body": "   "}),
        b"\xff\xfe\x00garbage",
        good,
        orjson.dumps({"url": "https://a.example/6", "body": "y" * 3000}),
    ]
    records = run_process(["-"], stdin=b"\n".join(lines) + b"\n", limits=Limits(max_body_chars=2000))
    check_schemas(records)
    letters = [r["value"] for r in records if r["topic"] == TOPICS.dlq]
    reasons = [d["error"]["type"] for d in letters]
    assert reasons[:4] == ["invalid_json", "schema_violation", "empty_body", "invalid_encoding"]
    assert reasons[-1] == "body_too_large"
    assert [d["origin"]["line"] for d in letters][:4] == [1, 2, 3, 4]
    assert len(articles(records)) == 1  # the good page, between bad ones, still comes out


def test_overlong_line_is_cut_not_buffered() -> None:
    huge = b'{"url": "u", "body": "' + b"a" * 300_000 + b'"}\n'
    good = orjson.dumps({"url": "https://a.example/7", "body": (SAMPLES / "02_wire_republished.txt").read_text(encoding="utf-8")}) + b"\n"
    records = run_process(["-"], stdin=huge + good, limits=Limits(max_message_bytes=100_000))
    check_schemas(records)
    assert records[0]["topic"] == TOPICS.dlq and records[0]["value"]["error"]["type"] == "message_too_large"
    assert records[0]["value"]["raw"]["truncated"] is True
    assert len(articles(records)) == 1


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "worker", *args], input=stdin, capture_output=True, cwd=REPO, timeout=120)


def test_cli_process_sample_and_exit_codes() -> None:
    done = run_cli("process", str(SAMPLES / "03_central_bank.html"))
    assert done.returncode == 0, done.stderr
    records = [orjson.loads(line) for line in done.stdout.splitlines()]
    check_schemas(records)
    clean = [r["value"] for r in records if r["topic"] == "articles.clean"]
    assert len(clean) == 1 and clean[0]["title"] == "Central bank holds rates as inflation cools"
    assert "1 pages" in done.stderr.decode()
    missing = run_cli("process", "/nonexistent/page.txt")
    assert missing.returncode == 2 and b"not a readable file" in missing.stderr
    assert run_cli("process").returncode == 2
    assert run_cli("bogus").returncode == 2


def test_cli_topic_names_come_from_environment() -> None:
    env_run = subprocess.run(
        [sys.executable, "-m", "worker", "process", "-"], input=b"{bad\n", capture_output=True, cwd=REPO, timeout=60,
        env={**os.environ, "NEWSWORKER_TOPIC_DLQ": "custom.dlq"},
    )
    assert env_run.returncode == 0
    assert orjson.loads(env_run.stdout.splitlines()[0])["topic"] == "custom.dlq"


_CORE_DIGEST_PROBE = r"""
import hashlib, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import orjson
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin
from worker.pipeline.process import handle_input

h = hashlib.sha256()
for path in sys.argv[2:]:
    data = Path(path).read_bytes()
    doc = {"page_id": Path(path).name, "url": "https://example.org/" + Path(path).name, "body": data.decode("utf-8", "replace")}
    outcome = handle_input(orjson.dumps(doc), Origin("kafka", topic="t", partition=0, offset=0), Limits())
    h.update(orjson.dumps([c.article for c in outcome.candidates], option=orjson.OPT_SORT_KEYS, default=str))
    h.update(repr([c.fingerprint for c in outcome.candidates]).encode())
    h.update(repr(outcome.dead_letter and outcome.dead_letter["error"]).encode())
print(h.hexdigest())
"""


def test_the_core_does_not_depend_on_string_hashing() -> None:
    """Every worker process has its own PYTHONHASHSEED: a page must give the same articles,
    ids, tags and fingerprints in each, or a replay on another process would not repeat
    its verdict. Over the bundled samples and the hand-written fixture pages."""
    pages = sorted(str(p) for p in SAMPLES.glob("*") if p.is_file())
    pages += sorted(str(p) for p in (REPO / "tests" / "fixtures").rglob("*") if p.is_file())
    assert len(pages) >= 3
    digests = set()
    for seed in ("11", "22", "33"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-c", _CORE_DIGEST_PROBE, str(REPO), *pages], env=env,
                             capture_output=True, text=True, check=True)
        digests.add(run.stdout.strip())
    assert len(digests) == 1, "the core's output changed with the hash seed"
