"""The last line of defence: log the failure, tell the user, keep running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, TelegramError

from bot.context import AnyApplication
from bot.handlers.common import Context, language
from bot.i18n import t
from bot.language import telegram_language
from bot.render import Rendered
from bot.sender import reply_job

log = logging.getLogger("bot.errors")


def update_ids(update: object) -> str:
    """Where it happened, without what was said: message text never reaches the log."""
    if not isinstance(update, Update):
        return "no update"
    parts = [f"update={update.update_id}"]
    if update.effective_chat is not None:
        parts.append(f"chat={update.effective_chat.id}")
    if update.effective_user is not None:
        parts.append(f"user={update.effective_user.id}")
    if update.effective_message is not None:
        parts.append(f"message={update.effective_message.message_id}")
    if update.callback_query is not None:
        parts.append("callback_query")
    if update.inline_query is not None:
        parts.append("inline_query")
    return " ".join(parts)


EXIT_CODE_KEY = "exit_code"
EXIT_CONFLICT = 3


async def on_error(update: object, context: Context) -> None:
    error = context.error
    if isinstance(error, Conflict):
        log.error(
            "another process is already polling with this bot token (Telegram: %s); "
            "stopping so the two do not fight over updates",
            error.message,
        )
        context.application.bot_data[EXIT_CODE_KEY] = EXIT_CONFLICT
        context.application.stop_running()
        return
    if isinstance(error, NetworkError) and not isinstance(update, Update):
        log.warning("network problem talking to Telegram: %s", type(error).__name__)
        return
    log.error("handler failed (%s)", update_ids(update), exc_info=error)
    if not isinstance(update, Update) or isinstance(error, Forbidden):
        return
    try:
        lang = await language(update, context)
    except Exception:  # the store may be what failed: Telegram's word is enough here
        user = update.effective_user
        code = user.language_code if user is not None else None
        lang = telegram_language(code, context.settings.default_language)
    text = t(lang, "error_generic")
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(text, show_alert=True)
                return
            except BadRequest:
                pass  # the button was answered before the failure: say it in the chat
        message = update.effective_message
        if message is not None:
            context.sender.submit(message.chat.id, reply_job(message, Rendered(text)))
    except TelegramError:
        log.warning("could not tell the user about the failure (%s)", update_ids(update))


def register(application: AnyApplication) -> None:
    application.add_error_handler(on_error)
