"""Each agent's own week: SLA, ratings, QA reviews and appeals, by agent.

An agent is known by their email (trimmed, lower-cased, as the team's `agents` map is
keyed): a ticket's assignee, a rating's agent, a QA review's agent. Agents without an email
are in the team's totals only. The figures are those of `chatops.review.figures`, grouped
by agent, over the week alone; the QA reviews and open appeals are listed, since the
agent's DM shows each one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from blocks.people import PersonView
from blocks.review_views import AgentWeek, AppealLine, QaLine, RatingCounts, TargetWeek, no_targets
from chatops.review.figures import is_good
from chatops.review.sql import (
    APPEALS,
    BREACH,
    CLOCKS,
    FOLLOW_UPS,
    NUDGES,
    QA,
    RATINGS,
    TICKETS,
    agent_key,
    in_range,
    on_time,
)
from chatops.review.window import ReviewWindow
from domain.recipients import agent_user_id


@dataclass
class _Agent:
    email: str  # the first one seen, when one person has several
    name: str | None = None
    targets: dict[str, TargetWeek] = field(default_factory=no_targets)
    ratings: RatingCounts = field(default_factory=RatingCounts)
    qa: list[QaLine] = field(default_factory=list)
    appeals_opened: int = 0
    open_appeals: list[AppealLine] = field(default_factory=list)

    def named(self, name: str | None) -> _Agent:
        self.name = self.name or name
        return self


def agents_of_week(session: Session, team: str, window: ReviewWindow,
                   key_of: Callable[[str], str], known: Iterable[str]) -> dict[str, _Agent]:
    """The week of every agent seen in it, and of each `known` email, by `key_of(email)`
    (several emails of one person count together)."""
    agents: dict[str, _Agent] = {}

    def agent(email: str, name: str | None = None) -> _Agent:
        return agents.setdefault(key_of(email), _Agent(email)).named(name)

    for email in known:
        agent(email)

    assignee = agent_key(TICKETS.c.assignee_email)
    for moment in (TICKETS.c.created_at, TICKETS.c.solved_at):  # seen in the week's tickets
        for email, name in session.execute(
                select(assignee, func.max(TICKETS.c.assignee_name))
                .where(TICKETS.c.team == team, in_range(moment, window),
                       TICKETS.c.assignee_email.is_not(None))
                .group_by(assignee)):
            agent(email, name)
    week = CLOCKS.join(TICKETS, TICKETS.c.id == CLOCKS.c.ticket_id)
    for email, name, target, met, in_time in session.execute(
            select(assignee, func.max(TICKETS.c.assignee_name), CLOCKS.c.target, func.count(),
                   func.sum(on_time())).select_from(week)
            .where(TICKETS.c.team == team, in_range(CLOCKS.c.met_at, window),
                   CLOCKS.c.met_work_us.is_not(None), TICKETS.c.assignee_email.is_not(None))
            .group_by(assignee, CLOCKS.c.target)):
        a = agent(email, name)
        a.targets[target] += TargetWeek(met=met, on_time=int(in_time))
    for email, name, target, n in session.execute(
            select(assignee, func.max(TICKETS.c.assignee_name), NUDGES.c.target, func.count())
            .select_from(NUDGES.join(TICKETS, TICKETS.c.id == NUDGES.c.ticket_id))
            .where(TICKETS.c.team == team, NUDGES.c.mark == BREACH,
                   in_range(NUDGES.c.recorded_at, window), TICKETS.c.assignee_email.is_not(None))
            .group_by(assignee, NUDGES.c.target)):
        agent(email, name).targets[target] += TargetWeek(breaches=n)
    rated = agent_key(RATINGS.c.agent_email)  # (no name: the ratings index alone answers)
    for email, score, negative, n, followed in session.execute(
            select(rated, RATINGS.c.score, RATINGS.c.negative,
                   func.count(), func.count(FOLLOW_UPS.c.rating_pk))
            .select_from(RATINGS.outerjoin(FOLLOW_UPS, FOLLOW_UPS.c.rating_pk == RATINGS.c.id))
            .where(RATINGS.c.team == team, in_range(RATINGS.c.received_at, window),
                   RATINGS.c.agent_email.is_not(None))
            .group_by(rated, RATINGS.c.score, RATINGS.c.negative)):
        a = agent(email)
        a.ratings += RatingCounts({score: n}, good=n if is_good(score, negative) else 0,
                                  negative=n if negative else 0,
                                  followed_up=followed if negative else 0)
    _qa(session, team, window, agent)
    return agents


def _qa(session: Session, team: str, window: ReviewWindow,
        agent: Callable[[str, str | None], _Agent]) -> None:
    reviewed = agent_key(QA.c.agent_email)
    reviews = QA.outerjoin(TICKETS, TICKETS.c.id == QA.c.ticket_id)
    for email, name, ticket_id, subject, url, score, passed in session.execute(
            select(reviewed, QA.c.agent_name, QA.c.ticket_id, TICKETS.c.subject, TICKETS.c.url,
                   QA.c.score, QA.c.passed).select_from(reviews)
            .where(QA.c.team == team, in_range(QA.c.created_at, window),
                   QA.c.superseded_by_id.is_(None), QA.c.agent_email.is_not(None))
            .order_by(QA.c.created_at, QA.c.id)):
        agent(email, name).qa.append(QaLine(ticket_id, subject or "", url or "", score, passed))
    appealed = APPEALS.join(QA, QA.c.id == APPEALS.c.review_id)
    for email, name, n in session.execute(
            select(reviewed, func.max(QA.c.agent_name), func.count()).select_from(appealed)
            .where(APPEALS.c.team == team, in_range(APPEALS.c.opened_at, window),
                   QA.c.agent_email.is_not(None))
            .group_by(reviewed)):
        agent(email, name).appeals_opened += n
    for email, name, ticket_id, subject, opened_at in session.execute(
            select(reviewed, QA.c.agent_name, QA.c.ticket_id, TICKETS.c.subject,
                   APPEALS.c.opened_at)
            .select_from(appealed.outerjoin(TICKETS, TICKETS.c.id == QA.c.ticket_id))
            .where(APPEALS.c.team == team, APPEALS.c.status == "open",
                   APPEALS.c.opened_at < window.end, QA.c.agent_email.is_not(None))
            .order_by(APPEALS.c.opened_at, APPEALS.c.id)):
        agent(email, name).open_appeals.append(AppealLine(ticket_id, subject or "", opened_at))


def agent_weeks(found: Mapping[str, _Agent], agents_map: Mapping[str, str]) -> dict[str, AgentWeek]:
    """The plain views, by the same keys."""
    return {key: AgentWeek(
        person=PersonView(name=a.name or a.email, email=a.email,
                          user_id=agent_user_id(a.email, agents_map)),
        targets=dict(a.targets), ratings=a.ratings, qa=tuple(a.qa),
        appeals_opened=a.appeals_opened, open_appeals=tuple(a.open_appeals))
        for key, a in found.items()}
