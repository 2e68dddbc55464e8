"""What the same-process A/B tools (``text_ab``, ``html_ab``, ``dedup_ab``) share.

Why: on a shared machine only passes that alternate in one process compare, so each tool
imports two source trees side by side and runs them in turn; the import and the order are
the same for all of them.
"""

from __future__ import annotations

import statistics
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def tree_on_path(tree: Path) -> Iterator[None]:
    """Imports made inside come from ``tree``: the worker, bench and eval modules loaded
    so far are dropped first, so that a second tree's modules are its own."""
    for name in [m for m in sys.modules if m.split(".")[0] in ("worker", "bench", "eval")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    try:
        yield
    finally:
        sys.path.remove(str(tree))


def alternating(rounds: int) -> Iterator[str]:
    """"old", "new", "new", "old", ...: ``rounds`` passes of each, neither always first."""
    for k in range(rounds):
        yield from (("old", "new") if k % 2 == 0 else ("new", "old"))


def new_over_old(old: list[float], new: list[float]) -> str:
    """The ratio of the fastest passes and of the medians."""
    return f"new/old min {min(new) / min(old):.3f}  median {statistics.median(new) / statistics.median(old):.3f}"
