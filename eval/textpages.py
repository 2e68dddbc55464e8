"""Text pages as they really come: real article pages rendered to plain text, with all
their furniture, and the short or tabular news that earlier text paths refused.

Usage: python -m eval.textpages [DATA] [--half tune|report] [--set NAME ...] [--show-errors N]

Why render ourselves: a crawler that hands us text has copied a whole page, menus,
captions, comment threads and footers included. The WCXB dev pages are real pages from
768 sites with a labelled article; rendering their HTML (every visible text node, a line
break at each block boundary, nothing removed) gives text pages whose furniture nobody
chose for us. The variant of each page (blank lines between blocks, hard wrapping at 60-80
columns, the page's <title> on top) is drawn from a hash of its id, so every run builds
the same pages.

Sets (each split once by ``eval.split`` into tuning and report halves; figures are
printed for the report half, whose individual errors are never read):
- ``single``: one rendered WCXB page; truth = ``main_content`` as one article, the
  ``without`` snippets must not appear, title = the labelled title;
- ``scroll``: two or three rendered pages one after another (an infinite-scroll page),
  built only from pages of one half;
- ``seedlike``: pages in the seed's shape (body then title, a short-URL box, highlight
  bullets, the next article printed twice, a copyright footer), from BBC texts
  (evaluation only: BBC's texts are for research use and never train what we ship);
- ``briefs``: a headline and one or two sentences (BBC texts' titles and leads; evaluation
  only);
- ``seedlike-wcxb`` and ``briefs-wcxb``: the same two shapes built from the WCXB labelled
  titles and article texts (CC-BY-4.0), each page from texts of one half only, so these
  may train;
- ``multi-wcxb``: our own multi-article layouts over WCXB texts of one half: title-first
  articles split by advertisement, share and related-headline blocks; one article with a
  repeated paragraph and lines broken mid-sentence; three articles with datelines
  between a menu and a footer;
- ``tabular``: earnings-style reports written by our own generator.

Scoring follows ``eval/segment.py`` (count right, one-to-one matched shingle
precision/recall/F1, exact title); beside it, the share of pages with no ``without``
snippet in the output. Baselines in the same run: the whole page as one article, and
jusText run on the page's lines (``justext`` from the bench extra).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.segment import score_page  # noqa: E402
from eval.split import REPORT, TUNE, half  # noqa: E402
from worker.pipeline.text.normalize import normalize_text  # noqa: E402

SETS = ("single", "scroll", "seedlike", "briefs", "tabular", "seedlike-wcxb", "briefs-wcxb", "multi-wcxb")
# The sets whose tuning halves may train what we ship: the BBC texts are for research use
# (copyright BBC), so the BBC-built sets only evaluate; the -wcxb variants are built the
# same way from WCXB article texts (CC-BY-4.0).
TRAINABLE = ("single", "scroll", "tabular", "seedlike-wcxb", "briefs-wcxb", "multi-wcxb")


@dataclass
class TextPage:
    page_id: str
    body: str
    articles: list[dict[str, Any]]  # truth: title, paragraphs, dateline, highlights
    without: list[str] = field(default_factory=list)
    kind: str = "single"
    site: str = ""


# --------------------------------------------------------------------------- rendering

_SKIP = frozenset(
    "script style noscript template svg head iframe object embed canvas select option datalist"
    " math video audio source track map area".split()
)
_BLOCK = frozenset(
    "address article aside blockquote body br center dd details dialog dir div dl dt fieldset"
    " figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li"
    " main menu nav ol p pre section summary table tbody td tfoot th thead tr ul caption"
    " button label".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hash(s: str) -> int:
    return int.from_bytes(hashlib.sha256(("textpages:" + s).encode()).digest()[:8], "big")


def render_html(html: str) -> tuple[str | None, list[str]]:
    """(the page's <title>, its visible text as block lines). Every visible text node is
    kept; a block boundary ends a line."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - an unparsable page renders as nothing
        return None, []
    title_el = root.find(".//title")
    title = normalize_text(title_el.text_content()) if title_el is not None else None
    lines: list[str] = []
    cur: list[str] = []

    def brk() -> None:
        if cur:
            t = " ".join("".join(cur).split())
            if t:
                lines.append(t)
            cur.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP or not isinstance(el.tag, str):
            if el.tail and isinstance(el.tag, str) or (el.tail and not isinstance(el.tag, str)):
                cur.append(el.tail)
            return
        if el.get("hidden") is not None or el.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(el.get("style") or ""):
            if el.tail:
                cur.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            brk()
        if tag == "img" and el.get("alt") is None:
            pass
        if el.text:
            cur.append(el.text)
        for child in el:
            walk(child)
        if block:
            brk()
        elif tag in ("td", "th"):
            cur.append(" ")
        if el.tail:
            cur.append(el.tail)

    body = root.find(".//body")
    walk(body if body is not None else root)
    brk()
    return title, lines


def lay_out(page_id: str, title: str | None, lines: list[str]) -> str:
    """The page's lines as text, in the variant its id draws."""
    h = _hash(page_id)
    blank = h & 1
    wrap = (h >> 1) % 3 == 0  # a third of pages are hard-wrapped
    width = 60 + (h >> 3) % 21
    on_top = (h >> 9) & 1
    out: list[str] = []
    if on_top and title:
        out.append(title)
        if blank:
            out.append("")
    for line in lines:
        if wrap and len(line) > width:
            out.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False))
        else:
            out.append(line)
        if blank:
            out.append("")
    return "\n".join(out) + "\n"


