"""docs/asyncapi.yaml: valid AsyncAPI 3.0, and true to the code.

Validity is checked by the reference parser, @asyncapi/parser (node), which validates
against the AsyncAPI 3.0 JSON Schema, resolves the $refs into ../schemas and lints the
result. It is installed outside the repo (NEWSWORKER_NODE_TOOLS, default
~/.cache/newsworker/node) with:

    npm install --prefix ~/.cache/newsworker/node --no-audit --no-fund --ignore-scripts @asyncapi/parser@3.6.6

and skipped with a visible reason where missing (CI sets NEWSWORKER_REQUIRE_TOOLS=1 to fail
instead). The consistency tests need only Python: every topic the worker creates is a
channel, the routing enums are the code's, every $ref resolves, and the message shapes
described here are the ones the worker produces.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest

from testkit.tools import load_yaml, require_tool

from worker.config import Settings
from worker.pipeline.intake.limits import Limits
from worker.pipeline.model import Origin
from worker.pipeline.dedup.index import DedupIndex
from worker.pipeline.process import dead_letter_record, decide, handle_input
from worker.pipeline.tagging.routing import IPTC_TOP_LEVEL, M49_REGIONS
from worker.pipeline.intake.schemas import SCHEMA_FILES, load_schema
from worker.stream.admin import topic_specs
from worker.stream.codec import decode_candidate, encode_candidate

REPO = Path(__file__).resolve().parents[1]
DOC_PATH = REPO / "docs" / "asyncapi.yaml"
SCHEMAS = REPO / "schemas"
SAMPLE = REPO / "worker" / "samples" / "01_port_strike_and_glacier.txt"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return load_yaml(DOC_PATH.read_text(encoding="utf-8"))


def pointer(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/"):
        node = pointer(doc, node["$ref"])
    return node


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            out += all_refs(value)
        return out
    if isinstance(node, list):
        return [ref for item in node for ref in all_refs(item)]
    return []


def channel_topics(doc: dict[str, Any]) -> dict[str, str]:
    """Topic name -> channel id, with parameterised addresses expanded over their enums."""
    out: dict[str, str] = {}
    for channel_id, channel in doc["channels"].items():
        address = channel["address"]
        params = re.findall(r"\{(\w+)\}", address)
        if not params:
            out[address] = channel_id
            continue
        assert len(params) == 1, address
        values = deref(doc, channel["parameters"][params[0]])["enum"]
        for value in values:
            out[address.replace("{" + params[0] + "}", value)] = channel_id
    return out


# --------------------------------------------------------------------------- the parser

NODE_SCRIPT = r"""
const { Parser, fromFile } = require('@asyncapi/parser');
(async () => {
  const parser = new Parser();
  const results = {};
  for (const path of process.argv.slice(1)) {
    const { document, diagnostics } = await fromFile(parser, path).parse();
    results[path] = {
      parsed: !!document,
      asyncapi: document ? document.version() : null,
      channels: document ? document.channels().all().map(c => c.address()) : [],
      operations: document ? document.operations().all().map(o => [o.id(), o.action()]) : [],
      diagnostics: diagnostics.map(d => ({ severity: d.severity, code: d.code, message: d.message, path: d.path })),
    };
  }
  console.log(JSON.stringify(results));
})().catch(e => { console.error(e && e.stack || e); process.exit(3); });
"""


def node_tools() -> Path:
    return Path(os.environ.get("NEWSWORKER_NODE_TOOLS", Path.home() / ".cache" / "newsworker" / "node"))


def run_parser(*paths: Path) -> dict[str, Any]:
    node = shutil.which("node")
    modules = node_tools() / "node_modules"
    require_tool(node is not None, "node is not installed")
    require_tool(
        (modules / "@asyncapi" / "parser" / "package.json").exists(),
        f"@asyncapi/parser not found under {modules} "
        f"(npm install --prefix {node_tools()} --no-audit --no-fund --ignore-scripts @asyncapi/parser@3.6.6)",
    )
    assert node is not None
    proc = subprocess.run(
        [node, "-e", NODE_SCRIPT, *map(str, paths)],
        env={**os.environ, "NODE_PATH": str(modules)},
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_asyncapi_parser_accepts_the_document_and_rejects_a_broken_copy(tmp_path: Path) -> None:
    # The broken copy sits in the same layout (docs/ beside schemas/) with one $ref to a
    # schema file that does not exist: it must fail, so the parser really follows $refs.
    (tmp_path / "docs").mkdir()
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    broken = tmp_path / "docs" / "asyncapi.yaml"
    text = DOC_PATH.read_text(encoding="utf-8")
    assert "../schemas/dead_letter.schema.json" in text
    broken.write_text(text.replace("../schemas/dead_letter.schema.json", "../schemas/dead_letters.schema.json"), encoding="utf-8")

    results = run_parser(DOC_PATH, broken)
    ours = results[str(DOC_PATH)]
    problems = [d for d in ours["diagnostics"] if d["severity"] <= 1]  # 0 error, 1 warning
    assert ours["parsed"], problems
    assert not problems, problems
    assert ours["asyncapi"] == "3.0.0"
    assert set(ours["channels"]) == {c["address"] for c in load_yaml(text)["channels"].values()}
    assert {action for _, action in ours["operations"]} == {"send", "receive"}

    theirs = results[str(broken)]
    assert not theirs["parsed"]
    assert any("dead_letters.schema.json" in d["message"] for d in theirs["diagnostics"] if d["severity"] == 0)


# --------------------------------------------------------------------------- consistency


def test_every_topic_the_worker_creates_is_a_channel_and_nothing_else(doc: dict[str, Any]) -> None:
    specs = {spec.name: spec for spec in topic_specs(Settings())}
    topics = channel_topics(doc)
    assert set(topics) == set(specs)
    for name, spec in specs.items():
        binding = doc["channels"][topics[name]]["bindings"]["kafka"]
        assert binding["partitions"] == spec.partitions, name
        if "topic" in binding:
            assert binding["topic"] == name
        configured = binding.get("topicConfiguration", {})
        for key, value in configured.items():
            assert str(value) == spec.config.get(key), f"{name}: {key}"


def test_routing_enums_are_the_codes(doc: dict[str, Any]) -> None:
    region = doc["channels"]["articlesByRegion"]
    topic = doc["channels"]["articlesByTopic"]
    assert deref(doc, region["parameters"]["region"])["enum"] == list(M49_REGIONS)
    assert deref(doc, topic["parameters"]["topic"])["enum"] == list(IPTC_TOP_LEVEL.values())
    prefix = Settings().topics.route_prefix
    assert region["address"] == prefix + "region.{region}"
    assert topic["address"] == prefix + "topic.{topic}"


def test_every_ref_resolves_and_every_schema_file_is_used(doc: dict[str, Any]) -> None:
    refs = all_refs(doc)
    external = set()
    for ref in refs:
        if ref.startswith("#/"):
            pointer(doc, ref)
        else:
            target = (DOC_PATH.parent / ref).resolve()
            assert target.is_file(), ref
            assert target.parent == SCHEMAS.resolve()
            json.loads(target.read_text(encoding="utf-8"))
            external.add(target.name)
    assert external == set(SCHEMA_FILES.values()) == {p.name for p in SCHEMAS.glob("*.schema.json")}


def test_operations_are_from_the_workers_point_of_view(doc: dict[str, Any]) -> None:
    actions: dict[str, set[str]] = {}
    for op in doc["operations"].values():
        channel_id = op["channel"]["$ref"].rsplit("/", 1)[1]
        actions.setdefault(channel_id, set()).add(op["action"])
    assert set(actions) == set(doc["channels"]), "every channel needs an operation"
    assert actions["pagesRaw"] == {"receive"}
    assert actions["articlesCandidates"] == {"send", "receive"}
    for output in ("articlesClean", "articlesDuplicates", "pagesDlq", "articlesByRegion", "articlesByTopic"):
        assert actions[output] == {"send"}, output


def test_every_message_documents_its_key(doc: dict[str, Any]) -> None:
    for channel_id, channel in doc["channels"].items():
        for message in channel["messages"].values():
            message = deref(doc, message)
            key = deref(doc, message["bindings"]["kafka"]["key"])
            assert key["type"] == "string" and key["description"].strip(), channel_id


def test_dead_letter_headers_and_key_match_what_the_worker_writes(doc: dict[str, Any]) -> None:
    message = deref(doc, doc["components"]["messages"]["deadLetter"])
    headers = deref(doc, message["headers"])
    # The worker writes error.type, error.message and origin.<field> for each field a
    # Kafka origin has (worker/stream/app.py publish()).
    origin = Origin("kafka", topic="pages.raw", partition=2, offset=1041, key="p-1")
    written = {"error.type", "error.message"} | {f"origin.{k}" for k in origin.as_dict()}
    assert written <= set(headers["properties"])
    assert set(headers["required"]) <= written
    # Every error kind raised in the code fits the documented header pattern.
    kinds = set()
    for path in (REPO / "worker").rglob("*.py"):
        kinds.update(re.findall(r"""PageError\(\s*["']([^"']+)["']""", path.read_text(encoding="utf-8")))
    assert kinds
    pattern = re.compile(headers["properties"]["error.type"]["pattern"])
    assert all(pattern.match(kind) for kind in kinds), kinds
    # The key description's origin example is what the code produces for a page without id.
    letter = {"page_id": None, "origin": Origin("kafka", topic="pages.raw", partition=2, offset=1041).as_dict()}
    key = dead_letter_record(letter).key
    assert f"`{key}`" in message["bindings"]["kafka"]["key"]["description"]


def test_candidate_payload_describes_what_the_analyze_stage_sends(doc: dict[str, Any]) -> None:
    message = deref(doc, doc["components"]["messages"]["candidate"])
    validate = fastjsonschema.compile(message["payload"])
    raw = json.dumps({"page_id": "p-asyncapi", "url": "https://example.org/news/1", "body": SAMPLE.read_text(encoding="utf-8")})
    outcome = handle_input(raw.encode(), Origin("kafka", topic="pages.raw", partition=0, offset=0), Limits())
    assert outcome.dead_letter is None and outcome.candidates
    article_schema = fastjsonschema.compile(load_schema("article"))
    description = message["payload"]["properties"]["article"]["description"]
    verdict_fields = set(re.findall(r"`(\w+)`", description))
    for candidate in outcome.candidates:
        wire = json.loads(encode_candidate(candidate, 1_700_000_000.5))
        validate(wire)
        # The article lacks exactly the verdict fields the description names; with them
        # added (as the dedup stage does) it is a valid article.schema.json record.
        # ... and without the text, which its paragraphs rebuild.
        assert wire["text_from"] == "paragraphs" and "text" not in wire["article"]
        assert set(load_schema("article")["required"]) - set(wire["article"]) == verdict_fields | {"text"}
        assert decode_candidate(encode_candidate(candidate))[0] == candidate
    # The dedup stage's published record is the candidate's article plus those fields.
    published = decide(outcome.candidates[0], DedupIndex(), ts=1_700_000_000.0)[0]
    assert published.role == "articles"
    article_schema(published.value)
    assert set(published.value) - set(outcome.candidates[0].article) == verdict_fields
    # ... and the payload schema is not one that accepts anything.
    wire = json.loads(encode_candidate(outcome.candidates[0]))
    wire["fingerprint"]["exact"] = "not-hex"
    with pytest.raises(fastjsonschema.JsonSchemaException):
        validate(wire)
