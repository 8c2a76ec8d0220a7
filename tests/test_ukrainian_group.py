"""A Ukrainian delegation's group, used as its members use it.

A Ukrainian bot admin enrols the group; a member whose Telegram is in English and one
whose Telegram is in Russian (a chat admin) flag, verify, list and export. Everything
the bot says there, and every file it sends, is in Ukrainian: a scan of every string
it sent in the run finds no Latin-letter word outside names, commands and what people
typed. The same run in a group that an English-speaking admin enrolled is all English.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from bot.callbacks import pick, verdict
from bot.i18n import t
from tests.conftest import Bot
from tests.support.cast import ADMIN_ID, buttons

GROUP = -1001000000701
ENGLISH_MEMBER = 301
RUSSIAN_MEMBER = 302
BYSTANDER = 303

# What people type, in the languages they type it in: quoted back by the bot, never
# its own words.
TYPED = (
    "Lavrov",
    "we must eliminate the root causes of the conflict",
    "Мединський",
    "Україна сама вийшла з переговорів у Стамбулі",
    "contradicts the 2022 record",
    "Стамбул-3",
    "Istanbul",
    "Стамбулі",
    "Україна прийшла домовлятися",
)
NAMES = (
    "John Smith",
    "John",
    "Ірина",
    "Олена",
    "Петро",
    "Делегація",
    "Delegation",
    # People and publications the playbook quotes, by their own names.
    "Sergei Lavrov",
    "Сергій Лавров",
    "Сергей Лавров",
    "Eurasia Daily Monitor",
    "EDM",
    "Jamestown Foundation",
    "Sputnik",
    "Magyar Nemzet",
)
# CSV columns that keep codes whatever the chat's language (bot.export).
CODE_COLUMNS = 2


def people(bot: Bot, admin_language: str) -> dict[str, dict[str, Any]]:
    api = bot.api
    api.chat(GROUP, "supergroup", "Делегація" if admin_language == "uk" else "Delegation")
    api.set_chat_member(GROUP, RUSSIAN_MEMBER, "administrator")
    return {
        "admin": api.user(ADMIN_ID, "Олена", "olena", admin_language),
        "english": api.user(ENGLISH_MEMBER, "John", "john", "en", last_name="Smith"),
        "russian": api.user(RUSSIAN_MEMBER, "Ірина", "iryna", "ru"),
        "bystander": api.user(BYSTANDER, "Петро", "petro", "uk"),
    }


async def session(bot: Bot, cast: dict[str, dict[str, Any]], lang: str) -> None:
    """Every group command of a working session, by the English- and Russian-language
    members; refusals included."""
    english, russian = cast["english"], cast["russian"]
    await bot.say(GROUP, cast["admin"], "/enable")
    await bot.say(GROUP, russian, "/settings")
    await bot.say(GROUP, russian, "/settings timezone Europe/Kyiv")
    await bot.say(GROUP, english, "/round start Стамбул-3")
    [first] = await bot.say(
        GROUP, english, "/flag Lavrov: we must eliminate the root causes of the conflict"
    )
    [second] = await bot.say(
        GROUP, russian, "/flag Мединський: Україна сама вийшла з переговорів у Стамбулі"
    )
    word = t(lang, "status_false").casefold()  # type: ignore[arg-type]
    await bot.say(GROUP, english, f"/verify 1 {word} contradicts the 2022 record")
    await bot.press(GROUP, russian, second["message_id"], verdict(2, "misleading"))
    # A bystander's tap is refused in a short pop-up.
    await bot.press(GROUP, cast["bystander"], first["message_id"], verdict(1, "verified"))
    await bot.say(GROUP, english, "/verify 2")
    await bot.say(GROUP, english, "/verify 2 maybe")
    await bot.say(GROUP, english, "/verify")
    await bot.say(GROUP, english, "/assign 1 @iryna")
    await bot.say(GROUP, russian, "/flag Lavrov: Istanbul")
    for command in ("/log", "/show 1", "/find Стамбулі", "/summary", "/board", "/round"):
        await bot.say(GROUP, english, command)
    await bot.say(GROUP, english, "/log " + t(lang, "filter_open"))  # type: ignore[arg-type]
    await bot.say(GROUP, english, "/unflag 3 Istanbul")  # not theirs: refused
    await bot.say(GROUP, russian, "/unflag 3 Istanbul")
    await bot.say(GROUP, english, "/points add Україна прийшла домовлятися")
    await bot.say(GROUP, english, "/export")
    await bot.say(GROUP, russian, "/export")
    await bot.say(GROUP, english, "/enable")
    await bot.say(GROUP, english, "/round end")
    await bot.say(GROUP, english, "/who Lavrov")


def everything_said(bot: Bot) -> list[str]:
    """Every string the bot sent: texts, captions, buttons and pop-ups."""
    said: list[str] = []
    for call in bot.api.calls:
        params = call.params
        if call.method == "answerCallbackQuery" and params.get("text"):
            said.append(str(params["text"]))
        if call.method not in (
            "sendMessage",
            "editMessageText",
            "editMessageReplyMarkup",
            "sendDocument",
        ):
            continue
        for key in ("text", "caption"):
            if params.get(key):
                said.append(str(params[key]))
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            said += [button["text"] for button in row]
    return said


def files_said(bot: Bot) -> list[str]:
    """Every exported file's words; the CSV without the columns that keep codes."""
    said = []
    for document in bot.api.documents:
        content = document["content"].decode("utf-8-sig")
        if document["filename"].endswith(".csv"):
            rows = list(csv.reader(io.StringIO(content)))
            said += ["\n".join(cell for cell in row[:-CODE_COLUMNS]) for row in rows]
        else:
            said.append(content)
    return said


