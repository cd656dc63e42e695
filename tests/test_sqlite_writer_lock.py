"""SQLite writers of several processes (`chatops serve`'s app process, `chatops worker`
beside it) queue on a file lock, not in SQLite's sleeping busy handler."""
from __future__ import annotations

import fcntl
import multiprocessing
import os
from pathlib import Path

from sqlalchemy import text

from db.session import make_engine, make_session_factory, one_read


def _write_rows(url: str, tag: str, count: int) -> None:
    engine = make_engine(url)
    for n in range(count):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t (tag, n) VALUES (:tag, :n)"), {"tag": tag, "n": n})
    engine.dispose()


def _try_lock(path: str, answer: multiprocessing.Queue[bool]) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        answer.put(True)
    except BlockingIOError:
        answer.put(False)
    finally:
        os.close(fd)


def test_a_write_transaction_holds_the_file_lock_against_other_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (tag TEXT, n INTEGER)"))
    lock = str(tmp_path / "x.db-writer.lock")
    spawn = multiprocessing.get_context("spawn")
    answer: multiprocessing.Queue[bool] = spawn.Queue()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES ('held', 0)"))
        probe = spawn.Process(target=_try_lock, args=(lock, answer))
        probe.start()
        probe.join(30)
        assert answer.get(timeout=5) is False  # another process must wait
    probe = spawn.Process(target=_try_lock, args=(lock, answer))
    probe.start()
    probe.join(30)
    assert answer.get(timeout=5) is True  # released at commit
    engine.dispose()


def test_two_processes_writing_at_once_both_get_every_row_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (tag TEXT, n INTEGER)"))
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=_write_rows, args=(url, tag, 300)) for tag in "ab"]
    for w in writers:
        w.start()
    _write_rows(url, "main", 300)  # and this process too
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT tag, count(*) FROM t GROUP BY tag")).all())
    assert counts == {"a": 300, "b": 300, "main": 300}
    engine.dispose()


def _hold_lock(path: str, held: multiprocessing.Event, release: multiprocessing.Event) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    held.set()
    release.wait(30)
    os.close(fd)


def test_waiting_for_another_process_gives_up_at_the_deadline(tmp_path: Path) -> None:
    import time

    import pytest

    from db.session import _ProcessLock

    lock = _ProcessLock(str(tmp_path / "x.db"))
    spawn = multiprocessing.get_context("spawn")
    held, release = spawn.Event(), spawn.Event()
    holder = spawn.Process(target=_hold_lock, args=(lock.path, held, release))
    holder.start()
    try:
        assert held.wait(30)
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            lock.acquire(time.monotonic() + 0.2)
        assert 0.2 <= time.monotonic() - started < 2
    finally:
        release.set()
        holder.join(30)
    lock.acquire(time.monotonic() + 5)  # free again once the holder is gone
    lock.release()


def test_a_one_read_session_reads_committed_rows_beside_a_writer_without_a_transaction(
        tmp_path: Path) -> None:
    """`one_read`: a single SELECT that is its own transaction on SQLite (no BEGIN, no
    ROLLBACK): it neither waits for a writer nor sees the writer's uncommitted row."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (tag TEXT, n INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES ('committed', 1)"))
    sessions = make_session_factory(engine)
    with engine.begin() as writer:  # holds the write lock of this process and of SQLite
        writer.execute(text("INSERT INTO t VALUES ('uncommitted', 2)"))
        with sessions() as session:
            tags = one_read(session).execute(text("SELECT tag FROM t")).scalars().all()
            dbapi = session.connection().connection.dbapi_connection
            assert dbapi is not None and not dbapi.in_transaction
        assert tags == ["committed"]
    with sessions() as session:
        assert sorted(one_read(session).execute(text("SELECT tag FROM t")).scalars()) == [
            "committed", "uncommitted"]
    engine.dispose()
