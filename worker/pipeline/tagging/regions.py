"""Region tagging: which countries an article is about, and which one most.

How it decides, and why:
1. One Aho-Corasick pass over title and paragraphs finds every gazetteer name, checked
   for word boundaries and exact capitalisation ("turkey" is food, "Turkey" a country);
   a compound adjective still names its place ("London-based").
2. Local context removes readings a person would reject. Person or place is decided by
   context, never by a list of names seen in a corpus: a title before the name ("Mr.",
   "President"), a known given name before it ("Michael Jordan"), a surname after a name
   that is also a given name ("Paris Hilton"), a verb of saying after a town ("Mansfield
   said"). The name lists (1990 US Census given names and surnames) only say which place
   names can be people's names at all. Common-word towns at the start of a sentence or
   in a title-case headline ("Reading", "Nice") and AP state abbreviations not preceded
   by "City, " are set aside too, and so is a town, capital or region name before a
   given name ("Lima Rose", "Kyoto Kelly"; PERSON_NEXT) or after a name particle that follows
   a capitalised word ("Lucia de Lima", "Rue de Paris"; NAME_PARTICLE).
3. Unambiguous, self-standing names (countries, demonyms, metonyms, capitals, first-level
   regions, big cities) are anchors; they give each country support. Ambiguous or small
   names then take the reading best supported by the rest of the article (Georgia the
   state beside Atlanta, the country beside Tbilisi or Russia), and small towns with no
   support are dropped. This document-level vote is what lifts country-set F1 well above
   a naive gazetteer, which tags every "Paris" as France. An article that names only
   small towns (local news) falls back to the country of their best-known readings; a
   name that is also a common word, said once past the lead ("the Opera"), has no vote.
   Towns of one US state vouch for each other: an accepted town for its namesake
   neighbours ("Paris" beside an accepted "Dallas"), and names that can be towns of the
   same state for each other before either is accepted ("Lebanon" beside "Hershey" and
   "Palmyra" is in Pennsylvania; see _co_states). Elsewhere a named first-level region
   vouches for its country's towns ("London" beside "Ontario", even against the capital
   of the same name),
   and a local article's everyday details lend support to this choice only (prices in
   pounds sterling, North American phone numbers, institutions of one country such as
   "Parks and Recreation", "Crown Court" or "Garda"; see _local_cues). How the article is
   written (American or Commonwealth spelling, bare dollar amounts, phone numbers; see
   _hints) is weaker still: it only picks between the readings of a namesake town that
   counts anyway (Mansfield, Ohio or Nottinghamshire), and in the small-town fallback.
   World regions named after a country ("Latin America") and currencies ("US$") name no
   country; AP state abbreviations that are no English word ("Fla.") count anywhere.
   A name quoted on its own ("the musical “Hamilton”") is the title of a work, and
   one right after "Air" an airline ("Air France").
   Three rules settle a name for the whole article (each with its switch below):
   QUALIFIER_READING: in "Athens, Greece" the qualifier takes the reading it qualifies
   with (Greece the country, not Greece, New York), and the qualified name takes the
   qualifier's country; a country name followed by another country is a list, not a
   qualified town ("China, Japan", LIST_NOT_QUALIFIER). ONE_SENSE: a place qualified once
   keeps that reading where the article names it again bare (one sense per discourse).
   PERSON_COREF: a town, region or capital name once used as a person's name ("Pamela
   Anderson", "Mr. Anderson", "Lin-Manuel Miranda") stays that person's name later in the
   article ("Anderson held"); country names excepted.
   MUNICIPAL: a name once followed by a local-government phrase ("Paris City Council",
   "Palestine Independent School District"; regions_municipal.txt) is a town throughout:
   its country reading goes, and a capital's namesake town may win on the hints, unless
   the article names the capital's country otherwise ("... French officials").
   DOMINATED_ALONE: a town big enough to count on its own (London, Ontario), or a town named
   like a country (Jordan, Minnesota), needs less local support against its namesake when
   nothing else in the article names the namesake's country (no capital, demonym, other
   place or cue for Britain beside London and Kitchener).
   SEAT_NOT_LOCAL: a capital gives its country support but is no local evidence (the
   support a town needs against a namesake capital or country): a "Paris" read as France's
   capital in the first pass would otherwise vouch for itself against Paris, Texas in the
   second, where "Dallas" is its neighbour.
   INTL_STATE: in an article that names two other countries, a US town that shares its
   name with a country or a world city ("Peru", Illinois; "London", Kentucky) needs
   evidence of its own state (a neighbour town of that state, the state named), not just
   the many other US places such an article names; and a state named like a country
   ("Georgia") is the country there unless a town of that state is named.
4. Salience: a title mention weighs 3, one in the lead (the body's first sentence, at most
   LEAD_CHARS; LEAD_SENTENCE) 2, any other 1; the focus is the top country (the EU only
   when no country is named; on a tie the one more of whose places are named, TIE_PLACES,
   then the one named first). A country named only by an adjective, once, past the lead
   ("Italian food") is dropped.
5. The dateline place is resolved on its own; it only helps disambiguation and is never
   counted as a region unless the body names the country too.

Thresholds were chosen on the tuning halves of LGL, GeoWebNews and GeoVirus (``eval/regions.py``).

Tried for focus and not kept (tuning halves, session 7), so that no one repeats them:
re-weighting the focus score over per-country counts (title, lead, body, demonym, sub-places,
distinct names; a grid of linear weights) never beat the weights above on all three corpora
(the focus misses left are mostly local articles with no gazetteer place, or whose only place
is a namesake of a country or capital, which no count can fix; the rest are near-ties in the
gold counts); so no learned focus scorer either. Demonyms at half weight in the focus score
(GeoVirus up, LGL and GWN down); a small town named three times counting on its own (F1 down
on all three); a country's name counting as local support for its towns, or a lower
DOMINATED_LOCAL (GWN down); a US town with a country's name needing its state's evidence
outside international articles too (LGL and GWN down: Mexico, Missouri is local news); a town
named like another country's capital needing local evidence (LGL down); a mention's own
first-pass reading left out of its second-pass support (GWN down); more local-institution
phrases after a name ("High School", "Police Department": no change); DOMINATED_RATIO 25
(fixes one LGL article, London, Ontario at 21 times smaller than London: fitted to one name).
Articles that name no gazetteer place (a sixth of the LGL focus misses) could only get a focus
from the hints, which by design never make a country count (tests pin this). Taking the
dateline's country for them (DATELINE_FALLBACK: LGL tuning focus 0.946 -> 0.950) is left out:
the issue keeps the dateline apart from the regions, so a Geneva dateline never makes a
story Swiss.

Tried and not kept (tuning halves, session 8): a gazetteer of towns from 1,000 people (cities1000;
F1 and focus down on all three: more small namesakes than recovered local towns); any surname,
not only a given name, after a place (drops agencies named "<State> <noun that is a surname>");
a place before "Street"/"Road" (drops county roads and same-state streets, which are local
evidence); a place in "University of X" (LGL annotates it, GWN and GeoVirus do not); a
common-word town after any capitalised word ("... Valley", "... Post"; LGL down); towns of one
non-US country vouching for each other as US towns of one state do (five new false countries for
two fixes); a big common-word city ("Cork") counting on its own (four false countries for one
fix); common-word towns needing local, not country, support (one article); demonyms at 0 to 0.75
weight in the focus score only (GeoVirus up, LGL and GWN down, as in session 7); the dateline
always counted as a region (LGL false countries 20 -> 24); a demonym-only country kept (GWN
recall up, LGL and GeoVirus precision down: GWN annotates adjectives, the others do not).

Speed (session 9, issue 16; output bit-identical, ``bench/tag_identity.py``): a name said again
the same way reuses its reading within a pass (CHOOSE_MEMO), each name's dominant namesake is
found once, and the phone-number search runs once per article. The rest of the cost is spread
thin (on real pages about a third the name scan, a sixth the readings, a sixth the spelling and
dollar hints, the rest the vote itself); nothing else stood out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import ahocorasick_rs

from worker.pipeline.lazy import Lazy
from worker.pipeline.tagging.gazetteer import (
    ABBREV, ADMIN1, ADMIN2, CAPITAL, CITY, COUNTRY, DEMONYM, GIVEN_NAMES, METONYM, SUBNATIONAL, SURNAMES,
    WEAK_NAMES, Gazetteer, Sense, get_gazetteer, read_lines, read_table, read_words,
)

MAX_SCAN_CHARS = 400_000  # beyond this an article adds no new countries, only cost
MAX_MENTIONS = 4_000
STANDALONE_CITY_POP = 100_000  # smaller towns count only with supporting evidence...
UNIQUE_TOWN_POP = 100_000  # ...unless every town of that name is in the same country
TITLE_WEIGHT, LEAD_WEIGHT = 3.0, 2.0
LEAD_CHARS = 400  # how much of the first paragraph is the lead; chosen on the tuning halves
LOCAL_INSTITUTIONS = True  # an institution of one country named is a local cue for it (see _local_cues)
TIE_PLACES = True  # a tie goes to the country with more mentions of its places (see tag_regions)
LEAD_SENTENCE, LEAD_SENTENCE_MIN = True, 40  # the lead is the first sentence (see _lead_end), found from this offset
MAX_EVIDENCE = 10
ADJECTIVE_WEIGHT = 0.5
CUE_WEIGHT = 1.0  # support a local cue (see _local_cues) lends, for choosing between namesakes
HINT_WEIGHT = 0.5  # how much a hint (see _hints) weighs against a namesake's real support
SPELLING_HINT, DOLLAR_HINT, PHONE_HINT = 1.0, 1.0, 1.0  # relative strength of each hint
ADJECTIVE_ONLY_MAX = 1.0  # a country named only by adjectives up to this weight is colour (see tag_regions)
EU_NOT_FOCUS = False
FALLBACK_MIN, FALLBACK_SHARE = 1.0, 0.5  # see _fallback; chosen on the tuning halves
FALLBACK_WORD_MIN = 1.0  # a common-word name votes in the fallback only above this weight (see _fallback)
DOMINATED_LOCAL = 2.0  # local support a town needs against a namesake country or metropolis (see _choose)
DOMINATED_RATIO = 20  # how much bigger the namesake must be to dominate
DOMINATED_ALONE = 1.0  # local support enough when nothing else names the namesake's country (see _choose_reading)
QUALIFIER_READING = True  # "Athens, Greece": the qualifier takes the reading it qualifies with
ONE_SENSE = True  # a place qualified once keeps that reading where it is named again
PERSON_COREF = True  # a town name used as a person's name ("Pamela Anderson") stays a person
AIRLINE = True  # "Air France" names an airline
QUOTED_TITLE = True  # a name quoted on its own ("Hamilton") names a work, not a place
COREF_REGIONS = True  # ...and so does a region or capital name ("Lin-Manuel Miranda"), not a country
MUNICIPAL = True  # "Paris City Council": a town, free of its namesake country or capital (see _choose_reading)
LIST_NOT_QUALIFIER = True  # "China, Japan": a country name is not qualified by another country
SEAT_NOT_LOCAL = True  # a capital is no local support for its country's towns (see tag_regions)
INTL_STATE = True  # in an international article a US namesake town needs its state's evidence (see _choose_reading)
INTL_COUNTRIES, STATE_LOCAL_MIN = 2, 1.0  # other countries that make an article international; state evidence needed
REGION_BONUS = 1.0  # support a town gets from a named first-level region of its country (non-US)
STATE_NEIGHBOUR = 1.0  # local support a US town gets from another accepted town of its state
CO_STATE, CO_STATE_MAX = 1.0, 2  # support per other name that can be a town of the same state, and its cap
NAME_PARTICLE = True  # "Lucia de Lima", "Rue de Paris": a place after a name particle ends a longer name
_PARTICLES = frozenset("de da del della di du van von bin ibn".split())
PERSON_NEXT = True  # a town, region or capital name before a given name ("Lima Rose") is a person's
CHOOSE_MEMO = True  # speed only: a mention said again the same way reuses its reading within a pass

_COUNTRY_LEVEL = frozenset({COUNTRY, DEMONYM, METONYM})
_PRIOR = {COUNTRY: 1.0, METONYM: 1.0, DEMONYM: 0.9, CAPITAL: 0.4, ADMIN1: 0.3, CITY: 0.1, ADMIN2: 0.1, ABBREV: 0.3}
# Context words (worker/data/regions_*.txt, each naming its source):
_TITLES = frozenset(read_words("regions_titles.txt"))  # "Mr. Chad", "President Lincoln": a person
_PERSONAL_TITLES = frozenset("Mr Mrs Ms Miss Dr Prof Sir Madam Mme Mx".split())  # before a country name too
# capitalised words that may precede a place without making it a person's name
_FUNCTION_CAPS = frozenset(read_words("regions_function_caps.txt"))
# capitalised words that may follow a place in an institution or place name
_PLACE_NEXT = frozenset(read_words("regions_place_next.txt"))
_SAYING = frozenset(read_words("regions_saying_verbs.txt"))  # "Hamilton said": a person
# "Paris City Council", "Palestine Independent School District": a town reported on locally
_MUNICIPAL = tuple(" " + line.strip() for line in read_lines("regions_municipal.txt"))
# AP state abbreviations that are no English word or title: a state anywhere ("a Fla. economist")
_PLAIN_ABBREV = frozenset(read_words("regions_us_state_abbrev_plain.txt"))
# local institutions of one country ("Parks and Recreation", "Crown Court", "RCMP"): local cues
_INSTITUTIONS = tuple(
    (cc, tuple(p.strip() for p in phrases.split("|") if p.strip()))
    for cc, phrases in read_table("regions_local_institutions.tsv").items()
)
_SEAT_KINDS = frozenset({CAPITAL, METONYM})
_TOWNISH = frozenset({CITY, ADMIN2})
_HINTABLE = frozenset({CITY, ADMIN2, CAPITAL})  # readings a hint may trade for a namesake town
_ADMIN2_SUFFIXES = (" County", " Parish", " Borough", "shire", " Province", " District")
_OPEN_QUOTES = "\"“"
_CLOSE_QUOTES = "\"”"
_CLOSE_QUOTES_AFTER = _CLOSE_QUOTES + ".,!?"
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]{0,30}")


@dataclass(slots=True)
class RegionResult:
    regions: list[dict] = field(default_factory=list)
    focus_country: str | None = None
    dateline_country: str | None = None


_QUALIFIER_KINDS = frozenset({COUNTRY, ADMIN1, ABBREV})


def _population(x: Sense) -> int:
    return x.pop


def _dominance(x: Sense) -> tuple[bool, int]:
    return (x.kind in _COUNTRY_LEVEL, x.pop)


_NO_CCS: frozenset[str] = frozenset()


class _SingletonSets(dict):
    """cc -> frozenset({cc}), shared between names."""

    def __missing__(self, cc: str) -> frozenset[str]:
        value = self[cc] = frozenset((cc,))
        return value


_QUALIFIER_CCS = _SingletonSets()


class _Reading:
    """What a gazetteer name's readings imply, computed once per name rather than on
    every match: the per-match work is then a handful of attribute reads."""

    __slots__ = ("senses", "anchor", "state", "has_country", "top_pop", "qualifier_ccs", "region_qualifier_ccs",
                 "town_states", "vouch_state", "vouch_pop", "dominant_cc")

    def __init__(self, name: str, senses: tuple[Sense, ...]) -> None:
        self.senses = senses
        # US states this name can be a town of, and the one it vouches for (see _co_states)
        self.town_states = frozenset(x.state for x in senses if x.state and x.kind in _TOWNISH)
        top = max(senses, key=_population)
        vouch = self.town_states and top.state and top.kind in _TOWNISH
        self.vouch_state = top.state if vouch else None
        self.vouch_pop = top.pop
        # the namesake a town of this name is measured against (DOMINATED_ALONE, see _choose_reading)
        self.dominant_cc = max(senses, key=_dominance).cc
        if len(senses) == 1:  # nine names in ten: the same facts without set building
            x = senses[0]
            kind = x.kind
            # the anchor this name gives when it needs no support (see _anchor)
            self.anchor = x if _standalone(x, True) or kind == ADMIN2 and name.endswith(_ADMIN2_SUFFIXES) else None
            self.state = (x.state or name) if x.cc == "US" and kind in (ADMIN1, ABBREV) else None
            self.has_country = kind in _COUNTRY_LEVEL
            self.top_pop = x.pop if kind in (CAPITAL, CITY) else 0
            self.qualifier_ccs = _QUALIFIER_CCS[x.cc] if kind in _QUALIFIER_KINDS else _NO_CCS
            self.region_qualifier_ccs = self.qualifier_ccs if kind != COUNTRY else _NO_CCS
            return
        self.anchor = _anchor(name, senses)
        self.state = None
        self.has_country = any(x.kind in _COUNTRY_LEVEL for x in senses)
        self.top_pop = max((x.pop for x in senses if x.kind in (CAPITAL, CITY)), default=0)
        # countries this name can qualify a preceding place with ("Paris, Texas")
        self.qualifier_ccs = frozenset(x.cc for x in senses if x.kind in _QUALIFIER_KINDS)
        self.region_qualifier_ccs = frozenset(x.cc for x in senses if x.kind in _QUALIFIER_KINDS and x.kind != COUNTRY)


class _Name:
    """Per-name facts for the scan: flags plus the readings with and without AP
    abbreviations (trusted only after "City, ")."""

    __slots__ = ("name", "full", "plain", "has_abbrev", "country_level", "given", "person", "townish",
                 "common", "weak", "town_only")

    def __init__(self, gaz: Gazetteer, idx: int) -> None:
        name = self.name = gaz.names[idx]
        senses = gaz.senses[idx]
        self.has_abbrev = any(x.kind == ABBREV for x in senses)
        self.full = _Reading(name, senses) if senses else None
        if self.has_abbrev:
            plain = tuple(x for x in senses if x.kind != ABBREV)
            self.plain = _Reading(name, plain) if plain else None
        else:
            self.plain = self.full
        self.country_level = gaz.country_level[idx]
        self.given = gaz.given[idx]
        self.person = gaz.person[idx]
        self.townish = gaz.townish[idx]
        self.common = gaz.common[idx]
        self.weak = name in WEAK_NAMES
        self.town_only = gaz.town_only[idx]


class _Mention:
    __slots__ = ("name", "reading", "senses", "weight", "needs_support", "comma_next", "pos", "anchor", "qualifies", "vouches",
                 "municipal")

    def __init__(self, name: str, reading: _Reading, weight: float, needs_support: bool, pos: int) -> None:
        self.name = name
        self.reading = reading
        self.senses = reading.senses
        self.weight = weight
        self.needs_support = needs_support
        self.comma_next: str | None = None  # country of an admin name right after ", " ("Paris, Texas")
        self.qualifies: Sense | None = None  # the reading this name has as such a qualifier ("Texas")
        self.pos = pos
        self.anchor: Sense | None = None
        self.vouches = True  # may vouch for a namesake town of the same state (see _co_located)
        self.municipal = False  # named as a municipality ("Paris City Council"; see _choose_reading)


def _prev_word(text: str, start: int) -> str:
    """Word just before ``start`` on the same clause (empty across punctuation)."""
    i = start - 1
    lo = max(0, start - 40)
    while i >= lo and text[i] == " ":
        i -= 1
    j = i
    while j >= lo and (text[j].isalpha() or text[j] == "."):
        j -= 1
    return text[j + 1 : i + 1].rstrip(".") if i >= lo and i != start - 1 else ""


def _next_word(text: str, end: int) -> str:
    if end >= len(text) or text[end] != " ":
        return ""
    m = _TOKEN.match(text, end + 1, min(len(text), end + 33))
    return m.group(0).rstrip(".") if m else ""


def _sentence_initial(text: str, start: int, floor: int = 0) -> bool:
    """``floor``: where the paragraph holding ``start`` begins in ``text``."""
    i = start - 1
    lo = max(floor, start - 6)
    while i >= lo and text[i] in " \t\"'“‘(":
        i -= 1
    if i < floor:
        return True
    return i >= lo and text[i] in ".!?:\n\r"


_SENTENCE_END = re.compile(r"[.!?][\"”’')]?\s+(?=[\"“‘(A-Z0-9])")


def _lead_end(first: str) -> int:
    """Where the lead ends in the first paragraph: after its first sentence (LEAD_SENTENCE),
    at most LEAD_CHARS. A period after a short capitalised word or an initial ("Mr.",
    "U.S.", "St.") ends no sentence."""
    if not LEAD_SENTENCE:
        return LEAD_CHARS
    for m in _SENTENCE_END.finditer(first, LEAD_SENTENCE_MIN, LEAD_CHARS):
        i = m.start()
        if first[i] == ".":
            j = i
            while j > 0 and first[j - 1].isalpha():
                j -= 1
            word = first[j:i]
            if not word or (word[0].isupper() and len(word) <= 3) or (j > 0 and first[j - 1] == "."):
                continue
        return i + 1
    return LEAD_CHARS


def _is_titlecase(title: str) -> bool:
    words = [w for w in title.split()[:40] if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _scan(
    gaz: Gazetteer,
    text: str,
    spans: list[tuple[int, float]],
    uninformative_all: bool,
    out: list[_Mention],
    people: set[str] | None = None,
) -> None:
    """Mentions in ``text``: one paragraph, or several joined by blank lines.

    ``spans`` lists (start offset, weight) of each paragraph in ``text``, in order. One
    automaton pass over the whole article costs less than one per paragraph; every
    context test stops at a paragraph's edge (a blank line is neither a word, a space
    nor ", "), so the result equals scanning the paragraphs one by one.
    """
    matches = gaz.automaton.find_matches_as_indexes(text)
    if not matches:
        return
    if people is None:
        people = set()
    names = gaz.name_facts  # built on a name's first match: all 45,000 up front would cost a sixth of a second
    n = len(text)
    last_end = -10
    pending: _Mention | None = None  # the previous accepted mention...
    pending_end = -10  # ...and where it ended, for "Paris, Texas"
    k = 0
    n_spans = len(spans)
    floor, weight = spans[0]
    next_floor = spans[1][0] if n_spans > 1 else n + 1
    for idx, s, e in matches:
        if len(out) >= MAX_MENTIONS:
            return
        if (s > 0 and (text[s - 1].isalnum() or text[s - 1] in "-@")) or (e < n and (text[e].isalnum() or text[e] == "-")):
            # "London-based", "U.S.-led": a compound adjective still names the place;
            # "Winston-Salem" and "Paris-Orly" are other names
            if not (e + 1 < n and text[e] == "-" and text[e + 1].islower() and not (s > 0 and (text[s - 1].isalnum() or text[s - 1] in "-@"))):
                continue
        while s >= next_floor:
            k += 1
            floor, weight = spans[k]
            next_floor = spans[k + 1][0] if k + 1 < n_spans else n + 1
            last_end = -10  # as if the paragraph were scanned on its own
        if e < n and text[e] == "$":  # a currency: "US$", "HK$"
            continue
        if QUOTED_TITLE and s > 0 and text[s - 1] in _OPEN_QUOTES and e < n and text[e] in _CLOSE_QUOTES_AFTER:
            # a name quoted on its own is a title ("the musical “Hamilton”"), not a place
            j = e + 1 if text[e] in ".,!?" else e
            if j < n and text[j] in _CLOSE_QUOTES:
                continue
        info = names[idx]
        if info is None:
            info = names[idx] = _Name(gaz, idx)
        if info.full is None:  # a world region ("Latin America"): no country
            continue
        name = info.name
        # A place right after "X, " qualifies X ("Paris, Texas", "Alexandria, La.").
        comma_before = s - 2 >= floor and text[s - 2 : s] == ", "
        reading = info.full
        if info.has_abbrev and not comma_before and name not in _PLAIN_ABBREV:
            reading = info.plain
            if reading is None:
                continue
        person = info.person
        # Person or place? Context decides ("Michael Jordan", "Mr. Chad", "Paris Hilton",
        # "Hamilton said"); the name lists only say which names can be people's names.
        if people and name in people:  # "Pamela Anderson ... Anderson held": the same person
            continue
        prev = _prev_word(text, s)
        if prev:
            if AIRLINE and prev == "Air":  # an airline ("Air France", "Air India"), not a place
                continue
            # a particle after a capitalised word ("Lucia de Lima", "Rue de Paris"): a surname or
            # a longer name, not the place (names such as "Rio de Janeiro" are matched whole)
            if NAME_PARTICLE and prev in _PARTICLES and _prev_word(text, s - len(prev) - 1)[:1].isupper():
                continue
            if prev in _TITLES and (not info.country_level or prev in _PERSONAL_TITLES):
                if PERSON_COREF and person and (info.town_only or COREF_REGIONS and not info.country_level):
                    people.add(name)
                continue
            # a capitalised word just before, not itself part of a place: a first name
            # (in a title-case headline every word is capitalised: only a known name counts)
            if prev[0].isupper() and prev not in _FUNCTION_CAPS and last_end < s - len(prev) - 2:
                if prev in GIVEN_NAMES or (person and not info.country_level and not uninformative_all):
                    if PERSON_COREF and person and (info.town_only or COREF_REGIONS and not info.country_level):
                        people.add(name)
                    continue
        nxt = _next_word(text, e)
        if nxt:
            if nxt[0].isupper():
                if nxt not in _PLACE_NEXT:
                    if info.given:
                        # a given name before a surname: "Paris Hilton", "Israel Katz"
                        if nxt in SURNAMES or not (info.country_level or uninformative_all) and nxt not in gaz.by_name:
                            continue
                    elif info.townish and not uninformative_all and (person or nxt not in gaz.by_name):
                        continue
                    elif PERSON_NEXT and not info.country_level and not uninformative_all and nxt in GIVEN_NAMES and not name.endswith(".") and not _anchored(gaz, nxt):
                        # a first name before a second name that is also a first name ("Kyoto Kelly"),
                        # unless that is a place standing on its own ("its Texas Austin office"), or the
                        # name an abbreviation ending a sentence ("... in Fresno, Calif. Martin Lee led ...")
                        continue
            elif nxt in _SAYING and info.town_only:
                continue
        needs_support = info.weak or (person and info.town_only)
        if info.common:
            uninformative = uninformative_all or _sentence_initial(text, s, floor)
            if uninformative and not info.country_level:
                continue
            if uninformative or not info.country_level:
                needs_support = True
        m = _Mention(name, reading, weight, needs_support, s)
        if info.common or info.weak:
            m.vouches = False
        if MUNICIPAL and len(reading.senses) > 1 and text.startswith(_MUNICIPAL, e):
            m.municipal = True
        if comma_before and pending is not None and pending_end == s - 2:
            ccs = reading.qualifier_ccs
            if ccs and LIST_NOT_QUALIFIER and pending.reading.has_country:
                # "China, Japan, and the United Kingdom" is a list: a country name is
                # qualified by a state or region ("Lebanon, Tenn."), never by a country
                ccs = reading.region_qualifier_ccs
            if ccs:
                for x in pending.senses:
                    if x.cc in ccs and x.kind in SUBNATIONAL:
                        pending.comma_next = x.cc
                        if QUALIFIER_READING and len(reading.senses) > 1:
                            m.qualifies = next(y for y in reading.senses if y.cc == x.cc and y.kind in _QUALIFIER_KINDS)
                        break
        pending, pending_end = m, e
        last_end = e
        out.append(m)


def _anchored(gaz: Gazetteer, word: str) -> bool:
    """Whether ``word`` names a place that stands on its own (a capital, a big city: "Sydney")."""
    idx = gaz.by_name.get(word)
    if idx is None:
        return False
    return any(_standalone(x) for x in gaz.senses[idx])


def _standalone(x: Sense, one_country: bool = False) -> bool:
    if x.kind in _COUNTRY_LEVEL or x.kind in (CAPITAL, ADMIN1):
        return True
    if x.kind == CITY:
        return x.pop >= (UNIQUE_TOWN_POP if one_country else STANDALONE_CITY_POP)
    return False


def _choose(
    m: _Mention, support: dict[str, float], sub: dict[str, float], states: set[str], town_states: frozenset[str] | set[str] = frozenset(),
    hints: dict[str, float] | None = None, regions_named: frozenset[str] | set[str] = frozenset(),
    co_states: dict[str, dict[str, int]] | None = None, anchored: dict[str, float] | None = None,
) -> Sense | None:
    """The reading of ``m`` the article supports, or None. ``hints`` (see _hints) only
    choose between a namesake town's readings once the mention counts without them as a
    town or capital (Athens, Georgia or Greece; a region or a country keeps its reading)."""
    best = _choose_reading(m, support, sub, states, town_states, None, regions_named, co_states, anchored)
    if best is None or not hints or len(m.senses) == 1 or best.kind not in _HINTABLE:
        return best
    return _choose_reading(m, support, sub, states, town_states, hints, regions_named, co_states, anchored) or best


def _choose_reading(
    m: _Mention, support: dict[str, float], sub: dict[str, float], states: set[str], town_states: frozenset[str] | set[str],
    hints: dict[str, float] | None, regions_named: frozenset[str] | set[str] = frozenset(),
    co_states: dict[str, dict[str, int]] | None = None, anchored: dict[str, float] | None = None,
) -> Sense | None:
    senses = m.senses
    if len(senses) == 1:
        x = senses[0]
        ev = support.get(x.cc, 0.0)
        if m.comma_next == x.cc or (x.state and x.state in states):
            ev += 1
        if co_states and x.state and x.kind in _TOWNISH:
            ev += _co_located(m.name, x.state, co_states)
        if ev > 0 or (_standalone(x, True) and not m.needs_support):
            return x
        return None
    has_country = m.reading.has_country
    top_pop = m.reading.top_pop
    best: Sense | None = None
    best_score = -1.0
    best_ev = 0.0
    municipal = m.municipal
    for x in senses:
        if municipal and x.kind in _COUNTRY_LEVEL:  # a country has no city council
            continue
        bonus = 3.0 if (m.comma_next == x.cc or (x.state and x.state in states)) else 0.0
        if not bonus and not x.state and x.cc in regions_named and x.kind in _TOWNISH:
            # a first-level region of the town's country named in the article ("London"
            # beside "Ontario"); US towns know their state and use that instead
            bonus = REGION_BONUS
        if x.kind in _COUNTRY_LEVEL:
            ev = support.get(x.cc, 0.0)
        else:
            if has_country and x.kind == ADMIN1 and INTL_STATE and not bonus and m.name not in town_states and _international(support, x.cc):
                continue  # "the war in Georgia" beside Russia and Poland: no town of that state, the country
            # A town that shares its name with a country or a metropolis needs explicit
            # qualification ("Lebanon, Tenn.") or a strongly local article.
            dominated = x.kind != ADMIN1 and (has_country or top_pop >= DOMINATED_RATIO * max(x.pop, 1))
            local = sub.get(x.cc, 0.0)
            if x.state:
                # a neighbour in the same state ("Paris ... Dallas"): an accepted town, or
                # names that can be towns of that state together (the larger, not both:
                # the first may be accepted only thanks to the second)
                near = STATE_NEIGHBOUR if x.state in town_states else 0.0
                if co_states and x.kind in _TOWNISH:
                    near = max(near, _co_located(m.name, x.state, co_states))
                local += near
            need = DOMINATED_LOCAL
            # DOMINATED_ALONE: a namesake country or metropolis that nothing else in the article
            # names (no anchor of its country before any namesake is read) is a weaker rival for
            # a big town (London, Ontario beside Kitchener) or a town named like a country
            if dominated and DOMINATED_ALONE and anchored is not None and (has_country or x.pop >= STANDALONE_CITY_POP):
                dom = m.reading.dominant_cc
                if dom != x.cc and not anchored.get(dom):
                    need = DOMINATED_ALONE
            if dominated and not bonus and local < need and not (municipal and x.kind in _TOWNISH):
                continue
            if dominated and x.state and INTL_STATE and not bonus and not municipal and local - sub.get(x.cc, 0.0) < STATE_LOCAL_MIN:
                # an international article ("... in Peru", "based in London" beside
                # Chile, Spain and New York) has US places enough to make any namesake
                # town local: there a US town needs its own state's evidence, a
                # neighbour town of that state, against a country or world city
                if _international(support, x.cc):
                    continue
            ev = local + 0.25 * support.get(x.cc, 0.0) + bonus
            if hints is not None and x.kind in _TOWNISH:
                ev += hints.get(x.cc, 0.0)
        score = ev + _PRIOR[x.kind] + min(x.pop, 50_000_000) * 1e-10
        if score > best_score:
            best, best_score, best_ev = x, score, ev
    if best is None:
        return None
    if best_ev > 0 or (_standalone(best) and not m.needs_support):
        return best
    return None


def _international(support: dict[str, float], cc: str) -> bool:
    """Whether the article names INTL_COUNTRIES countries besides ``cc`` (see INTL_STATE)."""
    return sum(1 for c, v in support.items() if c != cc and c != "EU" and v >= 1.0) >= INTL_COUNTRIES


def _co_located(name: str, state: str, co_states: dict[str, dict[str, int]]) -> float:
    """Support a US town reading gets from other names of the article that can be towns
    of the same state (see _co_states)."""
    others = co_states.get(state)
    if not others:
        return 0.0
    return CO_STATE * min(others.get(name, 0), CO_STATE_MAX)


def _co_states(mentions: list[_Mention]) -> dict[str, dict[str, int]]:
    """state -> {name: how many other names of the article can be towns of that state
    with it}. Two names count together when one of them vouches for the state, which a
    name does only for the state of its best-known reading and only if that is a US town
    ("Dallas", "Hershey"; not "Oxford", "Washington" nor "Lebanon"): "Lebanon" beside
    "Hershey" and "Palmyra" is Lebanon, Pennsylvania, while one neighbour ("Paris" beside
    "Dallas") is too little against a country or capital (DOMINATED_LOCAL). Common words
    and weak names neither give nor get this support."""
    vouching: dict[str, str] = {}
    for m in mentions:
        r = m.reading
        if r.vouch_state is not None and m.vouches and not r.has_country and m.name not in vouching:
            # a name that may be a person's ("Dallas", "Joshua") vouches only as a big city
            if not m.needs_support or r.vouch_pop >= STANDALONE_CITY_POP:
                vouching[m.name] = r.vouch_state
    if not vouching:
        return {}
    wanted = set(vouching.values())
    holders: dict[str, set[str]] = {}  # state -> names with a town reading there
    for m in mentions:
        if m.vouches and m.reading.town_states:
            for state in m.reading.town_states & wanted:
                holders.setdefault(state, set()).add(m.name)
    out: dict[str, dict[str, int]] = {}
    for state, names in holders.items():
        if len(names) < 2:
            continue
        vouchers = sum(vouching.get(n) == state for n in names)
        if not vouchers:
            continue
        counts = {}
        for n in names:
            c = len(names) - 1 if vouching.get(n) == state else vouchers
            if c:
                counts[n] = c
        out[state] = counts
    return out


def _anchor(name: str, senses: tuple[Sense, ...]) -> Sense | None:
    """The reading a self-standing mention of ``name`` pins down (for mentions that
    need no support; see :class:`_Reading`)."""
    ccs = {x.cc for x in senses}
    if len(ccs) != 1:
        return None
    for x in senses:
        if _standalone(x, True) or x.kind == ADMIN2 and name.endswith(_ADMIN2_SUFFIXES):
            return x
    return None


def tag_regions(title: str | None, paragraphs: list[str], dateline: str | None) -> RegionResult:
    """Tag one article; never raises on odd text (bad input yields an empty result)."""
    gaz = get_gazetteer()
    mentions: list[_Mention] = []
    people: set[str] = set()  # town names the article uses as a person's name (see _scan)
    if title:
        title = str(title)
        _scan(gaz, title[:MAX_SCAN_CHARS], [(0, TITLE_WEIGHT)], _is_titlecase(title), mentions, people)
    n_title = len(mentions)
    body: list[str] = []
    spans: list[tuple[int, float]] = []
    at = 0
    for i, para in enumerate(paragraphs or ()):
        if not isinstance(para, str) or not para:
            continue
        para = para[:MAX_SCAN_CHARS]
        spans.append((at, LEAD_WEIGHT if i == 0 else 1.0))
        body.append(para)
        at += len(para) + 2
    joined = "\n\n".join(body) if at <= 2 * MAX_SCAN_CHARS else ""
    if body and joined:
        _scan(gaz, joined, spans, False, mentions, people)
    else:  # a huge article: bound each scan's text (and memory) as before
        for para, (_, weight) in zip(body, spans):
            if len(mentions) >= MAX_MENTIONS:
                break
            _scan(gaz, para, [(0, weight)], False, mentions, people)
    # The lead is the opening of the body, not a whole first paragraph: unsegmented text
    # (one long paragraph) would otherwise weigh every name as lead.
    lead_end = _lead_end(body[0]) if body else LEAD_CHARS
    for m in mentions[n_title:]:
        if m.pos >= lead_end and m.weight == LEAD_WEIGHT:
            m.weight = 1.0
    # a phone number never spans paragraphs, so the joined text has one iff a paragraph has
    # one: searched once here for both the hints and the local cues
    phone = _has_phone(joined) if joined else None
    hints = _hints(joined, phone) if joined and HINT_WEIGHT else {}
    dateline_cc = resolve_place(dateline) if dateline else None

    if ONE_SENSE:
        # One sense per discourse: a place qualified once ("Athens, Greece") is the same
        # place where the article names it again unqualified.
        qualified: dict[str, str] = {}
        for m in mentions:
            if m.comma_next is not None:
                qualified.setdefault(m.name, m.comma_next)
        if qualified:
            for m in mentions:
                if m.comma_next is None:
                    m.comma_next = qualified.get(m.name)
    if MUNICIPAL:
        # a name once used as a municipality is that town throughout (one sense per discourse)
        towns = {m.name for m in mentions if m.municipal}
        if towns:
            # ...unless the article names the country of its big namesake otherwise, in any
            # form ("Paris City Council ... French officials" is Paris, France)
            namers: dict[str, set[str]] = {}
            for m in mentions:
                if m.reading.has_country:
                    for x in m.senses:
                        if x.kind in _COUNTRY_LEVEL:
                            namers.setdefault(x.cc, set()).add(m.name)
            for name in list(towns):
                senses = next(m.senses for m in mentions if m.name == name)
                if any(x.kind not in _TOWNISH and namers.get(x.cc, set()) - {name} for x in senses):
                    towns.discard(name)
            for m in mentions:
                m.municipal = m.name in towns
    support: dict[str, float] = {}
    sub: dict[str, float] = {}
    states: set[str] = set()
    for m in mentions:
        state = m.reading.state
        if state is not None:
            states.add(state)
        a = m.anchor = m.qualifies or (None if m.needs_support else m.reading.anchor)
        if a is not None:
            support[a.cc] = support.get(a.cc, 0.0) + 1.0
            if a.kind in SUBNATIONAL and not (SEAT_NOT_LOCAL and a.kind == CAPITAL):
                sub[a.cc] = sub.get(a.cc, 0.0) + 1.0
    if dateline_cc:
        support[dateline_cc] = support.get(dateline_cc, 0.0) + 1.0
    if CUE_WEIGHT and body:
        for cc in _local_cues(body, joined, phone):
            support[cc] = support.get(cc, 0.0) + CUE_WEIGHT
            sub[cc] = sub.get(cc, 0.0) + CUE_WEIGHT

    chosen: list[Sense | None] = [None] * len(mentions)
    town_states: set[str] = set()
    # countries whose first-level regions the article names (see _choose)
    regions_named = {m.anchor.cc for m in mentions if m.anchor is not None and m.anchor.kind == ADMIN1} if REGION_BONUS else set()
    co_states = _co_states(mentions) if CO_STATE else {}
    anchored = dict(support)  # support before any namesake is read, for DOMINATED_ALONE
    for _ in range(2):  # second pass lets towns accepted in the first support their neighbours
        next_states: set[str] = set()
        next_regions = set(regions_named)
        extra_support = dict(support)
        extra_sub = dict(sub)
        memo: dict = {}
        for i, m in enumerate(mentions):
            if m.anchor is not None:
                x = chosen[i] = m.anchor
                if x.state and x.kind in _TOWNISH:
                    next_states.add(x.state)
                continue
            # _choose reads only these facts of a mention, and the article's state it reads
            # changes between passes only: a name said again the same way reads the same
            key = (m.reading, m.comma_next, m.needs_support, m.municipal) if CHOOSE_MEMO else m
            x = memo.get(key, memo)
            if x is memo:
                x = memo[key] = _choose(m, support, sub, states, town_states, hints, regions_named, co_states, anchored)
            chosen[i] = x
            if x is not None:
                if x.kind == ADMIN1 and REGION_BONUS:
                    next_regions.add(x.cc)
                if x.state and x.kind in _TOWNISH:
                    next_states.add(x.state)
                extra_support[x.cc] = extra_support.get(x.cc, 0.0) + 0.5
                # (a capital is the seat of a government more than a neighbourhood: it is no
                # local evidence, else a "Paris" read as France's capital in the first pass
                # would outvote its own Texan reading in the second, "Dallas" beside it)
                if x.kind in SUBNATIONAL and not (SEAT_NOT_LOCAL and x.kind == CAPITAL):
                    extra_sub[x.cc] = extra_sub.get(x.cc, 0.0) + 0.5
        support, sub = extra_support, extra_sub
        # US states of the towns accepted in this pass: a namesake town in the same state
        # is a neighbour ("Paris" beside "Dallas" is Paris, Texas)
        town_states = next_states
        regions_named = next_regions

    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    # countries named only by an adjective ("Italian food", "a Russian-born chef")
    adjective_only: set[str] = set()
    named: set[str] = set()
    places: dict[str, int] = {}  # mentions of places within each country (see TIE_PLACES)
    for order, (m, x) in enumerate(zip(mentions, chosen)):
        if x is None:
            continue
        if x.kind in SUBNATIONAL:
            places[x.cc] = places.get(x.cc, 0) + 1
        if x.kind == DEMONYM:
            if x.cc not in named:
                adjective_only.add(x.cc)
        else:
            named.add(x.cc)
            adjective_only.discard(x.cc)
        # A seat of government that also names an institution counts for both
        # ("Brussels": Belgium and the EU).
        ccs = [x.cc]
        if x.kind in _SEAT_KINDS:
            ccs += [y.cc for y in m.senses if y.kind in _SEAT_KINDS and y.cc != x.cc]
        for cc in ccs:
            scores[cc] = scores.get(cc, 0.0) + m.weight
            ev = evidence.setdefault(cc, [])
            first.setdefault(cc, order)
            if m.name not in ev and len(ev) < MAX_EVIDENCE:
                ev.append(m.name)
    if not scores and FALLBACK_MIN > 0:
        _fallback(mentions, scores, evidence, first, hints)
    total = sum(scores.values())
    # On a tie the country whose places the article names ("Abkhazia", "South Ossetia")
    # leads the one named as an actor ("Russia", "the Kremlin"), then the one named first.
    ranked = sorted(scores, key=lambda c: (-scores[c], -places.get(c, 0) if TIE_PLACES else 0, first[c]))
    # Salience: a country named only by an adjective, once, past the lead ("Italian food",
    # "a Russian-born chef") is colour, not what the article is about. (Dropping every
    # country below a share of the score, 5-20%, lowered F1 on both tuning halves: gold
    # counts places named in passing, and most are right.)
    ranked = [cc for i, cc in enumerate(ranked) if i == 0 or scores[cc] > ADJECTIVE_ONLY_MAX or cc not in adjective_only]
    total = sum(scores[cc] for cc in ranked)
    regions = []
    for cc in ranked:
        name, subregion, continent = _country_info(gaz, cc)
        regions.append(
            {
                "country": cc,
                "name": name,
                "subregion": subregion,
                "continent": continent,
                "score": round(scores[cc] / total, 4),
                "evidence": evidence[cc],
            }
        )
    # The focus is a country: the EU leads only an article that names no country.
    focus = next((cc for cc in ranked if cc != "EU"), ranked[0]) if ranked else None
    return RegionResult(regions=regions, focus_country=focus, dateline_country=dateline_cc)


_PHONE = re.compile(r"\b\d{3}-\d{3}-\d{4}\b|\(\d{3}\) ?\d{3}-\d{4}")  # North American numbering plan


def _has_phone(text: str) -> bool:
    """``_PHONE.search(text)``, tried only around a hyphen between three digits and four
    (a regex scan of a whole article costs more than the rest of the hints together)."""
    i = text.find("-", 3)
    while i != -1:
        if text[i - 3 : i].isdigit() and text[i + 1 : i + 5].isdigit() and _PHONE.search(text, max(0, i - 12), i + 6):
            return True
        i = text.find("-", i + 1)
    return False
_POUND = re.compile(r"£ ?\d")


def _local_cues(body: list[str], joined: str = "", phone: bool | None = None) -> list[str]:
    """Countries a local article's everyday details point to, for choosing between
    namesake towns only (they never tag a country themselves): prices in pounds sterling
    (Richmond in London, not Virginia), phone numbers in the North American plan (a
    Paris with a 903 number is in Texas), institutions of one country (LOCAL_INSTITUTIONS:
    an Athens with a Parks and Recreation director is American, a Kingston beside Crown
    Court British). A dollar sign says little (a dozen countries)."""
    out = []
    for para in body:
        if "£" in para and _POUND.search(para):
            out.append("GB")
            break
    if phone is None:  # not known yet: searched per paragraph
        phone = any(_has_phone(para) for para in body)
    if phone:
        out.append("US")
    if LOCAL_INSTITUTIONS:
        text = joined or "\n\n".join(body)
        auto, ccs = _institutions()
        n = len(text)
        for idx, s, e in auto.find_matches_as_indexes(text):
            # whole words only: "OPP", not "OPPOSITION"
            if (s == 0 or not text[s - 1].isalnum()) and (e >= n or not text[e].isalnum()) and ccs[idx] not in out:
                out.append(ccs[idx])
    return out


def _build_institutions() -> tuple[ahocorasick_rs.AhoCorasick, list[str]]:
    """One automaton over the phrases of regions_local_institutions.tsv; per phrase, its country."""
    phrases = [p for _, ps in _INSTITUTIONS for p in ps]
    ccs = [cc for cc, ps in _INSTITUTIONS for _ in ps]
    # leftmost-longest: "Gardai" is found whole, not as "Garda" followed by a letter
    auto = ahocorasick_rs.AhoCorasick(
        phrases, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest, implementation=ahocorasick_rs.Implementation.DFA
    )
    return auto, ccs


_institutions = Lazy(_build_institutions)


_DOLLAR = re.compile(r"(?<![A-Za-z$])\$ ?\d")  # a bare dollar amount, not "US$" or "C$"
_NANP = ("US", "CA")  # the North American numbering plan
_DOLLAR_CCS = {"US": 1.0, "CA": 0.5, "AU": 0.5}  # where a bare "$" is most often written
# where Commonwealth spelling is the norm (Canada mixes, but writes "colour", "centre", "defence")
_COMMONWEALTH = ("GB", "IE", "AU", "NZ", "CA", "ZA", "IN")
_SPELLING_ENDINGS = frozenset(
    ("", "s", "es", "ed", "d", "ing", "e", "er", "ers", "ation", "ations", "able", "ably", "ful", "ly", "al")
)


def _build_spelling() -> tuple[ahocorasick_rs.AhoCorasick, list[tuple[int, str]]]:
    """One automaton over both spellings of every pair in regions_spelling.tsv; per form,
    its side (0 American, 1 Commonwealth) and which endings it takes."""
    forms: list[str] = []
    info: list[tuple[int, str]] = []
    for us, cw in read_table("regions_spelling.tsv").items():
        for side, form in ((0, us.strip()), (1, cw.strip())):
            mode = "endings"
            if form[-1] in "*=":
                mode, form = ("any" if form[-1] == "*" else "exact"), form[:-1]
            forms.append(form)
            info.append((side, mode))
    # a DFA: five times faster than the default on a few hundred short patterns, small in memory
    auto = ahocorasick_rs.AhoCorasick(
        forms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest, implementation=ahocorasick_rs.Implementation.DFA
    )
    return auto, info


_spelling = Lazy(_build_spelling)


def spelling_vote(text: str) -> tuple[int, int]:
    """(American, Commonwealth) spellings among the lower-case words of ``text``."""
    auto, info = _spelling()
    votes = [0, 0]
    n = len(text)
    for idx, s, e in auto.find_matches_as_indexes(text):
        if s > 0 and text[s - 1].isalpha():
            continue
        side, mode = info[idx]
        j = e
        while j < n and text[j].isalpha():
            j += 1
        if mode == "any" or text[e:j] in _SPELLING_ENDINGS and (mode == "endings" or j == e):
            votes[side] += 1
    return votes[0], votes[1]


def _hints(text: str, phone: bool | None = None) -> dict[str, float]:
    """Countries the way an article is written points to: American or Commonwealth
    spelling, bare dollar amounts, North American phone numbers. Weaker than a local cue
    (see _local_cues): they only choose between the readings of a namesake town that
    counts anyway (Mansfield, Ohio or Nottinghamshire) and in the small-town fallback;
    they never make a place count, nor move a dateline (a wire story filed from Geneva
    may well spell the American way)."""
    hints: dict[str, float] = {}
    if SPELLING_HINT:
        us, cw = spelling_vote(text)
        if us != cw:
            for cc in ("US",) if us > cw else _COMMONWEALTH:
                hints[cc] = hints.get(cc, 0.0) + SPELLING_HINT
    if DOLLAR_HINT and "$" in text and _DOLLAR.search(text):
        for cc, w in _DOLLAR_CCS.items():
            hints[cc] = hints.get(cc, 0.0) + DOLLAR_HINT * w
    if PHONE_HINT and (_has_phone(text) if phone is None else phone):
        for cc in _NANP:
            hints[cc] = hints.get(cc, 0.0) + PHONE_HINT
    if not hints:
        return hints
    top = max(hints.values())
    return {cc: HINT_WEIGHT * w / top for cc, w in hints.items()}


def _hinted(senses: tuple[Sense, ...], hints: dict[str, float]) -> Sense | None:
    """The town reading the hints prefer, if any of them points to one."""
    best, best_w = None, 0.0
    for x in senses:
        if x.kind in _TOWNISH:
            w = hints.get(x.cc, 0.0)
            if w > best_w or (w == best_w and best is not None and w > 0 and x.pop > best.pop):
                best, best_w = x, w
    return best


def _fallback(
    mentions: list[_Mention], scores: dict[str, float], evidence: dict[str, list[str]], first: dict[str, int],
    hints: dict[str, float] | None = None,
) -> None:
    """An article that names only small towns (local news: "Pineville", "Rocky Hill") is
    still about somewhere: the country of most of the towns' best-known readings, if it
    holds at least FALLBACK_MIN of the (title- and lead-weighted) mentions and
    FALLBACK_SHARE of their weight."""
    votes: dict[str, float] = {}
    names: dict[str, list[str]] = {}
    # a common word or weak name said once in passing ("the Phantom of the Opera") is no
    # evidence of where the article is: it votes only from the title or lead, or repeated
    said: dict[str, float] = {}
    if FALLBACK_WORD_MIN:
        for m in mentions:
            if not m.vouches:
                said[m.name] = said.get(m.name, 0.0) + m.weight
    for order, m in enumerate(mentions):
        if said and not m.vouches and said[m.name] <= FALLBACK_WORD_MIN:
            continue
        senses = m.senses
        if m.reading.has_country:  # "Indian", "Jordan": set aside for want of support, not towns...
            if not m.municipal:
                continue
            # ...unless named as a municipality ("Jordan City Council")
            senses = tuple(x for x in senses if x.kind not in _COUNTRY_LEVEL)
        # the hinted town reading, else the best-known reading
        x = _hinted(senses, hints) if hints and len(senses) > 1 else None
        if x is None and senses is not m.senses and len({y.cc for y in senses}) > 1:
            continue  # a municipality, but nothing says which country's
        cc = (x or max(senses, key=lambda x: (_PRIOR[x.kind], x.pop))).cc
        votes[cc] = votes.get(cc, 0.0) + m.weight
        names.setdefault(cc, [])
        first.setdefault(cc, order)
        if m.name not in names[cc] and len(names[cc]) < MAX_EVIDENCE:
            names[cc].append(m.name)
    if not votes:
        return
    total = sum(m.weight for m in mentions if m.municipal or not m.reading.has_country)
    best = max(votes, key=lambda cc: (votes[cc], -first[cc]))
    if votes[best] >= FALLBACK_MIN and votes[best] >= FALLBACK_SHARE * total:
        scores[best] = votes[best]
        evidence[best] = names[best]
    for cc in list(first):
        if cc not in scores:
            del first[cc]


_INFO_CACHE: dict[tuple[int, str], tuple[str, str | None, str | None]] = {}


def _country_info(gaz: Gazetteer, cc: str) -> tuple[str, str | None, str | None]:
    key = (id(gaz), cc)
    hit = _INFO_CACHE.get(key)
    if hit is None:
        info = gaz.country_info(cc)
        hit = _INFO_CACHE[key] = (info["name"], info["subregion"], info["continent"])
    return hit


_DATELINE_NOISE = re.compile(r"\([^)]{0,40}\)|\b(?:AP|AFP|Reuters|UPI)\b|[—–:]+.*$")
_RESOLVE_RANK = {COUNTRY: 6, CAPITAL: 5, ADMIN1: 3, CITY: 2, METONYM: 1, DEMONYM: 1, ADMIN2: 1, ABBREV: 3}


def _lookup(gaz: Gazetteer, name: str) -> tuple[Sense, ...]:
    for form in (name, name.title(), name.upper()):
        idx = gaz.by_name.get(form)
        if idx is not None:
            return gaz.senses[idx]
    return ()


def _best(senses: tuple[Sense, ...]) -> Sense:
    def key(x: Sense) -> tuple:
        big_city = x.kind == CITY and x.pop >= 1_000_000
        return (_RESOLVE_RANK[x.kind] + (3 if big_city else 0), x.pop)

    return max(senses, key=key)


def resolve_place(name: str) -> str | None:
    """Country of a dateline place: "GENEVA" -> "CH", "PARIS, Texas" -> "US"."""
    if not name or not isinstance(name, str):
        return None
    return _resolve_cached(name[:120])


@functools.lru_cache(maxsize=4096)
def _resolve_cached(name: str) -> str | None:
    """Datelines repeat (a few hundred cities file most news), so answers are cached
    (the gazetteer is one per process)."""
    gaz = get_gazetteer()
    text = _DATELINE_NOISE.sub("", name[:120]).strip(" ,.-\t\r\n")
    if not text:
        return None
    parts = [p.strip(" .") for p in text.split(",") if p.strip(" .")][:4]
    if len(parts) > 1:
        # "Kyiv, Ukraine" / "PARIS, Texas" / "Alexandria, Va.": the qualifier decides.
        for part in (parts[-1], parts[-1] + "."):
            q = _lookup(gaz, part)
            head = _lookup(gaz, parts[0])
            if q:
                qcc = {x.cc for x in q if x.kind in (COUNTRY, ADMIN1, ABBREV, ADMIN2)}
                if len(qcc) >= 1:
                    for x in sorted(head, key=lambda s: -s.pop):
                        if x.cc in qcc:
                            return x.cc
                    return _best(tuple(x for x in q if x.cc in qcc)).cc
    senses = _lookup(gaz, parts[0] if parts else text)
    return _best(senses).cc if senses else None
