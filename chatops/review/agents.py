"""Each agent's own week: SLA, ratings, QA reviews and appeals, by agent.

A row names its agent (a ticket's assignee, a rating's agent, a QA review's agent) by their
email (trimmed, lower-cased, as the team's `agents` map is keyed) and, when it came through
a native helpdesk route, by their helpdesk's own id (`zendesk:123`, which the `agents` map
may key too); a QA review by whom it went to (`U…`, `email:…` or such an id). `key_of(email,
other)` turns that into the agent's key (whom their week goes to), so that one person seen
by email here and by id there counts once. Agents known by neither are in the team's totals
only. The figures are those of `chatops.review.figures`, grouped by agent, over the week
alone; the QA reviews and open appeals are listed, since the agent's DM shows each one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
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
from domain.recipients import PERSON_REF
from domain.slack_ids import is_user_id

# (email, other) -> the agent's key: `other` is a helpdesk ref, or a QA review's recipient.
KeyOf = Callable[[str | None, str | None], str]


@dataclass
class _Agent:
    email: str | None = None  # the first one seen, when one person has several
    ref: str | None = None  # their helpdesk's id (`zendesk:123`), the first one seen
    name: str | None = None
    targets: dict[str, TargetWeek] = field(default_factory=no_targets)
    ratings: RatingCounts = field(default_factory=RatingCounts)
    qa: list[QaLine] = field(default_factory=list)
    appeals_opened: int = 0
    open_appeals: list[AppealLine] = field(default_factory=list)

    def seen(self, email: str | None, other: str | None, name: str | None) -> _Agent:
        self.email = self.email or email
        if other and PERSON_REF.fullmatch(other):
            self.ref = self.ref or other
        self.name = self.name or name
        return self


def agents_of_week(session: Session, team: str, window: ReviewWindow, key_of: KeyOf,
                   known: Iterable[str]) -> dict[str, _Agent]:
    """The week of every agent seen in it, and of each `known` one (an email or a helpdesk
    ref: the keys of the team's `agents` map), by `key_of(email, other)`."""
    agents: dict[str, _Agent] = {}

    def agent(email: str | None, other: str | None, name: str | None = None) -> _Agent:
        return agents.setdefault(key_of(email, other), _Agent()).seen(email, other, name)

    for who in known:
        if PERSON_REF.fullmatch(who):
            agent(None, who)
        else:
            agent(who, None)

    assignee = (agent_key(TICKETS.c.assignee_email), TICKETS.c.assignee_ref)
    assigned = or_(TICKETS.c.assignee_email.is_not(None), TICKETS.c.assignee_ref.is_not(None))
    for moment in (TICKETS.c.created_at, TICKETS.c.solved_at):  # seen in the week's tickets
        for email, ref, name in session.execute(
                select(*assignee, func.max(TICKETS.c.assignee_name))
                .where(TICKETS.c.team == team, in_range(moment, window), assigned)
                .group_by(*assignee)):
            agent(email, ref, name)
    week = CLOCKS.join(TICKETS, TICKETS.c.id == CLOCKS.c.ticket_id)
    for email, ref, name, target, met, in_time in session.execute(
            select(*assignee, func.max(TICKETS.c.assignee_name), CLOCKS.c.target, func.count(),
                   func.sum(on_time())).select_from(week)
            .where(TICKETS.c.team == team, in_range(CLOCKS.c.met_at, window),
                   CLOCKS.c.met_work_us.is_not(None), assigned)
            .group_by(*assignee, CLOCKS.c.target)):
        a = agent(email, ref, name)
        a.targets[target] += TargetWeek(met=met, on_time=int(in_time))
    for email, ref, name, target, n in session.execute(
            select(*assignee, func.max(TICKETS.c.assignee_name), NUDGES.c.target, func.count())
            .select_from(NUDGES.join(TICKETS, TICKETS.c.id == NUDGES.c.ticket_id))
            .where(TICKETS.c.team == team, NUDGES.c.mark == BREACH,
                   in_range(NUDGES.c.recorded_at, window), assigned)
            .group_by(*assignee, NUDGES.c.target)):
        agent(email, ref, name).targets[target] += TargetWeek(breaches=n)
    rated = (agent_key(RATINGS.c.agent_email), RATINGS.c.agent_ref)  # no name: the index answers
    for email, ref, score, negative, n, followed in session.execute(
            select(*rated, RATINGS.c.score, RATINGS.c.negative,
                   func.count(), func.count(FOLLOW_UPS.c.rating_pk))
            .select_from(RATINGS.outerjoin(FOLLOW_UPS, FOLLOW_UPS.c.rating_pk == RATINGS.c.id))
            .where(RATINGS.c.team == team, in_range(RATINGS.c.received_at, window),
                   or_(RATINGS.c.agent_email.is_not(None), RATINGS.c.agent_ref.is_not(None)))
            .group_by(*rated, RATINGS.c.score, RATINGS.c.negative)):
        a = agent(email, ref)
        a.ratings += RatingCounts({score: n}, good=n if is_good(score, negative) else 0,
                                  negative=n if negative else 0,
                                  followed_up=followed if negative else 0)
    _qa(session, team, window, agent)
    return agents


def _qa(session: Session, team: str, window: ReviewWindow,
        agent: Callable[[str | None, str | None, str | None], _Agent]) -> None:
    reviewed = (agent_key(QA.c.agent_email), QA.c.agent_target)
    known = or_(QA.c.agent_email.is_not(None), QA.c.agent_target.is_not(None))
    reviews = QA.outerjoin(TICKETS, TICKETS.c.id == QA.c.ticket_id)
    for email, target, name, ticket_id, subject, url, score, passed in session.execute(
            select(*reviewed, QA.c.agent_name, QA.c.ticket_id, TICKETS.c.subject, TICKETS.c.url,
                   QA.c.score, QA.c.passed).select_from(reviews)
            .where(QA.c.team == team, in_range(QA.c.created_at, window),
                   QA.c.superseded_by_id.is_(None), known)
            .order_by(QA.c.created_at, QA.c.id)):
        agent(email, target, name).qa.append(QaLine(ticket_id, subject or "", url or "", score, passed))
    appealed = APPEALS.join(QA, QA.c.id == APPEALS.c.review_id)
    for email, target, name, n in session.execute(
            select(*reviewed, func.max(QA.c.agent_name), func.count()).select_from(appealed)
            .where(APPEALS.c.team == team, in_range(APPEALS.c.opened_at, window), known)
            .group_by(*reviewed)):
        agent(email, target, name).appeals_opened += n
    for email, target, name, ticket_id, subject, opened_at in session.execute(
            select(*reviewed, QA.c.agent_name, QA.c.ticket_id, TICKETS.c.subject,
                   APPEALS.c.opened_at)
            .select_from(appealed.outerjoin(TICKETS, TICKETS.c.id == QA.c.ticket_id))
            .where(APPEALS.c.team == team, APPEALS.c.status == "open",
                   APPEALS.c.opened_at < window.end, known)
            .order_by(APPEALS.c.opened_at, APPEALS.c.id)):
        agent(email, target, name).open_appeals.append(AppealLine(ticket_id, subject or "", opened_at))


def agent_weeks(found: Mapping[str, _Agent]) -> dict[str, AgentWeek]:
    """The plain views, by the same keys."""
    return {key: AgentWeek(
        person=_person(key, a), targets=dict(a.targets), ratings=a.ratings, qa=tuple(a.qa),
        appeals_opened=a.appeals_opened, open_appeals=tuple(a.open_appeals))
        for key, a in found.items()}


def _person(key: str, a: _Agent) -> PersonView:
    """Mentioned as the Slack user their key names, else by email, else by helpdesk ref
    (delivery may find them through the helpdesk's API)."""
    return PersonView(name=a.name or a.email or a.ref or key, email=a.email, ref=a.ref,
                      user_id=key if is_user_id(key) else None)
