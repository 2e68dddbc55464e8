"""One reader of input files for ``process`` and ``send``.

Why one: the same file must become the same page (same url, same decoding, same page and
article ids) whether it is processed in batch or sent through Kafka, and both must bound
what one over-long JSONL line can cost. A page file's url is its absolute ``file://``
uri; its bytes are decoded strictly (a file that is not UTF-8 is a dead letter in
``process`` and refused by ``send``, never silently repaired into other ids).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import orjson

from worker.pipeline.intake.decode import page_from_file
from worker.pipeline.intake.ids import page_id_for
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin

_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class InputItem:
    """One input: a ``pages.raw`` message (``path`` None) or a whole page file."""

    data: bytes
    origin: Origin
    path: str | None = None  # set for a page file: its file:// url


def file_url(path: str) -> str:
    return path if "://" in path else Path(path).resolve().as_uri()


def read_bounded_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes]]:
    """Lines of a JSONL stream, each cut at ``limit + 1`` bytes so that a gigabyte line
    with no newline costs bounded memory; the cut line still reaches intake, which
    rejects it as too large."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = stream.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
        if line.strip():
            yield number, line.rstrip(b"\r\n")


def read_inputs(paths: list[str], stdin: BinaryIO, limits: Limits) -> Iterator[InputItem]:
    """``-`` is JSONL on stdin, ``*.jsonl`` a file of raw-page messages, anything else one
    page file (``.html``/``.htm`` as HTML, the rest as text)."""
    for path in paths:
        if path == "-":
            for number, line in read_bounded_lines(stdin, limits.max_message_bytes):
                yield InputItem(line, Origin("stdin", line=number))
        elif path.endswith(".jsonl"):
            with open(path, "rb") as handle:
                for number, line in read_bounded_lines(handle, limits.max_message_bytes):
                    yield InputItem(line, Origin("file", path=path, line=number))
        else:
            with open(path, "rb") as handle:
                data = handle.read(limits.max_message_bytes + 1)
            yield InputItem(data, Origin("file", path=path), file_url(path))


def as_message(item: InputItem, limits: Limits) -> tuple[bytes, str | None]:
    """The ``pages.raw`` message for an input, and its page id where one can be known.

    A page file becomes the message the core would have built from it (same url, body and
    page id); a JSONL line without a page id gets the one the worker would derive, so the
    sender can track it; a line that is not a JSON object is sent as it is (the worker
    dead-letters it). Raises ``PageError`` for a page file the core would refuse."""
    if item.path is not None:
        page = page_from_file(item.path, item.data, limits)
        doc = {"page_id": page.page_id, "url": page.url, "body": page.body, "content_type": page.content_type}
        return orjson.dumps(doc), page.page_id
    try:
        doc = orjson.loads(item.data)
    except orjson.JSONDecodeError:
        return item.data, None
    if not isinstance(doc, dict):
        return item.data, None
    if isinstance(doc.get("page_id"), str) and doc["page_id"]:
        return item.data, doc["page_id"]
    if isinstance(doc.get("url"), str) and isinstance(doc.get("body"), str) and doc["url"]:
        doc["page_id"] = page_id_for(doc["url"], doc["body"])
        return orjson.dumps(doc), doc["page_id"]
    return item.data, None
