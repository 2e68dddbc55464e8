"""The pure, synchronous core: no Kafka, no asyncio, no I/O beyond its own data files.

The batch ``process`` command and the stream worker both call :func:`worker.pipeline.process.process_page`,
so a page gives the same records whichever way it arrives.
"""
