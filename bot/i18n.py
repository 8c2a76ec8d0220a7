"""Interface strings in English and Ukrainian. Content strings live in ``content/``.

``t()`` escapes every value it fills in, so a caller can never smuggle user text
into Telegram HTML unescaped.
"""

from __future__ import annotations

import html
from typing import Any

from bot.playbook import Lang

STRINGS: dict[str, dict[Lang, str]] = {
    # -- lookup ---------------------------------------------------------------
    "welcome": {
        "en": (
            "<b>Playbook</b> for talks with Moscow, in your pocket.\n\n"
            "Type a few words, a Kremlin phrase you just heard (in English, Ukrainian or "
            "Russian) or a principle number, and I'll show the card. Typos are fine.\n\n"
            "In the team's group, /flag a statement heard at the table and the support "
            "team can verify it. /help lists everything."
        ),
        "uk": (
            "<b>Порадник</b> для переговорів з Москвою — у кишені.\n\n"
            "Напишіть кілька слів, кремлівську фразу, яку щойно почули (англійською, "
            "українською чи російською), або номер принципу — і я покажу картку. "
            "Помилки в словах не завадять.\n\n"
            "У груповому чаті команди позначайте почуті за столом заяви командою /flag, "
            "щоб група підтримки їх перевірила. Усе інше — у /help."
        ),
    },
    "help": {
        "en": (
            "<b>Look up</b>\n"
            "/principles — the ten principles · /principle 3\n"
            "/terms — the Kremlin's loaded terms · /term root causes\n"
            "/tactics — known tactics · /tactic ultimatum\n"
            "/claims — false claims and rebuttals · /claim law prohibits\n"
            "/search <i>words</i> — everything at once\n"
            "In a private chat just type: <i>первопричины</i>, <i>goodwill</i>, <i>8</i>.\n"
            "Inline, in any chat: <code>@{bot} root causes</code>\n\n"
            "<b>Flagged statements</b> (enrolled group chats)\n"
            "/flag <i>statement</i> · /flag Lavrov: <i>statement</i> · reply to a message "
            "with /flag\n"
            "/verify 12 false <i>note</i> · /assign 12 @analyst · /unflag 12 <i>reason</i>\n"
            "/log · /log open · /log round <i>name</i> · /log speaker <i>name</i>\n"
            "/show 12 · /find <i>words</i> · /summary · /export · /board\n"
            "/round start <i>name</i> · /round end · /round\n\n"
            "<b>Who may do what</b>\n"
            "Anyone in an enrolled chat may flag, verify and assign. Changing the verdict "
            "on someone else's flag, /unflag of someone else's flag, /export, /purge and "
            "/watch are for chat admins. /enable and /disable are for bot admins and chat "
            "admins; /reload for bot admins.\n\n"
            "/lang — English / українська"
        ),
        "uk": (
            "<b>Довідка</b>\n"
            "/principles — десять принципів · /principle 3\n"
            "/terms — кремлівські терміни-пастки · /term першопричини\n"
            "/tactics — відомі тактики · /tactic ультиматум\n"
            "/claims — неправдиві заяви та спростування · /claim закон забороняє\n"
            "/search <i>слова</i> — пошук по всьому\n"
            "В особистому чаті просто пишіть: <i>первопричины</i>, <i>добра воля</i>, "
            "<i>8</i>.\n"
            "Інлайн, у будь-якому чаті: <code>@{bot} першопричини</code>\n\n"
            "<b>Позначені заяви</b> (у підключених групах)\n"
            "/flag <i>заява</i> · /flag Лавров: <i>заява</i> · відповідь на повідомлення "
            "командою /flag\n"
            "/verify 12 false <i>примітка</i> · /assign 12 @analyst · /unflag 12 "
            "<i>причина</i>\n"
            "/log · /log open · /log round <i>назва</i> · /log speaker <i>імʼя</i>\n"
            "/show 12 · /find <i>слова</i> · /summary · /export · /board\n"
            "/round start <i>назва</i> · /round end · /round\n\n"
            "<b>Хто що може</b>\n"
            "Будь-хто в підключеному чаті може позначати, перевіряти й призначати. Змінити "
            "вердикт чужої позначки, відкликати чужу позначку, /export, /purge та /watch — "
            "для адміністраторів чату. /enable і /disable — для адміністраторів бота та "
            "чату; /reload — для адміністраторів бота.\n\n"
            "/lang — English / українська"
        ),
    },
    "kind_principle": {"en": "Principle", "uk": "Принцип"},
    "kind_term": {"en": "Loaded term", "uk": "Термін-пастка"},
    "kind_tactic": {"en": "Tactic", "uk": "Тактика"},
    "kind_claim": {"en": "Known claim", "uk": "Відома заява"},
    "list_principle": {
        "en": "Ten principles for talks with Moscow",
        "uk": "Десять принципів переговорів з Москвою",
    },
    "list_term": {"en": "The Kremlin's loaded terms", "uk": "Кремлівські терміни-пастки"},
    "list_tactic": {"en": "Moscow's known tactics", "uk": "Відомі тактики Москви"},
    "list_claim": {"en": "Known false claims", "uk": "Відомі неправдиві заяви"},
    "list_pick": {"en": "Tap one to open its card.", "uk": "Натисніть, щоб відкрити картку."},
    "back_principle": {"en": "◀ All principles", "uk": "◀ Усі принципи"},
    "back_term": {"en": "◀ All terms", "uk": "◀ Усі терміни"},
    "back_tactic": {"en": "◀ All tactics", "uk": "◀ Усі тактики"},
    "back_claim": {"en": "◀ All claims", "uk": "◀ Усі заяви"},
    "prev": {"en": "◀ Prev", "uk": "◀ Назад"},
    "next": {"en": "Next ▶", "uk": "Далі ▶"},
    "field_guidance": {"en": "What to do", "uk": "Що робити"},
    "field_why": {"en": "Why it matters", "uk": "Чому це важливо"},
    "field_kremlin_phrase": {"en": "Moscow says", "uk": "Москва каже"},
    "field_meaning": {"en": "What it means", "uk": "Що це означає"},
    "field_used_for": {"en": "What it is used for", "uk": "Навіщо це використовують"},
    "field_answer": {"en": "Our answer", "uk": "Наша відповідь"},
    "field_recognise": {"en": "How to recognise it", "uk": "Як розпізнати"},
    "field_counter": {"en": "Counter", "uk": "Протидія"},
    "field_example": {"en": "Example", "uk": "Приклад"},
    "field_quote": {"en": "Quote", "uk": "Цитата"},
    "field_facts": {"en": "The facts", "uk": "Факти"},
    "field_verdict": {"en": "Verdict", "uk": "Вердикт"},
    "field_heard_as": {"en": "Heard as", "uk": "Звучить як"},
    "field_sources": {"en": "Sources", "uk": "Джерела"},
    "verdict_false": {"en": "False", "uk": "Неправда"},
    "verdict_misleading": {"en": "Misleading", "uk": "Маніпуляція"},
    "verdict_unsubstantiated": {"en": "Unsubstantiated", "uk": "Без доказів"},
    "verdict_lacks-context": {"en": "Lacks context", "uk": "Бракує контексту"},
    "no_match": {
        "en": "Nothing in the playbook matches “{query}”.",
        "uk": "У порадникові немає нічого про «{query}».",
    },
    "did_you_mean": {
        "en": "No exact match for “{query}”. Did you mean:",
        "uk": "Точного збігу для «{query}» немає. Можливо, ви мали на увазі:",
    },
    "try_lists": {
        "en": "Try other words, or browse the lists:",
        "uk": "Спробуйте інші слова або перегляньте списки:",
    },
    "search_results": {"en": "Results for “{query}”:", "uk": "Результати для «{query}»:"},
    "principle_range": {
        "en": "There are {count} principles: try /principle 1 to /principle {count}.",
        "uk": "Принципів {count}: спробуйте від /principle 1 до /principle {count}.",
    },
    "button_principles": {"en": "Principles", "uk": "Принципи"},
    "button_terms": {"en": "Terms", "uk": "Терміни"},
    "button_tactics": {"en": "Tactics", "uk": "Тактики"},
    "button_claims": {"en": "Claims", "uk": "Заяви"},
    "button_inline": {"en": "Search from any chat", "uk": "Пошук з будь-якого чату"},
    "lang_pick": {"en": "Choose the language:", "uk": "Оберіть мову:"},
    "lang_set": {"en": "I'll answer in English.", "uk": "Відповідатиму українською."},
    "lang_unknown": {
        "en": "I speak English (en) and Ukrainian (uk): /lang en or /lang uk.",
        "uk": "Я розмовляю англійською (en) та українською (uk): /lang en або /lang uk.",
    },
    "stale_button": {
        "en": "That entry is no longer in the playbook.",
        "uk": "Цього запису вже немає в порадникові.",
    },
    "error_generic": {
        "en": "Sorry, something went wrong on my side. Please try again.",
        "uk": "Вибачте, у мене щось пішло не так. Спробуйте ще раз.",
    },
    "unknown_command": {
        "en": "I don't know that command. /help lists what I can do.",
        "uk": "Я не знаю такої команди. Усе, що я вмію, — у /help.",
    },
    "inline_empty_hint": {"en": "Ten principles", "uk": "Десять принципів"},
    "inline_nothing": {
        "en": "Nothing found: open the playbook",
        "uk": "Нічого не знайдено: відкрити порадник",
    },
    "cmd_start": {"en": "Welcome and first steps", "uk": "Вітання і перші кроки"},
    "cmd_help": {"en": "Every command, with examples", "uk": "Усі команди з прикладами"},
    "cmd_principles": {"en": "The ten principles", "uk": "Десять принципів"},
    "cmd_principle": {"en": "One principle: /principle 3", "uk": "Один принцип: /principle 3"},
    "cmd_terms": {"en": "The Kremlin's loaded terms", "uk": "Кремлівські терміни-пастки"},
    "cmd_term": {
        "en": "Look up a term: /term root causes",
        "uk": "Знайти термін: /term першопричини",
    },
    "cmd_tactics": {"en": "Moscow's known tactics", "uk": "Відомі тактики Москви"},
    "cmd_tactic": {"en": "Look up a tactic", "uk": "Знайти тактику"},
    "cmd_claims": {"en": "Known false claims", "uk": "Відомі неправдиві заяви"},
    "cmd_claim": {"en": "Look up a claim", "uk": "Знайти заяву"},
    "cmd_search": {"en": "Search everything", "uk": "Пошук по всьому"},
    "cmd_lang": {"en": "English / українська", "uk": "English / українська"},
    "cmd_flag": {"en": "Flag a statement heard at the table", "uk": "Позначити почуту заяву"},
    "cmd_verify": {"en": "Give a verdict: /verify 12 false", "uk": "Вердикт: /verify 12 false"},
    "cmd_log": {"en": "The chat's flagged statements", "uk": "Позначені заяви чату"},
    "cmd_show": {"en": "One flag with its history", "uk": "Одна позначка з історією"},
    "cmd_find": {"en": "Search the flags", "uk": "Пошук у позначках"},
    "cmd_round": {"en": "Start, end or show the round", "uk": "Раунд: почати, завершити, показати"},
    "cmd_summary": {"en": "Brief for the lead", "uk": "Підсумок для керівника"},
    "cmd_export": {"en": "Export the log as files", "uk": "Експорт журналу у файли"},
    "cmd_board": {"en": "Live board of open flags", "uk": "Живе табло відкритих позначок"},
}


def t(lang: Lang, key: str, **values: Any) -> str:
    """The string ``key`` in ``lang``, with ``values`` HTML-escaped and filled in."""
    template = STRINGS[key][lang]
    if not values:
        return template
    escaped = {name: html.escape(str(value), quote=False) for name, value in values.items()}
    return template.format(**escaped)
