"""QA's permission checks, as Bolt listener middleware: decided before the listener runs.

A press refused here gets an ephemeral answer (through the outbox) and an empty ack; a modal
submission refused here gets a field error. Either way nothing else happens. What the check
established (the ticket, the review, the appeal, the modal's metadata) is handed to the
listener in `context`.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltResponse

from blocks import qa_answers
from blocks.ids import BlockId
from chatops.qa.access import QaAccess, Verdict
from chatops.qa.metadata import AppealMeta, ChecklistMeta, Metadata, RejectMeta
from handlers.slack.payloads import action_number, action_value, channel_of, thread_of_message, user_of, view_of

log = logging.getLogger("chatops.slack")

VIEW_ID = re.compile(r"V[A-Z0-9]{1,90}")  # Slack's view ids; one is the key of a submission

Middleware = Callable[..., BoltResponse | None]
Next = Callable[[], None]


def _refuse(access: QaAccess, body: dict[str, Any], verdict: Verdict) -> None:
    if verdict.refusal is not None:
        access.tell(channel_of(body), user_of(body), verdict.refusal)


def reviewers_only(access: QaAccess) -> Middleware:
    """The `QA review` button (value: the ticket id) and the `qa_review` message shortcut (on
    the parent or any reply of a ticket's thread): the ticket team's leads and the QA reviewers,
    never on a ticket assigned to them. Sets `context["qa_ticket"]`."""

    def qa_reviewer_gate(body: dict[str, Any], ack: Ack, context: BoltContext,
                         next_: Next) -> BoltResponse | None:
        user = user_of(body)
        if body.get("type") == "message_action":
            ticket = access.ticket_of_message(channel_of(body), thread_of_message(body))
            if ticket is None:
                access.tell(channel_of(body), user, qa_answers.not_a_ticket_thread())
                return ack()
        else:
            ticket = action_value(body)
        verdict = access.may_review(ticket, user)
        if not verdict.allowed:
            _refuse(access, body, verdict)
            return ack()
        context["qa_ticket"] = ticket
        next_()
        return None

    return qa_reviewer_gate


def _press_gate(check: Callable[[int | None, str], Verdict], access: QaAccess,
                key: str) -> Middleware:
    def qa_press_gate(body: dict[str, Any], ack: Ack, context: BoltContext,
                      next_: Next) -> BoltResponse | None:
        number = action_number(body)
        verdict = check(number, user_of(body))
        if not verdict.allowed:
            _refuse(access, body, verdict)
            return ack()
        context[key] = number
        next_()
        return None

    return qa_press_gate


def appellant_only(access: QaAccess) -> Middleware:
    """`Appeal` (value: the review id): only the review's agent. Sets `context["qa_review"]`."""
    return _press_gate(access.may_appeal, access, "qa_review")


def deciders_only(access: QaAccess) -> Middleware:
    """`Accept` / `Reject` (value: the appeal id): the team's leads but the appellant. Sets
    `context["qa_appeal"]`."""
    return _press_gate(access.may_decide, access, "qa_appeal")


def _view_gate(kind: type[Metadata], check: Callable[[Any, str], Verdict],
               error_block: str) -> Middleware:
    def qa_view_gate(body: dict[str, Any], ack: Ack, context: BoltContext,
                     next_: Next) -> BoltResponse | None:
        view = view_of(body)
        meta = kind.load(view.get("private_metadata"))
        if meta is None or not VIEW_ID.fullmatch(str(view.get("id"))):
            log.warning("a %s submission without readable metadata: closed, nothing stored",
                        view.get("callback_id"))
            return ack()
        if not check(meta, user_of(body)).allowed:
            return ack(response_action="errors", errors={error_block: qa_answers.ERROR_NOT_ALLOWED})
        context["qa_meta"] = meta
        next_()
        return None

    return qa_view_gate


def checklist_submitters_only(access: QaAccess) -> Middleware:
    """A checklist submitted: who may open it may submit it (a correction: who may decide)."""

    def check(meta: ChecklistMeta, user: str) -> Verdict:
        if meta.appeal is not None:
            return access.may_decide(meta.appeal, user)
        return access.may_review(meta.ticket, user)

    return _view_gate(ChecklistMeta, check, BlockId.QA_COMMENT.value)


def appeal_submitters_only(access: QaAccess) -> Middleware:
    return _view_gate(AppealMeta, lambda meta, user: access.may_appeal(meta.review, user),
                      BlockId.QA_APPEAL_REASON.value)


def reject_submitters_only(access: QaAccess) -> Middleware:
    return _view_gate(RejectMeta, lambda meta, user: access.may_decide(meta.appeal, user),
                      BlockId.QA_REJECT_REASON.value)