def _paragraphs(text: str) -> list[str]:
    return [p for p in (normalize_text(x) for x in text.split("\n")) if p]


# --------------------------------------------------------------------------- sets


def _wcxb(data: Path) -> list[tuple[str, str, dict[str, Any], str]]:
    """(file id, html, ground truth, site) of every labelled dev page."""
    root = data / "wcxb-dev-articles"
    out = []
    for gt_path in sorted((root / "ground-truth").glob("*.json")):
        html_path = root / "html" / f"{gt_path.stem}.html.gz"
        if not html_path.exists():
            continue
        rec = json.loads(gt_path.read_text(encoding="utf-8"))
        truth = rec.get("ground_truth", {})
        if not isinstance(truth.get("main_content"), str):
            continue
        html = gzip.decompress(html_path.read_bytes()).decode("utf-8", errors="replace")
        site = re.sub(r"^https?://(www\.)?", "", rec.get("url") or "").split("/")[0]
        out.append((gt_path.stem, html, truth, site))
    return out


_RENDER_CACHE: dict[str, list[TextPage]] = {}


def _cache_file(data: Path) -> Path:
    """Rendered pages are cached outside the repo, keyed by the data path and this file's
    source (a change to the renderer renders again)."""
    tag = hashlib.sha256(str(data.resolve()).encode() + Path(__file__).read_bytes()).hexdigest()[:16]
    return Path.home() / ".cache" / "newsworker-textpages" / f"single-{tag}.json.gz"


def single_pages(data: Path) -> list[TextPage]:
    key = str(data)
    cache = _cache_file(data)
    if key not in _RENDER_CACHE and cache.exists():
        _RENDER_CACHE[key] = [TextPage(**r) for r in json.loads(gzip.decompress(cache.read_bytes()))]
    if key not in _RENDER_CACHE:
        pages = []
        for fid, html, truth, site in _wcxb(data):
            pid = f"wcxb-{fid}"
            title, lines = render_html(html)
            body = lay_out(pid, title, lines)
            art = {"title": normalize_text(truth.get("title") or "") or None, "dateline": None,
                   "paragraphs": _paragraphs(truth["main_content"]), "highlights": []}
            pages.append(TextPage(pid, body, [art], list(truth.get("without") or []), "single", site))
        _RENDER_CACHE[key] = pages
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(gzip.compress(json.dumps([p.__dict__ for p in pages]).encode()))
    return _RENDER_CACHE[key]


def _id_in_half(base: str, want: str) -> str:
    k = 0
    while True:
        pid = base if k == 0 else f"{base}~{k}"
        if half(pid) == want:
            return pid
        k += 1


