"""The board in a real browser: headless Chromium from the Debian packages, driven by
Playwright (which downloads no browser of its own here).

Telegram's telegram-web-app.js is replaced by a stub that hands the page initData
signed as Telegram signs it; every other request off 127.0.0.1 is refused, so the
test never reaches the internet. The bot runs in the test's own event loop against
the fake Bot API, so what the page changes is checked in the store and in what the
group is told.

The page's accessibility is checked with axe-core, pinned in tests/package.json and
installed by ``make test`` (``npm ci --prefix tests``).

Marked ``browser``. Without /usr/bin/chromium the module is skipped with the reason,
unless ``PLAYBOOK_BROWSER_REQUIRED`` is set (``.ci/run`` sets it after installing
Chromium): then a missing browser fails the run instead of hiding the test.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.services import Library
from bot.web.auth import chat_token
from tests.support.board_client import init_data
from tests.support.board_setup import (
    CHAT_ADMIN,
    FLAGGER,
    GROUP,
    OTHER_BOT_TOKEN,
    Board,
    running_board,
)
from tests.support.fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.browser

REQUIRED = "PLAYBOOK_BROWSER_REQUIRED"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying Google's hosts, and
# a closed network refuses each attempt.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
WAIT_MS = 10_000
FIRST_RENDER_BUDGET_MS = 1000.0
HOSTILE = (
    'Lavrov: <b>NATO</b> & "partners" <img src=x onerror="window.pwned=1"> '
    "<script>window.pwned=2</script>"
)
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Telegram's own theme parameters: the iOS client's day theme and the night theme.
# Their hint and destructive colours read below 4.5:1 as they are; the page must cope.
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#999999",
        "link_color": "#2481cc",
        "button_color": "#2481cc",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#efeff3",
        "destructive_text_color": "#ff3b30",
    },
    "dark": {
        "bg_color": "#17212b",
        "text_color": "#f5f5f5",
        "hint_color": "#708499",
        "link_color": "#6ab3f3",
        "button_color": "#5288c1",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c",
        "destructive_text_color": "#ec3942",
    },
}
# Chromium's own console line for a request the bot refused with 400, which a test
# provokes on purpose; anything else in the console is the page's fault.
REFUSED_400 = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
# Where screenshots go besides the test's own folder, for a person to look at.
SCREENSHOTS = os.environ.get("PLAYBOOK_SCREENSHOTS")


def _chromium_or_skip() -> None:
    problem = None
    if not Path(CHROMIUM).exists():
        problem = f"no {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            problem = "Playwright is not installed (pip install -e '.[dev]')"
    if problem is None:
        return
    if os.environ.get(REQUIRED):
        pytest.fail(f"{problem}, though {REQUIRED} is set (.ci/run installs Chromium)")
    pytest.skip(problem)


def telegram_stub(init: str, user: dict[str, Any], start_param: str, theme: str = "dark") -> str:
    """Telegram.WebApp as the page uses it: initData, the user, the theme, and the
    controls, each recording what the page asked of it in ``window.tgTest``."""
    unsafe = {"user": user, "start_param": start_param}
    params = THEMES[theme]
    return f"""
        (() => {{
          const params = {json.dumps(params)};
          for (const [name, value] of Object.entries(params)) {{
            const variable = "--tg-theme-" + name.replaceAll("_", "-");
            document.documentElement.style.setProperty(variable, value);
          }}
          const calls = [];
          const note = (name) => (...args) => {{ calls.push([name, ...args]); }};
          const test = {{
            calls,
            confirms: [],
            confirmAnswer: true,
            closingConfirmation: false,
            mainHandlers: [],
            backHandlers: [],
            clickMain() {{ test.mainHandlers.forEach((handler) => handler()); }},
            clickBack() {{ test.backHandlers.forEach((handler) => handler()); }},
          }};
          window.tgTest = test;
          window.Telegram = {{ WebApp: {{
            initData: {json.dumps(init)},
            initDataUnsafe: {json.dumps(unsafe)},
            version: "8.0",
            colorScheme: {json.dumps(theme)},
            themeParams: params,
            ready() {{ window.telegramReady = true; }},
            expand() {{}},
            close: note("close"),
            onEvent: note("onEvent"),
            setHeaderColor: note("setHeaderColor"),
            setBackgroundColor: note("setBackgroundColor"),
            openLink: note("openLink"),
            openTelegramLink: note("openTelegramLink"),
            enableClosingConfirmation() {{ test.closingConfirmation = true; }},
            disableClosingConfirmation() {{ test.closingConfirmation = false; }},
            showConfirm(message, callback) {{
              test.confirms.push(message);
              setTimeout(() => callback(test.confirmAnswer), 0);
            }},
            HapticFeedback: {{
              notificationOccurred: note("notificationOccurred"),
              impactOccurred: note("impactOccurred"),
              selectionChanged: note("selectionChanged"),
            }},
            MainButton: {{
              text: "",
              isVisible: false,
              setText(text) {{ this.text = text; }},
              show() {{ this.isVisible = true; }},
              hide() {{ this.isVisible = false; }},
              onClick(handler) {{ test.mainHandlers.push(handler); }},
              showProgress() {{}},
              hideProgress() {{}},
            }},
            BackButton: {{
              isVisible: false,
              show() {{ this.isVisible = true; }},
              hide() {{ this.isVisible = false; }},
              onClick(handler) {{ test.backHandlers.push(handler); }},
            }},
          }} }};
        }})();
    """


@pytest.fixture
async def board(api: FakeBotAPI, tmp_path: Path, library: Library) -> AsyncIterator[Board]:
    _chromium_or_skip()
    async with running_board(api, tmp_path, library) as running:
        yield running


@pytest.fixture
async def browser(board: Board) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def open_tab(
    board: Board,
    browser: Any,
    who: str = "chat_admin",
    *,
    theme: str = "dark",
    signed_by: str | None = None,
    bypass_csp: bool = False,
) -> Any:
    """A phone-sized tab in Telegram as ``who``; ``signed_by`` another bot's token makes
    initData Telegram's but not for this bot (the board must refuse it)."""
    from playwright.async_api import Route

    person = board.people[who]
    init = init_data(signed_by or board.token, person)
    stub = telegram_stub(init, person, chat_token(GROUP, board.token), theme)

    async def network(route: Route) -> None:
        url = route.request.url
        if url == TELEGRAM_SCRIPT:
            await route.fulfill(status=200, content_type="text/javascript", body=stub)
        elif url.startswith(board.client.base_url):
            await route.continue_()
        else:
            await route.abort()

    context = await browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        color_scheme="dark" if theme == "dark" else "light",
        bypass_csp=bypass_csp,
    )
    await context.route("**/*", network)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.problems = problems  # type: ignore[attr-defined]
    return page


