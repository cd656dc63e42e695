"""Whether an exception means the database cannot be used right now (a server fault, the
one thing that answers 503), as opposed to a fault in what was asked of it."""
from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# SQLite: busy, locked, read-only, I/O error, full, cannot open (the file or its folder gone).
_SQLITE_UNAVAILABLE = frozenset({5, 6, 8, 10, 13, 14})
# PostgreSQL's SQLSTATE classes: 08 connection exception, 53 insufficient resources,
# 57 operator intervention (shutting down, cannot connect now). Not 40 (a deadlock or a
# serialization failure: the same work done again succeeds).
_POSTGRES_UNAVAILABLE = ("08", "53", "57")


def database_unavailable(exc: BaseException) -> bool:
    """Connection refused or lost, the pool or SQLite's write lock not had in time, SQLite's
    file or folder gone: the same request may well succeed later."""
    if isinstance(exc, TimeoutError | PoolTimeout | DisconnectionError):
        return True  # TimeoutError: SQLite's write lock (db/session.py) not had in time
    if isinstance(exc, FileNotFoundError | PermissionError):
        return str(exc.filename or "").endswith("-writer.lock")  # SQLite's folder is gone
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorcode", 0) & 0xFF in _SQLITE_UNAVAILABLE
    state = getattr(orig, "sqlstate", "")
    if state is None:  # psycopg: the client could not reach the server at all
        return type(orig).__name__ in ("OperationalError", "InterfaceError")
    return str(state)[:2] in _POSTGRES_UNAVAILABLE


def one_line(exc: BaseException) -> str:
    """The exception for a one-line log entry: its type and the first line of its message."""
    first = next(iter(str(exc).splitlines()), "")
    return f"{type(exc).__name__}: {first[:300]}" if first else type(exc).__name__
