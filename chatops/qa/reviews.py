"""The checklist: opened on a ticket, submitted into a stored review (and its DMs), once.

A submission is stored once per submitted view (`qa_reviews.source` is unique): Slack's retry
or a double submit finds it there and changes nothing. Storing a review of a ticket makes it
the one that counts (`superseded_by_id` on the older ones, under the ticket's row lock). A
correction (the checklist opened by `Accept`) is stored the same way, decides the appeal in
the same transaction (compare-and-set: the first lead wins) and keeps the original in history.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from blocks import qa_answers
from blocks.ids import BlockId
from blocks.qa import ChecklistForm
from blocks.qa_modals import item_block_id
from chatops.clock import Clock
from chatops.config import AppConfig
from chatops.delivery import outbox
from chatops.qa import notices
from chatops.qa.cards import appeal_card, review_card
from chatops.qa.forms import new_review_form
from chatops.qa.metadata import ChecklistMeta
from chatops.qa.signals import ticket_signals
from chatops.sla.rules import SlaRules
from db.models import Ticket
from db.models_qa import QaAnswer, QaAppeal, QaReview
from db.session import read_only
from domain.qa import RESULTS, ItemAnswer, NothingApplicable, Result, Score, score_of

log = logging.getLogger("chatops.qa")

Errors = dict[str, str]  # block_id → what is wrong, for `response_action: errors`
COMMENT_KEEP = 3000


class _Refused(Exception):
    """Undo the transaction and answer these field errors."""

    def __init__(self, errors: Errors) -> None:
        super().__init__(errors)
        self.errors = errors


class _Decided(Exception):
    """Another lead decided the appeal first: undo the transaction, say who."""

    def __init__(self, appeal_id: int) -> None:
        super().__init__(appeal_id)
        self.appeal_id = appeal_id


@dataclass(frozen=True)
class Submitted:
    errors: Errors | None = None  # None: stored (or stored before), the modal closes
    review_id: int | None = None

    @property
    def sends(self) -> bool:
        return self.review_id is not None


class QaReviews:
    def __init__(self, sessions: sessionmaker[Session], config: AppConfig, clock: Clock,
                 rules: SlaRules) -> None:
        self.sessions = sessions
        self.config = config
        self.clock = clock
        self.rules = rules

    def form(self, ticket_id: str) -> ChecklistForm | None:
        """The empty checklist of a ticket (without its signals yet), or None if unknown."""
        with self.sessions() as session:
            ticket = read_only(session).get(Ticket, ticket_id)
            return new_review_form(session, self.config, ticket) if ticket else None

    def submit(self, meta: ChecklistMeta, source: str, reviewer: str,
               answers: Mapping[str, str | None], comment: str | None) -> Submitted:
        """Check the answers, then store the review and queue its DMs in one transaction."""
        items = self.config.qa.checklist
        errors = {item_block_id(i.id): qa_answers.ERROR_CHOOSE for i in items
                  if answers.get(i.id) not in RESULTS}
        if errors:
            return Submitted(errors)
        results = {i.id: cast(Result, answers[i.id]) for i in items}
        try:
            score = score_of([ItemAnswer(i.weight, i.critical, results[i.id]) for i in items],
                             self.config.qa.pass_mark)
        except NothingApplicable:
            return Submitted({item_block_id(items[0].id): qa_answers.ERROR_ALL_NA})
        try:
            with self.sessions.begin() as session:
                if session.scalar(select(QaReview.id).where(QaReview.source == source)):
                    log.info("QA review %s submitted again: nothing changes", source)
                    return Submitted()
                review = self._store(session, meta, source, reviewer, results, comment, score)
                return Submitted(review_id=review.id)
        except _Refused as refused:
            return Submitted(refused.errors)
        except _Decided as decided:
            return Submitted({BlockId.QA_COMMENT.value: self._decided_error(decided.appeal_id)})
        except IntegrityError:  # a concurrent twin of this very submission was stored first
            log.info("QA review %s was stored by a concurrent submission", source)
            return Submitted()

    def _store(self, session: Session, meta: ChecklistMeta, source: str, reviewer: str,
               results: dict[str, Result], comment: str | None, score: Score) -> QaReview:
        ticket = session.get(Ticket, meta.ticket, with_for_update=True)  # one review at a time
        if ticket is None:
            raise _Refused({BlockId.QA_COMMENT.value: qa_answers.ERROR_UNKNOWN_TICKET})
        now = self.clock.now()
        appeal = self._appeal(session, meta)
        team = appeal.team if appeal is not None else self.config.team_for(ticket.team).name
        review = QaReview(
            ticket_id=ticket.id, team=team, agent_name=meta.agent_name,
            agent_email=meta.agent_email, agent_target=meta.agent, reviewer=reviewer,
            created_at=now, score=score.score, passed=score.passed,
            critical_failed=score.critical_failed,
            comment=comment[:COMMENT_KEEP] if comment else None,
            signals=json.dumps(ticket_signals(session, self.rules, ticket.id, now).to_json()),
            source=source, corrects_id=appeal.review_id if appeal is not None else None)
        session.add(review)
        session.flush()  # the unique source: a concurrent twin fails here
        session.add_all(QaAnswer(review_id=review.id, item_id=i.id, result=results[i.id],
                                 weight=i.weight, critical=i.critical, text=i.text)
                        for i in self.config.qa.checklist)
        session.connection().execute(
            update(QaReview)
            .where(QaReview.ticket_id == ticket.id, QaReview.id != review.id,
                   QaReview.superseded_by_id.is_(None))
            .values(superseded_by_id=review.id))
        session.flush()
        if appeal is None:
            outbox.add(session, *notices.review_stored(session, self.config, review,
                                                       review_card(session, self.config, review)))
        else:
            self._accept(session, appeal, review, reviewer, now)
        log.info("QA review %s of ticket %s by %s: %d%s", review.id, ticket.id, reviewer,
                 review.score, f" (corrects {review.corrects_id})" if review.corrects_id else "")
        return review

    def _appeal(self, session: Session, meta: ChecklistMeta) -> QaAppeal | None:
        if meta.appeal is None:
            return None
        appeal = session.get(QaAppeal, meta.appeal)
        if appeal is None:
            raise _Refused({BlockId.QA_COMMENT.value: qa_answers.ERROR_NOT_ALLOWED})
        return appeal

    def _accept(self, session: Session, appeal: QaAppeal, corrected: QaReview, lead: str,
                now: datetime) -> None:
        """Decide the appeal `accepted` (only while still open), with its correction."""
        done = session.connection().execute(
            update(QaAppeal)
            .where(QaAppeal.id == appeal.id, QaAppeal.status == "open")
            .values(status="accepted", decided_by=lead, decided_at=now,
                    corrected_review_id=corrected.id))
        if done.rowcount != 1:
            raise _Decided(appeal.id)
        session.refresh(appeal)
        original = session.get(QaReview, appeal.review_id)
        assert original is not None
        outbox.add(session, *notices.appeal_decided(
            session, original, review_card(session, self.config, original),
            appeal_card(session, self.config, appeal)))
        log.info("QA appeal %s accepted by %s: review %s corrected by %s", appeal.id, lead,
                 original.id, corrected.id)

    def _decided_error(self, appeal_id: int) -> str:
        with self.sessions() as session:
            appeal = read_only(session).get(QaAppeal, appeal_id)
            assert appeal is not None
            return qa_answers.error_decided(appeal_card(session, self.config, appeal))

