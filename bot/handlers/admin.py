"""Enrolment and housekeeping: /enable, /disable, /purge, /reload."""

from __future__ import annotations

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, ChatMemberHandler

from bot import access, callbacks
from bot.access import Role
from bot.context import AnyApplication
from bot.handlers import guards
from bot.handlers.common import (
    Context,
    actor,
    add_commands,
    language,
    pressed,
    reply,
    show_in_place,
)
from bot.handlers.guards import Here, in_group
from bot.i18n import t
from bot.playbook import as_lang
from bot.render import Rendered, esc, shorten


@in_group("enable", log=False)
async def enable(update: Update, context: Context, here: Here) -> None:
    """Only a bot admin enrols a chat: the log is sensitive, so they decide where one exists."""
    chat = update.effective_chat
    assert chat is not None
    await context.store.enroll(here.chat_id, chat.title, actor(update, context).id)
    # The group speaks its enroller's language until its admins choose (/settings).
    await context.store.set_chat_language(here.chat_id, here.lang, unless_set=True)
    lang = as_lang(await context.store.get_chat_language(here.chat_id)) or here.lang
    text = t(lang, "enabled", language=t(lang, f"language_{lang}"))
    await reply(update, context, Rendered(text))


@in_group("disable", log=False)
async def disable(update: Update, context: Context, here: Here) -> None:
    if here.chat_id in context.settings.allowed_chats:
        # Enrolled by configuration: the store's switch would change nothing.
        text = t(here.lang, "disable_configured")
        await reply(update, context, Rendered(text))
        return
    await context.store.disable(here.chat_id, actor(update, context).id)
    await reply(update, context, Rendered(t(here.lang, "disabled")))


@in_group("purge")
async def purge(update: Update, context: Context, here: Here) -> None:
    page = await context.store.list_flags(here.chat_id, limit=0)
    lang = here.lang
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "purge_yes"), callback_data=callbacks.purge(True)),
                InlineKeyboardButton(t(lang, "purge_no"), callback_data=callbacks.purge(False)),
            ]
        ]
    )
    await reply(update, context, Rendered(t(lang, "purge_confirm", count=page.total), keyboard))


async def purge_button(update: Update, context: Context) -> None:
    found = await pressed(update, context, callbacks.Purge)
    if found is None:
        return
    query, parsed = found
    lang = await language(update, context)
    chat = update.effective_chat
    # Whoever presses must be an admin of the chat the button is in, checked now.
    if (
        chat is None
        or chat.type == ChatType.PRIVATE
        or not await guards.has_role(update, context, Role.CHAT_ADMIN)
    ):
        await query.answer(t(lang, "admins_only"), show_alert=True)
        return
    await query.answer()
    if not parsed.confirmed:
        await show_in_place(update, context, Rendered(t(lang, "purge_cancelled")))
        return
    count = await context.store.purge_chat(chat.id)
    await show_in_place(update, context, Rendered(t(lang, "purged", count=count)))


async def reload_content(update: Update, context: Context) -> None:
    """Works in any chat, a private one too: COMMAND_ROLES says bot admins only."""
    lang = await language(update, context)
    if await guards.refuse_role(update, context, lang, access.COMMAND_ROLES["reload"]):
        return
    svc = context.services
    problem = svc.reload()
    if problem is None:
        counts = ", ".join(
            t(lang, f"count_{kind}", count=n) for kind, n in svc.library.playbook.counts().items()
        )
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
    sender = context.sender
    chat_id = change.chat.id
    if change.new_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED):
        sender.gone(chat_id, f"the bot's status is now {change.new_chat_member.status}")
        await sender.forget_chat(chat_id)
    else:
        sender.back(chat_id)


def register(application: AnyApplication) -> None:
    application.add_handler(
        ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER), group=3
    )
    add_commands(
        application,
        {"enable": enable, "disable": disable, "purge": purge, "reload": reload_content},
    )
    application.add_handler(CallbackQueryHandler(purge_button, pattern=callbacks.Purge.matches))
