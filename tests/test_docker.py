"""The Docker image as an operator gets it: built from the checkout, run against the fake
Bot API on 127.0.0.1 (``--network host``, settings as environment variables), stopped
with SIGTERM (``docker stop``) and started again on the same ``/data`` volume.

Marked ``docker``: ``pytest -m "not docker"`` leaves it out. Where no Docker engine is
reachable the module is skipped with the reason, except when ``.ci/run`` has started
one with ``../shared/tools/docker-standin`` (it sets ``PLAYBOOK_DOCKER_REQUIRED=1``):
then an unreachable engine fails the run, so a broken image cannot pass CI by skipping.

Everything made here (the image tag, the volume, the containers) carries one random
suffix and is removed at the end, so runs on one machine do not meet. The builder
stage's dependency layer stays in the engine as build cache (an untagged image, as
``docker image prune`` shows), so the next run reinstalls no dependency unless
pyproject.toml changed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.bot_process import ROOT, BotProcess, RecordingBotAPI
from tests.test_e2e import TOKEN, TOKEN_SECRET, assert_clean_log, say, sent_to

pytestmark = pytest.mark.docker

REQUIRED = "PLAYBOOK_DOCKER_REQUIRED"
ADMIN_ID = 9001
GROUP = -1001234567890  # enrolled with /enable in the story
WAIT = 10.0  # seconds for one reply
START = 120.0  # seconds for a container to reach its first getUpdates (vfs is slow)
STOP_WITHIN = 5.0  # seconds from `docker stop` (SIGTERM) to the container's exit
# What a developer's checkout holds that must never reach the image.
DECOY_SECRET = "654321:AADecoyTokenFromADeveloperDotEnv"
FORBIDDEN_NAMES = (".env", ".git", ".venv", "test_docker.py", "fake_bot_api.py", "conftest.py")
BUILD_TOOLS = ("gcc", "cc", "g++", "make", "ld")


def docker(*args: str, timeout: float = 120, check: bool = True) -> str:
    """Run the docker CLI; its stdout, or AssertionError with what it said."""
    done = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


def engine_problem() -> str | None:
    """Why no Docker engine can be used here, or None."""
    if shutil.which("docker") is None:
        return "no docker command on PATH"
    try:
        done = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "docker info did not answer within 30 s"
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        return f"no Docker engine reachable ({said[-1] if said else 'docker info failed'})"
    return None


@dataclass
class Image:
    tag: str
    build_seconds: float
    size_bytes: int
    config: dict[str, Any]


def build_context(into: Path) -> Path:
    """The checkout as a developer has it: its files, plus a .env with a token, a local
    database in data/ and a .git, which .dockerignore must keep out of the image."""
    skip = shutil.ignore_patterns(
        ".git", ".venv", ".env", "data", "__pycache__", "*_cache", ".hypothesis", "*.egg-info"
    )
    shutil.copytree(ROOT, into, ignore=skip)
    (into / ".env").write_text(f"BOT_TOKEN={DECOY_SECRET}\n", encoding="utf-8")
    (into / "data").mkdir()
    sqlite3.connect(into / "data" / "playbook.sqlite3").close()
    (into / ".git").mkdir()
    (into / ".git" / "config").write_text(f"# {DECOY_SECRET}\n", encoding="utf-8")
    return into


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Image]:
    problem = engine_problem()
    if problem is not None:
        if os.environ.get(REQUIRED):
            pytest.fail(f"{problem}, though {REQUIRED} is set (.ci/run started docker-standin)")
        pytest.skip(f"{problem}: start one with ../shared/tools/docker-standin, as CI does")
    context = build_context(tmp_path_factory.mktemp("docker") / "context")
    tag = f"playbook-bot-test:{uuid.uuid4().hex[:12]}"
    started = time.monotonic()
    done = subprocess.run(
        ["docker", "build", "--network", "host", "--tag", tag, str(context)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    seconds = time.monotonic() - started
    try:
        assert done.returncode == 0, f"docker build failed:\n{done.stdout[-4000:]}{done.stderr}"
        [inspected] = json.loads(docker("image", "inspect", tag))
        yield Image(tag, seconds, int(inspected["Size"]), inspected["Config"])
    finally:
        docker("image", "rm", tag, check=False)


@pytest.fixture
def api() -> Iterator[RecordingBotAPI]:
    with RecordingBotAPI(token=TOKEN) as server:
        yield server


@pytest.fixture
def volume() -> Iterator[str]:
    name = f"playbook-test-{uuid.uuid4().hex[:12]}"
    docker("volume", "create", name)
    try:
        yield name
    finally:
        docker("volume", "rm", "--force", name, check=False)


class Containers:
    """``docker run`` (attached) as a BotProcess: its output, exit code and start-up time
    to the first getUpdates, as for the bot run directly. Each start is a fresh container."""

    def __init__(self, api: RecordingBotAPI, image: Image, volume: str, workdir: Path) -> None:
        self.image = image
        self.volume = volume
        self.names: list[str] = []
        # The settings go to the docker client's environment and from there, by name
        # only (`-e NAME`), into the container: the token never appears in argv.
        self.bot = BotProcess(api, workdir, ADMIN_IDS=str(ADMIN_ID), LOG_LEVEL="INFO")

    def start(self) -> str:
        name = f"playbook-test-{uuid.uuid4().hex[:12]}"
        self.names.append(name)
        passed = ("BOT_TOKEN", "BOT_API_URL", "THROTTLE", "ADMIN_IDS", "LOG_LEVEL")
        self.bot.command = [
            "docker",
            "run",
            "--name",
            name,
            "--network",
            "host",
            *(arg for setting in passed for arg in ("--env", setting)),
            "--volume",
            f"{self.volume}:/data",
            # The image's own HEALTHCHECK command, probed every second instead of every
            # minute so the test sees its verdict.
            "--health-interval",
            "1s",
            "--health-start-period",
            "0s",
            self.image.tag,
        ]
        self.bot.start()
        return name

    def stop(self, name: str) -> tuple[int, float]:
        """``docker stop`` (SIGTERM, SIGKILL after 20 s): the exit code and the seconds."""
        started = time.monotonic()
        docker("stop", "--time", "20", name, timeout=60)
        seconds = time.monotonic() - started
        return self.bot.wait_exit(timeout=30), seconds

    def cleanup(self) -> None:
        for name in self.names:
            docker("rm", "--force", name, check=False)
        self.bot.kill()


@pytest.fixture
def containers(
    api: RecordingBotAPI, image: Image, volume: str, tmp_path: Path
) -> Iterator[Containers]:
    made = Containers(api, image, volume, tmp_path / "containers")
    try:
        yield made
    finally:
        made.cleanup()
        print(made.bot.dump())  # pytest shows this only for a failed test
    assert TOKEN_SECRET not in made.bot.all_output(), "the bot token leaked into the output"


def exec_python(name: str, code: str) -> Any:
    """Run ``code`` with the container's python, as its user; the JSON it prints."""
    return json.loads(docker("exec", name, "python", "-c", code))


