"""A known week for the weekly review tests: rows written straight into the tables (as the
ticket, SLA, ratings and QA features store them), inside the week, in the week before, and
just outside both on either side.

The review runs at END, Monday 30 November 2026 10:00 in Europe/Berlin (09:00 UTC). Its week
is [START, END), the week before [BEFORE, START). Every expected figure in the tests is
counted by hand from the rows below (the comments say which rows count).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, update

from chatops.clock import FixedClock
from chatops.config import validate_config_data
from db.models import Ticket
from db.models_people import Rating, RatingFollowUp
from db.models_qa import QaAppeal, QaReview
from db.models_sla import SlaClock, SlaNudge
from tests.conftest import BASE_CONFIG, Harness

END = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
START = END - timedelta(days=7)
BEFORE = START - timedelta(days=7)
US = timedelta(microseconds=1)
BOB = ("Bob Agent", "bob@example.com")      # U0AGENT1 in the team's agents map
CAROL = ("Carol Agent", "carol@example.com")  # U0AGENT2 in the map
DAVE = ("Dave Agent", "dave@example.com")    # not in the map: users.lookupByEmail → U0AGENT3
ERIN = ("erin@example.com", "U0AGENT4")      # in the map, nothing this week
AGENT_NAMES = ("Bob Agent", "Carol Agent", "Dave Agent", "bob@example.com",
               "carol@example.com", "dave@example.com", "erin@example.com",
               "U0AGENT1", "U0AGENT2", "U0AGENT3", "U0AGENT4")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026, UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def review_data(mode: str = "leads_only", per_agent: bool = False, cron: str = "0 10 * * mon",
                timezone: str = "Europe/Berlin", team_timezone: str | None = None,
                **team: Any) -> dict[str, Any]:
    """app.yaml's content: the team `support` (three agents in its map) and `other`."""
    data = json.loads(json.dumps(BASE_CONFIG))
    base = data["teams"][0]
    base.update(rating_visibility=mode, weekly_review={"cron": cron, "per_agent": per_agent},
                agents={BOB[1]: "U0AGENT1", CAROL[1]: "U0AGENT2", ERIN[0]: ERIN[1]}, **team)
    if team_timezone:
        base["timezone"] = team_timezone
    other = {"name": "other", "channel": "C0OTHER", "leads": ["U0LEAD9"]}
    return dict(data, timezone=timezone, teams=[base, other])


def review_config(*args: Any, **kwargs: Any) -> Any:
    return validate_config_data(review_data(*args, **kwargs))


