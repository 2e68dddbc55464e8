"""Workarounds for faust-streaming behaviour that breaks at-least-once delivery.

Offset gaps. When faust's consumer sees a message whose offset jumps past the last one it
read, it records the skipped range as a "gap" and later commits through it as if it had
been processed (``Consumer._add_gap`` / ``_new_offset``). That is meant for compacted
topics and transaction markers, but a batch fetched before faust seeks a newly assigned
partition to its committed offset makes the same jump (faust-streaming #216, #596, #606),
and the pages in between were then committed without ever being processed: our
reliability runs lost pages after SIGKILL and during rebalances this way.

Our input topics are neither compacted nor written transactionally, so their offsets are
contiguous and a jump can only mean "not delivered". We therefore never count a gap as
processed: commits stop below it and the skipped messages are read again after the next
rebalance or restart (outputs are keyed by content hashes, so the replay is idempotent).
The cost, if a producer ever writes ``pages.raw`` transactionally, is that commits for a
partition stall at its first transaction marker until the worker restarts; the warning
below says so.
"""

from __future__ import annotations

import logging
from typing import Any

from faust.transport.consumer import Consumer

log = logging.getLogger("newsworker.consumer")


async def _never_ack_a_gap(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
    log.warning(
        "offsets %d..%d of %s were skipped by the fetcher; not committing past them, they will be read again after the next rebalance or restart",
        offset_from, offset_to - 1, tp,
    )


def apply() -> None:
    Consumer._add_gap = _never_ack_a_gap  # type: ignore[method-assign]
