"""Benchmark: one SLA scan over many open tickets of which only some are due, on SQLite.

    python bench/sla_scan.py [--open 100000] [--small 10000] [--due 1000] [--runs 7]

Setup bulk-inserts tickets and their two target clocks with SQLAlchemy Core (urgent priority,
24x7, marks 50/25/10/0 %): `--due` tickets are 20 minutes old (their first-response 50 % mark
is due), the others 1 minute old. A scan is `SlaService.scan_due`, the code the scheduler runs:
it reads the due clocks, records the marks, writes one outbox row per nudge and commits.
The delivery worker later expands each such row into the nudge's messages (thread reply,
assignee DM, Teams card, parent redraw); that expansion is timed separately, as delivery-side
work. Between runs the due rows are restored (untimed). Reported: the median scan over `--open`
tickets and over `--small` tickets, with
the same number due, and their ratio: the cost follows due tickets, not open ones.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import delete, insert, update  # noqa: E402

from chatops.app import build_runtime  # noqa: E402
from chatops.clock import FixedClock  # noqa: E402
from chatops.config import validate_config_data  # noqa: E402
from chatops.environment import Environment  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import OutboxMessage, Ticket  # noqa: E402
from db.models_sla import SlaClock, SlaNudge  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
US = timedelta(microseconds=1)
CONFIG = {"timezone": "UTC", "teams": [{
    "name": "support", "channel": "C0SUPPORT", "leads": ["U0LEAD1"],
    "agents": {"bob@example.com": "U0AGENT1"}, "teams_webhook_env": "TEAMS_WEBHOOK_SUPPORT"}]}
CHUNK = 20_000


def _first_response_next(created: datetime) -> datetime:
    return created + 15 * MINUTE + US  # strictly below 50 % of 30 min


def build(path: Path, open_tickets: int, due: int) -> Any:
    """A migrated SQLite database with `open_tickets` tickets, the first `due` of them due."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.begin() as conn:
        for start in range(0, open_tickets, CHUNK):
            tickets, clocks = [], []
            for n in range(start, min(start + CHUNK, open_tickets)):
                created = NOW - (20 if n < due else 1) * MINUTE
                tid = f"T{n:07d}"
                tickets.append(dict(
                    id=tid, team="support", subject=f"Benchmark ticket {n}",
                    url=f"https://helpdesk.example.com/tickets/{n}", priority="urgent",
                    status="open", requester_name="Ann Client", requester_email="ann@client.example",
                    assignee_name="Bob Agent", assignee_email="bob@example.com",
                    created_at=created, state_at=created, first_response_at=None, solved_at=None))
                for target, budget, next_at in (
                        ("first_response", 30 * MINUTE, _first_response_next(created)),
                        ("resolution", 240 * MINUTE, created + 120 * MINUTE + US)):
                    clocks.append(dict(
                        ticket_id=tid, target=target, calendar="24x7", started_at=created,
                        budget_us=int(budget / US), paused_work_us=0, paused_since=None,
                        met_at=None, pauses="[]", due_at=created + budget, mark_floor=None,
                        next_mark_at=next_at))
            conn.execute(insert(Ticket.__table__), tickets)
            conn.execute(insert(SlaClock.__table__), clocks)
        conn.exec_driver_sql("ANALYZE")
    return engine


def restore(engine: Any, due: int) -> None:
    """Undo a scan (untimed): the due clocks due again, no nudges, an empty outbox."""
    c = SlaClock.__table__.c
    with engine.begin() as conn:
        conn.execute(delete(SlaNudge.__table__))
        conn.execute(delete(OutboxMessage.__table__))
        conn.execute(update(SlaClock.__table__)
                     .where(c.target == "first_response", c.ticket_id < f"T{due:07d}")
                     .values(next_mark_at=_first_response_next(NOW - 20 * MINUTE),
                             mark_floor=None))


class Subject:
    """One database of `open_tickets` tickets, `due` of them due, and the scan service."""

    def __init__(self, open_tickets: int, due: int, folder: Path) -> None:
        self.open, self.due = open_tickets, due
        self.engine = build(folder / f"sla-{open_tickets}.db", open_tickets, due)
        self.sessions = make_session_factory(self.engine)
        # The app as `chatops serve` wires it, on this database, at NOW; its worker only expands.
        self.runtime = build_runtime(validate_config_data(CONFIG), Environment(),
                                     clock=FixedClock(NOW), engine=self.engine)
        self.runtime.worker.batch = 250
        self.times: list[float] = []
        self.outbox: list[float] = []
        self.sent = self.scanned = self.outbox_rows = self.messages = 0

    def run(self, record: bool = True) -> None:
        restore(self.engine, self.due)
        start = time.perf_counter()
        result = self.runtime.sla.scan_due(self.sessions, NOW)
        elapsed = time.perf_counter() - start
        with self.sessions() as session:
            self.outbox_rows = session.query(OutboxMessage).count()
        start = time.perf_counter()
        while self.runtime.worker.expand_deferred():
            pass
        expanded = time.perf_counter() - start
        if record:
            self.times.append(elapsed)
            self.outbox.append(expanded)
        self.sent, self.scanned = result.sent, result.scanned
        with self.sessions() as session:
            self.messages = session.query(OutboxMessage).filter(
                OutboxMessage.transport != "internal").count()

    def summary(self) -> dict[str, Any]:
        self.engine.dispose()
        return {"open": self.open, "due": self.due, "sent": self.sent, "scanned": self.scanned,
                "outbox_rows": self.outbox_rows, "messages": self.messages, "median_s": statistics.median(self.times),
                "min_s": min(self.times), "outbox_s": statistics.median(self.outbox)}


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--open", type=int, default=100_000, help="open tickets, large run")
    p.add_argument("--small", type=int, default=10_000, help="open tickets, small run")
    p.add_argument("--due", type=int, default=1_000, help="due tickets in both runs")
    p.add_argument("--runs", type=int, default=7, help="timed scans per size (after a warm-up)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chatops-bench-sla-") as folder:
        subjects = [Subject(args.open, args.due, Path(folder)),
                    Subject(args.small, args.due, Path(folder))]
        for subject in subjects:
            subject.run(record=False)  # warm-up: caches, statement compilation
        for _ in range(args.runs):  # alternate, so background noise hits both sizes alike
            for subject in subjects:
                subject.run()
        large, small = (subject.summary() for subject in subjects)
    ratio = large["median_s"] / small["median_s"]
    rows = [("open tickets", "due", "nudges sent", "median scan", "best scan",
             "then, in the worker: messages", "expansion")]
    for r in (large, small):
        rows.append((f"{r['open']:,}", f"{r['due']:,}", f"{r['sent']:,}",
                     f"{r['median_s'] * 1000:.1f} ms", f"{r['min_s'] * 1000:.1f} ms",
                     f"{r['messages']:,}", f"{r['outbox_s'] * 1000:.1f} ms"))
    print(table(rows))
    print(f"\nratio {args.open:,} / {args.small:,} open tickets, median scans: {ratio:.2f} "
          f"(best scans: {large['min_s'] / small['min_s']:.2f})")
    return {"large": large, "small": small, "ratio": ratio}


if __name__ == "__main__":
    main()
