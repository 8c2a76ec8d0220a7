"""A restart is downtime for a team in session: what the bot does not need to start
stays out of its start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_bot_starts_without_the_board_server_or_the_yaml_parser() -> None:
    # aiohttp (the board, off unless WEB_APP_URL is set) is 0.2 s of imports and PyYAML
    # 60 ms; a start from the library cache parses no YAML.
    probe = (
        "import sys, bot.__main__, bot.app; "
        "print(sorted(m for m in ('aiohttp', 'yaml') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