INSIDE = f"""
import json, os, shutil
found = [os.path.join("/", name) for name in os.listdir("/") if name in ("tests", "bench")]
for top in ("/app", "/opt", "/data", "/home", "/root", "/tmp", "/srv", "/src", "/"):
    for path, dirs, files in os.walk(top):
        for entry in dirs + files:
            if entry in {FORBIDDEN_NAMES!r}:
                found.append(os.path.join(path, entry))
        if top == "/":
            break  # only the top level here: the rest of / is the base image
leaked = []
for path, dirs, files in os.walk("/app"):
    for file in files:
        with open(os.path.join(path, file), "rb") as handle:
            if {DECOY_SECRET.encode()!r} in handle.read():
                leaked.append(os.path.join(path, file))
probe = "/data/.write-probe"
with open(probe, "w") as handle:
    handle.write("ok")
os.remove(probe)
print(json.dumps({{
    "uid": os.getuid(),
    "app": sorted(os.listdir("/app")),
    "forbidden": sorted(set(found)),
    "leaked": leaked,
    "tools": [tool for tool in {BUILD_TOOLS!r} if shutil.which(tool)],
    "data_owner_uid": os.stat("/data").st_uid,
    "database_owner_uid": os.stat("/data/playbook.sqlite3").st_uid,
}}))
"""


def wait_healthy(name: str, timeout: float = 60.0) -> dict[str, Any]:
    """The container's health once Docker has run the image's HEALTHCHECK and it passed."""
    deadline = time.monotonic() + timeout
    while True:
        health: dict[str, Any] = json.loads(
            docker("inspect", "--format", "{{json .State.Health}}", name)
        )
        if health["Status"] == "healthy":
            return health
        if health["Status"] == "unhealthy" or time.monotonic() > deadline:
            raise AssertionError(f"the HEALTHCHECK did not pass: {health}")
        time.sleep(0.5)


