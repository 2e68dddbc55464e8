"""A rolling, bounded document-frequency sketch of MinHash slot values.

Why slot values: the value in MinHash slot ``i`` is the smallest hash, under permutation
``i``, of a text's shingles, so it names one shingle. When many recent stories share a
template, the template's shingles win most slots and the same (slot, value) pairs recur
in all of them; a story's own wording gives pairs seen once. Counting the pairs of the
clean articles seen recently therefore tells template wording from story wording without
keeping any shingles, and a slot whose value is common weighs little when two signatures
are compared (``DedupIndex.weights``). Only clean articles are counted, so a story
republished ten times still counts once.

Bounded: one uint16 counter per (slot, 16-bit value), ``num_perm * 65536`` counters
(16 MiB at 128 slots) whatever the volume. The stored signatures already keep 16 bits per
slot, so this direct-mapped table is a count-min sketch of depth one whose only hashing
is that truncation: no hash to compute per look-up, which makes a look-up or an update
one numpy gather (a two-row hashed count-min cost ten times more here). Rolling: every
``halve_every`` added articles all counters are halved (integer shift), so a count
covers roughly the last one to two ``halve_every`` clean articles. Deterministic: the
same clean articles in the same order give the same counts, so an index rebuilt from its
records (``DedupIndex.restore``) weighs as before, apart from articles already evicted.
"""

from __future__ import annotations

import numpy as np


class SlotFrequency:
    def __init__(self, num_perm: int, *, halve_every: int = 2000) -> None:
        if halve_every < 1 or halve_every > 30_000:
            raise ValueError("halve_every in 1..30000 (counters are uint16)")
        self.counts = np.zeros(num_perm << 16, dtype=np.uint16)
        self._base = np.arange(num_perm, dtype=np.intp) << 16
        self.halve_every = halve_every
        self.added = 0

    def _cells(self, values: np.ndarray) -> np.ndarray:
        return self._base[: len(values)] + values

    def frequency(self, values: np.ndarray) -> np.ndarray:
        """Recent document frequency of each (slot, value) of a signature's uint16 values."""
        return self.counts[self._cells(values)]

    def add(self, values: np.ndarray) -> None:
        self.counts[self._cells(values)] += 1
        self.added += 1
        if self.added % self.halve_every == 0:
            self.counts >>= 1
