"""Duplicate detection over a stream of articles: exact hash, then MinHash-LSH
candidates, each verified before it is called a duplicate.

Semantics
---------
* The first article seen (in call order) of a story is ``"new"``; it founds a cluster
  whose id is its own article id.
* A later article is a ``"duplicate"`` of a remembered *clean* article when their
  normalised texts hash equal (``duplicate_kind="exact"``), or when a candidate from the
  LSH buckets overlaps enough and passes every check of :meth:`DedupIndex.contradiction`:

  - overlap: the weighted Jaccard estimate of word 3-grams is at least
    ``config.threshold``, or the estimated share of the shorter text inside the longer
    (containment) is at least ``config.containment``, so a truncated copy or one with an
    added paragraph still matches. Slots whose MinHash value is common among recent clean
    articles (template wording: "reported quarterly revenue of", "with 98% of votes
    counted") weigh less (:mod:`worker.pipeline.dedup.sketch`);
  - numbers agree: when both texts have numbers (with units: amounts, percentages,
    scores, dates), at least ``config.numbers_agree`` of the smaller set is in the other;
  - names agree: the same for capitalised names, at ``config.names_agree``; numbers and
    names that many recent clean articles share (a weekday, an agency) weigh less;
  - titles do not contradict: when both titles carry numbers they share one.

  Two templated stories (earnings, results, market closes, weather, tallies) share most
  of their wording but not their numbers and names, so they stay apart. A near-duplicate
  from the same source within ``config.update_window_seconds`` is an ``"update"``, any
  other a ``"republication"``. ``duplicate_of`` and ``cluster_id`` are the first article's
  id. Only clean articles are indexed, so clusters are stars around their first article
  and never chain from story to story through a run of small edits.
* The same ``article_id`` seen again (a page reprocessed after a crash or a re-scrape
  under a stable id) is a ``"replay"`` carrying the original cluster, ``duplicate_of``,
  similarity and kind, and changes no state: replays are idempotent.
* Entries older than ``ts - config.retention_seconds`` are ignored by look-ups (as if
  evicted, so results never depend on when eviction last ran) and removed by
  :meth:`DedupIndex.evict_older_than`. Time always comes from the caller.

State
-----
One record per article (:class:`~worker.pipeline.dedup.record.ArticleRecord`, packed by
:func:`~worker.pipeline.dedup.record.encode_record`: about 340 bytes for a clean article,
40 for a duplicate) is the durable truth; the stream layer keeps these in one
changelogged faust table keyed by article id. The exact-hash and band look-ups and the
frequency sketches are derived from the clean records: :meth:`DedupIndex.restore` rebuilds
them, oldest first, after every recovery. :class:`MemoryStore` is the compact in-process
store; :class:`TableStore` runs the same operations over plain mappings (a dict, or a
faust table with ``value_type=bytes``, which faust stores raw).

Distributed layout
------------------
First-seen semantics need one total order over all articles that could be duplicates of
each other, so the dedup stage reads a single-partition topic; fingerprinting is pure
and runs upstream in parallel. Fingerprint, look-up and verification together
cost about a quarter of a millisecond of CPU per article (``bench/dedup_bench.py``), far
beyond news volumes. If one partition ever
became the bottleneck, the scale-out is to repartition by band key and to reduce the
per-band answers by article id, ordering competing "first" articles by
``(ts, article_id)``; that is not implemented here.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, Protocol

import numpy as np

from worker.pipeline.dedup.fingerprint import DEFAULT, DedupConfig, Fingerprint, band_keys
from worker.pipeline.dedup.record import (
    ArticleRecord, RecordHead, decode_head, decode_heads, decode_record, encode_record,
)
from worker.pipeline.dedup.sketch import SlotFrequency

__all__ = [
    "ArticleRecord", "CompactMultiMap", "Decision", "DedupIndex", "DedupStore", "MemoryStore", "RecordHead",
    "TableStore", "decode_head", "decode_heads", "decode_record", "encode_record",
]

EXACT, UPDATE, REPUBLICATION = "exact", "update", "republication"


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one article. ``duplicate_kind`` is ``exact``, ``update`` or
    ``republication`` for a duplicate (and its replays), else None. ``kept_apart`` names
    the check (``numbers``, ``names``, ``title``) that kept the most similar candidate
    from being a duplicate, when one overlapped enough but failed: for metrics."""

    kind: str  # "new" | "duplicate" | "replay"
    duplicate_of: str | None
    similarity: float | None
    cluster_id: str
    duplicate_kind: str | None = None
    kept_apart: str | None = None


