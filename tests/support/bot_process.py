"""The bot as a real process: ``python -m bot run`` against a fake Bot API on 127.0.0.1.

Used by the end-to-end tests and by ``bench/e2e.py``. Everything a user of the bot
could set is set explicitly in the child's environment (see :func:`bot_environment`),
so neither the developer's shell nor a ``.env`` file in the repository root changes
what a test runs: pydantic-settings lets environment variables win over ``.env``.

Each start writes the process's stdout and stderr to their own files under the
process's working folder; :meth:`BotProcess.output` reads them back for assertions
and :meth:`BotProcess.dump` for a failure report.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent.parent
CONTENT = ROOT / "content"

# Every field of bot.config.Settings, as an environment variable.
SETTING_NAMES = (
    "BOT_TOKEN",
    "BOT_API_URL",
    "DATABASE_PATH",
    "CONTENT_DIR",
    "DEFAULT_LANGUAGE",
    "THROTTLE",
    "LOG_LEVEL",
    "ADMIN_IDS",
    "ALLOWED_CHATS",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEB_APP_URL",
    "WEB_LISTEN",
    "WEB_PORT",
    "WEB_APP_SHORT_NAME",
    "WEB_AUTH_MAX_AGE_S",
)

_METHOD_IN_PATH = re.compile(r"/bot[^/]*/([^/?]+)")


class RecordingBotAPI(FakeBotAPI):
    """The fake Bot API, also noting when each request *arrives*.

    ``FakeBotAPI.calls`` records a request when it is answered, and a long-polling
    ``getUpdates`` is answered only when updates come or its timeout ends; start-up
    is measured to the moment the first ``getUpdates`` reaches the server. It also
    keeps cheap per-method counters of answered requests, for benchmarks that must
    not scan the call list while the bot is busy.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = threading.Condition()
        self._arrivals: list[tuple[float, str]] = []
        self._answered: Counter[str] = Counter()

    def handle_http(
        self, path: str, query: str, content_type: str, body: bytes
    ) -> tuple[int, dict[str, Any]]:
        match = _METHOD_IN_PATH.fullmatch(path)
        method = match.group(1) if match else path
        with self._seen:
            self._arrivals.append((time.monotonic(), method))
            self._seen.notify_all()
        try:
            return super().handle_http(path, query, content_type, body)
        finally:
            with self._seen:
                self._answered[method] += 1
                self._seen.notify_all()

    def arrivals(self, method: str | None = None, since: float = 0.0) -> list[float]:
        """Monotonic times at which requests (of ``method``) arrived, at or after ``since``."""
        with self._seen:
            return [at for at, name in self._arrivals if at >= since and method in (None, name)]

    def answered(self, method: str) -> int:
        """How many requests of ``method`` were answered (ok or not)."""
        with self._seen:
            return self._answered[method]

    def wait_answered(self, method: str, count: int, timeout: float) -> float:
        """Block until ``count`` requests of ``method`` were answered in all; returns the
        monotonic time at which the last of them was."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while self._answered[method] < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{self._answered[method]} of {count} {method} answered in {timeout}s"
                    )
                self._seen.wait(remaining)
            return time.monotonic()

    @contextmanager
    def holding_updates(self) -> Iterator[None]:
        """Queue many updates as one batch: no request is answered until the block ends,
        so a poller sees them all at once."""
        with self._lock:
            yield

    def wait_for_arrival(
        self,
        methods: tuple[str, ...],
        since: float,
        timeout: float,
        alive: Any = None,
    ) -> float:
        """The arrival time of the first request of one of ``methods`` at or after ``since``.

        ``alive`` (a callable) is asked between waits; when it says False the wait ends
        early with AssertionError, so a process that died is reported at once.
        """
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for at, name in self._arrivals:
                    if at >= since and name in methods:
                        return at
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {'/'.join(methods)} request within {timeout}s")
                if alive is not None and not alive():
                    raise AssertionError(f"the process ended before any {'/'.join(methods)}")
                self._seen.wait(min(remaining, 0.05))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_environment(
    api: FakeBotAPI | None, database: Path, **overrides: str | None
) -> dict[str, str]:
    """The child's environment: the parent's minus every bot setting, then each setting
    given explicitly. An override of ``None`` leaves that setting out entirely."""
    env = {key: value for key, value in os.environ.items() if key.upper() not in SETTING_NAMES}
    settings: dict[str, str | None] = {
        "BOT_TOKEN": api.token if api is not None else "",
        "BOT_API_URL": api.base_url if api is not None else "http://127.0.0.1:9/bot",
        "DATABASE_PATH": str(database),
        "CONTENT_DIR": str(CONTENT),
        "DEFAULT_LANGUAGE": "en",
        # As in production: the fake Bot API enforces Telegram's flood limits.
        "THROTTLE": "true",
        "LOG_LEVEL": "INFO",
        "ADMIN_IDS": "",
        "ALLOWED_CHATS": "",
        "WEBHOOK_URL": "",
        "WEBHOOK_SECRET": "",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": "8443",
        "WEB_APP_URL": "",
    }
    settings.update(overrides)
    env.update({key: value for key, value in settings.items() if value is not None})
    env["PYTHONUNBUFFERED"] = "1"
    return env


class BotProcess:
    """One bot process at a time, restartable on the same database and settings."""

    def __init__(
        self,
        api: RecordingBotAPI | None,
        workdir: Path,
        *,
        command: list[str] | None = None,
        **settings: str | None,
    ) -> None:
        self.api = api
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database = workdir / "db.sqlite3"
        self.settings = settings
        self.env = bot_environment(api, self.database, **settings)
        self.command = command or [sys.executable, "-m", "bot", "run"]
        self.process: subprocess.Popen[bytes] | None = None
        self.runs = 0
        self.started_at = 0.0
        self.ready_at = 0.0

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> BotProcess:
        if self.running:
            raise RuntimeError("the bot process is already running")
        self.runs += 1
        stdout = self._path("stdout").open("wb")
        stderr = self._path("stderr").open("wb")
        try:
            self.started_at = time.monotonic()
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        finally:
            stdout.close()
            stderr.close()
        return self

    def wait_ready(self, timeout: float = 20.0) -> float:
        """Wait for the first getUpdates (polling) or setWebhook of this run; returns the
        seconds from process start to then."""
        if self.api is None:
            raise RuntimeError("no fake Bot API to watch")
        try:
            at = self.api.wait_for_arrival(
                ("getUpdates", "setWebhook"), self.started_at, timeout, alive=lambda: self.running
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.dump()}") from None
        self.ready_at = at
        return at - self.started_at

    def start_ready(self, timeout: float = 20.0) -> BotProcess:
        self.start()
        self.wait_ready(timeout)
        return self

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("not started")
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_exit(self, timeout: float = 20.0) -> int:
        """The exit code; kills the process and fails if it does not end in time."""
        assert self.process is not None, "not started"
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the bot did not exit within {timeout}s\n{self.dump()}") from None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Send ``sig`` (SIGTERM: a graceful stop) and return the exit code."""
        assert self.process is not None, "not started"
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.wait_exit(timeout)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would; no clean-up runs in the bot."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    # -- what it said ----------------------------------------------------------------------

    def _path(self, stream: str, run: int | None = None) -> Path:
        return self.workdir / f"run{run or self.runs}.{stream}"

    def stderr(self, run: int | None = None) -> str:
        path = self._path("stderr", run)
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def stdout(self, run: int | None = None) -> str:
        path = self._path("stdout", run)
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def output(self, run: int | None = None) -> str:
        """stdout and stderr of one run (default: the latest)."""
        return self.stdout(run) + self.stderr(run)

    def all_output(self) -> str:
        return "".join(self.output(run) for run in range(1, self.runs + 1))

    def dump(self) -> str:
        """Every run's output, for a failure report."""
        parts = []
        for run in range(1, self.runs + 1):
            parts.append(f"----- bot run {run}: stdout -----\n{self.stdout(run)}")
            parts.append(f"----- bot run {run}: stderr -----\n{self.stderr(run)}")
        return "\n".join(parts)

    def peak_rss_kib(self) -> int | None:
        """VmHWM of the running process from /proc (Linux), in KiB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) if match else None


class BotProcesses:
    """Makes bot processes (not started), each in its own folder below ``directory``
    with ``defaults`` under its own settings; remembers them all in ``made``."""

    def __init__(self, api: RecordingBotAPI, directory: Path, **defaults: str | None) -> None:
        self.api = api
        self.directory = directory
        self.defaults = defaults
        self.made: list[BotProcess] = []

    def __call__(self, name: str = "bot", **settings: str | None) -> BotProcess:
        bot = BotProcess(self.api, self.directory / name, **{**self.defaults, **settings})
        self.made.append(bot)
        return bot


@contextmanager
def bot_processes(
    api: RecordingBotAPI, directory: Path, **defaults: str | None
) -> Iterator[BotProcesses]:
    """Bot processes for one test: at the end every one of them is killed, whatever
    happened, and its output printed (pytest shows it for a failed test)."""
    processes = BotProcesses(api, directory, **defaults)
    try:
        yield processes
    finally:
        for bot in processes.made:
            bot.kill()
        for bot in processes.made:
            print(bot.dump())
