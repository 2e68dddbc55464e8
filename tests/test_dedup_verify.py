"""Dedup verification, duplicate kinds, packed records and the candidate hop.

Every story here is invented for the test (templates written for it, not taken from any
source)."""

from __future__ import annotations

import dataclasses

import fastjsonschema
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.config import Settings
from worker.pipeline.dedup import decode_record, encode_record
from worker.pipeline.dedup.fingerprint import DEFAULT, Fingerprint, _name_keys, _number_keys, fingerprint
from worker.pipeline.dedup.index import ArticleRecord, DedupIndex, agreement
from worker.pipeline.dedup.sketch import SlotFrequency
from worker.pipeline.process import Candidate, decide_with_verdict
from worker.pipeline.stats import Stats
from worker.stream.codec import decode_candidate, encode_candidate
from worker.pipeline.intake.schemas import load_schema

EARNINGS = (
    "{co} said on Tuesday that net profit for the third quarter rose to ${profit} million, compared with "
    "${before} million a year earlier, on revenue of ${revenue} billion. Analysts had expected a profit of "
    "${expected} million, and the company's shares rose {pct}% in early trading in {city}.\n\n"
    "Chief executive {boss} said demand had been strong in the spring and that the group would keep its "
    "full-year guidance for revenue growth of {growth}%. The board proposed a dividend of {div} cents a share, "
    "payable next month, and said it would open a new plant near {city} before the end of the year.\n\n"
    "The company employs about {staff} people. Its results for the fourth quarter are due in the new year, when "
    "it also expects to report on the sale of its packaging division."
)
ACME = dict(co="Acme Corp", profit="412.5", before="380.2", revenue="3.1", expected="398.0", pct="4.2",
            city="Harlow", boss="Mara Quintel", growth="6", div="35", staff="12,400")
BETA = dict(co="Brisk Holdings", profit="77.9", before="91.4", revenue="0.8", expected="80.5", pct="2.7",
            city="Dunmore", boss="Tomas Eld", growth="3", div="12", staff="2,100")


def story(slots: dict[str, str]) -> str:
    return EARNINGS.format(**slots)


def test_templated_stories_with_other_numbers_and_names_stay_apart() -> None:
    index = DedupIndex()
    a, b = fingerprint(story(ACME), source="wire"), fingerprint(story(BETA), source="wire")
    assert index.check_and_add("acme", a, 0.0).kind == "new"
    d = index.check_and_add("beta", b, 60.0)
    assert d.kind == "new" and d.cluster_id == "beta"
    assert d.kept_apart == "numbers"  # they did overlap enough to be compared
    # Shingle overlap alone (the checks turned off) would have merged them: the test is a real one.
    loose = DedupIndex(config=dataclasses.replace(DEFAULT, numbers_agree=0.0, names_agree=0.0))
    loose.check_and_add("acme", a, 0.0)
    assert loose.check_and_add("beta", b, 60.0).kind == "duplicate"


def test_same_company_other_quarter_is_kept_apart_by_numbers_alone() -> None:
    later = dict(ACME, profit="455.0", before="412.5", revenue="3.4", expected="430.1", pct="1.9", growth="7", div="38")
    index = DedupIndex()
    index.check_and_add("q3", fingerprint(story(ACME)), 0.0)
    d = index.check_and_add("q4", fingerprint(story(later)), 1.0)
    assert (d.kind, d.kept_apart) == ("new", "numbers")


def test_same_numbers_other_names_are_kept_apart() -> None:
    other = dict(ACME, co="Brisk Holdings", city="Dunmore", boss="Tomas Eld")
    index = DedupIndex(config=dataclasses.replace(DEFAULT, numbers_agree=0.0))
    index.check_and_add("a", fingerprint(story(ACME)), 0.0)
    d = index.check_and_add("b", fingerprint(story(other)), 1.0)
    assert (d.kind, d.kept_apart) == ("new", "names")