@pytest.fixture
async def phone(board: Board, browser: Any, request: pytest.FixtureRequest) -> Any:
    """A phone-sized Chromium tab, in Telegram as the chat's admin (or as the person
    named by indirect parametrization)."""
    return await open_tab(board, browser, getattr(request, "param", "chat_admin"))


async def opened(page: Any, board: Board) -> None:
    await page.goto(board.client.base_url + "/")
    await page.wait_for_selector("body[data-ready='1']", timeout=WAIT_MS)


async def eventually(page: Any, expression: str, wanted: Callable[[Any], bool]) -> Any:
    """``expression``'s value in the page once ``wanted`` holds (Playwright for Python
    has no expect.poll; wait_for_function is the eval the CSP forbids)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        value = await page.evaluate(expression)
        if wanted(value) or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.05)


async def telegram(page: Any, expression: str) -> Any:
    """What the page asked of the Telegram stub (``tgTest`` or ``Telegram.WebApp``)."""
    return await page.evaluate(expression)


async def screenshot(page: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    png: bytes = await page.screenshot(path=str(path))
    if SCREENSHOTS:
        # Playwright makes the folder if needed.
        await page.screenshot(path=str(Path(SCREENSHOTS) / path.name))
    # PNG's IHDR: width and height, big-endian, at bytes 16-24.
    size = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert size == (PHONE["width"] * 2, PHONE["height"] * 2), size
    return path


async def numbers_shown(page: Any) -> list[int]:
    values = await page.locator("#flags li.flag").evaluate_all(
        "items => items.map(item => Number(item.dataset.number))"
    )
    return list(values)


async def fully_visible_flags(page: Any) -> list[int]:
    """The log's cards that lie whole inside the viewport."""
    values = await page.locator("#flags li.flag").evaluate_all(
        """items => items
            .filter(item => {
              const box = item.getBoundingClientRect();
              return box.top >= 0 && box.bottom <= window.innerHeight;
            })
            .map(item => Number(item.dataset.number))"""
    )
    return list(values)


async def small_targets(page: Any) -> list[str]:
    """Every visible control shorter or narrower than 44 CSS pixels."""
    found = await page.locator(
        "button:visible, input:visible, select:visible, textarea:visible, li.flag:visible"
    ).evaluate_all(
        """nodes => nodes
            .map(node => [node, node.getBoundingClientRect()])
            .filter(([, box]) => box.height < 44 || box.width < 44)
            .map(([node, box]) =>
              `${node.tagName} ${node.id || node.textContent.trim().slice(0, 30)}: `
              + `${box.width.toFixed(0)}x${box.height.toFixed(0)}`)"""
    )
    return list(found)


def _axe_or_skip() -> None:
    if AXE.exists():
        return
    problem = f"no {AXE.relative_to(Path.cwd()) if AXE.is_relative_to(Path.cwd()) else AXE}"
    advice = "run `make test`, or `npm ci --prefix tests`"
    if os.environ.get(REQUIRED):
        pytest.fail(f"{problem} ({advice}), though {REQUIRED} is set")
    pytest.skip(f"{problem}: {advice}")


async def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    # add_script_tag puts axe in as an inline script, which the board's CSP forbids (as
    # it should): the tabs that run axe are opened with bypass_csp, and only those.
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(
            f"{node['target']} {node.get('failureSummary', '')}".replace("\n", " ")
            for node in violation["nodes"][:4]
        )
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


STATEMENTS = [
    "Lavrov: we must first eliminate the root causes of the conflict",
    "Peskov: the grain deal is dead because of Kyiv",
    "Medinsky: the grain corridor was never blocked",
    "Zakharova: NATO promised not to expand one inch to the east",
    "Lavrov: the referendums expressed the free will of the people",
    "Peskov: sanctions have had no effect on our economy",
    "Medinsky: Ukraine walked away from the Istanbul agreement in 2022",
    "Lavrov: " + "the West has been preparing this for years, " * 90,
    "Zakharova: the strike hit only military targets",
    "Peskov: we have never targeted civilian infrastructure",
    "Medinsky: the memorandum was agreed by both delegations",
    "Lavrov: there can be no talks while Kyiv bans them by decree",
]


