"""Deduplication core: fingerprints, decisions, retention, stores."""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.pipeline.dedup.index import (
    ArticleRecord,
    CompactMultiMap,
    Decision,
    DedupIndex,
    MemoryStore,
    TableStore,
)
from worker.pipeline.dedup.fingerprint import DEFAULT, DedupConfig, fingerprint, similarity, tokens

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Invented stories (not taken from any source). Two stories on the same topic share
# vocabulary but not text.
FLOOD_STORY = """Harbourside council approves new flood barrier

The council of the coastal town of Harbourside voted on Tuesday to build a movable flood barrier across the mouth of the Wren estuary, ending a decade of argument about how to protect the old quarter from winter storms.

The barrier, which will cost an estimated 48 million, is due to be finished in 2029. Councillors approved the plan by 23 votes to 9 after a four-hour debate in which residents of the low-lying streets near the fish market described water reaching their kitchens twice in the past three years.

"We cannot keep pumping out the same cellars every February," said the council leader, Mara Quintel. "This barrier buys the town fifty years."

Opponents argued that the money would be better spent raising the sea wall and that the barrier could harm the oyster beds upstream. An independent review commissioned last spring found that the barrier would change tidal flow by less than four percent, a figure the fishermen's cooperative disputes.

Work on the foundations is expected to start next autumn, once the regional environment agency has signed off the final design. The council said it would publish a timetable of road closures in the new year.
"""

# Same topic and place, a different story.
FLOOD_OTHER = """Harbourside residents count cost of second storm

Shopkeepers in Harbourside spent Sunday clearing mud from their floors after the second storm in a fortnight pushed the Wren estuary over the quay wall and into the old quarter.

Emergency crews used boats to reach six elderly residents on Ferry Lane, and the coastguard closed the harbour to all traffic for most of Saturday night. No one was seriously hurt, the town's fire service said.

"The water came up faster than last time," said bakery owner Tomas Eld, whose ovens were ruined. "We had perhaps twenty minutes."

Insurers said claims from the town were already higher than for the whole of last winter. The mayor asked the regional government for emergency funds and said volunteers would hand out sandbags from the library car park on Monday morning.

Forecasters expect calmer weather for the rest of the week, although another band of rain could reach the coast by Friday, bringing high tides and strong westerly winds.
"""


def rescrape(text: str) -> str:
    """The same text as a re-scrape delivers it: curly quotes, other wrapping, spacing."""
    text = text.replace('"', "\u201c").replace("'", "\u2019").replace(" - ", " \u2013 ")
    text = re.sub(r"(\w+) (\w+) ", r"\1  \2\n", text, count=30)
    return "  " + text.upper().replace("\n\n", "\n \n") + "\n\n"


def republish(text: str) -> str:
    """A syndicated copy: byline added, one sentence changed, a few words edited."""
    text = text.replace(
        "Councillors approved the plan by 23 votes to 9 after a four-hour debate",
        "After a long and heated session the plan passed comfortably",
    )
    text = text.replace("winter storms", "winter gales").replace("estimated", "projected")
    title, rest = text.split("\n", 1)
    return f"{title}\nBy a staff correspondent, Coastal Times\n{rest}\nCopyright Coastal Times."


class JsonMapping(MutableMapping[str, Any]):
    """What a faust Table holds: str keys, serialised values (JSON, or raw bytes as the
    dedup article table uses)."""

    def __init__(self, data: dict[str, bytes] | None = None, raw: bool = False) -> None:
        self.data: dict[str, bytes] = {} if data is None else data
        self.raw = raw

    def __getitem__(self, key: str) -> Any:
        return self.data[key] if self.raw else orjson.loads(self.data[key])

    def __setitem__(self, key: str, value: Any) -> None:
        assert isinstance(key, str)
        if self.raw:
            assert isinstance(value, bytes)
            self.data[key] = bytes(value)
        else:
            self.data[key] = orjson.dumps(value)

    def __delitem__(self, key: str) -> None:
        del self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.data))

    def __len__(self) -> int:
        return len(self.data)


def json_store(tables: tuple[dict, dict, dict] | None = None) -> TableStore:
    a, e, b = tables or ({}, {}, {})
    return TableStore(articles=JsonMapping(a, raw=True), exact=JsonMapping(e), bands=JsonMapping(b))