class DedupStore(Protocol):
    """The key/value operations the index needs; flat tables, no transactions."""

    def get_article(self, article_id: str) -> ArticleRecord | None: ...
    # The heads (ts, shingle count, signature) of many articles, None for unknown ids: a
    # look-up reads these for every candidate and whole records only for the few that overlap.
    def get_heads(self, article_ids: list[str]) -> list[RecordHead | None]: ...
    def put_article(self, article_id: str, record: ArticleRecord) -> None: ...
    def delete_article(self, article_id: str) -> None: ...
    def iter_articles(self) -> Iterator[tuple[str, ArticleRecord]]: ...
    def get_exact(self, key: str) -> str | None: ...
    def put_exact(self, key: str, article_id: str) -> None: ...
    def delete_exact(self, key: str) -> None: ...
    def get_bands(self, keys: tuple[str, ...]) -> list[list[str]]: ...
    def put_bands(self, items: list[tuple[str, list[str]]]) -> None: ...  # [] deletes


class TableStore:
    """A store over any three ``MutableMapping[str, ...]``: dicts, or faust Tables.
    Article values are :func:`encode_record` bytes (a table with ``value_serializer="raw"``);
    exact values are article ids, band values lists of them (JSON-able)."""

    def __init__(
        self,
        articles: MutableMapping[str, Any] | None = None,
        exact: MutableMapping[str, Any] | None = None,
        bands: MutableMapping[str, Any] | None = None,
    ) -> None:
        self.articles: MutableMapping[str, Any] = {} if articles is None else articles
        self.exact: MutableMapping[str, Any] = {} if exact is None else exact
        self.bands: MutableMapping[str, Any] = {} if bands is None else bands

    def get_article(self, article_id: str) -> ArticleRecord | None:
        value = self.articles.get(article_id)
        return None if value is None else decode_record(value)

    def get_heads(self, article_ids: list[str]) -> list[RecordHead | None]:
        return decode_heads(list(map(self.articles.get, article_ids)))

    def put_article(self, article_id: str, record: ArticleRecord) -> None:
        self.articles[article_id] = encode_record(record)

    def delete_article(self, article_id: str) -> None:
        self.articles.pop(article_id, None)

    def iter_articles(self) -> Iterator[tuple[str, ArticleRecord]]:
        for article_id, value in list(self.articles.items()):
            yield article_id, decode_record(value)

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


