"""Interface strings in English and Ukrainian. Content strings live in ``content/``.

``t()`` escapes every value it fills in, so a caller can never smuggle user text
into Telegram HTML unescaped. A string that states a count is a :class:`Plural`,
and ``t()`` picks its form by the ``count`` it is given.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Literal

from bot.playbook import Lang

PluralForm = Literal["one", "few", "many"]


@dataclass(frozen=True)
class Plural:
    """The forms of a string by count. English has one and many (``few`` is ``many``);
    Ukrainian: one for 1, 21, 31…; few for 2–4, 22–24…; many for 0, 5–20, 25–30…"""

    one: str
    many: str
    few: str | None = None

    def form(self, count: int, lang: Lang) -> str:
        chosen = plural_form(count, lang)
        if chosen == "one":
            return self.one
        if chosen == "few" and self.few is not None:
            return self.few
        return self.many


def plural_form(count: int, lang: Lang) -> PluralForm:
    """CLDR's cardinal plural rules for whole numbers in English and Ukrainian."""
    if lang == "uk":
        last, last_two = count % 10, count % 100
        if last == 1 and last_two != 11:
            return "one"
        if 2 <= last <= 4 and not 12 <= last_two <= 14:
            return "few"
        return "many"
    return "one" if count == 1 else "many"


