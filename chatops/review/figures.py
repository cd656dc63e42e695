"""A team's figures for its weekly review: the week, the week before, and each day.

Every figure is a grouped query over an indexed time range (README, "Weekly review", defines
what each one counts); rows are never loaded to be counted in Python. Each query covers
both weeks at once and groups by `day_of` (-1 for the week before, 0 … 6 for the days).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from blocks.review_views import (
    DayFigures,
    QaCounts,
    RatingCounts,
    ReviewFigures,
    TargetWeek,
    WeekFigures,
)
from chatops.review.sql import (
    APPEALS,
    BEFORE,
    BREACH,
    CLOCKS,
    FOLLOW_UPS,
    NUDGES,
    QA,
    RATINGS,
    TICKETS,
    day_of,
    in_range,
    medians,
    on_time,
)
from chatops.review.window import DAYS, ReviewWindow
from db.sql_time import epoch_seconds
from domain.ratings import POSITIVE_SCORES
from domain.tickets import TARGETS

DECIDED = ("accepted", "rejected")


def is_good(score: str, negative: bool) -> bool:
    """A good rating: `good`, 4 or 5 (and not counted negative by `ratings.negative`)."""
    return score in POSITIVE_SCORES and not negative


@dataclass
class _Tally:
    """What one bucket (a day, or the week before) counted."""

    opened: int = 0
    solved: int = 0
    targets: dict[str, TargetWeek] = field(default_factory=lambda: {t: TargetWeek() for t in TARGETS})
    ratings: RatingCounts = field(default_factory=RatingCounts)
    qa: QaCounts = field(default_factory=QaCounts)
    appeals: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add_target(self, target: str, figures: TargetWeek) -> None:
        self.targets[target] = self.targets.get(target, TargetWeek()) + figures


def _week(tallies: list[_Tally], medians_s: tuple[float | None, float | None]) -> WeekFigures:
    targets: dict[str, TargetWeek] = {t: sum((x.targets[t] for x in tallies), TargetWeek())
                                      for t in TARGETS}
    return WeekFigures(
        opened=sum(x.opened for x in tallies), solved=sum(x.solved for x in tallies),
        targets=targets, first_response_median_s=medians_s[0],
        ratings=sum((x.ratings for x in tallies), RatingCounts()),
        follow_up_median_s=medians_s[1],
        qa=QaCounts(sum(x.qa.reviews for x in tallies), sum(x.qa.score_total for x in tallies),
                    sum(x.qa.passed for x in tallies)),
        appeals_opened=sum(x.appeals["opened"] for x in tallies),
        appeals_accepted=sum(x.appeals["accepted"] for x in tallies),
        appeals_rejected=sum(x.appeals["rejected"] for x in tallies))


def team_figures(session: Session, team: str, window: ReviewWindow) -> ReviewFigures:
    tallies: dict[int, _Tally] = {b: _Tally() for b in range(BEFORE, DAYS)}
    _tickets(session, team, window, tallies)
    _sla(session, team, window, tallies)
    _ratings(session, team, window, tallies)
    _qa(session, team, window, tallies)
    first_response = _first_response_medians(session, team, window)
    follow_up = _follow_up_median(session, team, window)
    days = tuple(DayFigures(start=start, opened=x.opened, solved=x.solved, targets=x.targets,
                            good=x.ratings.good, negative=x.ratings.negative,
                            other=x.ratings.total - x.ratings.good - x.ratings.negative)
                 for start, x in zip(window.day_starts(), (tallies[d] for d in range(DAYS))))
    return ReviewFigures(
        week=_week([tallies[d] for d in range(DAYS)], (first_response.get(0), follow_up)),
        before=_week([tallies[BEFORE]], (first_response.get(BEFORE), None)),
        days=days)


def _grouped(session: Session, moment: Any, window: ReviewWindow, keys: list[Any],
             values: list[Any], source: Any, where: list[Any]) -> Any:
    """Rows of (day, *keys, *values) over both weeks, grouped by day and `keys`."""
    # Grouped by the label: PostgreSQL takes a repeated CASE with its own parameters for
    # another expression.
    query = (select(day_of(moment, window).label("review_day"), *keys, *values)
             .select_from(source)
             .where(in_range(moment, window, with_week_before=True), *where)
             .group_by(literal_column("review_day"), *keys))
    return session.execute(query)


def _tickets(session: Session, team: str, window: ReviewWindow, tallies: dict[int, _Tally]) -> None:
    for day, n in _grouped(session, TICKETS.c.created_at, window, [], [func.count()],
                           source=TICKETS, where=[TICKETS.c.team == team]):
        tallies[day].opened += n
    for day, n in _grouped(session, TICKETS.c.solved_at, window, [], [func.count()],
                           source=TICKETS, where=[TICKETS.c.team == team]):
        tallies[day].solved += n


def _sla(session: Session, team: str, window: ReviewWindow, tallies: dict[int, _Tally]) -> None:
    clocks = CLOCKS.join(TICKETS, TICKETS.c.id == CLOCKS.c.ticket_id)
    for day, target, met, in_time in _grouped(
            session, CLOCKS.c.met_at, window, [CLOCKS.c.target], [func.count(), func.sum(on_time())],
            source=clocks, where=[TICKETS.c.team == team, CLOCKS.c.met_work_us.is_not(None)]):
        tallies[day].add_target(target, TargetWeek(met=met, on_time=int(in_time)))
    nudges = NUDGES.join(TICKETS, TICKETS.c.id == NUDGES.c.ticket_id)
    for day, target, n in _grouped(session, NUDGES.c.recorded_at, window, [NUDGES.c.target],
                                   [func.count()], source=nudges,
                                   where=[NUDGES.c.mark == BREACH, TICKETS.c.team == team]):
        tallies[day].add_target(target, TargetWeek(breaches=n))


def _first_response_medians(session: Session, team: str, window: ReviewWindow) -> dict[Any, float]:
    """Median working time to the first response, of targets met in each week (s)."""
    week = day_of(CLOCKS.c.met_at, window) > BEFORE
    found = medians(session, CLOCKS.c.met_work_us, week,
                    CLOCKS.join(TICKETS, TICKETS.c.id == CLOCKS.c.ticket_id),
                    TICKETS.c.team == team, CLOCKS.c.target == "first_response",
                    CLOCKS.c.met_work_us.is_not(None),
                    in_range(CLOCKS.c.met_at, window, with_week_before=True))
    return {0 if this_week else BEFORE: us / 1e6 for this_week, us in found.items()}


def _ratings(session: Session, team: str, window: ReviewWindow, tallies: dict[int, _Tally]) -> None:
    rated = RATINGS.outerjoin(FOLLOW_UPS, FOLLOW_UPS.c.rating_pk == RATINGS.c.id)
    for day, score, negative, n, followed in _grouped(
            session, RATINGS.c.received_at, window, [RATINGS.c.score, RATINGS.c.negative],
            [func.count(), func.count(FOLLOW_UPS.c.rating_pk)], source=rated, where=[RATINGS.c.team == team]):
        tallies[day].ratings += RatingCounts(
            {score: n}, good=n if is_good(score, negative) else 0,
            negative=n if negative else 0, followed_up=followed if negative else 0)


def _follow_up_median(session: Session, team: str, window: ReviewWindow) -> float | None:
    """Median time from a negative rating of the week to its follow-up (to the second: the
    database's moments as Julian days on SQLite are exact to about 10 µs)."""
    delay = epoch_seconds(FOLLOW_UPS.c.at) - epoch_seconds(RATINGS.c.received_at)
    found = medians(session, delay, RATINGS.c.team,
                    RATINGS.join(FOLLOW_UPS, FOLLOW_UPS.c.rating_pk == RATINGS.c.id),
                    RATINGS.c.team == team, RATINGS.c.negative.is_(True),
                    in_range(RATINGS.c.received_at, window))
    median = found.get(team)
    return None if median is None else float(round(median))


def _qa(session: Session, team: str, window: ReviewWindow, tallies: dict[int, _Tally]) -> None:
    passed = func.sum(case((QA.c.passed.is_(True), 1), else_=0))
    for day, n, total, ok in _grouped(session, QA.c.created_at, window, [],
                                      [func.count(), func.sum(QA.c.score), passed], source=QA,
                                      where=[QA.c.team == team, QA.c.superseded_by_id.is_(None)]):
        tallies[day].qa = QaCounts(n, int(total), int(ok))
    for day, n in _grouped(session, APPEALS.c.opened_at, window, [], [func.count()],
                           source=APPEALS, where=[APPEALS.c.team == team]):
        tallies[day].appeals["opened"] += n
    for day, status, n in _grouped(session, APPEALS.c.decided_at, window, [APPEALS.c.status],
                                   [func.count()], source=APPEALS,
                                   where=[APPEALS.c.team == team, APPEALS.c.status.in_(DECIDED)]):
        tallies[day].appeals[status] += n
