"""Seconds of ``newsworker demo`` on one page, and where they go.

    .venv/bin/python -m bench.startup [PAGE ...] [--runs N] [--json PATH] [--alt ROOT]

Why: a user's first impression is ``bin/newsworker demo <page>``, and on one page nearly
all of its time is start-up (embedded broker, worker imports and warm-up, faust services,
group join, table recovery) and shut-down. The command runs the demo as a user would
(``python -m worker demo``, embedded broker) with the worker's log at INFO, stamps each
log line as it arrives, and reads the milestones from faust's own lines, so each phase's
cost is visible without instrumenting the code. Best (least total) of ``--runs``.

``--alt ROOT`` also times another checkout (a directory holding ``worker/``, e.g. an
earlier commit from ``git archive``), runs alternating with this one so that both see the
same machine load.

Milestones (seconds from the command's start):
- ``broker``: the demo says the embedded broker is up;
- ``worker_starting``: faust's ``[^Worker]: Starting...`` (worker process imported, core warmed
  or warming);
- ``worker_ready``: ``[^Worker]: Ready`` (group joined, tables recovered);
- ``results``: the worker is told to stop, i.e. the demo has every page's records;
- ``worker_exit``: faust's ``Closing event loop``;
- ``total``: the demo command returned (broker stopped, articles printed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# The seed page lives beside the checkout in ../shared (one level further up from a worktree).
SEED = next((p for p in (REPO.parent / "shared" / "seed" / "000_d860cfe1752f5b60.txt",
                         REPO.parent.parent / "shared" / "seed" / "000_d860cfe1752f5b60.txt") if p.exists()),
            REPO.parent / "shared" / "seed" / "000_d860cfe1752f5b60.txt")

_MILESTONES = {  # substring of a stderr line -> milestone (first occurrence wins)
    "started the embedded broker": "broker",
    "Worker]: Starting": "worker_starting",
    "Worker]: Ready": "worker_ready",
    "Worker]: Signal received": "results",
    "Closing event loop": "worker_exit",
}


def demo_once(pages: list[str], root: Path = REPO) -> dict[str, Any]:
    """One ``python -m worker demo`` run: milestone seconds, the exit code and the last
    line the demo printed (its accounting)."""
    env = dict(os.environ, NEWSWORKER_LOG_LEVEL="INFO")
    env.pop("NEWSWORKER_BOOTSTRAP_SERVERS", None)  # the embedded broker, as a fresh clone runs it
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "worker", "demo", *pages], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    marks: dict[str, float] = {}
    last = ""
    assert proc.stderr is not None
    for line in proc.stderr:
        now = round(time.monotonic() - started, 3)
        for needle, name in _MILESTONES.items():
            if needle in line and name not in marks:
                marks[name] = now
        if line.startswith("newsworker demo:"):
            last = line.strip()
    rc = proc.wait()
    marks["total"] = round(time.monotonic() - started, 3)
    return {"seconds": marks, "rc": rc, "summary": last}


def measure(pages: list[str], runs: int, alt: Path | None = None) -> dict[str, Any]:
    roots = [REPO] + ([alt] if alt else [])
    by_root: dict[Path, list[dict[str, Any]]] = {root: [] for root in roots}
    for _ in range(runs):
        for root in roots:
            by_root[root].append(demo_once(pages, root))
    out = summarise(pages, runs, by_root[REPO])
    if alt:
        out["alt"] = summarise(pages, runs, by_root[alt])
        out["alt"]["root"] = str(alt)
    return out


def summarise(pages: list[str], runs: int, results: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in results if r["rc"] == 0]
    best = min(ok or results, key=lambda r: r["seconds"]["total"])
    return {"pages": pages, "runs": runs, "failed_runs": len(results) - len(ok), "best": best,
            "totals": [r["seconds"]["total"] for r in results]}


def console(result: dict[str, Any]) -> str:
    marks = result["best"]["seconds"]
    lines = [f"newsworker demo on {len(result['pages'])} page(s), best of {result['runs']} "
             f"(totals {', '.join(f'{t:.2f}' for t in result['totals'])} s; failed runs: {result['failed_runs']})"]
    previous = 0.0
    for name in ("broker", "worker_starting", "worker_ready", "results", "worker_exit", "total"):
        if name in marks:
            lines.append(f"  {name:<16} {marks[name]:6.2f} s  (+{marks[name] - previous:.2f})")
            previous = marks[name]
    lines.append(f"  {result['best']['summary']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", nargs="*", help=f"page files (default: the seed page, {SEED})")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--alt", help="another checkout (a directory holding worker/) to time alternately with this one")
    args = ap.parse_args(argv)
    pages = args.pages or [str(SEED)]
    missing = [p for p in pages if not Path(p).exists()]
    if missing:
        print(f"bench.startup: no such page file: {', '.join(missing)}", file=sys.stderr)
        return 2
    alt = Path(args.alt).resolve() if args.alt else None
    result = measure(pages, args.runs, alt)
    if alt:
        print(f"alt: {alt}\n{console(result['alt'])}\n\nthis: {REPO}")
    print(console(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0 if not result["failed_runs"] and not result.get("alt", {}).get("failed_runs") else 1


if __name__ == "__main__":
    raise SystemExit(main())