def test_exact_duplicate_across_whitespace_quote_and_case_changes() -> None:
    index = DedupIndex()
    assert index.check_and_add("a1", fingerprint(FLOOD_STORY), 100.0).kind == "new"
    copy = rescrape(FLOOD_STORY)
    assert copy != FLOOD_STORY
    d = index.check_and_add("a2", fingerprint(copy), 200.0)
    assert d == Decision("duplicate", "a1", 1.0, "a1", "exact")
    assert d.duplicate_kind == "exact"


def test_near_duplicate_with_byline_and_changed_sentence() -> None:
    index = DedupIndex()
    index.check_and_add("orig", fingerprint(FLOOD_STORY), 0.0)
    copy = fingerprint(republish(FLOOD_STORY))
    assert copy.exact != fingerprint(FLOOD_STORY).exact
    d = index.check_and_add("copy", copy, 60.0)
    assert d.kind == "duplicate" and d.duplicate_kind == "republication"  # no source known
    assert d.duplicate_of == "orig" and d.cluster_id == "orig"
    assert DEFAULT.threshold <= d.similarity < 1.0


def test_different_story_on_same_topic_is_not_a_duplicate() -> None:
    index = DedupIndex()
    index.check_and_add("s1", fingerprint(FLOOD_STORY), 0.0)
    d = index.check_and_add("s2", fingerprint(FLOOD_OTHER), 10.0)
    assert d == Decision("new", None, None, "s2")
    assert similarity(fingerprint(FLOOD_STORY).signature, fingerprint(FLOOD_OTHER).signature) < 0.1


def test_replay_returns_original_decision_and_changes_nothing() -> None:
    index = DedupIndex()
    first = index.check_and_add("p1", fingerprint(FLOOD_STORY), 0.0)
    dup = index.check_and_add("p2", fingerprint(republish(FLOOD_STORY)), 5.0)
    assert index.check_and_add("p1", fingerprint(FLOOD_STORY), 9.0) == Decision(
        "replay", None, None, "p1"
    )
    # A replay of the duplicate keeps its cluster, even with different text this time.
    replay = index.check_and_add("p2", fingerprint(FLOOD_OTHER), 9.0)
    assert replay.kind == "replay" and replay.cluster_id == first.cluster_id == "p1"
    assert (replay.duplicate_of, replay.similarity) == (dup.duplicate_of, dup.similarity)
    # Replays indexed nothing: FLOOD_OTHER is still new for a fresh id.
    assert index.check_and_add("p3", fingerprint(FLOOD_OTHER), 10.0).kind == "new"


def test_retention_window_ignores_then_evicts_old_entries() -> None:
    cfg = DedupConfig(retention_seconds=100.0)
    store = MemoryStore()
    index = DedupIndex(store, cfg)
    fp = fingerprint(FLOOD_STORY, config=cfg)
    index.check_and_add("old", fp, 0.0)
    assert index.check_and_add("inside", fp, 100.0).duplicate_of == "old"
    # Past the window the old article is ignored although not yet evicted ...
    assert index.check_and_add("late", fp, 100.5).kind == "new"
    assert "old" in store.articles
    # ... and eviction forgets it, and "inside" (a duplicate), keeping "late".
    assert index.evict_older_than(100.5 - cfg.retention_seconds + 100.0) == 2
    assert set(store.articles) == {"late"}
    assert store.get_exact(fp.exact) == "late"
    assert all(ids == ["late"] for ids in store.get_bands(fp.bands))
    # A replay of an id older than the window counts as a first sighting.
    assert index.check_and_add("old", fp, 150.0).kind == "duplicate"


def test_eviction_removes_every_trace_from_a_table_store() -> None:
    cfg = DedupConfig(retention_seconds=10.0)
    tables: tuple[dict, dict, dict] = ({}, {}, {})
    index = DedupIndex(json_store(tables), cfg)
    index.check_and_add("x", fingerprint(FLOOD_STORY, config=cfg), 0.0)
    index.check_and_add("y", fingerprint(FLOOD_OTHER, config=cfg), 50.0)
    index.evict_older_than(40.0)
    articles, exact, bands = tables
    assert set(articles) == {"y"}
    assert list(map(orjson.loads, exact.values())) == ["y"]
    assert all(orjson.loads(v) == ["y"] for v in bands.values()) and len(bands) == cfg.bands


