"""Command line: ``python -m bot run|check|ask|export|backup|purge``.

Settings are built here, never at import, so every subcommand reports a bad setting
as one clear line and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import SettingsError, load_settings
from bot.playbook import ContentError, load_playbook

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _content_dir(args: argparse.Namespace) -> Path:
    if getattr(args, "content", None):
        return Path(args.content)
    return load_settings().content_dir


def cmd_check(args: argparse.Namespace) -> int:
    directory = _content_dir(args)
    try:
        playbook = load_playbook(directory)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {directory}", file=sys.stderr)
        return EXIT_INVALID
    counts = ", ".join(f"{n} {kind}" for kind, n in playbook.counts().items())
    print(f"{directory}: OK: {counts}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playbook-bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate the content directory")
    check.add_argument("--content", metavar="DIR", help="content directory (default: CONTENT_DIR)")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    sys.exit(main())
