"""Throughput and memory of the dedup core on ~500-word articles.

Articles are assembled at run time from random sentences of the BBC corpus (seeded), so
they are realistic text but mostly distinct; every 10th one is a lightly edited copy of
an earlier one so the duplicate path is exercised too. Throughput includes normalising,
shingling, MinHash, band keys and the index look-up + insert (one core, one process).
Memory is measured with tracemalloc around the inserts only (fingerprints computed
beforehand), so it counts exactly what the store retains per remembered article.
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

from worker.pipeline.dedup.index import DedupIndex, MemoryStore, TableStore  # noqa: E402
from worker.pipeline.dedup.fingerprint import DEFAULT, fingerprint  # noqa: E402

_SENT = re.compile(r"(?<=[.!?])\s+")


def make_articles(root: Path, n: int, words: int, seed: int) -> list[str]:
    sentences = []
    for path in sorted(root.glob("*/*.txt")):
        body = path.read_bytes().decode("utf-8", errors="replace").split("\n", 1)[-1]
        sentences.extend(s for s in _SENT.split(" ".join(body.split())) if len(s) > 20)
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        if i % 10 == 9 and out:
            base = out[rng.randrange(len(out))].split(" ")
            for _ in range(3):
                base[rng.randrange(len(base))] = "edited"
            out.append("By A Reporter\n" + " ".join(base))
            continue
        parts: list[str] = []
        count = 0
        while count < words:
            s = rng.choice(sentences)
            parts.append(s)
            count += s.count(" ") + 1
        out.append(" ".join(parts))
    return out


def throughput(texts: list[str]) -> dict:
    index = DedupIndex()
    t0 = time.perf_counter()
    fps = [fingerprint(t) for t in texts]
    t1 = time.perf_counter()
    kinds: dict[str, int] = {}
    for i, fp in enumerate(fps):
        d = index.check_and_add(f"{i:024x}", fp, float(i))
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    t2 = time.perf_counter()
    n = len(texts)
    return {
        "articles": n,
        "fingerprint_us": (t1 - t0) / n * 1e6,
        "index_us": (t2 - t1) / n * 1e6,
        "articles_per_s": n / (t2 - t0),
        "decisions": kinds,
    }


def memory(texts: list[str], store_name: str) -> dict:
    fps = [fingerprint(t) for t in texts]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    store = MemoryStore() if store_name == "memory" else TableStore()
    index = DedupIndex(store=store)
    new = 0
    for i, fp in enumerate(fps):
        new += index.check_and_add(f"{i:024x}", fp, float(i)).kind == "new"
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"store": store_name, "articles": len(fps), "clean": new,
            "bytes_per_article": (after - before) / len(fps)}


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
          f"mean words {sum(t.count(' ') + 1 for t in texts) / len(texts):.0f}")
    speed = throughput(texts[: args.speed_n])
    print(f"throughput: {speed['articles_per_s']:.0f} articles/s on one core "
          f"(fingerprint {speed['fingerprint_us']:.0f} us + index {speed['index_us']:.0f} us per article); "
          f"decisions {speed['decisions']}")
    mems = [memory(texts[: args.memory_n], name) for name in ("memory", "table")]
    for m in mems:
        print(f"memory ({m['store']} store, {m['articles']} articles, {m['clean']} clean): "
              f"{m['bytes_per_article']:.0f} bytes per remembered article")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"speed": speed, "memory": mems}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