def _stream() -> list[tuple[str, str, float]]:
    paragraphs = FLOOD_STORY.split("\n\n")
    variants = [
        ("a", FLOOD_STORY), ("b", FLOOD_OTHER), ("c", rescrape(FLOOD_STORY)),
        ("d", republish(FLOOD_STORY)), ("a", FLOOD_STORY), ("e", "\n\n".join(paragraphs[:3])),
        ("f", ""), ("g", "   "), ("h", "Short note."), ("i", "short NOTE"),
        ("j", "\n\n".join(reversed(paragraphs))), ("d", FLOOD_OTHER),
    ]
    return [(aid, text, 10.0 * i) for i, (aid, text) in enumerate(variants)]


def test_table_store_of_json_values_gives_identical_decisions() -> None:
    cfg = DedupConfig(retention_seconds=75.0)
    mem, tab = DedupIndex(MemoryStore(), cfg), DedupIndex(json_store(), cfg)
    got_mem, got_tab = [], []
    for aid, text, ts in _stream() * 2:
        fp = fingerprint(text, config=cfg)
        got_mem.append(mem.check_and_add(aid, fp, ts))
        got_tab.append(tab.check_and_add(aid, fp, ts))
        if ts == 60.0:
            assert mem.evict_older_than(ts - 35) == tab.evict_older_than(ts - 35) > 0
    assert got_mem == got_tab
    kinds = collections.Counter(d.kind for d in got_mem)
    assert kinds["duplicate"] >= 3 and kinds["replay"] >= 1 and kinds["new"] >= 3


def test_state_recovered_from_table_contents_continues_identically() -> None:
    """A worker restarted from the changelogged tables decides as if never stopped."""
    stream = _stream()
    tables: tuple[dict, dict, dict] = ({}, {}, {})
    uninterrupted = DedupIndex(json_store())
    first = DedupIndex(json_store(tables))
    for aid, text, ts in stream[:6]:
        first.check_and_add(aid, fingerprint(text), ts)
        uninterrupted.check_and_add(aid, fingerprint(text), ts)
    restored = DedupIndex(json_store(tuple(dict(t) for t in tables)))  # type: ignore[arg-type]
    restored.recount()  # the template-wording sketch is derived, not stored
    for aid, text, ts in stream[6:]:
        assert restored.check_and_add(aid, fingerprint(text), ts) == uninterrupted.check_and_add(
            aid, fingerprint(text), ts
        )


def test_index_rebuilt_from_article_records_alone_continues_identically() -> None:
    """The stream layer changelogs only the article records and rebuilds the exact and
    band indexes from them after recovery: decisions must not change."""
    stream = _stream()
    articles = JsonMapping(raw=True)
    uninterrupted = DedupIndex(MemoryStore())
    first = DedupIndex(TableStore(articles=articles))
    for aid, text, ts in stream[:6]:
        assert first.check_and_add(aid, fingerprint(text), ts) == uninterrupted.check_and_add(aid, fingerprint(text), ts)
    rebuilt = DedupIndex(MemoryStore())
    for aid, record in sorted(TableStore(articles=articles).iter_articles(), key=lambda item: item[1].ts):
        rebuilt.restore(aid, record)
    decisions = [rebuilt.check_and_add(aid, fingerprint(text), ts) for aid, text, ts in stream[6:]]
    assert decisions == [uninterrupted.check_and_add(aid, fingerprint(text), ts) for aid, text, ts in stream[6:]]
    assert any(d.kind == "duplicate" for d in decisions) and any(d.kind == "replay" for d in decisions)


