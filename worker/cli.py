"""Command line: ``newsworker process|run|demo|send|tail|topics create``.

Stream commands import faust and aiokafka lazily so that ``process`` starts fast and works
without a broker.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import orjson

from worker.config import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsworker", description="Raw news pages in, clean tagged articles out.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("process", help="run the core on files or stdin and print the records as JSON lines")
    p.add_argument("paths", nargs="*", metavar="PATH", help="a .jsonl file of raw pages, - for JSONL on stdin, or one page file (.html/.htm or text)")
    p.add_argument("--stats", action="store_true", help="print what every stage did and dropped, with reasons, as one JSON object on stderr")
    r = sub.add_parser("run", help="run the stream worker against NEWSWORKER_BOOTSTRAP_SERVERS")
    r.add_argument("--embedded", action="store_true", help="start the embedded in-memory broker instead (development only; loses everything on exit)")
    d = sub.add_parser("demo", help="start a worker, send pages through Kafka and print the articles that come out")
    d.add_argument("paths", nargs="*", metavar="PATH", help="pages to send (default: the bundled samples)")
    d.add_argument("--timeout", type=float, default=90.0)
    d.add_argument("--json", action="store_true", help="print records as JSON lines")
    s = sub.add_parser("send", help="publish raw pages to the input topic")
    s.add_argument("paths", nargs="+", metavar="FILE", help="a .jsonl file of raw pages, - for stdin, or one page file")
    t = sub.add_parser("tail", help="print the records of a topic as JSON lines")
    t.add_argument("topics", nargs="+", metavar="TOPIC")
    t.add_argument("--new", action="store_true", help="only records that arrive from now on")
    t.add_argument("--idle", type=float, default=None, help="stop after this many seconds without a record")
    t.add_argument("--limit", type=int, default=None, help="stop after this many records")
    tp = sub.add_parser("topics", help="manage topics")
    tp.add_argument("action", choices=["create", "list"])
    return parser


def _need_broker(settings: Settings, command: str) -> int | None:
    if not settings.bootstrap_servers:
        print(f"newsworker {command}: set NEWSWORKER_BOOTSTRAP_SERVERS (e.g. 127.0.0.1:9092)", file=sys.stderr)
        return 2
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    if args.command == "process":
        from worker import batch

        return batch.main(args.paths, settings, show_stats=args.stats)
    if args.command == "run":
        if not settings.bootstrap_servers and not args.embedded:
            # A deployed worker whose bootstrap variable is missing or misspelt must not
            # start an empty in-memory broker and report ready.
            print("newsworker run: NEWSWORKER_BOOTSTRAP_SERVERS is not set; set it (e.g. kafka:9092), or pass --embedded for a throw-away in-memory broker", file=sys.stderr)
            return 2
        from worker.stream.runner import run

        return run(settings, embedded=args.embedded)
    if args.command == "demo":
        from worker.stream.runner import demo

        return demo(settings, args.paths, timeout=args.timeout, as_json=args.json)
    failed = _need_broker(settings, args.command)
    if failed is not None:
        return failed
    from worker.stream import admin

    if args.command == "send":
        missing = [p for p in args.paths if p != "-" and not os.path.isfile(p)]
        if missing:
            print(f"newsworker send: not a readable file: {missing[0]}", file=sys.stderr)
            return 2
        sent = asyncio.run(admin.send_messages(settings, admin.page_messages(args.paths, settings.limits)))
        print(f"newsworker send: {sent} messages to {settings.topics.raw}", file=sys.stderr)
        return 0
    if args.command == "tail":
        async def _tail() -> None:
            async for rec in admin.tail(settings, args.topics, from_beginning=not args.new, idle_timeout=args.idle, limit=args.limit):
                sys.stdout.write(orjson.dumps(rec).decode() + "\n")
                sys.stdout.flush()

        try:
            asyncio.run(_tail())
        except KeyboardInterrupt:
            pass
        return 0
    if args.command == "topics":
        if args.action == "create":
            created = asyncio.run(admin.create_topics(settings))
            print(f"newsworker topics: created {len(created)}: {', '.join(created) or '(all existed)'}", file=sys.stderr)
        else:
            for spec in admin.topic_specs(settings):
                print(f"{spec.name}\t{spec.partitions}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
