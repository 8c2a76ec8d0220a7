"""The board in a real browser: headless Chromium from the Debian packages, driven by
Playwright (which downloads no browser of its own here).

Telegram's telegram-web-app.js is replaced by a stub that hands the page initData
signed as Telegram signs it; every other request off 127.0.0.1 is refused, so the
test never reaches the internet. The bot runs in the test's own event loop against
the fake Bot API, so what the page changes is checked in the store and in what the
group is told.

Marked ``browser``. Without /usr/bin/chromium the module is skipped with the reason,
unless ``PLAYBOOK_BROWSER_REQUIRED`` is set (``.ci/run`` sets it after installing
Chromium): then a missing browser fails the run instead of hiding the test.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.services import Library
from bot.web.auth import chat_token
from tests.support.board_client import init_data
from tests.support.board_setup import CHAT_ADMIN, GROUP, Board, running_board
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


def telegram_stub(init: str, user: dict[str, Any], start_param: str) -> str:
    """Telegram.WebApp as the page uses it: initData, the user, the theme, the buttons."""
    unsafe = {"user": user, "start_param": start_param}
    theme = {
        "--tg-theme-bg-color": "#17212b",
        "--tg-theme-text-color": "#f5f5f5",
        "--tg-theme-hint-color": "#708499",
        "--tg-theme-link-color": "#6ab3f3",
        "--tg-theme-button-color": "#5288c1",
        "--tg-theme-button-text-color": "#ffffff",
        "--tg-theme-secondary-bg-color": "#232e3c",
    }
    return f"""
        (() => {{
          const theme = {json.dumps(theme)};
          for (const [name, value] of Object.entries(theme)) {{
            document.documentElement.style.setProperty(name, value);
          }}
          window.Telegram = {{ WebApp: {{
            initData: {json.dumps(init)},
            initDataUnsafe: {json.dumps(unsafe)},
            ready() {{ window.telegramReady = true; }},
            expand() {{}},
            BackButton: {{ show() {{}}, hide() {{}}, onClick() {{}} }},
          }} }};
        }})();
    """


@pytest.fixture
async def board(api: FakeBotAPI, tmp_path: Path, library: Library) -> AsyncIterator[Board]:
    _chromium_or_skip()
    async with running_board(api, tmp_path, library) as running:
        yield running


@pytest.fixture
async def phone(board: Board, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """A phone-sized Chromium tab, in Telegram as the chat's admin (or as the person
    named by indirect parametrization)."""
    from playwright.async_api import Route, async_playwright

    who = board.people[getattr(request, "param", "chat_admin")]
    init = init_data(board.token, who)
    stub = telegram_stub(init, who, chat_token(GROUP, board.token))

    async def network(route: Route) -> None:
        url = route.request.url
        if url == TELEGRAM_SCRIPT:
            await route.fulfill(status=200, content_type="text/javascript", body=stub)
        elif url.startswith(board.client.base_url):
            await route.continue_()
        else:
            await route.abort()

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        try:
            await context.route("**/*", network)
            page = context.pages[0] if context.pages else await context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "console",
                lambda message: problems.append(message.text) if message.type == "error" else None,
            )
            page.problems = problems  # type: ignore[attr-defined]
            yield page
        finally:
            await context.close()


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
    await page.goto(board.client.base_url + "/")
    await page.wait_for_selector("body[data-ready='1']", timeout=WAIT_MS)
    first_render_ms = await page.evaluate("window.boardFirstRenderMs")
    wall_ms = (time.monotonic() - started) * 1000
    print(f"first render {first_render_ms:.0f} ms after navigation start ({wall_ms:.0f} ms wall)")
    assert first_render_ms <= FIRST_RENDER_BUDGET_MS
    assert await page.evaluate("window.telegramReady") is True
    assert await page.text_content("#subtitle") == "Delegation"
    assert await numbers_shown(page) == [4, 3, 2, 1]
    assert await page.text_content("#count") == "4 flags"

    # The statement full of markup reads exactly as it was said, and runs nothing.
    hostile = page.locator("#flags li.flag[data-number='1'] .text")
    assert await hostile.inner_text() == HOSTILE
    assert await hostile.locator("b, img, script").count() == 0
    assert await page.evaluate("window.pwned") is None
    await screenshot(page, tmp_path, "board-log")

    # Filters: words through the full-text index, then a speaker on top.
    # (Waits use expect(), not wait_for_function: the page's CSP forbids the eval
    # that wait_for_function polls with, which is the policy working.)
    await page.fill("#f-q", "grain")
    await expect(page.locator("#flags li.flag")).to_have_count(2, timeout=WAIT_MS)
    assert await numbers_shown(page) == [4, 2]
    await page.select_option("#f-speaker", "Peskov")
    await expect(page.locator("#flags li.flag")).to_have_count(1, timeout=WAIT_MS)
    assert await numbers_shown(page) == [2]
    assert await page.text_content("#count") == "1 flag"

    # The record, its card, and a verdict.
    await page.click("#flags li.flag[data-number='2']")
    await page.wait_for_selector("#record:not([hidden])", timeout=WAIT_MS)
    assert "the grain deal is dead" in (await page.text_content("#record-body .statement") or "")
    mark = bot.api.mark()
    await page.fill("#record-body .verdicts + input", "Turkish MFA transcript, 17 July")
    await page.click("#record-body .verdicts button[data-status='false']")
    await page.wait_for_selector(
        "#record-body .verdicts button.current[data-status='false']", timeout=WAIT_MS
    )
    await screenshot(page, tmp_path, "board-record")

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
    assert any("your flag #2 is now <b>False</b> (by Oksana)" in text for text in told), told
    assert page.problems == []  # type: ignore[attr-defined]


async def test_a_flag_made_in_the_chat_appears_on_the_open_board_within_seconds(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    await board.flag("flagger", "Lavrov: the first statement")
    page = phone
    await page.goto(board.client.base_url + "/")
    await page.wait_for_selector("body[data-ready='1']", timeout=WAIT_MS)
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
    await page.goto(board.client.base_url + "/")
    await page.wait_for_selector("body[data-ready='1']", timeout=WAIT_MS)
    mark = board.bot.api.mark()
    await page.fill("#new-flag textarea", "Peskov: <b>Kyiv</b> walked away from the talks & more")
    await page.click("#new-flag button[type='submit']")
    await expect(page.locator("#message")).to_have_text(
        "#1 flagged. The group will see it.", timeout=WAIT_MS
    )
    shown = page.locator("#flags li.flag[data-number='1'] .text")
    await expect(shown).to_have_text("Peskov: <b>Kyiv</b> walked away from the talks & more")
    assert await page.input_value("#new-flag textarea") == ""
    await board.bot.quiet()
    [confirmation] = board.bot.api.replies_to(GROUP, after_index=mark)
    assert confirmation["text"].startswith("🚩 <b>#1 flagged</b>")
    flag = await board.store.get_flag(GROUP, 1)
    assert flag is not None and flag.speaker == "Peskov"
    assert page.problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("phone", ["flagger"], indirect=True)
async def test_the_flagger_withdraws_a_misheard_flag_and_it_stays_struck_through(
    board: Board, phone: Any
) -> None:
    from playwright.async_api import expect

    await board.flag("flagger", "Peskov: a statement misheard")
    page = phone
    await page.goto(board.client.base_url + "/")
    await page.wait_for_selector("body[data-ready='1']", timeout=WAIT_MS)
    await page.click("#flags li.flag[data-number='1']")
    reason = page.get_by_placeholder("Why withdraw it (kept in its history)")
    await reason.fill("misheard, it was Zakharova")
    await page.click("#record-body button:text('Withdraw the flag')")
    await expect(page.locator("#message")).to_have_text(
        "#1 withdrawn. It stays in the log, struck through.", timeout=WAIT_MS
    )
    await expect(page.locator("#record-body")).to_contain_text("misheard, it was Zakharova")
    assert await reason.count() == 0, "a withdrawn flag is not withdrawn twice"
    await page.click("#back")
    await expect(page.locator("#flags li.flag.retracted[data-number='1']")).to_have_count(
        1, timeout=WAIT_MS
    )
    flag = await board.store.get_flag(GROUP, 1)
    assert flag is not None and flag.retract_reason == "misheard, it was Zakharova"
    assert page.problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("phone", ["analyst"], indirect=True)
async def test_a_ukrainian_member_reads_the_board_in_ukrainian_without_verdict_buttons(
    board: Board, phone: Any, tmp_path: Path
) -> None:
    from playwright.async_api import expect

    await board.flag("flagger", "Лавров: спершу треба усунути першопричини")
    page = phone
    await page.goto(board.client.base_url + "/")
    await page.wait_for_selector("body[data-ready='1']", timeout=WAIT_MS)
    assert await page.get_attribute("html", "lang") == "uk"
    assert await page.text_content("#title") == "Дошка аналітиків"
    assert "Відкрито" in (await page.text_content("#flags li.flag .status") or "")
    assert await page.text_content("#count") == "1 позначка"
    assert await page.is_hidden("#exports")  # export is for chat admins
    await screenshot(page, tmp_path, "board-log-uk")
    await page.click("#flags li.flag[data-number='1']")
    await expect(page.locator("#record-body")).to_contain_text("Змінити вердикт може")
    assert await page.locator("#record-body .verdicts").count() == 0
    # Nor may they assign or withdraw someone else's flag.
    record = await page.text_content("#record-body") or ""
    assert "Відкликати позначку" not in record and "Призначити" not in record
    assert page.problems == []  # type: ignore[attr-defined]


async def test_outside_telegram_the_page_says_to_open_it_from_telegram(
    board: Board, tmp_path: Path
) -> None:
    """No Telegram script at all (blocked, as on a plain browser offline)."""
    from playwright.async_api import Route, async_playwright

    async def network(route: Route) -> None:
        if route.request.url.startswith(board.client.base_url):
            await route.continue_()
        else:
            await route.abort()

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-plain"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=PHONE,
        )
        try:
            await context.route("**/*", network)
            page = await context.new_page()
            await page.goto(board.client.base_url + "/")
            await page.wait_for_selector("#message:not([hidden])", timeout=WAIT_MS)
            assert "Open this board from Telegram" in (await page.text_content("#message") or "")
            assert await page.is_hidden("#board")
        finally:
            await context.close()
