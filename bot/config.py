"""Settings, read from the environment and ``.env`` (see ``.env.example``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.library_cache import LibraryCache

SHIPPED_CONTENT = Path(__file__).resolve().parent.parent / "content"
TELEGRAM_API_URL = "https://api.telegram.org/bot"

IdSet = Annotated[frozenset[int], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    bot_token: SecretStr = SecretStr("")
    bot_api_url: str = TELEGRAM_API_URL
    database_path: Path = Path("data/playbook.sqlite3")
    content_dir: Path = SHIPPED_CONTENT
    default_language: Literal["en", "uk"] = "en"
    # Off only for tests and benchmarks against a local fake Bot API: Telegram itself
    # limits a bot to about 30 messages a second and 20 a minute per group.
    throttle: bool = True
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    admin_ids: IdSet = frozenset()
    allowed_chats: IdSet = frozenset()
    webhook_url: str = ""
    webhook_secret: SecretStr = SecretStr("")
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # The analysts' board (a Telegram Mini App, bot.web): off while WEB_APP_URL is empty.
    web_app_url: str = ""
    web_listen: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    # The short name given to the Mini App in @BotFather: t.me/<bot>/<short name>.
    web_app_short_name: str = Field(default="board", pattern=r"^[A-Za-z0-9_]{3,30}$")
    # Telegram's sign-in data older than this is refused; reopening the board renews it.
    web_auth_max_age_s: int = Field(default=24 * 3600, ge=60)

    @field_validator("admin_ids", "allowed_chats", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        """Accept ``123, -100456`` as well as a list."""
        if isinstance(value, str):
            return frozenset(
                int(part) for part in value.replace(";", ",").split(",") if part.strip()
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("bot_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        if value and not value.startswith("https://") and not value.startswith("http://127."):
            raise ValueError("must be an https:// URL that Telegram can reach")
        return value

    @field_validator("web_app_url")
    @classmethod
    def _web_app_url(cls, value: str) -> str:
        # Telegram opens Mini Apps over https only; plain http is for local tests.
        if value and not value.startswith(("https://", "http://127.", "http://localhost")):
            raise ValueError("must be the board's public https:// URL")
        return value.rstrip("/")

    def token(self) -> str:
        return self.bot_token.get_secret_value()

    def library_cache(self) -> LibraryCache | None:
        """The built content, kept beside the database so that a restart is quick;
        none without a token, which signs it."""
        if not self.token():
            return None
        path = self.database_path.with_name(self.database_path.name + ".library")
        return LibraryCache(path, self.token())


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"setting {name} is invalid: {first['msg']}") from None
