"""Command line: ``python -m bot run|check|ask|export|backup|purge``.

Settings are built here, never at import, so every subcommand reports a bad setting
as one clear line and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import logs, render
from bot.config import SettingsError, load_settings
from bot.playbook import LANGUAGES, ContentError, load_playbook
from bot.services import Library

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


BOTFATHER_HELP = """\
error: BOT_TOKEN is not set.

Get a token from @BotFather in Telegram (send /newbot, pick a name), then either
  export BOT_TOKEN=123456:ABC...
or put the line BOT_TOKEN=123456:ABC... in a file named .env in this folder
(copy .env.example to start). Then run the bot again."""


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.token():
        print(BOTFATHER_HELP, file=sys.stderr)
        return EXIT_USAGE
    logs.configure(settings.log_level, settings.token())
    try:
        library = Library.load(settings.content_dir)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"error: the content in {settings.content_dir} is invalid; not starting",
            file=sys.stderr,
        )
        return EXIT_INVALID
    from bot.app import build_application, run_application

    application = build_application(settings, library)
    return run_application(application, settings)


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.handlers.lookup import answer

    library = Library.load(_content_dir(args))
    hits = library.index.search(args.query, limit=10)
    if args.json:
        rows = [
            {
                "kind": hit.entry.kind,
                "id": hit.entry.id,
                "title": hit.entry.title(args.lang),
                "score": hit.score,
            }
            for hit in hits
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(render.plain(answer(library, args.query, args.lang, None)))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playbook-bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate the content directory")
    check.add_argument("--content", metavar="DIR", help="content directory (default: CONTENT_DIR)")
    check.set_defaults(func=cmd_check)

    run = sub.add_parser(
        "run", help="run the bot (long polling, or a webhook if WEBHOOK_URL is set)"
    )
    run.set_defaults(func=cmd_run)

    ask = sub.add_parser("ask", help="print what the bot would answer to a query")
    ask.add_argument("query")
    ask.add_argument("--lang", choices=LANGUAGES, default="en")
    ask.add_argument("--json", action="store_true", help="the ranked hits as a JSON array")
    ask.add_argument("--content", metavar="DIR", help="content directory (default: CONTENT_DIR)")
    ask.set_defaults(func=cmd_ask)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    return code


if __name__ == "__main__":
    sys.exit(main())
