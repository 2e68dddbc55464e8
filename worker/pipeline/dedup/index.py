"""Duplicate detection over a stream of articles: exact hash, then MinHash-LSH with the
Jaccard estimate verified against the stored signature.

Semantics
---------
* The first article seen (in call order) of a story is ``"new"``; it founds a cluster
  whose id is its own article id.
* A later article whose normalised text hashes equal (and whose signature is identical)
  or whose estimated Jaccard similarity to a remembered *clean* article is at least
  ``config.threshold`` is a ``"duplicate"``: ``duplicate_of`` and ``cluster_id`` are that
  first article's id. Only clean articles are indexed, so clusters are stars around their
  first article and never chain from story to story through a run of small edits.
* The same ``article_id`` seen again (a page reprocessed after a crash or a re-scrape
  under a stable id) is a ``"replay"`` carrying the original cluster, ``duplicate_of`` and
  similarity, and changes no state: replays are idempotent.
* Entries older than ``ts - config.retention_seconds`` are ignored by look-ups (as if
  evicted, so results never depend on when eviction last ran) and removed by
  :meth:`DedupIndex.evict_older_than`. Time always comes from the caller.

State layout (all keys are ``str``; every value is JSON-able in :class:`TableStore`)
-------------------------------------------------------------------------------------
* ``articles``: article_id -> [cluster_id, duplicate_of, similarity, exact_key,
  signature (base64), ts]. Duplicates keep no signature (they are never matched against).
* ``exact``: exact_key (16 hex chars) -> article_id of the clean article.
* ``bands``: band_key (16 hex chars, band number mixed in) -> [article_id, ...], newest
  last, at most ``config.max_bucket``. Band entries are pointers; the signature and the
  timestamp live once, in ``articles``.

A faust ``Table`` is a ``MutableMapping`` with str keys, so ``TableStore(articles=t1,
exact=t2, bands=t3)`` runs on three tables with ``value_serializer="json"``. Values are
always *reassigned*, never mutated in place, so every change reaches the changelog.
Name the tables with :meth:`DedupConfig.state_version` so a change of shingling or
banding starts from fresh state instead of mixing incompatible signatures.

Distributed layout (what the stream layer must do)
--------------------------------------------------
First-seen semantics need one total order over all articles that could be duplicates of
each other, and two near-duplicates must meet in one store whatever Kafka partition
their pages arrived on. The intended layout is therefore a **single-partition dedup
stage**: the segmenting agents (any number of partitions) publish fingerprinted articles
to a ``dedup.in`` topic with ONE partition; one agent consumes it, owns the three tables
(changelogged, so a restarted worker recovers them), and for each article calls
``index.check_and_add(article_id, fingerprint, ts)`` and routes the decision (clean ->
``articles``, duplicate -> ``duplicates``; a replay re-emits the original decision). A
timer calls ``index.evict_older_than(now - retention)`` periodically (for example
hourly); because look-ups already ignore expired entries, the timer's period changes
memory only, never decisions. Fingerprinting is pure and can run upstream in parallel
(about 0.17 ms per 500-word article); the dedup stage itself then costs about 0.1 ms per
article on one core (``bench/dedup_bench.py``), thousands of articles a second, far
beyond news volumes. The in-memory store keeps about 660 bytes per remembered article;
a persistent store (RocksDB behind faust) keeps the JSON values, about 2 KB per article
before compression, i.e. ~14 GB for a week at a million articles a day.

If one partition ever becomes the bottleneck, the scale-out is to repartition by band
key (topic ``dedup.bands``, each article fanned out once per band, band entries then
carrying the signature so verification stays local) and to reduce the per-band answers
by article id, ordering competing "first" articles by ``(ts, article_id)``. That costs
``bands`` messages and signatures per article and is not implemented here.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from worker.pipeline.dedup.fingerprint import DEFAULT, DedupConfig, Fingerprint, band_keys


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one article. ``match`` says how a duplicate was found
    ("exact" or "near"), for metrics and for the reason routed with it."""

    kind: str  # "new" | "duplicate" | "replay"
    duplicate_of: str | None
    similarity: float | None
    cluster_id: str
    match: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One remembered article. ``signature`` and ``exact`` are empty for duplicates."""

    cluster_id: str
    duplicate_of: str | None
    similarity: float | None
    exact: str
    signature: bytes
    ts: float


class DedupStore(Protocol):
    """The key/value operations the index needs; three flat tables, no transactions."""

    def get_article(self, article_id: str) -> ArticleRecord | None: ...
    def put_article(self, article_id: str, record: ArticleRecord) -> None: ...
    def delete_article(self, article_id: str) -> None: ...
    def iter_articles(self) -> Iterator[tuple[str, ArticleRecord]]: ...
    def get_exact(self, key: str) -> str | None: ...
    def put_exact(self, key: str, article_id: str) -> None: ...
    def delete_exact(self, key: str) -> None: ...
    def get_bands(self, keys: tuple[str, ...]) -> list[list[str]]: ...
    def put_bands(self, items: list[tuple[str, list[str]]]) -> None: ...  # [] deletes


class TableStore:
    """A store over any three ``MutableMapping[str, JSON]``: dicts, or faust Tables."""

    def __init__(
        self,
        articles: MutableMapping[str, Any] | None = None,
        exact: MutableMapping[str, Any] | None = None,
        bands: MutableMapping[str, Any] | None = None,
    ) -> None:
        self.articles: MutableMapping[str, Any] = {} if articles is None else articles
        self.exact: MutableMapping[str, Any] = {} if exact is None else exact
        self.bands: MutableMapping[str, Any] = {} if bands is None else bands

    @staticmethod
    def _decode(value: Any) -> ArticleRecord:
        cluster_id, duplicate_of, sim, exact, sig, ts = value
        return ArticleRecord(
            cluster_id, duplicate_of, sim, exact, base64.b64decode(sig) if sig else b"", float(ts)
        )

    def get_article(self, article_id: str) -> ArticleRecord | None:
        value = self.articles.get(article_id)
        return None if value is None else self._decode(value)

    def put_article(self, article_id: str, record: ArticleRecord) -> None:
        sig = base64.b64encode(record.signature).decode("ascii") if record.signature else ""
        self.articles[article_id] = [
            record.cluster_id, record.duplicate_of, record.similarity, record.exact, sig, record.ts
        ]

    def delete_article(self, article_id: str) -> None:
        self.articles.pop(article_id, None)

    def iter_articles(self) -> Iterator[tuple[str, ArticleRecord]]:
        for article_id, value in list(self.articles.items()):
            yield article_id, self._decode(value)

    def get_exact(self, key: str) -> str | None:
        return self.exact.get(key)

    def put_exact(self, key: str, article_id: str) -> None:
        self.exact[key] = article_id

    def delete_exact(self, key: str) -> None:
        self.exact.pop(key, None)

    def get_bands(self, keys: tuple[str, ...]) -> list[list[str]]:
        return [list(self.bands.get(key) or ()) for key in keys]

    def put_bands(self, items: list[tuple[str, list[str]]]) -> None:
        for key, article_ids in items:
            if article_ids:
                self.bands[key] = list(article_ids)
            else:
                self.bands.pop(key, None)


_HEAD = struct.Struct("<ddB8sHH")  # ts, similarity, flags, exact, len(cluster), len(dup_of)
_SELF_CLUSTER, _HAS_DUP, _HAS_SIM, _DUP_IS_CLUSTER = 1, 2, 4, 8


class CompactMultiMap:
    """uint64 key -> tuple of str, at 16 bytes per (key, value) pair.

    A Python dict costs ~75 bytes per entry (int key object + hash-table slot), which
    alone would blow the per-article budget with a dozen bands. Here entries live in two
    parallel numpy arrays sorted by key (uint64 keys, object references to the id strings
    the article table already holds); recent writes sit in a small dict that overrides
    the arrays and is merged in once it reaches an eighth of their size, so the merge's
    linear cost is amortised to a few element moves per write.
    """

    def __init__(self, min_merge: int = 4096) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.values = np.empty(0, dtype=object)
        self.pending: dict[int, tuple[str, ...]] = {}  # () marks a deletion
        self.min_merge = min_merge

    def get_many(self, keys: list[int]) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...] | None] = [self.pending.get(k) for k in keys]
        missing = [i for i, v in enumerate(out) if v is None]
        if missing and len(self.keys):
            probe = np.array([keys[i] for i in missing], dtype=np.uint64)
            lo = np.searchsorted(self.keys, probe, "left").tolist()
            hi = np.searchsorted(self.keys, probe, "right").tolist()
            for i, a, b in zip(missing, lo, hi):
                out[i] = tuple(self.values[a:b]) if b > a else ()
        return [v if v is not None else () for v in out]

    def put(self, key: int, values: tuple[str, ...]) -> None:
        self.pending[key] = values
        if len(self.pending) >= max(self.min_merge, len(self.keys) // 8):
            self.merge()

    def put_many(self, items: list[tuple[int, tuple[str, ...]]]) -> None:
        self.pending.update(items)
        if len(self.pending) >= max(self.min_merge, len(self.keys) // 8):
            self.merge()

    def merge(self) -> None:
        if not self.pending:
            return
        changed = np.fromiter(self.pending.keys(), dtype=np.uint64, count=len(self.pending))
        keep = ~np.isin(self.keys, changed)
        new_keys = [k for k, vs in self.pending.items() for _ in vs]
        new_values = np.empty(len(new_keys), dtype=object)
        new_values[:] = [v for vs in self.pending.values() for v in vs]
        keys = np.concatenate([self.keys[keep], np.array(new_keys, dtype=np.uint64)])
        values = np.concatenate([self.values[keep], new_values])
        order = np.argsort(keys, kind="stable")  # two sorted runs: a linear merge
        self.keys, self.values = keys[order], values[order]
        self.pending = {}

    def __len__(self) -> int:
        self.merge()
        return len(self.keys)


class MemoryStore:
    """The compact in-process store: one packed ``bytes`` record per article, band and
    exact keys as uint64 in :class:`CompactMultiMap`, whose values are the article-id
    string objects themselves (shared with the article table, so a pointer costs 8 bytes).
    """

    def __init__(self) -> None:
        self.articles: dict[str, bytes] = {}
        self.exact = CompactMultiMap()
        self.bands = CompactMultiMap()

    def get_article(self, article_id: str) -> ArticleRecord | None:
        raw = self.articles.get(article_id)
        return None if raw is None else self._unpack(article_id, raw)

    def put_article(self, article_id: str, record: ArticleRecord) -> None:
        flags = 0
        cluster = b""
        dup = b""
        if record.cluster_id == article_id:
            flags |= _SELF_CLUSTER
        else:
            cluster = record.cluster_id.encode("utf-8")
        if record.duplicate_of is not None:
            flags |= _HAS_DUP
            if record.duplicate_of == record.cluster_id:
                flags |= _DUP_IS_CLUSTER
            else:
                dup = record.duplicate_of.encode("utf-8")
        if record.similarity is not None:
            flags |= _HAS_SIM
        exact = bytes.fromhex(record.exact) if record.exact else b""
        head = _HEAD.pack(
            record.ts, record.similarity or 0.0, flags, exact, len(cluster), len(dup)
        )
        self.articles[article_id] = head + cluster + dup + record.signature

    @staticmethod
    def _unpack(article_id: str, raw: bytes) -> ArticleRecord:
        ts, sim, flags, exact, n_cluster, n_dup = _HEAD.unpack_from(raw)
        pos = _HEAD.size
        cluster = article_id if flags & _SELF_CLUSTER else raw[pos : pos + n_cluster].decode()
        pos += n_cluster
        dup: str | None = None
        if flags & _HAS_DUP:
            dup = cluster if flags & _DUP_IS_CLUSTER else raw[pos : pos + n_dup].decode()
        pos += n_dup
        return ArticleRecord(
            cluster_id=cluster,
            duplicate_of=dup,
            similarity=sim if flags & _HAS_SIM else None,
            exact=exact.hex() if exact != bytes(8) else "",
            signature=raw[pos:],
            ts=ts,
        )

    def delete_article(self, article_id: str) -> None:
        self.articles.pop(article_id, None)

    def iter_articles(self) -> Iterator[tuple[str, ArticleRecord]]:
        for article_id, raw in list(self.articles.items()):
            yield article_id, self._unpack(article_id, raw)

    def get_exact(self, key: str) -> str | None:
        found = self.exact.get_many([int(key, 16)])[0]
        return found[0] if found else None

    def put_exact(self, key: str, article_id: str) -> None:
        self.exact.put(int(key, 16), (article_id,))

    def delete_exact(self, key: str) -> None:
        self.exact.put(int(key, 16), ())

    def get_bands(self, keys: tuple[str, ...]) -> list[list[str]]:
        return [list(v) for v in self.bands.get_many([int(k, 16) for k in keys])]

    def put_bands(self, items: list[tuple[str, list[str]]]) -> None:
        self.bands.put_many([(int(k, 16), tuple(ids)) for k, ids in items])


class DedupIndex:
    """First-seen-wins duplicate detection over a :class:`DedupStore`."""

    def __init__(self, store: DedupStore | None = None, config: DedupConfig = DEFAULT) -> None:
        self.store: DedupStore = MemoryStore() if store is None else store
        self.config = config

    def _live(self, article_id: str, horizon: float) -> ArticleRecord | None:
        record = self.store.get_article(article_id)
        if record is None or record.ts < horizon:
            return None
        return record

    def lookup(self, fp: Fingerprint, ts: float) -> Decision | None:
        """The clean article ``fp`` duplicates, as a Decision, or None. Read-only."""
        return self._lookup(fp, ts)[0]

    def _lookup(self, fp: Fingerprint, ts: float) -> tuple[Decision | None, list[list[str]]]:
        horizon = ts - self.config.retention_seconds
        buckets = self.store.get_bands(fp.bands) if fp.bands else []
        first = self.store.get_exact(fp.exact)
        if first is not None:
            record = self._live(first, horizon)
            if record is not None and record.signature == fp.signature:
                return Decision("duplicate", first, 1.0, record.cluster_id, "exact"), buckets
        seen: set[str] = set()
        live: list[tuple[str, ArticleRecord]] = []
        budget = self.config.max_candidates
        size = len(fp.signature)
        for bucket in buckets:
            for candidate in bucket:
                if candidate in seen or len(seen) >= budget:
                    continue
                seen.add(candidate)
                record = self._live(candidate, horizon)
                if record is not None and size and len(record.signature) == size:
                    live.append((candidate, record))
        best: tuple[float, float, str, str] | None = None  # (sim, -ts, id, cluster)
        if live:
            # All candidates verified in one vectorised comparison: templated or boilerplate
            # texts can bring dozens of candidates per article.
            mine = np.frombuffer(fp.signature, dtype="<u2")
            theirs = np.frombuffer(b"".join(r.signature for _, r in live), dtype="<u2").reshape(len(live), mine.size)
            sims = (np.count_nonzero(theirs == mine, axis=1) / mine.size).tolist()
            for (candidate, record), sim in zip(live, sims):
                entry = (sim, -record.ts, candidate, record.cluster_id)
                if sim >= self.config.threshold and (best is None or entry > best):
                    best = entry
        if best is None:
            return None, buckets
        return Decision("duplicate", best[2], best[0], best[3], "near"), buckets

    def check_and_add(self, article_id: str, fp: Fingerprint, ts: float) -> Decision:
        """Decide about one article and remember it (unless it is a replay)."""
        previous = self._live(article_id, ts - self.config.retention_seconds)
        if previous is not None:
            return Decision(
                "replay", previous.duplicate_of, previous.similarity, previous.cluster_id
            )
        decision, buckets = self._lookup(fp, ts)
        if decision is not None:
            self.store.put_article(
                article_id,
                ArticleRecord(decision.cluster_id, decision.duplicate_of, decision.similarity,
                              "", b"", ts),
            )
            return decision
        self.store.put_article(
            article_id, ArticleRecord(article_id, None, None, fp.exact, fp.signature, ts)
        )
        self._index_clean(article_id, fp.exact, fp.bands, buckets)
        return Decision("new", None, None, article_id)

    def restore(self, article_id: str, record: ArticleRecord) -> None:
        """Re-remember an article from durable state (a recovered table), without a
        decision: the stream layer rebuilds its in-memory index this way after every
        recovery. Call in ``ts`` order so band buckets keep their newest-last order."""
        self.store.put_article(article_id, record)
        if record.duplicate_of is None and record.signature:
            bands = band_keys(record.signature, self.config)
            self._index_clean(article_id, record.exact, bands, self.store.get_bands(bands))

    def _index_clean(self, article_id: str, exact: str, bands: tuple[str, ...], buckets: list[list[str]]) -> None:
        self.store.put_exact(exact, article_id)
        keep = self.config.max_bucket - 1
        updates = []
        for key, old in zip(bands, buckets):
            if old:  # the newest max_bucket ids survive; the article's own id only once
                bucket = [x for x in old[-keep:] if x != article_id] if keep else []
                bucket.append(article_id)
            else:
                bucket = [article_id]
            updates.append((key, bucket))
        self.store.put_bands(updates)

    def evict_older_than(self, cutoff: float) -> int:
        """Forget articles with ``ts < cutoff``; returns how many. A full scan of the
        article table: call it from a periodic timer, not per article."""
        old = [(aid, rec) for aid, rec in self.store.iter_articles() if rec.ts < cutoff]
        for article_id, record in old:
            if record.exact and self.store.get_exact(record.exact) == article_id:
                self.store.delete_exact(record.exact)
            keys = band_keys(record.signature, self.config)
            self.store.put_bands([
                (key, [x for x in bucket if x != article_id])
                for key, bucket in zip(keys, self.store.get_bands(keys))
                if article_id in bucket
            ])
            self.store.delete_article(article_id)
        return len(old)
