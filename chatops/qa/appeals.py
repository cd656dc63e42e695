"""Appeals: the agent's `Appeal` (one per review, ever: a unique key; only within
`qa.appeal_window`), and a lead's decision. `Accept` opens the checklist pre-filled to correct
the review (the decision is stored with the correction, `chatops.qa.reviews`); `Reject` asks
for a reason. Deciding is a compare-and-set on the appeal's status: the first lead wins, a
later one is told who decided and when."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from blocks import qa_answers, qa_modals
from blocks.ids import BlockId
from blocks.qa import ChecklistForm
from chatops.clock import Clock
from chatops.config import AppConfig
from chatops.delivery import outbox
from chatops.qa import notices
from chatops.qa.access import QaAccess
from chatops.qa.cards import appeal_card, appeal_until, review_card
from chatops.qa.forms import correction_form
from chatops.qa.metadata import AppealMeta, RejectMeta
from db.models_qa import QaAppeal, QaReview
from db.session import read_only

log = logging.getLogger("chatops.qa")

Errors = dict[str, str]
REASON_KEEP = 3000


@dataclass(frozen=True)
class Decided:
    errors: Errors | None = None  # None: done (or done before), the modal closes
    sends: bool = False


class QaAppeals:
    def __init__(self, sessions: sessionmaker[Session], config: AppConfig, clock: Clock,
                 access: QaAccess) -> None:
        self.sessions = sessions
        self.config = config
        self.clock = clock
        self.access = access

    # -- the agent --------------------------------------------------------------------------
    def appeal_modal(self, review_id: int, user: str, channel: str | None) -> dict[str, Any] | None:
        """The appeal modal, or None after telling the agent why not (ephemerally)."""
        with self.sessions() as session:
            review = read_only(session).get(QaReview, review_id)
            if review is None:
                return None
            refusal = self._cannot_appeal(session, review)
            if refusal is None:
                return qa_modals.appeal(review_card(session, self.config, review),
                                        AppealMeta(review=review.id).dump())
        self.access.tell(channel, user, refusal)
        return None

    def _cannot_appeal(self, session: Session, review: QaReview) -> dict[str, Any] | None:
        until = appeal_until(self.config, review)
        if until is None:
            return qa_answers.correction_final()
        appeal = session.scalar(select(QaAppeal).where(QaAppeal.review_id == review.id))
        if appeal is not None:
            return qa_answers.already_appealed(appeal_card(session, self.config, appeal))
        if review.superseded_by_id is not None:
            return qa_answers.review_replaced()
        if self.clock.now() >= until:
            return qa_answers.appeal_closed(until)
        return None

    def appeal(self, meta: AppealMeta, user: str, reason: str | None) -> Decided:
        """Store the appeal (once per review) and send it to the leads."""
        if not reason:
            return Decided({BlockId.QA_APPEAL_REASON.value: qa_answers.ERROR_REASON})
        field = BlockId.QA_APPEAL_REASON.value
        try:
            with self.sessions.begin() as session:
                review = session.get(QaReview, meta.review)
                if review is None:
                    return Decided({field: qa_answers.ERROR_NOT_ALLOWED})
                earlier = session.scalar(select(QaAppeal).where(QaAppeal.review_id == review.id))
                if earlier is not None:
                    # The same appeal again (Slack's retry) closes the modal; another one is refused.
                    same = earlier.agent == user and earlier.reason == reason[:REASON_KEEP]
                    return Decided(None if same else {field: qa_answers.error_already_appealed()})
                until = appeal_until(self.config, review)
                now = self.clock.now()
                if until is None or review.superseded_by_id is not None:
                    return Decided({field: qa_answers.ERROR_NOT_APPEALABLE})
                if now >= until:
                    timezone = self.config.team_timezone(self.config.team_for(review.team))
                    return Decided({field: qa_answers.error_appeal_closed(until, timezone)})
                appeal = QaAppeal(review_id=review.id, team=review.team, agent=user,
                                  reason=reason[:REASON_KEEP], opened_at=now, status="open")
                session.add(appeal)
                session.flush()  # one appeal per review: a concurrent twin fails here
                outbox.add(session, *notices.appeal_opened(
                    session, self.config, review, review_card(session, self.config, review),
                    appeal_card(session, self.config, appeal)))
                log.info("QA review %s appealed by %s (appeal %s)", review.id, user, appeal.id)
                return Decided(sends=True)
        except IntegrityError:
            return Decided({field: qa_answers.error_already_appealed()})

    # -- a lead -----------------------------------------------------------------------------
    def correction(self, appeal_id: int, user: str, channel: str | None) -> ChecklistForm | None:
        """`Accept`: the checklist pre-filled to correct the review, or None after telling the
        lead who decided the appeal already."""
        with self.sessions() as session:
            appeal = read_only(session).get(QaAppeal, appeal_id)
            if appeal is None:
                return None
            if appeal.status == "open":
                return correction_form(session, self.config, appeal)
            decided = qa_answers.already_decided(appeal_card(session, self.config, appeal))
        self.access.tell(channel, user, decided)
        return None

    def reject_modal(self, appeal_id: int, user: str, channel: str | None) -> dict[str, Any] | None:
        """`Reject`: the modal asking why, or None after telling the lead who decided already."""
        with self.sessions() as session:
            appeal = read_only(session).get(QaAppeal, appeal_id)
            if appeal is None:
                return None
            card = appeal_card(session, self.config, appeal)
            if appeal.status == "open":
                review = session.get(QaReview, appeal.review_id)
                assert review is not None
                return qa_modals.reject(review_card(session, self.config, review), card,
                                        RejectMeta(appeal=appeal.id).dump())
        self.access.tell(channel, user, qa_answers.already_decided(card))
        return None

    def reject(self, meta: RejectMeta, user: str, reason: str | None) -> Decided:
        """Decide `rejected` with the reason, if the appeal is still open (compare-and-set)."""
        field = BlockId.QA_REJECT_REASON.value
        if not reason:
            return Decided({field: qa_answers.ERROR_REASON})
        with self.sessions.begin() as session:
            now = self.clock.now()
            done = session.connection().execute(
                update(QaAppeal).where(QaAppeal.id == meta.appeal, QaAppeal.status == "open")
                .values(status="rejected", decided_by=user, decided_at=now,
                        decision_reason=reason[:REASON_KEEP]))
            appeal = session.get(QaAppeal, meta.appeal)
            if appeal is None:
                return Decided({field: qa_answers.ERROR_NOT_ALLOWED})
            if done.rowcount != 1:
                same = (appeal.status, appeal.decided_by, appeal.decision_reason) == (
                    "rejected", user, reason[:REASON_KEEP])
                return Decided(None if same else {field: qa_answers.error_decided(
                    appeal_card(session, self.config, appeal))})
            review = session.get(QaReview, appeal.review_id)
            assert review is not None
            outbox.add(session, *notices.appeal_decided(
                session, review, review_card(session, self.config, review),
                appeal_card(session, self.config, appeal)))
            log.info("QA appeal %s rejected by %s", appeal.id, user)
            return Decided(sends=True)
