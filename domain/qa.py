"""QA review rules: an item's result, a checklist's score, who in a ticket's history is the
customer, and the signals a ticket's history shows a reviewer."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, get_args

Result = Literal["pass", "fail", "na"]
RESULTS: tuple[Result, ...] = get_args(Result)

Side = Literal["agent", "customer"]
AGENT_ROLES = frozenset({"agent"})
CUSTOMER_ROLES = frozenset({"customer", "requester", "end-user", "end_user", "user"})


def side_of(author_role: str | None) -> Side | None:
    """Which side of the conversation a comment's `author_role` is on; None for anyone else
    (a system, a bot, an unknown role)."""
    role = (author_role or "").strip().lower()
    if role in AGENT_ROLES:
        return "agent"
    if role in CUSTOMER_ROLES:
        return "customer"
    return None


@dataclass(frozen=True)
class ItemAnswer:
    """One checklist item as answered: its weight, whether it is critical, the result."""

    weight: int
    critical: bool
    result: Result


@dataclass(frozen=True)
class Score:
    score: int  # 0 … 100
    passed: bool
    critical_failed: bool


class NothingApplicable(ValueError):
    """Every item was answered "not applicable": there is nothing to score."""


def score_of(answers: Iterable[ItemAnswer], pass_mark: int) -> Score:
    """100 × weight passed ÷ weight applicable (pass or fail), rounded down to an integer;
    0 when a critical item failed. Passed when not critically failed and the score is at
    least `pass_mark` (rounding down never turns a fail into a pass: for an integer mark,
    the rounded score reaches it exactly when the exact one does)."""
    applicable = [a for a in answers if a.result != "na"]
    total = sum(a.weight for a in applicable)
    if total <= 0:
        raise NothingApplicable("every item is not applicable")
    if any(a.critical and a.result == "fail" for a in applicable):
        return Score(0, False, True)
    earned = sum(a.weight for a in applicable if a.result == "pass")
    score = 100 * earned // total
    return Score(score, score >= pass_mark, False)


@dataclass(frozen=True)
class Signals:
    """What a ticket's own history shows a reviewer. They inform; they never score."""

    solved_unconfirmed: int = 0  # times solved with no customer reply after the last agent reply
    customer_chased: int = 0  # longest run of customer comments without an agent reply (≥ 2)
    breached: tuple[str, ...] = ()  # SLA targets breached (first_response, resolution)
    reopened: int = 0  # times reopened after solved or closed
    agent_replies: int = 0  # public agent comments

    @property
    def warnings(self) -> int:
        return (bool(self.solved_unconfirmed) + bool(self.customer_chased) + bool(self.breached)
                + bool(self.reopened))

    def to_json(self) -> list[dict[str, Any]]:
        """As stored with a review: the signals shown, then the agent replies' count."""
        out: list[dict[str, Any]] = []
        if self.solved_unconfirmed:
            out.append({"signal": "solved_without_confirmation", "times": self.solved_unconfirmed})
        if self.customer_chased:
            out.append({"signal": "customer_chased", "in_a_row": self.customer_chased})
        if self.breached:
            out.append({"signal": "sla_breached", "targets": list(self.breached)})
        if self.reopened:
            out.append({"signal": "reopened", "times": self.reopened})
        out.append({"signal": "agent_replies", "count": self.agent_replies})
        return out
