"""Who may do what in QA, decided before anything else runs (the Bolt middleware asks here):
open or submit the checklist (the ticket team's leads and `qa.reviewers`, never on a ticket
assigned to them), decide an appeal (the team's leads, not the appellant), appeal (the
reviewed agent). A refusal is an ephemeral message; nothing else changes."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks import qa_answers
from chatops.config import AppConfig
from chatops.delivery import outbox
from chatops.team_settings import leads_of
from db.models import HelpdeskPerson, SlackThread, SlackUser, Ticket
from db.models_qa import QaAppeal, QaReview
from db.session import read_only
from domain.recipients import Recipient, agent_key, agent_user_id
from domain.slack_ids import is_user_id

log = logging.getLogger("chatops.qa")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    refusal: dict[str, Any] | None = None  # the ephemeral to show; None: nothing to say


ALLOWED = Verdict(True)
UNKNOWN = Verdict(False)  # a signed payload naming nothing we know: logged, nothing shown


def slack_user_of(session: Session, email: str | None, agents: dict[str, str],
                  ref: str | None = None) -> tuple[bool, str | None]:
    """(known, Slack user id) of a helpdesk agent: the team's `agents` map (by their helpdesk
    id, else their email), else the `users.lookupByEmail` cache, by their email or the one
    their helpdesk gave (a cached miss is known too: nobody in Slack has that email)."""
    mapped = agent_user_id(email, agents, ref)
    if mapped:
        return True, mapped
    key = agent_key(email)
    if not key and ref:
        found = session.get(HelpdeskPerson, ref)
        if found is None:
            return False, None
        key = agent_key(found.email)
    if not key:
        return True, None
    cached = session.get(SlackUser, key)
    return (True, cached.user_id) if cached is not None else (False, None)


def user_of_target(session: Session, target: str | None) -> tuple[bool, str | None]:
    """(known, Slack user id) of a stored recipient (`U…`, `email:<address>` or a helpdesk
    person ref)."""
    if not target:
        return True, None
    to = Recipient.parse(target)
    return (True, to.user_id) if to.user_id else slack_user_of(session, to.email, {}, to.ref)


class QaAccess:
    def __init__(self, sessions: sessionmaker[Session], config: AppConfig,
                 queued: Callable[[], None] = lambda: None) -> None:
        self.sessions = sessions
        self.config = config
        self.queued = queued  # told when an answer waits in the outbox (wakes the worker)

    def ticket_of_message(self, channel: str | None, ts: str | None) -> str | None:
        """The ticket whose parent message is `ts` in `channel` (a thread's `thread_ts`)."""
        if not channel or not ts:
            return None
        with self.sessions() as session:
            return read_only(session).scalar(select(SlackThread.ticket_id).where(
                SlackThread.channel == channel, SlackThread.ts == ts))

    def may_review(self, ticket_id: str | None, user: str) -> Verdict:
        with self.sessions() as session:
            ticket = read_only(session).get(Ticket, ticket_id) if ticket_id else None
            if ticket is None:
                log.warning("QA review of unknown ticket %r asked by %s: ignored", ticket_id, user)
                return UNKNOWN
            team = self.config.team_for(ticket.team)
            if user not in self.config.qa.reviewers and user not in leads_of(session, self.config,
                                                                              team.name):
                log.info("QA review of ticket %s refused to %s: not a lead of %s nor a reviewer",
                         ticket.id, user, team.name)
                return Verdict(False, qa_answers.not_a_reviewer(team.name))
            known, assignee = slack_user_of(session, ticket.assignee_email, team.agents,
                                            ticket.assignee_ref)
        if not known:
            log.warning("QA review of ticket %s by %s: cannot tell whether they are its assignee "
                        "(%s is in neither the agents map nor the Slack lookup cache); allowed",
                        ticket.id, user, ticket.assignee_email or ticket.assignee_ref)
        elif assignee == user:
            log.info("QA review of ticket %s refused to %s: their own ticket", ticket.id, user)
            return Verdict(False, qa_answers.own_ticket(ticket.id))
        return ALLOWED

    def may_decide(self, appeal_id: int | None, user: str) -> Verdict:
        with self.sessions() as session:
            appeal = read_only(session).get(QaAppeal, appeal_id) if appeal_id else None
            if appeal is None:
                log.warning("decision on unknown QA appeal %r by %s: ignored", appeal_id, user)
                return UNKNOWN
            if user == appeal.agent:
                return Verdict(False, qa_answers.own_appeal())
            if user not in leads_of(session, self.config, appeal.team):
                log.info("decision on QA appeal %s refused to %s: not a lead of %s", appeal.id,
                         user, appeal.team)
                return Verdict(False, qa_answers.not_a_lead(appeal.team))
        return ALLOWED

    def may_appeal(self, review_id: int | None, user: str) -> Verdict:
        with self.sessions() as session:
            review = read_only(session).get(QaReview, review_id) if review_id else None
            if review is None:
                log.warning("appeal of unknown QA review %r by %s: ignored", review_id, user)
                return UNKNOWN
            known, agent = user_of_target(session, review.agent_target)
        if not known or agent != user:
            log.info("appeal of QA review %s refused to %s: the review's agent is %s", review_id,
                     user, review.agent_target)
            return Verdict(False, qa_answers.not_your_review())
        return ALLOWED

    def tell(self, channel: str | None, user: str, message: dict[str, Any]) -> bool:
        """Queue an ephemeral answer to `user` in `channel`; False when there is nowhere to
        show it (no channel, or not a user id)."""
        if not channel or not is_user_id(user):
            return False
        with self.sessions.begin() as session:
            outbox.add(session, outbox.ephemeral(channel, user, message))
        self.queued()
        return True
