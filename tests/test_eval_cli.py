"""`python -m eval --only ...` must not replace docs/quality.md with a partial document
(every figure the README quotes lives there)."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

import eval.__main__ as cli
from tests.conftest import REPO


@pytest.fixture
def stub_harness(monkeypatch: pytest.MonkeyPatch) -> None:
    stub = types.SimpleNamespace(report=lambda data: "## Stub section\n\nfigure 0.5\n")
    monkeypatch.setattr(cli.importlib, "import_module", lambda name: stub)


def test_only_prints_the_partial_document_and_leaves_the_full_one(stub_harness, tmp_path: Path, capsys) -> None:
    doc = REPO / "docs" / "quality.md"
    before = doc.read_bytes()
    assert cli.main(["--data", str(tmp_path), "--only", "topics"]) == 0
    assert "## Stub section" in capsys.readouterr().out
    assert doc.read_bytes() == before


def test_only_with_out_writes_there(stub_harness, tmp_path: Path) -> None:
    out = tmp_path / "partial.md"
    assert cli.main(["--data", str(tmp_path), "--only", "topics", "--out", str(out)]) == 0
    assert "## Stub section" in out.read_text()