_TAGS = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r"<blockquote[^>]*>.*?</blockquote>|«[^»]*»|“[^”]*”", re.DOTALL)
# A command with its Latin arguments ("/settings timezone Europe/Kyiv"), a mention,
# a link, a file name.
_COMMANDS = re.compile(
    r"/[a-z_]+(?:@\w+)?(?:[ \t]+[A-Za-z_/]+(?=[\s,.;:)·]|$))*|@\w+|\w+://\S+|\S+\.(?:csv|md)\b"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CYRILLIC_WORD = re.compile(r"[А-Яа-яІіЇїЄєҐґ]{2,}")


def own_words(text: str) -> str:
    """What is left of a text once names, commands and what people typed are taken out."""
    text = _QUOTED.sub(" ", text)
    text = _TAGS.sub(" ", text)
    for typed in sorted(TYPED + NAMES, key=len, reverse=True):
        text = text.replace(typed, " ")
    return _COMMANDS.sub(" ", text)


def leaks(texts: list[str], word: re.Pattern[str]) -> list[tuple[str, str]]:
    return [(found, text[:200]) for text in texts for found in word.findall(own_words(text))]


async def test_a_ukrainian_group_reads_only_ukrainian(bot: Bot) -> None:
    cast = people(bot, "uk")
    await session(bot, cast, "uk")
    said, files = everything_said(bot), files_said(bot)
    assert len(bot.api.documents) == 2, "the chat admin's export sent both files"
    assert said and files
    assert leaks(said, LATIN_WORD) == [], "\n".join(map(str, leaks(said, LATIN_WORD)))
    assert leaks(files, LATIN_WORD) == [], "\n".join(map(str, leaks(files, LATIN_WORD)))
    for config_name in ("ADMIN_IDS", "ALLOWED_CHATS", str(GROUP)):
        assert not any(config_name in text for text in said + files), config_name


async def test_an_english_group_reads_only_english(bot: Bot) -> None:
    cast = people(bot, "en")
    await session(bot, cast, "en")
    said, files = everything_said(bot), files_said(bot)
    assert len(bot.api.documents) == 2
    assert leaks(said, CYRILLIC_WORD) == [], "\n".join(map(str, leaks(said, CYRILLIC_WORD)))
    assert leaks(files, CYRILLIC_WORD) == [], "\n".join(map(str, leaks(files, CYRILLIC_WORD)))


async def test_the_exports_speak_the_groups_language_and_keep_codes(bot: Bot) -> None:
    cast = people(bot, "uk")
    await session(bot, cast, "uk")
    csv_file, markdown = bot.api.documents
    rows = list(csv.reader(io.StringIO(csv_file["content"].decode("utf-8-sig"))))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:3] == ["номер", "всесвітній час", "місцевий час"]
    assert first["статус"] == "Неправда" and first["код статусу"] == "false"
    assert first["мова"] == "uk"
    assert first["всесвітній час"].endswith("Z")
    assert "term:" not in first["збіги з порадником"]
    assert "Першопричини" in first["збіги з порадником"] or first["збіги з порадником"]
    assert "вердикт: На перевірці → Неправда (John Smith)" in first["історія"]
    report = markdown["content"].decode("utf-8")
    assert report.startswith("# Журнал позначок: Делегація")
    assert "Усі раунди · 3 позначки · Час: київський час" in report
    assert "Стамбул-3" in report
    assert "## #1 · Неправда" in report and "- Хто позначив: John Smith" in report
    assert "- Збіги з порадником: " in report and "term:" not in report
    assert "Відкликано (було: На перевірці)" in report