def volume_files(name: str, into: Path) -> list[str]:
    """What the stopped container left on its /data volume, copied out to ``into``."""
    archive = subprocess.run(
        ["docker", "cp", f"{name}:/data", "-"], capture_output=True, timeout=60, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
        return sorted(
            member.name.removeprefix("data/") for member in tar.getmembers() if member.isfile()
        )


def startup_figures(name: str, bot: BotProcess) -> tuple[float, float]:
    """Seconds from `docker run` to the first getUpdates, and from the moment the engine
    says the container started (after creating its file system) to then."""
    started_at = docker("inspect", "--format", "{{.State.StartedAt}}", name).strip()
    started = datetime.fromisoformat(started_at[:26].rstrip("Z") + "+00:00").timestamp()
    ready_wall = time.time() - (time.monotonic() - bot.ready_at)
    return bot.ready_at - bot.started_at, ready_wall - started


async def test_a_team_runs_the_bot_in_docker_across_a_restart(
    api: RecordingBotAPI,
    containers: Containers,
    image: Image,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The image an operator pulls: runs as a user of its own, health command, /data.
    assert image.config["User"] == "bot"
    assert image.config["Healthcheck"]["Test"] == ["CMD", "python", "-m", "bot", "health"]
    assert "/data" in image.config["Volumes"]
    assert image.config["Cmd"] == ["python", "-m", "bot", "run"]

    bot = containers.bot
    first = containers.start()
    bot.wait_ready(START)
    run_to_ready, process_to_ready = startup_figures(first, bot)

    # A delegate looks a term up in a private chat, with a typo.
    ann = api.user(42, "Ann", language_code="en")
    card = await say(api, 42, ann, "/term root cuases")
    assert card["visible_text"].startswith("📕 Elimination of root causes")

    # The team's group is enrolled by a bot admin (ADMIN_IDS came in as -e), and flags.
    taras = api.user(101, "Taras", "taras")
    refused = await say(api, GROUP, taras, "/flag a statement")
    assert "has no flag log" in refused["visible_text"]
    enabled = await say(api, GROUP, api.user(ADMIN_ID, "Bot Admin"), "/enable")
    assert enabled["visible_text"].startswith("This chat now keeps a flag log")
    flagged = await say(api, GROUP, taras, "/flag Lavrov: the talks failed because of Kyiv")
    assert flagged["visible_text"].startswith("🚩 #1 flagged")

    # Inside the running container: not root, /data writable and holding the database,
    # nothing from the checkout that must not ship, no compiler.
    inside = exec_python(first, INSIDE)
    assert inside["uid"] != 0
    assert inside["data_owner_uid"] == inside["database_owner_uid"] == inside["uid"]
    assert inside["app"] == ["bot", "content"]
    assert inside["forbidden"] == [] and inside["leaked"] == []
    assert inside["tools"] == []
    health = wait_healthy(first)
    assert health["Log"][-1]["ExitCode"] == 0 and health["Log"][-1]["Output"].strip() == "ok"

    # SIGTERM: the bot stops within seconds, exit code 0, the database closed cleanly
    # (the last connection out checkpoints and removes the write-ahead log).
    code, stop_seconds = containers.stop(first)
    assert code == 0
    assert stop_seconds < STOP_WITHIN
    assert_clean_log(bot)
    assert "Application.stop() complete" in bot.output()
    assert api.pending_updates == []
    # The database without WAL files, and the built library kept for a quick restart.
    assert volume_files(first, tmp_path / "volume") == [
        "playbook.sqlite3",
        "playbook.sqlite3.library",
    ]
    with sqlite3.connect(
        f"file:{tmp_path / 'volume' / 'data' / 'playbook.sqlite3'}?mode=ro", uri=True
    ) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT number, text FROM flags").fetchall() == [
            (1, "the talks failed because of Kyiv")
        ]

    # A fresh container on the same volume: the flag is there, numbering continues,
    # and a chat admin exports the log.
    second = containers.start()
    bot.wait_ready(START)
    shown = await say(api, GROUP, taras, "/show 1")
    assert shown["visible_text"].startswith("🚩 #1")
    assert "the talks failed because of Kyiv" in shown["visible_text"]
    olena = api.user(303, "Olena", "olena")
    api.set_chat_member(GROUP, olena["id"], "administrator")
    again = await say(api, GROUP, olena, "/flag Peskov: a second statement")
    assert again["visible_text"].startswith("🚩 #2 flagged")
    mark = api.mark()
    done = await say(api, GROUP, olena, "/export")
    assert done["visible_text"].startswith("Export of 2 flags:")
    await api.wait_for("sendDocument", timeout=WAIT, count=2, since=mark)
    documents = {doc["filename"].rsplit(".", 1)[1]: doc for doc in api.documents}
    rows = list(csv.DictReader(io.StringIO(documents["csv"]["content"].decode("utf-8-sig"))))
    assert [(row["number"], row["speaker"], row["text"]) for row in rows] == [
        ("1", "Lavrov", "the talks failed because of Kyiv"),
        ("2", "Peskov", "a second statement"),
    ]
    await api.wait_for("sendMessage", sent_to(GROUP, "flagged"), timeout=WAIT, count=2)

    code, second_stop = containers.stop(second)
    assert code == 0 and second_stop < STOP_WITHIN
    assert_clean_log(bot)
    assert api.rejections == []

    with capsys.disabled():
        print(
            f"\n[docker] image {image.tag}: built in {image.build_seconds:.1f} s, "
            f"{image.size_bytes / 1e6:.0f} MB; `docker run` to first getUpdates "
            f"{run_to_ready:.1f} s ({process_to_ready:.1f} s after the engine started it); "
            f"docker stop (SIGTERM) {stop_seconds:.1f} s and {second_stop:.1f} s"
        )
