"""A rolling, bounded document-frequency sketch of MinHash slot values.

Why slot values: the value in MinHash slot ``i`` is the smallest hash, under permutation
``i``, of a text's shingles, so it names one shingle. When many recent stories share a
template, the template's shingles win most slots and the same (slot, value) pairs recur
in all of them; a story's own wording gives pairs seen once. Counting the pairs of the
clean articles seen recently therefore tells template wording from story wording without
keeping any shingles, and a slot whose value is common weighs little when two signatures
are compared (``weights``). Only clean articles are counted, so a story republished ten
times still counts once.

Bounded: a count-min sketch (``depth`` rows of ``2**width_bits`` float32 counters,
8 MB by default) whatever the volume. Rolling: every ``halve_every`` added articles all
counters are halved, so a count is a sum over recent stories weighted by 2^(-age/period).
Deterministic: the same clean articles in the same order give the same counts, so an
index rebuilt from its records (``DedupIndex.restore``) weighs as before, apart from
the faded contribution of articles already evicted.
"""

from __future__ import annotations

import numpy as np

_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)


class SlotFrequency:
    def __init__(self, num_perm: int, *, halve_every: int = 2000, width_bits: int = 20, depth: int = 2) -> None:
        if not 1 <= depth <= len(_MULTIPLIERS) or not 8 <= width_bits <= 26:
            raise ValueError("depth in 1..4, width_bits in 8..26")
        self.counts = np.zeros((depth, 1 << width_bits), dtype=np.float32)
        self._slots = np.arange(num_perm, dtype=np.uint64) << np.uint64(16)
        self._mult = np.array(_MULTIPLIERS[:depth], dtype=np.uint64)[:, None]
        self._shift = np.uint64(64 - width_bits)
        self._rows = np.arange(depth)[:, None]
        self.halve_every = halve_every
        self.added = 0

    def _cells(self, values: np.ndarray) -> np.ndarray:
        keys = self._slots[: len(values)] | values.astype(np.uint64)
        return ((keys[None, :] * self._mult) >> self._shift).astype(np.intp)

    def frequency(self, values: np.ndarray) -> np.ndarray:
        """Estimated recent document frequency of each (slot, value); never below the truth."""
        return self.counts[self._rows, self._cells(values)].min(axis=0)

    def add(self, values: np.ndarray) -> None:
        self.counts[self._rows, self._cells(values)] += 1.0
        self.added += 1
        if self.added % self.halve_every == 0:
            self.counts *= 0.5