async def test_an_analyst_filters_the_log_gives_a_verdict_and_the_group_hears_it(
    board: Board, phone: Any, tmp_path: Path
) -> None:
    from playwright.async_api import expect

    bot, people = board.bot, board.people
    await bot.say(GROUP, people["chat_admin"], "/round start Istanbul")
    await board.flag("flagger", HOSTILE)
    await board.flag("flagger", "Peskov: the grain deal is dead because of Kyiv")
    await board.flag("bystander", "Lavrov: we must first eliminate the root causes")
    await board.flag("flagger", "Medinsky: the grain corridor was never blocked")
    await bot.quiet()
    page = phone

    started = time.monotonic()
    await opened(page, board)
    first_render_ms = await page.evaluate("window.boardFirstRenderMs")
    wall_ms = (time.monotonic() - started) * 1000
    print(f"first render {first_render_ms:.0f} ms after navigation start ({wall_ms:.0f} ms wall)")
    assert first_render_ms <= FIRST_RENDER_BUDGET_MS
    assert await page.evaluate("window.telegramReady") is True
    # Telegram's header names the app; the page names the chat.
    assert await page.text_content("#title") == "Delegation"
    assert await page.title() == "Analysts' board"
    assert await numbers_shown(page) == [4, 3, 2, 1]
    assert await page.text_content("#count") == "4 flags"
    # Telegram's header and background in the theme's own colour.
    calls = await telegram(page, "tgTest.calls")
    assert ["setHeaderColor", "bg_color"] in calls
    assert ["setBackgroundColor", THEMES["dark"]["bg_color"]] in calls

    # The statement full of markup reads exactly as it was said, and runs nothing.
    hostile = page.locator("#flags li.flag[data-number='1'] .text")
    assert await hostile.inner_text() == HOSTILE
    assert await hostile.locator("b, img, script").count() == 0
    assert await page.evaluate("window.pwned") is None

    # Filters: words through the full-text index, then a speaker on top, from the
    # folded row; what is on is said under it.
    # (Waits use expect(), not wait_for_function: the page's CSP forbids the eval
    # that wait_for_function polls with, which is the policy working.)
    assert await page.is_hidden("#f-speaker")
    await page.fill("#f-q", "grain")
    await expect(page.locator("#flags li.flag")).to_have_count(2, timeout=WAIT_MS)
    assert await numbers_shown(page) == [4, 2]
    await page.click("#filters-toggle")
    await page.select_option("#f-speaker", "Peskov")
    await expect(page.locator("#flags li.flag")).to_have_count(1, timeout=WAIT_MS)
    assert await numbers_shown(page) == [2]
    assert await page.text_content("#count") == "1 flag"
    assert await page.text_content("#filters-summary") == "“grain” · Peskov"
    assert await page.text_content("#filters-toggle") == "Filters · 1"

    # The record: the verdict is a state, not a button among buttons.
    await page.click("#flags li.flag[data-number='2']")
    await page.wait_for_selector("#record:not([hidden])", timeout=WAIT_MS)
    assert "the grain deal is dead" in (await page.text_content("#record-body .statement") or "")
    assert (await page.text_content("#record-body .state") or "").endswith("Open")
    choices = page.locator("#record-body .verdicts button")
    assert await choices.evaluate_all("buttons => buttons.map(b => b.dataset.status)") == [
        "verified",
        "false",
        "misleading",
        "unverifiable",
    ]
    assert await telegram(page, "Telegram.WebApp.BackButton.isVisible") is True
    assert await page.is_hidden("#back")  # Telegram's own is the way back

    # A verdict tells the group, so it asks first; declined, nothing changes.
    mark = bot.api.mark()
    await page.evaluate("tgTest.confirmAnswer = false")
    await page.click("#record-body .verdicts button[data-status='false']")
    assert await eventually(page, "tgTest.confirms.length", lambda n: n == 1) == 1
    await asyncio.sleep(0.5)  # time enough for a verdict to be sent, were it sent
    assert await page.text_content("#record-body .state") == "🟡 Open"
    flag = await board.store.get_flag(GROUP, 2)
    assert flag.status == "open"

    await page.evaluate("tgTest.confirmAnswer = true")
    await page.get_by_label("Note with the verdict (optional)").fill(
        "Turkish MFA transcript, 17 July"
    )
    await page.click("#record-body .verdicts button[data-status='false']")
    await expect(page.locator("#record-body .state")).to_have_text("❌ False", timeout=WAIT_MS)
    confirms = await telegram(page, "tgTest.confirms")
    assert confirms == ["Mark #2 as “False”? The group will be told."] * 2
    assert await page.locator("#record-body .verdicts button[data-status='false']").count() == 0
    assert ["notificationOccurred", "success"] in await telegram(page, "tgTest.calls")

    flag = await board.store.get_flag(GROUP, 2)
    assert flag.status == "false"
    history = await board.store.history(GROUP, 2)
    assert (history[-1].action, history[-1].by_id, history[-1].note) == (
        "status",
        CHAT_ADMIN,
        "Turkish MFA transcript, 17 July",
    )
    await bot.quiet()
    told = [message["text"] for message in bot.api.replies_to(GROUP, after_index=mark)]
    assert any("Verdict for #2: <b>False</b>\nVerdict by: Oksana" in text for text in told), told
    assert sum("Verdict for" in text for text in told) == 1, told

    # Telegram's back button leaves the record.
    await page.evaluate("tgTest.clickBack()")
    await expect(page.locator("#board")).to_be_visible()
    assert await telegram(page, "Telegram.WebApp.BackButton.isVisible") is False
    assert page.problems == []  # type: ignore[attr-defined]


async def test_a_note_being_typed_survives_the_refresh_and_saves_from_the_main_button(
    board: Board, phone: Any
) -> None:
    """The 3-second refresh once wiped a half-typed note and closed the keyboard."""
    from playwright.async_api import expect

    await board.flag("flagger", "Peskov: the grain deal is dead because of Kyiv")
    page = phone
    await opened(page, board)
    await page.click("#flags li.flag[data-number='1']")
    note = page.get_by_label("Add a note")
    draft = "Checked against the Turkish MFA transcript: the deal lapsed on 1"
    await note.click()
    await note.type(draft)
    assert await telegram(page, "Telegram.WebApp.MainButton.isVisible") is True
    assert await telegram(page, "Telegram.WebApp.MainButton.text") == "Save note"
    assert await telegram(page, "tgTest.closingConfirmation") is True

    # While it is typed: a new flag arrives and this flag gets a verdict in the chat.
    await board.flag("bystander", "Lavrov: a statement made while the note is typed")
    await board.bot.say(GROUP, board.people["flagger"], "/verify 1 misleading")
    await expect(page.locator("#record-body .state")).to_have_text("⚠️ Misleading", timeout=WAIT_MS)
    await expect(page.locator("#flags li.flag[data-number='2']")).to_have_count(1)
    assert await note.input_value() == draft
    assert await note.evaluate("field => document.activeElement === field")
    await note.type("7 July.")

    await page.evaluate("tgTest.clickMain()")
    await expect(page.locator("#message")).to_have_text("Saved.", timeout=WAIT_MS)
    assert await note.input_value() == ""
    assert await telegram(page, "Telegram.WebApp.MainButton.isVisible") is False
    assert await telegram(page, "tgTest.closingConfirmation") is False
    # The note carries its author and time.
    saved = page.locator("#record-body .notes li").last
    await expect(saved.locator(".body")).to_have_text(draft + "7 July.")
    assert (await saved.locator(".meta").inner_text()).startswith("Oksana · ")
    history = await board.store.history(GROUP, 1)
    assert history[-1].action == "note" and history[-1].note == draft + "7 July."
    assert page.problems == []  # type: ignore[attr-defined]


