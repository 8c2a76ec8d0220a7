"""Every log record at INFO and above that any logger writes (aiohttp's and the
libraries' too), for stories that must end with no traceback anywhere."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Keep(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.INFO)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


@contextmanager
def every_record() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    root = logging.getLogger()
    keep, level = _Keep(records), root.level
    root.addHandler(keep)
    root.setLevel(logging.INFO)
    try:
        yield records
    finally:
        root.removeHandler(keep)
        root.setLevel(level)


def troubles(records: list[logging.LogRecord]) -> list[str]:
    """Records with a traceback or at ERROR and above: none is the expectation."""
    return [
        logging.Formatter("%(name)s %(levelname)s %(message)s").format(record)
        for record in records
        if record.exc_info or record.levelno >= logging.ERROR
    ]
