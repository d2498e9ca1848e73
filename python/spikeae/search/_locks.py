"""Locks shared by the search workers of one storage, whatever machine they run on.

PostgreSQL: a session-level advisory lock, on a connection of its own; the
server releases it if the worker dies. SQLite: an exclusive file lock next to
the database file (a SQLite file is used from one machine). Other databases:
no lock, with a warning.
"""

from __future__ import annotations

import fcntl
import hashlib
import warnings
from contextlib import contextmanager
from typing import Any, Iterator


class _NoLock:
    def acquire(self) -> None:
        pass

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


class _FileLock:
    """An exclusive flock on a file."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "a+b")

    def acquire(self) -> None:
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)

    def release(self) -> None:
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)

    def close(self) -> None:
        self._file.close()


class _AdvisoryLock:
    """A session-level PostgreSQL advisory lock, keyed by a hash of its name."""

    def __init__(self, url: str, name: str) -> None:
        import sqlalchemy
        from sqlalchemy.pool import NullPool

        self._text = sqlalchemy.text
        digest = hashlib.sha256(f"spikeae.search:{name}".encode()).digest()
        self._key = int.from_bytes(digest[:8], "big", signed=True)
        self._engine = sqlalchemy.create_engine(url, poolclass=NullPool)
        # Autocommit: no transaction left open on the server while the lock is held.
        self._connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def acquire(self) -> None:
        self._connection.execute(self._text("SELECT pg_advisory_lock(:key)"), {"key": self._key})

    def release(self) -> None:
        self._connection.execute(self._text("SELECT pg_advisory_unlock(:key)"),
                                 {"key": self._key})

    def close(self) -> None:
        self._connection.close()
        self._engine.dispose()


def make_lock(storage_url: str, name: str) -> Any:
    """A lock with acquire / release / close, shared by every worker that uses
    storage_url and the same name."""
    from sqlalchemy.engine import make_url

    url = make_url(storage_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        return _AdvisoryLock(storage_url, name)
    if backend == "sqlite" and url.database not in (None, "", ":memory:"):
        safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        return _FileLock(f"{url.database}.{safe_name}.lock")
    if backend != "sqlite":
        warnings.warn(f"no lock shared by workers for {backend} storage: workers that start "
                      "or finish at the same moment may collide (a failed start, or a few "
                      "trials over --total-trials)")
    return _NoLock()


@contextmanager
def holding(storage_url: str, name: str) -> Iterator[None]:
    """Runs the with-block while holding the named lock."""
    lock = make_lock(storage_url, name)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()
        lock.close()
