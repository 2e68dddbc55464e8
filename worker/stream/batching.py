"""Events in batches for the stream agents (``NEWSWORKER_BATCH_WINDOW_MS``).

Why: faust hands an agent one event at a time, and each step of its stream machinery
(iteration, processors, acknowledgement) costs the worker's CPU per event. With a window,
the analyze agent takes up to ``BATCH_MAX`` events at once, or what arrived within the window
(``Stream.take_events``), and faust acknowledges them after the batch. Each event is
still handled on its own (errors stay per page); only the stream overhead is shared.
Not for agents that write a faust table: faust refuses table writes outside stream
iteration ("Cannot modify table key from outside of stream iteration"), because
``take_events`` leaves no current event to take the partition from.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Sequence

BATCH_MAX = 256


async def event_batches(stream: Any, window_ms: float, max_events: int = BATCH_MAX) -> AsyncIterator[Sequence[Any]]:
    """``stream``'s events in batches; one event per batch when ``window_ms`` <= 0."""
    if window_ms <= 0:
        async for event in stream.events():
            yield (event,)
        return
    async for events in stream.take_events(max_events, within=window_ms / 1000.0):
        yield events
