"""SQL pieces shared by the review's queries: the day a moment falls in, an agent's key, and
a median that the database computes (window functions: SQLite 3.25+ and PostgreSQL)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from chatops.review.window import DAYS, ReviewWindow
from db.models import Ticket
from db.models_people import Rating, RatingFollowUp
from db.models_qa import QaAppeal, QaReview
from db.models_sla import SlaClock, SlaNudge

TICKETS = Ticket.__table__
CLOCKS = SlaClock.__table__
NUDGES = SlaNudge.__table__
RATINGS = Rating.__table__
FOLLOW_UPS = RatingFollowUp.__table__
QA = QaReview.__table__
APPEALS = QaAppeal.__table__
BREACH = 0  # sla_nudges.mark of a breach
BEFORE = -1  # the bucket of the week before


def day_of(column: Any, window: ReviewWindow) -> ColumnElement[int]:
    """-1 for the week before, else the day of the week (0 … 6) the moment falls in. Used
    with `in_range(column, window, with_week_before=True)`."""
    whens = [(column < window.start, BEFORE)]
    whens += [(column < bound, day) for day, bound in enumerate(window.bounds[1:-1])]
    return case(*whens, else_=DAYS - 1)


def in_range(column: Any, window: ReviewWindow, with_week_before: bool = False) -> ColumnElement[bool]:
    start = window.before_start if with_week_before else window.start
    return and_(column >= start, column < window.end)


def agent_key(column: Any) -> ColumnElement[str]:
    """An agent's email as the team's `agents` map is keyed (trimmed, lower-cased)."""
    return func.lower(func.trim(column))


def on_time() -> ColumnElement[int]:
    """1 for a met target that used no more working time than its budget, else 0."""
    return case((CLOCKS.c.met_work_us <= CLOCKS.c.budget_us, 1), else_=0)


def medians(session: Session, value: Any, group: Any, source: FromClause,
            *where: ColumnElement[bool]) -> dict[Any, float]:
    """The median of `value` per `group` over `source` rows matching `where` (the mean of
    the two middle values for an even count)."""
    ranked = (select(group.label("g"), value.label("v"),
                     func.row_number().over(partition_by=group, order_by=value).label("rn"),
                     func.count().over(partition_by=group).label("n"))
              .select_from(source).where(*where).subquery())
    middle: Select[Any] = (select(ranked.c.g, func.avg(ranked.c.v))
                           .where(or_(ranked.c.rn == (ranked.c.n + 1) // 2,
                                      ranked.c.rn == (ranked.c.n + 2) // 2))
                           .group_by(ranked.c.g))
    return {g: float(v) for g, v in session.execute(middle)}
