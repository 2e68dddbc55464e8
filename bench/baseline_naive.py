"""The naive pipeline a team would write first, on the same pages, for a speed ratio.

trafilatura for HTML (plain text pages: split at blank lines, the page is one article),
datasketch MinHash (word 5-gram shingles, 128 permutations) with MinHashLSH, and a
country gazetteer compiled into one regex alternation of every pycountry name. It is
given every advantage a reasonable author would take (``update_batch``, one compiled
regex, orjson) and it does less than ours: no segmentation into several articles, no
language id, no topics, no routing. So the ratio flatters the baseline, not us.
"""

from __future__ import annotations

import re
import time
from typing import Any

import orjson

from bench.run_machine import load_average
from testkit.pagegen import PageSet

SHINGLE = 5
NUM_PERM = 128
THRESHOLD = 0.8  # datasketch's usual choice for near-duplicates on 5-grams
_WORD = re.compile(r"\w+")


def country_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every pycountry name (name, common and official names), longest
    first so that "South Korea" wins over "Korea"."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names[value.lower()] = country.alpha_2
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE), names


class NaivePipeline:
    def __init__(self) -> None:
        import trafilatura  # noqa: F401 - import cost is paid here, not per page
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.pattern, self.codes = country_regex()
        self.count = 0

    def paragraphs(self, doc: dict[str, Any]) -> list[str]:
        body = doc["body"]
        if "html" in str(doc.get("content_type", "")):
            import trafilatura

            text = trafilatura.extract(body) or ""
            return [p.strip() for p in text.split("\n") if p.strip()]
        return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]

    def page(self, message: bytes) -> bytes | None:
        """One output record (the page as one article), or None for an unusable input."""
        from datasketch import MinHash

        try:
            doc = orjson.loads(message)
            if not isinstance(doc, dict) or not isinstance(doc.get("body"), str) or not doc["body"].strip():
                return None
        except orjson.JSONDecodeError:
            return None
        paras = self.paragraphs(doc)
        if not paras:
            return None
        text = "\n\n".join(paras)
        words = _WORD.findall(text.lower())
        shingles = {" ".join(words[i:i + SHINGLE]).encode() for i in range(max(1, len(words) - SHINGLE + 1))}
        mh = MinHash(num_perm=NUM_PERM)
        mh.update_batch(list(shingles))
        dups = self.lsh.query(mh)
        key = f"a{self.count}"
        self.count += 1
        if not dups:
            self.lsh.insert(key, mh)
        countries = sorted({self.codes[m.group(0).lower()] for m in self.pattern.finditer(text)})
        return orjson.dumps({"id": key, "url": doc.get("url"), "paragraphs": paras, "duplicate_of": dups[0] if dups else None,
                             "countries": countries})


def run_naive(pages: PageSet) -> dict[str, Any]:
    pipeline = NaivePipeline()
    pipeline.page(orjson.dumps({"url": "about:warm", "body": "<p>warm up</p>", "content_type": "text/html"}))
    load = load_average()
    out = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for message in pages.messages:
        out += pipeline.page(message) is not None
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    n = len(pages.messages)
    return {"pages": n, "records": out, "wall_s": round(wall, 4), "cpu_s": round(cpu, 4),
            "pages_per_s_wall": round(n / wall, 1) if wall else 0.0, "pages_per_cpu_s": round(n / cpu, 1) if cpu else 0.0,
            "load_before": load}
