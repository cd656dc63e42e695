"""What QA answers a press it refuses: ephemeral messages (mrkdwn), and the plain-text field
errors a modal shows under an input. Nothing was recorded in any of these cases."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from blocks.dates import plain_date
from blocks.qa import AppealCard, when
from blocks.text import safe

Message = dict[str, Any]


def _answer(text: str) -> Message:
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def not_a_ticket_thread() -> Message:
    return _answer(":thinking_face: This is not a ticket thread: `QA review` works on a ticket's "
                   "message in the team channel, or on any reply in its thread.")


def not_a_reviewer(team: str) -> Message:
    return _answer(f":lock: Only the leads of *{safe(team, 200)}* and the QA reviewers "
                   "(`qa.reviewers` in app.yaml) can review its tickets. Nothing was opened.")


def own_ticket(ticket_id: str) -> Message:
    return _answer(f":lock: Ticket #{safe(ticket_id, 200)} is assigned to you: someone else "
                   "reviews it. Nothing was opened.")


def not_your_review() -> Message:
    return _answer(":lock: Only the reviewed agent can appeal this review.")


def appeal_closed(until: datetime) -> Message:
    return _answer(f":closed_lock_with_key: The appeal window of this review closed "
                   f"{when(until)}. Nothing was sent.")


def already_appealed(appeal: AppealCard) -> Message:
    return _answer(f":information_source: You already appealed this review {when(appeal.opened_at)} "
                   f"(one appeal per review); it is *{appeal.status}*.")


def review_replaced() -> Message:
    return _answer(":information_source: A newer review of this ticket replaced this one: "
                   "appeal that one instead.")


def correction_final() -> Message:
    return _answer(":information_source: This review corrects an earlier one after an appeal; "
                   "it cannot be appealed again.")


def not_a_lead(team: str) -> Message:
    return _answer(f":lock: Only the leads of *{safe(team, 200)}* decide its QA appeals.")


def own_appeal() -> Message:
    return _answer(":lock: You appealed this review yourself: another lead decides it.")


def already_decided(appeal: AppealCard) -> Message:
    return _answer(f":information_source: This appeal was already *{appeal.status}* by "
                   f"<@{appeal.decided_by}> {when(appeal.decided_at or appeal.opened_at)}.")


# -- modal field errors (plain text: Slack shows them under the input) -----------------------

ERROR_CHOOSE = "Choose pass, fail or not applicable."
ERROR_ALL_NA = ("Every item is \"not applicable\": mark at least one pass or fail, or cancel "
                "the review.")
ERROR_REASON = "Write a reason."
ERROR_NOT_ALLOWED = "You may not submit this any more; nothing was recorded."
ERROR_NOT_APPEALABLE = ("This review cannot be appealed any more (a newer review replaced it, "
                        "or it is itself a correction); nothing was sent.")
ERROR_UNKNOWN_TICKET = "This ticket is not known any more; nothing was recorded."


def error_decided(appeal: AppealCard, timezone: str = "UTC") -> str:
    at = plain_date(appeal.decided_at, timezone) if appeal.decided_at else "earlier"
    return (f"Another lead decided this appeal first ({appeal.status}, {at}); "
            "nothing was recorded.")


def error_appeal_closed(until: datetime, timezone: str = "UTC") -> str:
    return f"The appeal window closed {plain_date(until, timezone)}; nothing was sent."


def error_already_appealed() -> str:
    return "This review was already appealed (one appeal per review); nothing was sent."