def test_memory_store_record_round_trip() -> None:
    store = MemoryStore()
    records = {
        "self": ArticleRecord("self", None, None, "0123456789abcdef", b"\x01\x02" * 4, 1.5),
        "dup": ArticleRecord("root", "root", 0.625, "", b"", 2.0, "update"),
        "hex": ArticleRecord("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210", 0.4321, "", b"",
                             7.25, "republication"),
        "full": ArticleRecord("full", None, None, "00000000000000ff", b"\x07\x00" * 128, 9.0, None, 321,
                              b"\x01\x00\x02\x00", b"\x03\x00", b"\x09\x00", 0xFFFFFFFF),
        "odd": ArticleRecord("r\u00e9", "other-\u4e2d", 0.3, "ffffffffffffffff", b"", -3.0),
    }
    for aid, rec in records.items():
        store.put_article(aid, rec)
    assert {aid: store.get_article(aid) for aid in records} == records
    assert dict(store.iter_articles()) == records


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.lists(st.sampled_from("abcdef"), max_size=3))))
def test_compact_multimap_behaves_like_a_dict(ops: list[tuple[int, list[str]]]) -> None:
    m, ref = CompactMultiMap(min_merge=3), {}
    for key, values in ops:
        key = key * 0x01010101 + (1 << 31 if key % 2 else 0)  # full uint32 range
        m.put(key, tuple(values))
        ref[key] = tuple(values)
        probe = sorted(ref)[:5]
        assert m.get_many(probe) == [ref[k] for k in probe]
    m.merge()
    assert m.get_many(sorted(ref)) == [ref[k] for k in sorted(ref)]
    assert len(m) == sum(len(v) for v in ref.values())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_fingerprint_is_deterministic_and_total(text: str) -> None:
    a, b = fingerprint(text), fingerprint(text)
    assert a == b
    assert len(a.exact) == 16 and all(len(k) == 16 for k in a.bands)
    assert len(a.signature) in (0, 2 * DEFAULT.num_perm)
    expected = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    assert tokens(text) == expected
    assert (a.signature == b"") == (expected == [])


def test_fingerprint_is_stable_across_processes() -> None:
    """Band keys are stored for days and shared between workers: they must not depend on
    per-process hash randomisation."""
    code = "from worker.pipeline.dedup.fingerprint import fingerprint as f; import sys; " \
           "p = f(sys.stdin.read(), source='Example'); " \
           "print(p.exact, p.signature.hex(), p.numbers.hex(), p.names.hex(), p.source, *p.bands)"
    outs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.add(subprocess.run([sys.executable, "-c", code], input=FLOOD_STORY, text=True,
                                capture_output=True, check=True, env=env,
                                cwd=Path(__file__).resolve().parents[1]).stdout)
    fp = fingerprint(FLOOD_STORY, source="Example")
    assert fp.numbers and fp.names and fp.source
    assert outs == {" ".join([fp.exact, fp.signature.hex(), fp.numbers.hex(), fp.names.hex(), str(fp.source), *fp.bands]) + "\n"}


def test_degenerate_texts_only_match_exactly() -> None:
    index = DedupIndex()
    assert fingerprint("").bands == () and fingerprint("Short note.").bands == ()
    assert index.check_and_add("e1", fingerprint(""), 0).kind == "new"
    assert index.check_and_add("e2", fingerprint(" \n\t"), 1).duplicate_of == "e1"
    assert index.check_and_add("n1", fingerprint("Short note."), 2).kind == "new"
    assert index.check_and_add("n2", fingerprint("Short notes."), 3).kind == "new"


@pytest.mark.shared
def test_bbc_exact_groups_are_found_and_categories_never_merge() -> None:
    root = shared_path("data", "bbc-news")
    index = DedupIndex()
    cluster_cats: dict[str, set[str]] = collections.defaultdict(set)
    by_tokens: dict[tuple[str, ...], list[str]] = collections.defaultdict(list)
    decisions = {}
    for ts, path in enumerate(sorted(root.glob("*/*.txt"))):
        text = path.read_bytes().decode("utf-8", errors="replace")
        aid = f"{path.parent.name}/{path.name}"
        decisions[aid] = index.check_and_add(aid, fingerprint(text), float(ts))
        cluster_cats[decisions[aid].cluster_id].add(path.parent.name)
        by_tokens[tuple(tokens(text))].append(aid)
    groups = [ids for ids in by_tokens.values() if len(ids) > 1]
    assert len(groups) >= 90
    for first, *rest in groups:
        for aid in rest:
            assert decisions[aid].cluster_id == first and decisions[aid].similarity == 1.0
    assert all(len(cats) == 1 for cats in cluster_cats.values())


