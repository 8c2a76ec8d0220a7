"""/settings: what this chat is set to; chat admins set its time zone and language.

``/settings timezone Europe/Kyiv`` takes IANA names in any case. Times are stored in
UTC; the zone decides only how records, log lines, the board, summaries and the
Markdown export show them. ``/settings language uk`` (or ``en``) is the one language
the bot speaks in the group, to every member (bot.language).
"""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import CommandHandler

from bot import access, render_log, timezones
from bot.context import AnyApplication
from bot.handlers import guards
from bot.handlers.common import NEW_MESSAGES, Context, command_text, reply
from bot.handlers.guards import Here, in_group
from bot.i18n import t
from bot.playbook import LANGUAGES, Lang
from bot.render import Rendered, shorten


async def _current(update: Update, context: Context, here: Here) -> str:
    lang, store = here.lang, context.store
    name = await store.get_timezone(here.chat_id) or timezones.DEFAULT_ZONE
    where = timezones.zone(name)
    now = render_log.when(datetime.now(UTC), lang, where, named=lang == "en")
    enrolled = await access.is_enrolled(update, context)
    watching = await store.get_watch(here.chat_id)
    lines = [
        f"⚙️ <b>{t(lang, 'settings_title')}</b>",
        t(lang, "settings_log_on" if enrolled else "settings_log_off"),
        t(lang, "settings_zone", zone=render_log.zone_name(where, lang), now=now),
        t(lang, "settings_watch_on" if watching else "settings_watch_off"),
        t(lang, "settings_lang", language=t(lang, f"language_{lang}")),
        "",
        f"<i>{t(lang, 'settings_hint')}</i>",
    ]
    return "\n".join(lines)


@in_group("settings", log=False)
async def settings_command(update: Update, context: Context, here: Here) -> None:
    lang = here.lang
    words = command_text(update.effective_message).split()
    if not words:
        await reply(update, context, Rendered(await _current(update, context, here)))
        return
    setting = words[0].casefold()
    if setting not in _SETTINGS or len(words) > 2:
        await reply(update, context, Rendered(t(lang, "settings_usage")))
        return
    if await guards.refuse_role(update, context, lang, access.COMMAND_ROLES[f"settings {setting}"]):
        return
    if len(words) < 2:
        await reply(update, context, Rendered(t(lang, "settings_usage")))
        return
    await _SETTINGS[setting](update, context, here, words[1])


async def _set_timezone(update: Update, context: Context, here: Here, value: str) -> None:
    lang = here.lang
    name = timezones.zone_name(value)
    if name is None:
        text = t(lang, "timezone_invalid", value=shorten(value, 40))
        await reply(update, context, Rendered(text))
        return
    await context.store.set_timezone(here.chat_id, name)
    where = timezones.zone(name)
    # In Ukrainian the zone is said once, by what its time is called.
    zone = name if lang == "en" else render_log.zone_said(where, lang)
    now = render_log.when(datetime.now(UTC), lang, where, named=lang == "en")
    await reply(update, context, Rendered(t(lang, "timezone_set", zone=zone, now=now)))


async def _set_language(update: Update, context: Context, here: Here, value: str) -> None:
    chosen = _LANGUAGE_WORDS.get(value.casefold().strip(".,"))
    if chosen is None:
        text = t(here.lang, "chat_language_invalid", value=shorten(value, 20))
        await reply(update, context, Rendered(text))
        return
    await context.store.set_chat_language(here.chat_id, chosen)
    # Said in the new language: from now on the whole group reads it.
    await reply(update, context, Rendered(t(chosen, "chat_language_set")))


_SETTINGS = {"timezone": _set_timezone, "language": _set_language}
# What an admin may type for each language: its code, or its name in either language.
_LANGUAGE_WORDS: dict[str, Lang] = {
    **{lang: lang for lang in LANGUAGES},
    **{t(shown, f"language_{lang}").casefold(): lang for lang in LANGUAGES for shown in LANGUAGES},
    "english": "en",
    "ukrainian": "uk",
    "ua": "uk",
}


def register(application: AnyApplication) -> None:
    application.add_handler(CommandHandler("settings", settings_command, filters=NEW_MESSAGES))
