"""app.yaml's `qa` (the checklist, who reviews, the pass mark) and `ratings` (what is negative)."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from blocks.qa_modals import CRITICAL_MARK, LABEL_MAX, MAX_ITEMS, MODAL_MAX_BLOCKS
from chatops.config.fields import Duration, Model, UserId, pattern
from domain.ratings import DEFAULT_NEGATIVE, parse_score


def _fits_a_label(text: str) -> str:
    """The text is the label of the item's input block in the checklist modal."""
    room = LABEL_MAX - len(CRITICAL_MARK)
    if len(text) > room:
        raise ValueError(f"{len(text)} characters: a Slack modal shows at most {room} as an "
                         "item's label; shorten it")
    return text


class QaItem(Model):
    """One checklist item: pass / fail / not applicable."""

    id: Annotated[str, pattern(r"[A-Za-z0-9_.-]{1,50}", "an item id (letters, digits, _ . -; at most 50)")]
    text: Annotated[str, Field(min_length=1), AfterValidator(_fits_a_label)]
    weight: Annotated[int, Field(gt=0)] = 1
    critical: bool = False


DEFAULT_CHECKLIST: list[dict[str, Any]] = [
    {"id": "knowledge", "text": "Knows the product in theory and in practice", "weight": 2},
    {"id": "attentive", "text": "Read the whole request; no template sent by mistake", "weight": 2},
    {"id": "efficient", "text": "Drove the ticket without customer reminders; right diagnostics", "weight": 1},
    {"id": "composure", "text": "Kept calm and correct under pressure or negativity", "weight": 1},
    {"id": "closure", "text": "Closed only after the customer confirmed the fix", "weight": 2, "critical": True},
]


class QaConfig(Model):
    """QA review: who reviews, the pass mark and the checklist."""

    reviewers: list[UserId] = []
    pass_mark: Annotated[int, Field(ge=0, le=100)] = 80
    appeal_window: Duration = timedelta(days=14)
    checklist: Annotated[list[QaItem], Field(min_length=1)] = Field(
        default_factory=lambda: [QaItem.model_validate(i) for i in DEFAULT_CHECKLIST]
    )

    @field_validator("checklist")
    @classmethod
    def _fits_one_modal(cls, value: list[QaItem]) -> list[QaItem]:
        if len(value) > MAX_ITEMS:
            raise ValueError(f"{len(value)} items do not fit one Slack modal: at most {MAX_ITEMS} "
                             f"(a modal holds {MODAL_MAX_BLOCKS} blocks; "
                             f"{MODAL_MAX_BLOCKS - MAX_ITEMS} hold the ticket, its signals, a "
                             "correction's note, a divider and the comment)")
        return value

    @field_validator("checklist")
    @classmethod
    def _unique_ids(cls, value: list[QaItem]) -> list[QaItem]:
        ids = [item.id for item in value]
        for i, item in enumerate(value):
            if item.id in ids[:i]:
                raise ValueError(f'the id "{item.id}" is used twice (items [{ids.index(item.id)}] and [{i}])')
        return value


def _score(value: Any) -> str | int:
    """A contract score; quoted digits (`"2"`, as YAML may write them) count as the number."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return parse_score(value)


class RatingsConfig(Model):
    """Which customer scores count as negative."""

    negative: list[Annotated[str | int, BeforeValidator(_score)]] = list(DEFAULT_NEGATIVE)
