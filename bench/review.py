"""Benchmark: one team's weekly review figures over two years of data, on SQLite.

    python bench/review.py [--ratings 1000000] [--tickets 300000] [--runs 7] [--fresh]

The database holds `--tickets` tickets (two SLA clocks each, a breach for one target in ten)
and `--ratings` ratings (a follow-up for half the negative ones), with QA reviews and appeals,
spread evenly over the two years before the review and over four teams, half of everything in
the measured team. It is generated once with plain executemany (a few seconds per million
rows) and kept in the temp folder for the next run (`--fresh` builds it again).

A run is what the review reads before it writes anything: the team's figures for the week
and the week before (`team_figures`), every agent's week (`agents_of_week`) and the negative
ratings listed in the thread. Reported: the median and best of `--runs` runs after a warm-up.
The figures are also checked against a count the generator kept in Python.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from chatops.review.agents import agents_of_week  # noqa: E402
from chatops.review.figures import team_figures  # noqa: E402
from chatops.review.negatives import negative_ratings  # noqa: E402
from chatops.review.window import ReviewWindow  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402

END = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SPAN = timedelta(days=730)
TEAMS = ("support", "billing", "sales", "ops")
AGENTS = [f"agent{i}@example.com" for i in range(40)]
SCORES = ("good", "good", "good", "neutral", "bad", "5", "4", "3", "2", "1")
NEGATIVE = {"bad", "1", "2"}
CHUNK = 50_000
# A rating's columns as generated (a migration may add others after them).
RATING_COLUMNS = ("id", "rating_id", "event_id", "ticket_id", "team", "score", "negative",
                  "comment", "agent_name", "agent_email", "agent_target", "agent_visibility",
                  "occurred_at", "received_at", "delivered_to_agent_at")
VERSION = 1  # bump when the generated data changes


def _stamp(moment: datetime) -> str:
    """How SQLAlchemy's SQLite DateTime stores a (naive UTC) moment."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _team(rng: random.Random) -> str:
    return "support" if rng.random() < 0.5 else rng.choice(TEAMS[1:])


def _insert(conn: Any, table: str, rows: list[tuple[Any, ...]],
            columns: tuple[str, ...] | None = None) -> None:
    """`rows` in the table's column order, or in `columns`' (the others get their default)."""
    marks = ", ".join("?" * len(rows[0]))
    named = f" ({', '.join(columns)})" if columns else ""
    conn.exec_driver_sql(f"INSERT INTO {table}{named} VALUES ({marks})", rows)


