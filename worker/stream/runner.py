"""``newsworker run`` and ``newsworker demo``.

``run --embedded`` (and ``demo`` when no bootstrap servers are configured) starts the
embedded broker (Tansu, from the optional ``embedded`` extra), creates the topics and says
so, so that a fresh clone runs the real worker end to end without any Kafka to install.
Plain ``run`` never does: a deployment with a missing bootstrap variable must fail, not
serve an empty in-memory broker.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
from aiokafka.errors import KafkaError

from worker.config import Settings
from worker.stream.admin import collect_pages, create_topics, page_messages, send_messages

log = logging.getLogger("newsworker")

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def logging_config(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "worker.stream.jsonlog.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
    }


def start_embedded_broker() -> Any:
    from worker.stream.embedded import EmbeddedBroker

    broker = EmbeddedBroker().start()
    print(f"newsworker: started the embedded broker on {broker.bootstrap} (memory only)", file=sys.stderr)
    return broker


def connect_failure(settings: Settings, exc: BaseException) -> str:
    """One line an operator can act on, instead of aiokafka's traceback ending in "Unable
    to bootstrap". Authentication failures only show in aiokafka's log, so the line names
    the credentials in use (never the password) whenever SASL is configured."""
    sec = settings.security
    who = f" as SASL user {sec.sasl_username!r} ({sec.sasl_mechanism or 'SCRAM-SHA-512'})" if sec.protocol.startswith("SASL") else ""
    hint = (
        "; authentication failed or the broker is unreachable: check NEWSWORKER_SASL_USERNAME/PASSWORD/MECHANISM"
        if who else "; is the broker running, and is NEWSWORKER_SECURITY_PROTOCOL right?"
    )
    return f"newsworker: cannot connect to Kafka at {settings.bootstrap_servers} over {sec.protocol}{who}: {type(exc).__name__}: {exc}{hint}"


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run(settings: Settings, *, embedded: bool = False) -> int:
    """Run the worker until SIGTERM/SIGINT; faust drains the current events and commits.
    ``embedded`` starts the in-memory broker first (the bootstrap setting is then ignored).
    Then the process ends without the interpreter's teardown (see ``exit_without_teardown``):
    only the CLI calls this."""
    from worker.stream.startup import exit_without_teardown

    exit_without_teardown(_run(settings, embedded=embedded))


def _run(settings: Settings, *, embedded: bool = False) -> int:
    from worker.stream.app import NewsWorker
    from worker.stream.shutdown import ShutdownWatchdog
    from worker.stream.startup import PromptWorker, prompt_fetches

    # Until faust installs its own handlers (it drains and commits), a SIGTERM during
    # start-up (broker start, topic creation, warm-up) should still exit cleanly, running
    # the finally blocks below, rather than die with the default action.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    broker = None
    if embedded:
        broker = start_embedded_broker()
        settings = dataclasses.replace(settings, bootstrap_servers=broker.bootstrap, fast_group_timeouts=True)
    elif not settings.bootstrap_servers:
        print("newsworker run: NEWSWORKER_BOOTSTRAP_SERVERS is not set (or pass --embedded)", file=sys.stderr)
        return 2
    try:
        try:
            created = asyncio.run(create_topics(settings))
        except KafkaError as exc:
            print(connect_failure(settings, exc), file=sys.stderr)
            return 2
        if created:
            print(f"newsworker: created topics {', '.join(created)}", file=sys.stderr)
        worker_app = NewsWorker(settings)
        if settings.fast_group_timeouts:  # the embedded broker, tests
            prompt_fetches(worker_app.app)
        worker = PromptWorker(
            worker_app.app, loglevel=settings.log_level, logging_config=logging_config(settings.log_level), quiet=True
        )
        worker.watchdog = ShutdownWatchdog(settings.shutdown_timeout_s, worker_app.offsets.in_flight)
        worker.background = (worker_app.watch_group_join,)
        log.info("newsworker starting", extra={"settings": settings.redacted()})
        try:
            worker.execute_from_commandline()
        finally:
            worker_app.close()
            if worker_app.fatal is not None:
                print(f"newsworker run: stopped: {worker_app.fatal}", file=sys.stderr)
                return 3
    except SystemExit as exit_:
        return int(exit_.code or 0)
    finally:
        if broker is not None:
            broker.stop()
    return 0


def _print_article(rec: dict[str, Any]) -> None:
    a = rec["value"]
    where = rec["topic"]
    print(f"\n[{where}] {a['title'] or '(untitled)'}")
    if a.get("dateline"):
        print(f"  dateline: {a['dateline']['text']} ({a['dateline']['country'] or '?'})")
    regions = ", ".join(f"{r['country']}({r['score']:.2f})" for r in a["regions"][:5])
    topics = ", ".join(f"{t['label']}({t['score']:.2f})" for t in a["topics"][:4])
    print(f"  focus: {a['focus_country'] or '-'}   regions: {regions or '-'}")
    print(f"  topics: {topics or '-'}   language: {a['language'] or '-'}")
    if a.get("duplicate_of"):
        print(f"  duplicate of {a['duplicate_of']} (similarity {a['similarity']})")
    for h in a["highlights"]:
        print(f"  * {h}")
    for p in a["paragraphs"][:3]:
        print(f"  | {p[:160]}{'…' if len(p) > 160 else ''}")
    if len(a["paragraphs"]) > 3:
        print(f"  | … {len(a['paragraphs']) - 3} more paragraphs")


class WorkerExited(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


async def _collect_while_running(proc: subprocess.Popen[bytes], collect: Any) -> list[dict[str, Any]]:
    """``collect``'s result, or :class:`WorkerExited` as soon as the worker process ends
    (a worker that fails at start-up should not leave the demo waiting out its timeout)."""
    task = asyncio.ensure_future(collect)
    while True:
        done, _ = await asyncio.wait({task}, timeout=0.2)
        if done:
            return task.result()
        code = proc.poll()
        if code is not None:
            task.cancel()
            raise WorkerExited(code)


def demo(settings: Settings, paths: list[str], timeout: float = 90.0, as_json: bool = False) -> int:
    """Send pages through a live worker and print what comes out of ``articles.clean``,
    ``articles.duplicates`` and ``pages.dlq``."""
    if not paths:
        paths = sorted(str(p) for p in SAMPLES.glob("*") if p.is_file())
    broker = None
    if not settings.bootstrap_servers:
        print("newsworker demo: no NEWSWORKER_BOOTSTRAP_SERVERS set; using the embedded broker", file=sys.stderr)
        broker = start_embedded_broker()
        settings = dataclasses.replace(settings, bootstrap_servers=broker.bootstrap)
    env = dict(os.environ, NEWSWORKER_BOOTSTRAP_SERVERS=settings.bootstrap_servers, NEWSWORKER_WEB_ENABLED="false")
    env.setdefault("NEWSWORKER_LOG_LEVEL", "WARNING")  # the demo prints articles, not the worker's log
    if broker is not None:
        env["NEWSWORKER_FAST_GROUP_TIMEOUTS"] = "1"
    proc = None
    try:
        # The worker first: its start-up (a second or two) overlaps everything below.
        proc = subprocess.Popen([sys.executable, "-m", "worker", "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE if as_json else None)
        asyncio.run(create_topics(settings))
        messages = list(page_messages(paths, settings.limits))
        asyncio.run(send_messages(settings, messages))
        ids = [pid for _, pid in messages]
        print(f"newsworker demo: sent {len(messages)} pages to {settings.topics.raw}; waiting for the worker…", file=sys.stderr)
        records = asyncio.run(_collect_while_running(proc, collect_pages(settings, ids, timeout=timeout, anonymous=ids.count(None))))
    except asyncio.TimeoutError:
        print("newsworker demo: timed out waiting for the worker", file=sys.stderr)
        return 1
    except WorkerExited as exc:
        print(f"newsworker demo: the worker exited with code {exc.code} before every page was accounted for", file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if broker is not None:
            broker.stop()
    for rec in records:
        if as_json:
            sys.stdout.write(orjson.dumps({"topic": rec["topic"], "key": rec["key"], "value": rec["value"]}).decode() + "\n")
        elif rec["topic"] == settings.topics.dlq:
            v = rec["value"]
            print(f"\n[{rec['topic']}] {v['error']['type']}: {v['error']['message']}")
        else:
            _print_article(rec)
    named = {r["value"].get("page_id") for r in records} - {None}
    unnamed = sum(1 for r in records if r["value"].get("page_id") is None)
    accounted = len(named) + min(unnamed, ids.count(None))
    print(f"\nnewsworker demo: {accounted}/{len(ids)} pages accounted for, {len(records)} records", file=sys.stderr)
    return 0 if accounted == len(ids) else 1
