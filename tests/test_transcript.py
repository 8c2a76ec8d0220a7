"""Checking a whole transcript (principle 8: record every single word): a member sends
the file, the bot lists the known claims and loaded terms in it with who said them
and where, and a tap flags one into the log; bad files get a reply that says why."""

from __future__ import annotations

import asyncio
import io
import re
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
import telegram
from telegram import Update

from bot import transcript
from bot.handlers.transcript import kept_checks
from bot.language import menu_languages
from bot.services import Library
from tests.conftest import (
    COMMAND_MENUS,
    Bot,
    assert_valid_message,
    make_settings,
    start_bot,
    stop_bot,
)
from tests.support.cast import FLAGGER, GROUP, OTHER_GROUP, callback_data, cast
from tests.support.cast import buttons as buttons_of
from tests.support.fake_bot_api import FakeBotAPI

TRANSCRIPT_LINES = [
    "Istanbul, second round, morning session",
    "LAVROV: We have always declared our readiness for such negotiations.",
    "The delegations took their seats at ten.",
    "Лавров: Киевский режим должен устранить первопричины конфликта.",
    "С. Лавров: Україна ухвалила закон, що забороняє переговори з Росією.",
    "UMEROV: We came to talk about prisoners and children.",
]
TRANSCRIPT = "\n".join(TRANSCRIPT_LINES) + "\n"


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    return cast(bot.api)


@pytest.fixture
async def enrolled(bot: Bot, people: dict[str, Any]) -> Bot:
    await bot.say(GROUP, people["bot_admin"], "/enable")
    return bot


async def send_file(
    bot: Bot,
    chat: int,
    user: dict[str, Any],
    data: bytes,
    name: str,
    caption: str | None = "/check",
    **kwargs: Any,
) -> list[dict[str, Any]]:
    return await bot.feed(bot.api.send_document(chat, user, data, name, caption=caption, **kwargs))


def downloads(bot: Bot) -> list[Any]:
    return [call for call in bot.api.calls if call.method == "downloadFile"]


def answers(bot: Bot, mark: int) -> list[str]:
    return [
        str(call.params.get("text", ""))
        for call in bot.api.calls[mark:]
        if call.method == "answerCallbackQuery"
    ]


