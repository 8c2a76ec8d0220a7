"""Each chat's time zone: IANA names, looked up with zoneinfo (tzdata where the
system has no zone database, as in the slim Docker image).

Times are stored in UTC; only what people read is shown in the chat's zone.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, tzinfo

DEFAULT_ZONE = "UTC"


@functools.cache
def _names_by_fold() -> dict[str, str]:
    # People type "europe/kyiv"; the database spells "Europe/Kyiv".
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def zone_name(typed: str) -> str | None:
    """The IANA name ``typed`` means (any case), or None when there is no such zone."""
    return _names_by_fold().get(typed.strip().casefold())


def zone(name: str | None) -> tzinfo:
    """The zone a chat keeps; UTC until one is set (or if its name is no longer known)."""
    if not name or name == DEFAULT_ZONE:
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC
