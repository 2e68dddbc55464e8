"""Where the time goes: one summary format for a py-spy recording of the live worker and
a pyinstrument run of the core.

Both are reduced to weighted stacks of (function, file) frames, then summarised three
ways: by *area* (our core, our shell and the client calls it makes, the Kafka/faust
machinery running on its own, the event loop), by *inclusive* time per function, and by
*self* time per function (where the interpreter actually was).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

Frame = tuple[str, str]  # (function, short file)
Stack = tuple[Frame, ...]
_PY_SPY_FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")


_REPO = str(Path(__file__).resolve().parents[1]) + "/"


def short_file(path: str) -> str:
    """Paths relative to site-packages, the stdlib or this checkout (wherever it lives)."""
    if path.startswith(_REPO):
        return path[len(_REPO):]
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker == "/lib/python3":
                path = "stdlib/" + path.split("/", 1)[-1]
            break
    return path


def py_spy_stacks(path: Path) -> list[tuple[Stack, float]]:
    """py-spy ``--format raw`` (collapsed stacks: ``frame;frame;... count``)."""
    out: list[tuple[Stack, float]] = []
    for line in path.read_text(errors="replace").splitlines():
        stack_text, _, count = line.rpartition(" ")
        if not stack_text or not count.isdigit():
            continue
        frames: list[Frame] = []
        for part in stack_text.split(";"):
            m = _PY_SPY_FRAME.match(part.strip())
            frames.append((m.group(1), short_file(m.group(2))) if m else (part.strip(), "?"))
        out.append((tuple(frames), float(count)))
    return out


def pyinstrument_stacks(session: Any) -> list[tuple[Stack, float]]:
    out: list[tuple[Stack, float]] = []
    root = session.root_frame()
    if root is None:
        return out
    todo = [(root, ())]
    while todo:
        frame, parent = todo.pop()
        if str(frame.identifier).startswith("[self]") and parent:  # pyinstrument's synthetic self-time child
            out.append((parent, frame.time))
            continue
        stack: Stack = parent + ((frame.function or "?", short_file(frame.file_path or "?")),)
        own = frame.time - sum(child.time for child in frame.children)
        if own > 0:
            out.append((stack, own))
        todo.extend((child, stack) for child in frame.children)
    return out


_LAUNCH = ("worker/stream/runner.py", "worker/cli.py", "worker/__main__.py")  # at the bottom of every main-thread stack


def is_idle(stack: Stack) -> bool:
    """A thread parked in ``select()`` (py-spy samples it although it burns no CPU)."""
    func, file = stack[-1]
    return file.endswith("selectors.py") and func.endswith("select")


def area(stack: Stack) -> str:
    """The first rule that matches, most specific first: a stack that reaches our core is
    core time whoever called it; shell time is our stream code and the client calls it
    makes; the rest is the Kafka client and faust working on their own."""
    files = [f for _, f in stack]
    if any(f.startswith("worker/pipeline/") for f in files):
        return "core (worker/pipeline)"
    if any(f.startswith("worker/stream/") and f not in _LAUNCH for f in files):
        if files[-1].startswith("worker/stream/"):
            return "shell, own code (worker/stream)"
        return "shell -> faust/aiokafka/orjson calls (send, encode)"
    if any(f.startswith("aiokafka/") for f in files):
        return "aiokafka background (produce requests, socket writes, fetch, commit)"
    if any(f.startswith(("faust/", "mode/")) for f in files):
        return "faust/mode machinery"
    leaf = files[-1]
    if leaf.startswith(("asyncio/", "stdlib/asyncio", "selectors", "stdlib/selectors")):
        return "event loop"
    return "other (" + leaf.split("/", 1)[0] + ")"


def summarise(stacks: Iterable[tuple[Stack, float]], top: int = 12) -> dict[str, Any]:
    stacks = list(stacks)
    everything = sum(w for _, w in stacks) or 1.0
    stacks = [(s, w) for s, w in stacks if not is_idle(s)]
    total = sum(w for _, w in stacks) or 1.0
    areas: Counter[str] = Counter()
    inclusive: Counter[Frame] = Counter()
    own: Counter[Frame] = Counter()
    for stack, weight in stacks:
        areas[area(stack)] += weight
        leaf = stack[-1]
        if leaf[1] == "<built-in>" and len(stack) > 1:  # say whose built-in call it was
            leaf = (leaf[0], f"built-in, from {stack[-2][1]}")
        own[leaf] += weight
        for frame in set(stack):
            inclusive[frame] += weight

    def rows(counter: Counter[Any], skip_roots: bool = False) -> list[dict[str, Any]]:
        picked = []
        for (func, file), w in counter.most_common():
            if skip_roots and w / total > 0.97:  # <module>, run(), the loop itself: no information
                continue
            picked.append({"function": func, "file": file, "share": round(w / total, 4)})
            if len(picked) == top:
                break
        return picked

    return {
        "samples": round(total, 3),
        "idle_share_excluded": round(1 - total / everything, 4),
        "areas": [{"area": a, "share": round(w / total, 4)} for a, w in areas.most_common()],
        "inclusive": rows(inclusive, skip_roots=True),
        "self": rows(own),
    }


def profile_core(run: Any) -> dict[str, Any]:
    """Run ``run()`` under pyinstrument (1 ms sampling) and summarise it."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    run()
    session = profiler.stop()
    return summarise(pyinstrument_stacks(session))
