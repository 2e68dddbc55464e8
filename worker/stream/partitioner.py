"""Kafka's default key partitioning (murmur2, as the Java client), remembering recent keys.

aiokafka's murmur2 is pure Python, ~5-7 µs a key, and one article's key is hashed once per
topic it goes to (clean or duplicate, every routing topic, the changelog). The partition a key
maps to is unchanged: same hash, same modulo, so consumers keyed on the Java client's choice
keep working.
"""

from __future__ import annotations

import random
from typing import Sequence

from aiokafka.partitioner import murmur2

__all__ = ["KeyHashPartitioner"]

CACHE_KEYS = 4096
"""Keys remembered; the records of one article are sent together, so a few thousand keys
cover every repeat while bounding memory (~0.5 MB)."""


class KeyHashPartitioner:
    """Same choices as ``aiokafka.partitioner.DefaultPartitioner``."""

    def __init__(self, cache_keys: int = CACHE_KEYS) -> None:
        self._hashes: dict[bytes, int] = {}
        self._limit = cache_keys

    def __call__(self, key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]) -> int:
        if key is None:
            return random.choice(available) if available else random.choice(all_partitions)
        h = self._hashes.get(key)
        if h is None:
            if len(self._hashes) >= self._limit:
                self._hashes.clear()  # cheaper than LRU order; repeats are close together
            h = self._hashes[key] = murmur2(key) & 0x7FFFFFFF
        return all_partitions[h % len(all_partitions)]
