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


class ViewId(StrEnum):
    QA_CHECKLIST = "qa_checklist"
    QA_APPEAL = "qa_appeal"


class ShortcutId(StrEnum):
    QA_REVIEW = "qa_review"