def word_document(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def srt(cues: list[str]) -> str:
    blocks = [
        f"{number}\n00:{number:02d}:05,000 --> 00:{number:02d}:09,500\n{text}\n"
        for number, text in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


def vtt(cues: list[str]) -> str:
    blocks = [
        f"00:{number:02d}:05.000 --> 00:{number:02d}:09.500\n{text}\n"
        for number, text in enumerate(cues, start=1)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)


SAID = [line for line in TRANSCRIPT_LINES if ":" in line]

MARKDOWN = "# Istanbul\n\n" + "\n".join(f"**{line.replace(':', ':**', 1)}" for line in SAID)

# Every format and encoding the bot reads, each holding the same four statements.
FILES = {
    "utf-8 .txt": (TRANSCRIPT.encode(), "talks.txt", "line 2"),
    "utf-8 with BOM": (TRANSCRIPT.encode("utf-8-sig"), "talks.txt", "line 2"),
    "utf-16 with BOM": (TRANSCRIPT.encode("utf-16"), "talks.txt", "line 2"),
    "utf-16-le without BOM": (TRANSCRIPT.encode("utf-16-le"), "talks.txt", "line 2"),
    "utf-16-be without BOM": (TRANSCRIPT.encode("utf-16-be"), "talks.txt", "line 2"),
    "windows-1251": (TRANSCRIPT.encode("cp1251"), "talks.txt", "line 2"),
    "markdown": (MARKDOWN.encode(), "talks.md", "line 3"),
    "srt in windows-1251": (srt(SAID).encode("cp1251"), "talks.srt", "at 00:01:05"),
    "vtt": (vtt(SAID).encode(), "talks.vtt", "at 00:01:05"),
    "docx": (word_document(TRANSCRIPT_LINES), "talks.docx", "paragraph 2"),
}


@pytest.mark.parametrize("kind", sorted(FILES))
async def test_every_format_and_encoding_names_the_claims_their_speakers_and_places(
    enrolled: Bot, people: dict[str, Any], kind: str
) -> None:
    data, name, first_place = FILES[kind]
    [answer] = await send_file(enrolled, GROUP, people["flagger"], data, name)
    text = answer["text"]
    assert_valid_message(text)
    assert f"<b>{name}</b>: 3 statements match the playbook" in text, text
    assert f"{first_place} · <b>LAVROV</b>" in text
    assert "always declared our readiness" in text
    assert '"We have always declared our readiness"' in text  # the matched claim's name
    assert "<b>Лавров</b>" in text and "Elimination of root causes" in text
    assert 'The "Kiev regime"' in text
    assert "<b>С. Лавров</b>" in text and "Ukraine has adopted a law" in text
    assert "UMEROV" not in text  # nothing to match in what he said
    assert [label for label, _ in buttons_of(answer)] == ["🚩 1", "🚩 2", "🚩 3"]


async def test_times_and_dialogue_dashes_before_a_name_are_read_past(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    data = (
        "[00:12:03] LAVROV: We have always declared our readiness for such negotiations.\n"
        "12:14 - Песков: Люди сами должны выбирать своё будущее.\n"
        "He went on: the Kiev regime must stop.\n"
    ).encode()
    [answer] = await send_file(enrolled, GROUP, people["flagger"], data, "stamped.txt")
    text = answer["text"]
    assert "line 1 · <b>LAVROV</b>\n<blockquote>We have always declared" in text
    assert "line 2 · <b>Песков</b>\n<blockquote>Люди сами" in text
    # A line that names no one goes on the last speaker's turn.
    assert "line 3 · <b>Песков</b>\n<blockquote>He went on: the Kiev regime" in text


async def test_a_tap_flags_the_statement_into_the_log_once(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, taras, iryna = enrolled, people["flagger"], people["analyst"]
    await bot.say(GROUP, people["chat_admin"], "/round start Istanbul 2")
    [answer] = await send_file(bot, GROUP, taras, TRANSCRIPT.encode(), "talks.txt")
    assert await bot.flags(GROUP) == []  # nothing is stored until someone taps

    first = callback_data(answer)[0]
    mark = bot.api.mark()
    [confirmation] = await bot.press(GROUP, iryna, answer["message_id"], first)
    assert answers(bot, mark) == ["Flagged as #1."]
    assert "🚩 <b>#1 flagged</b>" in confirmation["text"]
    assert "<b>Speaker:</b> LAVROV" in confirmation["text"]
    assert "We have always declared our readiness for such negotiations." in confirmation["text"]
    [flag] = await bot.flags(GROUP)
    assert flag.speaker == "LAVROV"
    assert flag.round_name == "Istanbul 2"
    assert flag.flagged_by_name == "Iryna"
    assert flag.note == "From the transcript “talks.txt”, line 2"
    assert flag.matches == ("claim:always-ready-for-talks",)

    [log] = await bot.say(GROUP, taras, "/log")
    assert "always declared our readiness" in log["text"]

    mark = bot.api.mark()
    assert await bot.press(GROUP, taras, answer["message_id"], first) == []
    assert answers(bot, mark) == ["Already flagged from this check as #1."]
    assert len(await bot.flags(GROUP)) == 1


async def test_invisible_marks_from_word_do_not_stop_a_flag(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    """Soft hyphens and direction marks, which the log refuses, are left out."""
    bot, taras = enrolled, people["flagger"]
    said = "LAVROV: We have al\u00adways declared our \u200ereadiness for nego\u00adtiations."
    [answer] = await send_file(bot, GROUP, taras, word_document([said]), "marked.docx")
    assert "We have always declared our readiness for negotiations." in answer["text"]
    mark = bot.api.mark()
    await bot.press(GROUP, taras, answer["message_id"], callback_data(answer)[0])
    assert answers(bot, mark) == ["Flagged as #1."]


async def test_a_reply_with_check_reads_the_file_replied_to(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, taras = enrolled, people["flagger"]
    sent = bot.api.send_document(GROUP, taras, TRANSCRIPT.encode(), "talks.txt", caption=None)
    assert await bot.feed(sent) == []  # a file without /check is not the bot's business
    [answer] = await bot.say(GROUP, taras, "/check", reply_to=sent["message"]["message_id"])
    assert "3 statements match the playbook" in answer["text"]


async def test_a_reply_with_check_reads_the_bots_own_export(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    """The Markdown /export is a transcript of the log: it can be checked too."""
    bot, taras, admin = enrolled, people["flagger"], people["chat_admin"]
    await bot.say(GROUP, taras, "/flag Lavrov: the Kiev regime must go")
    await bot.say(GROUP, admin, "/export")
    [markdown] = [sent for sent in bot.api.documents if str(sent["filename"]).endswith(".md")]
    [answer] = await bot.say(GROUP, taras, "/check", reply_to=markdown["message_id"])
    assert 'The "Kiev regime"' in answer["text"]


async def test_a_statement_already_flagged_says_so(enrolled: Bot, people: dict[str, Any]) -> None:
    bot, taras = enrolled, people["flagger"]
    # The same claim in other words and another language (bot.sameness decides).
    await bot.say(GROUP, taras, "/flag Лавров: Росія завжди заявляла про готовність до переговорів")
    await bot.say(GROUP, taras, "/verify 1 false")
    [answer] = await send_file(bot, GROUP, taras, TRANSCRIPT.encode(), "talks.txt")
    assert "🔁 <b>Seen before:</b> #1 ❌ False" in answer["text"]
    assert answer["text"].count("Seen before") == 1
    # Flagged anyway, the new flag's confirmation shows the earlier one too.
    [confirmation] = await bot.press(GROUP, taras, answer["message_id"], callback_data(answer)[0])
    assert "#2 flagged" in confirmation["text"] and "Seen before:</b> #1" in confirmation["text"]


async def test_a_private_chat_lists_the_findings_and_says_where_to_flag_them(
    bot: Bot, people: dict[str, Any]
) -> None:
    petro = people["bystander"]
    private = petro["id"]
    [answer] = await send_file(bot, private, petro, TRANSCRIPT.encode(), "talks.txt", caption=None)
    assert "3 statements match the playbook" in answer["text"]
    assert "send the file in the team's group with the caption /check" in answer["text"]
    assert callback_data(answer) == []
    [usage] = await bot.say(private, petro, "/check")
    assert "Send me the transcript as a file" in usage["text"]


async def test_in_a_private_chat_check_reads_the_file_replied_to(
    bot: Bot, people: dict[str, Any]
) -> None:
    petro = people["bystander"]
    sent = bot.api.send_document(petro["id"], petro, TRANSCRIPT.encode(), "a.txt", caption="x")
    await bot.feed(sent)  # a file sent alone is checked at once
    [answer] = await bot.say(petro["id"], petro, "/check", reply_to=sent["message"]["message_id"])
    assert "3 statements match the playbook" in answer["text"]


async def test_a_check_addressed_to_another_bot_is_left_alone(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    caption = "/check@SomeOtherBot"
    assert await send_file(bot, GROUP, people["flagger"], b"x", "a.txt", caption=caption) == []
    caption = "/check@PlaybookTestBot"
    [answer] = await send_file(
        bot, GROUP, people["flagger"], TRANSCRIPT.encode(), "a.txt", caption=caption
    )
    assert "3 statements match the playbook" in answer["text"]


async def test_a_checks_button_acts_only_in_the_chat_it_was_sent_in(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    """A forged press in another enrolled group finds no check there."""
    bot, taras = enrolled, people["flagger"]
    await bot.say(OTHER_GROUP, people["bot_admin"], "/enable")
    [answer] = await send_file(bot, GROUP, taras, TRANSCRIPT.encode(), "talks.txt")
    [elsewhere] = await bot.say(OTHER_GROUP, taras, "/check")
    mark = bot.api.mark()
    forged = bot.api.press_button(
        OTHER_GROUP, taras, elsewhere["message_id"], callback_data(answer)[0], require_button=False
    )
    assert await bot.feed(forged) == []
    assert "This check has expired" in answers(bot, mark)[0]
    assert await bot.flags(GROUP) == [] and await bot.flags(OTHER_GROUP) == []


async def test_a_group_without_a_log_is_told_how_to_get_one(
    bot: Bot, people: dict[str, Any]
) -> None:
    [answer] = await send_file(bot, OTHER_GROUP, people["flagger"], TRANSCRIPT.encode(), "a.txt")
    assert "This chat has no flag log" in answer["text"] and "/enable" in answer["text"]
    assert downloads(bot) == []


async def test_ukrainian_group_reads_the_answer_in_ukrainian(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["chat_admin"], "/settings language uk")
    [answer] = await send_file(bot, GROUP, people["flagger"], TRANSCRIPT.encode(), "talks.txt")
    assert "3 висловлювання збігаються з порадником (перевірено 6)" in answer["text"]
    assert "рядок 2 · <b>LAVROV</b>" in answer["text"]
    assert "Натисніть номер" in answer["text"]


# -- bad input ----------------------------------------------------------------------------------


BAD_FILES = {
    "unsupported type": (b"%PDF-1.7 ...", "talks.pdf", "I check transcripts in .txt"),
    "empty": (b"\r\n  \n", "talks.txt", "“talks.txt” has no text to check"),
    "binary": (bytes(range(256)) * 8, "talks.txt", "I can't read the text of “talks.txt”"),
    "not a Word file": (b"just text", "talks.docx", "is not a Word document"),
    "not subtitles": (b"no cues at all", "talks.vtt", "is not a subtitle file"),
    "nothing to match": (
        b"UMEROV: Good morning.\nThe coffee is ready.\n",
        "talks.txt",
        "I checked 2 statements; none matches",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
async def test_a_file_it_cannot_check_gets_a_reply_that_says_why(
    enrolled: Bot, people: dict[str, Any], case: str
) -> None:
    data, name, said = BAD_FILES[case]
    [answer] = await send_file(enrolled, GROUP, people["flagger"], data, name)
    assert said in answer["text"], answer["text"]
    assert await enrolled.flags(GROUP) == []


async def test_a_word_file_that_unpacks_to_gigabytes_is_not_opened(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" * (41 * 1024 * 1024))
    data = packed.getvalue()
    assert len(data) < 100_000
    [answer] = await send_file(enrolled, GROUP, people["flagger"], data, "bomb.docx")
    assert "“bomb.docx” unpacks to more than 40 MB" in answer["text"]


async def test_a_damaged_word_file_is_said_to_be_no_word_document(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    whole = zipfile.ZipFile(io.BytesIO(word_document(["LAVROV: root causes"])))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for item in whole.infolist():
            broken = item.filename == "word/document.xml"
            archive.writestr(item, b"<w:document" if broken else whole.read(item))
    data = damaged.getvalue()
    [answer] = await send_file(enrolled, GROUP, people["flagger"], data, "damaged.docx")
    assert "“damaged.docx” is not a Word document" in answer["text"]


async def test_a_file_over_2_mb_is_refused_before_it_is_downloaded(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    [answer] = await send_file(
        bot, GROUP, people["flagger"], b"x", "huge.txt", file_size=3 * 1024 * 1024
    )
    assert "“huge.txt” is 3.0 MB: I check transcripts of up to 2 MB" in answer["text"]
    assert downloads(bot) == []
    assert not [call for call in bot.api.calls if call.method == "getFile"]


async def test_a_file_bigger_than_telegram_said_is_refused_after_download(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    data = b"LAVROV: root causes.\n" * 110_000  # 2.3 MB, though Telegram said 1 KB
    [answer] = await send_file(bot, GROUP, people["flagger"], data, "big.txt", file_size=1000)
    assert "“big.txt” is 2.2 MB" in answer["text"]


async def test_telegram_hands_bots_no_file_over_20_mb(api: FakeBotAPI) -> None:
    """The fake refuses getFile as Telegram does, so the bot's reply to it is real."""
    user = api.user(FLAGGER, "Taras")
    sent = api.send_document(user["id"], user, b"x", "huge.txt", file_size=25 * 1024 * 1024)
    async with telegram.Bot(api.token, base_url=api.base_url) as bare:
        with pytest.raises(telegram.error.BadRequest, match=r"(?i)file is too big"):
            await bare.get_file(sent["message"]["document"]["file_id"])


async def test_a_file_telegram_will_not_hand_over_is_said_to_be_too_big(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    """Telegram's own refusal, whatever size it reported, is said as too big."""
    bot = enrolled
    bot.api.fail_next("getFile", 400, description="Bad Request: file is too big")
    [answer] = await send_file(bot, GROUP, people["flagger"], b"x", "big.txt", file_size=100)
    assert "Telegram won't hand “big.txt” over: it is too big" in answer["text"]
    assert downloads(bot) == []


async def test_a_failed_download_asks_for_the_file_again(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    bot.api.fail_next("getFile", 502, description="Bad Gateway")
    [answer] = await send_file(bot, GROUP, people["flagger"], TRANSCRIPT.encode(), "a.txt")
    assert "I couldn't get “a.txt” from Telegram. Please send it again." in answer["text"]
    [again] = await send_file(bot, GROUP, people["flagger"], TRANSCRIPT.encode(), "a.txt")
    assert "3 statements match the playbook" in again["text"]


async def test_check_without_a_file_says_how_to_send_one(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    [usage] = await enrolled.say(GROUP, people["flagger"], "/check")
    assert "with the caption /check, or reply /check to the file" in usage["text"]


async def test_a_hostile_file_name_is_shown_as_text(enrolled: Bot, people: dict[str, Any]) -> None:
    name = "<b>Lavrov</b> & co.txt"
    [answer] = await send_file(enrolled, GROUP, people["flagger"], TRANSCRIPT.encode(), name)
    assert "&lt;b&gt;Lavrov&lt;/b&gt; &amp; co.txt" in answer["text"]


async def test_a_file_name_of_broken_text_is_not_quoted(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    name = "talks \ud83d.txt"  # half an emoji
    [answer] = await send_file(enrolled, GROUP, people["flagger"], TRANSCRIPT.encode(), name)
    assert "<b>transcript.txt</b>: 3 statements match the playbook" in answer["text"]


async def test_uploads_from_many_chats_are_checked_two_at_a_time(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each check takes a core for seconds: a burst waits its turn, and all are answered."""
    running, most = 0, 0
    lock = threading.Lock()
    real_check = transcript.check

    def slow_check(*args: Any) -> Any:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.3)
        with lock:
            running -= 1
        return real_check(*args)

    monkeypatch.setattr(transcript, "check", slow_check)
    readers = [bot.api.user(600 + number, f"Reader {number}") for number in range(4)]
    updates = [
        bot.api.send_document(user["id"], user, TRANSCRIPT.encode(), "a.txt") for user in readers
    ]
    await asyncio.gather(
        *(bot.application.process_update(Update.de_json(u, bot.application.bot)) for u in updates)
    )
    await bot.quiet()
    assert most == 2
    for user in readers:
        assert "3 statements match" in bot.last_bot_message(user["id"])["visible_text"]


# -- paging and expiry --------------------------------------------------------------------------


def long_transcript(statements: int) -> bytes:
    said = [
        "LAVROV: We have always declared our readiness for such negotiations.",
        "PESKOV: People themselves should choose their future.",
        "ZAKHAROVA: The Kiev regime must stop.",
        "The delegations broke for lunch.",
    ]
    return "\n".join(said[i % len(said)] + f" ({i})" for i in range(statements)).encode()


async def test_a_long_result_is_paged_in_place(enrolled: Bot, people: dict[str, Any]) -> None:
    bot, taras = enrolled, people["flagger"]
    [answer] = await send_file(bot, GROUP, taras, long_transcript(40), "long.txt")
    assert "30 statements match the playbook (of 40 checked)" in answer["text"]
    assert "Page 1 of 6" in answer["text"]
    labels = [label for label, _ in buttons_of(answer)]
    assert labels == ["🚩 1", "🚩 2", "🚩 3", "🚩 4", "🚩 5", "Next ▶"]
    data = dict(buttons_of(answer))
    [second] = await bot.press(GROUP, taras, answer["message_id"], data["Next ▶"])
    assert second["message_id"] == answer["message_id"]
    assert "Page 2 of 6" in second["text"] and "<b>6.</b>" in second["text"]
    labels = [label for label, _ in buttons_of(second)]
    assert labels == ["🚩 6", "🚩 7", "🚩 8", "🚩 9", "🚩 10", "◀ Prev", "Next ▶"]
    # A finding on page 2 flags that statement.
    await bot.press(GROUP, taras, answer["message_id"], dict(buttons_of(second))["🚩 6"])
    [flag] = await bot.flags(GROUP)
    assert flag.text == "The Kiev regime must stop. (6)" and flag.speaker == "ZAKHAROVA"
    [first] = await bot.press(
        GROUP, taras, answer["message_id"], dict(buttons_of(second))["◀ Prev"]
    )
    assert "Page 1 of 6" in first["text"]


async def test_a_huge_result_lists_the_first_300_and_says_so(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    data = "\n".join(f"ZAKHAROVA: The Kiev regime must stop. ({i})" for i in range(320))
    [answer] = await send_file(enrolled, GROUP, people["flagger"], data.encode(), "day.txt")
    assert "320 statements match the playbook (of 320 checked)" in answer["text"]
    assert "Page 1 of 60" in answer["text"]
    assert "Only the first 300 matches are listed" in answer["text"]


async def test_a_page_never_goes_over_telegrams_limits(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    """Long statements: each page still fits one message, its buttons 64 bytes."""
    words = " ".join(["the Kiev regime must end the war it unleashed back in 2014"] * 30)
    data = "\n".join(f"LAVROV: {words} {i}" for i in range(12)).encode()
    [answer] = await send_file(enrolled, GROUP, people["flagger"], data, "long lines.txt")
    assert_valid_message(answer["text"])
    assert all(len(data.encode()) <= 64 for data in callback_data(answer))


async def test_an_expired_check_says_to_check_the_file_again(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, taras = enrolled, people["flagger"]
    [answer] = await send_file(bot, GROUP, taras, long_transcript(12), "talks.txt")
    kept_checks_of(bot).seconds = 0.0
    mark = bot.api.mark()
    assert await bot.press(GROUP, taras, answer["message_id"], callback_data(answer)[0]) == []
    assert await bot.press(GROUP, taras, answer["message_id"], callback_data(answer)[-1]) == []
    [expired, expired_page] = answers(bot, mark)
    assert expired == expired_page
    assert "This check has expired" in expired and "Send the file with /check again" in expired
    assert await bot.flags(GROUP) == []


async def test_a_chat_keeps_its_last_three_checks(enrolled: Bot, people: dict[str, Any]) -> None:
    bot, taras = enrolled, people["flagger"]
    sent = [
        (await send_file(bot, GROUP, taras, TRANSCRIPT.encode(), f"day {day}.txt"))[0]
        for day in range(1, 5)
    ]
    mark = bot.api.mark()
    await bot.press(GROUP, taras, sent[0]["message_id"], callback_data(sent[0])[0])
    assert "This check has expired" in answers(bot, mark)[0]
    mark = bot.api.mark()
    await bot.press(GROUP, taras, sent[1]["message_id"], callback_data(sent[1])[0])
    assert answers(bot, mark) == ["Flagged as #1."]


async def test_after_a_restart_an_old_checks_buttons_ask_for_the_file_again(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    """The result lives in memory only: nothing of the file is on disk to restore."""
    settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    taras = cast(api)["flagger"]
    first = await start_bot(api, settings, library)
    [answer] = await send_file(first, GROUP, taras, TRANSCRIPT.encode(), "talks.txt")
    await stop_bot(first)
    stored = files_under(tmp_path)
    assert b"LAVROV" not in stored and b"declared our readiness" not in stored

    second = await start_bot(api, settings, library)
    mark = api.mark()
    await second.press(GROUP, taras, answer["message_id"], callback_data(answer)[0])
    assert "This check has expired" in answers(second, mark)[0]
    assert await second.flags(GROUP) == []
    await stop_bot(second)
    assert api.rejections == []


def files_under(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


def kept_checks_of(bot: Bot) -> Any:
    class Context:
        application = bot.application

    return kept_checks(Context)  # type: ignore[arg-type]


async def test_help_and_the_command_menus_show_check(bot: Bot, people: dict[str, Any]) -> None:
    petro = people["bystander"]
    [help_message] = await bot.say(petro["id"], petro, "/help")
    assert re.search(r"/check — reply to a transcript file", help_message["text"])
    await bot.api.wait_for("setMyCommands", count=COMMAND_MENUS)  # set while polling starts
    for scope in ("all_private_chats", "all_group_chats"):
        for code, _ in menu_languages("en"):
            lang = code or ""
            menu = bot.api.commands({"type": scope}, lang)
            assert "check" in [command["command"] for command in menu], (scope, lang)
