"""QA's buttons: `QA review`, `Appeal`, `Accept` and `Reject`. Each is authorised by its
middleware; the press is acked at once, then (a Bolt lazy listener, so the ack never waits
for it) the service reads what the modal needs, or answers ephemerally why not, and the
modal opens within the trigger's 3 s.
The `qa_review` message shortcut (handlers/slack/shortcuts.py) opens the checklist the same way."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks.ids import ActionId
from chatops.qa.access import QaAccess
from chatops.qa.appeals import QaAppeals
from chatops.qa.forms import SignalsReader
from chatops.qa.reviews import QaReviews
from chatops.runtime import Runtime
from handlers.slack.modals import open_checklist, open_view
from handlers.slack.payloads import channel_of, trigger_of, user_of
from handlers.slack.qa_middleware import Middleware, appellant_only, deciders_only, reviewers_only

Listener = Callable[..., None]


def checklist_opener(rt: Runtime) -> tuple[list[Middleware], Listener]:
    """The `QA review` button's and shortcut's middleware and listener: the checklist opens
    for the ticket the middleware found and authorised."""
    access = QaAccess(rt.sessions, rt.config, queued=rt.wakeup.notify)
    reviews = QaReviews(rt.sessions, rt.config, rt.clock, rt.sla.rules)
    signals = SignalsReader(rt.sessions, rt.sla.rules, rt.clock)

    def review_ticket(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        form = reviews.form(context["qa_ticket"])
        if form is not None:
            open_checklist(client, trigger_of(body), form, signals)

    return [reviewers_only(access)], review_ticket


def ack_at_once(ack: Ack) -> None:
    """The ack of a press whose work is a lazy listener."""
    ack()


def register(app: App, rt: Runtime) -> None:
    access = QaAccess(rt.sessions, rt.config, queued=rt.wakeup.notify)
    appeals = QaAppeals(rt.sessions, rt.config, rt.clock, access)
    signals = SignalsReader(rt.sessions, rt.sla.rules, rt.clock)
    middleware, review_ticket = checklist_opener(rt)
    app.action(ActionId.QA_REVIEW.value, middleware=middleware)(ack=ack_at_once, lazy=[review_ticket])

    def qa_appeal(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        view = appeals.appeal_modal(context["qa_review"], user_of(body), channel_of(body))
        if view is not None:
            open_view(client, trigger_of(body), view)

    def qa_appeal_accept(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        form = appeals.correction(context["qa_appeal"], user_of(body), channel_of(body))
        if form is not None:
            open_checklist(client, trigger_of(body), form, signals)

    def qa_appeal_reject(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        view = appeals.reject_modal(context["qa_appeal"], user_of(body), channel_of(body))
        if view is not None:
            open_view(client, trigger_of(body), view)

    app.action(ActionId.QA_APPEAL.value, middleware=[appellant_only(access)])(
        ack=ack_at_once, lazy=[qa_appeal])
    app.action(ActionId.QA_APPEAL_ACCEPT.value, middleware=[deciders_only(access)])(
        ack=ack_at_once, lazy=[qa_appeal_accept])
    app.action(ActionId.QA_APPEAL_REJECT.value, middleware=[deciders_only(access)])(
        ack=ack_at_once, lazy=[qa_appeal_reject])