class CompactMultiMap:
    """uint32 key -> tuple of str, at 12 bytes per (key, value) pair.

    A Python dict costs ~75 bytes per entry (int key object + hash-table slot), which
    alone would blow the per-article budget with a dozen bands. Here entries live in two
    parallel numpy arrays sorted by key (uint32 keys, object references to the id strings
    the article table already holds); recent writes sit in a small dict that overrides
    the arrays and is merged in once it reaches an eighth of their size, so the merge's
    linear cost is amortised to a few element moves per write.
    """

    def __init__(self, min_merge: int = 4096) -> None:
        self.keys = np.empty(0, dtype=np.uint32)
        self.values = np.empty(0, dtype=object)
        self.pending: dict[int, tuple[str, ...]] = {}  # () marks a deletion
        self.min_merge = min_merge

    def get_many(self, keys: list[int]) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...] | None] = [self.pending.get(k) for k in keys]
        missing = [i for i, v in enumerate(out) if v is None]
        if missing and len(self.keys):
            probe = np.array([keys[i] for i in missing], dtype=np.uint32)
            lo = np.searchsorted(self.keys, probe, "left").tolist()
            hi = np.searchsorted(self.keys, probe, "right").tolist()
            values = self.values
            for i, a, b in zip(missing, lo, hi):
                out[i] = tuple(values[a:b].tolist()) if b > a else ()
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
        changed = np.fromiter(self.pending.keys(), dtype=np.uint32, count=len(self.pending))
        keep = ~np.isin(self.keys, changed)
        new_keys = [k for k, vs in self.pending.items() for _ in vs]
        new_values = np.empty(len(new_keys), dtype=object)
        new_values[:] = [v for vs in self.pending.values() for v in vs]
        keys = np.concatenate([self.keys[keep], np.array(new_keys, dtype=np.uint32)])
        values = np.concatenate([self.values[keep], new_values])
        order = np.argsort(keys, kind="stable")  # two sorted runs: a linear merge
        self.keys, self.values = keys[order], values[order]
        self.pending = {}

    def __len__(self) -> int:
        self.merge()
        return len(self.keys)


def _key32(key: str) -> int:
    """A 16-hex-char band or exact key folded to 32 bits: its low 32 bits (a band key's
    value, or part of a hash) plus its top byte (a band key's band number) times an odd
    constant, which keeps bands apart. A rare fold collision only adds a candidate, which
    verification then rejects (and an exact match also compares signatures)."""
    return (int(key[8:], 16) + _BAND_OFFSET[key[:2]]) & 0xFFFFFFFF


_BAND_OFFSET = {f"{b:02x}": b * 0x9E3779B1 for b in range(256)}


def _keys32(keys: list[str] | tuple[str, ...]) -> list[int]:
    """:func:`_key32` of many keys at once (one hex decode and a few numpy operations
    instead of an ``int()`` per key: this runs twice per article with 16 band keys)."""
    k = np.frombuffer(bytes.fromhex("".join(keys)), dtype=">u8").astype(np.uint64)
    folded = ((k & np.uint64(0xFFFFFFFF)) + (k >> np.uint64(56)) * np.uint64(0x9E3779B1)) & np.uint64(0xFFFFFFFF)
    return folded.tolist()


class MemoryStore:
    """The compact in-process store: one :func:`encode_record` value per article, band
    and exact keys folded to uint32 in :class:`CompactMultiMap`, whose values are the article-id
    string objects themselves (shared with the article table, so a pointer costs 8 bytes).
    """

    def __init__(self) -> None:
        self.articles: dict[str, bytes] = {}
        self.exact = CompactMultiMap()
        self.bands = CompactMultiMap()
        # The last band keys read and their folded form: an article's look-up reads its
        # bands and, when it is new, writes the same keys right after.
        self._folded: tuple[tuple[str, ...], list[int]] = ((), [])

    def __len__(self) -> int:
        return len(self.articles)

    def get_article(self, article_id: str) -> ArticleRecord | None:
        raw = self.articles.get(article_id)
        return None if raw is None else decode_record(raw)

    def get_heads(self, article_ids: list[str]) -> list[RecordHead | None]:
        return decode_heads(list(map(self.articles.get, article_ids)))

    def put_article(self, article_id: str, record: ArticleRecord) -> None:
        self.articles[article_id] = encode_record(record)

    def delete_article(self, article_id: str) -> None:
        self.articles.pop(article_id, None)

    def iter_articles(self) -> Iterator[tuple[str, ArticleRecord]]:
        for article_id, raw in list(self.articles.items()):
            yield article_id, decode_record(raw)

    def get_exact(self, key: str) -> str | None:
        found = self.exact.get_many([_key32(key)])[0]
        return found[0] if found else None

    def put_exact(self, key: str, article_id: str) -> None:
        self.exact.put(_key32(key), (article_id,))

    def delete_exact(self, key: str) -> None:
        self.exact.put(_key32(key), ())

    def _keys32(self, keys: tuple[str, ...]) -> list[int]:
        last, folded = self._folded
        if keys != last:
            folded = _keys32(keys)
            self._folded = (keys, folded)
        return folded

    def get_bands(self, keys: tuple[str, ...]) -> list[list[str]]:
        if not keys:
            return []
        return [list(v) for v in self.bands.get_many(self._keys32(tuple(keys)))]

    def put_bands(self, items: list[tuple[str, list[str]]]) -> None:
        if items:
            keys = self._keys32(tuple(k for k, _ in items))
            self.bands.put_many([(k, tuple(ids)) for k, (_, ids) in zip(keys, items)])


