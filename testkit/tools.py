"""External validators some tests need (docker-compose, hadolint, node, PyYAML): skipped
with the install hint where missing on a user's machine, required in CI."""

from __future__ import annotations

import os
from typing import Any

import pytest


def require_tool(found: bool, reason: str) -> None:
    """Skip where a validator is missing; fail in CI, where skipping would hide a gap."""
    if found:
        return
    if os.environ.get("NEWSWORKER_REQUIRE_TOOLS"):
        pytest.fail(reason + "; NEWSWORKER_REQUIRE_TOOLS is set")
    pytest.skip(reason)


def load_yaml(text: str) -> Any:
    try:
        import yaml
    except ImportError:
        require_tool(False, "PyYAML is not installed (pip install pyyaml)")
        raise
    return yaml.safe_load(text)