def build(path: Path, tickets: int, ratings: int) -> dict[str, int]:
    """Generate the database at `path`; return what the measured week must show."""
    rng = random.Random(20261130)
    window = ReviewWindow.ending(END, "UTC")
    start = END - SPAN
    expect: Counter[str] = Counter()

    def moment() -> datetime:
        return start + timedelta(seconds=rng.random() * SPAN.total_seconds())

    def in_week(at: datetime | None, team: str) -> bool:
        return team == "support" and at is not None and window.start <= at < window.end

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    columns = ("id", "team", "subject", "url", "priority", "status", "requester_name",
               "requester_email", "assignee_name", "assignee_email", "created_at", "state_at",
               "first_response_at", "solved_at")
    with engine.begin() as conn:
        order = ", ".join(columns)
        for first in range(0, tickets, CHUNK):
            rows, clocks, nudges = [], [], []
            for n in range(first, min(first + CHUNK, tickets)):
                tid, team, agent = f"T{n:07d}", _team(rng), rng.choice(AGENTS)
                created = moment()
                reply = created + timedelta(minutes=rng.expovariate(1 / 40))
                solved = created + timedelta(hours=rng.expovariate(1 / 30)) if rng.random() < 0.9 else None
                expect["opened"] += in_week(created, team)
                expect["solved"] += in_week(solved, team)
                rows.append((tid, team, f"Ticket {n}", f"https://helpdesk.example.com/t/{n}",
                             "normal", "solved" if solved else "open", "Ann", "ann@example.com",
                             agent.split("@")[0], agent, _stamp(created), _stamp(solved or created),
                             _stamp(reply), _stamp(solved) if solved else None))
                for target, met, budget in (("first_response", reply, 60), ("resolution", solved, 48 * 60)):
                    work = int((met - created).total_seconds() * 1e6) if met else None
                    clocks.append((tid, target, "24x7", _stamp(created), budget * 60_000_000, 0,
                                   None, _stamp(met) if met else None, work, "[]", None, None, None))
                    expect[f"{target}_met"] += in_week(met, team)
                    if rng.random() < 0.1:
                        breach = created + timedelta(minutes=budget)
                        nudges.append((tid, target, 0, "#8B0000", 1, _stamp(breach)))
                        expect[f"{target}_breaches"] += in_week(breach, team)
            conn.exec_driver_sql(f"INSERT INTO tickets ({order}) VALUES ({', '.join('?' * len(columns))})", rows)
            conn.exec_driver_sql(
                "INSERT INTO sla_clocks (ticket_id, target, calendar, started_at, budget_us, "
                "paused_work_us, paused_since, met_at, met_work_us, pauses, due_at, mark_floor, "
                "next_mark_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", clocks)
            conn.exec_driver_sql("INSERT INTO sla_nudges (ticket_id, target, mark, colour, sent, "
                                 "recorded_at) VALUES (?, ?, ?, ?, ?, ?)", nudges)
        for first in range(0, ratings, CHUNK):
            rows, follow_ups = [], []
            for n in range(first, min(first + CHUNK, ratings)):
                team, agent, score = _team(rng), rng.choice(AGENTS), rng.choice(SCORES)
                received, negative = moment(), score in NEGATIVE
                rows.append((n + 1, f"r{n}", f"e{n}", f"T{rng.randrange(tickets):07d}", team, score,
                             negative, "Bench comment", agent.split("@")[0], agent, None,
                             "leads_only", _stamp(received), _stamp(received), _stamp(received)))
                expect["ratings"] += in_week(received, team)
                expect["negative"] += negative and in_week(received, team)
                if negative and rng.random() < 0.5:
                    follow_ups.append((n + 1, "U0LEAD1", _stamp(received + timedelta(hours=2)), None, None))
            _insert(conn, "ratings", rows, RATING_COLUMNS)
            _insert(conn, "rating_follow_ups", follow_ups)
        reviews, appeals = [], []
        for n in range(tickets // 15):
            team, created = _team(rng), moment()
            reviews.append((n + 1, f"T{rng.randrange(tickets):07d}", team, "Agent",
                            rng.choice(AGENTS), None, "U0LEAD1", _stamp(created),
                            rng.randrange(40, 101), rng.random() < 0.7, False, None, "[]",
                            f"s{n}", None, None))
            expect["qa_reviews"] += in_week(created, team)
            if n % 10 == 0:
                appeals.append((n // 10 + 1, n + 1, team, "U0AGENT1", "why", _stamp(created + timedelta(days=1)),
                                "open", None, None, None, None))
        _insert(conn, "qa_reviews", reviews)
        _insert(conn, "qa_appeals", appeals)
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return dict(expect)


def measure(path: Path, runs: int) -> tuple[list[float], Any]:
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_session_factory(engine)
    window = ReviewWindow.ending(END, "UTC")
    times, figures = [], None
    for run in range(runs + 1):
        with sessions() as session:
            started = time.perf_counter()
            figures = team_figures(session, "support", window)
            agents_of_week(session, "support", window,
                           lambda email, other: email or other or "", [])
            negative_ratings(session, "support", window, {}, 40)
            elapsed = time.perf_counter() - started
        if run:  # the first is a warm-up
            times.append(elapsed)
    engine.dispose()
    return times, figures


def check(figures: Any, expect: dict[str, int]) -> list[str]:
    """What differs between the SQL figures and the generator's own count."""
    week = figures.week
    found = {"opened": week.opened, "solved": week.solved, "ratings": week.ratings.total,
             "negative": week.ratings.negative, "qa_reviews": week.qa.reviews}
    for target in ("first_response", "resolution"):
        found[f"{target}_met"] = week.targets[target].met
        found[f"{target}_breaches"] = week.targets[target].breaches
    return [f"{k}: SQL {v}, generated {expect.get(k, 0)}" for k, v in found.items()
            if v != expect.get(k, 0)]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ratings", type=int, default=1_000_000)
    p.add_argument("--tickets", type=int, default=300_000)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--fresh", action="store_true", help="generate the database again")
    p.add_argument("--folder", default=tempfile.gettempdir(), help="where the database is kept")
    args = p.parse_args(argv)
    path = Path(args.folder) / f"chatops-bench-review-v{VERSION}-{args.tickets}-{args.ratings}.db"
    expected = path.with_suffix(".expected")
    if args.fresh or not (path.exists() and expected.exists()):
        for stale in (path, expected, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        started = time.perf_counter()
        expect = build(path, args.tickets, args.ratings)
        expected.write_text(json.dumps(expect))
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    expect = json.loads(expected.read_text())
    times, figures = measure(path, args.runs)
    wrong = check(figures, expect)
    week = figures.week
    print(f"| data | {args.tickets:,} tickets, {args.ratings:,} ratings over two years, 4 teams |")
    print("|---|---|")
    print(f"| the week's figures of one team | {week.opened:,} tickets opened, "
          f"{week.ratings.total:,} ratings, {week.qa.reviews:,} QA reviews |")
    print(f"| median of {args.runs} runs | {statistics.median(times) * 1000:.0f} ms |")
    print(f"| best run | {min(times) * 1000:.0f} ms |")
    print("figures: " + ("match the generator's count" if not wrong else "DIFFER: " + "; ".join(wrong)))
    return {"times": times, "wrong": wrong, "figures": figures, "expect": expect}


if __name__ == "__main__":
    main()
