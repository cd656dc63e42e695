"""Engine and session factory, tuned per database."""
from __future__ import annotations

import os
import threading
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url

try:
    import fcntl
except ImportError:  # Windows: one process per database file there
    fcntl = None  # type: ignore[assignment]
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///chatops.db"
READ_ONLY = "chatops_read_only"  # execution option: this transaction only reads
ONE_READ = "chatops_one_read"  # execution option: this transaction is one SELECT, no more
WRITER_WAIT_SECONDS = 30
SQLITE_CACHE_KIB = 256  # per connection (SQLite: 2,000 KiB by default)
_HOLDS_WRITER = "chatops_holds_writer"


def make_engine(url: str) -> Engine:
    """SQLite gets WAL and a busy timeout so web, worker and scheduler threads share it."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # Each pooled connection keeps its own page cache (2 MB by default, a dozen
            # connections per process); the OS caches the file for all of them anyway.
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cur.close()

        # One writer at a time, queued on a Python lock within the process and on a file lock
        # between processes (`chatops serve`'s app process, `chatops worker`, `chatops jobs run`):
        # SQLite's own busy handler would make a waiting writer sleep up to 100 ms at a time.
        writer = threading.Lock()
        between_processes = _ProcessLock(_sqlite_path(url))

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            options = conn.get_execution_options()
            # A single SELECT is its own transaction (SQLite reads one snapshot for it): no
            # BEGIN, and so no ROLLBACK either, two calls fewer into SQLite.
            if options.get(ONE_READ):
                return
            # Readers that asked for READ_ONLY don't hold up writers (WAL lets them read).
            if options.get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")
                return
            info = conn.connection.info
            if not info.get(_HOLDS_WRITER):
                deadline = time.monotonic() + WRITER_WAIT_SECONDS
                if not writer.acquire(timeout=WRITER_WAIT_SECONDS):
                    raise TimeoutError("SQLite: waited too long for the write lock")
                try:
                    between_processes.acquire(deadline)
                except BaseException:
                    writer.release()
                    raise
                info[_HOLDS_WRITER] = True
            # Take SQLite's write lock up front: no lock-upgrade deadlocks between processes.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine.pool, "checkin")
        def _release(dbapi_conn: Any, record: Any) -> None:
            if record is not None and record.info.pop(_HOLDS_WRITER, False):
                try:
                    between_processes.release()
                finally:
                    writer.release()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_path(url: str) -> str | None:
    """The database file of a SQLite URL; None for an in-memory database."""
    database = make_url(url).database
    return None if database in (None, "", ":memory:") else database


class _ProcessLock:
    """An exclusive `flock` on `<database>-writer.lock`, taken while this process's writer
    holds SQLite's write lock, so that only one thread of all processes waits on SQLite. The
    kernel frees it by itself when a process dies. A waiting process retries every 0.1-2 ms
    (writers of two processes, `chatops serve` and a `chatops worker` beside it, meet rarely).
    One descriptor per process (a forked child opens its own: a lock shared through an
    inherited descriptor would exclude nobody)."""

    def __init__(self, database: str | None) -> None:
        self.path = None if database is None or fcntl is None else database + "-writer.lock"
        self._fd: int | None = None
        self._pid = 0

    def _descriptor(self) -> int:
        if self._pid != os.getpid():
            # Read-only is enough for flock, and lets a service user lock a file that another
            # user (`sudo chatops db upgrade`) created.
            self._fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)  # type: ignore[arg-type]
            self._pid = os.getpid()
        assert self._fd is not None
        return self._fd

    def acquire(self, deadline: float) -> None:
        """Take the lock, or raise TimeoutError at `deadline` (time.monotonic())."""
        if self.path is None:
            return
        descriptor = self._descriptor()
        pause = 0.0001
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError("SQLite: another process held the write lock too long") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def release(self) -> None:
        if self.path is not None:
            fcntl.flock(self._descriptor(), fcntl.LOCK_UN)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def read_only(session: Session) -> Session:
    """Mark a fresh session's transaction as read-only (on SQLite: no write lock)."""
    session.connection(execution_options={READ_ONLY: True})
    return session


def one_read(session: Session) -> Session:
    """Mark a fresh session's transaction as a single SELECT, nothing else: on SQLite it
    runs without BEGIN and ROLLBACK (each call into SQLite gives up the interpreter lock, and
    a busy app process may take milliseconds to give it back). Only for one statement: two
    would each see their own snapshot."""
    session.connection(execution_options={READ_ONLY: True, ONE_READ: True})
    return session