def scroll_pages(data: Path) -> list[TextPage]:
    """Two or three rendered pages of one half, one after another."""
    singles = single_pages(data)
    out = []
    for want in (TUNE, REPORT):
        pool = [p for p in singles if half(p.page_id) == want]
        rng = random.Random(f"scroll-{want}")
        rng.shuffle(pool)
        i = 0
        while i + 3 <= len(pool) and len(out) < 10_000:
            n = 2 + (i // 5) % 2
            group = pool[i:i + n]
            i += n
            pid = _id_in_half("scroll-" + "-".join(p.page_id[5:] for p in group), want)
            body = "".join(p.body + ("\n" if j < n - 1 else "") for j, p in enumerate(group))
            out.append(TextPage(pid, body, [a for p in group for a in p.articles],
                                [w for p in group for w in p.without], "scroll"))
    return out


_FURNITURE_TOP = [
    ["Home | News | World | Business | Sport | Weather", "Search", "Sign in"],
    ["Skip to content", "Menu", "Latest  Politics  Economy  Culture  Opinion"],
    ["Breaking news alerts", "Subscribe", "Home » World » Asia"],
]
_FOOTERS = [
    "Copyright © 2024 The Daily Ledger. All rights reserved.",
    "© Coastline Media Group 2023 | Privacy policy | Terms of use",
    "All content copyright (c) 2022 Northern Herald Ltd.",
]


def _bbc(data: Path) -> list[tuple[str, str, list[str]]]:
    """(id, title, paragraphs) of the BBC texts (first line is the title)."""
    out = []
    for path in sorted((data / "bbc-news").glob("*/*.txt")):
        raw = path.read_bytes().decode("utf-8", errors="replace")
        lines = [normalize_text(x) for x in raw.splitlines()]
        lines = [x for x in lines if x]
        if len(lines) < 3:
            continue
        out.append((f"{path.parent.name}-{path.stem}", lines[0], lines[1:]))
    return out


_PLACES = ["GENEVA", "LONDON", "NAIROBI", "SYDNEY", "MUMBAI", "BERLIN", "TORONTO", "LIMA", "OSLO", "CAIRO"]


def _seed_shaped(pid: str, a: tuple[str, list[str]], b: tuple[str, list[str]], rng: random.Random,
                 varied: bool = False) -> TextPage:
    """Two articles in the seed's shape (first article's title printed after its body, a
    short-URL box, highlights, the second article printed twice). ``varied``: the page
    starts with a menu only sometimes (the seed starts with its body) and the first
    article sometimes opens with a dateline."""
    (ta, pa), (tb, pb) = a, b
    pa, pb = pa[:6], pb[:5]
    place = rng.choice(_PLACES)
    hl = [s.split(". ")[0].rstrip(".") for s in pa[1:3]]
    top = rng.choice(_FURNITURE_TOP)
    lines = [*top, ""]
    place_a = None
    if varied:
        if rng.random() < 0.7:
            lines = []
        if rng.random() < 0.5:
            place_a = rng.choice(_PLACES)
    lines += [(f"{place_a}: " if place_a and k == 0 else "") + x + "\n" for k, x in enumerate(pa)]
    lines += [ta, "", "Short Url", f"https://ldgr.example/{rng.randrange(10**6):x}", ""]
    lines += ["- " + h for h in hl] + [""]
    first_b = f"{place}: {pb[0]}"
    for _copy in range(2):
        lines += [tb, ""] + [first_b + "\n"] + [x + "\n" for x in pb[1:]]
    lines += [rng.choice(_FOOTERS)]
    body = "\n".join(lines) + "\n"
    arts = [
        {"title": ta, "dateline": place_a, "paragraphs": pa, "highlights": hl},
        {"title": tb, "dateline": place, "paragraphs": [pb[0], *pb[1:]], "highlights": []},
    ]
    return TextPage(pid, body, arts, list(top) + _FOOTERS + ["Short Url"], "seedlike")


def seedlike_pages(data: Path) -> list[TextPage]:
    """Seed-shaped pages from BBC texts (evaluation only)."""
    bbc = _bbc(data)
    rng = random.Random("seedlike")
    out = []
    for k in range(0, min(len(bbc) - 1, 400), 2):
        (ida, ta, pa), (idb, tb, pb) = bbc[k], bbc[k + 1]
        out.append(_seed_shaped(f"seedlike-{ida}-{idb}", (ta, pa), (tb, pb), rng))
    return out


def _wcxb_texts(data: Path, want: str) -> list[tuple[str, str, list[str]]]:
    """(id, title, paragraphs) of the labelled WCXB articles of one half that have a title
    and at least three paragraphs."""
    out = []
    for p in single_pages(data):
        a = p.articles[0]
        if half(p.page_id) == want and a.get("title") and len(a["paragraphs"]) >= 3:
            out.append((p.page_id[5:], a["title"], a["paragraphs"]))
    return out


def seedlike_wcxb_pages(data: Path) -> list[TextPage]:
    """Seed-shaped pages from WCXB article texts, both texts from one half."""
    out = []
    for want in (TUNE, REPORT):
        pool = _wcxb_texts(data, want)
        rng = random.Random(f"seedlike-wcxb-{want}")
        rng.shuffle(pool)
        for k in range(0, len(pool) - 1, 2):
            (ida, ta, pa), (idb, tb, pb) = pool[k], pool[k + 1]
            pid = _id_in_half(f"seedlike-wcxb-{ida}-{idb}", want)
            out.append(_seed_shaped(pid, (ta, pa), (tb, pb), rng, varied=True))
    return out


def _lead(paragraphs: list[str], n: int) -> str:
    text = " ".join(paragraphs[:2])
    sents = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text)
    return " ".join(sents[:n])


