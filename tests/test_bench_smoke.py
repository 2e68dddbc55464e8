"""`bench.run --quick` end to end on a real broker: every section is produced with
positive numbers, and the PNG and the markdown report are written. No timing assertions:
speed is the benchmark's business, this only proves the command still works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED, shared_path

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, Path, str]:
    out = tmp_path_factory.mktemp("bench")
    paths = {"json": out / "b.json", "png": out / "docs" / "b.png", "md": out / "docs" / "b.md"}
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--startup", *(f"--{k}={v}" for k, v in paths.items())],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(paths["json"].read_text()), paths["png"], paths["md"], proc.stdout


def test_core_and_naive_sections_have_positive_rates(quick_run) -> None:
    result = quick_run[0]
    for section in ("core", "naive"):
        for kind in ("text", "html"):
            row = result[section][kind]
            assert row["pages"] == 30
            assert row["pages_per_cpu_s"] > 0 and row["pages_per_s_wall"] > 0
    assert result["core"]["text"]["articles"] > 0
    assert result["ratios"]["core_vs_naive_text"] > 0 and result["ratios"]["core_vs_naive_html"] > 0
    conc = result["core"]["concurrent"]  # the two-worker row's control: the core in 2 processes at once
    assert conc["processes"] == 2 and len(conc["together_pages_per_cpu_s"]) == 2
    assert conc["alone_pages_per_cpu_s"] > 0 and all(x > 0 for x in conc["together_pages_per_cpu_s"])
    assert conc["efficiency"] > 0 and result["ratios"]["two_core_processes_vs_one"] == conc["efficiency"]


def test_end_to_end_sections_account_for_every_page(quick_run) -> None:
    e2e = quick_run[0]["e2e"]
    for name in ("one_worker", "two_workers", "two_workers_no_standby", "passthrough"):
        assert e2e[name]["pages"] == 30
        assert e2e[name]["pages_per_s"] > 0
        assert e2e[name]["broker_append_time"] is True, f"{name}: outputs were not stamped by the broker"
    assert e2e["one_worker"]["pages_per_worker_cpu_s"] > 0
    assert [lat["share"] for lat in e2e["latency"]] == [0.5, 0.9]
    for lat in e2e["latency"]:
        assert lat["latency_pages"] > 0
        assert 0 < lat["p50_ms"] <= lat["p95_ms"] <= lat["p99_ms"] <= lat["max_ms"]
        assert lat["offered_rate"] > 0
    low = e2e["latency_low"]  # the same load on a worker set for latency
    assert low["settings"] == {"batch_window_ms": 2.0, "linger_ms": 1.0} and low["latency_pages"] > 0
    assert 0 < low["p50_ms"] <= low["p99_ms"]
    ratios = quick_run[0]["ratios"]
    for key in ("e2e_vs_core_wall", "e2e_vs_core_cpu", "e2e_vs_passthrough", "two_vs_one", "two_no_standby_vs_one_per_cpu_s"):
        assert ratios[key] > 0


def test_memory_profile_and_machine_load_are_reported(quick_run) -> None:
    result = quick_run[0]
    assert {m["store"] for m in result["dedup_memory"]} == {"memory", "table"}
    assert all(m["bytes_per_article"] > 0 for m in result["dedup_memory"])
    profile = result["profiles"]["core_text"]
    assert profile["areas"][0]["area"] == "core (worker/pipeline)"
    assert profile["inclusive"] and profile["self"]
    assert len(result["machine"]["load_average"]) == 3
    volume = result["kafka_volume"]
    assert volume["raw_bytes_per_page"] > 0 and volume["output_records_per_page"] > 0
    assert volume["output_bytes_per_page"] > 0 and volume["candidate_bytes_per_page"] > 0


def test_png_markdown_and_table_are_written(quick_run) -> None:
    _, png, md, stdout = quick_run
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    text = md.read_text()
    assert "](b.png)" in text, "the markdown must embed the PNG by a path relative to itself"
    for heading in ("## Results", "## Goals", "## Where the time goes", "load average"):
        assert heading.lower() in text.lower()
    for section in ("1 core", "2 e2e", "3 pass-through", "4 naive", "5 scale-out", "6 dedup memory"):
        assert section in stdout and section in text


def test_real_page_and_start_up_rows(quick_run) -> None:
    result, _, md, _ = quick_run
    shared_path("data", "wcxb-dev-articles")  # the real-page rows need the development data
    real = result["real_pages"]
    for kind, rival in (("text", "justext_us"), ("html", "trafilatura_us")):
        assert real[kind]["pages"] == 5 and real[kind]["core_us"] > 0 and real[kind][rival] > 0
    assert real["text"]["segment_us_per_14kb"] > 0
    text = md.read_text()
    assert "core / jusText speed" in text and "core / trafilatura speed" in text
    if SEED.exists():
        startup = result["startup"]
        assert startup["failed_runs"] == 0 and "1/1 pages accounted for" in startup["best"]["summary"]
        assert 0 < startup["best"]["seconds"]["broker"] < startup["best"]["seconds"]["total"]
        assert "8 start-up" in text
