"""Enrolment and housekeeping: /enable, /disable, /purge, /reload."""

from __future__ import annotations

from typing import Any

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    filters,
)

from bot import access, callbacks, services
from bot.handlers.common import Context, language, reply, show, stale_button
from bot.handlers.flags import actor, group_log
from bot.i18n import t
from bot.render import Rendered, esc, shorten


async def _in_group(update: Update, context: Context) -> bool:
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        await reply(update, context, Rendered(t(await language(update, context), "group_only")))
        return False
    return True


async def enable(update: Update, context: Context) -> None:
    """Only a bot admin enrols a chat: the log is sensitive, so they decide where one exists."""
    lang = await language(update, context)
    if not await _in_group(update, context):
        return
    user = update.effective_user
    if not access.is_bot_admin(context, user.id if user else None):
        await reply(update, context, Rendered(t(lang, "bot_admins_only")))
        return
    chat = update.effective_chat
    assert chat is not None
    await services.get(context).require_store().enroll(chat.id, chat.title, actor(update).id)
    await reply(update, context, Rendered(t(lang, "enabled")))


async def disable(update: Update, context: Context) -> None:
    lang = await language(update, context)
    if not await _in_group(update, context):
        return
    if not await access.is_chat_admin(update, context):
        await reply(update, context, Rendered(t(lang, "admins_only")))
        return
    chat = update.effective_chat
    assert chat is not None
    await services.get(context).require_store().disable(chat.id, actor(update).id)
    await reply(update, context, Rendered(t(lang, "disabled")))


async def purge(update: Update, context: Context) -> None:
    scope = await group_log(update, context)
    if scope is None:
        return
    chat_id, lang = scope
    if not await access.is_chat_admin(update, context):
        await reply(update, context, Rendered(t(lang, "admins_only")))
        return
    page = await services.get(context).require_store().list_flags(chat_id, limit=0)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "purge_yes"), callback_data=callbacks.flag_action("purge", 1, "yes")
                ),
                InlineKeyboardButton(
                    t(lang, "purge_no"), callback_data=callbacks.flag_action("purge", 1, "no")
                ),
            ]
        ]
    )
    await reply(update, context, Rendered(t(lang, "purge_confirm", total=page.total), keyboard))


async def purge_button(update: Update, context: Context) -> None:
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    if query is None or not isinstance(parsed, callbacks.FlagAction):
        await stale_button(update, context)
        return
    lang = await language(update, context)
    chat = update.effective_chat
    # Whoever presses must be an admin of the chat the button is in, checked now.
    if (
        chat is None
        or chat.type == ChatType.PRIVATE
        or not await access.is_chat_admin(update, context)
    ):
        await query.answer(t(lang, "admins_only"), show_alert=True)
        return
    await query.answer()
    if parsed.arg != "yes":
        await show(update, context, Rendered(t(lang, "purge_cancelled")))
        return
    count = await services.get(context).require_store().purge_chat(chat.id)
    await show(update, context, Rendered(t(lang, "purged", count=count)))


async def reload_content(update: Update, context: Context) -> None:
    lang = await language(update, context)
    user = update.effective_user
    if not access.is_bot_admin(context, user.id if user else None):
        await reply(update, context, Rendered(t(lang, "bot_admins_only")))
        return
    svc = services.get(context)
    problem = svc.reload()
    if problem is None:
        counts = ", ".join(f"{n} {kind}" for kind, n in svc.library.playbook.counts().items())
        await reply(update, context, Rendered(t(lang, "reloaded", counts=counts)))
        return
    details = "\n".join(str(p) for p in problem.problems[:20])
    await reply(
        update,
        context,
        Rendered(f"{t(lang, 'reload_failed')}\n<pre>{esc(shorten(details, 3000))}</pre>"),
    )


async def membership(update: Update, context: Context) -> None:
    """The bot was removed from (or blocked in) a chat, or added back: stop or resume
    sending there. The chat's log is kept either way."""
    change = update.my_chat_member
    if change is None:
        return
    sender = services.get(context).require_sender()
    chat_id = change.chat.id
    if change.new_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED):
        sender.gone(chat_id, f"the bot's status is now {change.new_chat_member.status}")
        await sender.forget_chat(chat_id)
    else:
        sender.back(chat_id)


NEW = filters.UpdateType.MESSAGE


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(
        ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER), group=3
    )
    application.add_handler(CommandHandler("enable", enable, filters=NEW))
    application.add_handler(CommandHandler("disable", disable, filters=NEW))
    application.add_handler(CommandHandler("purge", purge, filters=NEW))
    application.add_handler(CommandHandler("reload", reload_content, filters=NEW))
    application.add_handler(CallbackQueryHandler(purge_button, pattern=r"^f:purge:"))