def _brief(pid: str, k: int, title: str, paras: list[str], rng: random.Random) -> TextPage:
    n = 1 + k % 2
    lead = _lead(paras, n)
    if k % 3 == 0:
        place = rng.choice(_PLACES)
        lead = f"{place} ({rng.choice(['Newswire', 'Wire', 'NNS'])}) - {lead}"
    sep = "\n\n" if k % 2 else "\n"
    body = f"{title}{sep}{lead}\n"
    return TextPage(pid, body, [{"title": title, "dateline": None, "paragraphs": [lead], "highlights": []}], [], "briefs")


def brief_pages(data: Path) -> list[TextPage]:
    """A headline and one or two sentences: the commonest wire brief (BBC texts;
    evaluation only)."""
    rng = random.Random("briefs")
    return [_brief(f"brief-{bid}", k, title, paras, rng) for k, (bid, title, paras) in enumerate(_bbc(data)[::5])]


def brief_wcxb_pages(data: Path) -> list[TextPage]:
    """Briefs from WCXB titles and the first sentences of the article's first prose
    paragraphs (eight words or more), each in the half of its source page."""
    out = []
    for want in (TUNE, REPORT):
        rng = random.Random(f"briefs-wcxb-{want}")
        for k, (fid, title, paras) in enumerate(_wcxb_texts(data, want)):
            prose = [x for x in paras if len(x.split()) >= 8]
            if not prose:
                continue
            out.append(_brief(_id_in_half(f"brief-wcxb-{fid}", want), k, title, prose, rng))
    return out


_BYLINES = ["By Staff Reporter", "By Maria Keller | {d}", "By J. Okafor and L. Brandt", "Posted {d}", "Updated {d}"]
_DATES = ["March 3, 2024", "12 hours ago", "Tue 14 May 2024 09.12 BST", "2023-11-02", "Jan 5"]


def _related(rng: random.Random, others: list[str]) -> list[str]:
    return [rng.choice(["Related", "Related stories", "More on this story", "You may also like"])] + rng.sample(
        others, min(3, len(others)))


