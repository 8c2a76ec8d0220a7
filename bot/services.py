"""What every handler needs, kept in ``application.bot_data`` under one key.

The playbook and its search index are swapped together on /reload or SIGHUP, so a
handler that read ``services.library`` once sees one consistent version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.library_cache import LibraryCache
from bot.members import ChatMembers
from bot.playbook import ContentError, Playbook, load_playbook
from bot.search import SearchIndex

if TYPE_CHECKING:
    from telegram.ext import Application, CallbackContext

    from bot.sender import Sender
    from bot.store import Store

KEY = "services"


@dataclass(frozen=True)
class Library:
    playbook: Playbook
    index: SearchIndex

    @classmethod
    def load(cls, directory: Path, cache: LibraryCache | None = None) -> Library:
        """Raises ContentError, with every problem, if the content is invalid.

        With a ``cache``, a library built from the same content and code is read back
        instead of built (see bot/library_cache.py)."""
        if cache is not None:
            return cache.load_or_build(directory, cls, lambda: cls.load(directory))
        playbook = load_playbook(directory)
        return cls(playbook, SearchIndex(playbook.entries()))


@dataclass
class Services:
    settings: Settings
    library: Library
    store: Store | None = None
    sender: Sender | None = None
    # Who is a member or an admin of which chat, as Telegram last said.
    members: ChatMembers = field(default_factory=ChatMembers)

    def reload(self) -> ContentError | None:
        """Re-read the content; on any problem keep serving what was loaded before."""
        try:
            self.library = Library.load(self.settings.content_dir, self.settings.library_cache())
        except ContentError as exc:
            return exc
        return None

    def require_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("the database is not open yet")
        return self.store

    def require_sender(self) -> Sender:
        if self.sender is None:
            raise RuntimeError("the sender is not set up yet")
        return self.sender


def get(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    services: Services = context.application.bot_data[KEY]
    return services


def of_application(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    services: Services = application.bot_data[KEY]
    return services
