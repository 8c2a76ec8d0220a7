"""The built library (playbook and search index) kept on disk between runs.

Reading the YAML, validating it and building the search index is most of what the bot
does before its first poll: a restart is downtime for a team in session. The built
library is pickled beside the database and read back on the next start when nothing
it was built from has changed: the content files, the code that builds it, and the
versions of Python and the libraries whose objects it holds.

Unpickling runs code, so a cache file is trusted only with a valid HMAC under a key
derived from the bot's token: whoever can write to the data folder, but does not
hold the token, cannot make the bot run anything. Any problem with the file (missing,
stale, forged, truncated, unwritable folder) only means the library is built anew.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import pickle
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_MAGIC = b"playbook-library-cache 1\n"
_DIGEST = hashlib.sha256().digest_size
# The modules whose code decides what the built library holds.
_BUILDERS = ("playbook.py", "search.py", "rewrites.py", "services.py")
_LIBRARIES = ("pydantic", "pydantic-core", "PyStemmer", "rapidfuzz", "Unidecode", "jellyfish")


def fingerprint(content_dir: Path) -> bytes:
    """What a cached library was built from; any change here means a rebuild."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for name in _LIBRARIES:
        digest.update(f"{name}={_version(name)}\n".encode())
    here = Path(__file__).resolve().parent
    for name in _BUILDERS:
        digest.update((here / name).read_bytes())
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(content_dir)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


class LibraryCache:
    """One cache file, signed with a key only the bot's token gives."""

    def __init__(self, path: Path, token: str) -> None:
        self.path = path
        self._key = hmac.new(token.encode(), b"playbook library cache", hashlib.sha256).digest()

    def load_or_build(self, content_dir: Path, kind: type[T], build: Callable[[], T]) -> T:
        """The cached ``kind`` if it was built from exactly this content and code;
        otherwise ``build()``, then saved for the next start. ``build`` may raise
        (invalid content): nothing is saved then."""
        try:
            built_from = fingerprint(content_dir)
        except OSError:
            return build()  # the content cannot be read: let build() say why
        cached = self._read(built_from)
        if isinstance(cached, kind):
            return cached
        value = build()
        self._write(built_from, value)
        return value

    def _mac(self, built_from: bytes, payload: bytes) -> bytes:
        return hmac.new(self._key, built_from + payload, hashlib.sha256).digest()

    def _read(self, built_from: bytes) -> object | None:
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        head = len(_MAGIC) + 2 * _DIGEST
        if len(data) < head or not data.startswith(_MAGIC):
            log.info("library cache %s is not one of ours; rebuilding", self.path)
            return None
        stored_from = data[len(_MAGIC) : len(_MAGIC) + _DIGEST]
        mac, payload = data[len(_MAGIC) + _DIGEST : head], data[head:]
        if stored_from != built_from:
            return None  # content or code changed since: the usual case after an edit
        if not hmac.compare_digest(mac, self._mac(built_from, payload)):
            log.warning("library cache %s has a bad signature; ignoring it", self.path)
            return None
        try:
            value: object = pickle.loads(payload)
        except Exception:  # signed by us but unreadable (a library changed its classes)
            log.warning("library cache %s could not be read; rebuilding", self.path)
            return None
        return value

    def _write(self, built_from: bytes, value: object) -> None:
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(_MAGIC + built_from + self._mac(built_from, payload) + payload)
            # Atomic: a crash or a second process never leaves half a file in place.
            os.replace(partial, self.path)
        except (OSError, pickle.PicklingError) as exc:
            log.info("library cache not saved (%s); the next start builds it again", exc)
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
