"""Which due rows one worker takes, and how: the claiming side of a delivery pass.

Candidates are read on a read-only snapshot, then claimed in one short write transaction. A
paused transport's rows are not even looked at, but for one probe when its pause runs out
(`chatops.delivery.pauses`); a row's pace key is held while it is in flight
(`chatops.delivery.pacing`); a superseded update is dropped and the replies queued behind a
reply are folded into it (`chatops.delivery.coalescing`). `follow` claims, in an answer's own
transaction, the row a key sends next.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims, coalescing, pauses
from chatops.delivery.outbox import Job
from chatops.delivery.pacing import pace_key
from db.session import read_only


class Claimer:
    def __init__(self, sessions: sessionmaker[Session], worker: str) -> None:
        self.sessions = sessions
        self.worker = worker
        self.stopped: dict[str, pauses.Pause] = {}  # the pauses the last pass saw
        self.looked_at: dict[str, datetime] = {}  # when each transport's last pass looked
        self.probes: set[int] = set()  # rows let through to probe a paused transport
        self._lock = threading.Lock()

    def is_probe(self, row_id: int) -> bool:
        """Whether the row was a probe (asked once, by its answer)."""
        with self._lock:
            found = row_id in self.probes
            self.probes.discard(row_id)
            return found

    def due(self, transport: str | None, limit: int) -> list[Job]:
        """Claim at most `limit` due rows (compare-and-set): looked up on a read-only
        snapshot, then claimed in one short write transaction."""
        now = datetime.now(UTC)
        for name in (transport,) if transport else ("slack", "teams"):
            self.looked_at[name] = now
        candidates: list[Any] = []
        with self.sessions() as session:  # look without blocking writers …
            self.stopped = stopped = pauses.current(read_only(session))
            if limit > 0:
                candidates = self._candidates(session, now, limit, transport, stopped)
        if not candidates:
            return []
        with self.sessions.begin() as session:  # … then claim
            return [job for row in candidates
                    if (job := self._claim(session, row, stopped, now)) is not None]

    def due_in(self, session: Session, transport: str | None, limit: int) -> list[Job]:
        """`due`, in the caller's write transaction (rows it just wrote may be due)."""
        now = datetime.now(UTC)
        for name in (transport,) if transport else ("slack", "teams"):
            self.looked_at[name] = now
        self.stopped = stopped = pauses.current(session)
        return [job for row in self._candidates(session, now, limit, transport, stopped)
                if (job := self._claim(session, row, stopped, now)) is not None]

    def _candidates(self, session: Session, now: datetime, limit: int, transport: str | None,
                    stopped: dict[str, pauses.Pause]) -> list[Any]:
        """Due rows, but none of a paused transport: only one, when its probe is due."""
        slack = stopped.get("slack")
        held = [key.removeprefix("teams:") for key, pause in stopped.items()
                if key.startswith("teams:") and pause.holds(now)]
        if slack is None or transport == "teams":
            rows = claims.due_rows(session, now, limit, transport, held)
        else:  # Slack paused: its rows are not even looked at until the probe
            rows = [] if slack.holds(now) else claims.due_rows(session, now, 1, "slack")
            if transport is None:
                rows += claims.due_rows(session, now, limit, "teams", held)
        kept, probing = [], set()
        for row in rows:
            key = pauses.transport_key(row.transport, row.target)
            if key in stopped:
                if stopped[key].holds(now) or key in probing:
                    continue
                probing.add(key)
            kept.append(row)
        return kept

    def _claim(self, session: Session, row: Any, stopped: dict[str, pauses.Pause],
               now: datetime) -> Job | None:
        """Claim one candidate: superseded updates are dropped, a paused transport's probe is
        taken, the pace key held, queued replies folded in."""
        if coalescing.drop_superseded(session, row, now):
            return None
        probe = pauses.transport_key(row.transport, row.target)
        probing = probe in stopped
        if probing and not pauses.take_probe(session, probe, self.worker, now):
            return None
        key = pace_key(row.transport, row.method, row.target)
        if key is None or claims.reserve_channel(session, key, now):
            job = self._take(session, row, now)
            if job is not None:
                if probing:
                    with self._lock:
                        self.probes.add(job.id)
                return job
            if key is not None:
                claims.release_channel(session, key, now)
        if probing:
            pauses.release_probe(session, probe, self.worker, now)
        return None

    def _take(self, session: Session, row: Any, now: datetime) -> Job | None:
        """Compare-and-set the claim; fold the replies queued behind the row into it."""
        if not claims.claim(session, row, self.worker, now):
            return None
        merged = coalescing.merge_behind(session, row, now)
        return Job.of(row) if merged is None else replace(Job.of(row), payload=merged)

    def follow(self, session: Session, key: str, now: datetime, at: datetime) -> Job | None:
        """In an answer's transaction: claim the row its pace key sends next, at `at`."""
        row = claims.head_of_key(session, key, now, at)
        if row is None or pauses.transport_key(row.transport, row.target) in self.stopped:
            return None
        if coalescing.drop_superseded(session, row, now):
            return None  # the next pass looks again
        return self._take(session, row, now)