def test_contradicting_titles_keep_equal_bodies_apart() -> None:
    index = DedupIndex()
    index.check_and_add("a", fingerprint(story(ACME), title="Acme profit up 8%"), 0.0)
    d = index.check_and_add("b", fingerprint(story(ACME), title="Acme profit up 12%"), 1.0)
    assert (d.kind, d.kept_apart) == ("new", "title")
    # A retitled copy without numbers in the title does not contradict.
    d = index.check_and_add("c", fingerprint(story(ACME), title="Acme keeps its guidance"), 2.0)
    assert d.kind == "duplicate" and d.duplicate_of == "a"


def test_truncated_copy_and_copy_with_added_paragraph_are_duplicates() -> None:
    text = story(ACME)
    first_paragraph = text.split("\n\n")[0]
    added = text + "\n\nIn other news, the regional rail operator said it would run extra trains to the coast " \
                   "on summer weekends, after passenger numbers rose sharply last year across the whole network."
    index = DedupIndex()
    index.check_and_add("full", fingerprint(text), 0.0)
    truncated = fingerprint(first_paragraph)
    assert truncated.shingles < fingerprint(text).shingles / 2
    d = index.check_and_add("short", truncated, 10.0)
    assert d.kind == "duplicate" and d.duplicate_of == "full"
    assert d.similarity < DEFAULT.threshold + 0.2  # found through containment, not Jaccard
    assert index.check_and_add("longer", fingerprint(added), 20.0).duplicate_of == "full"


def test_duplicate_kinds_by_source_and_time() -> None:
    cfg = dataclasses.replace(DEFAULT, update_window_seconds=600.0)
    text = story(ACME)
    edited = text.replace("strong in the spring", "strong through the spring") + "\n\nUpdated with the dividend date."
    index = DedupIndex(config=cfg)
    index.check_and_add("orig", fingerprint(text, source="wire.example"), 1000.0)
    update = index.check_and_add("upd", fingerprint(edited, source="WWW.Wire.Example"), 1300.0)
    assert (update.kind, update.duplicate_kind, update.cluster_id) == ("duplicate", "update", "orig")
    late = index.check_and_add("late", fingerprint(edited + " ", source="wire.example"), 1000.0 + 601.0)
    assert late.duplicate_kind in ("republication", "exact")
    other = index.check_and_add("other", fingerprint(edited + "\n\nBy a correspondent.", source="paper.example"), 1100.0)
    assert other.duplicate_kind == "republication" and other.cluster_id == "orig"
    exact = index.check_and_add("exact", fingerprint(text.upper(), source="wire.example"), 1010.0)
    assert exact.duplicate_kind == "exact" and exact.similarity == 1.0
    # Replays repeat the kind; clusters stay stars around the first article.
    assert index.check_and_add("upd", fingerprint(edited), 5000.0).duplicate_kind == "update"
    for aid in ("upd", "other", "exact"):
        assert index.store.get_article(aid).cluster_id == "orig"  # type: ignore[union-attr]


def test_frequent_template_slots_weigh_less_and_fade() -> None:
    sketch = SlotFrequency(DEFAULT.num_perm, halve_every=4)
    template = fingerprint(story(ACME)).signature
    import numpy as np

    values = np.frombuffer(template, dtype="<u2")
    assert not sketch.frequency(values).any()
    for _ in range(3):
        sketch.add(values)
    assert (sketch.frequency(values) >= 3).all()
    other = np.frombuffer(fingerprint("An unrelated story about a harbour festival and its boats, lanterns and music").signature, dtype="<u2")
    assert (sketch.frequency(other) == 0).mean() > 0.9  # only 16-bit value collisions overlap
    sketch.add(other)  # the fourth addition halves every counter
    assert (sketch.frequency(values) == 1).all()  # 3 + 1 halved, as integers


def test_index_weights_follow_recent_clean_articles() -> None:
    index = DedupIndex()
    fp = fingerprint(story(ACME))
    assert float(index.weights(fp.signature).min()) == 1.0
    index.check_and_add("a", fp, 0.0)
    index.check_and_add("a-copy", fp, 1.0)  # a duplicate: not counted again
    weights = index.weights(fp.signature)
    expected = 1.0 / (1.0 + 1.0 / DEFAULT.df_scale)
    assert weights.max() <= expected + 1e-6


