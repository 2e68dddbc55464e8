"""Throughput and memory of the dedup core, against datasketch in the same run.

Articles are assembled at run time from random sentences of the BBC corpus (seeded, about
500 words), so they are realistic text but mostly distinct; every 10th one is a lightly
edited copy of an earlier one and every 10th a templated story (``eval/dedup_templates``),
so the duplicate path and the verification of overlapping templated candidates run too.

* ours: ``fingerprint`` (normalise, shingle, MinHash, band keys, number / name / title
  features) + ``DedupIndex.check_and_add`` (exact and LSH look-up, weighted similarity
  and containment, verification, insert), one core, one process.
* datasketch: the textbook pipeline on the same texts: our tokens, word 3-gram strings,
  ``MinHash(128).update_batch``, ``MinHashLSH(threshold=0.3)`` query, Jaccard check of
  the candidates, insert when new. No verification, so it does strictly less work.
* times are CPU seconds of this process (``time.process_time``): articles per second per
  core, which waiting for a CPU on a shared machine does not distort.
* memory: bytes kept per remembered article: the in-memory index (tracemalloc around
  the inserts only, fingerprints computed beforehand; the fixed-size frequency sketch is
  created before and reported apart) plus the faust table record (key + packed value).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.dedup_templates import templated_stories  # noqa: E402
from worker.pipeline.dedup.fingerprint import DEFAULT, fingerprint, tokens  # noqa: E402
from worker.pipeline.dedup.index import DedupIndex, MemoryStore, TableStore  # noqa: E402
from worker.pipeline.dedup.record import encode_record  # noqa: E402

_SENT = re.compile(r"(?<=[.!?])\s+")


def make_articles(root: Path, n: int, words: int, seed: int) -> list[tuple[str | None, str]]:
    """(title, text) pairs."""
    sentences = []
    for path in sorted(root.glob("*/*.txt")):
        body = path.read_bytes().decode("utf-8", errors="replace").split("\n", 1)[-1]
        sentences.extend(s for s in _SENT.split(" ".join(body.split())) if len(s) > 20)
    rng = random.Random(seed)
    templated = templated_stories(n // 10 // 16 + 1, seed)
    rng.shuffle(templated)
    out: list[tuple[str | None, str]] = []
    for i in range(n):
        if i % 10 == 9 and out:
            title, text = out[rng.randrange(len(out))]
            base = text.split(" ")
            for _ in range(3):
                base[rng.randrange(len(base))] = "edited"
            out.append((title, "By A Reporter\n" + " ".join(base)))
            continue
        if i % 10 == 4 and templated:
            _, _, title, body = templated.pop()
            out.append((title, body))
            continue
        parts: list[str] = []
        count = 0
        while count < words:
            s = rng.choice(sentences)
            parts.append(s)
            count += s.count(" ") + 1
        out.append((None, " ".join(parts)))
    return out


def ours(texts: list[tuple[str | None, str]]) -> dict:
    index = DedupIndex()
    kinds: dict[str, int] = {}
    t0 = time.process_time()
    fps = [fingerprint(text, title=title, source="bench") for title, text in texts]
    t1 = time.process_time()
    for i, fp in enumerate(fps):
        d = index.check_and_add(f"{i:032x}", fp, float(i))
        kinds[d.duplicate_kind or d.kind] = kinds.get(d.duplicate_kind or d.kind, 0) + 1
    t2 = time.process_time()
    n = len(texts)
    return {"articles": n, "fingerprint_us": (t1 - t0) / n * 1e6, "index_us": (t2 - t1) / n * 1e6,
            "articles_per_s": n / (t2 - t0), "decisions": kinds}


def datasketch_baseline(texts: list[tuple[str | None, str]]) -> dict:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.3, num_perm=DEFAULT.num_perm)
    kept: dict[str, MinHash] = {}
    duplicates = 0
    t0 = time.process_time()
    for i, (title, text) in enumerate(texts):
        words = tokens(f"{title}\n\n{text}" if title else text)
        grams = {" ".join(words[j : j + 3]).encode("utf-8") for j in range(max(1, len(words) - 2))}
        m = MinHash(num_perm=DEFAULT.num_perm, seed=DEFAULT.seed)
        m.update_batch(list(grams))
        if any(kept[c].jaccard(m) >= 0.3 for c in lsh.query(m)):
            duplicates += 1
            continue
        key = f"{i:032x}"
        lsh.insert(key, m)
        kept[key] = m
    seconds = time.process_time() - t0
    return {"articles": len(texts), "articles_per_s": len(texts) / seconds, "duplicates": duplicates}


def memory(texts: list[str] | list[tuple[str | None, str]], store_name: str = "memory") -> dict:
    """Bytes the index keeps per remembered article in a ``memory`` (:class:`MemoryStore`)
    or ``table`` (:class:`TableStore` over dicts) store, and the table record's size:
    ``state_bytes_per_article`` is the in-memory index plus the durable table record."""
    pairs = [(None, t) if isinstance(t, str) else t for t in texts]
    fps = [fingerprint(text, title=title, source="bench") for title, text in pairs]
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    store = MemoryStore() if store_name == "memory" else TableStore()
    index = DedupIndex(store)  # the fixed-size sketches are allocated here, before the count
    sketch_bytes = tracemalloc.get_traced_memory()[0] - base
    before = tracemalloc.get_traced_memory()[0]
    new = 0
    for i, fp in enumerate(fps):
        new += index.check_and_add(f"{i:032x}", fp, float(i)).kind == "new"
    if isinstance(store, MemoryStore):
        store.bands.merge()
        store.exact.merge()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    records = list(store.iter_articles())
    table = sum(len(aid) + len(encode_record(rec)) for aid, rec in records) / max(len(records), 1)
    clean = [len(encode_record(rec)) for _, rec in records if rec.duplicate_of is None]
    in_memory = (after - before) / max(len(fps), 1)
    return {"store": store_name, "articles": len(fps), "clean": new, "bytes_per_article": in_memory,
            "table_record_bytes": table, "state_bytes_per_article": in_memory + table,
            "clean_record_bytes": sum(clean) / max(len(clean), 1), "sketch_bytes": sketch_bytes}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path, help="path to bbc-news/")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--speed-n", type=int, default=10_000)
    ap.add_argument("--memory-n", type=int, default=50_000)
    ap.add_argument("--words", type=int, default=500)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)

    texts = make_articles(args.data, max(args.speed_n, args.memory_n), args.words, args.seed)
    print(f"config {DEFAULT.state_version()} threshold {DEFAULT.threshold}; "
          f"mean words {sum(t.count(' ') + 1 for _, t in texts) / len(texts):.0f}")
    speed = ours(texts[: args.speed_n])
    base = datasketch_baseline(texts[: args.speed_n])
    print(f"throughput: {speed['articles_per_s']:.0f} articles/s on one core "
          f"(fingerprint {speed['fingerprint_us']:.0f} us + look-up and verification {speed['index_us']:.0f} us per article); "
          f"decisions {speed['decisions']}")
    print(f"datasketch (MinHash + MinHashLSH, no verification), same texts, same run: {base['articles_per_s']:.0f} articles/s; "
          f"ours is {speed['articles_per_s'] / base['articles_per_s']:.1f}x")
    mem = memory(texts[: args.memory_n])
    print(f"state per remembered article ({mem['articles']} articles, {mem['clean']} clean): "
          f"{mem['state_bytes_per_article']:.0f} bytes = in-memory index {mem['bytes_per_article']:.0f} "
          f"+ table record {mem['table_record_bytes']:.0f} (key + value; a clean value {mem['clean_record_bytes']:.0f}); "
          f"plus fixed frequency sketches of {mem['sketch_bytes'] / 2**20:.1f} MiB")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"speed": speed, "datasketch": base, "memory": mem}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
