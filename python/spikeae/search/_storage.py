"""The database of a search: its URL checked and opened, and every failure to do
so turned into one SpikeaeError line that names the storage (never its password)
and says what to do, instead of a SQLAlchemy traceback."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from typing import Any, Iterator

import optuna
import sqlalchemy.exc
from sqlalchemy.engine import URL, make_url

from .._core import SpikeaeError
from ._locks import holding

EXAMPLES = "sqlite:///PATH/search.db or postgresql+psycopg2://USER@HOST/DATABASE"
# The first bytes of every SQLite 3 database file.
_SQLITE_HEADER = b"SQLite format 3\x00"


def parse_url(url: str) -> URL:
    """The storage URL, parsed; a SpikeaeError if SQLAlchemy cannot use it."""
    try:
        parsed = make_url(url)
    except (sqlalchemy.exc.ArgumentError, ValueError) as error:
        # Not SQLAlchemy's message: it can repeat the URL, password included. Its
        # ValueError comes from a port that is not a number (postgresql://host:x/db).
        reason = " (its port is not a number)" if isinstance(error, ValueError) else ""
        raise SpikeaeError(f"invalid storage URL {shown(url)!r}: not a database URL{reason}; "
                           f"give one such as {EXAMPLES}") from None
    try:
        dialect = parsed.get_dialect()
    except sqlalchemy.exc.NoSuchModuleError:
        raise SpikeaeError(f"invalid storage URL {shown(url)!r}: SQLAlchemy knows no database "
                           f"{parsed.drivername!r}; give a URL such as {EXAMPLES}") from None
    _check_driver(dialect, url)
    return parsed


def _check_driver(dialect: Any, url: str) -> None:
    """Imports the URL's database driver, as the first connection would."""
    # SQLAlchemy 2 names the class method import_dbapi, 1.4 dbapi.
    load = getattr(dialect, "import_dbapi", None) or dialect.dbapi
    try:
        load()
    except ImportError as error:
        raise SpikeaeError(f"cannot use the search storage {shown(url)}: its database driver "
                           f"is not installed for this Python ({error}); install it, or give "
                           "another --storage") from None


def shown(url: str) -> str:
    """The URL as it may be printed: the password replaced by ***."""
    try:
        return printable(make_url(url).render_as_string(hide_password=True))
    except (sqlalchemy.exc.ArgumentError, ValueError):
        return printable(_without_password(url))


def printable(text: str) -> str:
    """text with control characters escaped, so that echoing it cannot drive the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _without_password(text: str) -> str:
    # For text SQLAlchemy could not parse: hide whatever stands between "user:" and "@".
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)


def sqlite_path(url: str) -> str:
    """The file of a SQLite URL ("" for an in-memory database or another database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return ""
    return parsed.database if parsed.database not in (None, ":memory:") else ""


def check_sqlite_file(url: str) -> None:
    """Refuses, before anything is written, a SQLite path that is a folder, a file of
    another kind, or in a folder that cannot be created or written; creates the folder.
    """
    path = sqlite_path(url)
    if not path:
        return
    where = f"SQLite storage {printable(path)}"
    if os.path.isdir(path):
        raise SpikeaeError(f"{where} is a folder, not a database file: give a file, e.g. "
                           f"--storage sqlite:///{os.path.join(path, 'search.db')}")
    if os.path.exists(path):
        _check_sqlite_header(path, where)
        if not os.access(path, os.R_OK | os.W_OK):
            raise SpikeaeError(f"{where}: the file cannot be read and written by this user; "
                               "change its permissions or give another --out or --storage")
        return
    folder = os.path.dirname(os.path.abspath(path))
    blocking = _file_in_the_way(folder)
    if blocking:
        raise SpikeaeError(f"{where}: cannot create its folder: {printable(blocking)} is a "
                           "file, not a "
                           "folder; give another --out or --storage")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise SpikeaeError(f"{where}: cannot create its folder {printable(folder)} "
                           f"({error.strerror}); "
                           "give another --out or --storage") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SpikeaeError(f"{where}: the folder {printable(folder)} is not writable by this "
                           "user; give another --out or --storage")


def _file_in_the_way(folder: str) -> str:
    """The first existing part of folder's path if that is not a folder, else ""."""
    while not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            return ""
        folder = parent
    return "" if os.path.isdir(folder) else folder


def _check_sqlite_header(path: str, where: str) -> None:
    try:
        with open(path, "rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise SpikeaeError(f"{where}: cannot read it ({error.strerror}); give another --out "
                           "or --storage") from None
    # An empty file is what SQLite makes of a new database before its first table.
    if header and header != _SQLITE_HEADER:
        raise SpikeaeError(f"{where} is not a SQLite database (the file holds other data); "
                           "give another --out or --storage, or move the file away")


@contextmanager
def storage_errors(url: str) -> Iterator[None]:
    """Runs the with-block, turning a failure to reach or use the database into one
    SpikeaeError line (the driver's first line, with what to check)."""
    try:
        yield
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise SpikeaeError(f"cannot use the search storage {shown(url)}: {_driver_message(error)}"
                           f"; {_advice(url)}") from None
    except OSError as error:
        # The lock file next to a SQLite database (see _search_locks).
        raise SpikeaeError(f"cannot use the search storage {shown(url)}: {error.strerror}: "
                           f"{printable(str(error.filename))}; {_advice(url)}") from None


def _driver_message(error: sqlalchemy.exc.SQLAlchemyError) -> str:
    # The driver's own exception (error.orig) without SQLAlchemy's SQL and links.
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip()
    return printable(text.splitlines()[0]) if text else type(error).__name__


def _advice(url: str) -> str:
    if make_url(url).get_backend_name() == "sqlite":
        return ("check that the path is a SQLite file this user can write, or give another "
                "--out or --storage")
    return ("check that the database server is running and that the URL's host, port, user, "
            "password and database are right")


def open_storage(url: str, **storage_options: Any) -> optuna.storages.RDBStorage:
    """Optuna's storage for url, after checking it (see check_sqlite_file).

    Raises:
        SpikeaeError: the URL is invalid, or the database cannot be reached or used.
    """
    parse_url(url)
    check_sqlite_file(url)
    engine_kwargs = {}
    if sqlite_path(url):
        # Workers on one machine take turns writing; wait for the file lock a while.
        engine_kwargs = {"connect_args": {"timeout": 60}}
    with storage_errors(url):
        # The first connection to an empty database creates Optuna's tables; two
        # workers doing that at once collide, so they take turns.
        with holding(url, "schema"):
            return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs,
                                              **storage_options)