@settings(max_examples=80, deadline=None)
@given(
    cluster=st.one_of(st.text(max_size=40), st.from_regex(r"[0-9a-f]{32}", fullmatch=True)),
    dup=st.none() | st.text(max_size=40),
    sim=st.none() | st.integers(0, 10_000).map(lambda k: k / 10_000),
    exact=st.sampled_from(["", "0123456789abcdef", "ffffffffffffffff"]),
    signature=st.binary(max_size=300).map(lambda b: b[: len(b) // 2 * 2]),
    ts=st.floats(allow_nan=False, allow_infinity=False),
    kind=st.sampled_from([None, "exact", "update", "republication"]),
    shingles=st.integers(0, 0xFFFF),
    numbers=st.lists(st.integers(0, 0xFFFF), max_size=20),
    source=st.integers(0, 0xFFFFFFFF),
)
def test_record_bytes_round_trip(cluster, dup, sim, exact, signature, ts, kind, shingles, numbers, source) -> None:
    feats = b"".join(x.to_bytes(2, "little") for x in sorted(numbers))
    record = ArticleRecord(cluster, dup, sim, exact, signature, ts, kind, shingles, feats, feats[:6], feats[:2], source)
    assert decode_record(encode_record(record)) == record


def test_records_are_compact_and_reject_other_layouts() -> None:
    fp = fingerprint(story(ACME) * 3, title="Acme profit up 8%", source="wire")
    aid = "0123456789abcdef0123456789abcdef"
    clean = ArticleRecord(aid, None, None, fp.exact, fp.signature, 1.7e9, None, fp.shingles, fp.numbers, fp.names, fp.title, fp.source)
    dup = ArticleRecord(aid, aid, 0.8125, "", b"", 1.7e9, "update")
    assert len(encode_record(clean)) <= 360 and len(encode_record(dup)) <= 48
    assert decode_record(encode_record(clean)) == clean
    with pytest.raises(ValueError):
        decode_record(b'["json", "record"]')
    with pytest.raises(ValueError):
        decode_record(b"")


def test_feature_extraction_normalises_numbers_and_skips_sentence_starts() -> None:
    a = _number_keys("Profit rose 12 per cent to $4.2bn; they won 2-1 and it was 1,200 people.")
    b = _number_keys("Profit rose 12% to $4.2 billion; they won 2 - 1 and it was 1200 people.")
    assert a == b == ["12%", "$4.2e9", "2-1", "1200"]
    names = _name_keys('The board met on a wet morning. Its chief executive, Mara Quintel, said "We won." in Harlow: '
                       'Today was a good day for the whole of the company and for its staff.')
    assert [n.casefold() for n in names] == ["mara", "quintel", "harlow"]
    assert _name_keys("ALL CAPS TEXT FROM A WIRE SAYS NOTHING ABOUT NAMES") == []


def test_bottom_k_agreement_compares_below_the_common_cut() -> None:
    def enc(xs):
        return b"".join(x.to_bytes(2, "little") for x in sorted(xs))

    assert agreement(b"", enc([1]), 4) is None
    assert agreement(enc([1, 2, 3]), enc([1, 2, 3, 9, 10]), 16) == 1.0  # subset: a truncated copy
    assert agreement(enc([1, 2]), enc([3, 4]), 16) == 0.0
    # Full samples (k=3): only hashes up to min(max) = 5 are comparable.
    assert agreement(enc([1, 2, 5]), enc([1, 2, 3]), 3) == 1.0


def test_candidate_round_trips_through_the_wire_format() -> None:
    fp = fingerprint(story(ACME), title="Acme profit up 8%", source="wire.example")
    candidate = Candidate(article={"article_id": "a" * 32, "title": "t"}, fingerprint=fp)
    back, page_ts = decode_candidate(encode_candidate(candidate, 12.5))
    assert back == candidate and page_ts == 12.5
    empty = Candidate(article={"article_id": "b" * 32}, fingerprint=fingerprint(""))
    assert decode_candidate(encode_candidate(empty))[0] == empty


def test_candidate_text_travels_once_and_comes_back_in_place() -> None:
    fp = fingerprint(story(ACME), title="Acme profit up 8%", source="wire.example")
    paragraphs = ["First paragraph, with a comma.", "Second one.\nWith a line break inside."]
    article = {"article_id": "c" * 32, "paragraphs": paragraphs, "text": "\n\n".join(paragraphs), "language": "en"}
    wire = encode_candidate(Candidate(article=article, fingerprint=fp))
    assert wire.count(b"Second one.") == 1
    back = decode_candidate(wire)[0]
    assert back.article == article and list(back.article) == list(article)  # same fields, same order
    # A text that is not the join of the paragraphs is sent as it is.
    odd = dict(article, text="A summary that differs from the paragraphs.")
    wire = encode_candidate(Candidate(article=odd, fingerprint=fp))
    assert b"A summary that differs" in wire and decode_candidate(wire)[0].article == odd
    # An envelope from a worker before text_from existed still decodes.
    legacy = orjson.loads(wire)
    del legacy["text_from"]
    assert decode_candidate(orjson.dumps(legacy))[0].article == odd


def test_decide_publishes_the_kind_and_counts_verification() -> None:
    validate = fastjsonschema.compile(load_schema("article"))

    def candidate(aid: str, text: str) -> Candidate:
        article = {
            "schema_version": 1, "article_id": aid, "page_id": "p", "url": "https://wire.example/x", "source": None,
            "fetched_at": None, "position": 0, "page_articles": 1, "title": "Results", "dateline": None,
            "highlights": [], "paragraphs": text.split("\n\n"), "text": text, "language": "en", "regions": [],
            "focus_country": None, "topics": [],
        }
        return Candidate(article, fingerprint(text, title="Results", source="wire.example"))

    index, stats = DedupIndex(), Stats()
    ids = ["1" * 32, "2" * 32, "3" * 32]
    verdict, records = decide_with_verdict(candidate(ids[0], story(ACME)), index, 0.0, stats)
    assert records[0].role == "articles" and records[0].value["duplicate_kind"] is None
    validate(records[0].value)
    verdict, records = decide_with_verdict(candidate(ids[1], story(ACME) + "\n\nUpdated."), index, 60.0, stats)
    assert records[0].role == "duplicates" and records[0].value["duplicate_kind"] == "update"
    validate(records[0].value)
    decide_with_verdict(candidate(ids[2], story(BETA)), index, 120.0, stats)
    assert stats.counts["dedup"] == {"new": 2, "duplicate": 1, "duplicate_update": 1, "kept_apart_numbers": 1}


def test_settings_reach_the_dedup_config() -> None:
    env = {
        "NEWSWORKER_DEDUP_THRESHOLD": "0.5", "NEWSWORKER_DEDUP_CONTAINMENT": "0.9",
        "NEWSWORKER_DEDUP_NUMBERS_AGREE": "0", "NEWSWORKER_DEDUP_NAMES_AGREE": "0.25",
        "NEWSWORKER_DEDUP_UPDATE_WINDOW_MINUTES": "5",
    }
    cfg = Settings.from_env(env).dedup_config()
    assert (cfg.threshold, cfg.containment, cfg.numbers_agree, cfg.names_agree, cfg.update_window_seconds) == (
        0.5, 0.9, 0.0, 0.25, 300.0)
    assert Settings.from_env({}).dedup_config() == dataclasses.replace(DEFAULT, retention_seconds=7 * 86400.0)


def test_fingerprint_defaults_keep_old_callers_working() -> None:
    fp = fingerprint("Plain text without a title or a source, long enough to shingle into bands.")
    assert isinstance(fp, Fingerprint) and fp.source == 0 and fp.title == b"" and fp.bands


def test_features_common_in_recent_stories_weigh_less_in_agreement() -> None:
    import numpy as np

    def enc(xs):
        return b"".join(x.to_bytes(2, "little") for x in sorted(xs))

    a, b = enc([1, 2, 3, 10]), enc([1, 2, 3, 20])  # share three of four features
    counts = np.zeros(1 << 16, dtype=np.uint16)
    assert agreement(a, b, 16, counts, 8.0) == 0.75
    counts[[1, 2, 3]] = 40  # the shared ones are in every recent story (a weekday, an agency)
    assert agreement(a, b, 16, counts, 8.0) < 0.4
    index = DedupIndex()
    index.check_and_add("x", fingerprint(story(ACME)), 0.0)
    assert index.features.names.sum() > 0 and index.features.numbers.sum() > 0


def test_generated_templated_bursts_stay_apart_and_their_copies_merge() -> None:
    """Bursts of templated stories from one source minutes apart (the case shingle overlap
    alone merged about half of): each instance stays its own story, while an update of
    one (same source, minutes later) and a syndicated copy (byline, footer) join it."""
    from eval.dedup_templates import templated_stories

    stories = templated_stories(6, seed=11)
    index = DedupIndex()
    loose = DedupIndex(config=dataclasses.replace(DEFAULT, numbers_agree=0.0, names_agree=0.0, df_scale=1e12))
    merged_loose = 0
    for n, (story_id, template_id, title, body) in enumerate(stories):
        source = template_id + ".example"
        d = index.check_and_add(story_id, fingerprint(body, title=title, source=source), 60.0 * n)
        assert d.kind == "new", (story_id, d)
        bare = fingerprint(f"{title}\n\n{body}", source=source)  # no title features either
        merged_loose += loose.check_and_add(story_id, bare, 60.0 * n).kind != "new"
        if n % 7 == 0:
            update = body + "\n\nThis story has been updated with further comment."
            u = index.check_and_add(story_id + ":u", fingerprint(update, title=title, source=source), 60.0 * n + 30)
            assert (u.duplicate_of, u.duplicate_kind) == (story_id, "update")
            copy = f"By a staff correspondent\n\n{body}\n\nCopyright Example Media. All rights reserved."
            c = index.check_and_add(story_id + ":c", fingerprint(copy, title=title, source="paper.example"), 60.0 * n + 40)
            assert (c.duplicate_of, c.duplicate_kind) == (story_id, "republication")
    assert merged_loose >= len(stories) // 6  # without verification many of them merge (23 of 96)


def test_unknown_sizes_never_pass_through_containment() -> None:
    """A fingerprint without a shingle count (an older candidate message) is compared by
    Jaccard alone: an unknown size must not read as "fully contained"."""
    other = dataclasses.replace(fingerprint(story(BETA)), shingles=0, numbers=b"", names=b"")
    index = DedupIndex(config=dataclasses.replace(DEFAULT, threshold=1.0))  # only containment could pass
    index.check_and_add("a", fingerprint(story(ACME)), 0.0)
    assert index.check_and_add("b", other, 1.0).kind == "new"


@pytest.mark.parametrize("value", [{"x": 1}, [1, 2], "text", None, b"", b"\x20\x00", b"junk" * 3, 12])
def test_decode_record_names_anything_else_a_value_error(value) -> None:
    with pytest.raises(ValueError):
        decode_record(value)
    good = encode_record(ArticleRecord("a", None, None, "00" * 8, bytes(256), 1.0, None, 40, b"\x01\x00", b"", b""))
    for cut in (1, 10, 30):
        with pytest.raises(ValueError):
            decode_record(good[:cut])


def test_a_rebuilt_index_hands_its_sketches_to_the_live_one() -> None:
    stream = [(f"s{i}", fingerprint(story(dict(ACME, profit=f"{100 + i}.5", pct=f"{i}.1")))) for i in range(6)]
    live = DedupIndex()
    for i, (aid, fp) in enumerate(stream):
        live.check_and_add(aid, fp, float(i))
    fresh = DedupIndex()
    for aid, record in sorted(live.store.iter_articles(), key=lambda item: item[1].ts):
        fresh.restore(aid, record)
    restarted = DedupIndex(fresh.store)
    restarted.adopt(fresh)
    probe = fingerprint(story(BETA))
    assert (restarted.weights(probe.signature) == live.weights(probe.signature)).all()
    assert (restarted.features.names == live.features.names).all()
    assert (DedupIndex(fresh.store).weights(probe.signature) != live.weights(probe.signature)).any()