def _hashes(data: bytes) -> list[int]:
    return np.frombuffer(data, dtype="<u2").tolist()


def agreement(a: bytes, b: bytes, limit: int, counts: np.ndarray | None = None, scale: float = 1.0) -> float | None:
    """Share of the smaller feature set found in the other; None when either is empty
    (no evidence either way). Both are bottom-k samples: when either is full, both are
    cut at the smaller of their largest kept hashes, below which each is complete.

    With ``counts`` (recent document frequency per feature hash) each feature weighs
    1 / (1 + count / scale): a weekday, a news agency's name or the current year agree
    between many different stories and say little; a company's or a town's name, or an
    amount, agree between copies of one story."""
    if not a or not b:
        return None
    xa, xb = _hashes(a), _hashes(b)
    cut = 0xFFFF
    if len(xa) >= limit:
        cut = min(cut, xa[-1])
    if len(xb) >= limit:
        cut = min(cut, xb[-1])
    sa = {x for x in xa if x <= cut}
    sb = {x for x in xb if x <= cut}
    if not sa or not sb:
        return None
    if counts is None:
        return len(sa & sb) / min(len(sa), len(sb))

    def weight(xs: set[int]) -> float:
        return sum(1.0 / (1.0 + int(counts[x]) / scale) for x in xs)

    return weight(sa & sb) / min(weight(sa), weight(sb))


class FeatureFrequency:
    """Recent document frequency of number and name hashes: one uint16 counter per
    16-bit hash and kind (256 KiB), halved with the slot sketch, clean articles only."""

    def __init__(self, halve_every: int) -> None:
        self.numbers = np.zeros(1 << 16, dtype=np.uint16)
        self.names = np.zeros(1 << 16, dtype=np.uint16)
        self.halve_every = halve_every
        self.added = 0

    def add(self, numbers: bytes, names: bytes) -> None:
        if numbers:
            self.numbers[np.frombuffer(numbers, dtype="<u2")] += 1
        if names:
            self.names[np.frombuffer(names, dtype="<u2")] += 1
        self.added += 1
        if self.added % self.halve_every == 0:
            self.numbers >>= 1
            self.names >>= 1


