"""The README documents every setting the worker reads (the declarations in
worker/config.py are the source; this keeps the two from drifting apart)."""

from __future__ import annotations

from tests.conftest import REPO
from worker.config import Settings, describe


def test_every_setting_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [var for var, _, _ in describe(Settings) if f"`{var}`" not in readme]
    assert not missing, f"README lacks: {missing}"
