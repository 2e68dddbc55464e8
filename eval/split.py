"""The one split of every development set into a tuning half and a report half.

Why a fixed hash: rules, thresholds and weights are chosen on the tuning half only, and
figures are reported on the report half, whose individual errors nobody reads. A hash of
the item's id (not a random draw, not file order) gives the same halves on every machine
and every run, so a figure cannot drift by re-splitting.
"""

from __future__ import annotations

import hashlib
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")

TUNE = "tune"
REPORT = "report"
_SALT = b"newsworker-split-v1:"


def half(item_id: str) -> str:
    """``tune`` or ``report`` for an item id (page id, file name, article id)."""
    return TUNE if hashlib.sha256(_SALT + item_id.encode("utf-8")).digest()[0] < 128 else REPORT


def split(items: Iterable[T], key: Callable[[T], str]) -> tuple[list[T], list[T]]:
    """(tuning half, report half), each in the input order."""
    tune: list[T] = []
    report: list[T] = []
    for item in items:
        (tune if half(key(item)) == TUNE else report).append(item)
    return tune, report