class DedupIndex:
    """First-seen-wins duplicate detection over a :class:`DedupStore`, with the rolling
    slot-frequency sketch that tells template wording from story wording."""

    def __init__(self, store: DedupStore | None = None, config: DedupConfig = DEFAULT) -> None:
        self.store: DedupStore = MemoryStore() if store is None else store
        self.config = config
        self.frequency = SlotFrequency(config.num_perm, halve_every=config.df_halve_every)
        self.features = FeatureFrequency(config.df_halve_every)

    def _live(self, article_id: str, horizon: float) -> ArticleRecord | None:
        record = self.store.get_article(article_id)
        if record is None or record.ts < horizon:
            return None
        return record

    def weights(self, signature: bytes) -> np.ndarray:
        """Per-slot weights of a signature: 1 for wording no recent clean article had,
        falling as 1 / (1 + frequency / df_scale) for wording many had."""
        values = np.frombuffer(signature, dtype="<u2")
        return 1.0 / (1.0 + self.frequency.frequency(values) / self.config.df_scale)

    def contradiction(self, fp: Fingerprint, record: ArticleRecord) -> str | None:
        """Why two overlapping texts are still different stories, or None."""
        cfg = self.config
        numbers = agreement(fp.numbers, record.numbers, cfg.max_features, self.features.numbers, cfg.df_scale)
        if numbers is not None and numbers < cfg.numbers_agree:
            return "numbers"
        names = agreement(fp.names, record.names, cfg.max_features, self.features.names, cfg.df_scale)
        if names is not None and names < cfg.names_agree:
            return "names"
        title = agreement(fp.title, record.title, cfg.max_features)
        if title is not None and title == 0.0:
            return "title"
        return None

    def _kind(self, fp: Fingerprint, record: ArticleRecord, ts: float) -> str:
        same_source = fp.source != 0 and fp.source == record.source
        return UPDATE if same_source and abs(ts - record.ts) <= self.config.update_window_seconds else REPUBLICATION

    def _lookup(self, fp: Fingerprint, ts: float) -> tuple[Decision | None, list[list[str]], str | None]:
        cfg = self.config
        horizon = ts - cfg.retention_seconds
        buckets = self.store.get_bands(fp.bands) if fp.bands else []
        first = self.store.get_exact(fp.exact)
        if first is not None:
            record = self._live(first, horizon)
            if record is not None and record.signature == fp.signature:
                return Decision("duplicate", first, 1.0, record.cluster_id, EXACT), buckets, None
        size = len(fp.signature)
        if not size:
            return None, buckets, None
        # Candidate ids in bucket order, each once, at most max_candidates of them (the
        # first max_candidates distinct ids: dict.fromkeys keeps first occurrences in order).
        ids = list(islice(dict.fromkeys(chain.from_iterable(buckets)), cfg.max_candidates))
        if not ids:
            return None, buckets, None
        # Only the heads (ts, shingles, signature): whole records are read below for the
        # few candidates that overlap enough to be verified.
        live: list[tuple[str, RecordHead]] = [
            (candidate, head)
            for candidate, head in zip(ids, self.store.get_heads(ids))
            if head is not None and head.ts >= horizon and len(head.signature) == size
        ]
        if not live:
            return None, buckets, None
        # All candidates compared in one vectorised step: templated texts can bring
        # dozens of candidates per article.
        mine = np.frombuffer(fp.signature, dtype="<u2")
        theirs = np.frombuffer(b"".join(h.signature for _, h in live), dtype="<u2").reshape(len(live), mine.size)
        weights = self.weights(fp.signature)
        jaccard = (theirs == mine) @ weights / weights.sum()
        over = jaccard >= cfg.threshold
        below = np.flatnonzero(~over)
        if len(below):  # containment only where the Jaccard estimate alone does not suffice
            jb = jaccard[below]
            sizes = np.array([live[i][1].shingles for i in below.tolist()], dtype=np.float64)
            smaller = np.minimum(sizes, fp.shingles)
            # |A & B| = J (|A| + |B|) / (1 + J); over the smaller set. Unknown sizes (0) give 0.
            containment = np.where(
                smaller > 0, np.minimum(jb * (sizes + fp.shingles) / ((1.0 + jb) * np.maximum(smaller, 1.0)), 1.0), 0.0
            )
            over[below[containment >= cfg.containment]] = True
        overlapping = np.flatnonzero(over)
        if not len(overlapping):
            return None, buckets, None
        kept_apart = None
        for i in sorted(overlapping.tolist(), key=lambda i: (-jaccard[i], live[i][1].ts, live[i][0])):
            candidate = live[i][0]
            record = self.store.get_article(candidate)
            if record is None:  # gone between the two reads (a store shared with another writer)
                continue
            reason = self.contradiction(fp, record)
            if reason is None:
                sim = round(float(jaccard[i]), 4)
                return Decision("duplicate", candidate, sim, record.cluster_id, self._kind(fp, record, ts)), buckets, None
            kept_apart = kept_apart or reason
        return None, buckets, kept_apart

    def check_and_add(self, article_id: str, fp: Fingerprint, ts: float) -> Decision:
        """Decide about one article and remember it (unless it is a replay)."""
        previous = self._live(article_id, ts - self.config.retention_seconds)
        if previous is not None:
            return Decision(
                "replay", previous.duplicate_of, previous.similarity, previous.cluster_id, previous.duplicate_kind
            )
        decision, buckets, kept_apart = self._lookup(fp, ts)
        if decision is not None:
            self.store.put_article(
                article_id,
                ArticleRecord(decision.cluster_id, decision.duplicate_of, decision.similarity, "", b"", ts,
                              decision.duplicate_kind),
            )
            return decision
        record = ArticleRecord(
            article_id, None, None, fp.exact, fp.signature, ts, None, fp.shingles, fp.numbers, fp.names, fp.title,
            fp.source,
        )
        self.store.put_article(article_id, record)
        self._index_clean(article_id, fp.exact, fp.bands, buckets)
        if fp.signature:
            self.frequency.add(np.frombuffer(fp.signature, dtype="<u2"))
            self.features.add(fp.numbers, fp.names)
        return Decision("new", None, None, article_id, None, kept_apart)

    def restore(self, article_id: str, record: ArticleRecord) -> None:
        """Re-remember an article from durable state (a recovered table), without a
        decision: the stream layer rebuilds its in-memory index this way after every
        recovery. Call in ``ts`` order so band buckets keep their newest-last order and
        the frequency sketch sees the clean articles in their original order."""
        self.store.put_article(article_id, record)
        if record.duplicate_of is None and record.signature:
            bands = band_keys(record.signature, self.config)
            self._index_clean(article_id, record.exact, bands, self.store.get_bands(bands))
            self.frequency.add(np.frombuffer(record.signature, dtype="<u2"))
            self.features.add(record.numbers, record.names)

    def adopt(self, rebuilt: "DedupIndex") -> None:
        """Take over the derived sketches of an index rebuilt with :meth:`restore` (the
        stream layer rebuilds into a fresh index and then swaps its in-memory store into
        the live one: the sketches must follow, or template wording weighs fully until
        enough new articles arrive)."""
        self.frequency, self.features = rebuilt.frequency, rebuilt.features

    def recount(self) -> None:
        """Rebuild the frequency sketch from the store's clean records, oldest first: for
        a store whose exact and band look-ups survived a restart (a :class:`TableStore`
        over durable tables), where :meth:`restore` is not needed."""
        self.frequency = SlotFrequency(self.config.num_perm, halve_every=self.config.df_halve_every)
        self.features = FeatureFrequency(self.config.df_halve_every)
        clean = [r for _, r in self.store.iter_articles() if r.duplicate_of is None and r.signature]
        for record in sorted(clean, key=lambda r: r.ts):
            self.frequency.add(np.frombuffer(record.signature, dtype="<u2"))
            self.features.add(record.numbers, record.names)

    def _index_clean(self, article_id: str, exact: str, bands: tuple[str, ...], buckets: list[list[str]]) -> None:
        self.store.put_exact(exact, article_id)
        keep = self.config.max_bucket - 1
        updates = []
        for key, old in zip(bands, buckets):
            if old:  # the newest max_bucket ids survive; the article's own id only once
                if not keep:
                    bucket = []
                elif article_id in old:
                    bucket = [x for x in old[-keep:] if x != article_id]
                else:  # the common case: a new id, so nothing to filter
                    bucket = list(old[-keep:])
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