def multi_wcxb_pages(data: Path) -> list[TextPage]:
    """Three multi-article layouts of our own over WCXB texts of one half."""
    out = []
    for want in (TUNE, REPORT):
        pool = _wcxb_texts(data, want)
        rng = random.Random(f"multi-wcxb-{want}")
        rng.shuffle(pool)
        heads = [t for _i, t, _p in pool]
        i = k = 0
        while i + 3 <= len(pool):
            layout = k % 3
            n = 1 if layout == 1 else (2 + k % 2 if layout == 0 else 3)
            group = pool[i:i + n]
            i += n
            k += 1
            others = [h for h in heads if h not in {t for _i, t, _p in group}]
            lines: list[str] = []
            arts = []
            boiler: list[str] = []
            if layout != 1:
                top = rng.choice(_FURNITURE_TOP)
                lines += [*top, ""]
                boiler += top
            for fid, title, paras in group:
                paras = paras[:7]
                place = rng.choice(_PLACES) if layout == 2 or rng.random() < 0.3 else None
                first = paras[0]
                if layout == 1:
                    width = rng.randrange(40, 75)
                    body = [title, ""]
                    rep = rng.randrange(len(paras))
                    printed = paras[:rep + 1] + [paras[rep]] + paras[rep + 1:]
                    for x in printed:
                        body += textwrap.wrap(x, width, break_long_words=False, break_on_hyphens=False) or [x]
                    lines += body
                    arts.append({"title": title, "dateline": None, "paragraphs": paras, "highlights": []})
                    continue
                lines += [title]
                if rng.random() < 0.6:
                    by = rng.choice(_BYLINES).format(d=rng.choice(_DATES))
                    lines.append(by)
                    boiler.append(by)
                lines.append("")
                for j, x in enumerate(paras):
                    text = (f"{place}: {x}" if rng.random() < 0.5 else f"{place} ({rng.choice(['Newswire', 'Wire'])}) - {x}") if j == 0 and place else x
                    lines += [text, ""]
                    if layout == 0 and j == 1:
                        lines += ["Advertisement", ""]
                if layout == 0:
                    share = rng.choice(["Share", "Share this article", "Share on Facebook | Share on X | Email"])
                    rel = _related(rng, others)
                    lines += [share, "", *rel, ""]
                    boiler += [share, *rel[1:]]
                arts.append({"title": title, "dateline": place, "paragraphs": paras, "highlights": []})
            if layout != 1:
                foot = rng.choice(_FOOTERS)
                lines.append(foot)
                boiler.append(foot)
            pid = _id_in_half("multi-wcxb-" + "-".join(g[0] for g in group), want)
            out.append(TextPage(pid, "\n".join(lines) + "\n", arts, boiler, "multi"))
    return out


_CO_A = ["Allied", "Northern", "Pacific", "Granite", "Summit", "Harbor", "Keystone", "Riverside", "Sterling", "Meridian"]
_CO_B = ["Bancorp", "Industries", "Foods", "Energy", "Systems", "Holdings", "Mining", "Retail", "Technologies", "Shipping"]


