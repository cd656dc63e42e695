"""Every action_id, callback_id and block_id the app uses (CONTRACT §7), in one place."""
from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    QA_REVIEW = "qa_review"
    QA_APPEAL = "qa_appeal"
    QA_APPEAL_ACCEPT = "qa_appeal_accept"
    QA_APPEAL_REJECT = "qa_appeal_reject"
    RATING_FOLLOWED_UP = "rating_followed_up"
    OPEN_TICKET = "open_ticket"
    # Elements inside modal input blocks (read back from the submitted view's state).
    QA_ITEM_RESULT = "qa_item_result"
    QA_COMMENT_TEXT = "qa_comment_text"
    QA_REASON_TEXT = "qa_reason_text"


class ViewId(StrEnum):
    QA_CHECKLIST = "qa_checklist"
    QA_APPEAL = "qa_appeal"
    QA_APPEAL_REJECT_REASON = "qa_appeal_reject_reason"  # a lead's reason to reject an appeal


class ShortcutId(StrEnum):
    QA_REVIEW = "qa_review"


class BlockId(StrEnum):
    QA_TICKET = "qa_ticket"
    QA_SIGNALS = "qa_signals"
    QA_CORRECTION = "qa_correction"
    QA_ITEM = "qa_item:"  # + the checklist item's id
    QA_COMMENT = "qa_comment"
    QA_APPEAL_REASON = "qa_appeal_reason"
    QA_REJECT_REASON = "qa_reject_reason"
