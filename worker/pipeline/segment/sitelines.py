"""Lines a site prints on many pages: a bounded per-site sketch of line hashes.

Why: repetition is the strongest sign of furniture. A menu, a newsletter prompt or a
footer recurs on every page of a site, while an article's paragraphs occur on one. A
count-min sketch per site counts, for every line hash, on how many earlier pages of that
site the line occurred (each page counts a line once), in fixed memory; an LRU bounds
the number of sites.

Memory bound: ``max_sites * depth * width * 2`` bytes of counters (uint16, saturating),
plus a small dict entry per site. The defaults (1,024 sites, 3 x 2,048 counters) hold at
most 12 MiB. Count-min never under-counts; over-counts need a collision in every row,
which at a few hundred distinct lines per site page and 2,048 columns is rare, and a line
is only treated as furniture after ``min_pages`` pages of the site carried it.

Pure and synchronous: ``process`` builds one over its input, the stream worker keeps one
per worker process. A page from a site the sketch has not seen is segmented without it.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from typing import Iterable

import numpy as np

_SEEDS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1)
_MAX = np.iinfo(np.uint16).max


class SiteLineSketch:
    """Per-site count-min sketches of line hashes, least recently used site evicted."""

    def __init__(self, max_sites: int = 1024, width: int = 2048, depth: int = 3, min_pages: int = 3) -> None:
        if not 1 <= depth <= len(_SEEDS):
            raise ValueError(f"depth must be 1..{len(_SEEDS)}")
        self.max_sites = max_sites
        self.width = width
        self.depth = depth
        self.min_pages = min_pages  # a line seen on this many earlier pages of a site is furniture
        self._sites: OrderedDict[str, tuple[np.ndarray, list[int]]] = OrderedDict()

    @property
    def memory_bound_bytes(self) -> int:
        return self.max_sites * self.depth * self.width * 2

    def _cols(self, key: str) -> list[int]:
        data = key.encode("utf-8", "surrogatepass")
        return [zlib.crc32(data, seed) % self.width for seed in _SEEDS[: self.depth]]

    def pages(self, site: str) -> int:
        entry = self._sites.get(site)
        return entry[1][0] if entry else 0

    def counts(self, site: str, keys: Iterable[str]) -> list[int]:
        """For each line key: on how many earlier pages of ``site`` it occurred (an upper
        bound, exact unless every row collides); zeros for an unseen site."""
        entry = self._sites.get(site)
        keys = list(keys)
        if entry is None:
            return [0] * len(keys)
        table = entry[0]
        rows = range(self.depth)
        return [int(min(table[r, c] for r, c in zip(rows, self._cols(k)))) for k in keys]

    def observe(self, site: str, keys: Iterable[str]) -> None:
        """Count one page of ``site`` holding these line keys (each counted once)."""
        entry = self._sites.get(site)
        if entry is None:
            entry = (np.zeros((self.depth, self.width), dtype=np.uint16), [0])
            self._sites[site] = entry
            while len(self._sites) > self.max_sites:
                self._sites.popitem(last=False)
        else:
            self._sites.move_to_end(site)
        table, pages = entry
        cols = {tuple(self._cols(k)) for k in set(keys)}
        for cs in cols:
            for r, c in enumerate(cs):
                if table[r, c] < _MAX:
                    table[r, c] += 1
        pages[0] += 1

    def __len__(self) -> int:
        return len(self._sites)
