// The analysts' board. Every statement, name and note is put into the page with
// textContent, never as markup: statements are full of <, & and quotes.
"use strict";

(() => {
  const POLL_MS = 3000;
  const PAGE = 50;

  // Ukrainian count forms: 1, 21 позначка; 2-4, 22-24 позначки; 5-20, 25-30 позначок.
  function ukFlags(n) {
    const last = n % 10;
    const lastTwo = n % 100;
    if (last === 1 && lastTwo !== 11) return "позначка";
    if (last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14)) return "позначки";
    return "позначок";
  }

  const STRINGS = {
    en: {
      title: "Analysts' board",
      all_statuses: "All statuses",
      retracted: "Retracted",
      all_rounds: "All rounds",
      all_speakers: "All speakers",
      all_assignees: "All assignees",
      search: "Search statements, speakers, notes",
      count: (shown, total) =>
        shown === total ? `${total} ${total === 1 ? "flag" : "flags"}` : `${shown} of ${total} flags`,
      none: "No flags match these filters.",
      more: "Show more",
      back: "‹ Back to the log",
      round: "Round",
      speaker: "Speaker",
      link: "Message in the chat",
      verdict: "Verdict",
      verdict_note: "Note with the verdict (optional)",
      not_judge: "Only a chat admin, the flagger or the assignee may change the verdict.",
      note: "Add a note",
      note_save: "Save note",
      evidence: "Evidence link (https://…)",
      evidence_save: "Add evidence",
      assign: "Assign to (@username)",
      assign_save: "Assign",
      withdraw: "Why withdraw it (kept in its history)",
      withdraw_save: "Withdraw the flag",
      withdrawn: (n) => `#${n} withdrawn. It stays in the log, struck through.`,
      cards: "Playbook cards",
      saved: "Saved.",
      verdict_saved: (n, label) => `#${n}: ${label}. The group will be told.`,
      flag: "A statement heard at the table (Lavrov: …)",
      flag_save: "Flag it",
      flagged: (n) => `#${n} flagged. The group will see it.`,
      export_csv: "Export CSV",
      export_md: "Export Markdown",
      open_from_telegram:
        "Open this board from Telegram: tap “Open the analysts' board” under /board in your team chat.",
      e401: "Telegram could not confirm who you are. Close the board and open it again from the chat.",
      e403: "You are not a member of this chat, so its log is not shown.",
      offline: "No connection to the bot. Trying again…",
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
      all_speakers: "Усі промовці",
      all_assignees: "Усі виконавці",
      search: "Пошук у заявах, промовцях, примітках",
      count: (shown, total) => (shown === total ? `${total} ${ukFlags(total)}` : `${shown} з ${total}`),
      none: "Немає позначок за цими фільтрами.",
      more: "Показати ще",
      back: "‹ Назад до журналу",
      round: "Раунд",
      speaker: "Промовець",
      link: "Повідомлення в чаті",
      verdict: "Вердикт",
      verdict_note: "Примітка до вердикту (необов’язково)",
      not_judge: "Змінити вердикт може адміністратор чату, автор позначки або призначений аналітик.",
      note: "Додати примітку",
      note_save: "Зберегти примітку",
      evidence: "Посилання на доказ (https://…)",
      evidence_save: "Додати доказ",
      assign: "Призначити (@username)",
      assign_save: "Призначити",
      withdraw: "Чому відкликати (залишиться в історії)",
      withdraw_save: "Відкликати позначку",
      withdrawn: (n) => `#${n} відкликано. Вона лишається в журналі, закреслена.`,
      cards: "Картки порадника",
      saved: "Збережено.",
      verdict_saved: (n, label) => `#${n}: ${label}. Групі буде повідомлено.`,
      flag: "Заява, почута за столом (Лавров: …)",
      flag_save: "Позначити",
      flagged: (n) => `#${n} позначено. Група це побачить.`,
      export_csv: "Експорт CSV",
      export_md: "Експорт Markdown",
      open_from_telegram:
        "Відкрийте дошку з Telegram: кнопка «Відкрити дошку аналітиків» під /board у чаті команди.",
      e401: "Telegram не підтвердив, хто ви. Закрийте дошку й відкрийте її знову з чату.",
      e403: "Ви не учасник цього чату, тож його журнал не показано.",
      offline: "Немає зв’язку з ботом. Повторюю спробу…",
      action_created: "позначено",
      action_status: "вердикт",
      action_assign: "призначено",
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
    .startsWith("uk")
    ? "uk"
    : "en";

  const state = {
    lang: guessLang,
    me: null,
    version: null,
    loaded: PAGE,
    total: 0,
    open: null, // the flag number whose record is shown
    polling: null,
    firstRender: false,
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

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
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
      throw new ApiError(0, "offline", s("offline"));
    }
    if (options.raw && response.ok) return response;
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      const message = (data && data.message) || response.statusText;
      throw new ApiError(response.status, (data && data.error) || "http", message);
    }
    return data;
  }

  let messageTimer = null;
  function say(text, { error = false, sticky = false } = {}) {
    const box = $("message");
    box.textContent = text;
    box.className = `message${error ? " error" : ""}${sticky ? " sticky" : ""}`;
    box.hidden = false;
    clearTimeout(messageTimer);
    if (!sticky) messageTimer = setTimeout(() => (box.hidden = true), 3500);
  }

  // 401 and 403 stop the board: nothing will work until it is reopened from the chat.
  function fail(error) {
    if (error.status === 401) stop(`${s("e401")} (${error.message})`);
    else if (error.status === 403) stop(`${s("e403")} (${error.message})`);
    else say(error.status === 0 ? s("offline") : error.message, { error: true });
  }

  function stop(text) {
    clearInterval(state.polling);
    $("board").hidden = true;
    $("record").hidden = true;
    say(text, { error: true, sticky: true });
  }

  function statusInfo(id) {
    const found = state.me && state.me.statuses.find((item) => item.id === id);
    return found || { id, label: id, icon: "•" };
  }

  function fillSelect(select, first, options) {
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "", text: first }));
    for (const [value, label] of options) select.append(el("option", { value, text: label }));
    if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
  }

  function applyStrings() {
    document.documentElement.lang = state.lang;
    $("title").textContent = s("title");
    $("f-q").placeholder = s("search");
    $("f-q").setAttribute("aria-label", s("search"));
    $("more").textContent = s("more");
    $("back").textContent = s("back");
    $("export-csv").textContent = s("export_csv");
    $("export-md").textContent = s("export_md");
  }

  function applyFacets(me) {
    fillSelect($("f-status"), s("all_statuses"), [
      ...me.statuses.map((item) => [item.id, `${item.icon} ${item.label}`]),
      ["retracted", `↩️ ${s("retracted")}`],
    ]);
    fillSelect($("f-round"), s("all_rounds"), me.rounds.map((name) => [name, name]));
    fillSelect($("f-speaker"), s("all_speakers"), me.speakers.map((name) => [name, name]));
    fillSelect($("f-assignee"), s("all_assignees"), me.assignees.map((name) => [name, name]));
    for (const id of ["f-status", "f-round", "f-speaker", "f-assignee"]) {
      $(id).setAttribute("aria-label", $(id).options[0].textContent);
    }
  }

  function filters() {
    const params = new URLSearchParams();
    for (const [name, id] of [
      ["q", "f-q"],
      ["status", "f-status"],
      ["round", "f-round"],
      ["speaker", "f-speaker"],
      ["assignee", "f-assignee"],
    ]) {
      const value = $(id).value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function flagItem(flag) {
    const status = statusInfo(flag.status);
    const label = flag.retracted ? `↩️ ${s("retracted")}` : `${status.icon} ${status.label}`;
    return el(
      "li",
      {
        class: `flag${flag.retracted ? " retracted" : ""}`,
        "data-number": flag.number,
        tabindex: 0,
        onclick: () => openRecord(flag.number),
        onkeydown: (event) => event.key === "Enter" && openRecord(flag.number),
      },
      el(
        "div",
        { class: "head" },
        el("span", { class: "number", text: `#${flag.number}` }),
        flag.round ? el("span", { text: flag.round }) : null,
        flag.assignee ? el("span", { text: `→ ${flag.assignee}` }) : null,
        el("span", { class: `status status-${flag.status}`, text: label }),
      ),
      el(
        "p",
        { class: "text" },
        flag.speaker ? el("span", { class: "speaker", text: `${flag.speaker}: ` }) : null,
        flag.text,
      ),
    );
  }

  async function loadLog({ force = false } = {}) {
    const params = filters();
    params.set("limit", String(state.loaded));
    if (!force && state.version) params.set("version", state.version);
    const data = await api(`api/flags?${params}`);
    if (data.unchanged) return false;
    state.version = data.version;
    state.total = data.total;
    $("flags").replaceChildren(...data.items.map(flagItem));
    if (!data.items.length) $("flags").append(el("li", { class: "muted", text: s("none") }));
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
    loadLog({ force: true }).catch(fail);
  }

  // -- one flag's record ---------------------------------------------------------------

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

  function detail(term, value, node) {
    if (!value && !node) return [];
    return [el("dt", { text: term }), el("dd", {}, node || value)];
  }

  function form(placeholder, button, send, { type = "text", multiline = false } = {}) {
    const input = multiline
      ? el("textarea", { rows: 2, placeholder, "aria-label": placeholder })
      : el("input", { type, placeholder, "aria-label": placeholder });
    const submit = el("button", { type: "submit", text: button });
    return el(
      "form",
      {
        class: "form",
        onsubmit: async (event) => {
          event.preventDefault();
          if (!input.value.trim()) return;
          submit.disabled = true;
          try {
            await send(input.value.trim());
            input.value = "";
          } catch (error) {
            fail(error);
          } finally {
            submit.disabled = false;
          }
        },
      },
      input,
      submit,
    );
  }

  // What an event changed to; a note event's new value is every note so far, not shown.
  function historyValue(event) {
    if (!event.new || event.action === "note" || event.action === "retract") return "";
    const shown = ["status", "created"].includes(event.action) ? statusInfo(event.new).label : event.new;
    return ` → ${shown}`;
  }

  function renderRecord(record) {
    const flag = record.flag;
    const fields = state.me.fields;
    const status = statusInfo(flag.status);
    const heading = el("h2", {
      text: `#${flag.number} · ${flag.retracted ? `↩️ ${fields.flag_retracted}` : `${status.icon} ${status.label}`}`,
    });
    const details = el(
      "dl",
      { class: "details" },
      detail(s("speaker"), flag.speaker),
      detail(fields.flag_by, `${flag.flagged_by}, ${when(flag.created_at)}`),
      detail(s("round"), flag.round),
      detail(fields.flag_assignee, flag.assignee),
      detail(fields.flag_note, flag.note),
      detail(fields.flag_retracted, flag.retract_reason),
      flag.link
        ? detail(s("link"), null, el("a", { href: flag.link, target: "_blank", rel: "noopener", text: flag.link }))
        : [],
    );
    const verdictNote = el("input", { type: "text", placeholder: s("verdict_note"), "aria-label": s("verdict_note") });
    const verdicts = record.can_judge
      ? [
          el("h3", { text: s("verdict") }),
          el(
            "div",
            { class: "verdicts" },
            state.me.statuses.map((item) =>
              el("button", {
                type: "button",
                class: item.id === flag.status ? "current" : null,
                "data-status": item.id,
                text: `${item.icon} ${item.label}`,
                onclick: async (event) => {
                  event.target.disabled = true;
                  try {
                    const updated = await api(`api/flags/${flag.number}/verdict`, {
                      method: "POST",
                      body: { status: item.id, note: verdictNote.value.trim() },
                    });
                    renderRecord(updated);
                    say(s("verdict_saved", flag.number, item.label));
                    loadLog({ force: true }).catch(fail);
                  } catch (error) {
                    fail(error);
                    event.target.disabled = false;
                  }
                },
              }),
            ),
          ),
          verdictNote,
        ]
      : [el("p", { class: "muted", text: s("not_judge") })];
    const post = (path, body) =>
      api(`api/flags/${flag.number}/${path}`, { method: "POST", body }).then((updated) => {
        renderRecord(updated);
        say(s("saved"));
        loadLog({ force: true }).catch(fail);
      });
    // Assigning and withdrawing are the flagger's or a chat admin's, as in the chat.
    const withdraw = (reason) =>
      api(`api/flags/${flag.number}/withdraw`, { method: "POST", body: { reason } }).then((updated) => {
        renderRecord(updated);
        say(s("withdrawn", flag.number));
        loadLog({ force: true }).catch(fail);
      });
    const changes = record.can_change
      ? [
          form(s("assign"), s("assign_save"), (assignee) => post("assignee", { assignee })),
          ...(flag.retracted ? [] : [form(s("withdraw"), s("withdraw_save"), withdraw)]),
        ]
      : [];
    const history = el(
      "ul",
      { class: "history" },
      record.history.map((event) =>
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
    const cards = record.cards.length
      ? [
          el("h3", { text: s("cards") }),
          el(
            "ul",
            { class: "cards" },
            record.cards.map((card) =>
              el("li", {}, el("strong", { text: `${card.icon} ${card.title}` }), el("p", { class: "summary", text: card.summary })),
            ),
          ),
        ]
      : [];
    $("record-body").replaceChildren(
      heading,
      el("blockquote", { class: "statement", text: flag.text }),
      details,
      ...verdicts,
      form(s("note"), s("note_save"), (note) => post("note", { note }), { multiline: true }),
      form(s("evidence"), s("evidence_save"), (url) => post("evidence", { url }), { type: "url" }),
      ...changes,
      ...cards,
      el("h3", { text: fields.flag_history }),
      history,
    );
  }

  async function openRecord(number) {
    try {
      const record = await api(`api/flags/${number}`);
      state.open = number;
      renderRecord(record);
      $("board").hidden = true;
      $("record").hidden = false;
      window.scrollTo(0, 0);
      if (tg && tg.BackButton) tg.BackButton.show();
    } catch (error) {
      fail(error);
    }
  }

  function closeRecord() {
    state.open = null;
    $("record").hidden = true;
    $("board").hidden = false;
    if (tg && tg.BackButton) tg.BackButton.hide();
  }

  async function download(kind) {
    try {
      const round = $("f-round").value;
      const query = new URLSearchParams({ format: kind });
      if (round) query.set("round", round);
      const response = await api(`api/export?${query}`, { raw: true });
      const blob = await response.blob();
      const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const link = el("a", { href: URL.createObjectURL(blob), download: match ? match[1] : `flags.${kind}` });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (error) {
      fail(error);
    }
  }

  // -- live updates -------------------------------------------------------------------

  async function poll() {
    if (document.hidden) return;
    try {
      const changed = await loadLog();
      if (changed && state.open !== null) {
        renderRecord(await api(`api/flags/${state.open}`));
      }
      if (changed) {
        const me = await api("api/me");
        state.me = me;
        applyFacets(me);
      }
    } catch (error) {
      fail(error);
    }
  }

  async function start() {
    applyStrings();
    if (!initData || !chatToken) {
      stop(s("open_from_telegram"));
      return;
    }
    if (tg) {
      tg.ready();
      if (tg.expand) tg.expand();
      if (tg.BackButton && tg.BackButton.onClick) tg.BackButton.onClick(closeRecord);
    }
    try {
      const me = await api("api/me");
      state.me = me;
      state.lang = me.lang;
      applyStrings();
      applyFacets(me);
      $("subtitle").textContent = me.chat.title;
      $("exports").hidden = !me.admin;
      // Any member may flag, as with /flag in the chat; the group is told by the bot.
      $("new-flag").replaceChildren(
        form(
          s("flag"),
          s("flag_save"),
          async (text) => {
            const record = await api("api/flags", { method: "POST", body: { text } });
            say(s("flagged", record.flag.number));
            await loadLog({ force: true });
          },
          { multiline: true },
        ),
      );
      $("board").hidden = false;
      await loadLog({ force: true });
    } catch (error) {
      fail(error);
      return;
    }
    let typing = null;
    $("f-q").addEventListener("input", () => {
      clearTimeout(typing);
      typing = setTimeout(refilter, 300);
    });
    for (const id of ["f-status", "f-round", "f-speaker", "f-assignee"]) {
      $(id).addEventListener("change", refilter);
    }
    $("filters").addEventListener("submit", (event) => {
      event.preventDefault();
      refilter();
    });
    $("more").addEventListener("click", () => {
      state.loaded += PAGE;
      loadLog({ force: true }).catch(fail);
    });
    $("back").addEventListener("click", closeRecord);
    $("export-csv").addEventListener("click", () => download("csv"));
    $("export-md").addEventListener("click", () => download("md"));
    state.polling = setInterval(poll, POLL_MS);
  }

  start();
})();