def _money(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"{rng.randrange(100, 999)},{rng.randrange(1000):03d}"
    if kind == 1:
        return f"{rng.randrange(1, 99)}.{rng.randrange(10)} mln"
    return f"{rng.randrange(1, 9)}.{rng.randrange(100):02d} billion"


def tabular_pages(n: int = 400) -> list[TextPage]:
    """Earnings-style reports from our own generator: a headline, then rows of figures."""
    rng = random.Random("tabular")
    out = []
    for k in range(n):
        co = f"{rng.choice(_CO_A)} {rng.choice(_CO_B)} {rng.choice(['Inc', 'Corp', 'Co', 'Ltd', 'PLC'])}"
        tick = "".join(w[0] for w in co.split()[:2]).upper() + rng.choice("XYZNKT")
        period = rng.choice(["1st qtr", "2nd qtr", "3rd qtr", "4th qtr", "year", "six months", "nine months"])
        title = f"{co.upper()} <{tick}> {period.upper()} NET" if k % 2 else f"{co} reports {period} results"
        rows = []
        a, b = rng.randrange(1, 99), rng.randrange(1, 99)
        rows.append(f"Shr {a} cts vs {b} cts" if k % 3 else f"Shr loss {a} cts vs profit {b} cts")
        rows.append(f"Net {_money(rng)} vs {_money(rng)}")
        rows.append(f"Revs {_money(rng)} vs {_money(rng)}")
        for extra in rng.sample(["Avg shrs", "Oper net", "Qtly div", "Sales", "Backlog", "Assets", "Deposits", "Loans"], rng.randrange(0, 4)):
            rows.append(f"{extra} {_money(rng)} vs {_money(rng)}")
        notes = []
        if k % 4 == 0:
            notes.append(f"NOTE: {period.capitalize()} net includes a gain of {_money(rng)} from the sale of a unit.")
        if k % 5 == 1:
            notes.append(f"Results restated for the {rng.choice(['merger', 'stock split', 'accounting change'])}.")
        sep = "\n\n" if k % 2 else "\n"
        lead = ""
        if k % 3 == 2:
            lead = f"{rng.choice(_PLACES)}, {rng.choice(['March', 'May', 'Oct'])} {rng.randrange(1, 28)} - "
        body = title + sep + lead + "\n".join(rows) + ("\n" + "\n".join(notes) if notes else "") + "\n"
        paras = [*rows, *notes]
        out.append(TextPage(f"tabular-{k:04d}", body, [{"title": title, "dateline": None, "paragraphs": paras, "highlights": []}],
                            [], "tabular"))
    return out


def build(data: Path, name: str) -> list[TextPage]:
    if name == "single":
        return single_pages(data)
    if name == "scroll":
        return scroll_pages(data)
    if name == "seedlike":
        return seedlike_pages(data)
    if name == "briefs":
        return brief_pages(data)
    if name == "tabular":
        return tabular_pages()
    if name == "seedlike-wcxb":
        return seedlike_wcxb_pages(data)
    if name == "briefs-wcxb":
        return brief_wcxb_pages(data)
    if name == "multi-wcxb":
        return multi_wcxb_pages(data)
    raise ValueError(name)


def halves(pages: list[TextPage]) -> tuple[list[TextPage], list[TextPage]]:
    from eval.split import split

    return split(pages, lambda p: p.page_id)


# --------------------------------------------------------------------------- methods


def _ours(page: TextPage) -> list[Any]:
    from worker.pipeline.process import has_prose
    from worker.pipeline.segment.split import segment_text
    from worker.pipeline.stats import Stats

    return [s for s in segment_text(page.body, Stats()) if has_prose(s)]


def _whole(page: TextPage) -> list[Any]:
    paras = _paragraphs(page.body)
    return [{"title": None, "paragraphs": paras, "highlights": [], "dateline": None}] if paras else []


_JUSTEXT_STOP: Any = None


def _justext(page: TextPage) -> list[Any]:
    import html as htmlmod

    import justext

    global _JUSTEXT_STOP
    if _JUSTEXT_STOP is None:
        _JUSTEXT_STOP = justext.get_stoplist("English")
    doc = "<html><body>" + "".join(f"<p>{htmlmod.escape(x)}</p>" for x in text_blocks(page.body)) + "</body></html>"
    paras = [p.text for p in justext.justext(doc.encode("utf-8"), _JUSTEXT_STOP, encoding="utf-8") if not p.is_boilerplate]
    return [{"title": None, "paragraphs": paras, "highlights": [], "dateline": None}] if paras else []


def text_blocks(body: str) -> list[str]:
    """The page's blocks as jusText should see them: where the page separates blocks by
    blank lines, the lines between two blank lines are one block (a hard-wrapped paragraph
    stays whole); otherwise every line is a block."""
    if "\n\n" in body:
        return [" ".join(b.split()) for b in re.split(r"\n\s*\n", body) if b.strip()]
    return [x for x in body.split("\n") if x.strip()]


METHODS: dict[str, Callable[[TextPage], list[Any]]] = {"ours": _ours, "whole page": _whole, "jusText on lines": _justext}


def _text_of(out: list[Any]) -> str:
    parts = []
    for a in out:
        d = a if isinstance(a, dict) else {"title": a.title, "paragraphs": a.paragraphs, "highlights": a.highlights}
        parts += [d.get("title") or "", *d["paragraphs"], *d.get("highlights", [])]
    return normalize_text(" ".join(parts))


def score(page: TextPage, out: list[Any]) -> dict[str, float]:
    s = score_page(out, {"articles": page.articles, "boilerplate": []})
    text = _text_of(out)
    true_text = normalize_text(" ".join(" ".join(a["paragraphs"]) + " " + (a["title"] or "") for a in page.articles))
    leaks = [w for w in page.without if (nw := normalize_text(w)) and nw in text and nw not in true_text]
    titled = [a for a in page.articles if a.get("title")]
    s["no_without"] = float(not leaks)
    s["has_title"] = float(bool(titled))
    s["articles_out"] = float(bool(out))
    s["n_out"] = float(len(out))
    return s


def evaluate(pages: list[TextPage], method: str) -> dict[str, float]:
    fn = METHODS[method]
    rows = [score(p, fn(p)) for p in pages]
    n = len(rows) or 1
    titled = [r for r in rows if r["has_title"]]
    return {
        "pages": len(rows),
        "f1": sum(r["f1"] for r in rows) / n,
        "precision": sum(r["precision"] for r in rows) / n,
        "recall": sum(r["recall"] for r in rows) / n,
        "count_ok": sum(r["count_ok"] for r in rows) / n,
        "no_without": sum(r["no_without"] for r in rows) / n,
        "title_exact": sum(r["title_exact"] for r in titled) / (len(titled) or 1),
        "articles_out": sum(r["articles_out"] for r in rows) / n,
        "mean_articles": sum(r["n_out"] for r in rows) / n,
    }


def _table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    cols = ("pages", "f1", "count_ok", "no_without", "title_exact", "articles_out", "mean_articles")
    head = "| set | method | pages | body F1 | count right | no `without` snippet | title exact | pages with articles | articles/page |"
    lines = [head, "|" + "---|" * (len(cols) + 2)]
    for set_name, by_method in results.items():
        for method, r in by_method.items():
            cells = [f"{r[c]:d}" if c == "pages" else f"{r[c]:.3f}" for c in cols]
            lines.append(f"| {set_name} | {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(data: Path, which: str, sets: Iterable[str], methods: Iterable[str]) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name in sets:
        tune, rep = halves(build(data, name))
        pages = tune if which == TUNE else rep
        results[name] = {m: evaluate(pages, m) for m in methods}
    return results


def report(data: Path) -> str:
    """Markdown section for ``python -m eval``: every set's report half, ours beside the
    two baselines, measured in this run."""
    started = time.perf_counter()
    results = run(data, REPORT, SETS, METHODS)
    return (
        "## Text pages as they come (rendered real pages, infinite scroll, seed-like, briefs, tabular)\n\n"
        "`eval/textpages.py`: the WCXB dev pages rendered to plain text with all their furniture (variants of "
        "layout drawn by a hash of the page id), two or three such pages one after another, seed-shaped pages, "
        "headline-plus-lead briefs and generated earnings tables. Report halves only. Body F1 is the one-to-one "
        "matched word-4-gram F1 of `eval/segment.py`; `no without snippet` is the share of pages where none of the "
        "page's must-not-appear snippets is in the output; title exact counts pages whose truth has a title; "
        "`pages with articles` is the share of pages that gave at least one article (through `has_prose`). "
        "Baselines: the whole page as one article, and jusText (English stoplist) run on the page's lines (blank-line blocks where the page has them, so that a hard-wrapped paragraph reaches it whole).\n\n"
        + _table(results)
        + f"\n\n({time.perf_counter() - started:.0f} s)\n"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, nargs="?", default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--half", choices=(TUNE, REPORT), default=TUNE)
    ap.add_argument("--set", nargs="*", choices=SETS, default=list(SETS))
    ap.add_argument("--method", nargs="*", choices=list(METHODS), default=list(METHODS))
    ap.add_argument("--show-errors", type=int, default=0, help="tuning half only: print this many weak pages")
    args = ap.parse_args(argv)
    results = run(args.data, args.half, args.set, args.method)
    print(_table(results))
    if args.show_errors and args.half == TUNE:
        for name in args.set:
            tune, _ = halves(build(args.data, name))
            bad = []
            for p in tune:
                s = score(p, _ours(p))
                if s["f1"] < 0.85 or not s["count_ok"] or not s["no_without"] or (s["has_title"] and s["title_exact"] < 1):
                    bad.append((s["f1"], p.page_id, {k: round(v, 2) for k, v in s.items()}))
            for row in sorted(bad)[: args.show_errors]:
                print(name, row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
