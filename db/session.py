"""Engine and session factory, tuned per database."""
from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///chatops.db"
READ_ONLY = "chatops_read_only"  # execution option: this transaction only reads
WRITER_WAIT_SECONDS = 30
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
            cur.close()

        # One writer at a time in this process, queued on a Python lock: SQLite's own busy
        # handler would make waiting threads sleep whole milliseconds between retries.
        writer = threading.Lock()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Readers that asked for READ_ONLY don't hold up writers (WAL lets them read).
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")
                return
            info = conn.connection.info
            if not info.get(_HOLDS_WRITER):
                if not writer.acquire(timeout=WRITER_WAIT_SECONDS):
                    raise TimeoutError("SQLite: waited too long for the write lock")
                info[_HOLDS_WRITER] = True
            # Take SQLite's write lock up front: no lock-upgrade deadlocks between processes.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine.pool, "checkin")
        def _release(dbapi_conn: Any, record: Any) -> None:
            if record is not None and record.info.pop(_HOLDS_WRITER, False):
                writer.release()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def read_only(session: Session) -> Session:
    """Mark a fresh session's transaction as read-only (on SQLite: no write lock)."""
    session.connection(execution_options={READ_ONLY: True})
    return session
