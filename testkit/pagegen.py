"""A generator of realistic raw pages for load tests and benchmarks.

Pages imitate what scrapers deliver: one to three invented stories per page, a dateline,
the title before or after the body, share/related/copyright boilerplate, sometimes a story
printed twice or hard-wrapped; plus near-duplicates (the same story republished with a
byline and small edits) and bad inputs, at configurable rates. Seeded, so a run can be
repeated exactly. Every story is assembled from templates and word lists written here.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import textwrap
from dataclasses import dataclass, field

import orjson

FIRST = "Amara Bruno Chen Dalia Emeka Farah Goran Hana Ivo Jana Kofi Lena Malik Nadia Omar Priya Quinn Rosa Sami Tariq Uma Viktor Wen Xenia Yusuf Zora Aiko Bilal Carmen Dmitri Elif Felipe Greta Hugo Ines Jonas Karin Luca Mirela Nils".split()
LAST = "Abara Bianchi Castro Dimitrov Eriksen Fontaine Gruber Haddad Ito Jensen Kowalski Lindqvist Mensah Novak Okafor Petrov Quint Rahman Santos Tanaka Umarov Varga Weber Xu Yilmaz Zeller Moreau Kaya Singh Dubois".split()
PLACES = [("NAIROBI", "Kenya"), ("LIMA", "Peru"), ("OSLO", "Norway"), ("HANOI", "Vietnam"), ("ACCRA", "Ghana"), ("LISBON", "Portugal"),
          ("SEOUL", "South Korea"), ("QUITO", "Ecuador"), ("WARSAW", "Poland"), ("MANILA", "the Philippines"), ("DAKAR", "Senegal"),
          ("HELSINKI", "Finland"), ("BOGOTA", "Colombia"), ("TUNIS", "Tunisia"), ("PRAGUE", "the Czech Republic"), ("JAKARTA", "Indonesia"),
          ("SANTIAGO", "Chile"), ("VIENNA", "Austria"), ("CAIRO", "Egypt"), ("OTTAWA", "Canada"), ("CANBERRA", "Australia"), ("MADRID", "Spain")]
ROLES = "minister spokesperson director chief executive analyst economist mayor governor commissioner researcher coach negotiator".split()
ORGS = ["the national rail operator", "the central bank", "the health ministry", "a regional water utility", "the football federation",
        "the state energy company", "a university hospital", "the port authority", "the electoral commission", "a mining consortium",
        "the teachers' union", "a solar panel maker", "the weather service", "the chamber of commerce", "a shipping line", "the space agency"]
THINGS = ["tariffs", "bus fares", "wheat prices", "solar subsidies", "hospital waiting lists", "flood defences", "copper exports",
          "school meals", "broadband coverage", "pension payments", "fishing quotas", "rental caps", "vaccine supplies", "grain storage",
          "battery factories", "coastal erosion", "stadium repairs", "drought relief", "train timetables", "border checks"]
VERBS = ["raise", "cut", "freeze", "review", "double", "scrap", "delay", "expand", "audit", "restore", "cap", "phase out"]
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
ADJ = ["sharp", "modest", "unexpected", "long-awaited", "controversial", "temporary", "gradual", "sweeping", "narrow", "record"]

_WORDS = {"O": ORGS, "V": VERBS, "T": THINGS, "A": ADJ}

SENTENCES = [
    "{P} said on {D} that {O} would {V} {T} by {N} percent before the end of the year.",
    "The {A} decision follows months of pressure from lawmakers who argue that {T} have become too {A2} for households.",
    "“We have listened carefully and we will {V} {T} in stages,” {P} told reporters in {C}.",
    "Critics warned that the plan to {V} {T} could cost as much as {N} million dollars over {M} years.",
    "{O} has faced {A} criticism since {Y}, when a report found that {T} had been mismanaged for a decade.",
    "Officials in {C} expect the first effects to be felt within {M} months, according to a statement released late on {D}.",
    "{P}, the {R} of {O}, said the {A} change was overdue and that talks with unions would resume next week.",
    "Opposition figures in {K} called the move {A} and demanded a vote on {T} before any money is spent.",
    "Data published on {D} showed that {T} rose {N} percent last year, the fastest pace since {Y}.",
    "Residents interviewed near the main square of {C} were divided, with some welcoming a {A} approach to {T}.",
    "The government of {K} has set aside {N} million for the programme, which also covers {T2}.",
    "Analysts said the plan to {V} {T2} would matter more for exporters than the headline measure on {T}.",
]
TITLES = ["{K} to {V} {T} in {A} overhaul", "{O2} plans to {V} {T} as pressure mounts", "Why {C} is split over {T}",
          "{K} weighs {A} move on {T} after {D} talks", "{P} vows to {V} {T} within {M} months"]


def _fill(template: str, rng: random.Random, place: tuple[str, str], words: dict[str, list[str]] | None = None) -> str:
    city, country = place
    w = words or _WORDS
    def cap(s: str) -> str:
        return s[0].upper() + s[1:]
    text = template.format(
        P=f"{rng.choice(FIRST)} {rng.choice(LAST)}", D=rng.choice(DAYS), O=rng.choice(w["O"]), O2=cap(rng.choice(w["O"])),
        V=rng.choice(w["V"]), T=rng.choice(w["T"]), T2=rng.choice(w["T"]), N=rng.randint(2, 95), M=rng.randint(2, 30),
        A=rng.choice(w["A"]), A2=rng.choice(["costly", "complex", "slow", "unfair", "risky"]), Y=rng.randint(1998, 2024),
        C=city.title(), K=country, R=rng.choice(ROLES),
        **({"D2": rng.choice(SEASONS)} if "{D2}" in template else {}),
    )
    return cap(text)


@dataclass
class Story:
    title: str
    dateline: str
    paragraphs: list[str]


def make_story(rng: random.Random) -> Story:
    place = rng.choice(PLACES)
    title = _fill(rng.choice(TITLES), rng, place)
    title = title[0].upper() + title[1:]
    paragraphs = []
    for _ in range(rng.randint(4, 8)):
        picks = rng.sample(SENTENCES, rng.randint(2, 3))
        paragraphs.append(" ".join(_fill(s, rng, place) for s in picks))
    return Story(title=title, dateline=place[0], paragraphs=paragraphs)


def republish(story: Story, rng: random.Random) -> Story:
    """The same story from another outlet: a byline, one sentence changed, a few words edited."""
    paragraphs = [p.replace(" said ", " stated ", 1) if i % 3 == 0 else p for i, p in enumerate(story.paragraphs)]
    paragraphs[-1] = paragraphs[-1] + " The outlet could not reach the ministry for further comment."
    return Story(title=story.title, dateline=story.dateline, paragraphs=[f"By {rng.choice(FIRST)} {rng.choice(LAST)}"] + paragraphs)


def render_page(stories: list[Story], rng: random.Random, *, wrap: bool = False) -> str:
    """Lay stories out like scraped text pages (see the seed's shape): title before or after
    the body, a share box, highlights, an occasional story printed twice, a footer."""
    parts: list[str] = []
    title_after = rng.random() < 0.4
    for i, story in enumerate(stories):
        body = [f"{story.dateline}: {story.paragraphs[0]}"] + story.paragraphs[1:]
        if wrap:
            body = [textwrap.fill(p, 72) for p in body]
        if title_after and i == 0:
            parts += body + [story.title, "Short Url", f"https://nwk.example/{rng.randrange(16**5):05x}", story.title]
            parts += [f"- {story.paragraphs[1].split('.')[0]}"]
        else:
            parts += [story.title] + body
            if rng.random() < 0.2:
                parts += body  # printed twice, as scrapers often catch
        if rng.random() < 0.5:
            parts += ["Share this article", "Related:", f"{_fill(rng.choice(TITLES), rng, rng.choice(PLACES)).capitalize()}"]
    parts.append(f"© {rng.randint(2019, 2026)} SAMPLE MEDIA GROUP, All Rights Reserved.")
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    return sep.join(parts) + "\n"


BAD_INPUTS = [
    lambda rng: b"{not json at all",
    lambda rng: orjson.dumps({"url": "https://bad.example/no-body"}),
    lambda rng: orjson.dumps({"url": "https://bad.example/empty", "body": "   "}),
    lambda rng: orjson.dumps({"url": 42, "body": "wrong type"}),
    lambda rng: b"\xff\xfe\xfa binary \x00\x01",
    lambda rng: orjson.dumps(["a", "list"]),
    lambda rng: orjson.dumps({"url": "https://bad.example/pdf", "body": "%PDF-1.4", "content_type": "application/pdf"}),
]


# Varied wording (``generate(..., varied=True)``): the templates above share so many word
# 3-grams that two unrelated stories have a Jaccard of about 0.15 (real unrelated news:
# under 0.001), which floods the dedup index with LSH candidates and makes dedup look far
# costlier than it is on real text. These templates vary almost every phrase ("[a|b|c]"
# picks one per use) and draw on larger word lists: unrelated stories come to about 0.035
# (16x2 LSH bands: about 2% of stored articles become candidates instead of 30%), still
# pessimistic for dedup next to real news, while republished copies stay above 0.8.
V_SENTENCES = [
    "{P} [said|announced|confirmed|told a briefing] on {D} that {O} [would|will|intends to|plans to] {V} {T} [by|by around|by roughly] {N} percent [before the end of the year|within the next budget cycle|starting next spring|over the coming quarter].",
    "The {A} [decision|announcement|proposal|shift] [follows|comes after|caps] [months|a year|several weeks] of [pressure|lobbying|complaints|protests] from [lawmakers|farmers|business groups|residents|consumer advocates] who [argue|insist|have long said] that {T} [have become|are now|had grown] too {A2}.",
    "“[We have listened carefully|This is not an easy choice|Nobody wanted this outcome|The numbers left us no room], and we will {V} {T} [in stages|step by step|without delay|over time],” {P} [told reporters|said|wrote in a statement|added] in {C}.",
    "[Critics|Economists|Auditors|Unions] [warned|cautioned|estimated] that [the plan|the scheme|the measure] to {V} {T} could cost [as much as|up to|more than] {N} million [dollars|euros] over {M} years.",
    "{O} has [faced|drawn|weathered] {A} [criticism|scrutiny|complaints] since {Y}, when [a report|an inquiry|a leaked audit] found that {T} had been [mismanaged|underfunded|neglected] for [a decade|years|a generation].",
    "[Officials|Planners|Local leaders] in {C} expect the [first effects|earliest results|initial changes] to be [felt|visible|measurable] within {M} months, [according to|as set out in|citing] a [statement|memo|notice] [released|issued|published] [late on|early on|on] {D}.",
    "{P}, the {R} of {O}, [said|argued|conceded] the {A} change was [overdue|necessary|painful but fair] and that [talks|negotiations|consultations] with [unions|suppliers|regional councils] would [resume|restart|continue] [next week|this month|after the holiday].",
    "[Opposition figures|Rival parties|Several deputies] in {K} [called|branded|described] the move {A} and [demanded|asked for|pressed for] a [vote|debate|review] on {T} before any [money|funding|public cash] is spent.",
    "[Data|Figures|Statistics] [published|released|compiled] on {D} showed that {T} [rose|climbed|jumped] {N} percent last year, the [fastest|steepest|sharpest] [pace|increase|rise] since {Y}.",
    "[Residents|Shoppers|Commuters|Shopkeepers] [interviewed|questioned|approached] near the [main square|old market|central station|harbour front] of {C} were [divided|split|uncertain], with [some|many|a few] [welcoming|praising|doubting] a {A} approach to {T}.",
    "The [government|cabinet|administration] of {K} has [set aside|earmarked|budgeted] {N} million for the [programme|initiative|package], which also [covers|includes|extends to] {T2}.",
    "[Analysts|Traders|Bankers] [said|noted|suggested] the [plan|effort|move] to {V} {T2} would matter more for [exporters|small firms|rural towns|pensioners] than the [headline measure|main announcement|central pledge] on {T}.",
    "[In|Across|Throughout] the [northern|southern|eastern|western|coastal] [districts|provinces|suburbs] of {K}, [turnout|attendance|enrolment] at [public meetings|town halls|hearings] about {T} [doubled|fell sharply|held steady] this {D2}.",
    "A [spokeswoman|spokesman|press officer] for {O} [declined|refused|was unable] to [comment|give details|say more] on [the timing|the cost|possible job losses], [citing|pointing to|referring to] [ongoing talks|legal advice|a pending audit].",
    "[Weather|Supply chain|Currency] [problems|disruptions|swings] [last|earlier this] {D2} [pushed|forced|prompted] {O} to [revise|rethink|postpone] its [forecast|targets|timetable] for {T2}.",
    "[Some|Several|A handful of] [mayors|governors|ministers] [from|in] [neighbouring|rival|smaller] regions said they [might|could|would] [copy|follow|study] the {A} [model|approach|plan] [if|once|provided] {T} [stabilise|improve|stop rising].",
    "[Back in|During|As early as] {Y}, {P} had [predicted|warned|argued] that {T} would [become|turn into|end up as] a [flashpoint|test|headache] for {O}.",
    "[Meanwhile|Separately|Elsewhere], {O} [reported|posted|disclosed] a {A} [loss|profit|shortfall] of {N} million, [blaming|crediting] {T2}.",
    "[Farmers|Drivers|Teachers|Nurses] in {C} [staged|held|joined] a [rally|strike|sit-in] on {D}, [their|the] [banners|placards|chants] [demanding|opposing|mocking] plans to {V} {T}.",
    "[According to|Based on|Under] [a survey|polling|research] by {O}, [nearly|about|just over] {N} percent of [households|voters|firms] [back|oppose|are unsure about] efforts to {V} {T2}.",
    "[Lawyers|Judges|Prosecutors] [reviewing|examining|studying] the [contract|tender|deal] for {T} [expect|hope|plan] to [rule|report|decide] by {D}, {P} [said|added|noted].",
    "[Engineers|Inspectors|Volunteers] [spent|needed|took] {M} [days|weeks|nights] [checking|repairing|mapping] {T2} [after|before|during] the {A} [storm|floods|heatwave].",
    "[The|A] [leaked|draft|confidential] [document|briefing|letter] [seen by|obtained by|shared with] [reporters|this outlet|several newspapers] [lists|names|sets out] {N} [options|scenarios|measures], [including|among them|such as] a plan to {V} {T2}.",
]
V_TITLES = [
    "{K} [to|will|set to] {V} {T} in {A} [overhaul|shake-up|reform]",
    "{O2} [plans|moves|seeks] to {V} {T} as [pressure|anger|criticism] [mounts|grows|builds]",
    "[Why|How] {C} [is split|fell out|keeps arguing] over {T}",
    "{K} [weighs|considers|debates] {A} [move|step|plan] on {T} after {D} talks",
    "{P} [vows|promises|pledges] to {V} {T} within {M} months",
    "[Inside|Behind] the {A} [fight|row|battle] over {T} in {C}",
    "{T} [rise|fall|stall] {N} percent, [putting|leaving|keeping] {O} [under pressure|on the spot|in a bind]",
]
V_WORDS = {
    "O": ORGS + ["the customs agency", "a dairy cooperative", "the airport operator", "the statistics office", "a wind farm developer",
                 "the coast guard", "the national library", "a steel mill", "the tax authority", "the forestry board", "a tram maker",
                 "the fisheries council", "a private clinic chain", "the postal service", "the housing agency", "a cement producer"],
    "V": VERBS + ["overhaul", "subsidise", "tax", "privatise", "renegotiate", "ration", "digitise", "relocate", "outsource", "inspect"],
    "T": THINGS + ["ferry routes", "rice imports", "night trains", "water meters", "care homes", "toll roads", "fertiliser stocks",
                   "exam fees", "cattle vaccines", "airport slots", "coal mines", "library hours", "bike lanes", "sugar taxes",
                   "visa rules", "dam inspections", "fuel duties", "park fees", "tourist levies", "chip plants", "ambulance shifts",
                   "wildfire crews", "bond sales", "ferry subsidies", "prison budgets", "olive harvests", "data centres", "port fees"],
    "A": ADJ + ["bold", "cautious", "belated", "costly", "piecemeal", "radical", "surprise", "phased", "partial", "hasty"],
}
SEASONS = ["spring", "summer", "autumn", "winter", "quarter", "month", "year", "season"]
_ALT = re.compile(r"\[([^\[\]]{1,400})\]")


def _vary(template: str, rng: random.Random) -> str:
    """Pick one option of every "[a|b|c]" (no nesting, bounded length)."""
    return _ALT.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def make_varied_story(rng: random.Random) -> Story:
    place = rng.choice(PLACES)
    title = _fill(_vary(rng.choice(V_TITLES), rng), rng, place, V_WORDS)
    paragraphs = []
    for _ in range(rng.randint(4, 8)):
        picks = rng.sample(V_SENTENCES, rng.randint(2, 3))
        paragraphs.append(" ".join(_fill(_vary(s, rng), rng, place, V_WORDS) for s in picks))
    return Story(title=title[0].upper() + title[1:], dateline=place[0], paragraphs=paragraphs)


@dataclass
class PageSet:
    messages: list[bytes] = field(default_factory=list)
    page_ids: list[str | None] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # "page" | "near_duplicate" | "exact_duplicate" | "bad"


def generate(n: int, *, seed: int = 7, dup_rate: float = 0.1, bad_rate: float = 0.05, wrap_rate: float = 0.2, html_rate: float = 0.0,
             varied: bool = False) -> PageSet:
    """``varied=True`` uses the varied-wording templates (see ``V_SENTENCES``): realistic
    for dedup cost; the default keeps the original templates so earlier numbers and seeded
    tests stay reproducible."""
    new_story = make_varied_story if varied else make_story
    rng = random.Random(seed)
    out = PageSet()
    published: list[Story] = []
    for i in range(n):
        roll = rng.random()
        if roll < bad_rate:
            out.messages.append(rng.choice(BAD_INPUTS)(rng))
            out.page_ids.append(None)
            out.kinds.append("bad")
            continue
        page_id = f"gen-{seed}-{i:06d}"
        if roll < bad_rate + dup_rate and published:
            story = republish(rng.choice(published), rng)
            stories, kind = [story], "near_duplicate"
        else:
            stories = [new_story(rng) for _ in range(rng.choice((1, 1, 2, 3)))]
            published.extend(stories)
            kind = "page"
        if rng.random() < html_rate:
            body = render_html(stories)
            content_type = "text/html"
        else:
            body = render_page(stories, rng, wrap=rng.random() < wrap_rate)
            content_type = "text/plain"
        doc = {"page_id": page_id, "url": f"https://news{rng.randint(1, 9)}.example/{page_id}", "body": body,
               "content_type": content_type, "source": "pagegen"}
        out.messages.append(orjson.dumps(doc))
        out.page_ids.append(page_id)
        out.kinds.append(kind)
    return out


def render_html(stories: list[Story]) -> str:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    blocks = []
    for story in stories:
        paras = "".join(f"<p>{esc(p)}</p>\n" for p in [f"{story.dateline}: {story.paragraphs[0]}"] + story.paragraphs[1:])
        blocks.append(f"<article><h2>{esc(story.title)}</h2>\n{paras}<div class='share'>Share this story</div></article>")
    title = esc(stories[0].title)
    return (f"<!DOCTYPE html><html><head><title>{title} | Sample Media</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/business'>Business</a></nav><main>{''.join(blocks)}</main>"
            f"<footer>© 2026 Sample Media. <a href='/terms'>Terms</a></footer></body></html>")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write generated raw pages as JSONL to stdout.")
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dup-rate", type=float, default=0.1)
    parser.add_argument("--bad-rate", type=float, default=0.05)
    parser.add_argument("--html-rate", type=float, default=0.0)
    args = parser.parse_args(argv)
    pages = generate(args.n, seed=args.seed, dup_rate=args.dup_rate, bad_rate=args.bad_rate, html_rate=args.html_rate)
    for message in pages.messages:
        sys.stdout.buffer.write(message.replace(b"\n", b"\\n") + b"\n" if b"\n" in message else message + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
