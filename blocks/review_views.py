"""What the weekly review shows, as plain data (`chatops.review` computes it; the review
builders render it). Counts are whole numbers; shares and averages are derived here, None
when there is nothing to divide by."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from blocks.people import PersonView
from blocks.ratings import RatingView
from domain.tickets import TARGETS


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class TargetWeek:
    """One SLA target over a week: targets met, of which within their budget; breaches."""

    met: int = 0
    on_time: int = 0
    breaches: int = 0

    @property
    def met_share(self) -> float | None:
        return share(self.on_time, self.met)

    def __add__(self, other: TargetWeek) -> TargetWeek:
        return TargetWeek(self.met + other.met, self.on_time + other.on_time,
                          self.breaches + other.breaches)


def no_targets() -> dict[str, TargetWeek]:
    return {target: TargetWeek() for target in TARGETS}


@dataclass(frozen=True)
class RatingCounts:
    """Ratings by score (the stored spelling: `good`, `2` …), the good and the negative ones,
    and how many negative ones were followed up."""

    by_score: Mapping[str, int] = field(default_factory=dict)
    good: int = 0
    negative: int = 0
    followed_up: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_score.values())

    @property
    def good_share(self) -> float | None:
        return share(self.good, self.total)

    def __add__(self, other: RatingCounts) -> RatingCounts:
        scores = dict(self.by_score)
        for score, n in other.by_score.items():
            scores[score] = scores.get(score, 0) + n
        return RatingCounts(scores, self.good + other.good, self.negative + other.negative,
                            self.followed_up + other.followed_up)


@dataclass(frozen=True)
class QaCounts:
    reviews: int = 0
    score_total: int = 0
    passed: int = 0

    @property
    def average(self) -> float | None:
        return share(self.score_total, self.reviews)

    @property
    def pass_rate(self) -> float | None:
        return share(self.passed, self.reviews)


@dataclass(frozen=True)
class WeekFigures:
    """A team's figures over one week."""

    opened: int = 0
    solved: int = 0
    targets: Mapping[str, TargetWeek] = field(default_factory=no_targets)
    first_response_median_s: float | None = None  # working time, of first responses met
    ratings: RatingCounts = field(default_factory=RatingCounts)
    follow_up_median_s: float | None = None  # from a negative rating to its follow-up
    qa: QaCounts = field(default_factory=QaCounts)
    appeals_opened: int = 0
    appeals_accepted: int = 0
    appeals_rejected: int = 0


@dataclass(frozen=True)
class DayFigures:
    """One day of the week, for the chart."""

    start: datetime  # local
    opened: int = 0
    solved: int = 0
    targets: Mapping[str, TargetWeek] = field(default_factory=no_targets)
    good: int = 0
    negative: int = 0
    other: int = 0  # ratings neither good nor negative


@dataclass(frozen=True)
class ReviewFigures:
    week: WeekFigures
    before: WeekFigures  # the 7 days before the week
    days: tuple[DayFigures, ...]


@dataclass(frozen=True)
class ReviewHeader:
    team: str
    start: datetime
    end: datetime
    timezone: str
    per_agent: bool  # agents may be named in the thread


@dataclass(frozen=True)
class QaLine:
    """One QA review of an agent's ticket in the week (the one that counts)."""

    ticket_id: str
    subject: str
    url: str
    score: int
    passed: bool


@dataclass(frozen=True)
class AppealLine:
    """An appeal of an agent's QA review that no lead has decided yet."""

    ticket_id: str
    subject: str
    opened_at: datetime


@dataclass(frozen=True)
class AgentWeek:
    """One agent's own week: what their DM shows, and their line in the leads' breakdown."""

    person: PersonView
    targets: Mapping[str, TargetWeek] = field(default_factory=no_targets)
    ratings: RatingCounts = field(default_factory=RatingCounts)
    qa: tuple[QaLine, ...] = ()
    appeals_opened: int = 0
    open_appeals: tuple[AppealLine, ...] = ()
    released: tuple[RatingView, ...] = ()  # `after_review`: their kept ratings, with comments

    @property
    def qa_counts(self) -> QaCounts:
        return QaCounts(len(self.qa), sum(q.score for q in self.qa), sum(q.passed for q in self.qa))