STRINGS: dict[str, dict[Lang, str | Plural]] = {
    # -- lookup ---------------------------------------------------------------
    "welcome": {
        "en": (
            "<b>Playbook</b> for talks with Moscow, in your pocket.\n\n"
            "Type a few words, a Kremlin phrase you just heard (in English, Ukrainian or "
            "Russian) or a principle number, and I'll show the card. Typos are fine.\n\n"
            "In the team's group, /flag a statement heard at the table and the support "
            "team can verify it. /help lists everything.\n\n"
            "Українською: /lang uk"
        ),
        "uk": (
            "<b>Порадник</b> для переговорів з Москвою — завжди під рукою.\n\n"
            "Напишіть кілька слів, кремлівську фразу, яку щойно почули (англійською, "
            "українською чи російською), або номер принципу — і я покажу картку. "
            "Помилки в словах не завадять.\n\n"
            "У груповому чаті команди позначайте командою /flag заяви, почуті за столом "
            "переговорів, — аналітики їх перевірять. Усі команди — у /help.\n\n"
            "Інтерфейс англійською: /lang en"
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
            "/who — people at the table · /who Lavrov\n"
            "/timeline — the talks in order · /timeline 2022 · /timeline Istanbul\n"
            "In a private chat just type: <i>первопричины</i>, <i>goodwill</i>, <i>8</i>.\n"
            "Inline, in any chat: <code>@{bot} root causes</code>\n\n"
            "<b>Flagged statements</b> (enrolled group chats)\n"
            "/flag <i>statement</i> · /flag Lavrov: <i>statement</i> · reply to a message "
            "with /flag\n"
            "/verify 12 false <i>note</i> · /assign 12 @analyst · /unflag 12 <i>reason</i>\n"
            "/log · /log open · /log round <i>name</i> · /log speaker <i>name</i>\n"
            "/show 12 · /find <i>words</i> · /summary · /export · /board\n"
            "/round start <i>name</i> · /round end · /round\n"
            "/who Lavrov — the card, with this chat's flags by that speaker\n"
            "/check — reply to a transcript file (.txt, .md, .srt, .vtt, .docx) or send it "
            "with that caption: its known claims and loaded terms, each with a button to flag "
            "it (in a private chat, just send the file)\n"
            "/define root causes (Lavrov): <i>what they said it means</i> — their definition; "
            "/define root causes — every one, round by round; /asked root causes — we asked\n"
            "/settings · /settings timezone Europe/Kyiv · /settings language en — this "
            "chat's settings\n\n"
            "/lang — English / українська"
        ),
        "uk": (
            "<b>Пошук у порадникові</b>\n"
            "/principles — десять принципів · /principle 3\n"
            "/terms — кремлівські терміни-пастки · /term першопричини\n"
            "/tactics — відомі тактики · /tactic ультиматум\n"
            "/claims — неправдиві заяви та спростування · /claim закон забороняє\n"
            "/search <i>слова</i> — пошук у всьому порадникові\n"
            "/who — люди за столом переговорів · /who Лавров\n"
            "/timeline — переговори в хронологічному порядку · /timeline 2022 · "
            "/timeline Стамбул\n"
            "В особистому чаті просто пишіть: <i>первопричины</i>, <i>добра воля</i>, "
            "<i>8</i>.\n"
            "В інлайн-режимі, у будь-якому чаті: <code>@{bot} першопричини</code>\n\n"
            "<b>Позначені заяви</b> (у групах, де ввімкнено журнал)\n"
            "/flag <i>заява</i> · /flag Лавров: <i>заява</i> · або надішліть /flag у "
            "відповідь на повідомлення\n"
            "/verify 12 неправда <i>примітка</i> · /assign 12 @analyst · /unflag 12 "
            "<i>причина</i>\n"
            "/log · /log на перевірці · /log раунд <i>назва</i> · /log хто <i>імʼя</i>\n"
            "/show 12 · /find <i>слова</i> · /summary · /export · /board\n"
            "/round start <i>назва</i> · /round end · /round\n"
            "/who Лавров — картка з позначками цього чату, де говорить ця особа\n"
            "/check — у відповідь на файл стенограми (.txt, .md, .srt, .vtt, .docx) або в "
            "підписі до нього: відомі заяви й терміни-пастки в ній, кожну можна позначити "
            "кнопкою (в особистому чаті просто надішліть файл)\n"
            "/define першопричини (Лавров): <i>що, за їхніми словами, це означає</i> — їхнє "
            "визначення; /define першопричини — усі, раунд за раундом; /asked першопричини — "
            "ми попросили визначити\n"
            "/settings · /settings timezone Europe/Kyiv · /settings language uk — "
            "налаштування цього чату\n\n"
            "/lang — English / українська"
        ),
    },
    # /help's "Who may do what", one line per access.Role, each listing the commands
    # access.COMMAND_ROLES gives that role.
    "roles_title": {"en": "Who may do what", "uk": "Хто що може"},
    "role_member": {
        "en": "Anyone in an enrolled chat: {commands}, and a verdict on their own flag.",
        "uk": "Будь-хто в чаті з журналом: {commands}, а також вердикт для власної позначки.",
    },
    "role_flagger": {
        "en": "On a flag, the person who flagged it or a chat admin: {commands}. Whoever "
        "they assign it to may give its verdict too; no one else can assign it.",
        "uk": "Для позначки — її автор або адміністратор чату: {commands}. Вердикт може "
        "дати й той, кому хтось із них доручив перевірку; більше ніхто доручити її не може.",
    },
    "role_chat_admin": {
        "en": "Chat admins (anonymous ones too): {commands}, and all of the above on any flag.",
        "uk": "Адміністратори чату (зокрема анонімні): {commands}, а також усе перелічене "
        "вище — для будь-якої позначки.",
    },
    "role_bot_admin": {
        "en": "The bot's administrators: {commands}, and everything chat admins can do.",
        "uk": "Адміністратори бота: {commands}, а також усе, що можуть адміністратори чату.",
    },
    "kind_principle": {"en": "Principle", "uk": "Принцип"},
    "kind_person": {"en": "Who's who", "uk": "Хто є хто"},
    "kind_event": {"en": "Event", "uk": "Подія"},
    "list_person": {
        "en": "People at and around the table",
        "uk": "Люди за столом переговорів і довкола нього",
    },
    "list_event": {"en": "Timeline of the talks", "uk": "Хронологія переговорів"},
    "back_person": {"en": "◀ All people", "uk": "◀ Усі особи"},
    "back_event": {"en": "◀ Timeline", "uk": "◀ Хронологія"},
    "field_role": {"en": "Role", "uk": "Посада"},
    "field_names": {"en": "Names", "uk": "Імена"},
    "field_record": {
        "en": "What the sources report",
        "uk": "Що повідомляють джерела",
    },
    "field_side": {"en": "Side", "uk": "Сторона"},
    "field_when": {"en": "When and where", "uk": "Коли і де"},
    "field_what": {"en": "What happened", "uk": "Що сталося"},
    "field_people": {"en": "People", "uk": "Особи"},
    "side_russia": {"en": "Russia", "uk": "Росія"},
    "side_ukraine": {"en": "Ukraine", "uk": "Україна"},
    "side_united-states": {"en": "United States", "uk": "США"},
    "side_turkey": {
        "en": "Turkey, host and mediator",
        "uk": "Туреччина, країна-господарка й посередниця",
    },
    "side_independent": {
        "en": "No government: an analyst or former official",
        "uk": "Без уряду: аналітик чи колишній посадовець",
    },
    "side_history": {
        "en": "History: cited from the past, at no table",
        "uk": "Історична постать, не учасник переговорів",
    },
    "reported_on": {"en": "reported {date}", "uk": "повідомлено {date}"},
    "said_source": {"en": "Source", "uk": "Джерело"},
    "timeline_none": {
        "en": "No events in {year}. /timeline shows them all.",
        "uk": "Подій за {year} рік немає. Усі події — у /timeline.",
    },
    "who_flags": {
        "en": "🚩 <b>This chat's flags by {name}: {total}</b>",
        "uk": "🚩 <b>Позначки цього чату, де говорить {name}: {total}</b>",
    },
    "who_flags_none": {
        "en": "🚩 No flags by {name} in this chat yet.",
        "uk": "🚩 У цьому чаті ще немає позначок, де говорить {name}.",
    },
    "who_flags_latest": {"en": "Latest:", "uk": "Останні:"},
    # /log's speaker filter as the reader types it, on the button under /who.
    "log_speaker_command": {"en": "/log speaker", "uk": "/log хто"},
    "who_none": {
        "en": "No one called “{query}” in the playbook.",
        "uk": "У порадникові немає особи «{query}».",
    },
    "flag_person": {"en": "Known speaker", "uk": "Відома особа"},
    "kind_term": {"en": "Loaded term", "uk": "Термін-пастка"},
    "kind_term_ukraine": {
        "en": "Ukraine's term, not the Kremlin's",
        "uk": "Термін української сторони, не Кремля",
    },
    "kind_tactic": {"en": "Tactic", "uk": "Тактика"},
    "kind_claim": {"en": "Known claim", "uk": "Відома заява"},
    "list_principle": {
        "en": "Ten principles for talks with Moscow",
        "uk": "Десять принципів переговорів з Москвою",
    },
    "list_term": {"en": "The Kremlin's loaded terms", "uk": "Кремлівські терміни-пастки"},
    "list_term_ukraine": {
        "en": "Ukraine's own terms, not the Kremlin's",
        "uk": "Терміни української сторони, не Кремля",
    },
    "list_tactic": {"en": "Moscow's known tactics", "uk": "Відомі тактики Москви"},
    "list_claim": {
        "en": "Moscow's known claims, with the facts",
        "uk": "Відомі заяви Москви і факти",
    },
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
    "field_reported_phrase": {
        "en": "Moscow's position, in a report's words",
        "uk": "Позиція Москви словами повідомлення",
    },
    "field_ukraine_phrase": {"en": "Ukraine asks for", "uk": "Україна просить"},
    "field_moscow_instead": {"en": "What Moscow wants instead", "uk": "Чого натомість хоче Москва"},
    "field_meaning": {"en": "What it means", "uk": "Що це означає"},
    "field_used_for": {"en": "What it is used for", "uk": "Навіщо це використовують"},
    "field_answer": {"en": "Our answer", "uk": "Наша відповідь"},
    "field_recognise": {"en": "How to recognise it", "uk": "Як розпізнати"},
    "field_counter": {"en": "Counter", "uk": "Протидія"},
    "field_example": {"en": "Example", "uk": "Приклад"},
    "field_quote": {"en": "Quote", "uk": "Цитата"},
    "field_facts": {"en": "The facts", "uk": "Факти"},
    "verdict_ours": {"en": "Our reading", "uk": "Наша оцінка"},
    "field_heard_as": {"en": "Heard as", "uk": "Російською кажуть"},
    "field_sources": {"en": "Sources", "uk": "Джерела"},
    "verdict_false": {"en": "False", "uk": "Неправда"},
    # The playbook's own reading of a claim (a source's word is quoted as it is, e.g.
    # VOA's «оманливий»); not the flag status "misleading" below.
    "verdict_misleading": {"en": "Misleading", "uk": "Оманливе твердження"},
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
    "search_results": {"en": "Results for “{query}”:", "uk": "Знайдено за запитом «{query}»:"},
    "principle_range": {
        "en": Plural(
            one="There is {count} principle: try /principle 1.",
            many="There are {count} principles: try /principle 1 to /principle {count}.",
        ),
        "uk": Plural(
            one="У порадникові {count} принцип: спробуйте /principle 1.",
            few="У порадникові {count} принципи: спробуйте від /principle 1 до /principle {count}.",
            many="У порадникові {count} принципів: спробуйте від /principle 1 до "
            "/principle {count}.",
        ),
    },
    "button_principles": {"en": "Principles", "uk": "Принципи"},
    "button_terms": {"en": "Terms", "uk": "Терміни"},
    "button_tactics": {"en": "Tactics", "uk": "Тактики"},
    "button_claims": {"en": "Claims", "uk": "Заяви"},
    "button_inline": {"en": "Search from any chat", "uk": "Пошук з будь-якого чату"},
    "lang_pick": {"en": "Choose the language:", "uk": "Оберіть мову:"},
    "lang_set": {"en": "I'll answer in English.", "uk": "Відповідатиму українською."},
    "lang_set_group": {
        "en": "Your own language is now {language}: it applies in private chats with me. "
        "This group reads one language for everyone; chat admins choose it with "
        "/settings language.",
        "uk": "Вашу мову змінено ({language}): вона діє в особистому чаті зі мною. У групі ж "
        "бот говорить однією мовою з усіма; її обирають адміністратори чату: "
        "/settings language.",
    },
    "language_en": {"en": "English", "uk": "англійська"},
    "language_uk": {"en": "Ukrainian", "uk": "українська"},
    "lang_unknown": {
        "en": "I speak English (en) and Ukrainian (uk): /lang en or /lang uk.",
        "uk": "Я відповідаю англійською (en) та українською (uk): /lang en або /lang uk.",
    },
    "entry_gone": {
        "en": "That entry is no longer in the playbook. /search finds what is.",
        "uk": "Цього запису вже немає в порадникові. Пошукайте потрібне через /search.",
    },
    "button_outdated": {
        "en": "This button is out of date. Send the command again for fresh buttons.",
        "uk": "Ця кнопка застаріла. Надішліть команду ще раз, щоб отримати нові кнопки.",
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
    "cmd_terms": {
        "en": "The Kremlin's loaded terms, and Ukraine's own",
        "uk": "Кремлівські терміни-пастки й терміни України",
    },
    "cmd_term": {
        "en": "Look up a term: /term root causes",
        "uk": "Знайти термін: /term першопричини",
    },
    "cmd_tactics": {"en": "Moscow's known tactics", "uk": "Відомі тактики Москви"},
    "cmd_tactic": {"en": "Look up a tactic", "uk": "Знайти тактику"},
    "cmd_claims": {
        "en": "Moscow's known claims, with the facts",
        "uk": "Відомі заяви Москви і факти",
    },
    "cmd_claim": {"en": "Look up a claim", "uk": "Знайти заяву"},
    "cmd_search": {"en": "Search everything", "uk": "Пошук у всьому порадникові"},
    "cmd_who": {
        "en": "Who is who: /who Lavrov",
        "uk": "Хто є хто: /who Лавров",
    },
    "cmd_timeline": {
        "en": "Timeline of the talks: /timeline 2022",
        "uk": "Хронологія переговорів: /timeline 2022",
    },
    "cmd_lang": {"en": "English / українська", "uk": "English / українська"},
    "cmd_flag": {"en": "Flag a statement heard at the table", "uk": "Позначити почуту заяву"},
    "cmd_verify": {"en": "Give a verdict: /verify 12 false", "uk": "Вердикт: /verify 12 неправда"},
    "cmd_log": {"en": "The chat's flagged statements", "uk": "Позначені заяви чату"},
    "cmd_show": {"en": "One flag with its history", "uk": "Одна позначка з історією"},
    "cmd_find": {"en": "Search the flags", "uk": "Пошук у позначках"},
    "cmd_round": {"en": "Start, end or show the round", "uk": "Раунд: почати, завершити, показати"},
    "cmd_summary": {"en": "Brief for the lead", "uk": "Підсумок для керівника"},
    "cmd_export": {"en": "Export the log as files", "uk": "Експорт журналу у файли"},
    "cmd_board": {"en": "Live board of open flags", "uk": "Табло відкритих позначок"},
    # -- flagged statements ---------------------------------------------------
    # One word per state, on buttons, replies, summaries, exports and the board. In
    # Ukrainian the scale of the country's fact-checkers: "Маніпуляція" for a true fact
    # made to mislead (a source's "misleading" is «оманливий», see verdict_misleading).
    "status_open": {"en": "Open", "uk": "На перевірці"},
    "status_verified": {"en": "Verified", "uk": "Правда"},
    "status_false": {"en": "False", "uk": "Неправда"},
    "status_misleading": {"en": "Misleading", "uk": "Маніпуляція"},
    "status_unverifiable": {"en": "Unverifiable", "uk": "Неможливо перевірити"},
    # /log's filter of the flags still open, as typed after /log.
    "filter_open": {"en": "open", "uk": "на перевірці"},
    "example_verify": {"en": "/verify 12 false", "uk": "/verify 12 неправда"},
    "flag_private": {
        "en": "The flag log lives in your team's group chat: add me there and use /flag.",
        "uk": "Журнал позначок ведеться в груповому чаті команди: додайте мене туди й "
        "користуйтеся /flag.",
    },
    # Refusals name the person to ask, never a setting: the README says how to.
    "no_log": {
        "en": "This chat keeps no flag log. Ask the bot's administrator to switch it on "
        "with /enable; then /flag what is said at the table.",
        "uk": "У цьому чаті журнал позначок вимкнено. Попросіть адміністратора бота "
        "ввімкнути його командою /enable; тоді позначайте почуте за столом командою /flag.",
    },
    "no_log_button": {
        "en": "This chat no longer keeps a flag log. Ask the bot's administrator to switch "
        "it on again with /enable.",
        "uk": "У цьому чаті журнал позначок більше не ведеться. Попросіть адміністратора "
        "бота знову ввімкнути його командою /enable.",
    },
    "not_enrolled": {
        "en": "This chat has no flag log, so nothing was stored. Ask the bot's "
        "administrator to switch it on with /enable.",
        "uk": "У цьому чаті журнал позначок вимкнено, тож нічого не збережено. Попросіть "
        "адміністратора бота ввімкнути його командою /enable.",
    },
    "flag_usage": {
        "en": "Write the statement after the command — /flag Lavrov: the talks failed because "
        "of Kyiv — or reply to a message with /flag.",
        "uk": "Напишіть заяву після команди — /flag Лавров: переговори зірвав Київ — або "
        "надішліть /flag у відповідь на повідомлення.",
    },
    "flagged": {"en": "🚩 <b>#{number} flagged</b>", "uk": "🚩 <b>#{number} позначено</b>"},
    "flag_matches": {"en": "Matches the playbook:", "uk": "Збіг із порадником:"},
    "flag_round": {"en": "Round", "uk": "Раунд"},
    "flag_speaker": {"en": "Speaker", "uk": "Хто сказав"},
    "flag_by": {"en": "Flagged by", "uk": "Хто позначив"},
    "flag_judge": {"en": "Verdict by", "uk": "Автор вердикту"},
    "flag_status": {"en": "Status", "uk": "Статус"},
    "flag_assignee": {"en": "Assigned to", "uk": "Перевіряє"},
    "flag_note": {"en": "Note", "uk": "Примітка"},
    "flag_link": {"en": "Original message", "uk": "Оригінал повідомлення"},
    "flag_retracted": {"en": "Retracted", "uk": "Відкликано"},
    "flag_history": {"en": "History", "uk": "Історія"},
    # "Seen before": an earlier flag of the chat said the same (bot.sameness).
    "seen_before": {"en": "Seen before", "uk": "Уже звучало"},
    "seen_before_open": {"en": "Open #{number}", "uk": "Відкрити #{number}"},
    # Under a verdict's notice: the later flags that repeat the judged one.
    "repeated_by": {
        "en": Plural(
            one="🔁 {count} later flag repeats it: {numbers}",
            many="🔁 {count} later flags repeat it: {numbers}",
        ),
        "uk": Plural(
            one="🔁 Це повторює ще {count} позначка: {numbers}",
            few="🔁 Це повторюють ще {count} позначки: {numbers}",
            many="🔁 Це повторюють ще {count} позначок: {numbers}",
        ),
    },
    "number_missing": {
        "en": "Which flag? Give its number, e.g. {example}.",
        "uk": "Яка позначка? Вкажіть її номер, наприклад {example}.",
    },
    "number_invalid": {
        "en": "“{value}” is not a flag number. Numbers are whole and start at 1, e.g. {example}.",
        "uk": "«{value}» — не номер позначки. Номер — ціле число від 1, наприклад {example}.",
    },
    "flag_not_found": {
        "en": "There is no flag #{number} in this chat. /log lists the ones there are.",
        "uk": "У цьому чаті немає позначки #{number}. Наявні позначки — у /log.",
    },
    "status_missing": {
        "en": "Which verdict for #{number}? One of: {choices}, e.g. /verify {number} false.",
        "uk": "Який вердикт для #{number}? Можливі вердикти: {choices}; наприклад, "
        "/verify {number} неправда.",
    },
    "status_invalid": {
        "en": "“{value}” is not a verdict. Use one of: {choices}.",
        "uk": "«{value}» — не вердикт. Можливі вердикти: {choices}.",
    },
    "flagged_many": {
        "en": "🚩 <b>{numbers} flagged</b>",
        "uk": "🚩 <b>{numbers} позначено</b>",
    },
    "flagged_pick": {
        "en": "Tap a number for its verdict buttons.",
        "uk": "Натисніть номер, щоб побачити кнопки вердикту.",
    },
    # A merged confirmation's verdict buttons once a number was tapped: each says which
    # flag it acts on.
    "verdict_button": {"en": "#{number}: {status}", "uk": "#{number}: {status}"},
    "button_back_to_list": {"en": "‹ All numbers", "uk": "‹ Усі номери"},
    "verdicts_many": {"en": "⚖️ <b>Verdicts</b>", "uk": "⚖️ <b>Вердикти</b>"},
    # The act has one name: "Вердикт для #N". The flagger is named where no case
    # ending is needed (a label), never addressed.
    "verdict_line": {
        "en": "Verdict for #{number}: <b>{status}</b> · verdict by {by} · flagged by {flagger}",
        "uk": "Вердикт для #{number}: <b>{status}</b> · автор вердикту: {by} · "
        "хто позначив: {flagger}",
    },
    "verdict_set": {
        "en": "Verdict for #{number}: <b>{status}</b>\nVerdict by: {by}",
        "uk": "Вердикт для #{number}: <b>{status}</b>\nАвтор вердикту: {by}",
    },
    "verdict_notify": {
        "en": "Verdict for #{number}: <b>{status}</b>\nVerdict by: {by} · flagged by: {flagger}",
        "uk": "Вердикт для #{number}: <b>{status}</b>\nАвтор вердикту: {by} · хто позначив: "
        "{flagger}",
    },
    "verdict_done": {
        "en": "Verdict for #{number}: {status}",
        "uk": "Вердикт для #{number}: {status}",
    },
    "not_allowed_verdict": {
        "en": "Only the person who flagged #{number}, a chat admin, or whoever one of them "
        "assigned it to can change its verdict. Ask one of them to give it, or to assign it "
        "to you: /assign {number} @your_username.",
        "uk": "Змінити вердикт для #{number} може лише автор позначки, адміністратор чату або "
        "той, кому хтось із них доручив перевірку. Попросіть когось із них дати вердикт або "
        "доручити перевірку вам: /assign {number} @ваш_нік.",
    },
    # The same refusal as a pop-up under a button: Telegram shows at most 200 characters
    # there, and nothing in it can be tapped.
    "not_allowed_verdict_short": {
        "en": "Only the person who flagged #{number}, a chat admin or whoever they assigned "
        "it to can give its verdict.",
        "uk": "Вердикт для #{number} дає лише автор позначки, адміністратор чату або той, "
        "кому доручено перевірку.",
    },
    "not_allowed_assign": {
        "en": "Only the person who flagged #{number} or a chat admin can assign it: an "
        "assignment lets the assignee give the verdict. Ask one of them.",
        "uk": "Доручити перевірку #{number} може лише автор позначки або адміністратор чату: "
        "той, кому її доручено, може дати вердикт. Попросіть когось із них.",
    },
    "assign_usage": {
        "en": "Usage: /assign 12 @analyst",
        "uk": "Як користуватися: /assign 12 @analyst",
    },
    "assigned": {
        "en": "#{number} assigned to {assignee}.",
        "uk": "#{number} перевіряє {assignee}.",
    },
    "unflag_usage": {
        "en": "Usage: /unflag 12 reason for retracting",
        "uk": "Як користуватися: /unflag 12 причина відкликання",
    },
    "unflagged": {
        "en": "#{number} retracted. It stays in the log, marked as retracted.",
        "uk": "#{number} відкликано. Позначка лишається в журналі з міткою «відкликано».",
    },
    "not_allowed_unflag": {
        "en": "Only the person who flagged #{number} or a chat admin can retract it. Ask "
        "one of them.",
        "uk": "Відкликати #{number} може лише автор позначки або адміністратор чату. "
        "Попросіть когось із них.",
    },
    "already_retracted": {
        "en": "#{number} is already retracted.",
        "uk": "#{number} вже відкликано.",
    },
    "already_status": {
        "en": "#{number} is already {status}: nothing changed.",
        "uk": "#{number} вже має вердикт «{status}»: нічого не змінено.",
    },
    "already_assigned": {
        "en": "#{number} is already assigned to {assignee}: nothing changed.",
        "uk": "#{number} вже перевіряє {assignee}: нічого не змінено.",
    },
    "already_unassigned": {
        "en": "#{number} is assigned to no one already: nothing changed.",
        "uk": "#{number} і так нікому не призначено: нічого не змінено.",
    },
    "already_text": {
        "en": "#{number} already says that: nothing changed.",
        "uk": "#{number} уже має саме цей текст: нічого не змінено.",
    },
    "evidence_not_link": {
        "en": "Evidence must be a web link starting with https://.",
        "uk": "Доказ має бути вебпосиланням, що починається з https://.",
    },
    "nothing_typed": {
        "en": "There is nothing to keep: write the text first.",
        "uk": "Немає чого зберегти: спершу напишіть текст.",
    },
    "round_started": {
        "en": "Round “{name}” started. New flags belong to it.",
        "uk": "Раунд «{name}» розпочато. Нові позначки потраплятимуть до нього.",
    },
    "round_ended": {"en": "Round “{name}” ended.", "uk": "Раунд «{name}» завершено."},
    "round_current": {"en": "Current round: “{name}”.", "uk": "Поточний раунд: «{name}»."},
    "round_none": {
        "en": "No round is open. Start one with /round start &lt;name&gt;.",
        "uk": "Жоден раунд зараз не триває. Розпочніть новий: /round start &lt;назва&gt;.",
    },
    "round_usage": {
        "en": "Usage: /round start &lt;name&gt; · /round end · /round",
        "uk": "Як користуватися: /round start &lt;назва&gt; · /round end · /round",
    },
    "round_unknown": {
        "en": "There is no round “{name}” in this chat. Check the name: /log shows each "
        "flag's round.",
        "uk": "У цьому чаті немає раунду «{name}». Перевірте назву: /log показує раунд "
        "кожної позначки.",
    },
    "log_title": {"en": "Flag log", "uk": "Журнал позначок"},
    "log_empty": {
        "en": "Nothing flagged here yet. /flag a statement to start the log.",
        "uk": "Тут ще нічого не позначено. Почніть журнал командою /flag.",
    },
    "log_none_match": {
        "en": "No flags match. /log shows them all.",
        "uk": "Таких позначок немає. Усі позначки — у /log.",
    },
    "log_page": {"en": "{first}–{last} of {total}", "uk": "{first}–{last} з {total}"},
    "log_usage": {
        "en": "Usage: /log · /log open · /log round &lt;name&gt; · /log speaker &lt;name&gt;",
        "uk": "Як користуватися: /log · /log на перевірці · /log раунд &lt;назва&gt; · "
        "/log хто &lt;імʼя&gt;",
    },
    "find_usage": {
        "en": "Usage: /find &lt;words&gt;",
        "uk": "Як користуватися: /find &lt;слова&gt;",
    },
    "find_none": {
        "en": "No flag mentions “{query}”. Try other words, or /log for every flag.",
        "uk": "Жодна позначка не містить «{query}». Спробуйте інші слова або /log.",
    },
    "summary_title": {"en": "Summary", "uk": "Підсумок"},
    "summary_open": {"en": "Still open", "uk": "Ще на перевірці"},
    "summary_matched": {
        "en": "Most matched in the playbook",
        "uk": "Найчастіші збіги з порадником",
    },
    "summary_total": {
        "en": Plural(one="{count} flag", many="{count} flags"),
        "uk": Plural(one="{count} позначка", few="{count} позначки", many="{count} позначок"),
    },
    "export_empty": {
        "en": "There is nothing to export yet: this chat's log is empty. /flag a statement first.",
        "uk": "Експортувати поки нічого: журнал цього чату порожній. Спершу позначте заяву "
        "командою /flag.",
    },
    "export_empty_round": {
        "en": "Round “{name}” has no flags, so there is nothing to export. /export alone "
        "exports the whole log.",
        "uk": "У раунді «{name}» немає позначок, тож експортувати нічого. /export без назви "
        "експортує весь журнал.",
    },
    "export_done": {
        "en": Plural(
            one="Export of {count} flag: CSV for a spreadsheet, Markdown for reading.",
            many="Export of {count} flags: CSV for a spreadsheet, Markdown for reading.",
        ),
        "uk": Plural(
            one="Експорт {count} позначки: файл для електронних таблиць і звіт для читання.",
            few="Експорт {count} позначок: файл для електронних таблиць і звіт для читання.",
            many="Експорт {count} позначок: файл для електронних таблиць і звіт для читання.",
        ),
    },
    # -- what exports say (bot.export): the CSV's columns, the Markdown report -----
    "csv_number": {"en": "number", "uk": "номер"},
    "csv_time_utc": {"en": "time (UTC)", "uk": "всесвітній час"},
    "csv_time_local": {"en": "time (local)", "uk": "місцевий час"},
    "csv_round": {"en": "round", "uk": "раунд"},
    "csv_speaker": {"en": "speaker", "uk": "хто сказав"},
    "csv_text": {"en": "text", "uk": "заява"},
    "csv_flagged_by": {"en": "flagged by", "uk": "хто позначив"},
    "csv_status": {"en": "status", "uk": "статус"},
    "csv_assignee": {"en": "assignee", "uk": "перевіряє"},
    "csv_matches": {"en": "matches", "uk": "збіги з порадником"},
    "csv_seen_before": {"en": "seen before", "uk": "уже звучало"},
    "csv_note": {"en": "note", "uk": "примітка"},
    "csv_retracted": {"en": "retracted", "uk": "відкликано"},
    "csv_link": {"en": "link", "uk": "посилання"},
    "csv_history": {"en": "history", "uk": "історія"},
    "csv_status_code": {"en": "status code", "uk": "код статусу"},
    "csv_lang": {"en": "lang", "uk": "мова"},
    "md_this_chat": {"en": "this chat", "uk": "цей чат"},
    "md_all_rounds": {"en": "All rounds", "uk": "Усі раунди"},
    "md_times": {"en": "Times", "uk": "Час"},
    "md_no_flags": {"en": "No flags.", "uk": "Позначок немає."},
    "md_retracted_was": {"en": "was", "uk": "було:"},
    "md_playbook": {"en": "Playbook", "uk": "Збіги з порадником"},
    "md_notes": {"en": "Notes", "uk": "Примітки"},
    "md_link": {"en": "Link", "uk": "Посилання"},
    "md_points": {"en": "Talking points", "uk": "Тези"},
    "md_point": {"en": "Point", "uk": "Теза"},
    "md_next_round": {"en": "next round", "uk": "наступний раунд"},
    "md_point_removed": {"en": "Removed", "uk": "Вилучено"},
    "md_proposed_by": {"en": "Proposed by", "uk": "Хто запропонував"},
    "md_definitions": {"en": "Their definitions", "uk": "Їхні визначення"},
    "md_definition_term": {"en": "in the playbook", "uk": "у порадникові"},
    "md_no_round": {"en": "no round", "uk": "поза раундом"},
    "md_recorded_by": {"en": "Recorded by", "uk": "Хто записав"},
    "md_asked_to_define": {"en": "Asked to define", "uk": "Просили визначити"},
    "csv_entry": {"en": "entry", "uk": "запис"},
    "csv_term": {"en": "term", "uk": "термін"},
    "csv_playbook_term": {"en": "playbook term", "uk": "ід терміна в порадникові"},
    "csv_definition": {"en": "definition", "uk": "визначення"},
    "csv_recorded_by": {"en": "recorded by", "uk": "хто записав"},
    "csv_entry_definition": {"en": "definition", "uk": "визначення"},
    "csv_entry_asked": {"en": "asked", "uk": "просили визначити"},
    # A point's history in the report; English keeps the words it always had.
    "md_point_created": {"en": "created", "uk": "запропоновано"},
    "md_point_edit": {"en": "edited", "uk": "змінено"},
    "md_point_move": {"en": "moved", "uk": "переміщено"},
    "md_point_remove": {"en": "remove", "uk": "вилучено"},
    "admins_only": {
        "en": "Sorry, only chat admins can do that here. Ask one of them.",
        "uk": "Вибачте, тут це можуть лише адміністратори чату. Попросіть когось із них.",
    },
    "bot_admins_only": {
        "en": "Sorry, only the bot's administrator can do that. Ask them.",
        "uk": "Вибачте, це може лише адміністратор бота. Зверніться до нього.",
    },
    "enabled": {
        "en": "This chat now keeps a flag log. Anyone here can /flag a statement. Only this "
        "chat can see its log. Here the bot speaks {language}; chat admins can change that: "
        "/settings language.",
        "uk": "Журнал позначок у цьому чаті ввімкнено. Будь-хто тут може позначити заяву "
        "командою /flag. Журнал бачить лише цей чат. Мова бота в цій групі — {language}; "
        "адміністратори чату можуть її змінити: /settings language.",
    },
    "disabled": {
        "en": "Flag logging is off in this chat. Nothing was deleted; the bot's administrator "
        "can switch it on again with /enable.",
        "uk": "Журнал позначок у цьому чаті вимкнено. Нічого не видалено; адміністратор бота "
        "може знову ввімкнути його командою /enable.",
    },
    "disable_configured": {
        "en": "This chat's log is switched on in the bot's own configuration, so /disable "
        "cannot switch it off. Ask the bot's administrator.",
        "uk": "Журнал цього чату ввімкнено в налаштуваннях самого бота, тож /disable не може "
        "його вимкнути. Зверніться до адміністратора бота.",
    },
    "group_only": {
        "en": "That works in a group chat: add me to your team's group and send it there.",
        "uk": "Це працює в груповому чаті: додайте мене до групи команди й надішліть команду там.",
    },
    "purge_confirm": {
        "en": Plural(
            one="Delete this chat's whole log ({count} flag, with history and rounds), its "
            "talking points (removed ones too) and its register of their definitions and of "
            "the terms asked? The chat's settings stay. This cannot be undone.",
            many="Delete this chat's whole log ({count} flags, with history and rounds), its "
            "talking points (removed ones too) and its register of their definitions and of "
            "the terms asked? The chat's settings stay. This cannot be undone.",
        ),
        "uk": Plural(
            one="Видалити весь журнал цього чату ({count} позначка з історією та раундами), "
            "його тези (і прибрані теж) та реєстр їхніх визначень і термінів, які просили "
            "визначити? Налаштування чату лишаться. Це незворотно.",
            few="Видалити весь журнал цього чату ({count} позначки з історією та раундами), "
            "його тези (і прибрані теж) та реєстр їхніх визначень і термінів, які просили "
            "визначити? Налаштування чату лишаться. Це незворотно.",
            many="Видалити весь журнал цього чату ({count} позначок з історією та раундами), "
            "його тези (і прибрані теж) та реєстр їхніх визначень і термінів, які просили "
            "визначити? Налаштування чату лишаться. Це незворотно.",
        ),
    },
    "purge_yes": {"en": "Delete the log", "uk": "Видалити журнал"},
    "purge_no": {"en": "Keep it", "uk": "Залишити"},
    "purged": {
        "en": Plural(
            one="Deleted {count} flag from this chat's log, with its rounds, talking points "
            "and register of their definitions.",
            many="Deleted {count} flags from this chat's log, with its rounds, talking points "
            "and register of their definitions.",
        ),
        "uk": Plural(
            one="З журналу цього чату видалено {count} позначку, а з нею раунди, тези та "
            "реєстр їхніх визначень.",
            few="З журналу цього чату видалено {count} позначки, а з ними раунди, тези та "
            "реєстр їхніх визначень.",
            many="З журналу цього чату видалено {count} позначок, а з ними раунди, тези та "
            "реєстр їхніх визначень.",
        ),
    },
    "purge_cancelled": {"en": "Nothing was deleted.", "uk": "Нічого не видалено."},
    "board_title": {"en": "Open flags (live)", "uk": "На перевірці (оновлюється наживо)"},
    "board_empty": {"en": "No open flags.", "uk": "На перевірці нічого немає."},
    "board_more": {
        "en": Plural(one="…and {count} more: /log open", many="…and {count} more: /log open"),
        "uk": Plural(
            one="…і ще {count} позначка: /log на перевірці",
            few="…і ще {count} позначки: /log на перевірці",
            many="…і ще {count} позначок: /log на перевірці",
        ),
    },
    # What /reload says it loaded, one count each.
    "count_principles": {
        "en": Plural(one="{count} principle", many="{count} principles"),
        "uk": Plural(one="{count} принцип", few="{count} принципи", many="{count} принципів"),
    },
    "count_terms": {
        "en": Plural(one="{count} term", many="{count} terms"),
        "uk": Plural(one="{count} термін", few="{count} терміни", many="{count} термінів"),
    },
    "count_tactics": {
        "en": Plural(one="{count} tactic", many="{count} tactics"),
        "uk": Plural(one="{count} тактика", few="{count} тактики", many="{count} тактик"),
    },
    "count_claims": {
        "en": Plural(one="{count} claim", many="{count} claims"),
        "uk": Plural(one="{count} заява", few="{count} заяви", many="{count} заяв"),
    },
    "count_people": {
        "en": Plural(one="{count} person", many="{count} people"),
        "uk": Plural(one="{count} особа", few="{count} особи", many="{count} осіб"),
    },
    "count_events": {
        "en": Plural(one="{count} event", many="{count} events"),
        "uk": Plural(one="{count} подія", few="{count} події", many="{count} подій"),
    },
    "count_sources": {
        "en": Plural(one="{count} source", many="{count} sources"),
        "uk": Plural(one="{count} джерело", few="{count} джерела", many="{count} джерел"),
    },
    "watch_on": {
        "en": "Term watch is on: when someone here uses a loaded term or a known claim, I'll "
        "name it once (at most every 10 minutes per entry).",
        "uk": "Стеження за термінами ввімкнено: щойно хтось тут ужиє термін-пастку чи "
        "повторить відому заяву, я про це скажу (про кожен запис — не частіше ніж раз на "
        "10 хвилин).",
    },
    "watch_off": {"en": "Term watch is off.", "uk": "Стеження за термінами вимкнено."},
    "watch_blind": {
        "en": "⚠️ But I can't see ordinary messages in groups yet: in @BotFather choose "
        "/setprivacy → Disable for this bot, then remove me from this group and add me again.",
        "uk": "⚠️ Але я поки не бачу звичайних повідомлень у групах: у @BotFather оберіть "
        "/setprivacy → Disable для цього бота, потім видаліть мене з групи й додайте знову.",
    },
    "watch_usage": {
        "en": "Usage: /watch on · /watch off",
        "uk": "Як користуватися: /watch on · /watch off",
    },
    "watch_heard": {"en": "{icon} Heard: <b>{title}</b>", "uk": "{icon} Почуто: <b>{title}</b>"},
    "reloaded": {
        "en": "Content reloaded: {counts}.",
        "uk": "Вміст порадника перезавантажено: {counts}.",
    },
    "reload_failed": {
        "en": "The new content is invalid, so I kept the old one. Fix these and /reload again:",
        "uk": "Новий вміст порадника містить помилки, тому я залишив попередній. Виправте їх "
        "і знову надішліть /reload:",
    },
    "cmd_assign": {
        "en": "Assign a flag: /assign 12 @analyst",
        "uk": "Доручити перевірку: /assign 12 @analyst",
    },
    "cmd_unflag": {"en": "Retract a flag: /unflag 12 reason", "uk": "Відкликати позначку"},
    "cmd_watch": {"en": "Name loaded terms as they're used", "uk": "Підказувати терміни-пастки"},
    "cmd_settings": {
        "en": "This chat's settings: time zone, language",
        "uk": "Налаштування чату: часовий пояс, мова",
    },
    # -- /settings ------------------------------------------------------------
    "settings_title": {"en": "Settings of this chat", "uk": "Налаштування цього чату"},
    "settings_log_on": {"en": "Flag log: on", "uk": "Журнал позначок: увімкнено"},
    "settings_log_off": {
        "en": "Flag log: off (the bot's administrator can switch it on with /enable)",
        "uk": "Журнал позначок: вимкнено (адміністратор бота може ввімкнути його командою /enable)",
    },
    "settings_zone": {
        "en": "Time zone: {zone} (now {now})",
        "uk": "Часовий пояс: {zone} (зараз {now})",
    },
    "settings_watch_on": {"en": "Term watch: on", "uk": "Стеження за термінами: увімкнено"},
    "settings_watch_off": {"en": "Term watch: off", "uk": "Стеження за термінами: вимкнено"},
    "settings_lang": {
        "en": "Language of the group: {language}",
        "uk": "Мова групи: {language}",
    },
    "settings_hint": {
        "en": "Chat admins set the time zone and the language: /settings timezone "
        "Europe/Kyiv · /settings language uk",
        "uk": "Часовий пояс і мову встановлюють адміністратори чату: /settings timezone "
        "Europe/Kyiv · /settings language en",
    },
    "settings_usage": {
        "en": "Usage: /settings · /settings timezone Europe/Kyiv · /settings language uk",
        "uk": "Як користуватися: /settings · /settings timezone Europe/Kyiv · "
        "/settings language en",
    },
    "chat_language_invalid": {
        "en": "I don't speak “{value}”. Use /settings language uk or /settings language en.",
        "uk": "Мови «{value}» я не знаю. Вкажіть /settings language uk або /settings language en.",
    },
    "chat_language_set": {
        "en": "This group now reads the bot in English, whoever writes.",
        "uk": "Відтепер бот говорить у цій групі українською — з усіма учасниками.",
    },
    "timezone_invalid": {
        "en": "“{value}” is not a time zone I know. Use an IANA name such as Europe/Kyiv, "
        "Europe/Berlin or America/New_York (or UTC).",
        "uk": "«{value}» — невідомий часовий пояс. Вкажіть назву з бази IANA, наприклад "
        "Europe/Kyiv, Europe/Berlin чи America/New_York (або UTC).",
    },
    "timezone_set": {
        "en": "Times in this chat are now shown in {zone}; it is {now} there.",
        "uk": "Відтепер час у цьому чаті показано {zone}: зараз {now}.",
    },
    # A flag's history, as /show lists it.
    "event_created": {"en": "flagged", "uk": "позначено"},
    "event_status": {"en": "verdict", "uk": "вердикт"},
    "event_assign": {"en": "assigned", "uk": "перевірку доручено"},
    "event_note": {"en": "note", "uk": "примітка"},
    "event_edit": {"en": "text edited", "uk": "текст змінено"},
    "event_retract": {"en": "retracted", "uk": "відкликано"},
    # -- text the log refuses (bot.text_rules); {what} is one of the text_kind_* --
    "text_kind_statement": {"en": "The statement", "uk": "Заява"},
    "text_kind_note": {"en": "The note", "uk": "Примітка"},
    "text_kind_reason": {"en": "The reason", "uk": "Причина"},
    "text_kind_link": {"en": "The link", "uk": "Посилання"},
    "text_kind_name": {"en": "The name", "uk": "Ім’я"},
    "text_kind_round": {"en": "The round's name", "uk": "Назва раунду"},
    "text_kind_point": {"en": "The talking point", "uk": "Теза"},
    "text_unreadable": {
        "en": "{what} holds broken characters (such as half of an emoji) that cannot be "
        "stored. Nothing was changed: copy or type it again and resend.",
        "uk": "{what} містить пошкоджені символи (наприклад, половину емодзі), які неможливо "
        "зберегти. Нічого не змінено: скопіюйте або наберіть текст ще раз і надішліть знову.",
    },
    "text_nul": {
        "en": "{what} holds a NUL character, an invisible control character the log does "
        "not keep. Nothing was changed: remove it and resend.",
        "uk": "{what} містить символ NUL — невидимий керівний символ, якого журнал не "
        "зберігає. Нічого не змінено: приберіть його й надішліть знову.",
    },
    "text_bidi": {
        "en": "{what} holds invisible text-direction characters (such as U+202E), which "
        "make text read differently from what it says. Nothing was changed: remove them "
        "and resend.",
        "uk": "{what} містить невидимі символи напрямку тексту (як-от U+202E), через які "
        "текст читається не так, як написаний. Нічого не змінено: приберіть їх і "
        "надішліть знову.",
    },
    "text_too_long": {
        "en": "{what} is longer than {limit} characters. Nothing was changed: shorten it "
        "and resend.",
        "uk": "{what} має понад {limit} символів. Нічого не змінено: скоротіть текст і "
        "надішліть знову.",
    },
    "message_unreadable": {
        "en": "Your message holds broken characters (such as half of an emoji) that I cannot "
        "read. Type or copy it again and resend.",
        "uk": "Ваше повідомлення містить пошкоджені символи (наприклад, половину емодзі), "
        "яких я не можу прочитати. Наберіть або скопіюйте його ще раз і надішліть знову.",
    },
    "edit_refused": {
        "en": "#{number} keeps its text. {reason}",
        "uk": "#{number} зберігає попередній текст. {reason}",
    },
    # -- the board as a Mini App (bot.web) ------------------------------------
    "too_many_requests": {
        "en": "Too many changes at once: wait {seconds} s and try again.",
        "uk": "Забагато змін поспіль: зачекайте {seconds} с і спробуйте ще раз.",
    },
    "app_button": {"en": "📋 Open the analysts' board", "uk": "📋 Відкрити дошку аналітиків"},
    "app_choose_chat": {
        "en": "Open the analysts' board of a team chat:",
        "uk": "Відкрийте дошку аналітиків одного з чатів команди:",
    },
    "app_no_chats": {
        "en": "You are not a member of any team chat that keeps a flag log. Ask a chat "
        "admin to add you, or use /board in the group itself.",
        "uk": "Ви не учасник жодного чату команди з журналом позначок. Попросіть "
        "адміністратора чату додати вас або надішліть /board у самій групі.",
    },
    # -- talking points and the statement draft (bot.points, bot.statement) ----------
    "cmd_points": {
        "en": "Talking points for the round",
        "uk": "Тези до раунду",
    },
    "cmd_statement": {
        "en": "Draft the statement after a round",
        "uk": "Чернетка підсумкової заяви раунду",
    },
    "points_title": {
        "en": "📝 <b>Talking points · round “{name}”</b>",
        "uk": "📝 <b>Тези · раунд «{name}»</b>",
    },
    "points_title_next": {
        "en": "📝 <b>Talking points for the next round</b>",
        "uk": "📝 <b>Тези до наступного раунду</b>",
    },
    "points_empty": {
        "en": "No talking points yet. Propose one: /points add &lt;text&gt;",
        "uk": "Тез поки немає. Запропонуйте першу: /points add &lt;текст&gt;",
    },
    "points_hint": {
        "en": "Chat admins edit (✏️), move up (⬆️) and remove (🗑) points.",
        "uk": "Адміністратори чату редагують (✏️), піднімають (⬆️) і видаляють (🗑) тези.",
    },
    "points_more": {
        "en": Plural(one="…and {count} more point", many="…and {count} more points"),
        "uk": Plural(one="…і ще {count} теза", few="…і ще {count} тези", many="…і ще {count} тез"),
    },
    "points_usage": {
        "en": "Usage: /points · /points add &lt;text&gt; · /points edit 2 &lt;text&gt; · "
        "/points move 2 1 · /points remove 2",
        "uk": "Як користуватися: /points · /points add &lt;текст&gt; · /points edit 2 "
        "&lt;текст&gt; · /points move 2 1 · /points remove 2",
    },
    "point_added": {
        "en": "Point {number} added to round “{name}”. /points lists them all.",
        "uk": "Тезу {number} додано до раунду «{name}». Усі тези — у /points.",
    },
    "point_added_next": {
        "en": "Point {number} added. No round is open, so it joins the next one when it "
        "starts. /points lists them all.",
        "uk": "Тезу {number} додано. Відкритого раунду немає, тож вона перейде до "
        "наступного, щойно той почнеться. Усі тези — у /points.",
    },
    "point_edited": {"en": "Point {number} edited.", "uk": "Тезу {number} змінено."},
    "point_removed": {
        "en": "Point {number} removed. It stays in its history and in exports.",
        "uk": "Тезу {number} прибрано зі списку. Вона лишається в історії та в експорті.",
    },
    "point_moved": {
        "en": "Point {old} is now point {new}.",
        "uk": "Теза {old} тепер має номер {new}.",
    },
    "point_not_found": {
        "en": "There is no point {number} on the list. /points shows the list.",
        "uk": "У списку немає тези {number}. Список — у /points.",
    },
    "point_gone": {
        "en": "That point is no longer on the list. /points shows the list as it is now.",
        "uk": "Цієї тези вже немає у списку. Поточний список — у /points.",
    },
    "point_too_long": {
        "en": "A talking point can be at most {limit} characters; this one has {length}. "
        "Shorten it and send it again.",
        "uk": "Теза може мати щонайбільше {limit} символів, а в цій їх {length}. "
        "Скоротіть її й надішліть знову.",
    },
    "point_bad_text": {
        "en": "That text has a character I cannot keep (a NUL, a broken one or a hidden "
        "direction mark). Type it again and send it.",
        "uk": "У тексті є символ, який я не можу зберегти (NUL, пошкоджений або прихована "
        "позначка напрямку письма). Наберіть його ще раз і надішліть.",
    },
    "point_edit_prompt": {
        "en": "Reply to this message with the new text of point {number} (or send "
        "/points edit {number} &lt;text&gt;).",
        "uk": "Дайте відповідь на це повідомлення новим текстом тези {number} (або "
        "надішліть /points edit {number} &lt;текст&gt;).",
    },
    "point_prompt_stale": {
        "en": "I no longer know which point that prompt was for (I have restarted since). "
        "Send /points edit {number} &lt;text&gt; instead; /points shows the list.",
        "uk": "Я вже не памʼятаю, до якої тези було це запитання (мене відтоді "
        "перезапущено). Надішліть /points edit {number} &lt;текст&gt;; список — у /points.",
    },
    # The draft's own words. No markup in these: they go into Markdown and Word as well.
    "statement_mark": {
        "en": "DRAFT, to edit before release. Every line below comes from this chat's "
        "record, its talking points or the playbook.",
        "uk": "ЧЕРНЕТКА, відредагуйте перед оприлюдненням. Кожен рядок нижче взято з "
        "журналу цього чату, його тез або з порадника.",
    },
    "statement_title": {
        "en": "Statement after round “{name}”",
        "uk": "Заява за підсумками раунду «{name}»",
    },
    "statement_dates": {"en": "{start} to {end}", "uk": "{start} — {end}"},
    "statement_dates_open": {
        "en": "Started {start}; the round is still open",
        "uk": "Розпочато {start}; раунд ще триває",
    },
    "statement_points": {"en": "Our points", "uk": "Наші тези"},
    "statement_claims": {
        "en": "What the other side said that is false or misleading",
        "uk": "Що інша сторона сказала неправдиво або маніпулятивно",
    },
    "statement_said_by": {
        "en": "Said by {speaker}, {when} (flag #{number}).",
        "uk": "Хто сказав: {speaker}, {when} (позначка #{number}).",
    },
    "statement_said_unknown": {
        "en": "Said {when} (flag #{number}); the speaker was not recorded.",
        "uk": "Сказано {when} (позначка #{number}); хто сказав, не записано.",
    },
    "statement_facts": {"en": "The facts: {facts}", "uk": "Факти: {facts}"},
    "statement_source": {"en": "Source: {source}", "uk": "Джерело: {source}"},
    "statement_note": {"en": "Our check: {note}", "uk": "Наша перевірка: {note}"},
    "statement_no_rebuttal": {
        "en": "No rebuttal recorded yet: add one before release, or leave this out.",
        "uk": "Спростування ще не записано: додайте його перед оприлюдненням або "
        "приберіть цей пункт.",
    },
    "statement_terms": {"en": "Loaded terms they used", "uk": "Терміни-пастки, які вони вжили"},
    "statement_term": {
        "en": "{title} (“{phrase}”): {meaning}",
        "uk": "{title} («{phrase}»): {meaning}",
    },
    "statement_their_definition": {
        "en": "Their definition in this round: “{text}”",
        "uk": "Їхнє визначення в цьому раунді: «{text}»",
    },
    "statement_their_definition_by": {
        "en": "Their definition in this round ({speaker}): “{text}”",
        "uk": "Їхнє визначення в цьому раунді ({speaker}): «{text}»",
    },
    "statement_term_used": {
        "en": Plural(one="Used in flag {numbers}.", many="Used in flags {numbers}."),
        "uk": Plural(
            one="Ужито в позначці {numbers}.",
            few="Ужито в позначках {numbers}.",
            many="Ужито в позначках {numbers}.",
        ),
    },
    "statement_sources": {"en": "Sources", "uk": "Джерела"},
    "statement_left_out": {
        "en": Plural(
            one="Left out: {count} statement still being checked ({numbers}). Open flags "
            "are never presented as false; draft again once it has a verdict.",
            many="Left out: {count} statements still being checked ({numbers}). Open flags "
            "are never presented as false; draft again once they have a verdict.",
        ),
        "uk": Plural(
            one="Не включено: {count} заява ще на перевірці ({numbers}). Відкриті позначки "
            "ніколи не подаються як неправда; складіть чернетку знову після вердикту.",
            few="Не включено: {count} заяви ще на перевірці ({numbers}). Відкриті позначки "
            "ніколи не подаються як неправда; складіть чернетку знову після вердиктів.",
            many="Не включено: {count} заяв ще на перевірці ({numbers}). Відкриті позначки "
            "ніколи не подаються як неправда; складіть чернетку знову після вердиктів.",
        ),
    },
    "statement_nothing": {
        "en": "Round “{name}” has nothing to draft yet: no statement found false or "
        "misleading, and no talking points (/points add &lt;text&gt;).",
        "uk": "У раунді «{name}» поки нема з чого складати заяву: жодної заяви не визнано "
        "неправдивою чи маніпулятивною, і тез немає (/points add &lt;текст&gt;).",
    },
    "statement_no_round": {
        "en": "This chat has no rounds yet, so there is nothing to draft. Start one with "
        "/round start &lt;name&gt;.",
        "uk": "У цьому чаті ще немає раундів, тож складати нічого. Почніть раунд: "
        "/round start &lt;назва&gt;.",
    },
    "statement_files": {
        "en": "The same draft as files to edit: Markdown and Word (.docx).",
        "uk": "Та сама чернетка у файлах для редагування: Markdown і Word (.docx).",
    },
    "statement_in_en": {"en": "🇬🇧 In English", "uk": "🇬🇧 Англійською"},
    "statement_in_uk": {"en": "🇺🇦 In Ukrainian", "uk": "🇺🇦 Українською"},
    "statement_button": {"en": "📝 Draft the statement", "uk": "📝 Скласти чернетку заяви"},
    # -- the register of their definitions (bot.definitions) -------------------------
    "cmd_define": {
        "en": "Their definition of a term: /define root causes: …",
        "uk": "Їхнє визначення терміна: /define першопричини: …",
    },
    "cmd_asked": {
        "en": "We asked them to define a term",
        "uk": "Ми попросили їх визначити термін",
    },
    "define_usage": {
        "en": "Usage: /define &lt;term&gt;: &lt;what they said it means&gt; · "
        "/define &lt;term&gt; (&lt;who said it&gt;): &lt;…&gt; · reply to a message with "
        "/define &lt;term&gt; · /define &lt;term&gt; shows every definition recorded here. "
        "Example: /define root causes (Lavrov): NATO's expansion since 1997",
        "uk": "Як користуватися: /define &lt;термін&gt;: &lt;що, за їхніми словами, він "
        "означає&gt; · /define &lt;термін&gt; (&lt;хто сказав&gt;): &lt;…&gt; · або дайте "
        "відповідь на повідомлення командою /define &lt;термін&gt; · /define &lt;термін&gt; "
        "показує всі визначення, записані тут. Приклад: /define першопричини (Лавров): "
        "розширення НАТО з 1997 року",
    },
    "asked_usage": {
        "en": "Usage: /asked &lt;term&gt; notes that we asked them to define it; /asked "
        "alone lists the terms still undefined.",
        "uk": "Як користуватися: /asked &lt;термін&gt; — позначити, що ми попросили їх "
        "визначити термін; /asked без слів — терміни, яких досі не визначили.",
    },
    "define_bad_text": {
        "en": "That contains a character I cannot keep (a NUL byte, a broken character, "
        "or one that reverses how the text reads). Please retype it and send it again.",
        "uk": "Тут є символ, який я не можу зберегти (нульовий байт, пошкоджений символ "
        "або символ, що змінює напрямок тексту). Наберіть текст заново й надішліть ще раз.",
    },
    "define_term_too_long": {
        "en": "A term can be at most {limit} characters: put the term before the colon "
        "and what they said after it.",
        "uk": "Термін може мати щонайбільше {limit} символів: термін пишіть до двокрапки, "
        "а те, що вони сказали, — після неї.",
    },
    "define_speaker_too_long": {
        "en": "Who said it can be at most {limit} characters.",
        "uk": "Імʼя того, хто це сказав, може мати щонайбільше {limit} символів.",
    },
    "define_empty": {
        "en": "There is no definition to record: write it after the colon, e.g. "
        "/define root causes: NATO's expansion since 1997",
        "uk": "Немає визначення, яке можна записати: напишіть його після двокрапки, "
        "наприклад /define першопричини: розширення НАТО з 1997 року",
    },
    "define_too_long": {
        "en": "A definition can be at most {limit} characters; this one has {length}. "
        "Record the gist, or split it into two.",
        "uk": "Визначення може мати щонайбільше {limit} символів, а тут {length}. "
        "Запишіть суть або розділіть на два.",
    },
    "define_reply_no_text": {
        "en": "That message has no text to record. Type the definition instead: "
        "/define &lt;term&gt;: &lt;what they said it means&gt;",
        "uk": "У цьому повідомленні немає тексту, який можна записати. Наберіть "
        "визначення: /define &lt;термін&gt;: &lt;що, за їхніми словами, він означає&gt;",
    },
    "define_round": {"en": "Round “{name}”", "uk": "Раунд «{name}»"},
    "define_no_round": {"en": "Outside a round", "uk": "Поза раундом"},
    "define_recorded": {
        "en": "📖 Recorded their definition of “{term}”.",
        "uk": "📖 Записано їхнє визначення терміна «{term}».",
    },
    "define_recorded_round": {
        "en": "📖 Recorded their definition of “{term}” in round “{round}”.",
        "uk": "📖 Записано їхнє визначення терміна «{term}» у раунді «{round}».",
    },
    "define_recorded_hint": {
        "en": "/define {phrase} shows every definition recorded here, round by round.",
        "uk": "/define {phrase} покаже всі записані тут визначення, раунд за раундом.",
    },
    "define_asked": {
        "en": "❓ Noted: we asked them to define “{term}”. It stays on /summary and /asked "
        "until their definition is recorded with /define.",
        "uk": "❓ Позначено: ми попросили їх визначити «{term}». Термін залишиться в "
        "/summary та /asked, доки їхнє визначення не запишуть через /define.",
    },
    "define_register_title": {
        "en": "📖 <b>Their definitions of “{term}” in this chat</b>",
        "uk": "📖 <b>Їхні визначення терміна «{term}» у цьому чаті</b>",
    },
    "define_register_earlier": {
        "en": Plural(
            one="{count} earlier definition is left out here; /export has it.",
            many="{count} earlier definitions are left out here; /export has them.",
        ),
        "uk": Plural(
            one="Ще {count} раніше записане визначення тут не вмістилося; воно є в /export.",
            few="Ще {count} раніше записані визначення тут не вмістилися; вони є в /export.",
            many="Ще {count} раніше записаних визначень тут не вмістилися; вони є в /export.",
        ),
    },
    "define_changed": {"en": "⚠️ changed", "uk": "⚠️ змінилося"},
    "define_unchanged": {"en": "same as before", "uk": "як і раніше"},
    "define_by": {"en": "recorded by {name}", "uk": "автор запису: {name}"},
    "define_still_asked": {
        "en": "❓ Asked {when} by {name}; no definition recorded since.",
        "uk": "❓ Попросили визначити {when} ({name}); визначення відтоді не записано.",
    },
    "define_none": {
        "en": "No definition of “{term}” recorded in this chat yet. Record what they say: "
        "/define {phrase}: &lt;what they said it means&gt;",
        "uk": "У цьому чаті ще не записано визначення терміна «{term}». Запишіть, що вони "
        "кажуть: /define {phrase}: &lt;що, за їхніми словами, він означає&gt;",
    },
    "define_card_title": {"en": "Their definitions here", "uk": "Їхні визначення в цьому чаті"},
    "define_card_more": {
        "en": "…more in /define {phrase}",
        "uk": "…решта — у /define {phrase}",
    },
    "define_card_hint": {
        "en": "The latest of each round; every one: /define {phrase}",
        "uk": "Останнє в кожному раунді; усі — у /define {phrase}",
    },
    "define_asked_title": {
        "en": Plural(
            one="❓ {count} term asked, not yet defined",
            many="❓ {count} terms asked, not yet defined",
        ),
        "uk": Plural(
            one="❓ {count} термін: просили визначити, визначення ще немає",
            few="❓ {count} терміни: просили визначити, визначення ще немає",
            many="❓ {count} термінів: просили визначити, визначення ще немає",
        ),
    },
    "define_asked_more": {"en": "…and {count} more: /asked", "uk": "…і ще {count}: /asked"},
    "define_asked_none": {
        "en": "No term is waiting for their definition. /asked &lt;term&gt; notes that we "
        "asked them to define one.",
        "uk": "Жоден термін не чекає на їхнє визначення. /asked &lt;термін&gt; — позначити, "
        "що ми попросили їх визначити термін.",
    },
    # -- checking a whole transcript (bot.transcript, handlers.transcript) ------------
    "cmd_check": {
        "en": "Check a transcript: reply /check to the file",
        "uk": "Перевірити стенограму: /check у відповідь на файл",
    },
    "check_usage": {
        "en": "Send the transcript as a file (.txt, .md, .srt, .vtt or .docx, up to 2 MB) "
        "with the caption /check, or reply /check to the file. I'll list the known claims "
        "and loaded terms in it, each with a button to flag it.",
        "uk": "Надішліть стенограму файлом (.txt, .md, .srt, .vtt або .docx, до 2 МБ) з "
        "підписом /check або дайте відповідь /check на повідомлення з файлом. Я покажу "
        "відомі заяви й терміни-пастки в ній, і кожну можна буде позначити кнопкою.",
    },
    "check_usage_private": {
        "en": "Send me the transcript as a file (.txt, .md, .srt, .vtt or .docx, up to "
        "2 MB), and I'll list the known claims and loaded terms in it.",
        "uk": "Надішліть мені стенограму файлом (.txt, .md, .srt, .vtt або .docx, до "
        "2 МБ) — і я покажу відомі заяви й терміни-пастки в ній.",
    },
    "check_too_big": {
        "en": "“{name}” is {size}: I check transcripts of up to 2 MB. Split it into parts "
        "and send each.",
        "uk": "«{name}» має розмір {size}, а я перевіряю стенограми до 2 МБ. Розділіть її "
        "на частини й надішліть кожну.",
    },
    "check_too_big_for_telegram": {
        "en": "Telegram won't hand “{name}” over: it is too big. I check transcripts of up "
        "to 2 MB; split it into parts and send each.",
        "uk": "Telegram не передає мені «{name}»: файл завеликий. Я перевіряю стенограми "
        "до 2 МБ; розділіть її на частини й надішліть кожну.",
    },
    "check_unpacks_too_big": {
        "en": "“{name}” unpacks to more than 40 MB, more than any transcript: I won't "
        "open it. Save the text as .txt and send that.",
        "uk": "«{name}» після розпакування займає понад 40 МБ — більше, ніж будь-яка "
        "стенограма, тож я його не відкриватиму. Збережіть текст як .txt і надішліть.",
    },
    "check_unsupported": {
        "en": "I can't read “{name}”: I check transcripts in .txt, .md, .srt, .vtt and "
        ".docx files.",
        "uk": "Я не можу прочитати «{name}»: я перевіряю стенограми у файлах .txt, .md, "
        ".srt, .vtt і .docx.",
    },
    "check_empty": {
        "en": "“{name}” has no text to check.",
        "uk": "У «{name}» немає тексту, який можна перевірити.",
    },
    "check_undecodable": {
        "en": "I can't read the text of “{name}”: it isn't in UTF-8, UTF-16 or "
        "Windows-1251, or it isn't text at all. Save it as UTF-8 text and send it again.",
        "uk": "Я не можу прочитати текст «{name}»: він не в кодуванні UTF-8, UTF-16 чи "
        "Windows-1251 або це взагалі не текст. Збережіть файл як текст UTF-8 і надішліть "
        "ще раз.",
    },
    "check_not_word": {
        "en": "“{name}” is not a Word document, though its name ends in .docx. Save it "
        "from Word as .docx again, or send it as .txt.",
        "uk": "«{name}» — не документ Word, хоч його назва й закінчується на .docx. "
        "Збережіть його у Word як .docx ще раз або надішліть як .txt.",
    },
    "check_not_subtitles": {
        "en": "“{name}” is not a subtitle file I can read: its cues have no valid times. "
        "Send it as .txt if it is plain text.",
        "uk": "«{name}» — не файл субтитрів, який я можу прочитати: у ньому немає "
        "правильних позначок часу. Якщо це звичайний текст, надішліть його як .txt.",
    },
    "check_download_failed": {
        "en": "I couldn't get “{name}” from Telegram. Please send it again.",
        "uk": "Не вдалося отримати «{name}» від Telegram. Надішліть його ще раз.",
    },
    "check_nothing": {
        "en": Plural(
            one="📄 “{name}”: I checked {count} statement; it matches no known claim or "
            "loaded term in the playbook.",
            many="📄 “{name}”: I checked {count} statements; none matches a known claim or "
            "loaded term in the playbook.",
        ),
        "uk": Plural(
            one="📄 «{name}»: перевірено {count} висловлювання; воно не збігається з "
            "жодною відомою заявою чи терміном-пасткою з порадника.",
            few="📄 «{name}»: перевірено {count} висловлювання; жодне не збігається з "
            "відомою заявою чи терміном-пасткою з порадника.",
            many="📄 «{name}»: перевірено {count} висловлювань; жодне не збігається з "
            "відомою заявою чи терміном-пасткою з порадника.",
        ),
    },
    "check_title": {
        "en": Plural(
            one="📄 <b>{name}</b>: {count} statement matches the playbook (of {total} checked)",
            many="📄 <b>{name}</b>: {count} statements match the playbook (of {total} checked)",
        ),
        "uk": Plural(
            one="📄 <b>{name}</b>: {count} висловлювання збігається з порадником "
            "(перевірено {total})",
            few="📄 <b>{name}</b>: {count} висловлювання збігаються з порадником "
            "(перевірено {total})",
            many="📄 <b>{name}</b>: {count} висловлювань збігаються з порадником "
            "(перевірено {total})",
        ),
    },
    "check_page": {"en": "Page {page} of {pages}", "uk": "Сторінка {page} з {pages}"},
    "check_at_line": {"en": "line {at}", "uk": "рядок {at}"},
    "check_at_paragraph": {"en": "paragraph {at}", "uk": "абзац {at}"},
    "check_at_time": {"en": "at {at}", "uk": "о {at}"},
    "check_flagged_here": {
        "en": "🚩 Flagged from this check as #{number}",
        "uk": "🚩 Позначено з цієї перевірки як #{number}",
    },
    "check_flag_hint": {
        "en": "Tap a number to flag that statement into the log.",
        "uk": "Натисніть номер, щоб позначити відповідне висловлювання в журналі.",
    },
    "check_private_hint": {
        "en": "To flag them into your team's log, send the file in the team's group with "
        "the caption /check.",
        "uk": "Щоб позначити їх у журналі команди, надішліть файл у групу команди з "
        "підписом /check.",
    },
    "check_kept_first": {
        "en": "Only the first {limit} matches are listed: split the transcript to see the rest.",
        "uk": "Показано лише перші {limit} збігів: розділіть стенограму, щоб побачити решту.",
    },
    "check_not_enrolled": {
        "en": "This chat has no flag log, so I check no transcripts here. Ask the bot's "
        "administrator to switch it on with /enable, or send me the file in a private "
        "chat to read what it matches.",
        "uk": "У цьому чаті журнал позначок вимкнено, тож стенограми тут я не перевіряю. "
        "Попросіть адміністратора бота ввімкнути його командою /enable або надішліть мені "
        "файл в особистому чаті, щоб побачити, з чим він збігається.",
    },
    "check_flag_button": {"en": "🚩 {number}", "uk": "🚩 {number}"},
    "check_expired": {
        "en": "This check has expired: I keep a check's result for an hour and never "
        "store the file. Send the file with /check again.",
        "uk": "Ця перевірка застаріла: результат я зберігаю годину, а сам файл не "
        "зберігаю ніколи. Надішліть файл з /check ще раз.",
    },
    "check_flag_done": {"en": "Flagged as #{number}.", "uk": "Позначено як #{number}."},
    "check_already_flagged": {
        "en": "Already flagged from this check as #{number}.",
        "uk": "Це вже позначено з цієї перевірки як #{number}.",
    },
    "check_flag_note": {
        "en": "From the transcript “{name}”, {place}",
        "uk": "Зі стенограми «{name}», {place}",
    },
}


class Html(str):
    """Markup built by ``render`` that ``t()`` must not escape again."""

    __slots__ = ()


def t(lang: Lang, key: str, **values: Any) -> str:
    """The string ``key`` in ``lang``, with ``values`` HTML-escaped and filled in; for a
    :class:`Plural`, in the form its ``count`` takes."""
    found = STRINGS[key][lang]
    template = found.form(int(values["count"]), lang) if isinstance(found, Plural) else found
    if not values:
        return template
    escaped = {
        name: value if isinstance(value, Html) else html.escape(str(value), quote=False)
        for name, value in values.items()
    }
    return template.format(**escaped)
