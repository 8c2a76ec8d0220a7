"""Chats and their settings, and users' languages: who is enrolled, each chat's
watch, time zone and live list, and a group's move to a supergroup."""

from __future__ import annotations

from typing import Any, Literal

from bot.store.database import Database
from bot.store.definitions import adopt_chat_definitions
from bot.store.errors import LogsApart
from bot.store.models import LiveList, now_iso, optional_int, optional_str
from bot.store.points import adopt_chat_points

# The chats columns _chat_setting may name: never text from outside the store.
_ChatSetting = Literal["watch", "timezone", "language"]


class Chats:
    database: Database

    # -- users --------------------------------------------------------------------

    async def get_language(self, user_id: int) -> str | None:
        row = await self.database.read_one(
            "SELECT language FROM users WHERE user_id = ?", (user_id,)
        )
        return None if row is None else str(row["language"])

    async def set_language(self, user_id: int, lang: str) -> None:
        await self.database.write(
            """
            INSERT INTO users (user_id, language, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE
            SET language = excluded.language, updated_at = excluded.updated_at
            """,
            (user_id, lang, now_iso()),
        )

    # -- chats --------------------------------------------------------------------

    async def is_enrolled(self, chat_id: int) -> bool:
        row = await self.database.read_one(
            "SELECT enrolled FROM chats WHERE chat_id = ?", (chat_id,)
        )
        return row is not None and bool(row["enrolled"])

    async def enroll(self, chat_id: int, title: str | None, by_user_id: int) -> None:
        await self.database.write(
            """
            INSERT INTO chats (chat_id, title, enrolled, enrolled_by, enrolled_at)
            VALUES (?, ?, 1, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE
            SET title = coalesce(excluded.title, title), enrolled = 1,
                enrolled_by = excluded.enrolled_by, enrolled_at = excluded.enrolled_at
            """,
            (chat_id, title, by_user_id, now_iso()),
        )

    async def disable(self, chat_id: int, by_user_id: int) -> None:
        """Stop serving the chat; its flags and rounds stay."""
        await self.database.write(
            """
            INSERT INTO chats (chat_id, enrolled, disabled_by, disabled_at) VALUES (?, 0, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE
            SET enrolled = 0, disabled_by = excluded.disabled_by,
                disabled_at = excluded.disabled_at
            """,
            (chat_id, by_user_id, now_iso()),
        )

    async def enrolled_chats(self) -> list[int]:
        rows = await self.database.read(
            "SELECT chat_id FROM chats WHERE enrolled = 1 ORDER BY chat_id"
        )
        return [int(row["chat_id"]) for row in rows]

    async def _chat_setting(self, chat_id: int, column: _ChatSetting) -> Any:
        """A chat's setting, or None for a chat the store has no row for."""
        row = await self.database.read_one(
            f"SELECT {column} FROM chats WHERE chat_id = ?", (chat_id,)
        )
        return None if row is None else row[column]

    async def _set_chat_setting(self, chat_id: int, column: _ChatSetting, value: Any) -> None:
        # A chat listed in ALLOWED_CHATS may have no row yet.
        await self.database.write(
            f"INSERT INTO chats (chat_id, {column}) VALUES (?, ?) "
            f"ON CONFLICT (chat_id) DO UPDATE SET {column} = excluded.{column}",
            (chat_id, value),
        )

    async def get_watch(self, chat_id: int) -> bool:
        return bool(await self._chat_setting(chat_id, "watch"))

    async def set_watch(self, chat_id: int, on: bool) -> None:
        await self._set_chat_setting(chat_id, "watch", int(on))

    async def get_timezone(self, chat_id: int) -> str | None:
        """The chat's IANA time zone name, or None until one is set (then UTC)."""
        return optional_str(await self._chat_setting(chat_id, "timezone"))

    async def set_timezone(self, chat_id: int, name: str) -> None:
        await self._set_chat_setting(chat_id, "timezone", name)

    async def get_chat_language(self, chat_id: int) -> str | None:
        """The language the group speaks, or None until one is set."""
        return optional_str(await self._chat_setting(chat_id, "language"))

    async def set_chat_language(self, chat_id: int, lang: str, *, unless_set: bool = False) -> None:
        """Set the group's language; with ``unless_set``, only if it has none yet."""
        if unless_set and await self.get_chat_language(chat_id) is not None:
            return
        await self._set_chat_setting(chat_id, "language", lang)

    async def get_live_list(self, chat_id: int) -> LiveList | None:
        row = await self.database.read_one(
            "SELECT board_message_id, board_lang, board_thread_id FROM chats WHERE chat_id = ?",
            (chat_id,),
        )
        if row is None or row["board_message_id"] is None:
            return None
        return LiveList(
            int(row["board_message_id"]),
            optional_str(row["board_lang"]),
            optional_int(row["board_thread_id"]),
        )

    async def set_live_list(
        self,
        chat_id: int,
        message_id: int | None,
        *,
        lang: str | None = None,
        thread_id: int | None = None,
    ) -> None:
        """Remember the live list's message (None: the chat has none), its language and
        topic."""
        await self.database.write(
            """
            INSERT INTO chats (chat_id, board_message_id, board_lang, board_thread_id)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET board_message_id = excluded.board_message_id,
                board_lang = coalesce(excluded.board_lang, board_lang),
                board_thread_id = CASE WHEN excluded.board_message_id IS NULL THEN NULL
                                  ELSE coalesce(excluded.board_thread_id, board_thread_id) END
            """,
            (chat_id, message_id, lang, thread_id),
        )

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Move everything of a group to its new supergroup id, numbers unchanged.

        The supergroup may have been used before the move was seen: its talking points
        and its register of definitions then join the group's (nothing of either is
        lost), and its live list is kept. A new chat that already has flags or rounds
        of its own cannot be merged without renumbering, so that raises LogsApart and
        changes nothing.
        """
        if old_id == new_id:
            return
        async with self.database.transaction() as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT chat_id, last_flag_number FROM chats WHERE chat_id IN (?, ?)",
                    (old_id, new_id),
                )
            )
            counters = {int(row["chat_id"]): int(row["last_flag_number"]) for row in rows}
            if old_id not in counters:
                return
            live_list: dict[str, Any] = {"board": None, "lang": None, "thread": None}
            if new_id in counters:
                used = list(
                    await db.execute_fetchall(
                        """
                        SELECT EXISTS (SELECT 1 FROM flags WHERE chat_id = :id)
                            OR EXISTS (SELECT 1 FROM rounds WHERE chat_id = :id)
                        """,
                        {"id": new_id},
                    )
                )
                if used[0][0]:
                    raise LogsApart(
                        f"cannot migrate chat {old_id} to {new_id}: {new_id} already has flags"
                    )
                [kept] = list(
                    await db.execute_fetchall(
                        "SELECT board_message_id AS board, board_lang AS lang, "
                        "board_thread_id AS thread FROM chats WHERE chat_id = ?",
                        (new_id,),
                    )
                )
                live_list = dict(kept)
                open_round = list(
                    await db.execute_fetchall(
                        "SELECT id FROM rounds WHERE chat_id = ? AND ended_at IS NULL", (old_id,)
                    )
                )
                await adopt_chat_points(
                    db, new_id, old_id, int(open_round[0]["id"]) if open_round else None
                )
                await adopt_chat_definitions(db, new_id, old_id)
                # Its outbox (cascaded) holds at most a live-list refresh, having no flags:
                # the next change refreshes the list it keeps.
                await db.execute_fetchall("DELETE FROM chats WHERE chat_id = ?", (new_id,))
            # ON UPDATE CASCADE carries rounds and flags; the update trigger re-indexes.
            await db.execute_fetchall(
                """
                UPDATE chats SET chat_id = :new, migrated_from = :old, last_flag_number = :last,
                    -- the group's live list stays behind, where it can no longer change;
                    -- the supergroup's own, if it had one, goes on
                    board_message_id = :board, board_lang = coalesce(:lang, board_lang),
                    board_thread_id = :thread
                WHERE chat_id = :old
                """,
                {"new": new_id, "old": old_id, "last": max(counters.values()), **live_list},
            )

    async def chat_title(self, chat_id: int) -> str | None:
        """The title the chat had when it was enrolled, if it was enrolled by command."""
        row = await self.database.read_one("SELECT title FROM chats WHERE chat_id = ?", (chat_id,))
        return None if row is None else optional_str(row["title"])
