// The analysts' board. Every statement, name and note is put into the page with
// textContent, never as markup: statements are full of <, & and quotes.
//
// The page refreshes every few seconds, so it never rebuilds what a person may be
// working on: the log is updated card by card, a record's fields are built once per
// visit and only the text around them is refreshed, and a draft stays until it is sent.
"use strict";

(() => {
  const POLL_MS = 3000;
  const PAGE = 50;
  // A record's statement is cut after this many lines, with "more" to read it all.
  const STATEMENT_LINES = 8;

  // Ukrainian count forms: 1, 21 позначка; 2-4, 22-24 позначки; 5-20, 25-30 позначок.
  function ukPlural(n, one, few, many) {
    const last = n % 10;
    const lastTwo = n % 100;
    if (last === 1 && lastTwo !== 11) return one;
    if (last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14)) return few;
    return many;
  }
  const ukFlags = (n) => ukPlural(n, "позначка", "позначки", "позначок");
  const ukSeconds = (n) => ukPlural(n, "секунду", "секунди", "секунд");

  const STRINGS = {
    en: {
      title: "Analysts' board",
      all_statuses: "All statuses",
      retracted: "Retracted",
      all_rounds: "All rounds",
      all_speakers: "All speakers",
      all_assignees: "All assignees",
      status_filter: "Status",
      round_filter: "Round",
      speaker_filter: "Speaker",
      assignee_filter: "Assignee",
      search: "Search statements, speakers, notes",
      filters: (on) => (on ? `Filters · ${on}` : "Filters"),
      clear_filters: "Clear filters",
      count: (shown, total) =>
        shown === total ? `${total} ${total === 1 ? "flag" : "flags"}` : `${shown} of ${total} flags`,
      none: "No flags match these filters.",
      empty_log: "No flags yet. Flag a statement above, or with /flag in the chat.",
      more: "Show more",
      more_text: "Read all",
      less_text: "Show less",
      back: "‹ Back to the log",
      round: "Round",
      speaker: "Speaker",
      flagged_at: "Flagged",
      link: "Message in the chat",
      open_message: "Open the message",
      verdict: "Verdict",
      verdict_now: "Now",
      verdict_change: "Change the verdict to",
      verdict_note: "Note with the verdict (optional)",
      verdict_confirm: (n, label) => `Mark #${n} as “${label}”? The group will be told.`,
      not_judge: "Only a chat admin, the flagger or the assignee may change the verdict.",
      notes: "Notes",
      no_notes: "No notes yet.",
      note: "Add a note",
      note_save: "Save note",
      evidence: "Evidence link (https://…)",
      evidence_save: "Add evidence",
      assign: "Assign to (@username)",
      assign_save: "Assign",
      assign_confirm: (n, who) => `Assign #${n} to ${who}? The group will be told.`,
      withdraw: "Why withdraw it (kept in its history)",
      withdraw_save: "Withdraw the flag",
      withdraw_confirm: (n) => `Withdraw #${n}? It stays in the log, struck through, and leaves the group's open flags.`,
      withdrawn: (n) => `#${n} withdrawn. It stays in the log, struck through.`,
      cards: "Playbook cards",
      saved: "Saved.",
      verdict_saved: (n, label) => `Verdict for #${n}: ${label}. The group will be told.`,
      flag: "A statement heard at the table (Lavrov: …)",
      flag_save: "Flag it",
      flagged: (n) => `#${n} flagged. The group will see it.`,
      export_csv: "Export CSV",
      export_md: "Export Markdown",
      close: "Close",
      open_from_telegram:
        "Open this board from Telegram: tap “Open the analysts' board” under /board in your team chat.",
      e401: "Telegram could not confirm who you are. Close the board and open it again from the chat.",
      e403: "You are not a member of this chat, so its log is not shown.",
      e403_enrolled: "This chat no longer keeps a flag log.",
      e403_allowed: "You may not make this change: ask the flagger or a chat admin.",
      e404: "That flag is not in this chat's log.",
      e413: "That is too much text to send at once.",
      e429: (n) => `Too many changes at once. Wait ${n} ${n === 1 ? "second" : "seconds"} and try again.`,
      e503: "Telegram could not be asked just now. Try again in a moment.",
      e_other: "Something went wrong on the bot's side. Try again.",
      bad_url: "Evidence must be a link starting with https://.",
      too_long: "That is too long to keep. Shorten it and try again.",
      empty_text: "There is nothing to send yet.",
      export_empty: "There is nothing to export yet.",
      offline: "No connection to the bot. Trying again…",
      tab_log: "Log",
      tab_points: "Points",
      tab_statement: "Statement",
      points_title: (round) => (round ? `Talking points · round “${round}”` : "Talking points for the next round"),
      points_empty: "No talking points yet. Propose the first one above.",
      points_hint_admin: "Edit, reorder and remove points here or under /points in the chat. A removed point stays in its history and in exports.",
      points_hint_member: "Any member proposes points; chat admins edit, reorder and remove them.",
      point_new: "A talking point for the round",
      point_save: "Add the point",
      point_added: (n) => `Point ${n} added. It is in /points in the chat too.`,
      point_edit: (n) => `Edit point ${n}`,
      point_up: (n) => `Move point ${n} up`,
      point_down: (n) => `Move point ${n} down`,
      point_remove: (n) => `Remove point ${n}`,
      point_remove_confirm: (n) => `Remove point ${n}? It stays in its history and in exports.`,
      point_removed: (n) => `Point ${n} removed. It stays in its history and in exports.`,
      point_moved: (a, b) => `Point ${a} is now point ${b}.`,
      point_edit_label: (n) => `New text of point ${n}`,
      point_edit_save: "Save",
      point_edited: (n) => `Point ${n} edited.`,
      cancel: "Cancel",
      point_gone: "That point is no longer on the list; the list is shown as it is now.",
      bad_text: "That text has a character that cannot be kept. Type it again and send it.",
      e403_admins: "Only chat admins may do this.",
      statement_title: "The statement draft",
      statement_round: "Round",
      statement_other: (lang) => (lang === "uk" ? "🇬🇧 In English" : "🇺🇦 In Ukrainian"),
      statement_copy: "Copy the draft",
      statement_copied: "Copied. Paste it where you write the release.",
      statement_selected: "This client does not let the page copy: the draft is selected, copy it from the menu.",
      statement_md: "Download .md",
      statement_docx: "Download .docx",
      statement_no_round: "This chat has no rounds yet, so there is nothing to draft. Start one with /round start in the chat.",
      already_status: (n, label) => `#${n} is already ${label}: nothing changed.`,
      already_assigned: (n, who) => `#${n} is already assigned to ${who}: nothing changed.`,
      already_unassigned: (n) => `#${n} is assigned to no one already: nothing changed.`,
      already_retracted: (n) => `#${n} is already retracted: nothing changed.`,
      already_text: (n) => `#${n} already says that: nothing changed.`,
      tab_definitions: "Terms",
      definitions_title: "Their definitions",
      definition_term: "Term (root causes, першопричини…)",
      definition_speaker: "Who said it (optional)",
      definition_text: "What they said it means",
      definition_save: "Record the definition",
      definition_saved: (term, round) =>
        round ? `Recorded their definition of “${term}”, round “${round}”.` : `Recorded their definition of “${term}”.`,
      definitions_empty: "No definitions recorded yet. Record what they say a term means above, or with /define in the chat.",
      definitions_hint: "Nothing is overwritten: a correction is a new entry. /define term in the chat shows the same register; /asked term notes a term you asked them to define.",
      asked_title: "Asked, not yet defined",
      asked_by: (by, at) => `asked by ${by}, ${at}`,
      definition_round: (name) => (name ? `Round “${name}”` : "Outside a round"),
      definition_changed: "⚠️ Changed",
      definition_same: "Same as before",
      definition_by: (by, at) => `recorded by ${by}, ${at}`,
      definition_earlier: (n) => `${n} earlier in this round`,
      term_changed: "⚠️ Changed in the latest round",
      card_definitions: "Their definitions here",
      ask_save: "Note that we asked them to define it",
      ask_saved: (term) => `Noted: we asked them to define “${term}”. It stays here until they do.`,
      ask_needs_term: "Type the term first.",
      action_created: "flagged",
      action_status: "verdict",
      action_assign: "assigned",
      action_note: "note",
      action_edit: "edited",
      action_retract: "retracted",
    },
    uk: {
      title: "Дошка аналітиків",
      all_statuses: "Усі статуси",
      retracted: "Відкликано",
      all_rounds: "Усі раунди",
      all_speakers: "Усі, хто говорив",
      all_assignees: "Усі, хто перевіряє",
      status_filter: "Статус",
      round_filter: "Раунд",
      speaker_filter: "Хто сказав",
      assignee_filter: "Перевіряє",
      search: "Пошук у заявах, іменах, примітках",
      filters: (on) => (on ? `Фільтри · ${on}` : "Фільтри"),
      clear_filters: "Скинути фільтри",
      count: (shown, total) => (shown === total ? `${total} ${ukFlags(total)}` : `${shown} з ${total}`),
      none: "Немає позначок за цими фільтрами.",
      empty_log: "Позначок ще немає. Позначте заяву вище або командою /flag у чаті.",
      more: "Показати ще",
      more_text: "Читати повністю",
      less_text: "Згорнути",
      back: "‹ Назад до журналу",
      round: "Раунд",
      speaker: "Хто сказав",
      flagged_at: "Позначено",
      link: "Повідомлення в чаті",
      open_message: "Відкрити повідомлення",
      verdict: "Вердикт",
      verdict_now: "Зараз",
      verdict_change: "Змінити вердикт на",
      verdict_note: "Примітка до вердикту (необов’язково)",
      verdict_confirm: (n, label) => `Вердикт для #${n} — «${label}»? Група про це дізнається.`,
      not_judge: "Змінити вердикт може адміністратор чату, автор позначки або той, кому доручено перевірку.",
      notes: "Примітки",
      no_notes: "Приміток ще немає.",
      note: "Додати примітку",
      note_save: "Зберегти примітку",
      evidence: "Посилання на доказ (https://…)",
      evidence_save: "Додати доказ",
      assign: "Доручити перевірку (@нік)",
      assign_save: "Доручити",
      assign_confirm: (n, who) => `Доручити перевірку #${n}: ${who}? Група про це дізнається.`,
      withdraw: "Чому відкликати (залишиться в історії)",
      withdraw_save: "Відкликати позначку",
      withdraw_confirm: (n) =>
        `Відкликати #${n}? Вона лишиться в журналі, закреслена, і зникне з відкритих позначок групи.`,
      withdrawn: (n) => `#${n} відкликано. Вона лишається в журналі, закреслена.`,
      cards: "Картки порадника",
      saved: "Збережено.",
      verdict_saved: (n, label) => `Вердикт для #${n}: ${label}. Група про це дізнається.`,
      flag: "Заява, почута за столом (Лавров: …)",
      flag_save: "Позначити",
      flagged: (n) => `#${n} позначено. Група це побачить.`,
      export_csv: "Експорт CSV",
      export_md: "Експорт Markdown",
      close: "Закрити",
      open_from_telegram:
        "Відкрийте дошку з Telegram: кнопка «Відкрити дошку аналітиків» під /board у чаті команди.",
      e401: "Telegram не підтвердив, хто ви. Закрийте дошку й відкрийте її знову з чату.",
      e403: "Ви не учасник цього чату, тож його журнал не показано.",
      e403_enrolled: "Цей чат більше не веде журнал позначок.",
      e403_allowed: "Ця зміна вам недоступна: зверніться до автора позначки або адміністратора чату.",
      e404: "Такої позначки немає в журналі цього чату.",
      e413: "Це забагато тексту для одного разу.",
      e429: (n) => `Забагато змін одразу. Зачекайте ${n} ${ukSeconds(n)} і спробуйте знову.`,
      e503: "Зараз не вдалося звернутися до Telegram. Спробуйте за мить.",
      e_other: "Щось пішло не так на боці бота. Спробуйте ще раз.",
      bad_url: "Доказ має бути посиланням, що починається з https://.",
      too_long: "Це задовго, щоб зберегти. Скоротіть і спробуйте знову.",
      empty_text: "Ще нічого надсилати.",
      export_empty: "Ще нічого експортувати.",
      offline: "Немає зв’язку з ботом. Повторюю спробу…",
      tab_log: "Журнал",
      tab_points: "Тези",
      tab_statement: "Заява",
      points_title: (round) => (round ? `Тези · раунд «${round}»` : "Тези до наступного раунду"),
      points_empty: "Тез поки немає. Запропонуйте першу вище.",
      points_hint_admin: "Редагуйте, упорядковуйте й прибирайте тези тут або під /points у чаті. Прибрана теза лишається в історії та в експорті.",
      points_hint_member: "Тези пропонує будь-хто з учасників; редагують, упорядковують і прибирають їх адміністратори чату.",
      point_new: "Теза до раунду",
      point_save: "Додати тезу",
      point_added: (n) => `Тезу ${n} додано. Вона є і в /points у чаті.`,
      point_edit: (n) => `Редагувати тезу ${n}`,
      point_up: (n) => `Підняти тезу ${n}`,
      point_down: (n) => `Опустити тезу ${n}`,
      point_remove: (n) => `Прибрати тезу ${n}`,
      point_remove_confirm: (n) => `Прибрати тезу ${n}? Вона лишиться в історії та в експорті.`,
      point_removed: (n) => `Тезу ${n} прибрано. Вона лишається в історії та в експорті.`,
      point_moved: (a, b) => `Теза ${a} тепер має номер ${b}.`,
      point_edit_label: (n) => `Новий текст тези ${n}`,
      point_edit_save: "Зберегти",
      point_edited: (n) => `Тезу ${n} змінено.`,
      cancel: "Скасувати",
      point_gone: "Цієї тези вже немає у списку; показано список, як він є зараз.",
      bad_text: "У тексті є символ, який не можна зберегти. Наберіть його ще раз і надішліть.",
      e403_admins: "Це можуть лише адміністратори чату.",
      statement_title: "Чернетка заяви",
      statement_round: "Раунд",
      statement_other: (lang) => (lang === "uk" ? "🇬🇧 Англійською" : "🇺🇦 Українською"),
      statement_copy: "Скопіювати чернетку",
      statement_copied: "Скопійовано. Вставте туди, де пишете заяву.",
      statement_selected: "Цей клієнт не дає сторінці копіювати: чернетку виділено, скопіюйте її через меню.",
      statement_md: "Завантажити .md",
      statement_docx: "Завантажити .docx",
      statement_no_round: "У цьому чаті ще немає раундів, тож складати нічого. Почніть раунд командою /round start у чаті.",
      already_status: (n, label) => `#${n} вже має вердикт «${label}»: нічого не змінено.`,
      already_assigned: (n, who) => `#${n} вже перевіряє ${who}: нічого не змінено.`,
      already_unassigned: (n) => `#${n} і так нікому не призначено: нічого не змінено.`,
      already_retracted: (n) => `#${n} вже відкликано: нічого не змінено.`,
      already_text: (n) => `#${n} уже має саме цей текст: нічого не змінено.`,
      tab_definitions: "Терміни",
      definitions_title: "Їхні визначення",
      definition_term: "Термін (першопричини, root causes…)",
      definition_speaker: "Хто сказав (необов’язково)",
      definition_text: "Що, за їхніми словами, він означає",
      definition_save: "Записати визначення",
      definition_saved: (term, round) =>
        round
          ? `Записано їхнє визначення терміна «${term}», раунд «${round}».`
          : `Записано їхнє визначення терміна «${term}».`,
      definitions_empty: "Визначень ще не записано. Запишіть вище, що, за їхніми словами, означає термін, або командою /define у чаті.",
      definitions_hint: "Нічого не перезаписується: виправлення — це новий запис. /define термін у чаті показує той самий реєстр; /asked термін позначає термін, який ви попросили їх визначити.",
      asked_title: "Попросили визначити, ще не визначено",
      asked_by: (by, at) => `попросили ${at} (${by})`,
      definition_round: (name) => (name ? `Раунд «${name}»` : "Поза раундом"),
      definition_changed: "⚠️ Змінилося",
      definition_same: "Як і раніше",
      definition_by: (by, at) => `автор запису: ${by}, ${at}`,
      definition_earlier: (n) => `Раніше в цьому раунді: ${n}`,
      term_changed: "⚠️ Змінилося в останньому раунді",
      card_definitions: "Їхні визначення в цьому чаті",
      ask_save: "Зазначити, що ми попросили визначити",
      ask_saved: (term) => `Зазначено: ми попросили їх визначити «${term}». Термін лишиться тут, доки його не визначать.`,
      ask_needs_term: "Спершу введіть термін.",
      action_created: "позначено",
      action_status: "вердикт",
      action_assign: "перевірку доручено",
      action_note: "примітка",
      action_edit: "змінено текст",
      action_retract: "відкликано",
    },
  };

  const tg = window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;
  const initData = tg && typeof tg.initData === "string" ? tg.initData : "";
  const unsafe = (tg && tg.initDataUnsafe) || {};
  const chatToken =
    unsafe.start_param || new URLSearchParams(window.location.search).get("chat") || "";
  const guessLang = ((unsafe.user && unsafe.user.language_code) || navigator.language || "en")
    .toLowerCase()
    .match(/^(uk|ru|be)/) // as the bot: Telegram in Russian gets Ukrainian (bot/language.py)
    ? "uk"
    : "en";

  const state = {
    lang: guessLang,
    me: null,
    version: null,
    loaded: PAGE,
    polling: null,
    firstRender: false,
    stopped: false,
    busy: false,
    ticket: 0,
    unsaved: false,
    scroll: 0,
    view: "log",
  };

  const $ = (id) => document.getElementById(id);
  const s = (key, ...args) => {
    const value = (STRINGS[state.lang] || STRINGS.en)[key];
    return typeof value === "function" ? value(...args) : value;
  };

  // Build an element; children are nodes or strings, and strings become text nodes.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  let uniqueId = 0;
  // A text field with its own visible-to-readers label: every control is named.
  function field(labelText, { multiline = false, type = "text", placeholder = labelText } = {}) {
    uniqueId += 1;
    const id = `field-${uniqueId}`;
    const input = multiline
      ? el("textarea", { id, rows: 2, placeholder })
      : el("input", { id, type, placeholder, autocomplete: "off" });
    return { input, label: el("label", { for: id, class: "sr-only", text: labelText }) };
  }

  // -- Telegram's own controls, each optional: older clients lack some ----------------------

  const telegram = {
    call(name, ...args) {
      try {
        if (tg && typeof tg[name] === "function") {
          tg[name](...args);
          return true;
        }
      } catch (error) {
        // An older Telegram throws for a method it does not support; the page goes on.
      }
      return false;
    },
    haptic(kind) {
      try {
        if (tg && tg.HapticFeedback) tg.HapticFeedback.notificationOccurred(kind);
      } catch (error) {
        // Haptics are a nicety; a client without them is fine.
      }
    },
    confirm(text) {
      return new Promise((resolve) => {
        try {
          if (tg && typeof tg.showConfirm === "function") {
            tg.showConfirm(text, (ok) => resolve(Boolean(ok)));
            return;
          }
        } catch (error) {
          // Falls through to the browser's own dialog.
        }
        resolve(window.confirm(text));
      });
    },
    // Evidence opens in the browser, outside the Mini App; only https is ever opened.
    openLink(url) {
      if (!/^https:\/\//i.test(url)) return;
      if (!this.call("openLink", url)) window.open(url, "_blank", "noopener");
    },
    openTelegramLink(url) {
      if (!/^https:\/\/t\.me\//i.test(url)) return;
      if (!this.call("openTelegramLink", url)) window.open(url, "_blank", "noopener");
    },
  };

  // The MainButton carries the view's primary action while there is something to send;
  // without it (a plain browser, an old client) the form's own button does.
  const mainButton = tg && tg.MainButton ? tg.MainButton : null;
  let mainAction = null;

  function syncControls() {
    let text = null;
    let action = null;
    if (!$("board").hidden && $("new-flag-text").value.trim()) {
      text = s("flag_save");
      action = sendFlag;
    } else if (!$("record").hidden && record.noteInput && record.noteInput.value.trim()) {
      text = s("note_save");
      action = sendNote;
    } else if (!$("points").hidden && $("new-point-text").value.trim()) {
      text = s("point_save");
      action = sendPoint;
    } else if (!$("definitions").hidden && definitionReady()) {
      text = s("definition_save");
      action = sendDefinition;
    } else if (!$("statement").hidden && draft.text) {
      text = s("statement_copy");
      action = copyStatement;
    }
    mainAction = action;
    if (mainButton) {
      try {
        if (action) {
          mainButton.setText(text);
          mainButton.show();
        } else {
          mainButton.hide();
        }
      } catch (error) {
        // A client without a MainButton leaves the page's own buttons to do it.
      }
    }
    const unsaved = drafts().some((value) => value.trim());
    if (unsaved !== state.unsaved) {
      state.unsaved = unsaved;
      telegram.call(unsaved ? "enableClosingConfirmation" : "disableClosingConfirmation");
    }
  }

  async function runMainAction() {
    if (!mainAction || state.busy) return;
    state.busy = true;
    try {
      if (mainButton && mainButton.showProgress) mainButton.showProgress(false);
    } catch (error) {
      // The spinner is optional.
    }
    try {
      await mainAction();
    } finally {
      state.busy = false;
      try {
        if (mainButton && mainButton.hideProgress) mainButton.hideProgress();
      } catch (error) {
        // As above.
      }
      syncControls();
    }
  }

  // -- colours: Telegram's theme, held to readable contrast ----------------------------------

  function parseColor(value) {
    const match = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec((value || "").trim());
    if (!match) return null;
    let hex = match[1];
    if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }
  const hex = (rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
  function luminance(rgb) {
    const [r, g, b] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function contrast(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }
  const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
  // The colour nearest ``fg`` that reads at 4.5:1 (with a margin) on every background:
  // Telegram's themes are the user's, and some hint colours fall short of that.
  function readable(fg, backgrounds) {
    const lightest = backgrounds.reduce((a, b) => (luminance(a) > luminance(b) ? a : b));
    const toward = luminance(lightest) > 0.18 ? [0, 0, 0] : [255, 255, 255];
    for (let step = 0; step <= 20; step += 1) {
      const candidate = mix(fg, toward, step / 20);
      if (backgrounds.every((bg) => contrast(candidate, bg) >= 4.6)) return hex(candidate);
    }
    return hex(toward);
  }

  const THEMES = {
    light: {
      bg_color: "#ffffff",
      text_color: "#000000",
      hint_color: "#707579",
      link_color: "#2481cc",
      button_color: "#2481cc",
      button_text_color: "#ffffff",
      secondary_bg_color: "#f1f1f4",
      destructive_text_color: "#d14e4e",
    },
    dark: {
      bg_color: "#17212b",
      text_color: "#f5f5f5",
      hint_color: "#708499",
      link_color: "#6ab3f3",
      button_color: "#5288c1",
      button_text_color: "#ffffff",
      secondary_bg_color: "#232e3c",
      destructive_text_color: "#ec3942",
    },
  };
  const STATUS_HUES = {
    light: { open: "#9a6b00", verified: "#1e7a46", misleading: "#b4530a", unverifiable: "#5f6b7a" },
    dark: { open: "#e0b23a", verified: "#5cc08a", misleading: "#ef8d4b", unverifiable: "#a4b0be" },
  };

  function applyTheme() {
    const params = (tg && tg.themeParams) || {};
    const dark = tg && tg.colorScheme
      ? tg.colorScheme === "dark"
      : window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    const base = THEMES[dark ? "dark" : "light"];
    const color = (key) => parseColor(params[key]) || parseColor(base[key]);
    const bg = color("bg_color");
    const card = color("secondary_bg_color");
    const surfaces = [bg, card];
    const text = readable(color("text_color"), surfaces);
    const danger = readable(color("destructive_text_color"), surfaces);
    const white = [255, 255, 255];
    const values = {
      "--bg": hex(bg),
      "--card": hex(card),
      "--text": text,
      "--hint": readable(color("hint_color"), surfaces),
      "--link": readable(color("link_color"), surfaces),
      "--danger": danger,
      // Buttons keep Telegram's text colour; their own colour darkens until it reads.
      "--button": readable(color("button_color"), [color("button_text_color")]),
      "--button-text": hex(color("button_text_color")),
      "--danger-fill": readable(color("destructive_text_color"), [white]),
      "--line": hex(mix(card, parseColor(text), 0.25)),
    };
    const hues = STATUS_HUES[dark ? "dark" : "light"];
    for (const [status, hue] of Object.entries(hues)) {
      values[`--status-${status}`] = readable(parseColor(hue), surfaces);
    }
    values["--status-false"] = danger;
    const root = document.documentElement;
    for (const [name, value] of Object.entries(values)) root.style.setProperty(name, value);
    root.style.setProperty("color-scheme", dark ? "dark" : "light");
    // Telegram's header and overscroll in the page's own background.
    telegram.call("setHeaderColor", "bg_color");
    telegram.call("setBackgroundColor", hex(bg));
  }

  // -- the API --------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, retryAfter = 0) {
      super(`${status} ${code}`);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  async function api(path, options = {}) {
    const headers = { Authorization: `tma ${initData}`, "X-Board-Chat": chatToken };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, {
        method: options.method || "GET",
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        cache: "no-store",
      });
    } catch (error) {
      throw new ApiError(0, "offline");
    }
    if (options.raw && response.ok) return response;
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      const wait = Number(response.headers.get("Retry-After")) || Number(data && data.retry_after) || 0;
      throw new ApiError(response.status, (data && data.error) || "http", Math.ceil(wait));
    }
    return data;
  }

  // What went wrong, in the reader's language only: the server's English reasons are
  // for logs and API clients, the page says it in its own words.
  function errorText(error) {
    const { status, code } = error;
    if (status === 0) return s("offline");
    if (status === 401) return s("e401");
    if (status === 403) {
      if (code === "not_enrolled") return s("e403_enrolled");
      if (code === "not_member") return s("e403");
      if (code === "admins_only") return s("e403_admins");
      return s("e403_allowed");
    }
    if (code === "point_gone") return s("point_gone");
    if (code === "bad_text") return s("bad_text");
    if (status === 404) return code === "empty" || code === "no_round" ? s("export_empty") : s("e404");
    if (status === 413) return s("e413");
    if (status === 429) return s("e429", Math.max(1, error.retryAfter || 1));
    if (status === 503) return s("e503");
    if (code === "bad_url") return s("bad_url");
    if (code === "too_long") return s("too_long");
    if (code === "empty") return s("empty_text");
    return s("e_other");
  }

  let messageTimer = null;
  function say(text, { error = false } = {}) {
    const box = $("message");
    box.textContent = text;
    box.className = `message${error ? " error" : ""}`;
    box.setAttribute("role", error ? "alert" : "status");
    box.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => (box.hidden = true), error ? 6000 : 3500);
  }

  // 401 and the chat's 403s stop the board: nothing will work until it is reopened.
  function fail(error) {
    telegram.haptic("error");
    const stopping =
      error.status === 401 ||
      (error.status === 403 && ["not_member", "not_enrolled"].includes(error.code));
    if (stopping) stop(errorText(error));
    else say(errorText(error), { error: true });
  }

  function stop(text) {
    state.stopped = true;
    clearInterval(state.polling);
    $("board").hidden = true;
    $("record").hidden = true;
    $("views").hidden = true;
    $("points").hidden = true;
    $("definitions").hidden = true;
    $("statement").hidden = true;
    $("message").hidden = true;
    $("count").hidden = true;
    $("stopped-text").textContent = text;
    $("stopped-close").textContent = s("close");
    $("stopped").hidden = false;
    telegram.call("disableClosingConfirmation");
    try {
      if (mainButton) mainButton.hide();
      if (tg && tg.BackButton) tg.BackButton.hide();
    } catch (error) {
      // Nothing to hide in an older client.
    }
  }

  function closeApp() {
    if (!telegram.call("close")) window.close();
  }

  function statusInfo(id) {
    const found = state.me && state.me.statuses.find((item) => item.id === id);
    return found || { id, label: id, icon: "•" };
  }

  // -- strings and filters --------------------------------------------------------------------

  function applyStrings() {
    document.documentElement.lang = state.lang;
    document.title = s("title");
    $("new-flag-label").textContent = s("flag");
    $("new-flag-text").placeholder = s("flag");
    $("new-flag-send").textContent = s("flag_save");
    $("f-q-label").textContent = s("search");
    $("f-q").placeholder = s("search");
    $("f-status-label").textContent = s("status_filter");
    $("f-round-label").textContent = s("round_filter");
    $("f-speaker-label").textContent = s("speaker_filter");
    $("f-assignee-label").textContent = s("assignee_filter");
    $("filters-clear").textContent = s("clear_filters");
    $("empty-clear").textContent = s("clear_filters");
    $("more").textContent = s("more");
    $("back").textContent = s("back");
    $("export-csv").textContent = s("export_csv");
    $("export-md").textContent = s("export_md");
    $("stopped-close").textContent = s("close");
    $("views").setAttribute("aria-label", s("title"));
    $("tab-log").textContent = s("tab_log");
    $("tab-points").textContent = s("tab_points");
    $("tab-statement").textContent = s("tab_statement");
    $("new-point-label").textContent = s("point_new");
    $("new-point-text").placeholder = s("point_new");
    $("new-point-send").textContent = s("point_save");
    $("tab-definitions").textContent = s("tab_definitions");
    $("definitions-title").textContent = s("definitions_title");
    for (const [id, key] of [
      ["new-definition-term", "definition_term"],
      ["new-definition-speaker", "definition_speaker"],
      ["new-definition-text", "definition_text"],
    ]) {
      $(`${id}-label`).textContent = s(key);
      $(id).placeholder = s(key);
    }
    $("new-definition-send").textContent = s("definition_save");
    $("new-ask-send").textContent = s("ask_save");
    $("asked-title").textContent = s("asked_title");
    $("definitions-empty").textContent = s("definitions_empty");
    $("definitions-hint").textContent = s("definitions_hint");
    $("statement-title").textContent = s("statement_title");
    $("statement-round-label").textContent = s("statement_round");
    $("statement-copy").textContent = s("statement_copy");
    $("statement-md").textContent = s("statement_md");
    $("statement-docx").textContent = s("statement_docx");
  }

  // Refill a select only when its choices changed, and never while it is open.
  function fillSelect(select, first, options) {
    const wanted = [["", first], ...options];
    const current = [...select.options].map((option) => [option.value, option.textContent]);
    if (JSON.stringify(wanted) === JSON.stringify(current) || document.activeElement === select) return;
    const chosen = select.value;
    select.replaceChildren(...wanted.map(([value, label]) => el("option", { value, text: label })));
    if (wanted.some(([value]) => value === chosen)) select.value = chosen;
  }

  function applyFacets(me) {
    fillSelect($("f-status"), s("all_statuses"), [
      ...me.statuses.map((item) => [item.id, `${item.icon} ${item.label}`]),
      ["retracted", `↩️ ${s("retracted")}`],
    ]);
    fillSelect($("f-round"), s("all_rounds"), me.rounds.map((name) => [name, name]));
    fillSelect($("f-speaker"), s("all_speakers"), me.speakers.map((name) => [name, name]));
    fillSelect($("f-assignee"), s("all_assignees"), me.assignees.map((name) => [name, name]));
  }

  const SELECTS = [
    ["status", "f-status"],
    ["round", "f-round"],
    ["speaker", "f-speaker"],
    ["assignee", "f-assignee"],
  ];

  function filters() {
    const params = new URLSearchParams();
    for (const [name, id] of [["q", "f-q"], ...SELECTS]) {
      const value = $(id).value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  // One row: the search, and a button that opens the rest and says how many are on;
  // under it, what is on, in words, with a way to clear it.
  function showFilterSummary() {
    const on = [];
    const words = $("f-q").value.trim();
    if (words) on.push(`“${words}”`);
    for (const [, id] of SELECTS) {
      const select = $(id);
      if (select.value) on.push(select.options[select.selectedIndex].textContent);
    }
    const selected = SELECTS.filter(([, id]) => $(id).value).length;
    $("filters-toggle").textContent = s("filters", selected);
    $("filters-summary").textContent = on.join(" · ");
    $("filters-on").hidden = on.length === 0;
    return on.length;
  }

  function clearFilters() {
    $("f-q").value = "";
    for (const [, id] of SELECTS) $(id).value = "";
    refilter();
  }

  // -- the log, updated card by card ----------------------------------------------------------

  const cards = new Map(); // flag number -> { key, node }

  function flagItem(flag) {
    const status = statusInfo(flag.status);
    const label = flag.retracted ? `↩️ ${s("retracted")}` : `${status.icon} ${status.label}`;
    return el(
      "li",
      { class: `flag${flag.retracted ? " retracted" : ""}`, "data-number": flag.number },
      el(
        "a",
        {
          class: "open",
          href: `#flag-${flag.number}`,
          onclick: (event) => {
            event.preventDefault();
            openRecord(flag.number);
          },
        },
        el(
          "span",
          { class: "head" },
          el("span", { class: "number", text: `#${flag.number}` }),
          flag.round ? el("span", { class: "round", text: flag.round }) : null,
          flag.assignee ? el("span", { class: "assignee", text: `→ ${flag.assignee}` }) : null,
          el("span", { class: `status status-${flag.retracted ? "retracted" : flag.status}`, text: label }),
        ),
        el(
          "span",
          { class: "text" },
          flag.speaker ? el("span", { class: "speaker", text: `${flag.speaker}: ` }) : null,
          flag.text,
        ),
      ),
    );
  }

  function renderList(items) {
    const list = $("flags");
    const wanted = items.map((flag) => {
      const key = `${state.lang}|${JSON.stringify(flag)}`;
      let entry = cards.get(flag.number);
      if (!entry || entry.key !== key) {
        entry = { key, node: flagItem(flag) };
        const old = cards.get(flag.number);
        if (old && old.node.isConnected) old.node.replaceWith(entry.node);
        cards.set(flag.number, entry);
      }
      return entry.node;
    });
    const keep = new Set(wanted);
    for (const child of [...list.children]) if (!keep.has(child)) child.remove();
    let cursor = list.firstChild;
    for (const node of wanted) {
      if (node === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(node, cursor);
    }
    const shown = new Set(items.map((flag) => flag.number));
    for (const number of [...cards.keys()]) if (!shown.has(number)) cards.delete(number);
  }

  async function loadLog({ force = false } = {}) {
    // Each new search or filter takes a ticket; an answer to an older one (a slow
    // request overtaken by a quicker one) is out of date and dropped.
    const ticket = force ? ++state.ticket : state.ticket;
    const params = filters();
    params.set("limit", String(state.loaded));
    if (!force && state.version) params.set("version", state.version);
    const data = await api(`api/flags?${params}`);
    if (ticket !== state.ticket || data.unchanged) return false;
    state.version = data.version;
    renderList(data.items);
    const filtered = showFilterSummary() > 0;
    $("empty").hidden = data.items.length > 0;
    $("empty-text").textContent = filtered ? s("none") : s("empty_log");
    $("empty-clear").hidden = !filtered;
    // One way to clear is enough: the empty state's own button.
    $("filters-clear").hidden = data.items.length === 0;
    $("count").textContent = data.total ? s("count", data.items.length, data.total) : "";
    $("more").hidden = data.items.length >= data.total;
    if (!state.firstRender) {
      state.firstRender = true;
      // For the browser test: how long the first render of the log took.
      window.boardFirstRenderMs = performance.now();
      document.body.dataset.ready = "1";
    }
    return true;
  }

  function refilter() {
    state.loaded = PAGE;
    showFilterSummary();
    loadLog({ force: true }).catch(fail);
  }

  async function sendFlag() {
    const input = $("new-flag-text");
    const text = input.value.trim();
    if (!text) return;
    try {
      const made = await api("api/flags", { method: "POST", body: { text } });
      // Only what was sent is cleared: anything typed meanwhile stays.
      if (input.value.trim() === text) input.value = "";
      telegram.haptic("success");
      say(s("flagged", made.flag.number));
      await loadLog({ force: true });
    } catch (error) {
      fail(error);
    }
  }

  // -- one flag's record: fields built once per visit, text around them refreshed --------

  const record = {
    number: null,
    expanded: false,
    noteInput: null,
    inputs: [],
    parts: null,
  };
  // Unsent drafts of records left with Back, by flag number: reopening one restores them.
  const keptDrafts = new Map();

  function drafts() {
    const values = [
      $("new-flag-text").value,
      $("new-point-text").value,
      $("new-definition-term").value,
      $("new-definition-text").value,
      ...record.inputs.map((input) => input.value),
      ...[...pointRows.values()].filter((row) => row.editor).map((row) => row.editor.value),
    ];
    for (const kept of keptDrafts.values()) values.push(...Object.values(kept));
    return values;
  }

  function when(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return date.toLocaleString(state.lang === "uk" ? "uk-UA" : "en-GB", {
      day: "2-digit",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  // Text with its https links as links that open through Telegram; nothing else is a link.
  function linked(text) {
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(/https:\/\/[^\s<>"']+/gi)) {
      const url = match[0].replace(/[.,;:!?)]+$/, "");
      parts.push(text.slice(last, match.index));
      parts.push(
        el("a", {
          href: url,
          rel: "noopener noreferrer",
          target: "_blank",
          text: url,
          onclick: (event) => {
            event.preventDefault();
            telegram.openLink(url);
          },
        }),
      );
      last = match.index + url.length;
    }
    parts.push(text.slice(last));
    return parts.filter((part) => part !== "");
  }

  // A form whose button sends its field; the field is cleared only once it is saved.
  function sendForm(labelText, buttonText, send, { type = "text", multiline = false, danger = false } = {}) {
    const { input, label } = field(labelText, { type, multiline });
    const submit = el("button", { type: "submit", class: danger ? "danger" : "secondary", text: buttonText });
    const form = el(
      "form",
      {
        class: "form",
        onsubmit: async (event) => {
          event.preventDefault();
          const value = input.value.trim();
          if (!value && !danger) return;
          submit.disabled = true;
          try {
            if (await send(value)) {
              if (input.value.trim() === value) input.value = "";
            }
          } finally {
            submit.disabled = false;
            syncControls();
          }
        },
      },
      label,
      input,
      submit,
    );
    record.inputs.push(input);
    return { form, input, submit };
  }

  // Sends a change, shows the record as the bot now has it; true when it was saved.
  async function change(path, body, success) {
    const number = record.number;
    try {
      const updated = await api(`api/flags/${number}/${path}`, { method: "POST", body });
      if (record.number === number) updateRecord(updated);
      if (updated.unchanged) {
        // The same verdict, assignee or withdrawal again: nothing changed, nobody is told.
        telegram.haptic("warning");
        say(alreadyText(path, updated.flag));
        return true;
      }
      telegram.haptic("success");
      say(success(updated));
      loadLog({ force: true }).catch(fail);
      return true;
    } catch (error) {
      fail(error);
      return false;
    }
  }

  // A change that found the flag already so, in the page's own words (as the chat says it).
  function alreadyText(path, flag) {
    const n = flag.number;
    if (path === "verdict") return s("already_status", n, statusInfo(flag.status).label);
    if (path === "assignee") return flag.assignee ? s("already_assigned", n, flag.assignee) : s("already_unassigned", n);
    if (path === "withdraw") return s("already_retracted", n);
    return s("already_text", n);
  }

  async function sendNote() {
    const input = record.noteInput;
    const note = input.value.trim();
    if (!note) return;
    if (await change("note", { note }, () => s("saved"))) {
      if (input.value.trim() === note) input.value = "";
    }
  }

  function buildRecord(number) {
    record.number = number;
    record.expanded = false;
    record.inputs = [];
    const parts = {
      heading: el("h2", { id: "record-title" }),
      state: el("p", { class: "state" }),
      statement: el("blockquote", { class: "statement clamped" }),
      moreText: el("button", {
        type: "button",
        class: "link",
        hidden: true,
        onclick: () => {
          record.expanded = !record.expanded;
          showStatement();
        },
      }),
      details: el("dl", { class: "details" }),
      verdict: el("section", { class: "verdict", "aria-labelledby": "verdict-title" }),
      verdictButtons: el("div", { class: "verdicts", role: "group" }),
      notJudge: el("p", { class: "muted", text: s("not_judge") }),
      notes: el("ul", { class: "notes" }),
      changes: el("section", { class: "changes" }),
      cards: el("section", { class: "cards-part" }),
      history: el("ul", { class: "history" }),
    };
    const verdictNote = field(s("verdict_note"));
    record.inputs.push(verdictNote.input);
    parts.verdictNote = verdictNote.input;
    parts.verdict.append(
      el("h3", { id: "verdict-title", text: s("verdict") }),
      verdictNote.label,
      verdictNote.input,
      el("p", { class: "muted", id: "verdict-change", text: s("verdict_change") }),
      parts.verdictButtons,
    );
    parts.verdictButtons.setAttribute("aria-labelledby", "verdict-change");

    const note = sendForm(s("note"), s("note_save"), async () => {
      await sendNote();
      return false; // sendNote clears the field itself
    }, { multiline: true });
    record.noteInput = note.input;
    // With Telegram's MainButton the page's own "Save note" is not needed.
    if (mainButton) note.submit.hidden = true;
    const evidence = sendForm(s("evidence"), s("evidence_save"), (url) => change("evidence", { url }, () => s("saved")), {
      type: "url",
    });
    parts.assign = sendForm(s("assign"), s("assign_save"), async (assignee) => {
      if (!(await telegram.confirm(s("assign_confirm", record.number, assignee)))) return false;
      return change("assignee", { assignee }, () => s("saved"));
    });
    parts.withdraw = sendForm(
      s("withdraw"),
      s("withdraw_save"),
      async (reason) => {
        if (!(await telegram.confirm(s("withdraw_confirm", record.number)))) return false;
        return change("withdraw", { reason }, () => s("withdrawn", record.number));
      },
      { danger: true },
    );
    parts.changes.append(parts.assign.form, parts.withdraw.form);

    const kept = keptDrafts.get(number);
    if (kept) {
      record.inputs.forEach((input, index) => (input.value = kept[index] || ""));
      keptDrafts.delete(number);
    }
    record.parts = parts;
    $("record-body").replaceChildren(
      parts.heading,
      parts.state,
      parts.statement,
      parts.moreText,
      parts.details,
      parts.verdict,
      parts.notJudge,
      el("section", { "aria-labelledby": "notes-title" }, el("h3", { id: "notes-title", text: s("notes") }), parts.notes, note.form, evidence.form),
      parts.changes,
      parts.cards,
      el("h3", { id: "history-title" }),
      parts.history,
    );
  }

  function showStatement() {
    const { statement, moreText } = record.parts;
    statement.classList.toggle("clamped", !record.expanded);
    const cut = !record.expanded && statement.scrollHeight > statement.clientHeight + 1;
    moreText.hidden = !cut && !record.expanded;
    moreText.textContent = record.expanded ? s("less_text") : s("more_text");
    moreText.setAttribute("aria-expanded", String(record.expanded));
  }

  // What an event changed to; a note event's new value is every note so far, not shown.
  function historyValue(event) {
    if (!event.new || event.action === "note" || event.action === "retract") return "";
    const shown = ["status", "created"].includes(event.action) ? statusInfo(event.new).label : event.new;
    return ` → ${shown}`;
  }

  function updateRecord(data) {
    const parts = record.parts;
    const flag = data.flag;
    const fields = state.me.fields;
    const status = statusInfo(flag.status);
    parts.heading.textContent = flag.speaker ? `#${flag.number} · ${flag.speaker}` : `#${flag.number}`;
    parts.state.className = `state status-${flag.retracted ? "retracted" : flag.status}`;
    parts.state.textContent = flag.retracted ? `↩️ ${fields.flag_retracted}` : `${status.icon} ${status.label}`;
    if (parts.statement.textContent !== flag.text) parts.statement.textContent = flag.text;
    showStatement();

    const rows = [
      [fields.flag_by, `${flag.flagged_by}, ${when(flag.created_at)}`],
      [s("round"), flag.round],
      [fields.flag_assignee, flag.assignee],
      [fields.flag_retracted, flag.retract_reason],
    ].filter(([, value]) => value);
    const details = rows.flatMap(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })]);
    if (flag.link) {
      details.push(
        el("dt", { text: s("link") }),
        el(
          "dd",
          {},
          el("a", {
            href: flag.link,
            rel: "noopener noreferrer",
            target: "_blank",
            text: s("open_message"),
            onclick: (event) => {
              event.preventDefault();
              telegram.openTelegramLink(flag.link);
            },
          }),
        ),
      );
    }
    if (data.seen_before) {
      const earlier = data.seen_before;
      details.push(
        el("dt", { text: fields.seen_before }),
        el(
          "dd",
          {},
          el("button", { type: "button", class: "link", text: earlier.line, onclick: () => openRecord(earlier.number) }),
          earlier.note ? el("p", { class: "muted", text: earlier.note }) : null,
        ),
      );
    }
    parts.details.replaceChildren(...details);

    // The verdict: where it stands is a state above; the other verdicts are choices.
    parts.verdict.hidden = !data.can_judge || flag.retracted;
    parts.notJudge.hidden = data.can_judge || flag.retracted;
    const choices = state.me.statuses.filter((item) => item.id !== flag.status);
    const shownChoices = [...parts.verdictButtons.children].map((button) => button.dataset.status);
    if (JSON.stringify(shownChoices) !== JSON.stringify(choices.map((item) => item.id))) {
      parts.verdictButtons.replaceChildren(
        ...choices.map((item) =>
          el("button", {
            type: "button",
            class: "secondary choice",
            "data-status": item.id,
            text: `${item.icon} ${item.label}`,
            onclick: (event) => giveVerdict(item, event.currentTarget),
          }),
        ),
      );
    }

    const notes = data.history.filter((event) => event.action === "note" && event.note);
    parts.notes.replaceChildren(
      ...(notes.length
        ? notes.map((event) =>
            el(
              "li",
              {},
              el("p", { class: "meta" }, el("strong", { text: event.by || "" }), ` · ${when(event.at)}`),
              el("p", { class: "body" }, linked(event.note)),
            ),
          )
        : [el("li", { class: "muted", text: s("no_notes") })]),
    );

    parts.changes.hidden = !data.can_change;
    parts.withdraw.form.hidden = flag.retracted;

    parts.cards.replaceChildren(
      ...(data.cards.length
        ? [
            el("h3", { text: s("cards") }),
            el(
              "ul",
              { class: "cards" },
              data.cards.map((card) =>
                el(
                  "li",
                  {},
                  el("strong", { text: `${card.icon} ${card.title}` }),
                  el("p", { class: "summary", text: card.summary }),
                  cardDefinitions(card),
                ),
              ),
            ),
          ]
        : []),
    );
    $("history-title").textContent = fields.flag_history;
    parts.history.replaceChildren(
      ...data.history.map((event) =>
        el(
          "li",
          {},
          `${when(event.at)} · ${s(`action_${event.action}`) || event.action}`,
          historyValue(event),
          event.by ? ` (${event.by})` : "",
          event.note ? `: ${event.note}` : "",
        ),
      ),
    );
  }

  async function giveVerdict(item, button) {
    const number = record.number;
    if (!(await telegram.confirm(s("verdict_confirm", number, item.label)))) return;
    button.disabled = true;
    const note = record.parts.verdictNote;
    const sent = note.value.trim();
    const saved = await change("verdict", { status: item.id, note: sent }, () => s("verdict_saved", number, item.label));
    if (saved && note.value.trim() === sent) note.value = "";
    if (button.isConnected) button.disabled = false;
    syncControls();
  }

  async function openRecord(number) {
    try {
      const data = await api(`api/flags/${number}`);
      state.scroll = window.scrollY;
      buildRecord(number);
      $("message").hidden = true;
      $("count").hidden = true;
      $("board").hidden = true;
      $("views").hidden = true;
      $("record").hidden = false;
      updateRecord(data);
      window.scrollTo(0, 0);
      if (tg && tg.BackButton) tg.BackButton.show();
      syncControls();
    } catch (error) {
      fail(error);
    }
  }

  function closeRecord() {
    const values = record.inputs.map((input) => input.value);
    if (record.number !== null && values.some((value) => value.trim())) keptDrafts.set(record.number, values);
    record.number = null;
    record.inputs = [];
    record.noteInput = null;
    $("message").hidden = true;
    $("count").hidden = false;
    $("record").hidden = true;
    $("board").hidden = false;
    $("views").hidden = false;
    window.scrollTo(0, state.scroll);
    if (tg && tg.BackButton) tg.BackButton.hide();
    syncControls();
  }

  function download(kind) {
    const round = $("f-round").value;
    const query = new URLSearchParams({ format: kind });
    if (round) query.set("round", round);
    return saveFile(`api/export?${query}`, `flags.${kind}`);
  }

  // A file from the API saved under the name the bot gives it.
  async function saveFile(path, fallbackName) {
    try {
      const response = await api(path, { raw: true });
      const blob = await response.blob();
      const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const link = el("a", { href: URL.createObjectURL(blob), download: match ? match[1] : fallbackName });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (error) {
      fail(error);
    }
  }

  // -- the views: the log, talking points, the statement -----------------------------------

  const VIEWS = { log: "board", points: "points", definitions: "definitions", statement: "statement" };

  function showView(name) {
    state.view = name;
    for (const [view, id] of Object.entries(VIEWS)) $(id).hidden = view !== name;
    for (const tab of $("views").querySelectorAll("button")) {
      if (tab.dataset.view === name) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    $("count").hidden = name !== "log";
    $("message").hidden = true;
    try {
      if (tg && tg.BackButton) {
        if (name === "log") tg.BackButton.hide();
        else tg.BackButton.show();
      }
    } catch (error) {
      // An older client has no BackButton; the tabs lead back.
    }
    syncControls();
    if (name === "points") loadPoints().catch(fail);
    if (name === "definitions") loadDefinitions().catch(fail);
    if (name === "statement") loadStatement().catch(fail);
  }

  // Telegram's Back: from a record to the log, from another view to the log.
  function goBack() {
    if (record.number !== null) closeRecord();
    else if (state.view !== "log") showView("log");
  }

  // Talking points, updated row by row: a point being edited keeps its field.
  const pointRows = new Map(); // point id -> { key, node, editor }
  let pointsData = null;

  async function pointChange(path, body, success) {
    try {
      const data = await api(path, { method: "POST", body });
      telegram.haptic("success");
      say(success);
      showPoints(data);
      return true;
    } catch (error) {
      fail(error);
      if (error.code === "point_gone") loadPoints().catch(fail);
      return false;
    }
  }

  function editPoint(point) {
    const row = pointRows.get(point.id);
    if (!row || row.editor) return;
    const edit = field(s("point_edit_label", point.number), { multiline: true });
    edit.input.value = point.text;
    row.editor = edit.input;
    const save = el("button", { type: "submit", class: "primary", text: s("point_edit_save") });
    const cancel = el("button", {
      type: "button",
      class: "secondary",
      text: s("cancel"),
      onclick: () => {
        row.editor = null;
        row.key = null;
        showPoints(pointsData);
      },
    });
    const form = el(
      "form",
      {
        class: "form",
        onsubmit: async (event) => {
          event.preventDefault();
          const text = edit.input.value.trim();
          if (!text) return;
          save.disabled = true;
          const number = point.number;
          const done = await pointChange(`api/points/${point.id}/edit`, { text }, s("point_edited", number));
          save.disabled = false;
          if (done) {
            row.editor = null;
            row.key = null;
            showPoints(pointsData);
          }
        },
      },
      edit.label,
      edit.input,
      el("div", { class: "row" }, save, cancel),
    );
    row.node.replaceChildren(el("span", { class: "number", text: `${point.number}.` }), form);
    edit.input.focus();
    syncControls();
  }

  function pointItem(point, count, canManage) {
    const n = point.number;
    const actions = canManage
      ? el(
          "div",
          { class: "actions" },
          el("button", {
            type: "button",
            class: "secondary",
            "aria-label": s("point_edit", n),
            text: "✏️",
            onclick: () => editPoint(point),
          }),
          n > 1
            ? el("button", {
                type: "button",
                class: "secondary",
                "aria-label": s("point_up", n),
                text: "⬆️",
                onclick: () => pointChange(`api/points/${point.id}/move`, { to: n - 1 }, s("point_moved", n, n - 1)),
              })
            : null,
          n < count
            ? el("button", {
                type: "button",
                class: "secondary",
                "aria-label": s("point_down", n),
                text: "⬇️",
                onclick: () => pointChange(`api/points/${point.id}/move`, { to: n + 1 }, s("point_moved", n, n + 1)),
              })
            : null,
          el("button", {
            type: "button",
            class: "secondary remove",
            "aria-label": s("point_remove", n),
            text: "🗑",
            onclick: async () => {
              if (!(await telegram.confirm(s("point_remove_confirm", n)))) return;
              await pointChange(`api/points/${point.id}/remove`, {}, s("point_removed", n));
            },
          }),
        )
      : null;
    return el(
      "li",
      { class: "point", "data-id": point.id },
      el("p", { class: "body" }, el("span", { class: "number", text: `${n}. ` }), point.text),
      el("p", { class: "by", text: `— ${point.by}` }),
      actions,
    );
  }

  function showPoints(data) {
    pointsData = data;
    $("points-title").textContent = s("points_title", data.round);
    $("points-hint").textContent = data.can_manage ? s("points_hint_admin") : s("points_hint_member");
    $("points-empty").textContent = s("points_empty");
    $("points-empty").hidden = data.points.length > 0;
    const list = $("points-list");
    const count = data.points.length;
    const wanted = data.points.map((point) => {
      const key = `${state.lang}|${count}|${data.can_manage}|${JSON.stringify(point)}`;
      let row = pointRows.get(point.id);
      if (row && row.editor) return row.node; // being edited: left as it is
      if (!row || row.key !== key) {
        const node = pointItem(point, count, data.can_manage);
        if (row && row.node.isConnected) row.node.replaceWith(node);
        row = { key, node, editor: null };
        pointRows.set(point.id, row);
      }
      return row.node;
    });
    const keep = new Set(wanted);
    for (const child of [...list.children]) if (!keep.has(child)) child.remove();
    let cursor = list.firstChild;
    for (const node of wanted) {
      if (node === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(node, cursor);
    }
    const shown = new Set(data.points.map((point) => point.id));
    for (const id of [...pointRows.keys()]) if (!shown.has(id)) pointRows.delete(id);
  }

  async function loadPoints() {
    showPoints(await api("api/points"));
  }

  async function sendPoint() {
    const input = $("new-point-text");
    const text = input.value.trim();
    if (!text) return;
    try {
      const data = await api("api/points", { method: "POST", body: { text } });
      if (input.value.trim() === text) input.value = "";
      const added = [...data.points].reverse().find((point) => point.text === text);
      telegram.haptic("success");
      say(s("point_added", added ? added.number : data.points.length));
      showPoints(data);
    } catch (error) {
      fail(error);
    }
  }

  // The statement: the draft as text, in the reader's language or the other.
  const draft = { round: "", lang: null, text: "" };

  function statementQuery(extra = {}) {
    const query = new URLSearchParams({ lang: draft.lang || state.lang, ...extra });
    if (draft.round) query.set("round", draft.round);
    return query;
  }

  async function loadStatement() {
    if (!draft.lang) draft.lang = state.lang;
    let data;
    try {
      data = await api(`api/statement?${statementQuery()}`);
    } catch (error) {
      if (error.code !== "no_round") throw error;
      data = { rounds: [], round: null, lang: draft.lang, empty: true, text: s("statement_no_round") };
    }
    const select = $("statement-round");
    const options = data.rounds.map((item) => [String(item.id), item.name]);
    const current = [...select.options].map((option) => [option.value, option.textContent]);
    if (JSON.stringify(options) !== JSON.stringify(current) && document.activeElement !== select) {
      select.replaceChildren(...options.map(([value, label]) => el("option", { value, text: label })));
    }
    if (data.round) select.value = String(data.round.id);
    select.disabled = options.length === 0;
    draft.lang = data.lang;
    draft.text = data.empty ? "" : data.text;
    const box = $("statement-text");
    box.lang = data.lang;
    if (box.textContent !== data.text) box.textContent = data.text;
    $("statement-lang").textContent = s("statement_other", data.lang);
    $("statement-lang").hidden = !data.round;
    $("statement-copy").hidden = data.empty || Boolean(mainButton);
    $("statement-files").hidden = data.empty;
    syncControls();
  }

  // Copy through the clipboard where the client allows it; otherwise select the text,
  // so one tap on the client's own Copy does it.
  async function copyStatement() {
    if (!draft.text) return;
    try {
      if (!navigator.clipboard || !navigator.clipboard.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(draft.text);
      telegram.haptic("success");
      say(s("statement_copied"));
    } catch (error) {
      const range = document.createRange();
      range.selectNodeContents($("statement-text"));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      say(s("statement_selected"));
    }
  }

  // The register of their definitions: each term, round by round; a round whose word
  // differs from the round before is marked, as /define term marks it in the chat.
  // Updated term by term, so an opened "earlier in this round" stays open.
  const termRows = new Map(); // subject key -> { key, node }

  function saidLine(definition) {
    return el(
      "p",
      { class: "said" },
      definition.speaker ? el("strong", { text: `${definition.speaker}: ` }) : null,
      `«${definition.text}»`,
    );
  }

  function definitionMeta(definition) {
    return el("p", { class: "meta", text: s("definition_by", definition.by, when(definition.at)) });
  }

  function roundItem(shown) {
    const latest = shown.definitions[shown.definitions.length - 1];
    const earlier = shown.definitions.slice(0, -1);
    const change =
      shown.change === "changed"
        ? el("span", { class: "change changed", text: s("definition_changed") })
        : shown.change === "same"
          ? el("span", { class: "change", text: s("definition_same") })
          : null;
    return el(
      "li",
      { class: `term-round${shown.change === "changed" ? " changed" : ""}` },
      el("p", { class: "round-head" }, el("span", { text: s("definition_round", shown.round) }), change),
      saidLine(latest),
      definitionMeta(latest),
      earlier.length
        ? el(
            "details",
            {},
            el("summary", { text: s("definition_earlier", earlier.length) }),
            el("ul", { class: "earlier" }, earlier.map((item) => el("li", {}, saidLine(item), definitionMeta(item)))),
          )
        : null,
    );
  }

  // Under a term's card in a record: their definitions of it here, the latest per round.
  function cardDefinitions(card) {
    if (!card.definitions || !card.definitions.length) return null;
    return el(
      "div",
      { class: "card-definitions" },
      el("p", { class: "title", text: s("card_definitions") }),
      el(
        "ul",
        {},
        card.definitions.map((definition) =>
          el("li", {}, el("span", { class: "meta", text: `${s("definition_round", definition.round)}: ` }), saidLine(definition)),
        ),
      ),
    );
  }

  function termItem(term) {
    const last = term.rounds[term.rounds.length - 1];
    return el(
      "li",
      { class: "term", "data-key": term.key },
      el("h3", { text: term.term }),
      last.change === "changed" ? el("p", { class: "change changed", text: s("term_changed") }) : null,
      el("ol", { class: "rounds" }, term.rounds.map(roundItem)),
    );
  }

  function showDefinitions(data) {
    $("asked").hidden = data.asked.length === 0;
    $("asked-list").replaceChildren(
      ...data.asked.map((item) =>
        el(
          "li",
          {},
          el("strong", { text: item.term }),
          el("span", { class: "meta", text: ` · ${s("definition_round", item.round)} · ${s("asked_by", item.by, when(item.at))}` }),
        ),
      ),
    );
    $("definitions-empty").hidden = data.terms.length > 0 || data.asked.length > 0;
    $("new-definition").hidden = !data.can_add;
    const list = $("terms-list");
    const wanted = data.terms.map((term) => {
      const key = `${state.lang}|${JSON.stringify(term)}`;
      let row = termRows.get(term.key);
      if (!row || row.key !== key) {
        const node = termItem(term);
        if (row && row.node.isConnected) row.node.replaceWith(node);
        row = { key, node };
        termRows.set(term.key, row);
      }
      return row.node;
    });
    const keep = new Set(wanted);
    for (const child of [...list.children]) if (!keep.has(child)) child.remove();
    let cursor = list.firstChild;
    for (const node of wanted) {
      if (node === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(node, cursor);
    }
    const shown = new Set(data.terms.map((term) => term.key));
    for (const key of [...termRows.keys()]) if (!shown.has(key)) termRows.delete(key);
  }

  async function loadDefinitions() {
    showDefinitions(await api("api/definitions"));
  }

  function definitionReady() {
    return Boolean($("new-definition-term").value.trim() && $("new-definition-text").value.trim());
  }

  async function sendDefinition() {
    const fields = ["new-definition-term", "new-definition-speaker", "new-definition-text"].map($);
    const [term, speaker, text] = fields.map((input) => input.value.trim());
    if (!term || !text) return;
    try {
      const data = await api("api/definitions", { method: "POST", body: { term, speaker, text } });
      // Only what was sent is cleared: anything typed meanwhile stays.
      if (fields.every((input, index) => input.value.trim() === [term, speaker, text][index])) {
        for (const input of fields) input.value = "";
      }
      const recorded = data.terms.find((item) => item.key === data.recorded.key);
      telegram.haptic("success");
      say(s("definition_saved", recorded ? recorded.term : term, data.recorded.round));
      showDefinitions(data);
    } catch (error) {
      fail(error);
    }
  }

  async function sendAsk() {
    const input = $("new-definition-term");
    const term = input.value.trim();
    if (!term) {
      say(s("ask_needs_term"), { error: true });
      input.focus();
      return;
    }
    try {
      const data = await api("api/definitions/asked", { method: "POST", body: { term } });
      if (input.value.trim() === term) input.value = "";
      const asked = data.asked.find((item) => item.key === data.asked_now.key);
      telegram.haptic("success");
      say(s("ask_saved", asked ? asked.term : term));
      showDefinitions(data);
    } catch (error) {
      fail(error);
    }
  }

  // -- live updates -------------------------------------------------------------------

  async function poll() {
    if (document.hidden || state.stopped) return;
    try {
      const changed = await loadLog();
      if (changed && record.number !== null) {
        const number = record.number;
        const data = await api(`api/flags/${number}`);
        if (record.number === number) updateRecord(data);
      }
      if (changed) {
        state.me = await api("api/me");
        applyFacets(state.me);
      }
      if (state.view === "points") await loadPoints();
      if (state.view === "definitions") await loadDefinitions();
      // A verdict given meanwhile changes the draft; unchanged text is left as it is.
      if (state.view === "statement" && changed) await loadStatement();
    } catch (error) {
      // Lost connection is said, not buzzed, every 3 seconds.
      if (error.status === 0) say(s("offline"), { error: true });
      else fail(error);
    }
  }

  async function start() {
    applyStrings();
    $("title").textContent = s("title");
    applyTheme();
    $("stopped-close").addEventListener("click", closeApp);
    if (!initData || !chatToken) {
      stop(s("open_from_telegram"));
      // Outside Telegram there is nothing to close.
      $("stopped-close").hidden = !tg;
      return;
    }
    if (tg) {
      telegram.call("ready");
      telegram.call("expand");
      if (tg.onEvent) tg.onEvent("themeChanged", applyTheme);
      if (tg.BackButton && tg.BackButton.onClick) tg.BackButton.onClick(goBack);
      if (mainButton && mainButton.onClick) mainButton.onClick(runMainAction);
    }
    // Without Telegram's MainButton the composer's own button sends the flag; without
    // its BackButton the page's own leads back to the log.
    $("new-flag-send").hidden = Boolean(mainButton);
    $("new-point-send").hidden = Boolean(mainButton);
    $("new-definition-send").hidden = Boolean(mainButton);
    $("back").hidden = Boolean(tg && tg.BackButton);
    try {
      const me = await api("api/me");
      state.me = me;
      state.lang = me.lang;
      applyStrings();
      applyFacets(me);
      $("title").textContent = me.chat.title;
      $("exports").hidden = !me.admin;
      // Drafting is for chat admins, as /statement: the others do not see the view.
      $("tab-statement").hidden = !me.admin;
      $("views").hidden = false;
      showView("log");
      await loadLog({ force: true });
    } catch (error) {
      fail(error);
      return;
    }
    document.addEventListener("input", syncControls);
    $("new-flag").addEventListener("submit", (event) => {
      event.preventDefault();
      runMainActionFor(sendFlag);
    });
    let typing = null;
    $("f-q").addEventListener("input", () => {
      clearTimeout(typing);
      typing = setTimeout(refilter, 300);
    });
    for (const [, id] of SELECTS) $(id).addEventListener("change", refilter);
    $("filters").addEventListener("submit", (event) => {
      event.preventDefault();
      refilter();
    });
    $("filters-toggle").addEventListener("click", () => {
      const open = $("filters-more").hidden;
      $("filters-more").hidden = !open;
      $("filters-toggle").setAttribute("aria-expanded", String(open));
    });
    $("filters-clear").addEventListener("click", clearFilters);
    $("empty-clear").addEventListener("click", clearFilters);
    $("more").addEventListener("click", () => {
      state.loaded += PAGE;
      loadLog({ force: true }).catch(fail);
    });
    $("back").addEventListener("click", closeRecord);
    $("export-csv").addEventListener("click", () => download("csv"));
    $("export-md").addEventListener("click", () => download("md"));
    for (const tab of $("views").querySelectorAll("button")) {
      tab.addEventListener("click", () => showView(tab.dataset.view));
    }
    $("new-point").addEventListener("submit", (event) => {
      event.preventDefault();
      runMainActionFor(sendPoint);
    });
    $("new-definition").addEventListener("submit", (event) => {
      event.preventDefault();
      runMainActionFor(sendDefinition);
    });
    $("new-ask-send").addEventListener("click", () => runMainActionFor(sendAsk));
    $("statement-round").addEventListener("change", () => {
      draft.round = $("statement-round").value;
      loadStatement().catch(fail);
    });
    $("statement-lang").addEventListener("click", () => {
      draft.lang = draft.lang === "uk" ? "en" : "uk";
      loadStatement().catch(fail);
    });
    $("statement-copy").addEventListener("click", copyStatement);
    $("statement-md").addEventListener("click", () =>
      saveFile(`api/statement/file?${statementQuery({ format: "md" })}`, "statement.md"),
    );
    $("statement-docx").addEventListener("click", () =>
      saveFile(`api/statement/file?${statementQuery({ format: "docx" })}`, "statement.docx"),
    );
    state.polling = setInterval(poll, POLL_MS);
  }

  // The composer's own button, where there is no MainButton, runs the same action.
  async function runMainActionFor(action) {
    if (state.busy) return;
    state.busy = true;
    try {
      await action();
    } finally {
      state.busy = false;
      syncControls();
    }
  }

  start();
})();
