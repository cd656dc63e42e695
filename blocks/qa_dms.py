"""QA's DMs: a review's result (to the agent, with `Appeal`, and to the leads), an appeal (to
the leads, with `Accept` / `Reject`), and its outcome (to the agent). Never a channel's."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from blocks.ids import ActionId
from blocks.people import mention
from blocks.qa import AppealCard, ChecklistItem, ReviewCard, quote, score_line, ticket_link, when
from blocks.text import SECTION_TEXT_MAX, safe

Message = dict[str, Any]


def _message(text: str, blocks: list[dict[str, Any]]) -> Message:
    return {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_TEXT_MAX]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_TEXT_MAX]}]}


def _failed(items: tuple[ChecklistItem, ...]) -> list[dict[str, Any]]:
    """The failed items, critical ones marked, within one section's limit."""
    if not items:
        return []
    text = "*Failed items*"
    for i, item in enumerate(items):
        line = "\n• " + ("*[Critical]* " if item.critical else "") + safe(item.text, 500)
        if len(text) + len(line) > SECTION_TEXT_MAX - 40:
            text += f"\n… and {len(items) - i} more"
            break
        text += line
    return [_section(text)]


def _review(card: ReviewCard, head: str) -> list[dict[str, Any]]:
    blocks = [_section(f"{head}\n{score_line(card)}"), *_failed(card.failed)]
    if card.comment:
        blocks.append(_section("*Reviewer's comment*\n" + quote(card.comment, 2500)))
    by = f"Reviewed by <@{card.reviewer}> {when(card.reviewed_at, card)}"
    if card.correction:
        by += " · corrects the earlier review after an appeal"
    blocks.append(_context(by))
    return blocks


def appeal_status(appeal: AppealCard, card: ReviewCard | None = None) -> str:
    """Where an appeal stands, in one line."""
    if appeal.status == "open":
        return (f":hourglass: Appeal sent {when(appeal.opened_at, card)}: "
                "waiting for a lead's decision")
    by = f"<@{appeal.decided_by}>" if appeal.decided_by else "a lead"
    at = f" {when(appeal.decided_at, card)}" if appeal.decided_at else ""
    if appeal.status == "accepted":
        corrected = f": corrected to {appeal.corrected.score}/100" if appeal.corrected else ""
        return f":white_check_mark: Appeal accepted by {by}{at}{corrected}"
    return f":no_entry: Appeal rejected by {by}{at}: {safe(appeal.decision_reason, 1500)}"


def agent_result(card: ReviewCard, appeal: AppealCard | None = None,
                 appeal_until: datetime | None = None) -> Message:
    """The reviewed agent's DM. `Appeal` while no appeal was made and `appeal_until` is given;
    once appealed, the appeal's status instead (this DM is rewritten as it changes)."""
    blocks = _review(card, f":clipboard: *QA review of your ticket* {ticket_link(card.ticket)}")
    if appeal is not None:
        blocks.append(_context(appeal_status(appeal, card)))
    elif appeal_until is not None:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "action_id": ActionId.QA_APPEAL.value, "value": str(card.review_id),
             "text": {"type": "plain_text", "text": "Appeal"}}]})
        blocks.append(_context(f"You can appeal until {when(appeal_until, card)}."))
    return _message(f"QA review of your ticket #{safe(card.ticket.id, 200)}: {card.score}/100",
                    blocks)


def lead_result(card: ReviewCard) -> Message:
    """A lead's copy of a review's result."""
    agent = mention(card.agent, nobody="_no assignee_")
    blocks = _review(card, f":clipboard: *QA review* of {agent}'s ticket {ticket_link(card.ticket)}")
    return _message(f"QA review of ticket #{safe(card.ticket.id, 200)}: {card.score}/100", blocks)


def lead_appeal(card: ReviewCard, appeal: AppealCard) -> Message:
    """The leads' DM about an appeal: `Accept` / `Reject` while open, then the outcome (this DM
    is rewritten in place when a lead decides)."""
    blocks = [_section(f":scales: <@{appeal.agent}> appeals the QA review of "
                       f"{ticket_link(card.ticket)} by <@{card.reviewer}>\n{score_line(card)}"),
              *_failed(card.failed),
              _section("*Reason*\n" + quote(appeal.reason, 2500))]
    if appeal.status == "open":
        value = str(appeal.appeal_id)
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "action_id": ActionId.QA_APPEAL_ACCEPT.value, "value": value,
             "style": "primary", "text": {"type": "plain_text", "text": "Accept"}},
            {"type": "button", "action_id": ActionId.QA_APPEAL_REJECT.value, "value": value,
             "style": "danger", "text": {"type": "plain_text", "text": "Reject"}}]})
        blocks.append(_context("Accept opens the checklist to correct the review; Reject asks "
                               "for a reason. The first lead to decide decides."))
    else:
        blocks.append(_context(appeal_status(appeal, card)))
    return _message(f"Appeal of the QA review of ticket #{safe(card.ticket.id, 200)}", blocks)


def agent_outcome(card: ReviewCard, appeal: AppealCard) -> Message:
    """The agent is told how their appeal was decided."""
    ticket = ticket_link(card.ticket)
    if appeal.status == "accepted" and appeal.corrected is not None:
        head = (f":white_check_mark: Your appeal of the QA review of {ticket} was accepted by "
                f"<@{appeal.decided_by}>. The corrected review counts:")
        blocks = _review(appeal.corrected, head)
        text = f"Appeal accepted: ticket #{safe(card.ticket.id, 200)} now {appeal.corrected.score}/100"
    else:
        blocks = [_section(f":no_entry: Your appeal of the QA review of {ticket} was rejected by "
                           f"<@{appeal.decided_by}>. The review stands: {score_line(card)}"),
                  _section("*Why*\n" + quote(appeal.decision_reason, 2500))]
        text = f"Appeal rejected: ticket #{safe(card.ticket.id, 200)} stays {card.score}/100"
    return _message(text, blocks)