def test_fast_token_and_band_key_paths_equal_their_definitions() -> None:
    """tokens() and band_keys() take byte-table and hex-slice shortcuts; stored signatures
    and band keys must not change because of them."""
    from worker.pipeline.dedup import fingerprint as fpm

    def ref_tokens(text: str) -> list[str]:
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text).translate(fpm._UNICODE_PUNCT)
            if not text.isascii():
                return re.findall(r"\w+", text.casefold())
        return text.translate(fpm._ASCII_FOLD).split()

    samples = [
        "Plain ASCII, with punctuation: (and) numbers 42_x!",
        "\u201cCurly\u201d quotes \u2014 and dashes \u2013 in 2026\u2019s news\u2026",
        "Rupee \u20a8 sign, \ufb01ne ligature, \u00bd half, caf\u00e9 and \u4e2d\u6587",
        "\t\x0b\x1f tabs\xa0and nbsp",
    ]
    for s in samples:
        assert tokens(s) == ref_tokens(s)
    sig = fingerprint(" ".join(["word%d" % i for i in range(40)])).signature
    for rows in (1, 2, 3):
        cfg = DedupConfig(bands=16, rows=rows)
        width = 2 * rows
        expected = tuple(
            f"{b:02x}{'00' * (7 - width)}{sig[b * width:(b + 1) * width].hex()}" for b in range(cfg.bands)
        )
        assert fpm.band_keys(sig, cfg) == expected


_MOSTLY_ASCII = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(max_codepoint=127), max_size=12),
        st.text(max_size=3),  # any character: accents, marks, other scripts, separators
        st.sampled_from(["\u0130stanbul", "STRA\u00dfE", "\u03a3\u039f\u03a3", "\ufb01ne", "caf\u00e9", "\u2028",
                         "\x85", "\u3000", "\u00a0", "\u1680", "e\u0301", "\uff21\uff11", "\u2019s", "_"]),
    ),
    max_size=40,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(_MOSTLY_ASCII)
def test_tokens_equal_one_unicode_scan_on_mostly_ascii_text(text: str) -> None:
    """tokens() scans only the non-ASCII words of a mostly ASCII text: it must equal the
    definition (NFKC, casefold, runs of word characters) on any such text."""
    want = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    assert tokens(text) == want
    assert tokens(text + " plain ascii words" * 20) == want + ["plain", "ascii", "words"] * 20


def test_band_keys_and_number_keys_equal_their_plain_definitions() -> None:
    """band_keys builds its keys with one struct unpack and a separated hex, and number keys
    go through the cached parser for every match: both must equal the plain per-band and
    per-match definitions, for every band layout, a signature shorter than the bands, and
    texts with currency signs alone, scores, units and plain integers."""
    import random

    from worker.pipeline.dedup import fingerprint as fpm

    rng = random.Random(5)
    for bands, rows, num_perm in ((16, 2, 128), (1, 1, 8), (20, 3, 64), (255, 1, 256), (64, 2, 128)):
        cfg = DedupConfig(bands=bands, rows=rows, num_perm=num_perm)
        width = 2 * rows
        for length in (2 * num_perm, 2 * num_perm - 6, 2):
            sig = bytes(rng.randrange(256) for _ in range(length))
            expected = tuple(
                f"{b:02x}{'00' * (7 - width)}{sig[b * width:(b + 1) * width].hex()}" for b in range(bands)
            )
            assert fpm.band_keys(sig, cfg) == expected

    def plain(text: str) -> list[str]:
        out = []
        for found in fpm._NUMBER.findall(text):
            key = found if found.isdigit() else fpm._number_key(found)
            if key is not None:
                out.append(key)
        return out

    texts = ["No numbers here.", "A $ sign alone, then $4.2bn, 12 per cent, 2-1, 3.50 and 1,200 km in 2026.",
             "\u00a3 \u20ac5 10\u00b0C 7th 99 99 99", ""]
    for text in texts:
        assert fpm._number_keys(text) == plain(text)
    assert fpm._number_keys("$ and $") == []


