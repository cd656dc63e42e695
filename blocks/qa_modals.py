"""QA's modals: the checklist (`qa_checklist`), the agent's appeal (`qa_appeal`) and a lead's
reason to reject one; and reading a submitted checklist back into plain values."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from blocks.ids import ActionId, BlockId, ViewId
from blocks.qa import AppealCard, ChecklistForm, ChecklistItem, ReviewCard, person, quote, score_line, ticket_link
from blocks.text import SECTION_TEXT_MAX, safe
from domain.qa import RESULTS, Result, Signals

View = dict[str, Any]

# Slack's limits for one modal (https://api.slack.com/reference/surfaces/views).
MODAL_MAX_BLOCKS = 100
LABEL_MAX = 2000  # an input block's label
# Blocks besides the items: the ticket, the signals, a divider, a correction's note, the comment.
FIXED_BLOCKS = 5
MAX_ITEMS = MODAL_MAX_BLOCKS - FIXED_BLOCKS
CRITICAL_MARK = "[Critical] "
REASON_MAX = 3000

RESULT_LABELS: dict[Result, str] = {"pass": "Pass", "fail": "Fail", "na": "Not applicable"}
LOOKING = ":hourglass_flowing_sand: Looking at the ticket's history…"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section",
                             "text": {"type": "mrkdwn", "text": text[:SECTION_TEXT_MAX]}}
    if block_id:
        block["block_id"] = block_id
    return block


def item_label(item: ChecklistItem) -> str:
    """The label of an item's input block (check-config keeps it within LABEL_MAX)."""
    return (CRITICAL_MARK if item.critical else "") + item.text


def item_block_id(item_id: str) -> str:
    return f"{BlockId.QA_ITEM.value}{item_id}"


def _option(result: Result) -> dict[str, Any]:
    return {"text": _plain(RESULT_LABELS[result]), "value": result}


def _item(item: ChecklistItem, total: int, prefill: Result | None) -> dict[str, Any]:
    hint = f"Weight {item.weight} of {total}."
    if item.critical:
        hint = "Critical: failing it makes the whole review 0. " + hint
    element: dict[str, Any] = {"type": "radio_buttons", "action_id": ActionId.QA_ITEM_RESULT.value,
                               "options": [_option(r) for r in RESULTS]}
    if prefill is not None:
        element["initial_option"] = _option(prefill)
    return {"type": "input", "block_id": item_block_id(item.id),
            "label": _plain(item_label(item)[:LABEL_MAX]), "hint": _plain(hint),
            "element": element}


def signal_lines(signals: Signals) -> list[str]:
    """One line per signal found, then the agent replies' count."""
    lines = []
    if signals.solved_unconfirmed:
        lines.append(":warning: *Closed without confirmation*: solved with no customer reply "
                     "after the last agent reply" + _times(signals.solved_unconfirmed))
    if signals.customer_chased:
        lines.append(f":warning: *Had to chase*: the customer wrote {signals.customer_chased} "
                     "times in a row without an agent answer")
    if signals.breached:
        names = ", ".join(t.replace("_", " ") for t in signals.breached)
        lines.append(f":warning: *SLA breached*: {names}")
    if signals.reopened:
        lines.append(":warning: *Reopened after solved*" + _times(signals.reopened))
    if not lines:
        lines.append(":white_check_mark: No warning signs in the ticket's history")
    replies = signals.agent_replies
    lines.append(f":speech_balloon: {replies} public agent repl{'y' if replies == 1 else 'ies'}")
    return lines


def _times(n: int) -> str:
    return f" ({n} times)" if n > 1 else ""


def _signals(signals: Signals | None) -> dict[str, Any]:
    if signals is None:
        return {"type": "context", "block_id": BlockId.QA_SIGNALS.value,
                "elements": [{"type": "mrkdwn", "text": LOOKING}]}
    text = ("*What the ticket's history shows* (for you to weigh; it does not score)\n"
            + "\n".join(signal_lines(signals)))
    return _section(text, BlockId.QA_SIGNALS.value)


