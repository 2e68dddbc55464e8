"""Rendering of ``bench.run`` results: the console table, docs/benchmarks.md and the PNG.

Kept apart from the measuring code so that a report can be re-rendered from a JSON file
(``python -m bench.run_report results.json``) without measuring again.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any


def _f(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _load(value: Any) -> str:
    return "/".join(f"{x:.2f}" for x in value) if value else "-"


def rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(section, measure, value, note) rows shared by the console table and the markdown."""
    out: list[tuple[str, str, str, str]] = []
    core, naive, e2e = r["core"], r["naive"], r["e2e"]
    for kind in ("text", "html"):
        c, n = core[kind], naive[kind]
        out.append(("1 core", f"{kind} pages/s per core (CPU time)", _f(c["pages_per_cpu_s"]),
                    f"{c['pages']} pages, {c['articles']} articles; wall {_f(c['pages_per_s_wall'])}/s; load {_load(c['load_before'])}"))
        out.append(("4 naive", f"{kind} pages/s per core (CPU time)", _f(n["pages_per_cpu_s"]),
                    f"{n['pages']} pages; wall {_f(n['pages_per_s_wall'])}/s; load {_load(n['load_before'])}"))
        out.append(("4 naive", f"ours / naive, {kind}", f"{r['ratios'][f'core_vs_naive_{kind}']:.2f}x", "CPU-time rates, same pages"))
        if c.get("stage_cpu_us_per_page"):
            stages = c["stage_cpu_us_per_page"]
            out.append(("1 core", f"{kind}: CPU µs per page by stage", _f(c.get("us_per_page_cpu"), 0),
                        "; ".join(f"{s} {v:,.0f} ({c['stage_share'][s]:.0%})" for s, v in stages.items())
                        + " (the core's Stats timers; CPU time split by their wall-time shares)"))
    dflt = core.get("text_default_templates")
    if dflt:
        out.append(("1 core", "text pages/s per core, default pagegen templates", _f(dflt["pages_per_cpu_s"]),
                    f"{dflt['pages']} pages; repetitive wording floods dedup with LSH candidates (see Method)"))
    one = e2e.get("one_worker")
    if one:
        out.append(("2 e2e", "max pages/s, 1 worker, wall", _f(one["pages_per_s"]),
                    f"{one['pages']} text pages, {one['partitions']} partitions, span {one['span_s']} s, burst {one['load_s']} s; "
                    f"load {_load(one['load_before'])} -> {_load(one['load_after'])}"))
        out.append(("2 e2e", "pages per worker CPU-second", _f(one.get("pages_per_worker_cpu_s")),
                    f"worker CPU {one.get('worker_cpu_s')} s over the run"))
        out.append(("2 e2e", "e2e / core (wall rates)", f"{r['ratios']['e2e_vs_core_wall']:.2f}", "same pages; core wall rate in one process"))
        out.append(("2 e2e", "e2e / core (per CPU-second)", f"{r['ratios']['e2e_vs_core_cpu']:.2f}",
                    "worker CPU incl. faust, aiokafka, encode; isolates shell cost from machine load"))
    vol = r.get("kafka_volume")
    if vol:
        out.append(("2 e2e", "Kafka traffic per raw page (records; KB)",
                    f"{1 + 2 * vol['candidate_records_per_page'] + vol['output_records_per_page']:.1f}; "
                    f"{(vol['raw_bytes_per_page'] + 2 * vol['candidate_bytes_per_page'] + vol['output_bytes_per_page']) / 1000:.1f}",
                    f"raw in {vol['raw_bytes_per_page'] / 1000:.1f} KB; candidates {vol['candidate_records_per_page']} x out+in "
                    f"{vol['candidate_bytes_per_page'] / 1000:.1f} KB; outputs {vol['output_records_per_page']} records "
                    f"{vol['output_bytes_per_page'] / 1000:.1f} KB (JSON encode {vol['output_dumps_us_per_page']} us); "
                    "the pass-through moves 2 records, 2 x raw size"))
    kb = (one or {}).get("kafka_bytes")
    if kb:
        out.append(("2 e2e", "Kafka bytes written per raw page (broker log segments)",
                    f"{_f(kb['written_bytes_per_page'])} ({kb['written_vs_raw']:.2f}x raw)",
                    f"{one.get('compression', '?')} batches; raw {_f(kb['raw_bytes_per_page'])} B/page stored uncompressed; "
                    + ", ".join(f"{k} {_f(v)}" for k, v in kb["by_kind_bytes_per_page"].items())))
    for lat in e2e.get("latency", []):
        out.append(("2 e2e", f"latency at {lat['share']:.0%} of max (p50/p95/p99 ms)",
                    f"{lat['p50_ms']:.0f} / {lat['p95_ms']:.0f} / {lat['p99_ms']:.0f}",
                    f"offered {_f(lat['offered_rate'])}/s (target {_f(lat['target_rate'])}), served {_f(lat['pages_per_s'])}/s, "
                    f"{lat['latency_pages']} pages, max {lat['max_ms']} ms; load {_load(lat['load_before'])}"))
    low = e2e.get("latency_low")
    if low:
        knobs = ", ".join(f"{k}={v:g}" for k, v in low["settings"].items())
        out.append(("2 e2e", f"latency at {low['share']:.0%} of max, worker set for latency (p50/p95/p99 ms)",
                    f"{low['p50_ms']:.0f} / {low['p95_ms']:.0f} / {low['p99_ms']:.0f}",
                    f"{knobs}; offered {_f(low['offered_rate'])}/s, served {_f(low['pages_per_s'])}/s, "
                    f"{low['latency_pages']} pages, max {low['max_ms']} ms; {_f(low.get('pages_per_worker_cpu_s'))} pages per worker CPU-s"))
    pt = e2e.get("passthrough")
    if pt:
        out.append(("3 pass-through", "raw aiokafka consume+produce msgs/s", _f(pt["pages_per_s"]),
                    f"{pt['pages']} msgs, span {pt['span_s']} s; load {_load(pt['load_before'])}"))
        if one:
            out.append(("3 pass-through", "worker e2e / pass-through", f"{r['ratios']['e2e_vs_passthrough']:.3f}", "wall rates"))
    two = e2e.get("two_workers")
    if two:
        out.append(("5 scale-out", "max pages/s, 2 workers, wall", _f(two["pages_per_s"]),
                    f"{two['pages']} pages, {two['partitions']} partitions, span {two['span_s']} s; load {_load(two['load_before'])}"))
        out.append(("5 scale-out", "2 workers / 1 worker", f"{r['ratios']['two_vs_one']:.2f}x", "2 cores shared with the broker"))
        if "two_vs_one_per_cpu_s" in r["ratios"]:
            out.append(("5 scale-out", "per-worker efficiency, 2 workers / 1 (pages per worker CPU-s)",
                        f"{r['ratios']['two_vs_one_per_cpu_s']:.2f}",
                        f"{_f(two.get('pages_per_worker_cpu_s'))} vs {_f(one.get('pages_per_worker_cpu_s')) if one else '-'} pages per "
                        f"worker CPU-second (CPU {two.get('worker_cpu_s')} s for both)"))
    two0 = e2e.get("two_workers_no_standby")
    if two0 and "two_no_standby_vs_one_per_cpu_s" in r["ratios"]:
        out.append(("5 scale-out", "per-worker efficiency, 2 workers without a dedup standby / 1",
                    f"{r['ratios']['two_no_standby_vs_one_per_cpu_s']:.2f}",
                    f"NEWSWORKER_STANDBY_REPLICAS=0: {_f(two0.get('pages_per_worker_cpu_s'))} pages per worker CPU-second, "
                    f"{_f(two0['pages_per_s'])} pages/s; the default (1) keeps a warm copy for takeover"))
    conc = core.get("concurrent")
    if conc:
        out.append(("5 scale-out", "control: core in 2 processes at once / 1 (pages per CPU-s)", f"{conc['efficiency']:.2f}",
                    f"{' and '.join(_f(x) for x in conc['together_pages_per_cpu_s'])} vs {_f(conc['alone_pages_per_cpu_s'])} "
                    f"pages per CPU-second, {conc['pages']} pages each, no Kafka: the machine's own ceiling for the row above"))
    mem = r.get("dedup_memory")
    real = r.get("real_pages")
    if real:
        t, h = real["text"], real["html"]
        out.append(("7 real pages", "text: core (all stages) CPU µs per page", _f(t["core_us"], 0),
                    f"{t['pages']} {t['what']}, mean {t['mean_kb']} KB; {_f(t['core_us_per_14kb'], 0)} µs per 14 KB; best of {real['repeat']}"))
        out.append(("7 real pages", "text: segmentation alone, CPU µs per 14 KB page", _f(t["segment_us_per_14kb"], 0),
                    f"segment_text; {_f(t['segment_us'], 0)} µs per page"))
        if t.get("justext_us"):
            out.append(("7 real pages", "text: core / jusText speed", f"{t['justext_us'] / t['core_us']:.2f}x",
                        f"jusText {_f(t['justext_us'], 0)} µs per page on the same pages (it only classifies paragraphs)"))
        out.append(("7 real pages", "HTML: core (all stages) CPU µs per page", _f(h["core_us"], 0),
                    f"{h['pages']} {h['what']}, mean {h['mean_kb']} KB"))
        out.append(("7 real pages", "HTML: core / trafilatura speed", f"{h['trafilatura_us'] / h['core_us']:.2f}x",
                    f"trafilatura.extract {_f(h['trafilatura_us'], 0)} µs per page on the same pages (extraction only)"))
    elif "real_pages" in r:
        out.append(("7 real pages", "not run", "-", "no development data (../shared/data or --data)"))
    st = r.get("startup")
    if st:
        marks = st["best"]["seconds"]
        phases, previous = [], 0.0
        for name in ("broker", "worker_starting", "worker_ready", "results", "worker_exit", "total"):
            if name in marks:
                phases.append(f"{name} +{marks[name] - previous:.2f}")
                previous = marks[name]
        out.append(("8 start-up", "newsworker demo on the seed page, seconds", f"{marks['total']:.2f}",
                    f"best of {st['runs']} (failed runs {st['failed_runs']}); " + ", ".join(phases) + f"; {st['best']['summary']}"))
    if mem:
        for m in mem:
            out.append(("6 dedup memory", f"bytes per remembered article ({m['store']} store)", _f(m["bytes_per_article"]),
                        f"{m['articles']} articles, {m['clean']} clean; tracemalloc, bench/dedup_bench.memory"))
    return out