def test_memory_store_bands_equal_a_plain_mapping_under_interleaved_reads_and_writes() -> None:
    """MemoryStore reuses the folded form of the band keys it last read when the same keys
    are written next: reads and writes of other keys in between, lists or tuples of keys,
    and equal keys as other string objects must all still reach the right buckets."""
    import random

    rng = random.Random(11)
    memory, table = MemoryStore(), TableStore()
    key_sets = [tuple(f"{b:02x}0000000{rng.randrange(16):x}{rng.randrange(1 << 24):06x}"[:16] for b in range(4))
                for _ in range(6)]
    for step in range(300):
        keys = rng.choice(key_sets)
        if rng.random() < 0.3:
            keys = tuple("".join(list(k)) for k in keys)  # equal, not the same objects
        assert memory.get_bands(keys) == table.get_bands(keys)
        writes = keys if rng.random() < 0.6 else rng.choice(key_sets)  # usually the keys just read
        items = [(k, [f"id{step}", f"id{rng.randrange(step + 1)}"][: rng.randrange(3)]) for k in writes]
        memory.put_bands(items)
        table.put_bands(items)
    for keys in key_sets:
        assert memory.get_bands(list(keys)) == table.get_bands(keys)  # type: ignore[arg-type]


def test_record_heads_equal_the_fields_of_whole_records() -> None:
    """A look-up reads only heads (ts, shingles, signature) of its candidates; they must be
    the very fields decode_record gives, for every layout (clean, duplicate, hex and other
    ids, features), and a damaged value must still be refused."""
    from worker.pipeline.dedup.record import decode_head, decode_record, encode_record

    records = [
        ArticleRecord("self", None, None, "0123456789abcdef", b"\x01\x02" * 4, 1.5, None, 7),
        ArticleRecord("root", "root", 0.625, "", b"", 2.0, "update"),
        ArticleRecord("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210", 0.4321, "", b"",
                      7.25, "republication", 3),
        ArticleRecord("full", None, None, "00000000000000ff", b"\x07\x00" * 128, 9.0, None, 321,
                      b"\x01\x00\x02\x00", b"\x03\x00", b"\x09\x00", 0xFFFFFFFF),
        ArticleRecord("r\u00e9", "other-\u4e2d", 0.3, "ffffffffffffffff", b"\x05\x06", -3.0, None, 0xFFFF,
                      b"\x01\x00" * 12, b"\x02\x00" * 12, b"\x03\x00" * 3),
    ]
    memory, table = MemoryStore(), TableStore()
    for i, rec in enumerate(records):
        data = encode_record(rec)
        head = decode_head(data)
        whole = decode_record(data)
        assert (head.ts, head.shingles, head.signature) == (whole.ts, whole.shingles, whole.signature) == (
            rec.ts, rec.shingles, rec.signature)
        assert decode_head(bytearray(data)) == head and decode_head(memoryview(data)) == head
        memory.put_article(f"a{i}", rec)
        table.put_article(f"a{i}", rec)
    ids = ["a3", "missing", "a0"]
    assert memory.get_heads(ids) == table.get_heads(ids) == [decode_head(encode_record(records[3])), None,
                                                             decode_head(encode_record(records[0]))]
    good = encode_record(records[3])
    for bad in (b"", b"\x00" + good[1:], good[:10], good[:-1], "text"):
        with pytest.raises(ValueError):
            decode_head(bad)  # type: ignore[arg-type]


def test_batched_heads_equal_one_by_one_heads_and_refuse_the_same_values() -> None:
    """decode_heads reads the common record (clean, 32-hex id) inline: for every layout,
    truncation and damage it must give what decode_head gives, or raise where it raises."""
    from worker.pipeline.dedup.record import KINDS, decode_head, decode_heads, encode_record

    hex_id = "0123456789abcdef0123456789abcdef"
    records = [
        ArticleRecord(hex_id, None, None, "0123456789abcdef", b"\x07\x00" * 128, 9.0, None, 321,
                      b"\x01\x00\x02\x00", b"\x03\x00", b"\x09\x00", 7),
        ArticleRecord(hex_id, None, None, "", b"", 1.0, None, 0),  # clean, no signature
        ArticleRecord(hex_id, hex_id, 0.5, "", b"", 2.0, "update"),  # a duplicate: not the inline path
        ArticleRecord("short-id", None, None, "00000000000000ff", b"\x05\x06", 3.0, None, 70000),
    ]
    values: list[Any] = []
    for rec in records:
        good = encode_record(rec)
        values += [good, bytearray(good), good[:-1], good[:44], good[:43], good[:10]]
        kind_bad = bytearray(good)
        kind_bad[11] = len(KINDS)
        counts_bad = bytearray(good)
        counts_bad[min(41, len(good) - 1)] = 200  # counts pointing past the end (41: a hex id's)
        values += [bytes(kind_bad), bytes(counts_bad), b"\x00" + good[1:]]
    values += [None, b"", "text"]
    for value in values:
        try:
            want: Any = decode_head(value) if value is not None else None
        except ValueError:
            with pytest.raises(ValueError):
                decode_heads([value])
            continue
        assert decode_heads([value]) == [want], value
    good = [v for v in values if v is None or (isinstance(v, (bytes, bytearray)) and _decodes(v))]
    assert decode_heads(good) == [None if v is None else decode_head(v) for v in good]


