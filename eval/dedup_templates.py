"""Templated news stories for the dedup harness: our own templates (earnings, results,
market reports, weather, election tallies), filled with invented names and random
numbers. Two instances of one template share most of their wording and are different
news: the case where shingle overlap alone merges stories it must keep apart.

Three or four wordings per family (16 templates), so that the fixed-hash split (by template id) puts different
wordings of a family into the tuning and report halves. Names are built from syllables
at run time; no name list of any corpus is involved.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_SYL = ("ka", "ro", "len", "mar", "to", "vi", "sel", "dan", "bru", "no", "ter", "lis", "gar", "po", "wen",
        "ash", "fel", "mo", "ri", "tan", "cor", "bel", "hu", "sa", "vin", "del", "or", "qui", "zan", "lo")


def _word(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(_SYL) for _ in range(n)).capitalize()


@dataclass(frozen=True)
class Template:
    template_id: str
    family: str
    title: str
    body: tuple[str, ...]  # paragraphs; {slots} filled per instance


TEMPLATES: tuple[Template, ...] = (
    Template("earnings-1", "earnings", "{company} {verb} {q} profit to {cur}{profit} million", (
        "{company} said on {day} that net profit for the {q} quarter {verb2} to {cur}{profit} million, "
        "compared with {cur}{profit0} million a year earlier, on revenue of {cur}{revenue} billion.",
        "Analysts polled before the results had expected a profit of {cur}{expected} million. "
        "The company's shares {moved} {pct}% to {price} in early trading.",
        "Chief executive {person} said demand in {region} had been {mood} and that the group would "
        "{plan} its full-year guidance of revenue growth of {growth}%.",
        "The board proposed a dividend of {div} cents a share, payable on {month} {date}.",
    )),
    Template("earnings-2", "earnings", "{company} results: revenue {verb3} {pct}% as {region} sales {trend}", (
        "Revenue at {company} {verb3} {pct}% to {cur}{revenue} billion in the three months to the end of "
        "{month}, the company reported on {day}.",
        "Operating margin came in at {margin}%, against {margin0}% in the same period last year, while "
        "earnings per share were {eps} cents.",
        "{person}, the finance director, told analysts on a conference call that sales in {region} had "
        "{trend} and that costs would {plan2} over the coming quarters.",
        "The company employs about {staff} people and is based in {city}.",
    )),
    Template("earnings-3", "earnings", "{company} misses forecasts, shares {moved} {pct}%", (
        "Shares in {company} {moved} {pct}% on {day} after the group reported {q} quarter earnings of "
        "{cur}{profit} million, short of the {cur}{expected} million analysts had forecast.",
        "Sales rose to {cur}{revenue} billion, helped by a {growth}% increase in orders from {region}.",
        "The company said it would cut {cuts} jobs and close its plant in {city} by {month} {year}.",
        "\"We are not satisfied with these numbers,\" chief executive {person} said in a statement.",
    )),
    Template("results-1", "results", "{team1} {score1}-{score2} {team2}", (
        "{team1} beat {team2} {score1}-{score2} at {stadium} on {day} to move up to {pos} in the table "
        "with {points} points from {played} games.",
        "{scorer1} opened the scoring after {min1} minutes and {scorer2} added a second on {min2} "
        "minutes before {scorer3} pulled one back for the visitors.",
        "A crowd of {crowd} watched the match. {team2} remain {pos2} with {points2} points.",
        "{team1} manager {person} said his side had deserved the win and praised the work rate of his "
        "midfield.",
    )),
    Template("results-2", "results", "{team2} held to draw by {team1}", (
        "{team2} were held to a {score1}-{score1} draw by {team1} in front of {crowd} fans at {stadium} "
        "on {day} night.",
        "{scorer1} put the home side ahead in the {min1}th minute but {scorer2} equalised with {min2} "
        "minutes left to play.",
        "The result leaves {team2} {pos} in the table, {gap} points behind the leaders, while {team1} "
        "climb to {pos2}.",
        "{team2} coach {person} said the players were disappointed not to have taken all three points.",
    )),
    Template("results-3", "results", "{team1} win by {runs} runs against {team2}", (
        "{team1} beat {team2} by {runs} runs at {stadium} on {day}, with {scorer1} making {score_big} off "
        "{balls} balls.",
        "Set {target} to win, {team2} were bowled out for {allout} in {overs} overs, {scorer2} taking "
        "{wkts} wickets for {conceded} runs.",
        "The win puts {team1} {pos} in the group with {points} points from {played} matches.",
        "Captain {person} said the team had batted well on a difficult pitch.",
    )),
    Template("market-1", "market", "Stocks {dir} as the {index} closes at {level}", (
        "The {index} index closed {dir2} {chg} points, or {pct}%, at {level} on {day}, as investors "
        "weighed {factor}.",
        "Shares in {company} led the {moves}, {moved} {pct2}%, while {company2} {moved2} {pct3}%.",
        "The {cur_name} {fx_dir} {fx}% against the dollar to {fx_level}, and the yield on ten-year "
        "government bonds was {yield_}%.",
        "Trading volume was {vol} million shares, {vol_cmp} the daily average of the past month.",
    )),
    Template("market-2", "market", "{index} {dir} {pct}% on {factor}", (
        "Stocks in {city} {dir} on {day}, with the benchmark {index} ending the session at {level}, a "
        "change of {pct}%.",
        "Among the biggest movers, {company} {moved} {pct2}% after {news}, and {company2} {moved2} "
        "{pct3}%.",
        "Gold traded at {gold} dollars an ounce and crude oil at {oil} dollars a barrel.",
        "Market strategist {person} said investors were waiting for {event} on {day2}.",
    )),
    Template("market-3", "market", "Closing report: {index} at {level}", (
        "The {index} finished the day at {level}, {dir3} {chg} points. Of the {n_listed} listed stocks, "
        "{adv} advanced and {dec} declined.",
        "{company} was the most traded stock, with {vol} million shares changing hands, and closed "
        "{moved} {pct2}% at {price}.",
        "The {cur_name} closed at {fx_level} per dollar, and the {index} volatility gauge stood at {vix}.",
    )),
    Template("weather-1", "weather", "Weather for {city}: {cond}, high of {hi} degrees", (
        "{city} can expect {cond} on {day}, with a high of {hi} degrees and a low of {lo} degrees, "
        "forecasters at the {agency} said.",
        "Winds from the {wind_dir} will reach {wind} kilometres an hour in the afternoon, and there is a "
        "{rain}% chance of rain in the evening.",
        "The outlook for {day2} is {cond2}, with temperatures between {lo2} and {hi2} degrees.",
    )),
    Template("weather-2", "weather", "{agency} issues {level_w} warning for {region}", (
        "The {agency} issued a {level_w} warning for {region} on {day}, with up to {rain_mm} millimetres "
        "of rain expected in {hours} hours.",
        "Gusts of {wind} kilometres an hour are forecast along the coast near {city}, and the warning "
        "stays in force until {time_} on {day2}.",
        "Residents of {city} and {city2} were advised to avoid travel. The last warning of this level was "
        "issued in {month}.",
    )),
    Template("weather-3", "weather", "Heat: {city} reaches {hi} degrees", (
        "Temperatures in {city} reached {hi} degrees on {day}, {above} degrees above the seasonal "
        "average, the {agency} said.",
        "The heat is expected to last {days_n} more days, with night-time lows of {lo} degrees, before a "
        "cooler front arrives from the {wind_dir} on {day2}.",
        "Hospitals in {region} reported {admissions} heat-related admissions, and officials opened {centres} "
        "cooling centres.",
    )),
    Template("election-1", "election", "{party} leads in {district} with {pct}% counted", (
        "With {counted}% of the votes counted in {district}, {party} candidate {person} leads with "
        "{votes1} votes, or {pct}%, ahead of {person2} of {party2} with {votes2} votes.",
        "Turnout stood at {turnout}%, the election commission said on {day}, compared with {turnout0}% at "
        "the last election in {year}.",
        "Final results for the {seats} seats of {district} are expected by {time_} on {day2}.",
    )),
    Template("election-2", "election", "{person} wins {district} seat", (
        "{person} of {party} won the {district} seat on {day} with {votes1} votes, defeating {person2} of "
        "{party2}, who received {votes2}.",
        "The margin of {margin_v} votes compares with {margin0} votes in {year}. Turnout was {turnout}%.",
        "{party} now holds {seats} of the {total} seats declared so far, the election commission said.",
    )),
    Template("election-3", "election", "{district} referendum: {pct}% vote yes", (
        "Voters in {district} backed the proposal on {issue} by {pct}% to {pct_no}% in a referendum held "
        "on {day}, official results showed.",
        "Of {electorate} registered voters, {cast} cast a ballot, a turnout of {turnout}%.",
        "{person}, who led the {side} campaign, said the result would be respected. The measure takes "
        "effect on {month} {date}.",
    )),
    Template("election-4", "election", "Tally update: {party} on {seats} seats in {district}", (
        "Counting in {district} continued on {day} with {party} on course for {seats} seats after "
        "{counted}% of ballots were tallied, according to the election commission.",
        "{party2} had {total} votes per thousand counted, against {votes1} for {party}, and independent "
        "candidates took {pct}% of the vote.",
        "{person}, the returning officer, said recounts had been requested in {recounts} polling stations "
        "and that a final tally was expected before {time_} on {day2}.",
    )),
)

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _pool(rng: random.Random, n: int, make) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        x = make()
        if x not in out:
            out.append(x)
    return out


class Filler:
    """Slot values. Pools are small enough that names repeat across instances (the same
    company reporting another quarter, the same teams meeting again), so instances
    differ in numbers alone as well as in names and numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        r = rng
        self.companies = _pool(r, 14, lambda: f"{_word(r)} {r.choice(('Corp', 'Holdings', 'Group', 'Industries', 'Motors', 'Foods'))}")
        self.teams = _pool(r, 12, lambda: f"{_word(r)} {r.choice(('United', 'Rovers', 'City', 'Athletic', 'Wanderers'))}")
        self.people = _pool(r, 40, lambda: f"{_word(r)} {_word(r, 3)}")
        self.cities = _pool(r, 12, lambda: _word(r, 3))
        self.regions = _pool(r, 8, lambda: f"{_word(r)} {r.choice(('Province', 'Valley', 'Coast', 'Region'))}")
        self.parties = _pool(r, 6, lambda: f"{_word(r)} {r.choice(('Party', 'Alliance', 'Union', 'Front'))}")
        self.indexes = _pool(r, 5, lambda: f"{_word(r).upper()[:4]} {r.choice((50, 100, 200, 500))}")

    def fill(self, template: Template) -> tuple[str, str]:
        r = self.rng
        num = lambda a, b: str(r.randint(a, b))  # noqa: E731
        dec = lambda a, b: f"{r.uniform(a, b):.1f}"  # noqa: E731
        slots = {
            "company": r.choice(self.companies), "company2": r.choice(self.companies),
            "team1": r.choice(self.teams), "team2": r.choice(self.teams), "person": r.choice(self.people),
            "person2": r.choice(self.people), "scorer1": r.choice(self.people), "scorer2": r.choice(self.people),
            "scorer3": r.choice(self.people), "city": r.choice(self.cities), "city2": r.choice(self.cities),
            "region": r.choice(self.regions), "district": r.choice(self.regions), "party": r.choice(self.parties),
            "party2": r.choice(self.parties), "index": r.choice(self.indexes), "stadium": f"{r.choice(self.cities)} Park",
            "agency": f"{r.choice(self.cities)} Weather Service", "day": r.choice(_DAYS), "day2": r.choice(_DAYS),
            "month": r.choice(_MONTHS), "date": num(1, 28), "year": num(2015, 2024), "q": r.choice(("first", "second", "third", "fourth")),
            "verb": r.choice(("lifts", "raises", "cuts", "doubles")), "verb2": r.choice(("rose", "fell", "climbed", "dropped")),
            "verb3": r.choice(("rises", "falls", "jumps", "slips")), "cur": r.choice(("$", "\u20ac", "\u00a3")),
            "profit": dec(5, 900), "profit0": dec(5, 900), "revenue": dec(0.5, 60), "expected": dec(5, 900),
            "moved": r.choice(("rose", "fell", "jumped", "slid")), "moved2": r.choice(("rose", "fell", "gained", "lost")),
            "pct": dec(0.2, 19), "pct2": dec(0.2, 19), "pct3": dec(0.2, 19), "price": dec(3, 400),
            "mood": r.choice(("strong", "weak", "steady", "uneven")), "plan": r.choice(("keep", "raise", "lower")),
            "plan2": r.choice(("rise", "fall", "stabilise")), "growth": num(1, 15), "div": num(5, 90),
            "margin": dec(2, 30), "margin0": dec(2, 30), "eps": num(5, 400), "trend": r.choice(("slowed", "recovered", "grown", "weakened")),
            "staff": f"{r.randint(1, 90)},{r.randint(100, 999)}", "cuts": num(50, 3000),
            "score1": num(0, 5), "score2": num(0, 4), "pos": r.choice(("first", "second", "third", "fifth", "eighth")),
            "pos2": r.choice(("fourth", "sixth", "ninth", "tenth", "twelfth")), "points": num(10, 70), "points2": num(10, 70),
            "played": num(10, 30), "min1": num(3, 45), "min2": num(46, 90), "crowd": f"{r.randint(3, 60)},{r.randint(100, 999)}",
            "gap": num(1, 15), "runs": num(2, 150), "score_big": num(50, 180), "balls": num(60, 200), "target": num(150, 380),
            "allout": num(90, 300), "overs": dec(20, 50), "wkts": num(2, 7), "conceded": num(15, 70),
            "dir": r.choice(("rise", "fall", "edge higher", "slip")), "dir2": r.choice(("up", "down")),
            "dir3": r.choice(("up", "down")), "chg": dec(1, 300), "level": f"{r.randint(1, 40)},{r.randint(100, 999)}.{r.randint(10, 99)}",
            "factor": r.choice(("interest rate hopes", "weak factory data", "strong jobs figures", "oil prices", "earnings")),
            "moves": r.choice(("gainers", "fallers")), "cur_name": r.choice(("euro", "pound", "yen", "franc")),
            "fx_dir": r.choice(("rose", "fell")), "fx": dec(0.1, 2), "fx_level": f"{r.uniform(0.5, 150):.2f}",
            "yield_": f"{r.uniform(0.5, 6):.2f}", "vol": num(50, 900), "vol_cmp": r.choice(("above", "below")),
            "news": r.choice(("a profit warning", "a takeover bid", "an upgrade", "a product recall")),
            "gold": num(1500, 2600), "oil": dec(50, 110), "event": r.choice(("the central bank decision", "inflation data")),
            "n_listed": num(200, 600), "adv": num(50, 300), "dec": num(50, 300), "vix": dec(10, 40),
            "cond": r.choice(("sunshine", "showers", "heavy rain", "cloud", "snow")), "cond2": r.choice(("dry", "wet", "windy", "mild")),
            "hi": num(-5, 42), "lo": num(-15, 25), "hi2": num(-5, 42), "lo2": num(-15, 25), "wind_dir": r.choice(("north", "south", "east", "west")),
            "wind": num(10, 120), "rain": num(0, 100), "level_w": r.choice(("yellow", "amber", "red")), "rain_mm": num(20, 200),
            "hours": num(6, 48), "time_": f"{r.randint(1, 12)} {r.choice(('am', 'pm'))}", "above": num(3, 14),
            "days_n": num(2, 9), "admissions": num(5, 400), "centres": num(3, 60), "counted": num(40, 99),
            "votes1": f"{r.randint(5, 90)},{r.randint(100, 999)}", "votes2": f"{r.randint(5, 90)},{r.randint(100, 999)}",
            "turnout": dec(30, 85), "turnout0": dec(30, 85), "seats": num(2, 40), "total": num(40, 400),
            "margin_v": f"{r.randint(1, 20)},{r.randint(100, 999)}", "margin0": f"{r.randint(1, 20)},{r.randint(100, 999)}",
            "issue": r.choice(("a new bridge", "school funding", "a tourist tax", "longer opening hours")),
            "pct_no": dec(20, 49), "electorate": f"{r.randint(50, 900)},{r.randint(100, 999)}",
            "cast": f"{r.randint(20, 500)},{r.randint(100, 999)}", "recounts": num(2, 40), "side": r.choice(("yes", "no")),
        }
        title = template.title.format(**slots)
        body = "\n\n".join(p.format(**slots) for p in template.body)
        return title, body


def templated_stories(per_template: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(story id, template id, title, body) for ``per_template`` instances of each template."""
    rng = random.Random(seed)
    filler = Filler(rng)
    out = []
    for template in TEMPLATES:
        for i in range(per_template):
            title, body = filler.fill(template)
            out.append((f"tpl:{template.template_id}:{i}", template.template_id, title, body))
    return out
