"""The dedup stage's state, laid out like Quix Streams' ``state/``: one record-store
interface (``base``), its backends (``memory``, ``table``), the store the index runs on
(``index_store``), the record format (``records``), recovery (``recovery``), retention
(``retention``), and the assembly the faust app uses (``dedup``)."""

from worker.stream.state.dedup import DEDUP_PARTITIONS, DedupState

__all__ = ["DEDUP_PARTITIONS", "DedupState"]
