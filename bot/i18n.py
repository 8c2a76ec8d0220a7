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
            "щоб аналітична група їх перевірила. Усе інше — у /help."
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
            "/who Lavrov — the card, with this chat's flags by that speaker\n\n"
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
            "/who — люди за столом переговорів · /who Лавров\n"
            "/timeline — переговори в хронологічному порядку · /timeline 2022 · "
            "/timeline Стамбул\n"
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
            "/round start <i>назва</i> · /round end · /round\n"
            "/who Лавров — картка з позначками цього чату, де говорить ця особа\n\n"
            "<b>Хто що може</b>\n"
            "Будь-хто в підключеному чаті може позначати, перевіряти й призначати. Змінити "
            "вердикт чужої позначки, відкликати чужу позначку, /export, /purge та /watch — "
            "для адміністраторів чату. /enable і /disable — для адміністраторів бота та "
            "чату; /reload — для адміністраторів бота.\n\n"
            "/lang — English / українська"
        ),
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
    "side_turkey": {"en": "Turkey, host and mediator", "uk": "Туреччина, господиня й посередниця"},
    "side_independent": {
        "en": "No government: an analyst or former official",
        "uk": "Без уряду: аналітик чи колишній посадовець",
    },
    "reported_on": {"en": "reported {date}", "uk": "повідомлено: {date}"},
    "timeline_none": {
        "en": "No events in {year}. /timeline shows them all.",
        "uk": "Подій за {year} немає. /timeline показує всі.",
    },
    "who_flags": {
        "en": "🚩 <b>This chat's flags by {name}: {total}</b>",
        "uk": "🚩 <b>Позначки цього чату — {name}: {total}</b>",
    },
    "who_flags_none": {
        "en": "🚩 No flags by {name} in this chat yet.",
        "uk": "🚩 У цьому чаті ще немає позначок, де говорить {name}.",
    },
    "who_flags_latest": {"en": "Latest:", "uk": "Останні:"},
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
    "cmd_verify": {"en": "Give a verdict: /verify 12 false", "uk": "Вердикт: /verify 12 false"},
    "cmd_log": {"en": "The chat's flagged statements", "uk": "Позначені заяви чату"},
    "cmd_show": {"en": "One flag with its history", "uk": "Одна позначка з історією"},
    "cmd_find": {"en": "Search the flags", "uk": "Пошук у позначках"},
    "cmd_round": {"en": "Start, end or show the round", "uk": "Раунд: почати, завершити, показати"},
    "cmd_summary": {"en": "Brief for the lead", "uk": "Підсумок для керівника"},
    "cmd_export": {"en": "Export the log as files", "uk": "Експорт журналу у файли"},
    "cmd_board": {"en": "Live board of open flags", "uk": "Живе табло відкритих позначок"},
    # -- flagged statements ---------------------------------------------------
    "status_open": {"en": "Open", "uk": "Відкрито"},
    "status_verified": {"en": "Verified", "uk": "Підтверджено"},
    "status_false": {"en": "False", "uk": "Неправда"},
    "status_misleading": {"en": "Misleading", "uk": "Маніпуляція"},
    "status_unverifiable": {"en": "Unverifiable", "uk": "Неможливо перевірити"},
    "flag_private": {
        "en": "The flag log lives in your team's group chat: add me there and use /flag.",
        "uk": "Журнал позначок ведеться в груповому чаті команди: додайте мене туди й "
        "користуйтеся /flag.",
    },
    "not_enrolled": {
        "en": "This chat has no flag log, so nothing was stored. A bot admin can enrol it "
        "with /enable (or list its id {chat_id} in ALLOWED_CHATS).",
        "uk": "У цьому чаті немає журналу позначок, тож нічого не збережено. Адміністратор "
        "бота може підключити його командою /enable (або додати id {chat_id} до "
        "ALLOWED_CHATS).",
    },
    "flag_usage": {
        "en": "Write the statement after the command — /flag Lavrov: the talks failed because "
        "of Kyiv — or reply to a message with /flag.",
        "uk": "Напишіть заяву після команди — /flag Лавров: переговори зірвав Київ — або "
        "дайте відповідь на повідомлення командою /flag.",
    },
    "flagged": {"en": "🚩 <b>#{number} flagged</b>", "uk": "🚩 <b>#{number} позначено</b>"},
    "flag_matches": {"en": "Matches the playbook:", "uk": "Збіг із порадником:"},
    "flag_round": {"en": "Round", "uk": "Раунд"},
    "flag_speaker": {"en": "Speaker", "uk": "Хто сказав"},
    "flag_by": {"en": "Flagged by", "uk": "Позначив(ла)"},
    "flag_status": {"en": "Status", "uk": "Статус"},
    "flag_assignee": {"en": "Assigned to", "uk": "Перевіряє"},
    "flag_note": {"en": "Note", "uk": "Примітка"},
    "flag_link": {"en": "Original message", "uk": "Оригінальне повідомлення"},
    "flag_retracted": {"en": "Retracted", "uk": "Відкликано"},
    "flag_history": {"en": "History", "uk": "Історія"},
    "number_missing": {
        "en": "Which flag? Give its number, e.g. {example}.",
        "uk": "Яка позначка? Вкажіть її номер, напр. {example}.",
    },
    "number_invalid": {
        "en": "“{value}” is not a flag number. Numbers are whole and start at 1, e.g. {example}.",
        "uk": "«{value}» — не номер позначки. Номери цілі й починаються з 1, напр. {example}.",
    },
    "flag_not_found": {
        "en": "There is no flag #{number} in this chat.",
        "uk": "У цьому чаті немає позначки #{number}.",
    },
    "status_invalid": {
        "en": "“{value}” is not a verdict. Use one of: {choices}.",
        "uk": "«{value}» — не вердикт. Можливі: {choices}.",
    },
    "flagged_many": {
        "en": "🚩 <b>#{first}–#{last} flagged</b>",
        "uk": "🚩 <b>#{first}–#{last} позначено</b>",
    },
    "flagged_pick": {
        "en": "Tap a number for its verdict buttons.",
        "uk": "Натисніть номер, щоб побачити кнопки вердикту.",
    },
    "button_back_to_list": {"en": "‹ All numbers", "uk": "‹ Усі номери"},
    "verdicts_many": {"en": "⚖️ <b>Verdicts</b>", "uk": "⚖️ <b>Вердикти</b>"},
    "verdict_line": {
        "en": "#{number} → <b>{status}</b> ({by}), flagged by {flagger}",
        "uk": "#{number} → <b>{status}</b> ({by}), позначив(ла) {flagger}",
    },
    "verdict_set": {
        "en": "#{number} is now <b>{status}</b> (by {by}).",
        "uk": "#{number} тепер <b>{status}</b> (встановив(ла) {by}).",
    },
    "verdict_notify": {
        "en": "{flagger}, your flag #{number} is now <b>{status}</b> (by {by}).",
        "uk": "{flagger}, вашу позначку #{number} оцінено: <b>{status}</b> ({by}).",
    },
    "not_allowed_verdict": {
        "en": "Only the person who flagged #{number}, its assignee or a chat admin can change "
        "its verdict.",
        "uk": "Змінити вердикт #{number} може лише той, хто позначив, призначений аналітик "
        "або адміністратор чату.",
    },
    "assign_usage": {"en": "Usage: /assign 12 @analyst", "uk": "Як: /assign 12 @analyst"},
    "assigned": {
        "en": "#{number} assigned to {assignee}.",
        "uk": "#{number} призначено: {assignee}.",
    },
    "unflag_usage": {
        "en": "Usage: /unflag 12 reason for retracting",
        "uk": "Як: /unflag 12 причина відкликання",
    },
    "unflagged": {
        "en": "#{number} retracted. It stays in the log, marked as retracted.",
        "uk": "#{number} відкликано. Позначка лишається в журналі з міткою «відкликано».",
    },
    "not_allowed_unflag": {
        "en": "Only the person who flagged #{number} or a chat admin can retract it.",
        "uk": "Відкликати #{number} може лише той, хто позначив, або адміністратор чату.",
    },
    "already_retracted": {
        "en": "#{number} is already retracted.",
        "uk": "#{number} вже відкликано.",
    },
    "round_started": {
        "en": "Round “{name}” started. New flags belong to it.",
        "uk": "Раунд «{name}» розпочато. Нові позначки належать до нього.",
    },
    "round_ended": {"en": "Round “{name}” ended.", "uk": "Раунд «{name}» завершено."},
    "round_current": {"en": "Current round: “{name}”.", "uk": "Поточний раунд: «{name}»."},
    "round_none": {
        "en": "No round is open. Start one with /round start &lt;name&gt;.",
        "uk": "Жоден раунд не відкрито. Почніть: /round start &lt;назва&gt;.",
    },
    "round_usage": {
        "en": "Usage: /round start &lt;name&gt; · /round end · /round",
        "uk": "Як: /round start &lt;назва&gt; · /round end · /round",
    },
    "round_unknown": {
        "en": "There is no round “{name}” in this chat.",
        "uk": "У цьому чаті немає раунду «{name}».",
    },
    "log_title": {"en": "Flag log", "uk": "Журнал позначок"},
    "log_empty": {
        "en": "Nothing flagged here yet. /flag a statement to start the log.",
        "uk": "Тут ще нічого не позначено. Почніть журнал командою /flag.",
    },
    "log_none_match": {"en": "No flags match.", "uk": "Жодна позначка не підходить."},
    "log_page": {"en": "{first}–{last} of {total}", "uk": "{first}–{last} з {total}"},
    "log_usage": {
        "en": "Usage: /log · /log open · /log round &lt;name&gt; · /log speaker &lt;name&gt;",
        "uk": "Як: /log · /log open · /log round &lt;назва&gt; · /log speaker &lt;імʼя&gt;",
    },
    "find_usage": {"en": "Usage: /find &lt;words&gt;", "uk": "Як: /find &lt;слова&gt;"},
    "find_none": {
        "en": "No flag mentions “{query}”.",
        "uk": "Жодна позначка не містить «{query}».",
    },
    "summary_title": {"en": "Summary", "uk": "Підсумок"},
    "summary_open": {"en": "Still open", "uk": "Ще відкриті"},
    "summary_matched": {
        "en": "Most matched in the playbook",
        "uk": "Найчастіші збіги з порадником",
    },
    "summary_total": {"en": "{total} flagged", "uk": "Позначено: {total}"},
    "export_done": {
        "en": "Export of {count} flag(s): CSV for a spreadsheet, Markdown for reading.",
        "uk": "Експорт {count} позначок: CSV для таблиці, Markdown для читання.",
    },
    "admins_only": {
        "en": "Sorry, only chat admins can do that here.",
        "uk": "Вибачте, тут це можуть лише адміністратори чату.",
    },
    "bot_admins_only": {
        "en": "Sorry, only the bot's admins can do that (their ids are in ADMIN_IDS).",
        "uk": "Вибачте, це можуть лише адміністратори бота (їхні id — в ADMIN_IDS).",
    },
    "enabled": {
        "en": "This chat now keeps a flag log. Anyone here can /flag a statement. Only this "
        "chat can see its log.",
        "uk": "Тепер цей чат веде журнал позначок. Будь-хто тут може позначити заяву командою "
        "/flag. Журнал бачить лише цей чат.",
    },
    "disabled": {
        "en": "Flag logging is off in this chat. Nothing was deleted; /enable turns it back on.",
        "uk": "Журнал позначок у цьому чаті вимкнено. Нічого не видалено; /enable вмикає знову.",
    },
    "group_only": {
        "en": "That works in a group chat.",
        "uk": "Це працює в груповому чаті.",
    },
    "purge_confirm": {
        "en": "Delete this chat's whole flag log ({total} flags, with history and rounds)? This "
        "cannot be undone.",
        "uk": "Видалити весь журнал позначок цього чату ({total} позначок з історією та "
        "раундами)? Це незворотно.",
    },
    "purge_yes": {"en": "Delete the log", "uk": "Видалити журнал"},
    "purge_no": {"en": "Keep it", "uk": "Залишити"},
    "purged": {
        "en": "Deleted {count} flags from this chat's log.",
        "uk": "Видалено позначок: {count}.",
    },
    "purge_cancelled": {"en": "Nothing was deleted.", "uk": "Нічого не видалено."},
    "board_title": {"en": "Open flags (live)", "uk": "Відкриті позначки (наживо)"},
    "board_empty": {"en": "No open flags.", "uk": "Відкритих позначок немає."},
    "board_more": {"en": "…and {count} more: /log open", "uk": "…і ще {count}: /log open"},
    "watch_on": {
        "en": "Term watch is on: when someone here uses a loaded term or a known claim, I'll "
        "name it once (at most every 10 minutes per entry).",
        "uk": "Стеження за термінами ввімкнено: коли тут вживуть термін-пастку чи відому "
        "заяву, я назву її (не частіше ніж раз на 10 хвилин для кожного запису).",
    },
    "watch_off": {"en": "Term watch is off.", "uk": "Стеження за термінами вимкнено."},
    "watch_blind": {
        "en": "⚠️ But I can't see ordinary messages in groups yet: in @BotFather choose "
        "/setprivacy → Disable for this bot, then remove me from this group and add me again.",
        "uk": "⚠️ Але я поки не бачу звичайних повідомлень у групах: у @BotFather оберіть "
        "/setprivacy → Disable для цього бота, потім видаліть мене з групи й додайте знову.",
    },
    "watch_usage": {"en": "Usage: /watch on · /watch off", "uk": "Як: /watch on · /watch off"},
    "watch_heard": {"en": "{icon} Heard: <b>{title}</b>", "uk": "{icon} Почуто: <b>{title}</b>"},
    "reloaded": {"en": "Content reloaded: {counts}.", "uk": "Зміст перезавантажено: {counts}."},
    "reload_failed": {
        "en": "The new content is invalid, so I kept the old one. Problems:",
        "uk": "Новий зміст містить помилки, тому я залишив попередній. Помилки:",
    },
    "button_verified": {"en": "✅ Verified", "uk": "✅ Правда"},
    "button_false": {"en": "❌ False", "uk": "❌ Неправда"},
    "button_misleading": {"en": "⚠️ Misleading", "uk": "⚠️ Маніпуляція"},
    "button_unverifiable": {"en": "❔ Unverifiable", "uk": "❔ Не перевірити"},
    "cmd_assign": {
        "en": "Assign a flag: /assign 12 @analyst",
        "uk": "Призначити: /assign 12 @analyst",
    },
    "cmd_unflag": {"en": "Retract a flag: /unflag 12 reason", "uk": "Відкликати позначку"},
    "cmd_watch": {"en": "Name loaded terms as they're used", "uk": "Підказувати терміни-пастки"},
    "cmd_enable": {"en": "Start this chat's flag log", "uk": "Увімкнути журнал у цьому чаті"},
    "cmd_disable": {"en": "Stop logging (keeps the log)", "uk": "Вимкнути журнал (без видалення)"},
    "cmd_purge": {"en": "Delete this chat's log", "uk": "Видалити журнал чату"},
    "cmd_reload": {"en": "Re-read the content", "uk": "Перечитати зміст"},
    # -- the board as a Mini App (bot.web) ------------------------------------
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
}


class Html(str):
    """Markup built by ``render`` that ``t()`` must not escape again."""

    __slots__ = ()


def t(lang: Lang, key: str, **values: Any) -> str:
    """The string ``key`` in ``lang``, with ``values`` HTML-escaped and filled in."""
    template = STRINGS[key][lang]
    if not values:
        return template
    escaped = {
        name: value if isinstance(value, Html) else html.escape(str(value), quote=False)
        for name, value in values.items()
    }
    return template.format(**escaped)