def _decodes(value: Any) -> bool:
    from worker.pipeline.dedup.record import decode_head

    try:
        decode_head(value)
    except ValueError:
        return False
    return True


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.whole_reads: list[str] = []
        self.head_reads: list[str] = []

    def get_article(self, article_id: str) -> ArticleRecord | None:
        self.whole_reads.append(article_id)
        return super().get_article(article_id)

    def get_heads(self, article_ids: list[str]) -> list[Any]:
        self.head_reads.extend(article_ids)
        return super().get_heads(article_ids)


def _templated(n: int) -> list[str]:
    """One story as a template: the same wording with other numbers and names."""
    return [FLOOD_STORY.replace("48 million", f"{40 + i} million").replace("2029", str(2030 + i))
            .replace("Mara Quintel", f"Person{i} Name{i}").replace("23 votes to 9", f"{20 + i} votes to {i}")
            for i in range(n)]


def test_lookup_reads_whole_records_only_for_candidates_that_overlap() -> None:
    """Templated stories share LSH buckets with many candidates; the look-up decides on
    their heads and decodes whole records only to verify the overlapping ones. With
    thresholds no candidate reaches, no whole record of a candidate is read at all."""
    strict = DedupConfig(threshold=1.0, containment=1.0)
    store = CountingStore()
    index = DedupIndex(store, strict)
    for i, text in enumerate(_templated(8)):
        store.whole_reads.clear()
        assert index.check_and_add(f"t{i}", fingerprint(text), 100.0 + i).kind == "new"
        assert [r for r in store.whole_reads if r != f"t{i}"] == []  # only the replay check of its own id
    assert len(set(store.head_reads)) == 7, "the templated copies must have been candidates of each other"
    # the same stream under the default thresholds: verdicts as a plain index gives them,
    # whole records read only for candidates that were then verified
    store, plain = CountingStore(), DedupIndex()
    index = DedupIndex(store)
    texts = _templated(8) + [republish(FLOOD_STORY), rescrape(FLOOD_OTHER), FLOOD_OTHER]
    for i, text in enumerate(texts):
        store.whole_reads.clear()
        store.head_reads.clear()
        fp = fingerprint(text)
        decision = index.check_and_add(f"a{i}", fp, 100.0 + i)
        assert decision == plain.check_and_add(f"a{i}", fp, 100.0 + i)
        verified = [r for r in store.whole_reads if r != f"a{i}"]
        if decision.duplicate_kind == "exact":  # found by its exact hash: that one record is read
            verified.remove(decision.duplicate_of)
        assert set(verified) <= set(store.head_reads)
        if decision.kind == "new" and decision.kept_apart is None:
            assert verified == []


def test_fingerprint_features_equal_their_one_call_definitions() -> None:
    """fingerprint() hashes words, numbers, names and title numbers in one rensa call;
    each must equal what its own function gives."""
    from worker.pipeline.dedup import fingerprint as fpm

    title = "Harbourside spends \u00a348m on 2 barriers"
    for text in (FLOOD_STORY, FLOOD_OTHER, rescrape(FLOOD_STORY), "No numbers or Names here at all, just words"):
        fp = fingerprint(text, title=title)
        assert fp.numbers == fpm.feature_hashes(fpm._number_keys(text), DEFAULT.max_features)
        assert fp.names == fpm.feature_hashes(fpm._name_keys(text), DEFAULT.max_features)
        assert fp.title == fpm.feature_hashes(fpm._number_keys(title), DEFAULT.max_features)
        assert fp.signature == fpm.signature_of(tokens(f"{title}\n\n{text}"), DEFAULT)
        assert fingerprint(text).title == b""