def _real_goals(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """Issue 16's real-page ratios, issue 13's text-path cost and the start-up bound."""
    real, st = r.get("real_pages"), r.get("startup")
    out: list[tuple[str, str, str, bool | None]] = []
    if real:
        t, h = real["text"], real["html"]
        if t.get("justext_us"):
            x = t["justext_us"] / t["core_us"]
            out.append(("real text pages: core (all stages) / jusText speed", ">= 5x", f"{x:.1f}x", x >= 5))
        x = h["trafilatura_us"] / h["core_us"]
        out.append(("real HTML pages: core (all stages) / trafilatura speed", ">= 8x", f"{x:.1f}x", x >= 8))
        us = t["segment_us_per_14kb"]
        out.append(("text path (segmentation) CPU per 14 KB real page", "<= 2 ms", f"{us / 1000:.1f} ms", us <= 2000))
    else:
        out.append(("real-page speed ratios", "see issue 16", "not run (no development data)", None))
    if st:
        total = st["best"]["seconds"]["total"]
        out.append(("newsworker demo on one page, start to finish", "< 5 s", f"{total:.1f} s", total < 5 and st["failed_runs"] == 0))
    return out


def goals(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    e2e, ratios = r["e2e"], r["ratios"]
    one = e2e.get("one_worker") or {}
    lat50 = next((x for x in e2e.get("latency", []) if abs(x["share"] - 0.5) < 1e-6), None)
    items: list[tuple[str, str, str, bool | None]] = [
        # The goals of issue 16, each a ratio measured in this run.
        ("core / naive, text pages", ">= 8x", f"{ratios['core_vs_naive_text']:.1f}x", ratios["core_vs_naive_text"] >= 8),
        ("core / naive, HTML pages", ">= 5x", f"{ratios['core_vs_naive_html']:.1f}x", ratios["core_vs_naive_html"] >= 5),
        ("worker pages per CPU-second / core's", ">= 0.80", f"{ratios.get('e2e_vs_core_cpu', 0):.2f}",
         ratios.get("e2e_vs_core_cpu", 0) >= 0.8 if one else None),
        ("worker / raw aiokafka pass-through (wall)", ">= 0.30",
         f"{ratios['e2e_vs_passthrough']:.2f}" if "e2e_vs_passthrough" in ratios else "not run",
         ratios["e2e_vs_passthrough"] >= 0.3 if "e2e_vs_passthrough" in ratios else None),
        ("Kafka bytes written per raw page", "<= 4x raw",
         f"{ratios['kafka_written_vs_raw']:.2f}x" if "kafka_written_vs_raw" in ratios else "not run",
         ratios["kafka_written_vs_raw"] <= 4 if "kafka_written_vs_raw" in ratios else None),
        ("2 workers' per-worker efficiency / 1 worker's (pages per worker CPU-s)", ">= 0.90",
         f"{ratios['two_vs_one_per_cpu_s']:.2f}" if "two_vs_one_per_cpu_s" in ratios else "not run",
         ratios["two_vs_one_per_cpu_s"] >= 0.9 if "two_vs_one_per_cpu_s" in ratios else None),
        *_real_goals(r),
        ("p99 page-to-article latency at 50% load", "<= 100 ms", f"{lat50['p99_ms']:.0f} ms" if lat50 else "not run",
         lat50["p99_ms"] <= 100 if lat50 else None),
    ]
    return items


def console(r: dict[str, Any]) -> str:
    table = rows(r)
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    lines = [f"newsworker benchmarks  {r['machine']['when']}  cpus {r['machine']['cpus']}  "
             f"load average at start {_load(r['machine']['load_average'])}, at end {_load(r['machine'].get('load_average_end'))}"]
    for row in table:
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}")
    lines.append("goals:")
    for name, target, got, met in goals(r):
        lines.append(f"  {'MET ' if met else 'MISS' if met is False else 'n/a '} {name}: {got} (goal {target})")
    for name, prof in r.get("profiles", {}).items():
        if prof:
            areas = ", ".join(f"{a['area']} {a['share']:.0%}" for a in prof["areas"][:5])
            lines.append(f"profile {name}: {areas}")
    return "\n".join(lines)


def _profile_md(title: str, prof: dict[str, Any]) -> list[str]:
    idle = prof.get("idle_share_excluded", 0.0)
    note = f" Threads parked in `select()` ({idle:.0%} of all samples) are left out; shares are of the rest." if idle else ""
    out = [f"### {title}", "", f"{prof['samples']:g} {prof.get('unit', 'samples')}.{note}", "", "| area | share |", "|---|---:|"]
    out += [f"| {a['area']} | {a['share']:.1%} |" for a in prof["areas"]]
    out += ["", "| inclusive (function, file) | share |  | self (function, file) | share |", "|---|---:|---|---|---:|"]
    inc, own = prof["inclusive"], prof["self"]
    for i in range(max(len(inc), len(own))):
        a = f"`{inc[i]['function']}` {inc[i]['file']} | {inc[i]['share']:.1%}" if i < len(inc) else " | "
        b = f"`{own[i]['function']}` {own[i]['file']} | {own[i]['share']:.1%}" if i < len(own) else " | "
        out.append(f"| {a} |  | {b} |")
    return out + [""]


def markdown(r: dict[str, Any], png: Path | None, md_path: Path) -> str:
    m = r["machine"]
    cmd = r["config"]["command"]
    out = [
        "# Benchmarks",
        "",
        f"Generated by `{cmd}` on {m['when']} ({m['cpus']} CPUs, Python {m['python']}). Do not edit by hand: rerun the command.",
        "",
        f"**Machine load.** Load average (1/5/15 min) at start {_load(m['load_average'])}, at end "
        f"{_load(m.get('load_average_end'))}; each row below also gives the load when it ran. The machine has "
        f"{m['cpus']} cores shared with other jobs, the Kafka broker and the benchmark's own producer and consumer, so wall "
        "rates are lower bounds; CPU-time rates (pages per CPU-second of the process doing the work) are the numbers to "
        "compare across rows.",
        "",
    ]
    if png is not None:
        rel = os.path.relpath(png, md_path.parent)
        out += [f"![throughput and latency against offered load]({rel})", ""]
    out += ["## Results", "", "| section | measure | value | notes |", "|---|---|---:|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(r)]
    out += ["", "## Goals", "", "| goal | target | measured | |", "|---|---|---|---|"]
    out += [f"| {n} | {t} | {g} | {'met' if ok else 'missed' if ok is False else 'not run'} |" for n, t, g, ok in goals(r)]
    out += ["", "## Where the time goes", ""]
    profiles = r.get("profiles", {})
    if profiles.get("core_text"):
        out += _profile_md("Core on text pages (pyinstrument, 1 ms sampling, in process)", profiles["core_text"])
    if profiles.get("worker"):
        out += _profile_md("Live worker process under a burst of text pages (py-spy, 100 Hz, attached)", profiles["worker"])
    out += ["## Method", ""] + [f"- {line}" for line in r["config"]["method"]] + [""]
    return "\n".join(out)


def plot(r: dict[str, Any], path: Path) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    e2e = r["e2e"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2))
    bars = [("core text (per CPU-s)", r["core"]["text"]["pages_per_cpu_s"]),
            ("core HTML (per CPU-s)", r["core"]["html"]["pages_per_cpu_s"]),
            ("naive text (per CPU-s)", r["naive"]["text"]["pages_per_cpu_s"]),
            ("naive HTML (per CPU-s)", r["naive"]["html"]["pages_per_cpu_s"])]
    if e2e.get("one_worker"):
        bars.append(("worker e2e, 1 proc (wall)", e2e["one_worker"]["pages_per_s"]))
    if e2e.get("two_workers"):
        bars.append(("worker e2e, 2 procs (wall)", e2e["two_workers"]["pages_per_s"]))
    if e2e.get("passthrough"):
        bars.append(("aiokafka pass-through (wall)", e2e["passthrough"]["pages_per_s"]))
    ax = axes[0]
    ax.barh([b[0] for b in bars][::-1], [b[1] for b in bars][::-1], color="#4c72b0")
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("pages/s (log)")
    ax.set_title("Throughput")
    for y, (_, v) in enumerate(bars[::-1]):
        ax.text(v, y, f" {v:,.0f}", va="center", fontsize=8)
    lat = e2e.get("latency", [])
    one = e2e.get("one_worker")
    ax = axes[1]
    if lat and one:
        offered = [x["offered_rate"] for x in lat]
        served = [x["pages_per_s"] for x in lat]
        ax.plot(offered, served, "o-", label="served (paced producer)")
        top = max(offered + [one["pages_per_s"]]) * 1.1
        ax.plot([0, top], [0, top], ":", color="grey", label="served = offered")
        ax.axhline(one["pages_per_s"], color="#c44e52", ls="--", label=f"max (burst) {one['pages_per_s']:,.0f}/s")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.legend(fontsize=8)
    ax.set_xlabel("offered load, pages/s")
    ax.set_ylabel("accounted pages/s")
    ax.set_title("1 worker: throughput vs offered load")
    ax = axes[2]
    if lat:
        offered = [x["offered_rate"] for x in lat]
        for key, style in (("p50_ms", "o-"), ("p95_ms", "s-"), ("p99_ms", "^-")):
            ax.plot(offered, [x[key] for x in lat], style, label=key.split("_")[0])
        for x in lat:
            ax.annotate(f"{x['share']:.0%}", (x["offered_rate"], x["p99_ms"]), textcoords="offset points", xytext=(4, 4), fontsize=8)
        ax.axhline(100, color="grey", ls=":", label="p99 goal at 50%: 100 ms")
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.legend(fontsize=8)
    ax.set_xlabel("offered load, pages/s")
    ax.set_ylabel("page-to-article latency, ms (log)")
    ax.set_title("1 worker: latency vs offered load")
    load = r["machine"]["load_average"]
    fig.suptitle(f"newsworker on {r['machine']['cpus']} shared cores (load avg at start {load[0]:.2f}), {r['machine']['when']}", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Re-render a bench.run JSON result.")
    ap.add_argument("json", type=Path)
    ap.add_argument("--png", type=Path)
    ap.add_argument("--md", type=Path)
    args = ap.parse_args(argv)
    r = json.loads(args.json.read_text())
    print(console(r))
    if args.png:
        plot(r, args.png)
    if args.md:
        args.md.write_text(markdown(r, args.png, args.md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
