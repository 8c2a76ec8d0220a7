"""Command line: ``python -m bot run|check|ask|export|backup|purge``.

Settings are built here, never at import, so every subcommand reports a bad setting
as one clear line and exit code 2.
"""

from __future__ import annotations

import gc

if __name__ == "__main__":
    # A start builds objects that live as long as the process: modules, settings, the
    # playbook and its index. The collector would walk them over and over while they
    # are made, 0.1-0.17 s of each start here. It stays off until the bot is
    # assembled; then they are frozen out of every later collection (cmd_run).
    gc.disable()

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import logs, render
from bot.config import SettingsError, load_settings
from bot.playbook import LANGUAGES, ContentError, Lang, load_playbook
from bot.services import Library
from bot.store import StoreError

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
        library = Library.load(settings.content_dir, settings.library_cache())
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
    gc.freeze()
    gc.enable()
    return run_application(application, settings)


def _hit_rows(library: Library, query: str, lang: Lang) -> list[dict[str, object]]:
    return [
        {
            "kind": hit.entry.kind,
            "id": hit.entry.id,
            "title": hit.entry.title(lang),
            "score": hit.score,
        }
        for hit in library.index.search(query, limit=10)
    ]


def _queries_from_stdin() -> list[str]:
    """One query per line of standard input, as UTF-8; blank lines are queries too
    (each gets its line of output, so answers stay in step with the input)."""
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"line {line} of standard input is not UTF-8 text") from exc
    if not text.strip():
        raise InputError("no queries on standard input (give one query per line)")
    return text.removesuffix("\n").split("\n")


class InputError(Exception):
    """What the command was given cannot be read; the message says why."""


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.handlers.lookup import answer

    if args.query == "-":
        queries = [line.removesuffix("\r") for line in _queries_from_stdin()]
    else:
        queries = [args.query]
    library = Library.load(_content_dir(args))
    if args.query == "-" and args.json:
        # JSON Lines: one object per query, in input order, flushed as it goes.
        for query in queries:
            opens = library.index.answer(query).opens
            row = {
                "query": query,
                "opens": opens.id if opens is not None else None,
                "hits": _hit_rows(library, query, args.lang),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
        return EXIT_OK
    if args.json:
        print(json.dumps(_hit_rows(library, args.query, args.lang), ensure_ascii=False, indent=2))
        return EXIT_OK
    for number, query in enumerate(queries):
        if len(queries) > 1:
            print(f"{'' if number == 0 else chr(10)}── {query}")
        print(render.plain(answer(library, query, args.lang, None)))
    return EXIT_OK


def _parse_age(text: str) -> timedelta:
    """``90d``, ``12h`` or ``30m``: how old a flag must be to be purged."""
    units = {"d": "days", "h": "hours", "m": "minutes"}
    number, unit = text[:-1], text[-1:].lower()
    if unit not in units or not number.isdecimal() or int(number) <= 0:
        raise argparse.ArgumentTypeError(f"expected an age like 90d, 12h or 30m, not {text!r}")
    return timedelta(**{units[unit]: int(number)})


def cmd_export(args: argparse.Namespace) -> int:
    from bot import definitions, export, points, timezones
    from bot.language import group_language
    from bot.services import Library
    from bot.store import Store

    settings = load_settings()

    async def fetch() -> bytes | None:
        store = await Store.open(settings.database_path)
        try:
            round_name = None
            if args.round:
                found = await store.find_round(args.chat, args.round)
                if found is None:
                    return None
                round_name = found.name
            flags = await store.export_flags(args.chat, round_name)
            histories = await store.history_for(args.chat, [f.number for f in flags])
            where = timezones.zone(await store.get_timezone(args.chat))
            prepared = await points.for_export(store, args.chat, round_name)
            register = await definitions.for_export(store, args.chat, round_name)
            # In the chat's own language, as /export there.
            lang = await group_language(store, settings, args.chat) or settings.default_language
        finally:
            await store.close()
        playbook = Library.load(settings.content_dir).playbook
        titles = export.card_titles(flags, playbook, lang)
        if args.format == "csv":
            return export.to_csv(flags, histories, where, lang=lang, titles=titles)
        if args.format == "json":
            listed = export.points_to_json(
                prepared.points, prepared.histories, prepared.round_names
            )
            kept = export.definitions_to_json(register.definitions, register.asks)
            return export.to_json(
                flags, histories, where, points=listed, definitions=kept, lang=lang, titles=titles
            )
        return export.markdown_report(
            flags,
            histories,
            prepared,
            register,
            chat_title=str(args.chat),
            round_name=round_name,
            where=where,
            lang=lang,
            playbook=playbook,
        )

    data = asyncio.run(fetch())
    if data is None:
        print(f"error: chat {args.chat} has no round named {args.round!r}", file=sys.stderr)
        return EXIT_INVALID
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.store import backup_database

    source = load_settings().database_path
    asyncio.run(backup_database(source, Path(args.file)))
    print(f"backed up {source} to {args.file}")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.store import Store

    cutoff = datetime.now(UTC) - args.older_than

    async def purge() -> int:
        store = await Store.open(load_settings().database_path)
        try:
            return await store.purge_older_than(cutoff)
        finally:
            await store.close()

    count = asyncio.run(purge())
    flags = "flag" if count == 1 else "flags"
    print(f"deleted {count} {flags} created before {cutoff:%Y-%m-%d %H:%M} UTC")
    return EXIT_OK


def cmd_health(args: argparse.Namespace) -> int:
    """For the container HEALTHCHECK: the content loads and the database answers."""
    from bot.store import Store

    settings = load_settings()
    load_playbook(settings.content_dir)

    async def ping() -> None:
        store = await Store.open(settings.database_path)
        await store.close()

    asyncio.run(ping())
    print("ok")
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
    ask.add_argument("query", help="the query, or - to read one query per line from stdin")
    ask.add_argument("--lang", choices=LANGUAGES, default="en")
    ask.add_argument(
        "--json",
        action="store_true",
        help="the ranked hits as a JSON array; with -, one JSON line per query: "
        "query, opens (the card's id or null) and hits",
    )
    ask.add_argument("--content", metavar="DIR", help="content directory (default: CONTENT_DIR)")
    ask.set_defaults(func=cmd_ask)

    export = sub.add_parser("export", help="export a chat's flag log")
    export.add_argument("--chat", type=int, required=True, help="the chat id, e.g. -1001234567890")
    export.add_argument("--round", help="only this round")
    export.add_argument("--format", choices=("csv", "md", "json"), default="csv")
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    export.set_defaults(func=cmd_export)

    backup = sub.add_parser("backup", help="consistent copy of the database, safe while running")
    backup.add_argument("file")
    backup.set_defaults(func=cmd_backup)

    purge = sub.add_parser("purge", help="delete flags older than an age (retention)")
    purge.add_argument(
        "--older-than", type=_parse_age, required=True, metavar="AGE", help="e.g. 90d, 12h, 30m"
    )
    purge.set_defaults(func=cmd_purge)

    health = sub.add_parser("health", help="exit 0 if the content and database are usable")
    health.set_defaults(func=cmd_health)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.func is not cmd_run:
        gc.enable()  # only a start of the bot itself waits until it is assembled
    try:
        code: int = args.func(args)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return code


if __name__ == "__main__":
    sys.exit(main())
