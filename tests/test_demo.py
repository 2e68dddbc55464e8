"""The README's first command: ``newsworker demo`` runs the real worker end to end on the
embedded broker (Tansu), with no Kafka configured."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, SEED, shared_path


def run_demo(*paths: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
    return subprocess.run([sys.executable, "-m", "worker", "demo", "--timeout", "90", *paths], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=240)


@pytest.mark.shared
def test_demo_prints_the_seed_pages_two_articles_from_kafka() -> None:
    done = run_demo(str(shared_path("seed", SEED.name)))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "started the embedded broker" in done.stderr
    assert "[articles.clean] UN cites possible crimes against humanity in China’s Xinjiang" in done.stdout
    assert "[articles.clean] Kremlin suggests it may not like new Ukraine peace proposals after recent US-Ukraine talks" in done.stdout
    assert "1/1 pages accounted for" in done.stderr


def test_demo_on_bundled_samples_shows_every_outcome() -> None:
    done = run_demo()
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("[articles.clean]") == 3
    assert done.stdout.count("[articles.duplicates]") == 1
    assert "3/3 pages accounted for" in done.stderr
