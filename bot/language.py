"""Which language the bot speaks to a reader: said once, for chats, buttons, the board
and the error handler alike.

- A private chat follows its user: the language chosen with /lang, else their
  Telegram's. Telegram in Russian gets Ukrainian: in a Ukrainian delegation such a
  user is most likely a colleague, not a Russian speaker.
- A group speaks one language, whoever writes: the one its admins set with
  ``/settings language``, stored when the chat was enrolled as its enroller's. A
  group that keeps a log with none stored (switched on in the configuration, or
  enrolled before groups had a language) speaks the bot's default; a group that is
  not the team's yet answers each sender in their own.
"""

from __future__ import annotations

from typing import Protocol

from bot.config import Settings
from bot.playbook import Lang, as_lang

# Telegram language codes answered in Ukrainian besides Ukrainian's own.
_UKRAINIAN_FOR = ("uk", "ru", "be")


class LanguageStore(Protocol):
    async def get_language(self, user_id: int) -> str | None: ...

    async def get_chat_language(self, chat_id: int) -> str | None: ...

    async def is_enrolled(self, chat_id: int) -> bool: ...


def telegram_language(code: str | None, default: Lang) -> Lang:
    """The language for a Telegram ``language_code``: Ukrainian for Ukrainian, Russian
    and Belarusian, English for English, else ``default``."""
    base = (code or "").lower().split("-")[0]
    if base in _UKRAINIAN_FOR:
        return "uk"
    if base == "en":
        return "en"
    return default


def menu_languages(default: Lang) -> list[tuple[str | None, Lang]]:
    """The command menus Telegram is to show, as (language_code, language): the one
    for every code without its own (None) in ``default``, then one for each code
    :func:`telegram_language` answers in another language, so the menu a member sees
    is in the language the bot answers them in (Telegram in Russian: Ukrainian)."""
    own = [(code, telegram_language(code, default)) for code in ("en", *_UKRAINIAN_FOR)]
    return [(None, default), *((code, lang) for code, lang in own if lang != default)]


async def user_language(
    store: LanguageStore, settings: Settings, user_id: int, code: str | None
) -> Lang:
    """A user's own language: chosen with /lang, else their Telegram's."""
    chosen = as_lang(await store.get_language(user_id))
    return chosen or telegram_language(code, settings.default_language)


async def group_language(store: LanguageStore, settings: Settings, chat_id: int) -> Lang | None:
    """The language a group speaks, or None for a group that is not the team's yet
    (it keeps no log) and has none set."""
    stored = as_lang(await store.get_chat_language(chat_id))
    if stored is not None:
        return stored
    if chat_id in settings.allowed_chats or await store.is_enrolled(chat_id):
        return settings.default_language
    return None


async def reader_language(
    store: LanguageStore,
    settings: Settings,
    *,
    chat_id: int | None,
    private: bool,
    user_id: int | None,
    code: str | None,
) -> Lang:
    """The language to answer in: the group's in a group, else the user's own."""
    if chat_id is not None and not private:
        found = await group_language(store, settings, chat_id)
        if found is not None:
            return found
    if user_id is None:
        return settings.default_language
    return await user_language(store, settings, user_id, code)