async def test_the_log_keeps_its_scroll_and_a_draft_flag_while_flags_arrive(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    for statement in STATEMENTS:
        await board.flag("flagger", statement)
    page = phone
    await opened(page, board)
    composer = page.get_by_label("A statement heard at the table (Lavrov: …)")
    await composer.click()
    await composer.type("Peskov: the talks")
    await page.mouse.wheel(0, 400)
    assert await eventually(page, "window.scrollY", lambda y: y > 300) > 300
    before = await fully_visible_flags(page)
    await board.flag("bystander", "Lavrov: a statement flagged while the log is read")
    await expect(page.locator("#flags li.flag").first).to_have_attribute(
        "data-number", str(len(STATEMENTS) + 1), timeout=WAIT_MS
    )
    # The cards read before are where they were; the draft and its focus are kept.
    assert await fully_visible_flags(page) == before
    assert await composer.input_value() == "Peskov: the talks"
    assert await composer.evaluate("field => document.activeElement === field")
    assert await telegram(page, "tgTest.closingConfirmation") is True
    assert page.problems == []  # type: ignore[attr-defined]


async def test_eight_flags_fit_a_phone_screen_and_a_long_statement_is_cut(
    board: Board, phone: Any, tmp_path: Path
) -> None:
    from playwright.async_api import expect

    for statement in STATEMENTS:
        await board.flag("flagger", statement)
    page = phone
    await opened(page, board)
    visible = await fully_visible_flags(page)
    print(f"flags wholly visible on a 390x844 screen: {len(visible)}")
    assert len(visible) >= 8, visible
    # The 4,000-character statement is two lines in the log.
    long_card = page.locator("#flags li.flag[data-number='8']")
    assert (await long_card.bounding_box())["height"] < 90
    assert await small_targets(page) == []

    await long_card.click()
    statement = page.locator("#record-body .statement")
    assert (await statement.bounding_box())["height"] < 250
    more = page.get_by_role("button", name="Read all")
    await more.click()
    assert (await statement.bounding_box())["height"] > 1000
    await expect(page.get_by_role("button", name="Show less")).to_be_visible()
    assert await small_targets(page) == []
    assert page.problems == []  # type: ignore[attr-defined]


async def test_a_slow_answer_to_an_older_search_does_not_replace_the_newer_one(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import Route, expect

    await board.flag("flagger", "Peskov: the grain deal is dead because of Kyiv")
    await board.flag("bystander", "Medinsky: the grain corridor was never blocked")
    page = phone
    await opened(page, board)

    async def slowly(route: Route) -> None:
        await asyncio.sleep(1.5)
        await route.continue_()

    # The words alone come back last, after the words and the speaker.
    await page.route(lambda url: "q=grain" in url and "speaker=" not in url, slowly)
    await page.fill("#f-q", "grain")
    await asyncio.sleep(0.5)  # past the search's 300 ms pause: its request is out
    await page.click("#filters-toggle")
    await page.select_option("#f-speaker", "Peskov")
    await expect(page.locator("#flags li.flag")).to_have_count(1, timeout=WAIT_MS)
    await asyncio.sleep(2.0)  # the slow answer has arrived by now
    assert await numbers_shown(page) == [1]
    assert await page.text_content("#filters-summary") == "“grain” · Peskov"


async def test_a_flag_made_in_the_chat_appears_on_the_open_board_within_seconds(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    await board.flag("flagger", "Lavrov: the first statement")
    page = phone
    await opened(page, board)
    assert await numbers_shown(page) == [1]
    await board.flag("bystander", "Peskov: a statement made while the board is open")
    started = time.monotonic()
    await page.wait_for_selector("#flags li.flag[data-number='2']", timeout=WAIT_MS)
    assert time.monotonic() - started < 6.0
    await board.bot.say(GROUP, board.people["flagger"], "/verify 1 verified")
    await expect(page.locator("#flags li.flag[data-number='1'] .status")).to_have_class(
        re.compile(r"\bstatus-verified\b"), timeout=WAIT_MS
    )


async def test_a_statement_flagged_on_the_board_is_logged_and_confirmed_in_the_group(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    page = phone
    await opened(page, board)
    # Nothing typed, nothing to send: Telegram's MainButton is away.
    assert await telegram(page, "Telegram.WebApp.MainButton.isVisible") is False
    assert await page.is_hidden("#new-flag-send")
    mark = board.bot.api.mark()
    await page.fill("#new-flag textarea", "Peskov: <b>Kyiv</b> walked away from the talks & more")
    assert await telegram(page, "Telegram.WebApp.MainButton.isVisible") is True
    assert await telegram(page, "Telegram.WebApp.MainButton.text") == "Flag it"
    await page.evaluate("tgTest.clickMain()")
    await expect(page.locator("#message")).to_have_text(
        "#1 flagged. The group will see it.", timeout=WAIT_MS
    )
    shown = page.locator("#flags li.flag[data-number='1'] .text")
    await expect(shown).to_have_text("Peskov: <b>Kyiv</b> walked away from the talks & more")
    assert await page.input_value("#new-flag textarea") == ""
    assert await telegram(page, "Telegram.WebApp.MainButton.isVisible") is False
    assert ["notificationOccurred", "success"] in await telegram(page, "tgTest.calls")
    await board.bot.quiet()
    [confirmation] = board.bot.api.replies_to(GROUP, after_index=mark)
    assert confirmation["text"].startswith("🚩 <b>#1 flagged</b>")
    flag = await board.store.get_flag(GROUP, 1)
    assert flag is not None and flag.speaker == "Peskov"
    assert page.problems == []  # type: ignore[attr-defined]


async def test_evidence_opens_through_telegram_and_only_over_https(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    await board.flag("flagger", "Peskov: the grain deal is dead because of Kyiv")
    page = phone
    await opened(page, board)
    await page.click("#flags li.flag[data-number='1']")
    evidence = page.get_by_label("Evidence link (https://…)")
    await evidence.fill("javascript:alert(1)")
    await page.get_by_role("button", name="Add evidence").click()
    await expect(page.locator("#message")).to_have_text(
        "Evidence must be a link starting with https://.", timeout=WAIT_MS
    )
    assert await evidence.input_value() == "javascript:alert(1)"  # kept, to correct
    assert ["notificationOccurred", "error"] in await telegram(page, "tgTest.calls")

    url = "https://www.mfa.gov.tr/grain-deal-statement.en.mfa"
    await evidence.fill(url)
    await page.get_by_role("button", name="Add evidence").click()
    link = page.locator("#record-body .notes a")
    await expect(link).to_have_text(url, timeout=WAIT_MS)
    await link.click()
    assert ["openLink", url] in await telegram(page, "tgTest.calls")
    assert len(page.context.pages) == 1  # opened by Telegram, not in the Mini App
    assert page.problems == [REFUSED_400]  # type: ignore[attr-defined]


@pytest.mark.parametrize("phone", ["flagger"], indirect=True)
async def test_the_flagger_withdraws_a_misheard_flag_and_it_stays_struck_through(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    await board.flag("flagger", "Peskov: a statement misheard")
    page = phone
    await opened(page, board)
    await page.click("#flags li.flag[data-number='1']")
    reason = page.get_by_label("Why withdraw it (kept in its history)")
    await reason.fill("misheard, it was Zakharova")
    withdraw = page.get_by_role("button", name="Withdraw the flag")
    assert await withdraw.get_attribute("class") == "danger"
    await withdraw.click()
    await expect(page.locator("#message")).to_have_text(
        "#1 withdrawn. It stays in the log, struck through.", timeout=WAIT_MS
    )
    assert await telegram(page, "tgTest.confirms") == [
        "Withdraw #1? It stays in the log, struck through, and leaves the group's open flags."
    ]
    await expect(page.locator("#record-body")).to_contain_text("misheard, it was Zakharova")
    assert await reason.count() == 0 or await reason.is_hidden(), "not withdrawn twice"
    await page.evaluate("tgTest.clickBack()")
    await expect(page.locator("#flags li.flag.retracted[data-number='1']")).to_have_count(
        1, timeout=WAIT_MS
    )
    flag = await board.store.get_flag(GROUP, 1)
    assert flag is not None and flag.retract_reason == "misheard, it was Zakharova"
    assert page.problems == []  # type: ignore[attr-defined]


async def test_assigning_to_the_same_person_again_says_nothing_changed(
    board: Board, phone: Any
) -> None:
    """The API answers ``unchanged``; the page once said "Saved." all the same."""
    from playwright.async_api import expect

    await board.flag("flagger", "Peskov: the grain deal is dead because of Kyiv")
    await board.bot.say(GROUP, board.people["chat_admin"], "/assign 1 @iryna_analyst")
    await board.bot.quiet()
    mark = board.bot.api.mark()
    page = phone
    await opened(page, board)
    await page.click("#flags li.flag[data-number='1']")
    await page.get_by_label("Assign to (@username)").fill("@iryna_analyst")
    await page.get_by_role("button", name="Assign", exact=True).click()
    await expect(page.locator("#message")).to_have_text(
        "#1 is already assigned to @iryna_analyst: nothing changed.", timeout=WAIT_MS
    )
    assert await page.locator("#message.error").count() == 0
    assert ["notificationOccurred", "warning"] in await telegram(page, "tgTest.calls")
    await board.bot.quiet()
    assert board.bot.api.replies_to(GROUP, after_index=mark) == []
    assert [e.action for e in await board.store.history(GROUP, 1)] == ["created", "assign"]
    assert page.problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("phone", ["analyst"], indirect=True)
async def test_a_ukrainian_member_reads_the_board_in_ukrainian_without_verdict_buttons(
    board: Board, phone: Any, tmp_path: Path
) -> None:
    from playwright.async_api import expect

    await board.flag("flagger", "Лавров: спершу треба усунути першопричини")
    page = phone
    await opened(page, board)
    assert await page.get_attribute("html", "lang") == "uk"
    assert await page.title() == "Дошка аналітиків"
    assert "На перевірці" in (await page.text_content("#flags li.flag .status") or "")
    assert await page.text_content("#count") == "1 позначка"
    assert await page.is_hidden("#exports")  # export is for chat admins
    await screenshot(page, tmp_path, "board-log-uk")
    await page.click("#flags li.flag[data-number='1']")
    await expect(page.locator("#record-body")).to_contain_text("Змінити вердикт може")
    assert await page.locator("#record-body .verdicts button:visible").count() == 0
    # Nor may they assign or withdraw someone else's flag.
    record = await page.locator("#record-body").inner_text()
    assert "Відкликати позначку" not in record and "Доручити перевірку" not in record

    # An error in Ukrainian only: no English reason from the server tacked on.
    await page.get_by_label("Посилання на доказ (https://…)").fill("http://example.org/x")
    await page.get_by_role("button", name="Додати доказ").click()
    await expect(page.locator("#message")).to_have_text(
        "Доказ має бути посиланням, що починається з https://.", timeout=WAIT_MS
    )
    assert page.problems == [REFUSED_400]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("chat_admin", "Too many changes at once. Wait 7 seconds and try again."),
        ("analyst", "Забагато змін одразу. Зачекайте 7 секунд і спробуйте знову."),
    ],
)
async def test_a_member_over_the_limit_is_told_how_long_to_wait_in_their_language(
    board: Board, browser: Any, who: str, expected: str
) -> None:
    from playwright.async_api import Route, expect

    await board.flag("flagger", "Peskov: the grain deal is dead because of Kyiv")
    page = await open_tab(board, browser, who)

    async def too_many(route: Route) -> None:
        await route.fulfill(
            status=429,
            headers={"Retry-After": "7"},
            content_type="application/json",
            body=json.dumps({"error": "too_many", "message": "slow down: try in 7 s"}),
        )

    await opened(page, board)
    await page.route("**/api/flags/1/note", too_many)
    await page.click("#flags li.flag[data-number='1']")
    note = page.locator("#record-body textarea")
    await note.fill("a note sent too soon")
    await page.evaluate("tgTest.clickMain()")
    await expect(page.locator("#message")).to_have_text(expected, timeout=WAIT_MS)
    assert await note.input_value() == "a note sent too soon"
    assert ["notificationOccurred", "error"] in await telegram(page, "tgTest.calls")


async def test_a_forged_sign_in_ends_on_a_screen_with_a_way_out(board: Board, browser: Any) -> None:
    page = await open_tab(board, browser, "analyst", signed_by=OTHER_BOT_TOKEN)
    await page.goto(board.client.base_url + "/")
    await page.wait_for_selector("#stopped:not([hidden])", timeout=WAIT_MS)
    # In Ukrainian only: the server's English reason is not appended.
    assert await page.text_content("#stopped-text") == (
        "Telegram не підтвердив, хто ви. Закрийте дошку й відкрийте її знову з чату."
    )
    await page.get_by_role("button", name="Закрити").click()
    assert ["close"] in await telegram(page, "tgTest.calls")
    assert await page.is_hidden("#board")


async def test_an_empty_search_offers_to_clear_the_filters(board: Board, phone: Any) -> None:
    from playwright.async_api import expect

    await board.flag("flagger", "Peskov: the grain deal is dead because of Kyiv")
    page = phone
    await opened(page, board)
    await page.fill("#f-q", "submarine")
    await expect(page.locator("#empty-text")).to_have_text(
        "No flags match these filters.", timeout=WAIT_MS
    )
    await page.locator("#empty").get_by_role("button", name="Clear filters").click()
    await expect(page.locator("#flags li.flag")).to_have_count(1, timeout=WAIT_MS)
    assert await page.input_value("#f-q") == ""
    assert await page.is_hidden("#empty")


def _visible(message: dict[str, Any]) -> str:
    """What a reader of the chat sees of a message: its HTML's text."""
    return html.unescape(re.sub(r"<[^>]+>", "", message["text"]))


async def points_shown(page: Any) -> list[str]:
    values = await page.locator("#points-list li.point .body").all_text_contents()
    return list(values)


@pytest.mark.parametrize("phone", ["flagger"], indirect=True)
async def test_a_member_adds_a_point_on_the_board_and_the_chat_lists_it(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    await board.bot.say(GROUP, board.people["chat_admin"], "/round start Istanbul 3")
    page = phone
    await opened(page, board)
    # Drafting is for chat admins: a member has no Statement view.
    assert await page.is_hidden("#tab-statement")
    await page.click("#tab-points")
    await expect(page.locator("#points-title")).to_have_text("Talking points · round “Istanbul 3”")
    await expect(page.locator("#points-empty")).to_be_visible()
    assert await telegram(page, "Telegram.WebApp.BackButton.isVisible") is True
    await page.fill("#new-point-text", "Moscow <b>walked out</b> & blamed Kyiv")
    assert await telegram(page, "Telegram.WebApp.MainButton.text") == "Add the point"
    assert await telegram(page, "tgTest.closingConfirmation") is True
    await page.evaluate("tgTest.clickMain()")
    await expect(page.locator("#message")).to_have_text(
        "Point 1 added. It is in /points in the chat too.", timeout=WAIT_MS
    )
    assert await points_shown(page) == ["1. Moscow <b>walked out</b> & blamed Kyiv"]
    assert await page.input_value("#new-point-text") == ""
    assert await telegram(page, "Telegram.WebApp.MainButton.isVisible") is False
    # A member proposes; only chat admins edit, move and remove.
    assert await page.locator("#points-list .actions button").count() == 0
    [listed] = await board.bot.say(GROUP, board.people["bystander"], "/points")
    assert "1. Moscow <b>walked out</b> & blamed Kyiv — Taras" in _visible(listed)

    # A point proposed in the chat appears on the open board, in place.
    await board.bot.say(GROUP, board.people["bystander"], "/points add Ukraine came to talk")
    await expect(page.locator("#points-list li.point")).to_have_count(2, timeout=WAIT_MS)
    assert (await points_shown(page))[1] == "2. Ukraine came to talk"
    await page.evaluate("tgTest.clickBack()")
    await expect(page.locator("#board")).to_be_visible()
    assert page.problems == []  # type: ignore[attr-defined]


async def test_an_admin_reorders_points_and_copies_the_statement_the_chat_gets(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    bot, people = board.bot, board.people
    await bot.say(GROUP, people["chat_admin"], "/round start Istanbul 3")
    await board.flag("flagger", "Rudenko: Ukraine has adopted a law that prohibits negotiations")
    await board.flag("flagger", "Peskov: the Kiev regime <refuses> all talks")
    await board.flag("flagger", "Lavrov: we must first eliminate the root causes")
    await bot.say(GROUP, people["flagger"], "/verify 1 false")
    await bot.say(GROUP, people["flagger"], "/verify 2 misleading they met in May & <i>June</i>")
    await bot.say(GROUP, people["bystander"], "/points add Moscow did not come to talk")
    await bot.say(GROUP, people["bystander"], "/points add Ukraine came to talk")
    page = phone
    await page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=board.client.base_url
    )
    await opened(page, board)

    await page.click("#tab-points")
    await page.get_by_role("button", name="Move point 2 up").click()
    await expect(page.locator("#message")).to_have_text("Point 2 is now point 1.", timeout=WAIT_MS)
    assert await points_shown(page) == [
        "1. Ukraine came to talk",
        "2. Moscow did not come to talk",
    ]
    await page.get_by_role("button", name="Edit point 2").click()
    await page.get_by_label("New text of point 2").fill("Moscow did not come to talk at all")
    # A point proposed in the chat meanwhile joins the list; the text being edited stays.
    await bot.say(GROUP, people["bystander"], "/points add Kyiv's delegation waited")
    await expect(page.locator("#points-list li.point")).to_have_count(3, timeout=WAIT_MS)
    edited = page.get_by_label("New text of point 2")
    assert await edited.input_value() == "Moscow did not come to talk at all"
    assert await telegram(page, "tgTest.closingConfirmation") is True
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator("#message")).to_have_text("Point 2 edited.", timeout=WAIT_MS)
    assert (await points_shown(page))[1] == "2. Moscow did not come to talk at all"

    await page.click("#tab-statement")
    mark = bot.api.mark()
    answers = await bot.say(GROUP, people["chat_admin"], "/statement")
    in_chat = "\n".join(_visible(answer) for answer in answers if "text" in answer)
    assert bot.api.replies_to(GROUP, after_index=mark)
    box = page.locator("#statement-text")
    await expect(box).to_have_text(in_chat, timeout=WAIT_MS)
    assert "they met in May & <i>June</i>" in (await box.text_content() or "")
    assert await page.locator("#statement-text *").count() == 0  # text, never markup
    assert await telegram(page, "Telegram.WebApp.MainButton.text") == "Copy the draft"
    await page.evaluate("tgTest.clickMain()")
    await expect(page.locator("#message")).to_have_text(
        "Copied. Paste it where you write the release.", timeout=WAIT_MS
    )
    assert await page.evaluate("navigator.clipboard.readText()") == in_chat

    # The other language is a tap away; a client that will not copy selects the text.
    await page.get_by_role("button", name="🇺🇦 In Ukrainian").click()
    await expect(box).to_contain_text("ЧЕРНЕТКА, відредагуйте", timeout=WAIT_MS)
    await page.evaluate("Object.defineProperty(navigator, 'clipboard', { value: undefined })")
    await page.evaluate("tgTest.clickMain()")
    await expect(page.locator("#message")).to_contain_text("the draft is selected")
    selected = await page.evaluate("window.getSelection().toString()")
    assert selected.startswith("ЧЕРНЕТКА, відредагуйте")
    assert page.problems == []  # type: ignore[attr-defined]


async def record_the_register(board: Board) -> None:
    """Root causes defined in two rounds, the second time in other words; a phrase the
    playbook lacks; a term asked and not yet defined."""
    admin, taras = board.people["chat_admin"], board.people["flagger"]
    await board.bot.say(GROUP, admin, "/round start Istanbul 2")
    await board.bot.say(GROUP, taras, "/define root causes (Lavrov): NATO's expansion since 1997")
    await board.bot.say(GROUP, taras, "/define root causes (Lavrov): NATO's expansion since 1991")
    await board.bot.say(GROUP, admin, "/round start Istanbul 3")
    await board.bot.say(GROUP, taras, "/define першопричини (Медінський): <b>language</b> & church")
    await board.bot.say(GROUP, taras, "/asked Kyiv regime")


@pytest.mark.parametrize("phone", ["bystander"], indirect=True)
async def test_a_member_reads_their_definitions_and_records_one_on_the_board(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    await record_the_register(board)
    page = phone
    await opened(page, board)
    await page.click("#tab-definitions")
    term = page.locator("#terms-list li.term")
    await expect(term).to_have_count(1, timeout=WAIT_MS)
    assert await term.locator("h3").text_content() == "Elimination of root causes"
    # The change between rounds at a glance: on the term, and on its round.
    assert await term.locator("p.change").text_content() == "⚠️ Changed in the latest round"
    heads = await term.locator(".round-head").all_text_contents()
    assert heads == ["Round “Istanbul 2”", "Round “Istanbul 3”⚠️ Changed"]
    # Each round's word; the earlier entry of a round is folded under it.
    said = await term.locator(".term-round > .said").all_text_contents()
    assert said == [
        "Lavrov: «NATO's expansion since 1991»",
        "Медінський: «<b>language</b> & church»",
    ]
    assert await term.locator(".said b").count() == 0  # text, never markup
    meta = await term.locator(".term-round > .meta").first.text_content()
    assert meta and meta.startswith("recorded by Taras, ")
    earlier = term.locator("details").first
    assert await earlier.locator("summary").text_content() == "1 earlier in this round"
    assert await earlier.locator(".said").is_hidden()
    await earlier.locator("summary").click()
    await expect(earlier.locator(".said")).to_have_text("Lavrov: «NATO's expansion since 1997»")
    assert await page.locator("#asked-list li strong").all_text_contents() == ['The "Kiev regime"']
    assert await telegram(page, "Telegram.WebApp.BackButton.isVisible") is True

    # A definition recorded in the chat appears in place; the opened fold stays open.
    await board.bot.say(GROUP, board.people["flagger"], "/define buffer zone: a strip of 30 km")
    await expect(term).to_have_count(2, timeout=WAIT_MS)
    assert await page.locator("#terms-list h3").all_text_contents() == [
        "buffer zone",
        "Elimination of root causes",
    ]
    assert await earlier.evaluate("node => node.open && node.isConnected") is True

    # A term asked again from the board, as /asked notes it.
    await page.get_by_label("Term (root causes, першопричини…)").fill("buffer zone")
    await page.get_by_role("button", name="Note that we asked them to define it").click()
    await expect(page.locator("#message")).to_have_text(
        "Noted: we asked them to define “buffer zone”. It stays here until they do.",
        timeout=WAIT_MS,
    )
    assert await page.locator("#asked-list li strong").all_text_contents() == [
        'The "Kiev regime"',
        "buffer zone",
    ]
    assert await page.input_value("#new-definition-term") == ""

    # Recorded from the board with Telegram's main button, as /define records it.
    await page.get_by_label("Term (root causes, першопричини…)").fill("Kyiv regime")
    assert await telegram(page, "Telegram.WebApp.MainButton.isVisible") is False
    await page.get_by_label("Who said it (optional)").fill("Peskov")
    await page.get_by_label("What they said it means").fill("whoever signs in Kyiv")
    assert await telegram(page, "Telegram.WebApp.MainButton.text") == "Record the definition"
    assert await telegram(page, "tgTest.closingConfirmation") is True
    await page.evaluate("tgTest.clickMain()")
    await expect(page.locator("#message")).to_have_text(
        'Recorded their definition of “The "Kiev regime"”, round “Istanbul 3”.', timeout=WAIT_MS
    )
    assert await page.input_value("#new-definition-text") == ""
    # Defined now, so no longer waiting.
    assert await page.locator("#asked-list li strong").all_text_contents() == ["buffer zone"]
    [shown] = await board.bot.say(GROUP, board.people["flagger"], "/define Kyiv regime")
    assert "<b>Peskov</b>: «whoever signs in Kyiv»" in shown["text"]
    assert "recorded by Petro" in shown["text"]
    await page.evaluate("tgTest.clickBack()")
    await expect(page.locator("#board")).to_be_visible()

    # A flag's record: its term's card carries their definitions here, per round.
    await board.flag("flagger", "Lavrov: we must first eliminate the root causes")
    await page.click("#flags li.flag[data-number='1']")
    here = page.locator("#record-body .cards .card-definitions")
    await expect(here.locator(".title")).to_have_text("Their definitions here", timeout=WAIT_MS)
    assert await here.locator("li").all_text_contents() == [
        "Round “Istanbul 2”: Lavrov: «NATO's expansion since 1991»",
        "Round “Istanbul 3”: Медінський: «<b>language</b> & church»",
    ]
    assert page.problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("who", ["chat_admin", "analyst"])
async def test_every_screen_passes_axe_in_both_themes_and_languages(
    board: Board, browser: Any, tmp_path: Path, theme: str, who: str
) -> None:
    """axe-core on the log, a record, the empty state and an error screen: no serious or
    critical violations (contrast, names, labels), with Telegram's own theme colours."""
    from playwright.async_api import expect

    _axe_or_skip()
    lang = "en" if who == "chat_admin" else "uk"
    await board.bot.say(GROUP, board.people["chat_admin"], "/round start Istanbul")
    for statement in STATEMENTS[:9]:
        await board.flag("flagger", statement)
    await board.bot.say(GROUP, board.people["flagger"], "/verify 2 false")
    await board.bot.say(GROUP, board.people["flagger"], "/verify 3 misleading")
    await board.bot.say(GROUP, board.people["flagger"], "/verify 4 verified")
    await board.bot.say(GROUP, board.people["flagger"], "/verify 5 unverifiable")
    await board.bot.say(GROUP, board.people["flagger"], "/unflag 6 misheard")
    await board.bot.say(GROUP, board.people["chat_admin"], "/assign 1 @iryna_analyst")
    # Notes are the board's own (the chat has no /note): straight into the store.
    await board.store.add_note(
        GROUP, 2, "Turkish MFA: https://mfa.gov.tr/a", by_id=FLAGGER, by_name="Taras"
    )
    found: dict[str, list[str]] = {}

    page = await open_tab(board, browser, who, theme=theme, bypass_csp=True)
    await opened(page, board)
    found["log"] = await serious_violations(page)
    await page.click("#filters-toggle")
    found["log with filters open"] = await serious_violations(page)
    await page.click("#filters-toggle")
    if lang == "en":
        await screenshot(page, tmp_path, f"board-log-{theme}")

    await page.click("#flags li.flag[data-number='2']")
    await page.wait_for_selector("#record:not([hidden])", timeout=WAIT_MS)
    await expect(page.locator("#record-body .notes a")).to_have_count(1)
    found["record"] = await serious_violations(page)
    assert await small_targets(page) == []
    if lang == "en":
        await screenshot(page, tmp_path, f"board-record-{theme}")
    await page.get_by_label(
        "Evidence link (https://…)" if lang == "en" else "Посилання на доказ (https://…)"
    ).fill("ftp://x")
    await page.get_by_role(
        "button", name="Add evidence" if lang == "en" else "Додати доказ"
    ).click()
    await expect(page.locator("#message.error")).to_be_visible(timeout=WAIT_MS)
    found["record with an error"] = await serious_violations(page)

    await page.evaluate("tgTest.clickBack()")
    await page.fill("#f-q", "submarine")
    await expect(page.locator("#empty")).to_be_visible(timeout=WAIT_MS)
    found["empty search"] = await serious_violations(page)
    if lang == "en":
        await screenshot(page, tmp_path, f"board-empty-{theme}")

    # Talking points: the member's view, and the admin's with its buttons.
    await board.bot.say(GROUP, board.people["bystander"], "/points add Ukraine came to talk")
    await board.bot.say(GROUP, board.people["bystander"], "/points add Moscow did not")
    await page.click("#tab-points")
    await expect(page.locator("#points-list li.point")).to_have_count(2, timeout=WAIT_MS)
    found["points"] = await serious_violations(page)
    assert await small_targets(page) == []
    if lang == "en":
        await screenshot(page, tmp_path, f"board-points-{theme}")
    # The Statement view, for a chat admin reading the board in this test's language.
    await board.store.set_language(CHAT_ADMIN, lang)
    admin = await open_tab(board, browser, "chat_admin", theme=theme, bypass_csp=True)
    await opened(admin, board)
    await admin.click("#tab-points")
    await expect(admin.locator("#points-list .actions button")).to_have_count(6, timeout=WAIT_MS)
    found["points, as an admin"] = await serious_violations(admin)
    assert await small_targets(admin) == []
    await admin.click("#tab-statement")
    await expect(admin.locator("#statement-text")).to_contain_text(
        "DRAFT" if lang == "en" else "ЧЕРНЕТКА", timeout=WAIT_MS
    )
    found["statement"] = await serious_violations(admin)
    assert await small_targets(admin) == []
    if lang == "en":
        await screenshot(admin, tmp_path, f"board-statement-{theme}")
    assert admin.problems == []  # type: ignore[attr-defined]

    # Their definitions, with a change between rounds, an earlier entry opened, and a
    # term asked and not yet defined (new rounds: after the statement).
    await record_the_register(board)
    await page.click("#tab-definitions")
    await expect(page.locator("#terms-list li.term")).to_have_count(1, timeout=WAIT_MS)
    await page.locator("#terms-list details summary").first.click()
    found["definitions"] = await serious_violations(page)
    assert await small_targets(page) == []
    if lang == "en":
        await screenshot(page, tmp_path, f"board-definitions-{theme}")
    # A record whose term's card carries their definitions here.
    await page.click("#tab-log")
    await page.click("#empty-clear")
    await page.click("#flags li.flag[data-number='1']")
    await expect(page.locator("#record-body .card-definitions")).to_have_count(1, timeout=WAIT_MS)
    found["record with their definitions"] = await serious_violations(page)
    assert await small_targets(page) == []

    stopped = await open_tab(
        board, browser, who, theme=theme, signed_by=OTHER_BOT_TOKEN, bypass_csp=True
    )
    await stopped.goto(board.client.base_url + "/")
    await stopped.wait_for_selector("#stopped:not([hidden])", timeout=WAIT_MS)
    found["error screen"] = await serious_violations(stopped)
    assert await small_targets(stopped) == []
    if lang == "en":
        await screenshot(stopped, tmp_path, f"board-error-{theme}")

    assert {screen: v for screen, v in found.items() if v} == {}
    assert page.problems == [REFUSED_400]  # type: ignore[attr-defined]


async def test_outside_telegram_the_page_says_to_open_it_from_telegram(
    board: Board, browser: Any
) -> None:
    """No Telegram script at all (blocked, as on a plain browser offline)."""
    from playwright.async_api import Route

    async def network(route: Route) -> None:
        if route.request.url.startswith(board.client.base_url):
            await route.continue_()
        else:
            await route.abort()

    context = await browser.new_context(viewport=PHONE)
    await context.route("**/*", network)
    page = await context.new_page()
    await page.goto(board.client.base_url + "/")
    await page.wait_for_selector("#stopped:not([hidden])", timeout=WAIT_MS)
    assert "Open this board from Telegram" in (await page.text_content("#stopped-text") or "")
    assert await page.is_hidden("#board")
    # Outside Telegram there is nothing to close.
    assert await page.is_hidden("#stopped-close")
