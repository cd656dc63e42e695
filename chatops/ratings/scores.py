"""Customer scores, normalised: `good | neutral | bad` or `1` … `5`, and whether one is negative."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LABELS = ("good", "neutral", "bad")


@dataclass(frozen=True)
class Score:
    value: str  # "good" | "neutral" | "bad" | "1" … "5"
    negative: bool


def normalise(raw: str | int, negative: Iterable[str | int]) -> Score:
    """One spelling per score (`2`, `"2"` → `"2"`; labels lower-cased); `negative` from
    `ratings.negative` decides what is bad."""
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a rating score")
    text = str(raw).strip().lower()
    if text.isdigit() and 1 <= int(text) <= 5:
        value = str(int(text))
    elif text in LABELS:
        value = text
    else:
        raise ValueError(f"{raw!r} is not a rating score (good, neutral, bad or 1 to 5)")
    bad = {str(n).strip().lower() for n in negative}
    return Score(value=value, negative=value in bad)
