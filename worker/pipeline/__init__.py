"""The pure, synchronous core: no Kafka, no asyncio, no I/O beyond its own data files,
and no environment (settings arrive as arguments).

The batch ``process`` command and the stream worker both call
:func:`worker.pipeline.process.handle_input` (a raw input to candidate articles or a dead
letter) and :func:`worker.pipeline.process.decide` (a candidate against the dedup index to
the records to publish), so a page gives the same records whichever way it arrives.
"""