async def test_a_russian_language_member_is_answered_in_ukrainian(bot: Bot) -> None:
    cast = people(bot, "uk")
    russian = cast["russian"]
    [welcome] = await bot.say(russian["id"], russian, "/start")
    assert "Порадник" in welcome["text"] and "/lang en" in welcome["text"]
    await bot.say(russian["id"], russian, "/lang en")
    [welcome] = await bot.say(russian["id"], russian, "/start")
    assert "Playbook" in welcome["text"] and "/lang uk" in welcome["text"]


async def test_the_group_speaks_its_enrollers_language_until_its_admins_choose(
    bot: Bot,
) -> None:
    cast = people(bot, "uk")
    [enabled] = await bot.say(GROUP, cast["admin"], "/enable")
    assert "Журнал позначок у цьому чаті ввімкнено" in enabled["text"]
    assert "Мова бота в цій групі — українська" in enabled["text"]
    [flagged] = await bot.say(GROUP, cast["english"], "/flag Lavrov: we must talk")
    assert "#1 позначено" in flagged["text"]
    [wrong] = await bot.say(GROUP, cast["russian"], "/settings language de")
    assert "/settings language uk" in wrong["text"]
    [switched] = await bot.say(GROUP, cast["russian"], "/settings language англійська")
    assert "English" in switched["text"]
    [flagged] = await bot.say(GROUP, cast["bystander"], "/flag Мединський: ми готові")
    assert "#2 flagged" in flagged["text"]


async def test_a_refused_verdict_tap_is_a_short_pop_up(bot: Bot) -> None:
    cast = people(bot, "uk")
    await bot.say(GROUP, cast["admin"], "/enable")
    [confirmation] = await bot.say(GROUP, cast["english"], "/flag Lavrov: we must talk")
    mark = bot.api.mark()
    await bot.press(GROUP, cast["bystander"], confirmation["message_id"], verdict(1, "false"))
    answer = await bot.api.wait_for("answerCallbackQuery", since=mark)
    text = answer.params["text"]
    assert text.startswith("Вердикт для #1 дає лише автор позначки")
    assert len(text) <= 120 and "/assign" not in text


async def test_a_picked_flags_verdict_buttons_say_which_flag(bot: Bot) -> None:
    cast = people(bot, "uk")
    await bot.say(GROUP, cast["admin"], "/enable")
    members = [bot.api.user(700 + n, f"Делегат {n}", None, "uk") for n in range(6)]
    sent = await bot.feed_burst(
        [bot.api.send_text(GROUP, members[n % 6], f"/flag Лавров: заява {n}") for n in range(12)]
    )
    merged = [message for message in sent if "–" in message["text"].split("\n")[0]]
    assert merged, "what the budget could not send at once went out merged"
    last = merged[-1]
    assert "позначено" in last["text"].split("\n")[0]
    number = int(buttons(last)[0][0][1:])
    [opened] = await bot.press(GROUP, members[0], last["message_id"], pick(number))
    labels = [text for text, _ in buttons(opened)]
    assert labels[:4] == [
        f"#{number}: ✅ Правда",
        f"#{number}: ❌ Неправда",
        f"#{number}: ⚠️ Маніпуляція",
        f"#{number}: ❔ Неможливо перевірити",
    ]
    assert labels[-1] == "‹ Усі номери"
    assert bot.api.floods == []