def checklist(form: ChecklistForm) -> View:
    """The checklist modal. Its block ids stay the same from the first view to the one with
    the signals, so what the reviewer already chose is kept by `views.update`."""
    total = sum(item.weight for item in form.items)
    blocks: list[dict[str, Any]] = [
        _section(f"{ticket_link(form.ticket)}\n*Agent*: {person(form.agent)}",
                 BlockId.QA_TICKET.value),
        _signals(form.signals),
    ]
    note = form.correcting
    if note is not None:
        blocks.append({"type": "context", "block_id": BlockId.QA_CORRECTION.value, "elements": [
            {"type": "mrkdwn", "text": (
                f":leftwards_arrow_with_hook: Correcting the review by <@{note.reviewer}> "
                f"({note.score}/100) after the agent's appeal: "
                f"{safe(note.reason, 2500)}")[:SECTION_TEXT_MAX]}]})
    blocks.append({"type": "divider"})
    blocks += [_item(item, total, form.prefill.get(item.id)) for item in form.items]
    comment: dict[str, Any] = {"type": "plain_text_input", "multiline": True,
                               "action_id": ActionId.QA_COMMENT_TEXT.value, "max_length": 3000}
    if form.comment:
        comment["initial_value"] = form.comment[:3000]
    blocks.append({"type": "input", "block_id": BlockId.QA_COMMENT.value, "optional": True,
                   "label": _plain("Comment for the agent"), "element": comment})
    return {"type": "modal", "callback_id": ViewId.QA_CHECKLIST.value,
            "title": _plain("Correct QA review" if note else "QA review"),
            "submit": _plain("Save correction" if note else "Submit review"),
            "close": _plain("Cancel"), "private_metadata": form.metadata, "blocks": blocks}


def read_checklist(values: Mapping[str, Any], item_ids: list[str]
                   ) -> tuple[dict[str, str | None], str | None]:
    """(item id → chosen value or None, comment) from a submitted view's `state.values`."""
    answers: dict[str, str | None] = {}
    for item_id in item_ids:
        element = (values.get(item_block_id(item_id)) or {}).get(ActionId.QA_ITEM_RESULT.value)
        selected = element.get("selected_option") if isinstance(element, dict) else None
        answers[item_id] = selected.get("value") if isinstance(selected, dict) else None
    return answers, read_text(values, BlockId.QA_COMMENT.value, ActionId.QA_COMMENT_TEXT.value)


def read_text(values: Mapping[str, Any], block_id: str, action_id: str) -> str | None:
    """A text input's value, stripped; None when empty or absent."""
    element = (values.get(block_id) or {}).get(action_id)
    value = element.get("value") if isinstance(element, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def _reason_modal(callback_id: str, title: str, submit: str, intro: str, block_id: str,
                  label: str, placeholder: str, metadata: str) -> View:
    """A modal that asks one thing: a reason (required)."""
    reason = {"type": "input", "block_id": block_id, "label": _plain(label),
              "element": {"type": "plain_text_input", "multiline": True, "min_length": 1,
                          "max_length": REASON_MAX, "action_id": ActionId.QA_REASON_TEXT.value,
                          "placeholder": _plain(placeholder)}}
    return {"type": "modal", "callback_id": callback_id, "title": _plain(title),
            "submit": _plain(submit), "close": _plain("Cancel"), "private_metadata": metadata,
            "blocks": [_section(intro), reason]}


def appeal(card: ReviewCard, metadata: str) -> View:
    """The agent's appeal: why the review should change."""
    intro = (f"Your QA review of {ticket_link(card.ticket)} by <@{card.reviewer}>: "
             f"{score_line(card)}.\nThe team's leads read your reason and accept or reject "
             "the appeal; you are told the outcome by DM.")
    return _reason_modal(ViewId.QA_APPEAL.value, "Appeal QA review", "Send appeal", intro,
                         BlockId.QA_APPEAL_REASON.value, "Why should it change?",
                         "Which items, and what the reviewer missed", metadata)


def reject(card: ReviewCard, appeal_card: AppealCard, metadata: str) -> View:
    """A lead rejects an appeal: the reason the agent will read."""
    intro = (f"<@{appeal_card.agent}> appeals the review of {ticket_link(card.ticket)} "
             f"({score_line(card)}):\n{quote(appeal_card.reason, 2000)}")
    return _reason_modal(ViewId.QA_APPEAL_REJECT_REASON.value, "Reject appeal", "Reject appeal", intro,
                         BlockId.QA_REJECT_REASON.value, "Why is it rejected?",
                         "The agent reads this", metadata)