@dataclass
class World:
    """Rows to write, in the order foreign keys need."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    later: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    mode: str = "leads_only"

    def _row(self, table: str, **values: Any) -> None:
        self.tables.setdefault(table, []).append(values)

    def ticket(self, key: str, subject: str, created: datetime, agent: tuple[str, str] | None = BOB,
               solved: datetime | None = None, team: str = "support") -> None:
        self._row("tickets", id=key, team=team, subject=subject,
                  url=f"https://helpdesk.example.com/tickets/{key}", priority="urgent",
                  status="solved" if solved else "open", requester_name="Ann Client",
                  requester_email="ann@client.example", assignee_name=agent[0] if agent else None,
                  assignee_email=agent[1] if agent else None, created_at=created,
                  state_at=solved or created, first_response_at=None, solved_at=solved)

    def clock(self, ticket: str, target: str, met: datetime | None, work_min: float | None,
              budget_min: float) -> None:
        self._row("sla_clocks", ticket_id=ticket, target=target, calendar="24x7",
                  started_at=BEFORE - timedelta(days=30), budget_us=int(budget_min * 60e6),
                  paused_work_us=0, pauses="[]", met_at=met,
                  met_work_us=None if work_min is None else int(work_min * 60e6))

    def nudge(self, ticket: str, target: str, recorded: datetime, mark: int = 0) -> None:
        self._row("sla_nudges", ticket_id=ticket, target=target, mark=mark, colour="#8B0000",
                  sent=True, recorded_at=recorded)

    def rating(self, key: str, ticket: str, score: str, negative: bool, received: datetime,
               agent: tuple[str, str] | None, comment: str | None = None,
               followed_after: timedelta | None = None, team: str = "support") -> None:
        self._row("ratings", key=key, rating_id=key, event_id=f"evt-{key}", ticket_id=ticket,
                  team=team, score=score, negative=negative, comment=comment,
                  agent_name=agent[0] if agent else None, agent_email=agent[1] if agent else None,
                  agent_target=None, agent_visibility=self.mode, occurred_at=received,
                  received_at=received, delivered_to_agent_at=None,
                  followed_after=followed_after)

    def qa(self, key: str, ticket: str, created: datetime, score: int, passed: bool,
           agent: tuple[str, str], superseded_by: str | None = None, team: str = "support") -> None:
        self._row("qa_reviews", key=key, ticket_id=ticket, team=team, agent_name=agent[0],
                  agent_email=agent[1], agent_target=None, reviewer="U0LEAD1", created_at=created,
                  score=score, passed=passed, critical_failed=False, comment=None, signals="[]",
                  source=f"view-{key}", superseded_by=superseded_by)

    def appeal(self, review: str, opened: datetime, status: str = "open",
               decided: datetime | None = None, team: str = "support") -> None:
        self._row("qa_appeals", review=review, team=team, agent="U0AGENT1", reason="unfair",
                  opened_at=opened, status=status, decided_by="U0LEAD1" if decided else None,
                  decided_at=decided)

    def write(self, engine: Engine) -> None:
        with engine.begin() as conn:
            for table, model in (("tickets", Ticket), ("sla_clocks", SlaClock),
                                 ("sla_nudges", SlaNudge)):
                if self.tables.get(table):
                    conn.execute(insert(model.__table__), self.tables[table])
            for row in self.tables.get("ratings", []):
                values = {k: v for k, v in row.items() if k not in ("key", "followed_after")}
                pk = conn.execute(insert(Rating.__table__).returning(Rating.__table__.c.id),
                                  values).scalar_one()
                self.ids[row["key"]] = pk
                if row["followed_after"] is not None:
                    conn.execute(insert(RatingFollowUp.__table__), dict(
                        rating_pk=pk, by_user="U0LEAD1", at=row["received_at"] + row["followed_after"]))
            reviews = QaReview.__table__
            for row in self.tables.get("qa_reviews", []):
                values = {k: v for k, v in row.items() if k not in ("key", "superseded_by")}
                self.ids[row["key"]] = conn.execute(insert(reviews).returning(reviews.c.id),
                                                    values).scalar_one()
            for row in self.tables.get("qa_reviews", []):
                if row["superseded_by"]:
                    conn.execute(update(reviews).where(reviews.c.id == self.ids[row["key"]])
                                 .values(superseded_by_id=self.ids[row["superseded_by"]]))
            for row in self.tables.get("qa_appeals", []):
                values = {k: v for k, v in row.items() if k != "review"}
                conn.execute(insert(QaAppeal.__table__), dict(values, review_id=self.ids[row["review"]]))


def known_week(mode: str = "leads_only") -> World:
    """The week every figure test counts from (see the module docstring)."""
    w = World(mode=mode)
    # Tickets: opened in the week T1 T2 T3 T4 (T1 at START exactly); the week before T5 (a
    # microsecond before START) and T6 (at BEFORE exactly); outside: T7 (before BEFORE), T8
    # (after END), O1 (another team). Solved in the week: T5, T1, T3; T4 at END exactly is
    # not; the week before: T6.
    w.ticket("T1", "Printer on fire", START, BOB, solved=at(24, 12))
    w.ticket("T2", "Cannot log in", at(23, 15), BOB)
    w.ticket("T3", "Invoice wrong", at(25, 8, 59), CAROL, solved=END - US)
    w.ticket("T4", "App crashes", at(29, 20), DAVE, solved=END)
    w.ticket("T5", "Slow sync", START - US, CAROL, solved=at(23, 10))
    w.ticket("T6", "Lost password", BEFORE, BOB, solved=at(20, 12))
    w.ticket("T7", "Old thing", BEFORE - timedelta(minutes=1), BOB, solved=BEFORE - timedelta(minutes=30))
    w.ticket("T8", "Future thing", END + timedelta(minutes=1), BOB)
    w.ticket("O1", "Other team's", at(24, 10), BOB, team="other")
    # First response: in the week T1 (20 of 30 min), T2 (45, late), T3 (30 of 30: on time);
    # T4 not met; the week before T5 (10) and T6 (60, late); outside T7, T8, O1.
    w.clock("T1", "first_response", at(23, 9, 20), 20, 30)
    w.clock("T2", "first_response", at(23, 16), 45, 30)
    w.clock("T3", "first_response", at(25, 9, 30), 30, 30)
    w.clock("T4", "first_response", None, None, 30)
    w.clock("T5", "first_response", at(23, 8, 30), 10, 30)
    w.clock("T6", "first_response", at(17, 10), 60, 30)
    w.clock("T7", "first_response", BEFORE - US, 5, 30)
    w.clock("T8", "first_response", END + timedelta(minutes=30), 29, 30)
    w.clock("O1", "first_response", at(24, 11), 5, 30)
    # Resolution: in the week T3 (on time) and T5 (late); T1 met before its working time was
    # measured (NULL): not counted; the week before T6 (on time).
    w.clock("T3", "resolution", END - US, 200, 240)
    w.clock("T5", "resolution", at(23, 10), 300, 240)
    w.clock("T1", "resolution", at(24, 12), None, 240)
    w.clock("T6", "resolution", at(20, 12), 100, 240)
    # Breaches (mark 0): in the week T2 and T4 first response, T5 resolution (at START);
    # the week before T6; not counted: T4's 10 % mark, T8 at END, O1 (another team).
    w.nudge("T2", "first_response", at(23, 10))
    w.nudge("T4", "first_response", at(30, 8))
    w.nudge("T5", "resolution", START)
    w.nudge("T6", "first_response", at(16, 9, 30))
    w.nudge("T4", "first_response", at(29, 22), mark=1000)
    w.nudge("T8", "resolution", END)
    w.nudge("O1", "first_response", at(24, 12))
    # Ratings in the week: R1 good, R2 bad (followed up after 2 h), R3 2 (after 30 min),
    # R4 5, R5 neutral, R6 1 (not followed up); the week before: R7 4, R8 bad; outside:
    # R9 (before BEFORE), R10 (at END), R11 (another team).
    w.rating("R1", "T1", "good", False, at(23, 12), BOB, "Quick and kind")
    w.rating("R2", "T2", "bad", True, at(24, 10), BOB, "Nobody answered for hours",
             followed_after=timedelta(hours=2))
    w.rating("R3", "T3", "2", True, at(26, 10), CAROL, "Wrong fix twice",
             followed_after=timedelta(minutes=30))
    w.rating("R4", "T3", "5", False, at(27, 10), CAROL, "Carol-style thanks")
    w.rating("R5", "T4", "neutral", False, at(29, 21), DAVE, None)
    w.rating("R6", "T4", "1", True, at(30, 8), DAVE, "Still broken after update")
    w.rating("R7", "T2", "4", False, START - timedelta(seconds=1), BOB, "Earlier praise")
    w.rating("R8", "T5", "bad", True, at(20, 9), CAROL, "Last week complaint",
             followed_after=timedelta(hours=1))
    w.rating("R9", "T7", "good", False, BEFORE - timedelta(hours=1), BOB, "Ancient praise")
    w.rating("R10", "T8", "bad", True, END, BOB, "Too late to count")
    w.rating("R11", "O1", "bad", True, at(24, 10), BOB, "Other team rant", team="other")
    # QA: in the week Q1 (90, passed), Q3 (70, failed; it supersedes Q2), Q4 (100, passed);
    # the week before Q5 (80, passed); outside Q6, Q7 (another team).
    w.qa("Q1", "T1", at(24, 9, 30), 90, True, BOB)
    w.qa("Q2", "T2", at(25, 10), 60, False, BOB, superseded_by="Q3")
    w.qa("Q3", "T2", at(26, 11), 70, False, BOB)
    w.qa("Q4", "T3", at(28, 10), 100, True, CAROL)
    w.qa("Q5", "T5", at(20, 10), 80, True, CAROL)
    w.qa("Q6", "T7", BEFORE - timedelta(hours=1), 50, False, BOB)
    w.qa("Q7", "O1", at(24, 13), 10, False, BOB, team="other")
    # Appeals: opened in the week A1 (Q3, open) and A3 (Q4, rejected in the week); A2 (Q5)
    # opened the week before and accepted in the week; A4 (Q6) opened before BEFORE and
    # rejected the week before; A5 another team's.
    w.appeal("Q3", at(26, 12))
    w.appeal("Q5", at(21, 10), "accepted", at(24, 10))
    w.appeal("Q4", at(28, 12), "rejected", at(29, 10))
    w.appeal("Q6", BEFORE - timedelta(minutes=30), "rejected", BEFORE + timedelta(minutes=30))
    w.appeal("Q7", at(24, 14), team="other")
    return w


def harness_with_week(make_harness: Any, mode: str = "leads_only", **config: Any) -> Harness:
    app: Harness = make_harness(review_config(mode, **config), clock=FixedClock(END))
    known_week(mode).write(app.rt.engine)
    return app
