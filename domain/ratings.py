"""Customer ratings: the score (`good | neutral | bad` or an integer 1-5, CONTRACT §4), what
"negative" means given `ratings.negative`, and who may see a rating (`rating_visibility`)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from domain.quoting import quoted

Visibility = Literal["leads_only", "after_review", "score_only", "score_and_comment"]
VISIBILITIES: tuple[Visibility, ...] = get_args(Visibility)

SCORE_LABELS = ("good", "neutral", "bad")
DEFAULT_NEGATIVE: tuple[str | int, ...] = ("bad", 1, 2)  # app.yaml's default `ratings.negative`
POSITIVE_SCORES = frozenset({"good", "4", "5"})  # shown in the positive colour


def parse_score(value: object) -> str | int:
    """A score as the contract writes it: a label, or an integer 1-5 (not a bool, not text)."""
    if isinstance(value, str) and value in SCORE_LABELS:
        return value
    if type(value) is int and 1 <= value <= 5:
        return value
    raise ValueError(f"{quoted(value)} is not a rating score (expected good, neutral, bad or 1 to 5)")


@dataclass(frozen=True)
class Score:
    """A received score in its one stored spelling (`"bad"`, `"2"`), and whether it is negative."""

    value: str
    negative: bool


def score_of(raw: str | int, negative: Iterable[str | int]) -> Score:
    """`raw` (a contract score) judged by `ratings.negative`."""
    value = str(parse_score(raw))
    return Score(value=value, negative=value in {str(parse_score(n)) for n in negative})
