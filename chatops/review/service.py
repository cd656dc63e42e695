"""Posting a team's weekly review: once per team per ISO week (a unique key), or one more
when forced; every message in one transaction with the review's row.

The figures are read first, on a read-only snapshot (on SQLite: without the write lock the
webhook's writers share); then one short write transaction claims the week, releases the
agents' kept ratings (`after_review`) and writes every outbox row. A crash leaves either
nothing (run it again) or all of it (the worker sends what is left; running it again finds
the week taken and does nothing). Two runs at once: one claims the week, the other finds it
taken; two forced ones that would release the same ratings: the second starts over.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from blocks.review import MAX_NEGATIVE_REPLIES
from blocks.review_views import AgentWeek, ReviewHeader
from blocks.slash_answers import ReviewOutcome
from chatops.clock import Clock
from chatops.config import AppConfig, TeamConfig
from chatops.delivery import outbox
from chatops.ratings.after_review import AlreadyReleased, Kept, kept_for_review, release
from chatops.review.agents import agent_weeks, agents_of_week
from chatops.review.figures import team_figures
from chatops.review.messages import UNKNOWN, ReviewContent, review_messages
from chatops.review.negatives import negative_ratings
from chatops.review.window import ReviewWindow
from chatops.team_settings import leads_of, visibility_of
from db.models import HelpdeskPerson
from db.models_review import WeeklyReview
from db.session import read_only
from domain.recipients import PERSON_REF, Recipient
from domain.slack_ids import is_user_id

log = logging.getLogger("chatops.review")

ATTEMPTS = 3


@dataclass(frozen=True)
class ReviewResult:
    team: str
    iso_week: str
    posted: bool  # False: this week's review was posted before (and it was not forced)
    review_id: int | None = None
    extra: bool = False  # forced after this week's review: one more, outside the week's slot
    messages: int = 0  # outbox rows written


class WeeklyReviews:
    def __init__(self, sessions: sessionmaker[Session], config: AppConfig, clock: Clock) -> None:
        self.sessions = sessions
        self.config = config
        self.clock = clock

    def post(self, team_name: str, *, force: bool = False, trigger: str = "command",
             actor: str | None = None, at: datetime | None = None) -> ReviewResult:
        """Post `team_name`'s review of the 7 days before `at` (default: now)."""
        team = self.config.team(team_name)
        if team is None:
            raise LookupError(f"no team named {team_name!r}")
        window = ReviewWindow.ending(at or self.clock.now(), self.config.team_timezone(team))
        if not force and self._taken(team.name, window.iso_week):
            return ReviewResult(team.name, window.iso_week, posted=False)
        for _ in range(ATTEMPTS):
            with self.sessions() as session:
                content, kept = self._content(read_only(session), team, window)
            try:
                return self._write(team, window, content, kept, force, trigger, actor)
            except (AlreadyReleased, IntegrityError) as exc:  # another review released ratings
                log.info("weekly review of %s: starting again (%s)", team.name, exc)
        raise RuntimeError(f"weekly review of {team.name}: gave up after {ATTEMPTS} attempts")

    def post_now(self, team: str, actor: str) -> ReviewOutcome:
        """`/chatops review <team>`: post now, in this week's slot if it is free."""
        result = self.post(team, force=True, trigger="slash", actor=actor)
        return ReviewOutcome(team=result.team, iso_week=result.iso_week, extra=result.extra)

    def _taken(self, team: str, iso_week: str) -> bool:
        with self.sessions() as session:
            return read_only(session).scalar(select(WeeklyReview.id).where(
                WeeklyReview.team == team, WeeklyReview.once_per_week == iso_week)) is not None

    def _content(self, session: Session, team: TeamConfig,
                 window: ReviewWindow) -> tuple[ReviewContent, list[Kept]]:
        with_ratings = visibility_of(session, self.config, team.name) == "after_review"
        kept = kept_for_review(session, team.name, window.end, team.agents) if with_ratings else []

        def key_of(email: str | None, other: str | None) -> str:
            found = recipient_of(session, email, other, team.agents)
            return str(found) if found is not None else UNKNOWN + (email or other or "")

        weeks = agent_weeks(agents_of_week(session, team.name, window, key_of, team.agents))
        for k in kept:
            if k.agent is not None and k.card.agent is not None:
                key = key_of(k.email, k.ref)
                week = weeks.get(key) or AgentWeek(person=k.card.agent)
                weeks[key] = replace(week, released=week.released + (k.card,))
        header = ReviewHeader(team=team.name, start=window.start, end=window.end,
                              timezone=window.timezone, per_agent=team.weekly_review.per_agent)
        content = ReviewContent(
            header=header, figures=team_figures(session, team.name, window),
            negatives=negative_ratings(session, team.name, window, team.agents,
                                       MAX_NEGATIVE_REPLIES),
            agents=weeks, leads=leads_of(session, self.config, team.name),
            with_ratings=with_ratings)
        return content, kept

    def _write(self, team: TeamConfig, window: ReviewWindow, content: ReviewContent,
               kept: list[Kept], force: bool, trigger: str, actor: str | None) -> ReviewResult:
        now = self.clock.now()
        with self.sessions.begin() as session:
            review = _claim(session, force, dict(
                team=team.name, iso_week=window.iso_week, window_start=window.start,
                window_end=window.end, created_at=now, trigger=trigger, actor=actor))
            if review is None:
                return ReviewResult(team.name, window.iso_week, posted=False)
            release(session, kept, now)
            messages = review_messages(review.id, window.iso_week, team, content)
            outbox.add(session, *messages)
        log.info("weekly review #%d of %s (%s%s): %d message(s), %d rating(s) released",
                 review.id, team.name, window.iso_week, ", forced" if force else "",
                 len(messages), len(kept))
        return ReviewResult(team.name, window.iso_week, posted=True, review_id=review.id,
                            extra=review.once_per_week is None, messages=len(messages))


def recipient_of(session: Session, email: str | None, other: str | None,
                 agents: dict[str, str]) -> Recipient | None:
    """Whom an agent's week goes to, from what a row says of them: their email, and `other`,
    their helpdesk ref (`zendesk:123`) or whom a QA review went to. A Slack user a QA review
    went to is them; else the `agents` map (by ref, then email), else their email (for one
    known only by ref: the one their helpdesk's API gave, cached), else the ref (delivery
    resolves it)."""
    if other and is_user_id(other):
        return Recipient.user(other)
    ref = other if other and PERSON_REF.fullmatch(other) else None
    if not email and ref:
        cached = session.get(HelpdeskPerson, ref)
        email = cached.email if cached else None
    return Recipient.of_agent(email, agents, ref)


def _claim(session: Session, force: bool, columns: dict[str, Any]) -> WeeklyReview | None:
    """Store the review in its week's slot; when forced and the slot is taken, as an extra
    one (no slot). None: the slot is taken and it is not forced."""
    for slot in ([columns["iso_week"], None] if force else [columns["iso_week"]]):
        review = WeeklyReview(**columns, once_per_week=slot)
        try:
            with session.begin_nested():
                session.add(review)
            return review
        except IntegrityError:
            continue
    return None
