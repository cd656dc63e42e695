"""Modal submissions: the QA checklist, the agent's appeal, a lead's reason to reject one.
The service's field errors are the ack (`response_action: errors`); otherwise the modal closes."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks.ids import ActionId, BlockId, ViewId
from blocks.qa_modals import read_checklist, read_text
from chatops.qa.access import QaAccess
from chatops.qa.appeals import Decided, QaAppeals
from chatops.qa.reviews import QaReviews
from chatops.runtime import Runtime
from handlers.slack.payloads import user_of, view_of, view_values
from handlers.slack.qa_middleware import (
    appeal_submitters_only,
    checklist_submitters_only,
    reject_submitters_only,
)

Listener = Callable[..., None]


def _answer(ack: Ack, errors: dict[str, str] | None) -> None:
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def register(app: App, rt: Runtime) -> None:
    access = QaAccess(rt.sessions, rt.config, queued=rt.wakeup.notify)
    reviews = QaReviews(rt.sessions, rt.config, rt.clock, rt.sla.rules)
    appeals = QaAppeals(rt.sessions, rt.config, rt.clock, access)
    item_ids = [item.id for item in rt.config.qa.checklist]

    @app.view(ViewId.QA_CHECKLIST.value, middleware=[checklist_submitters_only(access)])
    def qa_checklist(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        answers, comment = read_checklist(view_values(body), item_ids)
        # One review per submitted view: Slack's retry of this submission stores nothing new.
        source = f"view:{view_of(body)['id']}"
        result = reviews.submit(context["qa_meta"], source, user_of(body), answers, comment)
        _answer(ack, result.errors)
        if result.sends:
            rt.wakeup.notify()

    def reason_given(block_id: str, decide: Callable[[Any, str, str | None], Decided]) -> Listener:
        """A modal whose one input is a reason (the appeal, a rejection)."""

        def reason_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
            reason = read_text(view_values(body), block_id, ActionId.QA_REASON_TEXT.value)
            result = decide(context["qa_meta"], user_of(body), reason)
            _answer(ack, result.errors)
            if result.sends:
                rt.wakeup.notify()

        return reason_submitted

    app.view(ViewId.QA_APPEAL.value, middleware=[appeal_submitters_only(access)])(
        reason_given(BlockId.QA_APPEAL_REASON.value, appeals.appeal))
    app.view(ViewId.QA_APPEAL_REJECT_REASON.value, middleware=[reject_submitters_only(access)])(
        reason_given(BlockId.QA_REJECT_REASON.value, appeals.reject))
