"""The DMs QA sends, as outbox messages, each under a `ref` naming what it is about so that
it can be rewritten in place later. QA sends nothing but DMs: never to a channel, a ticket's
thread or Teams.

refs: `qa:review:<id>:agent` (the agent's result, rewritten as its appeal moves),
`qa:review:<id>:leads`, `qa:appeal:<id>:leads` (rewritten with the decision),
`qa:appeal:<id>:outcome`.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from blocks import qa_dms
from blocks.qa import AppealCard, ReviewCard
from chatops.config import AppConfig
from chatops.delivery import outbox
from chatops.qa.access import user_of_target
from chatops.qa.cards import appeal_until
from chatops.team_settings import leads_of
from db.models_qa import QaReview
from domain.recipients import Recipient


def review_agent_ref(review_id: int) -> str:
    return f"qa:review:{review_id}:agent"


def appeal_leads_ref(appeal_id: int) -> str:
    return f"qa:appeal:{appeal_id}:leads"


def _leads(session: Session, config: AppConfig, team: str, *besides: str | None) -> list[str]:
    skip = {b for b in besides if b}
    return [lead for lead in dict.fromkeys(leads_of(session, config, team)) if lead not in skip]


def review_stored(session: Session, config: AppConfig, review: QaReview,
                  card: ReviewCard) -> list[outbox.Message]:
    """A new review: its result to the agent (with `Appeal`) and to the team's leads (but the
    reviewer, who wrote it, and the agent, who has their own)."""
    messages = []
    if review.agent_target:
        messages.append(outbox.direct_message(
            Recipient.parse(review.agent_target),
            qa_dms.agent_result(card, appeal_until=appeal_until(config, review)),
            ref=review_agent_ref(review.id)))
    _, agent_user = user_of_target(session, review.agent_target)
    messages += [outbox.direct_message(Recipient.user(lead), qa_dms.lead_result(card),
                                       ref=f"qa:review:{review.id}:leads")
                 for lead in _leads(session, config, review.team, review.reviewer, agent_user)]
    return messages


def appeal_opened(session: Session, config: AppConfig, review: QaReview, card: ReviewCard,
                  appeal: AppealCard) -> list[outbox.Message]:
    """The leads get the appeal with `Accept` / `Reject`; the agent's result DM shows it."""
    messages = [outbox.direct_message(Recipient.user(lead), qa_dms.lead_appeal(card, appeal),
                                      ref=appeal_leads_ref(appeal.appeal_id))
                for lead in _leads(session, config, review.team, appeal.agent)]
    messages += outbox.rewrite_dms(session, review_agent_ref(review.id),
                                   qa_dms.agent_result(card, appeal))
    return messages


def appeal_decided(session: Session, review: QaReview, card: ReviewCard,
                   appeal: AppealCard) -> list[outbox.Message]:
    """Every lead's appeal DM shows the decision, the agent's result DM too, and the agent is
    told the outcome by a DM of its own."""
    messages = outbox.rewrite_dms(session, appeal_leads_ref(appeal.appeal_id),
                                  qa_dms.lead_appeal(card, appeal))
    messages += outbox.rewrite_dms(session, review_agent_ref(review.id),
                                   qa_dms.agent_result(card, appeal))
    if review.agent_target:
        messages.append(outbox.direct_message(Recipient.parse(review.agent_target),
                                              qa_dms.agent_outcome(card, appeal),
                                              ref=f"qa:appeal:{appeal.appeal_id}:outcome"))
    return messages
